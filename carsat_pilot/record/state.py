"""The resumable state of one person's journey: what is done, so that running again
continues and never repeats a submission that changed the site's state.

One small JSON file per person in the user state folder, named by a slow salted hash of
the NIR (a plain hash of a 13-digit number is reversed by brute force in minutes); it
holds the NIR masked and dates, never a secret.

The file is what prevents sending a registration or a RIS request twice, so it must be
trusted: it is written atomically (a private temporary file, then `os.replace`), a run
holds the person's lock for as long as it drives the site (two runs for the same person
cannot interleave), and a file that cannot be read is a stop, never a silent reset."""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ValidationError

from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.files import write_private
from carsat_pilot.person.profile import mask_nir

_SALT = b"carsat-pilot/state/v1"


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir("carsat-pilot", appauthor=False)) / "people"


def person_key(nir: str) -> str:
    digest = hashlib.scrypt(nir.replace(" ", "").upper().encode(), salt=_SALT, n=2**14, r=8, p=1)
    return digest.hex()[:24]


def person_key_soon(nir: str) -> Callable[[], str]:
    """`person_key` on a thread — scrypt leaves the interpreter free, ~40 ms a command: a
    journey has it done while the browser starts. Call the result to have the key."""
    future: Future[str] = Future()

    def compute() -> None:
        try:
            future.set_result(person_key(nir))
        except BaseException as exc:  # raised where the key is needed
            future.set_exception(exc)

    threading.Thread(target=compute, name="person key", daemon=True).start()
    return future.result


class PersonState(BaseModel):
    nir_masked: str
    registered_at: datetime | None = None
    activated_at: datetime | None = None
    ris_requested_at: datetime | None = None
    ris_downloaded_at: datetime | None = None
    ris_path: str | None = None

    def ris_requested_today(self, today: date | None = None) -> bool:
        today = today or date.today()
        return self.ris_requested_at is not None and self.ris_requested_at.date() == today


class StateUnreadable(BadInput):
    """The state file exists but cannot be read: continuing could send a form twice."""


class PersonBusy(BadInput):
    """Another run is already driving the site for this person on this computer."""


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "contenu incomplet ou abîmé"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return "contenu incomplet ou abîmé"


class StateStore:
    def __init__(self, nir: str, folder: Path | None = None, fresh: bool = False, *, key: str | None = None) -> None:
        self.folder = folder or state_dir()
        key = key or person_key(nir)
        self.path = self.folder / f"{key}.json"
        self.lock_path = self.folder / f"{key}.lock"
        self.nir_masked = mask_nir(nir)
        self.fresh = fresh
        self._lock_fd: int | None = None
        self.state = self._load()

    def _load(self) -> PersonState:
        """The recorded state; a fresh one when there is none (or --fresh). A file that
        exists but cannot be read stops the run: it may be the only record that the
        registration or today's RIS request was already sent."""
        if self.fresh or not self.path.exists():
            return PersonState(nir_masked=self.nir_masked)
        try:
            return PersonState.model_validate_json(self.path.read_bytes())
        except (OSError, ValueError) as exc:
            raise StateUnreadable(
                f"L'état de la démarche est illisible : {self.path} ({_reason(exc)}). Rien n'a été envoyé ; "
                "vérifiez sur le site ce qui est déjà fait (inscription, demande de relevé du jour), puis "
                "relancez avec --fresh ou supprimez ce fichier.",
                "état",
            ) from None

    # ------------------------------------------------------------------ the lock
    def acquire(self) -> None:
        """Take this person's lock (and read the state again under it), or PersonBusy."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        while True:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise PersonBusy(
                    f"Une autre démarche est déjà en cours pour cette personne ({self.nir_masked}) sur cet "
                    "ordinateur : attendez qu'elle se termine (ou fermez-la), puis relancez.",
                    "état",
                ) from None
            # The holder before us may have removed the file after we opened it: the
            # lock must be on the file that is there now.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        self._lock_fd = fd
        self.state = self._load()

    def release(self) -> None:
        if self._lock_fd is None:
            return
        try:
            self.lock_path.unlink(missing_ok=True)
        finally:
            os.close(self._lock_fd)
            self._lock_fd = None

    @contextmanager
    def locked(self) -> Iterator[StateStore]:
        self.acquire()
        try:
            yield self
        finally:
            self.release()

    # ------------------------------------------------------------------ writing
    def save(self) -> None:
        """Write the state atomically: a reader sees the old file or the new one, never
        half of one, whatever happens (a kill, a full disk)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private(self.path, self.state.model_dump_json(indent=2))

    def record(self, milestone: str, **extra: Any) -> None:
        now = datetime.now()
        field = {
            "registered": "registered_at",
            "activated": "activated_at",
            "ris_requested": "ris_requested_at",
            "ris_downloaded": "ris_downloaded_at",
        }[milestone]
        setattr(self.state, field, now)
        for key, value in extra.items():
            setattr(self.state, key, value)
        self.save()
