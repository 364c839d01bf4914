"""The command line's options that several commands share, each declared once (Typer).

`journey_options` adds the options of every journey (journeys.options.CommonOptions) to
a command after its own; the command receives their values together, as `common`. Light
on purpose: cli.py imports it at start, and `carsat-pilot --help` must stay instant.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from carsat_pilot.core.i18n import shipped_languages
from carsat_pilot.site.hosts import OFFICIAL_SITE

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
NirOpt = Annotated[
    str | None,
    typer.Option(
        "--nir", help="N° de Sécurité sociale (13 chiffres), si pas de profil (visible : préférez --profile)."
    ),
]
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
# loopback only, and with the real site only when the advisor says yes (journeys.browser_session.devtools_consent).
DevtoolsPort = Annotated[int | None, typer.Option("--devtools-port", hidden=True)]
MailboxUrl = Annotated[
    str | None,
    typer.Option("--mailbox-url", help="Adresse de la messagerie de la personne, ouverte dans un nouvel onglet."),
]

# The options every journey shares (journeys.options.CommonOptions), each declared once
# with its default, and added by `journey_options` to the commands that run a journey.
SHARED: dict[str, tuple[Any, Any]] = {
    "base_url": (BaseUrl, OFFICIAL_SITE),
    "headless": (Headless, False),
    "human": (HumanOpt, None),
    "browser_path": (BrowserPath, None),
    "yes": (Yes, False),
    "keep_open": (KeepOpen, False),
    "lang": (Lang, "fr"),
    "verbose": (Verbose, False),
    "devtools_port": (DevtoolsPort, None),
    "fresh": (Fresh, False),
    "slow_mo": (SlowMo, 0),
    "mailbox_url": (MailboxUrl, None),
    "debug_artifacts": (DebugArtifacts, None),
}
EVERY_JOURNEY = (
    "base_url",
    "headless",
    "human",
    "browser_path",
    "yes",
    "keep_open",
    "lang",
    "verbose",
    "devtools_port",
)


def journey_options(*more: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Adds the shared options (`EVERY_JOURNEY` and `more`) after a command's own; the
    command receives their values together, as `common`."""
    names = (*EVERY_JOURNEY, *more)

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        own = inspect.signature(command, eval_str=True)
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=SHARED[name][0], default=SHARED[name][1])
            for name in names
        ]

        @functools.wraps(command)
        def with_common(*args: Any, **kwargs: Any) -> Any:
            common = {name: kwargs.pop(name, SHARED[name][1]) for name in names}
            return command(*args, common=common, **kwargs)

        kept = [parameter for parameter in own.parameters.values() if parameter.name != "common"]
        with_common.__signature__ = own.replace(parameters=[*kept, *added])  # type: ignore[attr-defined]
        return with_common

    return decorate
