"""The one input layer: every terminal question of the tool is asked and read by it."""

from __future__ import annotations

import io
import os
import signal
import threading
import time

import pytest
from rich.console import Console

from carsat_pilot.core.ask import Ask, InputEnded, Lines
from carsat_pilot.core.errors import BadInput, TimedOut
from carsat_pilot.journeys.login import HOME_PAGE, SERVICES_PAGE, step_named, steps_after
from carsat_pilot.site.flowspec import load_flow


def asking(lines: str) -> tuple[Ask, io.StringIO]:
    out = io.StringIO()
    return Ask(Console(file=out, width=200, color_system=None), io.StringIO(lines)), out


def test_a_line_is_asked_on_a_line_of_its_own_and_stripped() -> None:
    ask, out = asking("  Paris  \n")
    assert ask.line("Ville :") == "Paris"
    assert out.getvalue() == "Ville :\n"


def test_enter_gives_the_default_shown_before_the_colon_but_spaces_are_an_answer() -> None:
    ask, out = asking("\n   \n")
    assert ask.line("Pays :", default="FRANCE") == "FRANCE"
    assert "Pays (FRANCE) :" in out.getvalue()
    assert ask.line("Pays :", default="FRANCE") == ""


def test_the_end_of_the_input_is_input_ended_every_time() -> None:
    ask, _ = asking("")
    for _ in range(2):
        with pytest.raises(InputEnded):
            ask.line("Votre choix :")
    assert ask.lines.poll() is None


def test_nobody_answering_in_time_is_timed_out() -> None:
    ask = Ask(Console(file=io.StringIO()), _Silent())
    with pytest.raises(TimedOut, match="à temps"):
        ask.line("Code :", timeout_s=0.05)


class _Silent(io.StringIO):
    """A pipe nobody writes to (never ends)."""

    def __iter__(self) -> _Silent:
        return self

    def __next__(self) -> str:
        threading.Event().wait()
        raise StopIteration  # pragma: no cover


@pytest.mark.parametrize(
    ("answers", "default", "expected"),
    [
        ("oui\n", None, True),
        ("N\n", None, False),
        ("\n", True, True),
        ("\n", False, False),
        ("peut-être\no\n", False, True),
    ],
)
def test_yes_no_in_french(answers: str, default: bool | None, expected: bool) -> None:
    ask, out = asking(answers)
    assert ask.yes_no("D'accord ?", default=default) is expected
    hint = {None: "[oui/non]", True: "[O/n]", False: "[o/N]"}[default]
    assert f"D'accord ? {hint}" in out.getvalue()
    assert ("Répondez o (oui) ou n (non)" in out.getvalue()) is ("peut-être" in answers)


def test_an_empty_answer_without_default_is_asked_again() -> None:
    ask, out = asking("\nnon\n")
    assert ask.yes_no("D'accord ?") is False
    assert out.getvalue().count("D'accord ?") == 2


def test_a_menu_reasks_a_wrong_number_then_gives_up() -> None:
    ask, out = asking("9\n2\n")
    assert ask.menu([("1", "Un"), ("2", "Deux")]) == "2"
    assert "  1. Un" in out.getvalue() and "Répondez par un des numéros proposés : 1, 2." in out.getvalue()
    ask, _ = asking("9\n" * 5)
    with pytest.raises(BadInput, match="5 essais"):
        ask.choose("Votre choix :", ["1"])


def test_a_checked_answer_says_why_it_is_refused_then_gives_up() -> None:
    def number(raw: str) -> int:
        if not raw.isdigit():
            raise BadInput("Un nombre, s'il vous plaît.")
        return int(raw)

    ask, out = asking("abc\n12\n")
    assert ask.checked("Nombre :", number, BadInput("abandon")) == 12
    assert "Un nombre, s'il vous plaît." in out.getvalue()
    ask, _ = asking("x\ny\n")
    with pytest.raises(BadInput, match="abandon"):
        ask.checked("Nombre :", number, BadInput("abandon"), tries=2)


def test_a_secret_from_a_pipe_is_read_as_typed_and_never_printed() -> None:
    ask, out = asking("  S3cret  \n")
    assert ask.secret("Mot de passe :") == "  S3cret  "
    assert "S3cret" not in out.getvalue()


# --------------------------------------------------------------------------- login by name
def test_the_login_steps_are_found_by_their_titles() -> None:
    login = load_flow("login")
    number, home = step_named(login, HOME_PAGE)
    assert home.title == HOME_PAGE and number == 1
    first, rest = steps_after(login, HOME_PAGE)
    assert first == number + 1 and [s.title for s in rest.steps] == [s.title for s in login.steps[number:]]
    assert HOME_PAGE not in [s.title for s in rest.steps]
    assert step_named(load_flow("fetch_ris"), SERVICES_PAGE)[1].title == SERVICES_PAGE
    with pytest.raises(LookupError, match="no step titled"):
        step_named(login, "Une page qui n'existe pas")


def test_a_closed_input_is_the_end_of_the_input_not_a_hang() -> None:
    closed = io.StringIO("oui\n")
    closed.close()
    ask = Ask(Console(file=io.StringIO()), closed)
    with pytest.raises(InputEnded):
        ask.line("Votre choix :", timeout_s=5)


class _CtrlC(Exception):
    pass


def test_a_ctrl_c_given_by_the_kernel_to_the_reading_thread_still_ends_the_wait() -> None:
    """Python acts on a signal in the main thread only, and the kernel may give it to any
    thread: here, on purpose, to the thread blocked reading the input. The person's
    Ctrl-C must still end the question at once, not when the time-out (or a line) comes."""

    def on_ctrl_c(signum: int, frame: object) -> None:
        raise _CtrlC

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    read_end, write_end = os.pipe()
    try:
        with os.fdopen(read_end, encoding="utf-8") as stream:
            lines = Lines(stream)
            lines.poll()  # the reading thread is started, and blocked in its read
            reader = next(t for t in threading.enumerate() if t.name == "stdin")
            threading.Timer(0.2, signal.pthread_kill, (reader.ident, signal.SIGINT)).start()
            asked = time.monotonic()
            with pytest.raises(_CtrlC):
                lines.get(timeout_s=60)
            # Acted on long before the time-out (after it, Python would run the handler too).
            assert time.monotonic() - asked < 30
            os.close(write_end)
            write_end = -1
    finally:
        signal.signal(signal.SIGINT, previous)
        if write_end != -1:
            os.close(write_end)
