"""Secrets off the command line, remote assistance refused on the real site without the
advisor, the host rule on --mailbox-url (issue 12, items 1–3), before any page."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from carsat_pilot.cli import app
from carsat_pilot.journeys import run as journeys
from carsat_pilot.site.browser import find_browser
from tests.e2e.harness import write_profile

BASE = "http://127.0.0.1:9"
LINK = f"{BASE}/espace-personnel/activation/Xk3_9aQz7LmP2vR8tYw4nB6cD1eF5gH0"
VISIBLE = "visible des autres utilisateurs"


def _browser() -> str:
    found = find_browser()
    return str(found.path) if found.path is not None else ""


@pytest.fixture
def activations(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []

    def fake_activate(options: Any, nir: str, password: str, link: str | None) -> str:
        seen.append(link)
        return "fait"

    monkeypatch.setattr(journeys, "activate", fake_activate)
    return seen


def _env(tmp_path: Path, **more: str) -> dict[str, str]:
    env = {
        "CARSAT_PILOT_PASSWORD": "Retraite2026Ok",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "HOME": str(tmp_path),
    }
    if _browser():
        env["CARSAT_PILOT_BROWSER"] = _browser()
    env.update(more)
    return env


def _activate(tmp_path: Path, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> Any:
    profile = write_profile(tmp_path)
    return CliRunner().invoke(
        app,
        ["activate", *args, "--profile", str(profile), "--base-url", BASE, "--human", "terminal", "--headless"],
        env=env or _env(tmp_path),
        input=stdin,
    )


def test_a_link_as_argument_still_works_but_says_it_is_visible(tmp_path: Path, activations: list[Any]) -> None:
    result = _activate(tmp_path, LINK)
    assert result.exit_code == 0, result.output
    assert activations == [LINK]
    assert VISIBLE in " ".join(result.output.split())


def test_without_the_link_it_is_asked_by_the_hand_over_and_nothing_is_visible(
    tmp_path: Path, activations: list[Any]
) -> None:
    result = _activate(tmp_path)
    assert result.exit_code == 0, result.output
    assert activations == [None]  # the activation flow asks for it on standard input
    assert VISIBLE not in result.output


def test_the_link_from_the_environment_is_taken_out_of_it(tmp_path: Path, activations: list[Any]) -> None:
    result = _activate(tmp_path, env=_env(tmp_path, CARSAT_PILOT_LINK=LINK))
    assert result.exit_code == 0, result.output
    assert activations == [LINK] and VISIBLE not in result.output
    assert "CARSAT_PILOT_LINK" not in os.environ


def test_the_link_from_a_file_descriptor(tmp_path: Path, activations: list[Any]) -> None:
    read, write = os.pipe()
    os.write(write, (LINK + "\n").encode())
    os.close(write)
    result = _activate(tmp_path, "--link-fd", str(read))
    assert result.exit_code == 0, result.output
    assert activations == [LINK]


def test_a_link_elsewhere_is_refused_whatever_its_way_in(tmp_path: Path, activations: list[Any]) -> None:
    for link in ("http://127.0.0.1:9999/espace-personnel/activation/abc", "http://localhost:9/activation/abc"):
        result = _activate(tmp_path, env=_env(tmp_path, CARSAT_PILOT_LINK=link))
        assert result.exit_code == 2, result.output
        assert "ne mène pas au site" in result.output
    assert activations == []


def test_nir_on_the_command_line_says_it_is_visible_the_variable_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(journeys, "fetch_ris", lambda options, nir, *a, **k: seen.append(nir) or "fait")
    base = ["fetch-ris", "--base-url", BASE, "--human", "terminal", "--headless"]
    result = CliRunner().invoke(app, [*base, "--nir", "1850775123456"], env=_env(tmp_path))
    assert result.exit_code == 0, result.output
    assert VISIBLE in " ".join(result.output.split())
    result = CliRunner().invoke(app, base, env=_env(tmp_path, CARSAT_PILOT_NIR="1 85 07 75 123 456"))
    assert result.exit_code == 0, result.output
    assert VISIBLE not in result.output
    assert seen == ["1850775123456", "1850775123456"]


@pytest.mark.parametrize(
    "mailbox", ["http://127.0.0.1:9999/mailbox", "http://evil.example/mailbox", "javascript:alert(1)"]
)
def test_a_mailbox_elsewhere_is_refused(tmp_path: Path, mailbox: str, activations: list[Any]) -> None:
    profile = write_profile(tmp_path)
    result = CliRunner().invoke(
        app,
        ["register", "--profile", str(profile), "--base-url", BASE, "--human", "terminal", "--mailbox-url", mailbox],
        env=_env(tmp_path),
    )
    assert result.exit_code == 2, result.output
    assert "messagerie" in result.output


def test_remote_assistance_on_the_real_site_needs_the_advisor(tmp_path: Path) -> None:
    """Refused before the browser starts when the advisor says no — even with --yes."""
    profile = write_profile(tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    result = CliRunner().invoke(
        app,
        [
            "register",
            "--profile",
            str(profile),
            "--human",
            "terminal",
            "--headless",
            "--yes",
            "--devtools-port",
            "9333",
        ],
        env=_env(tmp_path, TMPDIR=str(tmp)),
        input="non\n",
    )
    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())
    assert "port DevTools 9333" in output and "Assistance à distance refusée" in output
    assert list(tmp.iterdir()) == []  # no browser was started
    journal = (tmp_path / "data" / "carsat-pilot" / "journal.jsonl").read_text(encoding="utf-8")
    assert "DevTools" not in journal  # nothing opened, nothing to journal


def test_a_devtools_port_out_of_range_is_refused(tmp_path: Path, activations: list[Any]) -> None:
    result = _activate(tmp_path, "--devtools-port", "80")
    assert result.exit_code == 2 and "1024" in result.output
    assert json.dumps(activations) == "[]"
