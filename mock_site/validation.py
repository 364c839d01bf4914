"""The site's server-side checks, each failure with the French message the page shows.

These are the replica's rules; they follow the seed's rules box and the public NIR facts
(/work/shared/notes/nir-and-ris-facts.md). They are deliberately not stricter than the real
site: pseudo-months and provisional sex digits pass.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# --- messages (one place, so tests and templates agree) --------------------------------
NIR_REQUIRED = "Le N° de Sécurité sociale est obligatoire."
NIR_LENGTH = "Le N° de Sécurité sociale doit comporter 13 caractères."
NIR_INVALID = "Le N° de Sécurité sociale n'est pas valide."
NIR_SEX_MISMATCH = "Le N° de Sécurité sociale ne correspond pas à la civilité indiquée."
NIR_DATE_MISMATCH = "Le N° de Sécurité sociale ne correspond pas à la date de naissance indiquée."
CIVILITE_REQUIRED = "La civilité est obligatoire."
NOM_REQUIRED = "Le nom de naissance est obligatoire."
NOM_INVALID = "Le nom de naissance ne doit contenir que des lettres, des espaces, des tirets ou des apostrophes."
PRENOM_REQUIRED = "Le prénom est obligatoire."
PRENOM_INVALID = "Le prénom ne doit contenir que des lettres, des espaces, des tirets ou des apostrophes."
DATE_REQUIRED = "La date de naissance est obligatoire."
DATE_INVALID = "La date de naissance n'est pas valide."
CAPTCHA_REQUIRED = "Le code de sécurité est obligatoire."
CAPTCHA_WRONG = "Le code de sécurité saisi est incorrect."
CONDITIONS_REQUIRED = "Vous devez accepter les conditions d'accès."
NIR_UNKNOWN = "Les informations saisies ne permettent pas de vous identifier."
ACCOUNT_EXISTS = "Un espace personnel existe déjà pour ce numéro de sécurité sociale."

PHONE_INVALID = "Le numéro de téléphone doit être au format 0123456789, ou XXX0123456789 pour les numéros étrangers."
EMAIL_REQUIRED = "L'adresse e-mail est obligatoire."
EMAIL_INVALID = "L'adresse e-mail n'est pas valide."
EMAIL_CONFIRM_REQUIRED = "Veuillez ressaisir votre adresse e-mail."
EMAIL_MISMATCH = "Les adresses e-mail saisies ne sont pas identiques."
PASSWORD_REQUIRED = "Le mot de passe est obligatoire."
PASSWORD_CONFIRM_REQUIRED = "Veuillez confirmer votre mot de passe."
PASSWORD_MISMATCH = "Les mots de passe saisis ne sont pas identiques."
PASSWORD_TOO_SHORT = "Le mot de passe doit contenir au minimum 8 caractères."
PASSWORD_TOO_LONG = "Le mot de passe doit contenir au maximum 20 caractères."
PASSWORD_NO_UPPER = "Le mot de passe doit contenir au moins une lettre majuscule (A-Z)."
PASSWORD_NO_LOWER = "Le mot de passe doit contenir au moins une lettre minuscule (a-z)."
PASSWORD_NO_DIGIT = "Le mot de passe doit contenir au moins une valeur numérique (0-9)."
PASSWORD_SPECIAL = "Le mot de passe ne doit pas contenir de caractères spéciaux."
PASSWORD_HAS_NOM = "Le mot de passe ne doit pas contenir votre nom."
PASSWORD_HAS_PRENOM = "Le mot de passe ne doit pas contenir votre prénom."
PASSWORD_HAS_BIRTHDATE = "Le mot de passe ne doit pas contenir votre date de naissance."
PASSWORD_HAS_NIR = "Le mot de passe ne doit pas contenir tout ou partie de votre numéro de sécurité sociale."
QUESTION_REQUIRED = "La question secrète est obligatoire."
REPONSE_REQUIRED = "La réponse à la question secrète est obligatoire."

# Position 1: 1/2, or the provisional 7/8; 6-7: department digits, or 2A/2B for Corsica.
_NIR_RE = re.compile(r"^[1278]\d{4}(?:\d{2}|2[AB])\d{6}$")
_NAME_RE = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿŒœ][A-Za-zÀ-ÖØ-öø-ÿŒœ '\-]*$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_PHONE_FR_RE = re.compile(r"^0\d{9}$")
# "XXX0123456789": the country code written in front of the number, 11 to 15 digits in all.
_PHONE_FOREIGN_RE = re.compile(r"^\d{11,15}$")


def clean_nir(raw: str) -> str:
    """What the site keeps of a typed NIR: no spaces, upper case (2a → 2A)."""
    return re.sub(r"\s+", "", raw or "").upper()


def fold(text: str) -> str:
    """Upper case without accents: how names and addresses are compared and stored."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("Œ", "OE").replace("œ", "oe").upper()


