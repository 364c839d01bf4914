"""Shared fixtures: the same browser lookup as the tool, and one virtual screen (Xvfb) for
every headed test of a test process (each xdist worker has its own)."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings
from playwright.sync_api import expect

from carsat_pilot.site.browser import find_browser

# No time limit on a property's example: hypothesis's 200 ms deadline is a timed assertion,
# which fails on a machine busy with the whole suite (seen: a field check at 342 ms) and
# proves nothing about the code. Speed is the bench's job (bench/).
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

# Chromium resolves a few Google hosts at start whatever the flags: in tests nothing may
# leave the machine, so every lookup except loopback fails at once.
NO_NETWORK_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"]
XVFB_START_TIMEOUT_S = 15.0
# The tests' own page assertions wait for what the page does by itself (a list filled by a
# fetch, a step swapped in): Playwright's 5 s is short on a busy machine running the suite
# on every core. Waiting longer costs nothing when the page is right.
expect.set_options(timeout=15_000)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (the README's command, CI's): two test processes per core, not one. A
    journey's test spends much of its time waiting — on the page's own timers, the tool's
    polite intervals, a process or a browser starting — and a core left idle meanwhile is
    time lost: on 2 cores, 4 processes ran the suite in 175 s against 214 s for 2 (the
    same 878 tests, measured back to back). More than that only adds processes to start."""
    return 2 * len(os.sched_getaffinity(0))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    found = find_browser()
    args = dict(browser_type_launch_args)
    executable = found.executable(headless=args.get("headless", True))
    if executable is not None:
        args["executable_path"] = str(executable)
    args["args"] = [*args.get("args", []), *NO_NETWORK_ARGS]
    return args


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A private X display for the headed tests, started once per test process. Xvfb picks a
    free display number itself and tells it through -displayfd: no number is guessed, so
    parallel workers never race for one."""
    executable = shutil.which("Xvfb")
    if executable is None:
        pytest.fail("Xvfb est introuvable : installez-le (apt-get install -y xvfb) pour les tests en mode fenêtré.")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [executable, "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], XVFB_START_TIMEOUT_S)
        number = os.read(read_end, 32).decode().strip() if ready else ""
        if not number.isdigit():
            pytest.fail(f"Xvfb n'a pas démarré (aucun numéro d'écran reçu en {XVFB_START_TIMEOUT_S:.0f} s).")
        yield f":{number}"
    finally:
        os.close(read_end)
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
