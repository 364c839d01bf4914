"""The end-of-session summary and the printable récapitulatif."""

from __future__ import annotations

import html
import io
import re
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

from rich.console import Console

from carsat_pilot.desk import summary
from carsat_pilot.record.state import PersonState

NIR = "1850775123456"
MASKED = "1 85 07 ** *** ***"
CLEAR_NIR = re.compile(r"1\s?85\s?07\s?75\s?123\s?456")
PASSWORD = "Retraite2026Ok"
TODAY = date(2026, 3, 12)
NOW = datetime(2026, 3, 12, 10, 30)


def _state(**moments: datetime | str) -> PersonState:
    return PersonState(nir_masked=MASKED, **moments)  # type: ignore[arg-type]


def test_facts_follow_the_state_with_their_dates() -> None:
    state = _state(registered_at=datetime(2026, 3, 12, 10, 5), activated_at=datetime(2026, 3, 12, 10, 20))
    facts = summary.done_facts(state)
    assert facts == [
        "Inscription envoyée au site le 12/03/2026 à 10:05.",
        "Espace personnel activé le 12/03/2026 à 10:20.",
    ]
    assert summary.done_facts(_state()) == []


def test_registered_only_says_consult_your_mailbox_and_the_link_validity() -> None:
    state = _state(registered_at=NOW)
    unknown = summary.suggested_next_steps(state, email="jean.dupont@example.org", today=TODAY)
    assert unknown[0].startswith("Consultez votre messagerie (adresse se terminant par @example.org)")
    assert "date limite est écrite dans l'e-mail" in unknown[1]
    known = summary.suggested_next_steps(state, link_valid_until=date(2026, 3, 27), today=TODAY)
    assert "Ce lien est valable jusqu'au 27/03/2026 inclus" in known[1]
    assert all("jean.dupont" not in step for step in unknown + known)


def test_a_ris_asked_today_can_be_asked_again_tomorrow() -> None:
    asked_today = _state(registered_at=NOW, activated_at=NOW, ris_requested_at=NOW)
    assert summary.ris_again_on(asked_today, TODAY) == TODAY + timedelta(days=1)
    steps = summary.suggested_next_steps(asked_today, today=TODAY)
    assert "Une nouvelle demande de relevé sera possible à partir de demain, le 13/03/2026." in steps
    assert any("revenez le télécharger" in step for step in steps)

    asked_before = _state(activated_at=NOW, ris_requested_at=NOW - timedelta(days=3))
    assert summary.ris_again_on(asked_before, TODAY) == TODAY
    assert any("dès aujourd'hui" in s for s in summary.suggested_next_steps(asked_before, today=TODAY))
    assert summary.ris_again_on(_state(activated_at=NOW), TODAY) is None


def test_build_takes_the_ris_path_from_the_state_and_scrubs_free_text() -> None:
    state = _state(
        registered_at=NOW, activated_at=NOW, ris_requested_at=NOW, ris_downloaded_at=NOW, ris_path="/x/RIS_DUPONT.pdf"
    )
    leaky = [f"Rappel : n° {NIR}", "n° 1 85 07 75 123 456 42", "écrire à jean.dupont@example.org"]
    result = summary.build(state, name="Jean DUPONT", ris_path=None, next_steps=leaky, now=NOW)
    assert result.ris_path == "/x/RIS_DUPONT.pdf"
    assert result.nir_masked == MASKED
    assert result.next_steps == (
        f"Rappel : n° {MASKED}",
        f"n° {MASKED} **",
        "écrire à •••@example.org",
    )


def test_the_printable_recap_is_private_self_contained_and_holds_nothing_secret(tmp_path: Path) -> None:
    state = _state(registered_at=NOW, activated_at=NOW, ris_requested_at=NOW, ris_downloaded_at=NOW)
    steps = summary.suggested_next_steps(state, email="jean.dupont@example.org", today=TODAY)
    result = summary.build(
        state, name="Jean DUPONT", ris_path="/home/desk/Documents/RIS/RIS_DUPONT_2026-03-12.pdf",
        next_steps=steps, now=NOW,
    )  # fmt: skip
    path = summary.write_html(result, tmp_path / "out" / "recap.html")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert '<html lang="fr">' in text and "@media print" in text and "@page" in text
    assert not re.search(r"<(script|link|img)\b", text) and "http" not in text  # nothing fetched
    for fact in (
        "Jean DUPONT",
        MASKED,
        "Inscription envoyée au site le 12/03/2026 à 10:30",
        "Relevé de carrière (RIS) téléchargé le 12/03/2026",
        "RIS_DUPONT_2026-03-12.pdf",
        "à partir de demain, le 13/03/2026",
        "remis le 12/03/2026",
    ):
        assert fact in text, fact
    assert not CLEAR_NIR.search(text)
    assert not re.search(r"\d{13}", text.replace(" ", ""))
    assert PASSWORD not in text and "jean.dupont" not in text


def test_an_existing_recap_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "recap.html"
    path.write_text("old")
    path.chmod(0o644)
    summary.write_html(summary.build(_state(), name="", ris_path=None, next_steps=[]), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert "old" not in text
    assert "Personne accompagnée" in text and "Aucune démarche n'a encore abouti" in html.unescape(text)


def test_names_and_paths_are_text_on_the_page_never_markup() -> None:
    state = _state(registered_at=NOW, ris_downloaded_at=NOW)
    result = summary.build(
        state, name="Jean <script>alert(1)</script> D'ARC", ris_path='/x/<b>"RIS".pdf', next_steps=[], now=NOW
    )
    page = summary.render_html(result)
    assert "<script" not in page and "<b>" not in page
    assert "Jean &lt;script&gt;alert(1)&lt;/script&gt; D&#39;ARC" in page
    assert '<span class="ris" dir="ltr">/x/&lt;b&gt;&#34;RIS&#34;.pdf</span>' in page


def test_the_terminal_summary_shows_the_facts() -> None:
    out = io.StringIO()
    state = _state(registered_at=NOW)
    result = summary.build(
        state, name="Jean DUPONT", ris_path=None, next_steps=summary.suggested_next_steps(state, today=TODAY), now=NOW
    )
    summary.show(Console(file=out, width=160, color_system=None), result)
    text = out.getvalue()
    assert "Fin de la séance" in text and "Jean DUPONT" in text and MASKED in text
    assert "Inscription envoyée au site le 12/03/2026" in text
    assert "Le relevé n'a pas été téléchargé" in text
    assert "Consultez votre messagerie" in text
