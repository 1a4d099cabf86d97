"""`chinhquyen pki …`: the DEMO PKI and the deployment's trust.

chinhquyen pki demo DIR [--password-env VAR] [--load]   # DEMO root, agency CA, leaders', agencies', TSA, CRL
chinhquyen pki trust FILE.pem [--purpose signatures|timestamps]  # a trust anchor (VGCA G2 root, NEAC root…)
chinhquyen pki ca FILE.pem                              # intermediate CA certificates (chain building offline)
chinhquyen pki crl FILE.crl                             # a CRL of a known CA
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.core.errors import DomainError
from chinhquyen.signing import pki, services
from chinhquyen.signing.models import SignatureRole, TrustPurpose

DEMO_AGENCIES = ("pt.snv", "pt.phuonghb", "pt.ttpvhcc")
DEFAULT_DEMO_PASSWORD = "DEMO-pki-2026"  # noqa: S105 - the DEMO PKI only, printed by the command


def demo_subjects() -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The demo leaders (username, name, agency) and demo agencies (code, name) of `load_demo`."""
    from chinhquyen.organizations.demo import AGENCIES, OFFICIALS
    from chinhquyen.organizations.models import Role

    agencies = {spec.key: spec for spec in AGENCIES if spec.key in DEMO_AGENCIES}
    people = [(o.username, o.full_name, agencies[o.agency].name) for o in OFFICIALS if o.role == Role.LEADER and o.agency in agencies]
    return people, [(spec.code, spec.name) for spec in agencies.values()]


class Command(BaseCommand):
    help = "DEMO PKI and trust anchors for digital signatures (issue 6)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        demo = sub.add_parser("demo", help="Create the DEMO PKI in DIR (never for real documents).")
        demo.add_argument("directory")
        demo.add_argument("--password-env", help="Environment variable holding the PKCS#12 password (default: a printed demo password).")
        demo.add_argument(
            "--load", action="store_true", help="Also trust the DEMO root, store the CA and CRL, and give the demo accounts their keys."
        )
        trust = sub.add_parser("trust", help="Trust the root certificate(s) in a PEM/DER file.")
        trust.add_argument("file")
        trust.add_argument("--purpose", default=TrustPurpose.SIGNATURES, choices=[p.value for p in TrustPurpose])
        ca = sub.add_parser("ca", help="Store intermediate CA certificates (PEM bundle or DER).")
        ca.add_argument("file")
        crl = sub.add_parser("crl", help="Store a CRL (DER or PEM) of a known CA.")
        crl.add_argument("file")

    def handle(self, *args: object, **options: object) -> None:
        try:
            getattr(self, f"_{options['action']}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message)

    def _demo(self, directory: str, password_env: str | None, load: bool, **_: object) -> None:
        password = os.environ.get(password_env, "") if password_env else DEFAULT_DEMO_PASSWORD
        if not password:
            raise CommandError(f"{password_env} is empty")
        people, agencies = demo_subjects()
        demo = pki.build_demo_pki(people=people, agencies=agencies)
        written = pki.write_demo_pki(demo, Path(directory), password=password)
        self.stdout.write(f"DEMO PKI: {len(written)} files in {directory}")
        if not password_env:
            self.stdout.write(f"PKCS#12 password (DEMO): {password}")
        if load:
            self._load(demo, password)

    def _load(self, demo: pki.DemoPki, password: str) -> None:
        from chinhquyen.organizations.models import Account, Agency

        services.add_trust_anchor(data=demo.root.pem, actor=None, name="DEMO RootCA chinhquyen")
        services.import_ca_certificates(data=demo.agency_ca.pem)
        services.import_crl(data=demo.crl)
        loaded = 0
        for username, issued in demo.personal.items():
            account = Account.objects.filter(username=username).first()
            if account is not None and not account.signing_keys.exists():
                services.import_pkcs12(
                    data=issued.pkcs12(password), password=password, role=SignatureRole.PERSONAL, actor=None, official=account
                )
                loaded += 1
        for code, issued in demo.organization.items():
            agency = Agency.objects.filter(code=code).order_by("-valid_from").first()
            if agency is not None and not agency.signing_keys.exists():
                services.import_pkcs12(
                    data=issued.pkcs12(password), password=password, role=SignatureRole.ORGANIZATION, actor=None, agency=agency
                )
                loaded += 1
        self.stdout.write(f"DEMO root trusted, CA and CRL stored, {loaded} keys given to demo accounts and agencies")

    def _trust(self, file: str, purpose: str, **_: object) -> None:
        anchors = services.add_trust_anchor(data=Path(file).read_bytes(), actor=None, purpose=purpose)
        for anchor in anchors:
            self.stdout.write(f"trusted: {anchor.certificate.subject} ({anchor.certificate.sha256})")

    def _ca(self, file: str, **_: object) -> None:
        for cert in services.import_ca_certificates(data=Path(file).read_bytes()):
            self.stdout.write(f"stored: {cert.subject}")

    def _crl(self, file: str, **_: object) -> None:
        row = services.import_crl(data=Path(file).read_bytes())
        self.stdout.write(f"CRL of {row.issuer}, {row.this_update:%Y-%m-%d %H:%M}")
