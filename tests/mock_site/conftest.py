"""Fixtures for the replica's own tests: an app on an injectable clock and a `Site` helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mock_site import Clock, MockConfig, create_app
from tests.mock_site.helpers import Site, seed_day_clock


@pytest.fixture
def clock() -> Clock:
    return seed_day_clock()


@pytest.fixture
def make_site(clock: Clock) -> Iterator[Callable[..., Site]]:
    def factory(**config: Any) -> Site:
        config.setdefault("clock", clock)
        config.setdefault("ris_delay_s", 0)
        app = create_app(MockConfig(**config))
        app.testing = True
        return Site(app, app.test_client(), clock)

    yield factory


@pytest.fixture
def site(make_site: Callable[..., Site]) -> Site:
    return make_site()
