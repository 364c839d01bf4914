"""What ends a guided session: the summary of what was done (and the printable
récapitulatif), then the offer to erase the person's traces from this computer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape

from carsat_pilot.core.ask import Ask
from carsat_pilot.core.errors import PilotError
from carsat_pilot.desk import summary, wipe
from carsat_pilot.desk.accompanied import AccompaniedPerson
from carsat_pilot.record.state import StateStore


@dataclass
class Ending:
    """What the end needs to know of the session."""

    ask: Ask
    person: AccompaniedPerson
    ris_paths: Sequence[Path]
    lang: str
    state_folder: Path | None
    profile_dirs: Sequence[Path]
    journal_path: Path | None

    def summarize(self, summary_path: Path | None) -> Path | None:
        """Shown, and written to `summary_path` when asked; the file written, if any."""
        console = self.ask.console
        try:
            state = StateStore(self.person.nir, self.state_folder).state
        except PilotError as exc:  # an unreadable state file: said, and no summary built on it
            console.print(f"[bold red]✖[/] {escape(exc.message)}", soft_wrap=True)
            return None
        profile = self.person.profile
        steps = summary.suggested_next_steps(state, email=profile.contact.email if profile is not None else None)
        ris = str(self.ris_paths[-1]) if self.ris_paths else None
        result = summary.build(state, name=self.person.name, ris_path=ris, next_steps=steps, lang=self.lang)
        summary.show(console, result)
        if summary_path is None:
            return None
        written = summary.write_html(result, summary_path)
        console.print(f"Récapitulatif à imprimer et à remettre à la personne : {escape(str(written))}")
        return written

    def offer_wipe(self, recap: Path | None, *, agreed_beforehand: bool) -> None:
        """Asked (or agreed with --wipe, the récapitulatif said first), then erased."""
        try:
            agreed = agreed_beforehand or self.ask.yes_no(self._wipe_question(recap), default=False)
            if agreed_beforehand and recap is not None:
                # Said before it goes; on a terminal, the advisor says when it is printed.
                self.ask.console.print(escape(wipe.SUMMARY_FIRST.format(path=recap)), soft_wrap=True)
                if self.ask.terminal:
                    self.ask.line("Appuyez sur Entrée une fois le récapitulatif imprimé :")
        except EOFError:
            agreed = agreed_beforehand
        if agreed:
            self._wipe(recap)

    def _wipe_question(self, recap: Path | None) -> str:
        also = " et le récapitulatif" if recap is not None else ""
        return escape(
            f"Effacer de ce poste les traces de {self.person.name or 'la personne'} (profil enregistré, état "
            f"de la démarche, relevé téléchargé{', récapitulatif' if recap is not None else ''}) ? "
            f"Imprimez ou remettez d'abord le relevé{also}."
        )

    def _wipe(self, recap: Path | None) -> None:
        console = self.ask.console
        removed = wipe.wipe_person(
            self.person.nir,
            profile_path=self.person.profile_path,
            ris_paths=self.ris_paths,
            state_folder=self.state_folder,
            search_dirs=self.profile_dirs,
            summary_paths=[recap] if recap is not None else [],
        )
        for path in removed:
            console.print(f"  effacé : {escape(str(path))}")
        if not removed:
            console.print("  Aucun fichier de cette personne sur ce poste.")
        console.print(escape(wipe.journal_note(self.journal_path, self.person.nir)), soft_wrap=True)
