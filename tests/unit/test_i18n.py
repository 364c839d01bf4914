"""The person's language: the catalogs are complete, the banner and the récapitulatif
speak it (right to left for Arabic), and `--lang` knows the shipped languages."""

from __future__ import annotations

import gettext
import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po
from rich.console import Console

from carsat_pilot.core import i18n
from carsat_pilot.core.errors import BadInput
from carsat_pilot.desk import summary
from carsat_pilot.record.state import PersonState
from carsat_pilot.site.drift import handover_message
from carsat_pilot.site.flowspec import load_flow
from carsat_pilot.site.overlay import DRIFT_HANDOVER, TEMPLATES, Overlay, show_sample

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "carsat_pilot" / "locale"
REQUIRED = ("en", "ar")
FIELDS = re.compile(r"\{(\w*)\}")
ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def extracted() -> dict[str, Any]:
    """Every French message the person may read, as Babel extracts it from the sources now."""
    catalog = i18n.extract(ROOT)
    return {message.id: message for message in catalog if message.id}


def _po(lang: str) -> dict[str, Any]:
    path, _mo = i18n.catalog_paths(lang, LOCALE)
    with path.open("rb") as handle:
        return {m.id: m for m in read_po(handle, locale=lang) if m.id}


# --------------------------------------------------------------------------- catalogs
def test_english_and_arabic_are_shipped() -> None:
    shipped = i18n.shipped_languages()
    assert shipped[0] == "fr"
    assert set(REQUIRED) <= set(shipped)


@pytest.mark.parametrize("lang", REQUIRED)
def test_every_message_of_the_person_has_a_translation(lang: str, extracted: dict[str, Any]) -> None:
    """A French message added to the overlay, a flow's `say`, the summary or the
    récapitulatif without its translation fails here — as does a fuzzy (unchecked) one."""
    assert len(extracted) > 60  # the flows' titles and instructions, the summary, the banner
    catalog = _po(lang)
    problems = []
    for msgid in extracted:
        entry = catalog.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
        elif not entry.string:
            problems.append(f"untranslated: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif sorted(FIELDS.findall(entry.string)) != sorted(FIELDS.findall(msgid)):
            problems.append(f"fields differ: {msgid!r} → {entry.string!r}")
    assert not problems, f"{lang}: run `python -m carsat_pilot.core.i18n update` and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", REQUIRED)
def test_the_translations_keep_the_sites_french_names(lang: str) -> None:
    """The page stays French: a button named in an instruction is named as the page says."""
    for msgid, entry in _po(lang).items():
        for name in re.findall(r"«[^»]*»", msgid):
            assert name in entry.string, (lang, msgid, name)


