"""Acting on the step's elements as a person would: open a page, click, type, choose in
a list, tick a box — each only where the host rule allows typing, each shown to the
person for a moment, and a click never landing on something the tool does not know."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from carsat_pilot.site import finding
from carsat_pilot.site.choices import choose_in_list, match_option
from carsat_pilot.site.flowspec import Target
from carsat_pilot.site.page_errors import PageNotRecognized
from carsat_pilot.site.reliability import goto_with_retries
from carsat_pilot.site.textmatch import fold, literal, readable, words
from carsat_pilot.site.waiting import DRIFT_GRACE_S, OPTIONAL_WAIT_S, SLICE_MS, Waiting, Wanted

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

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
FILLED_LIST_JS = "el => Array.from(el.options || []).some(o => o.value !== '')"
# A click blocked by something over the page is retried this often while banners are
# dismissed; a blocker the tool does not know is drift after DRIFT_GRACE_S.
CLICK_SLICE_MS = 1000
# A field is typed this many times (a new look before each) before it is drift.
FILL_ATTEMPTS = 3


def kept(typed: str, value: str) -> bool:
    """The field holds the value: the same text, or the same letters and digits once the
    page's own spacing and separators are set aside (« 06 12 34 56 78 » for a phone)."""
    if typed == value or fold(typed) == fold(value):
        return True
    return _letters_and_digits(typed) == _letters_and_digits(value) != ""


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def pressed(exc: PlaywrightTimeout) -> bool:
    """Whether Playwright had pressed the mouse on the element when the slice ran out: its
    call log says « performing click action » with no retry after. A one-page site sends
    the form without a navigation to count, and on a busy machine the press can take the
    whole slice: seen as blocked, the step's form would be sent a second time."""
    log = exc.message
    at = log.rfind("performing click action")
    return at >= 0 and "retrying" not in log[at:] and "intercepts pointer events" not in log[at:]


