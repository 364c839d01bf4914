#!/usr/bin/env bash
# Installs everything carsat-pilot needs on a Debian/Ubuntu machine with Python 3.11+:
# a virtual environment in .venv with the tool and its test tools, and a Chromium.
# Playwright's own Chromium is used where `playwright install chromium` can download it;
# otherwise Debian's `chromium` (and `xvfb` for headed tests) come from apt.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m[install]\033[0m %s\n' "$*"; }

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 ou plus récent est nécessaire (trouvé : $("$PYTHON" --version 2>&1))." >&2
  exit 2
fi

if [ ! -x .venv/bin/python ]; then
  say "création de l'environnement .venv"
  "$PYTHON" -m venv .venv
fi
say "installation de carsat-pilot et de ses outils de test"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
# An editable install leaves the tool's own modules as source: every command would compile
# them again (~55 ms at each start, measured), and more so where PYTHONDONTWRITEBYTECODE
# forbids Python to keep what it compiled. Compiled once here, as pip does for a package.
# A file edited later is compiled again in memory, from its source: never stale.
.venv/bin/python -m compileall -q -j 0 carsat_pilot mock_site >/dev/null
# The tests the same way, in the form pytest runs them (assertions rewritten), which it
# keeps only where Python may write bytecode: each test process of every run then reads
# them instead of rewriting ~80 modules (2.4 CPU-s of 4.4 per process, measured).
env -u PYTHONDONTWRITEBYTECODE .venv/bin/python -m pytest --collect-only -q -p no:cacheprovider >/dev/null 2>&1 || true

# --- a browser ---------------------------------------------------------------------
has_playwright_chromium() {
  .venv/bin/python - <<'PY' 2>/dev/null
import sys
from pathlib import Path
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    sys.exit(0 if Path(p.chromium.executable_path).is_file() else 1)
PY
}
system_chromium() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  say "installation de : $* (apt)"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

own_chromium=no
if has_playwright_chromium; then
  own_chromium=yes
  say "navigateur : Chromium de Playwright"
elif [ -n "$(system_chromium)" ]; then
  say "navigateur : $(system_chromium)"
else
  # First choice on a machine with internet: Playwright's own build. Where it cannot
  # download (closed networks), Debian's package.
  if .venv/bin/python -m playwright install chromium >/dev/null 2>&1 && has_playwright_chromium; then
    own_chromium=yes
    say "navigateur : Chromium de Playwright (téléchargé)"
  elif command -v apt-get >/dev/null; then
    apt_install chromium
  else
    echo "Aucun Chromium trouvé : installez-en un (paquet chromium) puis relancez." >&2
    exit 2
  fi
fi

# Chromium's headless build, beside Debian's: what carsat-pilot (like Playwright with its own
# download) launches for a headless run — the same engine, much less CPU. Optional: where the
# distribution has no such package, headless runs use the full chromium.
if [ "$own_chromium" = no ] && ! command -v chromium-headless-shell >/dev/null && command -v apt-get >/dev/null; then
  apt_install chromium-headless-shell || say "chromium-headless-shell indisponible : le mode sans fenêtre utilisera chromium"
fi

# Xvfb: a virtual screen for the headed tests and for headed runs on a machine without one.
if ! command -v Xvfb >/dev/null && command -v apt-get >/dev/null; then
  apt_install xvfb
fi
say "prêt."
