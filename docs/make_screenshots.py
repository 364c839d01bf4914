"""Screenshots for the documentation: the replica's pages, and carsat-pilot's banner as
the person sees it at each hand-over (the image code, the e-mailed link).

    .venv/bin/python docs/make_screenshots.py            # → docs/img/*.png

The replica runs inside this process (a fictional person, Jean DUPONT, no real data) and a
headless Chromium found like the tool finds it walks through the journey. The image code
is read from the replica's own in-process state — as `carsat-pilot demo --auto` does —
because this script plays the person; the tool itself never reads a captcha.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from carsat_pilot.journeys.browser_session import LOOPBACK_ONLY
from carsat_pilot.journeys.demo import DEMO_PASSWORD, DEMO_PROFILE
from carsat_pilot.site.browser import find_browser, open_context
from carsat_pilot.site.drift import handover_message
from carsat_pilot.site.flowspec import load_flow
from carsat_pilot.site.overlay import Overlay, show_sample
from mock_site import MockConfig, create_app, get_state, serve

OUT = Path(__file__).resolve().parent / "img"
PERSON: dict[str, Any] = DEMO_PROFILE
ADDRESS: dict[str, str] = PERSON["adresse"]
CONTACT: dict[str, str] = PERSON["contact"]

CAPTCHA_SAY = "Recopiez le code de l'image puis cliquez sur « Étape suivante »."
LINK_SAY = "Ouvrez l'e-mail de l'Assurance retraite et cliquez sur « Je confirme la création de mon espace personnel »."


def words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


class Walk:
    """One person's journey through the replica, a screenshot at each page worth showing."""

    def __init__(self, page: Page, overlay: Overlay, base_url: str, site: Any, out: Path) -> None:
        self.page = page
        self.overlay = overlay
        self.base_url = base_url
        self.site = site
        self.out = out
        self.taken: list[Path] = []
        self.link = ""

    def shot(self, name: str, *, step: str, instruction: str = "", full_page: bool = False) -> None:
        self.overlay.show(step=step, instruction=instruction)
        self.page.wait_for_function("() => !!window.__carsatPilotOverlayMessage")
        path = self.out / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        self.taken.append(path)

    def click(self, name: str, role: str = "button") -> None:
        self.page.get_by_role(role, name=words(name)).first.click()  # type: ignore[arg-type]

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(words(label)).first.fill(value)

    def close_cookie_banner(self) -> None:
        refuse = self.page.get_by_role("button", name=words("tout refuser|refuser|continuer sans accepter"))
        if refuse.count():
            refuse.first.click()

    # ------------------------------------------------------------------ the pages
    def home(self) -> None:
        self.page.goto(self.base_url + "/")
        self.shot("01-accueil", step="Étape 1/7 : Accueil du site de l'Assurance retraite")
        self.close_cookie_banner()

    def presentation(self) -> None:
        with self.page.context.expect_page() as opened:
            self.click("Je cr[ée]e mon espace$", role="link")
        self.page = opened.value
        self.page.wait_for_load_state()
        self.shot("02-presentation-espace", step="Étape 2/7 : Présentation de l'espace personnel")
        self.click("Je cr[ée]e mon espace$", role="link")

    def arabic_banner(self) -> None:
        """The same hand-over as the person reads it in Arabic (right to left, the French
        beneath): `--lang ar`."""
        show_sample(self.overlay, lang="ar")
        self.page.wait_for_function("() => !!window.__carsatPilotOverlayMessage")
        path = self.out / "10-bandeau-en-arabe.png"
        self.page.screenshot(path=str(path))
        self.taken.append(path)
        show_sample(self.overlay, lang="fr")

    def identity_and_captcha(self) -> None:
        self.page.get_by_text(words("Votre identit[ée]")).first.wait_for()
        self.fill("S[ée]curit[ée] sociale", PERSON["nir"])
        self.page.get_by_role("group", name=words("Civilit[ée]")).get_by_label(PERSON["civilite"]).check()
        self.fill("Nom de naissance", PERSON["nom_naissance"])
        self.fill(r"^\s*Pr[ée]nom", PERSON["prenom"])
        boxes = self.page.get_by_role("group", name=words("Date de naissance")).get_by_role("textbox")
        for box, value in zip(boxes.all()[:3], PERSON["date_naissance"].split("/"), strict=True):
            box.fill(value)
        self.page.get_by_label(words("Je reconnais avoir pris connaissance")).check()
        image = self.page.get_by_role("img", name=words("image|captcha|code")).first
        image.scroll_into_view_if_needed()
        self.page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())
        self.shot(
            "03-passage-de-main-code-image",
            step="Étape 4/7 : Étape 1 : le code de l'image (la personne)",
            instruction=CAPTCHA_SAY,
        )
        self.arabic_banner()
        # The person reads the image; here the replica that drew it says what it shows.
        self.fill("Recopiez le texte de l'image", self.site.latest_captcha_answer())
        self.click("[ÉE]tape suivante")

    def address(self) -> None:
        self.page.get_by_text(words("Votre adresse personnelle")).first.wait_for()
        self.changed_page()
        self.page.get_by_label(words("Pays de r[ée]sidence")).select_option(label=ADDRESS["pays"])
        self.page.get_by_label(words("Code postal")).press_sequentially(ADDRESS["code_postal"])
        city = self.page.get_by_label(words(r"^\s*Ville \*")).first
        self.page.wait_for_function(
            "([el, name]) => [...el.options].some(o => o.text.trim() === name)",
            arg=[city.element_handle(), ADDRESS["ville"]],
        )
        city.select_option(label=ADDRESS["ville"])
        self.fill("Num[ée]ro de voie", ADDRESS["numero"])
        self.fill("Nom de la voie", ADDRESS["voie"])
        self.click("Valider votre voie")
        confirm = self.page.get_by_role("button", name=words("Je confirme cette adresse"))
        confirm.wait_for()
        confirm.scroll_into_view_if_needed()
        self.shot("04-adresse-normalisee", step="Étape 5/7 : Étape 2 : votre adresse")
        confirm.click()
        self.click("[ÉE]tape suivante")

    def changed_page(self) -> None:
        """The hand-over when the site has changed: the replica renames « Valider votre
        voie », and the banner says what carsat-pilot says then (the same function)."""
        step = next(s for s in load_flow("register").steps if s.title == "Étape 2 : votre adresse")
        self.site.config.reword = {"Valider votre voie": "Vérifier mon adresse"}
        self.page.reload()
        self.page.get_by_role("button", name="Vérifier mon adresse").scroll_into_view_if_needed()
        self.shot(
            "09-passage-de-main-page-changee",
            step="Étape 5/9 : Étape 2 : votre adresse",
            instruction=handover_message(step, "le bouton ou lien « Valider votre voie »"),
        )
        self.site.config.reword = {}
        self.page.reload()
        self.page.get_by_text(words("Votre adresse personnelle")).first.wait_for()

    def contact(self) -> None:
        self.page.get_by_text(words("Vos informations de contact")).first.wait_for()
        self.fill("t[ée]l[ée]phone", CONTACT["telephone"])
        self.fill(r"^\s*Adresse e-?mail", CONTACT["email"])
        self.page.get_by_label(words("ressaisir votre adresse e-?mail")).press_sequentially(CONTACT["email"])
        self.fill(r"^\s*Mot de passe", DEMO_PASSWORD)
        self.page.get_by_label(words("Confirmer votre mot de passe")).press_sequentially(DEMO_PASSWORD)
        self.page.get_by_label(words(r"^\s*Question secr[èe]te")).select_option(label=CONTACT["question_secrete"])
        self.fill("r[ée]ponse [àa] la question secr[èe]te", CONTACT["reponse_secrete"])
        self.click("Je valide mon inscription")
        self.page.get_by_text(words("inscription [àa] votre espace est bient[ôo]t finalis[ée]e")).wait_for()
        self.shot("05-inscription-enregistree", step="Étape 7/7 : Validation de l'inscription")

    def mailbox(self) -> None:
        self.page.goto(f"{self.base_url}/mailbox?a={CONTACT['email']}")
        self.click("Finalisez la cr[ée]ation", role="link")
        link = self.page.get_by_role("link", name=words("Je confirme la cr[ée]ation de mon espace personnel"))
        link.wait_for()
        self.shot("06-passage-de-main-lien-activation", step="Le lien reçu par e-mail", instruction=LINK_SAY)
        self.link = str(link.get_attribute("href"))

    def activation(self) -> None:
        self.page.goto(self.link)
        self.page.get_by_text(words("Activation de votre espace personnel")).first.wait_for()
        self.fill("S[ée]curit[ée] sociale", PERSON["nir"])
        self.fill(r"^\s*Mot de passe", DEMO_PASSWORD)
        self.click("Activer votre espace")
        self.page.get_by_text(words("Votre espace personnel est actif")).first.wait_for()
        self.shot("07-espace-actif", step="Activation de votre espace personnel")

    def career(self) -> None:
        self.page.goto(self.base_url + "/")
        self.close_cookie_banner()
        self.fill("S[ée]curit[ée] sociale", PERSON["nir"])
        self.fill(r"^\s*Mot de passe", DEMO_PASSWORD)
        self.click("J'acc[èe]de [àa] mon espace")
        self.click("MES SERVICES", role="link")
        self.click("Mon relev[ée] de carri[èe]re tous r[ée]gimes", role="link")
        self.page.get_by_role("heading", name=words("Mon relev[ée] de carri[èe]re tous r[ée]gimes")).wait_for()
        self.shot("08-releve-de-carriere", step="Étape 4/4 : Mon relevé de carrière tous régimes")


def _page(action: Callable[[], None], name: str) -> None:
    """Run one page of the walk; a failure names the page first (each needs the one before)."""
    try:
        action()
    except Exception as exc:
        print(f"✖ page « {name} » : {str(exc).splitlines()[0]}", file=sys.stderr)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Captures d'écran du site d'exercice et du bandeau de carsat-pilot.")
    parser.add_argument("--out", type=Path, default=OUT, help="dossier des images (docs/img par défaut)")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    found = find_browser()  # before Playwright starts: the lookup starts its own
    app = create_app(MockConfig(ris_delay_s=0))
    with (
        serve(app) as server,
        sync_playwright() as playwright,
        open_context(playwright, found, headless=True, extra_args=[LOOPBACK_ONLY]) as context,
    ):
        overlay = Overlay(context)
        walk = Walk(context.new_page(), overlay, server.url, get_state(app), out)
        for name, action in (
            ("accueil", walk.home),
            ("présentation", walk.presentation),
            ("identité et code de l'image", walk.identity_and_captcha),
            ("adresse", walk.address),
            ("contact", walk.contact),
            ("messagerie", walk.mailbox),
            ("activation", walk.activation),
            ("relevé de carrière", walk.career),
        ):
            _page(action, name)
    for path in walk.taken:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
