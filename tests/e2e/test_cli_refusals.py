"""Bad options are refused before anything is sent, with one French sentence and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Replica
from tests.e2e.harness import ToolRun, isolated_env, write_profile


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--base-url", "http://example.com"], "example.com"),
        (["--base-url", "http://www.lassuranceretraite.fr"], "HTTPS"),
        (["--lang", "de"], "--lang"),
        (["--human", "pigeon"], "--human"),
        (["--human", "browser"], "--human terminal"),  # no display here: say what to use instead
        (["--browser-path", "/nonexistent/chrome"], "--browser-path"),
    ],
)
def test_bad_options_exit_2_before_any_request(
    replica: Replica, home: Path, extra: list[str], words: str
) -> None:
    profile = write_profile(home)
    args = ["register", "--profile", str(profile), "--yes"]
    if "--base-url" not in extra:
        args += ["--base-url", replica.url]
    if "--human" not in extra:
        args += ["--human", "terminal"]
    run = ToolRun([*args, *extra], isolated_env(home))
    assert run.finish() == 2, run.output
    assert words in run.output
    assert "Traceback" not in run.output
    assert replica.state.request_log == []


def test_help_is_french_and_lists_the_contract_commands(home: Path) -> None:
    run = ToolRun(["--help"], isolated_env(home))
    assert run.finish() == 0
    for command in ("register", "activate", "fetch-ris", "doctor", "mock-site", "demo"):
        assert command in run.output
    assert "Relevé Individuel de Situation" in run.output
