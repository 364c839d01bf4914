"""`python -m mock_site [--host H] [--port P] [--ris-delay S] [--data-file F]`: serve the
replica in the foreground (the CLI's `carsat-pilot mock-site` offers the same)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from mock_site import MockConfig, create_app, serve


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
    args = parser.parse_args(argv)
    config = MockConfig(
        ris_delay_s=args.ris_delay, data_file=args.data_file, accounts_file=args.accounts_file, otp_at_login=args.otp
    )
    server = serve(create_app(config), args.host, args.port)
    print(f"Réplique disponible sur {server.url}/ (messagerie : {server.url}/mailbox)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
