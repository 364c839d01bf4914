"""The store as JSON (`data_file`), and accounts pre-loaded from a file (`accounts_file`),
so a demo can be stopped and resumed and a trainer can prepare people in advance."""

from __future__ import annotations

import base64
import json
import os
import tempfile
from dataclasses import asdict, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mock_site.records import Account, ActivationRecord, Email, LoginRecord, RegistrationRecord
from mock_site.state import SiteState

_DATE_FIELDS = {"date_naissance", "link_valid_until", "current_ris_date"}
_DATETIME_FIELDS = {"registered_at", "activated_at", "ris_ready_at"}


def _account_to_json(account: Account) -> dict[str, Any]:
    data = asdict(account)
    for name in _DATE_FIELDS | _DATETIME_FIELDS:
        value = data[name]
        data[name] = value.isoformat() if value is not None else None
    data["ris_requests"] = [r.isoformat() for r in account.ris_requests]
    data["ris_documents"] = [[d.isoformat(), base64.b64encode(pdf).decode("ascii")] for d, pdf in account.ris_documents]
    return data


def _account_from_json(data: dict[str, Any]) -> Account:
    known = {f.name for f in fields(Account)}
    values = {k: v for k, v in data.items() if k in known}
    for name in _DATE_FIELDS:
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    for name in _DATETIME_FIELDS:
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    values["ris_requests"] = [datetime.fromisoformat(r) for r in values.get("ris_requests", [])]
    values["ris_documents"] = [
        (date.fromisoformat(d), base64.b64decode(pdf)) for d, pdf in values.get("ris_documents", [])
    ]
    return Account(**values)


def dump(state: SiteState) -> dict[str, Any]:
    with state.lock:
        return {
            "version": 1,
            "accounts": [_account_to_json(a) for a in state.accounts.values()],
            "outbox": [{**asdict(e), "sent_at": e.sent_at.isoformat()} for e in state.outbox],
            "registrations": [
                {"nir": r.nir, "email": r.email, "time": r.time.isoformat()} for r in state.registrations
            ],
            "activations": [{"nir": a.nir, "time": a.time.isoformat()} for a in state.activations],
            "logins": [{"nir": x.nir, "time": x.time.isoformat(), "method": x.method} for x in state.logins],
            "ris_requests": [[nir, t.isoformat()] for nir, t in state.ris_requests],
        }


def load(state: SiteState, data: dict[str, Any]) -> None:
    with state.lock:
        for raw in data.get("accounts", []):
            account = _account_from_json(raw)
            state.accounts[account.nir] = account
        for raw in data.get("outbox", []):
            state.outbox.append(Email(**{**raw, "sent_at": datetime.fromisoformat(raw["sent_at"])}))
        state.registrations.extend(
            RegistrationRecord(r["nir"], r["email"], datetime.fromisoformat(r["time"]))
            for r in data.get("registrations", [])
        )
        state.activations.extend(
            ActivationRecord(a["nir"], datetime.fromisoformat(a["time"])) for a in data.get("activations", [])
        )
        state.logins.extend(
            LoginRecord(x["nir"], datetime.fromisoformat(x["time"]), x.get("method", "password"))
            for x in data.get("logins", [])
        )
        state.ris_requests.extend((nir, datetime.fromisoformat(t)) for nir, t in data.get("ris_requests", []))


def save_file(state: SiteState, path: Path) -> None:
    """Atomic write: a demo killed mid-write must not lose the whole store."""
    payload = json.dumps(dump(state), ensure_ascii=False, indent=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_file(state: SiteState, path: Path) -> None:
    load(state, json.loads(path.read_text("utf-8")))


def _parse_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    text = str(value)
    if "/" in text:  # JJ/MM/AAAA, as in the person profiles
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def load_accounts_file(state: SiteState, path: Path) -> list[Account]:
    """A JSON list (or {"accounts": [...]}) of add_account() keyword arguments, with `nir`
    and `password`; dates as "JJ/MM/AAAA" or ISO."""
    raw = json.loads(path.read_text("utf-8"))
    items = raw["accounts"] if isinstance(raw, dict) else raw
    created: list[Account] = []
    for item in items:
        item = dict(item)
        nir, password = item.pop("nir"), item.pop("password")
        for key in ("date_naissance", "ris_date", "archived_ris_date"):
            if key in item and item[key] is not None:
                item[key] = _parse_date(item[key])
        created.append(state.add_account(nir, password, **item))
    return created
