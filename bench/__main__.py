"""`python -m bench [--runs N] [--ris-delay D] [--startup-runs K]`"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _ensure_venv() -> None:
    """Run under the project's venv even when started with another Python."""
    try:
        import playwright  # noqa: F401

        import carsat_pilot  # noqa: F401
        import mock_site  # noqa: F401
    except ImportError as exc:
        venv_python = REPO / ".venv" / "bin" / "python"
        # Compare prefixes: the venv's python is often a symlink to this very binary.
        if venv_python.is_file() and Path(sys.prefix).resolve() != venv_python.parent.parent.resolve():
            os.chdir(REPO)  # `-m bench` must find this package again
            os.execv(str(venv_python), [str(venv_python), "-m", "bench", *sys.argv[1:]])
        raise SystemExit(
            "carsat-pilot is not installed in this Python: run ./install.sh, then .venv/bin/python -m bench"
        ) from exc


if __name__ == "__main__":
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    _ensure_venv()
    from bench.main import main

    main()
