"""Finds import cycles in a package with grimp (the graph import-linter uses).

Every import counts, including the ones inside functions (they run too, and a cycle dodged by
a late import is still a cycle); only `if TYPE_CHECKING:` imports are left out, as they never
run. Usable as a script: `python tests/tool/import_cycles.py carsat_pilot` prints the cycles
and exits 1 when there is one.
"""

from __future__ import annotations

import sys

import grimp


def find_cycles(package: str) -> list[list[str]]:
    """One shortest cycle per pair of modules that import each other, directly or not."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=True)
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported == module or not graph.chain_exists(importer=imported, imported=module):
                continue
            back = graph.find_shortest_chain(importer=imported, imported=module) or ()
            cycle = [module, *back]
            key = frozenset(cycle)
            if key not in seen:
                seen.add(key)
                cycles.append(cycle)
    return cycles


def main(argv: list[str]) -> int:
    found = [cycle for package in argv for cycle in find_cycles(package)]
    for cycle in found:
        print(" -> ".join(cycle))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
