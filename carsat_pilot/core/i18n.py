"""The person's language: gettext catalogs for everything the person reads.

French is the source language (the site's, the administration's letters', and the
advisor's in the terminal): every message is written in French in the code or in the
flows, and that French text is the `msgid`. A catalog per language —
`carsat_pilot/locale/<code>/LC_MESSAGES/carsat_pilot.po`, managed with Babel — gives the
person's words for the overlay, the hand-over instructions (the flows' `say`), the
end-of-session summary and the printed récapitulatif.

    python -m carsat_pilot.core.i18n update     # extract the French messages, update every .po, compile
    python -m carsat_pilot.core.i18n compile    # .po → .mo only (the wheel's build hook does this)
    python -m carsat_pilot.core.i18n init CODE  # a new language: one new .po file to translate

Compiled catalogs (.mo) are made by the build (hatch_build.py: in the wheel, and next to
the .po in an editable install). When a .mo is missing or older than its .po (a catalog
edited in a working copy), the .po is compiled in memory on first use, with Babel.
"""

from __future__ import annotations

import gettext
import io
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from carsat_pilot.core.errors import BadInput

SOURCE_LANGUAGE = "fr"
DOMAIN = "carsat_pilot"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
# Scripts written right to left (ISO 639-1/-3 codes); the layout follows the language.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})
# First Strong Isolate … Pop Directional Isolate: a French name inside a right-to-left
# sentence (« Étape suivante ») keeps its own direction and its guillemets.
FSI, PDI = "\u2068", "\u2069"
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿŒœ"
_LATIN_WORD = rf"[{_LATIN}@](?:[{_LATIN}0-9'’.@/_-]*[{_LATIN}0-9])?"
# A « quoted French name », or a run of Latin words (carsat-pilot, FranceConnect,
# lassuranceretraite.fr) — never a {field} of a template.
_LTR_RUN = re.compile(rf"«[^«»]*»|(?<![{{\w]){_LATIN_WORD}(?:[ \u00a0]+{_LATIN_WORD})*(?![{{}}\w])")
_FIELD = re.compile(r"\{(\w+)\}")


def N_(message: str) -> str:
    """Mark a French message for extraction into the catalogs; returns it unchanged."""
    return message


# The language's own name: each catalog translates « Français » by its name in itself.
LANGUAGE_NAME = N_("Français")


def _code(lang: str) -> str:
    return lang.strip().replace("-", "_")


def _base(lang: str) -> str:
    return _code(lang).split("_")[0].lower()


def catalog_paths(lang: str, root: Path | None = None) -> tuple[Path, Path]:
    """The .po and .mo files of a language."""
    folder = (root or LOCALE_DIR) / lang / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


def shipped_languages(root: Path | None = None) -> tuple[str, ...]:
    """French, then every language with a catalog (.po or compiled .mo), by code."""
    folder = root or LOCALE_DIR
    found = set()
    if folder.is_dir():
        for entry in folder.iterdir():
            po, mo = catalog_paths(entry.name, folder)
            if po.is_file() or mo.is_file():
                found.add(entry.name)
    found.discard(SOURCE_LANGUAGE)
    return (SOURCE_LANGUAGE, *sorted(found))


def _load(lang: str) -> dict[str, str]:
    """msgid → msgstr of a language; an untranslated or fuzzy entry is absent."""
    po, mo = catalog_paths(lang)
    data: bytes | None = None
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        data = mo.read_bytes()
    elif po.is_file():
        data = _compile_in_memory(po)
    if data is None:
        return {}
    catalog = gettext.GNUTranslations(io.BytesIO(data))
    raw: dict[Any, Any] = getattr(catalog, "_catalog", {})
    return {k: v for k, v in raw.items() if isinstance(k, str) and k and isinstance(v, str) and v}


def _compile_in_memory(po: Path) -> bytes | None:
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:  # pragma: no cover - Babel is a dependency
        return None
    with po.open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog)  # fuzzy entries are left out, as pybabel compile does
    return out.getvalue()


@dataclass(frozen=True)
class Translator:
    """One language's words. French (the source) translates every message to itself."""

    lang: str
    messages: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_source(self) -> bool:
        return self.lang == SOURCE_LANGUAGE

    @property
    def rtl(self) -> bool:
        return _base(self.lang) in RTL_LANGUAGES

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    @property
    def html_lang(self) -> str:
        return self.lang.replace("_", "-")

    @property
    def name(self) -> str:
        """The language's name, in itself (« English », « العربية »)."""
        return self.gettext(LANGUAGE_NAME)

    def knows(self, message: str) -> bool:
        return self.is_source or message in self.messages

    def gettext(self, message: str) -> str:
        """The translation of a French message, or the French when there is none."""
        if self.is_source:
            return message
        return self.messages.get(message, message)

    def format(self, message: str, **params: object) -> str:
        return self.gettext(message).format(**params)

    def isolate(self, text: str) -> str:
        """In a right-to-left text, each « quoted French name » and each run of Latin words
        keeps its own direction (and the punctuation around it stays in place)."""
        if not self.rtl:
            return text
        return _LTR_RUN.sub(lambda found: FSI + found.group(0) + PDI, text)

    def compose(self, text: str, templates: Sequence[str]) -> str | None:
        """The translation of `text`: its own catalog entry, or — for a sentence made from
        a template with fields (« Étape {number}/{total} : {title} ») — the translated
        template with each field translated where the catalog has it. None: unknown."""
        if self.is_source:
            return text
        if text in self.messages:
            return self.messages[text]
        for template in templates:
            found = _template_pattern(template).fullmatch(text)
            if found is None or template not in self.messages:
                continue
            parts = {name: self.compose(value, templates) or value for name, value in found.groupdict().items()}
            return self.messages[template].format(**parts)
        return None


