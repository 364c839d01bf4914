"""Hand-overs to the person, as the flows ask for them.

The captcha is never read by the tool: in terminal mode the person reads the saved image
and types the code on standard input; in browser mode the person types it in the page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError

from carsat_pilot.core.errors import BadInput, PilotError, SiteRefused, TimedOut
from carsat_pilot.site.acting import Acting
from carsat_pilot.site.flowspec import HumanSpec, Target
from carsat_pilot.site.hosts import same_site
from carsat_pilot.site.human import TerminalHuman
from carsat_pilot.site.page_errors import PageNotRecognized
from carsat_pilot.site.textmatch import words

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


CAPTCHA_ATTEMPTS = 5
# In browser mode the engine looks for a pasted link between two looks at the pages.
PASTE_CHECK_S = 1.0
# The cursor is put in the code's field only if the field is there by then: a person quick
# to send the next code has already left that page, and the tool must follow them, not wait
# (up to the page's time-out) for a field that is gone.
FOCUS_WAIT_S = 2.0


def _param(spec: HumanSpec, key: str) -> str:
    try:
        return spec.params[key]
    except KeyError as exc:
        raise PilotError(f"Le passage de main « {spec.kind} » n'indique pas « {key} ».") from exc


def _marker(engine: Acting, pattern: str) -> Callable[[Page], Locator]:
    return engine.saying(pattern)


def _instruct(engine: Acting, spec: HumanSpec, text: str | None = None) -> None:
    message = engine.render(text or spec.say)
    engine.emit("waiting_human", message, handover=spec.kind)
    if engine.overlay is not None:
        engine.overlay.show(instruction=message)
    engine.human.tell(message)


def _done(engine: Acting, spec: HumanSpec) -> None:
    engine.emit("human_done", spec.kind, handover=spec.kind)
    if engine.overlay is not None:
        engine.overlay.clear_instruction()


def _person_acts_until(engine: Acting, spec: HumanSpec, build: Callable[[Page], Locator], what: str) -> None:
    """The person does the step in the browser; the tool waits, as long as a person may
    take (a quiet page is the person reading, not a changed site), for the page after it."""
    _instruct(engine, spec)
    engine.wait_for(build, engine.human.timeout_s, what=what, watch_messages=True, settle=False, unique=False)
    _done(engine, spec)


def run_handover(engine: Acting, spec: HumanSpec) -> None:
    handlers = {
        "captcha": captcha,
        "activation_link": activation_link,
        "one_time_code": one_time_code,
        "franceconnect": franceconnect,
    }
    handlers[spec.kind](engine, spec)


# ------------------------------------------------------------------------ captcha
def _wait_after_submit(engine: Acting, spec: HumanSpec, timeout_s: float) -> bool:
    """True when the next page came; False on a wrong code. Other messages raise."""
    try:
        engine.wait_for(
            _marker(engine, _param(spec, "next")),
            timeout_s,
            what=f"la page « {spec.params['next']} »",
            watch_messages=True,
            # The person may be typing (browser mode): a quiet page is not a changed site.
            settle=engine.human.mode != "browser",
            unique=False,
        )
    except SiteRefused:
        if engine.last_signal is not None and engine.last_signal.kind == "wrong_captcha":
            return False
        raise
    return True


def _captcha_image(engine: Acting, spec: HumanSpec) -> bytes:
    image_re = words(_param(spec, "image"))
    image = engine.wait_for(
        lambda p: p.get_by_role("img", name=image_re),
        engine.page_timeout_s,
        what="l'image de sécurité",
        watch_messages=True,
    )
    # The screenshot must show the image itself, not a half-loaded placeholder.
    engine.page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())
    return image.screenshot()


def captcha(engine: Acting, spec: HumanSpec) -> None:
    submit = Target(name=_param(spec, "submit"))
    field = _param(spec, "field")
    if engine.human.mode == "browser":
        _captcha_in_browser(engine, spec, field)
        return
    for attempt in range(1, CAPTCHA_ATTEMPTS + 1):
        png = _captcha_image(engine, spec)
        engine.emit("waiting_human", "captcha", handover="captcha", attempt=str(attempt))
        code = engine.human.captcha_code(png, attempt)
        engine.emit("human_done", "captcha", handover="captcha")
        if not code:
            continue  # an empty line: show a new request for the same image
        engine.fill(field, code)
        engine.click(submit)
        if _wait_after_submit(engine, spec, engine.page_timeout_s):
            return
        engine.emit("retry", "code de l'image refusé par le site : nouvelle image")
    raise TimedOut(
        f"Le code de l'image a été refusé {CAPTCHA_ATTEMPTS} fois : relancez l'inscription "
        "quand la personne est prête (les autres champs seront de nouveau remplis)."
    )


def _focus(engine: Acting, field: str) -> None:
    """The cursor in the code's field, for the person's convenience — never a reason to stop.
    The person may already be sending the form (the page then goes away under the focus:
    seen under load, it made a right journey stop as drift); what follows looks at the page."""
    try:
        engine.wait_for(engine.labelled(field), FOCUS_WAIT_S, what="le champ du code", settle=False).focus()
    except (PilotError, PlaywrightError):
        pass  # the person can still click in the field


def _captcha_in_browser(engine: Acting, spec: HumanSpec, field: str) -> None:
    deadline = time.monotonic() + engine.human.timeout_s
    _instruct(engine, spec)
    _focus(engine, field)
    for _ in range(CAPTCHA_ATTEMPTS):
        if _wait_after_submit(engine, spec, max(1.0, deadline - time.monotonic())):
            _done(engine, spec)
            return
        engine.emit("retry", "code de l'image refusé par le site : nouvelle image")
        # Said now, on the page that refused the code, while the person reads the new image.
        _instruct(engine, spec, spec.params.get("again", spec.say))
        _focus(engine, field)
        _wait_until_message_gone(engine, deadline)
    raise TimedOut(
        f"Le code de l'image a été refusé {CAPTCHA_ATTEMPTS} fois : relancez l'inscription quand la personne est prête."
    )


def _wait_until_message_gone(engine: Acting, deadline: float) -> None:
    """The wrong-code message stays until the person sends the form again: wait for that
    very element to go (a page load detaches it) before looking at the result again."""
    signal = engine.last_signal
    if signal is None:
        return
    try:
        handle = engine.page.get_by_text(signal.text, exact=False).first.element_handle(timeout=2000)
    except PlaywrightError:
        return
    try:
        handle.wait_for_element_state("hidden", timeout=max(1.0, deadline - time.monotonic()) * 1000)
    except PlaywrightError as exc:
        if "timeout" in str(exc).lower():
            raise TimedOut("La personne n'a pas saisi de nouveau code à temps : relancez l'inscription.") from exc
        # "element is not attached", "execution context was destroyed": the page changed.


# ------------------------------------------------------------------- activation link
def activation_link(engine: Acting, spec: HumanSpec) -> None:
    """Get the e-mailed link: typed in the terminal, or followed in the tool's browser."""
    if engine.variables.get("activation_link"):
        return  # `carsat-pilot activate LINK`: the link came with the command
    if engine.human.mode != "browser":
        _instruct(engine, spec)
        link = engine.human.activation_link()
        accept_link(engine, link)
        _done(engine, spec)
        return
    _activation_in_browser(engine, spec)


