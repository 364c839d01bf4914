"""The `carsat-pilot` command (DESIGN.md's contract). Heavy modules — Playwright, the
replica — are imported inside the commands that need them, so `--help` stays instant."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from carsat_pilot.core.errors import BadInput, ExitCode, PilotError
from carsat_pilot.core.i18n import check_language, shipped_languages
from carsat_pilot.site.hosts import OFFICIAL_SITE

app = typer.Typer(
    name="carsat-pilot",
    help=(
        "Assistant pour obtenir le Relevé Individuel de Situation (RIS) sur "
        "lassuranceretraite.fr : il remplit le site, la personne fait le reste."
    ),
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode="rich",
)

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])

# ---------------------------------------------------------------- shared options
BaseUrl = Annotated[
    str,
    typer.Option("--base-url", help="Adresse du site (par défaut le vrai site ; sinon le site d'exercice local)."),
]
Headless = Annotated[
    bool, typer.Option("--headless", help="Navigateur invisible (par défaut visible s'il y a un écran).")
]
HumanOpt = Annotated[
    str | None,
    typer.Option("--human", help="Où la personne répond : browser (dans la page) ou terminal."),
]
BrowserPath = Annotated[str | None, typer.Option("--browser-path", help="Chemin d'un navigateur Chromium ou Chrome.")]
Yes = Annotated[
    bool,
    typer.Option("--yes", help="La personne est présente et d'accord : confirmer sans poser les questions."),
]
KeepOpen = Annotated[
    bool, typer.Option("--keep-open", help="En cas d'erreur, laisser le navigateur ouvert pour finir à la main.")
]
Lang = Annotated[
    str,
    typer.Option(
        "--lang",
        help="Langue de la personne : bandeau, consignes et récapitulatif, à côté du français "
        f"({', '.join(shipped_languages())} ; fr par défaut). Le terminal reste en français.",
    ),
]
Verbose = Annotated[bool, typer.Option("--verbose", help="Plus de détails (et la trace technique en cas d'erreur).")]
ProfileOpt = Annotated[Path | None, typer.Option("--profile", help="Fichier profil TOML de la personne.")]
Fresh = Annotated[bool, typer.Option("--fresh", help="Ignorer ce qui a déjà été fait (état enregistré).")]
SlowMo = Annotated[int, typer.Option("--slow-mo", help="Ralentir chaque action (ms), pour expliquer à la personne.")]
DownloadDir = Annotated[
    Path | None, typer.Option("--download-dir", help="Dossier où enregistrer le relevé (par défaut Documents/RIS).")
]
Wait = Annotated[
    float, typer.Option("--wait", help="Attente maximale du relevé demandé, en secondes (15 min par défaut).")
]
DebugArtifacts = Annotated[
    Path | None,
    typer.Option(
        "--debug-artifacts", help="Dossier où enregistrer des captures (champs saisis masqués) pour le support."
    ),
]
# Remote assistance and the tests' "person" attach to the tool's own browser through it:
# loopback only, and with the real site only when the advisor says yes (journeys.devtools_consent).
DevtoolsPort = Annotated[int | None, typer.Option("--devtools-port", hidden=True)]
MailboxUrl = Annotated[
    str | None,
    typer.Option("--mailbox-url", help="Adresse de la messagerie de la personne, ouverte dans un nouvel onglet."),
]


def _print_traceback() -> None:
    """--verbose: the technical trace for the referent, masked like the journal (a page
    URL, a value typed, a site's text may be in it)."""
    from carsat_pilot.record.masking import current

    sys.stderr.write(current()(traceback.format_exc()))
    sys.stderr.flush()


def _shown(message: str) -> str:
    """An error sentence as printed: masked when standard error is kept (not a terminal)."""
    from rich.markup import escape

    from carsat_pilot.record.masking import current

    return escape(message if err_console.is_terminal else current()(message))


def handles_errors(command: F) -> F:
    """Every failure ends as one French sentence and an exit code of DESIGN.md."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verbose = bool(kwargs.get("verbose"))
        try:
            return command(*args, **kwargs)
        except PilotError as exc:
            if verbose:
                _print_traceback()
            err_console.print(f"[bold red]✖[/] {_shown(exc.message)}", soft_wrap=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            err_console.print("✖ Interrompu : rien d'autre n'a été envoyé au site ; relancez quand vous voulez.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except typer.Exit:
            raise
        except Exception as exc:  # a defect, or the browser gone in a way we did not foresee
            if verbose:
                _print_traceback()
            if "has been closed" in str(exc) or "Target closed" in str(exc):
                err_console.print("✖ La fenêtre du navigateur a été fermée : la démarche est interrompue.")
                raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
            err_console.print(
                "✖ Erreur inattendue de carsat-pilot : relancez avec --verbose et "
                f"transmettez le message à votre référent ({type(exc).__name__})."
            )
            raise typer.Exit(int(ExitCode.SITE_UNAVAILABLE)) from None

    return wrapper  # type: ignore[return-value]


def _human_mode(requested: str | None) -> str:
    from carsat_pilot.site.browser import has_display

    mode = requested or ("browser" if has_display() else "terminal")
    if mode not in ("browser", "terminal"):
        raise BadInput(f"--human accepte « browser » ou « terminal » (reçu : « {mode} »).", "--human")
    return mode


def _run_options(
    *,
    base_url: str,
    headless: bool,
    human: str | None,
    browser_path: str | None,
    yes: bool,
    keep_open: bool,
    lang: str,
    verbose: bool,
    fresh: bool = False,
    slow_mo: int = 0,
    devtools_port: int | None = None,
    mailbox_url: str | None = None,
    debug_artifacts: Path | None = None,
) -> Any:
    """Check every option before anything is sent, then build the journey's options."""
    from carsat_pilot.journeys.run import RunOptions
    from carsat_pilot.site.browser import find_browser, has_display
    from carsat_pilot.site.hosts import check_base_url, check_mailbox_url
    from carsat_pilot.site.human import BrowserHuman, TerminalHuman, refuse_without_human

    lang = check_language(lang)  # a shipped catalog, or BadInput naming the shipped ones
    url = check_base_url(base_url)
    if mailbox_url:
        mailbox_url = check_mailbox_url(mailbox_url, url)
    if devtools_port is not None and not 1024 <= devtools_port <= 65535:
        raise BadInput(
            f"--devtools-port attend un numéro de port entre 1024 et 65535 (reçu : {devtools_port}).",
            "--devtools-port",
        )
    mode = _human_mode(human)
    display = has_display() and not headless
    refusal = refuse_without_human(
        mode,  # type: ignore[arg-type]
        display=display or mode != "browser" or devtools_port is not None,
        stdin_open=sys.stdin is not None and not sys.stdin.closed,
    )
    if refusal:
        raise BadInput(refusal, "--human")
    find_browser(browser_path)  # a missing browser is said now, not after the questions
    from carsat_pilot.site.flowspec import load_site

    # How long the person may take at a hand-over: site knowledge, in flows/site.yaml.
    timeout = load_site().human_timeout_s
    person = (BrowserHuman if mode == "browser" else TerminalHuman)(console, timeout)
    return RunOptions(
        base_url=url,
        headless=headless or not has_display(),
        human=person,
        console=console,
        browser_path=browser_path,
        assume_yes=yes,
        keep_open=keep_open,
        verbose=verbose,
        slow_mo=slow_mo,
        mailbox_url=mailbox_url,
        devtools_port=devtools_port,
        fresh=fresh,
        debug_artifacts=debug_artifacts,
        lang=lang,
    )


# The command parameters every journey shares, passed on to _run_options by name.
RUN_OPTION_NAMES = (
    "base_url",
    "headless",
    "human",
    "browser_path",
    "yes",
    "keep_open",
    "lang",
    "verbose",
    "fresh",
    "slow_mo",
    "devtools_port",
    "mailbox_url",
    "debug_artifacts",
)


def _options_from(params: dict[str, Any]) -> Any:
    """`_run_options` from a command's own parameters (its `locals()`)."""
    return _run_options(**{name: params[name] for name in RUN_OPTION_NAMES if name in params})


def _consent(options: Any, yes: bool, nir: str) -> None:
    """Seed, step 3: a mandataire may not register for someone else. The advisor says the
    person concerned is present and agrees, before any of their data is typed."""
    question = (
        "La personne concernée est-elle présente à côté de vous et d'accord pour que "
        "carsat-pilot remplisse le site avec ses informations ?"
    )
    from carsat_pilot.record.journal import Journal, Masker, consent_record

    agreed = yes or options.human.confirm(question)
    journal = Journal(Masker(nir=nir), options.journal_path)
    journal.write(consent_record(agreed, "--yes" if yes else "conseiller", journal.run_id, flow="register"))
    if not agreed:
        raise BadInput(
            "Sans l'accord de la personne concernée, rien n'est envoyé au site "
            "(un mandataire ne peut pas s'inscrire à sa place)."
        )


# ---------------------------------------------------------------- commands
@app.command()
@handles_errors
def register(
    profile: ProfileOpt = None,
    base_url: BaseUrl = OFFICIAL_SITE,
    headless: Headless = False,
    human: HumanOpt = None,
    browser_path: BrowserPath = None,
    yes: Yes = False,
    keep_open: KeepOpen = False,
    lang: Lang = "fr",
    verbose: Verbose = False,
    fresh: Fresh = False,
    slow_mo: SlowMo = 0,
    mailbox_url: MailboxUrl = None,
    no_activate: Annotated[
        bool, typer.Option("--no-activate", help="S'arrêter après l'inscription, sans attendre le lien d'activation.")
    ] = False,
    devtools_port: DevtoolsPort = None,
    debug_artifacts: DebugArtifacts = None,
) -> None:
    """Créer l'espace personnel de la personne (puis l'activer avec le lien reçu)."""
    from carsat_pilot.journeys import run as journeys
    from carsat_pilot.person.passwords import read_password
    from carsat_pilot.person.profile import check_profile, load_profile

    # The person's data first: a mistake there is said before anything else happens.
    if profile is not None:
        person = load_profile(profile)
    options = _options_from(locals())
    if profile is None:
        from carsat_pilot.desk.collect import ask_profile

        person = ask_profile(console)
    from carsat_pilot.journeys.run import profile_variables
    from carsat_pilot.record import masking

    masking.learn(profile_variables(person, ""))
    for warning in check_profile(person):
        # Never stricter than the site: an unusual value is said, and the site decides.
        console.print(f"[yellow]⚠ {warning}[/]")
    password = read_password(person.identity(), console=console)
    _consent(options, yes, person.nir)
    summary = journeys.register(options, person, password, activate=not no_activate)
    console.print(f"[bold green]✔ {summary}[/]")
    from carsat_pilot.desk.collect import offer_profile_update

    # Values the person chose in the site's lists: into the saved profile (asked, or
    # agreed beforehand with --yes), so the next run finds them at once.
    agree = (lambda _question: True) if yes else options.human.confirm
    offer_profile_update(console, agree, person, profile, options.human.chosen)


@app.command()
@handles_errors
def activate(
    link: Annotated[
        str | None,
        typer.Argument(
            help="Le lien reçu par e-mail. Sans lui, il est demandé (entrée standard ou navigateur) : "
            "un lien en argument est visible des autres utilisateurs de l'ordinateur.",
            show_default=False,
        ),
    ] = None,
    link_fd: Annotated[
        int | None,
        typer.Option("--link-fd", help="Lire le lien sur ce descripteur de fichier (par exemple 3 avec 3<lien.txt)."),
    ] = None,
    profile: ProfileOpt = None,
    nir: Annotated[
        str | None,
        typer.Option(
            "--nir", help="N° de Sécurité sociale (13 chiffres), si pas de profil (visible : préférez --profile)."
        ),
    ] = None,
    base_url: BaseUrl = OFFICIAL_SITE,
    headless: Headless = False,
    human: HumanOpt = None,
    browser_path: BrowserPath = None,
    yes: Yes = False,
    keep_open: KeepOpen = False,
    lang: Lang = "fr",
    verbose: Verbose = False,
    devtools_port: DevtoolsPort = None,
    debug_artifacts: DebugArtifacts = None,
) -> None:
    """Finir l'inscription avec le lien reçu par e-mail."""
    from carsat_pilot.journeys import run as journeys
    from carsat_pilot.person.passwords import read_password
    from carsat_pilot.site.hosts import same_site

    the_link = _activation_link(link, link_fd)
    the_nir = _nir_from(profile, nir)
    options = _options_from(locals())
    if the_link is not None and not same_site(the_link, options.base_url):
        raise BadInput(
            "Ce lien ne mène pas au site de l'Assurance retraite : par sécurité il n'est pas "
            "ouvert. Copiez le lien « Je confirme la création de mon espace personnel » de l'e-mail.",
            "LINK",
        )
    password = read_password(None, console=console, confirm=False, check_rules=False)
    summary = journeys.activate(options, the_nir, password, the_link)
    console.print(f"[bold green]✔ {summary}[/]")


VISIBLE_ARGUMENT = (
    "⚠ {what} donné sur la ligne de commande est visible des autres utilisateurs de cet ordinateur "
    "(liste des processus, historique du shell) : {instead}"
)


def _warn_visible(what: str, instead: str) -> None:
    err_console.print(VISIBLE_ARGUMENT.format(what=what, instead=instead), soft_wrap=True, markup=False)


def _activation_link(argument: str | None, fd: int | None) -> str | None:
    """The activation link (a single-use key): from the environment (CARSAT_PILOT_LINK,
    gone from it once read) or a file descriptor; as an argument it still works but is
    visible to others. None: the hand-over asks for it (standard input or browser)."""
    from carsat_pilot.person.passwords import LINK_ENV, take_secret
    from carsat_pilot.record import masking

    link: str | None = None
    if argument:
        _warn_visible(
            "Le lien d'activation",
            "lancez « carsat-pilot activate » sans le lien et collez-le quand il est demandé, "
            f"ou passez-le par {LINK_ENV}.",
        )
        link = argument
    from_env = take_secret(LINK_ENV)
    if link is None and from_env:
        link = from_env
    if link is None and fd is not None:
        try:
            with os.fdopen(fd, "r", encoding="utf-8", closefd=True) as stream:
                link = stream.readline().strip()
        except OSError as exc:
            raise BadInput(
                f"--link-fd : le descripteur {fd} ne peut pas être lu ({exc.strerror}).", "--link-fd"
            ) from None
        if not link:
            raise BadInput(f"--link-fd : rien à lire sur le descripteur {fd}.", "--link-fd")
    if link:
        link = link.strip().strip("<>\"'")
        masking.learn(secrets=[link])
    return link or None


def _learn_profile(profile: Path) -> None:
    """Teach the masker the person's names, birth date, contact and address, read
    leniently from the profile (a login needs only the NIR, the masker wants the rest)."""
    import tomllib

    from carsat_pilot.record import masking

    try:
        data = tomllib.loads(profile.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return
    values: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            values.update({k: str(v) for k, v in value.items() if isinstance(v, (str, int))})
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            values[key] = str(value)
    masking.learn(values)


def _nir_from(profile: Path | None, nir: str | None) -> str:
    from carsat_pilot.person.checks import check_nir, clean_nir
    from carsat_pilot.person.passwords import NIR_ENV, take_secret
    from carsat_pilot.person.profile import load_nir_only
    from carsat_pilot.record import masking

    if profile is not None:
        found = load_nir_only(profile)
        masking.learn(nir=found)
        _learn_profile(profile)
        return found
    from_env = take_secret(NIR_ENV)
    if nir:
        _warn_visible("Le n° de Sécurité sociale", f"utilisez plutôt --profile FICHIER ou la variable {NIR_ENV}.")
    if nir or from_env:
        cleaned = clean_nir(nir or from_env or "")
        masking.learn(nir=cleaned)
        check_nir(cleaned)
        return cleaned
    if sys.stdin is not None and sys.stdin.isatty():
        from rich.prompt import Prompt

        cleaned = clean_nir(Prompt.ask("N° de Sécurité sociale (13 premiers chiffres)", console=console))
        masking.learn(nir=cleaned)
        check_nir(cleaned)
        return cleaned
    raise BadInput(f"Indiquez la personne avec --profile FICHIER (ou la variable {NIR_ENV}).", "--profile")


@app.command("fetch-ris")
@handles_errors
def fetch_ris(
    profile: ProfileOpt = None,
    nir: Annotated[
        str | None,
        typer.Option(
            "--nir", help="N° de Sécurité sociale (13 chiffres), si pas de profil (visible : préférez --profile)."
        ),
    ] = None,
    download_dir: DownloadDir = None,
    wait: Wait = 900.0,
    accept_archived: Annotated[
        bool, typer.Option("--accept-archived", help="Accepter un relevé plus ancien que la demande du jour.")
    ] = False,
    franceconnect: Annotated[
        bool, typer.Option("--franceconnect", help="Se connecter avec FranceConnect (dans le navigateur).")
    ] = False,
    refresh_interval: Annotated[
        float,
        typer.Option(
            "--refresh-interval",
            help="Premier intervalle entre deux rafraîchissements (s, 10 minimum sur le vrai site).",
        ),
    ] = 10.0,
    base_url: BaseUrl = OFFICIAL_SITE,
    headless: Headless = False,
    human: HumanOpt = None,
    browser_path: BrowserPath = None,
    yes: Yes = False,
    keep_open: KeepOpen = False,
    lang: Lang = "fr",
    verbose: Verbose = False,
    fresh: Fresh = False,
    slow_mo: SlowMo = 0,
    devtools_port: DevtoolsPort = None,
    debug_artifacts: DebugArtifacts = None,
) -> None:
    """Se connecter et télécharger le Relevé Individuel de Situation (le demander s'il le faut)."""
    from carsat_pilot.journeys import run as journeys
    from carsat_pilot.person.passwords import read_password
    from carsat_pilot.site.hosts import is_loopback

    the_nir = _nir_from(profile, nir)
    surname = _surname_from(profile)
    if wait < 0:
        raise BadInput("--wait doit être un nombre de secondes positif.", "--wait")
    options = _options_from(locals())
    from urllib.parse import urlsplit

    minimum = 1.0 if is_loopback(urlsplit(options.base_url).hostname or "") else 10.0
    if refresh_interval < minimum:
        raise BadInput(
            f"--refresh-interval : au moins {minimum:.0f} s entre deux rafraîchissements (politesse envers le site).",
            "--refresh-interval",
        )
    password = "" if franceconnect else read_password(None, console=console, confirm=False, check_rules=False)
    summary = journeys.fetch_ris(
        options,
        the_nir,
        password,
        download_dir=download_dir,
        wait_s=wait,
        accept_archived=accept_archived,
        franceconnect=franceconnect,
        surname=surname,
        refresh_interval_s=refresh_interval,
    )
    console.print(f"[bold green]✔ {summary}[/]", soft_wrap=True)


def _surname_from(profile: Path | None) -> str:
    """The name for the file (RIS_<NOM>_…): from the profile when it has one."""
    if profile is None:
        return ""
    import tomllib

    try:
        data = tomllib.loads(profile.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    return str(data.get("nom_naissance", "")).strip()


@app.command()
@handles_errors
def doctor(
    base_url: BaseUrl = OFFICIAL_SITE,
    browser_path: BrowserPath = None,
    verbose: Verbose = False,
) -> None:
    """Vérifier l'installation : navigateur, écran, site joignable, pages toujours reconnues."""
    from carsat_pilot.journeys.doctor import run_checks, show
    from carsat_pilot.site.hosts import check_base_url

    url = check_base_url(base_url)
    if not show(console, run_checks(url, browser_path)):
        raise typer.Exit(int(ExitCode.SITE_UNAVAILABLE))


@app.command()
@handles_errors
def journal(
    last: Annotated[int, typer.Option("--last", help="Nombre de lignes à afficher (les plus récentes).")] = 30,
    verbose: Verbose = False,
) -> None:
    """Afficher le journal des démarches (n° de Sécurité sociale masqué, aucun secret)."""
    from rich.table import Table

    from carsat_pilot.record.journal import journal_path, read_journal

    records = read_journal(last=last)
    if not records:
        console.print(f"Le journal est vide ({journal_path()}).")
        return
    table = Table(title=f"Journal — {journal_path()}")
    for column in ("Heure", "Parcours", "Étape", "Événement", "Détail"):
        table.add_column(column)
    for record in records:
        table.add_row(
            str(record.get("time", "")).replace("T", " "),
            str(record.get("flow", "")),
            str(record.get("step") or ""),
            str(record.get("kind", "")),
            str(record.get("message", "")),
        )
    console.print(table)


@app.command("mock-site")
@handles_errors
def mock_site_command(
    host: Annotated[str, typer.Option("--host", help="Adresse d'écoute (boucle locale par défaut).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port d'écoute.")] = 8000,
    latency_ms: Annotated[int, typer.Option("--latency-ms", help="Lenteur ajoutée à chaque page (ms).")] = 0,
    ris_delay: Annotated[
        float, typer.Option("--ris-delay", help="Délai avant que le RIS demandé soit disponible (s).")
    ] = 20.0,
    link_validity_days: Annotated[
        int, typer.Option("--link-validity-days", help="Validité du lien d'activation (jours).")
    ] = 15,
    session_expiry: Annotated[
        float | None, typer.Option("--session-expiry", help="Expiration de la session après inactivité (s).")
    ] = None,
    fail: Annotated[
        list[str] | None, typer.Option("--fail", help="Panne : CHEMIN:NOMBRE:500|maintenance (répétable).")
    ] = None,
    already_asked: Annotated[
        list[str] | None, typer.Option("--already-asked", help="NIR dont le RIS a déjà été demandé aujourd'hui.")
    ] = None,
    otp: Annotated[bool, typer.Option("--otp", help="Demander un code reçu par e-mail à la connexion.")] = False,
    data_file: Annotated[
        Path | None, typer.Option("--data-file", help="Conserver les comptes dans ce fichier JSON.")
    ] = None,
    accounts_file: Annotated[Path | None, typer.Option("--accounts", help="Comptes à précharger (JSON).")] = None,
    allow_public: Annotated[
        bool, typer.Option("--allow-public", help="Accepter une adresse d'écoute non locale.")
    ] = False,
    drift: Annotated[
        str | None,
        typer.Option(
            "--drift",
            help="Le site a changé : spa, late_dialogs, decoys, info_banner, same_tab, random_ids "
            "(séparés par des virgules) ou all.",
        ),
    ] = None,
    reword: Annotated[
        list[str] | None, typer.Option("--reword", help="Renommer un libellé : « ANCIEN=NOUVEAU » (répétable).")
    ] = None,
    drift_seed: Annotated[
        int | None, typer.Option("--drift-seed", help="Graine du hasard des dérives (pour rejouer un essai).")
    ] = None,
) -> None:
    """Servir le site d'exercice local (réplique de lassuranceretraite.fr)."""
    from carsat_pilot.site.hosts import is_loopback
    from mock_site import Fault, MockConfig, UnknownDrift, create_app, drift_options, parse_reword, serve

    if not is_loopback(host) and not allow_public:
        raise BadInput(
            f"Le site d'exercice n'écoute que sur la boucle locale : ajoutez --allow-public pour « {host} ».",
            "--host",
        )
    faults = []
    for item in fail or []:
        try:
            path, count, kind = item.rsplit(":", 2)
            faults.append(Fault(path_prefix=path, count=int(count), kind=kind))  # type: ignore[arg-type]
        except ValueError as exc:
            raise BadInput(f"--fail attend CHEMIN:NOMBRE:500|maintenance (reçu : « {item} »).", "--fail") from exc
    try:
        drift_knobs = drift_options([drift] if drift else [])
    except UnknownDrift as exc:
        raise BadInput(str(exc), "--drift") from None
    try:
        renamed = parse_reword(reword or [])
    except UnknownDrift as exc:
        raise BadInput(str(exc), "--reword") from None
    config = MockConfig(
        latency_ms=latency_ms,
        ris_delay_s=ris_delay,
        link_validity_days=link_validity_days,
        session_expiry_s=session_expiry,
        faults=faults,
        already_asked_today=set(already_asked or []),
        otp_at_login=otp,
        data_file=data_file,
        accounts_file=accounts_file,
        reword=renamed,
        drift_seed=drift_seed,
    ).model_copy(update=drift_knobs)
    server = serve(create_app(config), host=host, port=port, allow_public=allow_public)
    console.print(
        f"Site d'exercice : [bold]{server.url}[/]  (messagerie : {server.url}/mailbox) — Ctrl-C pour arrêter."
    )
    if config.drift_names() or config.reword:
        changes = config.drift_names() + [f"« {old} » → « {new} »" for old, new in config.reword.items()]
        console.print("Dérives actives : " + ", ".join(changes), soft_wrap=True)
    import threading

    try:
        threading.Event().wait()  # serve until Ctrl-C
    except KeyboardInterrupt:
        server.stop()


@app.command()
@handles_errors
def demo(
    auto: Annotated[
        bool, typer.Option("--auto", help="Jouer aussi le rôle de la personne (démonstration sans intervention).")
    ] = False,
    headless: Headless = False,
    browser_path: BrowserPath = None,
    verbose: Verbose = False,
    slow_mo: SlowMo = 0,
) -> None:
    """Tout le parcours sur un site d'exercice embarqué (aucune donnée réelle)."""
    from carsat_pilot.journeys.demo import run_demo

    run_demo(console, auto=auto, headless=headless, browser_path=browser_path, verbose=verbose, slow_mo=slow_mo)


# ---------------------------------------------------------------- guided session (issue 6)
@app.callback(invoke_without_command=True)
def _no_command(ctx: typer.Context) -> None:
    """Sans commande : la séance guidée (menu numéroté)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(session)


@app.command()
@handles_errors
def session(
    base_url: BaseUrl = OFFICIAL_SITE,
    headless: Headless = False,
    human: HumanOpt = None,
    browser_path: BrowserPath = None,
    yes: Yes = False,
    keep_open: KeepOpen = False,
    lang: Lang = "fr",
    verbose: Verbose = False,
    slow_mo: SlowMo = 0,
    mailbox_url: MailboxUrl = None,
    download_dir: DownloadDir = None,
    wait: Wait = 900.0,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            help="À la fin, écrire ce récapitulatif d'une page à remettre à la personne (HTML, sans secret).",
        ),
    ] = None,
    wipe: Annotated[
        bool,
        typer.Option("--wipe", help="À la fin, effacer sans demander le profil, l'état et le relevé de la personne."),
    ] = False,
    devtools_port: DevtoolsPort = None,
) -> None:
    """Séance guidée : créer l'espace, l'activer, obtenir le relevé, vérifier, s'entraîner (menu)."""
    from carsat_pilot.desk.session import run_session

    code = run_session(
        console,
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
        wait_s=wait,
        summary_path=summary,
        wipe=wipe,
    )
    if code:
        raise typer.Exit(code)


def main() -> None:
    from carsat_pilot.person.passwords import take_secret_environment

    # Before anything can start a child (Playwright's driver, the browser, the replica's
    # server): the secrets leave the environment and stay in this process only.
    take_secret_environment()
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
