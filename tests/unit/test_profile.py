"""Profile: TOML loading with French errors, normalization, masking, safe saving."""

from __future__ import annotations

import stat
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from carsat_pilot.core.errors import BadInput
from carsat_pilot.person.profile import (
    FIELD_LABELS,
    Identity,
    Profile,
    check_profile,
    load_nir_only,
    load_profile,
    mask_email,
    mask_nir,
    parse_profile,
    profile_to_toml,
    save_profile,
)

DESIGN_TOML = """\
nir = "1850775123456"        # 13 premiers chiffres du n° de Sécurité sociale
civilite = "Monsieur"        # "Madame" ou "Monsieur"
nom_naissance = "DUPONT"
prenom = "Jean"
date_naissance = "15/07/1985"   # JJ/MM/AAAA

[adresse]
pays = "FRANCE"
code_postal = "75012"
ville = "PARIS"
numero = "12"
complement = ""              # "", "BIS", "TER", …
voie = "RUE DE LA GARE"

[contact]
telephone = "0612345678"     # facultatif ; +33 6 12 34 56 78 est accepté et normalisé
email = "jean.dupont@example.org"
question_secrete = "Quel est le nom de votre premier animal de compagnie ?"
reponse_secrete = "Medor"
"""


def write(tmp_path: Path, text: str, name: str = "profil.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused_load(tmp_path: Path, text: str) -> BadInput:
    with pytest.raises(BadInput) as caught:
        load_profile(write(tmp_path, text))
    return caught.value


# --- Loading and normalizing ---------------------------------------------------------------


def test_the_design_example_loads(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML))
    assert profile.nir == "1850775123456"
    assert profile.civilite == "Monsieur"
    assert profile.date_naissance == date(1985, 7, 15)
    assert profile.adresse.code_postal == "75012"
    assert profile.contact.email == "jean.dupont@example.org"
    assert check_profile(profile) == []


def test_values_are_normalized_on_load(tmp_path: Path) -> None:
    text = (
        DESIGN_TOML.replace('"1850775123456"', '"2 53 07 2a 073 004"')
        .replace('civilite = "Monsieur"', 'civilite = "mme"')
        .replace('"DUPONT"', '"  dupont-martin "')
        .replace('prenom = "Jean"', 'prenom = "  Jeanne  Marie "')
        .replace('"15/07/1985"', '"1/7/1953"')
        .replace('"0612345678"', '"+33 6 12 34 56 78"')
        .replace('pays = "FRANCE"', 'pays = "France"')
        .replace('complement = ""', 'complement = "bis"')
        .replace('numero = "12"', "numero = 12")
    )
    profile = load_profile(write(tmp_path, text))
    assert profile.nir == "253072A073004"
    assert profile.civilite == "Madame"
    assert profile.nom_naissance == "DUPONT-MARTIN"
    assert profile.prenom == "Jeanne Marie"
    assert profile.date_naissance == date(1953, 7, 1)
    assert profile.contact.telephone == "0612345678"
    assert profile.adresse.pays == "FRANCE"
    assert profile.adresse.complement == "BIS"
    assert profile.adresse.numero == "12"


@pytest.mark.parametrize(
    "written", ['"15/07/1985"', '"15/7/1985"', '"1985-07-15"', "1985-07-15", "1985-07-15T10:00:00"]
)
def test_birth_date_forms(tmp_path: Path, written: str) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML.replace('"15/07/1985"', written)))
    assert profile.date_naissance == date(1985, 7, 15)


def test_optional_keys_may_be_left_out(tmp_path: Path) -> None:
    text = "\n".join(
        line
        for line in DESIGN_TOML.splitlines()
        if not line.startswith(("telephone", "numero", "complement", "pays"))
    )
    profile = load_profile(write(tmp_path, text))
    assert profile.contact.telephone == ""
    assert profile.adresse.pays == "FRANCE"
    assert profile.adresse.numero == ""


