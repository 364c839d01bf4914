"""The banner carsat-pilot shows inside the site's pages.

It tells the person which step the tool is at and, at a hand-over, what to do, in large
type. It lives in a *closed* shadow root: the person sees it, but no locator of the tool
(and no script of the site) can read its words, so « Étape suivante » in the banner can
never be mistaken for the site's button. It lets clicks through (pointer-events: none).
It is installed by an init script so it survives page loads and single-page-app
navigation, and re-reads its message from Python on every new document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
    const step = state && state.step ? state.step : '';
    const instruction = state && state.instruction ? state.instruction : '';
    shadow.innerHTML = `
      <style>
        :host { all: initial; }
        .bar { position: fixed; top: 0; left: 0; right: 0; z-index: 2147483647;
               pointer-events: none; font-family: system-ui, sans-serif;
               background: #2b1055; color: #fff; border-bottom: 6px solid #ffcc00;
               padding: 8px 16px; box-shadow: 0 2px 8px rgba(0,0,0,.4); }
        .who { font-size: 13px; opacity: .85; letter-spacing: .04em; }
        .step { font-size: 18px; margin-top: 2px; }
        .todo { font-size: 28px; font-weight: 700; margin-top: 6px; color: #ffe680; }
      </style>
      <div class="bar" role="status" aria-live="polite">
        <div class="who">carsat-pilot — assistant (ceci n'est pas le site de l'Assurance retraite)</div>
        <div class="step"></div>
        ${instruction ? '<div class="todo"></div>' : ''}
      </div>`;
    shadow.querySelector('.step').textContent = step;
    if (instruction) shadow.querySelector('.todo').textContent = instruction;
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


@dataclass
class OverlayState:
    step: str = ""
    instruction: str = ""


class Overlay:
    """One banner for every page of a browser context."""

    def __init__(self, context: BrowserContext) -> None:
        self._context = context
        self.state = OverlayState()
        context.expose_binding(BINDING, lambda _source: self._as_dict())
        context.add_init_script(_SCRIPT)

    def _as_dict(self) -> dict[str, Any]:
        return {"step": self.state.step, "instruction": self.state.instruction}

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
