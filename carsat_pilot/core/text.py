"""One way to compare French words written in different forms.

People, the site and its lists write the same words differently: « LEFÈVRE » and
« Lefevre », « ŒUVRARD » and « OEUVRARD », « D’ALMEIDA » and « D'ALMEIDA », a
non-breaking space or a thin one before « : ». `fold` gives them one form. The
transliteration is text-unidecode's (the library python-slugify is built on), so
ligatures (Œ, Æ, ß) and letters without a decomposition (Ø, ı) are handled too, not
only the accents a Unicode decomposition strips.
"""

from __future__ import annotations

from text_unidecode import unidecode

# unidecode straightens ’, ʼ and ´ already; it keeps the backquote people type for one.
_APOSTROPHES = str.maketrans({"`": "'"})


def fold(text: str) -> str:
    """Lower-case ASCII, apostrophes straight, one space between words, none around.

    « LEFÈVRE-ÖZTÜRK Œuvre » → « lefevre-ozturk oeuvre »; idempotent."""
    return " ".join(unidecode(text).translate(_APOSTROPHES).lower().split())

