"""Serving the replica from a background thread (tests, `carsat-pilot demo`)."""

from __future__ import annotations

import ipaddress
import signal
import threading
from collections.abc import Callable
from types import TracebackType

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: the demo shares the terminal with the tool's own output
    (every request is in SiteState.request_log anyway)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class RunningServer:
    """A started server; `url` has no trailing slash. Stop it, or use it as a context manager."""

    def __init__(self, server: BaseWSGIServer, thread: threading.Thread, app: Flask) -> None:
        self._server = server
        self._thread = thread
        self.app = app
        self.host = server.host
        self.port = server.port
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{self.port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(
    app: Flask, host: str = "127.0.0.1", port: int = 0, *, allow_public: bool = False, quiet: bool = True
) -> RunningServer:
    """Start `app` on host:port (0 = any free port) in a daemon thread.

    Anything but loopback needs allow_public=True: the replica answers any NIR and
    password it is given and must not be offered to a network by accident."""
    if not allow_public and not is_loopback(host):
        raise ValueError(
            f"Refus de servir la réplique sur {host!r} : seule l'adresse locale (127.0.0.1) "
            "est permise sans allow_public=True."
        )
    handler = _QuietHandler if quiet else WSGIRequestHandler
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    # A short poll interval: stop() waits for the loop to notice, tests stop many servers.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"mock-site-{server.port}", daemon=True
    )
    thread.start()
    return RunningServer(server, thread, app)


# What ends a replica served in the foreground: Ctrl-C, or a polite kill.
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def serve_until_stopped(
    app: Flask, host: str, port: int, *, allow_public: bool, announce: Callable[[RunningServer], None]
) -> None:
    """Serve `app` in the foreground until Ctrl-C (or SIGTERM), then stop it.

    The server's threads are born with those signals blocked, and the main thread takes
    them with `sigwait`: whichever thread the kernel would have handed a Ctrl-C to, it is
    the waiting one that gets it. (Waiting on an event, a `mock-site` was seen still
    serving 30 s after its Ctrl-C.)"""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        server = serve(app, host, port, allow_public=allow_public)
        try:
            announce(server)
            signal.sigwait(STOP_SIGNALS)
        finally:
            server.stop()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
