"""What a lookup on a page can end with, besides the element: the page is not the one
the flow expects, two elements belong to the step equally, or doctor's dry run reached
the person's part."""

from __future__ import annotations

from carsat_pilot.core.errors import Drift


class PageNotRecognized(Drift):
    """The page is not the one the flow expects: the site changed, or went elsewhere."""


class AmbiguousMatch(Exception):
    """Two elements belong to the step equally: the tool does not choose."""

    def __init__(self, what: str, count: int) -> None:
        super().__init__(what)
        self.what = what
        self.count = count


class DryRunEnd(Exception):
    """A dry run reached the first step that belongs to the person."""
