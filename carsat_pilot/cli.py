"""The `carsat-pilot` command (DESIGN.md's contract). Heavy modules — Playwright, the
replica — are imported inside the commands that need them, so `--help` stays instant."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from carsat_pilot.core.errors import INTERRUPTED_SENTENCE, BadInput, ExitCode, PilotError
from carsat_pilot.desk.cli_options import (
    BaseUrl,
    BrowserPath,
    DownloadDir,
    Headless,
    NirOpt,
    ProfileOpt,
    SlowMo,
    Verbose,
    Wait,
    journey_options,
)
from carsat_pilot.site.hosts import OFFICIAL_SITE

if TYPE_CHECKING:
    from carsat_pilot.desk.commands import Desk

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


def _desk() -> Desk:
    """The consoles and the one input layer of a command."""
    from carsat_pilot.desk.commands import Desk

    return Desk(console, err_console)


@contextmanager
def _journey_imports() -> Iterator[None]:
    """A journey's modules, imported while Playwright's driver starts (the two overlap:
    see site/early_driver.py); the driver waits for the journey, or is stopped unused.
    Started from `carsat-pilot`, entry.py has done it before Typer was imported, and this is
    a no-op; it is for the app run some other way (in-process, or a command entry.py did
    not recognize)."""
    from carsat_pilot.site.early_driver import driver_while_importing

    with driver_while_importing("carsat_pilot.desk.commands"):
        yield


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
            err_console.print(INTERRUPTED_SENTENCE)
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


# ---------------------------------------------------------------- commands
@app.command()
@handles_errors
@journey_options("fresh", "slow_mo", "mailbox_url", "debug_artifacts")
def register(
    common: dict[str, Any],
    profile: ProfileOpt = None,
    no_activate: Annotated[
        bool, typer.Option("--no-activate", help="S'arrêter après l'inscription, sans attendre le lien d'activation.")
    ] = False,
) -> None:
    """Créer l'espace personnel de la personne (puis l'activer avec le lien reçu)."""
    with _journey_imports():
        from carsat_pilot.desk import commands
        from carsat_pilot.journeys.options import CommonOptions

        commands.register(_desk(), CommonOptions(**common), profile, activate=not no_activate)


@app.command()
@handles_errors
@journey_options("debug_artifacts")
def activate(
    common: dict[str, Any],
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
    nir: NirOpt = None,
) -> None:
    """Finir l'inscription avec le lien reçu par e-mail."""
    with _journey_imports():
        from carsat_pilot.desk import commands
        from carsat_pilot.journeys.options import CommonOptions

        commands.activate(_desk(), CommonOptions(**common), link, link_fd, profile, nir)


@app.command("fetch-ris")
@handles_errors
@journey_options("fresh", "slow_mo", "debug_artifacts")
def fetch_ris(
    common: dict[str, Any],
    profile: ProfileOpt = None,
    nir: NirOpt = None,
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
) -> None:
    """Se connecter et télécharger le Relevé Individuel de Situation (le demander s'il le faut)."""
    with _journey_imports():
        from carsat_pilot.desk import commands
        from carsat_pilot.journeys.options import CommonOptions

        request = commands.RisRequest(download_dir, wait, accept_archived, franceconnect, refresh_interval)
        commands.fetch_ris(_desk(), CommonOptions(**common), profile, nir, request)


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
    from carsat_pilot.desk.journal_table import show_journal

    show_journal(console, last)


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
    from carsat_pilot.journeys.demo import ReplicaOptions, serve_replica
    from carsat_pilot.site.hosts import is_loopback

    if not is_loopback(host) and not allow_public:
        raise BadInput(
            f"Le site d'exercice n'écoute que sur la boucle locale : ajoutez --allow-public pour « {host} ».",
            "--host",
        )
    serve_replica(console, ReplicaOptions.pick(locals()), host=host, port=port, allow_public=allow_public)


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
@journey_options("slow_mo", "mailbox_url")
def session(
    common: dict[str, Any],
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
) -> None:
    """Séance guidée : créer l'espace, l'activer, obtenir le relevé, vérifier, s'entraîner (menu)."""
    from carsat_pilot.desk.session import SessionConfig, run_configured

    config = SessionConfig(**common, download_dir=download_dir, wait_s=wait, summary_path=summary, wipe=wipe)
    code = run_configured(console, config)
    if code:
        raise typer.Exit(code)



def main() -> None:
    """The console script of an installation made before entry.py (it names
    `carsat_pilot.cli:main` until `./install.sh` runs again): the same command, started
    again the current way — by `python -m carsat_pilot`, whose module runs entry.py."""
    os.execv(sys.executable, [sys.executable, "-m", "carsat_pilot", *sys.argv[1:]])
