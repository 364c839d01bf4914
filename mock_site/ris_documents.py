"""The RIS documents of one account: built once per date (the exact bytes served ever
after), and produced when the delay after a request has run out. Callers hold the state's
lock."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from mock_site.records import Account
from mock_site.ris_pdf import RisPerson, build_ris_pdf

# The same person on the same date is the same document (build_ris_pdf is deterministic,
# tested): drawn once per process. Drawing one parses and subsets two DejaVu fonts, ~0.3 s
# of CPU — a fifth of the test suite's Python time went there (py-spy), every journey's
# replica drawing the same person's RIS again.
_drawn = lru_cache(maxsize=64)(build_ris_pdf)


def produce(account: Account, on: date, *, current: bool) -> bytes:
    """Build (once) and keep the exact bytes that will be served for that date."""
    existing = account.document(on)
    if existing is None:
        person = RisPerson(
            nir=account.nir,
            civilite=account.civilite,
            nom=account.nom_naissance.upper(),
            prenom=account.prenom,
            born=account.date_naissance,
            address=tuple(account.adresse_normalisee),
        )
        existing = _drawn(person, on)
        account.ris_documents.append((on, existing))
        account.ris_documents.sort(key=lambda item: item[0])
    if current:
        account.current_ris_date = on
    return existing


def produce_when_due(account: Account, now: datetime) -> None:
    """The document asked for is there once its delay has run out (on the site's clock)."""
    ready_at = account.ris_ready_at
    if ready_at is not None and now >= ready_at:
        produce(account, ready_at.date(), current=True)
        account.ris_ready_at = None
