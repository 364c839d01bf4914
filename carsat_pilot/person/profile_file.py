"""The profile's TOML file on disk: read by tomllib, written by tomli-w, privately.

Reading turns every way a hand-edited file can be wrong (missing, not UTF-8, not TOML)
into one French sentence naming the line and the key, never a traceback. Writing goes
through the one private-file writer: mode 0600, atomic. Nothing here knows the profile's
fields: `profile` validates what is read and gives what is written.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.files import write_private


def read_toml(path: Path) -> dict[str, Any]:
    """The file's tables and values; BadInput (field « profile » or the key) otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(
            f"Le fichier de profil « {path} » est introuvable : vérifiez le chemin donné à --profile.",
            field="profile",
        ) from None
    except UnicodeDecodeError:
        raise BadInput(
            f"Le fichier de profil « {path} » n'est pas un texte UTF-8 : enregistrez-le en UTF-8 depuis votre éditeur.",
            field="profile",
        ) from None
    except OSError as exc:
        raise BadInput(
            f"Le fichier de profil « {path} » ne peut pas être lu ({exc.strerror}).",
            field="profile",
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(path, text, str(exc)) from None


def toml_text(data: Mapping[str, Any], header: str = "") -> str:
    """`header` (comment lines) and a blank line, then `data` as TOML: values first, then tables."""
    return header + ("\n" if header else "") + tomli_w.dumps(data)


def write_toml(path: Path, data: Mapping[str, Any], header: str = "") -> Path:
    """`toml_text` in a private file (0600) that replaces the old one whole."""
    try:
        return write_private(path, toml_text(data, header))
    except OSError as exc:
        raise BadInput(
            f"Le profil ne peut pas être enregistré dans « {path} » ({exc.strerror}) : choisissez un autre dossier.",
            field="profile",
        ) from None


# tomllib's messages (Python 3.11 has no line attribute: it is read from the message).
_TOML_HINTS = (
    ("Cannot overwrite", "elle apparaît deux fois"),
    ("Cannot declare", "cette section apparaît deux fois"),
    ("Expected '=' after a key", "il manque le signe « = » après la clé"),
    ("Illegal character", "un guillemet fermant manque ou un caractère est interdit"),
    ("Unterminated", "un guillemet fermant manque"),
    ("Invalid date", "la date n'existe pas (écrivez-la plutôt \"JJ/MM/AAAA\")"),
    ("Invalid value", "un texte doit être écrit entre guillemets"),
    ("Expected ']'", "il manque le « ] » qui ferme le nom de la section"),
    ("Expected newline", "du texte suit la valeur (un texte doit être entre guillemets)"),
)


def _toml_error(path: Path, text: str, error: str) -> BadInput:
    found = re.search(r"at line (\d+)", error)
    line_number = int(found[1]) if found else 0
    key = _key_at_line(text, line_number)
    hint = next((fr for en, fr in _TOML_HINTS if error.startswith(en)), "syntaxe invalide")
    where = f"ligne {line_number}" if line_number else "fin du fichier"
    if key:
        return BadInput(
            f"Le fichier de profil « {path} » n'est pas un TOML valide ({where}, clé « {key} ») : {hint}.",
            field=key,
        )
    return BadInput(
        f"Le fichier de profil « {path} » n'est pas un TOML valide ({where}) : {hint}.",
        field="profile",
    )


def _key_at_line(text: str, line_number: int) -> str | None:
    """`contact.email` for the line `email = …` under `[contact]`, or the section name."""
    lines = text.splitlines()
    if not 1 <= line_number <= len(lines):
        return None
    line = lines[line_number - 1].strip()
    section = re.match(r"^\[\s*([\w.\-]+)", line)
    if section:
        return section[1]
    key = re.match(r"^\"?([\w.\-]+)\"?\s*(=|\s|\"|$)", line)
    if not key:
        return None
    table = ""
    for previous in reversed(lines[: line_number - 1]):
        header = re.match(r"^\s*\[\s*([\w.\-]+)\s*\]", previous)
        if header:
            table = header[1] + "."
            break
    return table + key[1]
