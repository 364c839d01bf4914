"""Input checks run before any page is sent.

The NIR and the identity are checked here, the address and the contact in `contact`
(re-exported: `checks.X` names every check).

Every refusal is a `BadInput` carrying ONE French sentence that names the field, so the
person at the help desk knows what to correct. Every normalizer is idempotent: a value it
returned goes through it again unchanged (profiles are normalized on load, written back,
and checked again before the browser opens).

Guiding rule from the NIR notes: never be stricter than the site. A wrong refusal locks
a person out, a doubtful value is better left to the site to judge (with a warning).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from stdnum import exceptions as stdnum_errors
from stdnum.fr import nir as stdnum_nir

from carsat_pilot.core.errors import BadInput
from carsat_pilot.person.contact import (
    check_postal_code,
    complement_warnings,
    normalize_answer,
    normalize_complement,
    normalize_email,
    normalize_numero,
    normalize_pays,
    normalize_phone,
    normalize_question,
    normalize_required_text,
    normalize_ville,
    normalize_voie,
)

__all__ = [
    "EARLIEST_BIRTH",
    "NIR_LENGTH",
    "Civilite",
    "check_birth_date",
    "check_nir",
    "check_nir_birth_date",
    "check_nir_civilite",
    "check_nir_matches_identity",
    "check_postal_code",
    "clean_nir",
    "complement_warnings",
    "format_date",
    "nir_civilite",
    "nir_month_is_real",
    "normalize_answer",
    "normalize_complement",
    "normalize_email",
    "normalize_name",
    "normalize_nom",
    "normalize_numero",
    "normalize_pays",
    "normalize_phone",
    "normalize_prenom",
    "normalize_question",
    "normalize_required_text",
    "normalize_ville",
    "normalize_voie",
    "parse_birth_date",
    "parse_civilite",
]

Civilite = Literal["Madame", "Monsieur"]

NIR_LENGTH = 13
EARLIEST_BIRTH = date(1900, 1, 1)

# Sex digit of the NIR: 1/2 are the usual ones; 3/4 (older registrations of people born
# abroad) and 7/8 (provisional numbers) exist and another public body refused 7/8 in
# 2021, so they are accepted with a warning and the site decides.
_SEX_OF_DIGIT: dict[str, Civilite] = {
    "1": "Monsieur",
    "2": "Madame",
    "3": "Monsieur",
    "4": "Madame",
    "7": "Monsieur",
    "8": "Madame",
}
_UNUSUAL_SEX_DIGITS = {"3", "4", "7", "8"}

_CIVILITE_ALIASES: dict[str, Civilite] = {
    "MADAME": "Madame",
    "MME": "Madame",
    "MADEMOISELLE": "Madame",  # the site only offers Madame / Monsieur
    "MLLE": "Madame",
    "F": "Madame",
    "FEMME": "Madame",
    "MONSIEUR": "Monsieur",
    "M": "Monsieur",
    "MR": "Monsieur",
    "H": "Monsieur",
    "HOMME": "Monsieur",
}

_NAME_ALLOWED = re.compile(r"^[^\W\d_]+(?:[ '’\-]+[^\W\d_]+)*$")
_SEPARATORS = re.compile(r"[\s.\-]+")


def _bad(message: str, field: str) -> BadInput:
    return BadInput(message, field=field)


# ---------------------------------------------------------------------------------------
# NIR
# ---------------------------------------------------------------------------------------


def clean_nir(raw: str, field: str = "nir") -> str:
    """Spaces, dots and dashes removed, upper case (2a → 2A).

    The site wants the 13 first characters; a full 15-character number is accepted when
    its key is right (people copy it from their carte Vitale) and the key is dropped.
    """
    nir = _SEPARATORS.sub("", raw).upper()
    if len(nir) == NIR_LENGTH + 2 and _nir_format_ok(nir[:NIR_LENGTH]):
        if stdnum_nir.calc_check_digits(nir[:NIR_LENGTH]) != nir[NIR_LENGTH:]:
            raise _bad(
                f"Le champ « {field} » contient 15 caractères mais la clé (les 2 derniers "
                "chiffres) ne correspond pas au reste : vérifiez le numéro, ou ne saisissez "
                "que ses 13 premiers caractères.",
                field,
            )
        nir = nir[:NIR_LENGTH]
    return nir


def _nir_format_ok(nir: str) -> bool:
    """Reuse python-stdnum's format rules by validating the number with its own key."""
    try:
        stdnum_nir.validate(nir + stdnum_nir.calc_check_digits(nir))
    except (ValueError, stdnum_errors.ValidationError):
        return False
    return len(nir) == NIR_LENGTH


