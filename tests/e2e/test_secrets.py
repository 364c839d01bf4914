"""A person's secrets never reach the disk: run the whole journey with a private HOME,
XDG folders and TMPDIR, then read every file the tool left there (the RIS PDF aside)."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import Replica
from tests.e2e.harness import PASSWORD, ToolRun, isolated_env, write_profile
from tests.e2e.secret_scan import leaks

pytestmark = pytest.mark.e2e

NIR = "1850775123456"
EMAIL = "jean.dupont@example.org"
SECRETS = [NIR, "1 85 07 75 123 456", "185077512345", PASSWORD, "Medor", "jean.dupont"]


@pytest.fixture
def replica_config():  # type: ignore[no-untyped-def]
    from mock_site import MockConfig

    return MockConfig(ris_delay_s=1.0)


def test_register_activate_fetch_leave_no_secret_on_disk(replica: Replica, home: Path, tmp_path: Path) -> None:
    # The person's own profile lives outside the tool's folders: it is their input.
    profile = write_profile(tmp_path)
    env = isolated_env(home)
    run = ToolRun(
        ["register", "--profile", str(profile), "--base-url", replica.url, "--human", "terminal", "--yes"], env
    )
    run.expect(r"saisissez.*captcha")
    run.send(replica.state.latest_captcha_answer())
    run.expect(r"lien d'activation")
    run.send(replica.state.latest_email(EMAIL).activation_link)
    assert run.finish() == 0, run.output

    fetch = ToolRun(
        [
            "fetch-ris",
            "--profile",
            str(profile),
            "--base-url",
            replica.url,
            "--human",
            "terminal",
            "--download-dir",
            str(home / "RIS"),
            "--refresh-interval",
            "1",
        ],
        env,
    )
    assert fetch.finish() == 0, fetch.output

    written = [p for p in home.rglob("*") if p.is_file()]
    pdfs = [p for p in written if p.suffix == ".pdf"]
    assert len(pdfs) == 1 and stat.S_IMODE(pdfs[0].stat().st_mode) == 0o600
    others = [p for p in written if p.suffix != ".pdf"]
    assert others, "the journal and the state file should be there"
    hits = []
    for path in others:
        data = path.read_bytes().decode("utf-8", "replace")
        hits += [f"{path.relative_to(home)}: {secret}" for secret in SECRETS if secret in data]
    assert hits == []
    # Nothing the person typed is printed either, but the masked NIR may be.
    for secret in (PASSWORD, "Medor"):
        assert secret not in run.output + fetch.output
    # The temporary browser profile and the captcha images are gone.
    assert not [p for p in (home / "tmp").iterdir()]


# --------------------------------------------------------------------------- after --wipe
def _answer_session(run: ToolRun, timeout_s: float = 150.0) -> int:
    """The advisor at the menu: the relevé (3), the person present, their saved profile (1),
    no more, then the end (0)."""
    context, menus = "", 0
    deadline = time.monotonic() + timeout_s
    while (line := run.next_line(deadline)) is not None:
        if "Créer l'espace personnel" in line:
            context = "menu"
        elif "Profils enregistrés" in line:
            context = "profile"
        if "présente" in line:
            run.send("o")
        elif "Entrée : français" in line:
            run.send("")
        elif "Obtenir maintenant" in line or "Effacer de ce poste" in line:
            run.send("n")
        elif "Votre choix" in line:
            if context == "profile":
                run.send("1")
            else:
                menus += 1
                run.send("3" if menus == 1 else "0")
            context = ""
    return run.finish(timeout=30)


def test_after_wipe_nothing_of_the_person_is_left_but_the_masked_journal(replica: Replica, home: Path) -> None:
    account = replica.state.add_account(NIR, PASSWORD, ris_available=True)
    write_profile(home)
    recap = home / "recapitulatif.html"
    run = ToolRun(
        [
            "session",
            "--base-url",
            replica.url,
            "--human",
            "terminal",
            "--headless",
            "--yes",
            "--download-dir",
            str(home / "RIS"),
            "--summary",
            str(recap),
            "--wipe",
        ],
        isolated_env(home),
        cwd=home,
    )
    assert _answer_session(run) == 0, run.output
    output = " ".join(run.output.split())
    assert "imprimez-le ou remettez-le-lui avant l'effacement" in output  # said before it goes
    assert f"effacé : {recap}" in output
    assert "masqué (1 85 07 ** *** ***)" in output  # the person's own masked NIR
    left = sorted(p for p in home.rglob("*") if p.is_file())
    assert not [p for p in left if p.suffix in (".pdf", ".toml", ".html", ".json", ".png", ".lock")], left
    journal = home / "data" / "carsat-pilot" / "journal.jsonl"
    assert journal in left and "1 85 07 ** *** ***" in journal.read_text(encoding="utf-8")
    # Nothing at all, the journal included: no exception for the person's own files now.
    assert leaks(left, [account.activation_token], except_theirs=False) == []
    assert not list((home / "tmp").iterdir())
