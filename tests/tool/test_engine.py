"""The engine on small pages written here — a site it has never seen: it must find things
by their words, hand over, read the site's messages, and never mistake its own banner
for the site."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import BrowserContext, Page
from rich.console import Console

from carsat_pilot.actions import ACTIONS
from carsat_pilot.engine import Engine, PageNotRecognized
from carsat_pilot.errors import SiteRefused, SiteUnavailable
from carsat_pilot.events import Event, EventBus
from carsat_pilot.flowspec import Target, load_site
from carsat_pilot.human import TerminalHuman
from carsat_pilot.overlay import Overlay


@pytest.fixture
def engine(context: BrowserContext) -> Engine:
    overlay = Overlay(context)
    human = TerminalHuman(Console(file=io.StringIO()), 5.0, stream=io.StringIO(""))
    site = load_site().model_copy(update={"page_timeout_s": 3.0})
    engine = Engine(
        context,
        site,
        human,
        EventBus(),
        "http://127.0.0.1:9",
        {"nir": "1850775123456"},
        overlay=overlay,
        actions=ACTIONS,
    )
    engine.page = context.new_page()
    return engine


def _page(engine: Engine, body: str) -> Page:
    engine.page.set_content(f"<html><head><title>Essai</title></head><body>{body}</body></html>")
    return engine.page


def test_fields_are_found_by_their_label_whatever_the_accents(engine: Engine) -> None:
    page = _page(engine, '<label for="a">N° de Securite sociale française (13 chiffres) *</label><input id="a">')
    engine.fill("S[ée]curit[ée] sociale", "1850775123456")
    assert page.get_by_role("textbox").input_value() == "1850775123456"


def test_a_filled_field_is_highlighted_for_the_person(engine: Engine) -> None:
    page = _page(engine, "<label>Nom de naissance <input></label>")
    engine.fill("Nom de naissance", "DUPONT")
    assert "solid" in page.get_by_role("textbox").evaluate("el => el.style.outline")


def test_radio_choice_inside_its_group(engine: Engine) -> None:
    page = _page(
        engine,
        '<fieldset><legend>Civilité *</legend><label><input type="radio" name="c">Madame</label>'
        '<label><input type="radio" name="c">Monsieur</label></fieldset>',
    )
    engine.choose("Civilit[ée]", "Monsieur")
    assert page.get_by_role("radio", name="Monsieur").is_checked()
    assert not page.get_by_role("radio", name="Madame").is_checked()


def test_the_birth_date_in_three_boxes_or_one(engine: Engine) -> None:
    page = _page(
        engine,
        "<fieldset><legend>Date de naissance (JJ/MM/AAAA)</legend>"
        '<input aria-label="Jour"> / <input aria-label="Mois"> / <input aria-label="Année"></fieldset>',
    )
    ACTIONS["date_of_birth"](engine, {"group": "Date de naissance", "value": "15/07/1985"}, False)
    assert [b.input_value() for b in page.get_by_role("textbox").all()] == ["15", "07", "1985"]
    page = _page(engine, "<label>Date de naissance <input></label>")
    ACTIONS["date_of_birth"](engine, {"group": "Date de naissance", "value": "15/07/1985"}, False)
    assert page.get_by_role("textbox").input_value() == "15/07/1985"


def test_a_list_filled_later_by_the_page_is_waited_for(engine: Engine) -> None:
    page = _page(
        engine,
        "<label>Ville * <select></select></label>"
        "<script>setTimeout(() => { const s = document.querySelector('select');"
        " s.add(new Option('')); s.add(new Option('PARIS 12E ARRONDISSEMENT')); s.add(new Option('PARIS')); }, 400)"
        "</script>",
    )
    engine.select("^\\s*Ville", "Paris", wait=True)
    assert page.get_by_role("combobox").evaluate("s => s.options[s.selectedIndex].text") == "PARIS"


def test_a_city_the_site_does_not_offer_is_said_with_the_choices(engine: Engine) -> None:
    _page(engine, "<label>Ville <select><option>CAEN</option></select></label>")
    with pytest.raises(SiteRefused) as caught:
        engine.select("Ville", "LYON")
    assert "CAEN" in caught.value.message


def test_the_sites_error_is_read_and_shown_verbatim(engine: Engine) -> None:
    _page(engine, '<div role="alert">Les informations saisies ne permettent pas de vous identifier.</div>')
    with pytest.raises(SiteRefused) as caught:
        engine.expect("Je saisis mon adresse", None, 3.0)
    assert caught.value.site_text == "Les informations saisies ne permettent pas de vous identifier."


def test_a_maintenance_page_is_an_outage(engine: Engine) -> None:
    _page(engine, "<h1>Le site est actuellement en maintenance</h1>")
    engine.just_sent = "Je valide mon inscription"
    with pytest.raises(SiteUnavailable) as caught:
        engine.expect("inscription .* finalis", None, 3.0)
    assert "peut-être" in caught.value.message


def test_an_unknown_page_fails_loudly_with_what_was_found(engine: Engine) -> None:
    _page(engine, "<h1>Une autre page</h1>")
    with pytest.raises(PageNotRecognized) as caught:
        engine.expect("Votre espace personnel est actif", None, 0.5)
    message = caught.value.message
    assert "Votre espace personnel est actif" in message and "Une autre page" in message and "Essai" in message


def test_the_tools_banner_is_never_taken_for_the_site(engine: Engine) -> None:
    page = _page(engine, "<h1>Page du site</h1>")
    assert engine.overlay is not None
    engine.overlay.show(step="Étape 1/9", instruction="Cliquez sur « Étape suivante »")
    assert "Étape suivante" in page.evaluate("window.__carsatPilotOverlayMessage.instruction")
    # The person sees it; the tool's locators (which pierce open shadow roots) do not.
    assert page.get_by_text("Cliquez sur").count() == 0
    with pytest.raises(PageNotRecognized):
        engine.click(Target(name="[ÉE]tape suivante", timeout_s=0.5))


def test_events_say_each_step(engine: Engine) -> None:
    seen: list[Event] = []
    engine.bus.subscribe(seen.append)
    _page(engine, "<label>Nom de naissance <input></label>")
    from carsat_pilot.flowspec import Flow

    flow = Flow.model_validate(
        {"name": "t", "title": "T", "steps": [{"title": "Identité", "do": [{"fill": {"label": "Nom", "value": "X"}}]}]}
    )
    engine.run(flow)
    assert [(e.kind, e.step, e.total) for e in seen if e.kind.startswith("step")] == [
        ("step_started", 1, 1),
        ("step_done", 1, 1),
    ]


def _address_page(engine: Engine, proposal: str) -> list[Event]:
    seen: list[Event] = []
    engine.bus.subscribe(seen.append)
    engine.variables.update(
        numero="12", complement="", voie="RUE DE LA GARE", code_postal="75012", ville="PARIS", pays="FRANCE"
    )
    _page(
        engine,
        "<button onclick=\"document.getElementById('p').hidden=false\">Valider votre voie</button>"
        f"<section id='p' hidden><h3>Adresse normalisée</h3><address>{proposal}</address>"
        "<p><button onclick=\"this.textContent='ok'\">Je confirme cette adresse</button></p></section>",
    )
    ACTIONS["confirm_address"](
        engine, {"validate": "Valider votre voie", "accept": "confirme", "heading": "Adresse normalis[ée]e"}, False
    )
    assert engine.page.get_by_role("button", name="ok").count() == 1  # the proposal was accepted
    return [e for e in seen if e.kind == "warning"]


def test_the_advisor_is_told_when_the_site_rewrote_the_address(engine: Engine) -> None:
    warnings = _address_page(engine, "12 R DE LA GARE<br>75012 PARIS<br>FRANCE")
    assert len(warnings) == 1 and "12 R DE LA GARE" in warnings[0].message
    assert warnings[0].data.get("private") == "yes"  # shown, not journaled


def test_no_warning_when_the_site_kept_the_address(engine: Engine) -> None:
    assert _address_page(engine, "12 RUE DE LA GARE<br>75012 PARIS<br>FRANCE") == []
