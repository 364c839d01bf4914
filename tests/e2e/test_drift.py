"""The whole journey on a replica that drifted the way real sites do (a single-page app,
late dialogs, look-alike decoys, information banners, same-tab links, random ids): the
tool finishes, clicks no decoy, sends no form twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_site import MockConfig
from mock_site.drift import DRIFT_KNOBS, drift_options
from tests.e2e.conftest import Replica
from tests.e2e.journey import assert_whole_journey

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "replica_config",
    [
        pytest.param(MockConfig(ris_delay_s=1.0, drift_seed=11, **drift_options([knob])), id=knob)
        for knob in DRIFT_KNOBS
    ]
    + [pytest.param(MockConfig(ris_delay_s=1.0, drift_seed=11, **drift_options(["all"])), id="all")],
)
def test_the_whole_journey_on_a_drifted_replica(replica: Replica, home: Path) -> None:
    assert_whole_journey(replica, home)
    assert replica.state.decoy_clicks == []
