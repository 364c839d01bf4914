"""The RIS page: request once a day, document offered after the delay, archive, download,
and the PDF itself."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from mock_site.career import career, quarters_for_earnings
from mock_site.ris_pdf import RisPerson, build_ris_pdf, mask_nir
from mock_site.routes.espace import ASKED, REFUSED
from tests.mock_site.helpers import NIR, PASSWORD, RIS, Site, page_text, parse

FETCH = {"X-Requested-With": "fetch"}
DOWNLOAD_TEXT = "Téléchargez votre Relevé Individuel de Situation du"


def logged_in(make_site: Callable[..., Site], **config: object) -> Site:
    site = make_site(**config)
    site.state.add_account(NIR, PASSWORD)
    site.login()
    return site


def download_link(page_html: str) -> str | None:
    match = re.search(r'href="([^"]+\.pdf)">' + DOWNLOAD_TEXT, page_html)
    return match.group(1) if match else None


def test_ris_request_then_document_after_the_delay(make_site: Callable[..., Site]) -> None:
    site = logged_in(make_site, ris_delay_s=120)
    first = site.client.get(RIS)
    assert "Demander mon Relevé Individuel de Situation" in parse(first).buttons
    assert download_link(first.get_data(as_text=True)) is None
    assert "Rafraîchir" not in parse(first).buttons

    asked = site.client.post(RIS + "/demande")
    assert asked.status_code == 303 and asked.headers["Location"] == RIS
    page = site.client.get(RIS)
    assert ASKED in page_text(page)
    assert "Rafraîchir" in parse(page).buttons
    assert download_link(page.get_data(as_text=True)) is None
    assert site.state.ris_requests == [(NIR, datetime(2018, 10, 7, 10, 0))]

    site.clock.advance(seconds=119)
    assert download_link(site.client.get(RIS + "/bloc").get_data(as_text=True)) is None
    site.clock.advance(seconds=1)
    block = site.client.get(RIS + "/bloc", headers=FETCH)
    text = page_text(block)
    assert "Votre Relevé Individuel de Situation est disponible, nous vous invitons à le consulter." in text
    assert "Téléchargez votre Relevé Individuel de Situation du 07/10/2018." in text
    assert "<html" not in block.get_data(as_text=True)  # a fragment, for fetch()


def test_second_request_the_same_day_is_refused(make_site: Callable[..., Site]) -> None:
    site = logged_in(make_site)
    site.client.post(RIS + "/demande")
    site.clock.advance(hours=5)
    refused = site.client.post(RIS + "/demande", headers=FETCH)
    assert REFUSED in page_text(refused)
    assert 'role="alert"' in refused.get_data(as_text=True)
    assert len(site.state.ris_requests) == 1
    # Without script: a redirect and the same message on the page.
    site.client.post(RIS + "/demande")
    assert REFUSED in page_text(site.client.get(RIS))
    assert len(site.state.ris_requests) == 1
    assert "Vous pourrez renouveler votre demande à compter de demain." in page_text(site.client.get(RIS))


def test_next_day_a_new_request_archives_the_previous_document(make_site: Callable[..., Site]) -> None:
    site = logged_in(make_site)
    site.client.post(RIS + "/demande")
    site.clock.advance(days=1)
    page = site.client.get(RIS)
    assert ASKED not in page_text(page)
    assert "Téléchargez votre Relevé Individuel de Situation du 07/10/2018." in page_text(page)
    site.client.post(RIS + "/demande")
    page = site.client.get(RIS)
    assert "Téléchargez votre Relevé Individuel de Situation du 08/10/2018." in page_text(page)
    assert "Consulter mon Relevé Individuel de Situation archivé" in parse(page).link_texts()
    archives = site.client.get(RIS + "/archives")
    assert "Téléchargez votre Relevé Individuel de Situation du 07/10/2018." in page_text(archives)
    assert len(site.state.ris_requests) == 2


def test_already_asked_today(make_site: Callable[..., Site]) -> None:
    site = make_site(already_asked_today={NIR}, ris_delay_s=60)
    site.state.add_account(NIR, PASSWORD)
    site.login()
    page = site.client.get(RIS)
    assert ASKED in page_text(page)
    assert download_link(page.get_data(as_text=True)) is None
    refused = site.client.post(RIS + "/demande", headers=FETCH)
    assert REFUSED in page_text(refused)
    assert site.state.ris_requests == []  # nothing asked through this app
    site.clock.advance(seconds=60)
    assert download_link(site.client.get(RIS).get_data(as_text=True))


def test_already_asked_today_for_accounts_loaded_at_start(make_site: Callable[..., Site], tmp_path: object) -> None:
    import json
    from pathlib import Path

    accounts = Path(str(tmp_path)) / "comptes.json"
    accounts.write_text(json.dumps([{"nir": NIR, "password": PASSWORD, "date_naissance": "15/07/1985"}]))
    site = make_site(accounts_file=accounts, already_asked_today={NIR}, ris_delay_s=30)
    site.clock.advance(seconds=30)  # the delay runs from the start of the app
    site.login()
    assert download_link(site.client.get(RIS).get_data(as_text=True))


def test_available_and_archived_ris_preloaded(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD, ris_available=True, archived_ris=True, ris_date=date(2018, 10, 1))
    site.login()
    page = site.client.get(RIS)
    assert "Téléchargez votre Relevé Individuel de Situation du 01/10/2018." in page_text(page)
    assert "Consulter mon Relevé Individuel de Situation archivé" in parse(page).link_texts()
    archives = site.client.get(RIS + "/archives")
    link = download_link(archives.get_data(as_text=True))
    assert link is not None and link.endswith("releve-2017-10-01.pdf")
    old = site.client.get(link)
    assert old.data == site.state.ris_pdf_bytes(NIR, date(2017, 10, 1))


def test_download_serves_the_exact_bytes_as_an_attachment(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD)
    site.login()
    site.client.post(RIS + "/demande")
    link = download_link(site.client.get(RIS).get_data(as_text=True))
    assert link is not None
    response = site.client.get(link)
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and NIR not in disposition
    assert response.data == site.state.ris_pdf_bytes(NIR, date(2018, 10, 7))
    assert response.data == site.state.ris_pdf_bytes(NIR)
    assert site.state.ris_downloads[0][:2] == (NIR, date(2018, 10, 7))
    assert site.client.get(RIS + "/releve-2001-01-01.pdf").status_code == 404
    assert site.client.get(RIS + "/releve-n-importe.pdf").status_code == 404


def test_download_needs_login(site: Site) -> None:
    site.state.add_account(NIR, PASSWORD, ris_available=True)
    assert site.client.get(RIS + "/releve-2018-10-07.pdf").status_code == 303


def test_ris_pdf_content() -> None:
    person = RisPerson(
        NIR, "Monsieur", "DUPONT", "Jean", date(1985, 7, 15), ("12 BIS AV DU GAL LECLERC", "75012 PARIS", "FRANCE")
    )
    data = build_ris_pdf(person, date(2018, 10, 7))
    assert data == build_ris_pdf(person, date(2018, 10, 7))  # deterministic
    assert data != build_ris_pdf(person, date(2019, 10, 7))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Relevé Individuel de Situation",
        "à titre de renseignement",
        "provisoires",
        "DUPONT",
        "Jean",
        "1 85 07 ** *** ***",
        "Assurance retraite",
        "Activité salariée",
        "07/10/2018",
    ):
        assert expected in text, expected
    assert NIR not in text.replace(" ", "")
    assert re.search(r"Arrco|Agirc", text)


def test_mask_nir() -> None:
    assert mask_nir("1850775123456") == "1 85 07 ** *** ***"
    assert mask_nir("253072A073004") == "2 53 07 ** *** ***"


@pytest.mark.parametrize("born_year", [1955, 1962, 1985, 2000])
def test_career_is_plausible(born_year: int) -> None:
    born = date(born_year, 3, 2)
    lines = career(f"1{born_year % 100:02d}0375123456", born, True, 2024)
    base = [line for line in lines if line.quarters is not None]
    assert base, "a career starts before 2024 for these births"
    years = {line.year for line in base}
    for year in years:
        assert sum(line.quarters or 0 for line in base if line.year == year) <= 4
    for line in lines:
        if line.year >= 2019 and line.points is not None:
            assert line.regime == "Agirc-Arrco"
        if line.year < 2019 and line.points is not None:
            assert line.regime in ("Arrco", "Agirc")
    assert quarters_for_earnings(2024, 1747.50 * 4) == 4
    assert quarters_for_earnings(2024, 1747.50 * 2) == 2
