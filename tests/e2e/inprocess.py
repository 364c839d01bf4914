"""Running a `carsat-pilot` journey in this test process, on a browser the process shares.

A real `carsat-pilot` process costs ~1.5 CPU-s before its first page (an interpreter and
its imports, Playwright's Node.js driver, a Chromium launch); the suite runs a hundred of
them. Where the command line's contract is not what a test checks — the journeys against
a replica that changed, faults, the relevé's download — the same command runs here:
`carsat_pilot.cli.app` with the test's arguments, environment, standard input and output,
its browser context opened on one headless Chromium per test process
(site/browser.py's `contexts_on`). What a process gives and this cannot — its own
environment as /proc shows it, signals, a kill, what its children inherit, what it leaves
in TMPDIR when it dies — stays tested with real processes (harness.ToolRun).

`InProcessRun` has ToolRun's interface (lines, output, expect, next_line, send, finish),
so a test reads and answers it the same way; `tool_run` picks one or the other.

Sync Playwright's objects belong to the thread that made them: the browser and every run
live on one long-lived thread ("the browser thread"), one run at a time; the test's thread
reads the run's output and writes its input through pipes, as with a process.
"""

from __future__ import annotations

import atexit
import io
import os
import queue
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.e2e.harness import OutputLines, ToolRun

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# The commands that open a journey's browser session; the others (doctor, demo, mock-site,
# the guided session) start browsers or servers of their own: always a real process.
JOURNEY_COMMANDS = frozenset({"register", "activate", "fetch-ris"})
# Options that need a launch of their own (a window, slow motion, a DevTools port) or a
# browser left to a person: the lent browser cannot serve them.
OWN_BROWSER_OPTIONS = ("--devtools-port", "--keep-open", "--slow-mo")
BROWSER_START_TIMEOUT_S = 60.0
# How long a run left unfinished by its test (a failed assertion) may take to end once
# its input is closed, before the next run of the process gives up waiting for the thread.
LEFTOVER_TIMEOUT_S = 60.0


def runs_in_process(args: Sequence[str], env: dict[str, str]) -> bool:
    """A run the shared browser serves as the command would by itself: a journey, headless
    (asked, or no display to show a window on), answered at the terminal."""
    if not args or args[0] not in JOURNEY_COMMANDS:
        return False
    for index, arg in enumerate(args):
        if arg.split("=", 1)[0] in OWN_BROWSER_OPTIONS:
            return False
        if arg == "--human=browser" or (arg == "--human" and args[index + 1 : index + 2] == ["browser"]):
            return False
    headless = "--headless" in args or not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return headless


def tool_run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> Run:
    """The command run in-process when it can be (see `runs_in_process`), else a real
    process. Tests of the command line's own contract use ToolRun directly."""
    if runs_in_process(args, env):
        return InProcessRun(args, env, cwd=cwd)
    return ToolRun(args, env, cwd=cwd)