@cache
def _template_pattern(template: str) -> re.Pattern[str]:
    pieces: list[str] = []
    last = 0
    for found in _FIELD.finditer(template):
        pieces.append(re.escape(template[last : found.start()]))
        pieces.append(f"(?P<{found.group(1)}>.+?)")
        last = found.end()
    pieces.append(re.escape(template[last:]))
    return re.compile("".join(pieces), re.S)


@cache
def translator(lang: str = SOURCE_LANGUAGE) -> Translator:
    """The person's language (a shipped code; anything else is French)."""
    code = _code(lang)
    if code == SOURCE_LANGUAGE or code not in shipped_languages():
        return Translator(SOURCE_LANGUAGE)
    return Translator(code, _load(code))


def check_language(lang: str) -> str:
    """`--lang`: a shipped language code, or BadInput naming the shipped ones."""
    code = _code(lang)
    shipped = shipped_languages()
    for known in shipped:
        if known.lower() == code.lower():
            return known
    names = ", ".join(f"{known} ({translator(known).name})" for known in shipped)
    raise BadInput(f"--lang : langue « {lang} » non disponible. Langues livrées : {names}.", "--lang")


def pair(tr: Translator, message: str, **params: object) -> tuple[str, str | None]:
    """(French, the person's language) of one message; None when both are the same."""
    french = message.format(**params) if params else message
    if tr.is_source or not tr.knows(message):
        return french, None
    translated = tr.format(message, **params) if params else tr.gettext(message)
    return french, translated


# --------------------------------------------------------------------------- Babel
FLOW_KEYS = ("title", "say", "again")


def extract_flow_yaml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extraction method for flows/*.yaml: every step's `title` and `say`, and the
    `say` / `again` of a `human:` hand-over — the French the person is shown. Their
    exact French text (as YAML folds it) is the msgid."""
    import yaml

    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    root = yaml.compose(text)
    if root is None:
        return

    def walk(node: yaml.Node) -> Iterator[tuple[int, str | None, str, list[str]]]:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.value in FLOW_KEYS
                    and isinstance(value, yaml.ScalarNode)
                    and value.value.strip()
                ):
                    yield value.start_mark.line + 1, None, value.value, [f"flow: {key.value}"]
                else:
                    yield from walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from walk(item)

    yield from walk(root)


def _repository() -> Path:
    return Path(__file__).resolve().parents[2]


# Where the French messages are, by folder of the repository (Babel's method map).
METHOD_MAP = {
    "carsat_pilot": [("**.py", "python")],
    "flows": [("**.yaml", "carsat_pilot.core.i18n:extract_flow_yaml")],
}
KEYWORDS = {"N_": None}


def extract(root: Path | None = None) -> Any:
    """A Babel catalog of every French message marked in the code and the flows."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    base = root or _repository()
    catalog = Catalog(project="carsat-pilot", domain=DOMAIN, locale=None, charset="utf-8")
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = ""
    for folder, method_map in METHOD_MAP.items():
        for filename, lineno, message, comments, context in extract_from_dir(
            base / folder,
            method_map=method_map,
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            if isinstance(message, str):
                catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def update(root: Path | None = None) -> list[Path]:
    """Extract the template (.pot), update every .po from it (new messages empty, gone ones
    dropped), then compile. Returns the .po files updated."""
    from babel.messages.pofile import read_po, write_po

    locale = (root or _repository()) / "carsat_pilot" / "locale"
    template = extract(root)
    locale.mkdir(parents=True, exist_ok=True)
    with (locale / f"{DOMAIN}.pot").open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False, sort_output=False)
    updated: list[Path] = []
    for lang in shipped_languages(locale)[1:]:
        po, _mo = catalog_paths(lang, locale)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as handle:
            write_po(handle, catalog, width=100, ignore_obsolete=True)
        updated.append(po)
    compile_catalogs(locale)
    return updated


def init(lang: str, root: Path | None = None) -> Path:
    """A new language: its .po from the template, every message still to translate."""
    from babel.messages.pofile import write_po

    locale = (root or _repository()) / "carsat_pilot" / "locale"
    po, _mo = catalog_paths(_code(lang), locale)
    if po.exists():
        raise BadInput(f"Le catalogue {po} existe déjà.")
    template = extract(root)
    template.locale = _code(lang)
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as handle:
        write_po(handle, template, width=100)
    return po


def compile_catalogs(locale: Path | None = None, into: Path | None = None) -> list[Path]:
    """Every .po → .mo (fuzzy entries left out), next to it or under `into`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = locale or LOCALE_DIR
    written: list[Path] = []
    for lang in shipped_languages(folder)[1:]:
        po, mo = catalog_paths(lang, folder)
        if not po.is_file():
            continue
        target = mo if into is None else into / lang / "LC_MESSAGES" / mo.name
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=DOMAIN)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else ""
    if command == "update":
        for path in update():
            print(f"mis à jour : {path}")
        return 0
    if command == "compile":
        for path in compile_catalogs():
            print(f"compilé : {path}")
        return 0
    if command == "init" and len(args) == 2:
        print(f"nouveau catalogue à traduire : {init(args[1])}")
        return 0
    print("usage : python -m carsat_pilot.core.i18n update | compile | init CODE", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
