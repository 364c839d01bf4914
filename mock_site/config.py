"""Configuration of the replica: what a test or a demo may change about the site's behaviour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Fault(BaseModel):
    """The next `count` requests whose path starts with `path_prefix` fail.

    "500" answers the real site's "Service momentanément indisponible" page, "maintenance"
    a 503 maintenance page; afterwards the site behaves normally again."""

    model_config = ConfigDict(extra="forbid")

    path_prefix: str
    count: int = Field(ge=0)
    kind: Literal["500", "maintenance"] = "500"

    @field_validator("kind", mode="before")
    @classmethod
    def _int_status(cls, value: object) -> object:
        # Fault(kind=500) reads naturally in a test: accept the number too.
        return str(value) if isinstance(value, int) else value


class MockConfig(BaseModel):
    """Defaults give a realistic but quick site; every behaviour of DESIGN.md that the
    tool must survive can be switched on here."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    latency_ms: int = Field(default=0, ge=0)
    faults: list[Fault] = Field(default_factory=list)
    session_expiry_s: float | None = None
    link_validity_days: int = 15
    ris_delay_s: float = Field(default=20.0, ge=0)
    already_asked_today: set[str] = Field(default_factory=set)
    otp_at_login: bool = False
    unknown_nirs: set[str] = Field(default_factory=set)
    cookie_banner: bool = True
    # The home page's login block; off, a visitor must take the seed's other way in
    # (SALARIÉS → Mon relevé de carrière → Mon relevé : un document essentiel).
    login_on_home: bool = True
    data_file: Path | None = None
    accounts_file: Path | None = None
    now: Callable[[], datetime] | None = None
    # Flask's signing key; random per app when not given (sessions then die with the app).
    secret_key: str | None = None

    @field_validator("already_asked_today", "unknown_nirs", mode="before")
    @classmethod
    def _upper_nirs(cls, value: object) -> object:
        # Corsican NIRs are compared in upper case ("2A"), whatever the caller typed.
        if isinstance(value, (set, list, tuple, frozenset)):
            return {str(v).replace(" ", "").upper() for v in value}
        return value

    def clock(self) -> datetime:
        return self.now() if self.now is not None else datetime.now()
