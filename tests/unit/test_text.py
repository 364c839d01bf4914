"""The one fold of French words (carsat_pilot.core.text), and that every comparison uses it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carsat_pilot.core.text import fold
from carsat_pilot.person import checks, passwords
from carsat_pilot.person.profile import Identity
from carsat_pilot.record.masking import words_pattern
from carsat_pilot.site import textmatch


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("  Sécurité   Sociale ", "securite sociale"),
        ("LEFÈVRE-ÖZTÜRK", "lefevre-ozturk"),
        ("ŒUVRARD", "oeuvrard"),
        ("Lætitia", "laetitia"),
        ("Straße", "strasse"),
        ("SØRENSEN", "sorensen"),
        ("D’ALMEIDA", "d'almeida"),
        ("Dʼalmeida", "d'almeida"),
        ("D`ALMEIDA", "d'almeida"),
        ("Nom\u00a0:\u202fvaleur\u2009fin", "nom : valeur fin"),
        ("Ça\tva\n", "ca va"),
    ],
)
def test_fold_case_accents_ligatures_apostrophes_and_spaces(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text())
def test_fold_is_idempotent_and_ascii(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once.isascii()


def test_the_site_words_use_the_one_fold() -> None:
    assert textmatch.fold is fold


def test_the_country_is_folded_the_same_way() -> None:
    assert checks.normalize_pays("  côte   d’ivoire ") == "COTE D'IVOIRE"
    assert checks.normalize_pays("Ærø") == "AERO"


@pytest.mark.parametrize("password", ["Oeuvrard2024x", "xLefevreOzturk9"])
def test_the_password_rules_see_a_name_through_ligatures_and_accents(password: str) -> None:
    person = Identity(nom="ŒUVRARD" if "euvrard" in password else "LEFÈVRE-ÖZTÜRK")
    assert passwords.PROBLEM_NOM in passwords.password_problems(password, person)


def test_a_letter_without_decomposition_is_still_masked() -> None:
    # « Ø » folds to « o » but is no accented « o »: the masker must still find the name.
    pattern = words_pattern("SØRENSEN")
    assert pattern is not None
    assert pattern.search("Bonjour Sørensen") and pattern.search("SØRENSEN")
    accented = words_pattern("Hélène")
    assert accented is not None and accented.search("HELENE") and accented.search("hélène")


def test_a_password_without_the_name_is_not_refused_for_it() -> None:
    assert passwords.password_problems("Abcdefgh2345", Identity(nom="ŒUVRARD", date_naissance=date(1985, 7, 15))) == []
