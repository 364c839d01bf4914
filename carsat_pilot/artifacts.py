"""Screenshots for debugging, only on request (`--debug-artifacts DIR`), with every field
the person typed into masked by Playwright: the site's page as the advisor saw it, but not
the person's data. Files are written 0600 in a folder the advisor chose."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

WARNING = (
    "Attention : les captures de --debug-artifacts montrent les pages du site de la personne "
    "(champs saisis masqués) ; supprimez-les dès qu'elles ne servent plus."
)


class Artifacts:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def capture(self, page: Page, label: str) -> Path | None:
        if page.is_closed():
            return None
        self.count += 1
        safe = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")[:40] or "page"
        path = self.folder / f"{self.count:02d}-{safe}.png"
        # Every input the person could have typed into is painted over before the capture.
        masks = [page.get_by_role(role) for role in ("textbox", "combobox", "spinbutton", "listbox")]
        try:
            data = page.screenshot(full_page=True, mask=masks, mask_color="#444")
        except Exception:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path