def test_a_nir_only_profile_serves_fetch_ris(tmp_path: Path) -> None:
    assert load_nir_only(write(tmp_path, 'nir = "1 85 07 75 123 456"\n')) == "1850775123456"
    assert load_nir_only(write(tmp_path, "nir = 1850775123456\n")) == "1850775123456"
    # Other keys are not its business: a wrong phone must not stop a RIS download.
    full = DESIGN_TOML.replace('"0612345678"', '"061"')
    assert load_nir_only(write(tmp_path, full)) == "1850775123456"
    with pytest.raises(BadInput, match="« civilite » est obligatoire"):
        load_profile(write(tmp_path, 'nir = "1850775123456"\n'))  # register needs it all


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "« nir » est obligatoire"),
        ('nir = "185077512345"\n', "13 premiers caractères"),
        ('nir = ["1"]\n', "texte entre guillemets"),
        ('nir = "1850775123456"\nnir = "2"\n', "clé « nir »"),
    ],
)
def test_nir_only_refusals(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(BadInput) as caught:
        load_nir_only(write(tmp_path, text))
    assert words in caught.value.message


# --- Errors: one French sentence naming the key ----------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ('email = "jean.dupont@example.org"', "email = jean.dupont@example.org", "contact.email",
         "clé « contact.email »"),
        ('voie = "RUE DE LA GARE"', 'voie = "RUE DE LA GARE"\nvoie = "X"', "adresse.voie",
         "apparaît deux fois"),
        ('prenom = "Jean"', 'prenom "Jean"', "prenom", "signe « = »"),
        ('ville = "PARIS"', 'ville = "PARIS', "adresse.ville", "guillemet"),
        ("[contact]", "[contact", "contact", "« ] »"),
        ('"15/07/1985"', "1985-02-31", "date_naissance", "date n'existe pas"),
    ],
)  # fmt: skip
def test_toml_syntax_errors_name_the_key(
    tmp_path: Path, old: str, new: str, field: str, words: str
) -> None:
    assert old in DESIGN_TOML
    error = refused_load(tmp_path, DESIGN_TOML.replace(old, new))
    assert error.field == field
    assert "n'est pas un TOML valide" in error.message
    assert words in error.message
    assert "\n" not in error.message


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ('email = "jean.dupont@example.org"\n', "", "contact.email",
         "Le champ « contact.email » est obligatoire dans le profil « {path} »."),
        ('nir = "1850775123456"', 'nir = "1850775123456"\nxyz = "1"', "xyz",
         "Le champ « xyz » du profil « {path} » est inconnu : les champs possibles en tête du "
         "profil sont nir, civilite, nom_naissance, prenom, date_naissance, adresse, contact."),
        ('email = "jean.dupont@example.org"', 'emial = "jean.dupont@example.org"', "contact.emial",
         "Le champ « contact.emial » du profil « {path} » est inconnu : les champs possibles "
         "dans [contact] sont telephone, email, question_secrete, reponse_secrete."),
        ('"15/07/1985"', '"31/02/1985"', "date_naissance",
         "Le champ « date_naissance » doit être une date au format JJ/MM/AAAA (reçu : 31/02/1985)."),
    ],
)  # fmt: skip
def test_model_errors_are_french_sentences(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    assert old in DESIGN_TOML
    path = tmp_path / "profil.toml"
    error = refused_load(tmp_path, DESIGN_TOML.replace(old, new))
    assert error.field == field
    assert error.message == message.format(path=path)


def test_a_password_key_is_refused(tmp_path: Path) -> None:
    error = refused_load(tmp_path, DESIGN_TOML + 'mot_de_passe = "Secret123"\n')
    assert error.field == "contact.mot_de_passe"
    assert "inconnu" in error.message
    assert "Secret123" not in error.message


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("[adresse]", "adresse = 1\n[adressex]", "adressex", "inconnu"),
        ('prenom = "Jean"', "prenom = [\"Jean\"]", "prenom", "texte entre guillemets"),
        ('reponse_secrete = "Medor"', "reponse_secrete = [\"Medor\"]", "contact.reponse_secrete",
         "texte entre guillemets"),
        ('civilite = "Monsieur"', 'civilite = "Docteur"', "civilite", "« Madame » ou « Monsieur »"),
        ('civilite = "Monsieur"', 'civilite = "Madame"', "nir", "(civilite)"),
        ('"15/07/1985"', '"15/07/1986"', "nir", "(date_naissance)"),
        ('code_postal = "75012"', 'code_postal = "7501"', "adresse.code_postal", "5 chiffres"),
        ('"0612345678"', '"12"', "contact.telephone", "« contact.telephone »"),
        ('"1850775123456"', '"5850775123456"', "nir", "« nir »"),
    ],
)  # fmt: skip
def test_value_errors_name_the_key(
    tmp_path: Path, old: str, new: str, field: str, words: str
) -> None:
    error = refused_load(tmp_path, DESIGN_TOML.replace(old, new, 1))
    assert error.field == field
    assert words in error.message


