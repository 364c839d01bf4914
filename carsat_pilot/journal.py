"""The journal: what each run did, as JSON lines, with nothing secret in clear.

Every event of a journey is appended, masked: the NIR as `1 85 07 ** *** ***`, and any
value of the person that is secret (password, secret answer, captcha code) or
identifying (e-mail local part, NIR) replaced before the line is written."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs

from carsat_pilot.events import Event
from carsat_pilot.profile import mask_nir


def journal_path() -> Path:
    return Path(platformdirs.user_data_dir("carsat-pilot", appauthor=False)) / "journal.jsonl"


class Masker:
    """Replaces a person's values in any text before it leaves the process."""

    def __init__(self, secrets: Iterable[str] = (), nir: str | None = None) -> None:
        self._pairs: list[tuple[str, str]] = []
        if nir:
            compact = nir.replace(" ", "")
            spaced = " ".join([compact[0], compact[1:3], compact[3:5], compact[5:7], compact[7:10], compact[10:13]])
            for form in (compact, spaced, compact.lower()):
                self._pairs.append((form, mask_nir(compact)))
        for secret in secrets:
            if secret and len(secret) >= 3:
                self._pairs.append((secret, "••••"))
        # Longest first, so a value containing another is masked whole.
        self._pairs.sort(key=lambda pair: len(pair[0]), reverse=True)

    def add(self, secret: str) -> None:
        if secret and len(secret) >= 3:
            self._pairs.append((secret, "••••"))
            self._pairs.sort(key=lambda pair: len(pair[0]), reverse=True)

    def __call__(self, text: str) -> str:
        for value, mask in self._pairs:
            text = text.replace(value, mask)
        return text


class Journal:
    def __init__(self, masker: Masker, path: Path | None = None, run_id: str | None = None) -> None:
        self.path = path or journal_path()
        self.mask = masker
        self.run_id = run_id or datetime.now().strftime("%Y%m%d-%H%M%S")

    def write(self, record: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = self.mask(json.dumps(record, ensure_ascii=False, default=str))
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def __call__(self, event: Event) -> None:
        if event.kind == "countdown":
            return  # a ticking clock is not a fact worth keeping
        if event.data.get("private"):
            # Shown on screen only: the journal keeps that something happened, not what.
            event = Event(
                kind=event.kind,
                message="(détail personnel affiché à l'écran, non journalisé)",
                flow=event.flow,
                step=event.step,
                total=event.total,
                at=event.at,
            )
        self.write(
            {
                "time": event.at.isoformat(timespec="seconds"),
                "run": self.run_id,
                "kind": event.kind,
                "flow": event.flow,
                "step": event.step,
                "message": event.message,
                **({"data": event.data} if event.data else {}),
            }
        )


CONSENT_AGREED = "la personne concernée est présente et d'accord"
CONSENT_REFUSED = "accord refusé : rien n'est envoyé au site"


def consent_record(agreed: bool, by: str, run_id: str, flow: str = "") -> dict[str, Any]:
    """The journal line that proves the mandataire rule was respected (seed, step 3)."""
    return {
        "time": datetime.now().isoformat(timespec="seconds"),
        "run": run_id,
        "kind": "consent",
        "flow": flow,
        "step": None,
        "message": CONSENT_AGREED if agreed else CONSENT_REFUSED,
        "data": {"accord": "oui" if agreed else "non", "confirme_par": by},
    }


def read_journal(path: Path | None = None, last: int | None = None) -> list[dict[str, Any]]:
    path = path or journal_path()
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return records[-last:] if last else records
