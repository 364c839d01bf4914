"""The guided session driven through a pipe-like input, in-process: each menu entry up to
the journey it calls (the journeys are replaced by recorders that write the state the real
ones would), consent, profiles, chaining, summary and wipe at the end."""

from __future__ import annotations

import io
import json
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from carsat_pilot.desk.session import run_session
from carsat_pilot.journeys import demo, doctor
from carsat_pilot.journeys import run as journeys
from carsat_pilot.record.state import StateStore
from carsat_pilot.site.browser import find_browser
from tests.e2e.harness import PASSWORD, write_profile

NIR = "1850775123456"
NIR_WITH_SPACES = re.compile(r"1\s?85\s?07\s?75\s?123\s?456")
BASE_URL = "http://127.0.0.1:9"
LINK = f"{BASE_URL}/activation?jeton=abc"


def _browser_executable() -> str:
    """Found now, at collection: once pytest-playwright's session loop runs in this
    process, the tool's own lookup (a sync Playwright) cannot start here any more, so the
    in-process sessions are given the browser through CARSAT_PILOT_BROWSER."""
    found = find_browser()
    if found.path is not None:
        return str(found.path)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return str(playwright.chromium.executable_path)


BROWSER = _browser_executable()


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private HOME (XDG folders inside) as the current folder, the password in the
    environment, no display: what the session writes can be listed."""
    home = Path(tempfile.mkdtemp(prefix="cp-s-", dir="/tmp"))
    for sub in ("data", "state", "cache", "config", "tmp"):
        (home / sub).mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name, sub in (("DATA", "data"), ("STATE", "state"), ("CACHE", "cache"), ("CONFIG", "config")):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(home / sub))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("CARSAT_PILOT_PASSWORD", PASSWORD)
    monkeypatch.setenv("CARSAT_PILOT_BROWSER", BROWSER)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.chdir(home)
    yield home
    shutil.rmtree(home, ignore_errors=True)


@dataclass
class Recorder:
    """Stands for carsat_pilot.journeys.run: records each call, writes the state the real
    journey writes, and returns its kind of summary."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    ris_dir: Path | None = None

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def register(self, options: Any, profile: Any, password: str, *, activate: bool = True) -> str:
        self.calls.append(("register", {"nir": profile.nir, "password": password, "activate": activate}))
        store = StateStore(profile.nir, options.state_folder)
        store.record("registered")
        if activate:
            store.record("activated")
        return "Inscription envoyée."

    def activate(self, options: Any, nir: str, password: str, link: str | None) -> str:
        self.calls.append(("activate", {"nir": nir, "password": password, "link": link}))
        StateStore(nir, options.state_folder).record("activated")
        return journeys.ACTIVE_SUMMARY

    def fetch_ris(self, options: Any, nir: str, password: str, **kwargs: Any) -> str:
        self.calls.append(("fetch_ris", {"nir": nir, "password": password, **kwargs}))
        folder = kwargs.get("download_dir") or journeys.default_download_dir()
        folder.mkdir(parents=True, exist_ok=True)
        pdf = folder / f"RIS_{kwargs.get('surname') or 'RELEVE'}_2026-01-05.pdf"
        pdf.write_bytes(b"%PDF-1.4 releve")
        store = StateStore(nir, options.state_folder)
        store.record("ris_requested")
        store.record("ris_downloaded", ris_path=str(pdf))
        return f"Relevé Individuel de Situation enregistré : {pdf}"


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    fake = Recorder()
    monkeypatch.setattr(journeys, "register", fake.register)
    monkeypatch.setattr(journeys, "activate", fake.activate)
    monkeypatch.setattr(journeys, "fetch_ris", fake.fetch_ris)
    return fake


def session(answers: list[str], **options: Any) -> tuple[int, str]:
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False, color_system=None)
    settings: dict[str, Any] = {"base_url": BASE_URL, "human": "terminal", "headless": True}
    settings.update(options)
    code = run_session(console, input_stream=io.StringIO("".join(f"{a}\n" for a in answers)), **settings)
    return code, out.getvalue()


def journal_records(home: Path) -> list[dict[str, Any]]:
    path = home / "data" / "carsat-pilot" / "journal.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def all_files(home: Path) -> set[Path]:
    return {p for p in home.rglob("*") if p.is_file()}


