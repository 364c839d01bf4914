"""The person profiles kept on this computer: where they are, their file names, and the
values chosen in the site's lists written back into them after a journey."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from rich.console import Console
from rich.markup import escape

from carsat_pilot.core.text import fold
from carsat_pilot.desk.wipe import profile_nir
from carsat_pilot.person.profile import Profile, mask_nir, parse_profile, save_profile

if TYPE_CHECKING:
    from carsat_pilot.site.choices import Chosen


def profile_folders() -> list[Path]:
    """Where saved profiles are looked for: the current folder, then the user's
    `profils/` folder (e.g. ~/.local/share/carsat-pilot/profils)."""
    data = Path(platformdirs.user_data_dir("carsat-pilot", appauthor=False))
    return [Path.cwd(), data / "profils"]


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
            nir = profile_nir(path)
            if nir is None or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            found.append(SavedProfile(path, nir, *_profile_names(path)))
    return found


def default_profile_path(profile: Profile) -> Path:
    """`profil-dupont-jean.toml` in the current folder: one file per person at a desk."""
    raw = f"{profile.nom_naissance}-{profile.prenom}"
    ascii_only = fold(raw)  # « ŒUVRARD » → oeuvrard, not uvrard
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-") or "personne"
    return Path(f"profil-{slug}.toml")


# ----------------------------------------------------------- after a journey: the site's lists

# The flows' variables that a list of the site may change, and where they are in a profile.
LIST_FIELDS: dict[str, tuple[str, str]] = {
    "pays": ("adresse", "pays"),
    "ville": ("adresse", "ville"),
    "complement": ("adresse", "complement"),
    "question_secrete": ("contact", "question_secrete"),
}


def with_choices(profile: Profile, chosen: Iterable[Chosen]) -> Profile:
    """The profile with the values chosen in the site's lists instead of its own."""
    data = profile.to_toml_dict()
    for choice in chosen:
        where = LIST_FIELDS.get(choice.variable)
        if where is not None:
            data[where[0]][where[1]] = choice.chosen
    return parse_profile(data)


def offer_profile_update(
    console: Console,
    confirm: Callable[[str], bool],
    profile: Profile,
    path: Path | None,
    chosen: Sequence[Chosen],
) -> Profile:
    """Say which values were chosen in the site's lists, and offer to write them into the
    saved profile (so the next run finds them at once). Returns the updated profile."""
    relevant = [c for c in chosen if c.variable in LIST_FIELDS]
    if not relevant:
        return profile
    console.print("Choisi dans les listes du site pendant la démarche :")
    for choice in relevant:
        console.print(f"  {escape(choice.label)} : « {escape(choice.chosen)} » (profil : « {escape(choice.typed)} »)")
    updated = with_choices(profile, relevant)
    if path is None:
        console.print("Le profil n'est pas enregistré sur ce poste : ces valeurs servent pour cette séance.")
        return updated
    if confirm(f"Mettre à jour le profil enregistré « {path} » avec ces valeurs ?"):
        save_profile(updated, path)
        console.print(f"[green]Profil mis à jour : « {escape(str(path))} ».[/]")
    else:
        console.print("Profil enregistré inchangé.")
    return updated
