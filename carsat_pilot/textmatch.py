"""Tolerant matching of the site's words.

Flow files name things by a distinctive part of the site's text. The site itself is not
consistent (the seed writes « Etape » and « Étape », « Veillez » for « Veuillez », straight
and curly apostrophes), so every pattern is compiled case-insensitively, with each
accentable letter matching its accented forms, any apostrophe matching any other, and
any run of spaces matching any white space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a text, for comparisons."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for quote in _APOSTROPHES[1:]:
        stripped = stripped.replace(quote, "'")
    return " ".join(stripped.lower().split())


def _widen(pattern: str) -> str:
    """Rewrite a regular expression so that letters match their accented forms.

    Works character by character outside escapes and character classes, which is all
    flow patterns need (they are words with the odd `|`, `?` or `.*`)."""
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
        base = fold(ch) if ch.strip() else ch
        if in_class:
            out.append(ch)
        elif base in _ACCENTS:
            variants = _ACCENTS[base]
            out.append("[" + variants + variants.upper() + "]")
        elif ch in _APOSTROPHES:
            out.append("[" + _APOSTROPHES + "]")
        elif ch == " ":
            out.append(r"\s+")
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=512)
def tolerant(pattern: str) -> re.Pattern[str]:
    """The compiled, tolerant form of a flow pattern."""
    # Collapse runs of spaces first so "a  b" does not become two \s+ in a row.
    return re.compile(_widen(" ".join(pattern.split(" ")).replace("  ", " ")), re.IGNORECASE)


def literal(text: str) -> re.Pattern[str]:
    """A tolerant pattern matching a value of the profile (a city, a question) as text."""
    return tolerant(re.escape(text.strip()).replace("\\ ", " "))


def readable(pattern: str) -> str:
    """A flow pattern as a person reads it: « Je cr[ée]e mon espace$ » → « Je crée mon espace »."""
    first = pattern.split("|")[0]
    first = re.sub(r"\[(.)[^\]]*\]", r"\1", first)
    first = re.sub(r"\\s[*+]?|\^|\$|\\", " ", first)
    first = re.sub(r"[()?]", "", first)
    return " ".join(first.split())
