"""A stand-in for FranceConnect, clearly labelled as a simulation: pick an identity
provider, log in there, come back to the espace personnel logged in.

The real FranceConnect is a human hand-over for the tool (DESIGN.md); this lets that
hand-over be practised and tested without leaving the machine."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from mock_site import validation as v
from mock_site.records import Account
from mock_site.routes.auth import DEFAULT_AFTER_LOGIN, complete_login
from mock_site.web import safe_next, site_state, web_session

bp = Blueprint("franceconnect", __name__, url_prefix="/franceconnect")

PROVIDERS = {
    "impots-gouv": "impots.gouv",
    "ameli": "Ameli",
    "identite-numerique-la-poste": "L'Identité Numérique La Poste",
    "msa": "MSA",
}
BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."


@dataclass(frozen=True)
class DemoIdentity:
    nir: str
    civilite: str
    nom_naissance: str
    prenom: str
    date_naissance: date
    email: str


# The identity behind "Continuer": a valid NIR (born abroad, 1995) that no test uses.
TEST_IDENTITY = DemoIdentity(
    "2951099126111", "Madame", "MARTIN", "Marie", date(1995, 10, 12), "marie.martin@example.org"
)


@bp.get("/")
def choose() -> ResponseReturnValue:
    ws = web_session()
    state = site_state()
    with state.lock:
        ws.after_login = safe_next(request.args.get("suite"), DEFAULT_AFTER_LOGIN)
    return render_template("franceconnect/choix.html", providers=PROVIDERS)


@bp.route("/fournisseur/<idp>", methods=["GET", "POST"])
def provider(idp: str) -> ResponseReturnValue:
    if idp not in PROVIDERS:
        abort(404)
    state = site_state()
    name = PROVIDERS[idp]
    if request.method == "GET":
        return render_template("franceconnect/fournisseur.html", idp=idp, name=name, test_identity=TEST_IDENTITY)
    account: Account | None
    if request.form.get("action") == "identite-test":
        who = TEST_IDENTITY
        account = state.accounts.get(who.nir)
        if account is None:
            # No password anyone knows: this identity only ever comes through FranceConnect.
            account = state.add_account(
                who.nir,
                secrets.token_urlsafe(16),
                civilite=who.civilite,
                nom_naissance=who.nom_naissance,
                prenom=who.prenom,
                date_naissance=who.date_naissance,
                email=who.email,
            )
    else:
        nir = v.clean_nir(request.form.get("identifiant", ""))
        account = state.accounts.get(nir)
        if account is None or not account.active or account.password != request.form.get("mot_de_passe", ""):
            return render_template(
                "franceconnect/fournisseur.html",
                idp=idp,
                name=name,
                test_identity=TEST_IDENTITY,
                error=BAD_CREDENTIALS,
                identifiant=nir,
            )
    code = secrets.token_urlsafe(16)
    with state.lock:
        state.franceconnect_codes[code] = account.nir
    return redirect(url_for("franceconnect.back", code=code), code=303)


@bp.get("/retour")
def back() -> ResponseReturnValue:
    """The site's callback: a one-time code, as in OpenID Connect, never the identity."""
    state = site_state()
    ws = web_session()
    with state.lock:
        nir = state.franceconnect_codes.pop(request.args.get("code", ""), None)
    account = state.accounts.get(nir) if nir else None
    if account is None:
        abort(400)
    complete_login(ws, account, method="franceconnect")
    return redirect(safe_next(ws.after_login, DEFAULT_AFTER_LOGIN), code=303)
