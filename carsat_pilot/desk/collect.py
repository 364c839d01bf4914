"""Ask a person's profile in the terminal, in the site's order, checking each answer at once.

Used by `register` without `--profile`. Standard input may be a pipe (scripts, tests):
every answer is one line, and the end of the input is a clear `BadInput`, never a hang
or an endless re-ask.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from rich.console import Console
from rich.markup import escape
from rich.prompt import Confirm, InvalidResponse, Prompt
from rich.table import Table
from rich.text import Text, TextType

from carsat_pilot.core.errors import BadInput
from carsat_pilot.core.text import fold
from carsat_pilot.person import checks
from carsat_pilot.person.checks import Civilite
from carsat_pilot.person.passwords import read_secret_line
from carsat_pilot.person.profile import FIELD_LABELS, Profile, parse_profile, save_profile
from carsat_pilot.site.choices import match_option

if TYPE_CHECKING:
    from carsat_pilot.site.choices import Chosen

T = TypeVar("T")

MAX_FIELD_TRIES = 5  # a script feeding the same wrong value must not loop forever
SAVE_QUESTION = "Enregistrer ce profil (sans mot de passe) ?"

# The example profile of DESIGN.md, shown as hints (never used as default values).
EXAMPLES: dict[str, str] = {
    "nir": "1850775123456",
    "civilite": "Madame ou Monsieur",
    "nom_naissance": "DUPONT",
    "prenom": "Jean",
    "date_naissance": "15/07/1985",
    "adresse.pays": "FRANCE",
    "adresse.code_postal": "75012",
    "adresse.ville": "PARIS",
    "adresse.numero": "12",
    "adresse.complement": "BIS, TER…",
    "adresse.voie": "RUE DE LA GARE",
    "contact.telephone": "0612345678 ou +32 470 12 34 56",
    "contact.email": "jean.dupont@example.org",
    "contact.question_secrete": "Quel est le nom de votre premier animal de compagnie ?",
}
OPTIONAL = {"adresse.numero", "adresse.complement", "contact.telephone"}

# The secret questions the site usually lists (« Question secrète », step 3 of its form).
SITE_QUESTIONS: tuple[str, ...] = (
    "Quel est le nom de votre premier animal de compagnie ?",
    "Quel est le nom de jeune fille de votre mère ?",
    "Quelle est la ville de naissance de votre père ?",
    "Quel est le prénom de votre meilleur ami d'enfance ?",
    "Quel était le nom de votre école primaire ?",
    "Quel est votre plat préféré ?",
)
QUESTION_NOT_LISTED = (
    "cette question n'est pas dans la liste habituelle du site : au moment de l'inscription, "
    "la personne choisira la plus proche dans la liste du site."
)


class _EofAware:
    """Reads one line; the end of the input raises EOFError instead of an empty answer
    (rich would otherwise take "" from a finished pipe, and re-ask forever)."""

    @classmethod
    def get_input(
        cls,
        console: Console,
        prompt: TextType,
        password: bool,
        stream: TextIO | None = None,
    ) -> str:
        if stream is None:
            if sys.stdin is not None and sys.stdin.isatty():
                return console.input(prompt, password=password)  # EOFError on Ctrl-D
            stream = sys.stdin  # a pipe: read like any stream
        console.print(prompt, end="")
        line = stream.readline()
        if line == "":
            raise EOFError
        console.print()  # the typed line is not echoed when it comes from a stream
        return line.rstrip("\r\n")


class _LinePrompt(_EofAware, Prompt):
    pass


class _OuiNon(_EofAware, Confirm):
    """Confirm in French: o/oui/n/non (y/yes/no also understood)."""

    choices = ["o", "n"]  # noqa: RUF012 - overrides rich's class attribute
    validate_error_message = "[prompt.invalid]Répondez o (oui) ou n (non)."

    def process_response(self, value: str) -> bool:
        answer = value.strip().lower()
        if answer in ("o", "oui", "y", "yes"):
            return True
        if answer in ("n", "non", "no"):
            return False
        raise InvalidResponse(self.validate_error_message)


@dataclass
class _Session:
    console: Console
    stream: TextIO | None

    def ask(
        self,
        field: str,
        convert: Callable[[str], T],
        *,
        default: str | None = None,
        hint: str | None = None,
    ) -> T:
        """Ask until `convert` accepts the answer, saying why it refused it each time."""
        for _ in range(MAX_FIELD_TRIES):
            raw = self._line(field, default, hint)
            try:
                return convert(raw)
            except BadInput as exc:
                self.console.print(f"[red]{escape(exc.message)}[/]")
        raise BadInput(
            f"Le champ « {field} » a été refusé {MAX_FIELD_TRIES} fois : vérifiez la valeur "
            "sur le document de la personne, puis relancez la commande.",
            field=field,
        )

    def _line(self, field: str, default: str | None, hint: str | None = None) -> str:
        label = f"[bold]{escape(FIELD_LABELS[field])}[/]"
        if field in OPTIONAL:
            label += " [dim](facultatif)[/]"
        if default:
            # Shown by rich in brackets: Enter keeps the value typed before.
            return _LinePrompt.ask(label, console=self.console, stream=self.stream, default=default)
        if hint is not None:
            label += f" [dim]({escape(hint)})[/]"
        elif field in EXAMPLES:
            label += f" [dim](ex. {escape(EXAMPLES[field])})[/]"
        return _LinePrompt.ask(label, console=self.console, stream=self.stream)

    def secret(self, field: str, label: str) -> str:
        return read_secret_line(self.console, label, self.stream)

    def confirm(self, question: str, *, default: bool) -> bool:
        return _OuiNon.ask(question, console=self.console, stream=self.stream, default=default)

    def warn(self, warnings: list[str]) -> None:
        for warning in warnings:
            self.console.print(f"[yellow]Attention : {escape(warning)}[/]")


# ---------------------------------------------------------------------------------------
# The three blocks of the form
# ---------------------------------------------------------------------------------------


def _ask_identity(session: _Session) -> dict[str, Any]:
    """NIR, civilité, names, birth date; a mismatch with the NIR re-asks both fields
    (the typed values are offered again, so only the wrong one needs retyping)."""
    shown: dict[str, str] = {}  # normalized values, offered again after a mismatch

    def nir_value(raw: str) -> str:
        nir = checks.clean_nir(raw)
        session.warn(checks.check_nir(nir))
        return nir

    for _ in range(MAX_FIELD_TRIES):
        nir = shown["nir"] = session.ask("nir", nir_value, default=shown.get("nir"))
        civilite = session.ask("civilite", checks.parse_civilite, default=shown.get("civilite"))
        shown["civilite"] = civilite
        if not _consistent(session, checks.check_nir_civilite, nir, civilite):
            continue
        nom = shown["nom"] = session.ask("nom_naissance", checks.normalize_nom, default=shown.get("nom"))
        prenom = shown["prenom"] = session.ask("prenom", checks.normalize_prenom, default=shown.get("prenom"))
        born = session.ask("date_naissance", checks.parse_birth_date, default=shown.get("date"))
        shown["date"] = checks.format_date(born)
        if not _consistent(session, checks.check_nir_birth_date, nir, born):
            continue
        return _identity_dict(nir, civilite, nom, prenom, born)
    raise BadInput(
        f"Le n° de sécurité sociale (nir) ne concorde toujours pas avec l'identité après "
        f"{MAX_FIELD_TRIES} essais : vérifiez-le sur la carte Vitale, puis relancez.",
        field="nir",
    )


def _consistent(session: _Session, check: Callable[[str, T], None], nir: str, other: T) -> bool:
    try:
        check(nir, other)
    except BadInput as exc:
        session.console.print(f"[red]{escape(exc.message)}[/]")
        session.console.print("Corrigez la valeur fausse ; Entrée garde la valeur affichée.")
        return False
    return True


def _identity_dict(nir: str, civilite: Civilite, nom: str, prenom: str, born: date) -> dict[str, Any]:
    return {
        "nir": nir,
        "civilite": civilite,
        "nom_naissance": nom,
        "prenom": prenom,
        "date_naissance": born,
    }


def _ask_address(session: _Session) -> dict[str, str]:
    pays = session.ask("adresse.pays", checks.normalize_pays, default="FRANCE")
    code_postal = session.ask("adresse.code_postal", lambda raw: checks.check_postal_code(pays, raw))
    ville = session.ask("adresse.ville", checks.normalize_ville)
    numero = session.ask("adresse.numero", checks.normalize_numero)

    def complement_value(raw: str) -> str:
        complement = checks.normalize_complement(raw)
        session.warn(checks.complement_warnings(complement))
        return complement

    complement = session.ask("adresse.complement", complement_value)
    voie = session.ask("adresse.voie", checks.normalize_voie)
    return {
        "pays": pays,
        "code_postal": code_postal,
        "ville": ville,
        "numero": numero,
        "complement": complement,
        "voie": voie,
    }


def _ask_contact(session: _Session) -> dict[str, str]:
    telephone = session.ask("contact.telephone", checks.normalize_phone)
    email = _ask_email_twice(session)
    question = _ask_question(session)
    answer = _ask_answer_twice(session)
    return {
        "telephone": telephone,
        "email": email,
        "question_secrete": question,
        "reponse_secrete": answer,
    }


_OTHER_QUESTION = ""


def _ask_question(session: _Session) -> str:
    """The secret question from the site's usual list (by its number), or another one
    written out — said, then, to be chosen in the site's list at registration."""
    field = "contact.question_secrete"
    session.console.print(f"[bold]{escape(FIELD_LABELS[field])}[/] — les questions proposées par le site :")
    for number, question in enumerate(SITE_QUESTIONS, start=1):
        session.console.print(f"  {number}. {escape(question)}")
    session.console.print("  0. Une autre question (à écrire)")

    def from_list(raw: str) -> str:
        answer = raw.strip()
        if answer.isdigit():
            if int(answer) == 0:
                return _OTHER_QUESTION
            if 1 <= int(answer) <= len(SITE_QUESTIONS):
                return SITE_QUESTIONS[int(answer) - 1]
            raise BadInput(f"Répondez par un numéro de 0 à {len(SITE_QUESTIONS)}, ou écrivez la question.", field)
        return _written(checks.normalize_question(raw, field))

    def _written(question: str) -> str:
        known = match_option(question, SITE_QUESTIONS, prefix=False)
        if known is None:
            session.warn([QUESTION_NOT_LISTED])
        return known or question

    chosen = session.ask(field, from_list, hint="numéro, ou la question écrite")
    if chosen != _OTHER_QUESTION:
        return chosen
    return session.ask(field, lambda raw: _written(checks.normalize_question(raw, field)), hint="écrivez la question")


