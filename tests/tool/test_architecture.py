"""The layout is the architecture: its contracts hold, and they would catch a break.

Contracts (pyproject.toml, [tool.importlinter]): the layers cli > desk > journeys > site >
record > person > core, the replica reached only by `demo`/`mock-site` and never importing
the tool. Cycles: none in `carsat_pilot` or `mock_site`, late imports included.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tool.import_cycles import find_cycles

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
]
CYCLES_SCRIPT = Path(__file__).with_name("import_cycles.py")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)}
    return subprocess.run([*LINT_IMPORTS, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("package", ["carsat_pilot", "mock_site"])
def test_no_import_cycle(package: str) -> None:
    assert find_cycles(package) == []


def test_the_contracts_hold() -> None:
    run = lint_imports(REPO)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 kept, 0 broken" in run.stdout


@pytest.fixture()
def broken_copy(tmp_path: Path) -> Path:
    """A copy of the packages where the bottom layer imports the top one: a cycle, and a
    layer that reaches up."""
    for name in ("carsat_pilot", "mock_site"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    errors = tmp_path / "carsat_pilot" / "core" / "errors.py"
    errors.write_text(errors.read_text() + "\n\ndef _late() -> None:\n    from carsat_pilot import cli  # noqa\n")
    return tmp_path


def test_an_added_cycle_is_caught(broken_copy: Path) -> None:
    cycles = subprocess.run(
        [sys.executable, str(CYCLES_SCRIPT), "carsat_pilot"],
        cwd=broken_copy,
        env={"PYTHONPATH": str(broken_copy)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cycles.returncode == 1
    assert "carsat_pilot.core.errors -> carsat_pilot.cli" in cycles.stdout

    contracts = lint_imports(broken_copy)
    assert contracts.returncode != 0
    assert "carsat_pilot.core is not allowed to import carsat_pilot.cli" in contracts.stdout