def test_a_missing_section_and_a_section_as_value(tmp_path: Path) -> None:
    head = DESIGN_TOML.split("[adresse]")[0]
    error = refused_load(tmp_path, head)
    assert error.field == "adresse"
    assert "La section [adresse] est obligatoire" in error.message
    error = refused_load(tmp_path, 'adresse = "12 rue"\n' + DESIGN_TOML.split("[adresse]")[0]
                         + "[contact]" + DESIGN_TOML.split("[contact]")[1])  # fmt: skip
    assert error.field == "adresse"
    assert "section [adresse]" in error.message


def test_the_secret_answer_is_never_echoed_in_errors(tmp_path: Path) -> None:
    error = refused_load(tmp_path, DESIGN_TOML.replace('"Medor"', '"   "'))
    assert error.field == "contact.reponse_secrete"
    assert "obligatoire" in error.message


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="introuvable"):
        load_profile(tmp_path / "absent.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes('prenom = "Hélène"'.encode("latin-1"))
    with pytest.raises(BadInput, match="UTF-8"):
        load_profile(path)


# --- Saving --------------------------------------------------------------------------------


def test_save_and_load_round_trip_with_mode_0600(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML, "source.toml"))
    target = tmp_path / "sous-dossier" / "profil.toml"
    assert save_profile(profile, target) == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert load_profile(target) == profile
    text = target.read_text(encoding="utf-8")
    assert "mot_de_passe" not in text and "password" not in text
    assert list(target.parent.iterdir()) == [target]  # no temporary file left


def test_saving_over_a_readable_file_makes_it_private(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML))
    target = write(tmp_path, "ancien", "existant.toml")
    target.chmod(0o644)
    save_profile(profile, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert load_profile(target) == profile


def test_save_refusal_is_bad_input(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML))
    blocker = write(tmp_path, "", "fichier")
    with pytest.raises(BadInput, match="ne peut pas être enregistré"):
        save_profile(profile, blocker / "profil.toml")


awkward_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40
).filter(lambda s: s.split() != [])


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=awkward_text, answer=awkward_text)
def test_any_text_survives_the_round_trip(tmp_path: Path, question: str, answer: str) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML))
    changed = profile.model_copy(
        update={
            "contact": profile.contact.model_copy(
                update={"question_secrete": question, "reponse_secrete": answer}
            )
        }
    )
    assert tomllib.loads(profile_to_toml(changed))["contact"]["reponse_secrete"] == answer
    save_profile(changed, tmp_path / "rt.toml")
    reloaded = load_profile(tmp_path / "rt.toml")
    assert reloaded.contact.reponse_secrete == " ".join(answer.split())
    assert reloaded.contact.question_secrete == " ".join(question.split())


# --- Masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nir", "masked"),
    [
        ("1850775123456", "1 85 07 ** *** ***"),
        ("1 85 07 75 123 456", "1 85 07 ** *** ***"),
        ("253072A073004", "2 53 07 ** *** ***"),
        ("295109912611193", "2 95 10 ** *** *** **"),
        ("18507", "1 85 07"),
        ("1850775", "1 85 07 **"),
        ("", ""),
        ("18507751234567890", "1 85 07 ** *** *** ** **"),
    ],
)
def test_mask_nir(nir: str, masked: str) -> None:
    assert mask_nir(nir) == masked


def test_mask_email() -> None:
    assert mask_email("jean.dupont@example.org") == "j•••@example.org"
    assert mask_email("a@b.fr") == "a•••@b.fr"
    assert mask_email("nimportequoi") == "•••"


def test_masked_summary_hides_secrets(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML))
    summary = profile.masked_summary()
    assert list(summary) == list(FIELD_LABELS)
    assert summary["nir"] == "1 85 07 ** *** ***"
    assert summary["contact.reponse_secrete"] == "••••"
    assert summary["contact.email"] == "j•••@example.org"
    assert summary["date_naissance"] == "15/07/1985"
    flat = " ".join(summary.values())
    assert "1850775123456" not in flat and "Medor" not in flat and "dupont@" not in flat


def test_repr_shows_neither_nir_nor_secret_answer(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML))
    assert "1850775123456" not in repr(profile)
    assert "Medor" not in repr(profile)
    assert "DUPONT" in repr(profile)


def test_profiles_are_frozen_values(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML))
    with pytest.raises(ValidationError):
        profile.nir = "2951099126111"


def test_identity_for_the_password_rules(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, DESIGN_TOML))
    assert profile.identity() == Identity(
        nir="1850775123456", nom="DUPONT", prenom="Jean", date_naissance=date(1985, 7, 15)
    )


def test_parse_profile_accepts_python_values() -> None:
    data = tomllib.loads(DESIGN_TOML)
    data["date_naissance"] = date(1985, 7, 15)
    assert isinstance(parse_profile(data), Profile)