def _ask_email_twice(session: _Session) -> str:
    # The activation link goes to this address: a typo there ends the journey, so it is
    # typed twice, as the site itself asks.
    for _ in range(MAX_FIELD_TRIES):
        email = session.ask("contact.email", checks.normalize_email)
        again = _LinePrompt.ask(
            "[bold]Ressaisissez l'adresse e-mail[/]", console=session.console, stream=session.stream
        )
        if again.strip().lower() == email.lower():
            return email
        session.console.print("[red]Les deux adresses e-mail ne sont pas identiques.[/]")
    raise BadInput(
        "Les deux saisies du champ « contact.email » diffèrent encore après "
        f"{MAX_FIELD_TRIES} essais : relancez la commande.",
        field="contact.email",
    )


def _ask_answer_twice(session: _Session) -> str:
    # Typed hidden (the advisor may be looking) and therefore twice.
    field = "contact.reponse_secrete"
    for _ in range(MAX_FIELD_TRIES):
        raw = session.secret(field, "[bold]Réponse à la question secrète[/] (cachée) : ")
        try:
            answer = checks.normalize_answer(raw)
        except BadInput as exc:
            session.console.print(f"[red]{escape(exc.message)}[/]")
            continue
        again = session.secret(field, "Retapez la réponse secrète : ")
        if " ".join(again.split()) == answer:
            return answer
        session.console.print("[red]Les deux réponses ne sont pas identiques.[/]")
    raise BadInput(
        f"Le champ « {field} » n'a pas pu être saisi après {MAX_FIELD_TRIES} essais : relancez la commande.",
        field=field,
    )


