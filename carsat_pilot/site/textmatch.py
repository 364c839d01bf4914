"""Tolerant in form, strict in meaning: how the site's words are matched.

The site is not consistent in form (the seed writes « Etape » and « Étape », « Veillez »
for « Veuillez », straight and curly apostrophes, « ► » and « * » around labels), so
comparisons ignore case, accents, apostrophe shapes, runs of spaces and the decoration
around a name. They are strict in meaning: a flow's words match an element's *whole*
name — « accepter » never finds « Tout accepter » — unless the flow writes « … » on the
side where a part is enough (« …à compter de demain »).

Two kinds of patterns:
* `words()` — what flows write to name an element or a page: plain text, alternatives
  separated by « | », « … » at either end for a part. No regular-expression syntax: a
  volunteer fixing a flow the day the site changes copies the site's words, nothing else.
* `tolerant()` — the regular expressions of `site.yaml`'s messages, searched inside
  the site's sentences.
"""

from __future__ import annotations

import re
from functools import lru_cache

from carsat_pilot.core.text import fold as fold  # the one fold; re-exported for the site modules

_ACCENTS = {
    "a": "aàâä",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîï",
    "o": "oôö",
    "u": "uùûü",
    "y": "yÿ",
}
_APOSTROPHES = "'’ʼ`"
# What sites put around a name without changing its meaning: « ► Etape suivante »,
# « Nom de naissance * : », « J'accède à mon espace > », « Pas encore d'espace ? ».
DECORATION = r"[\s►▶▸›>»«*:•·.…!?\-–—]*"
PART = "…"


def _widen(pattern: str) -> str:
    """Rewrite a regular expression so that letters match their accented forms.

    Works character by character outside escapes and character classes, which is all
    site.yaml's patterns need (words with the odd `|`, `?` or `.*`)."""
    out: list[str] = []
    in_class = False
    escaped = False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
            continue
        if ch == "\\":
            out.append(ch)
            escaped = True
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            continue
        if ch == "]" and in_class:
            in_class = False
            out.append(ch)
            continue
        out.append(ch if in_class else _widen_char(ch, literal=False))
    return "".join(out)


_DECORATION_CHARS = " ►▶▸›>»«*:•·.…!?-–—"


def _widen_char(ch: str, *, literal: bool) -> str:
    if ch in "œŒ":
        return "(?:[œŒ]|oe)"
    if ch in "æÆ":
        return "(?:[æÆ]|ae)"
    base = fold(ch) if ch.strip() else ch
    if base in _ACCENTS:
        variants = _ACCENTS[base]
        return "[" + variants + variants.upper() + "]"
    if ch in _APOSTROPHES:
        return "[" + _APOSTROPHES + "]"
    if ch == " ":
        return r"\s+"
    if ch == "/":
        return r"\/"  # Playwright writes the pattern between slashes in its selector
    return re.escape(ch) if literal else ch


@lru_cache(maxsize=512)
def tolerant(pattern: str) -> re.Pattern[str]:
    """The compiled, tolerant form of a site.yaml regular expression (searched as a part)."""
    return re.compile(_widen(" ".join(pattern.split())), re.IGNORECASE)


def _literal_body(text: str) -> str:
    return "".join(_widen_char(ch, literal=True) for ch in " ".join(text.split()))


def alternatives(pattern: str) -> list[str]:
    """The alternatives of a flow's words, as written: « A|B » → ["A", "B"]."""
    return [alt.strip() for alt in pattern.split("|") if alt.strip()]


@lru_cache(maxsize=512)
def words(pattern: str) -> re.Pattern[str]:
    """A flow's words as a pattern matching an element's whole name (or text).

    « Je crée mon espace » matches « ► Je cree mon espace » but not « Je crée mon espace
    professionnel »; « …à compter de demain » matches any text ending with those words."""
    parts: list[str] = []
    for alt in alternatives(pattern):
        head_free, tail_free = alt.startswith(PART), alt.endswith(PART)
        core = alt.strip(PART).strip(_DECORATION_CHARS)
        if not core:
            raise ValueError(f"motif vide : {pattern!r}")
        body = _literal_body(core)
        start = "" if head_free else "^" + DECORATION
        end = "" if tail_free else DECORATION + "$"
        parts.append(f"{start}{body}{end}")
    if not parts:
        raise ValueError(f"motif vide : {pattern!r}")
    return re.compile("|".join(f"(?:{part})" for part in parts), re.IGNORECASE)


def same_words(pattern: str, text: str) -> bool:
    """Whether `text` (an element's name) is one of the flow's words, whole or as allowed."""
    return words(pattern).search(" ".join(text.split())) is not None


def literal(text: str) -> re.Pattern[str]:
    """A value of the profile (a city, a question) as an element's whole name."""
    return words(text.replace("|", " ").strip(PART) or text)


def readable(pattern: str) -> str:
    """A flow's words as a person reads them: the first alternative, « … » kept."""
    first = alternatives(pattern)[0] if alternatives(pattern) else pattern
    return " ".join(first.split())
