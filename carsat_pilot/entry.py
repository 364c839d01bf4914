"""The command's first moments, before Typer is even imported.

1. The secrets leave the environment, before anything can start a child (Playwright's
   driver, the browser, the replica's server): they stay in this process only.
2. For a journey (register, activate, fetch-ris), Playwright's driver — a Node.js process
   that takes a quarter of a second to boot — starts now, while a thread imports the
   command line and the journey's modules (site/early_driver.py). Started after Typer had
   read the command line, it began ~0.1 s later, with the person waiting (`python -m bench`).
   The command line is only peeked at here: a wrong guess costs a driver stopped unused,
   never a different behaviour — Typer still reads every argument.
3. The Typer app runs, and the command leaves without the interpreter's tear-down.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import NoReturn

JOURNEYS = frozenset({"register", "activate", "fetch-ris"})
_HELP = frozenset({"--help", "-h"})
# What a journey imports first: the command line, then its own modules.
JOURNEY_MODULES = ("carsat_pilot.cli", "carsat_pilot.desk.commands")


def is_journey(args: Sequence[str]) -> bool:
    """`register --profile p.toml`, not `register --help` nor `doctor`."""
    command = next((arg for arg in args if not arg.startswith("-")), None)
    return command in JOURNEYS and not _HELP.intersection(args)


def _early_driver(args: Sequence[str]) -> AbstractContextManager[None]:
    if not is_journey(args):
        return nullcontext()
    from carsat_pilot.site.early_driver import driver_while_importing

    return driver_while_importing(*JOURNEY_MODULES)


def main() -> None:
    from carsat_pilot.core.secret_env import take_secret_environment

    take_secret_environment()
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    code: object = 0
    try:
        with _early_driver(sys.argv[1:]):  # a driver the command did not take is stopped here
            from carsat_pilot.cli import app

            try:
                app()
            except SystemExit as done:  # Typer ends every command this way, its exit code inside
                code = done.code
    except KeyboardInterrupt:  # Ctrl-C before the command itself could say it
        from carsat_pilot.core.errors import INTERRUPTED_SENTENCE, ExitCode

        sys.stderr.write(INTERRUPTED_SENTENCE + "\n")
        code = int(ExitCode.INTERRUPTED)
    leave(code)


def leave(code: object) -> NoReturn:
    """Exit without the interpreter's tear-down. Freeing a hundred modules (pydantic,
    Playwright, Rich) took ~0.15 s at the end of every command, measured, with the person
    waiting for the prompt; nothing needs it: by now every file of the tool is written,
    closed and synced (core/files.py), the browser and its driver are stopped and their
    folder removed, and the only threads left are daemons. The output is flushed here."""
    if isinstance(code, str):  # a message instead of a number: Python prints it and exits 1
        sys.stderr.write(code + "\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe: nothing more can be said
    os._exit(code if isinstance(code, int) else 0)
