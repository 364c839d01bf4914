"""Private temporary folders of one run — the browser profile (session cookies), downloads
in progress, captcha images, the browser's and Playwright's own temporary files — that
leave nothing behind: removed at the end of the run, and, when the run was killed, by
the next run's start.

Each folder holds a lock file, locked (`flock`) by the run that made it for as long as it
lives; the kernel frees the lock when that process dies, however it dies. `sweep` removes
every such folder of this user whose lock is free. A folder is locked before it gets the
name `sweep` looks for, so a run that is starting is never swept by another one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "cp-run-"
LOCK_NAME = ".carsat-pilot-lock"
# Left by versions that had no lock: a Chromium profile, a folder of captcha images.
LEGACY_PREFIXES = ("cp-profile-", "carsat-pilot-captcha-")


def temp_root() -> Path:
    return Path(tempfile.gettempdir())


def try_lock(path: Path) -> int | None:
    """An open, exclusively locked descriptor of `path`, or None when another process holds it."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


class Scratch:
    """One private folder (mode 0700) under the temporary folder, locked while it lives."""

    def __init__(self, kind: str = "", root: Path | None = None) -> None:
        root = root or temp_root()
        # Made, locked, then renamed: `sweep` matches only the final name.
        making = Path(tempfile.mkdtemp(prefix="cp-new-", dir=root))
        lock = making / LOCK_NAME
        self._fd: int | None = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        final = making.with_name(PREFIX + (f"{kind}-" if kind else "") + making.name.removeprefix("cp-new-"))
        os.rename(making, final)
        self.path = final

    def folder(self, name: str) -> Path:
        """A private sub-folder (profile, downloads, tmp, …), made on first use."""
        sub = self.path / name
        sub.mkdir(mode=0o700, exist_ok=True)
        return sub

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.remove()


def _mine(path: Path) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    return path.is_dir() and not path.is_symlink() and info.st_uid == os.getuid()


def _legacy_in_use(path: Path) -> bool:
    """A Chromium profile of an older version: in use while its SingletonLock names a
    live process (the link reads "host-pid")."""
    try:
        target = os.readlink(path / "SingletonLock")
    except OSError:
        return False
    pid = target.rpartition("-")[2]
    if not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(root: Path | None = None) -> list[Path]:
    """Remove what runs of this user left behind when they were killed; returns the
    folders removed. Folders of runs still alive (their lock held) are left alone."""
    root = root or temp_root()
    removed: list[Path] = []
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not _mine(entry):
            continue
        if entry.name.startswith(PREFIX):
            fd = try_lock(entry / LOCK_NAME)
            if fd is None:
                continue  # a live run (or not ours to judge)
            try:
                shutil.rmtree(entry, ignore_errors=True)
            finally:
                os.close(fd)
            removed.append(entry)
        elif entry.name.startswith(LEGACY_PREFIXES) and not _legacy_in_use(entry):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed
