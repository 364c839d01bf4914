"""Choose, don't fail: a profile value that must be one of the site's own lists.

The site lists La Poste's names of the towns of a postal code (« ST DENIS LES BOURG »),
its secret questions, the address complements, the countries. A value is compared with
the list tolerantly — case, accents, hyphens, punctuation and the usual abbreviations
(SAINT → ST) do not matter, so « Saint-Denis-lès-Bourg » is « ST DENIS LES BOURG ». A
value that is still not in the list is not a dead end: the person (or the advisor)
chooses among the page's own options — numbered in the terminal, or in the page itself
with the overlay saying « Choisissez la ville dans la liste » — and the journey goes on.
The choice is remembered so that the saved profile can be updated afterwards.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from carsat_pilot.core.errors import SiteRefused, TimedOut
from carsat_pilot.core.i18n import N_
from carsat_pilot.record import masking
from carsat_pilot.site.pages import PageSession
from carsat_pilot.site.textmatch import fold, readable

if TYPE_CHECKING:
    from playwright.sync_api import Locator


# La Poste's abbreviations of the words that begin town names (norme AFNOR NF Z 10-011).
_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "saints": "sts", "saintes": "stes"}
_NOT_A_WORD = re.compile(r"[\W_]+")
# Variables that are never shown or remembered (a secret is not a list value anyway).
_SECRET = {"password", "reponse_secrete"}
NONE_SHOWN = "(aucun)"
# Between two looks for the person's choice in the page, a number typed in the terminal.
LOOK_S = 1.0

# What the overlay and the terminal say, by list (the flows' label, folded).
INSTRUCTIONS = {
    "ville": N_("Choisissez la ville dans la liste."),
    "question secrete": N_("Choisissez la question secrète dans la liste."),
    "complement": N_("Choisissez le complément d'adresse dans la liste (BIS, TER…)."),
    "pays de residence": N_("Choisissez le pays de résidence dans la liste."),
}
ANY_LIST = N_("Choisissez la bonne valeur dans la liste du site.")


@dataclass(frozen=True)
class Chosen:
    """A value chosen in the site's list instead of the profile's."""

    variable: str  # as the flows name it: ville, complement, question_secrete, pays
    label: str  # the list's label on the site
    typed: str  # the profile's value
    chosen: str  # the site's option


def choice_key(text: str) -> str:
    """The form under which a profile value and a list option are compared."""
    words = _NOT_A_WORD.sub(" ", fold(text)).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def match_option(value: str, options: Sequence[str], *, prefix: bool = True) -> str | None:
    """The option that is `value`: the same words (tolerantly), or (with `prefix`) the only
    option that starts with them as whole words (« PARIS » → « PARIS 12 »); None when
    there is none or when two would do (that is a choice, not a guess)."""
    wanted = fold(value)
    exact = [o for o in options if fold(o) == wanted]
    if len(exact) == 1:
        return exact[0]
    key = choice_key(value)
    if not key:
        return None
    same = [o for o in options if choice_key(o) == key]
    if len(same) == 1:
        return same[0]
    if same or not prefix:
        return None
    starting = [o for o in options if choice_key(o).startswith(key + " ")]
    return starting[0] if len(starting) == 1 else None


def instruction_for(label: str) -> str:
    """« Choisissez la ville dans la liste. » — by the flow's label of the list."""
    for alternative in label.split("|"):
        found = INSTRUCTIONS.get(choice_key(alternative))
        if found:
            return found
    return ANY_LIST


_OPTIONS_JS = """el => Array.from(el.options || []).filter(o => !o.disabled)
    .map(o => ({label: (o.label || o.text || '').trim(), value: o.value}))"""
_SELECTED_JS = "el => { const o = el.options[el.selectedIndex]; return o ? (o.label || o.text || '').trim() : null; }"
_ARM_JS = """el => {
  el.__cpChosen = undefined;
  el.addEventListener('change', () => { el.__cpChosen = el.value; }, { once: true });
  el.focus();
}"""


