"""Finding and launching the browser.

Order of preference: an explicit path (`--browser-path`, then `CARSAT_PILOT_BROWSER`),
Playwright's own Chromium when it was downloaded, then a system Chromium / Chrome.
The same lookup serves the tool and its tests, so what passes in CI is what a user runs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from carsat_pilot.core.errors import BadInput, PilotError
from carsat_pilot.core.scratch import Scratch, sweep
from carsat_pilot.core.secret_env import child_environment, take_secret_environment


class BrowserFailed(PilotError):
    """The browser is there but would not start: a problem of this computer, not the site."""


if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright

ENV_BROWSER = "CARSAT_PILOT_BROWSER"
SYSTEM_BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
# Chromium's headless-only build, packaged beside it (Debian: `chromium-headless-shell`, the
# same version). Playwright runs its own copy of it for every headless launch; ours does the
# same with the system's: the same engine without the window machinery, measured at 40 % less
# CPU on the suite's journeys (README « Performances ») — a help desk's old PC feels it.
HEADLESS_SHELLS = ("chromium-headless-shell",)
FIX_COMMAND = "sudo apt-get install -y chromium"


@dataclass(frozen=True)
class FoundBrowser:
    path: Path | None  # None: Playwright's own download, it knows where it is
    origin: str  # "option", "environment", "playwright", "system"
    # Only beside a system browser found by the lookup: a browser the person named
    # (option, environment) is the one launched, headless or not; Playwright's own
    # download picks its own headless shell.
    headless_shell: Path | None = None

    def executable(self, *, headless: bool) -> Path | None:
        """What to launch: the headless shell for a headless run when there is one."""
        return self.headless_shell if headless and self.headless_shell else self.path


def _playwright_browsers_dir() -> Path:
    custom = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if custom and custom != "0":
        return Path(custom).expanduser()
    return Path.home() / ".cache" / "ms-playwright"


@lru_cache(maxsize=1)
def _playwright_chromium() -> Path | None:
    """Playwright's own Chromium, detected by its executable: a failed
    `playwright install` leaves an empty cache folder behind, so the folder proves nothing.

    Asking Playwright costs a driver start (up to a second): it is asked only when a
    Chromium executable lies in its download folder at all."""
    candidates = [
        p for p in _playwright_browsers_dir().glob("chromium*/chrome-*/*") if p.name in ("chrome", "headless_shell")
    ]
    if not any(p.is_file() and os.access(p, os.X_OK) for p in candidates):
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a hard dependency
        return None
    take_secret_environment()  # the driver is a child: no secret in its environment
    with sync_playwright() as p:
        try:
            candidate = Path(p.chromium.executable_path)
        except Exception:
            return None
    return candidate if candidate.is_file() else None


def find_browser(explicit: str | None = None) -> FoundBrowser:
    """Return the browser to launch, or raise BadInput with the command that fixes it."""
    if explicit:
        path = Path(explicit).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise BadInput(
                f"Le navigateur indiqué par --browser-path est introuvable ou non exécutable : {path}.",
                field="--browser-path",
            )
        return FoundBrowser(path, "option")
    from_env = os.environ.get(ENV_BROWSER)
    if from_env:
        path = Path(from_env).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise BadInput(
                f"Le navigateur indiqué par {ENV_BROWSER} est introuvable ou non exécutable : {path}.",
                field=ENV_BROWSER,
            )
        return FoundBrowser(path, "environment")
    own = _playwright_chromium()
    if own is not None:
        return FoundBrowser(None, "playwright")
    for name in SYSTEM_BROWSERS:
        located = shutil.which(name)
        if located:
            shell = next(filter(None, map(shutil.which, HEADLESS_SHELLS)), None)
            return FoundBrowser(Path(located), "system", Path(shell) if shell else None)
    raise BadInput(
        "Aucun navigateur Chromium n'a été trouvé : installez-le avec "
        f"« {FIX_COMMAND} » (ou « playwright install chromium »), "
        "ou indiquez-le avec --browser-path."
    )


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def launch_args(found: FoundBrowser, *, headless: bool, slow_mo: int = 0) -> dict[str, object]:
    """Keyword arguments for `chromium.launch()`; shared with the tests' conftest."""
    args: dict[str, object] = {"headless": headless}
    executable = found.executable(headless=headless)
    if executable is not None:
        args["executable_path"] = str(executable)
    if slow_mo:
        args["slow_mo"] = slow_mo
    if not headless:
        # GPU errors under Xvfb are harmless noise on stderr.
        args["args"] = ["--disable-gpu"]
    return args


