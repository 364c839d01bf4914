"""Every invalid profile is refused with exit 2 naming the field, before any browser or
page — never a crash; a valid one passes the checks (hypothesis)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from carsat_pilot.cli import app
from carsat_pilot.journeys.demo import DEMO_PROFILE
from carsat_pilot.person.profile import parse_profile

# A valid person (the demo's): each case below breaks one field of it.
BASE = DEMO_PROFILE

# Values the site refuses, per field (dotted key).
BAD: dict[str, list[Any]] = {
    "nir": ["", "123", "18507751234567", "3850775123456X", "1851375123456", "1850700123456", "abcdefghijklm"],
    "civilite": ["Docteur", "", "X"],
    "nom_naissance": ["", "D4P0NT", "   "],
    "date_naissance": ["31/02/1985", "15/07/2999", "15-07", "", "15/13/1985"],
    "adresse.code_postal": ["7501", "ABCDE", ""],
    "adresse.ville": ["", "  "],
    "contact.email": ["jean", "jean@", "@example.org", "jean dupont@example.org"],
    "contact.telephone": ["12", "06123", "abcdefghij"],
}


def _with(key: str, value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in BASE.items()}
    if "." in key:
        section, name = key.split(".")
        data[section][name] = value
    else:
        data[key] = value
    return data


def _toml(data: dict[str, Any]) -> str:
    return tomli_w.dumps(data)


bad_cases = st.sampled_from([(k, v) for k, values in BAD.items() for v in values])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=bad_cases)
def test_every_invalid_profile_exits_2_naming_the_field(case: tuple[str, Any], tmp_path: Path) -> None:
    key, value = case
    path = tmp_path / "p.toml"
    path.write_text(_toml(_with(key, value)), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["register", "--profile", str(path), "--base-url", "http://127.0.0.1:9", "--human", "terminal", "--yes"],
        env={"CARSAT_PILOT_PASSWORD": "Retraite2026Ok"},
    )
    assert result.exit_code == 2, (key, value, result.output)
    assert key.split(".")[-1] in result.output or key in result.output, (key, value, result.output)
    assert "Traceback" not in result.output


@settings(max_examples=60)
@given(
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    year=st.integers(1930, 2005),
    sex=st.sampled_from([("1", "Monsieur"), ("2", "Madame")]),
    dept=st.sampled_from(["75", "2A", "2B", "13", "01", "99", "971"]),
    order=st.integers(1, 999),
)
def test_every_consistent_profile_passes(
    day: int, month: int, year: int, sex: tuple[str, str], dept: str, order: int
) -> None:
    digit, civilite = sex
    place = dept + ("123" if len(dept) == 2 else "23")
    nir = f"{digit}{year % 100:02d}{month:02d}{place}{order:03d}"
    data = _with("nir", nir)
    data["civilite"] = civilite
    data["date_naissance"] = f"{day:02d}/{month:02d}/{year}"
    profile = parse_profile(data)
    assert profile.nir == nir
