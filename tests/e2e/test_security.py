"""Issue 12 end to end: secrets in one process, the host rule at the point of typing,
nothing left behind after a kill, one run per person at a time.

Each test runs `carsat-pilot` as a user runs it (a process, its input a pipe) against
the replica served from the test's process, and looks at what the operating system
shows of it: /proc/<pid>/environ and cmdline of every process, the sockets it listens
on, the temporary folder after a SIGKILL."""

from __future__ import annotations

import os
import re
import secrets
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from mock_site import MockConfig, create_app, get_state, serve
from mock_site.routes.hostile import captured, visited
from tests.e2e import procs
from tests.e2e.conftest import Replica
from tests.e2e.harness import PASSWORD, ToolRun, isolated_env, write_profile
from tests.e2e.journey import flat

pytestmark = pytest.mark.e2e

NIR = "1850775123456"
EMAIL = "jean.dupont@example.org"
CAPTCHA = r"saisissez.*captcha"
STEP1 = "/espace-personnel/inscription/etape-1"


@pytest.fixture
def replica_config() -> MockConfig:
    return MockConfig(ris_delay_s=1.0)


def _register(replica: Replica, home: Path, *extra: str, password: str = PASSWORD) -> ToolRun:
    profile = write_profile(home)
    args = ["register", "--profile", str(profile), "--base-url", replica.url, "--human", "terminal", "--yes"]
    return ToolRun([*args, "--headless", *extra], isolated_env(home, password=password))


def _unique_password() -> str:
    """A password no other process on this machine can hold (other people test here too)."""
    return "Pw" + secrets.token_hex(5) + "Zq7"


def _run_folders(home: Path) -> list[Path]:
    return sorted((home / "tmp").glob("cp-*"))


# ------------------------------------------------------------------ 1. secrets in one process
def test_no_child_process_holds_the_password_and_remote_assistance_is_loopback_only(
    replica: Replica, home: Path, devtools_port: int
) -> None:
    password = _unique_password()
    run = _register(replica, home, "--devtools-port", str(devtools_port), password=password)
    run.expect(CAPTCHA)
    children = procs.descendants(run.proc.pid)
    names = {procs.name(pid) for pid in children}
    assert any("node" in n for n in names), names  # Playwright's driver…
    assert any("chrom" in n for n in names), names  # …and the browser are there
    # Every process of this user, not only the children: a crash reporter may be re-parented.
    # The tool's own process included: it keeps the password in its memory, but the
    # initial environment the kernel shows is blanked too.
    holders = [
        (pid, procs.name(pid))
        for pid in procs.my_processes()
        if password.encode() in procs.environ(pid) + procs.cmdline(pid)
    ]
    assert holders == []
    assert [pid for pid in children if b"CARSAT_PILOT_PASSWORD=" in procs.environ(pid)] == []
    assert b"HOME=" in procs.environ(run.proc.pid)  # the check reads what it should
    # Remote assistance: on loopback only, and said in the journal.
    assert procs.listening(devtools_port) and set(procs.listening(devtools_port)) <= {
        procs.LOOPBACK_V4,
        procs.LOOPBACK_V6,
    }
    run.send(replica.state.latest_captcha_answer())
    run.expect(r"lien d'activation", timeout=90)
    run.send(replica.state.latest_email(EMAIL).activation_link)
    assert run.finish() == 0, run.output
    journal = (home / "data" / "carsat-pilot" / "journal.jsonl").read_text(encoding="utf-8")
    assert f"port DevTools {devtools_port} ouvert sur 127.0.0.1 seulement" in journal


def test_activate_with_the_link_on_standard_input_shows_no_token_in_any_command_line(
    replica: Replica, home: Path
) -> None:
    account = replica.state.add_account(NIR, PASSWORD, active=False)
    token = account.activation_token.encode()
    profile = write_profile(home)
    run = ToolRun(
        ["activate", "--profile", str(profile), "--base-url", replica.url, "--human", "terminal", "--headless"],
        isolated_env(home),
    )
    run.expect(r"lien d'activation")
    run.send(f"{replica.url}/espace-personnel/activation/{account.activation_token}")
    seen: list[str] = []
    looks = 0
    while run.proc.poll() is None:
        for pid in procs.my_processes():
            if token in procs.cmdline(pid):
                seen.append(procs.name(pid))
        looks += 1
        time.sleep(0.05)
    assert run.finish() == 0, run.output
    assert looks > 3 and seen == []
    assert replica.state.accounts[NIR].status == "active"
    assert account.activation_token not in run.output  # masked in the kept output too
    assert "visible des autres utilisateurs" not in run.output


# ------------------------------------------------------------------ 3. the host rule when typing
def _typed(app: Flask) -> list[dict[str, str]]:
    return captured(app)


def test_a_redirect_to_another_loopback_port_is_a_stop_with_nothing_typed(replica: Replica, home: Path) -> None:
    look_alike = create_app(MockConfig())
    with serve(look_alike) as other:
        elsewhere = urlsplit(other.url).netloc
        look_alike.config["CP_HOSTILE_HOSTS"] = {elsewhere}
        replica.app.config["CP_HOSTILE_REDIRECTS"] = {STEP1: other.url + STEP1}
        run = _register(replica, home)
        code = run.finish()
        assert STEP1 in visited(look_alike)  # the look-alike page was reached and adopted…
        assert code == 2, run.output
        output = flat(run.output)
        assert f"« {elsewhere} »" in output and "rien n'a été saisi" in output
        assert _typed(look_alike) == []  # …and nothing was typed into it
        assert get_state(look_alike).registrations == [] and replica.state.registrations == []
        assert "Traceback" not in run.output


