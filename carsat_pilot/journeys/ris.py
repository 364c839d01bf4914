"""The relevé itself: download it if offered, else ask once, then refresh politely until
it is there — and keep the PDF private.

The site lets a person ask once a day (« Vous pourrez renouveler votre demande à compter
de demain »): a request is sent at most once, remembered in the state file, and never
repeated by a retry."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError

from carsat_pilot.core.errors import SiteRefused, TimedOut
from carsat_pilot.core.files import write_private
from carsat_pilot.core.preload import import_in_background
from carsat_pilot.core.text import fold
from carsat_pilot.site.engine import AmbiguousMatch, PageNotRecognized
from carsat_pilot.site.flowspec import Target
from carsat_pilot.site.pacing import pause
from carsat_pilot.site.textmatch import readable, words

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from carsat_pilot.record.state import StateStore
    from carsat_pilot.site.engine import Engine

DATE_IN_TEXT = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
FIRST_INTERVAL_S = 10.0
MAX_INTERVAL_S = 60.0
GROWTH = 1.5
# After the refresh's answer arrived, how long the old block may take to be replaced.
REPLACE_WAIT_MS = 2000


@dataclass
class RisSettings:
    download_dir: Path
    wait_s: float
    accept_archived: bool
    surname: str
    first_interval_s: float = FIRST_INTERVAL_S


@dataclass(frozen=True)
class Downloaded:
    path: Path
    ris_date: date | None
    size: int
    pages: int


def intervals(first_s: float, total_s: float) -> list[float]:
    """The refresh intervals for a wait of `total_s`: `first_s`, growing by half each time,
    never above a minute — at most one request to the site per interval."""
    out: list[float] = []
    spent, current = 0.0, first_s
    while spent + current <= total_s:
        out.append(current)
        spent += current
        current = min(current * GROWTH, MAX_INTERVAL_S)
    return out


def _offered_date(text: str) -> date | None:
    found = DATE_IN_TEXT.search(text)
    if not found:
        return None
    day, month, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def target_path(folder: Path, surname: str, ris_date: date | None) -> Path:
    """RIS_<NOM>_<AAAA-MM-JJ>.pdf in readable ASCII, never overwriting an earlier file.

    « LEFÈVRE-ÖZTÜRK » → LEFEVRE-OZTURK, « ŒUVRARD » → OEUVRARD; an apostrophe or a space
    between words becomes a hyphen like the one already in compound names (« D'ALMEIDA »
    → D-ALMEIDA): the words stay apart, as on the person's papers."""
    safe = re.sub(r"[^A-Z0-9]+", "-", fold(surname).upper()).strip("-") or "PERSONNE"
    stamp = (ris_date or date.today()).isoformat()
    candidate = folder / f"RIS_{safe}_{stamp}.pdf"
    number = 2
    while candidate.exists():
        candidate = folder / f"RIS_{safe}_{stamp}-{number}.pdf"
        number += 1
    return candidate


def check_pdf(path: Path) -> int:
    """The page count of a real PDF; SiteRefused if the site served something else."""
    # The one import a journey makes late, and on purpose: pypdf (with fontTools and PIL)
    # is ~0.1 s of start-up that register and activate never use; fetch-ris has it loaded
    # on a thread while it waits for the RIS page (obtain_ris).
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pages = len(PdfReader(str(path)).pages)
    except (PdfReadError, ValueError, OSError) as exc:
        path.unlink(missing_ok=True)
        raise SiteRefused(
            "Le fichier reçu du site n'est pas un PDF lisible : réessayez plus tard ou téléchargez-le à la main."
        ) from exc
    if pages == 0:
        path.unlink(missing_ok=True)
        raise SiteRefused("Le PDF reçu du site est vide : réessayez plus tard.")
    return pages


