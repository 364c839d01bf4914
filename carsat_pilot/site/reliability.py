"""Surviving a failing site: retry only what is safe to repeat (a page load), with
back-off, then stop with a sentence that says when to try again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from carsat_pilot.core.errors import Interrupted, SiteUnavailable
from carsat_pilot.site.pacing import backoff_delays, pause
from carsat_pilot.site.pages import PageSession
from carsat_pilot.site.signals import SiteSignal

if TYPE_CHECKING:
    from playwright.sync_api import Page

PAGE_ATTEMPTS = 4
UNAVAILABLE_ADVICE = "Le site est peut-être en maintenance : réessayez dans une heure environ."


def goto_with_retries(engine: PageSession, url: str) -> None:
    """Open `url`; on a time-out, a 5xx or a maintenance page, wait and load it again.

    Only page loads (GET) come here: a form that changes the site's state is never sent
    twice by the tool."""
    delays = [0.0, *backoff_delays(1.0, 3.0, 30.0, PAGE_ATTEMPTS - 1)]
    problem = ""
    for attempt, delay in enumerate(delays, start=1):
        if delay:
            engine.emit("retry", f"nouvel essai dans {delay:.0f} s ({problem})", attempt=str(attempt))
            pause(delay)
        page = engine.page
        try:
            response = page.goto(url, wait_until="domcontentloaded", timeout=engine.page_timeout_s * 1000)
        except PlaywrightTimeout:
            problem = f"la page ne s'est pas chargée en {engine.page_timeout_s:.0f} s"
            continue
        except PlaywrightError as exc:
            if page.is_closed() or "closed" in str(exc).lower():
                raise Interrupted("La fenêtre du navigateur a été fermée : la démarche est interrompue.") from exc
            problem = "le site ne répond pas"
            continue
        status = response.status if response is not None else 200
        signal = engine.read_site_message(page)
        if status >= 500 or (signal is not None and signal.kind == "unavailable"):
            problem = f"erreur {status}" if status >= 500 else "page de maintenance"
            if signal is not None:
                engine.emit("site_message", signal.text, meaning=signal.kind)
            continue
        return
    raise SiteUnavailable(
        f"Le site de l'Assurance retraite ne répond pas correctement ({problem}) "
        f"après {PAGE_ATTEMPTS} essais. {UNAVAILABLE_ADVICE}"
    )


def reload_after_outage(engine: PageSession, page: Page, signal: SiteSignal, attempt: int) -> None:
    """A page reached by a plain load shows an outage: wait, then load it again; after
    PAGE_ATTEMPTS tries, stop with the site's words and when to come back."""
    if attempt >= PAGE_ATTEMPTS:
        raise SiteUnavailable(
            f"Le site de l'Assurance retraite est indisponible (« {signal.text} ») après "
            f"{PAGE_ATTEMPTS} essais. {UNAVAILABLE_ADVICE}"
        )
    delay = backoff_delays(1.0, 3.0, 30.0, attempt)[-1]
    engine.emit("site_message", signal.text, meaning=signal.kind)
    engine.emit("retry", f"page indisponible : nouvel essai dans {delay:.0f} s", attempt=str(attempt + 1))
    pause(delay)
    try:
        page.reload(wait_until="domcontentloaded", timeout=engine.page_timeout_s * 1000)
    except PlaywrightTimeout:
        pass  # the next look at the page decides
