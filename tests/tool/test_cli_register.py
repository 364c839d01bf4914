"""`register` before any page: warnings said but not blocking, consent journaled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from carsat_pilot.cli import app
from carsat_pilot.journeys import run as journeys
from carsat_pilot.journeys.demo import DEMO_PROFILE
from tests.tool.test_profile_property import _toml, _with


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []

    def fake_register(options: Any, person: Any, password: str, **kwargs: Any) -> str:
        seen.append((person.nir, kwargs))
        return "fait"

    monkeypatch.setattr(journeys, "register", fake_register)
    return seen


def _invoke(tmp_path: Path, data: dict[str, Any], *extra: str) -> Any:
    profile = tmp_path / "p.toml"
    profile.write_text(_toml(data), encoding="utf-8")
    env = {"CARSAT_PILOT_PASSWORD": "Retraite2026Ok", "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    return CliRunner().invoke(
        app,
        ["register", "--profile", str(profile), "--base-url", "http://127.0.0.1:9", "--human", "terminal", *extra],
        env=env,
        input="oui\n",
    )


def test_a_provisional_nir_is_said_and_the_site_decides(tmp_path: Path, calls: list[Any]) -> None:
    result = _invoke(tmp_path, _with("nir", "7" + DEMO_PROFILE["nir"][1:]), "--yes")
    assert result.exit_code == 0, result.output
    assert "provisoire" in result.output
    assert calls and calls[0][0].startswith("7")


def test_consent_is_asked_and_journaled(tmp_path: Path, calls: list[Any]) -> None:
    result = _invoke(tmp_path, _with("nir", DEMO_PROFILE["nir"]))
    assert result.exit_code == 0, result.output
    assert "présente" in result.output and calls
    lines = [json.loads(x) for x in (tmp_path / "data/carsat-pilot/journal.jsonl").read_text().splitlines()]
    consent = [line for line in lines if line["kind"] == "consent"]
    assert consent and consent[0]["data"] == {"accord": "oui", "confirme_par": "conseiller"}
    assert DEMO_PROFILE["nir"] not in json.dumps(lines)


def test_consent_refused_sends_nothing(tmp_path: Path, calls: list[Any]) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text(_toml(_with("nir", DEMO_PROFILE["nir"])), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["register", "--profile", str(profile), "--base-url", "http://127.0.0.1:9", "--human", "terminal"],
        env={"CARSAT_PILOT_PASSWORD": "Retraite2026Ok", "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)},
        input="non\n",
    )
    assert result.exit_code == 2, result.output
    assert "mandataire" in result.output
    assert calls == []
    journal = (tmp_path / "data/carsat-pilot/journal.jsonl").read_text()
    assert '"accord": "non"' in journal
