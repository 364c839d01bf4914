"""The end of a session: what was done, where the relevé is, what comes next.

Shown in the terminal (Rich) and, on request, written as a one-page printable
récapitulatif in HTML to hand to the person. Nothing secret goes in: the NIR is masked
(`1 85 07 ** *** ***`), there is no password, no secret answer and no e-mail local part.
Every free text is scrubbed once more before it is shown or written, so a caller that
passes a full NIR or an e-mail address by mistake cannot leak it.

Bilingual: French — the language of the administration's letters and of the advisor —
beside the person's language (`lang`), each sentence with its translation from the
catalogs (carsat_pilot.core.i18n); a right-to-left language is laid out right to left.

The page is a Jinja2 template, `templates/recap.html` (its style in `templates/recap.css`),
escaped automatically: a name or a path is always text on the page, never markup.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from carsat_pilot.core.files import write_private
from carsat_pilot.core.i18n import N_, SOURCE_LANGUAGE, Translator, translator
from carsat_pilot.record.masking import mask_generic
from carsat_pilot.record.state import PersonState

SITE = "www.lassuranceretraite.fr"

NOTHING_DONE = N_("Aucune démarche n'a encore abouti sur le site.")
UNNAMED = N_("Personne accompagnée")

GOOD_TO_KNOW_TEMPLATES = (
    N_(
        "Votre mot de passe n'est écrit nulle part sur ce document : gardez-le pour vous. "
        "Ni l'Assurance retraite ni le conseiller ne vous le demanderont."
    ),
    N_("Votre espace personnel : {site}, « Mon espace personnel »."),
)
RIS_ADVICE = N_(
    "Il contient vos données personnelles : imprimez-le ou copiez-le sur votre propre support, "
    "il peut être effacé de ce poste à la fin de la séance."
)
RIS_SAVED = N_("Le relevé est enregistré sur ce poste : {path}.")
RIS_NOT_DOWNLOADED = N_("Le relevé n'a pas été téléchargé pendant cette séance.")
# Headings and fixed words of the terminal summary and of the printable page.
WHO = N_("{name} — n° de Sécurité sociale {nir}")
TITLE_END = N_("Fin de la séance — {date} {time}")
HEADING_DONE = N_("Ce qui a été fait")
HEADING_RIS = N_("Le relevé")
HEADING_YOUR_RIS = N_("Votre relevé")
HEADING_NEXT = N_("La suite")
PAGE_TITLE = N_("Récapitulatif de votre démarche retraite")
PAGE_HEADING = N_("Récapitulatif de votre démarche")
PAGE_META = N_("Relevé de carrière (RIS) sur {site} — remis le {date} à {time}")
PAGE_FOOTER = N_(
    "Document préparé avec carsat-pilot au point d'accueil. Il ne contient ni mot de passe, "
    "ni réponse secrète, ni numéro de Sécurité sociale complet."
)
PAGE_LANGUAGES = N_("Français, la langue des courriers de l'administration, et votre langue : {language}.")


class Msg(str):
    """A French sentence that remembers its catalog entry (`msgid`) and its values, so it
    can be said in the person's language too. It *is* the French text (a `str`)."""

    msgid: str
    params: dict[str, str]

    def __new__(cls, msgid: str, **params: str) -> Msg:
        made = super().__new__(cls, msgid.format(**params) if params else msgid)
        made.msgid = msgid
        made.params = params
        return made

    def mapped(self, change: Callable[[str], str]) -> Msg:
        """The same sentence with each value changed (scrubbed)."""
        return Msg(self.msgid, **{key: change(value) for key, value in self.params.items()})

    def translated(self, tr: Translator) -> str | None:
        """The person's language; None in French or when the catalog has no entry."""
        if tr.is_source or not tr.knows(self.msgid):
            return None
        return tr.format(self.msgid, **self.params) if self.params else tr.gettext(self.msgid)


def _translation(tr: Translator, text: str) -> str | None:
    if isinstance(text, Msg):
        return text.translated(tr)
    if tr.is_source or not tr.knows(text):
        return None
    return tr.gettext(text)


@dataclass(frozen=True)
class Summary:
    name: str
    nir_masked: str
    made_at: datetime
    done: tuple[str, ...]
    ris_path: str | None
    next_steps: tuple[str, ...]
    lang: str = SOURCE_LANGUAGE


# --------------------------------------------------------------------------- scrubbing
def scrub(text: str) -> str:
    """Mask any NIR (with or without spaces), e-mail local part, phone number or URL
    token left in `text` (the one masker's rules for anyone)."""
    if isinstance(text, Msg):
        return text.mapped(mask_generic)
    return mask_generic(text)


def _date(moment: date) -> str:
    return f"{moment:%d/%m/%Y}"


def _time(moment: datetime) -> str:
    return f"{moment:%H:%M}"


