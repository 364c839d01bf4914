"""The five measures of issue 7. Each returns plain data (dicts, lists of seconds); the
report decides how to show it. Nothing here asserts a time: it only measures."""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import effort
from bench.memory import METHOD as MEMORY_METHOD
from bench.memory import MemoryPeaks
from bench.runner import NIR, PASSWORD, Result, isolated_env, private_home, replica, run, write_profile

REPO = Path(__file__).resolve().parent.parent
STRAIGHT = Path(__file__).resolve().with_name("straight.py")
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"

CAPTCHA_PROMPT = r"saisissez.*captcha"
LINK_PROMPT = r"collez le lien d'activation"


def log(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def tool_command() -> list[str]:
    """`carsat-pilot` as installed by ./install.sh (the venv's entry point)."""
    script = Path(sys.executable).parent / "carsat-pilot"
    if script.is_file():
        return [str(script)]
    found = shutil.which("carsat-pilot")
    return [found] if found else [sys.executable, "-m", "carsat_pilot"]


# --------------------------------------------------------------------------- machine
def browser_path() -> str | None:
    """The Chromium carsat-pilot itself would launch for a headless journey, as both sides
    of the bench run (None: Playwright's own build)."""
    from carsat_pilot.site.browser import find_browser

    executable = find_browser(None).executable(headless=True)
    return str(executable) if executable is not None else None


def machine() -> dict[str, Any]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count() or 0
    path = browser_path()
    chromium = "?"
    if path:
        try:
            out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
            chromium = out.strip().splitlines()[-1] if out.strip() else "?"
        except (OSError, subprocess.TimeoutExpired):
            pass
    else:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(headless=True)
            chromium = f"Chromium {browser.version} (Playwright's build)"
            browser.close()
    from importlib.metadata import version

    try:
        mem_total = next(
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
    except (OSError, StopIteration):
        mem_total = 0
    return {
        "cpu": cpu,
        "cores": usable,
        "memory_mb": mem_total,
        "python": platform.python_version(),
        "playwright": version("playwright"),
        "chromium": chromium,
        "browser_path": path or "(Playwright's Chromium)",
        "load_average_start": list(os.getloadavg()),
    }


# --------------------------------------------------------------------------- start-up
def startup(runs: int) -> dict[str, Any]:
    """Median wall time of `python -c pass`, `carsat-pilot --help`, `carsat-pilot doctor --help`,
    interleaved, each in a private HOME (no warm cache of the user's)."""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "carsat-pilot --help": [*tool_command(), "--help"],
        "carsat-pilot doctor --help": [*tool_command(), "doctor", "--help"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    with private_home() as home:
        env = isolated_env(home)
        for args in commands.values():  # one untimed round: the disk cache is warm for all
            subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        for _ in range(runs):
            for name, args in commands.items():
                started = time.perf_counter()
                done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
                elapsed = time.perf_counter() - started
                if done.returncode != 0:
                    raise RuntimeError(f"{' '.join(args)} → {done.returncode}: {done.stderr.decode()[-500:]}")
                times[name].append(elapsed)
    return {name: {"median_s": median(values), "runs_s": values} for name, values in times.items()}


# --------------------------------------------------------------------------- bare launch
def bare_launch(runs: int, path: str | None) -> dict[str, Any]:
    """launch + close of the browser exactly as carsat-pilot and the straight script launch
    it (persistent context on a fresh short profile, same flags), driver already running."""
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    with private_home() as home, sync_playwright() as playwright:
        kwargs: dict[str, Any] = {"executable_path": path} if path else {}

        def once() -> float:
            profile = Path(tempfile.mkdtemp(prefix="pr-", dir=home))
            started = time.perf_counter()
            context = playwright.chromium.launch_persistent_context(
                str(profile),
                headless=True,
                args=[LOOPBACK_ONLY],
                accept_downloads=True,
                locale="fr-FR",
                viewport={"width": 1280, "height": 900},
                **kwargs,
            )
            context.close()
            elapsed = time.perf_counter() - started
            shutil.rmtree(profile, ignore_errors=True)
            return elapsed

        once()  # warm-up: Chromium's files into the page cache
        for _ in range(runs):
            times.append(once())
    return {"median_s": median(times), "runs_s": times}


# --------------------------------------------------------------------------- journeys
@dataclass
class JourneyRun:
    who: str  # "tool" or "straight"
    ok: bool
    seconds: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)
    memory: dict[str, MemoryPeaks] = field(default_factory=dict)
    handovers: dict[str, dict[str, int]] = field(default_factory=dict)
    timeline: dict[str, list[str]] = field(default_factory=dict)
    first_request_s: dict[str, float] = field(default_factory=dict)  # start → first page asked
    tail_s: dict[str, float] = field(default_factory=dict)  # last request → exit
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "who": self.who,
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "parts_s": {k: round(v, 3) for k, v in self.parts.items()},
            "memory": {k: v.as_mb() for k, v in self.memory.items()},
            "handovers": self.handovers,
            "first_request_s": {k: round(v, 3) for k, v in self.first_request_s.items()},
            "last_request_to_exit_s": {k: round(v, 3) for k, v in self.tail_s.items()},
            "timeline": self.timeline,
            **({"error": self.error} if self.error else {}),
        }


def _journey(who: str, steps: Callable[[Any, Path, dict[str, str]], list[tuple[str, Result]]]) -> JourneyRun:
    with replica(ris_delay_s=0) as site, private_home() as home:
        env = isolated_env(home)
        try:
            results = steps(site, home, env)
        except RuntimeError as exc:
            return JourneyRun(who, ok=False, error=str(exc)[-2000:])
        run_ = JourneyRun(who, ok=True)
        for name, result in results:
            run_.parts[name] = result.seconds
            if result.memory is not None:
                run_.memory[name] = result.memory
            run_.timeline[name], first, last = _timeline(site.state, result)
            if first is not None and last is not None:
                run_.first_request_s[name] = first
                run_.tail_s[name] = result.seconds - last
        run_.seconds = sum(run_.parts.values())
        if not (site.state.accounts.get(NIR) and site.state.accounts[NIR].active and site.state.ris_downloads):
            return JourneyRun(who, ok=False, error="the replica did not record an active account and a download")
        journal = Path(env["XDG_DATA_HOME"]) / "carsat-pilot" / "journal.jsonl"
        if who == "tool":
            runs = _runs(journal)  # one run id per command, in order
            run_.handovers = {
                "register": dict(effort.read_handovers(journal, runs[0])),
                "fetch-ris": dict(effort.read_handovers(journal, runs[-1])) if len(runs) > 1 else {},
            }
        return run_


def _timeline(state: Any, result: Result) -> tuple[list[str], float | None, float | None]:
    """Where the time went, as the replica saw it: each page request (static files left
    out) since the command started, then the time from the last request to the exit."""
    assert result.started_at is not None and result.ended_at is not None
    with state.lock:
        mine = [
            r
            for r in state.request_log
            if result.started_at <= r.time <= result.ended_at
            and not r.path.startswith("/static/")
            and r.path != "/favicon.ico"
        ]
    out = [f"+{(r.time - result.started_at).total_seconds():6.2f}s {r.method} {r.path}" for r in mine]
    out.append(f"+{(result.ended_at - result.started_at).total_seconds():6.2f}s exit {result.code}")
    if not mine:
        return out, None, None
    first = (mine[0].time - result.started_at).total_seconds()
    last = (mine[-1].time - result.started_at).total_seconds()
    return out, first, last


def _runs(journal: Path) -> list[str]:
    import json

    seen: list[str] = []
    if journal.exists():
        for line in journal.read_text(encoding="utf-8").splitlines():
            if line.strip():
                run_id = json.loads(line).get("run", "")
                if run_id not in seen:
                    seen.append(run_id)
    return seen or [""]


def journey_tool(sample_memory: bool = True) -> JourneyRun:
    def steps(site: Any, home: Path, env: dict[str, str]) -> list[tuple[str, Result]]:
        profile = str(write_profile(home))
        common = ["--profile", profile, "--base-url", site.url, "--human", "terminal", "--headless", "--yes"]
        register = run(
            [*tool_command(), "register", *common],
            env,
            [(CAPTCHA_PROMPT, site.captcha), (LINK_PROMPT, site.link)],
            sample_memory=sample_memory,
        ).check()
        fetch = run(
            [*tool_command(), "fetch-ris", *common, "--refresh-interval", "1"],
            env,
            sample_memory=sample_memory,
        ).check()
        return [("register", register), ("fetch-ris", fetch)]

    return _journey("tool", steps)


def journey_straight(path: str | None, sample_memory: bool = True) -> JourneyRun:
    def steps(site: Any, home: Path, env: dict[str, str]) -> list[tuple[str, Result]]:
        browser = ["--browser-path", path] if path else []
        base = [sys.executable, str(STRAIGHT)]
        register = run(
            [*base, "register", "--base-url", site.url, *browser],
            env,
            [(r"^captcha\?", site.captcha), (r"^link\?", site.link)],
            sample_memory=sample_memory,
        ).check()
        fetch = run(
            [*base, "fetch-ris", "--base-url", site.url, *browser, "--refresh-interval", "1"],
            env,
            sample_memory=sample_memory,
        ).check()
        return [("register", register), ("fetch-ris", fetch)]

    return _journey("straight", steps)


# --------------------------------------------------------------------------- politeness
RIS_PAGE = re.compile(r"^/espace-personnel/services/ris(/bloc|/demande)?/?$")


def politeness(delay_s: float) -> dict[str, Any]:
    """fetch-ris with its default refresh interval on a pre-loaded active account, the
    replica producing the RIS `delay_s` after the request."""
    with replica(ris_delay_s=delay_s) as site, private_home() as home:
        site.state.add_account(
            NIR,
            PASSWORD,
            active=True,
            code_postal="75012",
            ville="PARIS",
            numero_voie="12",
            nom_voie="RUE DE LA GARE",
            adresse_normalisee=["12 RUE DE LA GARE", "75012 PARIS"],
        )
        env = isolated_env(home)
        profile = str(write_profile(home))
        result = run(
            [
                *tool_command(),
                "fetch-ris",
                "--profile",
                profile,
                "--base-url",
                site.url,
                "--human",
                "terminal",
                "--headless",
                "--yes",
            ],
            env,
            timeout=300,
        )
        state = site.state
        with state.lock:
            requests = list(state.ris_requests)
            downloads = list(state.ris_downloads)
            log_ = [r for r in state.request_log if RIS_PAGE.match(r.path)]
    out: dict[str, Any] = {"exit_code": result.code, "seconds": round(result.seconds, 2), "delay_s": delay_s}
    if result.code != 0 or not requests or not downloads:
        out["error"] = "\n".join(result.lines[-30:])
        return out
    asked = requests[0][1]
    available = asked + timedelta(seconds=delay_s)
    downloaded = downloads[0][2]
    times = [r.time for r in log_]
    in_60s = max(sum(1 for u in times if t <= u < t + timedelta(seconds=60)) for t in times)
    # After the request, every GET of the page or its block is a refresh (« Rafraîchir »).
    refreshes = [r.time for r in log_ if r.method == "GET" and r.time > asked]
    gaps = [round((b - a).total_seconds(), 1) for a, b in zip([asked, *refreshes], refreshes, strict=False)]
    span = (times[-1] - times[0]).total_seconds() if len(times) > 1 else 0.0
    out.update(
        {
            "availability_to_download_s": round((downloaded - available).total_seconds(), 2),
            "request_to_download_s": round((downloaded - asked).total_seconds(), 2),
            "ris_page_requests": len(times),
            "ris_page_requests_max_in_60s": in_60s,
            "ris_page_requests_span_s": round(span, 1),
            "refresh_gaps_s": gaps,
            "ris_page_log": [f"{(r.time - asked).total_seconds():+.1f}s {r.method} {r.path}" for r in log_],
        }
    )
    return out


__all__ = [
    "MEMORY_METHOD",
    "JourneyRun",
    "bare_launch",
    "browser_path",
    "journey_straight",
    "journey_tool",
    "log",
    "machine",
    "median",
    "politeness",
    "startup",
    "tool_command",
]
