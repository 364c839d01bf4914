"""One browser session for a journey: the browser, the engine, its view, journal and
state put together once, and cleaned up whatever happens (remote assistance included)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from carsat_pilot.core.errors import BadInput, Drift, Interrupted, PilotError
from carsat_pilot.core.secret_env import take_secret_environment
from carsat_pilot.journeys.options import RunOptions
from carsat_pilot.record import masking
from carsat_pilot.record.artifacts import WARNING, Artifacts
from carsat_pilot.record.events import EventBus
from carsat_pilot.record.journal import Journal
from carsat_pilot.record.masking import Masker
from carsat_pilot.record.state import StateStore, person_key_soon
from carsat_pilot.record.view import TerminalView
from carsat_pilot.site.actions import ACTIONS
from carsat_pilot.site.browser import (
    FoundBrowser,
    context_on,
    find_browser,
    has_display,
    lent_browser,
    open_context,
)
from carsat_pilot.site.early_driver import driver_and_folder
from carsat_pilot.site.engine import ActionFn, Engine
from carsat_pilot.site.flowspec import load_site
from carsat_pilot.site.hosts import is_loopback
from carsat_pilot.site.human import Human
from carsat_pilot.site.overlay import Overlay

LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"

DEVTOOLS_QUESTION = (
    "Assistance à distance : le port DevTools {port} permet à tout programme et à tout utilisateur de cet "
    "ordinateur de piloter ce navigateur et de lire ce que la personne y saisit, sur le vrai site. "
    "Le conseiller l'autorise-t-il pour cette démarche ?"
)


def devtools_consent(base_url: str, port: int, human: Human) -> str:
    """--devtools-port: an unauthenticated endpoint. On the replica it is the tests' and
    the trainers' tool; with the real site the advisor must say yes to a question
    (--yes does not answer it). Returns who allowed it, or raises BadInput."""
    if not 1024 <= port <= 65535:
        raise BadInput(
            f"--devtools-port attend un numéro de port entre 1024 et 65535 (reçu : {port}).", "--devtools-port"
        )
    if is_loopback(urlsplit(base_url).hostname or ""):
        return "site d'exercice"
    if not human.confirm(DEVTOOLS_QUESTION.format(port=port)):
        raise BadInput(
            "Assistance à distance refusée : avec le vrai site, --devtools-port n'est ouvert qu'avec l'accord "
            "du conseiller ; relancez sans cette option.",
            "--devtools-port",
        )
    return "conseiller"


def devtools_args(options: RunOptions, journal: Journal) -> list[str]:
    """Chromium's remote debugging on loopback only, and said in the journal."""
    port = options.devtools_port
    assert port is not None
    by = options.devtools_allowed_by or devtools_consent(options.base_url, port, options.human)
    options.devtools_allowed_by = by  # asked once per session, not at each journey
    journal.write(
        {
            "time": datetime.now().isoformat(timespec="seconds"),
            "run": journal.run_id,
            "kind": "warning",
            "flow": "",
            "step": None,
            "message": f"assistance à distance : port DevTools {port} ouvert sur 127.0.0.1 seulement",
            "data": {"autorise_par": by},
        }
    )
    return [f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1"]


@contextmanager
def browser_session(
    options: RunOptions,
    variables: Mapping[str, str],
    nir: str,
    actions: Mapping[str, ActionFn] | None = None,
) -> Iterator[tuple[Engine, StateStore]]:
    """One browser, one engine, its view, journal and state, cleaned up whatever happens.

    Before the browser starts, the masker learns the person's values, secrets leave the
    environment, and the run gets a private temporary folder (profile, downloads, the
    browser's temporary files) that is removed at the end — or at the next start after a
    kill. Before any page, the person's lock is taken (a second run for the same person
    stops) and their state read: its file's name, a slow hash of the NIR, is computed while
    the browser starts."""
    key = person_key_soon(nir)
    found = find_browser(options.browser_path)
    bus, view, journal = _listeners(options, masking.learn(variables, nir=nir))
    extra = _browser_args(options, journal)
    headless = options.headless or not has_display()
    in_page = not headless or options.human.mode == "browser"
    with (
        _browser_context(options, found, headless=headless, extra_args=extra) as context,
        StateStore(nir, options.state_folder, fresh=options.fresh, key=key()).locked() as store,
    ):
        engine = Engine(
            context,
            load_site(),
            options.human,
            bus,
            options.base_url,
            {**variables, "mailbox_url": options.mailbox_url or ""},
            # The banner speaks to a person in the page: none when nobody can see it (headless,
            # answers at the terminal) — no init script, no render at every step.
            overlay=Overlay(context, lang=options.lang) if in_page else None,
            assume_yes=options.assume_yes,
            recorder=store.record,
            actions={**ACTIONS, **(actions or {})},
            # A person can act in a visible browser: a changed page is handed to the advisor.
            visible=not headless,
        )
        artifacts = _artifacts(options, engine)
        try:
            try:
                yield engine, store
            except PlaywrightError as exc:
                # No raw browser error reaches the person: a closed window, or a page that
                # did not behave as the procedure expects (the site changed).
                raise _as_pilot_error(exc, engine) from exc
            bus.say("journey_done", "terminé")
        except (PilotError, KeyboardInterrupt) as exc:
            bus.say("error", getattr(exc, "message", "interrompu"))
            if artifacts is not None:
                artifacts.capture(engine.page, "erreur")
            if options.keep_open and not headless and not isinstance(exc, (Interrupted, KeyboardInterrupt)):
                _keep_open(options, engine)
            raise
        finally:
            view.close()
            options.human.close()


@contextmanager
def _browser_context(
    options: RunOptions, found: FoundBrowser, *, headless: bool, extra_args: list[str]
) -> Iterator[BrowserContext]:
    """The journey's browser context: on a browser of its own (Playwright's driver, the
    run's private folder, a temporary profile), or, in the tests' in-process runs only, on
    the browser they lend (site/browser.py's `contexts_on`)."""
    take_secret_environment(keep=False)  # before any browser or driver: what was not read by now is not needed
    lent = lent_browser()
    if lent is None:
        with (
            driver_and_folder() as (scratch, playwright),
            open_context(
                playwright, found, headless=headless, slow_mo=options.slow_mo, extra_args=extra_args, scratch=scratch
            ) as context,
        ):
            yield context
        return
    # A lent browser is a headless one with the replica's loopback-only rules: a run that
    # needs another launch (a window, slow motion, DevTools) cannot be served by it.
    own_launch = [a for a in extra_args if a != LOOPBACK_ONLY]
    if not headless or options.slow_mo or own_launch:
        raise RuntimeError("contexts_on: this run needs a browser of its own (window, --slow-mo or DevTools)")
    with context_on(lent) as context:
        yield context


def _listeners(options: RunOptions, masker: Masker) -> tuple[EventBus, TerminalView, Journal]:
    """The run's events, told to the terminal and written to the journal, both masked."""
    bus = EventBus()
    view = TerminalView(options.console, verbose=options.verbose, masker=masker)
    bus.subscribe(view)
    journal = Journal(masker, options.journal_path)
    bus.subscribe(journal)
    return bus, view, journal


def _artifacts(options: RunOptions, engine: Engine) -> Artifacts | None:
    """--debug-artifacts: captures for the support, said to be kept."""
    if options.debug_artifacts is None:
        return None
    artifacts = engine.artifacts = Artifacts(options.debug_artifacts)
    options.console.print(f"[yellow]{WARNING}[/]")
    return artifacts


def _browser_args(options: RunOptions, journal: Journal) -> list[str]:
    extra = list(options.extra_browser_args)
    if is_loopback(urlsplit(options.base_url).hostname or ""):
        # On the replica nothing needs the outside world: Chromium looks no host up but
        # loopback (it otherwise resolves a few Google hosts at start, whatever the flags).
        extra.append(LOOPBACK_ONLY)
    if options.devtools_port:
        extra += devtools_args(options, journal)
    return extra


def _as_pilot_error(exc: PlaywrightError, engine: Engine) -> PilotError:
    if engine.closed_by_person(exc):
        return Interrupted("La fenêtre du navigateur a été fermée : la démarche est interrompue.")
    return Drift(
        "La page n'a pas réagi comme la procédure le prévoit : le site a peut-être changé. Rien n'a été "
        "envoyé après ce point ; lancez « carsat-pilot doctor » ou terminez à la main.",
        expected="la suite de la procédure",
    )


def _keep_open(options: RunOptions, engine: Engine) -> None:
    """Leave the browser to the advisor, who can finish by hand; close when they do."""
    done = ", ".join(engine.steps_done) or "aucune étape"
    options.console.print(
        f"Le navigateur reste ouvert pour terminer à la main. Déjà fait par carsat-pilot : {done}. "
        "Fermez la fenêtre du navigateur pour finir."
    )
    try:
        engine.page.wait_for_event("close", timeout=0)
    except Exception:
        pass
