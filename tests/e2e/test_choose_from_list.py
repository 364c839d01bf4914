"""Choose, don't fail: a profile whose town, complement and secret question are not in the
replica's lists. In the terminal (a pipe) the person picks numbered options; in the
browser (the person attached over CDP) they pick in the page while the overlay says
which list. Either way the journey finishes with the site's own values. And the approval
table shows the address as the site normalized it (a real terminal: nothing masked)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

from mock_site.routes.registration import QUESTIONS
from tests.e2e.conftest import Replica
from tests.e2e.harness import ToolRun, isolated_env
from tests.e2e.inprocess import Run, tool_run
from tests.e2e.test_browser_mode import CAPTCHA_LABEL, _attach, _find_page, _overlay

pytestmark = pytest.mark.e2e

NIR = "1850775123456"
QUESTION_NOT_LISTED = "Quel est le nom de votre rue d'enfance ?"

PROFILE = """\
nir = "1850775123456"
civilite = "Monsieur"
nom_naissance = "DUPONT"
prenom = "Jean"
date_naissance = "15/07/1985"

[adresse]
pays = "FRANCE"
code_postal = "01000"
ville = "{ville}"
numero = "5"
complement = "{complement}"
voie = "avenue Félix Faure"

[contact]
telephone = "0612345678"
email = "jean.dupont@example.org"
question_secrete = "{question}"
reponse_secrete = "Medor"
"""


def _profile(folder: Path, *, ville: str, complement: str, question: str) -> Path:
    path = folder / "personne.toml"
    path.write_text(PROFILE.format(ville=ville, complement=complement, question=question), encoding="utf-8")
    return path


def _number_of(run: Run, option: str) -> str:
    """The number the tool printed before `option` in its latest numbered list."""
    for line in reversed(run.lines):
        found = re.fullmatch(rf"\s*(\d+)\. {re.escape(option)}\s*", line)
        if found:
            return found.group(1)
    raise AssertionError(f"no numbered option « {option} » in:\n{run.output}")


def test_in_the_terminal_the_person_picks_numbered_options_and_the_journey_finishes(
    replica: Replica, home: Path
) -> None:
    profile = _profile(home, ville="PERONNAS", complement="QUINQUIES", question=QUESTION_NOT_LISTED)
    run = tool_run(
        ["register", "--profile", str(profile), "--base-url", replica.url, "--human", "terminal", "--headless",
         "--yes", "--no-activate"],
        isolated_env(home),
    )  # fmt: skip
    run.expect(r"saisissez.*captcha", timeout=90)
    run.send(replica.state.latest_captcha_answer())

    run.expect(r"n'est pas dans la liste « Ville » du site")
    run.expect(r"Votre choix \(numéro\)")
    assert _number_of(run, "BOURG-EN-BRESSE") == "1"
    run.send(_number_of(run, "SAINT-DENIS-LES-BOURG"))

    run.expect(r"n'est pas dans la liste « Complément » du site")
    run.expect(r"Votre choix \(numéro\)")
    run.send(_number_of(run, "B"))

    run.expect(r"n'est pas dans la liste « Question secrète » du site", timeout=60)
    run.expect(r"Votre choix \(numéro\)")
    run.send(_number_of(run, QUESTIONS[2]))

    run.expect(r"Inscription envoyée", timeout=90)
    code = run.finish()
    assert code == 0, run.output
    account = replica.state.accounts[NIR]
    assert (account.ville, account.complement) == ("SAINT-DENIS-LES-BOURG", "B")
    assert account.question_secrete == QUESTIONS[2]
    assert account.adresse_normalisee == ["5 B AV FELIX FAURE", "01000 SAINT-DENIS-LES-BOURG", "FRANCE"]
    assert len(replica.state.registrations) == 1
    assert "Traceback" not in run.output
    # --yes agreed beforehand: the saved profile now holds the site's own values.
    saved = profile.read_text(encoding="utf-8")
    assert 'ville = "SAINT-DENIS-LES-BOURG"' in saved and 'complement = "B"' in saved, saved


def test_in_the_browser_the_person_picks_in_the_page_told_in_their_language(
    replica: Replica, home: Path, devtools_port: int, playwright: Playwright
) -> None:
    profile = _profile(home, ville="PERONNAS", complement="QUINQUIES", question=QUESTION_NOT_LISTED)
    run = ToolRun(
        ["register", "--profile", str(profile), "--base-url", replica.url, "--human", "browser", "--headless",
         "--devtools-port", str(devtools_port), "--lang", "en", "--yes", "--no-activate"],
        isolated_env(home),
    )  # fmt: skip
    browser: Browser | None = None
    told: list[dict[str, str]] = []

    def instructs(french: str):  # type: ignore[no-untyped-def]
        def check(page) -> bool:  # type: ignore[no-untyped-def]
            state = _overlay(page)
            return bool(state) and state.get("instruction_fr") == french

        return check

    try:
        run.expect(r"Recopiez le code de l'image", timeout=90)
        browser = _attach(playwright, devtools_port, run)
        context = browser.contexts[0]
        page = _find_page(
            context,
            lambda p: instructs("Recopiez le code de l'image puis cliquez sur « Étape suivante ».")(p)
            and p.get_by_label(CAPTCHA_LABEL).count() == 1,
            "the form with the overlay asking for the captcha",
        )
        told.append(_overlay(page))
        page.get_by_label(CAPTCHA_LABEL).fill(replica.state.latest_captcha_answer())
        page.get_by_role("button", name=re.compile(r"Etape suivante")).click()

        for french, label, option in (
            ("Choisissez la ville dans la liste.", re.compile(r"^Ville \*"), "SAINT-DENIS-LES-BOURG"),
            ("Choisissez le complément d'adresse dans la liste (BIS, TER…).", re.compile(r"^Complément"), "B"),
            ("Choisissez la question secrète dans la liste.", re.compile(r"^Question secrète"), QUESTIONS[2]),
        ):
            # The overlay is in every tab of the tool: the person looks at the form's.
            page = _find_page(
                context,
                lambda p, french=french, label=label: instructs(french)(p) and p.get_by_label(label).count() == 1,
                f"the form with the overlay saying « {french} »",
                timeout_s=60,
            )
            told.append(_overlay(page))
            page.get_by_label(label).select_option(label=option)
        run.expect(r"Inscription envoyée", timeout=90)
    except BaseException:
        run.proc.kill()  # the tool would wait for the person: the failure is said at once
        raise
    finally:
        if browser is not None:
            browser.close()
    code = run.finish()
    assert code == 0, run.output
    account = replica.state.accounts[NIR]
    assert (account.ville, account.complement, account.question_secrete) == ("SAINT-DENIS-LES-BOURG", "B", QUESTIONS[2])
    # The person read each instruction in English, the French beneath.
    assert [state["instruction"] for state in told] == [
        "Copy the code from the picture, then click « Étape suivante ».",
        "Choose the town from the list.",
        "Choose the address complement from the list (BIS, TER…).",
        "Choose the secret question from the list.",
    ]
    assert all(state["lang"] == "en" and state["dir"] == "ltr" for state in told)
    assert "Traceback" not in run.output


def test_the_approval_table_shows_the_address_the_site_keeps(replica: Replica, home: Path) -> None:
    """« Saint-Denis-lès-Bourg » is the list's « SAINT-DENIS-LES-BOURG » (no question), and
    before « Je valide mon inscription » the table shows the replica's normalized address
    — « 5 AV FELIX FAURE » — beside the address as typed."""
    import pexpect

    profile = _profile(home, ville="Saint-Denis-lès-Bourg", complement="", question=QUESTIONS[0])
    child = pexpect.spawn(
        sys.executable,
        ["-m", "carsat_pilot", "register", "--profile", str(profile), "--base-url", replica.url,
         "--human", "terminal", "--headless", "--no-activate"],
        env=isolated_env(home), encoding="utf-8", timeout=90, dimensions=(50, 200),
    )  # fmt: skip
    try:
        child.expect("personne concernée est-elle présente")
        child.sendline("oui")
        child.expect(r"(?i)saisissez.*captcha")
        child.sendline(replica.state.latest_captcha_answer())
        child.expect(r"Envoyer l'inscription \?")
        table = child.before
        child.sendline("oui")
        child.expect("Inscription envoyée")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, table
    assert "n'est pas dans la liste" not in table
    rows = {
        name.strip(): value.strip()
        for name, value in re.findall(r"│\s*([^│]+?)\s*│\s*([^│]*?)\s*│", table)
    }
    assert rows.get("Adresse retenue par le site") == "5 AV FELIX FAURE 01000 SAINT-DENIS-LES-BOURG FRANCE", table
    assert rows.get("Adresse saisie") == "5 AVENUE FÉLIX FAURE, 01000 SAINT-DENIS-LÈS-BOURG (FRANCE)", table
    account = replica.state.accounts[NIR]
    assert account.ville == "SAINT-DENIS-LES-BOURG"
    assert account.adresse_normalisee[0] == "5 AV FELIX FAURE"
