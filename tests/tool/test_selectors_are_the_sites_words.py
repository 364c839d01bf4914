"""The tool finds things by the site's words only. It must work on a replica it has not
seen, written independently from the same seed, so:

* no id, name or CSS class of our own replica appears in the flows or the page modules;
* no CSS / id locator at all;
* every pattern a flow uses to find a page element matches a text of the seed — except
  the few things the 2018 seed does not show, listed here with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from carsat_pilot.site.textmatch import alternatives, fold

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "000_d9df21f3bd6940f8.txt"
# Every module of the tool (they move and split; a list of names would miss the new ones).
TOOL_FILES = [
    *sorted((ROOT / "carsat_pilot").rglob("*.py")),
    *sorted((ROOT / "flows").glob("*.yaml")),
]
LOCATOR_KEYS = {
    "label",
    "name",
    "group",
    "text",
    "heading",
    "page",
    "download",
    "request",
    "requested",
    "already",
    "refresh",
    "next",
    "validate",
    "accept",
    "submit",
    "field",
    "image",
    "asked",
    "available",
}
# Not in the 2018 seed: generic words any version of the site uses for these controls.
NOT_IN_SEED = {
    "…image…|…captcha…|…code de sécurité…",  # the captcha image: the seed shows it without words
    # its input field (the seed says « merci de recopier le texte de l'image »)
    "Recopiez le texte de l'image|Recopiez le code de l'image|Saisissez le code de l'image|Code de sécurité"
    "|…texte de l'image…|…code de l'image…",
    "Adresse normalisée",  # the address proposal after « Valider votre voie »
    "Je confirme cette adresse|Confirmer cette adresse|Je valide cette adresse|Valider cette adresse"
    "|Utiliser cette adresse",
    # the 2025 one-time code
    "…code reçu…|…code de vérification…|…code à usage unique…",
    "Code reçu par e-mail|Code reçu par SMS|Code reçu|Code de vérification|Code à usage unique",
    "Valider le code|Valider|Continuer|Confirmer",
}


PROFILE_KEYS = {
    "nom_naissance",
    "date_naissance",
    "code_postal",
    "question_secrete",
    "reponse_secrete",
}


def _replica_hooks() -> set[str]:
    """Ids, names and classes of our replica that look like code, not French words."""
    hooks: set[str] = set()
    for template in (ROOT / "mock_site").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for attr in ("id", "name", "class", "data-testid"):
            for value in re.findall(rf'\b{attr}="([^"{{}}]+)"', text):
                hooks.update(part for part in value.split() if re.search(r"[-_]|[a-z][A-Z]", part))
    # The replica names its inputs after DESIGN.md's profile keys; those keys are the
    # contract's vocabulary (the tool's variables), not selectors.
    return hooks - PROFILE_KEYS


def test_the_replica_has_hooks_to_look_for() -> None:
    assert len(_replica_hooks()) > 10


def test_no_replica_id_name_or_class_in_the_tool() -> None:
    hooks = _replica_hooks()
    offenders = [
        f"{path.name}: {hook}"
        for path in TOOL_FILES
        for hook in hooks
        if re.search(rf"""["'#.\[=]{re.escape(hook)}["'\]]""", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_css_or_id_locators_in_the_tool() -> None:
    css = re.compile(r"""locator\(\s*["'](?!xpath=ancestor)[^"']*[#.\[]|query_selector|\[name=|\[id=""")
    offenders = [
        f"{path.name}:{number}"
        for path in TOOL_FILES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if css.search(line)
    ]
    assert offenders == []


def _patterns(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in LOCATOR_KEYS and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_patterns(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_patterns(item))
    return found


def test_every_flow_pattern_is_a_word_of_the_seed() -> None:
    """Each flow word is written first as the seed writes it; the other writings after
    « | » are variants of the same words (« Veuillez » for the seed's « Veillez »)."""
    seed = SEED.read_text(encoding="utf-8")
    # The seed writes some texts split over markup: compare against a single-spaced copy.
    flat = fold(" ".join(seed.replace("*", " ").replace("►", " ").split()))
    unmatched = []
    for path in sorted((ROOT / "flows").glob("*.yaml")):
        if path.stem == "site":
            continue
        for pattern in _patterns(yaml.safe_load(path.read_text(encoding="utf-8"))["steps"]):
            if pattern in NOT_IN_SEED:
                continue
            first = fold(alternatives(pattern)[0].strip("…"))
            if first not in flat:
                unmatched.append(f"{path.name}: {pattern}")
    assert unmatched == []
