"""The espace personnel once logged in: Mes services, the RIS page and its download.

The real espace is a one-page app: "Demander" and "Rafraîchir" update the RIS block with
fetch() when the page's script runs, and still work as plain forms without it."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from mock_site import ris_service
from mock_site.career import career
from mock_site.records import Account
from mock_site.web import current_account, is_fetch, login_required, site_state

bp = Blueprint("espace", __name__, url_prefix="/espace-personnel")

ASKED = "Votre demande est bien prise en compte. Vous pourrez renouveler votre demande à compter de demain."
REFUSED = (
    "Vous avez déjà demandé votre Relevé Individuel de Situation aujourd'hui. "
    "Vous pourrez renouveler votre demande à compter de demain."
)

# The tiles of "Mes services", as in the seed (group heading → links).
SERVICE_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Consulter mon relevé de carrière",
        [
            ("Mon relevé de carrière tous régimes (RIS)", "ris"),
            ("Mon relevé de carrière", "releve-de-carriere"),
        ],
    ),
    (
        "Connaître l'âge et le montant de ma retraite",
        [
            ("Obtenir mon âge de départ à la retraite", "age-de-depart"),
            ("Simuler le montant de ma retraite avec M@rel.", "marel"),
        ],
    ),
    (
        "Etre accompagné dans mes démarches suite au décès d'un proche",
        [
            ("Suivre ma demande en cours", "suivre-ma-demande"),
        ],
    ),
    (
        "Mettre à jour mon relevé de carrière",
        [
            ("Simuler le coût d'un rachat de trimestres", "rachat-de-trimestres"),
        ],
    ),
]
PLACEHOLDERS = {slug: text for _, links in SERVICE_GROUPS for text, slug in links}


def _account() -> Account:
    account = current_account()
    if account is None:  # login_required ran just before
        abort(401)
    return account


@bp.get("/")
def root() -> ResponseReturnValue:
    return redirect(url_for("espace.services"), code=303)


@bp.get("/services")
@login_required
def services() -> ResponseReturnValue:
    return render_template("espace/services.html", groups=SERVICE_GROUPS)


@bp.post("/session/prolonger")
@login_required
def extend_session() -> ResponseReturnValue:
    """ "Prolonger ma session" (MockConfig.late_dialogs): the login gate already counted
    this request as activity."""
    return jsonify(ok=True)


@bp.get("/profil")
@login_required
def profile() -> ResponseReturnValue:
    return render_template("espace/profil.html", person=_account())


@bp.get("/messagerie")
@login_required
def messages() -> ResponseReturnValue:
    return render_template("espace/messagerie.html")


@bp.get("/services/releve-de-carriere")
@login_required
def career_page() -> ResponseReturnValue:
    account = _account()
    state = site_state()
    lines = [
        line
        for line in career(account.nir, account.date_naissance, account.nir[0] in "17", state.today().year - 1)
        if line.regime == "Assurance retraite"
    ]
    return render_template("espace/releve_carriere.html", lines=lines)


@bp.get("/services/<slug>")
@login_required
def placeholder(slug: str) -> ResponseReturnValue:
    if slug not in PLACEHOLDERS:
        abort(404)
    return render_template("espace/service_indisponible.html", title=PLACEHOLDERS[slug])


# --- RIS ------------------------------------------------------------------------------------
def _ris_block(notice: str | None = None) -> str:
    state = site_state()
    view = ris_service.view(state, _account())
    return render_template(
        "espace/_bloc_ris.html",
        view=view,
        notice=notice,
        asked_text=ASKED,
        refused_text=REFUSED,
        now_hm=state.now().strftime("%H:%M:%S"),
    )


@bp.get("/services/ris")
@login_required
def ris() -> ResponseReturnValue:
    # The block is our own autoescaped template, rendered once more inside the page.
    return render_template("espace/ris.html", bloc=Markup(_ris_block()))


@bp.get("/services/ris/bloc")
@login_required
def ris_block() -> ResponseReturnValue:
    """ "Rafraîchir" through fetch(): only the block, no page load."""
    return _ris_block()


@bp.post("/services/ris/demande")
@login_required
def ris_request() -> ResponseReturnValue:
    outcome = ris_service.request(site_state(), _account())
    notice = "refuse" if outcome == "refused" else "accepte"
    if is_fetch():
        return _ris_block(notice)
    if outcome == "refused":
        flash(REFUSED, "ris-refuse")
    return redirect(url_for("espace.ris"), code=303)


@bp.get("/services/ris/archives")
@login_required
def ris_archives() -> ResponseReturnValue:
    view = ris_service.view(site_state(), _account())
    return render_template("espace/ris_archives.html", archived=view.archived)


@bp.get("/services/ris/releve-<day>.pdf")
@login_required
def ris_download(day: str) -> ResponseReturnValue:
    state = site_state()
    account = _account()
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        abort(404)
    ris_service.view(state, account)  # produce it if its time has come
    data = account.document(wanted)
    if data is None:
        abort(404)
    with state.mutate():
        state.ris_downloads.append((account.nir, wanted, state.now()))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="releve-individuel-de-situation-{wanted:%Y-%m-%d}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
