"""Password rules of the seed, the generator, and the hidden prompt."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.secret_env import PASSWORD_ENV
from carsat_pilot.person import passwords
from carsat_pilot.person.passwords import (
    PROBLEM_DATE,
    PROBLEM_NIR,
    PROBLEM_NO_DIGIT,
    PROBLEM_NO_LOWER,
    PROBLEM_NO_UPPER,
    PROBLEM_NOM,
    PROBLEM_PRENOM,
    PROBLEM_SPECIAL,
    PROBLEM_TOO_LONG,
    PROBLEM_TOO_SHORT,
    check_password,
    generate_password,
    password_problems,
    read_password,
)
from carsat_pilot.person.profile import Identity

JEAN = Identity(nir="1850775123456", nom="DUPONT", prenom="Jean", date_naissance=date(1985, 7, 15))
GOOD = "Vrak7Tzw"


def console(*, terminal: bool = False) -> Console:
    return Console(file=io.StringIO(), width=200, force_terminal=terminal, color_system=None)


def output(con: Console) -> str:
    return con.file.getvalue()  # type: ignore[attr-defined, no-any-return]


# --- Rules, one by one ---------------------------------------------------------------------


def test_a_compliant_password_has_no_problem() -> None:
    assert password_problems(GOOD, JEAN) == []
    assert password_problems("Ab3" + "x" * 17, JEAN) == []  # 20 characters
    assert check_password(GOOD, JEAN) == GOOD


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Ab3xyzw", PROBLEM_TOO_SHORT),
        ("Ab3" + "x" * 18, PROBLEM_TOO_LONG),
        ("vrak7tzw", PROBLEM_NO_UPPER),
        ("VRAK7TZW", PROBLEM_NO_LOWER),
        ("VrakTzwq", PROBLEM_NO_DIGIT),
        ("Vrak7Tzw!", PROBLEM_SPECIAL),
        ("Vrak7 Tzw", PROBLEM_SPECIAL),
        ("Vrak7Tzé", PROBLEM_SPECIAL),
        ("Vrak7Tz_", PROBLEM_SPECIAL),
        ("Vrak7Tzµ", PROBLEM_SPECIAL),
        ("Xdupont7Q", PROBLEM_NOM),
        ("7DUPONTq", PROBLEM_NOM),
        ("Qjean7xyz", PROBLEM_PRENOM),
        ("xJEAN7Qzy", PROBLEM_PRENOM),
        ("Qw15071985", PROBLEM_DATE),
        ("Qwe150785", PROBLEM_DATE),
        ("Qw19850715", PROBLEM_DATE),
        ("Qwerty1985", PROBLEM_DATE),
        ("Qwe1571985", PROBLEM_DATE),
        ("Qwerty0775", PROBLEM_NIR),
        ("Qwerty3456", PROBLEM_NIR),
        ("Qwerty5608", PROBLEM_NIR),  # the key (08) is part of the number too
    ],
)
def test_each_broken_rule_is_reported(password: str, problem: str) -> None:
    assert problem in password_problems(password, JEAN)


def test_every_broken_rule_is_listed_once() -> None:
    problems = password_problems("é", JEAN)
    assert problems == [
        PROBLEM_TOO_SHORT,
        PROBLEM_NO_UPPER,
        PROBLEM_NO_LOWER,
        PROBLEM_NO_DIGIT,
        PROBLEM_SPECIAL,
    ]


def test_short_runs_and_short_names_are_allowed() -> None:
    assert password_problems("Qwerty185x", JEAN) == []  # 3 NIR digits only
    li = Identity(nom="LI", prenom="Bo")
    assert password_problems("Lixbo7Qwe", li) == []  # names under 3 letters are not rules


def test_names_are_compared_without_accents_and_by_part() -> None:
    helene = Identity(nom="DUPONT-MARTIN", prenom="Hélène")
    assert PROBLEM_PRENOM in password_problems("Helene7Qx", helene)
    assert PROBLEM_NOM in password_problems("Martin7Qx", helene)
    assert PROBLEM_NOM in password_problems("Dupontmartin7", helene)
    oe = Identity(prenom="Cœur")
    assert PROBLEM_PRENOM in password_problems("Coeur7Qxz", oe)


def test_the_nir_rule_works_for_corsica() -> None:
    corse = Identity(nir="253072A073004")
    assert PROBLEM_NIR in password_problems("Qx72a07zz", corse)


def test_no_identity_means_only_the_character_rules() -> None:
    assert password_problems("Dupont1985", None) == []


def test_check_password_gives_one_sentence_without_the_password() -> None:
    with pytest.raises(BadInput) as caught:
        check_password("dupont!1985", JEAN)
    error = caught.value
    assert error.field == "mot de passe"
    assert error.message.startswith("Le mot de passe ne respecte pas les règles du site : ")
    assert error.message.endswith(".")
    assert error.message.count(".") == 1
    for problem in (PROBLEM_NO_UPPER, PROBLEM_NOM, PROBLEM_DATE, PROBLEM_SPECIAL):
        assert problem in error.message
    assert "dupont!1985" not in error.message


# --- Properties ----------------------------------------------------------------------------

letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=12)
nirs = st.from_regex(r"\A[12][0-9]{12}\Z")
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
identities = st.builds(Identity, nir=nirs, nom=letters, prenom=letters, date_naissance=births)
filler = st.text(alphabet="abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", max_size=6)


@given(identities)
def test_generated_passwords_always_pass(identity: Identity) -> None:
    password = generate_password(identity)
    assert password_problems(password, identity) == []
    assert 12 <= len(password) <= 14
    assert not set(password) & set("0O1lIo")


@given(identities, filler, filler, st.booleans())
def test_passwords_containing_the_nom_are_refused(
    identity: Identity, before: str, after: str, lower: bool
) -> None:
    nom = identity.nom.lower() if lower else identity.nom
    assert PROBLEM_NOM in password_problems(before + nom + after, identity)


@given(identities, filler, filler)
def test_passwords_containing_the_prenom_are_refused(
    identity: Identity, before: str, after: str
) -> None:
    assert PROBLEM_PRENOM in password_problems(before + identity.prenom.title() + after, identity)


@given(identities, filler, filler, st.sampled_from(["%d%m%Y", "%d%m%y", "%Y%m%d", "%Y"]))
def test_passwords_containing_the_birth_date_are_refused(
    identity: Identity, before: str, after: str, form: str
) -> None:
    assert identity.date_naissance is not None
    written = identity.date_naissance.strftime(form)
    assert PROBLEM_DATE in password_problems(before + written + after, identity)


@given(identities, filler, filler, st.integers(0, 9), st.integers(4, 13))
def test_passwords_containing_a_nir_run_are_refused(
    identity: Identity, before: str, after: str, start: int, size: int
) -> None:
    run = identity.nir[start : start + size]
    if len(run) < 4:
        run = identity.nir[-4:]
    assert PROBLEM_NIR in password_problems(before + run + after, identity)


# --- Reading -------------------------------------------------------------------------------


def test_the_environment_variable_wins() -> None:
    assert read_password(JEAN, env={PASSWORD_ENV: GOOD}, prompt=False) == GOOD


def test_a_bad_password_in_the_environment_is_refused_before_anything() -> None:
    with pytest.raises(BadInput) as caught:
        read_password(JEAN, env={PASSWORD_ENV: "Dupont2024"}, prompt=False)
    assert PASSWORD_ENV in caught.value.message
    assert PROBLEM_NOM in caught.value.message
    assert "Dupont2024" not in caught.value.message


def test_login_does_not_apply_our_copy_of_the_rules() -> None:
    assert read_password(JEAN, env={PASSWORD_ENV: "x"}, prompt=False, check_rules=False) == "x"


def test_no_environment_and_no_prompt_is_refused() -> None:
    with pytest.raises(BadInput, match=PASSWORD_ENV):
        read_password(JEAN, env={}, prompt=False)


def test_prompt_reasks_until_compliant_and_confirmed() -> None:
    con = console()
    stream = io.StringIO("dupont1\nVrak7Tzw\nVrak7Tzx\nVrak7Tzw\nVrak7Tzw\n")
    password = read_password(JEAN, env={}, console=con, input_stream=stream)
    assert password == GOOD
    shown = output(con)
    assert PROBLEM_NOM in shown
    assert "pas identiques" in shown
    for typed in ("dupont1", "Vrak7Tzw", "Vrak7Tzx"):
        assert typed not in shown  # never echoed


def test_three_failures_end_with_bad_input() -> None:
    stream = io.StringIO("a\nb\nc\nVrak7Tzw\nVrak7Tzw\n")
    with pytest.raises(BadInput, match="3 essais"):
        read_password(JEAN, env={}, console=console(), input_stream=stream)


def test_end_of_input_is_bad_input() -> None:
    with pytest.raises(BadInput, match="fin de l'entrée"):
        read_password(JEAN, env={}, console=console(), input_stream=io.StringIO("Vrak7Tzw\n"))


def test_without_confirmation_one_line_is_enough() -> None:
    stream = io.StringIO("Vrak7Tzw\n")
    assert read_password(JEAN, env={}, confirm=False, console=console(), input_stream=stream) == GOOD


def test_a_generated_password_is_offered_on_a_terminal_only() -> None:
    con = console(terminal=True)
    password = read_password(
        JEAN, env={}, confirm=False, offer_generated=True, console=con, input_stream=io.StringIO("\n")
    )
    assert password_problems(password, JEAN) == []
    assert output(con).count(password) == 1  # shown once, to be written down
    piped = console(terminal=False)
    with pytest.raises(BadInput):
        read_password(
            JEAN,
            env={},
            confirm=False,
            offer_generated=True,
            console=piped,
            input_stream=io.StringIO("\n\n\n"),
        )
    assert "proposé" not in output(piped)


def test_a_generated_password_must_be_retyped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "generate_password", lambda person=None: "Hx7pQr4mZk2w")
    password = read_password(
        JEAN, env={}, console=console(terminal=True), input_stream=io.StringIO("\nHx7pQr4mZk2w\n")
    )
    assert password == "Hx7pQr4mZk2w"
