"""The reference of the "journey overhead" row: the same journey written by hand with sync
Playwright — no engine, no flow files, no journal, no state, no checks — as someone who
knows the replica's pages would write it. Same Chromium, same launch (a persistent
context on a throw-away profile, the same flags, locale and viewport as carsat-pilot),
same labels and button names as `flows/*.yaml`.

Run as a separate process, exactly like the tool, and the "person" answers on standard
input just as with `carsat-pilot --human terminal`:

    python bench/straight.py register --base-url URL [--browser-path P]
    python bench/straight.py fetch-ris --base-url URL [--browser-path P] [--refresh-interval S]

Values are the bench's fictitious person (bench/person.py duplicates them in TOML form);
the password comes from CARSAT_PILOT_PASSWORD, as for the tool.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

# Same as carsat_pilot.journeys.browser_session.LOOPBACK_ONLY (the tool adds it on a loopback base URL).
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"

NIR = "1850775123456"
PERSON = {
    "nom": "DUPONT",
    "prenom": "Jean",
    "jour": "15",
    "mois": "07",
    "annee": "1985",
    "code_postal": "75012",
    "ville": "PARIS",
    "numero": "12",
    "voie": "RUE DE LA GARE",
    "telephone": "0612345678",
    "email": "jean.dupont@example.org",
    "question": "Quel est le nom de votre premier animal de compagnie ?",
    "reponse": "Medor",
}


def ask(prompt: str) -> str:
    print(prompt, flush=True)
    line = sys.stdin.readline()
    if not line:
        sys.exit("standard input closed")
    return line.strip()


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def open_browser(playwright, browser_path: str | None, profile: Path):  # type: ignore[no-untyped-def]
    kwargs = {"executable_path": browser_path} if browser_path else {}
    return playwright.chromium.launch_persistent_context(
        str(profile),
        headless=True,
        args=[LOOPBACK_ONLY],
        accept_downloads=True,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        **kwargs,
    )


def refuse_cookies(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Tout refuser").click()
    # The banner goes once the site has stored the choice (so a new tab does not show it).
    page.get_by_role("dialog", name="Gestion des cookies").wait_for(state="detached")


def register(context, base_url: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(base_url + "/")
    refuse_cookies(page)
    # « Je crée mon espace » opens a new tab, where it is clicked again.
    with context.expect_page() as opened:
        page.get_by_role("link", name=rx(r"Je cr[ée]e mon espace$")).click()
    page = opened.value
    page.get_by_role("link", name=rx(r"Je cr[ée]e mon espace$")).click()

    # Étape 1
    page.get_by_label(rx(r"S[ée]curit[ée] sociale")).fill(NIR)
    page.get_by_role("group", name=rx("Civilit")).get_by_role("radio", name="Monsieur").check()
    page.get_by_label(rx("Nom de naissance")).fill(PERSON["nom"])
    page.get_by_label(rx(r"^\s*Pr[ée]nom")).fill(PERSON["prenom"])
    date = page.get_by_role("group", name=rx("Date de naissance")).get_by_role("textbox")
    date.nth(0).fill(PERSON["jour"])
    date.nth(1).fill(PERSON["mois"])
    date.nth(2).fill(PERSON["annee"])
    page.get_by_role("checkbox", name=rx("Je reconnais avoir pris connaissance")).check()
    image = page.get_by_role("img", name=rx("image"))
    image.screenshot(path=str(Path(tempfile.gettempdir()) / "captcha.png"))  # for the person to read
    page.get_by_label(rx("recopi")).fill(ask("captcha?"))
    page.get_by_role("button", name=rx(r"[ÉE]tape suivante")).click()

    # Étape 2
    page.get_by_text(rx("Je saisis mon adresse")).wait_for()
    page.get_by_label(rx(r"Pays de r[ée]sidence")).select_option(label="FRANCE")
    page.get_by_label(rx("Code postal")).fill(PERSON["code_postal"])
    town = page.get_by_role("combobox", name=rx(r"^\s*Ville"))
    town.locator("option", has_text=PERSON["ville"]).wait_for(state="attached")
    town.select_option(label=PERSON["ville"])
    page.get_by_label(rx(r"Num[ée]ro de voie")).fill(PERSON["numero"])
    page.get_by_label(rx("Nom de la voie")).fill(PERSON["voie"])
    page.get_by_role("button", name=rx("Valider votre voie")).click()
    page.get_by_role("button", name=rx("Je confirme cette adresse")).click()
    page.get_by_text(rx("adresse a été confirmée")).wait_for()
    page.get_by_role("button", name=rx(r"[ÉE]tape suivante")).click()

    # Étape 3
    page.get_by_label(rx(r"t[ée]l[ée]phone")).fill(PERSON["telephone"])
    page.get_by_label(rx(r"^\s*Adresse e-?mail")).fill(PERSON["email"])
    page.get_by_label(rx(r"ressaisir votre adresse e-?mail")).fill(PERSON["email"])
    page.get_by_label(rx(r"^\s*Mot de passe")).fill(password)
    page.get_by_label(rx("Confirmer votre mot de passe")).fill(password)
    page.get_by_label(rx(r"^\s*Question secr[èe]te")).select_option(label=PERSON["question"])
    page.get_by_label(rx(r"r[ée]ponse [àa] la question secr[èe]te")).fill(PERSON["reponse"])
    page.get_by_role("button", name=rx("Je valide mon inscription")).click()
    page.get_by_text(rx(r"inscription [àa] votre espace est bient[ôo]t finalis[ée]e")).wait_for()

    # Activation, from the e-mailed link
    page.goto(ask("link?"))
    page.get_by_label(rx(r"S[ée]curit[ée] sociale")).fill(NIR)
    page.get_by_label(rx(r"^\s*Mot de passe")).fill(password)
    page.get_by_role("button", name=rx("Activer votre espace")).click()
    page.get_by_text(rx("Votre espace personnel est actif")).wait_for()
    print("active", flush=True)


def fetch_ris(context, base_url: str, password: str, interval: float, folder: Path) -> None:  # type: ignore[no-untyped-def]
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(base_url + "/")
    refuse_cookies(page)
    page.get_by_label(rx(r"S[ée]curit[ée] sociale")).fill(NIR)
    page.get_by_label(rx(r"^\s*Mot de passe")).fill(password)
    page.get_by_role("button", name=rx(r"J'acc[èe]de [àa] mon espace")).click()
    page.get_by_role("link", name=rx("MES SERVICES")).click()
    page.get_by_role("link", name=rx(r"Mon relev[ée] de carri[èe]re tous r[ée]gimes")).click()
    page.get_by_role("button", name=rx(r"Demander mon Relev[ée] Individuel de Situation")).click()
    page.get_by_text(rx("demande est bien prise en compte")).wait_for()
    download_link = page.get_by_role("link", name=rx(r"T[ée]l[ée]chargez votre Relev[ée] Individuel de Situation"))
    while download_link.count() == 0:
        time.sleep(interval)
        # « Rafraîchir » replaces the block in place (fetch): wait for the old one to go.
        stamp = page.get_by_text(rx(r"Mis [àa] jour [àa]")).element_handle()
        page.get_by_role("button", name=rx("Rafra[îi]chir")).click()
        stamp.wait_for_element_state("hidden")
    with page.expect_download() as info:
        download_link.click()
    target = folder / "RIS.pdf"
    info.value.save_as(target)
    print(f"saved {target.stat().st_size}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("journey", choices=["register", "fetch-ris"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--browser-path")
    parser.add_argument("--refresh-interval", type=float, default=1.0)
    args = parser.parse_args()
    password = os.environ["CARSAT_PILOT_PASSWORD"]
    profile = Path(tempfile.mkdtemp(prefix="st-profile-"))
    try:
        with sync_playwright() as playwright:
            context = open_browser(playwright, args.browser_path, profile)
            try:
                if args.journey == "register":
                    register(context, args.base_url.rstrip("/"), password)
                else:
                    folder = Path.home() / "Documents" / "RIS"
                    folder.mkdir(parents=True, exist_ok=True)
                    fetch_ris(context, args.base_url.rstrip("/"), password, args.refresh_interval, folder)
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
