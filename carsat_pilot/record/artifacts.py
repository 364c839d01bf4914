"""Screenshots for debugging, only on request (`--debug-artifacts DIR`), with the person's
data hidden: the page's layout as the advisor saw it — boxes, buttons, images and the
step's headings — but no text of the page besides its headings (a name, an address, a
date can show anywhere: a greeting, a summary, an error), and every field painted over.
Files are written 0600 in a folder the advisor chose; their names are masked too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from carsat_pilot.core.files import write_private
from carsat_pilot.record.masking import current

if TYPE_CHECKING:
    from playwright.sync_api import Page

WARNING = (
    "Attention : les captures de --debug-artifacts montrent les pages du site de la personne "
    "(champs saisis masqués, textes masqués sauf les titres) ; supprimez-les dès qu'elles ne servent plus."
)
MASK_COLOR = "#444"
_HEADINGS = "h1, h2, h3, h4, h5, h6, [role=heading]"
# Applied only while the capture is taken. :where() keeps every rule at zero specificity,
# so the later "headings visible" rule wins over the earlier "text invisible" one.
HIDE_TEXT_CSS = f"""
:where(body, body *), :where(body *)::before, :where(body *)::after, :where(body *)::placeholder {{
  color: transparent !important; -webkit-text-fill-color: transparent !important;
  text-shadow: none !important; caret-color: transparent !important;
}}
:where(body) svg text {{ fill: transparent !important; }}
:where({_HEADINGS}), :where({_HEADINGS}) :where(*) {{
  color: #111 !important; -webkit-text-fill-color: #111 !important;
}}
"""


class Artifacts:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def capture(self, page: Page, label: str) -> Path | None:
        if page.is_closed():
            return None
        self.count += 1
        safe = re.sub(r"[^A-Za-z0-9]+", "-", current()(label)).strip("-")[:40] or "page"
        path = self.folder / f"{self.count:02d}-{safe}.png"
        # Every input the person could have typed into is painted over, and every text
        # but the headings made invisible, before the capture.
        masks = [page.get_by_role(role) for role in ("textbox", "combobox", "spinbutton", "listbox", "searchbox")]
        try:
            data = page.screenshot(full_page=True, mask=masks, mask_color=MASK_COLOR, style=HIDE_TEXT_CSS)
        except Exception:
            return None
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return write_private(path, data)
