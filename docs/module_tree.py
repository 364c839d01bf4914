"""Prints the package tree with one line per module — the summary line of its docstring —
and writes it into the README between the `module-tree` markers (`--write`).

tests/tool/test_readme_tree.py checks that the README's tree is this script's output, so the
tree a newcomer reads is the package as it is.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "carsat_pilot"
README = REPO / "README.md"
BEGIN, END = "<!-- module-tree:begin -->", "<!-- module-tree:end -->"
WIDTH = 104


def summary(path: Path, room: int) -> str:
    """The docstring's first sentence on one line: its first clause when the sentence is
    longer than the room, cut at a word (…) when even that is."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "(no docstring)"
    sentence = " ".join(doc.split("\n\n")[0].split()).split(". ")[0].rstrip(".")
    for mark in (" — ", ": ", "; "):
        if len(sentence) <= room:
            break
        sentence = sentence.split(mark)[0]
    return sentence if len(sentence) <= room else textwrap.shorten(sentence, room, placeholder=" …")


def tree() -> list[str]:
    lines = [_line(PACKAGE / "__init__.py", 0)]
    entries = sorted(PACKAGE.rglob("*.py"), key=lambda p: (len(p.relative_to(PACKAGE).parts), p.as_posix()))
    folders = sorted({p.parent for p in entries if p.parent != PACKAGE})
    lines += [_line(p, 2) for p in entries if p.parent == PACKAGE and p.name != "__init__.py"]
    for folder in folders:
        lines.append(_line(folder / "__init__.py", 2))
        lines += [_line(p, 4) for p in sorted(folder.glob("*.py")) if p.name != "__init__.py"]
    return lines


def _line(path: Path, indent: int) -> str:
    name = path.parent.name + "/" if path.name == "__init__.py" else path.name
    head = " " * indent + name.ljust(24 - indent) + " "
    return head + summary(path, WIDTH - len(head))


def block() -> str:
    return "\n".join([BEGIN, "```", *tree(), "```", END])


def readme_block(readme: str) -> str:
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    return readme[start:end]


def main(argv: list[str]) -> int:
    if "--write" in argv:
        text = README.read_text(encoding="utf-8")
        README.write_text(text.replace(readme_block(text), block()), encoding="utf-8")
    else:
        print(block())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
