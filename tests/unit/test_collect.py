"""Interactive collection fed through a pipe: each field re-asked until it is right."""

from __future__ import annotations

import io
import stat
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from carsat_pilot.core.errors import BadInput
from carsat_pilot.desk.collect import SAVE_QUESTION, ask_profile
from carsat_pilot.desk.profiles import default_profile_path
from carsat_pilot.person.profile import Profile, load_profile

# One wrong answer, then the right one, for every field that can be wrong.
BAD_THEN_GOOD = [
    ("nir", "12345", "1850775123456"),
    ("civilite", "Docteur", "Monsieur"),
    ("nom_naissance", "dup0nt", "dupont"),
    ("prenom", "J3an", "Jean"),
    ("date_naissance", "31/02/1985", "15/07/1985"),
    ("adresse.pays", "   ", "France"),
    ("adresse.code_postal", "7501", "75012"),
    ("adresse.ville", "   ", "paris"),
    ("adresse.numero", None, "12"),
    ("adresse.complement", None, "bis"),
    ("adresse.voie", "  ", "rue de la gare"),
    ("contact.telephone", "061", "06 12 34 56 78"),
    ("contact.email", "jean@", "jean.dupont@example.org"),
    ("contact.email (bis)", None, "jean.dupont@example.org"),
    ("contact.question_secrete", " ", "Quel est le nom de votre premier animal ?"),
    ("contact.reponse_secrete", "", "Medor"),
    ("contact.reponse_secrete (bis)", None, "Medor"),
    ("save", "peut-être", "o"),
]


def lines_of(table: Sequence[tuple[str, str | None, str]]) -> str:
    lines: list[str] = []
    for _, bad, good in table:
        if bad is not None:
            lines.append(bad)
        lines.append(good)
    return "\n".join(lines) + "\n"


def run(text: str, save_to: Path | None) -> tuple[Profile, str]:
    console = Console(file=io.StringIO(), width=250, color_system=None)
    profile = ask_profile(console, input_stream=io.StringIO(text), save_to=save_to)
    return profile, console.file.getvalue()  # type: ignore[attr-defined]


GOOD_LINES = lines_of([(f, None, g) for f, _, g in BAD_THEN_GOOD])


def test_every_field_is_checked_as_typed(tmp_path: Path) -> None:
    target = tmp_path / "profil.toml"
    profile, shown = run(lines_of(BAD_THEN_GOOD), target)
    expected_errors = [
        "« nir » doit contenir les 13 premiers caractères",
        "« civilite » doit valoir « Madame » ou « Monsieur » (reçu : Docteur)",
        "« nom_naissance » ne doit contenir que des lettres",
        "« prenom » ne doit contenir que des lettres",
        "« date_naissance » doit être une date au format JJ/MM/AAAA (reçu : 31/02/1985)",
        "« adresse.pays » est obligatoire",
        "« adresse.code_postal » doit contenir 5 chiffres",
        "« adresse.ville » est obligatoire",
        "« adresse.voie » est obligatoire",
        "« contact.telephone » doit être un numéro de téléphone valide",
        "« contact.email » doit être une adresse e-mail valide",
        "« contact.question_secrete » est obligatoire",
        "« contact.reponse_secrete » est obligatoire",
        "Répondez o (oui) ou n (non)",
    ]
    for error in expected_errors:
        assert error in shown
    # in the form's order
    positions = [shown.index(error) for error in expected_errors]
    assert positions == sorted(positions)

    assert profile == load_profile(target)
    loaded = load_profile(target)
    assert loaded.nir == "1850775123456"
    assert loaded.civilite == "Monsieur"
    assert loaded.nom_naissance == "DUPONT"
    assert loaded.date_naissance == date(1985, 7, 15)
    assert loaded.adresse.pays == "FRANCE"
    assert loaded.adresse.complement == "BIS"
    assert loaded.contact.telephone == "0612345678"
    assert loaded.contact.reponse_secrete == "Medor"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_the_recap_masks_the_nir_and_the_secret_answer(tmp_path: Path) -> None:
    # Not the DESIGN example's NIR: that one is shown as a hint.
    other = {
        "nir": "1801275123456",
        "date_naissance": "25/12/1980",
        "contact.email": "paul.martin@example.org",
        "contact.email (bis)": "paul.martin@example.org",
    }
    text = "\n".join(other.get(f, g) for f, _, g in BAD_THEN_GOOD) + "\n"
    _, shown = run(text, tmp_path / "p.toml")
    assert "Récapitulatif du profil" in shown
    assert "1 80 12 ** *** ***" in shown
    assert "1801275123456" not in shown
    assert "Medor" not in shown
    assert "paul.martin@example.org" in shown  # to be checked letter by letter
    assert "(ex. 1850775123456)" in shown  # the hint
    assert SAVE_QUESTION in shown


