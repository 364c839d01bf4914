"""The end of a session: what was done, where the relevé is, what comes next.

Shown in the terminal (Rich) and, on request, written as a one-page printable
récapitulatif in HTML to hand to the person. Nothing secret goes in: the NIR is masked
(`1 85 07 ** *** ***`), there is no password, no secret answer and no e-mail local part.
Every free text is scrubbed once more before it is shown or written, so a caller that
passes a full NIR or an e-mail address by mistake cannot leak it.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from carsat_pilot.profile import mask_nir
from carsat_pilot.state import PersonState

SITE = "www.lassuranceretraite.fr"

# A NIR with or without spaces (13 characters, Corsica 2A/2B, optional 2-digit key).
_NIR_IN_TEXT = re.compile(
    r"(?<![\dA-Za-z])[1-478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AaBb])\s?\d{3}\s?\d{3}(?:\s?\d{2})?(?![\dA-Za-z])"
)
_EMAIL_IN_TEXT = re.compile(r"[\w.+'-]+@([\w-]+(?:\.[\w-]+)+)")

NOTHING_DONE = "Aucune démarche n'a encore abouti sur le site."
UNNAMED = "Personne accompagnée"

GOOD_TO_KNOW = (
    "Votre mot de passe n'est écrit nulle part sur ce document : gardez-le pour vous. "
    "Ni l'Assurance retraite ni le conseiller ne vous le demanderont.",
    f"Votre espace personnel : {SITE}, « Mon espace personnel ».",
)


@dataclass(frozen=True)
class Summary:
    name: str
    nir_masked: str
    made_at: datetime
    done: tuple[str, ...]
    ris_path: str | None
    next_steps: tuple[str, ...]


# --------------------------------------------------------------------------- scrubbing
def scrub(text: str) -> str:
    """Mask any NIR (with or without spaces) and any e-mail local part left in `text`."""
    text = _NIR_IN_TEXT.sub(lambda found: mask_nir(found.group(0)), text)
    return _EMAIL_IN_TEXT.sub(lambda found: f"•••@{found.group(1)}", text)


def _when(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y} à {moment:%H:%M}"


# --------------------------------------------------------------------------- facts
def done_facts(state: PersonState) -> list[str]:
    """What the site has recorded for this person, with dates, in the journey's order."""
    facts: list[str] = []
    if state.registered_at is not None:
        facts.append(f"Inscription envoyée au site le {_when(state.registered_at)}.")
    if state.activated_at is not None:
        facts.append(f"Espace personnel activé le {_when(state.activated_at)}.")
    if state.ris_requested_at is not None:
        facts.append(f"Relevé de carrière (RIS) demandé le {_when(state.ris_requested_at)}.")
    if state.ris_downloaded_at is not None:
        facts.append(f"Relevé de carrière (RIS) téléchargé le {_when(state.ris_downloaded_at)}.")
    return facts


def ris_again_on(state: PersonState, today: date | None = None) -> date | None:
    """The first day a new relevé may be asked for: tomorrow when it was asked today (the
    site: « Vous pourrez renouveler votre demande à compter de demain »)."""
    today = today or date.today()
    if state.ris_requested_at is None:
        return None
    return today + timedelta(days=1) if state.ris_requested_today(today) else today


def _email_hint(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    return f" (adresse se terminant par @{email.rpartition('@')[2]})"


def _activation_steps(email: str | None, link_valid_until: date | None) -> list[str]:
    steps = [
        f"Consultez votre messagerie{_email_hint(email)} : ouvrez l'e-mail de lassuranceretraite.fr "
        "et cliquez sur « Je confirme la création de mon espace personnel » "
        "(regardez aussi dans les courriers indésirables).",
    ]
    if link_valid_until is not None:
        steps.append(f"Ce lien est valable jusqu'au {link_valid_until:%d/%m/%Y} inclus : ne tardez pas.")
    else:
        steps.append("Ce lien n'est valable que quelques jours (la date limite est écrite dans l'e-mail).")
    steps.append("Sans e-mail sous 24 heures, l'inscription est à recommencer.")
    return steps


def _ris_steps(state: PersonState, today: date) -> list[str]:
    steps: list[str] = []
    if state.ris_downloaded_at is not None:
        steps.append(
            "Vérifiez votre relevé année par année ; s'il manque une période, signalez-la depuis "
            "votre espace personnel."
        )
    elif state.ris_requested_at is not None:
        steps.append(
            f"Votre relevé a été demandé le {state.ris_requested_at:%d/%m/%Y} : il apparaît quelques "
            "minutes plus tard dans « Mon relevé de carrière tous régimes » ; revenez le télécharger."
        )
    else:
        steps.append("Obtenez votre relevé : « Mes services », puis « Mon relevé de carrière tous régimes (RIS) ».")
    again = ris_again_on(state, today)
    if again is not None and again > today:
        steps.append(f"Une nouvelle demande de relevé sera possible à partir de demain, le {again:%d/%m/%Y}.")
    elif again is not None:
        steps.append("Une nouvelle demande de relevé est possible dès aujourd'hui (une par jour au plus).")
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
        return [f"Créez votre espace personnel sur {SITE} (ou revenez au point d'accueil pour le faire ensemble)."]
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
    )


