"""Validating every signature in a PDF: a report a person can read, that never calls an altered file valid.

Built on pyHanko (integrity, coverage, the difference analysis of what changed after each
signature, CMS and timestamp checks) and pyhanko-certvalidator (chains, revocation), with our own
policy on top (ADR 0016):

- the time of signing is the RFC 3161 timestamp's when there is one, never the CMS signingTime
  alone (the Government portal writes local time labelled UTC there: conformance/pdf quirk 1);
- chains are built at that time, so a certificate that has expired since is "valid at the time of
  signing" (59-nd);
- revocation is "good" only when a CRL or OCSP response answered; "unknown" otherwise, and then the
  indication is INDETERMINATE — never silently good;
- changes after signing: pyHanko's whitelist (form filling, new signature fields, DSS, metadata),
  narrowed: a form field may be filled after signing only if it was empty and painted nothing when
  signed, and its new appearance only draws text (shadow attacks "hide" and "replace");
- SHA-1 in a CA certificate is accepted with a warning (the VGCA G1 chain is signed with it).

Indications follow ETSI EN 319 102-1: PASSED, INDETERMINATE, FAILED, with a reason code and text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.utils.translation import gettext_noop as N_
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as hanko_fields
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import RevokedError
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule

from chinhquyen.core import limits as bounded
from chinhquyen.signing.pki import certificate_facts

PASSED, INDETERMINATE, FAILED = "PASSED", "INDETERMINATE", "FAILED"
_RANK = {PASSED: 0, INDETERMINATE: 1, FAILED: 2}
LOCAL_OFFSET = dt.timedelta(hours=7)

#: Reason codes → English msgids (the pages translate them; the JSON keeps both).
REASONS: dict[str, str] = {
    "passed": N_("Every check passed: the document is unchanged since signing and the signer is trusted."),
    "no_signatures": N_("The PDF carries no digital signature."),
    "malformed": N_("The file cannot be read as a PDF (damaged or truncated)."),
    "encrypted": N_("The PDF is encrypted: its signatures cannot be checked."),
    "signature_malformed": N_("The signature data is missing, empty or damaged."),
    "byte_range_invalid": N_("The signature does not cover the document as it should (the signed byte range was manipulated)."),
    "hash_mismatch": N_("The signed content was changed: it no longer matches the signature."),
    "signature_invalid": N_("The signature value does not verify with the signer's certificate."),
    "modified_after_signing": N_("The document was changed after signing in a way the signature does not permit."),
    "docmdp_violation": N_("The changes made after the certifying signature are more than it allows."),
    "shadow_change": N_("A form field that was visible or filled when signed was changed afterwards (possible shadow attack)."),
    "revoked": N_("The signer's certificate was revoked."),
    "no_chain": N_("The signer's certificate does not lead to a trusted root (issuer unknown)."),
    "expired_no_poe": N_("The signer's certificate had expired or was not yet valid, and no timestamp proves the signing time."),
    "chain_invalid": N_("The signer's certificate chain is not valid."),
    "key_usage": N_("The signer's certificate is not meant for signing (key usage)."),
    "revocation_unknown": N_("The revocation status of the signer's certificate could not be checked (no CRL or OCSP response available)."),
    "weak_algorithm": N_("The signature uses an algorithm that is no longer safe."),
    "unsupported": N_("The signature is of a kind this validator does not support."),
}
WARNINGS: dict[str, str] = {
    "claimed_time_local_as_utc": N_(
        "The signing time inside the signature is local time labelled as UTC (7 hours ahead); the timestamp's time is used."
    ),
    "timestamp_before_claimed_time": N_("The timestamp is earlier than the claimed signing time (clock skew)."),
    "timestamp_untrusted": N_("The timestamp authority is not trusted; the time of signing is not proven."),
    "timestamp_invalid": N_("The timestamp does not verify; it is ignored."),
    "tsa_certificate_expired_now": N_("The timestamp authority's certificate has expired since; it was valid when the timestamp was made."),
    "certificate_expired_now": N_("The signer's certificate has expired since; it was valid at the time of signing."),
    "weak_algorithm_in_chain": N_("A certificate in the chain is signed with SHA-1."),
    "not_pades": N_("The signature is a plain PKCS#7 signature, not PAdES."),
    "permitted_changes": N_("Permitted changes were made after signing (form fields filled, signatures added, validation data)."),
    "revocation_not_declared": N_("The certificate names no revocation service."),
}

_PAINT_OPS = re.compile(rb"(?<![A-Za-z])(f\*?|F|B\*?|b\*?|S|s|sh|Do|BI|re)(?![A-Za-z])")


@dataclass
class TrustMaterial:
    """What a validation trusts and knows: anchors, extra certificates, revocation data."""

    anchors: list[asn1_x509.Certificate]
    intermediates: list[asn1_x509.Certificate] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)
    allow_fetching: bool = False

    @property
    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for item in sorted([c.sha256.hex() for c in self.anchors] + [hashlib.sha256(c).hexdigest() for c in self.crls]):
            h.update(item.encode())
        return h.hexdigest()


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None


def _worst(indications: list[str]) -> str:
    return max(indications, key=lambda i: _RANK[i]) if indications else INDETERMINATE


def _result(indication: str, reason: str, **extra: Any) -> dict[str, Any]:
    return {"indication": indication, "reason": reason, "reason_text": REASONS[reason], **extra}


# --- Entry point -----------------------------------------------------------------------------


def validate_pdf_bytes(data: bytes, trust: TrustMaterial, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The report (a JSON-able dict) for one PDF. Never raises on bad input: a report says why."""
    now = now or dt.datetime.now(dt.UTC)
    report: dict[str, Any] = {
        "version": 1,
        "validated_at": _iso(now),
        "file": {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
        "trust_fingerprint": trust.fingerprint,
        "signatures": [],
    }
    try:
        if b"%PDF-" not in data[:1024]:
            raise ValueError("no PDF header")
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            report.update(_result(INDETERMINATE, "encrypted"))
            return report
        report["file"]["revisions"] = reader.xrefs.total_revisions
        # The page tree walked with a visited set and a depth limit before pyHanko's validation
        # walks it (a /Parent or /Kids cycle is "malformed", never a loop; ADR 0039).
        bounded.pdf_pages_bounded(reader.root.raw_get("/Pages"))
        sig_fields = list(hanko_fields.enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:
        report.update(_result(FAILED, "malformed", detail=type(exc).__name__))
        return report
    if not sig_fields:
        report.update(_result(INDETERMINATE, "no_signatures"))
        return report
    dss_certs, dss_crls, dss_ocsps = _read_dss(reader)
    results = []
    for index, (name, _sig_obj, field_ref) in enumerate(sig_fields):
        try:
            result = _validate_one(reader, name, field_ref.get_object(), trust, now, dss_certs, dss_crls, dss_ocsps)
        except Exception as exc:  # a malformed signature never crashes the validator
            result = {"field": name, **_result(FAILED, _classify_error(exc), detail=type(exc).__name__)}
        result["index"] = index + 1
        results.append(result)
    report["signatures"] = results
    worst = _worst([r["indication"] for r in results])
    first = next(r for r in results if r["indication"] == worst)
    reason = "passed" if worst == PASSED else first["reason"]
    report.update(_result(worst, reason))
    return report


def _classify_error(exc: Exception) -> str:
    text = str(exc).lower()
    if "byte range" in text or "byterange" in text:
        return "byte_range_invalid"
    if "subfilter" in text:
        return "unsupported"
    return "signature_malformed"


def _read_dss(reader: PdfFileReader) -> tuple[list[asn1_x509.Certificate], list[asn1_crl.CertificateList], list[asn1_ocsp.OCSPResponse]]:
    try:
        dss = reader.root.get("/DSS")
        if dss is None:
            return [], [], []
        dss = dss.get_object()
        certs = [asn1_x509.Certificate.load(ref.get_object().read_data(DecodePurpose.CERTIFICATE)) for ref in dss.get("/Certs", [])]
        crls = [asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL)) for ref in dss.get("/CRLs", [])]
        ocsps = [asn1_ocsp.OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE)) for ref in dss.get("/OCSPs", [])]
        return certs, crls, ocsps
    except Exception:
        return [], [], []


