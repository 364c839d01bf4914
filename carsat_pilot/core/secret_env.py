"""The secrets a process may be given in its environment, kept out of every child.

Every `CARSAT_PILOT_*` variable but the public ones (`PUBLIC_VARIABLES`: a browser path) is
a secret — the password, the activation link, the NIR, and any such variable added later:
`take_secret_environment` moves them all out of `os.environ` at start, before Playwright's
driver or the browser is started (both inherit the environment, and /proc/<pid>/environ of
a child shows it), and `child_environment` is what a child is given. Light on purpose: the
command line calls it first thing, before `--help` is drawn.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping, MutableMapping

PASSWORD_ENV = "CARSAT_PILOT_PASSWORD"
LINK_ENV = "CARSAT_PILOT_LINK"  # the activation link (single-use token)
NIR_ENV = "CARSAT_PILOT_NIR"
SECRET_PREFIX = "CARSAT_PILOT_"
# Not secret, and read where they are needed: may stay in the environment.
PUBLIC_VARIABLES = frozenset({"CARSAT_PILOT_BROWSER"})

_taken: dict[str, str] = {}


def is_secret_variable(name: str) -> bool:
    """Every CARSAT_PILOT_* variable not declared public is a secret (future ones too)."""
    upper = name.upper()
    return upper.startswith(SECRET_PREFIX) and upper not in PUBLIC_VARIABLES


def _blank_initial_environment(names: list[str]) -> None:
    """Overwrite the values of `names` where the kernel shows the process's initial
    environment (/proc/<pid>/environ): unsetting a variable only unlinks it. Linux and
    a libc exporting `environ` only; anything else is left as it is."""
    if not names or not sys.platform.startswith("linux"):
        return
    try:
        table = ctypes.POINTER(ctypes.c_void_p).in_dll(ctypes.CDLL(None), "environ")
    except (OSError, ValueError, AttributeError):  # pragma: no cover - not glibc/musl
        return
    prefixes = tuple(f"{name}=".encode() for name in names)
    index = 0
    while (address := table[index]) is not None and index < 100_000:
        entry = ctypes.string_at(address)
        if entry.startswith(prefixes):
            start = entry.index(b"=") + 1
            ctypes.memset(address + start, ord("*"), len(entry) - start)
        index += 1


def take_secret_environment(environ: MutableMapping[str, str] | None = None, *, keep: bool = True) -> list[str]:
    """Move every secret variable out of the environment (so that no child process —
    Playwright's driver, the browser, its crash reporter — inherits it); with `keep`,
    this process may still read each one once with `take_secret`. Returns their names.
    For the process's own environment, the values are also blanked where /proc shows them."""
    real = environ is None
    environ = os.environ if environ is None else environ
    names = [name for name in list(environ) if is_secret_variable(name)]
    values = {name: environ[name] for name in names}
    if real:
        _blank_initial_environment(names)
    for name in names:
        environ.pop(name)
        if keep:
            _taken[name] = values[name]
    return names


def take_secret(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """A secret variable's value, read once: from `env` when given (tests), else from
    the environment or what `take_secret_environment` kept — and forgotten there."""
    if env is not None:
        return env.get(name) or None
    in_environ = os.environ.pop(name, None)
    kept = _taken.pop(name, None)
    return in_environ or kept or None


def child_environment(base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """The environment given to a child process: the tool's own, without any secret."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if not is_secret_variable(k)}
    env.update(extra)
    return env
