"""The entries of the guided session's menu: register, activate, fetch the relevé, check
the installation, train — each the command's journey, asked through the session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from carsat_pilot.core.errors import PilotError
from carsat_pilot.desk.identify import check_link
from carsat_pilot.desk.profiles import offer_profile_update
from carsat_pilot.journeys import demo, doctor
from carsat_pilot.journeys import run as journeys
from carsat_pilot.journeys.options import RunOptions
from carsat_pilot.record.state import StateStore
from carsat_pilot.site.hosts import check_base_url

if TYPE_CHECKING:
    from carsat_pilot.desk.accompanied import AccompaniedPerson
    from carsat_pilot.desk.session import Session

CHAIN_QUESTION = "Enchaîner avec l'activation (lien reçu par e-mail) dès l'inscription envoyée ?"
LINK_QUESTION = (
    "Collez le lien d'activation reçu par e-mail (« Je confirme la création de mon espace "
    "personnel »), puis Entrée (Entrée seule : il sera demandé pendant la démarche) :"
)


class MenuEntries:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.ask = session.ask
        self.console = session.ask.console

    def _done(self, message: str) -> None:
        self.console.print(f"[bold green]✔ {escape(message)}[/]", soft_wrap=True)

    def _state(self, person: AccompaniedPerson) -> StateStore:
        return StateStore(person.nir, self.session.config.state_folder)

    def register(self) -> None:
        options = self.session.options()
        self.session.ask_consent()
        person = self.session.person_with_profile()
        assert person.profile is not None
        password = self.session.password(person, creating=True)
        go_on = self.ask.yes_no(CHAIN_QUESTION, default=True)
        try:
            result = journeys.register(options, person.profile, password, activate=go_on)
        except PilotError:
            self._offer_profile_update(person, options)
            raise
        self._offer_profile_update(person, options)
        self._done(result)
        if go_on and self._state(person).state.activated_at is not None:
            self._offer_ris()

    def _offer_profile_update(self, person: AccompaniedPerson, options: RunOptions) -> None:
        """Values chosen in the site's lists (town, complement, secret question…) during
        the journey: offered to the saved profile, and used for the rest of the session."""
        chosen = list(options.human.chosen)
        options.human.chosen.clear()
        if not chosen or person.profile is None:
            return
        person.profile = offer_profile_update(
            self.console,
            lambda question: self.ask.yes_no(escape(question), default=True),
            person.profile,
            person.profile_path,
            chosen,
        )

    def activate(self) -> None:
        options = self.session.options()
        self.session.ask_consent()
        person = self.session.person_with_nir()
        link = self.ask.line(escape(LINK_QUESTION))
        if link:
            check_link(link, options.base_url)
        password = self.session.password(person, creating=False)
        self._done(journeys.activate(options, person.nir, password, link or None))
        self._offer_ris()

    def _offer_ris(self) -> None:
        if self.ask.yes_no("Obtenir maintenant le relevé de carrière (RIS) ?", default=True):
            self.fetch_ris()

    def fetch_ris(self) -> None:
        options = self.session.options()
        self.session.ask_consent()
        person = self.session.person_with_nir()
        password = self.session.password(person, creating=False)
        config = self.session.config
        result = journeys.fetch_ris(
            options,
            person.nir,
            password,
            download_dir=config.download_dir,
            wait_s=config.wait_s,
            surname=person.nom,
            refresh_interval_s=config.refresh_interval_s,
        )
        recorded = self._state(person).state.ris_path
        if recorded and Path(recorded) not in self.session.ris_paths:
            self.session.ris_paths.append(Path(recorded))
        self._done(result)

    def check_installation(self) -> None:
        config = self.session.config
        checks = doctor.run_checks(check_base_url(config.base_url), config.browser_path)
        if not doctor.show(self.console, checks):
            raise PilotError("L'installation n'est pas prête : suivez la colonne « Que faire » ci-dessus.")

    def training(self) -> None:
        self.console.print(
            "Site d'exercice : une personne fictive (Jean DUPONT), aucune donnée réelle, rien n'est "
            "envoyé au vrai site."
        )
        hands_on = self.ask.yes_no(
            "Voulez-vous jouer vous-même le rôle de la personne (recopier l'image, ouvrir l'e-mail) ? "
            "Sinon tout se déroule seul.",
            default=False,
        )
        config = self.session.config
        # Hands on, the training's questions (captcha, link) are read from the session's input.
        self._done(
            demo.run_demo(
                self.console,
                auto=not hands_on,
                headless=config.headless,
                browser_path=config.browser_path,
                verbose=config.verbose,
                slow_mo=config.slow_mo,
                ask=self.ask,
            )
        )
