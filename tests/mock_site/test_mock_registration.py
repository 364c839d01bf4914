"""Registration through the Flask test client: every server-side rule and transition."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from werkzeug.test import TestResponse

from mock_site import validation as v
from mock_site.routes import registration as reg
from tests.mock_site.helpers import EMAIL, NIR, PASSWORD, STEP1, STEP2, STEP3, Site, page_text, parse


def alert_messages(response: TestResponse) -> list[str]:
    html = response.get_data(as_text=True)
    match = re.search(r'role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert match, "no role=alert region on the page"
    return [page_text(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def field_messages(response: TestResponse, field: str) -> str:
    html = response.get_data(as_text=True)
    match = re.search(rf'id="{field}-erreur">(.*?)</p>', html, re.S)
    return page_text(match.group(1)) if match else ""


def input_value(response: TestResponse, field_id: str) -> str | None:
    return parse(response).inputs[field_id].get("value")


# --- step 1 ------------------------------------------------------------------------------
def test_step1_success_goes_to_step2(site: Site) -> None:
    response = site.step1()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(STEP2)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nir": ""}, "nir", v.NIR_REQUIRED),
        ({"nir": "185077512345"}, "nir", v.NIR_LENGTH),
        ({"nir": "18507751234X6"}, "nir", v.NIR_INVALID),
        ({"civilite": "Madame"}, "nir", v.NIR_SEX_MISMATCH),
        ({"annee": "1986"}, "nir", v.NIR_DATE_MISMATCH),
        ({"civilite": None}, "civilite", v.CIVILITE_REQUIRED),
        ({"nom_naissance": ""}, "nom_naissance", v.NOM_REQUIRED),
        ({"nom_naissance": "Dup0nt"}, "nom_naissance", v.NOM_INVALID),
        ({"prenom": ""}, "prenom", v.PRENOM_REQUIRED),
        ({"prenom": "J@n"}, "prenom", v.PRENOM_INVALID),
        ({"jour": "", "mois": "", "annee": ""}, "date_naissance", v.DATE_REQUIRED),
        ({"jour": "31", "mois": "02"}, "date_naissance", v.DATE_INVALID),
        ({"code_securite": ""}, "code_securite", v.CAPTCHA_REQUIRED),
        ({"code_securite": "ZZZZZZZ"}, "code_securite", v.CAPTCHA_WRONG),
        ({"conditions": None}, "conditions", v.CONDITIONS_REQUIRED),
    ],
)
def test_step1_each_rule_shown_at_top_and_next_to_field(
    site: Site, overrides: dict[str, str | None], field: str, message: str
) -> None:
    response = site.step1(**overrides)
    assert response.status_code == 200
    assert message in alert_messages(response)
    assert message in field_messages(response, field)
    assert site.state.registrations == []


def test_wrong_captcha_gives_new_image_empty_field_and_keeps_the_rest(site: Site) -> None:
    site.client.get(STEP1)
    first = site.state.latest_captcha_answer()
    response = site.client.post(STEP1, data=site.step1_form(code_securite=first + "X", nom_naissance="Dupont"))
    assert v.CAPTCHA_WRONG in alert_messages(response)
    second = site.state.latest_captcha_answer()
    assert second != first or site.state.captchas.generated == 2
    assert input_value(response, "code_securite") == ""
    assert input_value(response, "nir") == NIR
    assert input_value(response, "nom_naissance") == "Dupont"
    assert input_value(response, "jour") == "15"
    assert 'value="Monsieur" checked' in response.get_data(as_text=True)
    # The old answer is gone for good; the new one works, in any case.
    assert site.client.post(STEP1, data=site.step1_form(code_securite=first)).status_code == 200
    third = site.state.latest_captcha_answer()
    ok = site.client.post(STEP1, data=site.step1_form(code_securite=third.lower()))
    assert ok.status_code == 303


def test_any_error_renews_the_captcha(site: Site) -> None:
    site.client.get(STEP1)
    before = site.state.captchas.generated
    response = site.client.post(STEP1, data=site.step1_form(nir="", code_securite=site.state.latest_captcha_answer()))
    assert alert_messages(response) == [v.NIR_REQUIRED]
    assert site.state.captchas.generated == before + 1


def test_captcha_image_audio_and_change(site: Site) -> None:
    site.client.get(STEP1)
    image = site.client.get("/espace-personnel/inscription/captcha.png")
    assert image.mimetype == "image/png" and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    audio = site.client.get("/espace-personnel/inscription/captcha.wav")
    assert audio.mimetype == "audio/wav" and audio.data[:4] == b"RIFF"
    before = site.state.latest_captcha_answer()
    renewed = site.client.post("/espace-personnel/inscription/captcha/nouvelle-image")
    assert renewed.is_json and set(renewed.json or {}) == {"image", "audio"}
    assert before not in renewed.get_data(as_text=True)
    assert site.state.captchas.generated == 2
    # Without script, the link reloads the form with what was typed before.
    site.step1(nir="")
    again = site.client.get(STEP1 + "?nouvelle-image=1")
    assert input_value(again, "nom_naissance") == "Dupont"


def test_unknown_nir_is_refused(make_site: Callable[..., Site]) -> None:
    site = make_site(unknown_nirs={NIR})
    response = site.step1()
    assert alert_messages(response) == [v.NIR_UNKNOWN]


@pytest.mark.parametrize("active", [True, False])
def test_existing_account_blocks_registration(site: Site, active: bool) -> None:
    site.state.add_account(NIR, PASSWORD, active=active)
    response = site.step1()
    assert alert_messages(response) == [v.ACCOUNT_EXISTS]


def test_pending_account_with_expired_link_may_register_again(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD, active=False)
    site.clock.advance(days=16)
    assert site.step1().status_code == 303


def test_steps_cannot_be_skipped(site: Site) -> None:
    assert site.client.get(STEP2).headers["Location"].endswith(STEP1)
    assert site.client.get(STEP3).headers["Location"].endswith(STEP1)
    site.step1()
    assert site.client.get(STEP3).headers["Location"].endswith(STEP2)
    assert site.client.get("/espace-personnel/inscription/enregistre").status_code == 303


# --- step 2 ------------------------------------------------------------------------------
def test_communes_endpoint(site: Site) -> None:
    assert site.client.get("/espace-personnel/inscription/communes?code_postal=14000").json == {
        "code_postal": "14000",
        "communes": ["CAEN"],
    }
    assert site.client.get("/espace-personnel/inscription/communes?code_postal=1").json == {
        "code_postal": "1",
        "communes": [],
    }


def test_ville_list_starts_empty_and_disabled(site: Site) -> None:
    site.step1()
    page = site.client.get(STEP2)
    ville = parse(page).inputs["ville"]
    assert "disabled" in ville
    assert 'value="FRANCE" selected' in page.get_data(as_text=True)


def test_valider_votre_voie_shows_normalized_address(site: Site) -> None:
    site.step1()
    form = site.address_form(complement="BIS", nom_voie="avenue du Général Leclerc")
    response = site.client.post(STEP2, data={**form, "action": "valider"})
    text = page_text(response)
    assert "Adresse normalisée" in text
    assert "12 BIS AV DU GAL LECLERC 75012 PARIS FRANCE" in text
    buttons = parse(response).buttons
    assert "Je confirme cette adresse" in buttons and "Modifier mon adresse" in buttons


def test_etape_suivante_needs_validation_then_confirmation(site: Site) -> None:
    site.step1()
    form = site.address_form()
    response = site.client.post(STEP2, data={**form, "action": "suivant"})
    assert alert_messages(response) == [reg.ADDRESS_NOT_VALIDATED]
    site.client.post(STEP2, data={**form, "action": "valider"})
    response = site.client.post(STEP2, data={**form, "action": "suivant"})
    assert alert_messages(response) == [reg.ADDRESS_NOT_CONFIRMED]
    confirmed = site.client.post(STEP2, data={**form, "action": "confirmer"})
    assert reg.ADDRESS_CONFIRMED in page_text(confirmed)
    # Changing a field after confirming asks for a new validation.
    changed = {**form, "numero_voie": "14"}
    response = site.client.post(STEP2, data={**changed, "action": "suivant"})
    assert alert_messages(response) == [reg.ADDRESS_CHANGED]
    site.client.post(STEP2, data={**changed, "action": "valider"})
    site.client.post(STEP2, data={**changed, "action": "confirmer"})
    response = site.client.post(STEP2, data={**changed, "action": "suivant"})
    assert response.status_code == 303 and response.headers["Location"].endswith(STEP3)


def test_modifier_mon_adresse_drops_the_normalized_address(site: Site) -> None:
    site.step1()
    form = site.address_form()
    site.client.post(STEP2, data={**form, "action": "valider"})
    response = site.client.post(STEP2, data={**form, "action": "modifier"})
    assert "Adresse normalisée" not in page_text(response)
    assert input_value(response, "nom_voie") == form["nom_voie"]
    response = site.client.post(STEP2, data={**form, "action": "suivant"})
    assert alert_messages(response) == [reg.ADDRESS_NOT_VALIDATED]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code_postal": ""}, "Le code postal est obligatoire."),
        ({"code_postal": "7501"}, "Le code postal doit comporter 5 chiffres."),
        ({"code_postal": "99999"}, "Le code postal saisi est inconnu."),
        ({"ville": ""}, "Veuillez sélectionner votre ville."),
        ({"ville": "LYON"}, "La ville sélectionnée ne correspond pas au code postal."),
        ({"numero_voie": "12b"}, "Le numéro de voie doit être numérique."),
        ({"nom_voie": ""}, "Le nom de la voie est obligatoire."),
    ],
)
def test_address_rules(site: Site, overrides: dict[str, str], message: str) -> None:
    site.step1()
    response = site.client.post(STEP2, data={**site.address_form(**overrides), "action": "valider"})
    assert message in alert_messages(response)
    assert "Adresse normalisée" not in page_text(response)


def test_server_fills_the_town_list_when_the_script_did_not(site: Site) -> None:
    site.step1()
    response = site.client.post(STEP2, data={**site.address_form(code_postal="01000", ville=""), "action": "valider"})
    html = response.get_data(as_text=True)
    assert "Veuillez sélectionner votre ville." in alert_messages(response)
    assert ">SAINT-DENIS-LES-BOURG</option>" in html and ">BOURG-EN-BRESSE</option>" in html


def test_foreign_address(site: Site) -> None:
    site.step1()
    form = {
        "pays": "BELGIQUE",
        "code_postal": "1000",
        "localite": "Bruxelles",
        "numero_voie": "5",
        "complement": "",
        "nom_voie": "rue Neuve",
    }
    response = site.client.post(STEP2, data={**form, "action": "valider"})
    assert "5 RUE NEUVE 1000 BRUXELLES BELGIQUE" in page_text(response)


def test_corsican_and_overseas_addresses(site: Site) -> None:
    site.step1()
    for code, town in (("20000", "AJACCIO"), ("20200", "BASTIA"), ("97400", "SAINT-DENIS")):
        form = site.address_form(code_postal=code, ville=town)
        response = site.client.post(STEP2, data={**form, "action": "valider"})
        assert f"{code} {town}" in page_text(response)


# --- step 3 ------------------------------------------------------------------------------
@pytest.fixture
def at_step3(site: Site) -> Site:
    site.step1()
    assert site.step2().status_code == 303
    return site


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"telephone": "06123"}, "telephone", v.PHONE_INVALID),
        ({"email": "", "email_confirmation": ""}, "email", v.EMAIL_REQUIRED),
        ({"email": "jean", "email_confirmation": "jean"}, "email", v.EMAIL_INVALID),
        ({"email_confirmation": ""}, "email_confirmation", v.EMAIL_CONFIRM_REQUIRED),
        ({"email_confirmation": "autre@example.org"}, "email_confirmation", v.EMAIL_MISMATCH),
        ({"mot_de_passe": "", "mot_de_passe_confirmation": ""}, "mot_de_passe", v.PASSWORD_REQUIRED),
        ({"mot_de_passe_confirmation": ""}, "mot_de_passe_confirmation", v.PASSWORD_CONFIRM_REQUIRED),
        ({"mot_de_passe_confirmation": "Retraite2025"}, "mot_de_passe_confirmation", v.PASSWORD_MISMATCH),
        ({"mot_de_passe": "Ab1", "mot_de_passe_confirmation": "Ab1"}, "mot_de_passe", v.PASSWORD_TOO_SHORT),
        (
            {"mot_de_passe": "Abcdefghij1234567890X", "mot_de_passe_confirmation": "Abcdefghij1234567890X"},
            "mot_de_passe",
            v.PASSWORD_TOO_LONG,
        ),
        (
            {"mot_de_passe": "retraite2024", "mot_de_passe_confirmation": "retraite2024"},
            "mot_de_passe",
            v.PASSWORD_NO_UPPER,
        ),
        (
            {"mot_de_passe": "RETRAITE2024", "mot_de_passe_confirmation": "RETRAITE2024"},
            "mot_de_passe",
            v.PASSWORD_NO_LOWER,
        ),
        (
            {"mot_de_passe": "RetraiteXYZ", "mot_de_passe_confirmation": "RetraiteXYZ"},
            "mot_de_passe",
            v.PASSWORD_NO_DIGIT,
        ),
        (
            {"mot_de_passe": "Retraite_2024", "mot_de_passe_confirmation": "Retraite_2024"},
            "mot_de_passe",
            v.PASSWORD_SPECIAL,
        ),
        ({"mot_de_passe": "Dupont2024", "mot_de_passe_confirmation": "Dupont2024"}, "mot_de_passe", v.PASSWORD_HAS_NOM),
        (
            {"mot_de_passe": "Jean2024xx", "mot_de_passe_confirmation": "Jean2024xx"},
            "mot_de_passe",
            v.PASSWORD_HAS_PRENOM,
        ),
        (
            {"mot_de_passe": "Retraite1985", "mot_de_passe_confirmation": "Retraite1985"},
            "mot_de_passe",
            v.PASSWORD_HAS_BIRTHDATE,
        ),
        (
            {"mot_de_passe": "Retraite5123", "mot_de_passe_confirmation": "Retraite5123"},
            "mot_de_passe",
            v.PASSWORD_HAS_NIR,
        ),
        ({"question_secrete": ""}, "question_secrete", v.QUESTION_REQUIRED),
        ({"reponse_secrete": ""}, "reponse_secrete", v.REPONSE_REQUIRED),
    ],
)
def test_step3_each_rule(at_step3: Site, overrides: dict[str, str], field: str, message: str) -> None:
    response = at_step3.step3(**overrides)
    assert response.status_code == 200
    assert message in alert_messages(response)
    assert message in field_messages(response, field)
    assert at_step3.state.accounts == {}
    # Passwords are never sent back in the page; the e-mail is.
    assert input_value(response, "mot_de_passe") == ""
    assert input_value(response, "mot_de_passe_confirmation") == ""


def test_step3_shows_seed_questions_and_blocks_paste_on_confirmations(at_step3: Site) -> None:
    page = at_step3.client.get(STEP3)
    html = page.get_data(as_text=True)
    assert "Quel est le nom de votre premier animal de compagnie ?" in html
    fields = parse(page).inputs
    assert "data-no-paste" in fields["email_confirmation"]
    assert "data-no-paste" in fields["mot_de_passe_confirmation"]
    assert "data-no-paste" not in fields["email"]


def test_registration_creates_pending_account_and_sends_the_email(at_step3: Site) -> None:
    site = at_step3
    response = site.step3(telephone="06 12 34 56 78")
    assert response.headers["Location"].endswith("/espace-personnel/inscription/enregistre")
    account = site.state.accounts[NIR]
    assert account.status == "pending"
    assert (account.nom_naissance, account.prenom, account.civilite) == ("DUPONT", "Jean", "Monsieur")
    assert account.telephone == "0612345678"
    assert account.adresse_normalisee == ["12 BIS AV DU GAL LECLERC", "75012 PARIS", "FRANCE"]
    assert account.question_secrete.startswith("Quel est le nom")
    assert len(site.state.registrations) == 1
    email = site.state.latest_email(EMAIL)
    assert email is not None and email.to == EMAIL
    assert email.activation_link and account.activation_token in email.activation_link
    # The seed: RIS of 07/10/2018, link valid until 22/10/2018 (15 days).
    assert "ce lien est valable jusqu'au 22/10/2018 inclus." in page_text(email.html)
    assert "22/10/2018" in email.text
    assert account.link_valid_until == site.clock.now().date() + timedelta(days=15)


def test_link_validity_follows_the_config(make_site: Callable[..., Site]) -> None:
    site = make_site(link_validity_days=3)
    site.register()
    email = site.state.latest_email()
    assert email is not None and "jusqu'au 10/10/2018 inclus" in email.text


def test_submitting_step3_twice_registers_once(at_step3: Site) -> None:
    site = at_step3
    assert site.step3().status_code == 303
    again = site.step3()
    assert again.status_code == 200
    assert alert_messages(again) == [v.ACCOUNT_EXISTS]
    assert len(site.state.registrations) == 1
    assert len(site.state.outbox) == 1
    # Back to step 1 with the same NIR: refused as well.
    assert alert_messages(site.step1()) == [v.ACCOUNT_EXISTS]


def test_registered_page_and_mailbox(at_step3: Site) -> None:
    site = at_step3
    site.step3()
    page = site.client.get("/espace-personnel/inscription/enregistre")
    assert "L'inscription à votre espace est bientôt finalisée." in page_text(page)
    inbox = site.client.get("/mailbox")
    parsed = parse(inbox)
    assert "Finalisez la création de votre espace personnel" in parsed.link_texts()
    assert "lassuranceretraite.fr" in page_text(inbox) and EMAIL in page_text(inbox)
    message = site.client.get("/mailbox/1")
    assert "Je confirme la création de mon espace personnel" in parse(message).link_texts()
    assert site.client.get("/mailbox/99").status_code == 404
