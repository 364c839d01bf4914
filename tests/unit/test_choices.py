"""Choose, don't fail: a value compared tolerantly with the site's list, a numbered choice
in the terminal, the secret question asked from the site's list, the saved profile
updated with what was chosen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from carsat_pilot.desk.collect import SITE_QUESTIONS, ask_profile
from carsat_pilot.desk.profiles import offer_profile_update, with_choices
from carsat_pilot.person.profile import load_profile, parse_profile, save_profile
from carsat_pilot.site.choices import Chosen, choice_key, instruction_for, match_option
from carsat_pilot.site.human import TerminalHuman
from mock_site.routes.registration import QUESTIONS
from tests.unit.test_collect import BAD_THEN_GOOD, lines_of

TOWNS = ["BOURG-EN-BRESSE", "ST DENIS LES BOURG"]


# --------------------------------------------------------------------------- matching
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Saint-Denis-lès-Bourg", "ST DENIS LES BOURG"),
        ("st denis les bourg", "ST DENIS LES BOURG"),
        ("SAINT DENIS LES BOURG", "ST DENIS LES BOURG"),
        ("Bourg en Bresse", "BOURG-EN-BRESSE"),
        ("BOURG", "BOURG-EN-BRESSE"),  # the only option starting with it, word for word
        ("PERONNAS", None),
        ("DENIS", None),  # a word inside is not a start
    ],
)
def test_a_value_is_compared_with_the_list_tolerantly(typed: str, expected: str | None) -> None:
    assert match_option(typed, TOWNS) == expected


def test_two_options_that_would_do_are_a_choice_not_a_guess() -> None:
    assert match_option("PARIS", ["PARIS 12", "PARIS 15"]) is None
    assert match_option("PARIS", ["PARIS 12", "LYON"]) == "PARIS 12"
    assert choice_key("Quel est le nom de votre premier animal de compagnie ?") == choice_key(
        "quel est le nom de votre premier animal de compagnie"
    )
    assert match_option("Quel est le nom de votre premier animal ?", QUESTIONS, prefix=False) is None


def test_the_instruction_names_the_list() -> None:
    assert instruction_for("Ville") == "Choisissez la ville dans la liste."
    assert instruction_for("Question secrète") == "Choisissez la question secrète dans la liste."
    assert instruction_for("Complément") == "Choisissez le complément d'adresse dans la liste (BIS, TER…)."
    assert instruction_for("Pays de résidence") == "Choisissez le pays de résidence dans la liste."
    assert instruction_for("Autre liste") == "Choisissez la bonne valeur dans la liste du site."


# --------------------------------------------------------------------------- the terminal
def _human(lines: str) -> tuple[TerminalHuman, io.StringIO]:
    out = io.StringIO()
    return TerminalHuman(Console(file=out, width=200, color_system=None), 5.0, stream=io.StringIO(lines)), out


def test_a_numbered_choice_is_read_from_a_pipe_and_a_wrong_number_asked_again() -> None:
    human, out = _human("9\nabc\n2\n")
    assert human.choose("« PERONNAS » n'est pas dans la liste « Ville » du site.", TOWNS) == 1
    text = out.getvalue()
    assert "  1. BOURG-EN-BRESSE" in text and "  2. ST DENIS LES BOURG" in text and "  0. Aucune" in text
    assert text.count("Répondez par un des numéros proposés") == 2


def test_none_of_them_or_nobody_to_answer_is_no_choice() -> None:
    assert _human("0\n")[0].choose("?", TOWNS) is None
    assert _human("")[0].choose("?", TOWNS) is None  # the input is closed: said, not hung


# --------------------------------------------------------------------------- collection
def _collect(question_lines: list[str]) -> tuple[str, str]:
    table = [(f, None, g) for f, _, g in BAD_THEN_GOOD if f != "save"]
    answers = "".join(f"{q}\n" for q in question_lines)
    text = lines_of(table).replace("Quel est le nom de votre premier animal ?\n", answers)
    out = io.StringIO()
    profile = ask_profile(Console(file=out, width=250, color_system=None), input_stream=io.StringIO(text + "n\n"))
    return profile.contact.question_secrete, out.getvalue()


def test_the_site_questions_are_the_replicas() -> None:
    assert list(SITE_QUESTIONS) == QUESTIONS


def test_the_secret_question_is_chosen_from_the_sites_list_by_number() -> None:
    question, out = _collect(["3"])
    assert question == SITE_QUESTIONS[2]
    for number, listed in enumerate(SITE_QUESTIONS, start=1):
        assert f"  {number}. {listed}" in out
    assert "  0. Une autre question (à écrire)" in out


def test_another_question_is_written_out_and_said_not_to_be_in_the_list() -> None:
    question, out = _collect(["0", "Quel est le nom de votre rue d'enfance ?"])
    assert question == "Quel est le nom de votre rue d'enfance ?"
    assert "n'est pas dans la liste habituelle du site" in out


def test_a_question_written_as_the_site_writes_it_takes_the_sites_form() -> None:
    question, out = _collect(["quel est votre plat prefere"])
    assert question == "Quel est votre plat préféré ?"
    assert "n'est pas dans la liste habituelle" not in out


def test_a_wrong_number_is_asked_again() -> None:
    question, out = _collect(["7", "1"])
    assert question == SITE_QUESTIONS[0]
    assert "Répondez par un numéro de 0 à 6" in out


# --------------------------------------------------------------------------- the profile
PROFILE = {
    "nir": "1850775123456",
    "civilite": "Monsieur",
    "nom_naissance": "DUPONT",
    "prenom": "Jean",
    "date_naissance": "15/07/1985",
    "adresse": {"pays": "FRANCE", "code_postal": "01000", "ville": "PERONNAS", "numero": "5",
                "complement": "QUINQUIES", "voie": "AVENUE FELIX FAURE"},
    "contact": {"telephone": "", "email": "jean.dupont@example.org",
                "question_secrete": "Quel est le nom de votre rue d'enfance ?", "reponse_secrete": "Medor"},
}  # fmt: skip
CHOSEN = [
    Chosen("ville", "Ville", "PERONNAS", "SAINT-DENIS-LES-BOURG"),
    Chosen("complement", "Complément", "QUINQUIES", "B"),
    Chosen("question_secrete", "Question secrète", "Quel est le nom de votre rue d'enfance ?", QUESTIONS[2]),
]


def test_the_saved_profile_is_updated_with_the_values_chosen(tmp_path: Path) -> None:
    path = save_profile(parse_profile(PROFILE), tmp_path / "personne.toml")
    out = io.StringIO()
    asked: list[str] = []

    def yes(question: str) -> bool:
        asked.append(question)
        return True

    updated = offer_profile_update(Console(file=out, width=200), yes, parse_profile(PROFILE), path, CHOSEN)
    assert asked and str(path) in asked[0]
    saved = load_profile(path)
    assert saved == updated
    assert (saved.adresse.ville, saved.adresse.complement) == ("SAINT-DENIS-LES-BOURG", "B")
    assert saved.contact.question_secrete == QUESTIONS[2]
    assert saved.contact.reponse_secrete == "Medor" and saved.nir == PROFILE["nir"]
    assert "« SAINT-DENIS-LES-BOURG » (profil : « PERONNAS »)" in out.getvalue()


def test_declined_the_file_stays_and_the_session_uses_the_site_values(tmp_path: Path) -> None:
    path = save_profile(parse_profile(PROFILE), tmp_path / "personne.toml")
    before = path.read_bytes()
    updated = offer_profile_update(Console(file=io.StringIO()), lambda _q: False, parse_profile(PROFILE), path, CHOSEN)
    assert path.read_bytes() == before
    assert updated == with_choices(parse_profile(PROFILE), CHOSEN)
    nothing = offer_profile_update(Console(file=io.StringIO()), lambda _q: True, parse_profile(PROFILE), path, [])
    assert nothing == parse_profile(PROFILE)
