"""The flows' words are compiled on a thread while the browser starts (site/warmup.py): the
steps then find every pattern they need ready, whatever kind of action names it."""

from __future__ import annotations

from carsat_pilot.site import textmatch
from carsat_pilot.site.flowspec import load_flow, load_site
from carsat_pilot.site.warmup import compile_in_background

VARIABLES = {"civilite": "Madame", "ville": "PARIS", "pays": "FRANCE", "question_secrete": "Nom de jeune fille ?"}


def test_every_kind_of_flow_word_is_ready_before_the_steps_need_it() -> None:
    textmatch.words.cache_clear()
    textmatch.tolerant.cache_clear()
    flows = [load_flow("register"), load_flow("activate"), load_flow("login"), load_flow("fetch_ris")]
    compile_in_background(load_site(), flows, VARIABLES).join(timeout=60)
    before = textmatch.words.cache_info()
    assert before.currsize >= 50  # the journey's ~50 patterns
    needed = [
        "Je crée mon espace",  # a click
        "Code postal",  # a field
        "Pays de résidence",  # a list
        "Je reconnais avoir pris connaissance des conditions d'accès aux services sécurisés de "
        "www.lassuranceretraite.fr",  # a box
        "Civilité",  # a choice's group…
        "Madame",  # …and its option, the person's own value (`literal`)
        "Votre identité",  # a text the page must show
        "Je crée mon espace personnel",  # a step's page
        "Valider votre voie",  # a named action's parameter
    ]
    for text in needed:
        textmatch.literal(text) if text == "Madame" else textmatch.words(text)
    after = textmatch.words.cache_info()
    assert after.misses == before.misses, "a pattern the steps need was compiled late, in their time"
    # site.yaml's messages too (the engine reads every page's messages through them).
    assert textmatch.tolerant.cache_info().currsize == len(load_site().messages)
