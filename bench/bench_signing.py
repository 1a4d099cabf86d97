"""Benchmark of PDF signatures (issue 6; BENCHMARKS.md W6 and signing throughput).

    TESTING=1 .venv/bin/python bench/bench_signing.py [--runs 15] [--signatures 60] [--pages 50]

Measures, in one run on this machine, pinned to one core when `taskset` is there:

- W6: validation of a 50-page PDF with 5 signatures (each its own incremental revision, the
  difference analysis on), against the floor "SHA-256 of the file + one RSA-2048 verify per
  signature" (BENCHMARKS.md W6 baseline). Goal: ≤ 1 s.
- Signing throughput: PAdES B-B signatures of a 1-page Vietnamese PDF with the loaded RSA-2048 key
  kept (`keys.LoadedSigner`), against pyHanko's `SimpleSigner` (re-parses the key each time) and
  the floor "SHA-256 of the file + one raw RSA-2048 PKCS#1 v1.5 signature". Goal: ≥ 20/s.

No database: the DEMO PKI is built in memory. Prints a table and writes bench/results/signing.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "signing.json"


def setup() -> None:
    os.environ.setdefault("TESTING", "1")
    os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench-signing"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "chinhquyen.config.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def pin_to_one_core() -> str:
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        return f"pinned to core {sorted(os.sched_getaffinity(0))[0]}"
    except (AttributeError, OSError):
        return "not pinned"


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "n": len(ordered),
    }


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--signatures", type=int, default=60, help="signatures made in the throughput test")
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    setup()
    pinned = pin_to_one_core()

    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from chinhquyen.signing import keys, pdf, pki, testing
    from chinhquyen.signing.validation import TrustMaterial, validate_pdf_bytes

    def asn1(cert: Any) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    demo = pki.build_demo_pki(people=[("lanhdao", "Bùi Đức Thịnh", "Sở Nội vụ")], agencies=[("000.00.01.H44", "Sở Nội vụ tỉnh Phú Thọ")])
    trust = TrustMaterial(anchors=[asn1(demo.root.cert)], intermediates=[asn1(demo.agency_ca.cert)], crls=[demo.crl])
    personal = demo.personal["lanhdao"]
    organization = demo.organization["000.00.01.H44"]
    signer_p = keys.LoadedSigner(cert=personal.cert, key=personal.key, chain=personal.chain)
    signer_o = keys.LoadedSigner(cert=organization.cert, key=organization.key, chain=organization.chain)

    # --- W6: 5 signatures on a 50-page PDF -------------------------------------------------------
    big = testing.sample_pdf(pages=args.pages)
    data = big
    for n in range(5):
        data = pdf.sign_pdf(data, signer_p if n % 2 == 0 else signer_o, pdf.SignRequest(field_name=f"ChuKy{n}"))
    pages = pdf.page_count(pdf.open_pdf(data))
    public = personal.cert.public_key()
    raw_sig = personal.key.sign(b"x", padding.PKCS1v15(), hashes.SHA256())

    def floor_w6() -> None:
        hashlib.sha256(data).digest()
        for _ in range(5):
            public.verify(raw_sig, b"x", padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]

    def measure(fn: Any, runs: int, warmup: int = 2) -> list[float]:
        for _ in range(warmup):
            fn()
        out = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
        return out

    report = validate_pdf_bytes(data, trust)
    assert report["indication"] == "PASSED" and len(report["signatures"]) == 5, report["reason"]
    w6 = percentiles(measure(lambda: validate_pdf_bytes(data, trust), args.runs))
    w6_floor = percentiles(measure(floor_w6, max(args.runs, 50)))

    # --- Signing throughput ------------------------------------------------------------------------
    small = testing.sample_pdf(pages=1)
    request = pdf.SignRequest(field_name="ChuKy")
    cert_der = personal.cert.public_bytes(serialization.Encoding.DER)
    key_der = personal.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    from asn1crypto import keys as asn1_keys

    simple = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert_der),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([asn1(c) for c in personal.chain]),
    )

    def throughput(signer: Any, count: int) -> float:
        pdf.sign_pdf(small, signer, request)  # warm-up
        t0 = time.perf_counter()
        for _ in range(count):
            pdf.sign_pdf(small, signer, request)
        return count / (time.perf_counter() - t0)

    loaded_rate = throughput(signer_p, args.signatures)
    simple_rate = throughput(simple, max(10, args.signatures // 3))

    def floor_sign() -> None:
        hashlib.sha256(small).digest()
        personal.key.sign(b"x" * 32, padding.PKCS1v15(), hashes.SHA256())

    floor_times = measure(floor_sign, 200)
    floor_rate = 1 / statistics.median(floor_times)

    results = {
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "pinning": pinned,
        },
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
        "w6": {
            "pages": pages,
            "signatures": 5,
            "file_bytes": len(data),
            "validate_seconds": w6,
            "floor_seconds": w6_floor,
            "ratio_p50": w6["p50"] / w6_floor["p50"],
            "goal_seconds": 1.0,
            "met": w6["p95"] <= 1.0,
        },
        "signing": {
            "file_bytes": len(small),
            "loaded_signer_per_second": loaded_rate,
            "simple_signer_per_second": simple_rate,
            "floor_per_second": floor_rate,
            "r_phys": loaded_rate / floor_rate,
            "loaded_vs_simple": loaded_rate / simple_rate,
            "goal_per_second": 20,
            "met": loaded_rate >= 20,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"machine: {results['machine']['processor']}, {results['machine']['cpus']} CPUs, {pinned}")
    print(
        f"W6  validate {pages} pages × 5 signatures ({len(data) // 1024} KB): p50 {w6['p50'] * 1000:.0f} ms, p95 {w6['p95'] * 1000:.0f} ms (n={w6['n']})"
    )
    print(
        f"    floor (SHA-256 + 5 RSA verifies): p50 {w6_floor['p50'] * 1000:.2f} ms; ratio {results['w6']['ratio_p50']:.0f}×; goal ≤ 1 s: {'met' if results['w6']['met'] else 'NOT met'}"
    )
    print(f"sign  loaded key: {loaded_rate:.1f}/s; SimpleSigner: {simple_rate:.1f}/s ({results['signing']['loaded_vs_simple']:.2f}×)")
    print(
        f"      floor (SHA-256 + raw RSA-2048 sign): {floor_rate:.0f}/s; R_phys {results['signing']['r_phys']:.3f}; goal ≥ 20/s: {'met' if results['signing']['met'] else 'NOT met'}"
    )
    print(f"written: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
