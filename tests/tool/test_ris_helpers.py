from __future__ import annotations

import itertools
import stat
from datetime import date
from pathlib import Path

import pytest

from carsat_pilot.core.errors import SiteRefused
from carsat_pilot.core.files import write_private
from carsat_pilot.journeys.ris import check_pdf, intervals, target_path


def test_refresh_is_polite() -> None:
    steps = intervals(10.0, 900.0)
    assert steps[0] == 10.0
    assert all(b >= a for a, b in itertools.pairwise(steps))
    assert max(steps) <= 60.0
    assert sum(steps) <= 900.0
    # Never more than 6 refreshes in any minute.
    assert all(s >= 10.0 for s in steps)


def test_file_names_never_overwrite(tmp_path: Path) -> None:
    first = target_path(tmp_path, "Dupont-Martin", date(2026, 11, 29))
    assert first.name == "RIS_DUPONT-MARTIN_2026-11-29.pdf"
    write_private(first, b"x")
    second = target_path(tmp_path, "Dupont-Martin", date(2026, 11, 29))
    assert second.name == "RIS_DUPONT-MARTIN_2026-11-29-2.pdf"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("surname", "name"),
    [
        ("LEFÈVRE-ÖZTÜRK", "RIS_LEFEVRE-OZTURK_2026-12-03.pdf"),
        ("D'ALMEIDA", "RIS_D-ALMEIDA_2026-12-03.pdf"),
        ("D’ALMEIDA", "RIS_D-ALMEIDA_2026-12-03.pdf"),
        ("ŒUVRARD", "RIS_OEUVRARD_2026-12-03.pdf"),
    ],
)
def test_file_names_are_readable_ascii(tmp_path: Path, surname: str, name: str) -> None:
    assert target_path(tmp_path, surname, date(2026, 12, 3)).name == name


def test_a_non_pdf_is_refused_and_removed(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    write_private(path, b"<html>erreur</html>")
    with pytest.raises(SiteRefused):
        check_pdf(path)
    assert not path.exists()