def test_a_page_opened_in_a_new_tab_on_another_host_name_is_a_stop_with_nothing_typed(
    replica: Replica, home: Path
) -> None:
    """localhost is not 127.0.0.1 for the rule: another origin, another host name."""
    port = urlsplit(replica.url).port
    other = f"localhost:{port}"
    replica.app.config["CP_HOSTILE_HOSTS"] = {other}
    # « Je crée mon espace » opens its new tab on the other host name.
    replica.app.config["CP_HOSTILE_REWRITE"] = [
        ('href="/portail-info/espace-personnel"', f'href="http://{other}/portail-info/espace-personnel"')
    ]
    run = _register(replica, home)
    code = run.finish()
    assert "/portail-info/espace-personnel" in visited(replica.app), run.output  # the new tab is there
    assert code == 2, run.output
    assert f"« {other} »" in flat(run.output)
    assert _typed(replica.app) == []
    assert replica.state.registrations == []
    assert not [r for r in replica.state.request_log if r.method == "POST" and r.path.startswith("/espace-personnel")]


# ------------------------------------------------------------------ 5/6. state and leftovers
def test_a_killed_run_leaves_no_browser_profile_after_the_next_start(replica: Replica, home: Path) -> None:
    run = _register(replica, home)
    run.expect(CAPTCHA)
    folders = _run_folders(home)
    assert any((folder / "profile").is_dir() for folder in folders), folders
    children = procs.descendants(run.proc.pid)
    os.kill(run.proc.pid, signal.SIGKILL)
    run.proc.wait(timeout=30)
    procs.end(children)  # the driver and the browser end with their parent
    assert _run_folders(home) == folders  # the kill left them behind…

    again = _register(replica, home)
    again.expect(CAPTCHA)  # …the next start removed them (and the kill's lock did not hold it up)
    now = _run_folders(home)
    assert not set(now) & set(folders)
    assert again.finish() == 5  # input closed: nobody to read the image
    assert _run_folders(home) == []
    assert list((home / "tmp").iterdir()) == []


def test_a_second_run_for_the_same_person_stops_with_a_clear_sentence(replica: Replica, home: Path) -> None:
    first = _register(replica, home)
    first.expect(CAPTCHA)
    second = ToolRun(
        [
            "fetch-ris",
            "--profile",
            str(home / "personne.toml"),
            "--base-url",
            replica.url,
            "--human",
            "terminal",
            "--headless",
        ],
        isolated_env(home),
    )
    assert second.finish() == 2, second.output
    assert "Une autre démarche est déjà en cours pour cette personne (1 85 07 ** *** ***)" in flat(second.output)
    assert first.finish() == 5, first.output  # the first one was not disturbed by it
    assert replica.state.registrations == []


def test_a_damaged_state_file_stops_before_anything_is_sent(replica: Replica, home: Path) -> None:
    replica.state.add_account(NIR, PASSWORD)
    people = home / "state" / "carsat-pilot" / "people"
    people.mkdir(parents=True)
    from carsat_pilot.record.state import person_key

    (people / f"{person_key(NIR)}.json").write_text('{"nir_masked": "1 85 07 ** *** ***", "ris_req', encoding="utf-8")
    run = ToolRun(
        ["fetch-ris", "--profile", str(write_profile(home)), "--base-url", replica.url, "--human", "terminal"],
        isolated_env(home),
    )
    assert run.finish() == 2, run.output
    assert "L'état de la démarche est illisible" in flat(run.output)
    assert replica.state.request_log == [] and replica.state.ris_requests == []


# ------------------------------------------------------------------ 4. --verbose, --debug-artifacts
@pytest.mark.parametrize("replica_config", [MockConfig(ris_delay_s=0)])
def test_verbose_and_debug_artifacts_leave_nothing_of_the_person_in_clear(replica: Replica, home: Path) -> None:
    """A journey that stops at the activation page (its button renamed), with the trace
    and the captures asked for: the output and the captures' names are masked, and the
    autouse scan then reads every file the run left (journal, state, drift report…)."""
    account = replica.state.add_account(NIR, PASSWORD, active=False)
    replica.state.config.reword = {"Activer votre espace": "Activer mon compte"}
    env = isolated_env(home)
    env["CARSAT_PILOT_LINK"] = f"{replica.url}/espace-personnel/activation/{account.activation_token}"
    captures = home / "captures"
    run = ToolRun(
        [
            "activate",
            "--profile",
            str(write_profile(home)),
            "--base-url",
            replica.url,
            "--human",
            "terminal",
            "--headless",
            "--verbose",
            "--debug-artifacts",
            str(captures),
        ],
        env,
    )
    code = run.finish(timeout=180)
    assert code == 4, run.output
    assert "Traceback" in run.output  # --verbose: the trace is shown…
    for clear in (account.activation_token, NIR, PASSWORD, "DUPONT", "jean.dupont"):
        assert clear not in run.output, clear  # …masked, like the rest of the kept output
    shots = list(captures.glob("*.png"))
    assert shots and not [p for p in shots if re.search(r"dupont|jean|\d{13}", p.name, re.I)]
    assert account.status != "active"
