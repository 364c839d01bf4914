"""Logging in: NIR + password (home block or dedicated page), the optional one-time code
sent by e-mail, logging out."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from mock_site import mailer
from mock_site import validation as v
from mock_site.records import Account, LoginRecord, WebSession
from mock_site.web import safe_next, site_state, web_session

bp = Blueprint("auth", __name__, url_prefix="/espace-personnel")

BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."
MISSING_CREDENTIALS = "Veuillez saisir votre N° de Sécurité sociale et votre mot de passe."
NOT_ACTIVATED = (
    "Votre espace personnel n'est pas encore activé. Pour l'activer, cliquez sur le lien "
    "reçu par e-mail lors de votre inscription."
)
OTP_WRONG = "Le code saisi est incorrect."
OTP_EXPIRED = "Ce code n'est plus valide. Cliquez sur « Recevoir un nouveau code »."
OTP_TOO_MANY = "Le nombre d'essais autorisés est dépassé. Veuillez vous reconnecter."
OTP_SENT = "Un nouveau code vient de vous être envoyé par e-mail."
LOGGED_OUT = "Vous êtes déconnecté de votre espace personnel."
OTP_VALIDITY = timedelta(minutes=10)
OTP_MAX_ATTEMPTS = 3
DEFAULT_AFTER_LOGIN = "/espace-personnel/services"


def complete_login(ws: WebSession, account: Account, method: str = "password") -> None:
    state = site_state()
    with state.mutate():
        now = state.now()
        ws.nir = account.nir
        ws.last_seen = now
        ws.pending_login = None
        ws.otp_code = None
        state.logins.append(LoginRecord(account.nir, now, method))  # type: ignore[arg-type]


def _render_login(error: str | None = None, nir: str = "", status: int = 200) -> ResponseReturnValue:
    suite = safe_next(request.values.get("suite"), "")
    return render_template("connexion.html", error=error, nir=nir, suite=suite), status


@bp.get("/connexion")
def login() -> ResponseReturnValue:
    return _render_login()


@bp.post("/connexion")
def login_submit() -> ResponseReturnValue:
    state = site_state()
    ws = web_session()
    nir = v.clean_nir(request.form.get("nir", ""))
    password = request.form.get("mot_de_passe", "")
    if not nir or not password:
        return _render_login(MISSING_CREDENTIALS, nir)
    account = state.accounts.get(nir)
    if account is None or account.password != password:
        return _render_login(BAD_CREDENTIALS, nir)
    if not account.active:
        return _render_login(NOT_ACTIVATED, nir)
    suite = safe_next(request.form.get("suite"), DEFAULT_AFTER_LOGIN)
    if state.config.otp_at_login:
        _send_code(ws, account)
        with state.lock:
            ws.after_login = suite
        return redirect(url_for("auth.otp"), code=303)
    complete_login(ws, account)
    return redirect(suite, code=303)


def _send_code(ws: WebSession, account: Account) -> None:
    state = site_state()
    code = mailer.new_otp()
    with state.lock:
        ws.pending_login = account.nir
        ws.otp_code = code
        ws.otp_sent_at = state.now()
        ws.otp_attempts = 0
    mailer.send_otp(state, account, code)


def _pending_account(ws: WebSession) -> Account | None:
    if ws.pending_login is None:
        return None
    return site_state().accounts.get(ws.pending_login)


@bp.get("/connexion/code")
def otp() -> ResponseReturnValue:
    ws = web_session()
    account = _pending_account(ws)
    if account is None:
        return redirect(url_for("auth.login"), code=303)
    return render_template("otp.html", email=mailer.mask_email(account.email))


@bp.post("/connexion/code")
def otp_submit() -> ResponseReturnValue:
    state = site_state()
    ws = web_session()
    account = _pending_account(ws)
    if account is None:
        return redirect(url_for("auth.login"), code=303)
    masked = mailer.mask_email(account.email)
    if request.form.get("action") == "renvoyer":
        _send_code(ws, account)
        return render_template("otp.html", email=masked, notice=OTP_SENT)
    typed = "".join(request.form.get("code", "").split())
    with state.lock:
        sent_at = ws.otp_sent_at
        expired = sent_at is None or state.now() - sent_at > OTP_VALIDITY
        correct = not expired and typed == ws.otp_code
        if not correct and not expired:
            ws.otp_attempts += 1
        too_many = ws.otp_attempts >= OTP_MAX_ATTEMPTS
        if too_many:
            ws.pending_login = None
            ws.otp_code = None
    if correct:
        complete_login(ws, account)
        suite = safe_next(ws.after_login, DEFAULT_AFTER_LOGIN)
        return redirect(suite, code=303)
    if too_many:
        flash(OTP_TOO_MANY, "erreur")
        return redirect(url_for("auth.login"), code=303)
    return render_template("otp.html", email=masked, error=OTP_EXPIRED if expired else OTP_WRONG)


@bp.route("/deconnexion", methods=["GET", "POST"])
def logout() -> ResponseReturnValue:
    state = site_state()
    ws = web_session()
    with state.lock:
        ws.nir = None
    flash(LOGGED_OUT, "info")
    return redirect(url_for("public.home"), code=303)
