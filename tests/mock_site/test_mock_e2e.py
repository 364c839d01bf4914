"""The replica walked in a real Chromium as a person would: only roles, labels and the
seed's visible texts, never ids or CSS. One walk runs headed under Xvfb."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, Playwright, Route, expect
from pypdf import PdfReader

from carsat_pilot.site.browser import FoundBrowser, find_browser
from mock_site import Clock, MockConfig, RunningServer, create_app, get_state, serve
from tests.loop_free import off_the_loop
from tests.mock_site.helpers import NIR, PASSWORD

pytestmark = pytest.mark.e2e

RIS_DELAY_S = 60.0
EMAIL = "jean.dupont@example.org"
# Same rule as the project's conftest: nothing may leave the machine during tests.
NO_NETWORK_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"]


@dataclass
class Live:
    app: Flask
    server: RunningServer
    clock: Clock

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
def live() -> Iterator[Live]:
    clock = Clock(datetime.now().replace(microsecond=0))
    app = create_app(MockConfig(clock=clock, ris_delay_s=RIS_DELAY_S))
    with serve(app) as server:
        yield Live(app, server, clock)


def answer_cookies(page: Page, choice: str = "Tout accepter") -> None:
    banner = page.get_by_role("dialog", name="Gestion des cookies")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name=choice).click()
    expect(banner).to_be_hidden()


def open_registration(page: Page, live: Live) -> Page:
    """Home → "Je crée mon espace" (new tab) → "Je crée mon espace" again → step 1."""
    page.goto(live.url + "/")
    answer_cookies(page)
    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name="Je crée mon espace").click()
    tab = new_tab.value
    expect(tab.get_by_role("heading", name="Votre espace personnel", exact=True)).to_be_visible()
    tab.get_by_role("link", name="Je crée mon espace").click()
    expect(tab.get_by_role("heading", name="Je crée mon espace personnel")).to_be_visible()
    return tab


def fill_identity(page: Page) -> None:
    page.get_by_label("N° de Sécurité sociale française (13 chiffres) *").fill(NIR)
    page.get_by_role("group", name="Civilité *").get_by_label("Monsieur").check()
    page.get_by_label("Nom de naissance *").fill("Dupont")
    page.get_by_label("Prénom *", exact=True).fill("Jean")
    birth = page.get_by_role("group", name="Date de naissance (sous la forme JJ/MM/AAAA) *")
    birth.get_by_label("Jour").fill("15")
    birth.get_by_label("Mois").fill("07")
    birth.get_by_label("Année").fill("1985")
    page.get_by_label("Je reconnais avoir pris connaissance des conditions d'accès").check()


def step1_with_one_wrong_captcha(page: Page, live: Live) -> None:
    state = get_state(live.app)
    fill_identity(page)
    image = page.get_by_role("img", name="Image de sécurité à recopier")
    # "Vous pouvez la changer": a new image in place, what was typed stays.
    first_src = image.get_attribute("src")
    page.get_by_role("link", name="Vous n'arrivez pas à lire l'image ? Vous pouvez la changer.").click()
    expect(image).not_to_have_attribute("src", first_src or "")
    expect(page.get_by_label("Nom de naissance *")).to_have_value("Dupont")

    code = page.get_by_label("Recopiez le texte de l'image *")
    wrong = state.latest_captcha_answer() + "X"
    code.fill(wrong)
    page.get_by_role("button", name="Etape suivante").click()
    expect(page.get_by_role("alert")).to_contain_text("Le code de sécurité saisi est incorrect.")
    expect(code).to_have_value("")
    expect(page.get_by_label("N° de Sécurité sociale française (13 chiffres) *")).to_have_value(NIR)
    # A human reads the new image; the test reads what the server drew on it (lower case
    # on purpose: the page says capitals do not matter).
    code.fill(state.latest_captcha_answer().lower())
    page.get_by_role("button", name="Etape suivante").click()
    expect(page.get_by_role("heading", name="Je saisis mon adresse")).to_be_visible()


def step2_address(page: Page) -> None:
    expect(page.get_by_label("Pays de résidence *")).to_have_value("FRANCE")
    town = page.get_by_label("Ville *")
    expect(town).to_be_disabled()
    page.get_by_label("Code postal").fill("01000")
    expect(town).to_be_enabled()  # filled by the page's own fetch()
    expect(town.get_by_role("option")).to_have_text(
        ["Sélectionnez votre ville", "BOURG-EN-BRESSE", "SAINT-DENIS-LES-BOURG"]
    )
    town.select_option("BOURG-EN-BRESSE")
    page.get_by_label("Numéro de voie").fill("12")
    page.get_by_label("Complément").select_option("BIS")
    page.get_by_label("Nom de la voie").fill("avenue du Maréchal Juin")
    page.get_by_role("button", name="Valider votre voie").click()
    normalized = page.get_by_role("region", name="Adresse normalisée")
    expect(normalized).to_contain_text("12 BIS AV DU MAL JUIN")
    expect(normalized).to_contain_text("01000 BOURG-EN-BRESSE")
    normalized.get_by_role("button", name="Je confirme cette adresse").click()
    page.get_by_role("button", name="Etape suivante").click()
    expect(page.get_by_role("heading", name="Vos informations de contact")).to_be_visible()


def step3_contact(page: Page) -> None:
    page.get_by_label("Numéros de téléphone").fill("0612345678")
    page.get_by_label("Adresse e-mail *", exact=True).fill(EMAIL)
    # The confirmations refuse pasting: typed key by key, as the page asks.
    page.get_by_label("Veillez ressaisir votre adresse e-mail *").press_sequentially(EMAIL)
    page.get_by_label("Mot de passe *", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmer votre mot de passe *").press_sequentially(PASSWORD)
    page.get_by_label("Question secrète *", exact=True).select_option(
        "Quel est le nom de votre premier animal de compagnie ?"
    )
    page.get_by_label("Indiquez votre réponse à la question secrète *").fill("Medor")
    page.get_by_role("button", name="Je valide mon inscription").click()
    expect(page.get_by_text("L'inscription à votre espace est bientôt finalisée.")).to_be_visible()


def activate_from_mailbox(page: Page, live: Live) -> None:
    page.goto(live.url + "/mailbox")
    page.get_by_role("link", name="Finalisez la création de votre espace personnel").click()
    expect(page.get_by_text("ce lien est valable jusqu'au")).to_be_visible()
    page.get_by_role("link", name="Je confirme la création de mon espace personnel").click()
    expect(page.get_by_role("heading", name="Activation de votre espace personnel")).to_be_visible()
    page.get_by_label("N° de Sécurité sociale (13 chiffres) :").fill(NIR)
    page.get_by_label("Mot de passe :").fill(PASSWORD)
    page.get_by_role("button", name="Activer votre espace").click()
    expect(page.get_by_text("Votre espace personnel est actif.")).to_be_visible()
    page.get_by_role("link", name="connectez vous").click()


def log_in(page: Page) -> None:
    page.get_by_label("N° de Sécurité sociale (13 chiffres) :").fill(NIR)
    page.get_by_label("Mot de passe :").fill(PASSWORD)
    page.get_by_role("button", name="J'accède à mon espace >").click()


def fetch_ris(page: Page, live: Live, tmp_path: Path) -> bytes:
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("Accueil > Mes Services")
    page.get_by_role("link", name="Mon relevé de carrière tous régimes (RIS)").click()
    expect(page.get_by_role("heading", name="Mon relevé de carrière tous régimes")).to_be_visible()
    page.evaluate("window.pageNotReloaded = true")
    page.get_by_role("button", name="Demander mon Relevé Individuel de Situation").click()
    expect(page.get_by_text("Votre demande est bien prise en compte.")).to_be_visible()
    refresh = page.get_by_role("button", name="Rafraîchir")
    refresh.click()
    expect(page.get_by_text("en cours de préparation")).to_be_visible()
    live.clock.advance(seconds=RIS_DELAY_S)
    refresh.click()
    link = page.get_by_role(
        "link", name=re.compile(r"^Téléchargez votre Relevé Individuel de Situation du \d\d.\d\d.\d{4}\.$")
    )
    expect(link).to_be_visible()
    # Both clicks updated the block in place, like the real one-page app.
    assert page.evaluate("window.pageNotReloaded") is True
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return target.read_bytes()


def check_pdf(data: bytes, live: Live) -> None:
    state = get_state(live.app)
    assert data == state.ris_pdf_bytes(NIR)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "DUPONT" in text and "Relevé Individuel de Situation" in text


def walk_whole_journey(page: Page, live: Live, tmp_path: Path) -> None:
    tab = open_registration(page, live)
    step1_with_one_wrong_captcha(tab, live)
    step2_address(tab)
    step3_contact(tab)
    activate_from_mailbox(tab, live)
    log_in(tab)
    data = fetch_ris(tab, live, tmp_path)
    check_pdf(data, live)
    state = get_state(live.app)
    assert len(state.registrations) == 1 and len(state.activations) == 1
    assert len(state.ris_requests) == 1


def test_whole_journey_headless(page: Page, live: Live, tmp_path: Path) -> None:
    walk_whole_journey(page, live, tmp_path)


# --- headed, under a virtual display ----------------------------------------------------------
@pytest.fixture(scope="session")
def found_browser() -> FoundBrowser:
    """The tool's own browser lookup. It may start Playwright to look for its Chromium,
    which the sync API refuses inside the running `playwright` fixture: ask from a thread."""
    return off_the_loop(find_browser)


@pytest.mark.headed
def test_whole_journey_headed_under_xvfb(
    found_browser: FoundBrowser, playwright: Playwright, xvfb_display: str, live: Live, tmp_path: Path
) -> None:
    found = found_browser
    browser = playwright.chromium.launch(
        headless=False,
        executable_path=str(found.path) if found.path else None,
        args=[*NO_NETWORK_ARGS, "--disable-gpu"],
        env={**os.environ, "DISPLAY": xvfb_display},
    )
    try:
        context = browser.new_context(locale="fr-FR", accept_downloads=True)
        page = context.new_page()
        assert page.evaluate("navigator.userAgent").find("Headless") == -1
        walk_whole_journey(page, live, tmp_path)
    finally:
        browser.close()


# --- single behaviours ---------------------------------------------------------------------------
def test_cookie_banner_is_an_obstacle_until_answered(page: Page, live: Live) -> None:
    page.goto(live.url + "/")
    banner = page.get_by_role("dialog", name="Gestion des cookies")
    expect(banner).to_be_visible()
    box = banner.bounding_box()
    viewport = page.viewport_size
    assert box and viewport and box["y"] + box["height"] >= viewport["height"] - 1
    footer_link = page.get_by_role("link", name="Conditions générales d'utilisation")
    with pytest.raises(Exception, match=r"intercepts pointer events|Timeout"):
        footer_link.click(timeout=1500)
    banner.get_by_role("button", name="Personnaliser").click()
    banner.get_by_label("Mesure d'audience").check()
    banner.get_by_role("button", name="Enregistrer mes choix").click()
    expect(banner).to_be_hidden()
    footer_link.click()
    expect(page.get_by_role("heading", name="Conditions générales d'utilisation")).to_be_visible()
    expect(page.get_by_role("dialog", name="Gestion des cookies")).to_have_count(0)


def test_pasting_into_the_confirmation_fields_leaves_them_empty(page: Page, live: Live) -> None:
    tab = open_registration(page, live)
    fill_identity(tab)
    tab.get_by_label("Recopiez le texte de l'image *").fill(get_state(live.app).latest_captcha_answer())
    tab.get_by_role("button", name="Etape suivante").click()
    step2_address(tab)
    email = tab.get_by_label("Adresse e-mail *", exact=True)
    email.fill(EMAIL)
    email.select_text()
    tab.keyboard.press("ControlOrMeta+C")
    for label in ("Veillez ressaisir votre adresse e-mail *", "Confirmer votre mot de passe *"):
        field = tab.get_by_label(label)
        field.focus()
        tab.keyboard.press("ControlOrMeta+V")
        expect(field).to_have_value("")
    expect(tab.get_by_text("Le copier-coller n'est pas autorisé dans ce champ.").first).to_be_visible()
    # Control: the clipboard does hold the address, other fields accept it.
    answer = tab.get_by_label("Indiquez votre réponse à la question secrète *")
    answer.focus()
    tab.keyboard.press("ControlOrMeta+V")
    expect(answer).to_have_value(EMAIL)


def test_existing_account_path_through_salaries(page: Page, live: Live) -> None:
    get_state(live.app).add_account(NIR, PASSWORD, ris_available=True)
    page.goto(live.url + "/")
    answer_cookies(page, "Tout refuser")
    page.get_by_role("link", name="SALARIÉS", exact=True).click()
    page.get_by_role("link", name="Mon relevé de carrière", exact=True).click()
    page.get_by_role("link", name="Mon relevé : un document essentiel").click()
    expect(page.get_by_role("heading", name="J'accède à mon espace personnel")).to_be_visible()
    log_in(page)
    expect(page.get_by_role("heading", name="Mon relevé de carrière tous régimes")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Téléchargez votre Relevé"))).to_be_visible()
    # Logged in, the same path leads straight to the RIS page.
    page.goto(live.url + "/portail-info/salaries/mon-releve-de-carriere")
    page.get_by_role("link", name="Mon relevé : un document essentiel").click()
    expect(page.get_by_role("heading", name="Mon relevé de carrière tous régimes")).to_be_visible()


def test_franceconnect_simulation(page: Page, live: Live) -> None:
    get_state(live.app).add_account(NIR, PASSWORD)
    page.goto(live.url + "/")
    answer_cookies(page)
    page.get_by_role("link", name="S'identifier avec FranceConnect").click()
    expect(page.get_by_role("heading", name="FranceConnect (simulation)")).to_be_visible()
    page.get_by_role("link", name="Ameli").click()
    page.get_by_label("Identifiant").fill(NIR)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes services")).to_be_visible()
    assert get_state(live.app).logins[-1].method == "franceconnect"


def test_expired_session_on_rafraichir_goes_back_to_login(page: Page, live: Live) -> None:
    get_state(live.app).config.session_expiry_s = 300
    get_state(live.app).add_account(NIR, PASSWORD)
    page.goto(live.url + "/espace-personnel/services/ris")
    answer_cookies(page)
    log_in(page)
    page.get_by_role("button", name="Demander mon Relevé Individuel de Situation").click()
    expect(page.get_by_role("button", name="Rafraîchir")).to_be_visible()
    live.clock.advance(seconds=301)
    page.get_by_role("button", name="Rafraîchir").click()
    expect(page.get_by_role("alert")).to_have_text("Votre session a expiré. Veuillez vous reconnecter.")
    expect(page.get_by_role("heading", name="J'accède à mon espace personnel")).to_be_visible()


def test_failure_during_rafraichir_shows_the_site_error_page(page: Page, live: Live) -> None:
    from mock_site import Fault

    state = get_state(live.app)
    state.add_account(NIR, PASSWORD)
    page.goto(live.url + "/espace-personnel/connexion")
    answer_cookies(page)
    log_in(page)
    page.get_by_role("link", name="Mon relevé de carrière tous régimes (RIS)").click()
    page.get_by_role("button", name="Demander mon Relevé Individuel de Situation").click()
    # Armed only once the request is answered, or it would hit the request itself.
    expect(page.get_by_text("Votre demande est bien prise en compte.")).to_be_visible()
    bloc = "/espace-personnel/services/ris/bloc"
    state.add_fault(Fault(path_prefix=bloc, count=1, kind="maintenance"))
    page.get_by_role("button", name="Rafraîchir").click()
    expect(page.get_by_text("Le site est actuellement en maintenance.")).to_be_visible()


def test_a_postal_code_typed_before_the_pages_script_ran_still_gets_its_towns(page: Page, live: Live) -> None:
    """The step is shown before its deferred script runs: a code typed in that moment
    (seen under a loaded machine) must still bring its towns, as on a real site."""
    tab = open_registration(page, live)
    step1_with_one_wrong_captcha(tab, live)
    held: list[Route] = []
    tab.route("**/static/site.js", lambda route: held.append(route))  # the script, held back
    tab.reload(wait_until="commit")
    tab.get_by_label("Code postal").fill("01000")
    assert len(held) == 1
    held[0].continue_()
    town = tab.get_by_label("Ville *")
    expect(town).to_be_enabled()
    expect(town.get_by_role("option")).to_have_text(
        ["Sélectionnez votre ville", "BOURG-EN-BRESSE", "SAINT-DENIS-LES-BOURG"]
    )
