"""The resumable state of one person's journey: what is done, so that running again
continues and never repeats a submission that changed the site's state.

One small JSON file per person in the user state folder, named by a slow salted hash of
the NIR (a plain hash of a 13-digit number is reversed by brute force in minutes); it
holds the NIR masked and dates, never a secret."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel

from carsat_pilot.profile import mask_nir

_SALT = b"carsat-pilot/state/v1"


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir("carsat-pilot", appauthor=False)) / "people"


def person_key(nir: str) -> str:
    digest = hashlib.scrypt(nir.replace(" ", "").upper().encode(), salt=_SALT, n=2**14, r=8, p=1)
    return digest.hex()[:24]


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


class StateStore:
    def __init__(self, nir: str, folder: Path | None = None, fresh: bool = False) -> None:
        self.path = (folder or state_dir()) / f"{person_key(nir)}.json"
        self.state = PersonState(nir_masked=mask_nir(nir))
        if not fresh and self.path.exists():
            try:
                self.state = PersonState.model_validate_json(self.path.read_text(encoding="utf-8"))
            except ValueError:
                pass  # an unreadable state file is ignored, not fatal: the site knows the truth

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = self.state.model_dump_json(indent=2)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)

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