def _nir_format_problem(nir: str, field: str) -> BadInput:
    """Say precisely which character is wrong: 'invalid format' alone helps nobody."""
    for position, char in enumerate(nir, start=1):
        if position in (6, 7):
            if not (_is_ascii_digit(char) or nir[5:7] in ("2A", "2B")):
                return _bad(
                    f"Le champ « {field} » a un département de naissance invalide en "
                    f"positions 6 et 7 (reçu : « {nir[5:7]} ») : seuls des chiffres, 2A ou "
                    "2B (Corse) sont possibles.",
                    field,
                )
        elif not _is_ascii_digit(char):
            return _bad(
                f"Le champ « {field} » ne doit contenir que des chiffres, sauf 2A ou 2B "
                f"(Corse) en positions 6 et 7 (reçu : « {char} » en position {position}).",
                field,
            )
    return _bad(f"Le champ « {field} » n'est pas un n° de sécurité sociale valide.", field)


def _is_ascii_digit(char: str) -> bool:
    return char in "0123456789"


def check_nir(nir: str, field: str = "nir") -> list[str]:
    """Check the structure of a cleaned 13-character NIR; return warnings."""
    if len(nir) != NIR_LENGTH:
        raise _bad(
            f"Le champ « {field} » doit contenir les 13 premiers caractères du n° de "
            f"sécurité sociale, sans la clé (reçu : {len(nir)} caractères).",
            field,
        )
    if not _nir_format_ok(nir):
        raise _nir_format_problem(nir, field)
    warnings: list[str] = []
    warnings += _check_nir_sex(nir, field)
    warnings += _check_nir_month(nir, field)
    _check_nir_department(nir, field)
    return warnings


def _check_nir_sex(nir: str, field: str) -> list[str]:
    digit = nir[0]
    if digit not in _SEX_OF_DIGIT:
        raise _bad(
            f"Le champ « {field} » doit commencer par 1 (homme) ou 2 (femme) "
            f"(reçu : {digit}).",
            field,
        )
    if digit in ("7", "8"):
        return [
            f"Le n° de sécurité sociale commence par {digit} : c'est un numéro provisoire, "
            "le site peut le refuser ; demandez sinon le numéro définitif à la CPAM."
        ]
    if digit in _UNUSUAL_SEX_DIGITS:
        return [
            f"Le n° de sécurité sociale commence par {digit}, ce qui est rare : vérifiez-le "
            "sur la carte Vitale ; le site dira s'il l'accepte."
        ]
    return []


def nir_month_is_real(nir: str) -> bool:
    """Months 20–42 and 50+ are pseudo-months (incomplete birth records)."""
    return 1 <= int(nir[3:5]) <= 12


def _check_nir_month(nir: str, field: str) -> list[str]:
    month = int(nir[3:5])
    if 1 <= month <= 12:
        return []
    if 20 <= month <= 42 or month >= 50:
        return [
            f"Le n° de sécurité sociale porte un mois de naissance conventionnel ({nir[3:5]}) : "
            "sa cohérence avec la date de naissance n'est pas vérifiée."
        ]
    raise _bad(
        f"Le champ « {field} » a un mois de naissance impossible en positions 4 et 5 "
        f"(reçu : {nir[3:5]}) : il doit être entre 01 et 12.",
        field,
    )


def _check_nir_department(nir: str, field: str) -> None:
    # 2A/2B already passed the format check; 20 (Corsica before 1976), 91–96 (former
    # North-African territories), 97x/98x and 99 (abroad) are all real.
    if nir[5:7] == "00":
        raise _bad(
            f"Le champ « {field} » a un département de naissance impossible en positions 6 "
            "et 7 (reçu : 00).",
            field,
        )


