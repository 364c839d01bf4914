"""Input checks: good and bad values for each, and the NIR rule as a property."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.fr import nir as stdnum_nir

from carsat_pilot.core.errors import BadInput, ExitCode
from carsat_pilot.journeys.demo import DEMO_PROFILE
from carsat_pilot.person import checks
from carsat_pilot.person.profile import Profile, check_profile, parse_profile

# The valid NIRs of the notes, as the site wants them: 13 characters, no key.
VALID_NIRS = {
    "2951099126111": ("Madame", date(1995, 10, 3)),
    "253072A073004": ("Madame", date(1953, 7, 1)),
    "253072B073004": ("Madame", date(1953, 7, 1)),
    "1801275123456": ("Monsieur", date(1980, 12, 25)),
    "2550814168025": ("Madame", date(1955, 8, 14)),
}


def refused(call: object, *args: object) -> BadInput:
    with pytest.raises(BadInput) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    return caught.value


# --- NIR structure ----------------------------------------------------------------------


@pytest.mark.parametrize("nir", sorted(VALID_NIRS))
def test_valid_nirs_of_the_notes_are_accepted_without_warning(nir: str) -> None:
    assert checks.check_nir(nir) == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("2 95 10 99 126 111", "2951099126111"),
        ("2.95.10.99.126.111", "2951099126111"),
        ("2-53-07-2a-073-004", "253072A073004"),
        ("253072b073004", "253072B073004"),
        # A full number with its right key (copied from a carte Vitale): key dropped.
        ("2 95 10 99 126 111 93", "2951099126111"),
        ("253072A07300443", "253072A073004"),
        ("253072B07300470", "253072B073004"),
    ],
)
def test_clean_nir(raw: str, clean: str) -> None:
    assert checks.clean_nir(raw) == clean


def test_full_nir_with_a_wrong_key_is_refused() -> None:
    error = refused(checks.clean_nir, "295109912611199")
    assert error.field == "nir"
    assert "clé" in error.message


@pytest.mark.parametrize(
    ("nir", "words"),
    [
        ("185077512345", "13 premiers caractères"),
        ("18507751234567", "13 premiers caractères"),
        ("", "13 premiers caractères"),
        ("18507751234X6", "« X » en position 12"),
        ("1850775I23456", "« I » en position 8"),
        ("253072C073004", "département"),
        ("2530720A73004", "position"),
        ("5850775123456", "doit commencer par 1 (homme) ou 2 (femme)"),
        ("0850775123456", "doit commencer par 1"),
        ("9850775123456", "doit commencer par 1"),
        ("1851375123456", "mois de naissance impossible"),
        ("1850075123456", "mois de naissance impossible"),
        ("1851975123456", "mois de naissance impossible"),
        ("1854375123456", "mois de naissance impossible"),
        ("1854975123456", "mois de naissance impossible"),
        ("1850700123456", "département de naissance impossible"),
    ],
)
def test_bad_nirs_are_refused_naming_the_field(nir: str, words: str) -> None:
    error = refused(checks.check_nir, nir)
    assert error.field == "nir"
    assert "« nir »" in error.message
    assert words in error.message
    assert error.message.endswith(".")


@pytest.mark.parametrize("digit", ["7", "8", "3", "4"])
def test_unusual_sex_digits_are_accepted_with_a_warning(digit: str) -> None:
    warnings = checks.check_nir(digit + "850775123456")
    assert len(warnings) == 1
    if digit in "78":
        assert "provisoire" in warnings[0]


@pytest.mark.parametrize("month", ["20", "30", "42", "50", "63", "99"])
def test_pseudo_months_are_accepted_and_skip_the_month_check(month: str) -> None:
    nir = f"185{month}75123456"
    warnings = checks.check_nir(nir)
    assert len(warnings) == 1
    assert "conventionnel" in warnings[0]
    checks.check_nir_matches_identity(nir, "Monsieur", date(1985, 3, 2))  # any month


@pytest.mark.parametrize("department", ["01", "20", "2A", "2B", "75", "91", "96", "97", "99"])
def test_every_real_department_is_accepted(department: str) -> None:
    assert checks.check_nir(f"18507{department}123456") == []


# --- NIR consistency with civilité and birth date ----------------------------------------


@pytest.mark.parametrize("nir", sorted(VALID_NIRS))
def test_valid_nirs_match_their_identity(nir: str) -> None:
    civilite, born = VALID_NIRS[nir]
    checks.check_nir_matches_identity(nir, civilite, born)  # type: ignore[arg-type]


def test_sex_mismatch_names_both_fields() -> None:
    error = refused(checks.check_nir_matches_identity, "1850775123456", "Madame", date(1985, 7, 15))
    assert error.message == (
        "Le n° de sécurité sociale (nir) indique un homme mais la civilité (civilite) est « Madame »."
    )
    error = refused(checks.check_nir_civilite, "2951099126111", "Monsieur")
    assert "une femme" in error.message
    assert "(civilite)" in error.message


def test_year_mismatch_names_both_fields() -> None:
    error = refused(checks.check_nir_matches_identity, "1850775123456", "Monsieur", date(1986, 7, 15))
    assert "(nir)" in error.message
    assert "(date_naissance)" in error.message
    assert "15/07/1986" in error.message


def test_month_mismatch_names_both_fields() -> None:
    error = refused(checks.check_nir_birth_date, "1850775123456", date(1985, 8, 15))
    assert "(nir)" in error.message
    assert "(date_naissance)" in error.message
    assert "07" in error.message


@st.composite
def consistent_identities(draw: st.DrawFn) -> tuple[str, checks.Civilite, date]:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date.today()))
    civilite: checks.Civilite = draw(st.sampled_from(["Madame", "Monsieur"]))
    sex = draw(st.sampled_from("1" if civilite == "Monsieur" else "2"))
    month = draw(
        st.one_of(
            st.just(born.month),
            st.integers(20, 42),
            st.integers(50, 99),
        )
    )
    department = draw(st.one_of(st.integers(1, 99).map(lambda d: f"{d:02d}"), st.sampled_from(["2A", "2B"])))
    rest = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    nir = f"{sex}{born.year % 100:02d}{month:02d}{department}{rest}"
    return nir, civilite, born


@given(consistent_identities())
def test_any_consistent_nir_is_accepted(identity: tuple[str, checks.Civilite, date]) -> None:
    nir, civilite, born = identity
    assert checks.clean_nir(nir) == nir
    checks.check_nir(nir)
    checks.check_nir_matches_identity(nir, civilite, born)
    # with its key too, as typed from a carte Vitale
    assert checks.clean_nir(nir + stdnum_nir.calc_check_digits(nir)) == nir


@given(consistent_identities(), st.sampled_from("05693"))
def test_corrupted_sex_digit_is_refused(identity: tuple[str, checks.Civilite, date], digit: str) -> None:
    nir, civilite, born = identity
    corrupted = digit + nir[1:]
    if digit == "3":  # a real (rare) digit: accepted alone, refused against Madame
        checks.check_nir(corrupted)
        if civilite == "Madame":
            error = refused(checks.check_nir_matches_identity, corrupted, civilite, born)
            assert "(nir)" in error.message and "(civilite)" in error.message
        return
    error = refused(checks.check_nir, corrupted)
    assert error.field == "nir"
    assert "« nir »" in error.message


@given(consistent_identities())
def test_opposite_civilite_is_refused(identity: tuple[str, checks.Civilite, date]) -> None:
    nir, civilite, born = identity
    other: checks.Civilite = "Monsieur" if civilite == "Madame" else "Madame"
    error = refused(checks.check_nir_matches_identity, nir, other, born)
    assert "(nir)" in error.message and "(civilite)" in error.message


@given(
    consistent_identities(),
    st.one_of(st.just(0), st.integers(13, 19), st.integers(43, 49)),
)
def test_impossible_month_is_refused(identity: tuple[str, checks.Civilite, date], month: int) -> None:
    nir, _, _ = identity
    error = refused(checks.check_nir, f"{nir[:3]}{month:02d}{nir[5:]}")
    assert error.field == "nir"
    assert "mois" in error.message


@given(consistent_identities(), st.integers(1, 11))
def test_other_real_month_is_refused_naming_both_fields(
    identity: tuple[str, checks.Civilite, date], shift: int
) -> None:
    nir, civilite, born = identity
    month = (born.month - 1 + shift) % 12 + 1
    corrupted = f"{nir[:3]}{month:02d}{nir[5:]}"
    checks.check_nir(corrupted)  # fine alone
    error = refused(checks.check_nir_matches_identity, corrupted, civilite, born)
    assert "(nir)" in error.message and "(date_naissance)" in error.message


# --- Civilité, names, date ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "civilite"),
    [
        ("Madame", "Madame"),
        ("madame", "Madame"),
        ("Mme", "Madame"),
        ("mme.", "Madame"),
        ("Mademoiselle", "Madame"),
        (" MONSIEUR ", "Monsieur"),
        ("M.", "Monsieur"),
        ("m", "Monsieur"),
        ("Mr", "Monsieur"),
    ],
)
def test_civilite_is_tolerant(raw: str, civilite: str) -> None:
    assert checks.parse_civilite(raw) == civilite


@pytest.mark.parametrize("raw", ["", "Docteur", "Mx", "1"])
def test_unknown_civilite_is_refused(raw: str) -> None:
    error = refused(checks.parse_civilite, raw)
    assert error.field == "civilite"
    assert "« civilite »" in error.message


def test_names() -> None:
    assert checks.normalize_nom("  de la  Fontaine ") == "DE LA FONTAINE"
    assert checks.normalize_nom("Lefèvre-D'Arc") == "LEFÈVRE-D'ARC"
    assert checks.normalize_prenom("  Jean-Pierre ") == "Jean-Pierre"
    assert checks.normalize_prenom("hélène") == "hélène"
    for bad in ("", "   ", "DUP0NT", "Jean!", "-"):
        error = refused(checks.normalize_nom, bad)
        assert error.field == "nom_naissance"
    assert refused(checks.normalize_prenom, "J3an").field == "prenom"


@pytest.mark.parametrize("raw", ["15/07/1985", "15/7/1985", "1985-07-15", " 15-07-1985 ", "15.07.1985"])
def test_birth_date_formats(raw: str) -> None:
    assert checks.parse_birth_date(raw) == date(1985, 7, 15)


def test_birth_date_five_seven() -> None:
    assert checks.parse_birth_date("5/7/1985") == date(1985, 7, 5)


def test_impossible_date_message_is_the_documented_sentence() -> None:
    error = refused(checks.parse_birth_date, "31/02/1985")
    assert error.message == ("Le champ « date_naissance » doit être une date au format JJ/MM/AAAA (reçu : 31/02/1985).")
    assert error.field == "date_naissance"


@pytest.mark.parametrize("raw", ["", "15071985", "07/15/1985", "15/07/85", "hier"])
def test_unreadable_dates_are_refused(raw: str) -> None:
    assert "JJ/MM/AAAA" in refused(checks.parse_birth_date, raw).message


def test_birth_date_range() -> None:
    tomorrow = date.today() + timedelta(days=1)
    assert "futur" in refused(checks.check_birth_date, tomorrow).message
    assert "1900" in refused(checks.parse_birth_date, "31/12/1899").message
    assert checks.parse_birth_date("01/01/1900") == date(1900, 1, 1)
    assert checks.check_birth_date(date.today()) == date.today()


# --- Address -----------------------------------------------------------------------------


def test_postal_code() -> None:
    assert checks.check_postal_code("FRANCE", "75012") == "75012"
    assert checks.check_postal_code("FRANCE", " 97 400 ") == "97400"
    assert checks.check_postal_code("BELGIQUE", "1000") == "1000"
    assert checks.check_postal_code("BELGIQUE", "") == ""
    for bad in ("7501", "750123", "75O12", ""):
        error = refused(checks.check_postal_code, "FRANCE", bad)
        assert error.field == "adresse.code_postal"
        assert "5 chiffres" in error.message


def test_country() -> None:
    assert checks.normalize_pays("France") == "FRANCE"
    assert checks.normalize_pays("fr") == "FRANCE"
    assert checks.normalize_pays(" belgique ") == "BELGIQUE"
    assert refused(checks.normalize_pays, " ").field == "adresse.pays"


def test_ville_and_voie_are_required() -> None:
    assert checks.normalize_ville(" paris ") == "PARIS"
    assert checks.normalize_voie("rue  de la gare") == "RUE DE LA GARE"
    assert refused(checks.normalize_ville, "").field == "adresse.ville"
    assert refused(checks.normalize_voie, "  ").field == "adresse.voie"


def test_complement_is_tolerant() -> None:
    assert checks.normalize_complement("bis") == "BIS"
    assert checks.normalize_complement(" Ter. ") == "TER"
    assert checks.normalize_complement("") == ""
    for known in ("", "BIS", "TER", "QUATER", "A", "B", "C"):
        assert checks.complement_warnings(known) == []
    assert len(checks.complement_warnings("ESCALIER 3")) == 1


# --- Contact -----------------------------------------------------------------------------


def test_email() -> None:
    assert checks.normalize_email(" jean.dupont@Example.ORG ") == "jean.dupont@example.org"
    for bad in ("jean", "jean@", "jean@example", "jean dupont@example.org", "élodie@exemple.fr"):
        error = refused(checks.normalize_email, bad)
        assert error.field == "contact.email"
        assert "« contact.email »" in error.message
    assert "obligatoire" in refused(checks.normalize_email, "").message


@pytest.mark.parametrize(
    ("raw", "site"),
    [
        ("0612345678", "0612345678"),
        ("06 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("+33 6 12 34 56 78", "0612345678"),
        ("+33612345678", "0612345678"),
        ("0033 6 12 34 56 78", "0612345678"),
        ("01 23 45 67 89", "0123456789"),
        ("0692 12 34 56", "0692123456"),  # La Réunion: French 10-digit plan
        ("+262 692 12 34 56", "0692123456"),
        ("+32 470 12 34 56", "032470123456"),
        ("0032 470 12 34 56", "032470123456"),
        ("+1 202 555 0123", "0012025550123"),
        ("+352 621 123 456", "352621123456"),
        ("+39 06 1234 5678", "0390612345678"),  # Italy keeps its leading 0
        ("", ""),
        ("   ", ""),
    ],
)
def test_phone_in_the_site_format(raw: str, site: str) -> None:
    assert checks.normalize_phone(raw) == site
    assert checks.normalize_phone(site) == site  # idempotent: a saved profile reloads


@pytest.mark.parametrize("raw", ["061", "06123456789", "abc", "+33 1", "1234"])
def test_bad_phones_are_refused(raw: str) -> None:
    error = refused(checks.normalize_phone, raw)
    assert error.field == "contact.telephone"
    assert "« contact.telephone »" in error.message


def test_secret_answer_is_never_echoed() -> None:
    assert checks.normalize_answer("  Médor  ") == "Médor"
    assert refused(checks.normalize_answer, "  ").field == "contact.reponse_secrete"


# --- Whole profile -----------------------------------------------------------------------


def design_profile(**changes: object) -> dict[str, object]:
    """DESIGN.md's example profile (the demo's person), with some keys changed."""
    data: dict[str, object] = copy.deepcopy(DEMO_PROFILE)
    data.update(changes)
    return data


def test_check_profile_accepts_the_design_example() -> None:
    assert check_profile(parse_profile(design_profile())) == []


def test_check_profile_returns_warnings() -> None:
    adresse = {"code_postal": "75012", "ville": "X", "voie": "Y", "complement": "Z1"}
    profile = parse_profile(design_profile(nir="7852075123456", adresse=adresse))
    warnings = check_profile(profile)
    assert len(warnings) == 3  # provisional NIR, pseudo-month, unusual complement


def test_check_profile_reports_the_first_error_in_form_order() -> None:
    good = parse_profile(design_profile())
    # model_construct skips validation: as if a caller built a profile by hand.
    broken = Profile.model_construct(
        **(
            dict(good)
            | {
                "nir": "1850775123456",
                "civilite": "Madame",
                "contact": good.contact.model_construct(**(dict(good.contact) | {"email": "pas-un-email"})),
            }
        )
    )
    error = refused(check_profile, broken)
    assert "(civilite)" in error.message
    broken_email_only = Profile.model_construct(**(dict(good) | {"contact": broken.contact}))
    assert refused(check_profile, broken_email_only).field == "contact.email"