def test_pays_defaults_to_france(tmp_path: Path) -> None:
    table = [(f, None, "" if f == "adresse.pays" else g) for f, _, g in BAD_THEN_GOOD]
    profile, _ = run(lines_of(table), tmp_path / "p.toml")
    assert profile.adresse.pays == "FRANCE"
    assert load_profile(tmp_path / "p.toml").adresse.pays == "FRANCE"


def replace(field: str, *values: str) -> str:
    lines: list[str] = []
    for name, _, good in BAD_THEN_GOOD:
        lines += list(values) if name == field else [good]
    return "\n".join(lines) + "\n"


def test_a_civilite_mismatch_reasks_nir_and_civilite(tmp_path: Path) -> None:
    # Madame is refused against a man's NIR; Enter keeps the NIR, then the right civilité.
    text = replace("civilite", "Madame", "", "Monsieur")
    _, shown = run(text, tmp_path / "p.toml")
    assert "indique un homme mais la civilité (civilite) est « Madame »" in shown
    assert "(1850775123456)" in shown  # offered again as default
    assert load_profile(tmp_path / "p.toml").civilite == "Monsieur"


def test_a_birth_date_mismatch_reasks_until_consistent(tmp_path: Path) -> None:
    # 1986 does not match the NIR's 85: NIR, civilité, names kept by Enter, date retyped.
    text = replace("date_naissance", "15/07/1986", "", "", "", "", "15/07/1985")
    _, shown = run(text, tmp_path / "p.toml")
    assert "(date_naissance) est le 15/07/1986" in shown
    assert "(DUPONT)" in shown
    assert load_profile(tmp_path / "p.toml").date_naissance == date(1985, 7, 15)


def test_the_email_is_typed_twice(tmp_path: Path) -> None:
    text = replace(
        "contact.email (bis)", "jean.dupond@example.org", "jean.dupont@example.org",
        "jean.dupont@example.org",
    )  # fmt: skip
    _, shown = run(text, tmp_path / "p.toml")
    assert "Les deux adresses e-mail ne sont pas identiques" in shown
    saved = load_profile(tmp_path / "p.toml")
    assert saved.contact.email == "jean.dupont@example.org"
    assert saved.contact.question_secrete == "Quel est le nom de votre premier animal ?"


def test_the_secret_answer_is_typed_twice(tmp_path: Path) -> None:
    text = replace("contact.reponse_secrete (bis)", "Medorr", "Medor", "Medor")
    _, shown = run(text, tmp_path / "p.toml")
    assert "Les deux réponses ne sont pas identiques" in shown
    assert load_profile(tmp_path / "p.toml").contact.reponse_secrete == "Medor"


def test_a_provisional_nir_is_accepted_with_a_warning(tmp_path: Path) -> None:
    text = replace("nir", "7850775123456")
    profile, shown = run(text, tmp_path / "p.toml")
    assert "Attention" in shown and "provisoire" in shown
    assert profile.nir == "7850775123456"


def test_saving_can_be_declined(tmp_path: Path) -> None:
    target = tmp_path / "p.toml"
    profile, shown = run(replace("save", "n"), target)
    assert "Profil non enregistré" in shown
    assert not target.exists()
    assert profile.nom_naissance == "DUPONT"


def test_an_existing_file_is_replaced_only_if_asked(tmp_path: Path) -> None:
    target = tmp_path / "p.toml"
    target.write_text("ancien", encoding="utf-8")
    _, shown = run(replace("save", "oui", "non"), target)
    assert "existe déjà" in shown
    assert target.read_text(encoding="utf-8") == "ancien"
    run(replace("save", "o", "o"), target)
    assert load_profile(target).nom_naissance == "DUPONT"


def test_the_default_file_is_named_after_the_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    profile, _ = run(GOOD_LINES, None)
    assert default_profile_path(profile) == Path("profil-dupont-jean.toml")
    assert (tmp_path / "profil-dupont-jean.toml").exists()


def test_the_end_of_the_input_is_bad_input_not_a_hang(tmp_path: Path) -> None:
    truncated = "\n".join(GOOD_LINES.splitlines()[:6]) + "\n"
    with pytest.raises(BadInput, match="fin de l'entrée"):
        run(truncated, tmp_path / "p.toml")
    assert not (tmp_path / "p.toml").exists()


def test_the_same_wrong_value_forever_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as caught:
        run("123\n" * 50, tmp_path / "p.toml")
    assert caught.value.field == "nir"
    assert "5 fois" in caught.value.message


def test_standard_input_as_a_real_pipe(tmp_path: Path) -> None:
    target = tmp_path / "pipe.toml"
    code = (
        "import sys; from pathlib import Path; from rich.console import Console\n"
        "from carsat_pilot.desk.collect import ask_profile\n"
        f"p = ask_profile(Console(), save_to=Path({str(target)!r}))\n"
        "print('NOM=' + p.nom_naissance)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=lines_of(BAD_THEN_GOOD),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "NOM=DUPONT" in done.stdout
    assert "« nir » doit contenir les 13 premiers caractères" in done.stdout
    assert load_profile(target).contact.telephone == "0612345678"
