"""`chinhquyen demo_accounts [--json]`: the demo logins, for `make run` and the browser tests."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chinhquyen.organizations.demo import demo_accounts
from chinhquyen.organizations.models import ADMIN_ROLES


class Command(BaseCommand):
    help = 'Print the demo logins; --json prints [{"username", "password", "agency_code", "roles"}].'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Machine-readable output.")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_accounts()
        if options["json"]:
            payload = [{"username": a.username, "password": a.password, "agency_code": a.agency_code, "roles": a.roles} for a in accounts]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        if not accounts:
            self.stdout.write("Chưa có tài khoản demo: chạy `chinhquyen load_demo`. / No demo accounts: run `chinhquyen load_demo`.")
            return
        width = max(len(a.username) for a in accounts)
        for a in accounts:
            marker = " (TOTP)" if set(a.roles) & set(ADMIN_ROLES) else ""
            self.stdout.write(f"  {a.username:<{width}}  {', '.join(a.roles)}{marker} — {a.agency_name}")
        self.stdout.write("  (TOTP: quản trị phải có mã xác thực hai lớp / administrators need a second factor)")
