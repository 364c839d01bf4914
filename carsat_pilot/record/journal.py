"""The journal: what each run did, as JSON lines, with nothing secret in clear.

Every event of a journey is appended, masked by the one masker (`carsat_pilot.record.masking`):
the NIR as `1 85 07 ** *** ***`, and every value of the person that is secret (password,
secret answer, codes, the activation link's token) or identifying (names, birth date,
e-mail, phone, address — also as the site writes them back) replaced in every text of
the record before the line is written."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs

from carsat_pilot.core.files import append_private
from carsat_pilot.record.events import Event
from carsat_pilot.record.masking import Masker

__all__ = ["Journal", "Masker", "consent_record", "journal_path", "read_journal"]


def journal_path() -> Path:
    return Path(platformdirs.user_data_dir("carsat-pilot", appauthor=False)) / "journal.jsonl"


class Journal:
    def __init__(self, masker: Masker, path: Path | None = None, run_id: str | None = None) -> None:
        self.path = path or journal_path()
        self.mask = masker
        self.run_id = run_id or datetime.now().strftime("%Y%m%d-%H%M%S")

    def write(self, record: dict[str, Any]) -> None:
        # Each text masked before encoding: a mask never breaks the JSON around it.
        masked = self.mask.deep(json.loads(json.dumps(record, ensure_ascii=False, default=str)))
        line = json.dumps(masked, ensure_ascii=False)
        append_private(self.path, line + "\n")

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
