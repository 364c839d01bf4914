"""One masker for everything a person's data could leak through: the journal, the
terminal's non-interactive output, --verbose tracebacks, exceptions' messages, debug
captures and the récapitulatif.

It masks what it was told about the person — NIR, names, birth date, e-mail, phone,
address, secrets (password, secret answer, codes) — whatever the case, accents or
separators, and, for anyone, what looks like a NIR, an e-mail address, a French phone
number or a token in a URL (query values, fragment, long random path segments: the
activation link is single-use, but it is a key until it is used).

`current()` is the process's masker: every part of the tool that learns a person's
values adds them there, so an error printed anywhere is masked with all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from carsat_pilot.core.text import fold
from carsat_pilot.person.profile import MASK, mask_nir

MIN_WORD = 3  # shorter names or words (LE, DE, LI) would mask ordinary French text

# A NIR with or without spaces (13 characters, Corsica 2A/2B, optional 2-digit key).
NIR_IN_TEXT = re.compile(
    r"(?<![\dA-Za-z])[1-478][\s.\-]?\d{2}[\s.\-]?\d{2}[\s.\-]?(?:\d{2}|2[AaBb])[\s.\-]?\d{3}[\s.\-]?\d{3}"
    r"(?:[\s.\-]?\d{2})?(?![\dA-Za-z])"
)
EMAIL_IN_TEXT = re.compile(r"[\w.+'-]+@([\w-]+(?:\.[\w-]+)+)")
PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:(?:\+|00)\s?33[\s.\-]?(?:\(0\)[\s.\-]?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
URL_IN_TEXT = re.compile(r"\b(?:https?|wss?)://[^\s\"'<>«»\\]+", re.IGNORECASE)
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-.~=]+")


def is_token(segment: str) -> bool:
    """A path segment that is a key, not a word: long, and random-looking (digits, or
    mixed case) — « espace-personnel » is a word, « Xk3_9aQ…» a key."""
    if len(segment) < 16 or not _TOKEN_CHARS.fullmatch(segment):
        return False
    digits = sum(c.isdigit() for c in segment)
    mixed = any(c.isupper() for c in segment) and any(c.islower() for c in segment)
    return digits >= 2 or (len(segment) >= 20 and (digits > 0 or mixed))


_ACCENTS = {
    "a": "aàâäá",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîïí",
    "o": "oôöó",
    "u": "uùûüú",
    "y": "yÿ",
    "n": "nñ",
}
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_SEP = r"[\s.\-/]?"


def _fold_letter(char: str) -> str:
    # Widened only when the letter is one of its own variants: « Ø » folds to « o » but
    # is not in the « o » class, and must still match itself.
    variants = _ACCENTS.get(fold(char), "")
    if char.lower() in variants:
        return "[" + variants + variants.upper() + "]"
    return re.escape(char)


def words_pattern(value: str) -> re.Pattern[str] | None:
    """`value` as whole words, whatever the case, accents, spaces or hyphens."""
    parts = [p for p in re.split(r"[\s\-']+", value.strip()) if p]
    if not parts or len("".join(parts)) < MIN_WORD:
        return None
    body = r"[\s\-']+".join("".join(_fold_letter(c) for c in part) for part in parts)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _date_patterns(value: str) -> list[re.Pattern[str]]:
    found = re.fullmatch(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*", value)
    if not found:
        return []
    day, month, year = (int(found.group(i)) for i in (1, 2, 3))
    d, m, y = rf"0?{day}", rf"0?{month}", str(year)
    sep = r"[\s/.\-]"
    patterns = [
        rf"(?<!\d){d}{sep}{m}{sep}{y}(?!\d)",
        rf"(?<!\d){y}{sep}{m}{sep}{d}(?!\d)",
        rf"(?<!\d){day:02d}{month:02d}{year}(?!\d)",
        rf"(?<!\d){year}{month:02d}{day:02d}(?!\d)",
    ]
    if 1 <= month <= 12:
        patterns.append(rf"(?<!\d){d}(?:er)?\s+{_MONTHS[month - 1]}\s+{y}(?!\d)")
    return [re.compile(p, re.IGNORECASE) for p in patterns]


def _phone_pattern(value: str) -> re.Pattern[str] | None:
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0033"):
        digits = digits[4:]
    elif digits.startswith("33") and value.strip().startswith("+"):
        digits = digits[2:]
    digits = digits.lstrip("0")
    if len(digits) < 6:
        return None
    prefix = r"(?:(?:\+|00)\s?33[\s.\-]?(?:\(0\)[\s.\-]?)?|0)?"
    return re.compile(r"(?<![\dA-Za-z])" + prefix + _SEP.join(digits) + r"(?![\dA-Za-z])")


def mask_url(url: str) -> str:
    """Scheme, host and path kept (what a person needs to see where it was); query
    values, fragment and key-like path segments masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    path = "/".join(MASK if is_token(segment) else segment for segment in parts.path.split("/"))
    query = "&".join(
        (pair.split("=", 1)[0] + "=" + MASK) if "=" in pair else MASK for pair in parts.query.split("&") if pair
    )
    masked = f"{parts.scheme}://{parts.netloc}{path}"
    if query:
        masked += "?" + query
    if parts.fragment:
        masked += "#" + MASK
    return masked


