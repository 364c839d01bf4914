"""The banner carsat-pilot shows inside the site's pages.

It tells the person which step the tool is at and, at a hand-over, what to do, in large
type. It lives in a *closed* shadow root: the person sees it, but no locator of the tool
(and no script of the site) can read its words, so « Étape suivante » in the banner can
never be mistaken for the site's button. It lets clicks through (pointer-events: none).
It is installed by an init script so it survives page loads and single-page-app
navigation, and re-reads its message from Python on every new document.

It speaks the person's language (`Overlay(context, lang="ar")`): the step and the
instruction it is given — French, the flows' words — are translated through the
catalogs (carsat_pilot.core.i18n) and shown in large type, with the French beneath in small
type for the advisor and for matching the site's French buttons. Its content carries
`lang` and `dir` (right to left for Arabic), on the shadow content and on its host.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from carsat_pilot.core.i18n import N_, SOURCE_LANGUAGE, Translator, translator

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

BINDING = "__carsatPilotOverlayState"

_SCRIPT = r"""
(() => {
  if (window.top !== window) return;  // frames show nothing
  let shadow = null, host = null;
  const render = (state) => {
    window.__carsatPilotOverlayMessage = state;  // read by the tests, never by the tool
    if (!document.body) return;
    if (!host || !host.isConnected) {
      host = document.createElement('carsat-pilot-overlay');
      host.setAttribute('aria-hidden', 'false');
      shadow = host.attachShadow({ mode: 'closed' });
      document.documentElement.appendChild(host);
    }
    const s = state || {};
    const step = s.step || '', instruction = s.instruction || '';
    const dir = s.dir === 'rtl' ? 'rtl' : 'ltr', lang = s.lang || 'fr';
    host.setAttribute('lang', lang);
    host.setAttribute('dir', dir);
    shadow.innerHTML = `
      <style>
        :host { all: initial; }
        .bar { position: fixed; top: 0; left: 0; right: 0; z-index: 2147483647;
               pointer-events: none;
               font-family: system-ui, "DejaVu Sans", "Noto Sans", "Noto Naskh Arabic", sans-serif;
               background: #2b1055; color: #fff; border-bottom: 6px solid #ffcc00;
               padding: 8px 16px; box-shadow: 0 2px 8px rgba(0,0,0,.4); text-align: start; }
        .who { font-size: 13px; opacity: .85; letter-spacing: .04em; }
        [dir="rtl"] .who { letter-spacing: 0; }
        .step { font-size: 18px; margin-top: 2px; }
        .todo { font-size: 28px; font-weight: 700; margin-top: 6px; color: #ffe680; }
        [dir="rtl"] .todo { font-size: 30px; line-height: 1.5; }
        .fr { display: block; font-size: 14px; font-weight: 400; opacity: .8; margin-top: 2px; color: #fff; }
      </style>
      <div class="bar" role="status" aria-live="polite">
        <div class="who"></div>
        <div class="step"></div>
        ${instruction ? '<div class="todo"></div>' : ''}
      </div>`;
    const bar = shadow.querySelector('.bar');
    bar.setAttribute('lang', lang);
    bar.setAttribute('dir', dir);
    // The person's words in large type; the French beneath, in its own direction.
    const put = (selector, text, french) => {
      const el = shadow.querySelector(selector);
      el.textContent = text;
      if (french && french !== text) {
        const fr = document.createElement('span');
        fr.className = 'fr';
        fr.setAttribute('lang', 'fr');
        fr.setAttribute('dir', 'ltr');
        fr.textContent = french;
        el.appendChild(fr);
      }
    };
    put('.who', s.who || '', '');
    put('.step', step, s.step_fr || '');
    if (instruction) put('.todo', instruction, s.instruction_fr || '');
  };
  window.__carsatPilotRender = render;
  const refresh = () => {
    const ask = window.__carsatPilotOverlayState;
    if (typeof ask === 'function') ask().then(render).catch(() => {});
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', refresh, { once: true });
  } else {
    refresh();
  }
})();
"""


WHO = N_("carsat-pilot — assistant (ceci n'est pas le site de l'Assurance retraite)")
STEP_LABEL = N_("Étape {number}/{total} : {title}")
# drift.handover_message: the advisor does a step by hand (`todo` is the flow's `say`).
DRIFT_HANDOVER = N_(
    "La page a changé : carsat-pilot ne trouve pas {expected}. Faites cette étape à la main : {todo} "
    "carsat-pilot reprendra tout seul à l'étape suivante."
)
DRIFT_DEFAULT_TODO = N_("faites cette étape comme l'indique la procédure.")
# Sentences made from a template: the overlay translates the template and its fields.
TEMPLATES = (STEP_LABEL, DRIFT_HANDOVER)


@dataclass
class OverlayState:
    step: str = ""
    instruction: str = ""


class Overlay:
    """One banner for every page of a browser context, in the person's language."""

    def __init__(self, context: BrowserContext, lang: str = SOURCE_LANGUAGE) -> None:
        self._context = context
        self.state = OverlayState()
        self.translator: Translator = translator(lang)
        context.expose_binding(BINDING, lambda _source: self._as_dict())
        context.add_init_script(_SCRIPT)

    @property
    def lang(self) -> str:
        return self.translator.lang

    def set_language(self, lang: str) -> None:
        """Another person's language (shown from the next `show`)."""
        self.translator = translator(lang)

    def translate(self, text: str) -> str:
        """What the person reads for a French text given to the banner: its translation,
        or the French itself when the catalog has none (a site's message, a name)."""
        tr = self.translator
        if not text or tr.is_source:
            return text
        return tr.isolate(tr.compose(text, TEMPLATES) or text)

    def _as_dict(self) -> dict[str, Any]:
        tr = self.translator
        step, instruction = self.state.step, self.state.instruction
        shown_step, shown_instruction = self.translate(step), self.translate(instruction)
        return {
            "step": shown_step,
            "instruction": shown_instruction,
            # The French beneath, when it says something the translation does not.
            "step_fr": step if shown_step != step else "",
            "instruction_fr": instruction if shown_instruction != instruction else "",
            "who": self.translate(WHO),
            "lang": tr.html_lang,
            "dir": tr.direction,
        }

    def show(self, *, step: str | None = None, instruction: str | None = None) -> None:
        if step is not None:
            self.state.step = step
        if instruction is not None:
            self.state.instruction = instruction
        for page in self._context.pages:
            if page.is_closed():
                continue
            try:
                page.evaluate(
                    "s => window.__carsatPilotRender && window.__carsatPilotRender(s)",
                    self._as_dict(),
                )
            except Exception:
                pass  # a page in the middle of a navigation renders on its next load

    def clear_instruction(self) -> None:
        self.show(instruction="")


# The captcha hand-over of flows/register.yaml, as the person sees it (documentation).
SAMPLE_STEP = STEP_LABEL.format(number=4, total=9, title="Étape 1 : le code de l'image (la personne)")
SAMPLE_INSTRUCTION = "Recopiez le code de l'image puis cliquez sur « Étape suivante »."


def show_sample(overlay: Overlay, lang: str = "ar") -> None:
    """Show the banner of the captcha hand-over in `lang` (Arabic by default), as a person
    reading that language sees it — for docs/make_screenshots.py."""
    overlay.set_language(lang)
    overlay.show(step=SAMPLE_STEP, instruction=SAMPLE_INSTRUCTION)
