from __future__ import annotations

import pytest

from carsat_pilot.site.textmatch import fold, literal, readable, same_words, tolerant, words


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("[ÉE]tape suivante", "► Etape suivante"),
        ("S'identifier avec FranceConnect", "S’identifier avec FranceConnect"),
        ("Rafraichir", "Rafraîchir"),
        (
            "renouveler votre demande [àa] compter de demain",
            "Vous pourrez renouveler votre demande à compter de demain.",
        ),
    ],
)
def test_site_messages_are_searched_tolerantly(pattern: str, text: str) -> None:
    assert tolerant(pattern).search(text)


@pytest.mark.parametrize(
    ("flow_words", "name"),
    [
        ("Étape suivante", "► Etape suivante"),
        ("Etape suivante", "ÉTAPE SUIVANTE"),
        ("S'identifier avec FranceConnect", "S’identifier avec FranceConnect"),
        ("Rafraîchir", "Rafraichir"),
        ("Je crée mon espace", "Je  cree mon espace"),
        ("Nom de naissance", "Nom de naissance * :"),
        ("J'accède à mon espace", "J'accède à mon espace >"),
        ("Pas encore d'espace personnel ?", "Pas encore d'espace personnel"),
        ("Date de naissance (sous la forme JJ/MM/AAAA)", "Date de naissance (sous la forme JJ/MM/AAAA) *"),
        ("Mot de passe|Votre mot de passe", "Votre mot de passe"),
        ("…à compter de demain", "Vous pourrez renouveler votre demande à compter de demain."),
        ("Téléchargez votre Relevé Individuel de Situation du…", "Téléchargez votre RIS"[:0] + "Téléchargez votre "
         "Relevé Individuel de Situation du 07/10/2018."),
        ("ŒUVRARD", "oeuvrard"),
    ],
)
def test_flow_words_match_the_whole_name_whatever_its_form(flow_words: str, name: str) -> None:
    assert same_words(flow_words, name)


@pytest.mark.parametrize(
    ("flow_words", "name"),
    [
        ("Accepter", "Tout accepter"),
        ("accepter", "Accepter les cookies"),
        ("Je crée mon espace", "Je crée mon espace professionnel"),
        ("Mot de passe", "Confirmer votre mot de passe"),
        ("Mot de passe", "Mot de passe oublié ?"),
        ("Étape suivante", "Étape suivante du questionnaire"),
        ("Je valide mon inscription", "Je valide mon inscription à la lettre d'information"),
        ("Rafraîchir", "Rafraîchir la liste des questions"),
        ("Etape suivante", "Etape précédente"),
        ("Téléchargez votre Relevé Individuel de Situation du…", "Téléchargez votre Relevé Individuel de Situation"),
    ],
)
def test_flow_words_never_match_a_look_alike(flow_words: str, name: str) -> None:
    assert not same_words(flow_words, name)


def test_flow_words_are_literal_text() -> None:
    # A parenthesis or a dot is the site's, not a regular expression's.
    assert same_words("N° de Sécurité sociale (13 chiffres)", "N° de Sécurité sociale (13 chiffres) :")
    assert not same_words("N° de Sécurité sociale (13 chiffres)", "N° de Sécurité sociale 13 chiffres")
    assert words("a.b").search("a.b") and not words("a.b").search("axb")


def test_literal_profile_values() -> None:
    question = "Quel est le nom de votre premier animal de compagnie ?"
    assert literal(question).search(question)
    assert not literal("PARIS (75)").search("PARIS 75")
    assert not literal("PARIS").search("PARIS 12E ARRONDISSEMENT")


def test_readable_and_fold() -> None:
    assert readable("Je crée mon espace|Je cree mon espace") == "Je crée mon espace"
    assert fold("  Sécurité   Sociale ") == "securite sociale"
    assert fold("LEFÈVRE-ÖZTÜRK Œuvre") == "lefevre-ozturk oeuvre"
