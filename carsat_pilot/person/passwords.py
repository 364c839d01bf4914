"""The site's password rules (seed, step 4), a generator that meets them, and the prompt.

The password never goes to the command line (visible in `ps`), a file, the journal or
a message: it comes from `CARSAT_PILOT_PASSWORD` or a hidden prompt. The one exception
is a password this module proposes at the person's request: it is shown once, on the
terminal only, because the person must be able to write it down.

The environment's secrets (`CARSAT_PILOT_PASSWORD`…) are `core.secret_env`'s.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from stdnum.fr import nir as stdnum_nir

from carsat_pilot.core.ask import Ask, InputEnded
from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.secret_env import PASSWORD_ENV, take_secret
from carsat_pilot.core.text import fold
from carsat_pilot.person.profile import Identity, Profile

PASSWORD_FIELD = "mot de passe"
MIN_LENGTH = 8
MAX_LENGTH = 20
MAX_TRIES = 3
NIR_RUN = 4  # "tout ou partie" of the NIR: any 4 characters in a row are refused
MIN_NAME_PART = 3  # shorter name parts (DE, LE, LI…) would forbid too much

# One sentence part per rule, in the order the site lists its rules.
PROBLEM_TOO_SHORT = "il doit contenir au moins 8 caractères"
PROBLEM_TOO_LONG = "il doit contenir au maximum 20 caractères"
PROBLEM_NO_UPPER = "il doit contenir au moins une lettre majuscule (A-Z)"
PROBLEM_NO_LOWER = "il doit contenir au moins une lettre minuscule (a-z)"
PROBLEM_NO_DIGIT = "il doit contenir au moins un chiffre (0-9)"
PROBLEM_NOM = "il ne doit pas contenir votre nom"
PROBLEM_PRENOM = "il ne doit pas contenir votre prénom"
PROBLEM_DATE = "il ne doit pas contenir votre date de naissance (ni votre année de naissance)"
PROBLEM_NIR = "il ne doit pas contenir une partie de votre n° de sécurité sociale (4 chiffres qui se suivent ou plus)"
PROBLEM_SPECIAL = (
    "il ne doit contenir que des lettres sans accent et des chiffres (ni espace, ni accent, ni caractère spécial)"
)

# Readable alphabet: no 0/O, 1/l/I (nor o) that people copy wrongly from a screen.
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"
_GENERATED_LENGTHS = (12, 13, 14)

# Whose password it is: its rules forbid their names, birth date and NIR.
AccountHolder = Profile | Identity | None


def _identity(person: AccountHolder) -> Identity:
    if isinstance(person, Profile):
        return person.identity()
    return person or Identity()


def _fold(text: str) -> str:
    """Upper case without accents: « Hélène » and « HELENE » are the same name."""
    return fold(text).upper()


def _name_forms(name: str) -> set[str]:
    """DUPONT-MARTIN → {DUPONTMARTIN, DUPONT, MARTIN}: each of 3 letters or more."""
    parts = [p for p in re.split(r"[^A-Z]+", _fold(name)) if p]
    forms = {*parts, "".join(parts)}
    return {form for form in forms if len(form) >= MIN_NAME_PART}


def _date_forms(identity: Identity) -> set[str]:
    birth = identity.date_naissance
    if birth is None:
        return set()
    dd, mm, yyyy = f"{birth.day:02d}", f"{birth.month:02d}", f"{birth.year:04d}"
    d, m, yy = str(birth.day), str(birth.month), yyyy[2:]
    return {
        dd + mm + yyyy,  # 15071985
        dd + mm + yy,  # 150785
        yyyy + mm + dd,  # 19850715
        yy + mm + dd,  # 850715
        mm + dd + yyyy,  # 07151985
        d + m + yyyy,  # 571985 (J/M/AAAA without zeros)
        yyyy,
    }


def _nir_runs(identity: Identity) -> set[str]:
    nir = re.sub(r"[\s.\-]", "", identity.nir).upper()
    if len(nir) == 13:  # the key is part of the number too
        try:
            nir += stdnum_nir.calc_check_digits(nir)
        except ValueError:
            pass
    return {nir[i : i + NIR_RUN] for i in range(len(nir) - NIR_RUN + 1)}


def _contains_any(haystack: str, needles: Iterable[str]) -> bool:
    return any(needle and needle in haystack for needle in needles)


def password_problems(password: str, person: AccountHolder = None) -> list[str]:
    """Every rule of the site the password breaks, as French sentence parts (empty: ok)."""
    identity = _identity(person)
    folded = _fold(password)
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(PROBLEM_TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(PROBLEM_TOO_LONG)
    if not re.search(r"[A-Z]", password):
        problems.append(PROBLEM_NO_UPPER)
    if not re.search(r"[a-z]", password):
        problems.append(PROBLEM_NO_LOWER)
    if not re.search(r"[0-9]", password):
        problems.append(PROBLEM_NO_DIGIT)
    if _contains_any(folded, _name_forms(identity.nom)):
        problems.append(PROBLEM_NOM)
    if _contains_any(folded, _name_forms(identity.prenom)):
        problems.append(PROBLEM_PRENOM)
    if _contains_any(password, _date_forms(identity)):
        problems.append(PROBLEM_DATE)
    if _contains_any(folded, _nir_runs(identity)):
        problems.append(PROBLEM_NIR)
    if not re.fullmatch(r"[A-Za-z0-9]*", password):
        problems.append(PROBLEM_SPECIAL)
    return problems


def problems_sentence(problems: list[str], subject: str = "Le mot de passe") -> str:
    return f"{subject} ne respecte pas les règles du site : {' ; '.join(problems)}."


def check_password(password: str, person: AccountHolder = None, subject: str = "Le mot de passe") -> str:
    """Return the password if the site would accept it, else one `BadInput` sentence."""
    problems = password_problems(password, person)
    if problems:
        raise BadInput(problems_sentence(problems, subject), field=PASSWORD_FIELD)
    return password


def generate_password(person: AccountHolder = None) -> str:
    """A random password of 12–14 readable characters that meets every rule."""
    identity = _identity(person)
    for _ in range(10_000):  # a miss is rare (a name or NIR run drawn by chance)
        length = secrets.choice(_GENERATED_LENGTHS)
        chars = [secrets.choice(_UPPER), secrets.choice(_LOWER), secrets.choice(_DIGITS)]
        alphabet = _UPPER + _LOWER + _DIGITS
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        candidate = "".join(chars)
        if not password_problems(candidate, identity):
            return candidate
    raise RuntimeError("no compliant password found")  # pragma: no cover


# ---------------------------------------------------------------------------------------
# Secrets from the environment: read once, kept in this process only
# ---------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


def read_password(
    person: AccountHolder = None,
    *,
    env: Mapping[str, str] | None = None,
    prompt: bool = True,
    confirm: bool = True,
    console: Console | None = None,
    input_stream: TextIO | None = None,
    check_rules: bool = True,
    offer_generated: bool | None = None,
    ask: Ask | None = None,
) -> str:
    """The password from `CARSAT_PILOT_PASSWORD` (read once, then gone from the
    environment), else asked twice with a hidden prompt.

    `check_rules=False` for logging in: the password already exists on the site and our
    copy of its rules must not lock the person out. `offer_generated` (default: when
    creating, i.e. `confirm`) lets the person press Enter to get a compliant password.
    """
    from_env = take_secret(PASSWORD_ENV, env)
    if from_env:
        if check_rules:
            check_password(from_env, person, f"Le mot de passe de la variable {PASSWORD_ENV}")
        return from_env
    if not prompt:
        raise BadInput(
            f"Aucun mot de passe fourni : définissez la variable d'environnement {PASSWORD_ENV} "
            "ou lancez la commande dans un terminal pour le saisir.",
            field=PASSWORD_FIELD,
        )
    ask = ask or Ask(console or Console(), input_stream)
    if offer_generated is None:
        offer_generated = confirm
    # Showing a proposed password is only done on a real terminal, never into a pipe
    # or a log file that stdout might be redirected to.
    offer_generated = offer_generated and ask.console.is_terminal
    try:
        return _prompt_password(ask, person, confirm, check_rules, offer_generated)
    except InputEnded:
        raise BadInput(
            "Aucun mot de passe n'a été saisi (fin de l'entrée) : définissez la variable "
            f"d'environnement {PASSWORD_ENV} ou répondez à la question.",
            field=PASSWORD_FIELD,
        ) from None


def read_login_password(ask: Ask) -> str:
    """The password of an account that exists: from the environment or asked once, and
    not held to our copy of the site's rules (they must not lock the person out)."""
    return read_password(None, console=ask.console, ask=ask, confirm=False, check_rules=False)


