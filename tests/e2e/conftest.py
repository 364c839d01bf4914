"""The end-to-end fixtures: a replica per test on a port the system chose, a short private
HOME, a private working folder, and a DevTools port no other test of the run can take."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mock_site import MockConfig, create_app, get_state, serve
from tests.e2e import procs
from tests.e2e.inprocess import end_leftover_runs


@dataclass
class Replica:
    url: str
    state: Any
    app: Any


@pytest.fixture
def replica_config() -> MockConfig:
    return MockConfig(ris_delay_s=1.0)


@pytest.fixture
def replica(replica_config: MockConfig) -> Iterator[Replica]:
    app = create_app(replica_config)
    with serve(app) as server:  # port 0: the system picks a free one, the server says which
        yield Replica(url=server.url, state=get_state(app), app=app)


@pytest.fixture
def home() -> Iterator[Path]:
    """A short private HOME: Chromium refuses a profile whose socket path is too long."""
    folder = Path(tempfile.mkdtemp(prefix="cp-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def a_private_working_folder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test (and the tool it starts) works in its own empty folder: what a run leaves
    in its working directory is scanned for the person's data (no_secret_left_behind), and
    tests running in parallel must not see each other's files. Named to come before that
    scan, which pytest sets up in name order."""
    folder = Path(tempfile.mkdtemp(prefix="cp-cwd-", dir="/tmp"))
    monkeypatch.chdir(folder)
    yield
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def in_process_runs_end_with_their_test() -> Iterator[None]:
    """A command run in-process (tests/e2e/inprocess.py) that its test left unfinished (an
    assertion failed first) gets its input closed, as a process's would: the next test's
    command runs on the same browser thread, after it."""
    yield
    end_leftover_runs()


def _devtools_ports() -> Iterator[int]:
    """Ports below the system's ephemeral range (where every port-0 server of the run lands),
    a separate block per xdist worker: no two tests of a run are ever given the same one."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    block = 400
    first = max(1024, low - 16 * block) + worker % 16 * block
    return itertools.cycle(range(first, first + block))


_PORTS = _devtools_ports()


@pytest.fixture
def devtools_port() -> int:
    """The tool's --devtools-port: the tool binds it itself (the CLI takes a number, not 0).
    A port another program of the machine happens to hold is passed over."""
    for port in _PORTS:
        if not procs.listening(port):
            return port
    raise AssertionError("unreachable: the cycle never ends")


# After every end-to-end test, nothing of the test person in clear on disk (issue 12).
from tests.e2e.secret_scan import no_secret_left_behind  # noqa: E402, F401