# --- One signature ---------------------------------------------------------------------------


def _timestamp_gen_time(signer_info: asn1_cms.SignerInfo) -> dt.datetime | None:
    """genTime of the signature-timestamp token (RFC 3161), read before it is validated."""
    attrs = signer_info["unsigned_attrs"]
    if not attrs or attrs.native is None:
        return None
    for attr in attrs:
        if attr["type"].native == "signature_time_stamp_token":
            token = attr["values"][0]
            tst_info = token["content"]["encap_content_info"]["content"].parsed
            return tst_info["gen_time"].native  # type: ignore[no-any-return]
    return None


def _policy(rule: RevocationCheckingRule) -> CertRevTrustPolicy:
    return CertRevTrustPolicy(RevocationCheckingPolicy(ee_certificate_rule=rule, intermediate_ca_cert_rule=rule))


def _context(
    trust: TrustMaterial,
    moment: dt.datetime,
    extra_certs: list[asn1_x509.Certificate],
    crls: list[Any],
    ocsps: list[Any],
    rule: RevocationCheckingRule,
) -> ValidationContext:
    return ValidationContext(
        trust_roots=list(trust.anchors),
        other_certs=list(trust.intermediates) + list(extra_certs),
        moment=moment,
        allow_fetching=False,
        crls=list(crls),
        ocsps=list(ocsps),
        revinfo_policy=_policy(rule),
        retroactive_revinfo=True,
        # Accept SHA-1 in certificates (VGCA G1 chain, conformance/trust README) and warn ourselves.
        weak_hash_algos=set(),
        time_tolerance=dt.timedelta(minutes=5),
    )


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def _validate_one(
    reader: PdfFileReader,
    name: str,
    field_obj: generic.DictionaryObject,
    trust: TrustMaterial,
    now: dt.datetime,
    dss_certs: list[asn1_x509.Certificate],
    dss_crls: list[asn1_crl.CertificateList],
    dss_ocsps: list[asn1_ocsp.OCSPResponse],
) -> dict[str, Any]:
    embedded = EmbeddedPdfSignature(reader, field_obj, name)
    out: dict[str, Any] = {"field": name, "role": _role_of(name), "revision": embedded.signed_revision + 1}
    sig_object = embedded.sig_object
    out["subfilter"] = str(sig_object.get("/SubFilter", ""))
    warnings: list[str] = []
    if embedded.sig_object_type == "/DocTimeStamp":
        return _validate_doc_timestamp(embedded, trust, now, out)
    if out["subfilter"] == "/adbe.pkcs7.detached":
        warnings.append("not_pades")
    byte_range = [int(v) for v in sig_object.get("/ByteRange", [])]
    file_length = len(reader.stream.getbuffer()) if hasattr(reader.stream, "getbuffer") else None
    if (
        len(byte_range) != 4
        or byte_range[0] != 0
        or min(byte_range) < 0
        or (file_length is not None and byte_range[2] + byte_range[3] > file_length)
    ):
        return {**out, **_result(FAILED, "byte_range_invalid")}
    if not embedded.pkcs7_content or not any(embedded.pkcs7_content):
        return {**out, **_result(FAILED, "signature_malformed")}

    signer_cert = embedded.signer_cert
    cert_x509 = x509.load_der_x509_certificate(signer_cert.dump())
    facts = certificate_facts(cert_x509)
    out["signer"] = {
        "common_name": facts.subject_common_name,
        "organization": facts.organization,
        "subject": facts.subject,
        "issuer": facts.issuer,
        "serial": facts.serial_hex,
        "not_before": _iso(facts.not_before),
        "not_after": _iso(facts.not_after),
        "key_algorithm": facts.key_algorithm,
        "key_usage": facts.key_usage,
        "sha256": facts.sha256,
    }
    gen_time = _timestamp_gen_time(embedded.signer_info)
    moment = gen_time or now
    embedded_certs = list(embedded.other_embedded_certs) + dss_certs
    soft = _context(trust, moment, embedded_certs, dss_crls, dss_ocsps, RevocationCheckingRule.NO_CHECK)
    ts_context = _context(trust, gen_time or now, embedded_certs, dss_crls, dss_ocsps, RevocationCheckingRule.NO_CHECK)
    status = _run(
        async_validate_pdf_signature(
            embedded,
            signer_validation_context=soft,
            ts_validation_context=ts_context,
            diff_policy=DEFAULT_DIFF_POLICY,
            key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False),
        )
    )
    out["algorithms"] = {"digest": status.md_algorithm, "signature": embedded.signer_info["signature_algorithm"]["algorithm"].native}
    out["integrity"] = {"intact": bool(status.intact), "signature_valid": bool(status.valid)}

    # --- time of signing
    time_info: dict[str, Any] = {"claimed": _iso(status.signer_reported_dt), "timestamp": None}
    tst = status.timestamp_validity
    best = now
    if tst is not None:
        time_info["timestamp"] = _iso(tst.timestamp)
        tsa_cert = x509.load_der_x509_certificate(tst.signing_cert.dump())
        time_info["tsa"] = {
            "common_name": certificate_facts(tsa_cert).subject_common_name,
            "trusted": bool(tst.trusted),
            "valid": bool(tst.valid and tst.intact),
        }
        if not (tst.intact and tst.valid):
            warnings.append("timestamp_invalid")
        elif not tst.trusted:
            warnings.append("timestamp_untrusted")
        else:
            best = tst.timestamp
        if tst.intact and tst.valid and tsa_cert.not_valid_after_utc < now:
            warnings.append("tsa_certificate_expired_now")
        if status.signer_reported_dt is not None:
            skew = status.signer_reported_dt - tst.timestamp
            if abs(skew - LOCAL_OFFSET) < dt.timedelta(minutes=10):
                warnings.append("claimed_time_local_as_utc")
                skew -= LOCAL_OFFSET
                time_info["claimed_corrected"] = _iso(status.signer_reported_dt - LOCAL_OFFSET)
            time_info["skew_seconds"] = int(skew.total_seconds())
            if skew > dt.timedelta(seconds=1):
                warnings.append("timestamp_before_claimed_time")
    time_info["best"] = _iso(best)
    time_info["source"] = "timestamp" if best is not now else "validation_time"
    out["time"] = time_info

    # --- changes after signing
    out["coverage"] = {
        SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
        SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
        SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "partial",
    }.get(status.coverage, "unclear")
    diff = status.diff_result
    changed_fields = sorted(getattr(diff, "changed_form_fields", set()) or [])
    level = status.modification_level
    modifications: dict[str, Any] = {
        "level": level.name.lower() if level is not None else "unknown",
        "changed_fields": changed_fields,
        "permitted": bool(status.docmdp_ok),
    }
    if isinstance(diff, SuspiciousModification):
        modifications["detail"] = str(diff)[:300]
    shadow = _shadow_changes(reader, embedded.signed_revision, changed_fields) if level == ModificationLevel.FORM_FILLING else []
    if shadow:
        modifications["shadow_fields"] = shadow
    out["modifications"] = modifications
    docmdp = embedded.docmdp_level
    out["docmdp"] = {"certification": docmdp is not None, "permission": int(docmdp.value) if docmdp is not None else None}
    if level not in (None, ModificationLevel.NONE) and status.docmdp_ok and not shadow:
        warnings.append("permitted_changes")

    # --- chain, validity at signing time, revocation
    path = status.validation_path
    chain_info: dict[str, Any] = {"trusted": bool(status.trusted)}
    if status.trust_problem_indic is not None:
        chain_info["problem"] = status.trust_problem_indic.name
    if path is not None:
        certs = list(path)
        chain_info["path"] = [c.subject.native.get("common_name", c.subject.human_friendly) for c in certs]
        chain_info["anchor"] = chain_info["path"][0] if chain_info["path"] else None
        if any(c.hash_algo in ("sha1", "md5") for c in certs if c.self_signed == "no"):
            warnings.append("weak_algorithm_in_chain")
    out["chain"] = chain_info
    valid_at_signing = facts.not_before <= best <= facts.not_after
    out["certificate"] = {
        "valid_at_signing_time": valid_at_signing,
        "expired_now": facts.not_after < now,
        "key_usage_ok": facts.can_sign_documents,
    }
    if valid_at_signing and facts.not_after < now:
        warnings.append("certificate_expired_now")
    revocation = {"status": "not_checked"}
    if status.trusted:
        revocation = _revocation(signer_cert, trust, best, embedded_certs, dss_crls, dss_ocsps)
        if revocation["status"] == "not_declared":
            warnings.append("revocation_not_declared")
    out["revocation"] = revocation
    out["warnings"] = [{"code": w, "text": WARNINGS[w]} for w in dict.fromkeys(warnings)]

    # --- the indication (ETSI EN 319 102-1 §5.1.3)
    out.update(_indication(status, out, shadow, level, valid_at_signing, facts.can_sign_documents, revocation, best))
    return out


