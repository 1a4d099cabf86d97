"""`chinhquyen pdf …`: sign and verify PDFs from the console (issue 6 item 9).

chinhquyen pdf sign IN.pdf OUT.pdf --pkcs12 FILE --password-env VAR --role personal [--image PNG]
chinhquyen pdf sign IN.pdf OUT.pdf --pkcs12 FILE --password-env VAR --role organization [--image SEAL.png] [--number "15/QĐ-UBND" [--date 2026-03-05] [--place "Phú Thọ"]]
chinhquyen pdf sign IN.pdf OUT.pdf --token-label T --key-label K --pin-env VAR --cert CERT.pem [--module /usr/lib/softhsm/libsofthsm2.so] --role …
chinhquyen pdf sign IN.pdf OUT.pdf … --role organization --attachment --number "15/QĐ-UBND"   # invisible, with the label
chinhquyen pdf verify FILE.pdf [--trust ROOT.pem …] [--ca CA.pem …] [--crl FILE.crl …] [--json]

The console is the operator's tool: it signs with the file or token it is given (no role checks;
the pages and the office do those through `signing.services`). OUT is written only when signing
succeeded. `verify` exits 0 when PASSED, 1 when FAILED, 2 when INDETERMINATE.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.core.errors import DomainError
from chinhquyen.signing import keys, pdf, pki
from chinhquyen.signing.validation import REASONS, WARNINGS, TrustMaterial, validate_pdf_bytes

DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def _read_limited(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{path}: no such file")
    pdf.check_size(file.stat().st_size)  # refused before a byte is read
    return file.read_bytes()


def _trust(anchor_files: list[str], ca_files: list[str], crl_files: list[str]) -> TrustMaterial:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    from chinhquyen.signing.trust import current_trust

    try:
        material = current_trust(extra_anchor_pems=[Path(f).read_bytes() for f in anchor_files])
    except Exception:  # no database (a bare install): the files alone
        material = current_trust(extra_anchor_pems=[Path(f).read_bytes() for f in anchor_files], only_extra=True)
    for f in ca_files:
        material.intermediates.extend(
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in pki.load_certificates(Path(f).read_bytes())
        )
    material.crls.extend(Path(f).read_bytes() for f in crl_files)
    return material


class Command(BaseCommand):
    help = "Sign PDFs the Decree 30 way and verify their signatures (issue 6)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sign = sub.add_parser("sign", help="Add a personal or organisation signature.")
        sign.add_argument("input")
        sign.add_argument("output")
        sign.add_argument("--role", required=True, choices=["personal", "organization"])
        sign.add_argument("--pkcs12")
        sign.add_argument("--password-env")
        sign.add_argument("--token-label")
        sign.add_argument("--key-label")
        sign.add_argument("--pin-env")
        sign.add_argument("--cert", help="The token key's certificate (PEM), when the token does not hold it.")
        sign.add_argument("--module", default=DEFAULT_MODULE, help="PKCS#11 module.")
        sign.add_argument("--image", help="PNG: the blue signature (personal) or the red seal (organisation).")
        sign.add_argument("--number", help="Number and notation, e.g. 15/QĐ-UBND (organisation: numbered before signing).")
        sign.add_argument("--date", help="Issue date, YYYY-MM-DD (default today).")
        sign.add_argument("--place", default="", help="Place name of the date line, e.g. Phú Thọ.")
        sign.add_argument("--signer-name", default="", help="The signer's full name as printed (places the signature above it).")
        sign.add_argument("--attachment", action="store_true", help="Invisible organisation signature with the number/time label.")
        sign.add_argument("--trust", action="append", default=[], help="Trust anchor PEM (for the personal-signature check).")
        verify = sub.add_parser("verify", help="Validate every signature of a PDF.")
        verify.add_argument("file")
        verify.add_argument("--trust", action="append", default=[], help="Trust anchor PEM (repeatable).")
        verify.add_argument("--ca", action="append", default=[], help="Intermediate CA certificates PEM (repeatable).")
        verify.add_argument("--crl", action="append", default=[], help="CRL file (repeatable).")
        verify.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: object, **options: Any) -> None:
        try:
            if options["action"] == "sign":
                self._sign(**options)
            else:
                self._verify(**options)
        except DomainError as exc:
            raise CommandError(exc.message)

    def _signer(self, options: dict[str, Any]) -> Any:
        if options["pkcs12"]:
            if not options["password_env"]:
                raise CommandError("--password-env is required with --pkcs12")
            return keys.signer_from_pkcs12(Path(options["pkcs12"]).read_bytes(), os.environ.get(options["password_env"], ""))
        if options["token_label"] and options["key_label"]:
            if not options["pin_env"]:
                raise CommandError("--pin-env is required with a token")
            cert = pki.load_certificate(Path(options["cert"]).read_bytes()) if options["cert"] else None
            if cert is not None:
                keys.check_signing_certificate(cert)
            token = keys.TokenKey(
                module=options["module"], token_label=options["token_label"], key_label=options["key_label"], certificate=cert
            )
            return token.open(os.environ.get(options["pin_env"], ""))
        raise CommandError("give --pkcs12 FILE --password-env VAR, or --token-label/--key-label --pin-env VAR")

    def _sign(self, **options: Any) -> None:
        data = _read_limited(options["input"])
        reader = pdf.open_pdf(data)
        image = pdf.load_png(Path(options["image"]).read_bytes(), what="signature") if options["image"] else None
        handle = self._signer(options)
        try:
            if options["role"] == "personal":
                if image is None:
                    from chinhquyen.signing.images import demo_signature_png

                    image = pdf.load_png(demo_signature_png(options["signer_name"] or "DEMO"), what="signature")
                request = pdf.SignRequest(
                    field_name=pdf.PERSONAL_FIELD,
                    box=pdf.personal_box(data, reader, image, signer_name=options["signer_name"]),
                    image=image,
                    text_fields=[
                        (pdf.NUMBER_FIELD, pdf.default_number_box(data, reader)),
                        (pdf.DATE_FIELD, pdf.default_date_box(data, reader)),
                    ],
                )
                out = pdf.sign_pdf(data, handle.signer, request, timestamper=_timestamper())
            elif options["attachment"]:
                if not options["number"]:
                    raise CommandError("--attachment needs --number")
                request = pdf.SignRequest(field_name=pdf.ORGANIZATION_FIELD, label=pdf.Label([options["number"], "{time}"]))
                out = pdf.sign_pdf(data, handle.signer, request, timestamper=_timestamper())
            else:
                out = self._organization(data, handle, image, options)
        finally:
            handle.close()
        Path(options["output"]).write_bytes(out)
        self.stdout.write(f"signed ({options['role']}): {options['output']}")

    def _organization(self, data: bytes, handle: Any, image: Any, options: dict[str, Any]) -> bytes:
        from chinhquyen.signing.services import _is_acceptable_personal

        report = validate_pdf_bytes(data, _trust(options["trust"], [], []))
        if report["indication"] == "FAILED" or not any(_is_acceptable_personal(s) for s in report["signatures"]):
            raise CommandError("the document has no valid personal signature (Decree 30/2020 art. 32.2); nothing was written")
        if options["number"]:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else dt.date.today()
            data = pdf.fill_number_and_date(
                data, number_notation=options["number"], date_line=pdf.vietnamese_date_line(options["place"], day)
            )
        reader = pdf.open_pdf(data)
        if image is None:
            from chinhquyen.signing.images import demo_seal_png

            image = pdf.load_png(demo_seal_png(), what="seal")
        personal = pdf.find_signature_box(reader)
        box = pdf.seal_box(personal, image) if personal else pdf.personal_box(data, reader, image)
        return pdf.sign_pdf(
            data, handle.signer, pdf.SignRequest(field_name=pdf.ORGANIZATION_FIELD, box=box, image=image), timestamper=_timestamper()
        )

    def _verify(self, **options: Any) -> None:
        data = _read_limited(options["file"])
        report = validate_pdf_bytes(data, _trust(options["trust"], options["ca"], options["crl"]))
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"{options['file']}: {report['indication']} — {REASONS[report['reason']]}")
            for sig in report["signatures"]:
                signer = sig.get("signer", {})
                self.stdout.write(f"  #{sig['index']} {sig['field']}: {sig['indication']} — {REASONS[sig['reason']]}")
                if signer:
                    self.stdout.write(f"     signer: {signer['common_name']} ({signer['organization']}), serial {signer['serial']}")
                time = sig.get("time", {})
                if time:
                    self.stdout.write(
                        f"     time of signing: {time.get('best')} (source: {time.get('source')}; claimed {time.get('claimed')})"
                    )
                if "chain" in sig:
                    self.stdout.write(f"     chain: {' → '.join(sig['chain'].get('path', [])) or sig['chain'].get('problem', '')}")
                    self.stdout.write(
                        f"     revocation: {sig['revocation']['status']}; changes after signing: {sig['modifications']['level']}"
                    )
                for warning in sig.get("warnings", []):
                    self.stdout.write(f"     ! {WARNINGS[warning['code']]}")
        sys.stdout.flush()
        code = {"PASSED": 0, "FAILED": 1}.get(report["indication"], 2)
        if code:
            raise SystemExit(code)


def _timestamper() -> Any:
    from chinhquyen.signing.services import _timestamper as configured

    return configured()
