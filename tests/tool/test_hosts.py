from __future__ import annotations

import pytest

from carsat_pilot.core.errors import BadInput
from carsat_pilot.site.hosts import check_base_url, same_site


@pytest.mark.parametrize(
    "url",
    [
        "https://www.lassuranceretraite.fr",
        "https://lassuranceretraite.fr/",
        "http://127.0.0.1:8000",
        "http://localhost:5000",
    ],
)
def test_official_site_and_loopback_are_accepted(url: str) -> None:
    assert check_base_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "http://www.lassuranceretraite.fr",  # never without TLS
        "https://lassuranceretraite.fr.evil.example",
        "https://evil-lassuranceretraite.fr",
        "http://192.168.1.10:8000",
        "ftp://127.0.0.1",
        "pas une adresse",
    ],
)
def test_other_sites_are_refused(url: str) -> None:
    with pytest.raises(BadInput) as caught:
        check_base_url(url)
    assert caught.value.exit_code == 2


def test_a_pasted_link_must_lead_to_the_site_driven() -> None:
    assert same_site("http://127.0.0.1:8000/activation?t=1", "http://127.0.0.1:8000")
    assert not same_site("http://127.0.0.1:9000/activation?t=1", "http://127.0.0.1:8000")
    assert same_site("https://www.lassuranceretraite.fr/x", "https://www.lassuranceretraite.fr")
    assert not same_site("https://lassuranceretraite.example/x", "https://www.lassuranceretraite.fr")
