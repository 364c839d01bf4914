"""fetch-ris, run as a user runs it, against the replica: what the site recorded (requests
asked, pages refreshed) and the file written (name, mode, bytes, a real PDF)."""

from __future__ import annotations

import itertools
import json
import re
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from mock_site import MockConfig
from tests.e2e.conftest import Replica
from tests.e2e.harness import PASSWORD, isolated_env, write_profile
from tests.e2e.inprocess import Run, tool_run

pytestmark = pytest.mark.e2e

NIR = "1850775123456"
RIS_PAGE = "/espace-personnel/services/ris"
RIS_REQUEST = "/espace-personnel/services/ris/demande"
# « Rafraîchir » reloads the RIS block (fetch) or, without the page's script, the page.
RIS_REFRESH_PATHS = {RIS_PAGE, RIS_PAGE + "/bloc"}
# The interval the tests ask for, and what a scheduler's jitter may take off it.
REFRESH_INTERVAL_S = 1.0
TOLERANCE_S = 0.25


def _fetch(replica: Replica, home: Path, download_dir: Path, *extra: str, profile: bool = True) -> Run:
    who = ["--profile", str(write_profile(home))] if profile else ["--nir", NIR]
    return tool_run(
        [
            "fetch-ris",
            *who,
            "--download-dir",
            str(download_dir),
            "--base-url",
            replica.url,
            "--human",
            "terminal",
            "--headless",
            "--yes",
            "--refresh-interval",
            str(REFRESH_INTERVAL_S),
            *extra,
        ],
        isolated_env(home),
    )


def _request_posts(replica: Replica) -> list[datetime]:
    """Every « Demander mon Relevé Individuel de Situation » the site received, even the
    ones it refused (a refused one is not in `state.ris_requests`)."""
    return [r.time for r in list(replica.state.request_log) if r.method == "POST" and r.path == RIS_REQUEST]


def _refreshes(replica: Replica) -> list[datetime]:
    """Views of the RIS page/block after the (first) request was sent."""
    log = list(replica.state.request_log)
    asked = next((i for i, r in enumerate(log) if r.method == "POST" and r.path == RIS_REQUEST), None)
    start = 0 if asked is None else asked + 1
    return [r.time for r in log[start:] if r.method == "GET" and r.path in RIS_REFRESH_PATHS]


def _downloads(replica: Replica) -> list[str]:
    return [r.path for r in list(replica.state.request_log) if r.path.startswith(RIS_PAGE + "/releve-")]


def _assert_polite(times: list[datetime], interval_s: float) -> None:
    """No two views of the RIS page closer than the interval, nor more than a minute's
    worth of them in any minute."""
    for earlier, later in itertools.pairwise(times):
        gap = (later - earlier).total_seconds()
        assert gap >= interval_s - TOLERANCE_S, f"two refreshes {gap:.2f} s apart (interval {interval_s} s): {times}"
    per_minute = max((sum(1 for t in times if start <= t < start + timedelta(minutes=1)) for start in times), default=0)
    assert per_minute <= 60 / interval_s + 1, f"{per_minute} refreshes in one minute"


def _assert_private_pdf(path: Path, expected: bytes) -> None:
    assert path.is_file(), path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
    data = path.read_bytes()
    assert data == expected, "the file differs from what the replica served"
    assert len(PdfReader(str(path)).pages) > 0


def _no_traceback(run: Run) -> None:
    assert "Traceback" not in run.output, run.output


# ----------------------------------------------------------------------------- 1
def test_a_ris_already_there_is_downloaded_without_a_new_request(replica: Replica, home: Path) -> None:
    replica.state.add_account(NIR, PASSWORD, active=True, ris_available=True)
    expected = replica.state.ris_pdf_bytes(NIR)
    folder = home / "releves"
    run = _fetch(replica, home, folder)
    code = run.finish()
    assert code == 0, run.output
    assert replica.state.ris_requests == []
    assert _request_posts(replica) == []
    files = sorted(folder.iterdir())
    today = replica.state.today()
    assert [f.name for f in files] == [f"RIS_DUPONT_{today.isoformat()}.pdf"]
    _assert_private_pdf(files[0], expected)
    assert len(_downloads(replica)) == 1
    # The output says where it is (the summary line may wrap: compare without line breaks).
    assert str(files[0]) in run.output.replace("\n", ""), run.output
    _no_traceback(run)


