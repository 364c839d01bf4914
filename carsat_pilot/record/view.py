"""The terminal view: the steps with ticks, what the person must do, what the site said.

On a terminal the advisor and the person read what the site says, as it says it. When
the output is not a terminal (a pipe, a log file) it is kept somewhere: every message is
then masked by the one masker (names, birth date, e-mail, phone, address, NIR, tokens)."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from rich.status import Status

from carsat_pilot.record.events import Event
from carsat_pilot.record.masking import current


class TerminalView:
    def __init__(self, console: Console, *, verbose: bool = False, masker: Callable[[str], str] | None = None) -> None:
        self.console = console
        self.verbose = verbose
        self._status: Status | None = None
        self._mask = masker or current()

    def _text(self, text: str) -> str:
        shown = text if self.console.is_terminal else self._mask(text)
        return escape(shown)

    def _stop_spinner(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def __call__(self, event: Event) -> None:
        where = f"Étape {event.step}/{event.total}" if event.total else ""
        message = self._text(event.message)
        match event.kind:
            case "step_started":
                self._stop_spinner()
                self.console.print(f"[cyan]…[/] {where} : {message}")
            case "step_done":
                self.console.print(f"[green]✔[/] {where} : {message}")
            case "waiting_human":
                # Only an animated terminal gets a spinner; a pipe gets plain lines.
                if self.console.is_terminal and self._status is None:
                    waiting_for = "du relevé" if event.data.get("handover") == "ris" else "de la personne"
                    self._status = self.console.status(f"En attente {waiting_for}…")
                    self._status.start()
            case "countdown":
                if self._status is not None:
                    elapsed = event.data.get("elapsed", "")
                    remaining = event.data.get("remaining", "")
                    self._status.update(
                        f"Relevé demandé : attente ({elapsed} s écoulées, encore {remaining} s au plus) — {message}"
                    )
            case "human_done":
                self._stop_spinner()
            case "retry":
                self.console.print(f"[yellow]↻ {message}[/]")
            case "warning":
                self.console.print(f"[yellow]⚠ {message}[/]")
            case "site_message":
                self.console.print(f"[magenta]Message du site :[/] « {message} »")
            case "info":
                if event.data.get("slow"):
                    self.console.print(f"[yellow]⏳ {message}[/]")
                elif event.data.get("by_hand"):
                    self._stop_spinner()
                    self.console.print(f"[green]✔[/] {where} : {message} — carsat-pilot reprend")
                elif self.verbose:
                    self.console.print(f"[dim]{message}[/]")
            case "error":
                self._stop_spinner()
            case _:
                pass

    def close(self) -> None:
        self._stop_spinner()
