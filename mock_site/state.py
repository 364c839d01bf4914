"""Everything the replica remembers, in process: accounts, e-mails sent, what was asked,
every request received. Tests read it through `get_state(app)`; nothing here is exposed
over HTTP except what the pages themselves show.

One lock guards every mutation: the server is threaded and a browser fires several
requests at once (page, image, script, fetch)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from mock_site import ris_documents
from mock_site.captcha_store import CaptchaStore
from mock_site.config import Fault, MockConfig
from mock_site.records import (
    Account,
    ActivationRecord,
    DecoyClick,
    Email,
    LoginRecord,
    RegistrationRecord,
    RequestRecord,
    WebSession,
)


class SiteState:
    def __init__(self, config: MockConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.captchas = CaptchaStore()
        self.accounts: dict[str, Account] = {}
        self.registrations: list[RegistrationRecord] = []
        self.activations: list[ActivationRecord] = []
        self.ris_requests: list[tuple[str, datetime]] = []
        self.ris_downloads: list[tuple[str, date, datetime]] = []
        self.logins: list[LoginRecord] = []
        self.outbox: list[Email] = []
        self.request_log: list[RequestRecord] = []
        self.decoy_clicks: list[DecoyClick] = []
        self.sessions: dict[str, WebSession] = {}
        self.franceconnect_codes: dict[str, str] = {}  # one-time code → NIR
        # Remaining failures per configured fault (the config object itself stays as given).
        self._faults: list[tuple[Fault, list[int]]] = [(f, [f.count]) for f in config.faults]
        self._already_asked_done: set[str] = set()
        self.started_at = self.now()
        self.dirty = False

    # --- time -------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.config.clock.now()

    def today(self) -> date:
        return self.now().date()

    @contextmanager
    def mutate(self) -> Iterator[None]:
        """Lock, and remember that the store must be written back (data_file)."""
        with self.lock:
            yield
            self.dirty = True

    # --- captcha ----------------------------------------------------------------------
    @property
    def captcha_answers(self) -> dict[str, str]:
        return self.captchas.answers

    def latest_captcha_answer(self) -> str:
        """Answer of the most recently generated captcha (the image the page shows)."""
        return self.captchas.latest()

    # --- accounts ---------------------------------------------------------------------
    def link_valid_until(self, registered_at: datetime) -> date:
        return registered_at.date() + timedelta(days=self.config.link_validity_days)

    def link_expired(self, account: Account) -> bool:
        return self.today() > account.link_valid_until

    def blocking_account(self, nir: str) -> Account | None:
        """The account that makes a new registration impossible: an active one, or a
        pending one whose link still works (an expired one may be registered again, as
        the expiry page invites)."""
        account = self.accounts.get(nir)
        if account is None:
            return None
        if account.active or not self.link_expired(account):
            return account
        return None

    def add_account(
        self,
        nir: str,
        password: str,
        *,
        active: bool = True,
        civilite: str = "Monsieur",
        nom_naissance: str = "DUPONT",
        prenom: str = "Jean",
        date_naissance: date = date(1985, 7, 15),
        email: str = "jean.dupont@example.org",
        ris_available: bool = False,
        archived_ris: bool = False,
        **more: Any,
    ) -> Account:
        """Pre-load an account (tests, demos). `more` takes any other Account field, plus
        `ris_date` (date of the available RIS, default today) and `archived_ris_date`
        (default one year before it)."""
        ris_date: date = more.pop("ris_date", None) or self.today()
        archived_date: date = more.pop("archived_ris_date", None) or ris_date.replace(
            year=ris_date.year - 1, day=min(ris_date.day, 28)
        )
        nir = nir.replace(" ", "").upper()
        now = self.now()
        registered_at: datetime = more.pop("registered_at", now)
        account = Account(
            nir=nir,
            password=password,
            civilite=civilite,
            nom_naissance=nom_naissance,
            prenom=prenom,
            date_naissance=date_naissance,
            email=email,
            status="active" if active else "pending",
            registered_at=registered_at,
            activation_token=more.pop("activation_token", secrets.token_urlsafe(24)),
            link_valid_until=more.pop("link_valid_until", None) or self.link_valid_until(registered_at),
            activated_at=more.pop("activated_at", now if active else None),
            **more,
        )
        with self.mutate():
            self.accounts[nir] = account
            if archived_ris:
                ris_documents.produce(account, archived_date, current=False)
            if ris_available:
                ris_documents.produce(account, ris_date, current=True)
        return account

    def ris_pdf_bytes(self, nir: str, on: date | None = None) -> bytes:
        """The exact bytes served for that person's RIS of that date (default: the current
        one). A RIS whose delay has run out is produced now, as the next page view would."""
        with self.mutate():
            account = self.accounts[nir.replace(" ", "").upper()]
            self.apply_already_asked(account)
            ris_documents.produce_when_due(account, self.now())
            wanted = on or account.current_ris_date
            data = account.document(wanted) if wanted else None
        if data is None:
            raise LookupError(f"Aucun relevé du {wanted} pour ce numéro.")
        return data

    # --- e-mail -----------------------------------------------------------------------
    def send_email(self, **fields: Any) -> Email:
        with self.mutate():
            email = Email(id=len(self.outbox) + 1, sent_at=self.now(), **fields)
            self.outbox.append(email)
        return email

    def latest_email(self, to: str | None = None) -> Email | None:
        with self.lock:
            for email in reversed(self.outbox):
                if to is None or email.to.lower() == to.lower():
                    return email
        return None

    def latest_otp(self) -> str | None:
        with self.lock:
            for email in reversed(self.outbox):
                if email.otp_code:
                    return email.otp_code
        return None

    # --- requests and faults ----------------------------------------------------------
    def log_request(self, record: RequestRecord) -> None:
        with self.lock:
            self.request_log.append(record)

    def take_fault(self, path: str) -> Fault | None:
        """Consume one failure of the first configured fault matching this path."""
        with self.lock:
            for fault, remaining in self._faults:
                if remaining[0] > 0 and path.startswith(fault.path_prefix):
                    remaining[0] -= 1
                    return fault
        return None

    def add_fault(self, fault: Fault) -> None:
        """Arm a fault on a running site (tests that fail "the next" request of a journey)."""
        with self.lock:
            self._faults.append((fault, [fault.count]))

    def record_decoy(self, click: DecoyClick) -> None:
        with self.lock:
            self.decoy_clicks.append(click)

    # --- sessions ---------------------------------------------------------------------
    def new_session(self) -> WebSession:
        now = self.now()
        session = WebSession(sid=secrets.token_urlsafe(18), created=now, last_seen=now)
        with self.lock:
            self.sessions[session.sid] = session
        return session

    # --- RIS requests made "earlier today" (config.already_asked_today) ----------------
    def apply_already_asked(self, account: Account) -> None:
        """Once per NIR and app: behave as if the person had asked this morning. Not counted
        in `ris_requests`, which records what the visitors of this app asked."""
        if account.nir not in self.config.already_asked_today:
            return
        with self.mutate():
            if account.nir in self._already_asked_done:
                return
            self._already_asked_done.add(account.nir)
            now = self.now()
            if not any(r.date() == now.date() for r in account.ris_requests):
                account.ris_requests.append(now)
                account.ris_ready_at = now + timedelta(seconds=self.config.ris_delay_s)
