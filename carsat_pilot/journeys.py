"""The journeys a person comes for, each a chain of flows in one browser session:
register (→ activation), activate, fetch-ris. Browser, engine, human, view, journal
and state are put together here, once."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from rich.console import Console
from rich.table import Table

from carsat_pilot.actions import ACTIONS
from carsat_pilot.browser import find_browser, has_display, open_context
from carsat_pilot.engine import ActionFn, Engine
from carsat_pilot.errors import Drift, Interrupted, PilotError, SiteRefused
from carsat_pilot.events import EventBus
from carsat_pilot.flowspec import load_flow, load_site
from carsat_pilot.hosts import is_loopback
from carsat_pilot.human import Human
from carsat_pilot.journal import Journal, Masker
from carsat_pilot.overlay import Overlay
from carsat_pilot.profile import mask_nir
from carsat_pilot.state import StateStore
from carsat_pilot.view import TerminalView

if TYPE_CHECKING:
    from carsat_pilot.profile import Profile


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


def recap_table(variables: Mapping[str, str]) -> Table:
    """What the tool typed, shown before « Je valide mon inscription » (secrets hidden)."""
    table = Table(title="Ce qui va être envoyé au site", show_header=False)
    rows = [
        ("N° de Sécurité sociale", mask_nir(variables["nir"]) + "  (vérifié sur la page)"),
        ("Civilité", variables["civilite"]),
        ("Nom de naissance", variables["nom_naissance"]),
        ("Prénom", variables["prenom"]),
        ("Date de naissance", variables["date_naissance"]),
        (
            "Adresse",
            " ".join(v for v in (variables["numero"], variables["complement"], variables["voie"]) if v)
            + f", {variables['code_postal']} {variables['ville']} ({variables['pays']})",
        ),
        ("Téléphone", variables["telephone"] or "—"),
        ("Adresse e-mail", variables["email"]),
        ("Mot de passe", "•••••••• (masqué)"),
        ("Question secrète", variables["question_secrete"]),
        ("Réponse", "•••• (masquée)"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


@contextmanager
def browser_session(
    options: RunOptions,
    variables: Mapping[str, str],
    nir: str,
    actions: Mapping[str, ActionFn] | None = None,
) -> Iterator[tuple[Engine, StateStore]]:
    """One browser, one engine, its view, journal and state, cleaned up whatever happens."""
    from playwright.sync_api import sync_playwright

    site = load_site()
    found = find_browser(options.browser_path)
    masker = Masker(secrets=[variables.get("password", ""), variables.get("reponse_secrete", "")], nir=nir)
    email = variables.get("email", "")
    if "@" in email:
        masker.add(email.split("@", 1)[0])
    bus = EventBus()
    view = TerminalView(options.console, verbose=options.verbose)
    bus.subscribe(view)
    bus.subscribe(Journal(masker, options.journal_path))
    store = StateStore(nir, options.state_folder, fresh=options.fresh)
    extra = list(options.extra_browser_args)
    if is_loopback(urlsplit(options.base_url).hostname or ""):
        # On the replica nothing needs the outside world: Chromium looks no host up but
        # loopback (it otherwise resolves a few Google hosts at start, whatever the flags).
        extra.append(LOOPBACK_ONLY)
    if options.devtools_port:
        extra.append(f"--remote-debugging-port={options.devtools_port}")
    headless = options.headless or not has_display()
    with (
        sync_playwright() as playwright,
        open_context(playwright, found, headless=headless, slow_mo=options.slow_mo, extra_args=extra) as context,
    ):
        overlay = Overlay(context)
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
            from carsat_pilot.artifacts import WARNING, Artifacts

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
    if "closed" in str(exc).lower() or all(page.is_closed() for page in engine.context.pages):
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
        engine.recap = recap_table(variables)
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
    with browser_session(options, variables, nir) as (engine, _store):
        if link:
            from carsat_pilot.handover import _accept_link

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
    from carsat_pilot import ris
    from carsat_pilot.engine import PageNotRecognized

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
