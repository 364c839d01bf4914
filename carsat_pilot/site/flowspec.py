"""The flow files: the site's procedure as data, validated strictly on load.

A flow is a list of steps (the seed's steps, shown to the person as « Étape N/M »), each
a list of actions written with the site's own words: roles, labels, button texts. A
typo in a flow file is an error naming the file, the step and the key, at load time —
not a time-out in front of a person.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from carsat_pilot.core.errors import PilotError


class FlowError(PilotError):
    """A flow file that does not say what the engine can do: a defect of the tool."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_pattern(value: str) -> str:
    """site.yaml's messages: regular expressions, searched inside the site's sentences."""
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"motif invalide {value!r} : {exc}") from exc
    return value


# What betrays a regular expression where a flow should copy the site's words.
_REGEX_SYNTAX = re.compile(r"[\\\[\]^$]|\.\*|\(\?|\?\)")


def _check_words(value: str) -> str:
    """Flows name things by the site's words, as written on the page: plain text,
    alternatives separated by « | », « … » where a part is enough."""
    if _REGEX_SYNTAX.search(value):
        raise ValueError(
            f"{value!r} : écrivez les mots du site tels quels (« | » entre deux écritures, « … » pour une "
            "partie), sans expression régulière"
        )
    if not all(alt.strip().strip("…").strip() for alt in value.split("|")):
        raise ValueError(f"{value!r} : une des écritures est vide")
    return value


Pattern = Annotated[str, Field(min_length=1)]


class Target(Strict):
    """Something to click: a button or a link, found by its visible name."""

    name: Pattern
    role: Literal["button", "link", "any"] = "any"
    # The site opens some links in a new tab (« Je crée mon espace »): follow it if it does.
    opens_page: bool = False
    # A click that changes the site's state (registration, activation, RIS request).
    # It is never repeated automatically, whatever happens after it.
    sends_form: bool = False
    timeout_s: float | None = None

    _p = field_validator("name")(_check_words)


class Goto(Strict):
    goto: str


class Click(Strict):
    click: Target
    optional: bool = False


class FillSpec(Strict):
    label: Pattern
    value: str
    # Fields that refuse pasting (« ne pas copier-coller ») are typed key by key.
    keys: bool = False

    _p = field_validator("label")(_check_words)


class Fill(Strict):
    fill: FillSpec
    optional: bool = False


class SelectSpec(Strict):
    label: Pattern
    option: str
    # The list is filled by the page's script after another field changes: wait for it.
    wait_for_options: bool = False

    _p = field_validator("label")(_check_words)


class Select(Strict):
    select: SelectSpec
    optional: bool = False


class TickSpec(Strict):
    """A box to tick, by its label."""

    label: Pattern

    _p = field_validator("label")(_check_words)


class Tick(Strict):
    check: TickSpec
    optional: bool = False


class ChooseSpec(Strict):
    """One choice among radio buttons (or a list) named by the option's own text."""

    group: Pattern
    option: str

    _p = field_validator("group")(_check_words)


class Choose(Strict):
    choose: ChooseSpec
    optional: bool = False


class ExpectSpec(Strict):
    """Recognize the page by what it says (a heading or a text of the seed)."""

    text: Pattern | None = None
    heading: Pattern | None = None
    timeout_s: float | None = None

    @model_validator(mode="after")
    def _one(self) -> ExpectSpec:
        if (self.text is None) == (self.heading is None):
            raise ValueError("indiquer exactement un de « text » ou « heading »")
        for value in (self.text, self.heading):
            if value is not None:
                _check_words(value)
        return self


class Expect(Strict):
    expect: ExpectSpec
    optional: bool = False


HumanKind = Literal["captcha", "activation_link", "one_time_code", "franceconnect"]


class HumanSpec(Strict):
    """A hand-over to the person. `with` gives the site's words the hand-over needs."""

    kind: HumanKind
    say: str  # what the overlay and the terminal tell the person, in French
    params: dict[str, str] = Field(default_factory=dict)


class HandOver(Strict):
    """The person's part of a step (`human:` in a flow)."""

    human: HumanSpec


class Call(Strict):
    """A page quirk that YAML cannot say cleanly: a small named Python action."""

    call: str
    params: dict[str, str] = Field(default_factory=dict)
    optional: bool = False


class Record(Strict):
    """A milestone written to the person's state file (resuming never repeats it)."""

    record: Literal["registered", "activated", "ris_requested", "ris_downloaded"]


_ACTION_TYPES: dict[str, type[Strict]] = {
    "goto": Goto,
    "click": Click,
    "fill": Fill,
    "select": Select,
    "check": Tick,
    "choose": Choose,
    "expect": Expect,
    "human": HandOver,
    "call": Call,
    "record": Record,
}


def _action_key(value: Any) -> str | None:
    """Which action a mapping is, from its verb, so that an error names the right key."""
    if isinstance(value, dict):
        return next((key for key in value if key in _ACTION_TYPES), None)
    return next((k for k, cls in _ACTION_TYPES.items() if isinstance(value, cls)), None)


