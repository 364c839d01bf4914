"""Postal codes → communes, and the address normalization behind "Valider votre voie".

The real site checks the address against La Poste's reference (RNVP norm): upper case,
no accents, no punctuation, standard abbreviations of the street type and common words,
at most 38 characters a line. The replica applies the same kind of rewriting on a small
real extract of postal codes (data/communes.json)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from mock_site.validation import fold

COUNTRIES = [
    "FRANCE",
    "ALLEMAGNE",
    "ALGERIE",
    "BELGIQUE",
    "ESPAGNE",
    "ITALIE",
    "LUXEMBOURG",
    "MAROC",
    "PORTUGAL",
    "ROYAUME-UNI",
    "SUISSE",
    "TUNISIE",
]
COMPLEMENTS = ["", "BIS", "TER", "QUATER", "A", "B", "C"]

# The usual La Poste abbreviations (norme AFNOR NF Z 10-011), street types and titles.
ABBREVIATIONS = {
    "ALLEE": "ALL",
    "AVENUE": "AV",
    "BOULEVARD": "BD",
    "CHEMIN": "CHE",
    "CHAUSSEE": "CHS",
    "COURS": "CRS",
    "DOCTEUR": "DR",
    "FAUBOURG": "FG",
    "GENERAL": "GAL",
    "IMPASSE": "IMP",
    "LIEU-DIT": "LD",
    "LIEUDIT": "LD",
    "MARECHAL": "MAL",
    "PASSAGE": "PAS",
    "PLACE": "PL",
    "PRESIDENT": "PDT",
    "PROFESSEUR": "PR",
    "QUARTIER": "QUA",
    "RESIDENCE": "RES",
    "ROND-POINT": "RPT",
    "ROUTE": "RTE",
    "SAINT": "ST",
    "SAINTE": "STE",
    "SQUARE": "SQ",
    "HAMEAU": "HAM",
}
MAX_LINE = 38

# Messages of the address step.
CP_REQUIRED = "Le code postal est obligatoire."
CP_INVALID = "Le code postal doit comporter 5 chiffres."
CP_UNKNOWN = "Le code postal saisi est inconnu."
VILLE_REQUIRED = "Veuillez sélectionner votre ville."
VILLE_MISMATCH = "La ville sélectionnée ne correspond pas au code postal."
LOCALITE_REQUIRED = "La ville est obligatoire."
NUMERO_INVALID = "Le numéro de voie doit être numérique."
VOIE_REQUIRED = "Le nom de la voie est obligatoire."
VOIE_TOO_LONG = "Le nom de la voie ne doit pas dépasser 38 caractères."
PAYS_REQUIRED = "Le pays de résidence est obligatoire."


@cache
def _table() -> dict[str, list[str]]:
    raw = resources.files("mock_site").joinpath("data/communes.json").read_text("utf-8")
    communes: dict[str, list[str]] = json.loads(raw)["communes"]
    return communes


def communes_for(code_postal: str) -> list[str]:
    return list(_table().get(code_postal.strip(), []))


def known_postal_codes() -> list[str]:
    return sorted(_table())


@dataclass(frozen=True)
class AddressInput:
    pays: str
    code_postal: str
    ville: str
    numero_voie: str
    complement: str
    nom_voie: str

    def as_dict(self) -> dict[str, str]:
        return {
            "pays": self.pays,
            "code_postal": self.code_postal,
            "ville": self.ville,
            "numero_voie": self.numero_voie,
            "complement": self.complement,
            "nom_voie": self.nom_voie,
        }


def address_errors(address: AddressInput) -> dict[str, str]:
    """Field name → message, for the fields of the address step."""
    errors: dict[str, str] = {}
    if address.pays not in COUNTRIES:
        errors["pays"] = PAYS_REQUIRED
    if address.pays == "FRANCE":
        cp = address.code_postal.strip()
        if not cp:
            errors["code_postal"] = CP_REQUIRED
        elif not re.fullmatch(r"\d{5}", cp):
            errors["code_postal"] = CP_INVALID
        elif not communes_for(cp):
            errors["code_postal"] = CP_UNKNOWN
        elif not address.ville:
            errors["ville"] = VILLE_REQUIRED
        elif address.ville not in communes_for(cp):
            errors["ville"] = VILLE_MISMATCH
    elif not address.ville.strip():
        errors["ville"] = LOCALITE_REQUIRED
    if address.numero_voie.strip() and not re.fullmatch(r"\d{1,4}", address.numero_voie.strip()):
        errors["numero_voie"] = NUMERO_INVALID
    voie = address.nom_voie.strip()
    if not voie:
        errors["nom_voie"] = VOIE_REQUIRED
    elif len(normalize_street(voie)) > MAX_LINE:
        errors["nom_voie"] = VOIE_TOO_LONG
    return errors


def normalize_street(voie: str) -> str:
    words = re.sub(r"[^A-Z0-9\- ]", " ", fold(voie)).split()
    # Hyphens only survive inside the words that need them (LIEU-DIT, ROND-POINT).
    out: list[str] = []
    for word in words:
        if word in ABBREVIATIONS:
            out.append(ABBREVIATIONS[word])
            continue
        for piece in word.split("-"):
            if piece:
                out.append(ABBREVIATIONS.get(piece, piece))
    return " ".join(out)


def normalize_address(address: AddressInput) -> list[str]:
    """The lines shown under "Adresse normalisée" and kept in the account."""
    number = " ".join(p for p in (address.numero_voie.strip(), address.complement) if p)
    street = normalize_street(address.nom_voie)
    first = f"{number} {street}".strip()
    if address.pays == "FRANCE":
        town = f"{address.code_postal.strip()} {address.ville}".strip()
    else:
        town = " ".join(p for p in (address.code_postal.strip(), fold(address.ville).strip()) if p)
    return [first, town, address.pays]
