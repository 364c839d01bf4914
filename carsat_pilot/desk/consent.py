"""The person's consent, asked by `register` and the guided session alike, journaled.

Seed, step 3: a mandataire may not register for someone else. One question, one
refusal, one journal record — before any of the person's data is typed into the site.
"""

from __future__ import annotations

from carsat_pilot.core.ask import Ask
from carsat_pilot.core.errors import BadInput
from carsat_pilot.record.journal import Journal, consent_record

CONSENT_QUESTION = (
    "La personne concernée est-elle présente à côté de vous et d'accord pour que "
    "carsat-pilot remplisse le site avec ses informations ?"
)
CONSENT_REFUSED = (
    "Sans l'accord de la personne concernée, rien n'est envoyé au site "
    "(un mandataire ne peut pas s'inscrire à sa place)."
)


def ask_consent(ask: Ask, journal: Journal, *, given: bool, flow: str) -> None:
    """The advisor says the person is present and agrees (`given`: --yes said it
    beforehand); journaled either way, and a refusal stops here with BadInput."""
    agreed = given or ask.yes_no(CONSENT_QUESTION, default=False)
    journal.write(consent_record(agreed, "--yes" if given else "conseiller", journal.run_id, flow=flow))
    if not agreed:
        raise BadInput(CONSENT_REFUSED)
