"""The person's profile: the TOML file of DESIGN.md, loaded, normalized and saved.

Loading normalizes every value (NIR without spaces, civilité spelled like the site, date
parsed, phone in the site's format…) and refuses a wrong one with a `BadInput` naming the
key, never a traceback. A profile never holds a password: the models have no such field
and refuse unknown keys.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from carsat_pilot.core.errors import BadInput
from carsat_pilot.person import checks
from carsat_pilot.person.checks import Civilite

__all__ = [
    "FIELD_LABELS",
    "Adresse",
    "Civilite",
    "Contact",
    "Identity",
    "Profile",
    "load_nir_only",
    "load_profile",
    "mask_email",
    "mask_nir",
    "parse_profile",
    "profile_to_toml",
    "save_profile",
]

T = TypeVar("T")

MASK = "••••"

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


# ---------------------------------------------------------------------------------------
# Field validators: the checks of `checks.py`, turned into pydantic errors that keep the
# French sentence, so that pydantic reports them in the order of the form.
# ---------------------------------------------------------------------------------------


def _custom_error(message: str, field: str) -> PydanticCustomError:
    return PydanticCustomError("bad_input", "{message}", {"message": message, "field": field})


def _as_text(value: Any, field: str) -> str:
    # TOML lets people write `numero = 12` or an unquoted NIR: a number is taken as text.
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _custom_error(f"Le champ « {field} » doit être un texte entre guillemets.", field)


def _checked(field: str, check: Callable[[str, str], T]) -> BeforeValidator:
    def run(value: Any) -> T:
        text = _as_text(value, field)
        try:
            return check(text, field)
        except BadInput as exc:
            raise _custom_error(exc.message, field) from None

    return BeforeValidator(run)


def _nir(raw: str, field: str) -> str:
    nir = checks.clean_nir(raw, field)
    checks.check_nir(nir, field)  # warnings are returned again by checks.check_profile
    return nir


def _code_postal(raw: str, field: str) -> str:
    return "".join(raw.split())


def _birth_date(value: Any) -> date:
    field = "date_naissance"
    if isinstance(value, datetime):  # a TOML date-time: the time is meaningless here
        value = value.date()
    try:
        if isinstance(value, date):
            return checks.check_birth_date(value, field)
        if isinstance(value, str):
            return checks.parse_birth_date(value, field)
    except BadInput as exc:
        raise _custom_error(exc.message, field) from None
    raise _custom_error(
        f"Le champ « {field} » doit être une date au format JJ/MM/AAAA (reçu : {value}).", field
    )


_MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True)


class Adresse(BaseModel):
    """« Votre adresse personnelle » (step 2 of the site's form)."""

    model_config = _MODEL_CONFIG

    pays: Annotated[str, _checked("adresse.pays", checks.normalize_pays)] = "FRANCE"
    code_postal: Annotated[str, _checked("adresse.code_postal", _code_postal)] = ""
    ville: Annotated[str, _checked("adresse.ville", checks.normalize_ville)]
    numero: Annotated[str, _checked("adresse.numero", checks.normalize_numero)] = ""
    complement: Annotated[str, _checked("adresse.complement", checks.normalize_complement)] = ""
    voie: Annotated[str, _checked("adresse.voie", checks.normalize_voie)]

    @model_validator(mode="after")
    def _postal_code_fits_country(self) -> Adresse:
        try:
            checks.check_postal_code(self.pays, self.code_postal)
        except BadInput as exc:
            raise _custom_error(exc.message, exc.field or "adresse.code_postal") from None
        return self


class Contact(BaseModel):
    """« Vos informations de contact » and « Votre question secrète » (step 3)."""

    model_config = _MODEL_CONFIG

    telephone: Annotated[str, _checked("contact.telephone", checks.normalize_phone)] = ""
    email: Annotated[str, _checked("contact.email", checks.normalize_email)]
    question_secrete: Annotated[
        str, _checked("contact.question_secrete", checks.normalize_question)
    ]
    # repr=False: a profile printed in a debug trace must not show the secret answer.
    reponse_secrete: Annotated[
        str, _checked("contact.reponse_secrete", checks.normalize_answer), Field(repr=False)
    ]


class Profile(BaseModel):
    """Everything `register` types on the site, except the password and the captcha."""

    model_config = _MODEL_CONFIG

    nir: Annotated[str, _checked("nir", _nir), Field(repr=False)]
    civilite: Annotated[Civilite, _checked("civilite", checks.parse_civilite)]
    nom_naissance: Annotated[str, _checked("nom_naissance", checks.normalize_nom)]
    prenom: Annotated[str, _checked("prenom", checks.normalize_prenom)]
    date_naissance: Annotated[date, BeforeValidator(_birth_date)]
    adresse: Adresse
    contact: Contact

    @model_validator(mode="after")
    def _nir_matches_identity(self) -> Profile:
        try:
            checks.check_nir_matches_identity(self.nir, self.civilite, self.date_naissance)
        except BadInput as exc:
            raise _custom_error(exc.message, exc.field or "nir") from None
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

    # The journal speaks of "redacted" records; same thing, second name.
    redacted = masked_summary

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
    return parse_profile(_read_toml(path), source=path)


def load_nir_only(path: str | os.PathLike[str]) -> str:
    """The NIR of a profile, for `activate` and `fetch-ris`, which need nothing else.

    Other keys are not checked: a doubtful phone number must not prevent getting a RIS.
    """
    path = Path(path)
    data = _read_toml(path)
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


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(
            f"Le fichier de profil « {path} » est introuvable : vérifiez le chemin donné "
            "à --profile.",
            field="profile",
        ) from None
    except UnicodeDecodeError:
        raise BadInput(
            f"Le fichier de profil « {path} » n'est pas un texte UTF-8 : enregistrez-le en "
            "UTF-8 depuis votre éditeur.",
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
            f"Le fichier de profil « {path} » n'est pas un TOML valide ({where}, "
            f"clé « {key} ») : {hint}.",
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


def _translate(errors: list[ErrorDetails], source: Path | None) -> BadInput:
    """The first error, in the form's order, as one French sentence naming the key.

    Unknown keys come first: `emial = …` also makes `email` missing, and the typo is
    what the person must see.
    """
    errors = sorted(errors, key=lambda error: error["type"] != "extra_forbidden")
    error = errors[0]
    ctx = error.get("ctx") or {}
    if error["type"] == "bad_input":
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


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def profile_to_toml(profile: Profile) -> str:
    """The profile as TOML text, keys in the form's order (DESIGN.md's layout)."""
    data = profile.to_toml_dict()
    lines = [_HEADER]
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    lines += [f"{key} = {_toml_string(str(value))}" for key, value in scalars.items()]
    for name, table in tables.items():
        lines.append(f"\n[{name}]")
        lines += [f"{key} = {_toml_string(str(value))}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def save_profile(profile: Profile, path: str | os.PathLike[str]) -> Path:
    """Write the profile (never a password) with mode 0600, atomically."""
    path = Path(path)
    text = profile_to_toml(profile)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file 0600 from the start: no moment where others can read it.
        fd, temporary = tempfile.mkstemp(prefix=".profil-", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise BadInput(
            f"Le profil ne peut pas être enregistré dans « {path} » ({exc.strerror}) : "
            "choisissez un autre dossier.",
            field="profile",
        ) from None
    return path
