"""One look at a page, in one round trip: interruptions dismissed, the site's messages,
whether the page has settled, and which candidate elements belong to the step.

Everything here runs inside the page (a short script given to `evaluate`), because the
answers must be consistent with each other and must not cost a round trip per element.
The script finds nothing by our replica's ids or classes: only roles, landmarks, forms,
dialogs and the words that `site.yaml` and the flows give it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from carsat_pilot.site.textmatch import words

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

    from carsat_pilot.site.flowspec import Interruption

# Installed in every document before the site's own scripts: the time of the last change
# of the page (a node added, removed or its text changed), so "settled" can be told. Times
# are on the wall clock (timeOrigin + now), not the document's own: a wait that began in
# the previous document must see the next one's first change as later.
WATCH_SCRIPT = """
(() => {
  const clock = () => performance.timeOrigin + performance.now();
  const st = window.__cpWatch = { last: clock() };
  // The document itself is watched: a page that rewrites its whole content keeps it.
  const start = () => new MutationObserver(() => {
      st.last = clock();
      const waiting = st.waiters || [];
      st.waiters = [];
      for (const wake of waiting) wake();
    })
    .observe(document, { childList: true, subtree: true, characterData: true, attributes: true,
              attributeFilter: ['hidden', 'class', 'aria-hidden', 'disabled', 'open'] });
  start();
})();
"""

_COMMON_JS = r"""
const fold = s => (s || '').normalize('NFC')
  .replace(/[’ʼ`]/g, "'").replace(/\s+/g, ' ').trim();
const shown = el => {
  if (!el || !el.isConnected) return false;
  if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};
const nameOf = el => fold(el.getAttribute('aria-label') || el.innerText || el.value || el.textContent || '');
const DIALOGS = 'dialog,[role=dialog],[role=alertdialog],[aria-modal=true]';
const stepField = () => {
  const f = window.__cpStepField;
  return f && f.isConnected ? f : null;
};
const stepForm = () => {
  const f = stepField();
  return f ? (f.closest('form,[role=form]') || null) : null;
};
"""

# One look at the page (`probe(args)`), as a function shared by the scripts below.
_PROBE_FN = r"""
const probe = (args) => {
  const st = window.__cp || (window.__cp = { dismissed: new WeakMap(), seen: new WeakSet() });
  const now = performance.timeOrigin + performance.now();
  const out = { now, dismissed: [], messages: [], quietMs: 0, ready: document.readyState === 'complete',
                prevGone: true, dialogs: [], texts: [] };
  // 1. Interruptions: a button of a declared banner or dialog, inside the container that
  //    says the declared words — never a container holding the step's own form.
  const form = stepForm();
  const clickable = Array.from(document.querySelectorAll(
    'button,[role=button],input[type=button],input[type=submit],a[href],a[role=button]')).filter(shown);
  const known = new Set();
  // Each button's name read once per look, not once per declared word (innerText is the
  // look's costliest call); forgotten after a click, which may change the page.
  const names = new Map();
  const nameAt = b => { if (!names.has(b)) names.set(b, nameOf(b)); return names.get(b); };
  for (const item of args.interruptions) {
    const said = new RegExp(item.words, 'i');
    let done = false;
    for (const press of item.press) {
      const wanted = new RegExp(press, 'i');
      for (const button of clickable) {
        if (!wanted.test(nameAt(button))) continue;
        let box = button.parentElement, depth = 0;
        while (box && box !== document.body && depth < 12) {
          if (box.matches('main,[role=main]') || (form && box.contains(form))) { box = null; break; }
          if (said.test(fold(box.innerText))) break;
          box = box.parentElement; depth++;
        }
        if (!box || box === document.body || depth >= 12) continue;
        known.add(box);
        const when = st.dismissed.get(box);
        if (when !== undefined && now - when < 4000) { done = true; break; }
        st.dismissed.set(box, now);
        button.click();
        names.clear();
        out.dismissed.push(item.name);
        done = true;
        break;
      }
      if (done) break;
    }
  }
  // 2. Dialogs the tool does not know, open over the page.
  for (const d of document.querySelectorAll(DIALOGS)) {
    if (!shown(d) || Array.from(known).some(k => k.contains(d) || d.contains(k))) continue;
    out.dialogs.push(fold(d.getAttribute('aria-label') || d.innerText).slice(0, 160));
  }
  // 3. The site's messages: alerts anywhere, and the main content's short texts.
  const root = document.querySelector('main,[role=main]') || document.body;
  const seen = new Set();
  const take = (el, alert) => {
    if (!shown(el) || el.closest(DIALOGS)) return;
    const text = fold(el.innerText);
    if (!text || text.length > 600 || seen.has(text)) return;
    seen.add(text);
    out.messages.push({ text, alert, inForm: !!el.closest('form,[role=form]'), fresh: !st.seen.has(el) });
  };
  const alerts = Array.from(document.querySelectorAll('[role=alert]'));
  const texts = root ? Array.from(root.querySelectorAll('h1,h2,h3,p,li,dd,[role=status]')) : [];
  for (const el of alerts) take(el, true);
  for (const el of texts) take(el, false);
  out.texts = [...alerts, ...texts];
  // 4. Settled: nothing changed in the page lately, and the previous step's fields gone.
  const w = window.__cpWatch;
  out.quietMs = w ? now - w.last : 0;
  const prev = window.__cpPrevField;
  out.prevGone = !prev || !prev.isConnected || !shown(prev);
  return out;
};
// Before a click: what is on the page now is the old answer, not the site's reply.
const markOld = (look) => { window.__cp.seen = new WeakSet(look.texts); };
"""

# For each candidate of a lookup: where it is, relative to the step.
_PLACES_FN = r"""
const placesOf = (els, args) => {
  const form = stepForm();
  const dialogOk = args.dialog ? new RegExp(args.dialog, 'i') : null;
  return els.map(el => {
    const d = el.closest(DIALOGS);
    return {
      shown: shown(el),
      inForm: !!(form && form.contains(el)),
      inMain: !!el.closest('main,[role=main]'),
      inHeader: !!el.closest('header,[role=banner],nav,[role=navigation]') && !el.closest('footer,[role=contentinfo]'),
      inDialog: !!d && !(dialogOk && dialogOk.test(fold(d.innerText))),
    };
  });
};
"""

SCOPE_JS = "(els, args) => {" + _COMMON_JS + _PLACES_FN + "return placesOf(els, args); }"

# A look, and a look with the candidates' places, as functions of the same body.
_LOOKS_FN = r"""
const lookNow = (args) => {
  const out = probe(args);
  if (args.snapshot) markOld(out);
  delete out.texts;
  return out;
};
// With `args.snapshot` (the caller clicks what it finds), the page's texts are marked old
// only when the click is certain: exactly one shown candidate in the step's form, else in
// the main content (see `choose`), none in a dialog the tool does not know.
const lookFind = (els, args) => {
  // The candidates, kept for `on_found`: the element the tool then acts on is read back
  // by this reference instead of resolving its locator again (see `on_found`).
  window.__cpFound = { id: args.lookId, els };
  const out = probe(args);
  const places = placesOf(els, args);
  const usable = places.filter(p => p.shown && !p.inDialog);
  const near = usable.filter(p => p.inForm);
  const one = (near.length ? near : usable.filter(p => p.inMain)).length === 1;
  out.marked = !!args.snapshot && one;
  if (out.marked) markOld(out);
  delete out.texts;
  return { look: out, places };
};
"""

_LIBRARY = _COMMON_JS + _PROBE_FN + _PLACES_FN + _LOOKS_FN

# The looks, installed in every document with the watch (`install`), called by name: a
# look is the tool's most frequent round trip (one before every action, several per
# wait), and sending its 6 kB of source and the banners' words each time, then the answer
# as a structure, cost ~2 ms of the ~5.5 ms one took (measured on the replica's form).
# The answer comes back as one JSON string. A document the script did not reach (one
# opened before the engine, or whose own scripts removed it) gets the source, as before.
_INSTALL_JS = """
(() => {
  const INTERRUPTIONS = %s;
  const banners = a => ({ ...a, interruptions: a.banners ? INTERRUPTIONS : [] });
  %s
  window.__cpLooks = {
    look: a => JSON.stringify(lookNow(banners(a))),
    lookFind: (els, a) => JSON.stringify(lookFind(els, banners(a))),
  };
})();
"""
_CALL_LOOK = "a => window.__cpLooks ? window.__cpLooks.look(a) : null"
_CALL_LOOK_FIND = "(els, a) => window.__cpLooks ? window.__cpLooks.lookFind(els, a) : null"
PROBE_JS = "(args) => {" + _LIBRARY + "return JSON.stringify(lookNow(args)); }"
LOOK_FIND_JS = "(els, args) => {" + _LIBRARY + "return JSON.stringify(lookFind(els, args)); }"


# Remembers the field just used as the step's own (its form scopes the next lookups).
# At the end of a step: its fields must be gone before the next step's page is trusted.
END_STEP_JS = "() => { window.__cpPrevField = window.__cpStepField || null; window.__cpStepField = null; }"


@dataclass(frozen=True)
class Message:
    text: str
    alert: bool
    in_form: bool
    fresh: bool


# The page's clock (timeOrigin + now) and this machine's agree within a millisecond.
CLOCK_MARGIN_MS = 2.0


@dataclass
class Look:
    """What one look at a page saw."""

    dismissed: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    unknown_dialogs: list[str] = field(default_factory=list)
    quiet_ms: float = 0.0
    # The page's clock at the look (wall clock, ms). A look that failed (the page between
    # two documents) is at 0: any document's first change is later.
    now: float = 0.0
    # When the look was asked, on the same clock (this machine's): see `changed_after`.
    asked: float = 0.0
    ready: bool = False
    previous_gone: bool = True
    # The page's texts were marked old at this look: the caller is about to click.
    marked: bool = False

    @property
    def changed_after(self) -> float:
        """The time after which a change of the page is news to this look. Not the look's
        own time: Playwright finds a lookup's candidates, then runs the look, in two
        steps — a block the site replaced between them (its fetch answered) is in the
        look's clock but not in its candidates, and waiting for a change after the look
        waited for one more that never came (the whole slice: 0.4 s, measured in
        fetch-ris). A change since the look was asked means look again; the margin covers
        the two clocks' rounding (at worst, one look more)."""
        if not self.now:
            return 0.0
        return min(self.now, self.asked - CLOCK_MARGIN_MS)


def js_source(pattern: re.Pattern[str]) -> str:
    """A compiled pattern as a JavaScript RegExp source (our patterns use the common syntax)."""
    return pattern.pattern


def interruption_args(interruptions: list[Interruption]) -> list[dict[str, Any]]:
    return [
        {
            "name": item.name,
            "words": js_source(words(item.words)),
            "press": [js_source(words(press)) for press in item.press],
        }
        for item in interruptions
    ]


def look(page: Page, interruptions: list[dict[str, Any]], *, snapshot: bool = False) -> Look:
    """One look; `interruptions` are the ones `install` gave the page, or none."""
    args: dict[str, Any] = {"banners": bool(interruptions), "snapshot": snapshot}
    asked = time.time() * 1000
    return _as_look(_installed_or_whole(page.evaluate, _CALL_LOOK, PROBE_JS, args, interruptions), asked)


def _installed_or_whole(
    run: Callable[[str, Any], Any],
    installed: str,
    whole: str,
    args: dict[str, Any],
    interruptions: list[dict[str, Any]],
) -> Any:
    """The looks `install` put in the page, called by name; in a document they did not
    reach, their whole source, given the interruptions too. The answer, decoded."""
    answer = run(installed, args)
    if answer is None:
        answer = run(whole, {**args, "interruptions": interruptions})
    return json.loads(answer)


def _as_look(raw: dict[str, Any], asked: float) -> Look:
    return Look(
        dismissed=list(raw["dismissed"]),
        messages=[
            Message(m["text"], bool(m["alert"]), bool(m["inForm"]), bool(m["fresh"])) for m in raw["messages"]
        ],
        unknown_dialogs=list(raw["dialogs"]),
        quiet_ms=float(raw["quietMs"]),
        now=float(raw["now"]),
        asked=asked,
        ready=bool(raw["ready"]),
        previous_gone=bool(raw["prevGone"]),
        marked=bool(raw.get("marked", False)),
    )


@dataclass(frozen=True)
class Place:
    shown: bool
    in_form: bool
    in_main: bool
    in_dialog: bool
    in_header: bool = False


def places(candidates: Locator, dialog: re.Pattern[str] | None = None) -> list[Place]:
    raw = candidates.evaluate_all(SCOPE_JS, {"dialog": js_source(dialog) if dialog else None})
    return [_as_place(r) for r in raw]


def look_and_find(
    candidates: Locator,
    interruptions: list[dict[str, Any]],
    dialog: re.Pattern[str] | None = None,
    *,
    snapshot: bool = False,
    look_id: int = 0,
) -> tuple[Look, list[Place]]:
    """One look at the page of `candidates` and where each candidate is, in one round
    trip (a wait looks at the page many times: each round trip counts). The page keeps
    the candidates under `look_id` for `on_found`."""
    args: dict[str, Any] = {
        "banners": bool(interruptions),
        "dialog": js_source(dialog) if dialog else None,
        "snapshot": snapshot,
        "lookId": look_id,
    }
    asked = time.time() * 1000
    raw = _installed_or_whole(candidates.evaluate_all, _CALL_LOOK_FIND, LOOK_FIND_JS, args, interruptions)
    return _as_look(raw["look"], asked), [_as_place(r) for r in raw["places"]]


def _as_place(raw: dict[str, Any]) -> Place:
    return Place(
        bool(raw["shown"]), bool(raw["inForm"]), bool(raw["inMain"]), bool(raw["inDialog"]), bool(raw["inHeader"])
    )


# Where a candidate is, from the closest to the step to the farthest.
TIERS: tuple[tuple[str, Callable[[Place], bool]], ...] = (
    ("form", lambda p: p.in_form),
    ("main", lambda p: p.in_main),
    ("header", lambda p: p.in_header),
    ("page", lambda p: True),
)
# A candidate found this far from the step is taken only once the page has settled: a
# single-page site renders its main content late, and the footer's look-alike is early.
NEAR = {"form", "main"}


def choose(found: list[Place]) -> tuple[list[int], str]:
    """The candidates that belong to the step: those in the step's own form, else those
    in the main content, else in the header or navigation, else the rest of the page —
    never one inside a dialog the tool does not know. More than one index back means the
    tool cannot tell: that is drift."""
    usable = [i for i, p in enumerate(found) if p.shown and not p.in_dialog]
    for name, tier in TIERS:
        picked = [i for i in usable if tier(found[i])]
        if picked:
            return picked, name
    return [], ""


def install(context: BrowserContext, interruptions: list[dict[str, Any]]) -> None:
    """In every document of `context`, before the site's own scripts: the watch of the
    page's changes, and the looks with the site's declared interruptions."""
    context.add_init_script(WATCH_SCRIPT + _INSTALL_JS % (json.dumps(interruptions), _LIBRARY))


def on_found(page: Page, look_id: int, index: int, script: str, arg: Any = None) -> tuple[bool, Any]:
    """`script(el, arg)` on candidate `index` of the look `look_id`, by the reference that
    look kept in the page: one plain round trip, no locator resolved again (finding a field
    by its label walks every label of the page: ~10 ms a time, after each field typed).
    (False, None) when the page has looked for something else since, or the element has
    left the page: the caller then goes through the locator (`on_element`)."""
    kept = page.evaluate(
        "([id, i, arg]) => { const f = window.__cpFound; const el = f && f.id === id ? f.els[i] : null;"
        f" return el && el.isConnected ? [({script})(el, arg)] : null; }}",
        [look_id, index, arg],
    )
    return (True, kept[0]) if kept is not None else (False, None)


def on_element(element: Locator, script: str, arg: Any = None) -> Any:
    """`script(el, arg)` run on the element in one round trip (Locator.evaluate costs
    three: a handle, the call, its disposal); None when the element is gone."""
    return element.evaluate_all(f"(els, arg) => els.length ? ({script})(els[0], arg) : null", arg)
