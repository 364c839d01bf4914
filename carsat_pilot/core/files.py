"""Private files, written whole: 0600 from the first byte, never seen half-written.

Everything the tool keeps about a person — the state of the journey, the profile, the
relevé, the journal, the printable récapitulatif, debug captures, drift reports — goes
through here, so there is one place where « private » and « whole » are made sure of:

* mode 0600 from the first byte: the file is created by `os.open(O_CREAT | O_EXCL, 0o600)`,
  never created wider and narrowed afterwards (another user could open it in between);
* atomic: the bytes go to a temporary file in the same folder, are flushed to the disk
  (`fsync`), then the temporary file takes the final name (`os.replace`, or a hard link
  when an existing file must not be replaced). A kill, a full disk or a power cut leaves
  the old file or the new one, never a mix, and no temporary file behind.
"""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from pathlib import Path

PRIVATE = 0o600
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW


def write_private(path: str | os.PathLike[str], data: bytes | str, *, exclusive: bool = False) -> Path:
    """Write `data` (text is UTF-8) to `path`, mode 0600, replacing any old file whole.

    `exclusive`: never replace an existing file (FileExistsError instead), for files whose
    name was chosen to be new (a relevé, a report). The folder is made if missing."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = _write_temporary(target, payload)
    try:
        if exclusive:
            _link_new(temporary, target)
        else:
            os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)  # gone already after os.replace
    _sync_folder(target.parent)
    return target


def append_private(path: str | os.PathLike[str], text: str) -> Path:
    """Append `text` (UTF-8) to `path`, created 0600; an older file with wider rights is narrowed.

    One `write` on a file opened O_APPEND: lines of concurrent writers do not interleave."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW, PRIVATE)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, PRIVATE)
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
    return target


def _write_temporary(target: Path, payload: bytes) -> Path:
    """A new private file beside `target` holding `payload`, on the disk (fsync)."""
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temporary, _CREATE, PRIVATE)
            break
        except FileExistsError:
            continue  # 48 random bits taken already: draw again
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _link_new(temporary: Path, target: Path) -> None:
    """Give `temporary` the name `target` only if no file has it (FileExistsError)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:
        # A folder without hard links (a FAT-formatted USB key): claim the name, then fill it.
        os.close(os.open(target, _CREATE, PRIVATE))
        os.replace(temporary, target)


def _sync_folder(folder: Path) -> None:
    """Make the new name itself durable (best effort: not every system syncs a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    with suppress(OSError):
        os.fsync(fd)
    os.close(fd)
