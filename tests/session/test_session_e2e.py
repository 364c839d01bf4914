"""The guided session against the replica served from this process: once for real, as a
user runs it (a separate process, its standard input a pipe, the test playing the person
from the replica's state), and once with the consent refused."""

from __future__ import annotations

import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from carsat_pilot.desk.session import run_session
from carsat_pilot.site.browser import find_browser
from tests.e2e import conftest as e2e
from tests.e2e.conftest import Replica
from tests.e2e.harness import PASSWORD, ToolRun, isolated_env, write_profile

pytestmark = pytest.mark.e2e

NIR = "1850775123456"
EMAIL = "jean.dupont@example.org"
NIR_ANY_FORM = re.compile(r"1\s?85\s?07\s?75\s?123\s?456")

# The e2e fixtures: a replica served from this process, a short private HOME.
replica_config = e2e.replica_config
replica = e2e.replica
home = e2e.home


def _browser_executable() -> str:
    """Found now, at collection: once pytest-playwright's session loop runs in this
    process, the tool's own lookup (a sync Playwright) cannot start here any more, so the
    in-process sessions are given the browser through CARSAT_PILOT_BROWSER."""
    found = find_browser()
    if found.path is not None:
        return str(found.path)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return str(playwright.chromium.executable_path)


BROWSER = _browser_executable()

DRIVER = """
import sys
from pathlib import Path
from rich.console import Console
from carsat_pilot.desk.session import run_session
sys.exit(run_session(Console(highlight=False), base_url=sys.argv[1], human="terminal", headless=True,
                     summary_path=Path(sys.argv[2])))
"""


@dataclass
class SessionRun(ToolRun):
    """`ToolRun`, but the process runs the session function (not yet a CLI command) in
    the person's folder, where their profile is."""

    cwd: Path | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-c", DRIVER, *self.args]


def test_menu_register_with_a_profile_file_then_activation_against_the_replica(replica: Replica, home: Path) -> None:
    write_profile(home)
    recap = home / "recapitulatif.html"
    run = SessionRun([replica.url, str(recap)], isolated_env(home), cwd=home)
    run.expect(r"1\. Créer l'espace personnel")
    run.expect(r"Votre choix")
    run.send("1")
    run.expect(r"personne concernée est-elle présente")
    run.send("oui")
    run.expect(r"Langue de la personne")
    run.expect(r"Votre choix")
    run.send("")  # Entrée: French
    run.expect(r"Jean DUPONT — 1 85 07 \*\* \*\*\* \*\*\*")
    run.expect(r"Votre choix")
    run.send("1")
    run.expect(r"Enchaîner avec l'activation")
    run.send("o")
    run.expect(r"saisissez.*captcha", timeout=90)
    run.send(replica.state.latest_captcha_answer())
    run.expect(r"Envoyer l'inscription")  # approve before submit: the person checks the recap
    run.send("oui")
    run.expect(r"lien d'activation", timeout=90)
    run.send(replica.state.latest_email(EMAIL).activation_link)
    run.expect(r"Obtenir maintenant le relevé", timeout=90)
    run.send("n")
    run.expect(r"Votre choix")
    run.send("0")
    run.expect(r"Effacer de ce poste")
    run.send("n")
    code = run.finish()

    assert code == 0, run.output
    assert replica.state.accounts[NIR].status == "active"
    assert len(replica.state.registrations) == 1 and len(replica.state.activations) == 1
    assert "Espace personnel activé le" in run.output
    assert not NIR_ANY_FORM.search(run.output) and PASSWORD not in run.output
    text = recap.read_text(encoding="utf-8")
    assert "Jean DUPONT" in text and "Espace personnel activé le" in text
    assert "Obtenez votre relevé" in text
    assert not NIR_ANY_FORM.search(text)
    assert PASSWORD not in text and "Medor" not in text and "jean.dupont" not in text
    journal = home / "data" / "carsat-pilot" / "journal.jsonl"
    records = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert any(r["kind"] == "consent" and r["data"]["accord"] == "oui" for r in records)
    assert not NIR_ANY_FORM.search(journal.read_text(encoding="utf-8"))


@pytest.fixture
def at_the_desk(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in isolated_env(home).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("CARSAT_PILOT_BROWSER", BROWSER)
    monkeypatch.chdir(home)
    return home


def _personal_values_sent(site: Replica) -> list[tuple[str, str, str]]:
    personal = {NIR, "DUPONT", "Jean", EMAIL, PASSWORD, "Medor"}
    return [
        (record.path, key, value)
        for record in site.state.request_log
        for key, value in record.form.items()
        if any(p.lower() in value.lower() for p in personal) or NIR_ANY_FORM.search(value)
    ]


def test_consent_refused_types_nothing_into_the_site(replica: Replica, at_the_desk: Path) -> None:
    write_profile(at_the_desk)
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False, color_system=None)
    # Were the refusal ignored, these same lines would pick the profile (1) and register
    # without the activation (n); honoured, they are the menu (1) and a second refusal (n).
    settings: dict[str, Any] = {"human": "terminal", "headless": True}
    code = run_session(console, base_url=replica.url, input_stream=io.StringIO("1\nnon\n1\nn\n"), **settings)
    assert code == 2, out.getvalue()
    assert out.getvalue().count("un mandataire ne peut pas s'inscrire à sa place") == 2
    assert _personal_values_sent(replica) == []
    assert replica.state.request_log == []  # the browser was not even opened
    assert replica.state.registrations == []


TTY_DRIVER = """
import sys
from rich.console import Console
from carsat_pilot.desk.session import run_session
sys.exit(run_session(Console(highlight=False), base_url=sys.argv[1], human="terminal", headless=True))
"""


def test_on_a_terminal_the_password_is_not_echoed_and_the_menu_comes_back(replica: Replica, home: Path) -> None:
    """A real terminal (a pty): questions asked by the terminal, the password hidden, and
    after a refusal by the site the menu is there again."""
    import pexpect

    secret = "Xyzzy12345Qw"
    env = isolated_env(home, password=None)
    child = pexpect.spawn(
        sys.executable, ["-c", TTY_DRIVER, replica.url], env=env, cwd=str(home), encoding="utf-8", timeout=90
    )
    transcript = io.StringIO()
    child.logfile_read = transcript
    try:
        child.expect("Votre choix")
        child.sendline("3")
        child.expect("présente")
        child.sendline("o")
        child.expect("Entrée : français")
        child.sendline("")
        child.expect("Sécurité sociale")
        child.sendline(NIR)
        child.expect("Mot de passe")
        child.sendline(secret)
        # No account on the replica: the site refuses the login, the session goes on.
        child.expect("Votre choix")
        child.sendline("0")
        child.expect("Effacer de ce poste")
        child.sendline("n")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    output = transcript.getvalue()
    assert secret not in output, output
    assert "✖" in output  # the site's refusal, in one sentence
    assert child.exitstatus == 3, output
    # The hidden answer is the one the site received.
    assert any(secret in r.form.values() for r in replica.state.request_log)
