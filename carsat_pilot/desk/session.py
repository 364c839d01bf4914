"""The guided session of a help desk: `carsat-pilot` with no arguments.

A numbered French menu (answers by number, so standard input may be a pipe), one person
per session: the advisor confirms the person is present and agrees before any of their
data is typed, picks or types the profile, and the steps follow one another when the
person wants (inscription → activation → relevé). At the end: a summary, an optional
printable récapitulatif, and the offer to erase the person's traces from this computer.

Every answer of the session — menu, profile, password, captcha, link — comes from one
reader, so nothing is lost between the menu and the hand-overs of a journey.
"""

from __future__ import annotations

import queue
import sys
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO, cast

import platformdirs
from rich.console import Console
from rich.markup import escape

from carsat_pilot.core.errors import BadInput, PilotError
from carsat_pilot.core.i18n import SOURCE_LANGUAGE, check_language, shipped_languages, translator
from carsat_pilot.desk import summary, wipe
from carsat_pilot.journeys import demo, doctor
from carsat_pilot.journeys import run as journeys
from carsat_pilot.person.profile import mask_nir
from carsat_pilot.record import masking
from carsat_pilot.record.journal import Journal, Masker, consent_record
from carsat_pilot.record.state import StateStore
from carsat_pilot.site.hosts import OFFICIAL_SITE
from carsat_pilot.site.human import LineReader, TerminalHuman

if TYPE_CHECKING:
    from carsat_pilot.journeys.run import RunOptions
    from carsat_pilot.person.profile import Profile

MAX_TRIES = 5

REGISTER, ACTIVATE, FETCH_RIS, DOCTOR, TRAINING, QUIT = "1", "2", "3", "4", "5", "0"
MENU: tuple[tuple[str, str], ...] = (
    (REGISTER, "Créer l'espace personnel"),
    (ACTIVATE, "Finir l'activation avec le lien reçu"),
    (FETCH_RIS, "Obtenir le relevé de carrière (RIS)"),
    (DOCTOR, "Vérifier l'installation"),
    (TRAINING, "S'entraîner sur le site d'exercice"),
    (QUIT, "Terminer la séance"),
)

CONSENT_QUESTION = (
    "La personne concernée est-elle présente à côté de vous et d'accord pour que "
    "carsat-pilot remplisse le site avec ses informations ?"
)
CONSENT_REFUSED = (
    "Sans l'accord de la personne concernée, rien n'est envoyé au site "
    "(un mandataire ne peut pas s'inscrire à sa place)."
)


# --------------------------------------------------------------------------- options
@dataclass
class SessionConfig:
    """The options of `carsat-pilot session` (the common options of DESIGN.md and more)."""

    base_url: str = OFFICIAL_SITE
    headless: bool = False
    human: str | None = None
    browser_path: str | None = None
    yes: bool = False
    keep_open: bool = False
    lang: str = "fr"
    verbose: bool = False
    slow_mo: int = 0
    mailbox_url: str | None = None
    devtools_port: int | None = None
    download_dir: Path | None = None
    wait_s: float = 900.0
    refresh_interval_s: float | None = None
    summary_path: Path | None = None
    wipe: bool = False
    profile_dirs: Sequence[Path] | None = None
    state_folder: Path | None = None
    journal_path: Path | None = None


def profile_folders() -> list[Path]:
    """Where saved profiles are looked for: the current folder, then the user's
    `profils/` folder (e.g. ~/.local/share/carsat-pilot/profils)."""
    data = Path(platformdirs.user_data_dir("carsat-pilot", appauthor=False))
    return [Path.cwd(), data / "profils"]