# --------------------------------------------------------------------------- facts
def done_facts(state: PersonState) -> list[str]:
    """What the site has recorded for this person, with dates, in the journey's order."""
    facts: list[str] = []
    for moment, message in (
        (state.registered_at, N_("Inscription envoyée au site le {date} à {time}.")),
        (state.activated_at, N_("Espace personnel activé le {date} à {time}.")),
        (state.ris_requested_at, N_("Relevé de carrière (RIS) demandé le {date} à {time}.")),
        (state.ris_downloaded_at, N_("Relevé de carrière (RIS) téléchargé le {date} à {time}.")),
    ):
        if moment is not None:
            facts.append(Msg(message, date=_date(moment), time=_time(moment)))
    return facts


def ris_again_on(state: PersonState, today: date | None = None) -> date | None:
    """The first day a new relevé may be asked for: tomorrow when it was asked today (the
    site: « Vous pourrez renouveler votre demande à compter de demain »)."""
    today = today or date.today()
    if state.ris_requested_at is None:
        return None
    return today + timedelta(days=1) if state.ris_requested_today(today) else today


def _activation_steps(email: str | None, link_valid_until: date | None) -> list[str]:
    if email and "@" in email:
        first = Msg(
            N_(
                "Consultez votre messagerie (adresse se terminant par @{domain}) : ouvrez l'e-mail de "
                "lassuranceretraite.fr et cliquez sur « Je confirme la création de mon espace personnel » "
                "(regardez aussi dans les courriers indésirables)."
            ),
            domain=email.rpartition("@")[2],
        )
    else:
        first = Msg(
            N_(
                "Consultez votre messagerie : ouvrez l'e-mail de lassuranceretraite.fr et cliquez sur « Je "
                "confirme la création de mon espace personnel » (regardez aussi dans les courriers indésirables)."
            )
        )
    steps: list[str] = [first]
    if link_valid_until is not None:
        steps.append(
            Msg(N_("Ce lien est valable jusqu'au {date} inclus : ne tardez pas."), date=_date(link_valid_until))
        )
    else:
        steps.append(Msg(N_("Ce lien n'est valable que quelques jours (la date limite est écrite dans l'e-mail).")))
    steps.append(Msg(N_("Sans e-mail sous 24 heures, l'inscription est à recommencer.")))
    return steps


def _ris_steps(state: PersonState, today: date) -> list[str]:
    steps: list[str] = []
    if state.ris_downloaded_at is not None:
        steps.append(
            Msg(
                N_(
                    "Vérifiez votre relevé année par année ; s'il manque une période, signalez-la depuis "
                    "votre espace personnel."
                )
            )
        )
    elif state.ris_requested_at is not None:
        steps.append(
            Msg(
                N_(
                    "Votre relevé a été demandé le {date} : il apparaît quelques minutes plus tard dans « Mon "
                    "relevé de carrière tous régimes » ; revenez le télécharger."
                ),
                date=_date(state.ris_requested_at),
            )
        )
    else:
        steps.append(
            Msg(N_("Obtenez votre relevé : « Mes services », puis « Mon relevé de carrière tous régimes (RIS) »."))
        )
    again = ris_again_on(state, today)
    if again is not None and again > today:
        steps.append(
            Msg(N_("Une nouvelle demande de relevé sera possible à partir de demain, le {date}."), date=_date(again))
        )
    elif again is not None:
        steps.append(Msg(N_("Une nouvelle demande de relevé est possible dès aujourd'hui (une par jour au plus).")))
    return steps


def suggested_next_steps(
    state: PersonState,
    *,
    email: str | None = None,
    link_valid_until: date | None = None,
    today: date | None = None,
) -> list[str]:
    """What the person does next, from what the site has recorded."""
    today = today or date.today()
    if state.registered_at is None and state.activated_at is None:
        return [
            Msg(
                N_("Créez votre espace personnel sur {site} (ou revenez au point d'accueil pour le faire ensemble)."),
                site=SITE,
            )
        ]
    if state.activated_at is None:
        return _activation_steps(email, link_valid_until)
    return _ris_steps(state, today)


def build(
    state: PersonState,
    *,
    name: str,
    ris_path: str | None,
    next_steps: list[str],
    now: datetime | None = None,
    lang: str = SOURCE_LANGUAGE,
) -> Summary:
    """The summary of one person's session; `ris_path` defaults to the one in the state."""
    path = ris_path or state.ris_path
    return Summary(
        name=scrub(name.strip()) or UNNAMED,
        nir_masked=scrub(state.nir_masked) or "—",
        made_at=now or datetime.now(),
        done=tuple(scrub(fact) for fact in done_facts(state)),
        ris_path=scrub(path) if path else None,
        next_steps=tuple(scrub(step) for step in next_steps),
        lang=translator(lang).lang,
    )


