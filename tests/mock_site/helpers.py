"""Helpers of the replica's own tests: an injectable clock, the page-text and accessible-
name extractors, and `Site`, one replica plus one visitor walking it like a person."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_site import Clock, SiteState, get_state

NIR = "1850775123456"
PASSWORD = "Retraite2024"
EMAIL = "jean.dupont@example.org"

STEP1 = "/espace-personnel/inscription/etape-1"
STEP2 = "/espace-personnel/inscription/etape-2"
STEP3 = "/espace-personnel/inscription/etape-3"
LOGIN = "/espace-personnel/connexion"
SERVICES = "/espace-personnel/services"
RIS = "/espace-personnel/services/ris"


def seed_day_clock() -> Clock:
    """The replica's clock in these tests: pinned on the seed's RIS day, moves when told."""
    return Clock(datetime(2018, 10, 7, 10, 0, 0))


def page_text(response: TestResponse | str) -> str:
    """Visible text of a page, whitespace collapsed (what get_by_text sees)."""
    html = response if isinstance(response, str) else response.get_data(as_text=True)
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    # Inline elements do not separate words ("<strong>obligatoires</strong>."), blocks do.
    html = re.sub(r"(?i)</?(strong|em|b|i|small|span|a|abbr)\b[^>]*>", "", html)
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(unescape(text).split())


class FormParser(HTMLParser):
    """Accessible texts of a page: labels (by `for`), buttons, links, headings, legends;
    text inside aria-hidden spans is left out, as the accessibility tree leaves it out."""

    _CAPTURE = frozenset({"label", "button", "a", "h1", "h2", "h3", "legend"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: dict[str, str] = {}
        self.buttons: list[str] = []
        self.links: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.legends: list[str] = []
        self.inputs: dict[str, dict[str, str | None]] = {}
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._spans: list[bool] = []  # one per open span: is it aria-hidden?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea") and attributes.get("id"):
            self.inputs[str(attributes["id"])] = {**attributes, "tag": tag}
        if tag == "span":
            self._spans.append(attributes.get("aria-hidden") == "true")
        if tag in self._CAPTURE:
            self._open.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            if self._spans:
                self._spans.pop()
            return
        if tag not in self._CAPTURE:
            return
        for index in range(len(self._open) - 1, -1, -1):
            name, attributes, parts = self._open[index]
            if name != tag:
                continue
            del self._open[index]
            text = " ".join("".join(parts).split())
            if name == "label":
                self.labels[str(attributes.get("for"))] = text
            elif name == "button":
                self.buttons.append(text)
            elif name == "a":
                self.links.append((text, attributes))
            elif name == "legend":
                self.legends.append(text)
            else:
                self.headings.append((name, text))
            return

    def handle_data(self, data: str) -> None:
        if any(self._spans):
            return
        for _, _, parts in self._open:
            parts.append(data)

    def link_texts(self) -> list[str]:
        return [text for text, _ in self.links]

    def heading_texts(self) -> list[str]:
        return [text for _, text in self.headings]


def parse(response: TestResponse) -> FormParser:
    parser = FormParser()
    parser.feed(response.get_data(as_text=True))
    return parser


@dataclass
class Site:
    """One replica and one visitor (a test client)."""

    app: Flask
    client: FlaskClient
    clock: Clock
    person: dict[str, str] = field(default_factory=dict)

    @property
    def state(self) -> SiteState:
        return get_state(self.app)

    # --- registration, step by step -------------------------------------------------------
    def step1_form(self, **overrides: str | None) -> dict[str, str]:
        form = {
            "nir": NIR,
            "civilite": "Monsieur",
            "nom_naissance": "Dupont",
            "prenom": "Jean",
            "jour": "15",
            "mois": "07",
            "annee": "1985",
            "code_securite": "",
            "conditions": "oui",
        }
        form.update({k: v for k, v in overrides.items() if v is not None})
        return {k: v for k, v in form.items() if overrides.get(k, "") is not None}

    def step1(self, **overrides: str | None) -> TestResponse:
        self.client.get(STEP1)
        form = self.step1_form(**overrides)
        if "code_securite" not in overrides:
            form["code_securite"] = self.state.latest_captcha_answer().lower()
        return self.client.post(STEP1, data=form)

    def address_form(self, **overrides: str) -> dict[str, str]:
        form = {
            "pays": "FRANCE",
            "code_postal": "75012",
            "ville": "PARIS",
            "numero_voie": "12",
            "complement": "BIS",
            "nom_voie": "avenue du Général Leclerc",
        }
        form.update(overrides)
        return form

    def step2(self, **overrides: str) -> TestResponse:
        form = self.address_form(**overrides)
        self.client.post(STEP2, data={**form, "action": "valider"})
        self.client.post(STEP2, data={**form, "action": "confirmer"})
        return self.client.post(STEP2, data={**form, "action": "suivant"})

    def step3_form(self, **overrides: str) -> dict[str, str]:
        form = {
            "telephone": "0612345678",
            "email": EMAIL,
            "email_confirmation": EMAIL,
            "mot_de_passe": PASSWORD,
            "mot_de_passe_confirmation": PASSWORD,
            "question_secrete": "Quel est le nom de votre premier animal de compagnie ?",
            "reponse_secrete": "Medor",
        }
        form.update(overrides)
        return form

    def step3(self, **overrides: str) -> TestResponse:
        return self.client.post(STEP3, data=self.step3_form(**overrides))

    def register(self) -> TestResponse:
        assert self.step1().status_code == 303
        assert self.step2().status_code == 303
        response = self.step3()
        assert response.status_code == 303, page_text(response)
        return response

    def activation_path(self) -> str:
        email = self.state.latest_email()
        assert email is not None and email.activation_link
        return email.activation_link.split("localhost", 1)[-1]

    def activate(self, nir: str = NIR, password: str = PASSWORD) -> TestResponse:
        return self.client.post(self.activation_path(), data={"nir": nir, "mot_de_passe": password})

    def login(self, nir: str = NIR, password: str = PASSWORD, **extra: str) -> TestResponse:
        return self.client.post(LOGIN, data={"nir": nir, "mot_de_passe": password, **extra})

    def accept_cookies(self) -> None:
        self.client.post("/cookies/consentement", data={"choix": "tout-accepter", "retour": "/"})
