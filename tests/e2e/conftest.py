from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mock_site import MockConfig, create_app, get_state, serve


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
    with serve(app) as server:
        yield Replica(url=server.url, state=get_state(app), app=app)


@pytest.fixture
def home() -> Iterator[Path]:
    """A short private HOME: Chromium refuses a profile whose socket path is too long."""
    folder = Path(tempfile.mkdtemp(prefix="cp-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# After every end-to-end test, nothing of the test person in clear on disk (issue 12).
from tests.e2e.secret_scan import no_secret_left_behind  # noqa: E402, F401