# What every journey's browser context is given, whoever launched the browser.
CONTEXT_SETTINGS: dict[str, object] = {"locale": "fr-FR", "viewport": {"width": 1280, "height": 900}}


def new_run_folder() -> Scratch:
    """The run's private temporary folder; what killed runs left is removed first."""
    sweep()
    return Scratch()


@contextmanager
def run_folder() -> Iterator[Scratch]:
    """`new_run_folder`, removed at the end."""
    with new_run_folder() as scratch:
        yield scratch


@contextmanager
def playwright_driver(scratch: Scratch | None = None) -> Iterator[Playwright]:
    """Playwright's driver, a child process: started with no secret in its environment,
    and its temporary files (downloads, traces) in the run's private folder."""
    take_secret_environment(keep=False)  # whatever was not read by now is not needed
    playwright = start_driver(scratch)
    try:
        yield playwright
    finally:
        stop_driver(playwright)


def start_driver(scratch: Scratch | None) -> Playwright:
    """Start the driver with its temporary files in `scratch` (the environment holds no
    secret by then: the command line took them out first thing)."""
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("TMPDIR")
    if scratch is not None:
        os.environ["TMPDIR"] = str(scratch.folder("tmp"))
    try:
        return sync_playwright().start()
    finally:
        if scratch is not None:
            if saved is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = saved


def stop_driver(playwright: Playwright) -> None:
    try:
        playwright.stop()
    except Exception:
        pass  # the driver may be gone with the browser


@contextmanager
def open_context(
    playwright: Playwright,
    found: FoundBrowser,
    *,
    headless: bool,
    slow_mo: int = 0,
    downloads_dir: Path | None = None,
    extra_args: list[str] | None = None,
    scratch: Scratch | None = None,
) -> Iterator[BrowserContext]:
    """A browser context on a temporary profile that is deleted at the end, whatever
    happens: the next person at the help desk must find nothing of this one. The
    profile, downloads in progress and the browser's temporary files live in the run's
    private folder (`scratch`, or one of its own), which a killed run's successor removes;
    the browser's environment holds no secret."""
    with ExitStack() as stack:
        if scratch is None:
            scratch = stack.enter_context(run_folder())
        profile_dir = scratch.folder("profile")
        kwargs = launch_args(found, headless=headless, slow_mo=slow_mo)
        args = list(kwargs.pop("args", []))  # type: ignore[call-overload]
        args.extend(extra_args or [])
        from playwright.sync_api import Error as PlaywrightError

        try:
            context = playwright.chromium.launch_persistent_context(
                str(profile_dir),
                args=args,
                accept_downloads=True,
                downloads_path=str(downloads_dir or scratch.folder("downloads")),
                env=child_environment(TMPDIR=str(scratch.folder("tmp"))),  # type: ignore[arg-type]
                **CONTEXT_SETTINGS,  # type: ignore[arg-type]
                **kwargs,  # type: ignore[arg-type]
            )
        except PlaywrightError as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise BrowserFailed(
                f"Le navigateur n'a pas pu démarrer ({first_line[:160]}) : vérifiez l'installation "
                "avec « carsat-pilot doctor »."
            ) from exc
        try:
            yield context
        finally:
            try:
                context.close()
            except Exception:
                pass  # the person may have closed the window already
            shutil.rmtree(profile_dir, ignore_errors=True)


# ------------------------------------------------------------------ test-only seam
# The browser a test process lends to the journeys it runs in-process (tests/e2e/inprocess.py):
# set only by `contexts_on`, which only Python code running in this process can call — no
# option, no environment variable reaches it, so a person's run always launches its own.
_lent: list[Browser] = []


@contextmanager
def contexts_on(browser: Browser) -> Iterator[None]:
    """Tests only: while active, a journey opens its context on `browser` (a headless
    Chromium the caller launched in this thread) instead of starting Playwright's driver
    and a browser of its own — a Chromium launch per command is most of what the test
    suite's time went to. Everything else of a journey runs as for a person."""
    _lent.append(browser)
    try:
        yield
    finally:
        _lent.remove(browser)


def lent_browser() -> Browser | None:
    """The browser `contexts_on` lends, or None (always None outside the tests)."""
    return _lent[-1] if _lent else None


@contextmanager
def context_on(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh context on a lent browser, with the journey's settings and, as a browser
    that starts, one blank tab (the journey works in the tab it finds); closed at the end
    (its cookies, storage and downloads go with it)."""
    context = browser.new_context(accept_downloads=True, **CONTEXT_SETTINGS)  # type: ignore[arg-type]
    try:
        context.new_page()
        yield context
    finally:
        try:
            context.close()
        except Exception:
            pass  # the browser may be gone with the test process
