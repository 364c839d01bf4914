"""`doctor` walks the flows' first pages in a dry run: it finds the words the flows use,
says KO when the site changed, and types or sends nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_site import MockConfig, create_app, get_state, serve
from tests.e2e.harness import ToolRun, isolated_env

pytestmark = pytest.mark.e2e


def _doctor(url: str, home: Path) -> ToolRun:
    env = isolated_env(home)
    env["COLUMNS"] = "250"
    return ToolRun(["doctor", "--base-url", url], env)


def test_doctor_finds_every_word_the_flows_use_and_sends_nothing(home: Path) -> None:
    app = create_app(MockConfig())
    state = get_state(app)
    with serve(app) as server:
        run = _doctor(server.url, home)
        code = run.finish(timeout=120)
    assert code == 0, run.output
    assert "Parcours « Inscription »" in run.output and "Parcours « Connexion »" in run.output
    assert "KO" not in run.output.replace("Écran", "").split("Navigateur lancé")[1]
    assert run.output.count("éléments présents") == 2
    posts = [r.path for r in state.request_log if r.method == "POST" and not r.path.startswith("/cookies")]
    assert posts == []
    assert state.registrations == [] and state.logins == []


def test_doctor_says_ko_when_the_site_changed(home: Path) -> None:
    app = create_app(MockConfig(login_on_home=False))
    with serve(app) as server:
        run = _doctor(server.url, home)
        code = run.finish(timeout=120)
    assert code == 4, run.output
    connexion = [line for line in run.output.splitlines() if "Parcours « Connexion »" in line]
    assert connexion and "KO" in connexion[0]


def test_doctor_names_the_step_and_the_words_and_writes_a_masked_report(home: Path) -> None:
    app = create_app(MockConfig(reword={"Nom de naissance": "Nom de famille à la naissance"}))
    with serve(app) as server:
        run = _doctor(server.url, home)
        code = run.finish(timeout=120)
    assert code == 4, run.output
    said = " ".join(run.output.split())
    assert "Étape 1 : votre identité" in said and "« Nom de naissance »" in said
    reports = list((home / "data" / "carsat-pilot" / "rapports-de-changement").iterdir())
    assert len(reports) == 1, reports
    report = reports[0].read_text(encoding="utf-8")
    assert "étape : Étape 1 : votre identité" in report
    assert "attendu : « Nom de naissance »" in report
    assert "Nom de famille à la naissance" in report  # the page as it is now, for the maintainer
    assert str(reports[0].name) in said.replace(" ", "") or "Rapport" in said
