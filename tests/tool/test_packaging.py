"""The wheel carries what the tool needs at run time: the flows (inside the package, found
through importlib.resources), the compiled catalogs of the person's languages, and the
replica with its templates, data and static files."""

from __future__ import annotations

import gettext
import io
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
    # The printable récapitulatif's template and style (desk/summary.py reads them at run time).
    assert {"carsat_pilot/desk/templates/recap.html", "carsat_pilot/desk/templates/recap.css"} <= names
    assert any(n.startswith("mock_site/static/") for n in names)
    assert any(n.startswith("mock_site/data/") for n in names)
    assert not any(n.startswith("tests/") for n in names)
    # The person's languages travel compiled (hatch_build.py); their sources stay behind.
    for lang in ("en", "ar"):
        mo = f"carsat_pilot/locale/{lang}/LC_MESSAGES/carsat_pilot.mo"
        assert mo in names, mo
        catalog = gettext.GNUTranslations(io.BytesIO(zipfile.ZipFile(tmp_path / name).read(mo)))
        assert catalog.gettext("Ce qui a été fait") != "Ce qui a été fait"
    assert not any(n.endswith((".po", ".pot")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(tmp_path / name).read(entry_points).decode()
    assert "carsat-pilot = carsat_pilot.entry:main" in text
