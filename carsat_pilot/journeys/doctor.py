"""`carsat-pilot doctor`: is this computer ready, and does the site still say what the
flows expect? A canary for the day the real site changes: it walks the flows' pages that
need no login — in a dry run that types nothing and sends no form — and checks that every
field, list and button the flows use is still there, by the same words."""

from __future__ import annotations

import io
from dataclasses import dataclass

from playwright.sync_api import sync_playwright
from rich.console import Console
from rich.table import Table

from carsat_pilot.core.errors import PilotError
from carsat_pilot.record.events import EventBus
from carsat_pilot.site.actions import ACTIONS
from carsat_pilot.site.browser import find_browser, has_display, open_context
from carsat_pilot.site.engine import DryRunEnd, Engine
from carsat_pilot.site.flowspec import load_flow, load_site
from carsat_pilot.site.human import TerminalHuman

# What the dry run "types": nothing is typed, but the flows' templates need values.
PLACEHOLDERS = {
    "nir": "",
    "civilite": "Madame",
    "nom_naissance": "",
    "prenom": "",
    "date_naissance": "01/01/1970",
    "password": "",
}
# The journeys whose first pages need no login, walked up to the person's first action.
CANARY_FLOWS = (("register", "Inscription"), ("login", "Connexion"))


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
        if found.headless_shell:
            where += f" (sans fenêtre : {found.headless_shell})"
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
    try:
        with sync_playwright() as playwright, open_context(playwright, found, headless=True) as context:
            checks.append(Check("Navigateur lancé", True, "démarre et s'arrête normalement"))
            for flow_name, label in CANARY_FLOWS:
                checks.append(_walk(context, base_url, flow_name, label))
    except PilotError as exc:
        checks.append(Check("Navigateur lancé", False, exc.message, "réinstallez Chromium"))
    return checks


def _walk(context: object, base_url: str, flow_name: str, label: str) -> Check:
    quiet = Console(file=io.StringIO())
    engine = Engine(
        context,  # type: ignore[arg-type]
        load_site(),
        TerminalHuman(quiet, 1.0, stream=io.StringIO("")),
        EventBus(),
        base_url,
        PLACEHOLDERS,
        actions=ACTIONS,
    )
    engine.dry_run = True
    engine.page_timeout_s = 15.0
    # Each walk starts on a page of its own; the previous walk's tabs are closed.
    leftovers = list(context.pages)  # type: ignore[attr-defined]
    engine.new_page()
    for page in leftovers:
        page.close()
    try:
        engine.run(load_flow(flow_name))
    except DryRunEnd:
        pass
    except PilotError as exc:
        seen = f"{len(engine.dry_checks)} éléments trouvés, puis : {exc.message}"
        return Check(f"Parcours « {label} »", False, seen, "le site a changé : mettez à jour flows/ (voir README)")
    found = ", ".join(engine.dry_checks)
    return Check(f"Parcours « {label} »", True, f"{len(engine.dry_checks)} éléments présents : {found}")


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
