"""`chinhquyen hub …`: run and look after the exchange hub.

chinhquyen hub serve [--host 127.0.0.1] [--port 8100] [--workers 2]
    the hub alone: its own database (HUB_DATABASE_URL), migrated first, served by gunicorn
chinhquyen hub connector add NAME [--secret S] [--directory]   create (or reset) a connector; prints its secret
chinhquyen hub agencies import FILE.json                       upsert the directory ([{code, name, parent_code, connector}])
chinhquyen hub verify-log                                      recompute the evidence chain
chinhquyen hub purge [--days N]                                forget delivered messages' content after N days

Against the standalone hub's database, run these with DJANGO_SETTINGS_MODULE=chinhquyen.config.hub_settings
(`serve` does that itself).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.core.errors import DomainError
from chinhquyen.hub import evidence, services

HUB_SETTINGS = "chinhquyen.config.hub_settings"


class Command(BaseCommand):
    help = "The exchange hub: serve it alone, connectors, directory, evidence log, retention (issue 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("serve", help="Run the hub alone with its own database.")
        s.add_argument("--host", default="127.0.0.1")
        s.add_argument("--port", type=int, default=8100)
        s.add_argument("--workers", type=int, default=2)
        s.add_argument("--no-migrate", action="store_true")
        c = sub.add_parser("connector", help="Connectors.")
        c.add_argument("connector_action", choices=["add"])
        c.add_argument("name")
        c.add_argument("--secret", default="")
        c.add_argument("--directory", action="store_true", help="may change the directory through the API")
        a = sub.add_parser("agencies", help="The directory.")
        a.add_argument("agencies_action", choices=["import"])
        a.add_argument("file")
        sub.add_parser("verify-log", help="Recompute the SHA-256 chain of the evidence log.")
        p = sub.add_parser("purge", help="Forget the content of delivered messages older than the retention.")
        p.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "serve":
            self._serve(options)
        elif action == "connector":
            secret = options["secret"] or secrets.token_urlsafe(32)
            services.create_connector(name=options["name"], secret=secret, can_manage_directory=options["directory"])
            self.stdout.write(f"connector {options['name']}: secret {secret}")
        elif action == "agencies":
            try:
                items = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
                result = services.upsert_agencies(
                    agencies=[
                        services.AgencyInput(
                            code=i["code"], name=i["name"], parent_code=i.get("parent_code", ""), connector=i.get("connector", "")
                        )
                        for i in items
                    ]
                )
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"{options['file']}: {exc}") from None
            except DomainError as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from None
            self.stdout.write(f"directory: {result['created']} created, {result['updated']} updated")
        elif action == "verify-log":
            check = evidence.verify_log()
            if not check.ok:
                raise CommandError(f"Evidence log broken: {check.problem} ({check.checked} entries read)")
            self.stdout.write(f"Evidence log intact: {check.checked} entries verified.")
        elif action == "purge":
            self.stdout.write(f"{services.purge(older_than_days=options['days'])} messages purged")

    def _serve(self, options: dict[str, Any]) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": HUB_SETTINGS}
        python = sys.executable
        if not options["no_migrate"]:
            subprocess.run([python, "-m", "chinhquyen.manage", "migrate", "--no-input", "-v0"], env=env, check=True)  # noqa: S603 - our own interpreter and arguments
        argv = [
            python,
            "-m",
            "gunicorn",
            "chinhquyen.config.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--access-logfile",
            "-",
        ]
        self.stdout.write(f"hub serving on http://{options['host']}:{options['port']}/hub/api/v1/ (settings {HUB_SETTINGS})")
        self.stdout.flush()
        os.execve(python, argv, env)  # noqa: S606 - replaces this process with gunicorn
