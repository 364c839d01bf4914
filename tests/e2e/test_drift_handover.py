"""Drift is a hand-over, not a crash: with a visible browser (Xvfb here) and a reworded
button, the tool tells the advisor which step to do by hand and what the procedure says,
waits, recognizes the next step's page when the advisor has done it (over CDP, as remote
assistance would), resumes, and finishes; the journal says which step was done by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, Playwright

from mock_site import MockConfig
from tests.e2e.conftest import Replica
from tests.e2e.harness import ToolRun, isolated_env, write_profile
from tests.e2e.journey import EMAIL, NIR
from tests.e2e.test_browser_mode import _attach, _find_page, _overlay

pytestmark = [pytest.mark.e2e, pytest.mark.headed]

RENAMED = "Vérifier mon adresse"


@pytest.mark.parametrize("replica_config", [MockConfig(ris_delay_s=1.0, reword={"Valider votre voie": RENAMED})])
def test_the_advisor_does_a_changed_step_by_hand_and_the_tool_resumes(
    replica: Replica, home: Path, xvfb_display: str, devtools_port: int, playwright: Playwright
) -> None:
    env = isolated_env(home)
    env["DISPLAY"] = xvfb_display
    run = ToolRun(
        [
            "register",
            "--profile",
            str(write_profile(home)),
            "--base-url",
            replica.url,
            "--human",
            "terminal",
            "--devtools-port",
            str(devtools_port),
            "--yes",
        ],
        env,
    )
    run.expect(r"saisissez.*captcha")
    run.send(replica.state.latest_captcha_answer())
    said = run.expect(r"La page a changé", timeout=60)
    assert "Valider votre voie" in said
    # Nothing was sent past the point where the page stopped matching.
    assert replica.state.registrations == []

    browser = _attach(playwright, devtools_port, run)
    try:
        context = browser.contexts[0]
        page: Page = _find_page(context, lambda p: p.get_by_role("button", name=RENAMED).count() == 1, "the address")
        instruction = _overlay(page)["instruction"]
        assert "La page a changé" in instruction and "Valider votre voie" in instruction
        # The advisor does the step as the procedure says, with the site's new words.
        page.get_by_role("button", name=RENAMED).click()
        page.get_by_role("button", name="Je confirme cette adresse").click()
        page.get_by_role("button", name="Etape suivante").click()

        run.expect(r"faite à la main", timeout=60)
        run.expect(r"lien d'activation", timeout=90)
        run.send(replica.state.latest_email(EMAIL).activation_link)
        code = run.finish(timeout=90)
    finally:
        browser.close()
    assert code == 0, run.output
    state = replica.state
    assert len(state.registrations) == 1 and state.accounts[NIR].status == "active"
    assert state.decoy_clicks == []

    journal = [json.loads(line) for line in (home / "data" / "carsat-pilot" / "journal.jsonl").read_text().splitlines()]
    by_hand = [r for r in journal if "étape faite à la main" in json.dumps(r, ensure_ascii=False)]
    assert by_hand and "Étape 2 : votre adresse" in json.dumps(by_hand[0], ensure_ascii=False)
    reports = list((home / "data" / "carsat-pilot" / "rapports-de-changement").iterdir())
    assert len(reports) == 1
    report = reports[0].read_text(encoding="utf-8")
    assert "Valider votre voie" in report and RENAMED in report  # the words expected, and the page's
    for personal in (NIR, "DUPONT", "Jean", EMAIL, "RUE DE LA GARE", "15/07/1985"):
        assert personal not in report, personal
    assert oct(reports[0].stat().st_mode)[-3:] == "600"
