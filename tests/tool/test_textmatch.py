from __future__ import annotations

import pytest

from carsat_pilot.textmatch import fold, literal, tolerant


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("[ÉE]tape suivante", "► Etape suivante"),
        ("[ÉE]tape suivante", "Étape suivante"),
        ("Etape suivante", "ÉTAPE SUIVANTE"),
        ("S'identifier avec FranceConnect", "S’identifier avec FranceConnect"),
        ("Rafraichir", "Rafraîchir"),
        ("Je cree mon espace", "Je crée  mon espace"),
        (
            "renouveler votre demande [àa] compter de demain",
            "Vous pourrez renouveler votre demande à compter de demain.",
        ),
    ],
)
def test_tolerant_matches_the_sites_variants(pattern: str, text: str) -> None:
    assert tolerant(pattern).search(text)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [("Etape suivante", "Etape précédente"), ("^Mot de passe", "Confirmer votre mot de passe")],
)
def test_tolerant_still_discriminates(pattern: str, text: str) -> None:
    assert not tolerant(pattern).search(text)


def test_literal_escapes_profile_values() -> None:
    question = "Quel est le nom de votre premier animal de compagnie ?"
    assert literal(question).search(question)
    assert not literal("PARIS (75)").search("PARIS 75")


def test_fold() -> None:
    assert fold("  Sécurité   Sociale ") == "securite sociale"
