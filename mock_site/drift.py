"""Drift: the knobs that make the replica a site that changed (mock_site/DRIFT.md).

Most knobs act in the templates and the page scripts; three act on the HTML itself, once
rendered, for every page of the site (full pages and the fragments fetched by the
one-page app alike): `reword` renames words, `random_ids` renames every id and field
name, `same_tab` takes `target=_blank` off the links. The server maps renamed field names
back before any view reads the form (`unprefix`)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from html import escape
from html.parser import HTMLParser

from werkzeug.datastructures import ImmutableMultiDict, MultiDict

# The switches of MockConfig, in the order the documentation gives them.
DRIFT_KNOBS: tuple[str, ...] = ("spa", "late_dialogs", "decoys", "info_banner", "same_tab", "random_ids")

_APOSTROPHES = "’ʼ`‘"
# What surrounds words without being words: « ► Etape suivante », « Nom de naissance * : ».
DECORATION = "►▸▶*:>…"


class UnknownDrift(ValueError):
    """A drift name that is not a knob; the message is one French sentence."""


def drift_options(names: Iterable[str]) -> dict[str, bool]:
    """Keyword arguments of MockConfig switching on the named knobs: `MockConfig(**drift_options(["spa", "decoys"]))`.

    Names may be given one per item or comma-separated; `all` means every knob."""
    wanted: list[str] = []
    for item in names:
        wanted.extend(part.strip() for part in str(item).split(",") if part.strip())
    options: dict[str, bool] = {}
    for name in wanted:
        key = name.lower().replace("-", "_")
        if key in ("all", "tout", "toutes"):
            options.update(dict.fromkeys(DRIFT_KNOBS, True))
        elif key in DRIFT_KNOBS:
            options[key] = True
        else:
            raise UnknownDrift(f"Dérive inconnue : « {name} ». Choisissez parmi {', '.join(DRIFT_KNOBS)} ou all.")
    return options


# The name the brief of the drift work used; one helper, two names.
drift_config = drift_options


def parse_reword(items: Iterable[str]) -> dict[str, str]:
    """« ANCIEN=NOUVEAU » items (command line) → the `reword` mapping."""
    mapping: dict[str, str] = {}
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise UnknownDrift(
                f"--reword attend ANCIEN=NOUVEAU, par exemple « Etape suivante=Continuer » (reçu : « {item} »)."
            )
        mapping[old.strip()] = new.strip()
    return mapping


# --- words ---------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for quote in _APOSTROPHES:
        stripped = stripped.replace(quote, "'")
    return " ".join(stripped.lower().split())


def split_decoration(text: str) -> tuple[str, str, str]:
    """(leading decoration, words, trailing decoration)."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] in DECORATION):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in DECORATION):
        end -= 1
    return text[:start], text[start:end], text[end:]


def words_key(text: str) -> str:
    return fold(split_decoration(text)[1])


class Reworder:
    """Whole-text renaming: a text equal to an old name (folded, decoration aside) becomes
    the new name, its own decoration kept (« Nom de naissance * » → « Nom de famille à la naissance * »)."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.mapping = {words_key(old): new for old, new in mapping.items() if words_key(old)}

    def __bool__(self) -> bool:
        return bool(self.mapping)

    def __call__(self, text: str) -> str:
        if not self.mapping or not text.strip():
            return text
        lead, words, trail = split_decoration(text)
        new = self.mapping.get(fold(words))
        if new is None:
            return text
        return lead + new + trail


# --- random ids ----------------------------------------------------------------------------
_PREFIX = re.compile(r"^r[0-9a-f]{8}-")
_ID_REFERENCES = frozenset(
    {
        "for",
        "aria-labelledby",
        "aria-describedby",
        "aria-controls",
        "aria-owns",
        "aria-activedescendant",
        "aria-errormessage",
        "aria-details",
        "list",
        "form",
        "headers",
    }
)
_FIELDS = frozenset({"input", "select", "textarea", "button"})
_REWORDED_ATTRIBUTES = frozenset({"aria-label", "alt"})
_FILE_LINK = re.compile(r"\.[a-z0-9]{2,4}(\?|#|$)", re.IGNORECASE)


def new_prefix() -> str:
    return f"r{secrets.token_hex(4)}-"


def unprefix(values: MultiDict[str, str]) -> ImmutableMultiDict[str, str]:
    """Field names as the views know them: the page's random prefix taken off."""
    return ImmutableMultiDict([(_PREFIX.sub("", key), value) for key, value in values.items(multi=True)])


def has_prefixed_keys(values: MultiDict[str, str]) -> bool:
    return any(_PREFIX.match(key) for key in values)


# --- the HTML pass -------------------------------------------------------------------------
class _Rewriter(HTMLParser):
    def __init__(self, reworder: Reworder, prefix: str | None, same_tab: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.reworder = reworder
        self.prefix = prefix
        self.same_tab = same_tab
        self.out: list[str] = []
        self._raw_until: str | None = None  # inside <script>/<style>: text left as is

    # tags ----------------------------------------------------------------------------------
    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]] | None:
        changed = False
        result: list[tuple[str, str | None]] = []
        input_type = next((v or "" for k, v in attrs if k == "type"), "").lower()
        for name, value in attrs:
            new = value
            if value is not None:
                if self.prefix:
                    if name == "id" and value:
                        new = self.prefix + value
                    elif name in _ID_REFERENCES and value.strip():
                        new = " ".join(self.prefix + token for token in value.split())
                    elif name == "name" and tag in _FIELDS and value:
                        new = self.prefix + value
                    elif name == "href" and value.startswith("#") and len(value) > 1 and not value.startswith("#/"):
                        new = "#" + self.prefix + value[1:]
                if self.reworder and (
                    name in _REWORDED_ATTRIBUTES
                    or (name == "value" and tag == "input" and input_type in ("submit", "button", "reset"))
                ):
                    new = self.reworder(value)
            if (
                self.same_tab
                and tag == "a"
                and name == "target"
                and (value or "").lower() == "_blank"
                and not _FILE_LINK.search(dict(attrs).get("href") or "")
                and "download" not in dict(attrs)
            ):
                changed = True
                continue
            changed = changed or new != value
            result.append((name, new))
        return result if changed else None

    @staticmethod
    def _tag(tag: str, attrs: list[tuple[str, str | None]], close: bool = False) -> str:
        parts = [tag]
        for name, value in attrs:
            parts.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
        return "<" + " ".join(parts) + (" />" if close else ">")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        new = self._attributes(tag, attrs)
        self.out.append(self._tag(tag, new) if new is not None else (self.get_starttag_text() or ""))
        if tag in ("script", "style"):
            self._raw_until = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        new = self._attributes(tag, attrs)
        self.out.append(self._tag(tag, new, close=True) if new is not None else (self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if self._raw_until == tag:
            self._raw_until = None
        self.out.append(f"</{tag}>")

    # text ----------------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self._raw_until is not None:
            self.out.append(data)
            return
        self.out.append(escape(self.reworder(data), quote=False))

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def rewrite_html(
    html: str, *, reword: Mapping[str, str] | None = None, prefix: str | None = None, same_tab: bool = False
) -> str:
    """One page through the rewording, id renaming and same-tab passes."""
    reworder = Reworder(reword or {})
    if not reworder and not prefix and not same_tab:
        return html
    parser = _Rewriter(reworder, prefix, same_tab)
    parser.feed(html)
    parser.close()
    return "".join(parser.out)