def _show_rules(console: Console, offer_generated: bool) -> None:
    console.print(
        "[bold]Mot de passe du site[/] : 8 à 20 lettres sans accent et chiffres, avec au moins "
        "une majuscule, une minuscule et un chiffre ; sans votre nom, prénom, date de "
        "naissance ni partie du n° de sécurité sociale. La saisie est cachée."
    )
    if offer_generated:
        console.print("Appuyez sur Entrée sans rien taper pour qu'un mot de passe conforme vous soit proposé.")


def _prompt_password(ask: Ask, holder: AccountHolder, confirm: bool, check_rules: bool, offer_generated: bool) -> str:
    console = ask.console
    if check_rules:
        _show_rules(console, offer_generated)
    for attempt in range(1, MAX_TRIES + 1):
        password = ask.secret("Mot de passe :")
        if not password and offer_generated:
            password = generate_password(holder)
            console.print(
                f"Mot de passe proposé : [bold]{escape(password)}[/] — notez-le maintenant, il ne sera plus affiché."
            )
        problems = password_problems(password, holder) if check_rules else []
        if not password:
            problems = problems or ["il ne peut pas être vide"]
        if problems:
            console.print(f"[red]{escape(problems_sentence(problems))}[/]")
        elif confirm and password != ask.secret("Confirmez le mot de passe (retapez-le) :"):
            console.print("[red]Les deux saisies ne sont pas identiques : recommencez.[/]")
        else:
            return password
        if attempt < MAX_TRIES:
            console.print(f"Essai {attempt + 1} sur {MAX_TRIES}.")
    raise BadInput(
        f"Mot de passe refusé après {MAX_TRIES} essais : relancez la commande avec un mot de "
        "passe conforme aux règles du site.",
        field=PASSWORD_FIELD,
    )