# ---------------------------------------------------------------------------------------
# Recap and saving
# ---------------------------------------------------------------------------------------


def recap_table(profile: Profile) -> Table:
    """What will be typed on the site: NIR and secret answer masked, e-mail in full
    (it is the one value the person must check letter by letter)."""
    values = profile.masked_summary()
    values["contact.email"] = profile.contact.email
    table = Table(title="Récapitulatif du profil")
    table.add_column("Champ")
    table.add_column("Valeur")
    for key, value in values.items():
        table.add_row(Text(FIELD_LABELS[key]), Text(value or "—"))
    return table


def default_profile_path(profile: Profile) -> Path:
    """`profil-dupont-jean.toml` in the current folder: one file per person at a desk."""
    raw = f"{profile.nom_naissance}-{profile.prenom}"
    ascii_only = fold(raw)  # « ŒUVRARD » → oeuvrard, not uvrard
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-") or "personne"
    return Path(f"profil-{slug}.toml")


def _offer_save(session: _Session, profile: Profile, path: Path) -> None:
    session.console.print(f"Le profil sera enregistré dans « {escape(str(path))} ».")
    if not session.confirm(SAVE_QUESTION, default=True):
        session.console.print("Profil non enregistré.")
        return
    if path.exists() and not session.confirm(
        f"Le fichier « {escape(str(path))} » existe déjà : le remplacer ?", default=False
    ):
        session.console.print("Profil non enregistré : le fichier existant est conservé.")
        return
    save_profile(profile, path)
    session.console.print(f"[green]Profil enregistré dans « {escape(str(path))} ».[/]")


