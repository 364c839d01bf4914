"""The journal's last lines as a table, already masked (`carsat-pilot journal`)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from carsat_pilot.record.journal import journal_path, read_journal

COLUMNS = ("Heure", "Parcours", "Étape", "Événement", "Détail")


def show_journal(console: Console, last: int) -> None:
    records = read_journal(last=last)
    if not records:
        console.print(f"Le journal est vide ({journal_path()}).")
        return
    table = Table(title=f"Journal — {journal_path()}")
    for column in COLUMNS:
        table.add_column(column)
    for record in records:
        table.add_row(
            str(record.get("time", "")).replace("T", " "),
            str(record.get("flow", "")),
            str(record.get("step") or ""),
            str(record.get("kind", "")),
            str(record.get("message", "")),
        )
    console.print(table)
