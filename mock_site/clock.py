"""The replica's one clock: every date and time the site shows, records or compares
(RIS delay, session expiry, activation link validity, one-time codes, notices) is read
here, so a test moves the site's time instead of waiting for it."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta


class Clock:
    """Real time by default (`mock-site`, `demo`, training), plus whatever `advance` added:
    a test skips a RIS delay or a session's expiry while a real browser is on the site.
    Given a `start`, the clock is pinned there and only moves when told (the replica's own
    tests, on the seed's dates)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start
        self._offset = timedelta(0)
        self._lock = threading.Lock()  # advanced by a test while the server's threads read it

    def now(self) -> datetime:
        base = self._start if self._start is not None else datetime.now()
        with self._lock:
            return base + self._offset

    def advance(self, **delta: float) -> datetime:
        """Move the site's time forward (`timedelta` keywords: seconds, minutes, days…)."""
        step = timedelta(**delta)
        if step < timedelta(0):
            raise ValueError("L'horloge de la réplique n'avance que vers le futur.")
        with self._lock:
            self._offset += step
        return self.now()

    def pause(self, seconds: float) -> None:
        """A slow network (MockConfig.latency_ms): real time, whatever `advance` did — the
        point is that the browser really waits."""
        time.sleep(seconds)
