"""Every question asked in the terminal, and its answer: one reader of standard input.

Standard input may be a terminal or a pipe (scripts, tests). On a terminal, a question is
asked by the terminal itself (a secret without echo) until some wait needs a time-out;
from then on — and always with a pipe — lines are read on a thread, so that a wait can
end on a time-out or on a page that changed while nobody typed. A question is printed on
a line of its own before its answer is read: a program reading the output line by line
sees it. The end of the input is `InputEnded`, which each caller says in its own words.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TypeVar

from rich.console import Console
from rich.markup import escape

from carsat_pilot.core.errors import BadInput, TimedOut

T = TypeVar("T")

MAX_TRIES = 5  # a script feeding the same wrong answer must not loop forever
YES = frozenset({"o", "oui", "y", "yes"})
NO = frozenset({"n", "non", "no"})
YES_NO_HINTS = {None: "[oui/non]", True: "[O/n]", False: "[o/N]"}
NOBODY_ANSWERED = "Personne n'a répondu à temps : relancez la commande quand la personne est prête."


def _with_default(prompt: str, default: str) -> str:
    """« Pays (FRANCE) : » — the default before the prompt's closing colon."""
    bare = prompt.removesuffix(":").rstrip()
    return f"{bare} [dim]({escape(default)})[/]" + (" :" if bare != prompt else "")


# The longest a Ctrl-C waits to be acted on while the person is asked something.
SIGNAL_SLICE_S = 0.25


class InputEnded(EOFError):
    """The input is finished: nobody is there to answer any more."""


class Lines:
    """The lines of a stream, read on a thread once started (so that a wait may end)."""

    def __init__(self, stream: IO[str] | None) -> None:
        self._stream = stream
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def _pump(self) -> None:
        try:
            for line in self._stream or ():
                self._lines.put(line.rstrip("\r\n"))
        except (OSError, ValueError):  # closed, or not text: nobody can answer through it
            pass
        finally:
            self._lines.put(None)  # the end of the input

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._pump, daemon=True, name="stdin")
            self._thread.start()

    def get(self, timeout_s: float | None = None) -> str | None:
        """The next line; None when none came within `timeout_s`; InputEnded at the end.

        Waited for in slices: Python acts on a Ctrl-C only in the main thread, and wakes it
        only if the kernel gave the signal to that thread; given to another one (the reader,
        blocked in its read), it waited for the line or the time-out — a person pressing
        Ctrl-C at the captcha saw nothing happen (seen in the tests, under load)."""
        self._start()
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            left = SIGNAL_SLICE_S if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                line = self._lines.get(timeout=min(left, SIGNAL_SLICE_S))
                break
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    return None
        if line is None:
            self._lines.put(None)  # said again to whoever reads next
            raise InputEnded
        return line

    def poll(self) -> str | None:
        """A line if one is already there, else None (never waits, never raises)."""
        try:
            return self.get(timeout_s=0)
        except InputEnded:
            return None


class Ask:
    """Asks the person at the terminal: a line, a secret, yes/no, a number from a list."""

    def __init__(self, console: Console, stream: IO[str] | None = None) -> None:
        self.console = console
        stdin = sys.stdin if stream is None and sys.stdin is not None and not sys.stdin.closed else None
        self.terminal = stdin is not None and stdin.isatty()
        self.lines = Lines(stream if stream is not None else sys.stdin)

    @property
    def direct(self) -> bool:
        """Asked by the terminal itself: a terminal no thread reads yet."""
        return self.terminal and not self.lines.started

    def line(self, prompt: str, *, default: str = "", timeout_s: float | None = None) -> str:
        """One answer, stripped (`default` when empty, shown before the prompt's closing
        « : »). `prompt` is Rich markup. TimedOut after `timeout_s`; InputEnded at the end
        of the input."""
        shown = _with_default(prompt, default) if default else prompt
        direct = self.direct and timeout_s is None
        answer = self._typed(shown, password=False) if direct else self._read(shown, timeout_s)
        return default if answer == "" else answer.strip()  # spaces are an answer, and checked

    def _typed(self, prompt: str, *, password: bool) -> str:
        """Asked by the terminal itself (Ctrl-D ends the input as a closed pipe does)."""
        try:
            return self.console.input(f"{prompt} ", password=password)
        except EOFError:
            raise InputEnded from None

    def _read(self, prompt: str, timeout_s: float | None) -> str:
        # The question on a line of its own, flushed before waiting: it must reach a pipe.
        self.console.print(prompt, soft_wrap=True)
        self.console.file.flush()
        answer = self.lines.get(timeout_s)
        if answer is None:
            raise TimedOut(NOBODY_ANSWERED)
        return answer

    def secret(self, prompt: str) -> str:
        """One line typed without echo (a pipe has no echo to hide); never stripped."""
        if self.direct:
            return self._typed(prompt, password=True)
        with self._no_echo():
            answer = self._read(prompt, None)
        return answer

    @contextmanager
    def _no_echo(self) -> Iterator[None]:
        """A terminal read by the thread: its echo is turned off while a secret is typed."""
        if not self.terminal or sys.platform == "win32":
            yield
            return
        import termios  # POSIX only: imported where it is needed

        fd = sys.stdin.fileno()
        before = termios.tcgetattr(fd)
        quiet = list(before)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
        try:
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, before)
            self.console.print()  # the newline typed was not echoed

    def yes_no(self, question: str, *, default: bool | None = None, timeout_s: float | None = None) -> bool:
        """o/oui or n/non (y/yes/no too); Entrée gives `default` when there is one."""
        prompt = f"{question} {escape(YES_NO_HINTS[default])}"
        for _ in range(MAX_TRIES):
            answer = self.line(prompt, timeout_s=timeout_s).lower()
            if not answer and default is not None:
                return default
            if answer in YES or answer in NO:
                return answer in YES
            self.console.print("[red]Répondez o (oui) ou n (non).[/]")
        return bool(default)

    def checked(
        self, prompt: str, convert: Callable[[str], T], refused: BadInput, *, default: str = "", tries: int = MAX_TRIES
    ) -> T:
        """Asked until `convert` accepts the answer, saying its French reason each time;
        `refused` after `tries` answers refused."""
        for _ in range(tries):
            raw = self.line(prompt, default=default)
            try:
                return convert(raw)
            except BadInput as exc:
                self.console.print(f"[red]{escape(exc.message)}[/]")
        raise refused

    def choose(self, prompt: str, choices: Sequence[str], *, timeout_s: float | None = None) -> str:
        """One of `choices` (numbers, as the menus list them)."""
        for _ in range(MAX_TRIES):
            answer = self.line(prompt, timeout_s=timeout_s)
            if answer in choices:
                return answer
            self.console.print(f"[red]Répondez par un des numéros proposés : {', '.join(choices)}.[/]")
        raise BadInput(f"Aucun choix valable après {MAX_TRIES} essais : la question est abandonnée.")

    def menu(
        self,
        entries: Sequence[tuple[str, str]],
        prompt: str = "Votre choix (numéro) :",
        *,
        timeout_s: float | None = None,
    ) -> str:
        """The entries listed (`key. label`, labels in markup), then the key chosen."""
        for key, label in entries:
            self.console.print(f"  {key}. {label}", soft_wrap=True)
        return self.choose(prompt, [key for key, _ in entries], timeout_s=timeout_s)
