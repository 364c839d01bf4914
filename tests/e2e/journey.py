"""The whole journey as a person at the desk lives it — register (a wrong captcha first),
activation from the e-mailed link, fetch-ris — each command's questions answered from the
replica's own state, as the person would. The commands run in-process on the test
process's shared browser (tests/e2e/inprocess.py): what these journeys check is the site's
side, not the command line's; `assert_whole_journey(..., real_processes=True)` runs each
as a real `carsat-pilot` process. The whole journey kept as real processes, every run of
the suite: tests/e2e/test_secrets.py's register → activate → fetch-ris (what is left on
disk, with the processes' own TMPDIR)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from tests.e2e.conftest import Replica
from tests.e2e.harness import ToolRun, isolated_env, write_profile
from tests.e2e.inprocess import Run, tool_run

EMAIL = "jean.dupont@example.org"
NIR = "1850775123456"
CAPTCHA_PROMPT = re.compile(r"saisissez.*captcha", re.I)
LINK_PROMPT = re.compile(r"lien d'activation", re.I)


@dataclass
class Answers:
    """What the person answers at each prompt: a wrong captcha first, then the right one."""

    replica: Replica
    wrong_captcha_first: bool = True
    captchas_asked: int = 0
    log: list[str] = field(default_factory=list)

    def captcha(self) -> str:
        self.captchas_asked += 1
        answer = self.replica.state.latest_captcha_answer()
        if self.wrong_captcha_first and self.captchas_asked == 1:
            return "ZZZZZZ" if answer.upper() != "ZZZZZZ" else "YYYYYY"
        return str(answer)

    def link(self) -> str:
        email = self.replica.state.latest_email(EMAIL)
        assert email is not None, "no activation e-mail was sent"
        return str(email.activation_link)


def answer_until_end(run: Run, answers: Answers, timeout_s: float = 150.0) -> int:
    """Answer the tool's questions as they come; the exit code when it ends."""
    prompts: list[tuple[re.Pattern[str], Callable[[], str]]] = [
        (CAPTCHA_PROMPT, answers.captcha),
        (LINK_PROMPT, answers.link),
    ]
    deadline = time.monotonic() + timeout_s
    while (line := run.next_line(deadline)) is not None:
        for pattern, reply in prompts:
            if pattern.search(line):
                run.send(reply())
    return run.finish(timeout=30)


def tool(
    replica: Replica,
    home: Path,
    command: str,
    *extra: str,
    env: dict[str, str] | None = None,
    complement: str = "",
    real_process: bool = False,
) -> Run:
    """The command on the replica, answered at the terminal: in-process when it can be
    (headless, no DevTools or kept window), a real process when asked or needed."""
    profile = write_profile(home)
    if complement:
        profile.write_text(
            profile.read_text(encoding="utf-8").replace('complement = ""', f'complement = "{complement}"'),
            encoding="utf-8",
        )
    args = [command, "--profile", str(profile), "--base-url", replica.url, "--human", "terminal", "--yes", *extra]
    if real_process:
        return ToolRun(args, env or isolated_env(home))
    return tool_run(args, env or isolated_env(home))


def register(
    replica: Replica, home: Path, *extra: str, env: dict[str, str] | None = None, real_process: bool = False
) -> tuple[int, Run]:
    run = tool(replica, home, "register", "--headless", *extra, env=env, real_process=real_process)
    return answer_until_end(run, Answers(replica)), run


def fetch_ris(replica: Replica, home: Path, *extra: str, real_process: bool = False) -> tuple[int, Run, Path]:
    folder = home / "releves"
    run = tool(
        replica,
        home,
        "fetch-ris",
        "--headless",
        "--download-dir",
        str(folder),
        "--refresh-interval",
        "1",
        *extra,
        real_process=real_process,
    )
    return answer_until_end(run, Answers(replica)), run, folder


def trail(replica: Replica, last: int = 20) -> str:
    """The replica's last requests (method, path, status, time: never a form's values),
    for a failure's message: what the site was asked, whatever the tool says it did."""
    with replica.state.lock:
        records = list(replica.state.request_log[-last:])
    lines = [f"{r.time:%H:%M:%S.%f} {r.method} {r.path} → {r.status}" for r in records]
    return "\n--- the replica's last requests ---\n" + "\n".join(lines)


def assert_whole_journey(replica: Replica, home: Path, *, real_processes: bool = False) -> None:
    """Register → activate → fetch-ris, each form sent once, the PDF a real one."""
    code, run = register(replica, home, real_process=real_processes)
    assert code == 0, run.output + trail(replica)
    state = replica.state
    assert state.accounts[NIR].status == "active", run.output
    assert len(state.registrations) == 1 and len(state.activations) == 1
    code, run, folder = fetch_ris(replica, home, "--wait", "60", real_process=real_processes)
    assert code == 0, run.output + trail(replica)
    assert len(state.ris_requests) == 1, state.ris_requests
    files = sorted(folder.iterdir())
    assert len(files) == 1 and len(PdfReader(str(files[0])).pages) > 0, files
    assert "Traceback" not in run.output


def flat(text: str) -> str:
    """Terminal output without its line wrapping, for sentences that span lines."""
    return " ".join(text.split())