def offered_options(field: Locator) -> list[str]:
    """The options a person can choose: not the prompt (« Sélectionnez votre ville »),
    but the empty option of a list where none is a choice (no complement)."""
    found: list[dict[str, Any]] = field.evaluate(_OPTIONS_JS)
    return [str(o["label"]) for o in found if o["value"] != "" or not o["label"]]


def _variable(engine: PageSession, typed: str) -> str:
    for name, value in engine.variables.items():
        if name not in _SECRET and value == typed:
            return name
    return ""


def choose_in_list(engine: PageSession, field: Locator, label: str, typed: str) -> str:
    """The person's choice among the page's own options for a value not in the list."""
    offered = offered_options(field)
    what = readable(label)
    if not offered:
        raise SiteRefused(
            f"Le site ne propose aucun choix dans la liste « {what} » : vérifiez le profil (code postal…) "
            "puis relancez."
        )
    # An address or a question is personal: said in the terminal, kept out of the journal.
    engine.emit("warning", f"« {typed} » n'est pas dans la liste « {what} » du site : à choisir", private="yes")
    human = engine.human
    shown = [o or NONE_SHOWN for o in offered]
    question = f"« {typed} » n'est pas dans la liste « {what} » du site. Choisissez la bonne valeur :"
    if human.mode == "browser":
        chosen = _in_page(engine, field, instruction_for(label), question, offered)
    else:
        index = human.choose(question, shown)
        if index is None:
            raise SiteRefused(
                f"Le site ne propose pas « {typed} » dans la liste « {what} » (choix proposés : "
                f"{', '.join(shown)}) : corrigez le profil puis relancez."
            )
        chosen = offered[index]
    variable = _variable(engine, typed)
    if variable:
        engine.variables[variable] = chosen
        # The site's town is as personal as the profile's: masked wherever the other is.
        masking.learn({variable: chosen})
    human.chosen.append(Chosen(variable, what, typed, chosen))
    note = getattr(engine.recap, "note_choice", None)
    if callable(note):
        note(variable, chosen)
    engine.emit("warning", f"{what} : « {chosen} » choisi dans la liste du site (profil : « {typed} »)", private="yes")
    return chosen


def _in_page(engine: PageSession, field: Locator, instruction: str, question: str, offered: list[str]) -> str:
    """Browser mode: the person picks in the page (the overlay says so); the advisor may
    also type the option's number in the terminal."""

    human = engine.human
    # Listening before telling: a person quick to pick (or an advisor who already had the
    # list open) must not change it before the tool listens — that choice would be lost
    # and the tool would wait for a second one nobody makes.
    field.evaluate(_ARM_JS)
    engine.emit("waiting_human", instruction, handover="choice")
    if engine.overlay is not None:
        engine.overlay.show(instruction=instruction)
    human.tell(instruction)
    human.console.print(question + " (dans la page, ou son numéro ici puis Entrée)", soft_wrap=True)
    for number, option in enumerate(offered, start=1):
        human.console.print(f"  {number}. {option or NONE_SHOWN}", soft_wrap=True)
    reader = getattr(human, "reader", None)
    deadline = time.monotonic() + human.timeout_s
    try:
        while time.monotonic() < deadline:
            line = reader.poll() if reader is not None else None
            if line is not None and line.strip().isdigit() and 1 <= int(line.strip()) <= len(offered):
                return offered[int(line.strip()) - 1]
            try:
                field.page.wait_for_function(
                    "el => el.__cpChosen !== undefined", arg=field.element_handle(), timeout=LOOK_S * 1000
                )
            except PlaywrightTimeout:
                continue
            picked = field.evaluate(_SELECTED_JS)
            if picked in offered:
                return str(picked)
            field.evaluate(_ARM_JS)  # the prompt line again: wait for a real choice
        raise TimedOut(
            "Aucune valeur n'a été choisie à temps dans la liste du site : relancez la commande quand la "
            "personne est prête."
        )
    finally:
        engine.emit("human_done", "choice", handover="choice")
        if engine.overlay is not None:
            engine.overlay.clear_instruction()
