"""Public pages: home with the login block, the information pages, cookie consent."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from mock_site.content import PAGES
from mock_site.web import is_fetch, safe_next, site_state

bp = Blueprint("public", __name__)

CONSENT_COOKIE = "consentement_cookies"
CONSENT_VALUES = {"tout-accepter": "accepte", "tout-refuser": "refuse", "enregistrer": "personnalise"}


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template("home.html", login_on_home=site_state().config.login_on_home)


@bp.get("/portail-info/espace-personnel")
def espace_presentation() -> ResponseReturnValue:
    """The page "Je crée mon espace" opens in a new tab, where it must be clicked again."""
    return render_template("presentation_espace.html")


@bp.get("/portail-info/<path:slug>")
def info(slug: str) -> ResponseReturnValue:
    page = PAGES.get(slug.removesuffix(".html"))
    if page is None:
        abort(404)
    return render_template("info.html", page=page)


@bp.post("/cookies/consentement")
def cookie_consent() -> ResponseReturnValue:
    choice = request.form.get("choix", "")
    back = safe_next(request.form.get("retour"), "/")
    if choice == "personnaliser":
        if is_fetch():
            return {"afficher": "personnalisation"}
        return redirect(url_for("public.cookie_preferences", retour=back), code=303)
    value = CONSENT_VALUES.get(choice)
    if value is None:
        abort(400)
    if value == "personnalise":
        value = "personnalise-audience" if request.form.get("audience") else "personnalise"
    response = make_response({"ok": True}) if is_fetch() else redirect(back, code=303)
    response.set_cookie(CONSENT_COOKIE, value, max_age=180 * 24 * 3600, samesite="Lax")
    return response


@bp.get("/cookies/personnaliser")
def cookie_preferences() -> ResponseReturnValue:
    return render_template("cookies_personnaliser.html", retour=safe_next(request.args.get("retour"), "/"))
