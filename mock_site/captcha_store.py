"""The registration captcha: answers kept server-side only, images and audio made from them.

The answer never leaves the process: it is not in the page, not in the (readable, only
signed) Flask session cookie, not behind any URL. Tests read it in-process through
`SiteState.latest_captcha_answer()`, which is what a human does with their eyes.
"""

from __future__ import annotations

import secrets
import threading
from functools import cache

from captcha.audio import AudioCaptcha
from captcha.image import ImageCaptcha

# No I/1/L, O/0, S/5, Z/2: a person must be able to read it (and the audio voice has
# every remaining letter and digit).
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
LENGTHS = (5, 6)


@cache
def _image() -> ImageCaptcha:
    return ImageCaptcha(width=200, height=70)


@cache
def _audio() -> AudioCaptcha:
    # The package ships a voice for A-Z and 0-9 (English letter names), so this works offline.
    return AudioCaptcha()


def new_answer() -> str:
    length = secrets.choice(LENGTHS)
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def render_png(answer: str) -> bytes:
    return _image().generate(answer, format="png").getvalue()


def render_wav(answer: str) -> bytes:
    return bytes(_audio().generate(answer))


class CaptchaStore:
    """Session key → current answer. One answer per visitor; every check consumes it, so a
    wrong try always brings a new image."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.answers: dict[str, str] = {}
        self._latest: str | None = None
        self.generated = 0

    def issue(self, key: str) -> str:
        answer = new_answer()
        with self._lock:
            self.answers[key] = answer
            self._latest = answer
            self.generated += 1
        return answer

    def current(self, key: str) -> str | None:
        with self._lock:
            return self.answers.get(key)

    def check(self, key: str, typed: str) -> bool:
        """Case-insensitive, as the page promises; the answer is consumed either way."""
        with self._lock:
            expected = self.answers.pop(key, None)
        return expected is not None and typed.strip().upper() == expected.upper()

    def latest(self) -> str:
        with self._lock:
            if self._latest is None:
                raise LookupError("Aucune image de sécurité n'a encore été générée.")
            return self._latest
