"""When the page is no longer what the procedure expects (the site changed).

Never a guess, never a click on a look-alike: with a visible browser and a person
present, the step is handed to the advisor (in large type, with what the procedure says
to do there) and carsat-pilot resumes when it recognizes a later step's page; headless,
it stops with exit 4 and one sentence naming the step and the words not found. Either
way a drift report is written: the page's accessibility tree with everything personal
masked, the step and the words expected — what a maintainer needs to fix `flows/`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from playwright.sync_api import Error as PlaywrightError

from carsat_pilot.core.errors import Drift, TimedOut
from carsat_pilot.core.files import write_private
from carsat_pilot.record import masking
from carsat_pilot.site.flowspec import Expect, Flow, Step
from carsat_pilot.site.overlay import DRIFT_DEFAULT_TODO, DRIFT_HANDOVER
from carsat_pilot.site.waiting import Waiting

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


# Between two looks for a later step's page, the advisor's Entrée is checked.
LOOK_S = 1.0
MASK = "«masqué»"
# Lines of an accessibility snapshot that carry what is typed in a field.
_FIELD_VALUE = re.compile(r"^(\s*- (?:textbox|combobox|spinbutton|searchbox|textarea)\b[^\n]*?): .*$", re.M)
_URL_QUERY = re.compile(r"(/url: [^?\s#]*)[?#]\S*")
# What the person's data may look like even when the tool did not type it (site texts).
_NIR_LIKE = re.compile(r"\b[12]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2A|2B)\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b", re.I)
_EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_LIKE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.]?\d{2}){4}")
# The page's free text (paragraphs, list items, cells…) is the person's as often as the
# site's: « Bonjour Jean DUPONT » greets them on every espace page, and a fetch-ris by NIR
# alone does not know their name to mask it. A maintainer needs the page's headings,
# links, buttons, fields and messages (kept); of free text, only how much there was.
_FREE_TEXT = re.compile(
    r"^(\s*- (?:paragraph|text|strong|emphasis|listitem|term|definition|cell|gridcell|row|generic|blockquote"
    r"|caption|code|time|mark|note|insertion|deletion|subscript|superscript))"
    r'(?: ("(?:[^"\\]|\\.)*"))?(\s*\[[^\]]*\])?(?:(:) ?(.*))?$',
    re.M,
)


def _shape(text: str) -> str:
    count = len(text.strip().strip('"').split())
    return f"[{count} mot{'s' if count > 1 else ''} de texte libre]"


def _free_text_shape(line: re.Match[str]) -> str:
    role, name, attributes, colon, content = line.groups()
    shown = role + (f' "{_shape(name)}"' if name else "") + (attributes or "")
    if colon:
        shown += ":" + (f" {_shape(content)}" if content else "")
    return shown


def reports_dir() -> Path:
    return Path(platformdirs.user_data_dir("carsat-pilot", appauthor=False)) / "rapports-de-changement"


def mask_snapshot(snapshot: str, personal: Iterable[str]) -> str:
    """The page's accessibility tree with nothing of the person: field values, free text
    (its length only), the person's own data wherever it shows, URL parameters (an
    activation token)."""
    text = _FIELD_VALUE.sub(rf"\1: {MASK}", snapshot)
    text = _FREE_TEXT.sub(_free_text_shape, text)
    text = _URL_QUERY.sub(r"\1?…", text)
    for value in sorted({v.strip() for v in personal if v and len(v.strip()) >= 2}, key=len, reverse=True):
        text = re.sub(re.escape(value), MASK, text, flags=re.I)
    for pattern in (_NIR_LIKE, _EMAIL_LIKE, _PHONE_LIKE):
        text = pattern.sub(MASK, text)
    return text


def write_report(engine: Waiting, step: Step, exc: Drift, folder: Path | None = None) -> Path | None:
    """The drift report, private (0600); None when the page cannot be read any more."""
    try:
        page = engine.page
        snapshot = page.locator("body").aria_snapshot(timeout=5000)
        url = page.url
    except PlaywrightError:
        return None
    personal = [v for k, v in engine.variables.items() if k not in {"mailbox_url"}]
    for value in list(personal):
        personal.extend(part for part in re.split(r"[\s/]+", value) if len(part) >= 3)
    host_path = re.sub(r"[?#].*$", "", url)

    def masked(text: str) -> str:
        # The page's field values and this run's values, then the process's one masker,
        # which knows the whole profile (a name greets the person on every espace page).
        return masking.current()(mask_snapshot(text, personal))

    body = "\n".join(
        [
            "# Rapport de changement du site — carsat-pilot",
            f"date : {datetime.now():%Y-%m-%d %H:%M:%S}",
            f"parcours : {engine.flow_name}",
            f"étape : {step.title}",
            f"attendu : {exc.expected}",
            f"trouvé : {masked(exc.found)}",
            f"adresse : {masked(host_path)}",
            f"ce que dit la procédure : {step.say or '—'}",
            "",
            "## La page telle que la lit un lecteur d'écran (données personnelles masquées)",
            masked(snapshot),
            "",
        ]
    )
    folder = folder or engine.drift_folder or reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"changement-{engine.flow_name}-{stamp}.txt"
    return write_private(path, body, exclusive=True)


def stop_on_drift(engine: Waiting, step: Step, exc: Drift) -> Drift:
    """Headless, or nobody to act: one sentence, exit 4, and the report's place."""
    path = write_report(engine, step, exc)
    where = f" Rapport pour les mainteneurs : {path}." if path else ""
    engine.emit("warning", f"page non reconnue à l'étape « {step.title} » : {exc.expected}", drift="yes")
    return Drift(exc.message + where, expected=exc.expected, found=exc.found, step=step.title)


