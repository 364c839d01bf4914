"""State you can trust, nothing left behind, secrets in one process (issue 12, items 1, 5, 6)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from carsat_pilot.core import scratch, secret_env
from carsat_pilot.core.errors import ExitCode
from carsat_pilot.desk.wipe import journal_note, wipe_person
from carsat_pilot.person import passwords
from carsat_pilot.record.state import PersonBusy, StateStore, StateUnreadable, person_key, person_key_soon

NIR = "1850775123456"


# ----------------------------------------------------------------------------- state
def test_a_damaged_state_file_is_a_clear_stop_not_a_silent_reset(tmp_path: Path) -> None:
    store = StateStore(NIR, tmp_path)
    store.record("ris_requested")
    store.path.write_text(store.path.read_text(encoding="utf-8")[:20], encoding="utf-8")  # half-written
    with pytest.raises(StateUnreadable) as caught:
        StateStore(NIR, tmp_path)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert caught.value.message.startswith("L'état de la démarche est illisible : ")
    assert str(store.path) in caught.value.message and "--fresh" in caught.value.message
    store.path.write_text("", encoding="utf-8")  # emptied by a crash
    with pytest.raises(StateUnreadable):
        StateStore(NIR, tmp_path)
    # --fresh is the advisor's explicit way out.
    assert StateStore(NIR, tmp_path, fresh=True).state.ris_requested_at is None


def test_state_is_written_atomically_and_privately(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = StateStore(NIR, tmp_path)
    store.record("registered")
    before = store.path.read_bytes()

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.record("activated")
    monkeypatch.undo()
    # The old file is whole, no temporary file is left beside it.
    assert store.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [store.path.name]
    assert StateStore(NIR, tmp_path).state.activated_at is None
    store.record("activated")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert json.loads(store.path.read_text(encoding="utf-8"))["activated_at"]


def test_two_runs_for_the_same_person_cannot_interleave(tmp_path: Path) -> None:
    first = StateStore(NIR, tmp_path)
    with first.locked():
        with pytest.raises(PersonBusy) as caught:
            StateStore(NIR, tmp_path).acquire()
        assert caught.value.exit_code == ExitCode.BAD_INPUT
        assert "déjà en cours pour cette personne (1 85 07 ** *** ***)" in caught.value.message
        # Another person is not held up.
        with StateStore("2850775123456", tmp_path).locked():
            pass
    # Released: the next run goes, and no lock file is left behind.
    with StateStore(NIR, tmp_path).locked():
        pass
    assert not list(tmp_path.glob("*.lock"))


def test_the_lock_of_a_killed_run_is_free_again(tmp_path: Path) -> None:
    """A run killed while holding the lock: the kernel releases it, the next run goes."""
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        from carsat_pilot.record.state import StateStore
        store = StateStore({NIR!r}, Path({str(tmp_path)!r}))
        store.acquire()
        print("locked", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "locked" and done.returncode == -9
    assert list(tmp_path.glob("*.lock"))  # left behind by the kill…
    with StateStore(NIR, tmp_path).locked():  # …but not held
        pass


def test_the_state_is_read_again_under_the_lock(tmp_path: Path) -> None:
    early = StateStore(NIR, tmp_path)
    StateStore(NIR, tmp_path).record("ris_requested")  # another run, meanwhile
    with early.locked():
        assert early.state.ris_requested_today()


# ----------------------------------------------------------------------------- scratch
def test_a_run_folder_is_private_locked_and_removed(tmp_path: Path) -> None:
    with scratch.Scratch(root=tmp_path) as run:
        assert run.path.name.startswith(scratch.PREFIX)
        assert stat.S_IMODE(run.path.stat().st_mode) == 0o700
        (run.folder("profile") / "Cookies").write_text("session", encoding="utf-8")
        assert scratch.sweep(tmp_path) == []  # alive: never swept
    assert list(tmp_path.iterdir()) == []


def test_what_a_killed_run_left_is_swept_at_the_next_start(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from carsat_pilot.core.scratch import Scratch
        run = Scratch(root=Path({str(tmp_path)!r}))
        (run.folder("profile") / "Cookies").write_text("session")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    subprocess.run([sys.executable, "-c", code], timeout=60)
    legacy = tmp_path / "cp-profile-old"
    legacy.mkdir()
    os.symlink("host-999999999", legacy / "SingletonLock")  # its browser is long gone
    someone_elses = tmp_path / "cp-notours"
    someone_elses.mkdir()
    left = sorted(p.name for p in tmp_path.iterdir())
    assert any(name.startswith(scratch.PREFIX) for name in left)
    removed = scratch.sweep(tmp_path)
    assert len(removed) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["cp-notours"]


# ----------------------------------------------------------------------------- secrets
def test_secret_variables_leave_the_environment_and_are_read_once() -> None:
    env = {
        "CARSAT_PILOT_PASSWORD": "Retraite2026Ok",
        "CARSAT_PILOT_LINK": "http://x/activation/abc",
        "CARSAT_PILOT_SOMETHING_NEW": "secret too",
        "CARSAT_PILOT_BROWSER": "/usr/bin/chromium",
        "HOME": "/home/x",
    }
    taken = secret_env.take_secret_environment(env)
    assert sorted(taken) == ["CARSAT_PILOT_LINK", "CARSAT_PILOT_PASSWORD", "CARSAT_PILOT_SOMETHING_NEW"]
    assert env == {"CARSAT_PILOT_BROWSER": "/usr/bin/chromium", "HOME": "/home/x"}
    assert secret_env.take_secret("CARSAT_PILOT_PASSWORD") == "Retraite2026Ok"
    assert secret_env.take_secret("CARSAT_PILOT_PASSWORD") is None  # once
    assert secret_env.take_secret("CARSAT_PILOT_LINK") == "http://x/activation/abc"
    assert secret_env.take_secret("CARSAT_PILOT_SOMETHING_NEW") == "secret too"


def test_a_child_is_given_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARSAT_PILOT_PASSWORD", "Retraite2026Ok")
    monkeypatch.setenv("CARSAT_PILOT_BROWSER", "/usr/bin/chromium")
    child = secret_env.child_environment(TMPDIR="/tmp/x")
    assert "CARSAT_PILOT_PASSWORD" not in child
    assert child["CARSAT_PILOT_BROWSER"] == "/usr/bin/chromium" and child["TMPDIR"] == "/tmp/x"


def test_read_password_takes_the_variable_out_of_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARSAT_PILOT_PASSWORD", "Retraite2026Ok")
    assert passwords.read_password(None, check_rules=False, prompt=False) == "Retraite2026Ok"
    assert "CARSAT_PILOT_PASSWORD" not in os.environ


# ----------------------------------------------------------------------------- wipe
def test_wipe_removes_the_recap_too_and_names_the_persons_masked_nir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    recap = tmp_path / "recap.html"
    recap.write_text("<p>Jean DUPONT</p>", encoding="utf-8")
    store = StateStore(NIR, tmp_path / "state")
    store.record("registered")
    leftover = tmp_path / "state" / f".{store.path.stem}.abc.tmp"
    leftover.write_text("{", encoding="utf-8")
    removed = wipe_person(NIR, state_folder=tmp_path / "state", summary_paths=[recap])
    assert set(removed) == {recap, store.path, leftover}
    note = journal_note(tmp_path / "journal.jsonl", "2 91 12 2A 123 456")
    assert "(2 91 12 ** *** ***)" in note and "1 85 07" not in note


def test_the_process_own_environment_record_is_blanked_too() -> None:
    """/proc/<pid>/environ shows the environment the process started with: unsetting a
    variable does not change it, the tool blanks the value there as well."""
    code = textwrap.dedent(
        """
        import os
        from carsat_pilot.core.secret_env import take_secret_environment, take_secret
        take_secret_environment()
        record = open(f"/proc/{os.getpid()}/environ", "rb").read()
        print(b"Zz9SecretValue" in record, b"HOME=" in record, take_secret("CARSAT_PILOT_PASSWORD"))
        """
    )
    env = {**os.environ, "CARSAT_PILOT_PASSWORD": "Zz9SecretValue"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.split() == ["False", "True", "Zz9SecretValue"], done.stderr


def test_the_key_computed_while_the_browser_starts_is_the_persons_key(tmp_path: Path) -> None:
    soon = person_key_soon("1 85 07 75 123 456")
    assert soon() == person_key("1850775123456")
    store = StateStore("1850775123456", tmp_path, key=soon())
    assert store.path == StateStore("1850775123456", tmp_path).path
    assert "1850775123456" not in store.path.name
