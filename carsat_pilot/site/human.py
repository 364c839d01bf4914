"""Where the person answers: the typed hand-overs of a journey.

A flow never prompts by itself: it asks this layer for a captcha code, an activation link
or a one-time code, and the layer decides how to get it — the terminal (standard input,
which may be a pipe), or the browser (the person acts in the page while the tool waits).
The replica's self-driving demo has its own answerer in `carsat_pilot.journeys.demo`.
"""

from __future__ import annotations

import queue
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from rich.console import Console

from carsat_pilot.core.errors import Interrupted, TimedOut
from carsat_pilot.core.files import write_private
from carsat_pilot.core.scratch import Scratch

if TYPE_CHECKING:
    from carsat_pilot.site.choices import Chosen

HumanMode = Literal["browser", "terminal", "auto"]


class LineReader:
    """Reads standard input on a thread so that waits can end on a time-out, and so that
    browser mode can wait for a page *or* a line pasted in the terminal at once."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def _pump(self) -> None:
        for line in self._stream:
            self._lines.put(line.rstrip("\r\n"))
        self._lines.put(None)  # end of input

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._pump, daemon=True, name="stdin")
            self._thread.start()

    def read(self, timeout_s: float) -> str:
        """The next line; TimedOut after `timeout_s`; TimedOut too when input is closed
        (nobody is there to answer)."""
        self._start()
        try:
            line = self._lines.get(timeout=timeout_s)
        except queue.Empty as exc:
            raise TimedOut("Personne n'a répondu à temps : relancez la commande quand la personne est prête.") from exc
        if line is None:
            self._lines.put(None)
            raise TimedOut("L'entrée standard est fermée : personne ne peut répondre, la démarche s'arrête ici.")
        return line

    def poll(self) -> str | None:
        """A line if one is already there, else None (never waits)."""
        self._start()
        try:
            line = self._lines.get_nowait()
        except queue.Empty:
            return None
        if line is None:
            self._lines.put(None)
        return line


class Human(ABC):
    mode: HumanMode

    def __init__(self, console: Console, timeout_s: float) -> None:
        self.console = console
        self.timeout_s = timeout_s
        # Values chosen in one of the site's lists instead of the profile's (the session
        # offers to update the saved profile with them).
        self.chosen: list[Chosen] = []

    def tell(self, message: str) -> None:
        self.console.print(f"[bold yellow]➜ {message}[/]")

    def close(self) -> None:  # noqa: B027 - most answerers leave nothing behind
        """Remove whatever this layer left on disk (the captcha images)."""

    @abstractmethod
    def confirm(self, question: str) -> bool: ...

    def choose(self, question: str, options: Sequence[str]) -> int | None:
        """The index of the option chosen, or None: nobody here to choose (the run then
        stops as before, saying which values the site offers)."""
        return None

    @abstractmethod
    def captcha_code(self, image_png: bytes, attempt: int) -> str:
        """The code the person read on the image. Terminal and auto modes only: in
        browser mode the person types it in the page."""

    @abstractmethod
    def activation_link(self) -> str: ...

    @abstractmethod
    def one_time_code(self) -> str: ...


class TerminalHuman(Human):
    """DESIGN.md's `--human terminal` protocol: one line asked, one line read."""

    mode: HumanMode = "terminal"

    def __init__(self, console: Console, timeout_s: float, stream: IO[str] | None = None) -> None:
        super().__init__(console, timeout_s)
        self.reader = LineReader(stream or sys.stdin)
        self._images: Scratch | None = None

    def _ask(self, prompt: str) -> str:
        # Plain print + flush: the line must reach a pipe before we block on reading.
        self.console.print(prompt, soft_wrap=True)
        self.console.file.flush()
        return self.reader.read(self.timeout_s).strip()

    def confirm(self, question: str) -> bool:
        answer = self._ask(f"{question} [oui/non]")
        return answer.strip().lower() in {"o", "oui", "y", "yes"}

    def choose(self, question: str, options: Sequence[str]) -> int | None:
        """A numbered choice: one line, the option's number (0: none of them)."""
        self.console.print(question, soft_wrap=True)
        for number, option in enumerate(options, start=1):
            self.console.print(f"  {number}. {option}", soft_wrap=True)
        self.console.print("  0. Aucune : arrêter ici (corriger le profil puis relancer)", soft_wrap=True)
        for _ in range(5):  # a script feeding a wrong answer must not loop forever
            try:
                answer = self._ask("Votre choix (numéro), puis Entrée :")
            except TimedOut:
                return None  # nobody answers: the run stops, saying what the site offers
            if answer.isdigit() and 0 <= int(answer) <= len(options):
                return int(answer) - 1 if int(answer) else None
            self.console.print(f"Répondez par un des numéros proposés (0 à {len(options)}).")
        return None

    def _image_path(self, attempt: int) -> Path:
        # A private, locked folder: removed by close(), or by the next run if this one is killed.
        if self._images is None:
            self._images = Scratch("captcha")
        return self._images.path / f"captcha-{attempt}.png"

    def captcha_code(self, image_png: bytes, attempt: int) -> str:
        path = self._image_path(attempt)
        write_private(path, image_png)
        self.console.print(f"Image de sécurité enregistrée : {path}", soft_wrap=True)
        again = " (nouvelle image)" if attempt > 1 else ""
        code = self._ask(f"Saisissez le code du captcha{again} lu sur l'image, puis Entrée :")
        path.unlink(missing_ok=True)
        return code

    def activation_link(self) -> str:
        return self._ask(
            "Collez le lien d'activation reçu par e-mail (« Je confirme la création de mon "
            "espace personnel »), puis Entrée :"
        )

    def one_time_code(self) -> str:
        return self._ask("Saisissez le code reçu par e-mail ou SMS, puis Entrée :")

    def close(self) -> None:
        if self._images is not None:
            self._images.remove()
            self._images = None


class BrowserHuman(TerminalHuman):
    """The person acts in the browser; the terminal repeats the instruction and can
    still take a pasted link (or a yes/no) from the advisor."""

    mode: HumanMode = "browser"

    def captcha_code(self, image_png: bytes, attempt: int) -> str:  # pragma: no cover
        raise Interrupted("En mode navigateur, le code de l'image se saisit dans la page.")


def refuse_without_human(mode: HumanMode, *, display: bool, stdin_open: bool) -> str | None:
    """DESIGN.md: no silent hang without a human. The French sentence, or None if fine."""
    if mode == "browser" and not display:
        return (
            "Aucun écran n'est disponible pour le navigateur : utilisez --human terminal "
            "(les étapes humaines se font alors dans le terminal)."
        )
    if mode == "terminal" and not stdin_open:
        return (
            "L'entrée standard est fermée : --human terminal ne peut pas demander le code "
            "de l'image ; utilisez --human browser sur un poste avec écran."
        )
    return None