def _ris_sentences(summary: Summary) -> list[Msg]:
    if summary.ris_path:
        return [Msg(RIS_SAVED, path=summary.ris_path), Msg(RIS_ADVICE)]
    return [Msg(RIS_NOT_DOWNLOADED)]


def _good_to_know() -> list[Msg]:
    return [Msg(template, site=SITE) if "{site}" in template else Msg(template) for template in GOOD_TO_KNOW_TEMPLATES]


# --------------------------------------------------------------------------- terminal
def show(console: Console, summary: Summary) -> None:
    """The end-of-session summary in the terminal: each French sentence, and beneath it
    the person's language when it is not French."""
    tr = translator(summary.lang)
    body = Text()

    def line(text: str, prefix: str = "  ", style: str = "") -> None:
        body.append(f"{prefix}{text}\n", style=style)
        translated = _translation(tr, text)
        if translated:
            body.append(f"{' ' * len(prefix)}{translated}\n", style="italic")

    def heading(text: str) -> None:
        translated = _translation(tr, text)
        body.append("\n" + text + (f" — {translated}" if translated else "") + "\n", style="bold underline")

    body.append(f"{summary.name} — n° de Sécurité sociale {summary.nir_masked}\n", style="bold")
    heading(HEADING_DONE)
    for fact in summary.done:
        line(fact, "  ✔ ")
    if not summary.done:
        line(NOTHING_DONE)
    heading(HEADING_RIS)
    for sentence in _ris_sentences(summary):
        line(sentence)
    heading(HEADING_NEXT)
    for step in summary.next_steps:
        line(step, "  ➜ ")
    title = Msg(TITLE_END, date=_date(summary.made_at), time=_time(summary.made_at))
    translated_title = title.translated(tr)
    shown_title = title + (f" / {translated_title}" if translated_title else "")
    console.print(Panel(Group(body), title=escape(shown_title), expand=False))


# --------------------------------------------------------------------------- printable
class Pair(NamedTuple):
    """One sentence of the page: French, and the person's language (None in French or
    when the catalog has no entry). Plain text is escaped by the template; `Markup` is not."""

    fr: str
    tr: str | None


@lru_cache(maxsize=1)
def _template() -> Template:
    # Autoescape: every name, path or sentence is text, never markup, whatever it holds.
    environment = Environment(
        loader=PackageLoader("carsat_pilot.desk", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    return environment.get_template("recap.html")


def _pair(tr: Translator, text: str, values: Mapping[str, Markup] | None = None) -> Pair:
    """`text` and its translation; `values` (markup) are put into the sentence's template."""
    translated = _translation(tr, text)
    if values and isinstance(text, Msg):
        french = Markup.escape(text.msgid).format(**values)
        if translated is None:
            return Pair(french, None)
        return Pair(french, Markup.escape(tr.isolate(tr.gettext(text.msgid))).format(**values))
    return Pair(text, tr.isolate(translated) if translated is not None else None)


def _title(tr: Translator) -> str:
    if tr.is_source or not tr.knows(PAGE_TITLE):
        return PAGE_TITLE
    return f"{PAGE_TITLE} — {tr.gettext(PAGE_TITLE)}"


def render_html(summary: Summary) -> str:
    """A self-contained page (inline CSS, no script, no external resource)."""
    tr = translator(summary.lang)
    made = summary.made_at
    path = {"path": Markup('<span class="ris" dir="ltr">{}</span>').format(summary.ris_path or "")}
    languages = None if tr.is_source else _pair(tr, Msg(PAGE_LANGUAGES, language=tr.name))
    return _template().render(
        lang=tr.html_lang,
        dir=tr.direction,
        title=_title(tr),
        page_heading=_pair(tr, PAGE_HEADING),
        name=summary.name,
        nir_masked=summary.nir_masked,
        meta=_pair(tr, Msg(PAGE_META, site=SITE, date=_date(made), time=_time(made))),
        languages=languages,
        heading_done=_pair(tr, HEADING_DONE),
        done=[_pair(tr, fact) for fact in summary.done],
        nothing_done=_pair(tr, Msg(NOTHING_DONE)),
        heading_ris=_pair(tr, HEADING_YOUR_RIS),
        ris=[_pair(tr, sentence, path) for sentence in _ris_sentences(summary)],
        heading_next=_pair(tr, HEADING_NEXT),
        next_steps=[_pair(tr, step) for step in summary.next_steps],
        notes=[_pair(tr, note) for note in _good_to_know()],
        footer=_pair(tr, Msg(PAGE_FOOTER)),
    )


def write_html(summary: Summary, path: str | os.PathLike[str]) -> Path:
    """Write the printable récapitulatif, readable by its owner only (mode 0600)."""
    return write_private(path, render_html(summary))