def _indication(
    status: Any,
    out: dict[str, Any],
    shadow: list[str],
    level: Any,
    valid_at_signing: bool,
    key_usage_ok: bool,
    revocation: dict[str, Any],
    best: dt.datetime,
) -> dict[str, Any]:
    if not status.intact:
        return _result(FAILED, "hash_mismatch")
    if not status.valid:
        return _result(FAILED, "signature_invalid")
    if out["coverage"] in ("unclear", "partial"):
        return _result(FAILED, "byte_range_invalid")
    if level is None or level == ModificationLevel.OTHER:
        return _result(FAILED, "modified_after_signing")
    if not status.docmdp_ok:
        return _result(FAILED, "docmdp_violation")
    if shadow:
        return _result(FAILED, "shadow_change")
    if out["algorithms"]["digest"] in ("md5", "sha1"):
        return _result(FAILED, "weak_algorithm")
    if revocation["status"] == "revoked":
        revoked_at = revocation.get("revoked_at")
        if revoked_at is None or dt.datetime.fromisoformat(revoked_at) <= best:
            return _result(FAILED, "revoked")
        return _result(INDETERMINATE, "revoked")
    if not status.trusted:
        problem = out["chain"].get("problem", "")
        if problem in ("NO_CERTIFICATE_CHAIN_FOUND",):
            return _result(INDETERMINATE, "no_chain")
        if problem in ("OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED") or not valid_at_signing:
            return _result(INDETERMINATE, "expired_no_poe")
        if problem == "REVOKED_NO_POE" or status.revoked:
            return _result(FAILED, "revoked")
        if not key_usage_ok:
            return _result(INDETERMINATE, "key_usage")
        return _result(INDETERMINATE, "chain_invalid")
    if not key_usage_ok:
        return _result(INDETERMINATE, "key_usage")
    if revocation["status"] != "good":
        return _result(INDETERMINATE, "revocation_unknown")
    return _result(PASSED, "passed")