class RisPage:
    """The « Mon relevé de carrière tous régimes » page, by its words."""

    def __init__(self, engine: Engine, params: Mapping[str, str]) -> None:
        self.engine = engine
        self.params = params

    def offered(self) -> tuple[Locator, date | None] | None:
        """The download link, if the page offers one — the step's own, never a look-alike."""
        build = self.engine.clickable(Target(name=self.params["download"]))
        what = f"le lien « {readable(self.params['download'])} »"
        try:
            link = self.engine.pick(build(self.engine.page), what=what)
        except AmbiguousMatch as exc:
            raise PageNotRecognized(
                f"{exc.count} liens correspondent à {what} : carsat-pilot ne choisit pas au hasard.",
                expected=what,
                step=self.engine.step_title,
            ) from exc
        if link is None:
            return None
        return link, _offered_date(link.inner_text())

    def offer_or_drift(self) -> tuple[Locator, date | None] | None:
        """The offer; a page that says the relevé is there but shows no link the flow
        knows is drift (its words changed), not a reason to refresh until the wait ends."""
        offer = self.offered()
        if offer is None and "available" in self.params and self.says("available"):
            what = f"le lien « {readable(self.params['download'])} »"
            raise PageNotRecognized(
                f"À l'étape « {self.engine.step_title} », le site dit que le relevé est disponible mais {what} "
                "est introuvable : le site a peut-être changé. Rien n'a été envoyé après ce point ; lancez "
                "« carsat-pilot doctor » ou téléchargez le relevé à la main.",
                expected=what,
                step=self.engine.step_title,
            )
        return offer

    def says(self, key: str) -> bool:
        locator = self.engine.page.get_by_text(words(self.params[key])).filter(visible=True)
        return locator.count() > 0

    def request(self) -> None:
        self.engine.click(Target(name=self.params["request"], sends_form=True))
        self.engine.expect(self.params["requested"], None, None)

    def refresh(self) -> None:
        """« Rafraîchir », then wait for the site's answer to be on the page — a page load
        or a block replaced in place (the real espace personnel is a single-page app)."""
        page: Page = self.engine.page
        button = self.engine.wait_for(
            self.engine.clickable(Target(name=self.params["refresh"])),
            self.engine.page_timeout_s,
            what="le bouton « Rafraîchir »",
            watch_messages=True,
        )
        old = button.element_handle()
        answer_types = {"document", "fetch", "xhr"}
        with page.expect_response(
            lambda response: response.request.resource_type in answer_types,
            timeout=self.engine.page_timeout_s * 1000,
        ):
            self.engine.press(button, "le bouton « Rafraîchir »")
        # The answer came; the page puts it in place a moment later, replacing the old block.
        try:
            old.wait_for_element_state("hidden", timeout=REPLACE_WAIT_MS)
        except PlaywrightError:
            pass  # detached (replaced, as expected) or kept by a site that updates in place
        page.wait_for_load_state("domcontentloaded")

    def download(self, link: Locator, settings: RisSettings, ris_date: date | None) -> Downloaded:
        page = self.engine.page
        with page.expect_download(timeout=self.engine.page_timeout_s * 1000) as info:
            self.engine.press(link, "le lien de téléchargement du relevé")
        download = info.value
        try:
            data = Path(download.path()).read_bytes()
        except (OSError, PlaywrightError):
            # Someone attached to this browser (remote assistance) receives its downloads
            # in their own folder: ask the same link again with the page's own session.
            response = page.context.request.get(download.url)
            if not response.ok:
                raise SiteRefused(
                    "Le relevé n'a pas pu être téléchargé : réessayez plus tard, ou téléchargez-le à la main."
                ) from None
            data = response.body()
        path = target_path(settings.download_dir, settings.surname, ris_date)
        write_private(path, data, exclusive=True)  # the relevé is the person's alone
        try:
            download.delete()  # Playwright's own copy, in its temporary folder
        except PlaywrightError:
            pass
        pages = check_pdf(path)
        return Downloaded(path, ris_date, len(data), pages)


