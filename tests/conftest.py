"""Shared fixtures: the same browser lookup as the tool, and a replica per test."""

from __future__ import annotations

from typing import Any

import pytest

from carsat_pilot.site.browser import find_browser

# Chromium resolves a few Google hosts at start whatever the flags: in tests nothing may
# leave the machine, so every lookup except loopback fails at once.
NO_NETWORK_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    found = find_browser()
    args = dict(browser_type_launch_args)
    if found.path is not None:
        args["executable_path"] = str(found.path)
    args["args"] = [*args.get("args", []), *NO_NETWORK_ARGS]
    return args
