"""`chinhquyen edxml …`: read, write and check edXML files (issue 7).

chinhquyen edxml parse FILE [--json]       the message's values (snake_case JSON with --json)
chinhquyen edxml build SPEC.json OUT.edxml the JSON form (files by path or base64) → an .edxml file
chinhquyen edxml verify FILE               hardened parse + signature check + our XSD (for what we emit)

Exit status 0 when the file is readable (and, for verify, its signature valid or absent), 1
otherwise; refusals print their code (`edxml.*`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.exchange import edxml


class Command(BaseCommand):
    help = "edXML (QCVN 102:2016) files: parse, build, verify."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("parse", help="Print what a message says.")
        p.add_argument("file")
        p.add_argument("--json", action="store_true", help="snake_case JSON")
        b = sub.add_parser("build", help="Write an .edxml file from its JSON form.")
        b.add_argument("spec")
        b.add_argument("out")
        b.add_argument("--sign-key", help="PEM private key to sign with")
        b.add_argument("--sign-cert", help="PEM certificate of that key")
        v = sub.add_parser("verify", help="Check a message: readable, signature, schema.")
        v.add_argument("file")

    def _parse(self, path: str) -> edxml.ParsedMessage:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        try:
            return edxml.parse(data, limits=edxml.Limits.from_settings())
        except edxml.CodecError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None

    def handle(self, *args: Any, **options: Any) -> None:
        {"parse": self._print, "build": self._build, "verify": self._verify}[options["action"]](options)

    def _build(self, options: dict[str, Any]) -> None:
        spec_path = Path(options["spec"])
        try:
            spec = json.loads(spec_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{spec_path}: {exc}") from None
        key = None
        if options.get("sign_key"):
            from chinhquyen.exchange.signatures import XmlSigningKey

            key = XmlSigningKey.from_pem_files(options["sign_key"], options["sign_cert"])
        try:
            if spec.get("kind") == "status":
                data = edxml.build_status(edxml.status_from_spec(spec), signing_key=key)
            else:
                data = edxml.build_package(edxml.package_from_spec(spec, base_dir=spec_path.parent), signing_key=key)
        except edxml.CodecError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        except (KeyError, TypeError, ValueError, OSError) as exc:
            raise CommandError(f"edxml.invalid_value: {exc}") from None
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"{options['out']}: {len(data)} bytes")

    def _verify(self, options: dict[str, Any]) -> None:
        parsed = self._parse(options["file"])
        body = edxml.message_json(parsed)
        schema_errors = edxml.validate(Path(options["file"]).read_bytes())
        signature = parsed.signature
        self.stdout.write(f"readable: yes ({body['kind']}, {parsed.size} bytes, sha256 {parsed.sha256})")
        if not signature.present:
            self.stdout.write("signature: none")
        else:
            self.stdout.write(
                f"signature: {'valid' if signature.valid else 'NOT valid'} — {signature.reason}"
                + (f" ({signature.signer})" if signature.signer else "")
            )
        self.stdout.write(f"schema (what chinhquyen emits): {'valid' if not schema_errors else f'{len(schema_errors)} difference(s)'}")
        for error in schema_errors[:10]:
            self.stdout.write(f"  {error}")
        if signature.present and not signature.valid:
            raise CommandError("the signature is not valid")

    def _print(self, options: dict[str, Any]) -> None:
        parsed = self._parse(options["file"])
        body = edxml.message_json(parsed)
        if options["json"]:
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        if body["kind"] == "status":
            lines = [
                f"status message {body['status_code']} — {body['description']}",
                f"from: {body['from']['organ_id']} {body['from']['organ_name']}",
                f"about: {body['response_for']['document_id']}",
                f"at: {body['timestamp']}",
            ]
        else:
            lines = [
                f"package ({body['business']['doc_type']}) {body['code_number']}/{body['code_notation']} of {body['promulgation_date']}",
                f"document id: {body['document_id']}",
                f"from: {body['from']['organ_id']} {body['from']['organ_name']}",
                *[f"to: {o['organ_id']} {o['organ_name']}" for o in body["to"]],
                f"subject: {body['subject']}",
                f"type: {body['document_type']['type_name']}  priority: {body['priority']}  steering: {body['steering_type']}",
                *[f"attachment: {a['name']} ({a['content_type']}, {a['size']} bytes, sha256 {a['sha256']})" for a in body["attachments"]],
            ]
        sig = body["signature"]
        lines.append("signature: " + ("none" if not sig["present"] else ("valid" if sig["valid"] else f"not valid — {sig['reason']}")))
        self.stdout.write("\n".join(lines))
