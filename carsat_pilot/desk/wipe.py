"""Erase what this computer keeps about one person, at the end of a help-desk session.

Removed: the state file of the journey (and its lock and any half-written copy), the
saved profile(s) whose NIR is this person's, the downloaded relevé(s), the printable
récapitulatif, and whatever killed runs left in the temporary folder (browser profiles,
captcha images, downloads in progress). Kept: the journal — every value of the person is
masked there (the NIR as `1 85 07 ** *** ***`, names, birth date, contact, address), it
never holds a password or a secret answer, and it is the help desk's record that a
journey was made with the person's agreement.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from pathlib import Path

from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.scratch import sweep, try_lock
from carsat_pilot.person.checks import clean_nir
from carsat_pilot.person.profile import mask_nir
from carsat_pilot.record.journal import journal_path
from carsat_pilot.record.state import PersonState, person_key, state_dir


def journal_note(path: Path | None = None, nir: str | None = None) -> str:
    """The French sentence saying what is kept, and why — with the person's own masked
    NIR, as the journal shows it."""
    shown = f" ({mask_nir(nir)})" if nir else ""
    return (
        f"Le journal de carsat-pilot ({path or journal_path()}) est conservé : le n° de Sécurité sociale "
        f"y est masqué{shown}, ainsi que les nom, date de naissance, adresse et contact ; il ne contient "
        "ni mot de passe ni réponse secrète, et il garde la trace de l'accord de la personne."
    )


SUMMARY_FIRST = (
    "Le récapitulatif {path} contient le nom de la personne : imprimez-le ou remettez-le-lui avant "
    "l'effacement, il est effacé avec le reste."
)


def profile_nir(path: Path) -> str | None:
    """The NIR written in a profile file, cleaned; None if the file is not a profile."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    value = data.get("nir")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    try:
        return clean_nir(value)
    except BadInput:
        return None


def _same_person(path: Path, nir: str) -> bool:
    return path.is_file() and profile_nir(path) == nir


def _recorded_ris(state_file: Path) -> list[Path]:
    """The relevé the state file says was downloaded (read before the file goes)."""
    try:
        state = PersonState.model_validate_json(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Path(state.ris_path)] if state.ris_path else []


def _profiles_in(folders: Iterable[Path], nir: str) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            found += [path for path in sorted(folder.glob("*.toml")) if _same_person(path, nir)]
    return found


def _remove(path: Path) -> bool:
    try:
        if not path.is_file():
            return False
        path.unlink()
    except OSError:
        return False
    return True


def wipe_person(
    nir: str,
    *,
    profile_path: Path | None = None,
    ris_paths: Iterable[Path | str] = (),
    state_folder: Path | None = None,
    search_dirs: Iterable[Path] = (),
    summary_paths: Iterable[Path | str] = (),
) -> list[Path]:
    """Delete the person's state file, saved profile, downloaded relevés and printable
    récapitulatif; return the files actually removed. A profile is removed only if it
    holds this person's NIR (a wrong path never deletes someone else's file);
    `search_dirs` are looked through for other profiles of the same person. What killed
    runs left in the temporary folder goes too. The journal is left as it is (see
    `journal_note`)."""
    person = clean_nir(nir)
    folder = state_folder or state_dir()
    key = person_key(person)
    state_file = folder / f"{key}.json"
    targets: list[Path] = [*(Path(p) for p in ris_paths), *_recorded_ris(state_file), state_file]
    targets += [Path(p) for p in summary_paths]
    if folder.is_dir():
        targets += sorted(folder.glob(f".{key}.*.tmp"))  # a copy a killed save left half-written
    if profile_path is not None and _same_person(Path(profile_path), person):
        targets.append(Path(profile_path))
    targets += _profiles_in(search_dirs, person)
    removed: list[Path] = []
    seen: set[Path] = set()
    for target in targets:
        resolved = target.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        if _remove(target):
            removed.append(target)
    if _remove_free_lock(folder / f"{key}.lock"):
        removed.append(folder / f"{key}.lock")
    sweep()
    return removed


def _remove_free_lock(path: Path) -> bool:
    """The person's lock file, left by a killed run: removed only if no run holds it."""
    fd = try_lock(path)
    if fd is None:
        return False
    try:
        path.unlink()
    except OSError:
        return False
    finally:
        os.close(fd)
    return True