def parse_birth_date(jour: str, mois: str, annee: str, today: date) -> tuple[date | None, str | None]:
    """The three boxes JJ / MM / AAAA → a date, or the message to show."""
    parts = [p.strip() for p in (jour, mois, annee)]
    if not any(parts):
        return None, DATE_REQUIRED
    j, m, a = parts
    if not (j.isdigit() and m.isdigit() and a.isdigit() and len(a) == 4 and len(j) <= 2 and len(m) <= 2):
        return None, DATE_INVALID
    try:
        born = date(int(a), int(m), int(j))
    except ValueError:
        return None, DATE_INVALID
    if born > today or born.year < 1900:
        return None, DATE_INVALID
    return born, None


def nir_errors(nir: str, civilite: str | None, born: date | None) -> list[str]:
    """Structure of the 13 first characters and their agreement with civilité and birth date."""
    if not nir:
        return [NIR_REQUIRED]
    if len(nir) != 13:
        return [NIR_LENGTH]
    if not _NIR_RE.match(nir):
        return [NIR_INVALID]
    errors: list[str] = []
    sex = nir[0]
    if (civilite == "Monsieur" and sex in "28") or (civilite == "Madame" and sex in "17"):
        errors.append(NIR_SEX_MISMATCH)
    month = int(nir[3:5])
    # Pseudo-months (20-42, 50+) mark incomplete birth records: no date check then.
    pseudo_month = not 1 <= month <= 12
    if born is not None and not pseudo_month and (int(nir[1:3]) != born.year % 100 or month != born.month):
        errors.append(NIR_DATE_MISMATCH)
    return errors


def name_error(value: str, required: str, invalid: str) -> str | None:
    value = value.strip()
    if not value:
        return required
    if not _NAME_RE.match(value) or len(value) > 40:
        return invalid
    return None


def clean_phone(raw: str) -> str:
    # Spaces and dots are what people type between digit pairs; the site drops them.
    return re.sub(r"[\s.]", "", raw or "")


def phone_error(phone: str) -> str | None:
    if not phone:
        return None  # optional field
    if _PHONE_FR_RE.match(phone) or _PHONE_FOREIGN_RE.match(phone):
        return None
    return PHONE_INVALID


def email_errors(email: str, confirmation: str) -> list[str]:
    email, confirmation = email.strip(), confirmation.strip()
    if not email:
        return [EMAIL_REQUIRED]
    if not _EMAIL_RE.match(email) or len(email) > 80:
        return [EMAIL_INVALID]
    if not confirmation:
        return [EMAIL_CONFIRM_REQUIRED]
    if email.lower() != confirmation.lower():
        return [EMAIL_MISMATCH]
    return []


def _name_parts(name: str) -> list[str]:
    # Compound names ("MARTIN-DUPONT", "D'ARTAGNAN") are checked part by part; parts of
    # one or two letters would forbid half the alphabet, so they are ignored.
    return [p for p in re.split(r"[\s'\-]+", fold(name)) if len(p) >= 3]


def birth_date_forms(born: date) -> list[str]:
    """Ways a birth date hides in a password (slashes are refused anyway as special chars)."""
    d, m, y = f"{born.day:02d}", f"{born.month:02d}", f"{born.year:04d}"
    return [d + m + y, y + m + d, d + m + y[2:], y]


def password_errors(
    password: str, *, nom: str = "", prenom: str = "", born: date | None = None, nir: str = ""
) -> list[str]:
    """Every rule of the seed's rules box, each with its own message, in the box's order."""
    if not password:
        return [PASSWORD_REQUIRED]
    errors: list[str] = []
    if len(password) < 8:
        errors.append(PASSWORD_TOO_SHORT)
    if len(password) > 20:
        errors.append(PASSWORD_TOO_LONG)
    if not re.search(r"[A-Z]", password):
        errors.append(PASSWORD_NO_UPPER)
    if not re.search(r"[a-z]", password):
        errors.append(PASSWORD_NO_LOWER)
    if not re.search(r"[0-9]", password):
        errors.append(PASSWORD_NO_DIGIT)
    folded = fold(password)
    if any(part in folded for part in _name_parts(nom)):
        errors.append(PASSWORD_HAS_NOM)
    if any(part in folded for part in _name_parts(prenom)):
        errors.append(PASSWORD_HAS_PRENOM)
    if born is not None and any(form in password for form in birth_date_forms(born)):
        errors.append(PASSWORD_HAS_BIRTHDATE)
    if nir and nir_fragment_in(password, nir):
        errors.append(PASSWORD_HAS_NIR)
    if re.search(r"[^A-Za-z0-9]", password):
        errors.append(PASSWORD_SPECIAL)
    return errors


def nir_fragment_in(password: str, nir: str) -> bool:
    """ "Tout ou partie" of the NIR: any run of 4 or more of its characters."""
    digits = nir.upper()
    return any(digits[i : i + 4] in password.upper() for i in range(len(digits) - 3))


def valid_email(value: str) -> bool:
    return bool(_EMAIL_RE.match(value.strip()))
