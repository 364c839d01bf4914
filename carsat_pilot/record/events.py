"""Events a journey emits; the terminal view, the overlay and the journal consume them.

The engine never prints: it says what happens, and each consumer decides how to show
or record it. Values the person typed never travel in events in clear."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

EventKind = Literal[
    "journey_started",
    "step_started",
    "step_done",
    "waiting_human",
    "human_done",
    "retry",
    "countdown",  # a wait in progress (shown live, not journaled)
    "info",
    "warning",
    "site_message",
    "error",
    "journey_done",
]


@dataclass(frozen=True)
class Event:
    kind: EventKind
    message: str = ""
    flow: str = ""
    step: int = 0  # 1-based, 0 when not tied to a step
    total: int = 0
    at: datetime = field(default_factory=datetime.now)
    data: dict[str, str] = field(default_factory=dict)


Listener = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def emit(self, event: Event) -> None:
        for listener in self._listeners:
            listener(event)

    def say(self, kind: EventKind, message: str = "", **data: str) -> None:
        self.emit(Event(kind=kind, message=message, data=data))