class Acting(Waiting):
    """A page session that acts on the elements it waited for."""

    def goto(self, url: str) -> None:
        goto_with_retries(self, url)

    # ---------------------------------------------------------------- clicks
    def click(self, target: Target, *, optional: bool = False) -> None:
        timeout = OPTIONAL_WAIT_S if optional else (target.timeout_s or self.page_timeout_s)
        what = f"le bouton ou lien « {readable(target.name)} »"
        wanted = Wanted(self.clickable(target), what, watch_messages=not optional, snapshot=True)
        locator, seen = self.wait(wanted, timeout)
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

    def _before_action(self, page: Page, *, sends: bool = False) -> None:
        """Right before acting: banners that appeared since the last look are dismissed,
        and what the page says now is marked as old (the site's answer will be new)."""
        self._look(page, snapshot=sends)
        self._last_action = time.monotonic()

    def _press(
        self, locator: Locator, page: Page, what: str, *, looked: bool = False, tick: bool = False
    ) -> None:
        """Click, with banners dismissed first. Something over the page that the tool
        does not know (a dialog, a layer) is drift, never a click elsewhere. `looked`:
        the look that found the element just did `_before_action`'s work (a banner shown
        since over the element takes no click: Playwright waits for the element to receive
        the pointer, and the next round's look dismisses the banner). `tick`: a box or a
        radio button, ticked (Playwright clicks it, then checks that it is ticked)."""
        blocked_since: float | None = None
        self.guard(page)
        while True:
            if looked:
                looked = False
                self._last_action = time.monotonic()
            else:
                self._before_action(page, sends=True)
            self._clicked_since_load[id(page)] = True
            navigations = self._navigations.get(id(page), 0)
            try:
                if tick:
                    locator.check(timeout=CLICK_SLICE_MS)
                else:
                    locator.click(timeout=CLICK_SLICE_MS)
                self._last_action = time.monotonic()
                return
            except PlaywrightTimeout as exc:
                if self._navigations.get(id(page), 0) > navigations or pressed(exc):
                    # The click went through: the slice ran out while Playwright waited
                    # for what it started (a slow site, a busy machine). Never clicked twice.
                    self._last_action = time.monotonic()
                    return
                blocked_since = blocked_since or time.monotonic()
                self._drift_if_blocked(locator, page, what, blocked_since, exc)

    def _drift_if_blocked(
        self, locator: Locator, page: Page, what: str, since: float, exc: PlaywrightTimeout
    ) -> None:
        """After a blocked click: return to try again (a banner may go), or raise the drift."""
        if time.monotonic() - since < DRIFT_GRACE_S:
            return
        seen = self._look(page)
        if locator.count() == 0:
            raise self._not_found(what, page, seen, None) from exc
        if time.monotonic() - since < self.page_timeout_s and not seen.unknown_dialogs:
            return
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

        def opened() -> list[Page]:
            return [p for p in self.context.pages if p not in before and not p.is_closed()]

        while time.monotonic() < deadline:
            if new := opened():
                self.page = new[-1]
                self.page.wait_for_load_state("domcontentloaded")
                return
            if page.url != url_before:
                return
            # A single-page site may show the next page in place, without a new address:
            # once the page has settled after the click, no tab is coming.
            if self.settled(page, self._look(page)):
                return
            # That look let the driver's events in: the tab may have opened meanwhile, and
            # waiting for its event now would wait for a second tab (a whole slice lost).
            if opened():
                continue
            try:
                self.context.wait_for_event("page", timeout=SLICE_MS)
            except PlaywrightTimeout:
                continue

    # ---------------------------------------------------------------- fields
    def fill(self, label: str, value: str, *, keys: bool = False) -> None:
        """Type `value` in the field, then read it back. A field that did not keep it is
        typed again after a new look: a modal the site opened between the look and the
        typing makes the page under it inert and takes the keys (seen on the drifting
        replica: an empty secret answer sent). Still not kept: drift — nothing is sent."""
        what = f"le champ « {readable(label)} »"
        for attempt in range(FILL_ATTEMPTS):
            field = self.wait_for(self.labelled(label), self.page_timeout_s, what=what, watch_messages=True)
            self.guard(field.page)
            self._last_action = time.monotonic()
            # Some fields react only to key presses (masks, scripts): after a first try, type them.
            if keys or attempt > 0:
                field.fill("")
                field.press_sequentially(value)
            else:
                field.fill(value)
            if kept(self.highlight(field), value):
                return
        raise PageNotRecognized(
            f"À l'étape « {self._step_title} », {what} ne garde pas ce que carsat-pilot y tape : le site a "
            "peut-être changé. Rien n'a été envoyé après ce point ; lancez « carsat-pilot doctor » ou faites "
            "cette étape à la main.",
            expected=what,
            found="un champ qui ne garde pas la valeur tapée",
            step=self._step_title,
        )

    def highlight(self, field: Locator) -> str:
        """Show the person, for a moment, the field the tool just filled; return what the
        field now holds, and make its form the step's own (one round trip for all)."""
        script = HIGHLIGHT_JS if self.overlay is not None else READ_BACK_JS
        try:
            return str(self.on_element(field, script) or "")
        except PlaywrightError:
            return ""  # a field gone with a page change: nothing to show or read back

    def select(self, label: str, option: str, *, wait: bool = False) -> None:
        if not option.strip():
            return  # nothing to choose (an empty « Complément »): leave the site's default
        field = self.wait_for(
            self.labelled(label), self.page_timeout_s, what=f"la liste « {readable(label)} »", watch_messages=True
        )
        labels = self._options(field, wait=wait)
        # Compared tolerantly (« Saint-Denis-lès-Bourg » is « ST DENIS LES BOURG »); a value
        # not in the list is chosen by the person among the page's own options.
        choice = match_option(option, labels) or choose_in_list(self, field, label, option)
        self.guard(field.page)
        self._last_action = time.monotonic()
        field.select_option(label=choice)
        self.highlight(field)

    def _options(self, field: Locator, *, wait: bool) -> list[str]:
        """The list's options; with `wait`, once the page has filled it (« Ville », after
        the postal code) — an empty list is said by the caller, with what the site offers."""
        labels, filled = self.on_element(field, OPTIONS_JS) or ([], False)
        if not wait or filled:
            return list(labels)
        try:
            field.page.wait_for_function(
                FILLED_LIST_JS, arg=field.element_handle(), timeout=self.page_timeout_s * 1000
            )
        except PlaywrightTimeout:
            pass
        labels, _filled = self.on_element(field, OPTIONS_JS) or ([], False)
        return list(labels)

    def check(self, label: str) -> None:
        what = f"la case « {readable(label)} »"
        checkbox = finding.checkbox(words(self.render(label)))
        box = self.wait_for(checkbox, self.page_timeout_s, what=what, watch_messages=True)
        # A dialog that opens over the box takes no click: dismissed at the next look.
        self._press(box, box.page, what, tick=True)
        self.highlight(box)

    def choose(self, group: str, option: str) -> None:
        group_re = words(self.render(group))
        option_re = literal(option)

        def build(page: Page) -> Locator:
            radios = finding.group(page, group_re).get_by_role("radio", name=option_re)
            return radios.or_(page.get_by_label(group_re).and_(page.get_by_role("combobox")))

        what = f"le choix « {option} » de « {readable(group)} »"
        found = self.wait_for(build, self.page_timeout_s, what=what, watch_messages=True)
        if self.on_element(found, "el => el.tagName") == "SELECT":
            self.select(group, option)
            return
        self._press(found, found.page, what, tick=True)
        self.highlight(found)
