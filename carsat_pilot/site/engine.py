"""Runs a flow in a browser: each step's actions in turn, the person's part handed over
where the flow says so — and where the page is no longer what the procedure expects
(drift), the step handed to the advisor or the run stopped, with a report.

The engine is built in layers, each a module with one job: `pages` (the tabs and one look
at a page), `waiting` (waiting for an element by the site's words), `acting` (clicks and
fields), then this run loop. Site knowledge lives in `flows/*.yaml`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from playwright.sync_api import Error as PlaywrightError

from carsat_pilot.core.errors import Drift, Interrupted, PilotError, TimedOut
from carsat_pilot.site import pageprobe
from carsat_pilot.site.acting import Acting
from carsat_pilot.site.drift import hand_over_drift, stop_on_drift
from carsat_pilot.site.dryrun import dry_run_action
from carsat_pilot.site.flowspec import (
    Call,
    Choose,
    Click,
    Expect,
    Fill,
    Flow,
    Goto,
    HandOver,
    Record,
    Select,
    Step,
    Tick,
)
from carsat_pilot.site.handover import run_handover
from carsat_pilot.site.page_errors import AmbiguousMatch, DryRunEnd, PageNotRecognized
from carsat_pilot.site.pages import WINDOW_CLOSED
from carsat_pilot.site.signals import SiteSignal
from carsat_pilot.site.waiting import OPTIONAL_WAIT_S

ActionFn = Callable[["Engine", Mapping[str, str], bool], None]


class Engine(Acting):
    """A page session that runs flows: the step loop, each action dispatched, drift
    handed over or stopped."""

    # ---------------------------------------------------------------- flows and steps
    def run(self, flow: Flow, *, first_step: int = 1, total: int | None = None, handover: bool = True) -> None:
        """Every step of `flow`. A step the page no longer matches is handed to the
        advisor when a person can act in the browser; otherwise the run stops there."""
        self._flow = flow.name
        self._total = total or len(flow.steps)
        index, start = 0, 0
        while index < len(flow.steps):
            step = flow.steps[index]
            self._step = first_step + index
            try:
                self._run_step_or_drift(step, start)
            except Drift as exc:
                if self.dry_run or not handover or not self.visible:
                    raise stop_on_drift(self, step, exc) from exc
                index, start = hand_over_drift(self, flow, index, exc)
                continue
            index, start = index + 1, 0

    def _run_step_or_drift(self, step: Step, start: int) -> None:
        """The step; a browser error inside it is drift too, named in French: no raw error
        reaches the person, and nothing is sent after it."""
        try:
            self.run_step(step, start=start)
        except PlaywrightError as exc:
            if self.closed_by_person(exc):
                raise Interrupted(WINDOW_CLOSED) from exc
            raise PageNotRecognized(
                f"À l'étape « {step.title} », la page n'a pas réagi comme la procédure le prévoit : le site a "
                "peut-être changé. Rien n'a été envoyé après ce point.",
                expected=f"l'étape « {step.title} »",
                step=step.title,
            ) from exc

    def run_step_numbered(self, step: Step, number: int, total: int) -> None:
        self._step, self._total = number, total
        self.run_step(step)

    def run_step(self, step: Step, *, start: int = 0) -> None:
        self._step_title = step.title
        self.action_index = start
        if start == 0:
            self.emit("step_started", step.title)
        if self.overlay is not None:
            self.overlay.show(step=f"Étape {self._step}/{self._total} : {step.title}", instruction="")
        if step.page and start == 0:
            self.recognize(step.page)
        for index, action in enumerate(step.do[start:], start):
            self.action_index = index
            self.run_action(action)
        if self.artifacts is not None:
            self.artifacts.capture(self.page, f"{self._flow}-{self._step}-{step.title}")
        try:
            self.page.evaluate(pageprobe.END_STEP_JS)
        except PlaywrightError:
            pass  # the page went with the step: nothing of it can linger
        self.steps_done.append(step.title)
        self.emit("step_done", step.title)

    # ---------------------------------------------------------------- actions
    def run_action(self, action: object) -> None:
        optional = bool(getattr(action, "optional", False))
        try:
            if not (self.dry_run and dry_run_action(self, action)):
                self._dispatch(action)
        except PageNotRecognized:
            if optional:
                return
            raise

    def _dispatch(self, action: object) -> None:
        match action:
            case Goto(goto=path):
                self.goto(self.url(path))
            case Click(click=target, optional=optional):
                self.click(target, optional=optional)
            case Fill(fill=spec):
                self.fill(spec.label, self.render(spec.value), keys=spec.keys)
            case Select(select=spec):
                self.select(spec.label, self.render(spec.option), wait=spec.wait_for_options)
            case Tick(check=spec):
                self.check(spec.label)
            case Choose(choose=spec):
                self.choose(spec.group, self.render(spec.option))
            case Expect(expect=spec, optional=optional):
                self.expect(spec.text, spec.heading, spec.timeout_s, optional=optional)
            case HandOver(human=spec):
                run_handover(self, spec)
            case Call(call=name, params=params, optional=optional):
                if name not in self.actions:
                    raise PilotError(f"Action « {name} » inconnue du moteur.")
                self.actions[name](self, {k: self.render(v) for k, v in params.items()}, optional)
            case Record(record=milestone):
                self.recorder(milestone)
                self.emit("info", milestone, milestone=milestone)
            case _:
                raise PilotError(f"Action non prise en charge : {action!r}")


__all__ = [
    "OPTIONAL_WAIT_S",
    "ActionFn",
    "AmbiguousMatch",
    "DryRunEnd",
    "Engine",
    "PageNotRecognized",
    "SiteSignal",
    "TimedOut",
]