def nir_civilite(nir: str) -> Civilite | None:
    return _SEX_OF_DIGIT.get(nir[:1])


def check_nir_matches_identity(nir: str, civilite: Civilite, date_naissance: date) -> None:
    """Cross-check the NIR with civilité and birth date; a refusal names both fields."""
    check_nir_civilite(nir, civilite)
    check_nir_birth_date(nir, date_naissance)


def check_nir_civilite(nir: str, civilite: Civilite) -> None:
    sex = nir_civilite(nir)
    if sex is not None and sex != civilite:
        person = "un homme" if sex == "Monsieur" else "une femme"
        raise _bad(
            f"Le n° de sécurité sociale (nir) indique {person} mais la civilité (civilite) "
            f"est « {civilite} ».",
            "nir",
        )


def check_nir_birth_date(nir: str, date_naissance: date) -> None:
    if nir[1:3] != f"{date_naissance.year % 100:02d}":
        raise _bad(
            "Le n° de sécurité sociale (nir) indique une année de naissance finissant par "
            f"{nir[1:3]} mais la date de naissance (date_naissance) est le "
            f"{format_date(date_naissance)}.",
            "nir",
        )
    # Pseudo-months (incomplete birth records) say nothing about the real month.
    if nir_month_is_real(nir) and int(nir[3:5]) != date_naissance.month:
        raise _bad(
            f"Le n° de sécurité sociale (nir) indique un mois de naissance {nir[3:5]} mais "
            f"la date de naissance (date_naissance) est le {format_date(date_naissance)}.",
            "nir",
        )


# ---------------------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------------------


def parse_civilite(raw: str, field: str = "civilite") -> Civilite:
    key = raw.strip().rstrip(".").upper()
    civilite = _CIVILITE_ALIASES.get(key)
    if civilite is None:
        raise _bad(
            f"Le champ « {field} » doit valoir « Madame » ou « Monsieur » (reçu : {raw.strip()}).",
            field,
        )
    return civilite


def normalize_name(raw: str, field: str, *, upper: bool) -> str:
    """Letters (accents allowed), spaces, hyphens, apostrophes; inner spaces collapsed."""
    name = " ".join(raw.split())
    if not name:
        raise _bad(f"Le champ « {field} » est obligatoire.", field)
    if not _NAME_ALLOWED.match(name):
        raise _bad(
            f"Le champ « {field} » ne doit contenir que des lettres, des espaces, des tirets "
            f"ou des apostrophes (reçu : {name}).",
            field,
        )
    return name.upper() if upper else name


def normalize_nom(raw: str, field: str = "nom_naissance") -> str:
    return normalize_name(raw, field, upper=True)


def normalize_prenom(raw: str, field: str = "prenom") -> str:
    return normalize_name(raw, field, upper=False)


_DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def parse_birth_date(raw: str, field: str = "date_naissance", today: date | None = None) -> date:
    """JJ/MM/AAAA (also J/M/AAAA, with - or . too) or AAAA-MM-JJ, then range-checked."""
    text = raw.strip()
    iso = _DATE_ISO.match(text)
    french = _DATE_FR.match(text)
    try:
        if iso:
            parsed = date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif french:
            parsed = date(int(french[3]), int(french[2]), int(french[1]))
        else:
            raise ValueError(text)
    except ValueError:
        raise _bad(
            f"Le champ « {field} » doit être une date au format JJ/MM/AAAA (reçu : {text}).",
            field,
        ) from None
    return check_birth_date(parsed, field, today)


def check_birth_date(value: date, field: str = "date_naissance", today: date | None = None) -> date:
    today = today or date.today()
    if value > today:
        raise _bad(
            f"Le champ « {field} » ne peut pas être dans le futur (reçu : {format_date(value)}).",
            field,
        )
    if value < EARLIEST_BIRTH:
        raise _bad(
            f"Le champ « {field} » doit être postérieur au 01/01/1900 "
            f"(reçu : {format_date(value)}).",
            field,
        )
    return value
