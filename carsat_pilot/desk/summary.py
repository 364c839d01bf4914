"""The end of a session: what was done, where the relevé is, what comes next.

Shown in the terminal (Rich) and, on request, written as a one-page printable
récapitulatif in HTML to hand to the person. Nothing secret goes in: the NIR is masked
(`1 85 07 ** *** ***`), there is no password, no secret answer and no e-mail local part.
Every free text is scrubbed once more before it is shown or written, so a caller that
passes a full NIR or an e-mail address by mistake cannot leak it.

Bilingual: French — the language of the administration's letters and of the advisor —
beside the person's language (`lang`), each sentence with its translation from the
catalogs (carsat_pilot.core.i18n); a right-to-left language is laid out right to left.

Also here: the approval table shown before « Je valide mon inscription » (`Recap`), which
shows what the site will keep — its normalized address, the values chosen in its lists.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from carsat_pilot.core.i18n import N_, SOURCE_LANGUAGE, Translator, translator
from carsat_pilot.record.masking import mask_generic
from carsat_pilot.record.state import PersonState

if TYPE_CHECKING:
    pass

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
_CSS = """
@page { size: A4; margin: 16mm 18mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Naskh Arabic", Arial, Helvetica, sans-serif; font-size: 12pt;
       line-height: 1.4; color: #111; max-width: 175mm; margin: 0 auto; padding: 8mm 0; }
header { border-bottom: 3px solid #1a3b7a; margin-bottom: 6mm; padding-bottom: 3mm; }
h1 { font-size: 19pt; margin: 0 0 2mm; color: #1a3b7a; }
h2 { font-size: 13.5pt; margin: 5mm 0 2mm; color: #1a3b7a; }
.who { font-size: 13pt; margin: 0; }
.meta { color: #444; font-size: 10pt; margin: 1mm 0 0; }
ul { margin: 0; padding-left: 6mm; }
li { margin: 1mm 0; }
.ris { font-family: "DejaVu Sans Mono", monospace; font-size: 10pt; word-break: break-all; }
.note { margin-top: 7mm; padding: 3mm 4mm; border: 1px solid #999; font-size: 10.5pt; }
footer { margin-top: 6mm; font-size: 9pt; color: #555; }
section, .note { break-inside: avoid; page-break-inside: avoid; }
/* Bilingual: French on one side, the person's language on the other, sentence by sentence. */
.pair { display: grid; grid-template-columns: 1fr 1fr; column-gap: 6mm; align-items: start; }
.pair > * { margin: 0; }
ul.pairs { list-style: none; padding: 0; }
ul.pairs > li { border-inline-start: 3px solid #c9d3e8; padding-inline-start: 2mm; margin: 1.5mm 0; }
[dir="rtl"] { text-align: right; unicode-bidi: isolate; }
[dir="rtl"].tr { font-size: 12.5pt; line-height: 1.6; }
.tr { color: #1b1b1b; }
h1 .tr, h2 .tr { display: block; }
@media print {
  body { padding: 0; max-width: none; }
  a { color: #000; text-decoration: none; }
}
"""


@dataclass
class _Page:
    """Writes the page's markup: French beside the person's language."""

    tr: Translator
    parts: list[str] = field(default_factory=list)

    def attrs(self) -> str:
        return f' class="tr" lang="{self.tr.html_lang}" dir="{self.tr.direction}"'

    def text(self, text: str, values: Mapping[str, str] | None = None) -> tuple[str, str | None]:
        """(French, translation) as markup; `values` are put in already escaped markup."""
        french = html.escape(text)
        translated = _translation(self.tr, text)
        if values and isinstance(text, Msg):
            french = html.escape(text.msgid).format(**values)
            if translated is not None:
                translated = html.escape(self.tr.isolate(self.tr.gettext(text.msgid))).format(**values)
                return french, translated
        return french, html.escape(self.tr.isolate(translated)) if translated is not None else None

    def block(self, tag: str, text: str, values: Mapping[str, str] | None = None, css: str = "") -> str:
        french, translated = self.text(text, values)
        cls = f' class="{css}"' if css else ""
        if translated is None:
            return f"<{tag}{cls}>{french}</{tag}>"
        return (
            f'<div class="pair{" " + css if css else ""}"><{tag} lang="fr">{french}</{tag}>'
            f"<{tag}{self.attrs()}>{translated}</{tag}></div>"
        )

    def heading(self, tag: str, text: str) -> str:
        french, translated = self.text(text)
        if translated is None:
            return f"<{tag}>{french}</{tag}>"
        return f"<{tag}>{french}<span{self.attrs()}>{translated}</span></{tag}>"

    def items(self, lines: Iterable[str]) -> str:
        rows = []
        bilingual = False
        for line in lines:
            french, translated = self.text(line)
            if translated is None:
                rows.append(f"    <li>{french}</li>")
            else:
                bilingual = True
                rows.append(
                    f'    <li class="pair"><span lang="fr">{french}</span><span{self.attrs()}>{translated}</span></li>'
                )
        css = ' class="pairs"' if bilingual else ""
        return f"<ul{css}>\n" + "\n".join(rows) + "\n  </ul>"


def render_html(summary: Summary) -> str:
    """A self-contained page (inline CSS, no script, no external resource)."""
    tr = translator(summary.lang)
    page = _Page(tr)
    e = html.escape
    made = summary.made_at
    ris = "\n  ".join(
        page.block("p", sentence, {"path": f'<span class="ris" dir="ltr">{e(summary.ris_path or "")}</span>'})
        for sentence in _ris_sentences(summary)
    )
    notes = "".join(page.block("p", note) for note in _good_to_know())
    done = page.items(summary.done) if summary.done else page.block("p", Msg(NOTHING_DONE))
    meta = Msg(PAGE_META, site=SITE, date=_date(made), time=_time(made))
    languages = ""
    if not tr.is_source:
        languages = page.block("p", Msg(PAGE_LANGUAGES, language=tr.name), css="meta")
    title = e(PAGE_TITLE) + (f" — {e(tr.gettext(PAGE_TITLE))}" if not tr.is_source and tr.knows(PAGE_TITLE) else "")
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
  {page.heading("h1", PAGE_HEADING)}
  <p class="who">{e(summary.name)} — n° de Sécurité sociale {e(summary.nir_masked)}</p>
  {page.block("p", meta, css="meta")}
  {languages}
</header>
<section>
  {page.heading("h2", HEADING_DONE)}
  {done}
</section>
<section>
  {page.heading("h2", HEADING_YOUR_RIS)}
  {ris}
</section>
<section>
  {page.heading("h2", HEADING_NEXT)}
  {page.items(summary.next_steps)}
</section>
<div class="note">{notes}</div>
<footer>{page.block("p", Msg(PAGE_FOOTER))}</footer>
</body>
</html>
"""


def write_html(summary: Summary, path: str | os.PathLike[str]) -> Path:
    """Write the printable récapitulatif, readable by its owner only (mode 0600)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(render_html(summary))
    os.chmod(target, 0o600)  # an older file of the same name may have had wider rights
    return target