def ask_profile(
    console: Console,
    *,
    input_stream: TextIO | None = None,
    save_to: Path | None = None,
) -> Profile:
    """Ask every field of the site's form, check each at once, recap, offer to save.

    `input_stream` defaults to standard input (a TTY or a pipe). `save_to` defaults to
    `default_profile_path()` in the current folder.
    """
    session = _Session(console, input_stream)
    console.print(
        "[bold]Création du profil[/] — les champs suivent l'ordre du formulaire du site. "
        "Aucun mot de passe n'est demandé ici."
    )
    try:
        data: dict[str, Any] = _ask_identity(session)
        data["adresse"] = _ask_address(session)
        data["contact"] = _ask_contact(session)
        profile = parse_profile(data)
        console.print(recap_table(profile))
        _offer_save(session, profile, save_to or default_profile_path(profile))
    except EOFError:
        raise BadInput(
            "La saisie du profil s'est arrêtée avant la fin (fin de l'entrée) : relancez la "
            "commande et répondez à chaque question, ou utilisez --profile FICHIER.",
            field="profile",
        ) from None
    return profile


# ---------------------------------------------------------------------------------------
# After a journey: the values chosen in the site's lists
# ---------------------------------------------------------------------------------------

# The flows' variables that a list of the site may change, and where they are in a profile.
LIST_FIELDS: dict[str, tuple[str, str]] = {
    "pays": ("adresse", "pays"),
    "ville": ("adresse", "ville"),
    "complement": ("adresse", "complement"),
    "question_secrete": ("contact", "question_secrete"),
}


def with_choices(profile: Profile, chosen: Iterable[Chosen]) -> Profile:
    """The profile with the values chosen in the site's lists instead of its own."""
    data = profile.to_toml_dict()
    for choice in chosen:
        where = LIST_FIELDS.get(choice.variable)
        if where is not None:
            data[where[0]][where[1]] = choice.chosen
    return parse_profile(data)


def offer_profile_update(
    console: Console,
    confirm: Callable[[str], bool],
    profile: Profile,
    path: Path | None,
    chosen: Sequence[Chosen],
) -> Profile:
    """Say which values were chosen in the site's lists, and offer to write them into the
    saved profile (so the next run finds them at once). Returns the updated profile."""
    relevant = [c for c in chosen if c.variable in LIST_FIELDS]
    if not relevant:
        return profile
    console.print("Choisi dans les listes du site pendant la démarche :")
    for choice in relevant:
        console.print(f"  {escape(choice.label)} : « {escape(choice.chosen)} » (profil : « {escape(choice.typed)} »)")
    updated = with_choices(profile, relevant)
    if path is None:
        console.print("Le profil n'est pas enregistré sur ce poste : ces valeurs servent pour cette séance.")
        return updated
    if confirm(f"Mettre à jour le profil enregistré « {path} » avec ces valeurs ?"):
        save_profile(updated, path)
        console.print(f"[green]Profil mis à jour : « {escape(str(path))} ».[/]")
    else:
        console.print("Profil enregistré inchangé.")
    return updated