def _declares_revocation(cert: asn1_x509.Certificate) -> bool:
    return bool(cert.crl_distribution_points or cert.ocsp_urls)


def _revocation(
    signer_cert: asn1_x509.Certificate,
    trust: TrustMaterial,
    moment: dt.datetime,
    extra: list[asn1_x509.Certificate],
    dss_crls: list[Any],
    dss_ocsps: list[Any],
) -> dict[str, Any]:
    """good / revoked / unknown / not_declared, from the CRLs and OCSP responses at hand (ADR 0016)."""
    crls = [asn1_crl.CertificateList.load(c) for c in trust.crls] + list(dss_crls)
    context = _context(trust, moment, extra, crls, dss_ocsps, RevocationCheckingRule.CHECK_IF_DECLARED)
    validator = CertificateValidator(signer_cert, intermediate_certs=extra, validation_context=context)
    try:
        _run(validator.async_validate_usage(set()))
    except RevokedError:
        return {"status": "revoked", "revoked_at": _revocation_date(signer_cert, crls)}
    except Exception as exc:
        return {"status": "unknown", "detail": type(exc).__name__}
    if not _declares_revocation(signer_cert):
        return {"status": "not_declared"}
    source = "ocsp" if any(True for _ in dss_ocsps) else "crl"
    return {"status": "good", "source": source}


