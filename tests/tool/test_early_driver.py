"""Playwright's driver started while the journey's modules are imported (site/early_driver.py):
taken by the journey when there is one, stopped and removed when the command never used it,
and an import that fails still fails in the main thread."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from carsat_pilot.site import early_driver
from tests.loop_free import runs_off_the_loop


def _driver_processes() -> list[int]:
    """This process's children that are Playwright's driver (Node.js `run-driver`)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"run-driver" in cmdline:
            found.append(int(entry.name))
    return found


@pytest.fixture
def before() -> list[int]:
    """The drivers this test process already had (the tests' own browsers): not the command's."""
    return _driver_processes()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path


@pytest.fixture
def fresh_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module no one has imported yet: what a command's first import is."""
    name = f"cp_fresh_{uuid.uuid4().hex}"
    folder = tmp_path / "modules"
    folder.mkdir()
    (folder / f"{name}.py").write_text("LOADED = True\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    return name


@runs_off_the_loop
def test_a_driver_the_command_never_used_is_stopped_and_its_folder_removed(
    private_tmp: Path, fresh_module: str, before: list[int]
) -> None:
    with early_driver.driver_while_importing(fresh_module):
        assert sys.modules[fresh_module].LOADED
        assert len(early_driver._waiting) == 1
        scratch, _playwright = early_driver._waiting[0]
        assert scratch.path.parent == private_tmp and scratch.path.is_dir()
        assert len(_driver_processes()) == len(before) + 1
    assert early_driver._waiting == []
    assert not scratch.path.exists()
    assert _driver_processes() == before


@runs_off_the_loop
def test_the_journey_takes_the_early_driver_and_cleans_up_after_itself(
    private_tmp: Path, fresh_module: str, before: list[int]
) -> None:
    with early_driver.driver_while_importing(fresh_module):
        early = early_driver._waiting[0]
        with early_driver.driver_and_folder() as (scratch, playwright):
            assert (scratch, playwright) == early  # no second driver started
            assert early_driver._waiting == []
            assert len(_driver_processes()) == len(before) + 1
            browser = playwright.chromium  # the driver answers
            assert browser.name == "chromium"
        assert not scratch.path.exists()
        assert _driver_processes() == before


@runs_off_the_loop
def test_without_an_early_driver_the_journey_starts_its_own(private_tmp: Path, before: list[int]) -> None:
    assert early_driver._waiting == []
    with early_driver.driver_and_folder() as (scratch, _playwright):
        assert scratch.path.is_dir() and len(_driver_processes()) == len(before) + 1
    assert not scratch.path.exists() and _driver_processes() == before


@runs_off_the_loop
def test_an_import_that_fails_still_fails_and_leaves_no_driver(private_tmp: Path, before: list[int]) -> None:
    with (
        pytest.raises(ModuleNotFoundError, match=r"carsat_pilot\.no_such_module"),
        early_driver.driver_while_importing("carsat_pilot.no_such_module"),
    ):
        pytest.fail("the body must not run when the import failed")
    assert early_driver._waiting == [] and _driver_processes() == before
    assert [p for p in private_tmp.iterdir() if p.name.startswith("cp-run-")] == []


@runs_off_the_loop
def test_with_the_modules_already_loaded_no_driver_is_started_early(private_tmp: Path, before: list[int]) -> None:
    """Nothing to overlap (a second command in one process): bad input then costs no driver."""
    import json  # noqa: F401  (loaded: the case of a second command)

    with early_driver.driver_while_importing("json"):
        assert early_driver._waiting == [] and _driver_processes() == before
