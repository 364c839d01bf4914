"""The guided session of a help desk: `carsat-pilot` with no arguments.

A numbered French menu (answers by number, so standard input may be a pipe), one person
per session: the advisor confirms the person is present and agrees before any of their
data is typed, picks or types the profile, and the steps follow one another when the
person wants (inscription → activation → relevé). At the end: a summary, an optional
printable récapitulatif, and the offer to erase the person's traces from this computer.

Every answer of the session — menu, profile, password, captcha, link — comes from one
input layer (`core.ask`), so nothing is lost between the menu and a journey's hand-overs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.markup import escape

from carsat_pilot.core.ask import Ask
from carsat_pilot.core.errors import BadInput, PilotError
from carsat_pilot.core.i18n import SOURCE_LANGUAGE, check_language
from carsat_pilot.desk.accompanied import AccompaniedPerson, ask_nir, ask_password, choose_saved
from carsat_pilot.desk.collect import ask_profile
from carsat_pilot.desk.consent import ask_consent
from carsat_pilot.desk.ending import Ending
from carsat_pilot.desk.language import ask_language
from carsat_pilot.desk.menu_entries import MenuEntries
from carsat_pilot.desk.profiles import default_profile_path, profile_folders
from carsat_pilot.journeys.options import CommonOptions, RunOptions, build_run_options, check_waits
from carsat_pilot.journeys.run import profile_variables
from carsat_pilot.person.profile import load_profile, mask_nir
from carsat_pilot.record import masking
from carsat_pilot.record.journal import Journal, Masker
from carsat_pilot.site.hosts import check_base_url

REGISTER, ACTIVATE, FETCH_RIS, DOCTOR, TRAINING, QUIT = "1", "2", "3", "4", "5", "0"
MENU: tuple[tuple[str, str], ...] = (
    (REGISTER, "Créer l'espace personnel"),
    (ACTIVATE, "Finir l'activation avec le lien reçu"),
    (FETCH_RIS, "Obtenir le relevé de carrière (RIS)"),
    (DOCTOR, "Vérifier l'installation"),
    (TRAINING, "S'entraîner sur le site d'exercice"),
    (QUIT, "Terminer la séance"),
)


@dataclass
class SessionConfig(CommonOptions):
    """The options of `carsat-pilot session`: the common options of DESIGN.md and more."""

    download_dir: Path | None = None
    wait_s: float = 900.0
    refresh_interval_s: float | None = None
    summary_path: Path | None = None
    wipe: bool = False
    profile_dirs: Sequence[Path] | None = None


@dataclass
class Session:
    config: SessionConfig
    ask: Ask
    person: AccompaniedPerson | None = None
    consent: bool = False
    exit_code: int = 0
    ris_paths: list[Path] = field(default_factory=list)
    run_id: str = field(default_factory=lambda: datetime.now().strftime("%Y%m%d-%H%M%S"))
    language_asked: bool = False
    _options: RunOptions | None = None

    @property
    def console(self) -> Console:
        return self.ask.console

    @property
    def folders(self) -> Sequence[Path]:
        return self.config.profile_dirs or profile_folders()

    # ------------------------------------------------------------------ main loop
    def run(self) -> int:
        check_base_url(self.config.base_url)  # a wrong option is said before the menu
        check_waits(self.config.base_url, self.config.wait_s, self.config.refresh_interval_s)
        self.config.lang = check_language(self.config.lang)
        self.console.print(
            "[bold]carsat-pilot — séance d'accompagnement[/] : relevé de carrière (RIS) sur "
            "lassuranceretraite.fr. Répondez par le numéro du choix."
        )
        entries = MenuEntries(self)
        actions: dict[str, Callable[[], None]] = {
            REGISTER: entries.register,
            ACTIVATE: entries.activate,
            FETCH_RIS: entries.fetch_ris,
            DOCTOR: entries.check_installation,
            TRAINING: entries.training,
        }
        while (choice := self._menu()) != QUIT and self._attempt(actions[choice]):
            pass
        self.finish()
        return self.exit_code

    def _menu(self) -> str:
        self.console.print()
        if self.person is not None:
            self.console.print(f"Personne accompagnée : [bold]{escape(self.person.describe())}[/]")
        try:
            return self.ask.menu(MENU)
        except BadInput as exc:
            self.console.print(f"[red]✖ {escape(exc.message)}[/]")
        except EOFError:
            pass
        return QUIT

    def _attempt(self, action: Callable[[], None]) -> bool:
        """Run one menu entry; a failure is one sentence, then back to the menu. False
        when the input has ended (nobody is there to answer the menu any more)."""
        try:
            action()
            self.exit_code = 0
        except PilotError as exc:
            self.console.print(f"[bold red]✖[/] {escape(exc.message)}", soft_wrap=True)
            self.exit_code = int(exc.exit_code)
            if self.person is not None:
                self.person.password = None  # perhaps the wrong one: asked again next time
        except EOFError:
            self.console.print("Fin de l'entrée : la séance se termine.")
            return False
        return True

    # ------------------------------------------------------------------ shared steps
    def options(self) -> RunOptions:
        """The journeys' options, built as the commands build them (every option checked),
        with this session's console and input."""
        if self._options is None:
            self._options = build_run_options(self.config, self.console, self.ask)
        return self._options

    def ask_consent(self) -> None:
        """Asked once per session, before any data of the person is typed; then the
        person's language."""
        if self.consent:
            return
        ask_consent(self.ask, self._journal(), given=self.config.yes, flow="session")
        self.consent = True
        self.ask_language()

    def ask_language(self) -> None:
        """Asked once, when the person is there; not when --lang named another language."""
        if self.language_asked or self.config.lang != SOURCE_LANGUAGE:
            return
        self.language_asked = True
        chosen = self.config.lang = ask_language(self.ask)
        if self._options is not None:
            self._options.lang = chosen
        if chosen != SOURCE_LANGUAGE:
            self._say("info", f"langue de la personne : {chosen}")

    def _journal(self) -> Journal:
        return Journal(self._masker(), self.config.journal_path, run_id=self.run_id)

    def _say(self, kind: str, message: str) -> None:
        """One line of the journal, in this session's run (masked as every line is)."""
        record: dict[str, Any] = {
            "time": datetime.now().isoformat(timespec="seconds"),
            "run": self.run_id,
            "kind": kind,
            "flow": "session",
            "step": None,
            "message": message,
        }
        self._journal().write(record)

    def _masker(self) -> Masker:
        """The process's one masker, taught this session's person."""
        if self.person is None:
            return masking.current()
        values = {"nir": self.person.nir, "prenom": self.person.prenom, "nom_naissance": self.person.nom}
        if self.person.profile is not None:
            values = profile_variables(self.person.profile, "")
        return masking.learn(values, nir=self.person.nir)

    def _adopt(self, person: AccompaniedPerson) -> AccompaniedPerson:
        """One session, one person: a second person needs a new session."""
        if self.person is None:
            self.person = person
            # Ties the consent line above to the person, in the same run.
            self._say("info", f"personne accompagnée : {mask_nir(person.nir)}")
            return person
        if self.person.nir != person.nir:
            raise BadInput(
                f"Cette séance accompagne déjà {self.person.describe()} : terminez-la (choix 0) "
                "avant d'accompagner une autre personne."
            )
        self.person = self.person.joined_by(person)
        return self.person

    def person_with_profile(self) -> AccompaniedPerson:
        """The full profile `register` types: a saved one, or asked field by field."""
        if self.person is not None and self.person.profile is not None:
            return self.person
        saved = choose_saved(
            self.ask,
            self.folders,
            "Profils enregistrés sur ce poste (aucun ne contient de mot de passe) :",
            "Saisir un nouveau profil",
        )
        path: Path | None = None
        if saved is not None:
            profile, path = load_profile(saved.path), saved.path
        else:
            profile = ask_profile(self.console, ask=self.ask)
            candidate = default_profile_path(profile)
            path = candidate if candidate.exists() else None
        return self._adopt(AccompaniedPerson(profile.nir, profile.prenom, profile.nom_naissance, profile, path))

    def person_with_nir(self) -> AccompaniedPerson:
        """The person for logging in: a saved profile or the NIR typed."""
        if self.person is not None:
            return self.person
        saved = choose_saved(
            self.ask, self.folders, "Profils enregistrés sur ce poste :", "Saisir le n° de Sécurité sociale"
        )
        if saved is not None:
            return self._adopt(AccompaniedPerson(saved.nir, saved.prenom, saved.nom, None, saved.path))
        return self._adopt(AccompaniedPerson(ask_nir(self.ask)))

    def password(self, person: AccompaniedPerson, *, creating: bool) -> str:
        return ask_password(self.ask, person, creating=creating)

    # ------------------------------------------------------------------ the end
    def finish(self) -> None:
        if self._options is not None:
            self._options.human.close()
        if self.person is None:
            self.console.print("Séance terminée.")
            if self.config.summary_path is not None:
                self.console.print("Aucun récapitulatif : aucune démarche n'a été faite pour une personne.")
            return
        ending = Ending(
            self.ask,
            self.person,
            self.ris_paths,
            self.config.lang,
            self.config.state_folder,
            self.folders,
            self.config.journal_path,
        )
        recap = ending.summarize(self.config.summary_path)
        ending.offer_wipe(recap, agreed_beforehand=self.config.wipe)
        self.person.password = None


def run_configured(console: Console, config: SessionConfig, input_stream: IO[str] | None = None) -> int:
    """The guided session; returns the exit code of the last menu entry run (0 if it
    succeeded or none was run). `input_stream` defaults to standard input (a terminal
    or a pipe)."""
    return Session(config, Ask(console, input_stream)).run()


def run_session(console: Console, *, input_stream: IO[str] | None = None, **options: Any) -> int:
    """`run_configured` with `SessionConfig`'s fields given by name."""
    return run_configured(console, SessionConfig(**options), input_stream)
