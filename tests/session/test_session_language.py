"""The guided session asks the person's language once (Entrée: French), hands it to the
journeys (the overlay), writes the summary in it beside the French, and — after a
journey where values were chosen in the site's lists — offers to update the profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carsat_pilot.core.errors import BadInput
from carsat_pilot.journeys import run as journeys
from carsat_pilot.person.profile import load_profile
from carsat_pilot.site.choices import Chosen
from tests.e2e.harness import write_profile
from tests.session.test_session_menu import Recorder, desk, recorder, session  # noqa: F401 - fixtures

QUESTION = "Langue de la personne"


def test_the_language_is_asked_once_after_the_consent_and_reaches_the_journeys(
    desk: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    seen: list[str] = []
    register = recorder.register

    def spy(options: Any, profile: Any, password: str, *, activate: bool = True) -> str:
        seen.append(options.lang)
        return register(options, profile, password, activate=activate)

    monkeypatch.setattr(journeys, "register", spy)
    write_profile(desk)
    summary_path = desk / "recap.html"
    # menu, consent, language 2 (the list: fr, ar, en), profile, no activation; menu again:
    # register (not asked again), then the end.
    code, out = session(["1", "o", "2", "1", "n", "1", "n", "0", "n"], summary_path=summary_path)
    assert code == 0, out
    assert out.count(QUESTION) == 1
    assert "  1. Français (fr)" in out and "  2. العربية (ar)" in out and "  3. English (en)" in out
    assert seen == ["ar", "ar"]
    # The end-of-session summary and the récapitulatif: French and Arabic.
    assert "Inscription envoyée au site le" in out and "أُرسل التسجيل إلى الموقع" in out
    page = summary_path.read_text(encoding="utf-8")
    assert 'lang="ar" dir="rtl"' in page and "Consultez votre messagerie" in page


def test_enter_keeps_french(desk: Path, recorder: Recorder) -> None:  # noqa: F811
    write_profile(desk)
    code, out = session(["1", "o", "", "1", "n", "0", "n"])
    assert code == 0, out
    assert QUESTION in out and "أُرسل" not in out and "Registration sent" not in out


def test_a_language_given_with_lang_is_not_asked(desk: Path, recorder: Recorder) -> None:  # noqa: F811
    write_profile(desk)
    code, out = session(["1", "o", "1", "n", "0", "n"], lang="en")
    assert code == 0, out
    assert QUESTION not in out
    assert "Registration sent to the site on" in out


def test_an_unknown_language_is_refused_before_the_menu(desk: Path) -> None:  # noqa: F811
    with pytest.raises(BadInput, match=r"Langues livrées : fr \(Français\), ar \(العربية\), en \(English\)"):
        session(["0"], lang="xx")


def test_values_chosen_in_the_sites_lists_are_offered_to_the_saved_profile(
    desk: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    register = recorder.register

    def choosing(options: Any, profile: Any, password: str, *, activate: bool = True) -> str:
        # What Engine.select records when the person picks in the site's list.
        options.human.chosen.append(Chosen("ville", "Ville", profile.adresse.ville, "PARIS 12"))
        return register(options, profile, password, activate=activate)

    monkeypatch.setattr(journeys, "register", choosing)
    path = write_profile(desk)
    code, out = session(["1", "o", "", "1", "n", "o", "0", "n"])
    assert code == 0, out
    assert "Ville : « PARIS 12 » (profil : « PARIS »)" in out
    assert "Mettre à jour le profil enregistré" in out
    assert load_profile(path).adresse.ville == "PARIS 12"
