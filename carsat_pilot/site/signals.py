"""The site's messages, as site.yaml reads them: which ones answer a wait (a refusal, an
outage, a wrong captcha), which one decides when several show, and the error each means."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from carsat_pilot.core.errors import PilotError, SiteRefused, SiteUnavailable
from carsat_pilot.site.flowspec import SiteMessage
from carsat_pilot.site.pageprobe import Look
from carsat_pilot.site.textmatch import tolerant

UNKNOWN_ADVICE = "Corrigez ce que le site signale puis relancez."


@dataclass(frozen=True)
class SiteSignal:
    """A message of the site, read from the page."""

    kind: str
    text: str
    advice: str


class MessageReader:
    """site.yaml's messages, compiled once, applied to what a look saw."""

    def __init__(self, messages: Sequence[SiteMessage]) -> None:
        self._known: list[tuple[re.Pattern[str], SiteMessage]] = [(tolerant(m.pattern), m) for m in messages]

    def classify(self, seen: Look, *, fresh_only: bool = True) -> list[SiteSignal]:
        """The site's messages on the page. A notice (a planned maintenance) means
        nothing; an alert we do not know counts only inside a form."""
        signals: list[SiteSignal] = []
        for message in seen.messages:
            if fresh_only and not message.fresh:
                continue
            known = next((m for pattern, m in self._known if pattern.search(message.text)), None)
            if known is not None:
                # A notice, or the relevé's « à compter de demain » (read by the RIS step
                # itself), is information, not an answer that ends a wait.
                if known.kind not in ("notice", "already_asked"):
                    signals.append(SiteSignal(known.kind, message.text, known.advice))
            elif message.alert and message.in_form:
                signals.append(SiteSignal("refused", message.text, UNKNOWN_ADVICE))
        return signals


def decisive(signals: list[SiteSignal]) -> SiteSignal | None:
    """A refusal or an outage outranks a wrong captcha beside it, which outranks a text
    we do not know."""
    if not signals:
        return None
    known = [s for s in signals if s.advice != UNKNOWN_ADVICE]
    return sorted(known or signals, key=lambda s: s.kind == "wrong_captcha")[0]


def outage(signal: SiteSignal) -> SiteUnavailable:
    return SiteUnavailable(f"Le site est indisponible : « {signal.text} ». {signal.advice}")


def error_for(signal: SiteSignal, just_sent: str | None) -> PilotError:
    """What the site's message means for the person. After a form was sent, an outage
    may hide a request the site recorded: never sent again."""
    if signal.kind == "unavailable" and just_sent:
        return SiteUnavailable(
            f"Le site a répondu « {signal.text} » juste après « {just_sent} » : la demande a peut-être "
            "été enregistrée. carsat-pilot ne la renvoie pas ; vérifiez (messagerie, espace personnel) "
            "dans une heure avant de relancer."
        )
    if signal.kind == "unavailable":
        return outage(signal)
    return SiteRefused(f"Le site a répondu : « {signal.text} ». {signal.advice}", signal.text)