# --------------------------------------------------------------------------- the browser thread
class _BrowserThread:
    """One per test process: Playwright and a headless Chromium, made in this thread and
    used only there; runs the commands it is given one after the other."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[InProcessRun | None] = queue.Queue()
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self.busy = threading.Lock()  # held from a run's submission to its end
        self.thread = threading.Thread(target=self._main, name="carsat-pilot browser", daemon=True)
        self.thread.start()
        if not self._ready.wait(BROWSER_START_TIMEOUT_S):
            raise AssertionError(f"the shared browser did not start in {BROWSER_START_TIMEOUT_S:.0f} s")
        if self._failure is not None:
            raise AssertionError(f"the shared browser did not start: {self._failure!r}")

    def _main(self) -> None:
        from playwright.sync_api import sync_playwright

        from carsat_pilot.core.secret_env import child_environment
        from carsat_pilot.site.browser import find_browser, launch_args
        from tests.conftest import NO_NETWORK_ARGS

        try:
            # As tests/conftest.py launches the tests' own browser: the tool's lookup, no network.
            kwargs: dict[str, Any] = launch_args(find_browser(), headless=True)
            kwargs["args"] = [*kwargs.get("args", []), *NO_NETWORK_ARGS]
            playwright = sync_playwright().start()
            browser = playwright.chromium.launch(env=child_environment(), **kwargs)
        except BaseException as exc:
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            while (run := self._jobs.get()) is not None:
                try:
                    run._run_here(browser)
                except BaseException:  # the runner's own defect: that run fails, the thread lives on
                    run._abort(traceback.format_exc())
        finally:
            try:
                browser.close()
                playwright.stop()
            except Exception:
                pass

    def submit(self, run: InProcessRun) -> None:
        self._jobs.put(run)

    def stop(self) -> None:
        self._jobs.put(None)
        self.thread.join(timeout=10)


_THREAD: _BrowserThread | None = None
_THREAD_LOCK = threading.Lock()
_CURRENT: list[InProcessRun] = []  # the run on the browser thread, if any


def _browser_thread() -> _BrowserThread:
    global _THREAD
    with _THREAD_LOCK:
        if _THREAD is None:
            _THREAD = _BrowserThread()
            atexit.register(_THREAD.stop)
        return _THREAD


def end_leftover_runs() -> None:
    """A run its test did not finish (an assertion failed first) is ended the way a
    process's input would be closed, so that the next test's run does not wait behind it."""
    for run in list(_CURRENT):
        run.close_input()
        if not run.done.wait(LEFTOVER_TIMEOUT_S):
            raise AssertionError(f"an in-process run did not end: {run.args}\n{run.output}")


# --------------------------------------------------------------------------- one run
class InProcessRun(OutputLines):
    """One `carsat-pilot` command run on the browser thread; ToolRun's interface."""

    def __init__(self, args: list[str], env: dict[str, str], lines: list[str] | None = None, cwd: Path | None = None):
        self.args = list(args)
        self.env = dict(env)
        self.lines: list[str] = lines if lines is not None else []
        self.cwd = cwd
        self.code: int | None = None
        self.done = threading.Event()
        self._queue: queue.Queue[str | None] = queue.Queue()
        in_read, in_write = os.pipe()
        out_read, out_write = os.pipe()
        # The tool's side: its standard input, and one output for stdout and stderr (as
        # ToolRun merges them), line-buffered like PYTHONUNBUFFERED's.
        self._stdin = io.TextIOWrapper(io.FileIO(in_read, "r"), encoding="utf-8", line_buffering=True)
        self._stdout = io.TextIOWrapper(io.FileIO(out_write, "w"), encoding="utf-8", line_buffering=True)
        # The test's side.
        self._input = io.TextIOWrapper(io.FileIO(in_write, "w"), encoding="utf-8", line_buffering=True)
        self._output = io.TextIOWrapper(io.FileIO(out_read, "r"), encoding="utf-8")
        threading.Thread(target=self._pump, daemon=True, name="in-process output").start()
        end_leftover_runs()
        _CURRENT.append(self)
        _browser_thread().submit(self)

    # ---------------------------------------------------------------- the test's side
    def _pump(self) -> None:
        with self._output:
            for line in self._output:
                self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def send(self, text: str) -> None:
        self._input.write(text + "\n")
        self._input.flush()

    def close_input(self) -> None:
        try:
            if not self._input.closed:
                self._input.close()
        except BrokenPipeError:
            pass

    def finish(self, timeout: float = 120.0) -> int:
        self.close_input()
        if not self.done.wait(timeout):
            raise subprocess.TimeoutExpired(["carsat-pilot (in-process)", *self.args], timeout)
        self._drain()
        assert self.code is not None
        return self.code

    # ---------------------------------------------------------------- the browser thread's side
    def _run_here(self, browser: Browser) -> None:
        """The command, with this process set as its own process would be, and every piece
        of the tool's process-wide state put back after it."""
        from carsat_pilot import cli
        from carsat_pilot.site.browser import contexts_on

        saved_environ = dict(os.environ)
        saved_cwd = os.getcwd()
        saved_streams = (sys.stdin, sys.stdout, sys.stderr)
        saved_consoles = (cli.console, cli.err_console)
        code = 1
        try:
            _replace_environ(self.env)
            tempfile.tempdir = None  # TMPDIR is read again: the run's own
            if self.cwd is not None:
                os.chdir(self.cwd)
            sys.stdin = self._stdin
            sys.stdout = _ThreadRouted(self._stdout, sys.stdout)
            sys.stderr = _ThreadRouted(self._stdout, sys.stderr)
            # The command line's consoles read the environment (COLUMNS, TERM…) when made:
            # made again, as a new process makes them.
            cli.console, cli.err_console = _consoles()
            with contexts_on(browser):
                code = _invoke(self.args)
        except BaseException:
            traceback.print_exc(file=self._stdout)
        finally:
            cli.console, cli.err_console = saved_consoles
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            os.chdir(saved_cwd)
            _replace_environ(saved_environ)
            tempfile.tempdir = None
            _reset_tool_state()
            try:
                self._stdout.close()  # the end of the output, for the test's reader
            except (OSError, ValueError):
                pass
            # The tool's input is closed by whoever reads it last (a thread of the tool
            # may still be blocked on it): its descriptor goes when nothing refers to it.
            del self._stdin
            self.code = code
            _CURRENT.remove(self)
            self.done.set()