# --------------------------------------------------------------------------- the menu
def test_the_menu_shows_every_entry_in_french_and_reasks_a_wrong_number(desk: Path) -> None:
    code, out = session(["9", "abc", "0"])
    assert code == 0
    for label in (
        "1. Créer l'espace personnel",
        "2. Finir l'activation avec le lien reçu",
        "3. Obtenir le relevé de carrière (RIS)",
        "4. Vérifier l'installation",
        "5. S'entraîner sur le site d'exercice",
    ):
        assert label in out
    assert out.count("Répondez par un des numéros proposés") == 2
    assert "Séance terminée" in out


def test_the_end_of_the_input_ends_the_session_cleanly(desk: Path) -> None:
    code, out = session([])
    assert code == 0
    assert "Séance terminée" in out


# --------------------------------------------------------------------------- 1. register
def test_register_with_a_saved_profile_calls_the_journey_with_it(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    code, out = session(["1", "oui", "", "1", "n", "0", "n"])
    assert code == 0, out
    assert recorder.calls == [("register", {"nir": NIR, "password": PASSWORD, "activate": False})]
    # The saved profile is offered with its name and the NIR masked, never in clear.
    assert "Jean DUPONT — 1 85 07 ** *** ***" in out
    assert not NIR_WITH_SPACES.search(out)
    assert PASSWORD not in out
    # The end: consultez votre messagerie (registered, not activated yet).
    assert "Consultez votre messagerie" in out


def test_profiles_of_the_user_profils_folder_are_offered(desk: Path, recorder: Recorder) -> None:
    folder = desk / "data" / "carsat-pilot" / "profils"
    folder.mkdir(parents=True)
    write_profile(folder, nir="2850775123456", civilite="Madame", prenom="Anne", nom="MARTIN")
    (desk / "pyproject.toml").write_text('[project]\nname = "x"\n')  # not a profile: not listed
    code, out = session(["1", "o", "", "1", "n", "0"])
    assert code == 0, out
    assert "Anne MARTIN — 2 85 07 ** *** ***" in out
    assert "pyproject" not in out
    assert recorder.calls[0][1]["nir"] == "2850775123456"


def test_register_chains_activation_then_the_ris_with_the_same_password(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    code, out = session(["1", "o", "", "1", "o", "o", "0", "n"])
    assert code == 0, out
    assert recorder.names() == ["register", "fetch_ris"]
    assert recorder.calls[0][1]["activate"] is True
    fetch = recorder.calls[1][1]
    assert fetch["nir"] == NIR and fetch["password"] == PASSWORD and fetch["surname"] == "DUPONT"
    assert "Relevé de carrière (RIS) téléchargé le" in out
    assert "RIS_DUPONT_2026-01-05.pdf" in out
    assert "Une nouvelle demande de relevé sera possible à partir de demain" in out


def test_register_with_a_profile_typed_in_the_session_and_a_typed_password(
    desk: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARSAT_PILOT_PASSWORD")
    typed = [
        "1", "o", "",  # menu, consent, language (Entrée: French); no saved profile yet: asked field by field
        NIR, "Monsieur", "Dupont", "Jean", "15/07/1985",
        "", "75012", "Paris", "12", "", "rue de la gare",
        "0612345678", "jean.dupont@example.org", "jean.dupont@example.org",
        "Quel est le nom de votre premier animal de compagnie ?", "Medor", "Medor",
        "o",  # save the profile (without password)
        PASSWORD, PASSWORD,  # password and its confirmation: read, never stored
        "n", "0", "n",
    ]  # fmt: skip
    code, out = session(typed)
    assert code == 0, out
    assert recorder.calls == [("register", {"nir": NIR, "password": PASSWORD, "activate": False})]
    saved = desk / "profil-dupont-jean.toml"
    assert saved.exists()
    for path in all_files(desk):
        assert PASSWORD not in path.read_text(encoding="utf-8", errors="replace"), path
    assert PASSWORD not in out
    assert not re.search(r"(enregistrer|sauvegarder)[^\n]*mot de passe\s*\?", out, re.IGNORECASE)


# --------------------------------------------------------------------------- consent
def test_consent_refused_calls_no_journey_and_is_journaled(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    code, out = session(["1", "non", "0"])
    assert recorder.calls == []
    assert code == 2
    assert "un mandataire ne peut pas s'inscrire à sa place" in out
    consent = [r for r in journal_records(desk) if r["kind"] == "consent"]
    assert len(consent) == 1 and consent[0]["data"]["accord"] == "non"
    # Refused before the profile was even chosen: no personal data was asked or shown.
    assert "Profils enregistrés" not in out


def test_consent_is_asked_once_and_journaled(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    code, _out = session(["1", "o", "", "1", "n", "3", "0", "n"])
    assert code == 0
    assert recorder.names() == ["register", "fetch_ris"]
    records = journal_records(desk)
    consent = [r for r in records if r["kind"] == "consent"]
    assert len(consent) == 1
    assert consent[0]["data"] == {"accord": "oui", "confirme_par": "conseiller"}
    # The person is named in the same run, masked.
    person = [r for r in records if r["flow"] == "session" and r["kind"] == "info"]
    assert person[0]["run"] == consent[0]["run"]
    assert person[0]["message"] == "personne accompagnée : 1 85 07 ** *** ***"


def test_yes_confirms_consent_without_asking(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    code, out = session(["1", "", "1", "n", "0", "n"], yes=True)
    assert code == 0, out
    assert recorder.names() == ["register"]
    assert "La personne concernée est-elle présente" not in out
    consent = [r for r in journal_records(desk) if r["kind"] == "consent"]
    assert consent[0]["data"] == {"accord": "oui", "confirme_par": "--yes"}


# --------------------------------------------------------------------------- 2. activate
def test_activate_with_the_nir_typed_and_the_link(desk: Path, recorder: Recorder) -> None:
    code, out = session(["2", "o", "", "1 85 07 75 123 456", LINK, "n", "0", "n"])
    assert code == 0, out
    assert recorder.calls == [("activate", {"nir": NIR, "password": PASSWORD, "link": LINK})]
    assert "Espace personnel activé le" in out


def test_activate_refuses_a_link_to_another_site(desk: Path, recorder: Recorder) -> None:
    code, out = session(["2", "o", "", NIR, "https://lassuranceretraite.example.com/activation?t=x", "0"])
    assert code == 2
    assert recorder.calls == []
    assert "ne mène pas au site" in out


def test_activate_then_the_ris_when_the_person_wants(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    code, out = session(["2", "o", "", "1", LINK, "o", "0", "n"])
    assert code == 0, out
    assert recorder.names() == ["activate", "fetch_ris"]
    assert recorder.calls[1][1]["surname"] == "DUPONT"


# --------------------------------------------------------------------------- 3. RIS
def test_fetch_ris_with_a_saved_profile(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    target = desk / "releves"
    code, out = session(["3", "o", "", "1", "0", "n"], download_dir=target)
    assert code == 0, out
    ((name, call),) = recorder.calls
    assert name == "fetch_ris"
    assert call["nir"] == NIR and call["password"] == PASSWORD
    assert call["download_dir"] == target and call["surname"] == "DUPONT"
    assert str(target / "RIS_DUPONT_2026-01-05.pdf") in out


def test_a_second_person_needs_a_new_session(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)  # personne.toml: Jean DUPONT
    (desk / "autre").mkdir()
    other = write_profile(desk / "autre", nir="2850775123456", civilite="Madame", prenom="Anne", nom="MARTIN")
    other.rename(desk / "martin.toml")  # listed first
    code, out = session(["3", "o", "", "2", "1", "1", "0", "n"])
    assert recorder.names() == ["fetch_ris"]
    assert recorder.calls[0][1]["nir"] == NIR
    assert code == 2
    assert "Cette séance accompagne déjà Jean DUPONT" in out


# --------------------------------------------------------------------------- 4. doctor
def test_check_installation_shows_the_checks(desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str | None]] = []

    def run_checks(base_url: str, browser_path: str | None) -> list[doctor.Check]:
        seen.append((base_url, browser_path))
        return [
            doctor.Check("Navigateur trouvé", True, "/usr/bin/chromium"),
            doctor.Check("Site joignable", False, "hors d'atteinte"),
        ]

    monkeypatch.setattr(doctor, "run_checks", run_checks)
    code, out = session(["4", "0"])
    assert seen == [(BASE_URL, None)]
    assert "carsat-pilot doctor" in out and "Navigateur trouvé" in out
    assert code == 4  # a failed check is an exit code, as `carsat-pilot doctor` gives


# --------------------------------------------------------------------------- 5. training
def test_training_runs_the_automatic_demo(desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[dict[str, Any]] = []

    def run_demo(console: Console, **kwargs: Any) -> str:
        runs.append(kwargs)
        return "démo terminée"

    monkeypatch.setattr(demo, "run_demo", run_demo)
    code, out = session(["5", "n", "0"])
    assert code == 0, out
    assert runs and runs[0]["auto"] is True and runs[0]["headless"] is True
    assert "démo terminée" in out


def test_hands_on_training_reads_the_sessions_lines_then_gives_them_back(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []

    def run_demo(console: Console, **kwargs: Any) -> str:
        assert kwargs["auto"] is False
        read.append(kwargs["ask"].line("Code ?"))  # the demo's questions go through the session's input
        return "exercice terminé"

    monkeypatch.setattr(demo, "run_demo", run_demo)
    monkeypatch.setattr(doctor, "run_checks", lambda url, path: [doctor.Check("Navigateur trouvé", True, "ok")])
    code, out = session(["5", "o", "CODE42", "4", "0"])
    assert read == ["CODE42"]
    # The next line went back to the menu: « 4 » ran the checks.
    assert "carsat-pilot doctor" in out and "Navigateur trouvé" in out
    assert code == 0


# --------------------------------------------------------------------------- the end
def test_summary_file_is_written_private_with_the_facts_and_nothing_secret(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    target = desk / "recap" / "recapitulatif.html"
    code, out = session(["1", "o", "", "1", "n", "0", "n"], summary_path=target)
    assert code == 0, out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text(encoding="utf-8")
    assert "Jean DUPONT" in text
    assert "1 85 07 ** *** ***" in text
    assert "Inscription envoyée au site le" in text
    assert "Consultez votre messagerie" in text and "@example.org" in text
    assert not NIR_WITH_SPACES.search(text)
    assert "jean.dupont" not in text
    assert PASSWORD not in text and "Medor" not in text
    assert str(target) in out


def test_wipe_at_the_end_leaves_no_file_of_the_person(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    before = all_files(desk)
    code, out = session(["3", "o", "", "1", "0"], wipe=True)
    assert code == 0, out
    after = all_files(desk)
    # Left: only the journal (masked) — no profile, no state file, no relevé.
    assert {p.name for p in after} == {"journal.jsonl"}
    assert not (before - after) - {desk / "personne.toml"}
    journal = (desk / "data" / "carsat-pilot" / "journal.jsonl").read_text(encoding="utf-8")
    assert NIR not in journal
    assert "effacé" in out and "journal" in out


def test_wipe_is_offered_and_declining_keeps_the_files(desk: Path, recorder: Recorder) -> None:
    write_profile(desk)
    code, out = session(["3", "o", "", "1", "0", "n"])
    assert code == 0
    assert "Effacer de ce poste les traces de Jean DUPONT" in out
    assert (desk / "personne.toml").exists()
    assert any(p.suffix == ".pdf" for p in all_files(desk))


def test_after_a_failure_the_password_is_asked_again(
    desk: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carsat_pilot.core.errors import SiteRefused

    monkeypatch.delenv("CARSAT_PILOT_PASSWORD")
    tried: list[str] = []

    def fetch_ris(options: Any, nir: str, password: str, **kwargs: Any) -> str:
        tried.append(password)
        if len(tried) == 1:
            raise SiteRefused("Le site a répondu : « Identifiant ou mot de passe incorrect. »")
        return recorder.fetch_ris(options, nir, password, **kwargs)

    monkeypatch.setattr(journeys, "fetch_ris", fetch_ris)
    code, out = session(["3", "o", "", NIR, "Faux1234Mdp", "3", "Bon1234Mdp", "0", "n"])
    assert tried == ["Faux1234Mdp", "Bon1234Mdp"]
    assert code == 0, out
    assert "mot de passe incorrect" in out
    assert "Faux1234Mdp" not in out and "Bon1234Mdp" not in out


def test_a_wrong_option_is_refused_before_the_menu(desk: Path) -> None:
    from carsat_pilot.core.errors import BadInput

    with pytest.raises(BadInput, match="--wait"):
        session(["0"], wait_s=-1)
    with pytest.raises(BadInput, match=r"evil\.example"):
        session(["0"], base_url="http://evil.example")
    with pytest.raises(BadInput, match="--refresh-interval"):
        session(["0"], base_url="https://www.lassuranceretraite.fr", refresh_interval_s=2.0)
