"""Activation, login (with and without the one-time code), session expiry, logout and the
FranceConnect stand-in."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mock_site.routes import activation as act
from mock_site.routes import auth
from mock_site.web import SESSION_EXPIRED
from tests.mock_site.helpers import LOGIN, NIR, PASSWORD, RIS, SERVICES, Site, page_text, parse


# --- activation ----------------------------------------------------------------------------
def test_activation_page_then_success(site: Site) -> None:
    site.register()
    page = site.client.get(site.activation_path())
    assert parse(page).heading_texts()[0] == "Activation de votre espace personnel"
    response = site.activate()
    text = page_text(response)
    assert "Votre espace personnel est actif." in text
    assert "Vous pouvez à présent y accéder pour profiter de vos services en ligne." in text
    links = dict(parse(response).links)  # type: ignore[arg-type]
    assert "connectez vous" in links
    assert site.state.accounts[NIR].status == "active"
    assert [a.nir for a in site.state.activations] == [NIR]


@pytest.mark.parametrize(
    ("nir", "password", "message"),
    [
        (NIR, "Mauvais2024", act.WRONG_CREDENTIALS),
        ("2850775123456", PASSWORD, act.WRONG_CREDENTIALS),
        ("", "", act.MISSING_CREDENTIALS),
    ],
)
def test_activation_refuses_wrong_credentials(site: Site, nir: str, password: str, message: str) -> None:
    site.register()
    response = site.activate(nir, password)
    assert message in page_text(response)
    assert 'role="alert"' in response.get_data(as_text=True)
    assert site.state.accounts[NIR].status == "pending"
    assert site.state.activations == []


def test_activation_twice_says_already_active(site: Site) -> None:
    site.register()
    site.activate()
    again = site.activate()
    assert "Votre espace personnel est déjà actif." in page_text(again)
    assert "Votre espace personnel est déjà actif." in page_text(site.client.get(site.activation_path()))
    assert len(site.state.activations) == 1


def test_expired_link_activates_nothing(site: Site) -> None:
    site.register()
    site.clock.advance(days=15)  # 22/10: still valid, the last day included
    assert "Vous êtes sur le point d'activer" in page_text(site.client.get(site.activation_path()))
    site.clock.advance(days=1)
    page = site.client.get(site.activation_path())
    assert page.status_code == 410
    assert act.LINK_EXPIRED in page_text(page)
    response = site.activate()
    assert act.LINK_EXPIRED in page_text(response)
    assert site.state.accounts[NIR].status == "pending"
    assert site.state.activations == []


def test_unknown_activation_token(site: Site) -> None:
    page = site.client.get("/espace-personnel/activation/inconnu")
    assert page.status_code == 404 and act.LINK_UNKNOWN in page_text(page)


# --- login ---------------------------------------------------------------------------------
def test_login_ok_lands_on_mes_services(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD)
    response = site.login()
    assert response.status_code == 303 and response.headers["Location"] == SERVICES
    page = site.client.get(SERVICES)
    assert "Mes services" in parse(page).heading_texts()
    assert [(r.nir, r.method) for r in site.state.logins] == [(NIR, "password")]


@pytest.mark.parametrize(
    ("nir", "password", "message"),
    [
        (NIR, "Mauvais2024", auth.BAD_CREDENTIALS),
        ("2850775123456", PASSWORD, auth.BAD_CREDENTIALS),
        (NIR, "", auth.MISSING_CREDENTIALS),
    ],
)
def test_login_refused(site: Site, nir: str, password: str, message: str) -> None:
    site.state.add_account(NIR, PASSWORD)
    response = site.login(nir, password)
    assert response.status_code == 200
    assert f'role="alert">{message}</p>' in response.get_data(as_text=True)
    assert site.state.logins == []
    assert site.client.get(SERVICES).status_code == 303


def test_login_of_a_pending_account_asks_for_activation(site: Site) -> None:
    site.register()
    response = site.login()
    assert auth.NOT_ACTIVATED in page_text(response)
    assert site.state.logins == []


def test_login_from_the_home_block_with_spaces_in_the_nir(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD)
    response = site.login("1 85 07 75 123 456", PASSWORD)
    assert response.status_code == 303


def test_protected_page_sends_to_login_and_back(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD)
    response = site.client.get(RIS)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(LOGIN + "?suite=")
    login_page = site.client.get(response.headers["Location"])
    assert 'name="suite" value="/espace-personnel/services/ris"' in login_page.get_data(as_text=True)
    assert site.login(suite=RIS).headers["Location"] == RIS


def test_no_open_redirect_after_login(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD)
    assert site.login(suite="//evil.example/x").headers["Location"] == SERVICES
    site.client.get("/espace-personnel/deconnexion")
    assert site.login(suite="https://evil.example/").headers["Location"] == SERVICES


def test_logout(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD)
    site.login()
    site.client.get("/espace-personnel/deconnexion")
    assert site.client.get(SERVICES).status_code == 303


# --- one-time code --------------------------------------------------------------------------
@pytest.fixture
def otp_site(make_site: Callable[..., Site]) -> Site:
    site = make_site(otp_at_login=True)
    site.state.add_account(NIR, PASSWORD)
    return site


def test_otp_login(otp_site: Site) -> None:
    site = otp_site
    response = site.login()
    assert response.headers["Location"] == "/espace-personnel/connexion/code"
    page = site.client.get("/espace-personnel/connexion/code")
    assert "Saisissez le code reçu par e-mail" in page_text(page)
    assert any("Code reçu" in label for label in parse(page).labels.values())
    assert site.state.logins == []
    assert site.client.get(SERVICES).status_code == 303  # not logged in yet
    code = site.state.latest_otp()
    assert code is not None and len(code) == 6 and code.isdigit()
    email = site.state.latest_email()
    assert email is not None and email.otp_code == code and code in email.text
    done = site.client.post("/espace-personnel/connexion/code", data={"code": code})
    assert done.headers["Location"] == SERVICES
    assert site.client.get(SERVICES).status_code == 200
    assert len(site.state.logins) == 1


def test_otp_wrong_code_then_too_many(otp_site: Site) -> None:
    site = otp_site
    site.login()
    wrong = site.client.post("/espace-personnel/connexion/code", data={"code": "000000x"})
    assert auth.OTP_WRONG in page_text(wrong)
    site.client.post("/espace-personnel/connexion/code", data={"code": "1"})
    third = site.client.post("/espace-personnel/connexion/code", data={"code": "2"})
    assert third.headers["Location"] == LOGIN
    assert auth.OTP_TOO_MANY in page_text(site.client.get(LOGIN))
    code = site.state.latest_otp()
    late = site.client.post("/espace-personnel/connexion/code", data={"code": code})
    assert late.headers["Location"] == LOGIN
    assert site.state.logins == []


def test_otp_expires_and_can_be_sent_again(otp_site: Site) -> None:
    site = otp_site
    site.login()
    old = site.state.latest_otp()
    site.clock.advance(minutes=11)
    expired = site.client.post("/espace-personnel/connexion/code", data={"code": old})
    assert auth.OTP_EXPIRED in page_text(expired)
    resent = site.client.post("/espace-personnel/connexion/code", data={"action": "renvoyer"})
    assert auth.OTP_SENT in page_text(resent)
    assert len(site.state.outbox) == 2
    new = site.state.latest_otp()
    ok = site.client.post("/espace-personnel/connexion/code", data={"code": new})
    assert ok.headers["Location"] == SERVICES


def test_otp_page_without_pending_login(otp_site: Site) -> None:
    assert otp_site.client.get("/espace-personnel/connexion/code").headers["Location"] == LOGIN


# --- session expiry ------------------------------------------------------------------------
def test_session_expires_after_inactivity(make_site: Callable[..., Site]) -> None:
    site = make_site(session_expiry_s=600)
    site.state.add_account(NIR, PASSWORD)
    site.login()
    site.clock.advance(seconds=590)
    assert site.client.get(SERVICES).status_code == 200  # activity: the timer restarts
    site.clock.advance(seconds=590)
    assert site.client.get(RIS).status_code == 200
    site.clock.advance(seconds=601)
    expired = site.client.get(RIS)
    assert expired.status_code == 303 and expired.headers["Location"].startswith(LOGIN)
    page = site.client.get(expired.headers["Location"])
    assert f'role="alert">{SESSION_EXPIRED}</p>' in page.get_data(as_text=True)
    # The message is shown once; the session stays closed.
    assert SESSION_EXPIRED not in page_text(site.client.get(LOGIN))
    assert site.client.get(SERVICES).status_code == 303


def test_expired_session_on_a_fetch_answers_where_to_log_in(make_site: Callable[..., Site]) -> None:
    site = make_site(session_expiry_s=60)
    site.state.add_account(NIR, PASSWORD)
    site.login()
    site.clock.advance(seconds=61)
    response = site.client.get(RIS + "/bloc", headers={"X-Requested-With": "fetch"})
    assert response.status_code == 401
    assert (response.json or {})["redirect"].startswith(LOGIN)
    assert SESSION_EXPIRED in page_text(site.client.get(LOGIN))


# --- FranceConnect -------------------------------------------------------------------------
def test_franceconnect_with_an_existing_account(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD)
    choose = site.client.get("/franceconnect/?suite=" + RIS)
    parsed = parse(choose)
    assert "FranceConnect (simulation)" in parsed.heading_texts()
    assert {"Ameli", "impots.gouv"} <= set(parsed.link_texts())
    wrong = site.client.post(
        "/franceconnect/fournisseur/ameli", data={"identifiant": NIR, "mot_de_passe": "x", "action": "connexion"}
    )
    assert auth.BAD_CREDENTIALS in page_text(wrong)
    ok = site.client.post(
        "/franceconnect/fournisseur/ameli", data={"identifiant": NIR, "mot_de_passe": PASSWORD, "action": "connexion"}
    )
    assert ok.headers["Location"].startswith("/franceconnect/retour?code=")
    back = site.client.get(ok.headers["Location"])
    assert back.headers["Location"] == RIS
    assert [(r.nir, r.method) for r in site.state.logins] == [(NIR, "franceconnect")]
    # The one-time code cannot be replayed.
    assert site.client.get(ok.headers["Location"]).status_code == 400


def test_franceconnect_test_identity(site: Site) -> None:
    site.client.get("/franceconnect/")
    ok = site.client.post("/franceconnect/fournisseur/impots-gouv", data={"action": "identite-test"})
    back = site.client.get(ok.headers["Location"])
    assert back.headers["Location"] == SERVICES
    assert "Bonjour Marie MARTIN" in page_text(site.client.get(SERVICES))


def test_franceconnect_link_on_home_and_login(site: Site) -> None:
    for path in ("/", LOGIN):
        links = dict(parse(site.client.get(path)).links)  # type: ignore[arg-type]
        assert str(links["S'identifier avec FranceConnect"]["href"]).startswith("/franceconnect/")