# ------------------------------------------------------------------------ 2 and 7
@pytest.mark.parametrize("replica_config", [MockConfig(ris_delay_s=2.0)])
def test_a_ris_not_there_is_asked_once_refreshed_politely_then_downloaded(replica: Replica, home: Path) -> None:
    replica.state.add_account(NIR, PASSWORD, active=True)
    folder = home / "releves"
    run = _fetch(replica, home, folder, "--wait", "60")
    code = run.finish()
    assert code == 0, run.output
    assert len(replica.state.ris_requests) == 1
    assert len(_request_posts(replica)) == 1
    refreshes = _refreshes(replica)
    assert len(refreshes) >= 1, [(r.method, r.path) for r in replica.state.request_log]
    # Politeness (7): from the request on, never two hits of the RIS page closer than the
    # interval (the request itself counts: the first refresh waits a whole interval).
    _assert_polite(_request_posts(replica) + refreshes, REFRESH_INTERVAL_S)
    files = sorted(folder.iterdir())
    assert len(files) == 1, files
    _assert_private_pdf(files[0], replica.state.ris_pdf_bytes(NIR))
    _no_traceback(run)


# ----------------------------------------------------------------------------- 3
@pytest.mark.parametrize("replica_config", [MockConfig(ris_delay_s=2.0, already_asked_today={NIR})])
def test_a_ris_already_asked_today_is_not_asked_again_but_awaited(replica: Replica, home: Path) -> None:
    replica.state.add_account(NIR, PASSWORD, active=True)
    folder = home / "releves"
    run = _fetch(replica, home, folder, "--wait", "60")
    code = run.finish()
    assert code == 0, run.output
    assert _request_posts(replica) == [], "the tool asked again although the site said it was asked today"
    assert replica.state.ris_requests == []
    assert len(_refreshes(replica)) >= 1
    files = sorted(folder.iterdir())
    assert len(files) == 1, files
    _assert_private_pdf(files[0], replica.state.ris_pdf_bytes(NIR))
    _no_traceback(run)


# ----------------------------------------------------------------------------- 4
@pytest.mark.parametrize("replica_config", [MockConfig(ris_delay_s=3600.0)])
def test_a_ris_that_never_comes_ends_with_exit_5_and_when_to_come_back(replica: Replica, home: Path) -> None:
    replica.state.add_account(NIR, PASSWORD, active=True)
    folder = home / "releves"
    run = _fetch(replica, home, folder, "--wait", "3")
    code = run.finish()
    assert code == 5, run.output
    assert len(_request_posts(replica)) == 1
    assert len(replica.state.ris_requests) == 1
    assert "relancez" in run.output and "dans une heure" in run.output, run.output
    assert "aucune nouvelle demande" in run.output, run.output
    assert not folder.exists() or list(folder.iterdir()) == []
    # --wait 3 with a first interval of 1 s: refreshes after 1 s and 1.5 s more, no sooner.
    refreshes = _refreshes(replica)
    assert len(refreshes) >= 2, refreshes
    asked = _request_posts(replica)[0]
    _assert_polite([asked, *refreshes], REFRESH_INTERVAL_S)
    # The second refresh comes 1 + 1.5 s after the request at the earliest (growing intervals).
    assert (refreshes[1] - asked).total_seconds() >= 2.5 - TOLERANCE_S, refreshes
    _no_traceback(run)


# ----------------------------------------------------------------------------- 5
def test_a_wrong_password_ends_with_exit_3_and_the_sites_words(replica: Replica, home: Path) -> None:
    replica.state.add_account(NIR, "Autre2026Motdepasse", active=True, ris_available=True)
    folder = home / "releves"
    run = _fetch(replica, home, folder)
    code = run.finish()
    assert code == 3, run.output
    assert "Identifiant ou mot de passe incorrect" in run.output
    assert replica.state.logins == []
    assert _downloads(replica) == []
    assert not folder.exists() or list(folder.iterdir()) == []
    _no_traceback(run)


