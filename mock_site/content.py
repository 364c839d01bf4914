"""Texts of the public information pages (portail-info). Only what a journey passes
through is detailed; the other pages exist so that no link of the seed is dead."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class InfoPage:
    title: str
    paragraphs: tuple[str, ...] = ()
    # (visible text, endpoint or path, new tab?)
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    breadcrumb: tuple[tuple[str, str], ...] = ()


ESPACE_RIS = "/espace-personnel/services/ris"

PAGES: dict[str, InfoPage] = {
    "salaries": InfoPage(
        "Salariés",
        (
            "Vous êtes salarié du secteur privé : retrouvez toutes les informations pour "
            "préparer votre retraite, vérifier votre carrière et faire votre demande.",
        ),
        (
            ("Mon relevé de carrière", "/portail-info/salaries/mon-releve-de-carriere"),
            ("Mon âge de départ à la retraite", "/portail-info/salaries/age-de-depart"),
            ("Le montant de ma retraite", "/portail-info/salaries/montant"),
            ("Je prépare ma demande de retraite", "/portail-info/salaries/demande"),
        ),
        (("Accueil", "/"),),
    ),
    "salaries/mon-releve-de-carriere": InfoPage(
        "Mon relevé de carrière",
        (
            "Votre relevé de carrière récapitule les périodes de travail et les trimestres "
            "enregistrés par l'Assurance retraite. Vérifiez-le régulièrement : en cas "
            "d'oubli ou d'erreur, vous pouvez demander sa régularisation.",
            "Depuis votre espace personnel, consultez et téléchargez votre relevé de carrière tous régimes.",
        ),
        (
            ("Mon relevé : un document essentiel", ESPACE_RIS),
            ("Comment corriger mon relevé de carrière ?", "/portail-info/aide/corriger-releve"),
        ),
        (("Accueil", "/"), ("Salariés", "/portail-info/salaries")),
    ),
    "retraites": InfoPage(
        "Retraités",
        ("Vous êtes retraité : paiements, attestations, changement de situation.",),
        (("Suivre ma demande en cours", "/espace-personnel/services/suivre-ma-demande"),),
        (("Accueil", "/"),),
    ),
    "entreprises": InfoPage(
        "Entreprises", ("Informations à destination des employeurs.",), breadcrumb=(("Accueil", "/"),)
    ),
    "qui-sommes-nous": InfoPage(
        "Qui sommes-nous ?",
        (
            "L'Assurance retraite, c'est la Cnav, les Carsat, les CGSS et la CSS de Mayotte : le "
            "régime général de la Sécurité sociale pour la retraite.",
        ),
        breadcrumb=(("Accueil", "/"),),
    ),
    "independants": InfoPage(
        "Indépendants",
        ("Travailleurs indépendants, actifs et retraités : vos informations retraite.",),
        breadcrumb=(("Accueil", "/"),),
    ),
    "cnav": InfoPage("CNAV", ("La Caisse nationale d'assurance vieillesse.",), breadcrumb=(("Accueil", "/"),)),
    "salaries/age-de-depart": InfoPage("Mon âge de départ à la retraite"),
    "salaries/montant": InfoPage("Le montant de ma retraite"),
    "salaries/demande": InfoPage("Je prépare ma demande de retraite"),
    "aide/mot-de-passe-oublie": InfoPage(
        "Mot de passe oublié",
        ("Pour définir un nouveau mot de passe, vous devrez répondre à votre question secrète.",),
    ),
    "aide/connexion": InfoPage(
        "Aide à la connexion",
        (
            "Votre identifiant est constitué des 13 premiers chiffres de votre numéro de sécurité "
            "sociale. Votre espace doit avoir été activé depuis le lien reçu par e-mail.",
        ),
    ),
    "aide/inscription": InfoPage(
        "Aide à l'inscription",
        ("L'inscription se fait en trois étapes, puis l'activation depuis le lien reçu par e-mail.",),
    ),
    "aide/identification": InfoPage(
        "Vous rencontrez un problème lors de votre identification ?",
        (
            "Vérifiez que vous avez saisi les 13 premiers chiffres de votre numéro de sécurité "
            "sociale, votre nom de naissance et votre date de naissance tels qu'ils figurent sur "
            "votre carte Vitale.",
        ),
    ),
    "aide/mandataires": InfoPage(
        "Les mandataires",
        (
            "Un mandataire n'est pas autorisé à s'inscrire à la place de son mandant. La personne "
            "concernée doit créer elle-même son espace personnel.",
        ),
    ),
    "aide/conditions": InfoPage(
        "Conditions d'accès aux services sécurisés",
        (
            "L'accès aux services sécurisés de www.lassuranceretraite.fr est personnel. Vous vous "
            "engagez à ne pas communiquer vos identifiants.",
        ),
    ),
    "aide/adresse": InfoPage(
        "Besoin d'aide concernant votre adresse ?",
        (
            "Saisissez votre code postal puis choisissez votre ville dans la liste. Cliquez sur "
            "« Valider votre voie » : votre adresse est alors présentée selon la norme postale.",
        ),
    ),
    "aide/telephone": InfoPage("Besoin d'aide concernant vos numéros de téléphone ?"),
    "aide/question-secrete": InfoPage("Besoin d'aide concernant votre question secrète ?"),
    "aide/franceconnect": InfoPage(
        "Qu'est-ce que FranceConnect ?",
        (
            "FranceConnect est la solution proposée par l'État pour vous connecter à vos services "
            "en ligne avec un compte que vous possédez déjà (impots.gouv.fr, ameli.fr…).",
        ),
    ),
    "aide/cgu": InfoPage("Conditions générales d'utilisation"),
    "aide/ris": InfoPage(
        "Questions réponses : le relevé de carrière tous régimes",
        (
            "Vous pouvez demander votre relevé en ligne une fois par jour. Il est disponible "
            "quelques minutes après votre demande.",
        ),
    ),
    "aide/corriger-releve": InfoPage("Comment corriger mon relevé de carrière ?"),
    "aide/cookies": InfoPage(
        "Gestion des cookies",
        (
            "Les cookies de mesure d'audience nous aident à améliorer le site. Vous pouvez les "
            "refuser sans conséquence sur votre navigation.",
        ),
    ),
}
