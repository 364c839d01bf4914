"""The command line leaves without the interpreter's tear-down (entry.leave): what was
printed is all there, in order, and the exit code is the command's."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _leave_with(code: str) -> subprocess.CompletedProcess[str]:
    script = (
        "import sys\n"
        "from carsat_pilot.entry import leave\n"
        "print('dernière ligne', end='')\n"  # no newline: only an explicit flush sends it
        "sys.stderr.write('sur stderr')\n"
        f"leave({code})\n"
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("code", "expected"), [("None", 0), ("0", 0), ("3", 3), ("130", 130)])
def test_the_output_is_flushed_and_the_code_kept(code: str, expected: int) -> None:
    done = _leave_with(code)
    assert done.returncode == expected
    assert done.stdout == "dernière ligne"
    assert done.stderr == "sur stderr"


def test_a_message_instead_of_a_code_is_printed_and_exits_1() -> None:
    done = _leave_with("'Arrêt demandé'")
    assert done.returncode == 1
    assert done.stderr == "sur stderrArrêt demandé\n"


def test_a_real_command_still_ends_with_its_code_and_its_words() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "carsat_pilot", "fetch-ris", "--nir", "123"],
        capture_output=True,
        text=True,
        timeout=60,
        input="",
    )
    assert done.returncode == 2, done.stderr
    assert "Le champ « nir » doit contenir les 13 premiers caractères" in done.stderr
