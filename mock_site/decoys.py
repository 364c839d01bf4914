"""Look-alike controls (MockConfig.decoys): buttons, links and fields that public sites
really show next to the ones a procedure needs, with words that contain, extend or
resemble the real ones.

They are fair to a tool that follows DESIGN.md's rule (whole accessible name; the step's
own form wins over elsewhere, <main> wins over outside it; nothing inside a dialog): an
exact duplicate of a real control stands only outside <main>; inside <main> a decoy only
has other words than every real control. Every use lands on /leurre/<slug> and is
recorded in SiteState.decoy_clicks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Where = Literal["entete", "pied", "principal"]


@dataclass(frozen=True)
class Decoy:
    slug: str
    name: str  # the words on the control (its whole accessible name)
    kind: Literal["lien", "bouton"]
    where: Where  # header, footer (both outside <main>) or inside <main>
    pages: str  # where it shows, for the documentation
    resembles: str  # the real control it imitates
    exact: bool = False  # same words as the real one (only ever outside <main>)
    title: str = ""  # heading of the page a click leads to
    field_label: str = ""  # a field of its form, if any
    field_name: str = ""


DECOYS: dict[str, Decoy] = {
    d.slug: d
    for d in (
        # --- every page: header and footer, outside <main> -------------------------------------
        Decoy(
            "entete-mes-services-en-ligne",
            "Mes services en ligne",
            "lien",
            "entete",
            "toutes",
            "MES SERVICES",
            title="Nos services en ligne",
        ),
        Decoy(
            "pied-je-cree-mon-espace",
            "Je crée mon espace",
            "lien",
            "pied",
            "toutes",
            "Je crée mon espace",
            exact=True,
            title="Créer un espace : particuliers, professionnels, partenaires",
        ),
        Decoy(
            "pied-espace-professionnel",
            "Je crée mon espace professionnel",
            "lien",
            "pied",
            "toutes",
            "Je crée mon espace",
            title="Espace professionnel",
        ),
        Decoy(
            "pied-j-accede-a-mon-espace",
            "J'accède à mon espace",
            "lien",
            "pied",
            "toutes",
            "J'accède à mon espace (>)",
            exact=True,
            title="Choisir mon espace",
        ),
        Decoy(
            "pied-mes-services",
            "MES SERVICES",
            "lien",
            "pied",
            "toutes",
            "MES SERVICES",
            exact=True,
            title="Nos services en ligne",
        ),
        Decoy(
            "pied-releve-tous-regimes",
            "Mon relevé de carrière tous régimes",
            "lien",
            "pied",
            "toutes",
            "Mon relevé de carrière tous régimes (RIS)",
            title="Le relevé de carrière tous régimes en questions",
        ),
        Decoy(
            "pied-demander-ris",
            "Demander mon Relevé Individuel de Situation",
            "lien",
            "pied",
            "toutes",
            "Demander mon Relevé Individuel de Situation (bouton)",
            exact=True,
            title="Le Relevé Individuel de Situation",
        ),
        Decoy(
            "lettre-information",
            "Je valide mon inscription à la lettre d'information",
            "bouton",
            "pied",
            "toutes",
            "Je valide mon inscription",
            title="Lettre d'information",
            field_label="Adresse e-mail de contact",
            field_name="email_contact",
        ),
        Decoy(
            "trouver-mon-agence",
            "Rechercher mon agence",
            "bouton",
            "pied",
            "toutes",
            "(le champ « Code postal » de l'étape 2)",
            title="Trouver mon agence retraite",
            field_label="Code postal",
            field_name="code_postal_agence",
        ),
        # --- inside <main>, outside the real form, other words -----------------------------------
        Decoy(
            "tutoriel-inscription",
            "Je crée mon espace : le tutoriel en vidéo",
            "lien",
            "principal",
            "accueil, présentation de l'espace",
            "Je crée mon espace",
            title="Tutoriel : créer son espace personnel",
        ),
        Decoy(
            "espace-professionnel-connexion",
            "J'accède à mon espace professionnel",
            "lien",
            "principal",
            "bloc de connexion (accueil, connexion)",
            "J'accède à mon espace >",
            title="Espace professionnel",
        ),
        Decoy(
            "questionnaire-inscription",
            "Étape suivante du questionnaire",
            "bouton",
            "principal",
            "inscription, étapes 1 à 3 (après le formulaire)",
            "► Etape suivante",
            title="Questionnaire de satisfaction",
            field_label="Cette étape vous a-t-elle paru simple ?",
            field_name="avis_simple",
        ),
        Decoy(
            "renvoyer-lien-activation",
            "Renvoyer le lien pour activer votre espace",
            "lien",
            "principal",
            "activation",
            "Activer votre espace",
            title="Renvoyer le lien d'activation",
        ),
        Decoy(
            "mode-d-emploi-ris",
            "Mon relevé de carrière tous régimes : mode d'emploi",
            "lien",
            "principal",
            "Mes services (tuile « Aide »)",
            "Mon relevé de carrière tous régimes (RIS)",
            title="Mode d'emploi du relevé de carrière tous régimes",
        ),
        Decoy(
            "ris-par-courrier",
            "Demander mon relevé de situation par courrier",
            "bouton",
            "principal",
            "page du relevé (hors du bloc du relevé)",
            "Demander mon Relevé Individuel de Situation",
            title="Demande de relevé par courrier",
        ),
        Decoy(
            "rafraichir-questions",
            "Rafraîchir la liste des questions",
            "bouton",
            "principal",
            "page du relevé (questions fréquentes)",
            "Rafraîchir",
            title="Questions fréquentes",
        ),
        Decoy(
            "notice-ris",
            "Téléchargez la notice de votre Relevé Individuel de Situation",
            "lien",
            "principal",
            "page du relevé (questions fréquentes)",
            "Téléchargez votre Relevé Individuel de Situation du JJ/MM/AAAA.",
            title="Notice du Relevé Individuel de Situation",
        ),
    )
}
