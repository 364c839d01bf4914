"""`python -m mock_site [--host H] [--port P] [--ris-delay S] [--data-file F] [--drift LIST]
[--reword ANCIEN=NOUVEAU] [--drift-seed N]`: serve the replica in the foreground (the CLI's
`carsat-pilot mock-site` offers the same)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mock_site import DRIFT_KNOBS, MockConfig, UnknownDrift, create_app, drift_options, parse_reword
from mock_site.server import RunningServer, serve_until_stopped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mock_site", description="Réplique locale de lassuranceretraite.fr")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--ris-delay", type=float, default=20.0, help="secondes entre la demande de RIS et sa mise à disposition"
    )
    parser.add_argument(
        "--data-file",
        type=Path,
        default=None,
        help="fichier JSON où conserver comptes et e-mails entre deux lancements",
    )
    parser.add_argument("--accounts-file", type=Path, default=None)
    parser.add_argument("--otp", action="store_true", help="code à usage unique à la connexion")
    parser.add_argument(
        "--drift",
        default="",
        help=f"le site a changé : {', '.join(DRIFT_KNOBS)} (séparés par des virgules) ou all",
    )
    parser.add_argument(
        "--reword", action="append", default=[], metavar="ANCIEN=NOUVEAU", help="renommer un libellé (répétable)"
    )
    parser.add_argument("--drift-seed", type=int, default=None, help="graine du hasard des dérives")
    args = parser.parse_args(argv)
    try:
        knobs = drift_options([args.drift] if args.drift else [])
        renamed = parse_reword(args.reword)
    except UnknownDrift as exc:
        print(f"✖ {exc}", file=sys.stderr)
        return 2
    config = MockConfig(
        ris_delay_s=args.ris_delay,
        data_file=args.data_file,
        accounts_file=args.accounts_file,
        otp_at_login=args.otp,
        reword=renamed,
        drift_seed=args.drift_seed,
        **knobs,
    )
    def announce(server: RunningServer) -> None:
        print(f"Réplique disponible sur {server.url}/ (messagerie : {server.url}/mailbox)", flush=True)
        if config.changes():
            print("Dérives actives : " + ", ".join(config.changes()), flush=True)

    serve_until_stopped(create_app(config), args.host, args.port, allow_public=False, announce=announce)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
