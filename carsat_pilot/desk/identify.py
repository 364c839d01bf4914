"""Who the person is and which link they received, for the commands that log in or
activate: from a profile, the environment, a file descriptor, the terminal — and, still
accepted but said to be visible to others, the command line."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from rich.console import Console

from carsat_pilot.core.ask import Ask
from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.secret_env import LINK_ENV, NIR_ENV, take_secret
from carsat_pilot.desk.accompanied import ask_nir
from carsat_pilot.person.checks import check_nir, clean_nir
from carsat_pilot.person.profile import load_nir_only
from carsat_pilot.record import masking
from carsat_pilot.site.hosts import same_site

VISIBLE_ARGUMENT = (
    "⚠ {what} donné sur la ligne de commande est visible des autres utilisateurs de cet ordinateur "
    "(liste des processus, historique du shell) : {instead}"
)


LINK_ELSEWHERE = (
    "Ce lien ne mène pas au site de l'Assurance retraite : par sécurité il n'est pas "
    "ouvert. Copiez le lien « Je confirme la création de mon espace personnel » de l'e-mail."
)


def check_link(link: str, base_url: str) -> None:
    """An activation link is opened only on the site it was sent from."""
    if not same_site(link, base_url):
        raise BadInput(LINK_ELSEWHERE, "LINK")


def warn_visible(err_console: Console, what: str, instead: str) -> None:
    err_console.print(VISIBLE_ARGUMENT.format(what=what, instead=instead), soft_wrap=True, markup=False)


def _read_fd(fd: int) -> str:
    try:
        with os.fdopen(fd, "r", encoding="utf-8", closefd=True) as stream:
            link = stream.readline().strip()
    except OSError as exc:
        raise BadInput(f"--link-fd : le descripteur {fd} ne peut pas être lu ({exc.strerror}).", "--link-fd") from None
    if not link:
        raise BadInput(f"--link-fd : rien à lire sur le descripteur {fd}.", "--link-fd")
    return link


def activation_link(err_console: Console, argument: str | None, fd: int | None) -> str | None:
    """The activation link (a single-use key): from the environment (CARSAT_PILOT_LINK,
    gone from it once read) or a file descriptor; as an argument it still works but is
    visible to others. None: the hand-over asks for it (standard input or browser)."""
    if argument:
        warn_visible(
            err_console,
            "Le lien d'activation",
            "lancez « carsat-pilot activate » sans le lien et collez-le quand il est demandé, "
            f"ou passez-le par {LINK_ENV}.",
        )
    from_env = take_secret(LINK_ENV)
    link = argument or from_env or (_read_fd(fd) if fd is not None else None)
    if not link:
        return None
    link = link.strip().strip("<>\"'")
    masking.learn(secrets=[link])
    return link or None


def _toml(profile: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(profile.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _learn_profile(profile: Path) -> None:
    """Teach the masker the person's names, birth date, contact and address, read
    leniently from the profile (a login needs only the NIR, the masker wants the rest)."""
    values: dict[str, str] = {}
    for key, value in _toml(profile).items():
        if isinstance(value, dict):
            values.update({k: str(v) for k, v in value.items() if isinstance(v, (str, int))})
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            values[key] = str(value)
    masking.learn(values)


def _checked_nir(raw: str) -> str:
    cleaned = clean_nir(raw)
    masking.learn(nir=cleaned)
    check_nir(cleaned)
    return cleaned


def person_nir(err_console: Console, ask: Ask, profile: Path | None, nir: str | None) -> str:
    """The NIR: from the profile, --nir (visible), CARSAT_PILOT_NIR, or asked on a terminal."""
    if profile is not None:
        found = load_nir_only(profile)
        masking.learn(nir=found)
        _learn_profile(profile)
        return found
    from_env = take_secret(NIR_ENV)
    if nir:
        warn_visible(
            err_console, "Le n° de Sécurité sociale", f"utilisez plutôt --profile FICHIER ou la variable {NIR_ENV}."
        )
    if nir or from_env:
        return _checked_nir(nir or from_env or "")
    if ask.terminal:
        return _checked_nir(ask_nir(ask))
    raise BadInput(f"Indiquez la personne avec --profile FICHIER (ou la variable {NIR_ENV}).", "--profile")


def surname(profile: Path | None) -> str:
    """The name for the file (RIS_<NOM>_…): from the profile when it has one."""
    if profile is None:
        return ""
    return str(_toml(profile).get("nom_naissance", "")).strip()
