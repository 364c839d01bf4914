"""Playwright's sync API refuses a thread that runs an asyncio loop, and pytest-playwright's
fixtures leave one on a test process's main thread: what must start Playwright as a command
does (the tool's browser lookup, its early driver) runs on a thread of its own."""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def off_the_loop(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`call(*args, **kwargs)` on a thread with no asyncio loop; its result or its error."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call, *args, **kwargs).result()


def runs_off_the_loop(test: Callable[..., None]) -> Callable[..., None]:
    """A test run as a command runs: `off_the_loop`, fixtures still given by pytest."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        off_the_loop(test, *args, **kwargs)

    return run
