"""Registration, the three steps of the seed: identity + captcha, address, contact and
password; then the "Enregistré" page and the activation e-mail.

The draft lives in the server-side session, so going back keeps what was typed and a
second submit of step 3 finds the account already created."""

from __future__ import annotations

import secrets
from datetime import date

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from mock_site import captcha_store, mailer
from mock_site import validation as v
from mock_site.addresses import (
    COMPLEMENTS,
    COUNTRIES,
    AddressInput,
    address_errors,
    communes_for,
    normalize_address,
)
from mock_site.records import Account, RegistrationRecord, WebSession
from mock_site.web import site_state, web_session

bp = Blueprint("registration", __name__, url_prefix="/espace-personnel/inscription")

QUESTIONS = [
    "Quel est le nom de votre premier animal de compagnie ?",
    "Quel est le nom de jeune fille de votre mère ?",
    "Quelle est la ville de naissance de votre père ?",
    "Quel est le prénom de votre meilleur ami d'enfance ?",
    "Quel était le nom de votre école primaire ?",
    "Quel est votre plat préféré ?",
]
ADDRESS_NOT_VALIDATED = (
    "Veuillez valider votre adresse en cliquant sur « Valider votre voie » avant de passer à l'étape suivante."
)
ADDRESS_NOT_CONFIRMED = "Veuillez confirmer l'adresse normalisée avant de passer à l'étape suivante."
ADDRESS_CHANGED = "Votre adresse a été modifiée : cliquez de nouveau sur « Valider votre voie »."
ADDRESS_CONFIRMED = "Votre adresse a bien été prise en compte."

Errors = dict[str, list[str]]


def _flatten(errors: Errors) -> list[str]:
    seen: list[str] = []
    for messages in errors.values():
        for message in messages:
            if message not in seen:
                seen.append(message)
    return seen


def _add(errors: Errors, field: str, message: str | None) -> None:
    if message:
        errors.setdefault(field, []).append(message)


# --- step 1 --------------------------------------------------------------------------------
def _render_step1(ws: WebSession, values: dict[str, str], errors: Errors) -> ResponseReturnValue:
    # Every display of the form gets a new image: a wrong try never keeps the old one.
    state = site_state()
    state.captchas.issue(ws.sid)
    return render_template(
        "inscription/etape1.html",
        values=values,
        errors=errors,
        error_list=_flatten(errors),
        captcha_version=state.captchas.generated,
    )


@bp.get("/etape-1")
def step1() -> ResponseReturnValue:
    ws = web_session()
    values = dict(ws.registration.get("step1_values", {}))
    return _render_step1(ws, values, {})


@bp.post("/etape-1")
def step1_submit() -> ResponseReturnValue:
    state = site_state()
    ws = web_session()
    form = request.form
    values = {
        "nir": v.clean_nir(form.get("nir", "")),
        "civilite": form.get("civilite", ""),
        "nom_naissance": form.get("nom_naissance", "").strip(),
        "prenom": form.get("prenom", "").strip(),
        "jour": form.get("jour", "").strip(),
        "mois": form.get("mois", "").strip(),
        "annee": form.get("annee", "").strip(),
        "conditions": "oui" if form.get("conditions") else "",
    }
    errors: Errors = {}
    civilite = values["civilite"] if values["civilite"] in ("Madame", "Monsieur") else None
    born, date_error = v.parse_birth_date(values["jour"], values["mois"], values["annee"], state.today())
    for message in v.nir_errors(values["nir"], civilite, born):
        _add(errors, "nir", message)
    _add(errors, "civilite", None if civilite else v.CIVILITE_REQUIRED)
    _add(errors, "nom_naissance", v.name_error(values["nom_naissance"], v.NOM_REQUIRED, v.NOM_INVALID))
    _add(errors, "prenom", v.name_error(values["prenom"], v.PRENOM_REQUIRED, v.PRENOM_INVALID))
    _add(errors, "date_naissance", date_error)
    typed_code = form.get("code_securite", "")
    if not typed_code.strip():
        state.captchas.check(ws.sid, "")  # consumed all the same
        _add(errors, "code_securite", v.CAPTCHA_REQUIRED)
    elif not state.captchas.check(ws.sid, typed_code):
        _add(errors, "code_securite", v.CAPTCHA_WRONG)
    _add(errors, "conditions", None if values["conditions"] else v.CONDITIONS_REQUIRED)

    if not errors:
        # The site only tries to identify the person once the form itself is right.
        if values["nir"] in state.config.unknown_nirs:
            _add(errors, "nir", v.NIR_UNKNOWN)
        elif state.blocking_account(values["nir"]) is not None:
            _add(errors, "nir", v.ACCOUNT_EXISTS)
    with state.lock:
        ws.registration["step1_values"] = values
    if errors:
        return _render_step1(ws, values, errors)
    assert born is not None
    with state.lock:
        ws.registration.update(
            step1_ok=True,
            nir=values["nir"],
            civilite=values["civilite"],
            nom_naissance=values["nom_naissance"],
            prenom=values["prenom"],
            born=born.isoformat(),
            done=False,
        )
        for key in ("address_form", "address_pending", "address_confirmed", "step3_values"):
            ws.registration.pop(key, None)
    return redirect(url_for("registration.step2"), code=303)


