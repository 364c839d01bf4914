"""`carsat-pilot mock-site` serves the replica on loopback, with its knobs, and prints where."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.e2e import procs
from tests.e2e.harness import ToolRun, isolated_env


def test_mock_site_serves_the_replica_with_its_knobs(home: Path) -> None:
    # --port 0: the system picks a free port and the command says which (no port guessed).
    run = ToolRun(
        ["mock-site", "--port", "0", "--fail", "/portail-info:1:maintenance", "--ris-delay", "5"],
        isolated_env(home),
    )
    try:
        line = run.expect(r"http://127\.0\.0\.1:\d+", timeout=30)
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)  # type: ignore[union-attr]
        port = int(url.rpartition(":")[2])
        assert port != 0 and procs.listening(port) == [procs.LOOPBACK_V4], "the address said is not the one served"
        with urllib.request.urlopen(url + "/") as response:
            assert "Pas encore d'espace personnel" in response.read().decode()
        # The --fail knob: the first page under /portail-info is the maintenance page.
        try:
            urllib.request.urlopen(url + "/portail-info/salaries")
            raise AssertionError("the maintenance knob did not apply")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503
        with urllib.request.urlopen(url + "/portail-info/salaries") as response:
            assert response.status == 200
    finally:
        run.proc.send_signal(signal.SIGINT)
        code = run.finish(timeout=30)
    assert code == 0, run.output


def test_the_replica_in_the_foreground_stops_cleanly_on_sigterm(home: Path) -> None:
    """A polite kill ends it like Ctrl-C: the server stopped, exit 0 (not killed by the
    signal). Both are awaited by the main thread itself, whichever thread the kernel picks."""
    env = isolated_env(home)
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_site", "--port", "0"], stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "Réplique disponible sur http://127.0.0.1:" in line
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


def test_mock_site_stays_on_loopback_unless_told(home: Path) -> None:
    run = ToolRun(["mock-site", "--host", "0.0.0.0"], isolated_env(home))
    assert run.finish(timeout=30) == 2, run.output
    assert "--allow-public" in run.output
