"""Cross-cutting behaviours: injected failures, latency, the request journal, the cookie
banner, persistence, serving, and the captcha answer never leaving the process."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mock_site import Clock, Fault, MockConfig, create_app, get_state, ris_service, serve
from tests.mock_site.helpers import NIR, PASSWORD, RIS, STEP1, Site, page_text, parse


# --- faults --------------------------------------------------------------------------------
def test_500_for_n_requests_then_normal(make_site: Callable[..., Site]) -> None:
    site = make_site(faults=[Fault(path_prefix="/espace-personnel/inscription", count=2, kind="500")])
    for _ in range(2):
        response = site.client.get(STEP1)
        assert response.status_code == 500
        assert "Service momentanément indisponible" in parse(response).heading_texts()
    assert site.client.get("/").status_code == 200  # other paths untouched
    assert site.client.get(STEP1).status_code == 200


def test_maintenance_for_n_requests_then_normal(make_site: Callable[..., Site]) -> None:
    site = make_site(faults=[Fault(path_prefix="/", count=1, kind="maintenance")])
    response = site.client.get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "Le site est actuellement en maintenance." in page_text(response)
    assert site.client.get("/").status_code == 200


def test_fault_kind_accepts_the_status_number() -> None:
    assert Fault(path_prefix="/", count=1, kind=500).kind == "500"  # type: ignore[arg-type]


def test_fault_armed_on_a_running_site_hits_a_post(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD)
    site.login()
    site.state.add_fault(Fault(path_prefix=RIS + "/demande", count=1))
    assert site.client.post(RIS + "/demande").status_code == 500
    assert site.state.ris_requests == []  # the failing request did nothing
    assert site.client.post(RIS + "/demande").status_code == 303
    assert len(site.state.ris_requests) == 1


def test_unexpected_error_shows_the_french_500_page(site: Site) -> None:
    @site.app.get("/boum")
    def boom() -> str:
        raise RuntimeError("boum")

    site.app.testing = False  # let the error handler answer, as in production
    response = site.client.get("/boum")
    assert response.status_code == 500
    assert "Service momentanément indisponible" in page_text(response)


def test_404_page(site: Site) -> None:
    response = site.client.get("/portail-info/nulle-part")
    assert response.status_code == 404 and "Page introuvable" in page_text(response)


# --- latency and journal -----------------------------------------------------------------
def test_latency_is_added_to_html_pages_only(make_site: Callable[..., Site], monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    site = make_site(latency_ms=150)
    monkeypatch.setattr(site.state.config.clock, "pause", slept.append)
    site.client.get("/")
    assert slept == [0.15]
    site.client.get("/espace-personnel/inscription/communes?code_postal=75012")
    site.client.get("/static/site.css")
    assert slept == [0.15]


def test_latency_really_slows_pages(make_site: Callable[..., Site]) -> None:
    site = make_site(latency_ms=100)
    start = time.perf_counter()
    site.client.get("/")
    assert time.perf_counter() - start >= 0.1


def test_request_log_records_every_request(site: Site) -> None:
    site.client.get("/?x=1")
    site.login("1850775123456", "Secret2024x")
    log = site.state.request_log
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", "/", 200),
        ("POST", "/espace-personnel/connexion", 200),
    ]
    assert log[0].query_string == "x=1"
    assert log[1].form == {"nir": "1850775123456", "mot_de_passe": "Secret2024x"}
    assert log[0].time == site.clock.now()


def test_forms_with_personal_data_are_posted_not_put_in_urls(site: Site) -> None:
    site.register()
    site.activate()
    site.login()
    site.client.post(RIS + "/demande")
    for record in site.state.request_log:
        for secret in (NIR, PASSWORD, "Dupont", "jean.dupont"):
            assert secret not in record.path and secret not in record.query_string


# --- cookie banner -------------------------------------------------------------------------
def banner_shown(response: object) -> bool:
    return 'aria-label="Gestion des cookies"' in response.get_data(as_text=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("choice", ["tout-accepter", "tout-refuser", "enregistrer"])
def test_cookie_banner_until_answered(site: Site, choice: str) -> None:
    home = site.client.get("/")
    assert banner_shown(home)
    buttons = parse(home).buttons
    assert {"Tout accepter", "Tout refuser", "Personnaliser"} <= set(buttons)
    assert banner_shown(site.client.get(STEP1))
    answer = site.client.post("/cookies/consentement", data={"choix": choice, "retour": STEP1})
    assert answer.status_code == 303 and answer.headers["Location"] == STEP1
    assert not banner_shown(site.client.get("/"))
    assert not banner_shown(site.client.get(STEP1))


def test_cookie_personalisation_without_script(site: Site) -> None:
    response = site.client.post("/cookies/consentement", data={"choix": "personnaliser", "retour": "/"})
    page = site.client.get(response.headers["Location"])
    assert "Mesure d'audience" in parse(page).labels.values()
    site.client.post("/cookies/consentement", data={"choix": "enregistrer", "audience": "oui"})
    assert not banner_shown(site.client.get("/"))


def test_cookie_banner_can_be_switched_off(make_site: Callable[..., Site]) -> None:
    assert not banner_shown(make_site(cookie_banner=False).client.get("/"))


def test_cookie_consent_by_fetch(site: Site) -> None:
    response = site.client.post(
        "/cookies/consentement", data={"choix": "tout-refuser"}, headers={"X-Requested-With": "fetch"}
    )
    assert response.json == {"ok": True}
    assert not banner_shown(site.client.get("/"))


# --- captcha secrecy -----------------------------------------------------------------------
def test_captcha_answer_is_never_sent_over_http(site: Site) -> None:
    site.client.get(STEP1)
    bodies: list[bytes] = []
    answers: list[str] = [site.state.latest_captcha_answer()]
    for path in (STEP1, "/espace-personnel/inscription/captcha.png"):
        response = site.client.get(path)
        bodies.append(response.data)
        answers.append(site.state.latest_captcha_answer())
        bodies.append("; ".join(response.headers.getlist("Set-Cookie")).encode())
    renewed = site.client.post("/espace-personnel/inscription/captcha/nouvelle-image")
    bodies.append(renewed.data)
    answers.append(site.state.latest_captcha_answer())
    wrong = site.client.post(STEP1, data=site.step1_form(code_securite="nope"))
    bodies.append(wrong.data)
    answers.append(site.state.latest_captcha_answer())
    for answer in answers:
        for body in bodies:
            assert answer.encode() not in body
    # The session cookie is only signed, so it must not hold the answer even encoded.
    cookie = site.client.get_cookie("JSESSIONID")
    assert cookie is not None and "captcha" not in cookie.decoded_value


def test_captcha_answers_are_per_visitor(site: Site) -> None:
    other = site.app.test_client()
    site.client.get(STEP1)
    mine = site.state.latest_captcha_answer()
    other.get(STEP1)
    assert len(site.state.captcha_answers) == 2
    assert site.client.post(STEP1, data=site.step1_form(code_securite=mine)).status_code == 303


# --- persistence ---------------------------------------------------------------------------
def test_data_file_round_trip(make_site: Callable[..., Site], tmp_path: Path) -> None:
    data_file = tmp_path / "replique.json"
    site = make_site(data_file=data_file)
    site.register()
    site.activate()
    site.login()
    site.client.post(RIS + "/demande")
    site.client.get(RIS)
    served = site.state.ris_pdf_bytes(NIR)
    assert json.loads(data_file.read_text("utf-8"))["version"] == 1

    again = make_site(data_file=data_file)
    account = again.state.accounts[NIR]
    assert account.active and account.adresse_normalisee[1] == "75012 PARIS"
    assert again.state.ris_pdf_bytes(NIR) == served
    assert len(again.state.registrations) == 1 and len(again.state.outbox) == 1
    assert again.state.outbox[0].activation_link
    again.login()
    assert again.client.get(RIS).status_code == 200


def test_accounts_file(make_site: Callable[..., Site], tmp_path: Path) -> None:
    accounts = tmp_path / "comptes.json"
    accounts.write_text(
        json.dumps(
            {
                "accounts": [
                    {
                        "nir": "2 55 08 14 168 025",
                        "password": "Caen2024xy",
                        "civilite": "Madame",
                        "nom_naissance": "LEROY",
                        "prenom": "Anne",
                        "date_naissance": "1955-08-02",
                        "ris_available": True,
                    },
                    {"nir": NIR, "password": PASSWORD, "active": False},
                ]
            }
        )
    )
    site = make_site(accounts_file=accounts)
    assert site.state.accounts["2550814168025"].current_ris_date == site.clock.now().date()
    assert site.state.accounts[NIR].status == "pending"
    assert site.login("2550814168025", "Caen2024xy").status_code == 303


# --- serving -------------------------------------------------------------------------------
def test_serve_on_loopback_and_stop() -> None:
    app = create_app(MockConfig(cookie_banner=False))
    with serve(app) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "/", timeout=5) as response:
            assert response.status == 200
            assert "J'accède à mon espace personnel" in response.read().decode("utf-8")
        assert get_state(app).request_log[-1].path == "/"
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(server.url + "/", timeout=2)


def test_serve_refuses_a_public_address() -> None:
    app = create_app()
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        serve(app, host="0.0.0.0")
    with pytest.raises(ValueError):
        serve(app, host="192.168.1.10")


def test_config_defaults() -> None:
    config = MockConfig()
    assert (config.latency_ms, config.faults, config.session_expiry_s) == (0, [], None)
    assert (config.link_validity_days, config.ris_delay_s) == (15, 20.0)
    assert config.already_asked_today == set() and config.unknown_nirs == set()
    assert config.cookie_banner and not config.otp_at_login
    assert MockConfig(unknown_nirs=["2 53 07 2a 073 004"]).unknown_nirs == {"253072A073004"}


def test_the_clock_is_real_time_unless_moved_and_never_goes_back() -> None:
    clock = MockConfig().clock
    before = datetime.now()
    assert before <= clock.now() <= datetime.now()
    clock.advance(minutes=10)
    assert clock.now() - datetime.now() > timedelta(minutes=9)
    with pytest.raises(ValueError):
        clock.advance(seconds=-1)
    pinned = Clock(datetime(2018, 10, 7, 10, 0))
    assert pinned.advance(days=1) == pinned.now() == datetime(2018, 10, 8, 10, 0)


def test_the_ris_delay_runs_on_the_sites_clock_not_the_wall() -> None:
    config = MockConfig(ris_delay_s=3600)
    state = get_state(create_app(config))
    account = state.add_account("1850775123456", "Secret2024x")
    assert ris_service.request(state, account) == "accepted"
    assert ris_service.view(state, account).waiting
    config.clock.advance(seconds=3600)
    view = ris_service.view(state, account)
    assert not view.waiting and view.current == config.clock.now().date()
