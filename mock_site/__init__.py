"""A faithful local replica of www.lassuranceretraite.fr (2018 procedure), for tests,
demos and training. Its pages use the real site's French words, labels and roles, so a
tool driving it by accessible names drives the real site the same way.

    from mock_site import MockConfig, create_app, get_state, serve
    app = create_app(MockConfig(ris_delay_s=0))
    with serve(app) as server:
        ...  # server.url
"""

from mock_site.app import create_app, get_state
from mock_site.config import Fault, MockConfig
from mock_site.server import RunningServer, serve
from mock_site.state import (
    Account,
    ActivationRecord,
    Email,
    LoginRecord,
    RegistrationRecord,
    RequestRecord,
    SiteState,
)

__all__ = [
    "Account",
    "ActivationRecord",
    "Email",
    "Fault",
    "LoginRecord",
    "MockConfig",
    "RegistrationRecord",
    "RequestRecord",
    "RunningServer",
    "SiteState",
    "create_app",
    "get_state",
    "serve",
]
