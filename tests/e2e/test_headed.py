"""One real headed run: the tool's default on a help-desk PC is a visible browser. Here the
screen is an Xvfb display the test starts itself; the run is a whole `register`."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import Replica
from tests.e2e.harness import ToolRun, isolated_env, write_profile

pytestmark = [pytest.mark.e2e, pytest.mark.headed]

NIR = "1850775123456"
EMAIL = "jean.dupont@example.org"


def _browser_version(port: int) -> dict[str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=10) as response:
        return dict(json.loads(response.read().decode("utf-8")))


def test_a_headed_register_under_xvfb(replica: Replica, home: Path, xvfb_display: str, devtools_port: int) -> None:
    env = isolated_env(home)
    env.pop("DISPLAY", None)
    env["DISPLAY"] = xvfb_display
    profile = write_profile(home)
    run = ToolRun(
        [
            "register",
            "--profile",
            str(profile),
            "--base-url",
            replica.url,
            "--human",
            "terminal",
            "--devtools-port",
            str(devtools_port),
            "--yes",
        ],
        env,
    )
    run.expect(r"saisissez.*captcha")
    # The browser the tool opened is a real, visible one (not the headless shell).
    version = _browser_version(devtools_port)
    assert "Headless" not in version.get("Browser", "") + version.get("User-Agent", ""), version
    run.send(replica.state.latest_captcha_answer())
    run.expect(r"lien d'activation")
    email = replica.state.latest_email(EMAIL)
    assert email is not None and email.activation_link
    run.send(email.activation_link)
    code = run.finish()
    assert code == 0, run.output
    assert replica.state.accounts[NIR].status == "active"
    assert len(replica.state.registrations) == 1
    assert len(replica.state.activations) == 1
    assert "Traceback" not in run.output


def test_keep_open_leaves_the_browser_to_the_advisor_after_a_refusal(
    home: Path, xvfb_display: str, devtools_port: int, playwright: object
) -> None:
    from mock_site import MockConfig, create_app, get_state, serve

    app = create_app(MockConfig(unknown_nirs={NIR}))
    state = get_state(app)
    env = isolated_env(home)
    env["DISPLAY"] = xvfb_display
    profile = write_profile(home)
    with serve(app) as server:
        run = ToolRun(
            [
                "register",
                "--profile",
                str(profile),
                "--base-url",
                server.url,
                "--human",
                "terminal",
                "--devtools-port",
                str(devtools_port),
                "--yes",
                "--keep-open",
            ],
            env,
        )
        run.expect(r"saisissez.*captcha")
        run.send(state.latest_captcha_answer())
        line = run.expect(r"reste ouvert", timeout=60)
        assert "Déjà fait par carsat-pilot" in line
        # The advisor finishes by hand, then closes the window: the tool ends with the refusal.
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{devtools_port}")  # type: ignore[attr-defined]
        for page in browser.contexts[0].pages:
            page.close()
        browser.close()
        code = run.finish(timeout=60)
    assert code == 3, run.output
    assert "ne permettent pas de vous identifier" in run.output
