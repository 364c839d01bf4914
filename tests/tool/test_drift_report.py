"""The drift report keeps what a maintainer needs and nothing of the person, even what
the run could not know was theirs (a fetch-ris by NIR alone does not know the name the
espace page greets them with)."""

from __future__ import annotations

from carsat_pilot.site.drift import mask_snapshot

ESPACE_PAGE = """\
- banner:
  - navigation:
    - link "MES SERVICES":
      - /url: /espace-personnel/services?jeton=abc123
- paragraph: Bonjour Jeanne MARTIN-OZTURK
- main:
  - heading "Mon relevé de carrière tous régimes" [level=1]
  - paragraph:
    - text: Votre demande est bien prise en compte,
    - strong: Jeanne
  - list:
    - listitem: Née le 01/02/1960 à Lyon
  - definition: Mme Jeanne MARTIN-OZTURK
  - table:
    - rowgroup:
      - row "MARTIN-OZTURK 2024":
        - cell "MARTIN-OZTURK"
  - alert: "Le service est momentanément indisponible"
  - textbox "Nom de naissance": MARTIN
  - button "Demander mon Relevé Individuel de Situation"
"""


def test_free_text_keeps_only_its_length() -> None:
    report = mask_snapshot(ESPACE_PAGE, personal=[])
    for theirs in ("Jeanne", "MARTIN", "OZTURK", "1960", "Lyon", "abc123"):
        assert theirs not in report
    assert "- paragraph: [3 mots de texte libre]" in report
    assert 'cell "[1 mot de texte libre]"' in report


def test_what_a_maintainer_needs_is_kept() -> None:
    report = mask_snapshot(ESPACE_PAGE, personal=[])
    assert 'link "MES SERVICES"' in report
    assert 'heading "Mon relevé de carrière tous régimes" [level=1]' in report
    assert 'button "Demander mon Relevé Individuel de Situation"' in report
    assert 'alert: "Le service est momentanément indisponible"' in report
    assert 'textbox "Nom de naissance": «masqué»' in report
