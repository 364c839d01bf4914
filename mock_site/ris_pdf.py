"""The Relevé Individuel de Situation as a real PDF, in the three parts of the current
layout: (1) where the data come from and a summary, (2) rights per régime, (3) the
career year by year. Deterministic: same person and date → same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from mock_site.career import FRANCS_PER_EURO, CareerLine, career, quarters_required

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class RisPerson:
    nir: str
    civilite: str
    nom: str
    prenom: str
    born: date
    address: tuple[str, ...] = ()


def mask_nir(nir: str) -> str:
    """ "1 85 07 ** *** ***": sex, year and month only, as on the tool's journal."""
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} ** *** ***"


def _money(amount: float, francs: bool, euro_sign: str) -> str:
    value = amount * FRANCS_PER_EURO if francs else amount
    whole, cents = f"{value:,.2f}".split(".")
    text = whole.replace(",", " ") + "," + cents
    return f"{text} F" if francs else f"{text} {euro_sign}"


class _RisDocument(FPDF):
    def __init__(self, person: RisPerson, established: date) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.person = person
        self.established = established
        self.unicode = False
        regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.family_name = "DejaVu"
            self.unicode = True
        else:  # core fonts: latin-1 only, hence "EUR" instead of the euro sign
            self.family_name = "Helvetica"
        self.euro = "€" if self.unicode else "EUR"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title("Relevé Individuel de Situation")
        self.set_author("l'Assurance retraite")
        self.set_creator("lassuranceretraite.fr (réplique locale)")
        self.set_creation_date(datetime(established.year, established.month, established.day))

    def t(self, text: str) -> str:
        if self.unicode:
            return text
        return text.replace("’", "'").encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.family_name, "B", 9)
        self.set_text_color(0, 70, 140)
        self.cell(0, 5, self.t("SECURITE SOCIALE — l'Assurance Retraite"), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family_name, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(
            0,
            4,
            self.t(
                f"Relevé Individuel de Situation du {self.established:%d/%m/%Y} — "
                f"{self.person.prenom} {self.person.nom} — {mask_nir(self.person.nir)}"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_text_color(0, 0, 0)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family_name, "", 7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self.t("Document établi à titre de renseignement — données provisoires"), align="L")
        self.cell(0, 4, self.t(f"Page {self.page_no()}/{{nb}}"), align="R")

    def title_line(self, text: str, size: int = 14) -> None:
        self.set_font(self.family_name, "B", size)
        self.multi_cell(0, size * 0.5, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def paragraph(self, text: str, size: int = 9, bold: bool = False) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)
        self.multi_cell(0, 4.6, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)


def build_ris_pdf(person: RisPerson, established: date) -> bytes:
    until_year = established.year - 1  # rights are known up to 31 December last year
    lines = career(person.nir, person.born, person.nir[0] in "17", until_year)
    base = [line for line in lines if line.quarters is not None]
    quarters = sum(line.quarters or 0 for line in base)
    required = quarters_required(person.born)
    points: dict[str, float] = {}
    for line in lines:
        if line.points is not None:
            points[line.regime] = points.get(line.regime, 0.0) + line.points

    pdf = _RisDocument(person, established)
    pdf.alias_nb_pages()

    # Part 1 ------------------------------------------------------------------------------
    pdf.add_page()
    pdf.title_line("Relevé Individuel de Situation", 18)
    pdf.paragraph(f"Établi le {established:%d/%m/%Y}", 10, bold=True)
    pdf.paragraph(
        "Ce relevé vous est adressé à titre de renseignement. Il récapitule les droits que vous "
        "avez acquis dans l'ensemble de vos régimes de retraite, obligatoires de base et "
        "complémentaires, jusqu'au 31 décembre "
        f"{until_year}. Les données qu'il contient sont provisoires : elles peuvent évoluer "
        "jusqu'au calcul de votre retraite."
    )
    pdf.ln(2)
    pdf.title_line("Vos informations personnelles", 12)
    identity = [
        f"{person.civilite} {person.prenom} {person.nom}",
        f"Né{'e' if person.civilite == 'Madame' else ''} le {person.born:%d/%m/%Y}",
        f"N° de Sécurité sociale : {mask_nir(person.nir)}",
        *person.address,
    ]
    for item in identity:
        pdf.paragraph(item, 10)
    pdf.ln(2)
    pdf.title_line("1. D'où viennent ces informations ?", 12)
    pdf.paragraph(
        "Les informations de ce relevé ont été transmises par vos employeurs (déclarations "
        "sociales) et par les organismes qui vous ont versé des revenus de remplacement "
        "(chômage, maladie). Les trimestres d'une année sont enregistrés au plus tard le 31 "
        "mars de l'année suivante. Si vous constatez une erreur ou un oubli, contactez votre "
        "caisse de retraite : l'Assurance retraite (Cnav, Carsat, CGSS, CSS) pour le régime "
        "général, l'Agirc-Arrco pour la retraite complémentaire."
    )
    pdf.title_line("Synthèse de votre carrière", 12)
    missing = max(0, required - quarters)
    summary = [
        ("Trimestres retenus tous régimes de base", str(quarters)),
        (f"Trimestres requis pour le taux plein (génération {person.born.year})", str(required)),
        ("Trimestres restant à acquérir pour le taux plein", str(missing)),
        *(
            (f"Points {regime}", f"{total:,.2f}".replace(",", " ").replace(".", ","))
            for regime, total in sorted(points.items())
        ),
    ]
    _table(pdf, ("Élément", "Valeur"), summary, (140, 50))

    # Part 2 ------------------------------------------------------------------------------
    pdf.add_page()
    pdf.title_line("2. Vos droits dans chaque régime", 12)
    per_regime: dict[str, list[CareerLine]] = {}
    for line in lines:
        per_regime.setdefault(line.regime, []).append(line)
    rows: list[tuple[str, ...]] = []
    for regime, items in per_regime.items():
        first, last = min(i.year for i in items), max(i.year for i in items)
        q = sum(i.quarters or 0 for i in items)
        p = sum(i.points or 0 for i in items)
        rows.append(
            (
                regime,
                f"{first} – {last}",
                str(q) if q else "–",
                f"{p:,.2f}".replace(",", " ").replace(".", ",") if p else "–",
            )
        )
    if not rows:
        rows.append(("Aucun droit enregistré", "–", "–", "–"))
    _table(pdf, ("Régime", "Période", "Trimestres", "Points"), rows, (70, 40, 40, 40))
    pdf.ln(3)
    pdf.paragraph(
        "Les trimestres sont acquis dans les régimes de base (1 trimestre pour 150 heures "
        "rémunérées au SMIC depuis 2014, 200 heures auparavant, 4 au plus par année). Les "
        "points sont acquis dans les régimes complémentaires (Arrco et Agirc jusqu'en 2018, "
        "Agirc-Arrco depuis 2019)."
    )

    # Part 3 ------------------------------------------------------------------------------
    pdf.add_page()
    pdf.title_line("3. Votre carrière année par année", 12)
    pdf.paragraph(
        "Rémunérations en francs avant 2002, en euros ensuite ; salaires retenus dans "
        "la limite du plafond de la sécurité sociale.",
        8,
    )
    detail = [
        (
            f"{line.start:%d/%m/%Y} – {line.end:%d/%m/%Y}",
            line.regime,
            line.nature,
            _money(line.earnings, line.in_francs, pdf.euro) if line.earnings is not None else "",
            line.employer,
            str(line.quarters) if line.quarters is not None else "",
            f"{line.points:.2f}".replace(".", ",") if line.points is not None else "",
        )
        for line in lines
    ]
    if not detail:
        detail.append(("–", "Aucune période enregistrée", "", "", "", "", ""))
    headings = ("Période", "Régime", "Nature", "Rémunérations", "Employeur", "Trim.", "Points")
    _table(pdf, headings, detail, (36, 25, 25, 26, 48, 12, 18), size=6.5)
    pdf.ln(2)
    pdf.paragraph(f"Total des trimestres : {quarters}", 9, bold=True)
    return bytes(pdf.output())


def _table(
    pdf: _RisDocument,
    headings: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    widths: tuple[int, ...],
    size: float = 8.5,
) -> None:
    pdf.set_font(pdf.family_name, "", size)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        line_height=size * 0.55,
        headings_style=FontFace(emphasis="BOLD", fill_color=(220, 230, 242)),
        align="LEFT",
    ) as table:
        header = table.row()
        for heading in headings:
            header.cell(pdf.t(heading))
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(pdf.t(value))
