"""Where the person answers: the typed hand-overs of a journey.

A flow never prompts by itself: it asks this layer for a captcha code, an activation link
or a one-time code, and the layer decides how to get it — the terminal (standard input,
which may be a pipe), or the browser (the person acts in the page while the tool waits).
The replica's self-driving demo has its own answerer in `carsat_pilot.journeys.demo`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from rich.console import Console
from rich.markup import escape

from carsat_pilot.core.ask import Ask, InputEnded, Lines
from carsat_pilot.core.errors import BadInput, Interrupted, TimedOut
from carsat_pilot.core.files import write_private
from carsat_pilot.core.scratch import Scratch

if TYPE_CHECKING:
    from carsat_pilot.site.choices import Chosen

HumanMode = Literal["browser", "terminal", "auto"]
INPUT_CLOSED = "L'entrée standard est fermée : personne ne peut répondre, la démarche s'arrête ici."


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

    def __init__(
        self, console: Console, timeout_s: float, stream: IO[str] | None = None, *, ask: Ask | None = None
    ) -> None:
        super().__init__(console, timeout_s)
        self.ask = ask or Ask(console, stream)
        self._images: Scratch | None = None

    @property
    def reader(self) -> Lines:
        """The lines typed in the terminal, for waits that also watch a page."""
        return self.ask.lines

    def _ask(self, prompt: str) -> str:
        try:
            return self.ask.line(escape(prompt), timeout_s=self.timeout_s)
        except InputEnded:
            raise TimedOut(INPUT_CLOSED) from None

    def confirm(self, question: str) -> bool:
        try:
            return self.ask.yes_no(escape(question), timeout_s=self.timeout_s)
        except InputEnded:
            raise TimedOut(INPUT_CLOSED) from None

    def choose(self, question: str, options: Sequence[str]) -> int | None:
        """A numbered choice: one line, the option's number (0: none of them)."""
        self.console.print(escape(question), soft_wrap=True)
        entries = [(str(number), escape(option)) for number, option in enumerate(options, start=1)]
        entries.append(("0", "Aucune : arrêter ici (corriger le profil puis relancer)"))
        try:
            answer = self.ask.menu(entries, "Votre choix (numéro), puis Entrée :", timeout_s=self.timeout_s)
        except (BadInput, TimedOut, InputEnded):
            return None  # nobody answers: the run stops, saying what the site offers
        return int(answer) - 1 if int(answer) else None

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
