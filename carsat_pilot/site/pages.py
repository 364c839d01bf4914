"""The pages of one run: which tab is the step's, what each is loading, and one look at
a page (declared banners dismissed, the site's messages read) — the state every other
part of the engine works on.

Site knowledge lives in `flows/*.yaml`; the engine only knows how to act on a page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from playwright.sync_api import Error as PlaywrightError

from carsat_pilot.core.errors import Interrupted, PilotError
from carsat_pilot.record.events import Event, EventBus, EventKind
from carsat_pilot.site import pageprobe
from carsat_pilot.site.flowspec import SiteSpec
from carsat_pilot.site.hosts import assert_may_type, same_site
from carsat_pilot.site.human import Human
from carsat_pilot.site.overlay import Overlay
from carsat_pilot.site.signals import MessageReader, SiteSignal, decisive, error_for

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Request

# A page is settled when nothing in it changed, and nothing was loading, for this long.
QUIET_MS = 800
WINDOW_CLOSED = "La fenêtre du navigateur a été fermée : la démarche est interrompue."

Recorder = Callable[[str], None]


class PageSession:
    """One browser context driven for one journey, and everything the run knows of it."""

    def __init__(
        self,
        context: BrowserContext,
        site: SiteSpec,
        human: Human,
        bus: EventBus,
        base_url: str,
        variables: Mapping[str, str],
        *,
        overlay: Overlay | None = None,
        assume_yes: bool = False,
        recorder: Recorder | None = None,
        actions: Mapping[str, Callable[..., None]] | None = None,
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
        # The flows' named actions (`call: NAME`), each called with the engine running it.
        self.actions: dict[str, Callable[..., None]] = dict(actions or {})
        # A person can act in the page (headed browser): drift is handed to the advisor.
        self.visible = visible
        self.page_timeout_s = site.page_timeout_s
        self._page: Page | None = None
        self.last_signal: SiteSignal | None = None
        self._nav_method: dict[int, str] = {}
        self._clicked_since_load: dict[int, bool] = {}
        self._loading: dict[int, int] = {}
        self._navigations: dict[int, int] = {}  # documents asked for, by page
        self._last_action = 0.0
        self.look_id = 0  # numbers the looks that keep their candidates in the page
        self.found: tuple[Locator, int, int] | None = None  # the last wait's: locator, look, index
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
        self.dry_touched: tuple[int, str] = (0, "")
        self._flow = ""
        self._step = 0
        self._total = 0
        self._step_title = ""
        self._interruptions = pageprobe.interruption_args(list(site.interruptions))
        self._messages = MessageReader(site.messages)
        pageprobe.install(context, self._interruptions)
        context.on("page", self._on_new_page)
        for page in context.pages:
            self._on_new_page(page)

    # ---------------------------------------------------------------- pages
    def _on_new_page(self, page: Page) -> None:
        # Banners are dismissed by the look before every action, not by a Playwright locator
        # handler: the handler's check ran before every action and every retry (an extra trip
        # to the page each time: ~0.2 s of a 4.5 s journey, measured), for a window of a few
        # milliseconds between the look and the action. A banner that comes in that window
        # and covers a button cannot take its click (Playwright clicks only an element that
        # receives the pointer): the click waits, the next look dismisses the banner, the
        # click goes on. One that covers a field does not stop typing, and goes at the next look.
        self._track_loading(page)

    def _track_loading(self, page: Page) -> None:
        """Count the page's requests in flight (settled needs none), remember how its
        document came (a reload is only safe after a GET) and whether the tool clicked
        in it since."""
        key = id(page)

        def on_request(request: Request) -> None:
            self._loading[key] = self._loading.get(key, 0) + 1
            if request.is_navigation_request() and request.frame == page.main_frame:
                self._nav_method[key] = request.method
                self._navigations[key] = self._navigations.get(key, 0) + 1

        def on_done(_request: Request) -> None:
            self._loading[key] = max(0, self._loading.get(key, 0) - 1)

        def on_document(_page: Page) -> None:
            # A new document: what was clicked in the previous one is gone with it.
            self._clicked_since_load[key] = False

        page.on("request", on_request)
        page.on("requestfinished", on_done)
        page.on("requestfailed", on_done)
        page.on("domcontentloaded", on_document)

    @property
    def page(self) -> Page:
        if self._page is None or self._page.is_closed():
            open_pages = [p for p in self.context.pages if not p.is_closed()]
            if not open_pages:
                raise Interrupted(WINDOW_CLOSED)
            self._page = open_pages[-1]
        return self._page

    @page.setter
    def page(self, value: Page) -> None:
        self._page = value

    def new_page(self) -> Page:
        self._page = self.context.new_page()
        return self._page

    def candidate_pages(self) -> list[Page]:
        """The current page first, then any page opened since (newest first)."""
        pages = [p for p in reversed(self.context.pages) if not p.is_closed()]
        if not pages:
            raise Interrupted(WINDOW_CLOSED)
        current = self._page if self._page is not None and not self._page.is_closed() else None
        newer = [p for p in pages if p is not current]
        if current is None:
            return newer
        index = self.context.pages.index(current)
        after = [p for p in newer if self.context.pages.index(p) > index]
        before = [p for p in newer if self.context.pages.index(p) < index]
        return [*after, current, *before]

    def is_site_page(self, page: Page) -> bool:
        """A page of the site being driven — not the mailbox (another site, or the
        replica's own /mailbox), not a page of another host."""
        url = page.url
        mailbox = self.variables.get("mailbox_url", "")
        if mailbox and url.startswith(mailbox.rstrip("/")):
            return False
        return same_site(url, self.base_url)

    def closed_by_person(self, exc: PlaywrightError) -> bool:
        """The browser error is the person closing the window (or the tab in use)."""
        current_gone = self._page is not None and self._page.is_closed()
        return current_gone or "closed" in str(exc).lower() or all(p.is_closed() for p in self.context.pages)

    def may_reload(self, page: Page) -> bool:
        """A page may be loaded again only if it came from a plain page load (GET) and the
        tool clicked nothing in it since: a single-page site sends its forms without a
        page load, and reloading would start its wizard again (or send the form twice)."""
        key = id(page)
        return self._nav_method.get(key, "GET") == "GET" and not self._clicked_since_load.get(key, False)

    def guard(self, page: Page) -> None:
        """The host rule at the point of typing: nothing of the person is typed or sent
        on a page that is not the official site over HTTPS (or the replica on loopback)."""
        assert_may_type(page.url, self.base_url)

    # ---------------------------------------------------------------- values
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

    def emit(self, kind: EventKind, message: str = "", **data: str) -> None:
        self.bus.emit(
            Event(kind=kind, message=message, flow=self._flow, step=self._step, total=self._total, data=data)
        )

    # ---------------------------------------------------------------- looking
    def _look(self, page: Page, *, snapshot: bool = False) -> pageprobe.Look:
        """One look at the page: declared banners and dialogs dismissed, messages read."""
        try:
            seen = pageprobe.look(page, self._banners_on(page), snapshot=snapshot)
        except PlaywrightError:
            if page.is_closed():
                raise
            return pageprobe.Look()  # a page between two documents: nothing to read yet
        self._said_dismissed(seen)
        return seen

    def _look_and_find(
        self, page: Page, candidates: Locator, dialog: re.Pattern[str] | None, *, snapshot: bool
    ) -> tuple[pageprobe.Look, list[pageprobe.Place]]:
        """`_look` and the candidates' places in one round trip (kept in the page under
        `self.look_id` for `pageprobe.on_found`)."""
        self.look_id += 1
        try:
            seen, found = pageprobe.look_and_find(
                candidates, self._banners_on(page), dialog, snapshot=snapshot, look_id=self.look_id
            )
        except PlaywrightError:
            if page.is_closed():
                raise
            return pageprobe.Look(), []
        self._said_dismissed(seen)
        return seen, found

    def _banners_on(self, page: Page) -> list[dict[str, Any]]:
        # Banners are answered on the site's own pages only: never in the person's mailbox.
        return self._interruptions if self.is_site_page(page) else []

    def _said_dismissed(self, seen: pageprobe.Look) -> None:
        for name in seen.dismissed:
            self.emit("info", f"fenêtre fermée : {name}", interruption=name)

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
        """The site's messages on the page, as site.yaml reads them."""
        return self._messages.classify(seen, fresh_only=fresh_only)

    decisive = staticmethod(decisive)

    def read_site_messages(self, page: Page | None = None) -> list[SiteSignal]:
        return self.classify(self._look(page or self.page), fresh_only=False)

    def read_site_message(self, page: Page | None = None) -> SiteSignal | None:
        return decisive(self.read_site_messages(page))

    def raise_for(self, signal: SiteSignal) -> NoReturn:
        self.last_signal = signal
        self.emit("site_message", signal.text, meaning=signal.kind)
        raise error_for(signal, self.just_sent)