# --------------------------------------------------------------------------- input
class SharedLines(LineReader):
    """The session's one reader: the menu reads lines from it, and so do the journey's
    hand-overs (the human layer is given this very reader)."""

    @property
    def started(self) -> bool:
        return self._thread is not None

    def readline(self) -> str:
        """One line with its newline, or "" at the end of the input (like a file)."""
        self._start()
        line = self._lines.get()
        if line is None:
            self._lines.put(None)
            return ""
        return line + "\n"

    def next_line(self, poll_s: float) -> str | None:
        """A line if one comes within `poll_s`, else None; "" at the end of the input."""
        self._start()
        try:
            line = self._lines.get(timeout=poll_s)
        except queue.Empty:
            return None
        if line is None:
            self._lines.put(None)
            return ""
        return line + "\n"


class _LentInput:
    """Standard input as seen by code that reads `sys.stdin` itself (the training): it
    takes lines from the session's reader, and stops taking them once given back."""

    def __init__(self, reader: SharedLines) -> None:
        self._reader = reader
        self.returned = False
        self.closed = False

    def readline(self) -> str:
        for line in self:
            return line + "\n"
        return ""

    def __iter__(self) -> Iterator[str]:
        while not self.returned:
            line = self._reader.next_line(0.2)
            if line == "":
                return
            if line is not None:
                yield line.rstrip("\n")

    def isatty(self) -> bool:
        return False


class Answers:
    """Asks the advisor: numbered choices, yes/no, free lines, secrets.

    On a terminal, questions are asked with the terminal itself (and secrets without
    echo) until a journey has started reading standard input on its own thread; from
    then on — and always when standard input is a pipe — every answer comes from
    `reader`, a line at a time, each question printed on a line of its own.
    """

    def __init__(self, console: Console, stream: IO[str] | None = None) -> None:
        self.console = console
        self.interactive = stream is None and sys.stdin is not None and sys.stdin.isatty()
        self.reader = SharedLines(stream if stream is not None else sys.stdin)

    @property
    def direct(self) -> bool:
        return self.interactive and not self.reader.started

    def stream(self) -> TextIO | None:
        """What to give `ask_profile` / `read_password` as their input stream."""
        return None if self.direct else cast(TextIO, self.reader)

    def line(self, prompt: str) -> str:
        """One answer, stripped; EOFError at the end of the input."""
        if self.direct:
            return self.console.input(f"{escape(prompt)} ").strip()
        self.console.print(escape(prompt), soft_wrap=True)
        self.console.file.flush()
        text = self.reader.readline()
        if text == "":
            raise EOFError
        return text.strip()

    def choose(self, prompt: str, choices: Sequence[str]) -> str:
        for _ in range(MAX_TRIES):
            answer = self.line(prompt)
            if answer in choices:
                return answer
            self.console.print(f"[red]Répondez par un des numéros proposés : {', '.join(choices)}.[/]")
        raise BadInput(f"Aucun choix valable après {MAX_TRIES} essais : la question est abandonnée.")

    def yes_no(self, question: str, *, default: bool) -> bool:
        hint = "[O/n]" if default else "[o/N]"
        for _ in range(MAX_TRIES):
            answer = self.line(f"{question} {hint}").lower()
            if not answer:
                return default
            if answer in ("o", "oui", "y", "yes"):
                return True
            if answer in ("n", "non", "no"):
                return False
            self.console.print("[red]Répondez o (oui) ou n (non).[/]")
        return default

    @contextmanager
    def hidden(self) -> Iterator[None]:
        """No echo while a secret is typed on a terminal read by the reader's thread
        (before that, `getpass` hides it; a pipe has no echo)."""
        if not (self.interactive and self.reader.started) or sys.platform == "win32":
            yield
            return
        import termios  # POSIX only: imported where it is needed

        fd = sys.stdin.fileno()
        before = termios.tcgetattr(fd)
        quiet = list(before)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
        try:
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, before)

    @contextmanager
    def lend_stdin(self) -> Iterator[None]:
        """Let code that reads `sys.stdin` by itself (the training) read the session's
        lines, and take standard input back afterwards."""
        lent = _LentInput(self.reader)
        saved = sys.stdin
        sys.stdin = cast(TextIO, lent)
        try:
            yield
        finally:
            sys.stdin = saved
            lent.returned = True


