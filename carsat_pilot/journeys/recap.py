"""The approval table shown before « Je valide mon inscription »: what will be sent to the
site, secrets hidden, and what the site will keep."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from carsat_pilot.person.profile import mask_nir
from carsat_pilot.record import masking

if TYPE_CHECKING:
    from rich.console import ConsoleOptions, RenderResult

Rows = Callable[["Recap"], list[tuple[str, str]]]


class Recap:
    """The approval table before « Je valide mon inscription »: what will be sent (secrets
    hidden) and what the site will keep — drawn when it is shown, so that the values
    chosen in the site's lists and the address as the site normalized it (« Valider
    votre voie ») are there, beside what was typed when they differ."""

    def __init__(
        self, title: str, variables: Mapping[str, str], rows: Rows, mask: Callable[[str], str] | None = None
    ) -> None:
        self.title = title
        self.variables = dict(variables)
        self.typed = dict(variables)
        self.site_address = ""
        self.site_address_differs = False
        self._rows = rows
        self._mask = mask

    def note_choice(self, variable: str, chosen: str) -> None:
        """A value chosen in one of the site's lists (it replaces the profile's)."""
        if variable:
            self.variables[variable] = chosen

    def note_site_address(self, shown: str, *, differs: bool) -> None:
        """The address as the site wrote it after « Valider votre voie »."""
        self.site_address = " ".join(shown.split())
        self.site_address_differs = differs
        masking.learn({"voie": self.site_address})  # the person's address, in the site's words

    def rows(self) -> list[tuple[str, str]]:
        return self._rows(self)

    def table(self) -> Table:
        table = Table(title=self.title, show_header=False)
        for name, value in self.rows():
            table.add_row(name, self._mask(value) if self._mask is not None else value)
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table()

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.rows())


def recap_table(variables: Mapping[str, str], mask: Callable[[str], str] | None = None) -> Recap:
    """What the tool typed, shown before « Je valide mon inscription » (secrets hidden;
    with `mask`, the person's values too: the output is not a terminal but a pipe or a file).
    Drawn when shown: by then it holds what the site will keep — the values chosen in its
    lists, and its normalized address (with the address typed, when they differ)."""

    def rows(recap: Recap) -> list[tuple[str, str]]:
        values, typed = recap.variables, recap.typed

        def address(v: Mapping[str, str]) -> str:
            street = " ".join(part for part in (v["numero"], v["complement"], v["voie"]) if part)
            return f"{street}, {v['code_postal']} {v['ville']} ({v['pays']})"

        if recap.site_address and recap.site_address_differs:
            where = [("Adresse retenue par le site", recap.site_address), ("Adresse saisie", address(typed))]
        elif recap.site_address:
            where = [("Adresse (confirmée par le site)", recap.site_address)]
        else:
            where = [("Adresse", address(values))]
        return [
            ("N° de Sécurité sociale", mask_nir(values["nir"]) + "  (vérifié sur la page)"),
            ("Civilité", values["civilite"]),
            ("Nom de naissance", values["nom_naissance"]),
            ("Prénom", values["prenom"]),
            ("Date de naissance", values["date_naissance"]),
            *where,
            ("Téléphone", values["telephone"] or "—"),
            ("Adresse e-mail", values["email"]),
            ("Mot de passe", "•••••••• (masqué)"),
            ("Question secrète", values["question_secrete"]),
            ("Réponse", "•••• (masquée)"),
        ]

    return Recap("Ce qui va être envoyé au site", variables, rows, mask)
