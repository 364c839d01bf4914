"""The person's language: `--lang` takes a shipped language and refuses any other before
anything is sent; a headed guided session in Arabic (under Xvfb) shows the overlay right
to left — in the DOM, inside its closed shadow root — and prints a récapitulatif that
holds French beside Arabic."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright

from tests.e2e.conftest import Replica
from tests.e2e.harness import ToolRun, isolated_env, write_profile
from tests.e2e.inprocess import tool_run
from tests.e2e.test_browser_mode import _attach, _find_page, _overlay
from tests.e2e.test_headed import _browser_version

pytestmark = pytest.mark.e2e

NIR = "1850775123456"
EMAIL = "jean.dupont@example.org"
ARABIC = re.compile(r"[\u0600-\u06ff]")
LINK_SAY = "Ouvrez l'e-mail de l'Assurance retraite et cliquez sur « Je confirme la création de mon espace personnel »."
SHIPPED = "fr (Français), ar (العربية), en (English)"


@pytest.mark.parametrize("command", ["register", "session"])
def test_an_unknown_language_is_refused_naming_the_shipped_ones_and_nothing_is_sent(
    replica: Replica, home: Path, command: str
) -> None:
    args = [command, "--base-url", replica.url, "--human", "terminal", "--headless", "--lang", "xx"]
    if command == "register":
        args += ["--profile", str(write_profile(home)), "--yes"]
    run = tool_run(args, isolated_env(home))
    code = run.finish(timeout=60)
    assert code == 2, run.output
    assert "« xx »" in run.output and SHIPPED in run.output, run.output
    assert "Votre choix" not in run.output  # the session stopped before its menu
    assert replica.state.request_log == []  # the browser was not even opened
    assert replica.state.registrations == []


def _shadow_bar(page: Page) -> dict[str, str]:
    """The attributes of the overlay's bar, read through the closed shadow root with the
    DevTools protocol (no script of the page can reach it)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    finally:
        cdp.detach()

    def walk(node: dict[str, Any], inside: bool) -> dict[str, str] | None:
        attributes = node.get("attributes", [])
        pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
        inside = inside or node.get("nodeName") == "CARSAT-PILOT-OVERLAY"
        if inside and node.get("nodeName") == "DIV" and pairs.get("class") == "bar":
            return pairs
        for child in [*node.get("shadowRoots", []), *node.get("children", [])]:
            found = walk(child, inside)
            if found is not None:
                return found
        return None

    bar = walk(root, False)
    assert bar is not None, "no overlay bar in the page's DOM"
    return bar


def test_a_headed_session_in_arabic_overlay_right_to_left_and_a_bilingual_recap(
    replica: Replica, home: Path, xvfb_display: str, devtools_port: int, playwright: Playwright
) -> None:
    env = isolated_env(home)
    env["DISPLAY"] = xvfb_display
    folder = home / "data" / "carsat-pilot" / "profils"
    folder.mkdir(parents=True)
    write_profile(folder)
    recap_path = home / "recapitulatif.html"
    run = ToolRun(
        ["session", "--base-url", replica.url, "--human", "terminal", "--lang", "ar", "--summary", str(recap_path),
         "--devtools-port", str(devtools_port)],
        env,
    )  # fmt: skip
    browser: Browser | None = None
    try:
        run.expect(r"Votre choix")
        run.send("1")
        run.expect(r"personne concernée est-elle présente")
        run.send("oui")  # --lang ar: the language is not asked again
        run.expect(r"Jean DUPONT — 1 85 07")
        run.expect(r"Votre choix")
        run.send("1")
        run.expect(r"Enchaîner avec l'activation")
        run.send("o")
        run.expect(r"saisissez.*captcha", timeout=90)
        run.send(replica.state.latest_captcha_answer())
        run.expect(r"Envoyer l'inscription")
        run.send("oui")
        run.expect(r"lien d'activation", timeout=90)

        # The person looks at the headed browser: the banner speaks Arabic, right to left.
        version = _browser_version(devtools_port)
        assert "Headless" not in version.get("Browser", "") + version.get("User-Agent", ""), version
        browser = _attach(playwright, devtools_port, run)
        context = browser.contexts[0]
        page = _find_page(
            context,
            lambda p: (_overlay(p) or {}).get("instruction_fr") == LINK_SAY,
            "the overlay asking to open the e-mail",
        )
        state = _overlay(page)
        assert state["lang"] == "ar" and state["dir"] == "rtl"
        assert (
            ARABIC.search(state["instruction"])
            and "« Je confirme la création de mon espace personnel »" in state["instruction"]
        )
        host = page.evaluate(
            "() => { const h = document.querySelector('carsat-pilot-overlay');"
            " return h && [h.getAttribute('dir'), h.getAttribute('lang')]; }"
        )
        assert host == ["rtl", "ar"]
        bar = _shadow_bar(page)
        assert (bar.get("dir"), bar.get("lang")) == ("rtl", "ar")
        browser.close()
        browser = None

        run.send(replica.state.latest_email(EMAIL).activation_link)
        run.expect(r"Obtenir maintenant le relevé", timeout=90)
        run.send("n")
        run.expect(r"Votre choix")
        run.send("0")
        run.expect(r"Effacer de ce poste")
        recap = recap_path.read_text(encoding="utf-8")
        run.send("o")  # the récapitulatif goes with the person's other traces
    except BaseException:
        run.proc.kill()
        raise
    finally:
        if browser is not None:
            browser.close()
    code = run.finish()
    assert code == 0, run.output
    assert replica.state.accounts[NIR].status == "active"
    # The end-of-session summary in the terminal: French, and the person's Arabic beneath.
    assert "Espace personnel activé le" in run.output and "فُعِّل الفضاء الشخصي" in run.output
    # The printed récapitulatif: French beside Arabic, the Arabic right to left.
    assert re.search(r'<(p|span|li|h1|h2)[^>]* lang="ar" dir="rtl"', recap)
    for french, arabic in (
        ("Ce qui a été fait", "ما تم إنجازه"),
        ("Espace personnel activé le", "فُعِّل الفضاء الشخصي في"),
        ("Obtenez votre relevé", "احصل على كشفك"),
        ("Récapitulatif de votre démarche", "ملخص إجراءاتك"),
    ):
        assert french in recap and arabic in recap, (french, arabic)
    assert not recap_path.exists()
