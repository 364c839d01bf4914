"""Importing a module on a thread while the main thread waits for the browser.

A journey's main thread spends most of its time blocked on Playwright's pipe (the driver
starting, a page loading), which leaves the interpreter idle: a module needed a moment
later can be imported then, for free. The thread swallows its own failure: the real import,
done where the module is used, raises it there as it always would (and, if the thread is
still busy with that module, waits for it: Python's import lock sees to that)."""

from __future__ import annotations

import importlib
import threading


def import_in_background(*modules: str) -> threading.Thread:
    """Import `modules` in order on a daemon thread; a failure stops that thread's imports
    (the real import, where the module is used, says what went wrong)."""

    def load() -> None:
        try:
            for module in modules:
                importlib.import_module(module)
        except BaseException:  # raised again by the import where the module is used
            pass

    thread = threading.Thread(target=load, name=f"preload {', '.join(modules)}", daemon=True)
    thread.start()
    return thread