# --------------------------------------------------------------------------- people
@dataclass(frozen=True)
class SavedProfile:
    path: Path
    nir: str
    prenom: str
    nom: str

    @property
    def name(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    def label(self) -> str:
        shown = escape(self.name) if self.name else "(nom non indiqué)"
        return f"{shown} — {mask_nir(self.nir)}  [dim]({escape(str(self.path))})[/]"


def _profile_names(path: Path) -> tuple[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "", ""
    return str(data.get("prenom", "")).strip(), str(data.get("nom_naissance", "")).strip()


def saved_profiles(folders: Sequence[Path]) -> list[SavedProfile]:
    """The person profiles (`*.toml` with a NIR) in `folders`; other TOML files are skipped."""
    found: list[SavedProfile] = []
    seen: set[Path] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            nir = wipe.profile_nir(path)
            if nir is None or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            found.append(SavedProfile(path, nir, *_profile_names(path)))
    return found


@dataclass
class Person:
    nir: str
    prenom: str = ""
    nom: str = ""
    profile: Profile | None = None
    profile_path: Path | None = None
    password: str | None = field(default=None, repr=False)  # in memory only, never stored

    @property
    def name(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    def describe(self) -> str:
        return f"{self.name or 'personne'} ({mask_nir(self.nir)})"


# --------------------------------------------------------------------------- the session
@dataclass
class Session:
    console: Console
    config: SessionConfig
    answers: Answers
    person: Person | None = None
    consent: bool = False
    exit_code: int = 0
    ris_paths: list[Path] = field(default_factory=list)
    run_id: str = field(default_factory=lambda: datetime.now().strftime("%Y%m%d-%H%M%S"))
    summary_written: Path | None = None
    language_asked: bool = False
    _options: RunOptions | None = None

    # ------------------------------------------------------------------ main loop
    def run(self) -> int:
        from carsat_pilot.site.hosts import check_base_url

        check_base_url(self.config.base_url)  # a wrong option is said before the menu
        self._check_waits()
        self.config.lang = check_language(self.config.lang)
        self.console.print(
            "[bold]carsat-pilot — séance d'accompagnement[/] : relevé de carrière (RIS) sur "
            "lassuranceretraite.fr. Répondez par le numéro du choix."
        )
        actions: dict[str, Callable[[], None]] = {
            REGISTER: self.register,
            ACTIVATE: self.activate,
            FETCH_RIS: self.fetch_ris,
            DOCTOR: self.check_installation,
            TRAINING: self.training,
        }
        while True:
            try:
                choice = self._menu()
            except EOFError:
                break
            if choice == QUIT:
                break
            if not self._attempt(actions[choice]):
                break
        self.finish()
        return self.exit_code

    def _check_waits(self) -> None:
        from urllib.parse import urlsplit

        from carsat_pilot.site.hosts import is_loopback

        if self.config.wait_s < 0:
            raise BadInput("--wait doit être un nombre de secondes positif.", "--wait")
        interval = self.config.refresh_interval_s
        minimum = 1.0 if is_loopback(urlsplit(self.config.base_url).hostname or "") else 10.0
        if interval is not None and interval < minimum:
            raise BadInput(
                f"--refresh-interval : au moins {minimum:.0f} s entre deux rafraîchissements "
                "(politesse envers le site).",
                "--refresh-interval",
            )

    def _menu(self) -> str:
        self.console.print()
        if self.person is not None:
            self.console.print(f"Personne accompagnée : [bold]{escape(self.person.describe())}[/]")
        for key, label in MENU:
            self.console.print(f"  {key}. {label}")
        try:
            return self.answers.choose("Votre choix (numéro) :", [key for key, _ in MENU])
        except BadInput as exc:
            self.console.print(f"[red]✖ {escape(exc.message)}[/]")
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
        """The journeys' options, built as `carsat-pilot register` builds them (every
        option checked), with this session's console and reader."""
        if self._options is None:
            from carsat_pilot.cli import _run_options

            config = self.config
            built = cast(
                "RunOptions",
                _run_options(
                    base_url=config.base_url,
                    headless=config.headless,
                    human=config.human,
                    browser_path=config.browser_path,
                    yes=config.yes,
                    keep_open=config.keep_open,
                    lang=config.lang,
                    verbose=config.verbose,
                    slow_mo=config.slow_mo,
                    devtools_port=config.devtools_port,
                    mailbox_url=config.mailbox_url,
                ),
            )
            person = type(built.human)(self.console, built.human.timeout_s)
            if isinstance(person, TerminalHuman):
                person.reader = self.answers.reader
            built.human = person
            built.console = self.console
            built.state_folder = config.state_folder
            built.journal_path = config.journal_path
            self._options = built
        return self._options

    def ask_consent(self) -> None:
        """Seed, step 3: a mandataire may not register for someone else. Asked once per
        session, before any data of the person is typed; recorded in the journal."""
        if self.consent:
            return
        by = "--yes" if self.config.yes else "conseiller"
        agreed = self.config.yes or self.answers.yes_no(CONSENT_QUESTION, default=False)
        self._journal_consent(agreed, by)
        if not agreed:
            raise BadInput(CONSENT_REFUSED)
        self.consent = True
        self.ask_language()

    def ask_language(self) -> None:
        """The person's language — for the banner in the browser, the hand-over
        instructions and the récapitulatif — asked once, when the person is there (Entrée:
        French). Not asked when --lang named another language."""
        if self.language_asked:
            return
        self.language_asked = True
        languages = shipped_languages()
        if self.config.lang != SOURCE_LANGUAGE or len(languages) == 1:
            return
        self.console.print(
            "Langue de la personne (bandeau du navigateur, consignes, récapitulatif ; le terminal reste en français) :"
        )
        for number, code in enumerate(languages, start=1):
            self.console.print(f"  {number}. {escape(translator(code).name)} ({code})")
        chosen = SOURCE_LANGUAGE
        for _ in range(MAX_TRIES):
            answer = self.answers.line("Votre choix (numéro ; Entrée : français) :")
            if not answer:
                break
            if answer.isdigit() and 1 <= int(answer) <= len(languages):
                chosen = languages[int(answer) - 1]
                break
            if answer in languages:
                chosen = answer
                break
            self.console.print(f"[red]Répondez par un des numéros proposés : 1 à {len(languages)}.[/]")
        self.config.lang = chosen
        if self._options is not None:
            self._options.lang = chosen
        if chosen != SOURCE_LANGUAGE:
            self._journal("info", f"langue de la personne : {chosen}")

    def _journal(self, kind: str, message: str, **data: str) -> None:
        """One line of the journal, in this session's run (masked as every line is)."""
        masker = self._masker()
        record = {
            "time": datetime.now().isoformat(timespec="seconds"),
            "run": self.run_id,
            "kind": kind,
            "flow": "session",
            "step": None,
            "message": message,
            **({"data": data} if data else {}),
        }
        Journal(masker, self.config.journal_path, run_id=self.run_id).write(record)

    def _masker(self) -> Masker:
        """The process's one masker, taught this session's person."""
        if self.person is None:
            return masking.current()
        values = {"nir": self.person.nir, "prenom": self.person.prenom, "nom_naissance": self.person.nom}
        if self.person.profile is not None:
            values = journeys.profile_variables(self.person.profile, "")
        return masking.learn(values, nir=self.person.nir)

    def _journal_consent(self, agreed: bool, by: str) -> None:
        masker = self._masker()
        journal = Journal(masker, self.config.journal_path, run_id=self.run_id)
        journal.write(consent_record(agreed, by, self.run_id, flow="session"))

    def _choose_saved(self, intro: str, other: str) -> SavedProfile | None:
        profiles = saved_profiles(self.config.profile_dirs or profile_folders())
        if not profiles:
            return None
        self.console.print(intro)
        for number, saved in enumerate(profiles, start=1):
            self.console.print(f"  {number}. {saved.label()}")
        self.console.print(f"  0. {other}")
        choices = [str(n) for n in range(len(profiles) + 1)]
        answer = self.answers.choose("Votre choix (numéro) :", choices)
        return None if answer == "0" else profiles[int(answer) - 1]

    def _adopt(self, person: Person) -> Person:
        """One session, one person: a second person needs a new session."""
        if self.person is not None and self.person.nir != person.nir:
            raise BadInput(
                f"Cette séance accompagne déjà {self.person.describe()} : terminez-la (choix 0) "
                "avant d'accompagner une autre personne."
            )
        previous = self.person
        if self.person is not None:
            person.password = self.person.password
            person.profile = person.profile or self.person.profile
            person.profile_path = person.profile_path or self.person.profile_path
        self.person = person
        if previous is None:  # ties the consent line above to the person, in the same run
            self._journal("info", f"personne accompagnée : {mask_nir(person.nir)}")
        return person

    def person_with_profile(self) -> Person:
        """The full profile `register` types: a saved one, or asked field by field."""
        if self.person is not None and self.person.profile is not None:
            return self.person
        from carsat_pilot.person.profile import load_profile

        saved = self._choose_saved(
            "Profils enregistrés sur ce poste (aucun ne contient de mot de passe) :",
            "Saisir un nouveau profil",
        )
        if saved is not None:
            profile = load_profile(saved.path)
            path: Path | None = saved.path
        else:
            from carsat_pilot.desk.collect import ask_profile, default_profile_path

            profile = ask_profile(self.console, input_stream=self.answers.stream())
            candidate = default_profile_path(profile)
            path = candidate if candidate.exists() else None
        return self._adopt(Person(profile.nir, profile.prenom, profile.nom_naissance, profile, path))

    def person_with_nir(self) -> Person:
        """The person for logging in: a saved profile or the NIR typed."""
        if self.person is not None:
            return self.person
        saved = self._choose_saved("Profils enregistrés sur ce poste :", "Saisir le n° de Sécurité sociale")
        if saved is not None:
            return self._adopt(Person(saved.nir, saved.prenom, saved.nom, None, saved.path))
        return self._adopt(Person(self._ask_nir()))

    def _ask_nir(self) -> str:
        from carsat_pilot.person.checks import check_nir, clean_nir

        for _ in range(MAX_TRIES):
            raw = self.answers.line("N° de Sécurité sociale (13 premiers chiffres) :")
            try:
                nir = clean_nir(raw)
                check_nir(nir)
            except BadInput as exc:
                self.console.print(f"[red]{escape(exc.message)}[/]")
                continue
            return nir
        raise BadInput("Le n° de Sécurité sociale a été refusé 5 fois : vérifiez-le sur la carte Vitale.", "nir")

    def password(self, person: Person, *, creating: bool) -> str:
        """Typed once per session and kept in memory only; never offered to be saved."""
        if person.password is None:
            from carsat_pilot.person.passwords import read_password

            with self.answers.hidden():
                if creating:
                    person.password = read_password(
                        person.profile, console=self.console, input_stream=self.answers.stream()
                    )
                else:
                    person.password = read_password(
                        None,
                        console=self.console,
                        input_stream=self.answers.stream(),
                        confirm=False,
                        check_rules=False,
                    )
        return person.password

    def _done(self, message: str) -> None:
        self.console.print(f"[bold green]✔ {escape(message)}[/]", soft_wrap=True)

    def _state(self, person: Person) -> StateStore:
        return StateStore(person.nir, self.config.state_folder)

    # ------------------------------------------------------------------ menu entries
    def register(self) -> None:
        options = self.options()
        self.ask_consent()
        person = self.person_with_profile()
        assert person.profile is not None
        password = self.password(person, creating=True)
        go_on = self.answers.yes_no(
            "Enchaîner avec l'activation (lien reçu par e-mail) dès l'inscription envoyée ?", default=True
        )
        try:
            result = journeys.register(options, person.profile, password, activate=go_on)
        except PilotError:
            self._offer_profile_update(person, options)
            raise
        self._offer_profile_update(person, options)
        self._done(result)
        if go_on and self._state(person).state.activated_at is not None:
            self._offer_ris()

    def _offer_profile_update(self, person: Person, options: RunOptions) -> None:
        """Values chosen in the site's lists (town, complement, secret question…) during
        the journey: offered to the saved profile, and used for the rest of the session."""
        chosen = list(options.human.chosen)
        options.human.chosen.clear()
        if not chosen or person.profile is None:
            return
        from carsat_pilot.desk.collect import offer_profile_update

        person.profile = offer_profile_update(
            self.console,
            lambda question: self.answers.yes_no(question, default=True),
            person.profile,
            person.profile_path,
            chosen,
        )

    def activate(self) -> None:
        from carsat_pilot.site.hosts import same_site

        options = self.options()
        self.ask_consent()
        person = self.person_with_nir()
        link = self.answers.line(
            "Collez le lien d'activation reçu par e-mail (« Je confirme la création de mon espace "
            "personnel »), puis Entrée (Entrée seule : il sera demandé pendant la démarche) :"
        )
        if link and not same_site(link, options.base_url):
            raise BadInput(
                "Ce lien ne mène pas au site de l'Assurance retraite : par sécurité il n'est pas "
                "ouvert. Copiez le lien « Je confirme la création de mon espace personnel » de l'e-mail.",
                "LINK",
            )
        password = self.password(person, creating=False)
        self._done(journeys.activate(options, person.nir, password, link or None))
        self._offer_ris()

    def _offer_ris(self) -> None:
        if self.answers.yes_no("Obtenir maintenant le relevé de carrière (RIS) ?", default=True):
            self.fetch_ris()

    def fetch_ris(self) -> None:
        options = self.options()
        self.ask_consent()
        person = self.person_with_nir()
        password = self.password(person, creating=False)
        result = journeys.fetch_ris(
            options,
            person.nir,
            password,
            download_dir=self.config.download_dir,
            wait_s=self.config.wait_s,
            surname=person.nom,
            refresh_interval_s=self.config.refresh_interval_s,
        )
        recorded = self._state(person).state.ris_path
        if recorded and Path(recorded) not in self.ris_paths:
            self.ris_paths.append(Path(recorded))
        self._done(result)

    def check_installation(self) -> None:
        from carsat_pilot.site.hosts import check_base_url

        checks = doctor.run_checks(check_base_url(self.config.base_url), self.config.browser_path)
        if not doctor.show(self.console, checks):
            raise PilotError("L'installation n'est pas prête : suivez la colonne « Que faire » ci-dessus.")

    def training(self) -> None:
        self.console.print(
            "Site d'exercice : une personne fictive (Jean DUPONT), aucune donnée réelle, rien n'est "
            "envoyé au vrai site."
        )
        hands_on = self.answers.yes_no(
            "Voulez-vous jouer vous-même le rôle de la personne (recopier l'image, ouvrir l'e-mail) ? "
            "Sinon tout se déroule seul.",
            default=False,
        )
        # The training asks the captcha and the link on standard input by itself: it is
        # lent the session's lines for the time of the exercise.
        with self.answers.lend_stdin() if hands_on else nullcontext():
            self._done(
                demo.run_demo(
                    self.console,
                    auto=not hands_on,
                    headless=self.config.headless,
                    browser_path=self.config.browser_path,
                    verbose=self.config.verbose,
                    slow_mo=self.config.slow_mo,
                )
            )

    # ------------------------------------------------------------------ the end
    def finish(self) -> None:
        options = self._options
        if options is not None and isinstance(options.human, TerminalHuman):
            options.human.close()
        if self.person is None:
            self.console.print("Séance terminée.")
            if self.config.summary_path is not None:
                self.console.print("Aucun récapitulatif : aucune démarche n'a été faite pour une personne.")
            return
        self._summarize(self.person)
        self._offer_wipe(self.person)
        self.person.password = None

    def _summarize(self, person: Person) -> None:
        try:
            state = self._state(person).state
        except PilotError as exc:  # an unreadable state file: said, and no summary built on it
            self.console.print(f"[bold red]✖[/] {escape(exc.message)}", soft_wrap=True)
            return
        email = person.profile.contact.email if person.profile is not None else None
        steps = summary.suggested_next_steps(state, email=email)
        ris = str(self.ris_paths[-1]) if self.ris_paths else None
        result = summary.build(state, name=person.name, ris_path=ris, next_steps=steps, lang=self.config.lang)
        summary.show(self.console, result)
        if self.config.summary_path is not None:
            written = summary.write_html(result, self.config.summary_path)
            self.summary_written = written
            self.console.print(f"Récapitulatif à imprimer et à remettre à la personne : {escape(str(written))}")

    def _offer_wipe(self, person: Person) -> None:
        recap = self.summary_written
        also = " et le récapitulatif" if recap is not None else ""
        question = (
            f"Effacer de ce poste les traces de {person.name or 'la personne'} (profil enregistré, état "
            f"de la démarche, relevé téléchargé{', récapitulatif' if recap is not None else ''}) ? "
            f"Imprimez ou remettez d'abord le relevé{also}."
        )
        try:
            if self.config.wipe:
                agreed = True
                if recap is not None:
                    # Said before it goes; on a terminal, the advisor says when it is printed.
                    self.console.print(escape(wipe.SUMMARY_FIRST.format(path=recap)), soft_wrap=True)
                    if self.answers.interactive:
                        self.answers.line("Appuyez sur Entrée une fois le récapitulatif imprimé :")
            else:
                agreed = self.answers.yes_no(question, default=False)
        except EOFError:
            agreed = self.config.wipe
        if not agreed:
            return
        removed = wipe.wipe_person(
            person.nir,
            profile_path=person.profile_path,
            ris_paths=self.ris_paths,
            state_folder=self.config.state_folder,
            search_dirs=self.config.profile_dirs or profile_folders(),
            summary_paths=[recap] if recap is not None else [],
        )
        for path in removed:
            self.console.print(f"  effacé : {escape(str(path))}")
        if not removed:
            self.console.print("  Aucun fichier de cette personne sur ce poste.")
        self.console.print(escape(wipe.journal_note(self.config.journal_path, person.nir)), soft_wrap=True)


def run_session(
    console: Console,
    *,
    base_url: str = OFFICIAL_SITE,
    input_stream: IO[str] | None = None,
    headless: bool = False,
    human: str | None = None,
    browser_path: str | None = None,
    yes: bool = False,
    keep_open: bool = False,
    lang: str = "fr",
    verbose: bool = False,
    slow_mo: int = 0,
    mailbox_url: str | None = None,
    devtools_port: int | None = None,
    download_dir: Path | None = None,
    wait_s: float = 900.0,
    refresh_interval_s: float | None = None,
    summary_path: Path | None = None,
    wipe: bool = False,
    profile_dirs: Sequence[Path] | None = None,
    state_folder: Path | None = None,
    journal_path: Path | None = None,
) -> int:
    """The guided session; returns the exit code of the last menu entry run (0 if it
    succeeded or none was run). `input_stream` defaults to standard input (a terminal
    or a pipe)."""
    config = SessionConfig(
        base_url=base_url,
        headless=headless,
        human=human,
        browser_path=browser_path,
        yes=yes,
        keep_open=keep_open,
        lang=lang,
        verbose=verbose,
        slow_mo=slow_mo,
        mailbox_url=mailbox_url,
        devtools_port=devtools_port,
        download_dir=download_dir,
        wait_s=wait_s,
        refresh_interval_s=refresh_interval_s,
        summary_path=summary_path,
        wipe=wipe,
        profile_dirs=profile_dirs,
        state_folder=state_folder,
        journal_path=journal_path,
    )
    session = Session(console, config, Answers(console, input_stream))
    return session.run()
