"""The Flask application: blueprints, and the cross-cutting behaviours of the real site
(latency, injected failures, request journal, cookie consent, drift)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import cast

from flask import Flask, Response, render_template, request
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.exceptions import HTTPException

from mock_site import drift, persistence
from mock_site.config import MockConfig
from mock_site.decoys import DECOYS
from mock_site.records import RequestRecord
from mock_site.routes import activation, auth, decoys, espace, franceconnect, hostile, mailbox, public, registration
from mock_site.state import SiteState
from mock_site.web import current_account

COOKIE_CONSENT = "consentement_cookies"
# Not pages of lassuranceretraite.fr: the person's webmail and FranceConnect keep their words,
# ids and tabs whatever the drift.
OTHER_SITES = ("/mailbox", "/franceconnect")
_JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def french_date(day: datetime) -> str:
    return f"{_JOURS[day.weekday()]} {day.day} {_MOIS[day.month - 1]} {day.year}"


def planned_maintenance(now: datetime) -> str:
    """The info banner's window: the first Sunday at least three days ahead, 6 h to 12 h."""
    day = now + timedelta(days=3)
    day += timedelta(days=(6 - day.weekday()) % 7)
    return f"le {french_date(day)} de 6 h 00 à 12 h 00"


def get_state(app: Flask) -> SiteState:
    return cast(SiteState, app.extensions["mock_site"])


class _CompiledOnce(BytecodeCache):
    """The templates' compiled code, kept for every app of this process: each app has its
    own Jinja environment and compiled every page again (~40 ms per test's replica; the
    test suite makes one per test). Jinja checks each entry against its template's source."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledOnce()


def create_app(config: MockConfig | None = None) -> Flask:
    config = config or MockConfig()
    app = Flask(__name__)
    app.jinja_env.bytecode_cache = _COMPILED
    app.secret_key = config.secret_key or secrets.token_hex(32)
    app.config["SESSION_COOKIE_NAME"] = "JSESSIONID"  # what the real (Java) site sets
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    state = SiteState(config)
    app.extensions["mock_site"] = state
    if config.data_file is not None and config.data_file.is_file():
        persistence.load_file(state, config.data_file)
    if config.accounts_file is not None:
        persistence.load_accounts_file(state, config.accounts_file)
    # "Already asked earlier today": the RIS comes ris_delay_s after the app starts.
    for account in list(state.accounts.values()):
        state.apply_already_asked(account)
    state.dirty = True

    for blueprint in (
        public.bp,
        registration.bp,
        activation.bp,
        auth.bp,
        espace.bp,
        franceconnect.bp,
        mailbox.bp,
        decoys.bp,
    ):
        app.register_blueprint(blueprint)
    # Pages of another host for the host-rule tests: inert unless a test arms them.
    app.register_blueprint(hostile.bp)

    @app.before_request
    def field_names_back() -> None:
        # random_ids: the page named its fields "r1a2b3c4d-nir"; the views know "nir".
        if drift.has_prefixed_keys(request.args):
            request.args = drift.unprefix(request.args)  # type: ignore[misc]
        if request.method == "POST" and drift.has_prefixed_keys(request.form):
            request.form = drift.unprefix(request.form)  # type: ignore[misc]

    @app.before_request
    def inject_fault() -> Response | None:
        fault = state.take_fault(request.path)
        if fault is None:
            return None
        if fault.kind == "maintenance":
            response = Response(render_template("erreurs/maintenance.html"), status=503)
            response.headers["Retry-After"] = "120"
            return response
        return Response(render_template("erreurs/500.html"), status=500)

    @app.after_request
    def drift_pass(response: Response) -> Response:
        # reword, random_ids, same_tab: on every page of the site, fragments fetched by script too.
        if (
            response.mimetype != "text/html"
            or response.direct_passthrough
            or request.path.startswith(OTHER_SITES)
            or not (config.reword or config.random_ids or config.same_tab)
        ):
            return response
        html = response.get_data(as_text=True)
        response.set_data(
            drift.rewrite_html(
                html,
                reword=config.reword,
                prefix=drift.new_prefix() if config.random_ids else None,
                same_tab=config.same_tab,
            )
        )
        return response

    @app.after_request
    def journal(response: Response) -> Response:
        if config.latency_ms and response.mimetype == "text/html":
            config.clock.pause(config.latency_ms / 1000)
        state.log_request(
            RequestRecord(
                method=request.method,
                path=request.path,
                query_string=request.query_string.decode("utf-8", "replace"),
                form=request.form.to_dict(),
                status=response.status_code,
                time=state.now(),
            )
        )
        if config.data_file is not None and state.dirty:
            with state.lock:
                state.dirty = False
                persistence.save_file(state, config.data_file)
        if request.path.startswith(("/espace-personnel", "/franceconnect", "/mailbox")):
            # Personal pages must not be served back from the cache after a logout.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def layout_context() -> dict[str, object]:
        names = config.drift_names()
        return {
            "show_cookie_banner": config.cookie_banner
            and not config.late_dialogs
            and COOKIE_CONSENT not in request.cookies,
            "account": current_account(),
            "site_config": config,
            "drift_names": " ".join(names),
            # The page scripts' randomness: reproducible with drift_seed, else new at each page.
            "drift_seed": config.drift_seed if config.drift_seed is not None else secrets.randbelow(2**31),
            "decoys": DECOYS,
            "here": request.full_path.rstrip("?"),
            "planned_maintenance": planned_maintenance(config.clock.now()) if config.info_banner else "",
            "cgu_date": french_date(config.clock.now() + timedelta(days=30)) if config.info_banner else "",
        }

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        if code == 404:
            return render_template("erreurs/404.html"), 404
        if code >= 500:
            return render_template("erreurs/500.html"), code
        return render_template("erreurs/generique.html", error=error), code

    @app.errorhandler(Exception)
    def crash(error: Exception) -> tuple[str, int]:
        app.logger.exception("Erreur interne", exc_info=error)
        return render_template("erreurs/500.html"), 500

    return app
