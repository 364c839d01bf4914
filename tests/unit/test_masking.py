"""The one masker (issue 12, item 4): a person's values, and what is personal for anyone,
masked in the journal, the non-interactive terminal, tracebacks and error messages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from carsat_pilot.record import masking
from carsat_pilot.record.events import Event
from carsat_pilot.record.journal import Journal, read_journal
from carsat_pilot.record.masking import MASK, Masker, mask_generic, mask_url
from carsat_pilot.record.view import TerminalView

NIR = "1850775123456"
TOKEN = "Xk3_9aQz7LmP2vR8tYw4nB6cD1eF5gH0"
PERSON = {
    "nir": NIR,
    "civilite": "Monsieur",
    "nom_naissance": "DUPONT",
    "prenom": "Hélène",
    "date_naissance": "15/07/1985",
    "code_postal": "75012",
    "ville": "PARIS",
    "numero": "12",
    "voie": "RUE DE LA GARE",
    "telephone": "0612345678",
    "email": "jean.dupont@example.org",
    "password": "Retraite2026Ok",
    "reponse_secrete": "Medor",
}
LEAKY = (
    f"NIR {NIR} / 1 85 07 75 123 456 47, Mme dupont Hélène (HELENE), née le 15/07/1985 ou 1985-07-15 ou "
    "15 juillet 1985, tél. +33 6 12 34 56 78 ou 06.12.34.56.78, jean.dupont@example.org, "
    "12 rue de la gare 75012 Paris, mot de passe Retraite2026Ok, réponse Medor, "
    f"lien http://127.0.0.1:8000/espace-personnel/activation/{TOKEN}?jeton=abc#x"
)
CLEAR = [
    NIR,
    "75 123 456",
    "dupont",
    "DUPONT",
    "Hélène",
    "HELENE",
    "15/07/1985",
    "1985-07-15",
    "15 juillet 1985",
    "12 34 56 78",
    "12.34.56.78",
    "jean.dupont",
    "rue de la gare",
    "75012",
    "Paris",
    "Retraite2026Ok",
    "Medor",
    TOKEN,
    "jeton=abc",
]


def test_every_value_of_the_person_is_masked_whatever_its_writing() -> None:
    masked = Masker(person=PERSON)(LEAKY)
    assert [value for value in CLEAR if value in masked] == []
    assert "1 85 07 ** *** ***" in masked  # the NIR is masked as everywhere else
    assert "http://127.0.0.1:8000/espace-personnel/activation/" in masked  # where, not the key
    assert f"{MASK}@example.org" in masked


def test_what_is_personal_for_anyone_is_masked_without_knowing_the_person() -> None:
    text = (
        "n° 2 85 07 2A 123 456, écrire à marie.martin@example.fr, appeler le 07 98 76 54 32, "
        f"ouvrir https://www.lassuranceretraite.fr/activation/{TOKEN}?t=1&u=2"
    )
    masked = mask_generic(text)
    for clear in ("2A 123 456", "marie.martin", "98 76 54 32", TOKEN, "t=1", "u=2"):
        assert clear not in masked
    assert "https://www.lassuranceretraite.fr/activation/" in masked


def test_ordinary_words_and_paths_are_left_alone() -> None:
    text = "Étape 3/9 : Je crée mon espace personnel — http://127.0.0.1:8000/espace-personnel/inscription/etape-1"
    assert Masker(person=PERSON)(text) == text
    assert mask_url("http://h/a/b?x=1") == f"http://h/a/b?x={MASK}"


def test_short_names_do_not_mask_french_words() -> None:
    masker = Masker(person={"nom_naissance": "LE", "prenom": "Li"})
    assert masker("Je crée le compte de Li") == "Je crée le compte de Li"


def test_the_journal_masks_every_text_and_stays_valid_json(tmp_path: Path) -> None:
    journal = Journal(Masker(person=PERSON), tmp_path / "journal.jsonl")
    said = 'Adresse normalisée : "12 RUE DE LA GARE 75012 PARIS" pour DUPONT'
    journal(Event("site_message", said, data={"url": f"http://x/a/{TOKEN}"}))
    text = (tmp_path / "journal.jsonl").read_text(encoding="utf-8")
    assert "DUPONT" not in text and "RUE DE LA GARE" not in text and TOKEN not in text
    (record,) = read_journal(tmp_path / "journal.jsonl")
    assert record["kind"] == "site_message" and MASK in record["message"]
    json.dumps(record)


def _view_output(is_terminal: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=is_terminal, width=300, color_system=None)
    view = TerminalView(console, masker=Masker(person=PERSON))
    view(Event("site_message", "Bonjour Hélène DUPONT, née le 15/07/1985 [bold]"))
    view(Event("warning", f"page {NIR}"))
    return out.getvalue()


def test_the_terminal_view_masks_when_its_output_is_kept_not_when_a_person_reads_it() -> None:
    piped = _view_output(is_terminal=False)
    assert "DUPONT" not in piped and "15/07/1985" not in piped and NIR not in piped
    assert "[bold]" in piped  # the site's text is shown as text, never as markup
    shown = _view_output(is_terminal=True)
    assert "DUPONT" in shown


def test_the_process_masker_learns_and_forgets() -> None:
    masking.forget()
    assert "DUPONT" in masking.current()("DUPONT")
    masking.learn({"nom_naissance": "DUPONT"}, nir=NIR, secrets=["S3cretToken"])
    assert masking.current()(f"DUPONT {NIR} S3cretToken").count(MASK) == 2
    masking.forget()


def test_verbose_tracebacks_and_error_sentences_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    from carsat_pilot.cli import handles_errors
    from carsat_pilot.core.errors import SiteRefused

    masking.forget()
    masking.learn(PERSON)

    @handles_errors
    def refused(verbose: bool = True) -> None:
        raise SiteRefused(f"Le site refuse DUPONT ({NIR}) sur http://h/activation/{TOKEN}")

    @handles_errors
    def defect(verbose: bool = True) -> None:
        raise RuntimeError(f"goto http://h/activation/{TOKEN} for jean.dupont@example.org née le 15/07/1985")

    for command, code in ((refused, 3), (defect, 4)):
        with pytest.raises(typer.Exit) as ended:
            command(verbose=True)
        assert ended.value.exit_code == code
        err = capsys.readouterr().err
        assert "Traceback" in err  # --verbose: the trace is there…
        for clear in ("DUPONT", NIR, TOKEN, "jean.dupont", "15/07/1985"):
            assert clear not in err  # …masked
    masking.forget()
