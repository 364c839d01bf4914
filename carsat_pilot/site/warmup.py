"""The flows' words turned into patterns on a thread, while the browser starts.

Every name, label and page text of a flow becomes a tolerant regular expression
(`textmatch.words`: each accented letter a character class), compiled the first time a step
needs it: ~50 patterns per journey, ~0.6 ms each, in the middle of the steps. While the
browser launches, the main thread only waits on Playwright's pipe: compiled then, they
cost the person nothing (`textmatch`'s caches keep them; a pattern compiled twice by two
threads is only wasted work).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping

from carsat_pilot.site.flowspec import Call, Choose, Click, Expect, Fill, Flow, HandOver, Select, SiteSpec, Tick
from carsat_pilot.site.textmatch import literal, tolerant, words


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""  # a value the journey does not have (yet): that pattern is compiled later


def _texts(flows: Iterable[Flow]) -> Iterator[tuple[str, bool]]:
    """Each text of the flows the engine turns into a pattern; True for a person's value
    (an option chosen by its own text: `literal`), False for the flow's words (`words`)."""
    for flow in flows:
        for step in flow.steps:
            if step.page:
                yield step.page, False
            for action in step.do:
                match action:
                    case Click(click=target):
                        yield target.name, False
                    case Fill(fill=spec) | Select(select=spec) | Tick(check=spec):
                        yield spec.label, False
                    case Choose(choose=spec):
                        yield spec.group, False
                        yield spec.option, True
                    case Expect(expect=spec):
                        yield from ((text, False) for text in (spec.text, spec.heading) if text)
                    case HandOver(human=spec):
                        yield from ((value, False) for value in spec.params.values())
                    case Call(params=params):
                        yield from ((value, False) for value in params.values())


def compile_in_background(site: SiteSpec, flows: list[Flow], variables: Mapping[str, str]) -> threading.Thread:
    """Compile, on a daemon thread, every pattern the journey's flows and site.yaml need."""
    values = _Blank(variables)

    def compile_all() -> None:
        for item in site.interruptions:
            for text in (item.words, *item.press):
                _quietly(words, text)
        for message in site.messages:
            _quietly(tolerant, message.pattern)
        for template, is_value in _texts(flows):
            try:
                text = template.format_map(values)
            except (ValueError, IndexError):
                continue  # braces that are not a template: the engine says so, if it matters
            _quietly(literal if is_value else words, text)

    thread = threading.Thread(target=compile_all, name="compile the flows' words", daemon=True)
    thread.start()
    return thread


def _quietly(compile_one: Callable[[str], object], text: str) -> None:
    try:
        compile_one(text)
    except ValueError:
        pass  # not a pattern after all (an empty value): the step says it, if it matters
