"""Erasing a person's traces: files under a private HOME listed before and after."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from carsat_pilot.desk.wipe import journal_note, wipe_person
from carsat_pilot.record.journal import Journal, Masker
from carsat_pilot.record.state import StateStore
from tests.e2e.harness import write_profile

NIR = "1850775123456"
OTHER_NIR = "2850775123456"


@pytest.fixture
def private_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="cp-w-", dir="/tmp"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    yield home
    shutil.rmtree(home, ignore_errors=True)


def files(home: Path) -> set[Path]:
    return {p for p in home.rglob("*") if p.is_file()}


def _person_files(home: Path, nir: str, folder: str, civilite: str) -> tuple[Path, Path, Path]:
    (home / folder).mkdir(parents=True)
    profile = write_profile(home / folder, nir=nir, civilite=civilite)
    ris = home / "Documents" / "RIS" / f"RIS_{folder.upper()}_2026-03-12.pdf"
    ris.parent.mkdir(parents=True, exist_ok=True)
    ris.write_bytes(b"%PDF-1.4")
    store = StateStore(nir)
    store.record("ris_downloaded", ris_path=str(ris))
    return profile, ris, store.path


def test_wipe_removes_every_file_of_the_person_and_nothing_else(private_home: Path) -> None:
    before_anyone = files(private_home)
    profile, ris, state = _person_files(private_home, NIR, "dupont", "Monsieur")
    other = _person_files(private_home, OTHER_NIR, "martin", "Madame")
    extra_copy = private_home / "dupont" / "copie.toml"
    extra_copy.write_text(profile.read_text(encoding="utf-8"), encoding="utf-8")
    Journal(Masker(nir=NIR)).write({"kind": "consent", "message": f"accord pour {NIR}"})
    journal = private_home / "data" / "carsat-pilot" / "journal.jsonl"
    before = files(private_home)

    removed = wipe_person(NIR, profile_path=profile, search_dirs=[private_home / "dupont"])

    after = files(private_home)
    assert set(removed) == {profile, ris, state, extra_copy}  # the RIS found through the state file
    assert before - after == {profile, ris, state, extra_copy}
    assert after == before_anyone | set(other) | {journal}  # the other person is untouched
    assert NIR not in journal.read_text(encoding="utf-8")  # the journal kept: masked
    assert "conservé" in journal_note() and "masqué" in journal_note()


def test_a_profile_of_someone_else_is_never_removed(private_home: Path) -> None:
    (private_home / "martin").mkdir()
    someone_else = write_profile(private_home / "martin", nir=OTHER_NIR, civilite="Madame")
    assert wipe_person(NIR, profile_path=someone_else) == []
    assert someone_else.exists()


def test_wipe_twice_removes_nothing_the_second_time(private_home: Path) -> None:
    _person_files(private_home, NIR, "dupont", "Monsieur")
    first = wipe_person(NIR, search_dirs=[private_home / "dupont"])
    assert len(first) == 3
    assert wipe_person(NIR, search_dirs=[private_home / "dupont"]) == []
