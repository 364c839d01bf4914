"""The checks of `checks` as pydantic field validators, for the profile's models.

A refusal stays the checks' own French sentence (a `bad_input` error carrying it and the
field's key), so that pydantic reports the profile's errors in the order of the form and
`profile` turns the first one into a `BadInput` unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from carsat_pilot.core.errors import BadInput
from carsat_pilot.person import checks

T = TypeVar("T")

BAD_INPUT = "bad_input"


def field_error(message: str, field: str) -> PydanticCustomError:
    """A pydantic error that is one of the checks' sentences, naming `field`."""
    return PydanticCustomError(BAD_INPUT, "{message}", {"message": message, "field": field})


def _as_text(value: Any, field: str) -> str:
    # TOML lets people write `numero = 12` or an unquoted NIR: a number is taken as text.
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise field_error(f"Le champ « {field} » doit être un texte entre guillemets.", field)


def checked(field: str, check: Callable[[str, str], T]) -> BeforeValidator:
    """The validator of a text field: `check(text, field)`, its refusal kept word for word."""

    def run(value: Any) -> T:
        text = _as_text(value, field)
        try:
            return check(text, field)
        except BadInput as exc:
            raise field_error(exc.message, field) from None

    return BeforeValidator(run)


def nir(raw: str, field: str) -> str:
    cleaned = checks.clean_nir(raw, field)
    checks.check_nir(cleaned, field)  # its warnings are returned again by profile.check_profile
    return cleaned


def code_postal(raw: str, field: str) -> str:
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
        raise field_error(exc.message, field) from None
    raise field_error(f"Le champ « {field} » doit être une date au format JJ/MM/AAAA (reçu : {value}).", field)


# A TOML date, a date-time or a text JJ/MM/AAAA (or AAAA-MM-JJ), range-checked.
BIRTH_DATE = BeforeValidator(_birth_date)