def accept_link(engine: Acting, link: str) -> None:
    link = link.strip().strip("<>\"'")
    if not same_site(link, engine.base_url):
        raise BadInput(
            "Ce lien ne mène pas au site de l'Assurance retraite : par sécurité il n'est pas "
            "ouvert. Copiez le lien « Je confirme la création de mon espace personnel » de l'e-mail."
        )
    engine.variables["activation_link"] = link


def _activation_in_browser(engine: Acting, spec: HumanSpec) -> None:
    mailbox = spec.params.get("mailbox_url") or engine.variables.get("mailbox_url", "")
    page = engine.new_page()
    if mailbox:
        page.goto(mailbox)
    _instruct(engine, spec)
    human = engine.human
    reader = human.reader if isinstance(human, TerminalHuman) else None
    marker = _marker(engine, _param(spec, "next"))
    deadline = time.monotonic() + human.timeout_s
    while time.monotonic() < deadline:
        pasted = reader.poll() if reader is not None else None
        if pasted:
            accept_link(engine, pasted)
            _done(engine, spec)
            return
        try:
            engine.wait_for(marker, PASTE_CHECK_S, what="la page d'activation", settle=False, unique=False)
        except PageNotRecognized:
            continue  # not opened yet: look for a pasted link again
        engine.variables["activation_link"] = engine.page.url
        _done(engine, spec)
        return
    raise TimedOut(
        "Le lien d'activation n'a pas été ouvert à temps : plus tard, lancez "
        "« carsat-pilot activate LIEN » avec le lien reçu par e-mail."
    )


# ------------------------------------------------------------------ one-time code
def one_time_code(engine: Acting, spec: HumanSpec) -> None:
    """Some sites send a code by e-mail or SMS after the password: only when asked."""
    asked_re = words(_param(spec, "asked"))
    next_marker = _marker(engine, _param(spec, "next"))

    def either(page: Page) -> Locator:
        return page.get_by_text(asked_re).or_(next_marker(page))

    engine.wait_for(
        either, engine.page_timeout_s, what="la suite de la connexion", watch_messages=True, unique=False
    )
    if not engine.page.get_by_text(asked_re).first.is_visible():
        return  # no code asked: already in
    if engine.human.mode == "browser":
        _person_acts_until(engine, spec, next_marker, "l'espace personnel")
        return
    engine.emit("waiting_human", "code", handover="one_time_code")
    code = engine.human.one_time_code()
    engine.emit("human_done", "code", handover="one_time_code")
    engine.fill(_param(spec, "field"), code)
    engine.click(Target(name=_param(spec, "submit")))


# ------------------------------------------------------------------ FranceConnect
def franceconnect(engine: Acting, spec: HumanSpec) -> None:
    """The person logs in on FranceConnect; the tool goes on when the espace is back."""
    if engine.human.mode == "terminal":
        raise BadInput("FranceConnect se fait dans le navigateur : relancez avec --human browser.")
    _person_acts_until(engine, spec, _marker(engine, _param(spec, "next")), "le retour dans l'espace personnel")
