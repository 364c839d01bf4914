"""Request-side helpers shared by the blueprints: the state, the visitor's server-side
session, the login gate of the espace personnel."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from mock_site.records import Account, WebSession
from mock_site.state import SiteState

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])

SESSION_EXPIRED = "Votre session a expiré. Veuillez vous reconnecter."
LOGIN_NEEDED = "Veuillez vous connecter pour accéder à votre espace personnel."


def site_state() -> SiteState:
    return cast(SiteState, current_app.extensions["mock_site"])


def web_session() -> WebSession:
    """The visitor's server-side session; the signed cookie only holds its random id."""
    state = site_state()
    sid = session.get("sid")
    with state.lock:
        found = state.sessions.get(sid) if isinstance(sid, str) else None
    if found is None:
        found = state.new_session()
        session["sid"] = found.sid
    return found


def current_account() -> Account | None:
    ws = web_session()
    if ws.nir is None:
        return None
    return site_state().accounts.get(ws.nir)


def is_fetch() -> bool:
    """Requests made by the page's own script (the espace behaves like a one-page app)."""
    return request.headers.get("X-Requested-With") == "fetch"


def safe_next(target: str | None, default: str) -> str:
    # Only paths of this site: an open redirect would be a gift to phishing.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def _to_login(message: str, category: str) -> ResponseReturnValue:
    flash(message, category)
    target = url_for("auth.login", suite=request.full_path.rstrip("?"))
    if is_fetch():
        # fetch() would follow a redirect and swallow the message; let the script navigate.
        return jsonify({"redirect": target}), 401
    return redirect(target, code=303)


def login_required(view: F) -> F:
    """Espace personnel pages: logged-in visitors only, and sessions expire when idle."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        state = site_state()
        ws = web_session()
        now = state.now()
        with state.lock:
            if ws.nir is None or ws.nir not in state.accounts:
                ws.nir = None
                expired = False
            else:
                expiry = state.config.session_expiry_s
                expired = expiry is not None and (now - ws.last_seen).total_seconds() > expiry
                if expired:
                    ws.nir = None
                else:
                    ws.last_seen = now
            logged_in = ws.nir is not None
        if expired:
            return _to_login(SESSION_EXPIRED, "erreur")
        if not logged_in:
            return _to_login(LOGIN_NEEDED, "info")
        return view(*args, **kwargs)

    return cast(F, wrapper)