class _ThreadRouted:
    """sys.stdout or sys.stderr during a run: the tool's writes (from the browser thread)
    go to the run's output; any other thread's (the test's, the replica's) where they went."""

    def __init__(self, run_stream: io.TextIOWrapper, others: Any) -> None:
        self._run_stream = run_stream
        self._others = others
        self._owner = threading.get_ident()

    def _target(self) -> Any:
        return self._run_stream if threading.get_ident() == self._owner else self._others

    def write(self, text: str) -> int:
        return int(self._target().write(text))

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding…: the target's
        return getattr(self._target(), name)

    def _abort(self, trace: str) -> None:
        """The run could not even be set up: its output says why, it ends with 1."""
        try:
            self._stdout.write(trace)
            self._stdout.close()
        except (OSError, ValueError):
            pass
        self.code = 1
        if self in _CURRENT:
            _CURRENT.remove(self)
        self.done.set()


def _invoke(args: list[str]) -> int:
    """What `carsat_pilot.cli.main()` does, with `args` for the command line; the exit
    code the process would have ended with."""
    from carsat_pilot import cli
    from carsat_pilot.core.secret_env import take_secret_environment

    try:
        take_secret_environment()
        os.environ.setdefault("PYTHONIOENCODING", "utf-8")
        cli.app(args=args, prog_name="carsat-pilot")  # standalone: ends with SystemExit as a process does
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException:
        # An uncaught exception: the interpreter would print it and exit with 1.
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
    return 0


def _consoles() -> tuple[Any, Any]:
    from rich.console import Console

    return Console(highlight=False), Console(stderr=True, highlight=False)


def _replace_environ(values: dict[str, str]) -> None:
    for name in [n for n in os.environ if n not in values]:
        del os.environ[name]
    for name, value in values.items():
        if os.environ.get(name) != value:
            os.environ[name] = value


def _reset_tool_state() -> None:
    """Everything of the tool that lives as long as its process, back to a new process's."""
    from carsat_pilot.core import secret_env
    from carsat_pilot.record import masking
    from carsat_pilot.site import browser, early_driver

    secret_env._taken.clear()  # secrets of this run not read by it
    masking.forget()  # the person's values, which the next run's masker must not know
    while early_driver._waiting:  # never filled with a lent browser; stopped if it were
        early_driver._stop(early_driver._waiting.pop())
    browser._lent.clear()
    # Depends on HOME and PLAYWRIGHT_BROWSERS_PATH, both the run's own.
    browser._playwright_chromium.cache_clear()


Run = ToolRun | InProcessRun  # what a test reads and answers, whichever runs the command
