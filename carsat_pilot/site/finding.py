"""How the step's elements are named on a page — by the site's words, through roles and
labels, never by the page's ids — and which of several candidates belongs to the step."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from carsat_pilot.site import pageprobe
from carsat_pilot.site.page_errors import AmbiguousMatch

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

FieldRole = Literal["textbox", "combobox", "spinbutton", "searchbox"]
FIELD_ROLES: tuple[FieldRole, ...] = ("textbox", "combobox", "spinbutton", "searchbox")
ClickRole = Literal["button", "link", "any"]

Build = Callable[["Page"], "Locator"]


def clickable(pattern: re.Pattern[str], role: ClickRole = "any") -> Build:
    def build(page: Page) -> Locator:
        if role == "any":
            return page.get_by_role("button", name=pattern).or_(page.get_by_role("link", name=pattern))
        return page.get_by_role(role, name=pattern)

    return build


def labelled(pattern: re.Pattern[str]) -> Build:
    """A field by its label. The field's own accessible name is asked too: a label
    wrapping a list also holds the list's options in its text (« Ville * PARIS … »)."""

    def build(page: Page) -> Locator:
        found = page.get_by_label(pattern)
        for role in FIELD_ROLES:
            found = found.or_(page.get_by_role(role, name=pattern))
        return found

    return build


def saying(pattern: re.Pattern[str]) -> Build:
    """A page by what it says: a heading, or a text."""
    return lambda page: page.get_by_role("heading", name=pattern).or_(page.get_by_text(pattern))


def heading(pattern: re.Pattern[str]) -> Build:
    return lambda page: page.get_by_role("heading", name=pattern)


def checkbox(pattern: re.Pattern[str]) -> Build:
    return lambda page: page.get_by_role("checkbox", name=pattern)


def group(page: Page, pattern: re.Pattern[str]) -> Locator:
    """A set of choices named by its legend: a group or a radio group."""
    return page.get_by_role("group", name=pattern).or_(page.get_by_role("radiogroup", name=pattern))


def chosen_index(found: list[pageprobe.Place], *, what: str, unique: bool, settled: bool) -> int | None:
    """Which candidate belongs to the step, or None if there is none yet. Two that belong
    equally are not a coin toss: AmbiguousMatch (unless the caller only reads the page,
    `unique=False`: any of them tells the page is there). One far from the step's form and
    main content is taken only from a `settled` page."""
    indexes, tier = pageprobe.choose(found)
    if not indexes or (tier not in pageprobe.NEAR and not settled):
        return None
    if len(indexes) > 1 and unique:
        raise AmbiguousMatch(what, len(indexes))
    return indexes[0]


def chosen(
    candidates: Locator, found: list[pageprobe.Place], *, what: str, unique: bool, settled: bool
) -> Locator | None:
    """The candidate `chosen_index` picks, as a locator."""
    index = chosen_index(found, what=what, unique=unique, settled=settled)
    return None if index is None else candidates.nth(index)
