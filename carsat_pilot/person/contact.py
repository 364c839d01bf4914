"""Where the person lives and how the site reaches them: the address (step 2 of the
site's form), the phone, the e-mail and the secret question (step 3).

Same rules as `checks`: one French sentence naming the field, idempotent normalizers,
never stricter than the site (an unusual value is a warning, the site judges).
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.text import fold

# Calling codes whose numbers belong to the French 10-digit plan (0xxxxxxxxx): metropole
# and the overseas departments. The site wants those written the French way.
_FRENCH_PLAN_REGIONS = ("FR", "RE", "YT", "GP", "MQ", "GF", "BL", "MF")

_KNOWN_COMPLEMENTS = {
    "BIS", "TER", "QUATER", "QUINQUIES", "SEXIES", "SEPTIES", "OCTIES", "NONIES",
}  # fmt: skip


def _bad(message: str, field: str) -> BadInput:
    return BadInput(message, field=field)


# ---------------------------------------------------------------------------------------
# Address
# ---------------------------------------------------------------------------------------


def normalize_pays(raw: str, field: str = "adresse.pays") -> str:
    pays = fold(raw).upper()
    if not pays:
        raise _bad(f"Le champ « {field} » est obligatoire (par exemple FRANCE).", field)
    if pays in ("FR", "FRA", "FRANCE METROPOLITAINE"):
        return "FRANCE"
    return pays


def check_postal_code(pays: str, code_postal: str, field: str = "adresse.code_postal") -> str:
    code = "".join(code_postal.split())
    if pays == "FRANCE" and not re.fullmatch(r"\d{5}", code):
        shown = code or "rien"
        raise _bad(
            f"Le champ « {field} » doit contenir 5 chiffres pour une adresse en France "
            f"(reçu : {shown}).",
            field,
        )
    return code


def normalize_required_text(raw: str, field: str, *, upper: bool = False) -> str:
    text = " ".join(raw.split())
    if not text:
        raise _bad(f"Le champ « {field} » est obligatoire.", field)
    return text.upper() if upper else text


def normalize_ville(raw: str, field: str = "adresse.ville") -> str:
    return normalize_required_text(raw, field, upper=True)


def normalize_voie(raw: str, field: str = "adresse.voie") -> str:
    return normalize_required_text(raw, field, upper=True)


def normalize_numero(raw: str, field: str = "adresse.numero") -> str:
    # Optional on the site ("Numéro de voie :" has no asterisk); nothing else is checked.
    return " ".join(raw.split())


def normalize_complement(raw: str, field: str = "adresse.complement") -> str:
    return " ".join(raw.upper().split()).rstrip(".").strip()


def complement_warnings(complement: str) -> list[str]:
    """The site's list is not known exactly: an unusual value is only a warning."""
    if not complement or complement in _KNOWN_COMPLEMENTS or re.fullmatch(r"[A-Z]", complement):
        return []
    return [
        f"Le complément d'adresse « {complement} » est inhabituel (BIS, TER, QUATER, une "
        "lettre…) : il faudra peut-être le choisir à la main dans la liste du site."
    ]


# ---------------------------------------------------------------------------------------
# Contact
# ---------------------------------------------------------------------------------------


def normalize_email(raw: str, field: str = "contact.email") -> str:
    text = raw.strip()
    if not text:
        raise _bad(f"Le champ « {field} » est obligatoire.", field)
    try:
        # No network: deliverability would need DNS. ASCII only: the activation e-mail
        # must reach the person, and an accented address is usually a typing slip.
        result = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise _bad(
            f"Le champ « {field} » doit être une adresse e-mail valide, par exemple "
            f"jean.dupont@example.org (reçu : {text}).",
            field,
        ) from None
    return str(result.normalized)


def normalize_phone(raw: str, field: str = "contact.telephone") -> str:
    """French numbers → 0612345678; foreign ones → the site's XXX0123456789 form.

    The site's own form is read back too, so a normalized value normalizes to itself.
    Empty is allowed: the field is optional on the site.
    """
    text = raw.strip()
    if not text:
        return ""
    number = _parse_phone(text)
    if number is None:
        raise _bad(
            f"Le champ « {field} » doit être un numéro de téléphone valide, par exemple "
            f"0612345678 ou +32 470 12 34 56 (reçu : {text}).",
            field,
        )
    return _site_phone_format(number)


def _parse_phone(text: str) -> phonenumbers.PhoneNumber | None:
    candidates: list[tuple[str, str | None]] = [(text, region) for region in _FRENCH_PLAN_REGIONS]
    digits = re.sub(r"[\s.\-/()]", "", text)
    if digits.isdigit() and len(digits) > 4 and not digits.startswith("00"):
        # The site's foreign form: 3-digit zero-padded calling code, then the number.
        candidates.append(("+" + digits[:3].lstrip("0") + digits[3:], None))
    for candidate, region in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


def _site_phone_format(number: phonenumbers.PhoneNumber) -> str:
    national = phonenumbers.national_significant_number(number)
    region = phonenumbers.region_code_for_number(number)
    if region in _FRENCH_PLAN_REGIONS:
        return "0" + national
    return f"{number.country_code:03d}{national}"


def normalize_question(raw: str, field: str = "contact.question_secrete") -> str:
    return normalize_required_text(raw, field)


def normalize_answer(raw: str, field: str = "contact.reponse_secrete") -> str:
    # Never echo the answer in a message: it is a secret.
    answer = " ".join(raw.split())
    if not answer:
        raise _bad(f"Le champ « {field} » est obligatoire.", field)
    return answer