@dataclass(frozen=True)
class ResumePoint:
    """A page that tells the step was done: where to go on from."""

    step: int
    action: int
    words: str


def resume_points(flow: Flow, index: int, action: int) -> list[ResumePoint]:
    """The current step's own checks after the failed action, then each later step's
    page; the furthest first (the advisor may have done more than one step)."""
    points: list[ResumePoint] = []
    for k, later in enumerate(flow.steps[index].do[action + 1 :], action + 1):
        if isinstance(later, Expect) and later.expect.text is not None:
            points.append(ResumePoint(index, k + 1, later.expect.text))
    for j, step in enumerate(flow.steps[index + 1 :], index + 1):
        if step.page:
            points.append(ResumePoint(j, 0, step.page))
        elif step.do and isinstance(step.do[0], Expect) and step.do[0].expect.text is not None:
            points.append(ResumePoint(j, 1, step.do[0].expect.text))
    return list(reversed(points))


def handover_message(step: Step, expected: str) -> str:
    """What the overlay (in large type) and the terminal tell the advisor."""
    # The overlay's own template: it translates the sentence by recognizing it.
    return DRIFT_HANDOVER.format(expected=expected, todo=step.say or DRIFT_DEFAULT_TODO)


def hand_over_drift(engine: Waiting, flow: Flow, index: int, exc: Drift) -> tuple[int, int]:
    """Let the advisor do the step by hand; return where to resume (step, action)."""
    step = flow.steps[index]
    points = resume_points(flow, index, engine.action_index)
    if not points:
        raise stop_on_drift(engine, step, exc)
    path = write_report(engine, step, exc)
    message = handover_message(step, exc.expected)
    engine.emit("waiting_human", message, handover="drift", drift="yes")
    if engine.overlay is not None:
        engine.overlay.show(instruction=message)
    engine.human.tell(message)
    reader = getattr(engine.human, "reader", None)
    if reader is not None:
        engine.human.tell("Quand c'est fait, carsat-pilot le voit seul (ou appuyez sur Entrée).")
    deadline = time.monotonic() + engine.human.timeout_s
    union = _union(engine, points)
    while time.monotonic() < deadline:
        if reader is not None:
            reader.poll()  # Entrée: look again at once (the look below is the check)
        try:
            engine.wait_for(union, LOOK_S, what="l'étape suivante", settle=False, unique=False)
        except Drift:
            continue
        point = next((p for p in points if _shows(engine, p)), None)
        if point is None:
            continue
        engine.emit("info", f"étape faite à la main : {step.title}", by_hand="yes")
        if engine.overlay is not None:
            engine.overlay.clear_instruction()
        if path is not None:
            engine.emit("info", f"rapport de changement écrit : {path.name}", drift_report=path.name)
        engine.steps_done.append(f"{step.title} (à la main)")
        return point.step, point.action
    raise TimedOut(
        f"L'étape « {step.title} » n'a pas été faite à temps à la main : relancez la commande quand "
        "la personne est prête."
    )


def _union(engine: Waiting, points: list[ResumePoint]) -> Callable[[Page], Locator]:
    builders = [engine.saying(p.words) for p in points]

    def build(page: Page) -> Locator:
        locator = builders[0](page)
        for other in builders[1:]:
            locator = locator.or_(other(page))
        return locator

    return build


def _shows(engine: Waiting, point: ResumePoint) -> bool:
    try:
        return engine.saying(point.words)(engine.page).filter(visible=True).count() > 0
    except PlaywrightError:
        return False

