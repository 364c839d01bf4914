"""Waiting for the step's element on the open pages — on events, never a pause — and
telling slowness (wait on) from a page that has settled without it (drift) and from the
site's own answer instead of it (a refusal, an outage: reloaded when that is safe)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Error as PlaywrightError

from carsat_pilot.core.errors import Interrupted, PilotError, SiteUnavailable
from carsat_pilot.site import finding, pageprobe
from carsat_pilot.site.finding import Build
from carsat_pilot.site.flowspec import Target
from carsat_pilot.site.page_errors import AmbiguousMatch, PageNotRecognized
from carsat_pilot.site.pages import WINDOW_CLOSED, PageSession
from carsat_pilot.site.reliability import reload_after_outage
from carsat_pilot.site.signals import SiteSignal, decisive, outage
from carsat_pilot.site.textmatch import readable, words

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# Each look at the pages waits this long for a change before looking again (reading
# messages, dismissing banners): a wait *for an event*, ended early by it.
SLICE_MS = 400
# A control that is optional on the site (the address proposal) is waited for this long.
OPTIONAL_WAIT_S = 5.0
# A step's element still missing this long after the page settled is drift, not slowness.
DRIFT_GRACE_S = 2.5
# After this long without the page, the person is told the site is slow.
SLOW_NOTICE_MS = 3000


# Resolved by the page's own watch at its next change (or at once if it changed since `t`),
# else after `ms`: nothing runs in the page while it waits — no polling at every frame.
WAIT_CHANGE_JS = """([t, ms]) => new Promise(done => {
  const w = window.__cpWatch;
  if (w && w.last > t) return done(true);
  const wake = () => { clearTimeout(timer); done(true); };
  // A slice that ends unwoken takes its waiter back: a quiet page keeps no pile of them.
  const timer = setTimeout(() => { if (w) w.waiters = w.waiters.filter(x => x !== wake); done(false); }, ms);
  if (w) (w.waiters = w.waiters || []).push(wake);
})"""


@dataclass(frozen=True)
class Wanted:
    """What a wait looks for, and how (see `Waiting.wait_for`)."""

    build: Build
    what: str
    watch_messages: bool = False
    settle: bool = True
    dialog: re.Pattern[str] | None = None
    previous_gone: bool = False
    unique: bool = True
    snapshot: bool = False


@dataclass
class _Progress:
    """Where a wait stands between two looks."""

    timeout_s: float
    deadline: float
    started: float
    reloads: int = 0
    quiet_since: float | None = None
    ambiguous: AmbiguousMatch | None = None
    said_slow: bool = False

    @classmethod
    def start(cls, timeout_s: float) -> _Progress:
        now = time.monotonic()
        return cls(timeout_s, now + timeout_s, now)


class Waiting(PageSession):
    """A page session that waits for the step's elements."""

    # ---------------------------------------------------------------- naming
    def clickable(self, target: Target) -> Build:
        return finding.clickable(words(self.render(target.name)), target.role)

    def labelled(self, label: str) -> Build:
        return finding.labelled(words(self.render(label)))

    def saying(self, page_words: str) -> Build:
        """A page by what it says: a heading, or a text, with the flow's words (rendered)."""
        return finding.saying(words(self.render(page_words)))

    def pick(
        self,
        candidates: Locator,
        *,
        what: str,
        dialog: re.Pattern[str] | None = None,
        unique: bool = True,
        settled: bool = True,
    ) -> Locator | None:
        """The one candidate that belongs to the step, or None if there is none yet
        (see `finding.chosen`)."""
        try:
            found = pageprobe.places(candidates, dialog)
        except PlaywrightError:
            return None  # the page is changing: look again
        return finding.chosen(candidates, found, what=what, unique=unique, settled=settled)

    def on_element(self, element: Locator, script: str, arg: Any = None) -> Any:
        """`script(el, arg)` on an element: the one the last wait found is reached by the
        reference its look kept in the page (one cheap round trip), any other — or that one
        when the page has changed since — through its locator."""
        if self.found is not None and self.found[0] is element:
            _element, look_id, index = self.found
            done, value = pageprobe.on_found(element.page, look_id, index, script, arg)
            if done:
                return value
        return pageprobe.on_element(element, script, arg)

    # ---------------------------------------------------------------- waiting
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
        wanted = Wanted(build, what, watch_messages, settle, dialog, previous_gone, unique)
        return self.wait(wanted, timeout_s)[0]

    def wait(self, wanted: Wanted, timeout_s: float) -> tuple[Locator, pageprobe.Look]:
        """`wait_for`, with the look that found the element. With `wanted.snapshot` (a
        click follows), that look marks the page's texts old when the element is certain
        (`Look.marked`)."""
        progress = _Progress.start(timeout_s)
        while True:
            pages = self.candidate_pages()
            for page in pages:
                if not self.is_site_page(page) and page is not self._page:
                    continue  # the person's mailbox, or another site: never adopted
                try:
                    found = self._attempt(page, wanted, progress, alone=len(pages) == 1)
                except PlaywrightError as exc:
                    if page.is_closed():
                        continue
                    if "closed" in str(exc).lower():
                        raise Interrupted(WINDOW_CLOSED) from exc
                    continue  # a page in the middle of a navigation: look again
                if found is not None:
                    return found
            if time.monotonic() >= progress.deadline:
                raise self._not_found(wanted.what, self.page, None, progress.ambiguous)
            self._say_if_slow(wanted.what, progress)

    def _attempt(
        self, page: Page, wanted: Wanted, progress: _Progress, *, alone: bool
    ) -> tuple[Locator, pageprobe.Look] | None:
        """One look at `page`: the element, or the site's answer instead, or drift —
        else wait for the page to change (or for the slice to end)."""
        locator = wanted.build(page)
        seen, places = self._look_and_find(page, locator, wanted.dialog, snapshot=wanted.snapshot)
        index = None
        if seen.previous_gone or not wanted.previous_gone:
            try:
                settled = self.settled(page, seen)
                index = finding.chosen_index(places, what=wanted.what, unique=wanted.unique, settled=settled)
                progress.ambiguous = None
            except AmbiguousMatch as exc:
                progress.ambiguous = exc
        if index is not None:
            self.page = page
            self.just_sent = None
            chosen = locator.nth(index)
            self.found = (chosen, self.look_id, index)
            return chosen, seen
        if wanted.watch_messages and self._answered(page, seen, progress):
            return None  # reloaded after an outage: look again at once
        if page is self._page and wanted.settle:
            self._drift_if_settled(page, seen, wanted.what, progress)
        remaining_ms = max(1.0, (progress.deadline - time.monotonic()) * 1000)
        self._wait_change(page, seen, min(SLICE_MS if alone else SLICE_MS / 2, remaining_ms))
        return None

    def _answered(self, page: Page, seen: pageprobe.Look, progress: _Progress) -> bool:
        """A message of the site instead of the element: raise what it means. True when
        the page was reloaded after an outage (the wait starts again)."""
        signal = decisive(self.classify(seen))
        if signal is None:
            return False
        if signal.kind == "unavailable":
            # An outage is what the page settles on; a notice on a page still rendering is not.
            if not self.settled(page, seen):
                return False
            if not self.just_sent and self.may_reload(page):
                progress.reloads += 1
                reload_after_outage(self, page, signal, progress.reloads)
                progress.deadline = time.monotonic() + progress.timeout_s
                progress.quiet_since = None
                return True
        self.page = page
        self.raise_for(signal)

    def _drift_if_settled(self, page: Page, seen: pageprobe.Look, what: str, progress: _Progress) -> None:
        """A page that stays settled without the element, or a dialog the tool does not
        know over it, is drift within seconds — not after the whole time-out."""
        now = time.monotonic()
        if self.settled(page, seen) and not seen.unknown_dialogs:
            progress.quiet_since = progress.quiet_since or now
            if now - progress.quiet_since >= DRIFT_GRACE_S:
                raise self._not_found(what, page, seen, progress.ambiguous)
        elif seen.unknown_dialogs and now - progress.started >= DRIFT_GRACE_S * 2:
            raise self._not_found(what, page, seen, progress.ambiguous)
        else:
            progress.quiet_since = None

    def _say_if_slow(self, what: str, progress: _Progress) -> None:
        # Slow is a page still loading or changing; a quiet one is drift, said soon.
        if progress.said_slow or progress.quiet_since is not None:
            return
        if time.monotonic() - progress.started >= SLOW_NOTICE_MS / 1000:
            progress.said_slow = True
            self.emit("info", f"le site est lent : attente de {what} (jusqu'à {progress.timeout_s:.0f} s)", slow="yes")

    def _wait_change(self, page: Page, seen: pageprobe.Look, slice_ms: float) -> None:
        """Wait for the page to change (a node added, removed, shown or hidden) since the
        look was asked (`Look.changed_after`) — the page's watch wakes the wait — or for
        the slice to end."""
        try:
            page.evaluate(WAIT_CHANGE_JS, [seen.changed_after, slice_ms])
        except PlaywrightError:
            if page.is_closed():
                raise
            # A new document: its first look is the next one.

    # ---------------------------------------------------------------- not found
    def _not_found(
        self, what: str, page: Page, seen: pageprobe.Look | None, ambiguous: AmbiguousMatch | None
    ) -> PilotError:
        """The error of a wait that ended without the element, in the person's words."""
        if seen is not None:
            signal = decisive(self.classify(seen, fresh_only=False))
            if signal is not None and signal.kind == "unavailable":
                return outage(signal)
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
        found = _described(page)
        return PageNotRecognized(
            f"{step}{problem} ({found}) : le site a peut-être changé. Rien n'a été envoyé après ce point ; "
            "lancez « carsat-pilot doctor » ou faites cette étape à la main.",
            expected=what,
            found=found,
            step=self._step_title,
        )

    # ---------------------------------------------------------------- pages by their words
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
            build, what = self.saying(text), f"le texte « {readable(text)} »"
        else:
            assert heading is not None
            build, what = finding.heading(words(self.render(heading))), f"le titre « {readable(heading)} »"
        self.wait_for(build, timeout, what=what, watch_messages=not optional, unique=False)


def _described(page: Page) -> str:
    """The page as the person sees it: its title and first heading."""
    try:
        title = page.title()
        heading = page.get_by_role("heading").first.inner_text(timeout=1000) if page.url else ""
    except PlaywrightError:
        title, heading = "", ""
    return (f"page « {title} »" if title else "page sans titre") + (
        f", titre « {' '.join(heading.split())} »" if heading.strip() else ""
    )


__all__ = ["DRIFT_GRACE_S", "OPTIONAL_WAIT_S", "SLICE_MS", "SiteSignal", "Waiting", "Wanted"]
