"""Running one command as a user runs it: a separate process, a private HOME, standard
input a pipe on which the "person" answers as soon as the matching prompt is printed —
from the replica's in-process state, like tests/e2e/harness.py does."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.memory import MemoryPeaks, Sampler

PASSWORD = "Retraite2026Ok"
NIR = "1850775123456"
EMAIL = "jean.dupont@example.org"

PROFILE_TOML = """\
nir = "1850775123456"
civilite = "Monsieur"
nom_naissance = "DUPONT"
prenom = "Jean"
date_naissance = "15/07/1985"

[adresse]
pays = "FRANCE"
code_postal = "75012"
ville = "PARIS"
numero = "12"
complement = ""
voie = "RUE DE LA GARE"

[contact]
telephone = "0612345678"
email = "jean.dupont@example.org"
question_secrete = "Quel est le nom de votre premier animal de compagnie ?"
reponse_secrete = "Medor"
"""


@contextmanager
def private_home() -> Iterator[Path]:
    """A short folder under /tmp (Chromium refuses long profile socket paths)."""
    folder = Path(tempfile.mkdtemp(prefix="cpb-", dir="/tmp"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def isolated_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "CARSAT_PILOT_"))}
    for sub in ("data", "state", "cache", "config", "tmp"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
        TMPDIR=str(home / "tmp"),
        PYTHONUNBUFFERED="1",
        COLUMNS="200",
        CARSAT_PILOT_PASSWORD=PASSWORD,
    )
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "VIRTUAL_ENV_PROMPT"):
        env.pop(name, None)
    return env


def write_profile(home: Path) -> Path:
    path = home / "personne.toml"
    path.write_text(PROFILE_TOML, encoding="utf-8")
    return path


Responder = tuple[str, Callable[[], str]]


@dataclass
class Result:
    args: list[str]
    code: int
    seconds: float
    lines: list[str] = field(default_factory=list)
    memory: MemoryPeaks | None = None
    started_at: datetime | None = None  # wall clock, to place the replica's request log
    ended_at: datetime | None = None

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def check(self) -> Result:
        if self.code != 0:
            tail = "\n".join(self.lines[-40:])
            raise RuntimeError(f"{' '.join(self.args)} ended with {self.code}:\n{tail}")
        return self


def run(
    args: Sequence[str],
    env: dict[str, str],
    responders: Sequence[Responder] = (),
    *,
    timeout: float = 180.0,
    sample_memory: bool = False,
    cwd: Path | None = None,
) -> Result:
    """Run `args`; each output line matching a responder's pattern gets its answer on
    stdin at once. Wall time is from just before the start to the exit."""
    compiled = [(re.compile(pattern, re.IGNORECASE), answer) for pattern, answer in responders]
    lines: list[str] = []
    started_at = datetime.now()
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=cwd,
        bufsize=1,
    )
    sampler = Sampler(proc.pid).start() if sample_memory else None
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    assert proc.stdout is not None and proc.stdin is not None
    try:
        for raw in proc.stdout:
            line = raw.rstrip("\n")
            lines.append(line)
            for pattern, answer in compiled:
                if pattern.search(line):
                    try:
                        proc.stdin.write(answer() + "\n")
                        proc.stdin.flush()
                    except (BrokenPipeError, OSError):
                        pass
                    break
        code = proc.wait()
        seconds = time.perf_counter() - started
        ended_at = datetime.now()
    finally:
        killer.cancel()
        memory = sampler.stop() if sampler is not None else None
        try:
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Result(list(args), code, seconds, lines, memory, started_at, ended_at)


@dataclass
class Replica:
    url: str
    state: Any
    server: Any

    def captcha(self) -> str:
        return str(self.state.latest_captcha_answer())

    def link(self) -> str:
        email = self.state.latest_email(EMAIL)
        if email is None or not email.activation_link:
            return ""
        return str(email.activation_link)


@contextmanager
def replica(**config: Any) -> Iterator[Replica]:
    from mock_site import MockConfig, create_app, get_state, serve

    app = create_app(MockConfig(**config))
    with serve(app) as server:
        yield Replica(url=server.url, state=get_state(app), server=server)
