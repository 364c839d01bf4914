"""Every label, button, link, heading and message of the seed stands on its page,
verbatim (typos included): the tool finds things only by these words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.mock_site.helpers import (
    LOGIN,
    NIR,
    RIS,
    SERVICES,
    STEP1,
    STEP2,
    STEP3,
    FormParser,
    Site,
    page_text,
)

SEED_TEXTS = yaml.safe_load((Path(__file__).parent / "seed_texts.yaml").read_text("utf-8"))


def _home(site: Site) -> str:
    return site.client.get("/").get_data(as_text=True)


def _presentation(site: Site) -> str:
    return site.client.get("/portail-info/espace-personnel").get_data(as_text=True)


def _step1(site: Site) -> str:
    return site.client.get(STEP1).get_data(as_text=True)


def _step2(site: Site) -> str:
    site.step1()
    return site.client.get(STEP2).get_data(as_text=True)


def _step3(site: Site) -> str:
    site.step1()
    site.step2()
    return site.client.get(STEP3).get_data(as_text=True)


def _registered(site: Site) -> str:
    site.register()
    return site.client.get("/espace-personnel/inscription/enregistre").get_data(as_text=True)


def _email(site: Site) -> str:
    site.register()
    email = site.state.latest_email()
    assert email is not None
    return email.html


def _activation(site: Site) -> str:
    site.register()
    return site.client.get(site.activation_path()).get_data(as_text=True)


def _activated(site: Site) -> str:
    site.register()
    return site.activate().get_data(as_text=True)


def _login(site: Site) -> str:
    return site.client.get(LOGIN).get_data(as_text=True)


def _services(site: Site) -> str:
    site.state.add_account(NIR, "Retraite2024")
    site.login()
    return site.client.get(SERVICES).get_data(as_text=True)


def _ris(site: Site) -> str:
    site.state.add_account(NIR, "Retraite2024")
    site.login()
    return site.client.get(RIS).get_data(as_text=True)


def _ris_ready(site: Site) -> str:
    site.state.add_account(NIR, "Retraite2024", archived_ris=True)
    site.login()
    site.client.post(RIS + "/demande")
    return site.client.get(RIS).get_data(as_text=True)


def _salaries(site: Site) -> str:
    return site.client.get("/portail-info/salaries").get_data(as_text=True)


def _releve(site: Site) -> str:
    return site.client.get("/portail-info/salaries/mon-releve-de-carriere").get_data(as_text=True)


PAGES: dict[str, Callable[[Site], str]] = {
    "home": _home,
    "presentation": _presentation,
    "step1": _step1,
    "step2": _step2,
    "step3": _step3,
    "registered": _registered,
    "email": _email,
    "activation": _activation,
    "activated": _activated,
    "login": _login,
    "services": _services,
    "ris": _ris,
    "ris_asked_and_ready": _ris_ready,
    "salaries": _salaries,
    "releve_de_carriere": _releve,
}


def test_every_group_of_the_yaml_has_a_page() -> None:
    assert set(SEED_TEXTS) == set(PAGES)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_seed_words_stand_on_their_page(site: Site, page: str) -> None:
    html = PAGES[page](site)
    text = page_text(html)
    parsed = FormParser()
    parsed.feed(html)
    expected = SEED_TEXTS[page]
    missing: list[str] = []
    for item in expected.get("texts", []):
        if item not in text:
            missing.append(f"text: {item}")
    for item in expected.get("labels", []):
        if item not in parsed.labels.values():
            missing.append(f"label: {item}")
    for item in expected.get("buttons", []):
        if item not in parsed.buttons:
            missing.append(f"button: {item}")
    for item in expected.get("links", []):
        if item not in parsed.link_texts():
            missing.append(f"link: {item}")
    for item in expected.get("headings", []):
        if item not in parsed.heading_texts():
            missing.append(f"heading: {item}")
    for item in expected.get("legends", []):
        if item not in parsed.legends:
            missing.append(f"legend: {item}")
    assert not missing, f"{page}: missing {missing}"


def test_every_form_field_has_a_label(site: Site) -> None:
    """Accessible HTML is the contract: no field is reachable only by id or CSS."""
    for html in (_home(site), _step1(site), _step3(site), _login(site)):
        parsed = FormParser()
        parsed.feed(html)
        for field_id, attributes in parsed.inputs.items():
            if attributes.get("type") in ("hidden", "submit"):
                continue
            assert field_id in parsed.labels, f"field {field_id} has no <label for>"