# ----------------------------------------------------------------------------- 6
@pytest.mark.parametrize("replica_config", [MockConfig(ris_delay_s=3600.0)])
def test_a_second_run_after_a_time_out_does_not_ask_again(replica: Replica, home: Path) -> None:
    account = replica.state.add_account(NIR, PASSWORD, active=True)
    folder = home / "releves"
    first = _fetch(replica, home, folder, "--wait", "1", profile=False)
    assert first.finish() == 5, first.output
    assert len(_request_posts(replica)) == 1
    # The state file remembers the request, without the NIR in clear.
    state_files = list((home / "state").rglob("*.json"))
    assert len(state_files) == 1, state_files
    saved = json.loads(state_files[0].read_text(encoding="utf-8"))
    assert saved["ris_requested_at"] is not None
    assert NIR not in state_files[0].read_text(encoding="utf-8")

    # Later the same day, as the first run advised. To see that the *state file* stops a
    # second request (not the site's « à compter de demain »), the site forgets it was
    # asked: nothing on the page says so any more, and the relevé is still being prepared.
    with replica.state.lock:
        account.ris_requests.clear()
        account.ris_ready_at = replica.state.now() + timedelta(hours=1)
    second = _fetch(replica, home, folder, "--wait", "30", "--verbose", profile=False)
    decided = second.expect(r"relevé déjà demandé aujourd'hui|relevé demandé|le site indique")
    assert "pas de nouvelle demande" in decided, second.output
    with replica.state.lock:  # the relevé is ready now: the next refresh finds it
        account.ris_ready_at = replica.state.now()
    code = second.finish()
    assert code == 0, second.output
    assert len(_request_posts(replica)) == 1, "the second run asked again"
    assert len(replica.state.ris_requests) == 1
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [f"RIS_RELEVE_{replica.state.today().isoformat()}.pdf"]
    _assert_private_pdf(files[0], replica.state.ris_pdf_bytes(NIR))
    saved = json.loads(state_files[0].read_text(encoding="utf-8"))
    assert saved["ris_downloaded_at"] is not None


# ----------------------------------------------------------------------------- 8
@pytest.mark.parametrize("replica_config", [MockConfig(ris_delay_s=1.0, otp_at_login=True)])
def test_the_one_time_code_at_login_is_asked_in_the_terminal(replica: Replica, home: Path) -> None:
    replica.state.add_account(NIR, PASSWORD, active=True, ris_available=True)
    folder = home / "releves"
    run = _fetch(replica, home, folder)
    prompt = run.expect(r"code reçu")
    assert "Saisissez le code reçu par e-mail ou SMS" in prompt
    code_sent = replica.state.latest_otp()
    assert code_sent, "the replica sent no one-time code"
    run.send(code_sent)
    code = run.finish()
    assert code == 0, run.output
    assert len(replica.state.logins) == 1
    assert [r.path for r in replica.state.request_log if r.method == "POST" and r.path.endswith("/connexion/code")]
    files = sorted(folder.iterdir())
    assert len(files) == 1, files
    _assert_private_pdf(files[0], replica.state.ris_pdf_bytes(NIR))


# ----------------------------------------------------------------------------- 9
def test_a_second_download_into_the_same_folder_does_not_overwrite(replica: Replica, home: Path) -> None:
    replica.state.add_account(NIR, PASSWORD, active=True, ris_available=True)
    expected = replica.state.ris_pdf_bytes(NIR)
    folder = home / "releves"
    for _ in range(2):
        run = _fetch(replica, home, folder)
        assert run.finish() == 0, run.output
    stamp = replica.state.today().isoformat()
    names = sorted(f.name for f in folder.iterdir())
    assert names == [f"RIS_DUPONT_{stamp}-2.pdf", f"RIS_DUPONT_{stamp}.pdf"]
    for name in names:
        _assert_private_pdf(folder / name, expected)
    assert _request_posts(replica) == []
    assert re.search(rf"RIS_DUPONT_{stamp}-2\.pdf", run.output.replace("\n", "")), run.output


def test_an_older_ris_is_not_taken_for_the_one_asked_today(home: Path) -> None:
    """Asked earlier today (the site says so) while last month's RIS is still offered: wait
    for today's, unless --accept-archived."""
    from datetime import date, timedelta

    from mock_site import MockConfig, create_app, get_state, serve

    old = date.today() - timedelta(days=30)
    for extra, wanted in (([], date.today()), (["--accept-archived"], old)):
        app = create_app(MockConfig(ris_delay_s=2, already_asked_today={NIR}))
        state = get_state(app)
        state.add_account(NIR, PASSWORD, ris_available=True, ris_date=old)
        folder = home / f"RIS-{len(extra)}"
        with serve(app) as server:
            run = tool_run(
                [
                    "fetch-ris",
                    "--nir",
                    NIR,
                    "--base-url",
                    server.url,
                    "--human",
                    "terminal",
                    "--download-dir",
                    str(folder),
                    "--refresh-interval",
                    "1",
                    "--fresh",
                    *extra,
                ],
                isolated_env(home),
            )
            assert run.finish() == 0, run.output
        files = list(folder.glob("*.pdf"))
        assert [f.name for f in files] == [f"RIS_RELEVE_{wanted.isoformat()}.pdf"], run.output
        assert state.ris_requests == []  # asked earlier today: never asked again
        if not extra:
            assert "attente du relevé demandé aujourd'hui" in run.output
