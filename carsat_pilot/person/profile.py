"""The person's profile (the TOML file of DESIGN.md), loaded, normalized, checked and saved.

The file itself — reading it, its syntax errors in French, writing it — is `profile_file`'s.

Loading normalizes every value (NIR without spaces, civilité spelled like the site, date
parsed, phone in the site's format…) and refuses a wrong one with a `BadInput` naming the
key, never a traceback. A profile never holds a password: the models have no such field
and refuse unknown keys.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from carsat_pilot.core.errors import BadInput
from carsat_pilot.person import checks, fields
from carsat_pilot.person.checks import Civilite
from carsat_pilot.person.fields import checked, field_error
from carsat_pilot.person.profile_file import read_toml, toml_text, write_toml

__all__ = [
    "FIELD_LABELS",
    "Adresse",
    "Civilite",
    "Contact",
    "Identity",
    "Profile",
    "check_profile",
    "load_nir_only",
    "load_profile",
    "mask_email",
    "mask_nir",
    "parse_profile",
    "profile_to_toml",
    "save_profile",
]

MASK = "••••"  # what stands for a hidden value, everywhere (record.masking uses it too)

# The site's own labels, in the order of its form: used for recaps and messages.
FIELD_LABELS: dict[str, str] = {
    "nir": "N° de Sécurité sociale",
    "civilite": "Civilité",
    "nom_naissance": "Nom de naissance",
    "prenom": "Prénom",
    "date_naissance": "Date de naissance",
    "adresse.pays": "Pays de résidence",
    "adresse.code_postal": "Code postal",
    "adresse.ville": "Ville",
    "adresse.numero": "Numéro de voie",
    "adresse.complement": "Complément",
    "adresse.voie": "Nom de la voie",
    "contact.telephone": "Numéro de téléphone",
    "contact.email": "Adresse e-mail",
    "contact.question_secrete": "Question secrète",
    "contact.reponse_secrete": "Réponse à la question secrète",
}


_MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True)


class Adresse(BaseModel):
    """« Votre adresse personnelle » (step 2 of the site's form)."""

    model_config = _MODEL_CONFIG

    pays: Annotated[str, checked("adresse.pays", checks.normalize_pays)] = "FRANCE"
    code_postal: Annotated[str, checked("adresse.code_postal", fields.code_postal)] = ""
    ville: Annotated[str, checked("adresse.ville", checks.normalize_ville)]
    numero: Annotated[str, checked("adresse.numero", checks.normalize_numero)] = ""
    complement: Annotated[str, checked("adresse.complement", checks.normalize_complement)] = ""
    voie: Annotated[str, checked("adresse.voie", checks.normalize_voie)]

    @model_validator(mode="after")
    def _postal_code_fits_country(self) -> Adresse:
        try:
            checks.check_postal_code(self.pays, self.code_postal)
        except BadInput as exc:
            raise field_error(exc.message, exc.field or "adresse.code_postal") from None
        return self


class Contact(BaseModel):
    """« Vos informations de contact » and « Votre question secrète » (step 3)."""

    model_config = _MODEL_CONFIG

    telephone: Annotated[str, checked("contact.telephone", checks.normalize_phone)] = ""
    email: Annotated[str, checked("contact.email", checks.normalize_email)]
    question_secrete: Annotated[
        str, checked("contact.question_secrete", checks.normalize_question)
    ]
    # repr=False: a profile printed in a debug trace must not show the secret answer.
    reponse_secrete: Annotated[
        str, checked("contact.reponse_secrete", checks.normalize_answer), Field(repr=False)
    ]


class Profile(BaseModel):
    """Everything `register` types on the site, except the password and the captcha."""

    model_config = _MODEL_CONFIG

    nir: Annotated[str, checked("nir", fields.nir), Field(repr=False)]
    civilite: Annotated[Civilite, checked("civilite", checks.parse_civilite)]
    nom_naissance: Annotated[str, checked("nom_naissance", checks.normalize_nom)]
    prenom: Annotated[str, checked("prenom", checks.normalize_prenom)]
    date_naissance: Annotated[date, fields.BIRTH_DATE]
    adresse: Adresse
    contact: Contact

    @model_validator(mode="after")
    def _nir_matches_identity(self) -> Profile:
        try:
            checks.check_nir_matches_identity(self.nir, self.civilite, self.date_naissance)
        except BadInput as exc:
            raise field_error(exc.message, exc.field or "nir") from None
        return self

    def identity(self) -> Identity:
        return Identity(
            nir=self.nir,
            nom=self.nom_naissance,
            prenom=self.prenom,
            date_naissance=self.date_naissance,
        )

    def masked_summary(self) -> dict[str, str]:
        """Flat view for display and the journal: NIR, e-mail and secret answer masked.

        Keys are those of `FIELD_LABELS`, in the order of the site's form.
        """
        values = _flatten(self.to_toml_dict())
        values["nir"] = mask_nir(self.nir)
        values["contact.email"] = mask_email(self.contact.email)
        values["contact.reponse_secrete"] = MASK
        return values

    def to_toml_dict(self) -> dict[str, Any]:
        """Plain values as written in the TOML file (date as JJ/MM/AAAA)."""
        data = self.model_dump()
        data["date_naissance"] = checks.format_date(self.date_naissance)
        return data


@dataclass(frozen=True)
class Identity:
    """What the password rules need to know; every part optional (fetch-ris has the NIR only)."""

    nir: str = ""
    nom: str = ""
    prenom: str = ""
    date_naissance: date | None = None


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


# ---------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------

_NIR_GROUPS = (1, 2, 2, 2, 3, 3, 2)  # sex, year, month, department, commune, order, key
_NIR_SHOWN_GROUPS = 3  # sex, year and month say little; place and order identify


def mask_nir(nir: str) -> str:
    """`1850775123456` → `1 85 07 ** *** ***` (a key, if present, is masked too)."""
    compact = re.sub(r"[\s.\-]", "", nir)
    groups: list[str] = []
    start = 0
    for index, size in enumerate(_NIR_GROUPS):
        chunk = compact[start : start + size]
        if not chunk:
            break
        groups.append(chunk if index < _NIR_SHOWN_GROUPS else "*" * len(chunk))
        start += size
    if start < len(compact):  # longer than a full NIR: hide the surplus too
        groups.append("*" * (len(compact) - start))
    return " ".join(groups)


def mask_email(email: str) -> str:
    """`jean.dupont@example.org` → `j•••@example.org`."""
    local, at, domain = email.rpartition("@")
    if not at:
        return "•••"
    return f"{local[:1]}•••@{domain}"


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------


def load_profile(path: str | os.PathLike[str]) -> Profile:
    """Read, normalize and validate a full profile (for `register`)."""
    path = Path(path)
    return parse_profile(read_toml(path), source=path)


def load_nir_only(path: str | os.PathLike[str]) -> str:
    """The NIR of a profile, for `activate` and `fetch-ris`, which need nothing else.

    Other keys are not checked: a doubtful phone number must not prevent getting a RIS.
    """
    path = Path(path)
    data = read_toml(path)
    if "nir" not in data:
        raise BadInput(f"Le champ « nir » est obligatoire dans le profil « {path} ».", field="nir")
    value = data["nir"]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise BadInput("Le champ « nir » doit être un texte entre guillemets.", field="nir")
    nir = checks.clean_nir(value)
    checks.check_nir(nir)
    return nir


def parse_profile(data: Mapping[str, Any], source: Path | None = None) -> Profile:
    """Validate a mapping shaped like the TOML file; errors become one `BadInput`."""
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise _translate(exc.errors(), source) from None


def _translate(errors: list[ErrorDetails], source: Path | None) -> BadInput:
    """The first error, in the form's order, as one French sentence naming the key.

    Unknown keys come first: `emial = …` also makes `email` missing, and the typo is
    what the person must see.
    """
    errors = sorted(errors, key=lambda error: error["type"] != "extra_forbidden")
    error = errors[0]
    ctx = error.get("ctx") or {}
    if error["type"] == fields.BAD_INPUT:
        return BadInput(str(ctx["message"]), field=str(ctx["field"]))
    loc = ".".join(str(part) for part in error["loc"])
    return BadInput(_pydantic_sentence(error["type"], loc, source), field=loc)


_SECTIONS: dict[str, type[BaseModel]] = {"adresse": Adresse, "contact": Contact}


def _pydantic_sentence(kind: str, loc: str, source: Path | None) -> str:
    in_file = f" du profil « {source} »" if source else " du profil"
    if kind == "missing":
        named = f" « {source} »" if source else ""
        if loc in _SECTIONS:
            return f"La section [{loc}] est obligatoire dans le profil{named}."
        return f"Le champ « {loc} » est obligatoire dans le profil{named}."
    if kind == "extra_forbidden":
        section, _, _name = loc.rpartition(".")
        model: type[BaseModel] = _SECTIONS.get(section, Profile)
        expected = ", ".join(model.model_fields)
        where = f"dans [{section}]" if section else "en tête du profil"
        return (
            f"Le champ « {loc} »{in_file} est inconnu : les champs possibles {where} sont "
            f"{expected}."
        )
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"Le champ « {loc} »{in_file} doit être une section [{loc}], pas une valeur simple."
    if kind in ("string_type", "str_type"):
        return f"Le champ « {loc} »{in_file} doit être un texte entre guillemets."
    # Deliberately no echo of the value: it may be the secret answer.
    return f"Le champ « {loc} »{in_file} a une valeur invalide."


# ---------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------

_HEADER = (
    "# Profil carsat-pilot : ce fichier ne contient jamais de mot de passe.\n"
    "# Il contient des données personnelles (dont la réponse secrète) : gardez-le privé.\n"
)


def profile_to_toml(profile: Profile) -> str:
    """The profile as TOML text, keys in the form's order (DESIGN.md's layout)."""
    return toml_text(profile.to_toml_dict(), header=_HEADER)


def save_profile(profile: Profile, path: str | os.PathLike[str]) -> Path:
    """Write the profile (never a password) with mode 0600, atomically."""
    return write_toml(Path(path), profile.to_toml_dict(), header=_HEADER)


# ---------------------------------------------------------------------------------------
# Checking again before the browser opens
# ---------------------------------------------------------------------------------------


def check_profile(profile: Profile) -> list[str]:
    """Run every check in the order of the site's form; raise on the first error.

    Returns the warnings (doubtful values left to the site to judge).
    """
    warnings = checks.check_nir(checks.clean_nir(profile.nir))
    checks.parse_civilite(profile.civilite)
    checks.normalize_nom(profile.nom_naissance)
    checks.normalize_prenom(profile.prenom)
    checks.check_birth_date(profile.date_naissance)
    checks.check_nir_matches_identity(profile.nir, profile.civilite, profile.date_naissance)

    adresse = profile.adresse
    pays = checks.normalize_pays(adresse.pays)
    checks.check_postal_code(pays, adresse.code_postal)
    checks.normalize_ville(adresse.ville)
    warnings += checks.complement_warnings(checks.normalize_complement(adresse.complement))
    checks.normalize_voie(adresse.voie)

    contact = profile.contact
    checks.normalize_phone(contact.telephone)
    checks.normalize_email(contact.email)
    checks.normalize_question(contact.question_secrete)
    checks.normalize_answer(contact.reponse_secrete)
    return warnings
