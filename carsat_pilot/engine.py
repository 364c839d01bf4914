"""Runs a flow in a browser: finds everything by the site's words, waits on events,
reads the site's messages, hands over to the person where the flow says so.

Site knowledge lives in `flows/*.yaml`; this module only knows how to act on a page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from carsat_pilot.errors import (
    Interrupted,
    PilotError,
    SiteRefused,
    SiteUnavailable,
    TimedOut,
)
from carsat_pilot.events import Event, EventBus, EventKind
from carsat_pilot.flowspec import (
    Call,
    Check,
    Choose,
    Click,
    Expect,
    Fill,
    Flow,
    Goto,
    Human,
    Record,
    Select,
    SiteSpec,
    Step,
    Target,
)
from carsat_pilot.human import Human as HumanGate
from carsat_pilot.textmatch import fold, literal, readable, tolerant

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Request

    from carsat_pilot.overlay import Overlay

# While several pages are open (a new tab, the mailbox) the engine looks at each in turn,
# waiting on the newest for this long each round. It is a wait *for an element*, ended
# early by the element: not a fixed sleep.
SLICE_MS = 250
# A control that is optional on the site (the address proposal) is waited for this long.
OPTIONAL_WAIT_S = 5.0
# The tool's highlight of a field it filled: an outline that fades after a second.
HIGHLIGHT_JS = """el => {
  const before = el.style.outline;
  el.style.outline = '3px solid #ffcc00';
  setTimeout(() => { el.style.outline = before; }, 1000);
  return el.value;
}"""
# After this long without the page, the person is told the site is slow.
SLOW_NOTICE_MS = 3000

ActionFn = Callable[["Engine", Mapping[str, str], bool], None]
Recorder = Callable[[str], None]


class DryRunEnd(Exception):
    """A dry run reached the first step that belongs to the person."""


class PageNotRecognized(PilotError):
    """The page is not the one the flow expects: the site changed, or went elsewhere."""


@dataclass(frozen=True)
class SiteSignal:
    """A message of the site, read from the page."""

    kind: str
    text: str
    advice: str


class Engine:
    def __init__(
        self,
        context: BrowserContext,
        site: SiteSpec,
        human: HumanGate,
        bus: EventBus,
        base_url: str,
        variables: Mapping[str, str],
        *,
        overlay: Overlay | None = None,
        assume_yes: bool = False,
        recorder: Recorder | None = None,
        actions: Mapping[str, ActionFn] | None = None,
    ) -> None:
        self.context = context
        self.site = site
        self.human = human
        self.bus = bus
        self.base_url = base_url.rstrip("/")
        self.variables: dict[str, str] = dict(variables)
        self.overlay = overlay
        self.assume_yes = assume_yes
        self.recorder = recorder or (lambda _milestone: None)
        self.actions: dict[str, ActionFn] = dict(actions or {})
        self.page_timeout_s = site.page_timeout_s
        self._page: Page | None = None
        self.last_signal: SiteSignal | None = None
        self._nav_method: dict[int, str] = {}
        # The name of a state-changing form just sent, until the site's answer is seen.
        self.just_sent: str | None = None
        self.recap: object | None = None  # shown by the `approve` action
        self.artifacts: Any = None  # carsat_pilot.artifacts.Artifacts, on request only
        # doctor's canary: check the flow's words on the site, type and send nothing.
        self.dry_run = False
        self.steps_done: list[str] = []  # what --keep-open reports to the advisor
        self.dry_checks: list[str] = []
        self._dry_touched: tuple[int, str] = (0, "")
        self._flow = ""
        self._step = 0
        self._total = 0
        self._messages_re = re.compile(
            "|".join(f"(?:{tolerant(m.pattern).pattern})" for m in site.messages), re.IGNORECASE
        )
        context.on("page", self._on_new_page)
        for page in context.pages:
            self._on_new_page(page)

    # ---------------------------------------------------------------- pages
    def _on_new_page(self, page: Page) -> None:
        def remember_method(request: Request) -> None:
            if request.is_navigation_request() and request.frame == page.main_frame:
                self._nav_method[id(page)] = request.method

        page.on("request", remember_method)
        banner = self.site.cookie_banner
        buttons = page.get_by_role("button", name=tolerant(banner.refuse)).or_(
            page.get_by_role("button", name=tolerant(banner.accept))
        )

        def dismiss(locator: Locator) -> None:
            # Refuse when the site lets us (privacy first), accept otherwise.
            refuse = page.get_by_role("button", name=tolerant(banner.refuse))
            (refuse if refuse.count() else locator).first.click()

        # Playwright runs this before any action as soon as the banner is visible.
        page.add_locator_handler(buttons.first, dismiss)

    @property
    def page(self) -> Page:
        if self._page is None or self._page.is_closed():
            open_pages = [p for p in self.context.pages if not p.is_closed()]
            if not open_pages:
                raise Interrupted("La fenêtre du navigateur a été fermée : la démarche est interrompue.")
            self._page = open_pages[-1]
        return self._page

    @page.setter
    def page(self, value: Page) -> None:
        self._page = value

    def new_page(self) -> Page:
        self._page = self.context.new_page()
        return self._page

    def url(self, path_or_url: str) -> str:
        value = self.render(path_or_url)
        if re.match(r"^https?://", value):
            return value
        return self.base_url + "/" + value.lstrip("/")

    def render(self, template: str) -> str:
        try:
            return template.format_map(self.variables)
        except KeyError as exc:
            raise PilotError(f"Valeur manquante pour le parcours : {exc.args[0]}.") from exc

    # ---------------------------------------------------------------- events
    def emit(self, kind: EventKind, message: str = "", **data: str) -> None:
        self.bus.emit(
            Event(
                kind=kind,
                message=message,
                flow=self._flow,
                step=self._step,
                total=self._total,
                data=data,
            )
        )

    # ---------------------------------------------------------------- waiting
    def _candidate_pages(self) -> list[Page]:
        """The current page first, then any page opened since (newest first)."""
        pages = [p for p in reversed(self.context.pages) if not p.is_closed()]
        if not pages:
            raise Interrupted("La fenêtre du navigateur a été fermée : la démarche est interrompue.")
        current = self._page if self._page is not None and not self._page.is_closed() else None
        newer = [p for p in pages if p is not current]
        if current is None:
            return newer
        # A page opened after the current one (a new tab) is looked at first.
        index = self.context.pages.index(current)
        after = [p for p in newer if self.context.pages.index(p) > index]
        before = [p for p in newer if self.context.pages.index(p) < index]
        return [*after, current, *before]

    def wait_for(
        self,
        build: Callable[[Page], Locator],
        timeout_s: float,
        *,
        what: str,
        watch_messages: bool = False,
    ) -> Locator:
        """Wait until `build(page)` shows on one of the open pages; adopt that page.

        With `watch_messages`, a message of the site showing instead ends the wait with
        the typed error it maps to — except an outage on a page reached by a plain page
        load, which is reloaded (safe to repeat) with back-off first."""
        deadline = time.monotonic() + timeout_s
        started = time.monotonic()
        said_slow = False
        reloads = 0
        while True:
            pages = self._candidate_pages()
            for page in pages:
                try:
                    wanted = build(page).filter(visible=True).first
                    probe = wanted.or_(self._message_locator(page)).first if watch_messages else wanted
                    remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
                    slice_ms = min(SLOW_NOTICE_MS, remaining_ms) if len(pages) == 1 else min(SLICE_MS, remaining_ms)
                    probe.wait_for(state="visible", timeout=slice_ms)
                except PlaywrightTimeout:
                    continue
                except PlaywrightError as exc:
                    if page.is_closed():
                        continue
                    if "closed" in str(exc).lower():
                        raise Interrupted(
                            "La fenêtre du navigateur a été fermée : la démarche est interrompue."
                        ) from exc
                    raise
                if watch_messages and not wanted.is_visible():
                    signal = self.read_site_message(page)
                    # Reloading cannot bring the answer to a form just sent: only plain pages.
                    outage = signal is not None and signal.kind == "unavailable"
                    if outage and signal is not None and not self.just_sent and self.may_reload(page):
                        from carsat_pilot.reliability import reload_after_outage

                        reloads += 1
                        reload_after_outage(self, page, signal, reloads)
                        deadline = time.monotonic() + timeout_s
                        break
                    if signal is not None:
                        self.page = page
                        self.raise_for(signal)
                    continue
                self.page = page
                self.just_sent = None
                return wanted
            if time.monotonic() >= deadline:
                raise self._not_found(what, timeout_s)
            if not said_slow and time.monotonic() - started >= SLOW_NOTICE_MS / 1000:
                said_slow = True
                self.emit("info", f"le site est lent : attente de {what} (jusqu'à {timeout_s:.0f} s)", slow="yes")

    def may_reload(self, page: Page) -> bool:
        """A page may be loaded again only if it came from a plain page load (GET): the
        result of a sent form is never reloaded, it would send the form again."""
        return self._nav_method.get(id(page), "GET") == "GET"

    def _message_locator(self, page: Page) -> Locator:
        return page.get_by_text(self._messages_re).or_(page.get_by_role("alert").filter(has_text=re.compile(r"\S")))

    def read_site_messages(self, page: Page | None = None) -> list[SiteSignal]:
        """The site's messages visible on the page, classified by site.yaml."""
        page = page or self.page
        texts: list[str] = []
        # One round trip in the common case: no message at all on the page.
        if self._message_locator(page).count() == 0:
            return []
        for locator in (page.get_by_text(self._messages_re), page.get_by_role("alert")):
            for item in locator.all():
                try:
                    if item.is_visible():
                        text = " ".join(item.inner_text().split())
                        if text and text not in texts:
                            texts.append(text)
                except PlaywrightError:
                    continue
        signals: list[SiteSignal] = []
        for text in texts:
            kind = next((m for m in self.site.messages if tolerant(m.pattern).search(text)), None)
            if kind is not None:
                signals.append(SiteSignal(kind.kind, text, kind.advice))
            else:
                signals.append(SiteSignal("refused", text, "Corrigez ce que le site signale puis relancez."))
        return signals

    def read_site_message(self, page: Page | None = None) -> SiteSignal | None:
        """The message that decides what happens: a refusal or an outage outranks a
        wrong captcha shown beside it, which outranks a text we do not know."""
        signals = self.read_site_messages(page)
        if not signals:
            return None
        known = [s for s in signals if s.advice != "Corrigez ce que le site signale puis relancez."]
        ranked = sorted(known or signals, key=lambda s: s.kind == "wrong_captcha")
        return ranked[0]

    def raise_for(self, signal: SiteSignal) -> NoReturn:
        self.last_signal = signal
        self.emit("site_message", signal.text, meaning=signal.kind)
        if signal.kind == "unavailable" and self.just_sent:
            raise SiteUnavailable(
                f"Le site a répondu « {signal.text} » juste après « {self.just_sent} » : la demande a peut-être "
                "été enregistrée. carsat-pilot ne la renvoie pas ; vérifiez (messagerie, espace personnel) "
                "dans une heure avant de relancer."
            )
        if signal.kind == "unavailable":
            raise SiteUnavailable(f"Le site est indisponible : « {signal.text} ». {signal.advice}")
        raise SiteRefused(f"Le site a répondu : « {signal.text} ». {signal.advice}", signal.text)

    def _not_found(self, what: str, timeout_s: float) -> PilotError:
        page = self.page
        try:
            title = page.title()
            heading = page.get_by_role("heading").first.inner_text(timeout=1000)
        except PlaywrightError:
            title, heading = "", ""
        found = f"page « {title} »" + (f", titre « {heading.strip()} »" if heading else "")
        signal = None
        try:
            signal = self.read_site_message(page)
        except PlaywrightError:
            pass
        if signal is not None and signal.kind == "unavailable":
            return SiteUnavailable(f"Le site est indisponible : « {signal.text} ». {signal.advice}")
        if self.just_sent:
            return SiteUnavailable(
                f"Après « {self.just_sent} », le site n'a pas affiché la réponse attendue ({what}) : la demande a "
                "peut-être été enregistrée. carsat-pilot ne la renvoie pas ; vérifiez dans une heure avant de relancer."
            )
        return PageNotRecognized(
            f"Au bout de {timeout_s:.0f} s, {what} n'apparaît pas ({found}, adresse {page.url}) : "
            "le site a peut-être changé ; lancez « carsat-pilot doctor » ou terminez à la main."
        )

    # ---------------------------------------------------------------- finding
    def clickable(self, target: Target) -> Callable[[Page], Locator]:
        pattern = tolerant(self.render(target.name))

        def build(page: Page) -> Locator:
            if target.role == "any":
                return page.get_by_role("button", name=pattern).or_(page.get_by_role("link", name=pattern))
            return page.get_by_role(target.role, name=pattern)

        return build

    def labelled(self, label: str) -> Callable[[Page], Locator]:
        pattern = tolerant(self.render(label))
        return lambda page: page.get_by_label(pattern)

    # ---------------------------------------------------------------- running
    def run(self, flow: Flow, *, first_step: int = 1, total: int | None = None) -> None:
        self._flow = flow.name
        self._total = total or len(flow.steps)
        for offset, step in enumerate(flow.steps):
            self._step = first_step + offset
            self.run_step(step)

    def run_step_numbered(self, step: Step, number: int, total: int) -> None:
        self._step, self._total = number, total
        self.run_step(step)

    def run_step(self, step: Step) -> None:
        label = f"Étape {self._step}/{self._total} : {step.title}"
        self.emit("step_started", step.title)
        if self.overlay is not None:
            self.overlay.show(step=label, instruction="")
        if step.page:
            pattern = tolerant(step.page)
            self.wait_for(
                lambda p: p.get_by_text(pattern).or_(p.get_by_role("heading", name=pattern)),
                self.page_timeout_s,
                what=f"la page « {readable(step.page)} »",
                watch_messages=True,
            )
        for action in step.do:
            self.run_action(action)
        if self.artifacts is not None:
            self.artifacts.capture(self.page, f"{self._flow}-{self._step}-{step.title}")
        self.steps_done.append(step.title)
        self.emit("step_done", step.title)

    def run_action(self, action: object) -> None:
        optional = bool(getattr(action, "optional", False))
        try:
            self._dispatch(action)
        except PageNotRecognized:
            if optional:
                return
            raise

    def _dispatch(self, action: object) -> None:
        if self.dry_run and self._dry(action):
            return
        match action:
            case Goto(goto=path):
                self.goto(self.url(path))
            case Click(click=target, optional=optional):
                self.click(target, optional=optional)
            case Fill(fill=spec):
                self.fill(spec.label, self.render(spec.value), keys=spec.keys)
            case Select(select=spec):
                self.select(spec.label, self.render(spec.option), wait=spec.wait_for_options)
            case Check(check=spec):
                self.check(spec.label)
            case Choose(choose=spec):
                self.choose(spec.group, self.render(spec.option))
            case Expect(expect=spec, optional=optional):
                self.expect(spec.text, spec.heading, spec.timeout_s, optional=optional)
            case Human(human=spec):
                from carsat_pilot.handover import run_handover

                run_handover(self, spec)
            case Call(call=name, params=params, optional=optional):
                if name not in self.actions:
                    raise PilotError(f"Action « {name} » inconnue du moteur.")
                self.actions[name](self, {k: self.render(v) for k, v in params.items()}, optional)
            case Record(record=milestone):
                self.recorder(milestone)
                self.emit("info", milestone, milestone=milestone)
            case _:
                raise PilotError(f"Action non prise en charge : {action!r}")

    # ---------------------------------------------------------------- dry run
    def _dry(self, action: object) -> bool:
        """`doctor`'s canary: walk a flow on the real site without typing anything or
        sending any form — check each field, list and button is where the flow expects it,
        follow only plain navigation, stop at the first hand-over. True when handled."""
        page = self.page

        def present(what: str, build: Callable[[Page], Locator]) -> None:
            self.wait_for(build, self.page_timeout_s, what=what, watch_messages=True)
            self.dry_checks.append(what)

        match action:
            case Fill(fill=spec) | Select(select=spec):
                present(f"« {readable(spec.label)} »", self.labelled(spec.label))
            case Check(check=spec):
                pattern = tolerant(spec.label)
                present(f"« {readable(spec.label)} »", lambda p: p.get_by_role("checkbox", name=pattern))
            case Choose(choose=spec):
                group = tolerant(spec.group)
                present(
                    f"« {readable(spec.group)} »",
                    lambda p: p.get_by_role("group", name=group).or_(p.get_by_label(group)).or_(p.get_by_text(group)),
                )
            case Call(call="date_of_birth", params=params):
                group = tolerant(params["group"])
                present(
                    f"« {readable(params['group'])} »",
                    lambda p: p.get_by_role("group", name=group).or_(p.get_by_label(group)),
                )
            case Call() | Record():
                pass
            case Click(click=target) if target.sends_form or self._dry_touched == (id(page), page.url):
                # A button of a form: it would send it. Only its presence is checked.
                present(f"« {readable(target.name)} »", self.clickable(target))
            case Human(human=spec):
                # The person's part is not played; the words it relies on are checked.
                if "image" in spec.params:
                    image = tolerant(spec.params["image"])
                    present("l'image de sécurité", lambda p: p.get_by_role("img", name=image))
                if "field" in spec.params and spec.kind == "captcha":
                    present(f"« {readable(spec.params['field'])} »", self.labelled(spec.params["field"]))
                if "submit" in spec.params and spec.kind == "captcha":
                    present(
                        f"« {readable(spec.params['submit'])} »", self.clickable(Target(name=spec.params["submit"]))
                    )
                raise DryRunEnd()
            case _:
                return False
        if isinstance(action, (Fill, Select, Check, Choose, Call)):
            self._dry_touched = (id(page), page.url)
        return True

    # ---------------------------------------------------------------- actions
    def goto(self, url: str) -> None:
        from carsat_pilot.reliability import goto_with_retries

        goto_with_retries(self, url)

    def click(self, target: Target, *, optional: bool = False) -> None:
        timeout = OPTIONAL_WAIT_S if optional else (target.timeout_s or self.page_timeout_s)
        locator = self.wait_for(
            self.clickable(target),
            timeout,
            what=f"le bouton ou lien « {readable(target.name)} »",
            watch_messages=not optional,
        )
        if target.sends_form:
            # From here the site's state changes: this click is never repeated by the tool.
            self.emit("info", f"envoi : {readable(target.name)}", sends_form="yes")
            self.just_sent = readable(target.name)
        if not target.opens_page:
            locator.click()
            return
        # « Une page s'ouvre »: follow the new tab if the site opens one, or stay if it
        # loads the page in the same tab — whichever happens first, however slow.
        page = locator.page
        before = [p for p in self.context.pages if not p.is_closed()]
        url_before = page.url
        locator.click()
        deadline = time.monotonic() + self.page_timeout_s
        while time.monotonic() < deadline:
            opened = [p for p in self.context.pages if p not in before and not p.is_closed()]
            if opened:
                self.page = opened[-1]
                self.page.wait_for_load_state("domcontentloaded")
                return
            if page.url != url_before:
                return
            try:
                self.context.wait_for_event("page", timeout=SLICE_MS)
            except PlaywrightTimeout:
                continue

    def fill(self, label: str, value: str, *, keys: bool = False) -> None:
        field = self.wait_for(
            self.labelled(label), self.page_timeout_s, what=f"le champ « {readable(label)} »", watch_messages=True
        )
        if keys:
            field.fill("")
            field.press_sequentially(value)
        else:
            field.fill(value)
        typed = self.highlight(field)
        if typed != value and fold(typed) != fold(value):
            # Some fields react only to key presses (masks, scripts): type them.
            field.fill("")
            field.press_sequentially(value)

    def highlight(self, field: Locator) -> str:
        """Show the person, for a moment, the field the tool just filled; return what the
        field now holds (one round trip for both)."""
        script = HIGHLIGHT_JS if self.overlay is not None else "el => el.value"
        try:
            return str(field.evaluate(script))
        except PlaywrightError:
            return ""  # a field gone with a page change: nothing to show or read back

    def select(self, label: str, option: str, *, wait: bool = False) -> None:
        if not option.strip():
            return  # nothing to choose (an empty « Complément »): leave the site's default
        field = self.wait_for(
            self.labelled(label), self.page_timeout_s, what=f"la liste « {readable(label)} »", watch_messages=True
        )
        wanted = fold(option)
        if wait:
            try:
                field.page.wait_for_function(
                    """([el, wanted]) => {
                        const f = s => s.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '')
                                        .toLowerCase().replace(/\\s+/g, ' ').trim();
                        return Array.from(el.options || []).some(o => f(o.label || o.text) === wanted
                            || f(o.label || o.text).startsWith(wanted));
                    }""",
                    arg=[field.element_handle(), wanted],
                    timeout=self.page_timeout_s * 1000,
                )
            except PlaywrightTimeout:
                pass  # say below which choices the site offers instead
        labels: list[str] = field.evaluate("el => Array.from(el.options || []).map(o => (o.label || o.text).trim())")
        choice = next((text for text in labels if fold(text) == wanted), None)
        if choice is None:
            choice = next((text for text in labels if fold(text).startswith(wanted)), None)
        if choice is None:
            offered = ", ".join(text for text in labels if text) or "aucun"
            raise SiteRefused(
                f"Le site ne propose pas « {option} » dans la liste « {readable(label)} » "
                f"(choix proposés : {offered}) : corrigez le profil puis relancez."
            )
        field.select_option(label=choice)
        self.highlight(field)

    def check(self, label: str) -> None:
        pattern = tolerant(self.render(label))
        box = self.wait_for(
            lambda p: p.get_by_role("checkbox", name=pattern),
            self.page_timeout_s,
            what=f"la case « {readable(label)} »",
            watch_messages=True,
        )
        box.check()

    def choose(self, group: str, option: str) -> None:
        group_re = tolerant(self.render(group))
        option_re = literal(option)

        def build(page: Page) -> Locator:
            radios = page.get_by_role("group", name=group_re).get_by_role("radio", name=option_re)
            return radios.or_(page.get_by_role("radio", name=option_re)).or_(
                page.get_by_label(group_re).and_(page.get_by_role("combobox"))
            )

        found = self.wait_for(build, self.page_timeout_s, what=f"le choix « {option} »", watch_messages=True)
        if found.evaluate("el => el.tagName") == "SELECT":
            self.select(group, option)
        else:
            found.check()

    def expect(
        self,
        text: str | None,
        heading: str | None,
        timeout_s: float | None,
        *,
        optional: bool = False,
    ) -> None:
        timeout = OPTIONAL_WAIT_S if optional else (timeout_s or self.page_timeout_s)
        if text is not None:
            pattern = tolerant(self.render(text))
            self.wait_for(
                lambda p: p.get_by_text(pattern),
                timeout,
                what=f"le texte « {readable(text)} »",
                watch_messages=not optional,
            )
        else:
            assert heading is not None
            pattern = tolerant(self.render(heading))
            self.wait_for(
                lambda p: p.get_by_role("heading", name=pattern),
                timeout,
                what=f"le titre « {readable(heading)} »",
                watch_messages=not optional,
            )


__all__ = ["Engine", "PageNotRecognized", "SiteSignal", "TimedOut"]
