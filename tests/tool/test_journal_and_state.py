from __future__ import annotations

import json
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

from carsat_pilot.record.events import Event
from carsat_pilot.record.journal import Journal, Masker, read_journal
from carsat_pilot.record.state import StateStore, person_key

NIR = "1850775123456"


def test_the_journal_masks_nir_and_secrets(tmp_path: Path) -> None:
    masker = Masker(secrets=["Retraite2026Ok", "Medor"], nir=NIR)
    journal = Journal(masker, tmp_path / "journal.jsonl")
    journal(Event("info", f"typed {NIR} and 1 85 07 75 123 456 with Retraite2026Ok / Medor"))
    text = (tmp_path / "journal.jsonl").read_text(encoding="utf-8")
    assert NIR not in text and "75 123 456" not in text
    assert "Retraite2026Ok" not in text and "Medor" not in text
    assert "1 85 07 ** *** ***" in text
    assert stat.S_IMODE((tmp_path / "journal.jsonl").stat().st_mode) == 0o600
    assert read_journal(tmp_path / "journal.jsonl")[0]["kind"] == "info"


def test_state_is_keyed_by_a_slow_hash_and_holds_no_nir(tmp_path: Path) -> None:
    store = StateStore(NIR, tmp_path)
    store.record("registered")
    assert store.path.name == f"{person_key(NIR)}.json"
    raw = store.path.read_text(encoding="utf-8")
    assert NIR not in raw and NIR not in store.path.name
    assert json.loads(raw)["nir_masked"] == "1 85 07 ** *** ***"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    again = StateStore(NIR, tmp_path)
    assert again.state.registered_at is not None
    assert StateStore(NIR, tmp_path, fresh=True).state.registered_at is None


def test_a_ris_request_counts_for_today_only(tmp_path: Path) -> None:
    store = StateStore(NIR, tmp_path)
    store.record("ris_requested")
    assert store.state.ris_requested_today()
    store.state.ris_requested_at = datetime.now() - timedelta(days=1)
    assert not store.state.ris_requested_today(date.today())
