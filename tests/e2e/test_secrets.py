"""A person's secrets never reach the disk: run the whole journey with a private HOME,
XDG folders and TMPDIR, then read every file the tool left there (the RIS PDF aside)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.e2e.conftest import Replica
from tests.e2e.harness import PASSWORD, ToolRun, isolated_env, write_profile

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
