"""The register + activate journey, run as a user runs it, against the replica."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Replica
from tests.e2e.harness import isolated_env, write_profile
from tests.e2e.inprocess import Run, tool_run

pytestmark = pytest.mark.e2e

EMAIL = "jean.dupont@example.org"
NIR = "1850775123456"


def _register(replica: Replica, home: Path, *extra: str) -> Run:
    profile = write_profile(home)
    return tool_run(
        [
            "register",
            "--profile",
            str(profile),
            "--base-url",
            replica.url,
            "--human",
            "terminal",
            "--yes",
            "--verbose",
            *extra,
        ],
        isolated_env(home),
    )


def test_register_then_activate_in_terminal_mode_with_a_wrong_captcha_first(replica: Replica, home: Path) -> None:
    run = _register(replica, home)
    run.expect(r"saisissez.*captcha")
    first_image = replica.state.latest_captcha_answer()
    run.send("ZZZZZZ" if first_image.upper() != "ZZZZZZ" else "YYYYYY")
    # The site refuses, shows a new image, and the tool asks again with the same wording.
    run.expect(r"saisissez.*captcha")
    second = replica.state.latest_captcha_answer()
    assert second != first_image or len(replica.state.captcha_answers) > 1
    run.send(second.lower())  # the seed: capitals do not matter
    run.expect(r"lien d'activation")
    email = replica.state.latest_email(EMAIL)
    run.send(email.activation_link)
    code = run.finish()
    assert code == 0, run.output
    account = replica.state.accounts[NIR]
    assert account.status == "active"
    assert len(replica.state.registrations) == 1
    assert len(replica.state.activations) == 1
    # What the tool typed is what the profile says (phone normalized to the site's form).
    assert account.telephone == "0612345678"
    assert account.nom_naissance == "DUPONT"
    assert account.date_naissance.strftime("%d/%m/%Y") == "15/07/1985"
    assert "Étape" in run.output and "Votre espace personnel est actif" in run.output
    # The captcha image was shown to the person as a file, then removed.
    image_lines = [line for line in run.lines if "Image de sécurité enregistrée" in line]
    assert len(image_lines) == 2
    assert not Path(image_lines[0].split(" : ", 1)[1].strip()).exists()


def test_activate_alone_from_the_link(replica: Replica, home: Path) -> None:
    run = _register(replica, home, "--no-activate")
    run.expect(r"saisissez.*captcha")
    run.send(replica.state.latest_captcha_answer())
    assert run.finish() == 0, run.output
    assert replica.state.accounts[NIR].status == "pending"
    link = replica.state.latest_email(EMAIL).activation_link

    activation = tool_run(
        ["activate", link, "--nir", NIR, "--base-url", replica.url, "--human", "terminal", "--yes"],
        isolated_env(home),
    )
    assert activation.finish() == 0, activation.output
    assert replica.state.accounts[NIR].status == "active"
    assert len(replica.state.activations) == 1


def test_a_link_to_another_site_is_refused_before_any_page(replica: Replica, home: Path) -> None:
    run = tool_run(
        [
            "activate",
            "https://lassuranceretraite.example.com/activation?t=x",
            "--nir",
            NIR,
            "--base-url",
            replica.url,
            "--human",
            "terminal",
        ],
        isolated_env(home),
    )
    assert run.finish() == 2, run.output
    assert "ne mène pas au site" in run.output
    assert replica.state.request_log == []


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"nir": "1850775123"}, "nir"),
        ({"civilite": "Madame"}, "civilite"),
        ({"date": "31/02/1985"}, "date_naissance"),
        ({"email": "jean.dupont@"}, "email"),
        ({"code_postal": "7501"}, "code_postal"),
    ],
)
def test_a_bad_profile_is_refused_before_any_request(
    replica: Replica, home: Path, override: dict[str, str], field: str
) -> None:
    profile = write_profile(home, **override)
    run = tool_run(
        ["register", "--profile", str(profile), "--base-url", replica.url, "--human", "terminal", "--yes"],
        isolated_env(home),
    )
    code = run.finish()
    assert code == 2, run.output
    assert field in run.output
    assert "Traceback" not in run.output
    assert replica.state.request_log == []
    assert profile.exists()  # nothing the user typed is lost


def test_a_weak_password_is_refused_before_any_request(replica: Replica, home: Path) -> None:
    profile = write_profile(home)
    env = isolated_env(home, password="dupont1985")
    run = tool_run(
        ["register", "--profile", str(profile), "--base-url", replica.url, "--human", "terminal", "--yes"], env
    )
    assert run.finish() == 2, run.output
    assert "mot de passe" in run.output.lower()
    assert replica.state.request_log == []


@pytest.fixture
def refusing_config():  # type: ignore[no-untyped-def]
    from mock_site import MockConfig

    return MockConfig(ris_delay_s=1.0, unknown_nirs={NIR})


def test_the_site_refusal_is_shown_verbatim_with_exit_3(home: Path, refusing_config) -> None:  # type: ignore[no-untyped-def]
    from mock_site import create_app, get_state, serve

    app = create_app(refusing_config)
    with serve(app) as server:
        state = get_state(app)
        profile = write_profile(home)
        run = tool_run(
            ["register", "--profile", str(profile), "--base-url", server.url, "--human", "terminal", "--yes"],
            isolated_env(home),
        )
        run.expect(r"saisissez.*captcha")
        run.send(state.latest_captcha_answer())
        code = run.finish()
    assert code == 3, run.output
    assert "ne permettent pas de vous identifier" in run.output
    assert "Traceback" not in run.output
    assert state.registrations == []


def test_register_without_a_profile_asks_every_field_in_the_terminal(replica: Replica, home: Path) -> None:
    """No --profile: each field asked (a wrong one asked again), then the journey goes on."""
    run = tool_run(["register", "--base-url", replica.url, "--human", "terminal", "--yes"], isolated_env(home))
    answers = [
        "1850775123456",
        "Monsieur",
        "Dupont",
        "Jean",
        "31/02/1985",  # refused at once: asked again
        "15/07/1985",
        "FRANCE",
        "75012",
        "PARIS",
        "12",
        "",
        "RUE DE LA GARE",
        "0612345678",
        EMAIL,
        EMAIL,
        "Quel est le nom de votre premier animal de compagnie ?",
        "Medor",
        "Medor",
        "n",  # do not save the profile
    ]
    for answer in answers:
        run.send(answer)
    run.expect(r"saisissez.*captcha", timeout=90)
    run.send(replica.state.latest_captcha_answer())
    run.expect(r"lien d'activation")
    run.send(replica.state.latest_email(EMAIL).activation_link)
    assert run.finish() == 0, run.output
    assert replica.state.accounts[NIR].status == "active"
    assert "date" in run.output.lower() and "31/02/1985" not in str(replica.state.accounts[NIR].date_naissance)
    assert not list(home.rglob("*.toml"))  # nothing saved when the person said no
