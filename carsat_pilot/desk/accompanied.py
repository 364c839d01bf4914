"""The person a guided session accompanies: a saved profile or the NIR typed, and the
password typed once and kept in memory for the session only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from carsat_pilot.core.ask import Ask
from carsat_pilot.core.errors import BadInput
from carsat_pilot.desk.profiles import SavedProfile, saved_profiles
from carsat_pilot.person.checks import check_nir, clean_nir
from carsat_pilot.person.passwords import read_login_password, read_password
from carsat_pilot.person.profile import Profile, mask_nir

NIR_QUESTION = "N° de Sécurité sociale (13 premiers chiffres) :"
NIR_REFUSED = "Le n° de Sécurité sociale a été refusé 5 fois : vérifiez-le sur la carte Vitale."


@dataclass
class AccompaniedPerson:
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

    def joined_by(self, again: AccompaniedPerson) -> AccompaniedPerson:
        """The same person met again (another menu entry): what is known of them is kept."""
        again.password = self.password
        again.profile = again.profile or self.profile
        again.profile_path = again.profile_path or self.profile_path
        return again


def choose_saved(ask: Ask, folders: Sequence[Path], intro: str, other: str) -> SavedProfile | None:
    """One of the profiles saved on this computer, or None for `other` (or none saved)."""
    profiles = saved_profiles(folders)
    if not profiles:
        return None
    ask.console.print(intro)
    entries = [(str(number), saved.label()) for number, saved in enumerate(profiles, start=1)]
    answer = ask.menu([*entries, ("0", other)])
    return None if answer == "0" else profiles[int(answer) - 1]


def ask_nir(ask: Ask) -> str:
    """The NIR typed, cleaned and checked (re-asked with the reason when it is wrong)."""

    def checked(raw: str) -> str:
        nir = clean_nir(raw)
        check_nir(nir)
        return nir

    return ask.checked(NIR_QUESTION, checked, BadInput(NIR_REFUSED, "nir"))


def ask_password(ask: Ask, person: AccompaniedPerson, *, creating: bool) -> str:
    """Typed once per session and kept in memory only; never offered to be saved."""
    if person.password is None:
        if creating:
            person.password = read_password(person.profile, console=ask.console, ask=ask)
        else:
            person.password = read_login_password(ask)
    return person.password
