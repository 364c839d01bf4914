"""Runs a flow in a browser: finds everything by the site's words, waits on events,
reads the site's messages, hands over to the person where the flow says so — and where
the page is no longer what the procedure expects (drift).

Site knowledge lives in `flows/*.yaml`; this module only knows how to act on a page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from carsat_pilot.core.errors import (
    Drift,
    Interrupted,
    PilotError,
    SiteRefused,
    SiteUnavailable,
    TimedOut,
)
from carsat_pilot.record.events import Event, EventBus, EventKind
from carsat_pilot.site import pageprobe
from carsat_pilot.site.flowspec import (
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
from carsat_pilot.site.hosts import assert_may_type, same_site
from carsat_pilot.site.human import Human as HumanGate
from carsat_pilot.site.textmatch import fold, literal, readable, tolerant, words

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Request

    from carsat_pilot.site.overlay import Overlay

# Each look at the pages waits this long for the element before looking again (reading
# messages, dismissing banners): a wait *for an element*, ended early by it.
SLICE_MS = 400
# A control that is optional on the site (the address proposal) is waited for this long.
OPTIONAL_WAIT_S = 5.0
# A page is settled when nothing in it changed, and nothing was loading, for this long…
QUIET_MS = 800
# …and a step's element still missing that long after is drift, not slowness.
DRIFT_GRACE_S = 2.5
# The tool's highlight of a field it filled: an outline that fades after a second.
# It also marks the field as the step's own: its form scopes the step's next lookups.
HIGHLIGHT_JS = """el => {
  window.__cpStepField = el;
  const before = el.style.outline;
  el.style.outline = '3px solid #ffcc00';
  setTimeout(() => { el.style.outline = before; }, 1000);
  return el.value;
}"""
READ_BACK_JS = "el => { window.__cpStepField = el; return el.value; }"
# A list's options as the person reads them, and whether the page has filled it yet.
OPTIONS_JS = """el => {
  const options = Array.from(el.options || []);
  return [options.map(o => (o.label || o.text).trim()), options.some(o => o.value !== '')];
}"""
# After this long without the page, the person is told the site is slow.
SLOW_NOTICE_MS = 3000
# A click blocked by something over the page is retried this often while banners are
# dismissed; a blocker the tool does not know is drift after DRIFT_GRACE_S.
CLICK_SLICE_MS = 1000

FieldRole = Literal["textbox", "combobox", "spinbutton", "searchbox"]
FIELD_ROLES: tuple[FieldRole, ...] = ("textbox", "combobox", "spinbutton", "searchbox")

ActionFn = Callable[["Engine", Mapping[str, str], bool], None]
Recorder = Callable[[str], None]
Build = Callable[["Page"], "Locator"]


class DryRunEnd(Exception):
    """A dry run reached the first step that belongs to the person."""


class PageNotRecognized(Drift):
    """The page is not the one the flow expects: the site changed, or went elsewhere."""


@dataclass(frozen=True)
class SiteSignal:
    """A message of the site, read from the page."""

    kind: str
    text: str
    advice: str


UNKNOWN_ADVICE = "Corrigez ce que le site signale puis relancez."


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
        visible: bool = False,
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
        # A person can act in the page (headed browser): drift is handed to the advisor.
        self.visible = visible
        self.page_timeout_s = site.page_timeout_s
        self._page: Page | None = None
        self.last_signal: SiteSignal | None = None
        self._nav_method: dict[int, str] = {}
        self._clicked_since_load: dict[int, bool] = {}
        self._loading: dict[int, int] = {}
        self._last_action = 0.0
        # The name of a state-changing form just sent, until the site's answer is seen.
        self.just_sent: str | None = None
        self.recap: object | None = None  # shown by the `approve` action
        self.artifacts: Any = None  # carsat_pilot.record.artifacts.Artifacts, on request only
        self.drift_folder: Path | None = None  # where drift reports go (default: drift.reports_dir())
        self.action_index = 0  # the action of the current step being done
        # doctor's canary: check the flow's words on the site, type and send nothing.
        self.dry_run = False
        self.steps_done: list[str] = []  # what --keep-open reports to the advisor
        self.dry_checks: list[str] = []
        self._dry_touched: tuple[int, str] = (0, "")
        self._flow = ""
        self._step = 0
        self._total = 0
        self._step_title = ""
        self._interruptions = pageprobe.interruption_args(list(site.interruptions))
        self._messages = [(tolerant(m.pattern), m) for m in site.messages]
        pageprobe.watch(context)
        context.on("page", self._on_new_page)
        for page in context.pages:
            self._on_new_page(page)

    # ---------------------------------------------------------------- pages
    def _on_new_page(self, page: Page) -> None:
        key = id(page)

        def on_request(request: Request) -> None:
            self._loading[key] = self._loading.get(key, 0) + 1
            if request.is_navigation_request() and request.frame == page.main_frame:
                self._nav_method[key] = request.method

        def on_done(_request: Request) -> None:
            self._loading[key] = max(0, self._loading.get(key, 0) - 1)

        def on_document(_page: Page) -> None:
            # A new document: what was clicked in the previous one is gone with it.
            self._clicked_since_load[key] = False

        page.on("request", on_request)
        page.on("requestfinished", on_done)
        page.on("requestfailed", on_done)
        page.on("domcontentloaded", on_document)
        press = [words(p) for item in self.site.interruptions for p in item.press]
        if not press:
            return
        trigger = page.get_by_role("button", name=re.compile("|".join(f"(?:{p.pattern})" for p in press), re.I))

        def dismiss(_locator: Locator) -> None:
            # The safety net: a banner that shows between the tool's look and its action.
            self._look(page)

        # Playwright runs this before an action when such a button is visible; the look
        # itself decides whether it belongs to a declared banner (never a form's button).
        page.add_locator_handler(trigger.first, dismiss, no_wait_after=True)

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

    @property
    def flow_name(self) -> str:
        return self._flow

    @property
    def step_title(self) -> str:
        return self._step_title

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

    # ---------------------------------------------------------------- looking
    def _look(self, page: Page, *, snapshot: bool = False) -> pageprobe.Look:
        """One look at the page: declared banners and dialogs dismissed, messages read."""
        # Banners are answered on the site's own pages only: never in the person's mailbox.
        interruptions = self._interruptions if self.is_site_page(page) else []
        try:
            seen = pageprobe.look(page, interruptions, snapshot=snapshot)
        except PlaywrightError:
            if page.is_closed():
                raise
            return pageprobe.Look()  # a page between two documents: nothing to read yet
        for name in seen.dismissed:
            self.emit("info", f"fenêtre fermée : {name}", interruption=name)
        return seen

    def _look_and_find(
        self, page: Page, candidates: Locator, dialog: re.Pattern[str] | None, *, snapshot: bool
    ) -> tuple[pageprobe.Look, list[pageprobe.Place]]:
        """`_look` and the candidates' places in one round trip."""
        interruptions = self._interruptions if self.is_site_page(page) else []
        try:
            seen, found = pageprobe.look_and_find(candidates, interruptions, dialog, snapshot=snapshot)
        except PlaywrightError:
            if page.is_closed():
                raise
            return pageprobe.Look(), []  # a page between two documents: nothing to read yet
        for name in seen.dismissed:
            self.emit("info", f"fenêtre fermée : {name}", interruption=name)
        return seen, found

    def is_site_page(self, page: Page) -> bool:
        """A page of the site being driven — not the mailbox (another site, or the
        replica's own /mailbox), not a page of another host."""
        url = page.url
        mailbox = self.variables.get("mailbox_url", "")
        if mailbox and url.startswith(mailbox.rstrip("/")):
            return False
        return same_site(url, self.base_url)

    def settled(self, page: Page, seen: pageprobe.Look) -> bool:
        """Nothing loading, nothing changing, and the tool's last action not too recent."""
        since_action_ms = (time.monotonic() - self._last_action) * 1000
        return (
            seen.ready
            and seen.quiet_ms >= QUIET_MS
            and since_action_ms >= QUIET_MS
            and self._loading.get(id(page), 0) == 0
        )

    def classify(self, seen: pageprobe.Look, *, fresh_only: bool = True) -> list[SiteSignal]:
        """The site's messages on the page, as site.yaml reads them. A notice (a planned
        maintenance) means nothing; an alert we do not know counts only inside a form."""
        signals: list[SiteSignal] = []
        for message in seen.messages:
            if fresh_only and not message.fresh:
                continue
            known = next((m for pattern, m in self._messages if pattern.search(message.text)), None)
            if known is not None:
                # A notice, or the relevé's « à compter de demain » (read by the RIS step
                # itself), is information, not an answer that ends a wait.
                if known.kind not in ("notice", "already_asked"):
                    signals.append(SiteSignal(known.kind, message.text, known.advice))
            elif message.alert and message.in_form:
                signals.append(SiteSignal("refused", message.text, UNKNOWN_ADVICE))
        return signals

    @staticmethod
    def decisive(signals: list[SiteSignal]) -> SiteSignal | None:
        """A refusal or an outage outranks a wrong captcha beside it, which outranks a
        text we do not know."""
        if not signals:
            return None
        known = [s for s in signals if s.advice != UNKNOWN_ADVICE]
        return sorted(known or signals, key=lambda s: s.kind == "wrong_captcha")[0]

    def read_site_messages(self, page: Page | None = None) -> list[SiteSignal]:
        return self.classify(self._look(page or self.page), fresh_only=False)

    def read_site_message(self, page: Page | None = None) -> SiteSignal | None:
        return self.decisive(self.read_site_messages(page))

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
        index = self.context.pages.index(current)
        after = [p for p in newer if self.context.pages.index(p) > index]
        before = [p for p in newer if self.context.pages.index(p) < index]
        return [*after, current, *before]

    def pick(
        self,
        candidates: Locator,
        *,
        what: str,
        dialog: re.Pattern[str] | None = None,
        unique: bool = True,
        settled: bool = True,
    ) -> Locator | None:
        """The one candidate that belongs to the step, or None if there is none yet.
        Two that belong equally are not a coin toss: AmbiguousMatch (unless the caller
        only reads the page, `unique=False`: any of them tells the page is there). One far
        from the step's form and main content is taken only from a `settled` page."""
        try:
            found = pageprobe.places(candidates, dialog)
        except PlaywrightError:
            return None  # the page is changing: look again
        return self._chosen(candidates, found, what=what, unique=unique, settled=settled)

    @staticmethod
    def _chosen(
        candidates: Locator, found: list[pageprobe.Place], *, what: str, unique: bool, settled: bool
    ) -> Locator | None:
        chosen, tier = pageprobe.choose(found)
        if not chosen or (tier not in pageprobe.NEAR and not settled):
            return None
        if len(chosen) > 1 and unique:
            raise AmbiguousMatch(what, len(chosen))
        return candidates.nth(chosen[0])

    def _wait_change(self, page: Page, seen: pageprobe.Look, slice_ms: float) -> None:
        """Wait for the page to change (a node added, removed, shown or hidden) since the
        look — an event, not a pause — or for the slice to end."""
        try:
            page.wait_for_function(
                "t => window.__cpWatch !== undefined && window.__cpWatch.last > t",
                arg=seen.now,
                timeout=slice_ms,
                polling="raf",
            )
        except PlaywrightTimeout:
            pass

    def wait_for(
        self,
        build: Build,
        timeout_s: float,
        *,
        what: str,
        watch_messages: bool = False,
        settle: bool = True,
        dialog: re.Pattern[str] | None = None,
        previous_gone: bool = False,
        unique: bool = True,
    ) -> Locator:
        """Wait until the step's element `build(page)` is on one of the open pages; adopt
        that page. Banners declared in site.yaml are dismissed at every look.

        With `watch_messages`, a message of the site showing instead ends the wait with
        the typed error it maps to — an outage on a page reached by a plain page load is
        reloaded (safe to repeat) with back-off first. With `settle`, a page that has
        stopped changing without the element is drift within DRIFT_GRACE_S, not after
        the whole time-out. With `previous_gone`, the previous step's fields must have
        left the page (a single-page site keeps them until it renders the next step)."""
        return self._wait(
            build,
            timeout_s,
            what=what,
            watch_messages=watch_messages,
            settle=settle,
            dialog=dialog,
            previous_gone=previous_gone,
            unique=unique,
        )[0]

    def _wait(
        self,
        build: Build,
        timeout_s: float,
        *,
        what: str,
        watch_messages: bool = False,
        settle: bool = True,
        dialog: re.Pattern[str] | None = None,
        previous_gone: bool = False,
        unique: bool = True,
        snapshot: bool = False,
    ) -> tuple[Locator, pageprobe.Look]:
        """`wait_for`, with the last look at the page. With `snapshot` (a click follows),
        the look marks the page's texts old when the element is certain (`Look.marked`)."""
        deadline = time.monotonic() + timeout_s
        started = time.monotonic()
        said_slow = False
        reloads = 0
        quiet_since: float | None = None
        ambiguous: AmbiguousMatch | None = None
        while True:
            pages = self._candidate_pages()
            for page in pages:
                if not self.is_site_page(page) and page is not self._page:
                    continue  # the person's mailbox, or another site: never adopted
                try:
                    locator = build(page)
                    seen, found = self._look_and_find(page, locator, dialog, snapshot=snapshot)
                    chosen = None
                    if seen.previous_gone or not previous_gone:
                        try:
                            chosen = self._chosen(
                                locator, found, what=what, unique=unique, settled=self.settled(page, seen)
                            )
                            ambiguous = None
                        except AmbiguousMatch as exc:
                            ambiguous = exc
                    if chosen is not None:
                        self.page = page
                        self.just_sent = None
                        return chosen, seen
                    if watch_messages:
                        signal = self.decisive(self.classify(seen))
                        if signal is not None and self._act_on(page, signal, seen, reloads):
                            reloads += 1
                            deadline = time.monotonic() + timeout_s
                            quiet_since = None
                            continue
                    if page is self._page and settle:
                        if self.settled(page, seen) and not seen.unknown_dialogs:
                            quiet_since = quiet_since or time.monotonic()
                            if time.monotonic() - quiet_since >= DRIFT_GRACE_S:
                                raise self._not_found(what, page, seen, ambiguous)
                        elif seen.unknown_dialogs and time.monotonic() - started >= DRIFT_GRACE_S * 2:
                            raise self._not_found(what, page, seen, ambiguous)
                        else:
                            quiet_since = None
                    remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
                    slice_ms = min(SLICE_MS if len(pages) == 1 else SLICE_MS / 2, remaining_ms)
                    self._wait_change(page, seen, slice_ms)
                except PlaywrightError as exc:
                    if page.is_closed():
                        continue
                    if "closed" in str(exc).lower():
                        raise Interrupted(
                            "La fenêtre du navigateur a été fermée : la démarche est interrompue."
                        ) from exc
                    continue  # a page in the middle of a navigation: look again
            if time.monotonic() >= deadline:
                raise self._not_found(what, self.page, None, ambiguous)
            if not said_slow and quiet_since is None and time.monotonic() - started >= SLOW_NOTICE_MS / 1000:
                # Slow is a page still loading or changing; a quiet one is drift, said soon.
                said_slow = True
                self.emit("info", f"le site est lent : attente de {what} (jusqu'à {timeout_s:.0f} s)", slow="yes")

    def _act_on(self, page: Page, signal: SiteSignal, seen: pageprobe.Look, reloads: int) -> bool:
        """A message instead of the element: raise what it means. True when the page was
        reloaded after an outage (the wait goes on)."""
        if signal.kind == "unavailable":
            # An outage is what the page settles on; a notice on a page still rendering is not.
            if not self.settled(page, seen):
                return False
            if not self.just_sent and self.may_reload(page):
                from carsat_pilot.site.reliability import reload_after_outage

                reload_after_outage(self, page, signal, reloads + 1)
                return True
        self.page = page
        self.raise_for(signal)

    def may_reload(self, page: Page) -> bool:
        """A page may be loaded again only if it came from a plain page load (GET) and the
        tool clicked nothing in it since: a single-page site sends its forms without a
        page load, and reloading would start its wizard again (or send the form twice)."""
        key = id(page)
        return self._nav_method.get(key, "GET") == "GET" and not self._clicked_since_load.get(key, False)

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

    def _not_found(
        self, what: str, page: Page, seen: pageprobe.Look | None, ambiguous: AmbiguousMatch | None
    ) -> PilotError:
        try:
            title = page.title()
            heading = page.get_by_role("heading").first.inner_text(timeout=1000) if page.url else ""
        except PlaywrightError:
            title, heading = "", ""
        found = (f"page « {title} »" if title else "page sans titre") + (
            f", titre « {' '.join(heading.split())} »" if heading.strip() else ""
        )
        if seen is not None:
            signal = self.decisive(self.classify(seen, fresh_only=False))
            if signal is not None and signal.kind == "unavailable":
                return SiteUnavailable(f"Le site est indisponible : « {signal.text} ». {signal.advice}")
        if self.just_sent:
            return SiteUnavailable(
                f"Après « {self.just_sent} », le site n'a pas affiché la réponse attendue ({what}) : la demande a "
                "peut-être été enregistrée. carsat-pilot ne la renvoie pas ; vérifiez dans une heure avant de relancer."
            )
        step = f"À l'étape « {self._step_title} », " if self._step_title else ""
        if ambiguous is not None:
            problem = f"{ambiguous.count} éléments correspondent à {what} : carsat-pilot ne choisit pas au hasard"
        elif seen is not None and seen.unknown_dialogs:
            problem = f"une fenêtre inconnue recouvre la page (« {seen.unknown_dialogs[0][:80]} »), {what} est caché"
        else:
            problem = f"{what} est introuvable"
        return PageNotRecognized(
            f"{step}{problem} ({found}) : le site a peut-être changé. Rien n'a été envoyé après ce point ; "
            "lancez « carsat-pilot doctor » ou faites cette étape à la main.",
            expected=what,
            found=found,
            step=self._step_title,
        )

    # ---------------------------------------------------------------- finding
    def clickable(self, target: Target) -> Build:
        pattern = words(self.render(target.name))

        def build(page: Page) -> Locator:
            if target.role == "any":
                return page.get_by_role("button", name=pattern).or_(page.get_by_role("link", name=pattern))
            return page.get_by_role(target.role, name=pattern)

        return build

    def labelled(self, label: str) -> Build:
        """A field by its label. The field's own accessible name is asked too: a label
        wrapping a list also holds the list's options in its text (« Ville * PARIS … »)."""
        pattern = words(self.render(label))

        def build(page: Page) -> Locator:
            found = page.get_by_label(pattern)
            for role in FIELD_ROLES:
                found = found.or_(page.get_by_role(role, name=pattern))
            return found

        return build

    # ---------------------------------------------------------------- running
    def run(self, flow: Flow, *, first_step: int = 1, total: int | None = None, handover: bool = True) -> None:
        """Every step of `flow`. A step the page no longer matches is handed to the
        advisor when a person can act in the browser; otherwise the run stops there."""
        from carsat_pilot.site.drift import hand_over_drift, stop_on_drift

        self._flow = flow.name
        self._total = total or len(flow.steps)
        index, start = 0, 0
        while index < len(flow.steps):
            step = flow.steps[index]
            self._step = first_step + index
            try:
                self.run_step(step, start=start)
            except PlaywrightError as exc:
                # A browser error inside a step is drift too, named in French: no raw error
                # reaches the person, and nothing is sent after it.
                if self.closed_by_person(exc):
                    raise Interrupted("La fenêtre du navigateur a été fermée : la démarche est interrompue.") from exc
                drift = PageNotRecognized(
                    f"À l'étape « {step.title} », la page n'a pas réagi comme la procédure le prévoit : le site a "
                    "peut-être changé. Rien n'a été envoyé après ce point.",
                    expected=f"l'étape « {step.title} »",
                    step=step.title,
                )
                if self.dry_run or not handover or not self.visible:
                    raise stop_on_drift(self, step, drift) from exc
                index, start = hand_over_drift(self, flow, index, drift)
                continue
            except Drift as exc:
                if self.dry_run or not handover or not self.visible:
                    raise stop_on_drift(self, step, exc) from exc
                index, start = hand_over_drift(self, flow, index, exc)
                continue
            index, start = index + 1, 0

    def closed_by_person(self, exc: PlaywrightError) -> bool:
        """The browser error is the person closing the window (or the tab in use)."""
        current_gone = self._page is not None and self._page.is_closed()
        return current_gone or "closed" in str(exc).lower() or all(p.is_closed() for p in self.context.pages)

    def run_step_numbered(self, step: Step, number: int, total: int) -> None:
        self._step, self._total = number, total
        self.run_step(step)

    def run_step(self, step: Step, *, start: int = 0) -> None:
        label = f"Étape {self._step}/{self._total} : {step.title}"
        self._step_title = step.title
        self.action_index = start
        if start == 0:
            self.emit("step_started", step.title)
        if self.overlay is not None:
            self.overlay.show(step=label, instruction="")
        if step.page and start == 0:
            self.recognize(step.page)
        for index, action in enumerate(step.do[start:], start):
            self.action_index = index
            self.run_action(action)
        if self.artifacts is not None:
            self.artifacts.capture(self.page, f"{self._flow}-{self._step}-{step.title}")
        try:
            self.page.evaluate(pageprobe.END_STEP_JS)
        except PlaywrightError:
            pass  # the page went with the step: nothing of it can linger
        self.steps_done.append(step.title)
        self.emit("step_done", step.title)

    def saying(self, page_words: str) -> Build:
        """A page by what it says: a heading, or a text, with the flow's words (rendered)."""
        pattern = words(self.render(page_words))
        return lambda page: page.get_by_role("heading", name=pattern).or_(page.get_by_text(pattern))

    def recognize(self, page_words: str, *, timeout_s: float | None = None) -> None:
        """The step's page, by what it says — once the previous step's fields are gone."""
        self.wait_for(
            self.saying(page_words),
            timeout_s or self.page_timeout_s,
            what=f"la page « {readable(page_words)} »",
            watch_messages=True,
            previous_gone=True,
            unique=False,
        )

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
                from carsat_pilot.site.handover import run_handover

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

        def present(what: str, build: Build) -> None:
            self.wait_for(build, self.page_timeout_s, what=what, watch_messages=True)
            self.dry_checks.append(what)

        match action:
            case Fill(fill=spec) | Select(select=spec):
                present(f"« {readable(spec.label)} »", self.labelled(spec.label))
            case Check(check=spec):
                pattern = words(spec.label)
                present(f"« {readable(spec.label)} »", lambda p: p.get_by_role("checkbox", name=pattern))
            case Choose(choose=spec):
                group = words(spec.group)
                present(f"« {readable(spec.group)} »", lambda p: self._group(p, group))
            case Call(call="date_of_birth", params=params):
                group = words(params["group"])
                present(f"« {readable(params['group'])} »", lambda p: self._group(p, group))
            case Call() | Record():
                pass
            case Click(click=target) if target.sends_form or self._dry_touched == (id(page), page.url):
                # A button of a form: it would send it. Only its presence is checked.
                present(f"« {readable(target.name)} »", self.clickable(target))
            case Human(human=spec):
                # The person's part is not played; the words it relies on are checked.
                if "image" in spec.params:
                    image = words(spec.params["image"])
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

    @staticmethod
    def _group(page: Page, group: re.Pattern[str]) -> Locator:
        return page.get_by_role("group", name=group).or_(page.get_by_role("radiogroup", name=group))

    # ---------------------------------------------------------------- actions
    def _before_action(self, page: Page, *, sends: bool = False) -> None:
        """Right before acting: banners that appeared since the last look are dismissed,
        and what the page says now is marked as old (the site's answer will be new)."""
        self._look(page, snapshot=sends)
        self._last_action = time.monotonic()

    def guard(self, page: Page) -> None:
        """The host rule at the point of typing: nothing of the person is typed or sent
        on a page that is not the official site over HTTPS (or the replica on loopback)."""
        assert_may_type(page.url, self.base_url)

    def goto(self, url: str) -> None:
        from carsat_pilot.site.reliability import goto_with_retries

        goto_with_retries(self, url)

    def click(self, target: Target, *, optional: bool = False) -> None:
        timeout = OPTIONAL_WAIT_S if optional else (target.timeout_s or self.page_timeout_s)
        what = f"le bouton ou lien « {readable(target.name)} »"
        locator, seen = self._wait(
            self.clickable(target), timeout, what=what, watch_messages=not optional, snapshot=True
        )
        page = locator.page
        if target.sends_form:
            # From here the site's state changes: this click is never repeated by the tool.
            self.emit("info", f"envoi : {readable(target.name)}", sends_form="yes")
            self.just_sent = readable(target.name)
        before = [p for p in self.context.pages if not p.is_closed()]
        url_before = page.url
        self._press(locator, page, what, looked=seen.marked)
        if target.opens_page:
            self._follow_new_page(page, before, url_before)

    def press(self, locator: Locator, what: str) -> None:
        """Click an element already found for the step (banners dismissed first)."""
        self._press(locator, locator.page, what)

    def _press(self, locator: Locator, page: Page, what: str, *, looked: bool = False) -> None:
        """Click, with banners dismissed first. Something over the page that the tool
        does not know (a dialog, a layer) is drift, never a click elsewhere. `looked`:
        the look that found the element just did `_before_action`'s work (a banner shown
        since is the locator handler's)."""
        blocked_since: float | None = None
        self.guard(page)
        while True:
            if looked:
                looked = False
                self._last_action = time.monotonic()
            else:
                self._before_action(page, sends=True)
            self._clicked_since_load[id(page)] = True
            try:
                locator.click(timeout=CLICK_SLICE_MS)
                self._last_action = time.monotonic()
                return
            except PlaywrightTimeout as exc:
                blocked_since = blocked_since or time.monotonic()
                if time.monotonic() - blocked_since < DRIFT_GRACE_S:
                    continue
                seen = self._look(page)
                if locator.count() == 0:
                    raise self._not_found(what, page, seen, None) from exc
                if time.monotonic() - blocked_since < self.page_timeout_s and not seen.unknown_dialogs:
                    continue
                raise PageNotRecognized(
                    f"À l'étape « {self._step_title} », {what} est recouvert par une fenêtre que carsat-pilot ne "
                    "connaît pas : rien n'a été cliqué. Fermez-la à la main ou lancez « carsat-pilot doctor ».",
                    expected=what,
                    found=", ".join(seen.unknown_dialogs),
                    step=self._step_title,
                ) from exc

    def _follow_new_page(self, page: Page, before: list[Page], url_before: str) -> None:
        """« Une page s'ouvre »: follow the new tab if the site opens one, or stay if it
        shows the page in the same tab — whichever happens first, however slow."""
        deadline = time.monotonic() + self.page_timeout_s
        while time.monotonic() < deadline:
            opened = [p for p in self.context.pages if p not in before and not p.is_closed()]
            if opened:
                self.page = opened[-1]
                self.page.wait_for_load_state("domcontentloaded")
                return
            if page.url != url_before:
                return
            # A single-page site may show the next page in place, without a new address:
            # once the page has settled after the click, no tab is coming.
            if self.settled(page, self._look(page)):
                return
            try:
                self.context.wait_for_event("page", timeout=SLICE_MS)
            except PlaywrightTimeout:
                continue

    def fill(self, label: str, value: str, *, keys: bool = False) -> None:
        field = self.wait_for(
            self.labelled(label), self.page_timeout_s, what=f"le champ « {readable(label)} »", watch_messages=True
        )
        self.guard(field.page)
        self._last_action = time.monotonic()
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
        field now holds, and make its form the step's own (one round trip for all)."""
        script = HIGHLIGHT_JS if self.overlay is not None else READ_BACK_JS
        try:
            return str(pageprobe.on_element(field, script) or "")
        except PlaywrightError:
            return ""  # a field gone with a page change: nothing to show or read back

    def select(self, label: str, option: str, *, wait: bool = False) -> None:
        if not option.strip():
            return  # nothing to choose (an empty « Complément »): leave the site's default
        field = self.wait_for(
            self.labelled(label), self.page_timeout_s, what=f"la liste « {readable(label)} »", watch_messages=True
        )
        labels, filled = pageprobe.on_element(field, OPTIONS_JS) or ([], False)
        if wait and not filled:
            try:
                # The page fills the list (« Ville », after the postal code): wait for options.
                field.page.wait_for_function(
                    "el => Array.from(el.options || []).some(o => o.value !== '')",
                    arg=field.element_handle(),
                    timeout=self.page_timeout_s * 1000,
                )
            except PlaywrightTimeout:
                pass  # an empty list: said below, with what the site offers
            labels, _filled = pageprobe.on_element(field, OPTIONS_JS) or ([], False)
        choice = self._choice_in_list(field, label, option, labels)
        self.guard(field.page)
        self._last_action = time.monotonic()
        field.select_option(label=choice)
        self.highlight(field)

    def _choice_in_list(self, field: Locator, label: str, option: str, labels: list[str]) -> str:
        """The site's option for the profile's value, compared tolerantly (« Saint-Denis-lès-
        Bourg » is « ST DENIS LES BOURG »); a value not in the list is chosen by the person
        among the page's own options (carsat_pilot.site.choices), never a dead end."""
        from carsat_pilot.site.choices import choose_in_list, match_option

        return match_option(option, labels) or choose_in_list(self, field, label, option)

    def check(self, label: str) -> None:
        pattern = words(self.render(label))
        box = self.wait_for(
            lambda p: p.get_by_role("checkbox", name=pattern),
            self.page_timeout_s,
            what=f"la case « {readable(label)} »",
            watch_messages=True,
        )
        self.guard(box.page)
        self._last_action = time.monotonic()
        box.check()
        self.highlight(box)

    def choose(self, group: str, option: str) -> None:
        group_re = words(self.render(group))
        option_re = literal(option)

        def build(page: Page) -> Locator:
            radios = self._group(page, group_re).get_by_role("radio", name=option_re)
            return radios.or_(page.get_by_label(group_re).and_(page.get_by_role("combobox")))

        what = f"le choix « {option} » de « {readable(group)} »"
        found = self.wait_for(build, self.page_timeout_s, what=what, watch_messages=True)
        if pageprobe.on_element(found, "el => el.tagName") == "SELECT":
            self.select(group, option)
            return
        self.guard(found.page)
        self._last_action = time.monotonic()
        found.check()
        self.highlight(found)

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
            self.wait_for(
                self.saying(text),
                timeout,
                what=f"le texte « {readable(text)} »",
                watch_messages=not optional,
                unique=False,
            )
        else:
            assert heading is not None
            pattern = words(self.render(heading))
            self.wait_for(
                lambda p: p.get_by_role("heading", name=pattern),
                timeout,
                what=f"le titre « {readable(heading)} »",
                watch_messages=not optional,
                unique=False,
            )


class AmbiguousMatch(Exception):
    """Two elements belong to the step equally: the tool does not choose."""

    def __init__(self, what: str, count: int) -> None:
        super().__init__(what)
        self.what = what
        self.count = count


__all__ = ["AmbiguousMatch", "Engine", "PageNotRecognized", "SiteSignal", "TimedOut"]
