"""The e-mails the site sends, rendered from templates and dropped in the outbox (the
replica's only "mail server"; /mailbox shows it like a webmail)."""

from __future__ import annotations

import secrets

from flask import render_template, url_for

from mock_site.records import Account, Email
from mock_site.state import SiteState

ACTIVATION_SUBJECT = "Finalisez la création de votre espace personnel"
OTP_SUBJECT = "Votre code de connexion à votre espace personnel"


def send_activation(state: SiteState, account: Account) -> Email:
    link = url_for("activation.activate", token=account.activation_token, _external=True)
    context = {"link": link, "valid_until": account.link_valid_until, "account": account}
    return state.send_email(
        to=account.email,
        subject=ACTIVATION_SUBJECT,
        html=render_template("emails/activation.html", **context),
        text=render_template("emails/activation.txt", **context),
        activation_link=link,
    )


def new_otp() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def send_otp(state: SiteState, account: Account, code: str) -> Email:
    context = {"code": code, "account": account}
    return state.send_email(
        to=account.email,
        subject=OTP_SUBJECT,
        html=render_template("emails/otp.html", **context),
        text=render_template("emails/otp.txt", **context),
        otp_code=code,
    )


def mask_email(address: str) -> str:
    """ "j***@example.org": shown on the code page, enough to recognise one's own address."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"