def obtain_ris(
    engine: Engine,
    params: Mapping[str, str],
    settings: RisSettings,
    store: StateStore,
    relogin: Callable[[], None] | None = None,
) -> Downloaded:
    """Download the RIS: now if it is offered (and recent enough), else after asking for it
    once and refreshing politely until it comes or the wait runs out."""
    import_in_background("pypdf")  # for check_pdf, while the pages are waited for
    ris = RisPage(engine, params)
    asked_at = store.state.ris_requested_at
    requested_on = asked_at.date() if asked_at is not None and store.state.ris_requested_today() else None
    if requested_on is None and ris.says("already"):
        # Asked earlier today (another computer, the person at home): the site says so.
        engine.emit("info", "le site indique qu'un relevé a déjà été demandé aujourd'hui")
        requested_on = date.today()
    offer = ris.offer_or_drift()
    if offer is not None and _fresh_enough(offer[1], requested_on, settings):
        return _finish(engine, ris, offer, settings, store)
    if requested_on is None:
        ris.request()
        store.record("ris_requested")
        requested_on = date.today()
        engine.emit("info", "relevé demandé", milestone="ris_requested")
        # The answer to the request may already offer it.
        offer = ris.offer_or_drift()
        if offer is not None and _fresh_enough(offer[1], requested_on, settings):
            return _finish(engine, ris, offer, settings, store)
    else:
        engine.emit("info", "relevé déjà demandé aujourd'hui : pas de nouvelle demande")
    if offer is not None and offer[1] is not None:
        engine.emit("warning", f"le relevé proposé date du {offer[1]:%d/%m/%Y} : attente du relevé demandé aujourd'hui")
    offer = _refresh_until_offered(engine, ris, settings, requested_on, relogin)
    engine.emit("human_done", "relevé disponible", handover="ris")
    return _finish(engine, ris, offer, settings, store)


def _refresh_until_offered(
    engine: Engine,
    ris: RisPage,
    settings: RisSettings,
    requested_on: date,
    relogin: Callable[[], None] | None,
) -> tuple[Locator, date | None]:
    """Refresh politely until the relevé asked on `requested_on` is offered; TimedOut when
    the wait runs out (it was asked: the next run only waits again)."""
    waited = 0.0
    for interval in intervals(settings.first_interval_s, settings.wait_s):

        def tick(remaining: float, spent: float = waited, step: float = interval) -> None:
            engine.emit(
                "countdown",
                f"prochaine vérification dans {remaining:.0f} s",
                elapsed=f"{spent + step - remaining:.0f}",
                remaining=f"{settings.wait_s - (spent + step - remaining):.0f}",
            )

        engine.emit("waiting_human", "attente du relevé", handover="ris", wait=f"{settings.wait_s:.0f}")
        pause(interval, tick)
        waited += interval
        ris.refresh()
        signal = engine.read_site_message()
        if signal is not None and signal.kind == "session_expired":
            if relogin is None:
                engine.raise_for(signal)
            engine.emit("retry", "session expirée : reconnexion")
            relogin()
        offer = ris.offer_or_drift()
        if offer is not None and _fresh_enough(offer[1], requested_on, settings):
            return offer
    waited_for = f"{round(settings.wait_s / 60)} min" if settings.wait_s >= 90 else f"{settings.wait_s:.0f} s"
    raise TimedOut(
        f"Le relevé n'est pas encore prêt après {waited_for} d'attente. Il a bien été demandé : "
        "relancez « carsat-pilot fetch-ris » dans une heure (aucune nouvelle demande ne sera faite)."
    )


def _fresh_enough(offered_on: date | None, requested_on: date | None, settings: RisSettings) -> bool:
    if requested_on is None or settings.accept_archived or offered_on is None:
        return True
    return offered_on >= requested_on


def _finish(
    engine: Engine,
    ris: RisPage,
    offer: tuple[Locator, date | None],
    settings: RisSettings,
    store: StateStore,
) -> Downloaded:
    result = ris.download(offer[0], settings, offer[1])
    store.record("ris_downloaded", ris_path=str(result.path))
    engine.emit("info", "relevé téléchargé", milestone="ris_downloaded")
    return result


def describe(result: Downloaded) -> str:
    when = f"du {result.ris_date:%d/%m/%Y}" if result.ris_date else "(date non indiquée)"
    size_kb = max(1, round(result.size / 1024))
    return (
        f"Relevé Individuel de Situation {when} enregistré : {result.path} "
        f"({result.pages} pages, {size_kb} Ko). Il contient des données personnelles : "
        "imprimez-le ou remettez-le à la personne, puis effacez-le de ce poste."
    )
