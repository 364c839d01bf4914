"""Human effort: the person's actions with carsat-pilot (read from its journal) against
the seed's procedure done by hand (counted below, once, from
/work/shared/seed/000_d9df21f3bd6940f8.txt — the "Procédure CARSAT").

An action is a *keystroke group* (typing one value in one field or box, Tab/click into it
included, Enter included) or a *click* (a link, a button, a box, a radio; a drop-down
list is two clicks: open it, pick the line)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# --------------------------------------------------------------------------- by hand
# Seed, steps 1 to 6: a new espace personnel, activated.
MANUAL_NEW_ACCOUNT: list[tuple[str, str]] = [
    # 1- « Recherchez sur Google : l'assurance retraite et cliquez sur le lien »
    ("keys", "1. search « l'assurance retraite »"),
    ("click", "1. the lassuranceretraite.fr result"),
    # 2- « Je crée mon espace », then again on the page that opens
    ("click", "2. Je crée mon espace"),
    ("click", "2. Je crée mon espace (new page)"),
    # 3- Étape 1: the identity form
    ("keys", "3. N° de Sécurité sociale"),
    ("click", "3. Civilité (radio)"),
    ("keys", "3. Nom de naissance"),
    ("keys", "3. Prénom"),
    ("keys", "3. Date de naissance JJ"),
    ("keys", "3. Date de naissance MM"),
    ("keys", "3. Date de naissance AAAA"),
    ("keys", "3. code of the image (captcha)"),
    ("click", "3. Je reconnais avoir pris connaissance… (box)"),
    ("click", "3. Etape suivante"),
    # 3- Étape 2: « Je saisis mon adresse »
    ("click", "3. Pays de résidence (open list)"),
    ("click", "3. Pays de résidence (pick)"),
    ("keys", "3. Code postal"),
    ("click", "3. Ville (open list)"),
    ("click", "3. Ville (pick)"),
    ("keys", "3. Numéro de voie"),
    ("keys", "3. Nom de la voie"),
    ("click", "3. Valider votre voie"),
    ("click", "3. Etape suivante"),
    # 4- Étape 3: contact, password, secret question
    ("keys", "4. Numéro de téléphone"),
    ("keys", "4. Adresse e-mail"),
    ("keys", "4. Ressaisir l'adresse e-mail"),
    ("keys", "4. Mot de passe"),
    ("keys", "4. Confirmer votre mot de passe"),
    ("click", "4. Question secrète (open list)"),
    ("click", "4. Question secrète (pick)"),
    ("keys", "4. Réponse à la question secrète"),
    ("click", "4. Je valide mon inscription"),
    # 5- the mailbox
    ("click", "5. open the mailbox"),
    ("click", "5. open the Carsat e-mail"),
    ("click", "5. Je confirme la création de mon espace personnel"),
    # 6- the activation page
    ("keys", "6. N° de Sécurité sociale"),
    ("keys", "6. Mot de passe"),
    ("click", "6. Activer votre espace"),
]
# Seed, steps 8 to 11 (step 1 to reach the site again; step 7's « connectez vous » is
# the same single click only when the RIS is asked right after the activation).
MANUAL_RIS: list[tuple[str, str]] = [
    ("keys", "1. search « l'assurance retraite »"),
    ("click", "1. the lassuranceretraite.fr result"),
    ("keys", "8. N° de Sécurité sociale"),
    ("keys", "8. Mot de passe"),
    ("click", "8. J'accède à mon espace"),
    ("click", "9. MES SERVICES"),
    ("click", "9. Mon relevé de carrière tous régimes"),
    ("click", "10. Demander mon Relevé Individuel de Situation"),
    ("click", "11. Rafraîchir (at least once, a few minutes later)"),
    ("click", "11. Téléchargez votre Relevé Individuel de Situation"),
]
# Not counted by hand either: the cookie banner the real site shows today (1 click).

# --------------------------------------------------------------------------- the tool
# What the person does for each hand-over the journal records (`--human terminal`).
HANDOVER_ACTIONS: dict[str, tuple[int, int, str]] = {
    # kind: (keystroke groups, clicks, what)
    "captcha": (1, 0, "type the code of the saved image + Enter"),
    "activation_link": (1, 2, "open the e-mail, copy « Je confirme… », paste it + Enter"),
    "one_time_code": (1, 0, "type the code received + Enter"),
    "ris": (0, 0, "nothing: the tool waits and refreshes by itself"),
}
# Outside the journal: typing the command (one keystroke group per command). The
# password comes from CARSAT_PILOT_PASSWORD here; typed at the hidden prompt instead it
# adds 2 keystroke groups for `register` (twice) and 1 for `fetch-ris`. The profile
# (14 values, a TOML file or `register` without --profile) is typed once per person and
# kept: it replaces the forms' typing, and is not counted per journey.
LAUNCH_ACTIONS = 1


@dataclass
class Effort:
    keys: int
    clicks: int
    detail: str

    @property
    def total(self) -> int:
        return self.keys + self.clicks

    def as_dict(self) -> dict[str, object]:
        return {"total": self.total, "keystroke_groups": self.keys, "clicks": self.clicks, "detail": self.detail}


def manual(actions: list[tuple[str, str]]) -> Effort:
    keys = sum(1 for kind, _ in actions if kind == "keys")
    clicks = sum(1 for kind, _ in actions if kind == "click")
    return Effort(keys, clicks, f"seed by hand: {keys} fields typed + {clicks} clicks")


def read_handovers(journal: Path, run_id: str | None = None) -> Counter[str]:
    """Hand-overs that ended (`human_done`), by kind, for one run of the journal (all
    runs when `run_id` is None)."""
    done: Counter[str] = Counter()
    if not journal.exists():
        return done
    for line in journal.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if run_id is not None and record.get("run") != run_id:
            continue
        if record.get("kind") == "human_done":
            kind = (record.get("data") or {}).get("handover", "?")
            done[kind] += 1
    return done


def tool(handovers: Counter[str], commands: int = 1) -> Effort:
    keys, clicks, parts = commands * LAUNCH_ACTIONS, 0, [f"{commands} command line"]
    for kind, count in sorted(handovers.items()):
        k, c, _what = HANDOVER_ACTIONS.get(kind, (1, 0, "unknown hand-over: counted as 1"))
        keys += k * count
        clicks += c * count
        if k or c:
            parts.append(f"{kind}×{count} ({k * count}k+{c * count}c)")
    return Effort(keys, clicks, "; ".join(parts))
