"""The one host rule (`assert_may_type`) the engine calls before typing or sending."""

from __future__ import annotations

import pytest

from carsat_pilot.core.errors import BadInput, ExitCode
from carsat_pilot.site.hosts import (
    assert_may_type,
    check_base_url,
    check_mailbox_url,
    may_hand_over,
    same_site,
)

REAL = "https://www.lassuranceretraite.fr"
MOCK = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://www.lassuranceretraite.fr/espace-personnel/inscription", REAL),
        ("https://lassuranceretraite.fr/x", REAL),
        ("https://espace.lassuranceretraite.fr/x?y=1", REAL),
        ("http://127.0.0.1:8000/inscription/etape1", MOCK),
        ("http://127.0.0.1:8000", MOCK),
        ("http://localhost:5000/a", "http://localhost:5000"),
        ("http://[::1]:5000/a", "http://[::1]:5000"),
    ],
)
def test_the_site_and_the_replicas_own_origin_may_be_typed_into(url: str, base: str) -> None:
    assert_may_type(url, base)


@pytest.mark.parametrize(
    ("url", "base", "named"),
    [
        # a redirect to another loopback port: another program, maybe another user's
        ("http://127.0.0.1:9000/inscription/etape1", MOCK, "127.0.0.1:9000"),
        # localhost is another host name than 127.0.0.1: another origin for the browser
        ("http://localhost:8000/inscription/etape1", MOCK, "localhost:8000"),
        ("https://127.0.0.1:8000/x", MOCK, "127.0.0.1:8000"),
        ("http://evil.example/inscription", MOCK, "evil.example"),
        # the real site: only HTTPS, only lassuranceretraite.fr and its sub-domains
        ("http://www.lassuranceretraite.fr/x", REAL, "www.lassuranceretraite.fr"),
        ("https://lassuranceretraite.fr.evil.example/x", REAL, "lassuranceretraite.fr.evil.example"),
        ("https://evil-lassuranceretraite.fr/x", REAL, "evil-lassuranceretraite.fr"),
        ("https://127.0.0.1:8000/x", REAL, "127.0.0.1"),
        # FranceConnect: the person logs in there, the tool never types
        ("https://app.franceconnect.gouv.fr/login", REAL, "app.franceconnect.gouv.fr"),
        ("about:blank", REAL, "about:blank"),
        ("data:text/html,<form>", MOCK, "data:text/html"),
        ("", MOCK, "(vide)"),
        # a base that is itself not allowed refuses everything
        ("http://evil.example/x", "http://evil.example", "evil.example"),
    ],
)
def test_any_other_page_is_a_stop_naming_its_host(url: str, base: str, named: str) -> None:
    with pytest.raises(BadInput) as caught:
        assert_may_type(url, base)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert named in caught.value.message
    assert "rien n'a été saisi" in caught.value.message
    assert caught.value.message.count(".") >= 1 and "\n" not in caught.value.message


def test_franceconnect_is_allowed_for_the_hand_over_only() -> None:
    assert may_hand_over("https://app.franceconnect.gouv.fr/api/v1/authorize", REAL)
    assert may_hand_over("https://www.lassuranceretraite.fr/x", REAL)
    assert not may_hand_over("http://app.franceconnect.gouv.fr/x", REAL)
    assert not may_hand_over("https://franceconnect.gouv.fr.evil.example/x", REAL)
    with pytest.raises(BadInput):
        assert_may_type("https://app.franceconnect.gouv.fr/api/v1/authorize", REAL)


def test_links_and_base_url_use_the_same_rule() -> None:
    assert same_site("http://127.0.0.1:8000/activation?t=1", MOCK)
    assert not same_site("http://localhost:8000/activation?t=1", MOCK)
    assert not same_site("http://127.0.0.1:9000/activation?t=1", MOCK)
    assert not same_site("https://app.franceconnect.gouv.fr/x", REAL)
    assert check_base_url("http://127.0.0.1:8000/") == MOCK
    with pytest.raises(BadInput):
        check_base_url("http://127.0.0.1:notaport")


def test_mailbox_url_is_checked() -> None:
    assert check_mailbox_url("http://127.0.0.1:8000/mailbox", MOCK)
    assert check_mailbox_url("https://mail.example.org/", REAL)
    for bad, base in [
        ("http://127.0.0.1:9000/mailbox", MOCK),
        ("http://evil.example/mailbox", MOCK),
        ("http://mail.example.org/", REAL),
        ("javascript:alert(1)", REAL),
        ("http://127.0.0.1:8000/mailbox", REAL),
    ]:
        with pytest.raises(BadInput) as caught:
            check_mailbox_url(bad, base)
        assert caught.value.field == "--mailbox-url"
