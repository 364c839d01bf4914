"""The command's first moments (carsat_pilot/entry.py): a journey's driver starts before
Typer reads the command line, with the secrets already out of the environment; anything else
(`--help`, `doctor`) starts none."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from carsat_pilot.entry import is_journey


@pytest.mark.parametrize(
    ("args", "journey"),
    [
        (["register", "--profile", "p.toml"], True),
        (["fetch-ris", "--nir", "123"], True),
        (["activate"], True),
        (["register", "--help"], False),
        (["-h"], False),
        (["doctor"], False),
        (["session"], False),
        ([], False),
        (["--profile", "register.toml", "journal"], False),
    ],
)
def test_a_journey_is_told_from_the_command_line(args: list[str], journey: bool) -> None:
    assert is_journey(args) is journey


def _first_moments(*args: str, interrupt: bool = False) -> subprocess.CompletedProcess[str]:
    """The command run as `carsat-pilot` runs it, saying what was there when the driver
    started (with `interrupt`: Ctrl-C pressed at that moment)."""
    script = textwrap.dedent(
        f"""
        import os, sys, traceback
        from carsat_pilot.site import early_driver
        started = early_driver._start
        def watched():
            # Called from entry.py, not from a command Typer has dispatched (cli.py).
            callers = set(os.path.basename(frame.filename) for frame in traceback.extract_stack())
            print("driver started; by the command line:", "cli.py" in callers, "; by entry.py:", "entry.py" in callers,
                  "; password in the environment:", "CARSAT_PILOT_PASSWORD" in os.environ, flush=True)
            if {interrupt!r}:
                raise KeyboardInterrupt
            return started()
        early_driver._start = watched
        sys.argv = ["carsat-pilot", *{list(args)!r}]
        from carsat_pilot.entry import main
        main()
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARSAT_PILOT_")}
    env["CARSAT_PILOT_PASSWORD"] = "Retraite2026Ok"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env, input="")


def test_a_journey_starts_its_driver_before_typer_runs_and_without_the_secrets() -> None:
    done = _first_moments("fetch-ris", "--nir", "123")  # refused input: the driver is stopped unused
    assert done.returncode == 2, done.stderr
    assert (
        "driver started; by the command line: False ; by entry.py: True ; password in the environment: False"
        in done.stdout
    )
    assert "Le champ « nir » doit contenir les 13 premiers caractères" in done.stderr


def test_help_starts_no_driver() -> None:
    done = _first_moments("fetch-ris", "--help")
    assert done.returncode == 0, done.stderr
    assert "driver started" not in done.stdout
    assert "fetch-ris" in done.stdout


def test_ctrl_c_in_the_first_moments_is_said_calmly() -> None:
    done = _first_moments("register", "--profile", "p.toml", interrupt=True)
    assert done.returncode == 130, done.stderr
    assert done.stderr == "✖ Interrompu : rien d'autre n'a été envoyé au site ; relancez quand vous voulez.\n"


def test_an_installation_made_before_entry_py_still_runs_the_command() -> None:
    """Its console script names `carsat_pilot.cli:main` until `./install.sh` runs again."""
    old_script = "import sys; from carsat_pilot.cli import main; sys.exit(main())"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARSAT_PILOT_")}
    done = subprocess.run(
        [sys.executable, "-c", old_script, "fetch-ris", "--nir", "123"],
        capture_output=True, text=True, timeout=60, env=env, input="",
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Le champ « nir » doit contenir les 13 premiers caractères" in done.stderr
