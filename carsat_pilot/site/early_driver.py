"""Playwright's driver started while the rest of carsat-pilot is still being imported.

A journey command spends about a quarter of a second importing its own modules (the
profile's checks, the engine, the flows' schema) and another quarter waiting for
Playwright's driver, a Node.js process, to start. One after the other, the person waits
for both. Here the driver starts while a thread does the imports: the main thread then only
waits on the driver's pipe, which leaves the interpreter to the thread, and Node.js boots
on the other core. Measured on a 2-core machine: ~0.2 s less before the first page, per
command (`python -m bench`).

The driver is a child process with no browser, window or page: nothing reaches any site
before the person's input is checked, and the environment it inherits has no secret (the
command line took them out first thing). A journey takes it (`driver_and_folder`); a driver
the command never used (bad input, a refusal) is stopped when the command ends, and its
private folder removed.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from carsat_pilot.core.preload import import_in_background
from carsat_pilot.core.scratch import Scratch
from carsat_pilot.site.browser import (
    lent_browser,
    new_run_folder,
    playwright_driver,
    run_folder,
    start_driver,
    stop_driver,
)

if TYPE_CHECKING:
    from playwright.sync_api import Playwright

Started = tuple[Scratch, "Playwright"]

# The driver started for this command and not taken yet (one at most).
_waiting: list[Started] = []


@contextmanager
def driver_while_importing(*modules: str) -> Iterator[None]:
    """Import `modules` (in a thread, in order) while Playwright's driver starts. The driver
    waits for the command's journey; unused, it is stopped at the end. With the modules
    already loaded (a second command in the same process) there is nothing to overlap: no
    early driver, the journey starts one when it gets there — and input refused before
    never costs one."""
    if all(module in sys.modules for module in modules) or lent_browser() is not None:  # lent: in-process tests
        for module in modules:
            importlib.import_module(module)
        yield
        return
    # The main thread needs Playwright's own modules before it can start the driver: first.
    import playwright.sync_api  # noqa: F401

    thread = import_in_background(*modules)
    try:
        _waiting.append(_start())
    except Exception:
        pass  # the journey starts its own, and says then what prevents it
    finally:
        thread.join()
    try:
        for module in modules:
            importlib.import_module(module)  # done by now; raises here what the thread met
        yield
    finally:
        while _waiting:
            _stop(_waiting.pop())


@contextmanager
def driver_and_folder() -> Iterator[Started]:
    """The run's private folder and Playwright's driver: the ones started early when there
    are, new ones otherwise; stopped and removed at the end either way."""
    if not _waiting:
        with run_folder() as scratch, playwright_driver(scratch) as playwright:
            yield scratch, playwright
        return
    started = _waiting.pop()
    try:
        yield started
    finally:
        _stop(started)


def _start() -> Started:
    scratch = new_run_folder()
    try:
        return scratch, start_driver(scratch)
    except BaseException:
        scratch.remove()
        raise


def _stop(started: Started) -> None:
    scratch, playwright = started
    stop_driver(playwright)
    scratch.remove()