def test_the_template_is_up_to_date(extracted: dict[str, Any]) -> None:
    with (LOCALE / "carsat_pilot.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert template == set(extracted), "run `python -m carsat_pilot.core.i18n update`"


def test_the_arabic_catalog_is_arabic() -> None:
    tr = i18n.translator("ar")
    assert tr.rtl and tr.direction == "rtl" and tr.name == "العربية"
    assert ARABIC.search(tr.gettext("Recopiez le code de l'image puis cliquez sur « Étape suivante »."))
    assert not i18n.translator("en").rtl and i18n.translator("en").name == "English"
    assert i18n.translator("fr").gettext("Le relevé") == "Le relevé"


def test_a_catalog_newer_than_its_compiled_file_is_compiled_in_memory(tmp_path: Path) -> None:
    """An editable install where a .po was edited after the build: the .po is read."""
    po, _mo = i18n.catalog_paths("ar", LOCALE)
    data = i18n._compile_in_memory(po)
    assert data is not None
    catalog = gettext.GNUTranslations(io.BytesIO(data))
    assert catalog.gettext("Ce qui a été fait") == "ما تم إنجازه"


def test_the_build_compiles_every_catalog(tmp_path: Path) -> None:
    written = i18n.compile_catalogs(LOCALE, into=tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} >= {
        f"{lang}/LC_MESSAGES/carsat_pilot.mo" for lang in REQUIRED
    }


def test_a_new_language_is_one_po_file(tmp_path: Path) -> None:
    """`python -m carsat_pilot.core.i18n init CODE`: a .po with every message to translate;
    once there, the language is offered."""
    # A working copy whose locale folder is empty (the repository's stays as it is).
    root = tmp_path / "copy"
    (root / "carsat_pilot" / "locale").mkdir(parents=True)
    (root / "flows").symlink_to(ROOT / "flows")
    for entry in (ROOT / "carsat_pilot").glob("*.py"):
        (root / "carsat_pilot" / entry.name).symlink_to(entry)
    locale = root / "carsat_pilot" / "locale"
    po = i18n.init("tr", root)
    assert po == locale / "tr" / "LC_MESSAGES" / "carsat_pilot.po"
    assert "tr" in i18n.shipped_languages(locale)
    with po.open("rb") as handle:
        ids = {m.id for m in read_po(handle) if m.id}
    assert "Recopiez le code de l'image puis cliquez sur « Étape suivante »." in ids


# --------------------------------------------------------------------------- the flows
def test_the_flow_extractor_gives_the_french_the_engine_shows() -> None:
    """A folded YAML `say` (« >- ») is extracted as the very text the overlay is given."""
    flow = load_flow("register")
    with (ROOT / "flows" / "register.yaml").open("rb") as handle:
        found = [message for _line, _fn, message, _c in i18n.extract_flow_yaml(handle, None, None, {})]
    for step in flow.steps:
        assert step.title in found
        if step.say:
            assert step.say in found
    data = yaml.safe_load((ROOT / "flows" / "register.yaml").read_text(encoding="utf-8"))
    captcha = next(a["human"] for s in data["steps"] for a in s["do"] if isinstance(a, dict) and "human" in a)
    assert captcha["say"] in found and captcha["params"]["again"] in found


# --------------------------------------------------------------------------- --lang
def test_lang_refuses_an_unknown_language_naming_the_shipped_ones() -> None:
    with pytest.raises(BadInput) as caught:
        i18n.check_language("xx")
    message = caught.value.message
    assert "« xx »" in message
    for lang in ("fr", "en", "ar"):
        assert f"{lang} (" in message
    assert "العربية" in message and "English" in message
    assert i18n.check_language("EN") == "en" and i18n.check_language("fr") == "fr"


# --------------------------------------------------------------------------- the banner
class _Context:
    """Enough of a browser context for the banner's words (no browser needed)."""

    pages: list[Any] = []  # noqa: RUF012

    def expose_binding(self, name: str, callback: Any) -> None:
        self.binding = callback

    def add_init_script(self, script: str) -> None:
        self.script = script


def test_the_banner_speaks_arabic_right_to_left_with_the_french_beneath() -> None:
    context = _Context()
    overlay = Overlay(context, lang="ar")  # type: ignore[arg-type]
    overlay.show(step="Étape 4/9 : Étape 1 : le code de l'image (la personne)",
                 instruction="Recopiez le code de l'image puis cliquez sur « Étape suivante ».")  # fmt: skip
    state = context.binding(None)
    assert state["lang"] == "ar" and state["dir"] == "rtl"
    assert state["step"].startswith("الخطوة 4/9: المرحلة 1")
    assert ARABIC.search(state["instruction"])
    # The site's button keeps its French name, isolated so that it reads left to right.
    assert "\u2068« Étape suivante »\u2069" in state["instruction"]
    assert state["instruction_fr"] == "Recopiez le code de l'image puis cliquez sur « Étape suivante »."
    assert ARABIC.search(state["who"])
    assert "dir" in context.script and "setAttribute('dir'" in context.script


def test_the_banner_in_french_is_as_before() -> None:
    context = _Context()
    overlay = Overlay(context)  # type: ignore[arg-type]
    said = "Recopiez le code de l'image puis cliquez sur « Étape suivante »."
    overlay.show(step="Étape 1/7 : Accueil", instruction=said)
    state = context.binding(None)
    assert state["instruction"] == said
    assert state["instruction_fr"] == "" and state["dir"] == "ltr" and state["lang"] == "fr"


def test_a_text_without_translation_is_shown_in_french() -> None:
    context = _Context()
    overlay = Overlay(context, lang="en")  # type: ignore[arg-type]
    overlay.show(instruction="Un message du site que le catalogue ne connaît pas.")
    state = context.binding(None)
    assert state["instruction"] == "Un message du site que le catalogue ne connaît pas."
    assert state["instruction_fr"] == ""


def test_the_drift_hand_over_is_translated_around_the_sites_words() -> None:
    """drift.handover_message is French made from a template: the banner translates the
    template and the step's `say`, and keeps the site's words (what was not found)."""
    step = load_flow("register").steps[4]
    message = handover_message(step, "la liste « Ville »")
    assert DRIFT_HANDOVER in TEMPLATES
    english = i18n.translator("en").compose(message, TEMPLATES)
    assert english is not None
    assert english.startswith("The page has changed: carsat-pilot cannot find la liste « Ville ».")
    assert "Fill in the address" in english and "La page a changé" not in english


def test_show_sample_shows_the_captcha_hand_over_in_arabic() -> None:
    context = _Context()
    overlay = Overlay(context)  # type: ignore[arg-type]
    show_sample(overlay)
    state = context.binding(None)
    assert state["dir"] == "rtl" and ARABIC.search(state["instruction"]) and ARABIC.search(state["step"])


# --------------------------------------------------------------------------- the summary
NOW = datetime(2026, 3, 12, 10, 30)


def _summary(lang: str) -> summary.Summary:
    state = PersonState(nir_masked="1 85 07 ** *** ***", registered_at=NOW, activated_at=NOW)
    steps = summary.suggested_next_steps(state, email="jean.dupont@example.org", today=NOW.date())
    return summary.build(state, name="Jean DUPONT", ris_path=None, next_steps=steps, now=NOW, lang=lang)


def test_the_printed_recap_holds_french_beside_arabic_right_to_left() -> None:
    page = summary.render_html(_summary("ar"))
    assert "\u2068« Mes services »\u2069" in page  # a French name keeps its direction in Arabic
    page = page.replace("\u2068", "").replace("\u2069", "")
    assert '<html lang="fr">' in page
    assert re.search(r'<(p|span|h1|h2|li)[^>]* lang="ar" dir="rtl"', page)
    for french, arabic in (
        ("Ce qui a été fait", "ما تم إنجازه"),
        ("Espace personnel activé le 12/03/2026 à 10:30.", "فُعِّل الفضاء الشخصي في 12/03/2026 الساعة 10:30."),
        ("Obtenez votre relevé : « Mes services »", "احصل على كشفك: « Mes services »"),
    ):
        assert french in page and arabic in page, (french, arabic)
    assert "jean.dupont" not in page and "@example.org" not in page  # no e-mail step once active


def test_the_printed_recap_in_french_only_has_no_second_column() -> None:
    page = summary.render_html(_summary("fr"))
    assert not re.search(r'<[^>]+ class="tr"', page) and not re.search(r'<[^>]+ dir="rtl"', page)


def test_the_terminal_summary_gives_each_sentence_in_both_languages() -> None:
    out = io.StringIO()
    summary.show(Console(file=out, width=200, color_system=None), _summary("en"))
    text = out.getvalue()
    assert "Espace personnel activé le 12/03/2026 à 10:30." in text
    assert "Personal space activated on 12/03/2026 at 10:30." in text
    assert "What was done" in text and "Ce qui a été fait" in text


def test_scrubbed_sentences_keep_their_translation() -> None:
    step = summary.Msg("Le relevé est enregistré sur ce poste : {path}.", path="/x/1 85 07 75 123 456.pdf")
    clean = summary.scrub(step)
    assert "75 123 456" not in clean
    translated = summary.Msg.translated(clean, i18n.translator("en")) if isinstance(clean, summary.Msg) else None
    assert translated is not None and translated.startswith("The statement is saved on this computer: /x/")
    assert "75 123 456" not in translated
