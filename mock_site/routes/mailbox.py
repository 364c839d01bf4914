"""A small webmail over the outbox: where the person "receives" the activation e-mail and
the one-time codes. Not part of the real site, so it has its own plain layout."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from mock_site.web import site_state

bp = Blueprint("mailbox", __name__)


@bp.get("/mailbox")
def inbox() -> ResponseReturnValue:
    state = site_state()
    to = request.args.get("a", "").strip()
    with state.lock:
        emails = [e for e in reversed(state.outbox) if not to or e.to.lower() == to.lower()]
    return render_template("mailbox/liste.html", emails=emails, filtre=to)


@bp.get("/mailbox/<int:email_id>")
def read(email_id: int) -> ResponseReturnValue:
    state = site_state()
    with state.lock:
        email = next((e for e in state.outbox if e.id == email_id), None)
    if email is None:
        abort(404)
    return render_template("mailbox/message.html", email=email)