RIS_ADVICE = (
    "Il contient vos données personnelles : imprimez-le ou copiez-le sur votre propre support, "
    "il peut être effacé de ce poste à la fin de la séance."
)


def _ris_sentence(summary: Summary) -> str:
    if summary.ris_path:
        return f"Le relevé est enregistré sur ce poste : {summary.ris_path}. {RIS_ADVICE}"
    return "Le relevé n'a pas été téléchargé pendant cette séance."


# --------------------------------------------------------------------------- terminal
def show(console: Console, summary: Summary) -> None:
    """The end-of-session summary in the terminal."""
    body = Text()
    body.append(f"{summary.name} — n° de Sécurité sociale {summary.nir_masked}\n\n", style="bold")
    body.append("Ce qui a été fait\n", style="bold underline")
    for fact in summary.done:
        body.append(f"  ✔ {fact}\n")
    if not summary.done:
        body.append(f"  {NOTHING_DONE}\n")
    body.append("\nLe relevé\n", style="bold underline")
    body.append(f"  {_ris_sentence(summary)}\n")
    body.append("\nLa suite\n", style="bold underline")
    for step in summary.next_steps:
        body.append(f"  ➜ {step}\n")
    title = f"Fin de la séance — {summary.made_at:%d/%m/%Y %H:%M}"
    console.print(Panel(Group(body), title=escape(title), expand=False))


# --------------------------------------------------------------------------- printable
_CSS = """
@page { size: A4; margin: 16mm 18mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 12pt; line-height: 1.4;
       color: #111; max-width: 175mm; margin: 0 auto; padding: 8mm 0; }
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
@media print {
  body { padding: 0; max-width: none; }
  a { color: #000; text-decoration: none; }
}
"""


def _items(lines: tuple[str, ...]) -> str:
    return "\n".join(f"    <li>{html.escape(line)}</li>" for line in lines)


def render_html(summary: Summary) -> str:
    """A self-contained page (inline CSS, no script, no external resource)."""
    e = html.escape
    ris = (
        f'<p>Le relevé est enregistré sur ce poste :<br><span class="ris">{e(summary.ris_path)}</span></p>'
        f"<p>{e(RIS_ADVICE)}</p>"
        if summary.ris_path
        else f"<p>{e(_ris_sentence(summary))}</p>"
    )
    notes = "".join(f"<p>{e(note)}</p>" for note in GOOD_TO_KNOW)
    done = f"<ul>\n{_items(summary.done)}\n  </ul>" if summary.done else f"<p>{e(NOTHING_DONE)}</p>"
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Récapitulatif de votre démarche retraite</title>
<style>{_CSS}</style>
</head>
<body>
<header>
  <h1>Récapitulatif de votre démarche</h1>
  <p class="who">{e(summary.name)} — n° de Sécurité sociale {e(summary.nir_masked)}</p>
  <p class="meta">Relevé de carrière (RIS) sur {SITE} — remis le {e(_when(summary.made_at))}</p>
</header>
<section>
  <h2>Ce qui a été fait</h2>
  {done}
</section>
<section>
  <h2>Votre relevé</h2>
  {ris}
</section>
<section>
  <h2>La suite</h2>
  <ul>
{_items(summary.next_steps)}
  </ul>
</section>
<div class="note">{notes}</div>
<footer>Document préparé avec carsat-pilot au point d'accueil. Il ne contient ni mot de passe,
ni réponse secrète, ni numéro de Sécurité sociale complet.</footer>
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
