"""The look-alike controls' landing (MockConfig.decoys): every use is recorded in
SiteState.decoy_clicks, then a plausible page is shown (never a step of a procedure)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from mock_site.decoys import DECOYS
from mock_site.records import DecoyClick
from mock_site.web import safe_next, site_state

bp = Blueprint("leurres", __name__, url_prefix="/leurre")


def _filled_fields() -> tuple[str, ...]:
    labels = {d.field_name: d.field_label for d in DECOYS.values() if d.field_name}
    return tuple(
        sorted(labels.get(name, name) for name, value in request.form.items() if name != "depuis" and value.strip())
    )


@bp.route("/<slug>", methods=["GET", "POST"])
def use(slug: str) -> ResponseReturnValue:
    decoy = DECOYS.get(slug)
    if decoy is None:
        abort(404)
    state = site_state()
    depuis = safe_next(request.values.get("depuis"), "/")
    state.record_decoy(DecoyClick(decoy.name, depuis, state.now(), "clic", slug, _filled_fields()))
    return render_template("drift/leurre.html", decoy=decoy, depuis=depuis)


@bp.post("/<slug>/saisie")
def typed(slug: str) -> ResponseReturnValue:
    """Something was typed into a decoy field (the page's script tells, form not sent)."""
    decoy = DECOYS.get(slug)
    if decoy is None:
        abort(404)
    state = site_state()
    depuis = safe_next(request.form.get("depuis"), "/")
    field = request.form.get("champ", "") or decoy.field_label
    state.record_decoy(DecoyClick(decoy.name, depuis, state.now(), "saisie", slug, (field,)))
    return "", 204
