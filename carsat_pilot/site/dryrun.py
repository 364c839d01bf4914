"""`doctor`'s canary: walk a flow on the real site without typing anything or sending
any form — check that each field, list and button is where the flow expects it, follow
only plain navigation, and stop at the first hand-over to the person."""

from __future__ import annotations

from carsat_pilot.site import finding
from carsat_pilot.site.acting import Acting
from carsat_pilot.site.finding import Build
from carsat_pilot.site.flowspec import Call, Choose, Click, Fill, HandOver, HumanSpec, Record, Select, Target, Tick
from carsat_pilot.site.page_errors import DryRunEnd
from carsat_pilot.site.textmatch import readable, words


def dry_run_action(engine: Acting, action: object) -> bool:
    """Check the action's words on the page instead of doing it. True when handled
    here; False for what a dry run does for real (plain navigation, reading a page)."""
    page = engine.page
    match action:
        case Fill(fill=spec) | Select(select=spec):
            _present(engine, f"« {readable(spec.label)} »", engine.labelled(spec.label))
        case Tick(check=spec):
            _present(engine, f"« {readable(spec.label)} »", finding.checkbox(words(spec.label)))
        case Choose(choose=spec):
            _present_group(engine, spec.group)
        case Call(call="date_of_birth", params=params):
            _present_group(engine, params["group"])
        case Call() | Record():
            pass
        case Click(click=target) if target.sends_form or engine.dry_touched == (id(page), page.url):
            # A button of a form: it would send it. Only its presence is checked.
            _present(engine, f"« {readable(target.name)} »", engine.clickable(target))
        case HandOver(human=spec):
            _hand_over_words(engine, spec)
            raise DryRunEnd()
        case _:
            return False
    if isinstance(action, (Fill, Select, Tick, Choose, Call)):
        engine.dry_touched = (id(page), page.url)
    return True


def _present(engine: Acting, what: str, build: Build) -> None:
    engine.wait_for(build, engine.page_timeout_s, what=what, watch_messages=True)
    engine.dry_checks.append(what)


def _present_group(engine: Acting, name: str) -> None:
    pattern = words(name)
    _present(engine, f"« {readable(name)} »", lambda page: finding.group(page, pattern))


def _hand_over_words(engine: Acting, spec: HumanSpec) -> None:
    """The person's part is not played; the words it relies on are checked."""
    params = spec.params
    if "image" in params:
        image = words(params["image"])
        _present(engine, "l'image de sécurité", lambda page: page.get_by_role("img", name=image))
    if "field" in params and spec.kind == "captcha":
        _present(engine, f"« {readable(params['field'])} »", engine.labelled(params["field"]))
    if "submit" in params and spec.kind == "captcha":
        _present(engine, f"« {readable(params['submit'])} »", engine.clickable(Target(name=params["submit"])))