def _revocation_date(cert: asn1_x509.Certificate, crls: list[asn1_crl.CertificateList]) -> str | None:
    for crl in crls:
        if crl.issuer != cert.issuer:
            continue
        for entry in crl["tbs_cert_list"]["revoked_certificates"] or []:
            if entry["user_certificate"].native == cert.serial_number:
                return _iso(entry["revocation_date"].native)
    return None


def _validate_doc_timestamp(embedded: EmbeddedPdfSignature, trust: TrustMaterial, now: dt.datetime, out: dict[str, Any]) -> dict[str, Any]:
    context = _context(trust, now, list(embedded.other_embedded_certs), [], [], RevocationCheckingRule.NO_CHECK)
    status = _run(async_validate_pdf_timestamp(embedded, validation_context=context))
    out["kind"] = "document_timestamp"
    out["time"] = {"timestamp": _iso(status.timestamp)}
    if not status.intact or not status.valid:
        return {**out, **_result(FAILED, "hash_mismatch")}
    if status.modification_level == ModificationLevel.OTHER:
        return {**out, **_result(FAILED, "modified_after_signing")}
    if not status.trusted:
        return {**out, **_result(INDETERMINATE, "no_chain")}
    return {**out, **_result(PASSED, "passed")}


def _role_of(name: str) -> str | None:
    if name.startswith("ChuKyCaNhan"):
        return "personal"
    if name.startswith("ChuKyCoQuan"):
        return "organization"
    return None


