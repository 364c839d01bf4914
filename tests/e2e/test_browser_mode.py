"""`--human browser`: the person acts in the tool's own browser. The test attaches to that
browser over the DevTools protocol (as remote assistance would) and plays the person —
types the captcha, opens the e-mail, logs in on FranceConnect — while the tool waits and
then goes on by itself."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import Replica
from tests.e2e.harness import PASSWORD, ToolRun, isolated_env, write_profile

pytestmark = pytest.mark.e2e

NIR = "1850775123456"
EMAIL = "jean.dupont@example.org"
ATTACH_TIMEOUT_S = 30.0
FIND_TIMEOUT_S = 30.0
CAPTCHA_LABEL = "Recopiez le texte de l'image"


def _register_in_browser(replica: Replica, profile: Path, home: Path, port: int, *extra: str) -> ToolRun:
    """`register` in browser mode, its browser reachable over CDP for the test's « person »."""
    return ToolRun(
        [
            "register",
            "--profile",
            str(profile),
            "--base-url",
            replica.url,
            "--human",
            "browser",
            "--headless",
            "--devtools-port",
            str(port),
            *extra,
            "--yes",
        ],
        isolated_env(home),
    )


def _attach(playwright: Playwright, port: int, run: ToolRun) -> Browser:
    """Connect to the tool's Chromium once it listens; a bounded retry on connection errors."""
    deadline = time.monotonic() + ATTACH_TIMEOUT_S
    last: Exception | None = None
    while time.monotonic() < deadline:
        if run.proc.poll() is not None:
            raise AssertionError(f"the tool ended (exit {run.proc.returncode}) before its browser could be reached")
        try:
            return playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}", timeout=5000)
        except PlaywrightError as exc:
            last = exc
            time.sleep(0.25)  # the tool is still starting its browser: poll again
    raise AssertionError(f"could not attach to the tool's browser on port {port}: {last}")


