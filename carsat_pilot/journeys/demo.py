"""The whole journey on a replica started inside this process (`carsat-pilot demo`), and
the replica that `carsat-pilot mock-site` serves — the tool's one way to the replica.

With `--auto` the person's part is played from the replica's in-process state — the
only place where a captcha answer is ever known to carsat-pilot, and only because the
replica that made it lives in this very process. Nothing here can reach another site:
the base URL is the embedded server's own loopback address."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Self

from rich.console import Console

from carsat_pilot.core.ask import Ask
from carsat_pilot.core.errors import BadInput
from carsat_pilot.journeys import run as journeys
from carsat_pilot.journeys.options import RunOptions
from carsat_pilot.person.profile import Profile, parse_profile
from carsat_pilot.site.browser import find_browser, has_display
from carsat_pilot.site.human import BrowserHuman, Human, HumanMode, TerminalHuman
from mock_site import Fault, MockConfig, UnknownDrift, create_app, drift_options, get_state, parse_reword, serve
from mock_site.server import RunningServer, serve_until_stopped

DEMO_PASSWORD = "Retraite2026Ok"
DEMO_PROFILE: dict[str, Any] = {
    "nir": "1850775123456",
    "civilite": "Monsieur",
    "nom_naissance": "DUPONT",
    "prenom": "Jean",
    "date_naissance": "15/07/1985",
    "adresse": {
        "pays": "FRANCE",
        "code_postal": "75012",
        "ville": "PARIS",
        "numero": "12",
        "complement": "",
        "voie": "RUE DE LA GARE",
    },
    "contact": {
        "telephone": "0612345678",
        "email": "jean.dupont@example.org",
        "question_secrete": "Quel est le nom de votre premier animal de compagnie ?",
        "reponse_secrete": "Medor",
    },
}


class ReplicaHuman(Human):
    """Plays the person against the embedded replica only (reads its in-process state)."""

    mode: HumanMode = "auto"

    def __init__(self, console: Console, site_state: Any, email: str) -> None:
        super().__init__(console, timeout_s=60.0)
        self._state = site_state
        self._email = email

    def confirm(self, question: str) -> bool:
        self.console.print(f"{question} [dim](démonstration : oui)[/]")
        return True

    def captcha_code(self, image_png: bytes, attempt: int) -> str:
        code: str = self._state.latest_captcha_answer()
        self.console.print("[dim](démonstration : la personne recopie le code de l'image)[/]")
        return code

    def activation_link(self) -> str:
        message = self._state.latest_email(self._email)
        self.console.print("[dim](démonstration : la personne ouvre l'e-mail et clique sur le lien)[/]")
        return str(message.activation_link)

    def one_time_code(self) -> str:
        return str(self._state.latest_otp())


def demo_profile() -> Profile:
    return parse_profile(DEMO_PROFILE)


def run_demo(
    console: Console,
    *,
    auto: bool,
    headless: bool,
    browser_path: str | None,
    verbose: bool = False,
    slow_mo: int = 0,
    ris_delay_s: float = 3.0,
    download_dir: Any = None,
    ask: Ask | None = None,
) -> str:
    find_browser(browser_path)
    app = create_app(MockConfig(ris_delay_s=ris_delay_s))
    site_state = get_state(app)
    person = demo_profile()
    with serve(app) as server:
        console.print(
            f"[bold]Démonstration[/] sur le site d'exercice {server.url} — "
            f"personne fictive : {person.prenom} {person.nom_naissance}, né le "
            f"{person.date_naissance:%d/%m/%Y}."
        )
        human: Human
        if auto:
            human = ReplicaHuman(console, site_state, person.contact.email)
        elif has_display() and not headless:
            human = BrowserHuman(console, 900.0, ask=ask)
        else:
            human = TerminalHuman(console, 900.0, ask=ask)
        options = RunOptions(
            base_url=server.url,
            headless=headless or not has_display(),
            human=human,
            console=console,
            browser_path=browser_path,
            assume_yes=True,
            verbose=verbose,
            slow_mo=slow_mo,
            mailbox_url=f"{server.url}/mailbox",
            fresh=True,
        )
        summary = journeys.register(options, person, DEMO_PASSWORD)
        console.print(f"[green]✔ {summary}[/]")
        result = journeys.fetch_ris(
            options,
            person.nir,
            DEMO_PASSWORD,
            download_dir=download_dir,
            wait_s=120.0,
            surname=person.nom_naissance,
            refresh_interval_s=1.0,
        )
        console.print(f"[bold green]✔ {result}[/]", soft_wrap=True)
    return result


# --------------------------------------------------------------------------- mock-site
@dataclass
class ReplicaOptions:
    """`carsat-pilot mock-site`'s options, as typed (checked by `replica_config`)."""

    latency_ms: int = 0
    ris_delay: float = 20.0
    link_validity_days: int = 15
    session_expiry: float | None = None
    fail: list[str] = field(default_factory=list)
    already_asked: list[str] = field(default_factory=list)
    otp: bool = False
    data_file: Path | None = None
    accounts_file: Path | None = None
    drift: str | None = None
    reword: list[str] = field(default_factory=list)
    drift_seed: int | None = None

    @classmethod
    def pick(cls, params: dict[str, Any]) -> Self:
        """The options found among the command's parameters (its `locals()`), by name."""
        names = {each.name for each in fields(cls)}
        return cls(**{name: value for name, value in params.items() if name in names and value is not None})


def _faults(items: list[str]) -> list[Fault]:
    faults = []
    for item in items:
        try:
            path, count, kind = item.rsplit(":", 2)
            faults.append(Fault(path_prefix=path, count=int(count), kind=kind))  # type: ignore[arg-type]
        except ValueError as exc:
            raise BadInput(f"--fail attend CHEMIN:NOMBRE:500|maintenance (reçu : « {item} »).", "--fail") from exc
    return faults


def replica_config(options: ReplicaOptions) -> MockConfig:
    """The replica's configuration; a wrong --fail, --drift or --reword is BadInput."""
    try:
        drift_knobs = drift_options([options.drift] if options.drift else [])
    except UnknownDrift as exc:
        raise BadInput(str(exc), "--drift") from None
    try:
        renamed = parse_reword(options.reword)
    except UnknownDrift as exc:
        raise BadInput(str(exc), "--reword") from None
    return MockConfig(
        latency_ms=options.latency_ms,
        ris_delay_s=options.ris_delay,
        link_validity_days=options.link_validity_days,
        session_expiry_s=options.session_expiry,
        faults=_faults(options.fail),
        already_asked_today=set(options.already_asked),
        otp_at_login=options.otp,
        data_file=options.data_file,
        accounts_file=options.accounts_file,
        reword=renamed,
        drift_seed=options.drift_seed,
    ).model_copy(update=drift_knobs)


def serve_replica(console: Console, options: ReplicaOptions, *, host: str, port: int, allow_public: bool) -> None:
    """Serve the replica until Ctrl-C."""
    config = replica_config(options)

    def announce(server: RunningServer) -> None:
        console.print(
            f"Site d'exercice : [bold]{server.url}[/]  (messagerie : {server.url}/mailbox) — Ctrl-C pour arrêter."
        )
        if config.changes():
            console.print("Dérives actives : " + ", ".join(config.changes()), soft_wrap=True)

    serve_until_stopped(create_app(config), host, port, allow_public=allow_public, announce=announce)