def mask_generic(text: str) -> str:
    """What is personal for anyone: a NIR, an e-mail address, a phone number, a URL's tokens."""
    text = URL_IN_TEXT.sub(lambda found: mask_url(found.group(0)), text)
    text = NIR_IN_TEXT.sub(lambda found: mask_nir(found.group(0)), text)
    text = EMAIL_IN_TEXT.sub(lambda found: f"•••@{found.group(1)}", text)
    return PHONE_IN_TEXT.sub(MASK, text)


class Masker:
    """Replaces a person's values in any text before it leaves the process."""

    def __init__(
        self,
        secrets: Iterable[str] = (),
        nir: str | None = None,
        person: Mapping[str, str] | None = None,
    ) -> None:
        self._exact: list[str] = []
        self._patterns: list[re.Pattern[str]] = []
        self._nirs: list[re.Pattern[str]] = []
        if nir:
            self.add_nir(nir)
        for secret in secrets:
            self.add(secret)
        if person:
            self.add_person(person)

    # ------------------------------------------------------------------ learning
    def add(self, secret: str) -> None:
        """A secret, masked exactly as it is (password, secret answer, code, token)."""
        if secret and len(secret) >= MIN_WORD and secret not in self._exact:
            self._exact.append(secret)
            self._exact.sort(key=len, reverse=True)  # a value containing another goes whole

    def add_nir(self, nir: str) -> None:
        compact = re.sub(r"[\s.\-]", "", nir)
        if len(compact) >= 7:
            self._nirs.append(
                re.compile(
                    r"(?<![\dA-Za-z])" + _SEP.join(re.escape(c) for c in compact) + r"(?:[\s.\-]?\d{2})?(?![\dA-Za-z])",
                    re.IGNORECASE,
                )
            )

    def add_words(self, value: str) -> None:
        """An identifying value (name, street, town): whole words, any case or accents."""
        pattern = words_pattern(value)
        if pattern is not None and pattern.pattern not in {p.pattern for p in self._patterns}:
            self._patterns.append(pattern)

    def add_pattern(self, pattern: re.Pattern[str] | None) -> None:
        if pattern is not None and pattern.pattern not in {p.pattern for p in self._patterns}:
            self._patterns.append(pattern)

    def add_email(self, email: str) -> None:
        if "@" not in email:
            return
        # The local part is the person's; the domain (a webmail) says nothing of them.
        self.add(email.split("@", 1)[0])

    def add_person(self, values: Mapping[str, str]) -> None:
        """Everything the flows may type about a person (journeys' variable names)."""
        for key, value in values.items():
            value = str(value or "")
            if not value.strip():
                continue
            if key == "nir":
                self.add_nir(value)
            elif key in ("nom_naissance", "prenom", "nom", "voie", "ville", "complement", "code_postal"):
                self.add_words(value)
            elif key == "date_naissance":
                for pattern in _date_patterns(value):
                    self.add_pattern(pattern)
            elif key == "telephone":
                self.add_pattern(_phone_pattern(value))
            elif key == "email":
                self.add_email(value)
            elif key in ("password", "reponse_secrete", "activation_link", "code"):
                self.add(value)

    # ------------------------------------------------------------------ masking
    def __call__(self, text: str) -> str:
        if not text:
            return text
        text = URL_IN_TEXT.sub(lambda found: mask_url(found.group(0)), text)
        for value in self._exact:
            text = text.replace(value, MASK)
        for pattern in self._nirs:
            text = pattern.sub(lambda found: mask_nir(re.sub(r"[\s.\-]", "", found.group(0))), text)
        for pattern in self._patterns:
            text = pattern.sub(MASK, text)
        return mask_generic(text)

    def deep(self, value: Any) -> Any:
        """Every string inside `value` (dicts, lists) masked; keys kept."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, Mapping):
            return {key: self.deep(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.deep(item) for item in value]
        return value


_CURRENT = Masker()


def current() -> Masker:
    """The process's masker: it knows every value of the person seen so far."""
    return _CURRENT


def learn(values: Mapping[str, str] | None = None, *, nir: str | None = None, secrets: Iterable[str] = ()) -> Masker:
    """Teach the process's masker a person's values; returns it."""
    if nir:
        _CURRENT.add_nir(nir)
    if values:
        _CURRENT.add_person(values)
    for secret in secrets:
        _CURRENT.add(secret)
    return _CURRENT


def forget() -> None:
    """A new person: the next one's errors need not be masked with this one's values."""
    global _CURRENT
    _CURRENT = Masker()
