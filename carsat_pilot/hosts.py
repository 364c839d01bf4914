"""The host rule of DESIGN.md: a person's NIR and password are typed only into the
official site over HTTPS, or into the local replica on loopback."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from carsat_pilot.errors import BadInput

OFFICIAL_SITE = "https://www.lassuranceretraite.fr"
OFFICIAL_DOMAINS = ("lassuranceretraite.fr",)


def _under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """The normalized base URL, or BadInput before anything is sent."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise BadInput(f"L'adresse du site « {url} » n'est pas une adresse web valide.", "--base-url")
    if _under(host, OFFICIAL_DOMAINS):
        if parts.scheme != "https":
            raise BadInput(
                f"Le site de l'Assurance retraite s'utilise uniquement en HTTPS : utilisez https://{host}.",
                "--base-url",
            )
    elif not is_loopback(host):
        raise BadInput(
            f"Par sécurité, carsat-pilot ne saisit vos données que sur lassuranceretraite.fr "
            f"(ou sur le site d'exercice local) : « {host} » est refusé.",
            "--base-url",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def same_site(url: str, base_url: str) -> bool:
    """True when `url` belongs to the site being driven (a link pasted by a person must
    lead there, not to a look-alike that would collect the password)."""
    target = urlsplit(url.strip())
    base = urlsplit(base_url)
    host = (target.hostname or "").lower()
    base_host = (base.hostname or "").lower()
    if target.scheme not in ("http", "https"):
        return False
    if is_loopback(base_host):
        return host == base_host and target.port == base.port
    return target.scheme == "https" and _under(host, OFFICIAL_DOMAINS)
