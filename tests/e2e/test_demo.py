"""The README's first command ends with the unattended demo: the whole journey on the
embedded replica, ending with the RIS PDF's path."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.harness import ToolRun, isolated_env

pytestmark = pytest.mark.e2e


def test_demo_auto_runs_the_whole_journey_unattended(home: Path) -> None:
    run = ToolRun(["demo", "--auto"], isolated_env(home, password=None))
    assert run.finish(timeout=240) == 0, run.output
    for milestone in ("Étape 7/9", "Votre espace personnel est actif", "Relevé Individuel de Situation du"):
        assert milestone in run.output, run.output
    found = re.search(r"enregistré : (\S+\.pdf)", run.output)
    assert found, run.output
    pdf = Path(found.group(1))
    assert pdf.is_file() and pdf.is_relative_to(home)
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert len(PdfReader(str(pdf)).pages) > 1
    # The demo's person answered from the replica's memory: no captcha prompt was printed.
    assert "Saisissez le code du captcha" not in run.output


def test_demo_auto_is_only_for_the_embedded_replica(home: Path) -> None:
    # The demo has no way to be pointed at another site: the self-driving person reads the
    # captcha answer from the replica that this very process started, and nothing else.
    run = ToolRun(["demo", "--auto", "--base-url", "https://www.lassuranceretraite.fr"], isolated_env(home))
    assert run.finish() == 2, run.output
    assert "--base-url" in run.output
