"""Configuration of the replica: what a test or a demo may change about the site's behaviour."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mock_site.clock import Clock
from mock_site.drift import DRIFT_KNOBS


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
    # The site's time: real unless a test pins it (Clock(start)) or moves it (advance).
    clock: Clock = Field(default_factory=Clock)
    # Flask's signing key; random per app when not given (sessions then die with the app).
    secret_key: str | None = None

    # --- drift: the site changed (mock_site/DRIFT.md). All off: the 2018 site of the seed.
    # One document: pages, wizard, login, activation and espace swap <main> by fetch().
    spa: bool = False
    # Consent banner (DSFR), satisfaction survey, « Votre session va expirer », by script,
    # 0.2–3 s after load and after each step change.
    late_dialogs: bool = False
    # Look-alike buttons, links and fields; every use is recorded in SiteState.decoy_clicks.
    decoys: bool = False
    # A planned-maintenance notice (role=alert) above the header, an information notice
    # (role=status) at the top of <main>.
    info_banner: bool = False
    # Links that open a new tab (target=_blank) open in the same tab.
    same_tab: bool = False
    # Old words → new words, for any text node, aria-label, alt or button value whose
    # whole text (folded, decoration stripped) is the old words.
    reword: dict[str, str] = Field(default_factory=dict)
    # Every id and form field name changes at every page load.
    random_ids: bool = False
    # Seed of the page scripts' randomness (dialog moments, SPA delays); random when None.
    drift_seed: int | None = None

    @field_validator("already_asked_today", "unknown_nirs", mode="before")
    @classmethod
    def _upper_nirs(cls, value: object) -> object:
        # Corsican NIRs are compared in upper case ("2A"), whatever the caller typed.
        if isinstance(value, (set, list, tuple, frozenset)):
            return {str(v).replace(" ", "").upper() for v in value}
        return value

    @field_validator("reword")
    @classmethod
    def _reword_words(cls, value: dict[str, str]) -> dict[str, str]:
        for old, new in value.items():
            if not old.strip() or not new.strip():
                raise ValueError(f"reword : ancien et nouveau libellés ne peuvent être vides (« {old} » → « {new} »).")
        return value

    def drift_names(self) -> list[str]:
        """The drift knobs switched on (reword not included: it is not a switch)."""
        return [name for name in DRIFT_KNOBS if getattr(self, name)]

    def changes(self) -> list[str]:
        """Every way this replica differs from the seed's site, as said when it starts."""
        return self.drift_names() + [f"« {old} » → « {new} »" for old, new in self.reword.items()]
