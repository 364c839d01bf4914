"""The RIS rules of the 2018 site: one request a day, the document offered only some time
after the request, older documents kept as "archivé"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from mock_site.ris_pdf import RisPerson, build_ris_pdf
from mock_site.state import Account, SiteState


@dataclass(frozen=True)
class RisView:
    asked_today: bool
    waiting: bool  # asked, document not produced yet
    current: date | None
    archived: list[date]


def produce_document(state: SiteState, account: Account, on: date, *, current: bool) -> bytes:
    """Build (once) and keep the exact bytes that will be served for that date."""
    with state.mutate():
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
            existing = build_ris_pdf(person, on)
            account.ris_documents.append((on, existing))
            account.ris_documents.sort(key=lambda item: item[0])
        if current:
            account.current_ris_date = on
        return existing


def view(state: SiteState, account: Account) -> RisView:
    """What the RIS page shows now; produces the document when its time has come."""
    state.apply_already_asked(account)
    now = state.now()
    with state.mutate():
        ready_at = account.ris_ready_at
        if ready_at is not None and now >= ready_at:
            produce_document(state, account, ready_at.date(), current=True)
            account.ris_ready_at = None
        asked_today = any(r.date() == now.date() for r in account.ris_requests)
        return RisView(
            asked_today=asked_today,
            waiting=account.ris_ready_at is not None,
            current=account.current_ris_date,
            archived=account.archived_dates(),
        )


def request(state: SiteState, account: Account) -> Literal["accepted", "refused"]:
    """ "Demander mon Relevé Individuel de Situation": refused when already asked today."""
    state.apply_already_asked(account)
    now = state.now()
    with state.mutate():
        if any(r.date() == now.date() for r in account.ris_requests):
            return "refused"
        account.ris_requests.append(now)
        state.ris_requests.append((account.nir, now))
        account.ris_ready_at = now + timedelta(seconds=state.config.ris_delay_s)
        return "accepted"
