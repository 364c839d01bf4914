"""The options every journey shares, checked and built in one place for the commands and
the guided session alike: a wrong option is said before anything is sent."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from rich.console import Console

from carsat_pilot.core.ask import Ask
from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.i18n import check_language
from carsat_pilot.site.browser import find_browser, has_display
from carsat_pilot.site.flowspec import load_site
from carsat_pilot.site.hosts import OFFICIAL_SITE, check_base_url, check_mailbox_url, is_loopback
from carsat_pilot.site.human import BrowserHuman, Human, HumanMode, TerminalHuman, refuse_without_human


@dataclass
class RunOptions:
    """What a journey is run with (built by `build_run_options`, or by the demo)."""

    base_url: str
    headless: bool
    human: Human
    console: Console
    browser_path: str | None = None
    assume_yes: bool = False
    keep_open: bool = False
    verbose: bool = False
    slow_mo: int = 0
    mailbox_url: str | None = None
    devtools_port: int | None = None
    fresh: bool = False
    state_folder: Path | None = None
    journal_path: Path | None = None
    debug_artifacts: Path | None = None
    extra_browser_args: list[str] = field(default_factory=list)
    lang: str = "fr"  # the person's language: overlay and hand-over instructions (carsat_pilot.core.i18n)
    # Who allowed --devtools-port on the real site (journeys.browser_session.devtools_consent);
    # "" on the replica.
    devtools_allowed_by: str = ""


@dataclass
class CommonOptions:
    """The common options of DESIGN.md as the advisor gave them (not checked yet)."""

    base_url: str = OFFICIAL_SITE
    headless: bool = False
    human: str | None = None
    browser_path: str | None = None
    yes: bool = False
    keep_open: bool = False
    lang: str = "fr"
    verbose: bool = False
    fresh: bool = False
    slow_mo: int = 0
    devtools_port: int | None = None
    mailbox_url: str | None = None
    debug_artifacts: Path | None = None
    state_folder: Path | None = None
    journal_path: Path | None = None

    @classmethod
    def pick(cls, params: dict[str, Any]) -> Self:
        """The options found among a command's parameters (its `locals()`), by name."""
        names = {each.name for each in fields(cls)}
        return cls(**{name: value for name, value in params.items() if name in names})


def human_mode(requested: str | None) -> HumanMode:
    mode = requested or ("browser" if has_display() else "terminal")
    if mode == "browser":
        return "browser"
    if mode == "terminal":
        return "terminal"
    raise BadInput(f"--human accepte « browser » ou « terminal » (reçu : « {mode} »).", "--human")


def _check_devtools_port(port: int | None) -> None:
    if port is not None and not 1024 <= port <= 65535:
        raise BadInput(
            f"--devtools-port attend un numéro de port entre 1024 et 65535 (reçu : {port}).", "--devtools-port"
        )


def _person_side(common: CommonOptions, console: Console, ask: Ask) -> Human:
    """Where the person answers; refused when nobody could (DESIGN.md: no silent hang)."""
    mode = human_mode(common.human)
    display = has_display() and not common.headless
    refusal = refuse_without_human(
        mode,
        display=display or mode != "browser" or common.devtools_port is not None,
        stdin_open=sys.stdin is not None and not sys.stdin.closed,
    )
    if refusal:
        raise BadInput(refusal, "--human")
    # How long the person may take at a hand-over: site knowledge, in flows/site.yaml.
    timeout = load_site().human_timeout_s
    return (BrowserHuman if mode == "browser" else TerminalHuman)(console, timeout, ask=ask)


def build_run_options(common: CommonOptions, console: Console, ask: Ask) -> RunOptions:
    """Check every option before anything is sent, then build the journey's options; the
    person's answers come from `ask`, the process's one input layer."""
    lang = check_language(common.lang)  # a shipped catalog, or BadInput naming the shipped ones
    url = check_base_url(common.base_url)
    mailbox_url = check_mailbox_url(common.mailbox_url, url) if common.mailbox_url else None
    _check_devtools_port(common.devtools_port)
    person = _person_side(common, console, ask)
    find_browser(common.browser_path)  # a missing browser is said now, not after the questions
    return RunOptions(
        base_url=url,
        headless=common.headless or not has_display(),
        human=person,
        console=console,
        browser_path=common.browser_path,
        assume_yes=common.yes,
        keep_open=common.keep_open,
        verbose=common.verbose,
        slow_mo=common.slow_mo,
        mailbox_url=mailbox_url,
        devtools_port=common.devtools_port,
        fresh=common.fresh,
        debug_artifacts=common.debug_artifacts,
        lang=lang,
        state_folder=common.state_folder,
        journal_path=common.journal_path,
    )


def check_waits(base_url: str, wait_s: float, refresh_interval_s: float | None) -> None:
    """--wait and --refresh-interval: a wait is positive, and the real site is refreshed
    no more than every 10 s (politeness)."""
    if wait_s < 0:
        raise BadInput("--wait doit être un nombre de secondes positif.", "--wait")
    minimum = 1.0 if is_loopback(urlsplit(base_url).hostname or "") else 10.0
    if refresh_interval_s is not None and refresh_interval_s < minimum:
        raise BadInput(
            f"--refresh-interval : au moins {minimum:.0f} s entre deux rafraîchissements (politesse envers le site).",
            "--refresh-interval",
        )
