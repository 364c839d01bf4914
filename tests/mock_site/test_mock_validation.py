"""The replica's rules, unit by unit: NIR, names, birth date, phone, e-mail, password,
address normalization."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_site import validation as v
from mock_site.addresses import AddressInput, address_errors, communes_for, normalize_address, normalize_street

BORN = date(1985, 7, 15)
TODAY = date(2018, 10, 7)


@pytest.mark.parametrize(
    ("nir", "civilite", "born", "expected"),
    [
        ("1850775123456", "Monsieur", BORN, []),
        ("", "Monsieur", BORN, [v.NIR_REQUIRED]),
        ("185077512345", "Monsieur", BORN, [v.NIR_LENGTH]),
        ("18507751234567", "Monsieur", BORN, [v.NIR_LENGTH]),
        ("3850775123456", "Monsieur", BORN, [v.NIR_INVALID]),
        ("18507751234A6", "Monsieur", BORN, [v.NIR_INVALID]),
        ("185072C123456", "Monsieur", BORN, [v.NIR_INVALID]),
        ("253072A073004", "Madame", date(1953, 7, 1), []),  # Corsica, 2A
        ("253072B073004", "Madame", date(1953, 7, 1), []),  # Corsica, 2B
        ("2951099126111", "Madame", date(1995, 10, 12), []),  # born abroad
        ("1850775123456", "Madame", BORN, [v.NIR_SEX_MISMATCH]),
        ("2850775123456", "Monsieur", BORN, [v.NIR_SEX_MISMATCH]),
        ("7850775123456", "Monsieur", BORN, []),  # provisional number, accepted
        ("8850775123456", "Madame", BORN, []),
        ("1860775123456", "Monsieur", BORN, [v.NIR_DATE_MISMATCH]),
        ("1850875123456", "Monsieur", BORN, [v.NIR_DATE_MISMATCH]),
        ("1853575123456", "Monsieur", BORN, []),  # pseudo-month: no date check
        ("1855075123456", "Monsieur", BORN, []),
        ("1950775123456", "Monsieur", None, []),  # date invalid elsewhere: no cross-check
    ],
)
def test_nir_rules(nir: str, civilite: str, born: date | None, expected: list[str]) -> None:
    assert v.nir_errors(nir, civilite, born) == expected


def test_nir_is_cleaned_of_spaces_and_upper_cased() -> None:
    assert v.clean_nir(" 2 53 07 2a 073 004 ") == "253072A073004"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("15", "07", "1985"), None),
        (("5", "7", "1985"), None),
        (("", "", ""), v.DATE_REQUIRED),
        (("31", "02", "1985"), v.DATE_INVALID),
        (("15", "13", "1985"), v.DATE_INVALID),
        (("15", "07", "85"), v.DATE_INVALID),
        (("aa", "07", "1985"), v.DATE_INVALID),
        (("15", "07", "2030"), v.DATE_INVALID),
        (("15", "07", "1850"), v.DATE_INVALID),
        (("15", "", "1985"), v.DATE_INVALID),
    ],
)
def test_birth_date_in_three_boxes(parts: tuple[str, str, str], expected: str | None) -> None:
    born, error = v.parse_birth_date(*parts, TODAY)
    assert error == expected
    assert (born is None) == (expected is not None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Dupont", None),
        ("D'Artagnan-Martin de la Tour", None),
        ("Éloïse", None),
        ("", v.NOM_REQUIRED),
        ("Dupont3", v.NOM_INVALID),
        ("-Dupont", v.NOM_INVALID),
        ("Du@pont", v.NOM_INVALID),
    ],
)
def test_names(value: str, expected: str | None) -> None:
    assert v.name_error(value, v.NOM_REQUIRED, v.NOM_INVALID) == expected


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("0612345678", True),
        ("06 12 34 56 78", True),
        ("06.12.34.56.78", True),
        ("", True),
        ("0320471234567", True),  # foreign: XXX0123456789
        ("612345678", False),
        ("+33612345678", False),  # the site wants digits only: the tool normalizes
        ("06123456789", True),  # eleven digits read as a foreign number
        ("abc", False),
    ],
)
def test_phone_format(raw: str, ok: bool) -> None:
    assert (v.phone_error(v.clean_phone(raw)) is None) == ok


@pytest.mark.parametrize(
    ("email", "confirmation", "expected"),
    [
        ("jean.dupont@example.org", "jean.dupont@example.org", []),
        ("jean.dupont@example.org", "JEAN.DUPONT@example.org", []),
        ("", "", [v.EMAIL_REQUIRED]),
        ("jean.dupont", "jean.dupont", [v.EMAIL_INVALID]),
        ("jean@exemple", "jean@exemple", [v.EMAIL_INVALID]),
        ("jean.dupont@example.org", "", [v.EMAIL_CONFIRM_REQUIRED]),
        ("jean.dupont@example.org", "jean.dupond@example.org", [v.EMAIL_MISMATCH]),
    ],
)
def test_email_rules(email: str, confirmation: str, expected: list[str]) -> None:
    assert v.email_errors(email, confirmation) == expected


PERSON = {"nom": "Dupont", "prenom": "Jean", "born": BORN, "nir": "1850775123456"}


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Retraite2024", []),
        ("", [v.PASSWORD_REQUIRED]),
        ("Ab1cdef", [v.PASSWORD_TOO_SHORT]),
        ("Abcdefgh1Abcdefgh1Abc", [v.PASSWORD_TOO_LONG]),
        ("retraite2024", [v.PASSWORD_NO_UPPER]),
        ("RETRAITE2024", [v.PASSWORD_NO_LOWER]),
        ("RetraiteXyz", [v.PASSWORD_NO_DIGIT]),
        ("Retraite-2024", [v.PASSWORD_SPECIAL]),
        ("Retraité2024", [v.PASSWORD_SPECIAL]),
        ("Dupont2024x", [v.PASSWORD_HAS_NOM]),
        ("xxDUPONT99x", [v.PASSWORD_HAS_NOM]),
        ("Jeanne2024x", [v.PASSWORD_HAS_PRENOM]),
        ("Retraite15071985", [v.PASSWORD_HAS_BIRTHDATE]),
        ("Retraite1985", [v.PASSWORD_HAS_BIRTHDATE]),
        ("Retraite150785", [v.PASSWORD_HAS_BIRTHDATE]),
        ("Retraite19850715", [v.PASSWORD_HAS_BIRTHDATE, v.PASSWORD_HAS_NIR]),
        ("Abcdef3456", [v.PASSWORD_HAS_NIR]),
        ("Abcdef0775", [v.PASSWORD_HAS_NIR]),
        ("Abcdef345", []),  # three digits of the NIR are not "a part" of it
        ("dupont", [v.PASSWORD_TOO_SHORT, v.PASSWORD_NO_UPPER, v.PASSWORD_NO_DIGIT, v.PASSWORD_HAS_NOM]),
    ],
)
def test_password_rules_each_with_its_message(password: str, expected: list[str]) -> None:
    assert v.password_errors(password, **PERSON) == expected  # type: ignore[arg-type]


def test_short_name_parts_do_not_forbid_letters() -> None:
    assert v.password_errors("Lyonnais2024", nom="Ly", prenom="Jo", born=BORN, nir="") == []


@pytest.mark.parametrize(
    ("street", "expected"),
    [
        ("avenue du Général Leclerc", "AV DU GAL LECLERC"),
        ("Boulevard Saint-Michel", "BD ST MICHEL"),
        ("place Sainte-Anne", "PL STE ANNE"),
        ("rue de l'Église", "RUE DE L EGLISE"),
        ("  chemin   des  Près ", "CHE DES PRES"),
        ("Lieu-dit Le Moulin", "LD LE MOULIN"),
    ],
)
def test_street_normalization(street: str, expected: str) -> None:
    assert normalize_street(street) == expected


@given(st.text(max_size=60))
def test_normalized_street_is_postal_alphabet_and_stable(street: str) -> None:
    once = normalize_street(street)
    assert all(c.isascii() and (c.isupper() or c.isdigit() or c in " -") for c in once)
    assert normalize_street(once) == once


def test_postal_codes_table() -> None:
    assert communes_for("75012") == ["PARIS"]
    assert communes_for("20000") == ["AJACCIO"]
    assert "BASTIA" in communes_for("20200")
    assert communes_for("97400") == ["SAINT-DENIS"]
    assert communes_for("01000") == ["BOURG-EN-BRESSE", "SAINT-DENIS-LES-BOURG"]
    assert communes_for("99999") == []


def test_address_lines_and_errors() -> None:
    address = AddressInput("FRANCE", "13001", "MARSEILLE", "4", "", "quai du Port")
    assert address_errors(address) == {}
    assert normalize_address(address) == ["4 QUAI DU PORT", "13001 MARSEILLE", "FRANCE"]
    wrong = AddressInput("FRANCE", "1300", "", "4b", "", "")
    assert set(address_errors(wrong)) == {"code_postal", "numero_voie", "nom_voie"}
    foreign = AddressInput("BELGIQUE", "1000", "Bruxelles", "", "", "rue Neuve")
    assert address_errors(foreign) == {}
    assert normalize_address(foreign)[1:] == ["1000 BRUXELLES", "BELGIQUE"]
