"""The journeys a person comes for, each a chain of flows in one browser session:
register (→ activation), activate, fetch-ris."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from carsat_pilot.core.errors import SiteRefused
from carsat_pilot.journeys import ris
from carsat_pilot.journeys.browser_session import browser_session
from carsat_pilot.journeys.login import Login, login_flows
from carsat_pilot.journeys.options import RunOptions
from carsat_pilot.journeys.recap import recap_table
from carsat_pilot.person.profile import Profile
from carsat_pilot.record import masking
from carsat_pilot.record.state import StateStore
from carsat_pilot.site.engine import Engine
from carsat_pilot.site.flowspec import load_flow, load_site
from carsat_pilot.site.handover import accept_link
from carsat_pilot.site.warmup import compile_in_background

# How many times fetch-ris logs in again after the site ended the session.
SESSION_RETRIES = 3
ACTIVE_SUMMARY = (
    "Votre espace personnel est actif : vous pouvez maintenant obtenir votre relevé (« carsat-pilot fetch-ris »)."
)


def profile_variables(profile: Profile, password: str) -> dict[str, str]:
    """What the flows may type, named as the flows name it."""
    birth = profile.date_naissance
    return {
        "nir": profile.nir,
        "civilite": profile.civilite,
        "nom_naissance": profile.nom_naissance,
        "prenom": profile.prenom,
        "date_naissance": birth.strftime("%d/%m/%Y"),
        "pays": profile.adresse.pays,
        "code_postal": profile.adresse.code_postal,
        "ville": profile.adresse.ville,
        "numero": profile.adresse.numero,
        "complement": profile.adresse.complement,
        "voie": profile.adresse.voie,
        "telephone": profile.contact.telephone or "",
        "email": profile.contact.email,
        "question_secrete": profile.contact.question_secrete,
        "reponse_secrete": profile.contact.reponse_secrete,
        "password": password,
    }


# --------------------------------------------------------------------------- journeys
def register(options: RunOptions, profile: Profile, password: str, *, activate: bool = True) -> str:
    """Create the espace personnel, then (by default) activate it. Returns a summary."""
    variables = profile_variables(profile, password)
    console = options.console
    flows = [load_flow("register"), load_flow("activate")]
    compile_in_background(load_site(), flows, variables)  # while the browser starts
    with browser_session(options, variables, profile.nir) as (engine, store):
        engine.recap = recap_table(variables, None if console.is_terminal else masking.current())
        total = sum(len(f.steps) for f in flows)
        if store.state.registered_at is not None:
            console.print(
                f"L'inscription a déjà été envoyée le {store.state.registered_at:%d/%m/%Y à %H:%M} : "
                "elle n'est pas renvoyée."
            )
            if store.state.activated_at is not None:
                return "Cet espace personnel est déjà créé et activé : utilisez « carsat-pilot fetch-ris »."
            if not activate:
                return "Terminez avec « carsat-pilot activate LIEN »."
        else:
            engine.run(flows[0], total=total if activate else len(flows[0].steps))
        if not activate:
            return "Inscription envoyée : consultez votre messagerie puis lancez « carsat-pilot activate LIEN »."
        engine.run(flows[1], first_step=len(flows[0].steps) + 1, total=total)
        return ACTIVE_SUMMARY


def activate(options: RunOptions, nir: str, password: str, link: str | None) -> str:
    variables = {"nir": nir, "password": password}
    if link:
        masking.learn(secrets=[link.strip()])
    with browser_session(options, variables, nir) as (engine, _store):
        if link:
            accept_link(engine, link)
        engine.run(load_flow("activate"))
        return ACTIVE_SUMMARY


@dataclass
class _RisJourney:
    """The « ris » action of the fetch_ris flow, given what it needs once the browser is up."""

    settings: ris.RisSettings
    store: StateStore | None = None
    login: Login | None = None
    result: ris.Downloaded | None = None

    def action(self, engine: Engine, params: Mapping[str, str], _optional: bool) -> None:
        assert self.store is not None and self.login is not None
        self.result = ris.obtain_ris(engine, params, self.settings, self.store, relogin=self.login.back_to_services)


def fetch_ris(
    options: RunOptions,
    nir: str,
    password: str,
    *,
    download_dir: Path | None = None,
    wait_s: float = 900.0,
    accept_archived: bool = False,
    franceconnect: bool = False,
    surname: str = "",
    refresh_interval_s: float | None = None,
) -> str:
    """Log in, open « Mon relevé de carrière tous régimes », get the PDF."""
    journey = _RisJourney(
        ris.RisSettings(
            download_dir=download_dir or default_download_dir(),
            wait_s=wait_s,
            accept_archived=accept_archived,
            surname=surname or "RELEVE",
            first_interval_s=refresh_interval_s or ris.FIRST_INTERVAL_S,
        )
    )
    variables = {"nir": nir, "password": password}
    flows = login_flows(franceconnect)
    compile_in_background(load_site(), flows, variables)  # while the browser starts
    with browser_session(options, variables, nir, actions={"ris": journey.action}) as (engine, store):
        journey.store = store
        login = journey.login = Login(engine, franceconnect, flows)
        login.log_in()
        for attempt in range(1, SESSION_RETRIES + 1):
            try:
                engine.run(login.services, first_step=login.services_first_step, total=login.total)
                break
            except SiteRefused:
                # The session expired on the way (slow site, a pause): log in again and
                # go on. A RIS request already sent is in the state file: not sent again.
                expired = engine.last_signal is not None and engine.last_signal.kind == "session_expired"
                if not expired or attempt == SESSION_RETRIES:
                    raise
                engine.emit("retry", "session expirée : reconnexion")
                login.log_in()
        assert journey.result is not None
        return ris.describe(journey.result)


def default_download_dir() -> Path:
    return Path(platformdirs.user_documents_dir()) / "RIS"
