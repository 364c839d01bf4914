"""The RIS rules of the 2018 site: one request a day, the document offered only some time
after the request, older documents kept as "archivé"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from mock_site import ris_documents
from mock_site.records import Account
from mock_site.state import SiteState


@dataclass(frozen=True)
class RisView:
    asked_today: bool
    waiting: bool  # asked, document not produced yet
    current: date | None
    archived: list[date]


def view(state: SiteState, account: Account) -> RisView:
    """What the RIS page shows now; produces the document when its time has come."""
    state.apply_already_asked(account)
    now = state.now()
    with state.mutate():
        ris_documents.produce_when_due(account, now)
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
