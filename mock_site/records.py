"""What the replica records: accounts, e-mails, requests, registrations, activations,
logins, decoy uses and visitors' sessions — plain data, kept by `SiteState`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Status = Literal["pending", "active"]


@dataclass
class Account:
    nir: str
    password: str
    civilite: str
    nom_naissance: str
    prenom: str
    date_naissance: date
    email: str
    status: Status
    registered_at: datetime
    activation_token: str
    link_valid_until: date
    pays: str = "FRANCE"
    code_postal: str = ""
    ville: str = ""
    numero_voie: str = ""
    complement: str = ""
    nom_voie: str = ""
    adresse_normalisee: list[str] = field(default_factory=list)
    telephone: str = ""
    question_secrete: str = ""
    reponse_secrete: str = ""
    activated_at: datetime | None = None
    ris_requests: list[datetime] = field(default_factory=list)
    ris_ready_at: datetime | None = None
    # Every RIS ever produced for this person, (date du relevé, exact PDF bytes served).
    ris_documents: list[tuple[date, bytes]] = field(default_factory=list)
    # The one shown as "disponible"; the others are "archivé".
    current_ris_date: date | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"

    def document(self, on: date) -> bytes | None:
        return next((data for d, data in self.ris_documents if d == on), None)

    def archived_dates(self) -> list[date]:
        return sorted((d for d, _ in self.ris_documents if d != self.current_ris_date), reverse=True)


@dataclass
class Email:
    id: int
    to: str
    subject: str
    html: str
    text: str
    sent_at: datetime
    sender: str = "lassuranceretraite.fr <ne-pas-repondre@lassuranceretraite.fr>"
    activation_link: str | None = None
    otp_code: str | None = None


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query_string: str
    form: dict[str, str]
    status: int
    time: datetime


@dataclass(frozen=True)
class RegistrationRecord:
    nir: str
    email: str
    time: datetime


@dataclass(frozen=True)
class ActivationRecord:
    nir: str
    time: datetime


@dataclass(frozen=True)
class LoginRecord:
    nir: str
    time: datetime
    method: Literal["password", "franceconnect"] = "password"


@dataclass(frozen=True)
class DecoyClick:
    """A look-alike control used (MockConfig.decoys): `name` is its words, `path` the page
    it stood on, `kind` « clic » (link or button) or « saisie » (typed into, form not
    sent); `fields` the decoy fields that held something."""

    name: str
    path: str
    time: datetime
    kind: Literal["clic", "saisie"] = "clic"
    slug: str = ""
    fields: tuple[str, ...] = ()


@dataclass
class WebSession:
    """Server-side half of a visitor's session; the cookie only carries `sid`."""

    sid: str
    created: datetime
    last_seen: datetime
    nir: str | None = None  # logged in as
    pending_login: str | None = None  # password checked, one-time code still due
    otp_code: str | None = None
    otp_sent_at: datetime | None = None
    otp_attempts: int = 0
    registration: dict[str, Any] = field(default_factory=dict)
    franceconnect_idp: str | None = None
    after_login: str | None = None  # where to go once logged in (page that asked for it)
