"""The wheel carries what the tool needs at run time: the flows (inside the package, found
through importlib.resources) and the replica with its templates, data and static files."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_ships_flows_and_the_replica(tmp_path: Path) -> None:
    from hatchling.build import build_wheel

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        name = build_wheel(str(tmp_path))
    finally:
        os.chdir(cwd)
    names = set(zipfile.ZipFile(tmp_path / name).namelist())
    for flow in (ROOT / "flows").glob("*.yaml"):
        assert f"carsat_pilot/flows/{flow.name}" in names
    assert "mock_site/templates/home.html" in names
    assert any(n.startswith("mock_site/static/") for n in names)
    assert any(n.startswith("mock_site/data/") for n in names)
    assert not any(n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(tmp_path / name).read(entry_points).decode()
    assert "carsat-pilot = carsat_pilot.cli:main" in text
