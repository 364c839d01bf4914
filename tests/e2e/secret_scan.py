"""After every end-to-end test: nothing of the test person in clear anywhere under the
tool's HOME (its XDG folders and its TMPDIR are inside it) or in a file it left in the
working directory — no NIR, password, secret answer, name, birth date, e-mail, phone or
activation token. Excepted: the RIS PDF (the file, and its path where the tool notes
where it is) and the person's own profile (a TOML file with a `nir`), which are theirs.

Used as an autouse fixture by tests/e2e/conftest.py; `leaks()` is also called directly by
the tests that check a particular moment (after --wipe: nothing at all)."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import PASSWORD

IGNORED_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
PERSON_PATTERNS: dict[str, re.Pattern[str]] = {
    "NIR": re.compile(r"1[\s.\-]?85[\s.\-]?07[\s.\-]?75[\s.\-]?123[\s.\-]?456|185077512345"),
    "mot de passe": re.compile(re.escape(PASSWORD)),
    "réponse secrète": re.compile(r"Medor"),
    "nom": re.compile(r"dupont", re.IGNORECASE),
    "prénom": re.compile(r"\bJean\b"),
    "date de naissance": re.compile(r"15[/.\- ]0?7[/.\- ]1985|1985-07-15|15071985"),
    "e-mail": re.compile(r"jean\.dupont", re.IGNORECASE),
    "téléphone": re.compile(r"(?<!\d)(?:\+33[\s.]?|0)6[\s.]?12[\s.]?34[\s.]?56[\s.]?78"),
}
# New files in the repository that are sources, maybe written meanwhile by a person
# working in the tree: not the tool's.
SOURCES = {"carsat_pilot", "mock_site", "tests", "flows", "docs", "bench"}
SOURCE_SUFFIXES = {".py", ".pyi", ".md", ".yaml", ".yml", ".cfg", ".ini", ".po", ".pot", ".mo"}
# Tried only where a word starts (the look-behind): from every position of a long run of
# non-separators, as in a browser's binary cache, the search was quadratic and ran for hours.
RIS_NAME = re.compile(r"(?<![^\s\"'<>])[^\s\"'<>]*RIS_[A-Za-z0-9_-]*\.pdf")


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
        for name in files:
            yield Path(folder) / name


def files_under(root: Path) -> set[Path]:
    return {p for p in _walk(root) if p.is_file() and not p.is_symlink()} if root.is_dir() else set()


def is_persons_profile(path: Path) -> bool:
    if path.suffix != ".toml":
        return False
    try:
        return "nir" in tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def leaks(paths: Iterable[Path], tokens: Iterable[str] = (), *, except_theirs: bool = True) -> list[str]:
    """Every "file: what" of the person found in clear in `paths`."""
    patterns = dict(PERSON_PATTERNS)
    for token in tokens:
        if token:
            patterns[f"jeton d'activation {token[:4]}…"] = re.compile(re.escape(token))
    found: list[str] = []
    for path in sorted(paths):
        if except_theirs and (path.suffix == ".pdf" or is_persons_profile(path)):
            continue
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if except_theirs:
            text = RIS_NAME.sub("RIS.pdf", text)  # where the relevé is: its own name
        found += [f"{path}: {what}" for what, pattern in patterns.items() if pattern.search(text)]
    return found


@pytest.fixture(autouse=True)
def no_secret_left_behind(request: pytest.FixtureRequest) -> Iterator[None]:
    # Asked for here, so that they are torn down after the scan, not before.
    home: Path | None = request.getfixturevalue("home") if "home" in request.fixturenames else None
    replica = request.getfixturevalue("replica") if "replica" in request.fixturenames else None
    cwd = Path.cwd()
    before = files_under(cwd)
    yield
    scanned = set(files_under(home)) if home is not None else set()
    scanned |= {
        path
        for path in files_under(cwd) - before
        if path.suffix not in SOURCE_SUFFIXES and path.relative_to(cwd).parts[0] not in SOURCES
    }
    tokens = [a.activation_token for a in replica.state.accounts.values()] if replica is not None else []
    found = leaks(scanned, tokens)
    assert found == [], "données de la personne en clair sur le disque :\n" + "\n".join(found)
