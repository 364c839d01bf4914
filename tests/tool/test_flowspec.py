"""Flow files are validated strictly on load: a typo names the file, the step and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from carsat_pilot.site.flowspec import FlowError, flows_dir, load_flow, load_site

SHIPPED = sorted(p.stem for p in flows_dir().glob("*.yaml") if p.stem != "site")


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_flow_loads(name: str) -> None:
    flow = load_flow(name)
    assert flow.steps, name


def test_the_shipped_flows_are_the_journeys() -> None:
    assert {"register", "activate", "login", "fetch_ris"} <= set(SHIPPED)
    assert len(load_site().messages) >= 5


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_an_unknown_action_names_file_step_and_action(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "name: t\ntitle: T\nsteps:\n  - title: Accueil\n    do:\n      - goto: /\n      - clik: {name: x}\n",
    )
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    message = caught.value.message
    assert "broken.yaml" in message and "étape 1 « Accueil »" in message and "action 2" in message
    assert "action inconnue" in message


def test_an_unknown_key_is_named(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "name: t\ntitle: T\nsteps:\n  - title: A\n    do:\n      - goto: /\n"
        "  - title: B\n    do:\n      - click: {name: x, rol: button}\n",
    )
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    assert "étape 2 « B »" in caught.value.message
    assert "clé « click.rol »" in caught.value.message
    assert "clé inconnue" in caught.value.message


@pytest.mark.parametrize("label", ["S[ée]curit[ée] sociale", "^\\s*Mot de passe", "inscription .* finalis", "A||B"])
def test_a_flow_writes_the_sites_words_not_regular_expressions(tmp_path: Path, label: str) -> None:
    path = _write(
        tmp_path, f"name: t\ntitle: T\nsteps:\n  - title: A\n    do:\n      - fill: {{label: '{label}', value: x}}\n"
    )
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    assert "étape 1 « A »" in caught.value.message
    assert "sans expression régulière" in caught.value.message or "vide" in caught.value.message


def test_a_bad_site_message_pattern_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(
        "name: S\nmessages:\n  - {pattern: '(', kind: refused, advice: x}\n", encoding="utf-8"
    )
    with pytest.raises(FlowError) as caught:
        load_site(path)
    assert "motif invalide" in caught.value.message


def test_invalid_yaml_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: [unclosed\n")
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    assert "YAML" in caught.value.message


def test_an_empty_flow_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: t\ntitle: T\nsteps: []\n")
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    assert "steps" in caught.value.message
