"""Debug captures (--debug-artifacts) show the page's layout and the step's headings,
never the person's text: every text but the headings is hidden, every field painted over."""

from __future__ import annotations

import stat
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page

from carsat_pilot.record import masking
from carsat_pilot.record.artifacts import Artifacts

PAGE = """<body style="margin:0;background:#fff">
<h1 id="h" style="font:bold 40px sans-serif;color:#000">Mon espace personnel</h1>
<p id="p" style="font:40px sans-serif;color:#000">Bonjour Jean DUPONT, né le 15/07/1985</p>
<div role="heading" aria-level="2" id="r" style="font:30px sans-serif;color:#000">Mes services</div>
<table><tr><td id="t" style="font:30px sans-serif;color:#000">12 RUE DE LA GARE 75012 PARIS</td></tr></table>
<label style="font:30px sans-serif">Nom <input id="i" value="DUPONT" style="font:30px sans-serif;color:#000"></label>
</body>"""


def _dark(image: Image.Image, page: Page, selector: str) -> int:
    box = page.locator(selector).bounding_box()
    assert box is not None
    region = image.crop((int(box["x"]), int(box["y"]), int(box["x"] + box["width"]), int(box["y"] + box["height"])))
    return sum(region.histogram()[:40])


def test_a_capture_hides_every_text_but_the_headings(page: Page, tmp_path: Path) -> None:
    masking.forget()
    masking.learn({"nom_naissance": "DUPONT", "prenom": "Jean"})
    page.set_viewport_size({"width": 1000, "height": 600})
    page.set_content(PAGE)
    path = Artifacts(tmp_path / "captures").capture(page, "register-3-espace de Jean DUPONT")
    masking.forget()
    assert path is not None and "DUPONT" not in path.name and "Jean" not in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file beside it
    with Image.open(path) as shot:
        gray = shot.convert("L")
        assert _dark(gray, page, "#h") > 100 and _dark(gray, page, "#r") > 100  # the step's headings
        assert _dark(gray, page, "#p") == 0  # a greeting with the name and birth date: hidden
        assert _dark(gray, page, "#t") == 0  # an address in a table: hidden
        assert _dark(gray, page, "#i") == 0  # the field: painted over
    # The page itself is untouched once the capture is taken.
    assert page.evaluate("getComputedStyle(document.getElementById('p')).color") == "rgb(0, 0, 0)"
