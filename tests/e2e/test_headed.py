"""One real headed run: the tool's default on a help-desk PC is a visible browser. Here the
screen is an Xvfb display the test starts itself; the run is a whole `register`."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Replica
from tests.e2e.harness import ToolRun, isolated_env, write_profile

pytestmark = [pytest.mark.e2e, pytest.mark.headed]

NIR = "1850775123456"
EMAIL = "jean.dupont@example.org"
DISPLAYS = range(90, 121)
START_TIMEOUT_S = 15.0


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A private X display (Xvfb), killed after the test."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.fail("Xvfb n'est pas installé : le test du navigateur visible en a besoin (apt-get install xvfb).")
    for number in DISPLAYS:
        if Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        proc = subprocess.Popen(
            [binary, f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        socket_path = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and proc.poll() is None and not socket_path.exists():
            time.sleep(0.05)  # bounded wait for the server's socket
        if proc.poll() is not None:
            continue  # another server took this number meanwhile: try the next one
        if not socket_path.exists():
            proc.kill()
            proc.wait(timeout=10)
            pytest.fail(f"Xvfb :{number} did not open its socket within {START_TIMEOUT_S:.0f} s")
        try:
            yield f":{number}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        return
    pytest.fail(f"no free X display number in {DISPLAYS.start}..{DISPLAYS.stop - 1}")


def _browser_version(port: int) -> dict[str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=10) as response:
        return dict(json.loads(response.read().decode("utf-8")))


def test_a_headed_register_under_xvfb(replica: Replica, home: Path, xvfb_display: str, free_port: int) -> None:
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
            str(free_port),
            "--yes",
        ],
        env,
    )
    run.expect(r"saisissez.*captcha")
    # The browser the tool opened is a real, visible one (not the headless shell).
    version = _browser_version(free_port)
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
    home: Path, xvfb_display: str, free_port: int, playwright: object
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
                str(free_port),
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
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{free_port}")  # type: ignore[attr-defined]
        for page in browser.contexts[0].pages:
            page.close()
        browser.close()
        code = run.finish(timeout=60)
    assert code == 3, run.output
    assert "ne permettent pas de vous identifier" in run.output
