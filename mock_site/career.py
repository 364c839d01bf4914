"""A plausible career, year by year, for a person of the replica: deterministic per NIR and
birth date, with the orders of magnitude of the real RIS (see nir-and-ris-facts.md):
quarters from earnings and the SMIC, earnings capped at the ceiling, francs before 2002,
Arrco/Agirc points before 2019 and Agirc-Arrco points after."""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

FRANCS_PER_EURO = 6.55957

# SMIC horaire brut in euros (1 January value; francs converted), one anchor every few
# years, linear in between. Real values for 2002 on.
_SMIC_ANCHORS = {
    1975: 1.08,
    1980: 2.04,
    1985: 3.98,
    1990: 4.87,
    1995: 5.64,
    2000: 6.41,
    2002: 6.67,
    2005: 7.61,
    2008: 8.44,
    2010: 8.86,
    2012: 9.22,
    2014: 9.53,
    2016: 9.67,
    2017: 9.76,
    2018: 9.88,
    2019: 10.03,
    2020: 10.15,
    2021: 10.25,
    2022: 10.57,
    2023: 11.27,
    2024: 11.65,
    2025: 11.88,
    2026: 12.02,
}
# Plafond annuel de la sécurité sociale in euros (real from 2002).
_PASS_ANCHORS = {
    1975: 5_400,
    1980: 10_600,
    1985: 17_900,
    1990: 21_500,
    1995: 24_100,
    2000: 26_350,
    2002: 28_224,
    2005: 30_192,
    2008: 33_276,
    2010: 34_620,
    2012: 36_372,
    2014: 37_548,
    2016: 38_616,
    2017: 39_228,
    2018: 39_732,
    2019: 40_524,
    2020: 41_136,
    2021: 41_136,
    2022: 41_136,
    2023: 43_992,
    2024: 46_368,
    2025: 47_100,
    2026: 48_060,
}
# Salaire de référence of the complementary schemes (euros per point).
_REF_ANCHORS = {
    1975: 1.9,
    1985: 6.9,
    1995: 11.2,
    2000: 12.6,
    2005: 13.4,
    2010: 14.40,
    2015: 15.23,
    2019: 17.3982,
    2021: 17.4316,
    2023: 18.1254,
    2024: 19.6321,
    2026: 20.1877,
}

EMPLOYERS = [
    "BOULANGERIE MARTIN SARL",
    "TRANSPORTS LEROY ET FILS",
    "SUPERMARCHES DU CENTRE",
    "MENUISERIE BERNARD",
    "CLINIQUE SAINTE-ANNE",
    "SOCIETE GENERALE DE NETTOYAGE",
    "MAIRIE DE VILLEFRANCHE",
    "IMPRIMERIE MODERNE",
    "HOTEL DU COMMERCE",
    "GARAGE DE LA GARE",
    "LOGISTIQUE NORD EUROPE",
    "CABINET COMPTABLE DURAND",
    "ATELIERS MECANIQUES DE L'OUEST",
    "RESTAURANT LE RELAIS",
    "AIDE A DOMICILE 2000",
]


def _interpolate(anchors: Mapping[int, float], year: int) -> float:
    years = sorted(anchors)
    if year <= years[0]:
        return anchors[years[0]]
    if year >= years[-1]:
        return anchors[years[-1]]
    for low, high in itertools.pairwise(years):
        if low <= year <= high:
            share = (year - low) / (high - low)
            return anchors[low] + share * (anchors[high] - anchors[low])
    raise AssertionError("unreachable")


def smic_hourly(year: int) -> float:
    return _interpolate(_SMIC_ANCHORS, year)


def ceiling(year: int) -> float:
    return _interpolate(_PASS_ANCHORS, year)


