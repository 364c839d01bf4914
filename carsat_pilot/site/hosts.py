"""The host rule of DESIGN.md: a person's NIR and password are typed only into the
official site over HTTPS, or into the local replica on loopback.

One rule, one core (`refusal`), used everywhere: the --base-url option, a link pasted
by the person, --mailbox-url, and — through `assert_may_type` — the page the tool is
about to type into or send, whatever brought it there (a redirect, a page adopted
because it shows the expected words, a new tab).

On loopback (the replica) the rule is the *origin* of the base URL: same scheme, same
host name, same port. `localhost` and `127.0.0.1` are different hosts for it, and so is
another port: the browser keeps their cookies apart, and another loopback port can be
any program of any user of the machine — only the address the advisor gave is the
replica they meant.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from carsat_pilot.core.errors import BadInput

OFFICIAL_SITE = "https://www.lassuranceretraite.fr"
OFFICIAL_DOMAINS = ("lassuranceretraite.fr",)
# FranceConnect and its identity providers: the *person* logs in there (a hand-over),
# the tool never types on them.
FRANCECONNECT_DOMAINS = ("franceconnect.gouv.fr", "franceconnect.fr")


def _under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _port(parts: SplitResult) -> int | None:
    """The port, the scheme's default when none is written, -1 when it is not a number."""
    try:
        port = parts.port
    except ValueError:
        return -1
    if port is None:
        return {"http": 80, "https": 443}.get(parts.scheme)
    return port


def host_of(url: str) -> str:
    """The host name of `url` as a person would read it ("" when there is none)."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def refusal(url: str, base_url: str, *, hand_over: bool = False) -> str | None:
    """None when a person's data may go to `url` while driving `base_url`; otherwise
    one French sentence naming the host. `hand_over` also lets FranceConnect's hosts
    through (the person logs in there, the tool types nothing)."""
    try:
        target = urlsplit(url.strip())
        base = urlsplit(base_url.strip())
    except ValueError:
        target = base = urlsplit("")
    host = (target.hostname or "").lower() if target.scheme else ""
    base_host = (base.hostname or "").lower()
    shown = host or (url.strip()[:60] or "(vide)")
    if target.scheme not in ("http", "https") or not host:
        return (
            f"Par sécurité, rien n'a été saisi : la page « {shown} » n'est pas une adresse web "
            "du site de l'Assurance retraite."
        )
    if is_loopback(base_host) and base.scheme in ("http", "https"):
        if (target.scheme, host, _port(target)) == (base.scheme, base_host, _port(base)):
            return None
        where = f"{host}:{_port(target)}" if _port(target) else host
        return (
            f"Par sécurité, rien n'a été saisi : la page est sur « {where} », "
            f"pas sur le site d'exercice choisi ({base.netloc})."
        )
    if base.scheme != "https" or not _under(base_host, OFFICIAL_DOMAINS):
        return (
            f"Par sécurité, rien n'a été saisi : le site « {base_host or base_url} » n'est ni "
            "lassuranceretraite.fr ni le site d'exercice local."
        )
    if _under(host, OFFICIAL_DOMAINS) or (hand_over and _under(host, FRANCECONNECT_DOMAINS)):
        if target.scheme != "https":
            return f"Par sécurité, rien n'a été saisi : la page de « {host} » n'est pas chiffrée (HTTPS)."
        return None
    return (
        f"Par sécurité, rien n'a été saisi : la page est sur « {host} », qui n'est pas le site "
        "de l'Assurance retraite (lassuranceretraite.fr)."
    )


def assert_may_type(url: str, base_url: str) -> None:
    """Called before any fill, type, check or select of personal data and before any
    click that sends a form: raises BadInput (exit 2) naming the host unless `url` is on
    the official site over HTTPS, or on the replica's own origin on loopback."""
    reason = refusal(url, base_url)
    if reason is not None:
        raise BadInput(reason, "page")


def may_hand_over(url: str, base_url: str) -> bool:
    """A page where the person (not the tool) may log in: the site, or FranceConnect."""
    return refusal(url, base_url, hand_over=True) is None


def check_base_url(url: str) -> str:
    """The normalized base URL, or BadInput before anything is sent."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        _ = parts.port
    except ValueError:
        host = ""
        parts = urlsplit("")
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
    normalized = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
    # The same core as at typing time: the base URL's own home must pass it.
    reason = refusal(normalized + "/", normalized)
    if reason is not None:  # pragma: no cover — the two checks above cover every case
        raise BadInput(reason, "--base-url")
    return normalized


def same_site(url: str, base_url: str) -> bool:
    """True when `url` belongs to the site being driven (a link pasted by a person must
    lead there, not to a look-alike that would collect the password)."""
    return refusal(url, base_url) is None


def check_mailbox_url(url: str, base_url: str) -> str:
    """--mailbox-url: the person's webmail, opened in a tab of the tool's browser where
    the person (never the tool) reads the e-mail. With the real site it may be any
    webmail, over HTTPS only; with the replica, only the replica's own simulated
    mailbox. Nothing is ever typed there: `assert_may_type` refuses its host."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = urlsplit(""), ""
    base_host = host_of(base_url)
    if is_loopback(base_host):
        reason = refusal(url, base_url)
        if reason is None:
            return url.strip()
        sentence = (
            f"La messagerie « {host or url.strip()[:60]} » n'est pas celle du site d'exercice "
            f"({urlsplit(base_url).netloc}) : utilisez {base_url.rstrip('/')}/mailbox."
        )
    elif parts.scheme == "https" and host and not is_loopback(host):
        return url.strip()
    else:
        sentence = (
            f"La messagerie « {host or url.strip()[:60]} » doit être une adresse web en HTTPS "
            "(par exemple https://… de votre fournisseur de messagerie)."
        )
    raise BadInput(sentence, "--mailbox-url")
