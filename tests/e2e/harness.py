"""Running carsat-pilot as a user runs it — a separate process, its standard input a
pipe — against a replica served from the test's own process, so that the test can play
the person (read the replica's captcha answer from its in-process state) and check what
the replica recorded."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PASSWORD = "Retraite2026Ok"

PROFILE_TOML = """\
nir = "{nir}"
civilite = "{civilite}"
nom_naissance = "{nom}"
prenom = "{prenom}"
date_naissance = "{date}"

[adresse]
pays = "FRANCE"
code_postal = "{code_postal}"
ville = "{ville}"
numero = "12"
complement = ""
voie = "RUE DE LA GARE"

[contact]
telephone = "+33 6 12 34 56 78"
email = "{email}"
question_secrete = "Quel est le nom de votre premier animal de compagnie ?"
reponse_secrete = "Medor"
"""


def write_profile(folder: Path, **overrides: str) -> Path:
    values = {
        "nir": "1850775123456",
        "civilite": "Monsieur",
        "nom": "DUPONT",
        "prenom": "Jean",
        "date": "15/07/1985",
        "code_postal": "75012",
        "ville": "PARIS",
        "email": "jean.dupont@example.org",
    }
    values.update(overrides)
    path = folder / "personne.toml"
    path.write_text(PROFILE_TOML.format(**values), encoding="utf-8")
    return path


def isolated_env(home: Path, password: str | None = PASSWORD) -> dict[str, str]:
    """A private HOME, XDG folders and TMPDIR: what the tool writes can be listed."""
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
    )
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    if password is not None:
        env["CARSAT_PILOT_PASSWORD"] = password
    return env


class OutputLines:
    """What a run printed, line by line as it comes (a pump thread fills `_queue`; None
    marks the end): the interface the tests read a run through, process or not."""

    lines: list[str]
    _queue: queue.Queue[str | None]

    def expect(self, pattern: str, timeout: float = 60.0) -> str:
        """The next output line matching `pattern` (earlier lines are kept in `lines`)."""
        wanted = re.compile(pattern, re.IGNORECASE)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines))
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                self._queue.put(None)
                raise AssertionError(f"the tool ended before printing {pattern!r}:\n" + "\n".join(self.lines))
            self.lines.append(line)
            if wanted.search(line):
                return line

    def next_line(self, deadline: float) -> str | None:
        """The next output line (kept in `lines`), or None at the end or the deadline."""
        try:
            line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            return None
        if line is None:
            self._queue.put(None)  # the end of the output, for finish() to see too
            return None
        self.lines.append(line)
        return line

    def _drain(self) -> None:
        """After the end: the last lines still in the pipe."""
        while True:
            try:
                line = self._queue.get(timeout=5)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


@dataclass
class ToolRun(OutputLines):
    args: list[str]
    env: dict[str, str]
    lines: list[str] = field(default_factory=list)
    cwd: Path | None = None

    def command(self) -> list[str]:
        """What the process runs: `carsat-pilot` with the run's arguments."""
        return [sys.executable, "-m", "carsat_pilot", *self.args]

    def __post_init__(self) -> None:
        self.proc = subprocess.Popen(
            self.command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            env=self.env,
            bufsize=1,
            cwd=self.cwd,
        )
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 120.0) -> int:
        try:
            if self.proc.stdin is not None and not self.proc.stdin.closed:
                self.proc.stdin.close()
        except BrokenPipeError:
            pass
        code = self.proc.wait(timeout=timeout)
        self._drain()
        return code
