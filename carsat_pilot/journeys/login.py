"""Logging in to the espace personnel, by the steps' names in the flows: the home page
first (and the seed's other way in when its login block is not there), then the rest;
after a session expired, back to the services page without asking anything again."""

from __future__ import annotations

from dataclasses import dataclass, field

from carsat_pilot.core.errors import TimedOut
from carsat_pilot.site.engine import Engine, PageNotRecognized
from carsat_pilot.site.flowspec import Flow, Step, load_flow

HOME_PAGE = "Page d'accueil"  # flows/login.yaml: where the usual way in is looked for
SERVICES_PAGE = "Mes services"  # flows/fetch_ris.yaml: where a new login goes back to
RIS_PAGE = "Mon relevé de carrière tous régimes"  # flows/fetch_ris.yaml: the step after it


def step_named(flow: Flow, title: str) -> tuple[int, Step]:
    """The step of `flow` with this title, and its number (from 1); a flow file without
    it is a defect of flows/, said by name."""
    for number, step in enumerate(flow.steps, start=1):
        if step.title == title:
            return number, step
    raise LookupError(f"flows/{flow.name}.yaml has no step titled {title!r}")


def steps_after(flow: Flow, title: str) -> tuple[int, Flow]:
    """The steps that follow the one titled `title`, and the first one's number."""
    number, _step = step_named(flow, title)
    return number + 1, flow.model_copy(update={"steps": flow.steps[number:]})


def login_flows(franceconnect: bool) -> list[Flow]:
    """The login flow (FranceConnect's or the usual one), then the services flow."""
    return [load_flow("login_franceconnect" if franceconnect else "login"), load_flow("fetch_ris")]


@dataclass
class Login:
    """The login flow then the services flow, numbered as one journey."""

    engine: Engine
    franceconnect: bool = False
    flows: list[Flow] = field(default_factory=list)  # login_flows(franceconnect) when not given

    def __post_init__(self) -> None:
        self.login, self.services = self.flows or login_flows(self.franceconnect)
        self.total = len(self.login.steps) + len(self.services.steps)

    @property
    def services_first_step(self) -> int:
        return len(self.login.steps) + 1

    def log_in(self) -> None:
        engine = self.engine
        if self.franceconnect:
            engine.run(self.login, total=self.total)
            return
        number, home = step_named(self.login, HOME_PAGE)
        try:
            engine.run_step_numbered(home, number, self.total)
        except PageNotRecognized:
            # « SI VOUS AVEZ DEJA UN COMPTE CARSAT »: the seed's other way in.
            engine.emit("warning", "entrée habituelle introuvable : passage par l'espace Salariés")
            engine.run(load_flow("fetch_ris_other_entry"), total=self.total)
        first, rest = steps_after(self.login, HOME_PAGE)
        engine.run(rest, first_step=first, total=self.total)

    def back_to_services(self) -> None:
        """After a session expired: logged in again, on the services page (a request
        already sent is not repeated)."""
        self.log_in()
        if self._back_on_the_ris_page():
            return
        number, services = step_named(self.services, SERVICES_PAGE)
        only = self.services.model_copy(update={"steps": [services]})
        self.engine.run(only, first_step=self.services_first_step + number - 1, total=self.total)

    def _back_on_the_ris_page(self) -> bool:
        """A site may send a new login straight back to the page the session expired on
        (`?suite=`): then the services page is not shown, and looking for it would be
        taken for drift. Its heading, not any text: the services page links to it by the
        same words."""
        _number, ris_step = step_named(self.services, RIS_PAGE)
        if not ris_step.page:
            return False
        try:
            self.engine.expect(None, ris_step.page, None, optional=True)
        except (PageNotRecognized, TimedOut):
            return False
        return True
