"""Peak memory of a child process and of the Chromium processes below it.

With psutil (when the venv has it) or, without it, straight from /proc: the Python
process's own peak is its VmHWM (the kernel's high-water mark, exact; psutil: its RSS,
polled); the browser's is the largest sum of VmRSS over all Chromium processes
descending from it, polled every POLL_S seconds. A sum of RSS counts the pages the
Chromium processes share once per process: it is an upper bound, so the sum of their
PSS (shared pages split between the sharers, /proc/PID/smaps_rollup, read every
PSS_EVERY-th poll because it costs more) is given beside it. The Playwright driver
(node, the other descendant) is reported apart. Processes are told apart by their
executable, not their name (node renames itself "node-MainThread", a fresh Chromium
child is briefly "ThreadPoolSingl")."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

POLL_S = 0.1
PSS_EVERY = 5

try:  # optional: not a dependency of carsat-pilot
    import psutil
except ImportError:  # pragma: no cover - depends on the venv
    psutil = None

METHOD = (
    f"psutil {psutil.__version__}: RSS of the process and of its descendants polled every {POLL_S:.1f} s"
    f" (+ PSS from /proc/PID/smaps_rollup every {PSS_EVERY * POLL_S:.1f} s)"
    if psutil is not None
    else f"/proc: VmHWM of the Python process; VmRSS of its descendants polled every {POLL_S:.1f} s"
    f" (+ PSS from /proc/PID/smaps_rollup every {PSS_EVERY * POLL_S:.1f} s)"
)


def _is_browser(exe: str) -> bool:
    name = os.path.basename(exe).lower()
    return "chrom" in name or "headless_shell" in name


def _is_driver(exe: str) -> bool:
    return os.path.basename(exe).lower() == "node"


def _exe(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


# ------------------------------------------------------------------ /proc helpers
def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _proc_table() -> dict[int, tuple[int, str]]:
    """pid → (ppid, comm) for every process."""
    table: dict[int, tuple[int, str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                raw = handle.read()
        except OSError:
            continue
        left, right = raw.find("("), raw.rfind(")")
        comm = raw[left + 1 : right]
        fields = raw[right + 2 :].split()
        try:
            table[int(entry.name)] = (int(fields[1]), comm)
        except (IndexError, ValueError):
            continue
    return table


def _descendants_proc(root: int) -> list[int]:
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _comm) in table.items():
        children.setdefault(ppid, []).append(pid)
    out: list[int] = []
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


# ------------------------------------------------------------------ sampler
@dataclass
class MemoryPeaks:
    python_kb: int = 0
    browser_kb: int = 0
    browser_pss_kb: int = 0
    driver_kb: int = 0
    browser_processes: int = 0
    samples: int = 0
    method: str = METHOD

    def as_mb(self) -> dict[str, float | int | str]:
        return {
            "python_mb": round(self.python_kb / 1024, 1),
            "browser_mb": round(self.browser_kb / 1024, 1),
            "browser_pss_mb": round(self.browser_pss_kb / 1024, 1),
            "driver_mb": round(self.driver_kb / 1024, 1),
            "browser_processes_max": self.browser_processes,
            "samples": self.samples,
        }


@dataclass
class Sampler:
    """Polls `pid` and its descendants on a thread until stopped."""

    pid: int
    peaks: MemoryPeaks = field(default_factory=MemoryPeaks)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"mem-{self.pid}")

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def stop(self) -> MemoryPeaks:
        self._stop.set()
        self._thread.join(timeout=5)
        return self.peaks

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(POLL_S)

    def sample(self) -> None:
        peaks = self.peaks
        found: list[tuple[int, str, int]] = []  # pid, executable, RSS (kB)
        if psutil is not None:
            try:
                root = psutil.Process(self.pid)
                python_kb = root.memory_info().rss // 1024
                for child in root.children(recursive=True):
                    try:
                        found.append((child.pid, child.exe(), child.memory_info().rss // 1024))
                    except psutil.Error:
                        continue
            except psutil.Error:
                return
        else:
            python_kb = _status_kb(self.pid, "VmHWM")
            if python_kb == 0:
                return  # gone (or a zombie): nothing more to learn
            found = [(pid, _exe(pid), _status_kb(pid, "VmRSS")) for pid in _descendants_proc(self.pid)]
        browser = [(pid, kb) for pid, exe, kb in found if _is_browser(exe)]
        driver = sum(kb for _pid, exe, kb in found if _is_driver(exe))
        peaks.python_kb = max(peaks.python_kb, python_kb)
        peaks.browser_kb = max(peaks.browser_kb, sum(kb for _pid, kb in browser))
        peaks.browser_processes = max(peaks.browser_processes, len(browser))
        peaks.driver_kb = max(peaks.driver_kb, driver)
        if browser and peaks.samples % PSS_EVERY == 0:
            peaks.browser_pss_kb = max(peaks.browser_pss_kb, sum(_pss_kb(pid) for pid, _kb in browser))
        peaks.samples += 1
