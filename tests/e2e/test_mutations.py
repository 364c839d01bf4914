"""Mutation test of the flows against a replica that renamed one of their words.

For every button, link, label and group the flows rely on (read from flows/*.yaml, so a
new flow word is covered without writing a test), the replica renames it and the tool,
headless, must stop with exit 4 and a sentence naming that step and those words — having
sent nothing after that point and clicked nothing else (the replica's decoys are out, and
record every click).

The default suite runs a seeded sample (CARSAT_PILOT_MUTANT_SEED, CARSAT_PILOT_MUTANTS);
every mutant runs with:  .venv/bin/python -m pytest tests/e2e/test_mutations.py -m "mutation or not mutation"
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from carsat_pilot.site.flowspec import Call, Choose, Click, Fill, HandOver, Select, Tick, load_flow
from carsat_pilot.site.textmatch import PART, alternatives, readable
from mock_site import MockConfig
from tests.e2e.conftest import Replica
from tests.e2e.harness import PASSWORD, isolated_env
from tests.e2e.journey import NIR, Answers, answer_until_end, flat, tool

pytestmark = pytest.mark.e2e

NEW_WORDS = "Libellé tout nouveau"
# The journeys in the order a person lives them, and what each needs on the replica first.
JOURNEY = ("register", "activate", "login", "fetch_ris")
# Words of a hand-over the replica's default journey never shows (the 2025 one-time code).
NOT_SHOWN = {"one_time_code"}
DOWNLOAD_KEY = "download"


@dataclass(frozen=True)
class Mutant:
    flow: str
    step: str
    words: str  # the flow's words, as written
    key: str  # what it is: « click », « fill », « select »…

    @property
    def id(self) -> str:
        return f"{self.flow}:{readable(self.words)}"

    def renamed(self, today: date) -> dict[str, str]:
        """The replica's reword table: every whole writing of the words, renamed."""
        if self.key == DOWNLOAD_KEY:
            # The only word a flow gives as a part (the date follows it on the page).
            return {f"{alternatives(self.words)[0].strip(PART)} {today:%d/%m/%Y}.": NEW_WORDS}
        wholes = [alt for alt in alternatives(self.words) if not alt.startswith(PART) and not alt.endswith(PART)]
        return dict.fromkeys(wholes, NEW_WORDS)


def _words_of(action: object) -> list[tuple[str, str]]:
    match action:
        case Click(click=target):
            return [("click", target.name)]
        case Fill(fill=spec):
            return [("fill", spec.label)]
        case Select(select=spec):
            return [("select", spec.label)]
        case Tick(check=spec):
            return [("check", spec.label)]
        case Choose(choose=spec):
            return [("choose", spec.group)]
        case Call(call="date_of_birth", params=params):
            return [("group", params["group"])]
        case Call(call="confirm_address", params=params):
            return [("click", params["validate"]), ("click", params["accept"])]
        case Call(call="ris", params=params):
            return [("click", params["request"]), ("click", params["refresh"]), (DOWNLOAD_KEY, params["download"])]
        case HandOver(human=spec) if spec.kind == "captcha":
            return [("fill", spec.params["field"]), ("click", spec.params["submit"])]
    return []


def all_mutants() -> list[Mutant]:
    """Each word once, where the journey meets it first."""
    seen: set[frozenset[str]] = set()
    found: list[Mutant] = []
    for flow_name in JOURNEY:
        flow = load_flow(flow_name)
        for step in flow.steps:
            for action in step.do:
                if isinstance(action, HandOver) and action.human.kind in NOT_SHOWN:
                    continue
                for key, words in _words_of(action):
                    wholes = frozenset(a for a in alternatives(words) if not (a.startswith(PART) or a.endswith(PART)))
                    if (not wholes and key != DOWNLOAD_KEY) or wholes in seen:
                        continue
                    seen.add(wholes or frozenset([words]))
                    found.append(Mutant(flow_name, step.title, words, key))
    return found


def _sample(mutants: list[Mutant]) -> set[str]:
    seed = int(os.environ.get("CARSAT_PILOT_MUTANT_SEED", "20261203"))
    size = int(os.environ.get("CARSAT_PILOT_MUTANTS", "4"))
    return {m.id for m in random.Random(seed).sample(mutants, min(size, len(mutants)))}


MUTANTS = all_mutants()
SAMPLE = _sample(MUTANTS)


def test_every_kind_of_flow_word_is_mutated() -> None:
    """The generator really reads the flows: each journey and each kind of word is there."""
    assert {m.flow for m in MUTANTS} == set(JOURNEY)
    assert {"click", "fill", "select", "check", "choose", "group", DOWNLOAD_KEY} <= {m.key for m in MUTANTS}
    assert any(m.words == "Valider votre voie" for m in MUTANTS)
    assert len(MUTANTS) >= 25


@pytest.mark.parametrize(
    "mutant",
    [pytest.param(m, id=m.id, marks=() if m.id in SAMPLE else pytest.mark.mutation) for m in MUTANTS],
)
@pytest.mark.parametrize("replica_config", [MockConfig(ris_delay_s=1.0, decoys=True)])
def test_a_renamed_word_stops_the_tool_at_its_step(mutant: Mutant, replica: Replica, home: Path) -> None:
    state = replica.state
    before = _prepare(mutant, replica, home)
    state.config.reword = mutant.renamed(state.today())
    extra = ["--wait", "20", "--download-dir", str(home / "releves"), "--refresh-interval", "1"]
    command = {"register": ["register"], "activate": ["activate"], "login": ["fetch-ris"]}.get(
        mutant.flow, ["fetch-ris"]
    )
    args = [*command[1:], "--headless"] + (extra if command[0] == "fetch-ris" else [])
    # A profile with a complément: the list « Complément » is used, so its renaming shows.
    env = isolated_env(home)
    if before:
        env["CARSAT_PILOT_LINK"] = before  # the link out of the command line (as the README says)
    run = tool(replica, home, command[0], *args, env=env, complement="BIS")
    code = answer_until_end(run, Answers(replica, wrong_captcha_first=False))
    output = flat(run.output)
    assert code == 4, run.output
    assert mutant.step in output, run.output
    assert readable(mutant.words).strip(PART) in output, run.output
    assert "Traceback" not in output and "Erreur inattendue" not in output
    # Nothing sent after the point where the page stopped matching, nothing else clicked.
    assert state.decoy_clicks == []
    # Accounts of the later flows are made by the replica directly: no journey sends these.
    assert state.registrations == []
    assert state.activations == []
    asked_before = mutant.words in {"Rafraîchir"} or mutant.key == DOWNLOAD_KEY
    assert len(state.ris_requests) == (1 if asked_before else 0), state.ris_requests


def _prepare(mutant: Mutant, replica: Replica, home: Path) -> str:
    """The replica as the journey finds it at the mutant's flow; the activation link."""
    state = replica.state
    if mutant.flow == "register":
        return ""
    account = state.add_account(NIR, PASSWORD, active=mutant.flow != "activate")
    if mutant.flow == "activate":
        return f"{replica.url}/espace-personnel/activation/{account.activation_token}"
    return ""
