"""Ask a person's profile in the terminal, in the site's order, checking each answer at once.

Used by `register` without `--profile`. Standard input may be a pipe (scripts, tests):
every answer is one line, and the end of the input is a clear `BadInput`, never a hang
or an endless re-ask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO, TypeVar

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from carsat_pilot.core.ask import Ask
from carsat_pilot.core.errors import BadInput
from carsat_pilot.desk.profiles import default_profile_path
from carsat_pilot.person import checks
from carsat_pilot.person.checks import Civilite
from carsat_pilot.person.profile import FIELD_LABELS, Profile, parse_profile, save_profile
from carsat_pilot.site.choices import match_option

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


@dataclass
class _Form:
    """The questions of the form, asked through the one input layer."""

    ask: Ask

    @property
    def console(self) -> Console:
        return self.ask.console

    def field(
        self,
        field: str,
        convert: Callable[[str], T],
        *,
        default: str | None = None,
        hint: str | None = None,
    ) -> T:
        """Ask until `convert` accepts the answer, saying why it refused it each time."""
        refused = BadInput(
            f"Le champ « {field} » a été refusé {MAX_FIELD_TRIES} fois : vérifiez la valeur "
            "sur le document de la personne, puis relancez la commande.",
            field=field,
        )
        return self.ask.checked(_label(field, default, hint), convert, refused, default=default or "")

    def warn(self, warnings: list[str]) -> None:
        for warning in warnings:
            self.console.print(f"[yellow]Attention : {escape(warning)}[/]")


def _label(field: str, default: str | None, hint: str | None) -> str:
    label = f"[bold]{escape(FIELD_LABELS[field])}[/]"
    if field in OPTIONAL:
        label += " [dim](facultatif)[/]"
    if default:  # shown by the input layer: Enter keeps the value typed before
        return f"{label} :"
    if hint is not None:
        label += f" [dim]({escape(hint)})[/]"
    elif field in EXAMPLES:
        label += f" [dim](ex. {escape(EXAMPLES[field])})[/]"
    return f"{label} :"


# ---------------------------------------------------------------------------------------
# The three blocks of the form
# ---------------------------------------------------------------------------------------


def _ask_identity(form: _Form) -> dict[str, Any]:
    """NIR, civilité, names, birth date; a mismatch with the NIR re-asks both fields
    (the typed values are offered again, so only the wrong one needs retyping)."""
    shown: dict[str, str] = {}  # normalized values, offered again after a mismatch

    def nir_value(raw: str) -> str:
        nir = checks.clean_nir(raw)
        form.warn(checks.check_nir(nir))
        return nir

    for _ in range(MAX_FIELD_TRIES):
        nir = shown["nir"] = form.field("nir", nir_value, default=shown.get("nir"))
        civilite = form.field("civilite", checks.parse_civilite, default=shown.get("civilite"))
        shown["civilite"] = civilite
        if not _consistent(form, checks.check_nir_civilite, nir, civilite):
            continue
        nom = shown["nom"] = form.field("nom_naissance", checks.normalize_nom, default=shown.get("nom"))
        prenom = shown["prenom"] = form.field("prenom", checks.normalize_prenom, default=shown.get("prenom"))
        born = form.field("date_naissance", checks.parse_birth_date, default=shown.get("date"))
        shown["date"] = checks.format_date(born)
        if not _consistent(form, checks.check_nir_birth_date, nir, born):
            continue
        return _identity_dict(nir, civilite, nom, prenom, born)
    raise BadInput(
        f"Le n° de sécurité sociale (nir) ne concorde toujours pas avec l'identité après "
        f"{MAX_FIELD_TRIES} essais : vérifiez-le sur la carte Vitale, puis relancez.",
        field="nir",
    )


def _consistent(form: _Form, check: Callable[[str, T], None], nir: str, other: T) -> bool:
    try:
        check(nir, other)
    except BadInput as exc:
        form.console.print(f"[red]{escape(exc.message)}[/]")
        form.console.print("Corrigez la valeur fausse ; Entrée garde la valeur affichée.")
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


def _ask_address(form: _Form) -> dict[str, str]:
    pays = form.field("adresse.pays", checks.normalize_pays, default="FRANCE")
    code_postal = form.field("adresse.code_postal", lambda raw: checks.check_postal_code(pays, raw))
    ville = form.field("adresse.ville", checks.normalize_ville)
    numero = form.field("adresse.numero", checks.normalize_numero)

    def complement_value(raw: str) -> str:
        complement = checks.normalize_complement(raw)
        form.warn(checks.complement_warnings(complement))
        return complement

    complement = form.field("adresse.complement", complement_value)
    voie = form.field("adresse.voie", checks.normalize_voie)
    return {
        "pays": pays,
        "code_postal": code_postal,
        "ville": ville,
        "numero": numero,
        "complement": complement,
        "voie": voie,
    }


def _ask_contact(form: _Form) -> dict[str, str]:
    telephone = form.field("contact.telephone", checks.normalize_phone)
    email = _ask_email_twice(form)
    question = _ask_question(form)
    answer = _ask_answer_twice(form)
    return {
        "telephone": telephone,
        "email": email,
        "question_secrete": question,
        "reponse_secrete": answer,
    }


_OTHER_QUESTION = ""


def _ask_question(form: _Form) -> str:
    """The secret question from the site's usual list (by its number), or another one
    written out — said, then, to be chosen in the site's list at registration."""
    field = "contact.question_secrete"
    form.console.print(f"[bold]{escape(FIELD_LABELS[field])}[/] — les questions proposées par le site :")
    for number, question in enumerate(SITE_QUESTIONS, start=1):
        form.console.print(f"  {number}. {escape(question)}")
    form.console.print("  0. Une autre question (à écrire)")

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
            form.warn([QUESTION_NOT_LISTED])
        return known or question

    chosen = form.field(field, from_list, hint="numéro, ou la question écrite")
    if chosen != _OTHER_QUESTION:
        return chosen
    return form.field(field, lambda raw: _written(checks.normalize_question(raw, field)), hint="écrivez la question")