def _find_page(
    context: BrowserContext, wanted: Callable[[Page], bool], what: str, timeout_s: float = FIND_TIMEOUT_S
) -> Page:
    """The tool's page that satisfies `wanted`; waits (bounded) for it to appear."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for page in list(context.pages):
            try:
                if not page.is_closed() and wanted(page):
                    return page
            except PlaywrightError:
                continue  # a page in the middle of a navigation
        # Let Playwright process the browser's events (new tabs, navigations) meanwhile.
        if context.pages:
            context.pages[0].wait_for_timeout(200)
        else:
            time.sleep(0.2)
    raise AssertionError(f"no page of the tool's browser shows {what}: {[p.url for p in context.pages]}")


def _overlay(page: Page) -> Any:
    return page.evaluate("window.__carsatPilotOverlayMessage || null")


def _instructs(fragment: str) -> Callable[[Page], bool]:
    def check(page: Page) -> bool:
        state = _overlay(page)
        return bool(state) and fragment in str(state.get("instruction", ""))

    return check


def test_register_in_browser_mode_the_person_types_the_captcha_and_opens_the_email(
    replica: Replica, home: Path, devtools_port: int, playwright: Playwright
) -> None:
    profile = write_profile(home)
    run = _register_in_browser(replica, profile, home, devtools_port, "--mailbox-url", f"{replica.url}/mailbox")
    browser: Browser | None = None
    try:
        run.expect(r"Recopiez le code de l'image")
        browser = _attach(playwright, devtools_port, run)
        context = browser.contexts[0]
        # The overlay is shown in every tab of the tool; the person looks at the form's.
        page = _find_page(
            context,
            lambda p: _instructs("Recopiez")(p) and p.get_by_label(CAPTCHA_LABEL).count() == 1,
            "the registration form with the overlay asking for the captcha",
        )
        assert "Recopiez" in _overlay(page)["instruction"]
        # The overlay is really in the page's DOM (its words stay in a closed shadow root).
        assert page.locator("carsat-pilot-overlay").count() == 1

        # A person first mistypes the code…
        first = replica.state.latest_captcha_answer()
        images_before = replica.state.captchas.generated
        field = page.get_by_label(CAPTCHA_LABEL)
        field.fill("YYYYYY" if first.upper() != "YYYYYY" else "XXXXXX")
        page.get_by_role("button", name=re.compile(r"Etape suivante")).click()
        # …the site refuses and shows a new image; the tool says so and keeps waiting.
        run.expect(r"refusé par le site")
        page.get_by_role("img", name="Image de sécurité à recopier").wait_for()
        assert replica.state.captchas.generated > images_before
        second = replica.state.latest_captcha_answer()
        assert replica.state.registrations == []
        page.get_by_label(CAPTCHA_LABEL).fill(second)
        page.get_by_role("button", name=re.compile(r"Etape suivante")).click()

        # The tool fills the rest, registers, opens the mailbox in a new tab and says what to do.
        run.expect(r"Ouvrez l'e-mail")
        assert len(replica.state.registrations) == 1
        mailbox = _find_page(context, lambda p: p.url.startswith(f"{replica.url}/mailbox"), "the mailbox")
        assert "Ouvrez l'e-mail" in _overlay(mailbox)["instruction"]
        email = replica.state.latest_email(EMAIL)
        assert email is not None and email.activation_link
        mailbox.get_by_role("link", name=email.subject).click()
        mailbox.get_by_role("link", name="Je confirme la création de mon espace personnel").click()

        # The tool activates by itself.
        run.expect(r"Votre espace personnel est actif", timeout=90)
    finally:
        if browser is not None:
            browser.close()  # over CDP: only disconnects, the tool's browser stays its own
    code = run.finish()
    assert code == 0, run.output
    assert replica.state.accounts[NIR].status == "active"
    assert len(replica.state.registrations) == 1
    assert len(replica.state.activations) == 1
    assert "Traceback" not in run.output


def test_after_a_wrong_captcha_the_overlay_follows_what_the_person_does(
    replica: Replica, home: Path, devtools_port: int, playwright: Playwright
) -> None:
    """The flow's « again » instruction (« Code refusé par le site : recopiez la nouvelle
    image… ») is for the moment the site refuses, while the person reads the new image —
    not after they have already sent the next code; and once the site accepted the new
    code, the tool goes on (the captcha instruction leaves the overlay) without first
    waiting out a page time-out for a captcha field that is no longer there."""
    profile = write_profile(home)
    run = _register_in_browser(replica, profile, home, devtools_port, "--no-activate")
    browser: Browser | None = None
    told_in_page = told_in_terminal = moved_on = False
    said_then: list[str] = []
    try:
        run.expect(r"Recopiez le code de l'image")
        browser = _attach(playwright, devtools_port, run)
        context = browser.contexts[0]
        page = _find_page(
            context,
            lambda p: _instructs("Recopiez")(p) and p.get_by_label(CAPTCHA_LABEL).count() == 1,
            "the registration form with the overlay asking for the captcha",
        )
        first = replica.state.latest_captcha_answer()
        page.get_by_label(CAPTCHA_LABEL).fill("YYYYYY" if first.upper() != "YYYYYY" else "XXXXXX")
        page.get_by_role("button", name=re.compile(r"Etape suivante")).click()
        run.expect(r"refusé par le site")  # the tool has seen the refusal
        # The person now looks at the page, and at the terminal, before typing again.
        try:
            _find_page(context, _instructs("Code refusé"), "the overlay saying the code was refused", timeout_s=10)
            told_in_page = True
        except AssertionError:
            told_in_page = False
        try:
            run.expect(r"➜ Code refusé par le site", timeout=5)
            told_in_terminal = True
        except AssertionError:
            told_in_terminal = False
        said_then = [line for line in run.lines if line.startswith("➜")]
        # Finish like a person would, so that the run ends cleanly either way.
        page.get_by_label(CAPTCHA_LABEL).fill(replica.state.latest_captcha_answer())
        page.get_by_role("button", name=re.compile(r"Etape suivante")).click()
        page.get_by_role("heading", name="Je saisis mon adresse").wait_for()
        # The site took the code: the banner must stop asking for it (well within the
        # 30 s page time-out of flows/site.yaml, which is what the tool waited here).
        seen: list[str] = []

        def moved(p: Page) -> bool:
            if p != page:
                return False
            try:
                state = _overlay(p)
            except PlaywrightError as exc:
                seen.append(f"{time.monotonic():.1f} error {str(exc)[:60]}")
                raise
            seen.append(f"{time.monotonic():.1f} {p.url[-30:]} {state and state.get('instruction')!r}")
            instruction = str((state or {}).get("instruction", ""))
            return "Recopiez" not in instruction and "Code refusé" not in instruction

        try:
            _find_page(context, moved, "the overlay without the captcha instruction", timeout_s=15)
            moved_on = True
        except AssertionError:
            moved_on = False
        run.expect(r"Inscription envoyée", timeout=90)
    finally:
        if browser is not None:
            browser.close()
    code = run.finish()
    assert code == 0, run.output
    assert len(replica.state.registrations) == 1
    problems = []
    if not told_in_page:
        problems.append(
            "after the site refused the code, the overlay kept the first instruction instead of "
            "« Code refusé par le site : recopiez la nouvelle image »"
        )
    if not told_in_terminal:
        problems.append("the terminal had said only: " + " / ".join(said_then))
    if not moved_on:
        problems.append(
            "the address page was shown but the overlay still asked for the captcha code: the tool "
            "was waiting for the captcha field of the previous page; the test saw: " + " | ".join(seen[-12:])
        )
    assert not problems, "\n".join(problems) + "\n--- the tool said:\n" + run.output[-4000:]


def test_fetch_ris_with_franceconnect_in_browser_mode(
    replica: Replica, home: Path, devtools_port: int, playwright: Playwright
) -> None:
    replica.state.add_account(NIR, PASSWORD, active=True, ris_available=True)
    expected = replica.state.ris_pdf_bytes(NIR)
    folder = home / "releves"
    run = ToolRun(
        [
            "fetch-ris",
            "--nir",
            NIR,
            "--franceconnect",
            "--download-dir",
            str(folder),
            "--base-url",
            replica.url,
            "--human",
            "browser",
            "--headless",
            "--devtools-port",
            str(devtools_port),
            "--refresh-interval",
            "1",
            "--yes",
            "--verbose",
        ],
        isolated_env(home, password=None),  # FranceConnect: the tool never needs the password
    )
    browser: Browser | None = None
    try:
        run.expect(r"Connectez-vous avec FranceConnect")
        browser = _attach(playwright, devtools_port, run)
        context = browser.contexts[0]
        page = _find_page(context, lambda p: "/franceconnect" in p.url, "the FranceConnect page")
        assert "FranceConnect" in _overlay(page)["instruction"]
        assert replica.state.logins == []
        # The person picks their account, and logs in there with their own password.
        page.get_by_role("link", name="Ameli").click()
        page.get_by_label("Identifiant").fill(NIR)
        page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        # Back in the espace personnel: the tool goes on alone.
        run.expect(r"Relevé Individuel de Situation .*enregistré", timeout=90)
    finally:
        if browser is not None:
            browser.close()
    code = run.finish()
    assert code == 0, run.output
    assert [(login.nir, login.method) for login in replica.state.logins] == [(NIR, "franceconnect")]
    assert replica.state.ris_requests == []
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [f"RIS_RELEVE_{replica.state.today().isoformat()}.pdf"]
    assert files[0].read_bytes() == expected
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert "Traceback" not in run.output


def test_the_person_closing_the_browser_ends_with_exit_130_and_keeps_the_state(
    replica: Replica, home: Path, devtools_port: int, playwright: Playwright
) -> None:
    profile = write_profile(home)
    run = _register_in_browser(replica, profile, home, devtools_port)
    run.expect(r"Recopiez le code de l'image")
    browser = _attach(playwright, devtools_port, run)
    for page in browser.contexts[0].pages:
        page.close()  # the person closes the window instead of typing the code
    browser.close()
    code = run.finish(timeout=60)
    assert code == 130, run.output
    assert "fermée" in run.output and "Traceback" not in run.output
    assert replica.state.registrations == []
    assert profile.exists()
