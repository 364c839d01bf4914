"""Hatch build hook: the gettext catalogs are compiled (.po → .mo, with Babel) at every
build — the wheel carries the .mo files, and an editable install (./install.sh) finds
them next to their .po in the working copy."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root))
        try:
            from carsat_pilot.core.i18n import compile_catalogs
        finally:
            sys.path.remove(str(root))
        for mo in compile_catalogs(root / "carsat_pilot" / "locale"):
            relative = mo.relative_to(root).as_posix()
            # Ignored by git (built files), so named here for the wheel to take them.
            build_data["artifacts"].append(f"/{relative}")
