"""The journeys a person comes for, each a chain of flows in one browser session:
register (→ activation), activate, fetch-ris. Browser, engine, human, view, journal
and state are put together here, once."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from rich.console import Console

from carsat_pilot.core.errors import BadInput, Drift, Interrupted, PilotError, SiteRefused
from carsat_pilot.journeys.recap import recap_table
from carsat_pilot.record import masking
from carsat_pilot.record.events import EventBus
from carsat_pilot.record.journal import Journal
from carsat_pilot.record.state import StateStore
from carsat_pilot.record.view import TerminalView
from carsat_pilot.site.actions import ACTIONS
from carsat_pilot.site.browser import find_browser, has_display, open_context
from carsat_pilot.site.engine import ActionFn, Engine
from carsat_pilot.site.flowspec import load_flow, load_site
from carsat_pilot.site.hosts import is_loopback
from carsat_pilot.site.human import Human
from carsat_pilot.site.overlay import Overlay

if TYPE_CHECKING:
    from carsat_pilot.person.profile import Profile


# How many times fetch-ris logs in again after the site ended the session.
SESSION_RETRIES = 3
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"
ACTIVE_SUMMARY = (
    "Votre espace personnel est actif : vous pouvez maintenant obtenir votre relevé (« carsat-pilot fetch-ris »)."
)


@dataclass
class RunOptions:
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
    # Who allowed --devtools-port on the real site (see `devtools_consent`); "" on the replica.
    devtools_allowed_by: str = ""


def profile_variables(profile: Profile, password: str) -> dict[str, str]:
    """What the flows may type, named as the flows name it."""
    birth = profile.date_naissance
    return {
        "nir": profile.nir,
        "civilite": profile.civilite,
        "nom_naissance": profile.nom_naissance,
        "prenom": profile.prenom,
        "date_naissance": birth.strftime("%d/%m/%Y"),
        "pays": profile.adresse.pays,
        "code_postal": profile.adresse.code_postal,
        "ville": profile.adresse.ville,
        "numero": profile.adresse.numero,
        "complement": profile.adresse.complement,
        "voie": profile.adresse.voie,
        "telephone": profile.contact.telephone or "",
        "email": profile.contact.email,
        "question_secrete": profile.contact.question_secrete,
        "reponse_secrete": profile.contact.reponse_secrete,
        "password": password,
    }


DEVTOOLS_QUESTION = (
    "Assistance à distance : le port DevTools {port} permet à tout programme et à tout utilisateur de cet "
    "ordinateur de piloter ce navigateur et de lire ce que la personne y saisit, sur le vrai site. "
    "Le conseiller l'autorise-t-il pour cette démarche ?"
)


def devtools_consent(base_url: str, port: int, human: Human) -> str:
    """--devtools-port: an unauthenticated endpoint. On the replica it is the tests' and
    the trainers' tool; with the real site the advisor must say yes to a question
    (--yes does not answer it). Returns who allowed it, or raises BadInput."""
    if not 1024 <= port <= 65535:
        raise BadInput(
            f"--devtools-port attend un numéro de port entre 1024 et 65535 (reçu : {port}).", "--devtools-port"
        )
    if is_loopback(urlsplit(base_url).hostname or ""):
        return "site d'exercice"
    if not human.confirm(DEVTOOLS_QUESTION.format(port=port)):
        raise BadInput(
            "Assistance à distance refusée : avec le vrai site, --devtools-port n'est ouvert qu'avec l'accord "
            "du conseiller ; relancez sans cette option.",
            "--devtools-port",
        )
    return "conseiller"


def devtools_args(options: RunOptions, journal: Journal) -> list[str]:
    """Chromium's remote debugging on loopback only, and said in the journal."""
    port = options.devtools_port
    assert port is not None
    by = options.devtools_allowed_by or devtools_consent(options.base_url, port, options.human)
    options.devtools_allowed_by = by  # asked once per session, not at each journey
    journal.write(
        {
            "time": datetime.now().isoformat(timespec="seconds"),
            "run": journal.run_id,
            "kind": "warning",
            "flow": "",
            "step": None,
            "message": f"assistance à distance : port DevTools {port} ouvert sur 127.0.0.1 seulement",
            "data": {"autorise_par": by},
        }
    )
    return [f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1"]


@contextmanager
def browser_session(
    options: RunOptions,
    variables: Mapping[str, str],
    nir: str,
    actions: Mapping[str, ActionFn] | None = None,
) -> Iterator[tuple[Engine, StateStore]]:
    """One browser, one engine, its view, journal and state, cleaned up whatever happens.

    Before the browser starts: the person's lock is taken (a second run for the same
    person stops), the masker learns the person's values, secrets leave the environment,
    and the run gets a private temporary folder (profile, downloads, the browser's
    temporary files) that is removed at the end — or at the next start after a kill."""
    from carsat_pilot.site.browser import playwright_driver, run_folder

    site = load_site()
    found = find_browser(options.browser_path)
    masker = masking.learn(variables, nir=nir)
    bus = EventBus()
    view = TerminalView(options.console, verbose=options.verbose, masker=masker)
    bus.subscribe(view)
    journal = Journal(masker, options.journal_path)
    bus.subscribe(journal)
    store = StateStore(nir, options.state_folder, fresh=options.fresh)
    extra = list(options.extra_browser_args)
    if is_loopback(urlsplit(options.base_url).hostname or ""):
        # On the replica nothing needs the outside world: Chromium looks no host up but
        # loopback (it otherwise resolves a few Google hosts at start, whatever the flags).
        extra.append(LOOPBACK_ONLY)
    if options.devtools_port:
        extra += devtools_args(options, journal)
    headless = options.headless or not has_display()
    with (
        store.locked(),
        run_folder() as scratch,
        playwright_driver(scratch) as playwright,
        open_context(
            playwright, found, headless=headless, slow_mo=options.slow_mo, extra_args=extra, scratch=scratch
        ) as context,
    ):
        overlay = Overlay(context, lang=options.lang)
        engine = Engine(
            context,
            site,
            options.human,
            bus,
            options.base_url,
            {**variables, "mailbox_url": options.mailbox_url or ""},
            overlay=overlay,
            assume_yes=options.assume_yes,
            recorder=store.record,
            actions={**ACTIONS, **(actions or {})},
            # A person can act in a visible browser: a changed page is handed to the advisor.
            visible=not headless,
        )
        artifacts = None
        if options.debug_artifacts is not None:
            from carsat_pilot.record.artifacts import WARNING, Artifacts

            artifacts = Artifacts(options.debug_artifacts)
            engine.artifacts = artifacts
            options.console.print(f"[yellow]{WARNING}[/]")
        try:
            try:
                yield engine, store
            except PlaywrightError as exc:
                # No raw browser error reaches the person: a closed window, or a page that
                # did not behave as the procedure expects (the site changed).
                raise _as_pilot_error(exc, engine) from exc
            bus.say("journey_done", "terminé")
        except (PilotError, KeyboardInterrupt) as exc:
            bus.say("error", getattr(exc, "message", "interrompu"))
            if artifacts is not None:
                artifacts.capture(engine.page, "erreur")
            if options.keep_open and not headless and not isinstance(exc, (Interrupted, KeyboardInterrupt)):
                _keep_open(options, engine)
            raise
        finally:
            view.close()
            options.human.close()


def _as_pilot_error(exc: PlaywrightError, engine: Engine) -> PilotError:
    if engine.closed_by_person(exc):
        return Interrupted("La fenêtre du navigateur a été fermée : la démarche est interrompue.")
    return Drift(
        "La page n'a pas réagi comme la procédure le prévoit : le site a peut-être changé. Rien n'a été "
        "envoyé après ce point ; lancez « carsat-pilot doctor » ou terminez à la main.",
        expected="la suite de la procédure",
    )


def _keep_open(options: RunOptions, engine: Engine) -> None:
    """Leave the browser to the advisor, who can finish by hand; close when they do."""
    done = ", ".join(engine.steps_done) or "aucune étape"
    options.console.print(
        f"Le navigateur reste ouvert pour terminer à la main. Déjà fait par carsat-pilot : {done}. "
        "Fermez la fenêtre du navigateur pour finir."
    )
    try:
        engine.page.wait_for_event("close", timeout=0)
    except Exception:
        pass


# --------------------------------------------------------------------------- journeys
def register(options: RunOptions, profile: Profile, password: str, *, activate: bool = True) -> str:
    """Create the espace personnel, then (by default) activate it. Returns a summary."""
    variables = profile_variables(profile, password)
    console = options.console
    with browser_session(options, variables, profile.nir) as (engine, store):
        engine.recap = recap_table(variables, None if console.is_terminal else masking.current())
        flows = [load_flow("register"), load_flow("activate")]
        total = sum(len(f.steps) for f in flows)
        if store.state.registered_at is not None:
            console.print(
                f"L'inscription a déjà été envoyée le {store.state.registered_at:%d/%m/%Y à %H:%M} : "
                "elle n'est pas renvoyée."
            )
            if store.state.activated_at is not None:
                return "Cet espace personnel est déjà créé et activé : utilisez « carsat-pilot fetch-ris »."
            if not activate:
                return "Terminez avec « carsat-pilot activate LIEN »."
        else:
            engine.run(flows[0], total=total if activate else len(flows[0].steps))
        if not activate:
            return "Inscription envoyée : consultez votre messagerie puis lancez « carsat-pilot activate LIEN »."
        engine.run(flows[1], first_step=len(flows[0].steps) + 1, total=total)
        return ACTIVE_SUMMARY


def activate(options: RunOptions, nir: str, password: str, link: str | None) -> str:
    variables = {"nir": nir, "password": password}
    if link:
        masking.learn(secrets=[link.strip()])
    with browser_session(options, variables, nir) as (engine, _store):
        if link:
            from carsat_pilot.site.handover import _accept_link

            _accept_link(engine, link)
        engine.run(load_flow("activate"))
        return ACTIVE_SUMMARY


def fetch_ris(
    options: RunOptions,
    nir: str,
    password: str,
    *,
    download_dir: Path | None = None,
    wait_s: float = 900.0,
    accept_archived: bool = False,
    franceconnect: bool = False,
    surname: str = "",
    refresh_interval_s: float | None = None,
) -> str:
    """Log in, open « Mon relevé de carrière tous régimes », get the PDF."""
    from carsat_pilot.journeys import ris
    from carsat_pilot.site.engine import PageNotRecognized

    folder = download_dir or default_download_dir()
    settings = ris.RisSettings(
        download_dir=folder,
        wait_s=wait_s,
        accept_archived=accept_archived,
        surname=surname or "RELEVE",
        first_interval_s=refresh_interval_s or ris.FIRST_INTERVAL_S,
    )
    variables = {"nir": nir, "password": password}
    holder: dict[str, Any] = {}

    def ris_action(engine: Engine, params: Mapping[str, str], _optional: bool) -> None:
        holder["result"] = ris.obtain_ris(engine, params, settings, holder["store"], relogin=holder["relogin"])

    with browser_session(options, variables, nir, actions={"ris": ris_action}) as (engine, store):
        holder["store"] = store
        login = load_flow("login_franceconnect" if franceconnect else "login")
        services = load_flow("fetch_ris")
        total = len(login.steps) + len(services.steps)

        def log_in() -> None:
            if franceconnect:
                engine.run(login, total=total)
                return
            try:
                engine.run_step_numbered(login.steps[0], 1, total)
            except PageNotRecognized:
                # « SI VOUS AVEZ DEJA UN COMPTE CARSAT »: the seed's other way in.
                engine.emit("warning", "entrée habituelle introuvable : passage par l'espace Salariés")
                engine.run(load_flow("fetch_ris_other_entry"), total=total)
            engine.run(login.model_copy(update={"steps": login.steps[1:]}), first_step=2, total=total)

        def relogin() -> None:
            # Back to the relevé page after a session expired; the request is not repeated.
            log_in()
            first = services.model_copy(update={"steps": services.steps[:1]})
            engine.run(first, first_step=len(login.steps) + 1, total=total)

        holder["relogin"] = relogin
        log_in()
        for attempt in range(1, SESSION_RETRIES + 1):
            try:
                engine.run(services, first_step=len(login.steps) + 1, total=total)
                break
            except SiteRefused:
                # The session expired on the way (slow site, a pause): log in again and
                # go on. A RIS request already sent is in the state file: not sent again.
                expired = engine.last_signal is not None and engine.last_signal.kind == "session_expired"
                if not expired or attempt == SESSION_RETRIES:
                    raise
                engine.emit("retry", "session expirée : reconnexion")
                log_in()
        return ris.describe(holder["result"])


def default_download_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_documents_dir()) / "RIS"
