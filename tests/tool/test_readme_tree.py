"""The README's module tree is the package as it is (docs/module_tree.py writes it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _module_tree() -> ModuleType:
    spec = importlib.util.spec_from_file_location("module_tree", REPO / "docs" / "module_tree.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_tree_is_the_package() -> None:
    tree = _module_tree()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert tree.readme_block(readme) == tree.block(), "run: python docs/module_tree.py --write"


def test_every_module_has_its_line() -> None:
    tree = _module_tree()
    names = [line.split()[0] for line in tree.tree()]
    for path in (REPO / "carsat_pilot").rglob("*.py"):
        name = path.parent.name + "/" if path.name == "__init__.py" else path.name
        assert name in names, path
