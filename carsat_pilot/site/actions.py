"""Named page actions for quirks a flow file cannot say cleanly. Each is small, finds
things by the site's words, and is called from a flow with `call: NAME`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from carsat_pilot.core.errors import BadInput
from carsat_pilot.site.acting import Acting
from carsat_pilot.site.engine import ActionFn
from carsat_pilot.site.flowspec import Target
from carsat_pilot.site.page_errors import PageNotRecognized
from carsat_pilot.site.textmatch import fold, readable, words
from carsat_pilot.site.waiting import OPTIONAL_WAIT_S

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page



def date_of_birth(engine: Acting, params: Mapping[str, str], optional: bool) -> None:
    """The birth date as the site asks it: three boxes (JJ / MM / AAAA) in one labelled
    group, or a single box taking JJ/MM/AAAA."""
    day, month, year = params["value"].split("/")
    group_re = words(params["group"])

    def build(page: Page) -> Locator:
        return page.get_by_role("group", name=group_re).or_(page.get_by_label(group_re))

    found = engine.wait_for(
        build, engine.page_timeout_s, what=f"la date « {readable(params['group'])} »", watch_messages=True
    )
    engine.guard(found.page)
    boxes = found.get_by_role("textbox").or_(found.get_by_role("spinbutton"))
    count = boxes.count()
    if count >= 3:
        for box, value in zip(boxes.all()[:3], (day, month, year), strict=True):
            box.fill(value)
        engine.highlight(boxes.first)
    else:
        single = found if count == 0 else boxes.first
        single.fill(params["value"])
        engine.highlight(single)


def confirm_address(engine: Acting, params: Mapping[str, str], optional: bool) -> None:
    """« Valider votre voie »: the site may answer with its normalized form of the address.
    Show the advisor what it changed, then accept it."""
    engine.click(Target(name=params["validate"]))
    accept_re = words(params["accept"])
    # The proposal may come in a dialog of its own: one that says the heading's words.
    dialog_re = words("…" + readable(params["heading"]) + "…") if params.get("heading") else None

    def proposal(page: Page) -> Locator:
        return page.get_by_role("button", name=accept_re).or_(page.get_by_role("link", name=accept_re))

    try:
        button = engine.wait_for(
            proposal, OPTIONAL_WAIT_S, what="la proposition d'adresse", watch_messages=True, dialog=dialog_re
        )
    except PageNotRecognized as exc:
        if heading_shown(engine, params.get("heading", "")):
            # The site proposes an address but none of the flow's buttons accepts it: a
            # changed page. Going on would send the step without the site's address.
            raise PageNotRecognized(
                f"À l'étape « {engine.step_title} », le site propose une adresse normalisée mais le bouton "
                f"« {readable(params['accept'])} » est introuvable : le site a peut-être changé. Rien n'a été "
                "envoyé après ce point ; faites cette étape à la main.",
                expected=f"le bouton « {readable(params['accept'])} »",
                step=engine.step_title,
            ) from exc
        engine.emit("info", "le site n'a pas proposé d'autre écriture de l'adresse")
        return
    shown = _proposal_text(engine, params.get("heading", ""), button)
    typed = engine.render("{numero} {complement} {voie} {code_postal} {ville}")
    country = fold(engine.variables.get("pays", ""))
    shown_words = [w for w in fold(shown).split() if w != country]
    if shown and shown_words != fold(typed).split():
        # Shown to the advisor, kept out of the journal (an address is personal data).
        engine.emit("warning", f"adresse retenue par le site : {shown}", private="yes")
    note = getattr(engine.recap, "note_site_address", None)
    if shown and callable(note):
        # The approval table shows what the site will keep (and what was typed, if it differs).
        note(shown, differs=shown_words != fold(typed).split())
    engine.press(button, f"le bouton « {readable(params['accept'])} »")


def heading_shown(engine: Acting, heading: str) -> bool:
    if not heading:
        return False
    return engine.saying(heading)(engine.page).filter(visible=True).count() > 0


def _proposal_text(engine: Acting, heading: str, button: Locator) -> str:
    """The normalized address as the site writes it, read from the region that holds the
    accept button (its heading and buttons left out)."""
    try:
        region = button.locator("xpath=ancestor::*[self::section or self::div or self::form][1]")
        text = region.inner_text(timeout=2000)
    except PlaywrightTimeout:
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # Keep the address lines: drop the heading and the buttons' own words.
    noise = [w for w in (fold(readable(heading)), "confirm", "modifier", "valider") if w]
    return " ".join(line for line in lines if not any(w in fold(line) for w in noise))


def approve(engine: Acting, params: Mapping[str, str], optional: bool) -> None:
    """Approve before submit: show what was typed (secrets hidden) and let the person
    confirm or stop to correct the profile. `--yes` skips the question."""
    if engine.recap is not None:
        engine.human.console.print(engine.recap)
    if engine.assume_yes:
        engine.emit("info", "validation confirmée d'avance (--yes)")
        return
    if not engine.human.confirm(params.get("question", "Tout est-il exact ?")):
        raise BadInput(
            "Inscription non envoyée à la demande de la personne : corrigez le profil puis "
            "relancez « carsat-pilot register »."
        )
    engine.emit("info", "validation confirmée par la personne")


ACTIONS: dict[str, ActionFn] = {
    "date_of_birth": date_of_birth,
    "confirm_address": confirm_address,
    "approve": approve,
}
