"""Typed failures, each bound to an exit code of DESIGN.md and one French sentence."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    BAD_INPUT = 2
    SITE_REFUSED = 3
    SITE_UNAVAILABLE = 4
    TIMED_OUT = 5
    INTERRUPTED = 130


# Ctrl-C, wherever it comes: said the same way (the command line, its first moments).
INTERRUPTED_SENTENCE = "✖ Interrompu : rien d'autre n'a été envoyé au site ; relancez quand vous voulez."


class PilotError(Exception):
    """A failure the user must read: `message` is one French sentence saying what
    happened and what to do next."""

    exit_code: ExitCode = ExitCode.SITE_UNAVAILABLE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(PilotError):
    """Refused before any page is sent (profile, options, password rules…)."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SiteRefused(PilotError):
    """The site said no: its own words are in `site_text` and shown verbatim."""

    exit_code = ExitCode.SITE_REFUSED

    def __init__(self, message: str, site_text: str | None = None) -> None:
        super().__init__(message)
        self.site_text = site_text


class SiteUnavailable(PilotError):
    exit_code = ExitCode.SITE_UNAVAILABLE


class TimedOut(PilotError):
    exit_code = ExitCode.TIMED_OUT


class Interrupted(PilotError):
    exit_code = ExitCode.INTERRUPTED


class Drift(PilotError):
    """The page is not what the procedure expects at this step (the site changed, or
    went elsewhere): `step` and `expected` name the step and the words not found."""

    exit_code = ExitCode.SITE_UNAVAILABLE

    def __init__(self, message: str, *, expected: str = "", found: str = "", step: str = "") -> None:
        super().__init__(message)
        self.expected = expected
        self.found = found
        self.step = step
