"""The one private-file writer (carsat_pilot.core.files): 0600 from the first byte, whole or not at all."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from carsat_pilot.core import files
from carsat_pilot.core.files import append_private, write_private


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def open_umask() -> Iterator[None]:
    """No help from the umask: the writer alone must make the files private."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("open_umask")
@pytest.mark.parametrize("data", ["texte accentué é\n", b"%PDF-1.4 \x00\xff"])
def test_text_and_bytes_are_written_private(tmp_path: Path, data: str | bytes) -> None:
    path = write_private(tmp_path / "sub" / "file", data)
    assert path.read_bytes() == (data.encode() if isinstance(data, str) else data)
    assert _mode(path) == 0o600
    assert _leftovers(path.parent) == []


@pytest.mark.usefixtures("open_umask")
def test_the_file_is_created_0600_exclusive_from_the_first_byte(tmp_path: Path, monkeypatch: Any) -> None:
    created: list[tuple[str, int, int]] = []
    real_open = os.open

    def spy(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if flags & os.O_CREAT:
            created.append((os.fspath(path), flags, mode))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(files.os, "open", spy)
    write_private(tmp_path / "state.json", "{}")
    assert created, "the file was not created by os.open"
    for _path, flags, mode in created:
        assert flags & os.O_EXCL and mode == 0o600


@pytest.mark.usefixtures("open_umask")
def test_an_old_file_is_replaced_whole_and_narrowed(tmp_path: Path) -> None:
    path = tmp_path / "recap.html"
    path.write_text("ancien contenu, bien plus long que le nouveau " * 20)
    path.chmod(0o644)
    write_private(path, "nouveau")
    assert path.read_text() == "nouveau"
    assert _mode(path) == 0o600


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"old": true}')

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_private(path, '{"new": true}')
    assert path.read_text() == '{"old": true}'
    assert _leftovers(tmp_path) == []


def test_an_interrupted_replace_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "profil.toml"
    path.write_text("nir = 'ancien'")

    def killed(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        write_private(path, "nir = 'nouveau'")
    assert path.read_text() == "nir = 'ancien'"
    assert _leftovers(tmp_path) == []


def test_exclusive_never_replaces(tmp_path: Path) -> None:
    path = tmp_path / "RIS_DUPONT_2026-12-03.pdf"
    write_private(path, b"first", exclusive=True)
    with pytest.raises(FileExistsError):
        write_private(path, b"second", exclusive=True)
    assert path.read_bytes() == b"first"
    assert _mode(path) == 0o600
    assert _leftovers(tmp_path) == []


def test_exclusive_without_hard_links(tmp_path: Path, monkeypatch: Any) -> None:
    def no_links(*_args: Any) -> None:
        raise PermissionError(1, "Operation not permitted")  # what a FAT key answers

    monkeypatch.setattr(files.os, "link", no_links)
    path = write_private(tmp_path / "r.pdf", b"pdf", exclusive=True)
    assert path.read_bytes() == b"pdf" and _mode(path) == 0o600
    with pytest.raises(FileExistsError):
        write_private(path, b"again", exclusive=True)
    assert path.read_bytes() == b"pdf"
    assert _leftovers(tmp_path) == []


@pytest.mark.usefixtures("open_umask")
def test_append_creates_private_and_appends(tmp_path: Path) -> None:
    path = tmp_path / "data" / "journal.jsonl"
    append_private(path, "un\n")
    append_private(path, "deux\n")
    assert path.read_text() == "un\ndeux\n"
    assert _mode(path) == 0o600


def test_append_narrows_an_older_wider_file(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text("ancien\n")
    path.chmod(0o644)
    append_private(path, "nouveau\n")
    assert path.read_text() == "ancien\nnouveau\n"
    assert _mode(path) == 0o600
