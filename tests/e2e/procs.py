"""Reading /proc: the processes a run started (its driver, its browser and the browser's
own helpers), their environment and command line, and the sockets they listen on."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def _read(pid: int, name: str) -> bytes:
    try:
        return (Path("/proc") / str(pid) / name).read_bytes()
    except OSError:  # gone, or not ours to read
        return b""


def my_processes() -> list[int]:
    """Every live process of this user on the machine."""
    mine: list[int] = []
    uid = os.getuid()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    mine.append(int(entry.name))
            except OSError:
                continue
    return mine


def parent(pid: int) -> int:
    stat = _read(pid, "stat").decode("utf-8", "replace")
    # "pid (comm) state ppid …": comm may hold spaces and parentheses.
    fields = stat.rpartition(")")[2].split()
    return int(fields[1]) if len(fields) > 1 else 0


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid in my_processes():
        children.setdefault(parent(pid), []).append(pid)
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def environ(pid: int) -> bytes:
    return _read(pid, "environ")


def cmdline(pid: int) -> bytes:
    return _read(pid, "cmdline")


def name(pid: int) -> str:
    return _read(pid, "comm").decode("utf-8", "replace").strip()


def listening(port: int) -> list[str]:
    """The local addresses listening on `port` (hex, as /proc/net/tcp writes them)."""
    found: list[str] = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, _, hex_port = fields[1].rpartition(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # LISTEN
                found.append(address)
    return found


LOOPBACK_V4 = "0100007F"
LOOPBACK_V6 = "00000000000000000000000001000000"


def end(pids: list[int], timeout_s: float = 10.0) -> None:
    """Wait for processes a test started to end; kill (by their id) those that do not."""
    deadline = time.monotonic() + timeout_s
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if Path(f"/proc/{pid}").exists() and _state(pid) != "Z"]
        if alive:
            time.sleep(0.1)
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _state(pid: int) -> str:
    fields = _read(pid, "stat").decode("utf-8", "replace").rpartition(")")[2].split()
    return fields[0] if fields else ""