@bp.get("/captcha.png")
def captcha_image() -> ResponseReturnValue:
    state = site_state()
    ws = web_session()
    answer = state.captchas.current(ws.sid) or state.captchas.issue(ws.sid)
    response = Response(captcha_store.render_png(answer), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/captcha.wav")
def captcha_audio() -> ResponseReturnValue:
    """ "Vous êtes malvoyant ? Accédez à la version audio.": the same code, spelled out."""
    state = site_state()
    ws = web_session()
    answer = state.captchas.current(ws.sid) or state.captchas.issue(ws.sid)
    response = Response(captcha_store.render_wav(answer), mimetype="audio/wav")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/captcha/nouvelle-image")
def captcha_renew() -> ResponseReturnValue:
    """Called by the page's script for "Vous pouvez la changer": new answer, same page."""
    state = site_state()
    ws = web_session()
    state.captchas.issue(ws.sid)
    version = state.captchas.generated
    return jsonify(
        image=url_for("registration.captcha_image", v=version),
        audio=url_for("registration.captcha_audio", v=version),
    )


# --- step 2 --------------------------------------------------------------------------------
@bp.get("/communes")
def communes() -> ResponseReturnValue:
    code = request.args.get("code_postal", "").strip()
    return jsonify(code_postal=code, communes=communes_for(code))


def _address_from(form: dict[str, str]) -> AddressInput:
    pays = form.get("pays", "FRANCE") or "FRANCE"
    ville = form.get("ville", "") if pays == "FRANCE" else form.get("localite", "")
    return AddressInput(
        pays=pays,
        code_postal=form.get("code_postal", "").strip(),
        ville=ville.strip(),
        numero_voie=form.get("numero_voie", "").strip(),
        complement=form.get("complement", "") if form.get("complement", "") in COMPLEMENTS else "",
        nom_voie=" ".join(form.get("nom_voie", "").split()),
    )


def _render_step2(address: AddressInput | None, errors: Errors, notice: str | None = None) -> ResponseReturnValue:
    ws = web_session()
    pending = ws.registration.get("address_pending")
    confirmed = ws.registration.get("address_confirmed")
    values = address.as_dict() if address else {"pays": "FRANCE"}
    # Without script (or after an error) the server fills the list the script would fill.
    options = communes_for(values.get("code_postal", "")) if values.get("code_postal") else []
    return render_template(
        "inscription/etape2.html",
        values=values,
        errors=errors,
        error_list=_flatten(errors),
        countries=COUNTRIES,
        complements=COMPLEMENTS,
        ville_options=options,
        pending=pending,
        confirmed=confirmed,
        notice=notice,
    )


@bp.get("/etape-2")
def step2() -> ResponseReturnValue:
    ws = web_session()
    if not ws.registration.get("step1_ok"):
        return redirect(url_for("registration.step1"), code=303)
    saved = ws.registration.get("address_form")
    return _render_step2(AddressInput(**saved) if saved else None, {})


@bp.post("/etape-2")
def step2_submit() -> ResponseReturnValue:
    state = site_state()
    ws = web_session()
    if not ws.registration.get("step1_ok"):
        return redirect(url_for("registration.step1"), code=303)
    address = _address_from(request.form.to_dict())
    action = request.form.get("action", "valider")
    draft = ws.registration
    with state.lock:
        draft["address_form"] = address.as_dict()
    errors: Errors = {}

    if action == "modifier":
        with state.lock:
            draft.pop("address_pending", None)
            draft.pop("address_confirmed", None)
        return _render_step2(address, {})

    if action == "confirmer":
        pending = draft.get("address_pending")
        if pending and pending["fields"] == address.as_dict():
            with state.lock:
                draft["address_confirmed"] = pending
            return _render_step2(address, {}, notice=ADDRESS_CONFIRMED)
        with state.lock:
            draft.pop("address_pending", None)
        _add(errors, "adresse", ADDRESS_CHANGED)
        return _render_step2(address, errors)

    if action == "suivant":
        confirmed = draft.get("address_confirmed")
        if confirmed and confirmed["fields"] == address.as_dict():
            return redirect(url_for("registration.step3"), code=303)
        for field, message in address_errors(address).items():
            _add(errors, field, message)
        pending = draft.get("address_pending")
        if confirmed or (pending and pending["fields"] != address.as_dict()):
            with state.lock:
                draft.pop("address_confirmed", None)
                draft.pop("address_pending", None)
            _add(errors, "adresse", ADDRESS_CHANGED)
        elif pending:
            _add(errors, "adresse", ADDRESS_NOT_CONFIRMED)
        else:
            _add(errors, "adresse", ADDRESS_NOT_VALIDATED)
        return _render_step2(address, errors)

    # "Valider votre voie" (also what Enter in a field does: it is the first button).
    for field, message in address_errors(address).items():
        _add(errors, field, message)
    with state.lock:
        draft.pop("address_confirmed", None)
        if errors:
            draft.pop("address_pending", None)
        else:
            draft["address_pending"] = {"fields": address.as_dict(), "lines": normalize_address(address)}
    return _render_step2(address, errors)


# --- step 3 --------------------------------------------------------------------------------
def _render_step3(values: dict[str, str], errors: Errors) -> ResponseReturnValue:
    return render_template(
        "inscription/etape3.html",
        values=values,
        errors=errors,
        error_list=_flatten(errors),
        questions=QUESTIONS,
    )


def _address_ready(ws: WebSession) -> bool:
    return bool(ws.registration.get("step1_ok") and ws.registration.get("address_confirmed"))


@bp.get("/etape-3")
def step3() -> ResponseReturnValue:
    ws = web_session()
    if not ws.registration.get("step1_ok"):
        return redirect(url_for("registration.step1"), code=303)
    if not _address_ready(ws):
        return redirect(url_for("registration.step2"), code=303)
    return _render_step3(dict(ws.registration.get("step3_values", {})), {})


@bp.post("/etape-3")
def step3_submit() -> ResponseReturnValue:
    state = site_state()
    ws = web_session()
    if not ws.registration.get("step1_ok"):
        return redirect(url_for("registration.step1"), code=303)
    if not _address_ready(ws):
        return redirect(url_for("registration.step2"), code=303)
    draft = ws.registration
    form = request.form
    values = {
        "telephone": form.get("telephone", "").strip(),
        "email": form.get("email", "").strip(),
        "email_confirmation": form.get("email_confirmation", "").strip(),
        "question_secrete": form.get("question_secrete", ""),
        "reponse_secrete": form.get("reponse_secrete", "").strip(),
    }
    password = form.get("mot_de_passe", "")
    confirmation = form.get("mot_de_passe_confirmation", "")
    nir: str = draft["nir"]
    born = date.fromisoformat(draft["born"])
    errors: Errors = {}

    phone = v.clean_phone(values["telephone"])
    _add(errors, "telephone", v.phone_error(phone))
    for message in v.email_errors(values["email"], values["email_confirmation"]):
        field = "email" if message in (v.EMAIL_REQUIRED, v.EMAIL_INVALID) else "email_confirmation"
        _add(errors, field, message)
    for message in v.password_errors(password, nom=draft["nom_naissance"], prenom=draft["prenom"], born=born, nir=nir):
        _add(errors, "mot_de_passe", message)
    if password and not confirmation:
        _add(errors, "mot_de_passe_confirmation", v.PASSWORD_CONFIRM_REQUIRED)
    elif password and password != confirmation:
        _add(errors, "mot_de_passe_confirmation", v.PASSWORD_MISMATCH)
    if values["question_secrete"] not in QUESTIONS:
        _add(errors, "question_secrete", v.QUESTION_REQUIRED)
    if not values["reponse_secrete"]:
        _add(errors, "reponse_secrete", v.REPONSE_REQUIRED)

    with state.mutate():
        draft["step3_values"] = values
        # Checked under the lock with the creation: two quick submits make one account.
        if state.blocking_account(nir) is not None:
            errors = {"nir": [v.ACCOUNT_EXISTS]}
        if errors:
            account = None
        else:
            now = state.now()
            address = draft["address_confirmed"]["fields"]
            account = Account(
                nir=nir,
                password=password,
                civilite=draft["civilite"],
                nom_naissance=draft["nom_naissance"].upper(),
                prenom=draft["prenom"],
                date_naissance=born,
                email=values["email"],
                status="pending",
                registered_at=now,
                activation_token=secrets.token_urlsafe(24),
                link_valid_until=state.link_valid_until(now),
                adresse_normalisee=list(draft["address_confirmed"]["lines"]),
                telephone=phone,
                question_secrete=values["question_secrete"],
                reponse_secrete=values["reponse_secrete"],
                **address,
            )
            state.accounts[nir] = account
            state.registrations.append(RegistrationRecord(nir, account.email, now))
            draft["done"] = True
    if account is None:
        return _render_step3(values, errors)
    mailer.send_activation(state, account)
    return redirect(url_for("registration.registered"), code=303)


@bp.get("/enregistre")
def registered() -> ResponseReturnValue:
    ws = web_session()
    if not ws.registration.get("done"):
        return redirect(url_for("registration.step1"), code=303)
    return render_template("inscription/enregistre.html")
