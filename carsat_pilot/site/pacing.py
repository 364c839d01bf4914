"""The tool's only deliberate delays: the polite interval between two refreshes of the
RIS page, and the back-off before retrying a page the site failed to serve.

Both are courtesy towards a public service, not waits for the page (those are always
on events). Ctrl-C ends them at once, like any wait of the main thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# Nothing sets it: waiting on it with a time-out is the pause itself (the code waits on
# events only; this is the one event that never comes).
_COURTESY = threading.Event()


def pause(seconds: float, on_tick: Callable[[float], None] | None = None) -> None:
    """Wait `seconds`, calling `on_tick(remaining)` about once a second for a countdown."""
    remaining = seconds
    while remaining > 0:
        step = min(1.0, remaining)
        _COURTESY.wait(step)
        remaining -= step
        if on_tick is not None:
            on_tick(max(0.0, remaining))


def backoff_delays(first_s: float, factor: float, ceiling_s: float, count: int) -> list[float]:
    """Growing delays: first, first×factor, … never above the ceiling."""
    delays: list[float] = []
    delay = first_s
    for _ in range(count):
        delays.append(min(delay, ceiling_s))
        delay *= factor
    return delays
