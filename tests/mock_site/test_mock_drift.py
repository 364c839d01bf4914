"""The drifting replica (MockConfig's drift knobs, mock_site/DRIFT.md): each knob does what
it says, keeps the site usable by a careful person, and breaks loudly when it breaks.

Flask test-client checks per knob, then two walks in Chromium with every knob on, as a
person would: whole registration, activation from the mailbox, login, RIS download."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from mock_site import (
    DECOYS,
    DRIFT_KNOBS,
    Clock,
    Fault,
    MockConfig,
    UnknownDrift,
    create_app,
    drift_config,
    drift_options,
    get_state,
    parse_reword,
    serve,
)
from mock_site.drift import fold, rewrite_html, words_key
from tests.mock_site.helpers import (
    EMAIL,
    LOGIN,
    NIR,
    PASSWORD,
    RIS,
    SERVICES,
    STEP1,
    STEP2,
    STEP3,
    Site,
    page_text,
    parse,
)

PRESENTATION = "/portail-info/espace-personnel"


# --- a page's controls, with where they stand --------------------------------------------------
@dataclass
class Control:
    role: str  # "link", "button" or "label"
    name: str  # accessible text (aria-hidden parts left out)
    in_main: bool
    form: int | None  # index of the enclosing <form> in the page, if any
    form_action: str | None
    attrs: dict[str, str | None] = field(default_factory=dict)


class Structure(HTMLParser):
    """Links, buttons and labels of a page with their landmark and form; <template>
    content (scripts' dialogs) is left out, like anything not yet on screen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[Control] = []
        self.ids: list[str] = []
        self.references: list[str] = []
        self.names: list[str] = []
        self._main = 0
        self._template = 0
        self._forms: list[tuple[int, str | None]] = []
        self._form_count = 0
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._hidden: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "template":
            self._template += 1
        if tag == "main":
            self._main += 1
        if tag == "form":
            self._forms.append((self._form_count, attributes.get("action")))
            self._form_count += 1
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        for name in ("for", "aria-labelledby", "aria-describedby", "aria-controls"):
            if attributes.get(name):
                self.references.extend(str(attributes[name]).split())
        if tag in ("input", "select", "textarea", "button") and attributes.get("name"):
            self.names.append(str(attributes["name"]))
        if tag == "span":
            self._hidden.append(attributes.get("aria-hidden") == "true")
        if tag in ("a", "button", "label"):
            self._open.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
        elif tag == "main":
            self._main -= 1
        elif tag == "form" and self._forms:
            self._forms.pop()
        elif tag == "span" and self._hidden:
            self._hidden.pop()
        elif tag in ("a", "button", "label") and self._open and self._open[-1][0] == tag:
            _, attributes, parts = self._open.pop()
            if self._template:
                return
            form = self._forms[-1] if self._forms else (None, None)
            role = {"a": "link", "button": "button", "label": "label"}[tag]
            self.controls.append(
                Control(role, " ".join("".join(parts).split()), self._main > 0, form[0], form[1], attributes)
            )

    def handle_data(self, data: str) -> None:
        if any(self._hidden):
            return
        for _, _, parts in self._open:
            parts.append(data)


def structure(html: str) -> Structure:
    parser = Structure()
    parser.feed(html)
    return parser


def html_of(site: Site, path: str) -> str:
    response = site.client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def in_decoy(control: Control) -> bool:
    """A decoy link, or anything in a decoy's form."""
    return "/leurre/" in str(control.attrs.get("href") or control.form_action or "")


def named(controls: list[Control], name: str) -> list[Control]:
    return [c for c in controls if words_key(c.name) == words_key(name)]


# --- options and defaults ------------------------------------------------------------------------
def test_drift_options_names_the_knobs_and_refuses_unknown_ones() -> None:
    assert DRIFT_KNOBS == ("spa", "late_dialogs", "decoys", "info_banner", "same_tab", "random_ids")
    assert drift_options(["spa", "decoys"]) == {"spa": True, "decoys": True}
    assert drift_options(["spa,random-ids"]) == {"spa": True, "random_ids": True}
    assert drift_options(["all"]) == dict.fromkeys(DRIFT_KNOBS, True)
    assert drift_config is drift_options
    config = MockConfig(**drift_options(["all"]))
    assert config.drift_names() == list(DRIFT_KNOBS)
    with pytest.raises(UnknownDrift, match=r"^Dérive inconnue : « popups ». Choisissez parmi spa, .* ou all\.$"):
        drift_options(["spa,popups"])
    assert parse_reword(["Etape suivante=Continuer", "A = B=C"]) == {"Etape suivante": "Continuer", "A": "B=C"}
    with pytest.raises(UnknownDrift, match="ANCIEN=NOUVEAU"):
        parse_reword(["Etape suivante"])


def test_every_knob_is_off_by_default(site: Site) -> None:
    config = MockConfig()
    assert config.drift_names() == [] and config.reword == {} and config.drift_seed is None
    html = html_of(site, "/")
    assert "data-drift" not in html and "/leurre/" not in html and "spa.js" not in html and "drift.js" not in html
    assert 'role="alert"' not in html
    assert 'target="_blank"' in html
    assert 'id="contenu"' in html


def test_the_command_line_flags(capsys: pytest.CaptureFixture[str]) -> None:
    from mock_site.__main__ import main

    assert main(["--drift", "spa,fenetres"]) == 2
    assert "Dérive inconnue : « fenetres »" in capsys.readouterr().err
    assert main(["--reword", "sans-egal"]) == 2
    assert "ANCIEN=NOUVEAU" in capsys.readouterr().err


def test_the_carsat_pilot_mock_site_flags() -> None:
    from typer.testing import CliRunner

    from carsat_pilot.cli import app

    result = CliRunner().invoke(app, ["mock-site", "--drift", "spa,popups"])
    assert result.exit_code == 2
    assert "Dérive inconnue : « popups »" in result.output
    result = CliRunner().invoke(app, ["mock-site", "--reword", "Continuer"])
    assert result.exit_code == 2 and "ANCIEN=NOUVEAU" in result.output


# --- decoys -------------------------------------------------------------------------------------
def _pages_of_a_journey(site: Site) -> dict[str, str]:
    """Every page of the seed's journey, as a visitor meets them."""
    pages = {"/": html_of(site, "/"), PRESENTATION: html_of(site, PRESENTATION), LOGIN: html_of(site, LOGIN)}
    pages[STEP1] = html_of(site, STEP1)
    assert site.step1().status_code == 303
    pages[STEP2] = html_of(site, STEP2)
    assert site.step2().status_code == 303
    pages[STEP3] = html_of(site, STEP3)
    assert site.step3().status_code == 303
    pages["activation"] = html_of(site, site.activation_path())
    assert site.activate().status_code == 200
    assert site.login().status_code == 303
    pages[SERVICES] = html_of(site, SERVICES)
    assert site.client.post(RIS + "/demande").status_code == 303
    pages[RIS] = html_of(site, RIS)
    return pages


# The real controls of each page (whole names), the ones a procedure uses.
REAL_CONTROLS = {
    "/": [("link", "Je crée mon espace"), ("button", "J'accède à mon espace >"), ("label", "Mot de passe :")],
    PRESENTATION: [("link", "Je crée mon espace"), ("link", "J'accède à mon espace")],
    LOGIN: [("button", "J'accède à mon espace >"), ("label", "N° de Sécurité sociale (13 chiffres) :")],
    STEP1: [("button", "Etape suivante"), ("label", "Nom de naissance *")],
    STEP2: [("button", "Valider votre voie"), ("button", "Etape suivante"), ("label", "Code postal")],
    STEP3: [("button", "Je valide mon inscription"), ("label", "Adresse e-mail *"), ("label", "Mot de passe *")],
    "activation": [("button", "Activer votre espace")],
    SERVICES: [("link", "MES SERVICES"), ("link", "Mon relevé de carrière tous régimes (RIS)")],
    RIS: [("button", "Demander mon Relevé Individuel de Situation"), ("button", "Rafraîchir")],
}


def test_decoys_stand_where_they_are_fair_and_resemble_the_real_controls(make_site: Callable[..., Site]) -> None:
    site = make_site(decoys=True)
    pages = _pages_of_a_journey(site)
    seen: set[str] = set()
    for page, html in pages.items():
        controls = structure(html).controls
        decoys = [c for c in controls if c.role != "label" and in_decoy(c)]
        for role, name in REAL_CONTROLS[page]:
            real = [c for c in named(controls, name) if c.role == role and not in_decoy(c)]
            assert len(real) == 1 and real[0].in_main, (page, name, real)
            real_form = real[0].form
            for twin in named(controls, name):
                if twin is real[0]:
                    continue
                # An exact duplicate: only outside <main>, or in another form.
                assert not twin.in_main or (twin.form is not None and twin.form != real_form), (page, twin)
                if twin.role != "label":
                    assert twin in decoys, (page, twin)
            # Nothing of a decoy inside the real control's own form.
            if real_form is not None:
                assert not [d for d in decoys if d.form == real_form], page
        for decoy in decoys:
            slug = re.search(r"/leurre/([\w-]+)", str(decoy.attrs.get("href") or decoy.form_action)).group(1)  # type: ignore[union-attr]
            assert words_key(decoy.name) == words_key(DECOYS[slug].name)
            seen.add(slug)
            if DECOYS[slug].exact or DECOYS[slug].where != "principal":
                assert not decoy.in_main, (page, decoy)
    assert seen == set(DECOYS), set(DECOYS) - seen
    # The words of the brief are all there.
    ris = structure(pages[RIS]).controls
    for words in (
        "Demander mon relevé de situation par courrier",
        "Rafraîchir la liste des questions",
        "Téléchargez la notice de votre Relevé Individuel de Situation",
    ):
        assert named(ris, words) and named(ris, words)[0].in_main
    services = structure(pages[SERVICES]).controls
    assert named(services, "Mon relevé de carrière tous régimes : mode d'emploi")[0].in_main
    assert [c.in_main for c in named(services, "MES SERVICES")] == [True, False]
    step3 = structure(pages[STEP3]).controls
    newsletter = named(step3, "Je valide mon inscription à la lettre d'information")[0]
    assert not newsletter.in_main
    assert [c.in_main for c in named(step3, "Adresse e-mail de contact")] == [False]
    assert named(structure(pages[STEP1]).controls, "Étape suivante du questionnaire")[0].in_main
    home = structure(pages["/"]).controls
    assert [c.in_main for c in named(home, "Je crée mon espace")] == [True, False]
    assert named(home, "Je crée mon espace professionnel")


def test_decoys_off_leave_no_trace(site: Site) -> None:
    pages = _pages_of_a_journey(site)
    assert not any("/leurre/" in html for html in pages.values())


def test_a_careful_walk_with_decoys_records_nothing(make_site: Callable[..., Site]) -> None:
    site = make_site(decoys=True)
    site.register()
    assert site.activate().status_code == 200
    assert site.login().status_code == 303
    assert site.client.post(RIS + "/demande").status_code == 303
    assert site.client.get(RIS).status_code == 200
    assert site.state.decoy_clicks == []


def test_every_decoy_use_is_recorded(make_site: Callable[..., Site], clock: Clock) -> None:
    site = make_site(decoys=True)
    home = structure(html_of(site, "/")).controls
    footer_link = next(c for c in named(home, "Je crée mon espace") if not c.in_main)
    page = site.client.get(str(footer_link.attrs["href"]))
    assert page.status_code == 200
    assert "Je crée mon espace personnel" not in parse(page).heading_texts()  # never a step of the procedure
    click = site.state.decoy_clicks[-1]
    assert (click.name, click.path, click.time, click.kind) == ("Je crée mon espace", "/", clock.now(), "clic")

    # A decoy button with a decoy field: the field is recorded when its form is sent.
    assert "/leurre/lettre-information" in html_of(site, STEP1)
    site.client.post("/leurre/lettre-information", data={"depuis": STEP1, "email_contact": EMAIL})
    click = site.state.decoy_clicks[-1]
    assert click.name == "Je valide mon inscription à la lettre d'information"
    assert click.path == STEP1 and click.fields == ("Adresse e-mail de contact",)
    # Typed into, form never sent: the page's script tells the server.
    typed = site.client.post("/leurre/trouver-mon-agence/saisie", data={"champ": "Code postal", "depuis": STEP2})
    assert typed.status_code == 204
    click = site.state.decoy_clicks[-1]
    assert (click.name, click.kind, click.fields, click.path) == (
        "Rechercher mon agence",
        "saisie",
        ("Code postal",),
        STEP2,
    )
    # An outside address is never followed back.
    site.client.get("/leurre/notice-ris?depuis=//ailleurs.example")
    assert site.state.decoy_clicks[-1].path == "/"
    assert len(site.state.decoy_clicks) == 4


# --- random ids -----------------------------------------------------------------------------------
def _prefixed(html: str) -> dict[str, str]:
    """Field name as the views know it → name on this page."""
    names = structure(html).names
    return {re.sub(r"^r[0-9a-f]{8}-", "", n): n for n in names}


def test_random_ids_change_at_every_load_and_stay_consistent(make_site: Callable[..., Site]) -> None:
    site = make_site(random_ids=True)
    first, second = html_of(site, STEP1), html_of(site, STEP1)
    a, b = structure(first), structure(second)
    assert a.ids and set(a.ids).isdisjoint(b.ids)
    assert set(a.names).isdisjoint(b.names)
    assert not {"nir", "nom_naissance", "code_securite"} & set(a.names)
    # Every reference points at an id of the same page; labels still name their fields.
    assert set(a.references) <= set(a.ids)
    assert parse_labels(first)["Nom de naissance *"].endswith("-nom_naissance")
    assert re.search(r'href="#r[0-9a-f]{8}-contenu"', first)
    # The page's scripts find nothing by id.
    for script in ("site.js", "spa.js", "drift.js"):
        source = (Path(__file__).parents[2] / "mock_site" / "static" / script).read_text("utf-8")
        assert "getElementById" not in source and 'querySelector("#' not in source, script


def parse_labels(html: str) -> dict[str, str]:
    parser = parse_html(html)
    return {text: target for target, text in parser.labels.items()}


def parse_html(html: str) -> Any:
    from tests.mock_site.helpers import FormParser

    parser = FormParser()
    parser.feed(html)
    return parser


def test_random_ids_registration_goes_through_with_the_names_of_the_page(make_site: Callable[..., Site]) -> None:
    site = make_site(random_ids=True)
    names = _prefixed(html_of(site, STEP1))
    form = site.step1_form(code_securite=site.state.latest_captcha_answer())
    assert site.client.post(STEP1, data={names[k]: v for k, v in form.items()}).status_code == 303
    names = _prefixed(html_of(site, STEP2))
    address = site.address_form()
    for action in ("valider", "confirmer", "suivant"):
        response = site.client.post(STEP2, data={**{names[k]: v for k, v in address.items()}, names["action"]: action})
        names = _prefixed(response.get_data(as_text=True)) if response.status_code == 200 else names
    assert response.status_code == 303
    names = _prefixed(html_of(site, STEP3))
    response = site.client.post(STEP3, data={names[k]: v for k, v in site.step3_form().items()})
    assert response.status_code == 303, page_text(response)
    assert [r.nir for r in site.state.registrations] == [NIR]
    # The request journal and the views saw the site's own names.
    assert site.state.request_log[-1].form["email"] == EMAIL


# --- reword ---------------------------------------------------------------------------------------
def test_reword_renames_buttons_labels_headings_and_fragments(make_site: Callable[..., Site]) -> None:
    site = make_site(
        reword={
            "ETAPE SUIVANTE": "Continuer",
            "Nom de naissance": "Nom de famille à la naissance",
            "Votre identité": "Qui êtes-vous ?",
            "Civilité": "Vous êtes",
            "Rafraichir": "Actualiser",
        }
    )
    step1 = parse(site.client.get(STEP1))
    assert "Continuer" in step1.buttons and not any("suivante" in b for b in step1.buttons)
    assert step1.labels["nom_naissance"] == "Nom de famille à la naissance *"
    assert "Qui êtes-vous ?" in step1.heading_texts() and "Vous êtes *" in step1.legends
    # Other texts are left alone (whole texts only: « Nom de naissance » is not a part).
    assert "Vous rencontrez un problème lors de votre identification ?" in step1.link_texts()
    site.state.add_account(NIR, PASSWORD, ris_available=True)
    site.login()
    assert "Actualiser" in parse(site.client.get(RIS + "/bloc")).buttons  # fragments fetched by script too
    assert "Actualiser" in parse(site.client.get(RIS)).buttons


def test_reword_folding_and_decoration() -> None:
    assert fold("Étape  SUIVANTE’") == "etape suivante'"
    assert words_key("► Etape suivante :") == "etape suivante"
    html = '<p><button><span aria-hidden="true">► </span>Etape suivante</button><label>Nom de naissance *</label></p>'
    out = rewrite_html(html, reword={"étape suivante": "Continuer", "nom de naissance": "Nom de famille"})
    assert out == '<p><button><span aria-hidden="true">► </span>Continuer</button><label>Nom de famille *</label></p>'
    # aria-label, alt and the value of input buttons; not scripts.
    html = '<a aria-label="Aide"><img alt="Aide"></a><input type="submit" value="Aide"><script>var a = "Aide";</script>'
    assert rewrite_html(html, reword={"aide": "Assistance"}).count("Assistance") == 3


def test_reword_leaves_the_mailbox_alone(make_site: Callable[..., Site]) -> None:
    site = make_site(reword={"Je confirme la création de mon espace personnel": "Activer"})
    site.register()
    email = site.state.latest_email()
    assert email is not None
    html = html_of(site, f"/mailbox/{email.id}")
    assert "Je confirme la création de mon espace personnel" in html


# --- info banners, same tab, late dialogs, spa: what the server sends ------------------------------
def test_info_banners_on_every_page(make_site: Callable[..., Site]) -> None:
    site = make_site(info_banner=True)
    site.state.add_account(NIR, PASSWORD)
    site.login()
    for path in ("/", STEP1, LOGIN, SERVICES, RIS, "/portail-info/salaries", "/page-inconnue"):
        html = site.client.get(path).get_data(as_text=True)
        body = html.split("<body", 1)[1]
        alert = re.search(r'<div class="[^"]*" role="alert">(.*?)</div>', body, re.S)
        assert alert and body.index('role="alert"') < body.index("<header"), path
        words = " ".join(alert.group(1).split())
        assert "Maintenance programmée" in words and "certains services" in words and "seront indisponibles" in words
        assert re.search(
            r"le (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+ \w+ 20\d\d de 6 h 00 à 12 h 00", words
        )
        main = body.split("<main", 1)[1]
        assert (
            main.lstrip()
            .split(">", 1)[1]
            .lstrip()
            .startswith('<div class="annonce annonce-information" role="status">')
        ), path
    # A date to come, on the site's clock (Sunday 7 October 2018 in these tests).
    assert "le dimanche 14 octobre 2018 de 6 h 00 à 12 h 00, certains services" in page_text(site.client.get("/"))


def test_same_tab_takes_target_blank_off_the_links(make_site: Callable[..., Site]) -> None:
    plain, same = make_site(), make_site(same_tab=True)
    for path in ("/", LOGIN, STEP1):
        before = [c for c in structure(html_of(plain, path)).controls if c.attrs.get("target") == "_blank"]
        after = structure(html_of(same, path)).controls
        assert before, path
        for link in before:
            twin = next(c for c in after if c.role == "link" and c.name == link.name)
            if str(link.attrs["href"]).split("?")[0].endswith(".wav"):
                assert twin.attrs.get("target") == "_blank"  # a file: a tab of its own still
            else:
                assert "target" not in twin.attrs, (path, link.name)
    home = structure(html_of(same, "/")).controls
    assert "target" not in named(home, "Je crée mon espace")[0].attrs


def test_late_dialogs_replace_the_server_banner_and_still_record_consent(make_site: Callable[..., Site]) -> None:
    site = make_site(late_dialogs=True, drift_seed=42)
    html = html_of(site, "/")
    assert "data-bandeau-cookies" not in html  # no server-rendered banner
    for model in ("consentement", "consentement-panneau", "enquete", "session"):
        assert f'<template data-modele="{model}">' in html
    assert 'data-drift-seed="42"' in html and "drift.js" in html
    for words in (
        "À propos des cookies sur lassuranceretraite.fr",
        "Tout accepter",
        "Tout refuser",
        "Personnaliser",
        "Panneau de gestion des cookies",
        "Confirmer mes choix",
        "Votre avis nous intéresse",
        "Répondre au questionnaire",
        "Non merci",
        "Votre session va expirer",
        "Prolonger ma session",
        "Me déconnecter",
    ):
        assert words in html, words
    answered = site.client.post(
        "/cookies/consentement", data={"choix": "tout-refuser"}, headers={"X-Requested-With": "fetch"}
    )
    assert answered.status_code == 200 and "consentement_cookies=refuse" in answered.headers["Set-Cookie"]
    # No consent banner at all when the site has none.
    assert 'data-modele="consentement"' not in html_of(make_site(late_dialogs=True, cookie_banner=False), "/")


def test_prolonger_ma_session_keeps_the_session_alive(make_site: Callable[..., Site], clock: Clock) -> None:
    site = make_site(late_dialogs=True, session_expiry_s=300)
    site.state.add_account(NIR, PASSWORD)
    site.login()
    for _ in range(3):
        clock.advance(seconds=250)
        assert site.client.post("/espace-personnel/session/prolonger").get_json() == {"ok": True}
    clock.advance(seconds=301)
    expired = site.client.post("/espace-personnel/session/prolonger", headers={"X-Requested-With": "fetch"})
    assert expired.status_code == 401 and expired.get_json()["redirect"].startswith(LOGIN)


def test_spa_script_only_on_the_pages_of_the_site(make_site: Callable[..., Site]) -> None:
    site = make_site(spa=True)
    assert "/static/spa.js" in html_of(site, "/") and "/static/spa.js" in html_of(site, STEP1)
    assert "spa.js" not in html_of(site, "/mailbox") and "spa.js" not in html_of(site, "/franceconnect/")
    assert "spa.js" not in html_of(make_site(), "/")


# --- in Chromium, every knob on ----------------------------------------------------------------
@dataclass
class Live:
    url: str
    app: Any
    clock: Clock
    handled: list[str] = field(default_factory=list)

    @property
    def state(self) -> Any:
        return get_state(self.app)


# The walks survive any seed (try DRIFT_SEED=…, or "aleatoire"); this one draws short delays,
# so that the whole file stays quick.
DRIFT_SEED = os.environ.get("DRIFT_SEED", "75223")


@pytest.fixture
def live() -> Iterator[Live]:
    clock = Clock(datetime.now().replace(microsecond=0))
    seed = int(DRIFT_SEED) if DRIFT_SEED.isdigit() else None
    app = create_app(MockConfig(**drift_options(["all"]), clock=clock, ris_delay_s=0, drift_seed=seed))
    with serve(app) as server:
        yield Live(server.url, app, clock)


CONSENT = "À propos des cookies sur lassuranceretraite.fr"


def handle_interruptions(page: Page, live: Live, *, session: bool = True) -> None:
    """What a person does when the site interrupts: refuse cookies, no survey, stay logged in."""

    def consent() -> None:
        live.handled.append("consentement")
        page.get_by_role("button", name="Tout refuser", exact=True).click()

    def survey() -> None:
        live.handled.append("enquete")
        page.get_by_role("dialog", name="Votre avis nous intéresse").get_by_role("button", name="Non merci").click()

    def prolong() -> None:
        live.handled.append("session")
        page.get_by_role("dialog", name="Votre session va expirer").get_by_role(
            "button", name="Prolonger ma session"
        ).click()

    page.add_locator_handler(page.get_by_role("heading", name=CONSENT), consent)
    page.add_locator_handler(page.get_by_role("dialog", name="Votre avis nous intéresse"), survey)
    if session:
        page.add_locator_handler(page.get_by_role("dialog", name="Votre session va expirer"), prolong)


def type_in(field: Locator, value: str, *, keys: bool = False) -> None:
    """Type, then look: a dialog may have opened in between and caught the keys."""
    for _ in range(4):
        field.fill("")
        if keys:
            field.press_sequentially(value)
        else:
            field.fill(value)
        if field.input_value() == value:
            return
    expect(field).to_have_value(value)


def no_reload(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "la page a été rechargée"


def register_in_one_document(page: Page, live: Live) -> None:
    main = page.get_by_role("main")
    main.get_by_role("link", name="Je crée mon espace", exact=True).click()  # same tab now
    expect(main.get_by_role("heading", name="Votre espace personnel", exact=True)).to_be_visible()
    assert len(page.context.pages) == 1
    main.get_by_role("link", name="Je crée mon espace", exact=True).click()
    expect(main.get_by_role("heading", name="Votre identité")).to_be_visible()
    assert page.url.endswith("#/espace-personnel/inscription/etape-1")

    type_in(main.get_by_label("N° de Sécurité sociale française (13 chiffres) *"), NIR)
    main.get_by_role("group", name="Civilité *").get_by_label("Monsieur").check()
    type_in(main.get_by_label("Nom de naissance *", exact=True), "Dupont")
    type_in(main.get_by_label("Prénom *", exact=True), "Jean")
    birth = main.get_by_role("group", name="Date de naissance (sous la forme JJ/MM/AAAA) *")
    for label, value in (("Jour", "15"), ("Mois", "07"), ("Année", "1985")):
        type_in(birth.get_by_label(label), value)
    main.get_by_label("Je reconnais avoir pris connaissance des conditions d'accès").check()
    code = main.get_by_label("Recopiez le texte de l'image *")
    type_in(code, live.state.latest_captcha_answer() + "X")
    main.get_by_role("button", name="Etape suivante", exact=True).click()
    # The answer replaces the form in place: a new image, the code cleared, the rest kept.
    expect(main.get_by_role("alert")).to_contain_text("Le code de sécurité saisi est incorrect.")
    expect(code).to_have_value("")
    expect(main.get_by_label("Nom de naissance *", exact=True)).to_have_value("Dupont")
    type_in(code, live.state.latest_captcha_answer().lower())
    main.get_by_role("button", name="Etape suivante", exact=True).click()
    expect(main.get_by_role("heading", name="Je saisis mon adresse")).to_be_visible()

    town = main.get_by_label("Ville *")
    type_in(main.get_by_label("Code postal", exact=True), "01000", keys=True)
    expect(town).to_be_enabled()  # the page's script, set up again on the new content
    town.select_option("BOURG-EN-BRESSE")
    type_in(main.get_by_label("Numéro de voie"), "12")
    main.get_by_label("Complément").select_option("BIS")
    type_in(main.get_by_label("Nom de la voie"), "avenue du Maréchal Juin")
    main.get_by_role("button", name="Valider votre voie", exact=True).click()
    normalized = main.get_by_role("region", name="Adresse normalisée")
    expect(normalized).to_contain_text("12 BIS AV DU MAL JUIN")
    normalized.get_by_role("button", name="Je confirme cette adresse").click()
    expect(normalized).to_contain_text("Votre adresse a été confirmée")
    main.get_by_role("button", name="Etape suivante", exact=True).click()
    expect(main.get_by_role("heading", name="Vos informations de contact")).to_be_visible()

    type_in(main.get_by_label("Numéros de téléphone"), "0612345678")
    type_in(main.get_by_label("Adresse e-mail *", exact=True), EMAIL)
    type_in(main.get_by_label("Veillez ressaisir votre adresse e-mail *"), EMAIL, keys=True)
    type_in(main.get_by_label("Mot de passe *", exact=True), PASSWORD)
    type_in(main.get_by_label("Confirmer votre mot de passe *"), PASSWORD, keys=True)
    main.get_by_label("Question secrète *", exact=True).select_option(
        "Quel est le nom de votre premier animal de compagnie ?"
    )
    type_in(main.get_by_label("Indiquez votre réponse à la question secrète *"), "Medor")
    # The previous step stays on screen a moment after the answer, like the real app's.
    page.evaluate(
        "window.__before = performance.now();"
        "document.addEventListener('carsat:vue', () => { window.__after = performance.now(); }, { once: true });"
    )
    main.get_by_role("button", name="Je valide mon inscription", exact=True).click()
    expect(main.get_by_text("L'inscription à votre espace est bientôt finalisée.")).to_be_visible()
    assert page.evaluate("window.__after - window.__before") >= 150
    assert page.url.endswith("#/espace-personnel/inscription/enregistre")
    no_reload(page)


def test_whole_journey_on_a_site_that_drifted(page: Page, live: Live, tmp_path: Path) -> None:
    page.goto(live.url + "/")
    page.evaluate("window.__marker = 1")
    # Seconds after the page looks ready, the site interrupts: a human answers.
    survey = page.get_by_role("dialog", name="Votre avis nous intéresse")
    expect(survey).to_be_visible(timeout=5000)
    survey.get_by_role("button", name="Non merci").click()
    expect(survey).to_be_hidden()
    expect(page.get_by_role("heading", name=CONSENT)).to_be_visible(timeout=5000)
    page.get_by_role("button", name="Tout refuser", exact=True).click()
    expect(page.get_by_role("heading", name=CONSENT)).to_be_hidden()
    consent = [r for r in live.state.request_log if r.path == "/cookies/consentement"]
    assert [r.form.get("choix") for r in consent] == ["tout-refuser"]
    handle_interruptions(page, live)

    register_in_one_document(page, live)
    assert [r.nir for r in live.state.registrations] == [NIR]

    # The webmail is another site: its link loads the activation page as a new document.
    page.goto(live.url + "/mailbox")
    page.get_by_role("link", name="Finalisez la création de votre espace personnel").click()
    page.get_by_role("link", name="Je confirme la création de mon espace personnel").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Activation de votre espace personnel")).to_be_visible()
    page.evaluate("window.__marker = 1")
    type_in(main.get_by_label("N° de Sécurité sociale (13 chiffres) :"), NIR)
    type_in(main.get_by_label("Mot de passe :"), PASSWORD)
    main.get_by_role("button", name="Activer votre espace", exact=True).click()
    expect(main.get_by_text("Votre espace personnel est actif.")).to_be_visible()
    main.get_by_role("link", name="connectez vous", exact=True).click()
    expect(main.get_by_role("heading", name="J'accède à mon espace personnel")).to_be_visible()
    type_in(main.get_by_label("N° de Sécurité sociale (13 chiffres) :"), NIR)
    type_in(main.get_by_label("Mot de passe :"), PASSWORD)
    main.get_by_role("button", name="J'accède à mon espace >", exact=True).click()
    expect(main.get_by_role("heading", name="Mes services")).to_be_visible()
    main.get_by_role("link", name="Mon relevé de carrière tous régimes (RIS)", exact=True).click()
    expect(main.get_by_role("heading", name="Mon relevé de carrière tous régimes", exact=True)).to_be_visible()
    # « Votre session va expirer » comes on the espace pages; the handler prolongs it.
    page.wait_for_function("window.__carsatDrift.dialogues.some((d) => d.nom === 'session')", timeout=5000)
    main.get_by_role("button", name="Demander mon Relevé Individuel de Situation", exact=True).click()
    download = re.compile(r"^Téléchargez votre Relevé Individuel de Situation du \d\d.\d\d.\d{4}\.$")
    link = main.get_by_role("link", name=download)
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.read_bytes() == live.state.ris_pdf_bytes(NIR)
    no_reload(page)
    assert "session" in live.handled
    assert any(r.path == "/espace-personnel/session/prolonger" and r.status == 200 for r in live.state.request_log)

    # « Me déconnecter » in the same dialog logs out, still without a page load.
    page.remove_locator_handler(page.get_by_role("dialog", name="Votre session va expirer"))
    main.get_by_role("link", name="RETOUR AUX SERVICES").click()
    warning = page.get_by_role("dialog", name="Votre session va expirer")
    expect(warning).to_be_visible(timeout=5000)
    warning.get_by_role("button", name="Me déconnecter").click()
    expect(main.get_by_text("Vous êtes déconnecté de votre espace personnel.")).to_be_visible()
    no_reload(page)
    # A careful person never touched a look-alike.
    assert live.state.decoy_clicks == []
    assert len(live.state.activations) == 1 and len(live.state.ris_requests) == 1


def test_decoys_errors_and_routes_in_the_one_page_app(page: Page, live: Live) -> None:
    live.state.add_account(NIR, PASSWORD, ris_available=True)
    handle_interruptions(page, live)
    page.goto(live.url + LOGIN)
    page.evaluate("window.__marker = 1")
    main = page.get_by_role("main")
    type_in(main.get_by_label("N° de Sécurité sociale (13 chiffres) :"), NIR)
    type_in(main.get_by_label("Mot de passe :"), PASSWORD)
    main.get_by_role("button", name="J'accède à mon espace >", exact=True).click()
    expect(main.get_by_role("heading", name="Mes services")).to_be_visible()

    # A look-alike tile: recorded, and it leads elsewhere.
    main.get_by_role("link", name="Mon relevé de carrière tous régimes : mode d'emploi").click()
    expect(main.get_by_role("heading", name="Mode d'emploi du relevé de carrière tous régimes")).to_be_visible()
    assert [(c.name, c.path, c.kind) for c in live.state.decoy_clicks] == [
        ("Mon relevé de carrière tous régimes : mode d'emploi", SERVICES, "clic")
    ]
    main.get_by_role("link", name="Retour à la page précédente").click()
    expect(main.get_by_role("heading", name="Mes services")).to_be_visible()
    # Typing into a decoy field is told even if the form is never sent; sending it too.
    newsletter = page.get_by_role("contentinfo").get_by_label("Adresse e-mail de contact")
    type_in(newsletter, EMAIL)
    page.get_by_role("button", name="Je valide mon inscription à la lettre d'information").click()
    expect(main.get_by_role("heading", name="Lettre d'information")).to_be_visible()
    assert sorted((c.kind, c.fields, c.path) for c in live.state.decoy_clicks[1:]) == [
        ("clic", ("Adresse e-mail de contact",), SERVICES),
        ("saisie", ("Adresse e-mail de contact",), SERVICES),
    ]
    no_reload(page)

    # Opened on a route (#/…), the app shows that route.
    page.goto(live.url + "/#/espace-personnel/services/ris")
    expect(main.get_by_role("heading", name="Mon relevé de carrière tous régimes", exact=True)).to_be_visible()
    page.evaluate("window.__marker = 1")
    # A maintenance answer to « Rafraîchir » shows in <main>: no reload, the route kept.
    live.state.add_fault(Fault(path_prefix=RIS + "/bloc", count=1, kind="maintenance"))
    main.get_by_role("button", name="Rafraîchir", exact=True).click()
    expect(main.get_by_text("Le site est actuellement en maintenance.")).to_be_visible()
    no_reload(page)
    assert page.url.endswith("#/espace-personnel/services/ris")
    # A step change answered by a 500: the error in <main>, still no reload.
    live.state.add_fault(Fault(path_prefix=SERVICES, count=1, kind="500"))
    page.get_by_role("banner").get_by_role("link", name="Mon espace personnel").click()
    expect(main.get_by_role("heading", name="Service momentanément indisponible")).to_be_visible()
    no_reload(page)
    assert live.state.ris_requests == []
