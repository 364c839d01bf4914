"""`carsat-pilot doctor`: is this computer ready, and does the site still say what the
flows expect? A canary for the day the real site changes: it opens the pages that need
no login and looks for the words the flows use there."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from carsat_pilot.browser import find_browser, has_display, open_context
from carsat_pilot.errors import PilotError
from carsat_pilot.textmatch import tolerant

# The words the register and login flows look for before any personal data is typed.
CANARIES: list[tuple[str, str, str]] = [
    ("accueil", "text", "J'acc[èe]de [àa] mon espace personnel"),
    ("accueil", "text", "Pas encore d'espace personnel"),
    ("accueil", "link", "Je cr[ée]e mon espace$"),
    ("accueil", "label", "S[ée]curit[ée] sociale"),
    ("accueil", "label", "^\\s*Mot de passe"),
    ("accueil", "button", "S'identifier avec FranceConnect"),
]


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks(base_url: str, browser_path: str | None) -> list[Check]:
    checks: list[Check] = []
    try:
        found = find_browser(browser_path)
        where = str(found.path) if found.path else "Chromium de Playwright"
        checks.append(Check("Navigateur trouvé", True, where))
    except PilotError as exc:
        checks.append(Check("Navigateur trouvé", False, exc.message, "sudo apt-get install -y chromium"))
        return checks
    checks.append(
        Check(
            "Écran",
            has_display(),
            "disponible" if has_display() else "aucun (mode --headless et --human terminal)",
            "" if has_display() else "utilisez --human terminal, ou xvfb-run",
        )
    )
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright, open_context(playwright, found, headless=True) as context:
            checks.append(Check("Navigateur lancé", True, "démarre et s'arrête normalement"))
            page = context.new_page()
            try:
                response = page.goto(base_url, wait_until="domcontentloaded", timeout=30000)
            except PlaywrightError as exc:
                checks.append(
                    Check("Site joignable", False, str(exc).splitlines()[0][:120], "vérifiez la connexion à internet")
                )
                return checks
            status = response.status if response else 0
            checks.append(
                Check(
                    "Site joignable",
                    status < 400,
                    f"{base_url} répond ({status})",
                    "" if status < 400 else "le site est peut-être en maintenance : réessayez plus tard",
                )
            )
            for where_, kind, pattern in CANARIES:
                rx = tolerant(pattern)
                locator = {
                    "text": page.get_by_text(rx),
                    "link": page.get_by_role("link", name=rx),
                    "button": page.get_by_role("button", name=rx).or_(page.get_by_role("link", name=rx)),
                    "label": page.get_by_label(rx),
                }[kind]
                try:
                    locator.first.wait_for(state="attached", timeout=5000)
                    present = True
                except PlaywrightError:
                    present = False
                checks.append(
                    Check(
                        f"Page {where_} : {kind} « {pattern} »",
                        present,
                        "présent" if present else "absent",
                        "" if present else "le site a changé : mettez à jour flows/ (voir README)",
                    )
                )
    except PilotError as exc:
        checks.append(Check("Navigateur lancé", False, exc.message, "réinstallez Chromium"))
    return checks


def show(console: Console, checks: list[Check]) -> bool:
    table = Table(title="carsat-pilot doctor")
    table.add_column("Vérification")
    table.add_column("État")
    table.add_column("Détail")
    table.add_column("Que faire")
    for check in checks:
        table.add_row(check.name, "[green]OK[/]" if check.ok else "[red]KO[/]", check.detail, check.fix)
    console.print(table)
    # No display is a fact, not a failure: terminal mode works without one.
    return all(check.ok for check in checks if check.name != "Écran")
