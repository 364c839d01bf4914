"""Which Chromium a run launches: the system's for a window, its headless shell (when
installed beside it) for a headless run, and always the one the person named."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from carsat_pilot.core.errors import BadInput
from carsat_pilot.site import browser
from carsat_pilot.site.browser import ENV_BROWSER, find_browser, launch_args


def _executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A PATH holding only what the test puts there, and no Playwright download."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-playwright-browsers"))
    monkeypatch.delenv(ENV_BROWSER, raising=False)
    browser._playwright_chromium.cache_clear()
    yield folder
    browser._playwright_chromium.cache_clear()


def test_a_headless_run_launches_the_headless_shell_and_a_window_the_full_chromium(bin_dir: Path) -> None:
    chromium = _executable(bin_dir, "chromium")
    shell = _executable(bin_dir, "chromium-headless-shell")
    found = find_browser()
    assert (found.origin, found.path, found.headless_shell) == ("system", chromium, shell)
    assert launch_args(found, headless=True)["executable_path"] == str(shell)
    assert launch_args(found, headless=False)["executable_path"] == str(chromium)


def test_without_a_headless_shell_every_run_launches_the_chromium(bin_dir: Path) -> None:
    chromium = _executable(bin_dir, "chromium")
    found = find_browser()
    assert found.headless_shell is None
    assert launch_args(found, headless=True)["executable_path"] == str(chromium)


def test_a_headless_shell_alone_is_not_a_browser(bin_dir: Path) -> None:
    """A window needs the full browser: the shell alone is reported missing, with the fix."""
    _executable(bin_dir, "chromium-headless-shell")
    with pytest.raises(BadInput, match="apt-get install -y chromium"):
        find_browser()


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_browser_the_person_named_is_launched_headless_too(
    bin_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    _executable(bin_dir, "chromium")
    _executable(bin_dir, "chromium-headless-shell")
    named = _executable(tmp_path, "my-chrome")
    if how == "environment":
        monkeypatch.setenv(ENV_BROWSER, str(named))
        found = find_browser()
    else:
        found = find_browser(str(named))
    assert (found.origin, found.headless_shell) == (how, None)
    assert launch_args(found, headless=True)["executable_path"] == str(named)