Action = Annotated[
    Annotated[Goto, Tag("goto")]
    | Annotated[Click, Tag("click")]
    | Annotated[Fill, Tag("fill")]
    | Annotated[Select, Tag("select")]
    | Annotated[Tick, Tag("check")]
    | Annotated[Choose, Tag("choose")]
    | Annotated[Expect, Tag("expect")]
    | Annotated[HandOver, Tag("human")]
    | Annotated[Call, Tag("call")]
    | Annotated[Record, Tag("record")],
    Discriminator(
        _action_key,
        custom_error_type="unknown_action",
        custom_error_message="action inconnue (attendu : " + ", ".join(_ACTION_TYPES) + ")",
    ),
]


class Step(Strict):
    title: str
    # How the page of this step is recognized before acting on it.
    page: Pattern | None = None
    # What the procedure says to do here, for the advisor when the page has changed and
    # the step must be done by hand (« Cliquez sur « Valider votre voie » … »).
    say: str | None = None
    do: list[Action]

    _p = field_validator("page")(lambda v: v if v is None else _check_words(v))


class Flow(Strict):
    name: str
    title: str
    steps: list[Step] = Field(min_length=1)


class SiteMessage(Strict):
    """A message of the site and what it means for the journey."""

    pattern: Pattern
    # « notice »: an information the site shows beside its pages (a planned maintenance),
    # which means nothing for the journey; listed first so it wins over « unavailable ».
    kind: Literal[
        "notice", "refused", "unavailable", "session_expired", "link_expired", "already_asked", "wrong_captcha"
    ]
    advice: str  # our French sentence: what to do next

    _p = field_validator("pattern")(_check_pattern)


class Interruption(Strict):
    """A banner or dialog that may cover any page at any moment (cookie consent, a
    survey, « votre session va expirer »): recognized by what it says, answered by one of
    its buttons, the first of `press` that it shows."""

    name: str  # for the journal: « bandeau des cookies »
    words: Pattern  # what the banner says (« … » for a part of its text)
    press: list[Pattern] = Field(min_length=1)  # its buttons, the preferred answer first

    _w = field_validator("words")(_check_words)

    @field_validator("press")
    @classmethod
    def _p(cls, value: list[str]) -> list[str]:
        return [_check_words(item) for item in value]


class SiteSpec(Strict):
    """Knowledge about the whole site, shared by every flow."""

    name: str
    interruptions: list[Interruption] = Field(default_factory=list)
    messages: list[SiteMessage]
    page_timeout_s: float = 30.0
    human_timeout_s: float = 900.0


def flows_dir() -> Path:
    """The folder of the flow files: inside the installed package (wheel), or the
    repository's `flows/` beside the package (editable install). Never the cwd."""
    packaged = resources.files("carsat_pilot").joinpath("flows")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "flows"


_FRENCH_ERRORS = {
    "extra_forbidden": "clé inconnue",
    "missing": "clé obligatoire absente",
    "string_type": "une chaîne de caractères est attendue",
    "bool_type": "true ou false est attendu",
    "too_short": "la liste ne peut pas être vide",
}


def _describe(exc: ValidationError, data: Any) -> str:
    first = exc.errors()[0]
    loc = list(first["loc"])
    where: list[str] = []
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        index = loc[1]
        title = ""
        try:
            title = data["steps"][index].get("title", "")
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
        where.append(f"étape {index + 1}" + (f" « {title} »" if title else ""))
        loc = loc[2:]
    if len(loc) >= 2 and loc[0] == "do" and isinstance(loc[1], int):
        where.append(f"action {loc[1] + 1}")
        loc = loc[2:]
    keys = [str(part) for part in loc if not isinstance(part, int)]
    if len(keys) > 1 and keys[0] in _ACTION_TYPES:
        keys = keys[1:]  # the discriminator's tag repeats the verb
    if keys:
        where.append("clé « " + ".".join(keys) + " »")
    message = _FRENCH_ERRORS.get(first["type"], first["msg"])
    return f"{', '.join(where) or 'racine'} : {message}"


# libyaml's safe loader when PyYAML was built with it: the same documents, read ten times
# faster (every command reads site.yaml and its flows before the first page).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError as exc:
        raise FlowError(f"Le fichier de parcours {path} est introuvable.") from exc
    except yaml.YAMLError as exc:
        raise FlowError(f"Le fichier de parcours {path.name} n'est pas du YAML valide : {exc}") from exc


def load_flow(name_or_path: str | Path) -> Flow:
    path = Path(name_or_path)
    if path.suffix != ".yaml":
        path = flows_dir() / f"{name_or_path}.yaml"
    data = _load_yaml(path)
    try:
        return Flow.model_validate(data)
    except ValidationError as exc:
        raise FlowError(f"Parcours {path.name} invalide — {_describe(exc, data)}") from exc


def load_site(path: Path | None = None) -> SiteSpec:
    """The site's shared knowledge; read once per process (the model is frozen)."""
    return _load_site(path or flows_dir() / "site.yaml")


@lru_cache(maxsize=4)
def _load_site(path: Path) -> SiteSpec:
    data = _load_yaml(path)
    try:
        return SiteSpec.model_validate(data)
    except ValidationError as exc:
        raise FlowError(f"Fichier {path.name} invalide — {_describe(exc, data)}") from exc
