"""The page of the e-mailed link: NIR + password activate the pending account."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from mock_site import validation as v
from mock_site.records import Account, ActivationRecord
from mock_site.web import site_state

bp = Blueprint("activation", __name__, url_prefix="/espace-personnel/activation")

LINK_EXPIRED = "Ce lien d'activation n'est plus valide. Veuillez recommencer votre inscription."
LINK_UNKNOWN = "Ce lien d'activation n'est pas valide. Vérifiez que vous avez copié le lien en entier."
WRONG_CREDENTIALS = "Le N° de Sécurité sociale ou le mot de passe saisi est incorrect."
MISSING_CREDENTIALS = "Veuillez saisir votre N° de Sécurité sociale et votre mot de passe."


def _account_for(token: str) -> Account | None:
    state = site_state()
    with state.lock:
        return next((a for a in state.accounts.values() if a.activation_token == token), None)


@bp.route("/<token>", methods=["GET", "POST"])
def activate(token: str) -> ResponseReturnValue:
    state = site_state()
    account = _account_for(token)
    if account is None:
        return render_template("activation.html", outcome="invalide", message=LINK_UNKNOWN), 404
    if account.active:
        return render_template("activation.html", outcome="deja-actif")
    if state.link_expired(account):
        return render_template("activation.html", outcome="expire", message=LINK_EXPIRED), 410
    if request.method == "GET":
        return render_template("activation.html", outcome="formulaire")

    nir = v.clean_nir(request.form.get("nir", ""))
    password = request.form.get("mot_de_passe", "")
    if not nir or not password:
        return render_template("activation.html", outcome="formulaire", error=MISSING_CREDENTIALS, nir=nir)
    if nir != account.nir or password != account.password:
        return render_template("activation.html", outcome="formulaire", error=WRONG_CREDENTIALS, nir=nir)
    with state.mutate():
        if account.active:  # a double click: the first one activated it
            return render_template("activation.html", outcome="deja-actif")
        now = state.now()
        account.status = "active"
        account.activated_at = now
        state.activations.append(ActivationRecord(account.nir, now))
    return render_template("activation.html", outcome="active")