def quarters_for_earnings(year: int, earnings: float) -> int:
    # 200 hours of SMIC per quarter until 2013, 150 since 2014 (décret 2014-349); max 4.
    hours = 200 if year < 2014 else 150
    return min(4, int(earnings // (hours * smic_hourly(year))))


def quarters_required(born: date) -> int:
    """Durée d'assurance for the full rate, as set by the 2023 reform."""
    y = born.year
    if y <= 1957:
        return 166
    if y <= 1960:
        return 167
    return min(172, 168 + (y - 1961))


@dataclass(frozen=True)
class CareerLine:
    year: int
    start: date
    end: date
    regime: str
    nature: str
    earnings: float | None  # euros; shown in francs before 2002
    employer: str
    quarters: int | None
    points: float | None

    @property
    def in_francs(self) -> bool:
        return self.year < 2002


def _rng(nir: str, born: date) -> random.Random:
    digest = hashlib.sha256(f"{nir}|{born.isoformat()}".encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def career(nir: str, born: date, sex_male: bool, until_year: int) -> list[CareerLine]:
    """Lines from the first job to 31 December of `until_year` (the year before the RIS)."""
    rng = _rng(nir, born)
    start_year = born.year + rng.randint(18, 23)
    lines: list[CareerLine] = []
    if start_year > until_year:
        return lines
    employers = rng.sample(EMPLOYERS, k=min(len(EMPLOYERS), rng.randint(3, 6)))
    employer_index = 0
    ratio = rng.uniform(0.85, 1.15)  # gross annual pay / full-time SMIC
    cadre_from = start_year + rng.randint(8, 25) if rng.random() < 0.35 else None
    unemployment_year = start_year + rng.randint(3, 15) if rng.random() < 0.6 else None
    sickness_year = start_year + rng.randint(5, 25) if rng.random() < 0.4 else None
    national_service = sex_male and born.year < 1979
    service_year = born.year + 20 if national_service else None

    year = start_year
    while year <= until_year:
        full_time_hours = 2028 if year < 2000 else 1820  # 39 h then 35 h a week
        if year == service_year:
            lines.append(
                CareerLine(
                    year,
                    date(year, 1, 1),
                    date(year, 12, 31),
                    "Assurance retraite",
                    "Service national",
                    None,
                    "",
                    4,
                    None,
                )
            )
            year += 1
            continue
        months = rng.randint(3, 11) if year == start_year else 12
        begin = date(year, 13 - months, 1) if months < 12 else date(year, 1, 1)
        if rng.random() < 0.12 and year != start_year:
            employer_index = (employer_index + 1) % len(employers)
        employer = employers[employer_index]
        if rng.random() < 0.06:
            employer = "EMPLOYEURS MULTIPLES"
        ratio *= rng.uniform(1.0, 1.045)
        worked_months = months
        if year == unemployment_year:
            worked_months = rng.randint(2, 8)
        if year == sickness_year:
            worked_months = min(worked_months, rng.randint(6, 10))
        gross = ratio * smic_hourly(year) * full_time_hours * worked_months / 12
        gross = round(gross, 2)
        capped = min(gross, ceiling(year))
        quarters = quarters_for_earnings(year, capped)
        lines.append(
            CareerLine(
                year,
                begin,
                date(year, 12, 31),
                "Assurance retraite",
                "Activité salariée",
                round(capped, 2),
                employer,
                quarters,
                None,
            )
        )
        if year == unemployment_year:
            days = (12 - worked_months) * 30
            lines.append(
                CareerLine(
                    year,
                    date(year, worked_months + 1, 1),
                    date(year, 12, 31),
                    "Assurance retraite",
                    "Chômage indemnisé",
                    None,
                    "",
                    min(4 - quarters, days // 50),
                    None,
                )
            )
        if year == sickness_year:
            days = rng.randint(60, 150)
            lines.append(
                CareerLine(
                    year,
                    begin,
                    date(year, 12, 31),
                    "Assurance retraite",
                    "Maladie",
                    None,
                    "",
                    min(4 - quarters, days // 60),
                    None,
                )
            )
        lines.extend(_complementary(year, begin, gross, employer, cadre=cadre_from is not None and year >= cadre_from))
        year += 1
    return lines


def _complementary(year: int, begin: date, gross: float, employer: str, cadre: bool) -> list[CareerLine]:
    ref = _interpolate(_REF_ANCHORS, year)
    tranche_1 = min(gross, ceiling(year))
    tranche_2 = max(0.0, gross - ceiling(year))
    end = date(year, 12, 31)
    if year >= 2019:
        points = round((tranche_1 * 0.062 + tranche_2 * 0.17) / ref, 2)
        return [CareerLine(year, begin, end, "Agirc-Arrco", "Activité salariée", None, employer, None, points)]
    lines = [
        CareerLine(
            year, begin, end, "Arrco", "Activité salariée", None, employer, None, round(tranche_1 * 0.06 / ref, 2)
        )
    ]
    if cadre:
        # Cadres also earned Agirc points, at least the "garantie minimale de points".
        agirc = max(120.0, tranche_2 * 0.16 / (ref * 3.1))
        lines.append(CareerLine(year, begin, end, "Agirc", "Activité salariée", None, employer, None, round(agirc, 2)))
    return lines