# --- Shadow attacks (Mainka et al., NDSS 2021): stricter than "form filling is permitted" -------


def _field_by_name(root: generic.DictionaryObject, name: str) -> generic.DictionaryObject | None:
    form = root.get("/AcroForm")
    if form is None:
        return None

    def walk(refs: Any, prefix: str) -> generic.DictionaryObject | None:
        for ref in refs:
            node = ref.get_object()
            partial = str(node.get("/T", ""))
            full = f"{prefix}.{partial}" if prefix and partial else (partial or prefix)
            if full == name:
                return node  # type: ignore[no-any-return]
            if "/Kids" in node:
                found = walk(node["/Kids"], full)
                if found is not None:
                    return found
        return None

    return walk(form.get_object().get("/Fields", []), "")


def _appearance_bytes(field_obj: generic.DictionaryObject) -> bytes | None:
    try:
        ap = field_obj.get("/AP")
        if ap is None:
            return None
        normal = ap.get_object().get("/N")
        if normal is None:
            return None
        stream = normal.get_object()
        if isinstance(stream, generic.StreamObject):
            return stream.data  # type: ignore[no-any-return]
        return b"?"
    except Exception:
        return b"?"


def _paints(content: bytes | None) -> bool:
    if not content:
        return False
    without_text = re.sub(rb"BT.*?ET", b"", content, flags=re.DOTALL)
    return bool(_PAINT_OPS.search(without_text)) or b"?" == content


def _shadow_changes(reader: PdfFileReader, signed_revision: int, changed: list[str]) -> list[str]:
    """Fields changed after signing that were not empty and invisible when signed, or whose new
    appearance paints more than text. Each is a possible "hide"/"replace" shadow attack."""
    suspicious: list[str] = []
    try:
        old_root = reader.get_historical_root(signed_revision)
        new_root = reader.root
    except (misc.PdfReadError, KeyError, ValueError):
        return changed
    for name in changed:
        old = _field_by_name(old_root, name)
        new = _field_by_name(new_root, name)
        if old is None or new is None:
            continue  # a new field: pyHanko already judged whether adding it is allowed
        if str(old.get("/FT", "")) == "/Sig":
            continue
        if old.get("/V") not in (None, "", b"") or _paints(_appearance_bytes(old)) or _paints(_appearance_bytes(new)):
            suspicious.append(name)
    return suspicious
