"""A faithful local replica of www.lassuranceretraite.fr (2018 procedure), for tests,
demos and training. Its pages use the real site's French words, labels and roles, so a
tool driving it by accessible names drives the real site the same way.

    from mock_site import MockConfig, create_app, get_state, serve
    app = create_app(MockConfig(ris_delay_s=0))
    with serve(app) as server:
        ...  # server.url

A site that changed since the seed (one-page app, late dialogs, look-alike controls,
notices, new words, random ids) is a matter of knobs: `MockConfig(**drift_options(["all"]))`
(mock_site/DRIFT.md).
"""

from mock_site.app import create_app, get_state
from mock_site.clock import Clock
from mock_site.config import Fault, MockConfig
from mock_site.decoys import DECOYS, Decoy
from mock_site.drift import DRIFT_KNOBS, UnknownDrift, drift_config, drift_options, parse_reword
from mock_site.records import (
    Account,
    ActivationRecord,
    DecoyClick,
    Email,
    LoginRecord,
    RegistrationRecord,
    RequestRecord,
)
from mock_site.server import RunningServer, serve
from mock_site.state import SiteState

__all__ = [
    "DECOYS",
    "DRIFT_KNOBS",
    "Account",
    "ActivationRecord",
    "Clock",
    "Decoy",
    "DecoyClick",
    "Email",
    "Fault",
    "LoginRecord",
    "MockConfig",
    "RegistrationRecord",
    "RequestRecord",
    "RunningServer",
    "SiteState",
    "UnknownDrift",
    "create_app",
    "drift_config",
    "drift_options",
    "get_state",
    "parse_reword",
    "serve",
]
