"""The person's language, asked once in the guided session when the person is there: for
the banner in the browser, the hand-over instructions and the récapitulatif (the terminal
stays in French)."""

from __future__ import annotations

from rich.markup import escape

from carsat_pilot.core.ask import Ask
from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.i18n import SOURCE_LANGUAGE, shipped_languages, translator

LANGUAGE_QUESTION = (
    "Langue de la personne (bandeau du navigateur, consignes, récapitulatif ; le terminal reste en français) :"
)


def ask_language(ask: Ask) -> str:
    """A shipped language by its number or code; Entrée, or no answer that fits: French."""
    languages = shipped_languages()
    if len(languages) == 1:
        return SOURCE_LANGUAGE
    ask.console.print(LANGUAGE_QUESTION)
    for number, code in enumerate(languages, start=1):
        ask.console.print(f"  {number}. {escape(translator(code).name)} ({code})")

    def language(answer: str) -> str:
        if not answer:
            return SOURCE_LANGUAGE
        if answer.isdigit() and 1 <= int(answer) <= len(languages):
            return languages[int(answer) - 1]
        if answer in languages:
            return answer
        raise BadInput(f"Répondez par un des numéros proposés : 1 à {len(languages)}.")

    try:
        return ask.checked("Votre choix (numéro ; Entrée : français) :", language, BadInput(""))
    except BadInput:
        return SOURCE_LANGUAGE
