"""Debug screenshots only on request, private, with the typed fields painted over."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.e2e.conftest import Replica
from tests.e2e.harness import PASSWORD, isolated_env
from tests.e2e.inprocess import Run, tool_run

pytestmark = pytest.mark.e2e
NIR = "1850775123456"


@pytest.fixture
def replica_config():  # type: ignore[no-untyped-def]
    from mock_site import MockConfig

    return MockConfig(ris_delay_s=0)


def _run(replica: Replica, home: Path, *extra: str) -> Run:
    replica.state.add_account(NIR, PASSWORD, ris_available=True)
    return tool_run(
        ["fetch-ris", "--nir", NIR, "--base-url", replica.url, "--human", "terminal",
         "--download-dir", str(home / "RIS"), *extra],
        isolated_env(home),
    )


def test_no_screenshot_without_the_option(replica: Replica, home: Path) -> None:
    run = _run(replica, home)
    assert run.finish() == 0, run.output
    assert not [p for p in home.rglob("*.png")]


def test_screenshots_on_request_are_private_and_masked(replica: Replica, home: Path) -> None:
    from PIL import Image

    folder = home / "captures"
    run = _run(replica, home, "--debug-artifacts", str(folder))
    assert run.finish() == 0, run.output
    assert "champs saisis masqués" in run.output
    shots = sorted(folder.glob("*.png"))
    assert len(shots) >= 3
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in shots)
    # The login step's capture shows the mask colour where the NIR and password were typed.
    login = next(p for p in shots if "acc" in p.name.lower())
    with Image.open(login) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert any(rgb == (0x44, 0x44, 0x44) and count > 500 for count, rgb in colours)