def _ask_email_twice(form: _Form) -> str:
    # The activation link goes to this address: a typo there ends the journey, so it is
    # typed twice, as the site itself asks.
    for _ in range(MAX_FIELD_TRIES):
        email = form.field("contact.email", checks.normalize_email)
        again = form.ask.line("[bold]Ressaisissez l'adresse e-mail[/] :")
        if again.strip().lower() == email.lower():
            return email
        form.console.print("[red]Les deux adresses e-mail ne sont pas identiques.[/]")
    raise BadInput(
        "Les deux saisies du champ « contact.email » diffèrent encore après "
        f"{MAX_FIELD_TRIES} essais : relancez la commande.",
        field="contact.email",
    )


def _ask_answer_twice(form: _Form) -> str:
    # Typed hidden (the advisor may be looking) and therefore twice.
    field = "contact.reponse_secrete"
    for _ in range(MAX_FIELD_TRIES):
        raw = form.ask.secret("[bold]Réponse à la question secrète[/] (cachée) :")
        try:
            answer = checks.normalize_answer(raw)
        except BadInput as exc:
            form.console.print(f"[red]{escape(exc.message)}[/]")
            continue
        again = form.ask.secret("Retapez la réponse secrète :")
        if " ".join(again.split()) == answer:
            return answer
        form.console.print("[red]Les deux réponses ne sont pas identiques.[/]")
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


def _offer_save(form: _Form, profile: Profile, path: Path) -> None:
    form.console.print(f"Le profil sera enregistré dans « {escape(str(path))} ».")
    if not form.ask.yes_no(SAVE_QUESTION, default=True):
        form.console.print("Profil non enregistré.")
        return
    if path.exists() and not form.ask.yes_no(
        f"Le fichier « {escape(str(path))} » existe déjà : le remplacer ?", default=False
    ):
        form.console.print("Profil non enregistré : le fichier existant est conservé.")
        return
    save_profile(profile, path)
    form.console.print(f"[green]Profil enregistré dans « {escape(str(path))} ».[/]")


def ask_profile(
    console: Console,
    *,
    input_stream: TextIO | None = None,
    save_to: Path | None = None,
    ask: Ask | None = None,
) -> Profile:
    """Ask every field of the site's form, check each at once, recap, offer to save.

    Asked through `ask`, else standard input or `input_stream` (a TTY or a pipe).
    `save_to` defaults to `default_profile_path()` in the current folder.
    """
    form = _Form(ask or Ask(console, input_stream))
    console.print(
        "[bold]Création du profil[/] — les champs suivent l'ordre du formulaire du site. "
        "Aucun mot de passe n'est demandé ici."
    )
    try:
        data: dict[str, Any] = _ask_identity(form)
        data["adresse"] = _ask_address(form)
        data["contact"] = _ask_contact(form)
        profile = parse_profile(data)
        console.print(recap_table(profile))
        _offer_save(form, profile, save_to or default_profile_path(profile))
    except EOFError:
        raise BadInput(
            "La saisie du profil s'est arrêtée avant la fin (fin de l'entrée) : relancez la "
            "commande et répondez à chaque question, ou utilisez --profile FICHIER.",
            field="profile",
        ) from None
    return profile
