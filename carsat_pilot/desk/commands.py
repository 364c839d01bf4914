"""What `register`, `activate` and `fetch-ris` do once their options are read: the person's
data first (a mistake there is said before anything else happens), then the options
checked, the password, the consent, and the journey."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from carsat_pilot.core.ask import Ask
from carsat_pilot.desk import identify
from carsat_pilot.desk.collect import ask_profile
from carsat_pilot.desk.consent import ask_consent
from carsat_pilot.desk.profiles import offer_profile_update
from carsat_pilot.journeys import run as journeys
from carsat_pilot.journeys.options import CommonOptions, build_run_options, check_waits
from carsat_pilot.person.passwords import read_login_password, read_password
from carsat_pilot.person.profile import check_profile, load_profile
from carsat_pilot.record import masking
from carsat_pilot.record.journal import Journal, Masker


@dataclass
class Desk:
    """A command's consoles and its one input layer."""

    console: Console
    err_console: Console

    def __post_init__(self) -> None:
        self.ask = Ask(self.console)

    def done(self, summary: str) -> None:
        self.console.print(f"[bold green]✔ {escape(summary)}[/]", soft_wrap=True)


def register(desk: Desk, common: CommonOptions, profile_path: Path | None, *, activate: bool) -> None:
    console = desk.console
    profile = load_profile(profile_path) if profile_path is not None else None
    options = build_run_options(common, console, desk.ask)
    if profile is None:
        profile = ask_profile(console, ask=desk.ask)
    masking.learn(journeys.profile_variables(profile, ""))
    for warning in check_profile(profile):
        # Never stricter than the site: an unusual value is said, and the site decides.
        console.print(f"[yellow]⚠ {escape(warning)}[/]")
    password = read_password(profile.identity(), console=console, ask=desk.ask)
    journal = Journal(Masker(nir=profile.nir), options.journal_path)
    ask_consent(desk.ask, journal, given=common.yes, flow="register")
    desk.done(journeys.register(options, profile, password, activate=activate))

    # Values the person chose in the site's lists: into the saved profile (asked, or
    # agreed beforehand with --yes), so the next run finds them at once.
    def agree(question: str) -> bool:
        return common.yes or desk.ask.yes_no(escape(question), default=True)

    offer_profile_update(console, agree, profile, profile_path, options.human.chosen)


def activate(
    desk: Desk, common: CommonOptions, link: str | None, link_fd: int | None, profile: Path | None, nir: str | None
) -> None:
    the_link = identify.activation_link(desk.err_console, link, link_fd)
    the_nir = identify.person_nir(desk.err_console, desk.ask, profile, nir)
    options = build_run_options(common, desk.console, desk.ask)
    if the_link is not None:
        identify.check_link(the_link, options.base_url)
    password = read_login_password(desk.ask)
    desk.done(journeys.activate(options, the_nir, password, the_link))


@dataclass
class RisRequest:
    """fetch-ris's own options."""

    download_dir: Path | None
    wait_s: float
    accept_archived: bool
    franceconnect: bool
    refresh_interval_s: float


def fetch_ris(desk: Desk, common: CommonOptions, profile: Path | None, nir: str | None, request: RisRequest) -> None:
    the_nir = identify.person_nir(desk.err_console, desk.ask, profile, nir)
    surname = identify.surname(profile)
    check_waits(common.base_url, request.wait_s, None)
    options = build_run_options(common, desk.console, desk.ask)
    check_waits(options.base_url, request.wait_s, request.refresh_interval_s)
    password = "" if request.franceconnect else read_login_password(desk.ask)
    summary = journeys.fetch_ris(
        options,
        the_nir,
        password,
        download_dir=request.download_dir,
        wait_s=request.wait_s,
        accept_archived=request.accept_archived,
        franceconnect=request.franceconnect,
        surname=surname,
        refresh_interval_s=request.refresh_interval_s,
    )
    desk.done(summary)
