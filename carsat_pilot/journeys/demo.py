"""`carsat-pilot demo`: the whole journey on a replica started inside this process.

With `--auto` the person's part is played from the replica's in-process state — the
only place where a captcha answer is ever known to carsat-pilot, and only because the
replica that made it lives in this very process. Nothing here can reach another site:
the base URL is the embedded server's own loopback address."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console

from carsat_pilot.site.human import BrowserHuman, Human, HumanMode, TerminalHuman

if TYPE_CHECKING:
    from carsat_pilot.person.profile import Profile

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
    from carsat_pilot.person.profile import parse_profile

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
) -> str:
    from carsat_pilot.journeys import run as journeys
    from carsat_pilot.site.browser import find_browser, has_display
    from mock_site import MockConfig, create_app, get_state, serve

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
            human = BrowserHuman(console, 900.0)
        else:
            human = TerminalHuman(console, 900.0)
        options = journeys.RunOptions(
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
