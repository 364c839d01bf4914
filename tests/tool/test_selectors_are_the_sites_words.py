"""The tool finds things by the site's words only: no id, name or CSS class of our own
replica may appear in the flows or the engine (it must work on a replica it has not seen)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL_FILES = [*sorted((ROOT / "carsat_pilot").glob("*.py")), *sorted((ROOT / "flows").glob("*.yaml"))]
# The tool's own overlay markup is not a selector of the site.
OWN = {"carsat-pilot-overlay", "bar", "who", "step", "todo"}


def _replica_hooks() -> set[str]:
    hooks: set[str] = set()
    for template in (ROOT / "mock_site").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for attr in ("id", "name", "class", "data-testid"):
            for value in re.findall(rf'\b{attr}="([^"{{}}]+)"', text):
                hooks.update(part for part in value.split() if len(part) > 2)
    return hooks - OWN


def test_the_replica_has_hooks_to_look_for() -> None:
    assert len(_replica_hooks()) > 20


def test_no_replica_id_name_or_class_in_the_tool() -> None:
    hooks = _replica_hooks()
    offenders = []
    for path in TOOL_FILES:
        text = path.read_text(encoding="utf-8")
        for hook in hooks:
            if re.search(rf"""["'#.\[=]{re.escape(hook)}["'\]]""", text):
                offenders.append(f"{path.name}: {hook}")
    assert offenders == []


def test_no_css_or_id_locators_in_the_tool() -> None:
    css = re.compile(r"""locator\(\s*["'](?!xpath=ancestor)[^"']*[#.\[]|query_selector|\[name=|\[id=""")
    offenders = [
        f"{path.name}:{number}"
        for path in TOOL_FILES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if css.search(line)
    ]
    assert offenders == []
