"""Certificates: reading their facts, and building the DEMO public-key infrastructure.

The demo PKI (`chinhquyen pki demo DIR`, `build_demo_pki`) is what the demo province and the
tests sign with: a root, an intermediate "agency CA", personal certificates for leaders,
organisation certificates for agencies, a CRL and a timestamp-authority certificate. Every
name carries "DEMO" so that no one mistakes it for the Government CA (VGCA) or the national
root (NEAC); production trust anchors are configuration (STANDARDS §13.6), never code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

DEMO_CRL_URL = "http://127.0.0.1:8765/DEMO-agency-ca.crl"


# --- Facts about a certificate ---------------------------------------------------------------


@dataclass(frozen=True)
class CertificateFacts:
    """What the `Certificate` model stores and the pages show."""

    subject: str
    subject_common_name: str
    organization: str
    issuer: str
    serial_hex: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_usage: list[str]
    extended_key_usage: list[str]
    key_algorithm: str
    is_ca: bool
    sha256: str
    der: bytes

    @property
    def pem(self) -> str:
        return load_certificate(self.der).public_bytes(serialization.Encoding.PEM).decode()

    @property
    def can_sign_documents(self) -> bool:
        # A document signature needs digitalSignature or nonRepudiation (RFC 5280 §4.2.1.3; ETSI EN
        # 319 412-2 uses nonRepudiation/contentCommitment for signatures with legal effect).
        return bool({"digital_signature", "content_commitment"} & set(self.key_usage))


_KEY_USAGE_NAMES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
)


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes (`ValueError` if neither)."""
    data = data.strip() if data.lstrip().startswith(b"-----") else data
    if data.startswith(b"-----"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle, or the one DER certificate."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _name_attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def describe_name(name: x509.Name) -> str:
    """RFC 4514 text with the Vietnamese letters kept (not escaped)."""
    return ", ".join(f"{attr.rfc4514_attribute_name}={attr.value!s}" for rdn in reversed(name.rdns) for attr in rdn)


def certificate_facts(cert: x509.Certificate) -> CertificateFacts:
    key_usage: list[str] = []
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        for attr in _KEY_USAGE_NAMES:
            if getattr(ku, attr):
                key_usage.append(attr)
    except x509.ExtensionNotFound:
        pass
    eku: list[str] = []
    try:
        eku = [
            oid._name if oid._name != "Unknown OID" else oid.dotted_string
            for oid in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        ]
    except x509.ExtensionNotFound:
        pass
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    public_key = cert.public_key()
    if isinstance(public_key, rsa.RSAPublicKey):
        algorithm = f"RSA-{public_key.key_size}"
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        algorithm = f"ECDSA-{public_key.curve.name}"
    else:
        algorithm = type(public_key).__name__
    der = cert.public_bytes(serialization.Encoding.DER)
    return CertificateFacts(
        subject=describe_name(cert.subject),
        subject_common_name=_name_attr(cert.subject, NameOID.COMMON_NAME),
        organization=_name_attr(cert.subject, NameOID.ORGANIZATION_NAME),
        issuer=describe_name(cert.issuer),
        serial_hex=f"{cert.serial_number:X}",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_usage=key_usage,
        extended_key_usage=eku,
        key_algorithm=algorithm,
        is_ca=is_ca,
        sha256=hashlib.sha256(der).hexdigest(),
        der=der,
    )


# --- Building certificates (demo and tests) --------------------------------------------------


def new_key(kind: str = "rsa", *, bits: int = 2048) -> PrivateKey:
    """An RSA (≥ 2048, Circular 15/2025) or ECDSA P-256 key."""
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if bits < 2048:
        raise ValueError("RSA keys shorter than 2048 bits are refused (Circular 15/2025)")
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@dataclass
class Issued:
    """A certificate with its private key (demo and tests only)."""

    cert: x509.Certificate
    key: PrivateKey
    chain: list[x509.Certificate] = field(default_factory=list)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

    def pkcs12(self, password: str, *, friendly_name: str = "") -> bytes:
        return pkcs12.serialize_key_and_certificates(
            (friendly_name or "signing").encode(),
            self.key,
            self.cert,
            self.chain or None,
            serialization.BestAvailableEncryption(password.encode()),
        )


def clip(text: str, limit: int = 64, *, keep_suffix: str = "") -> str:
    """Shorten to `limit` UTF-8 bytes (RFC 5280 upper bounds, as cryptography checks them), keeping `keep_suffix`."""
    body = text[: len(text) - len(keep_suffix)] if keep_suffix and text.endswith(keep_suffix) else text
    suffix = keep_suffix if keep_suffix and text.endswith(keep_suffix) else ""
    while len((body + suffix).encode()) > limit:
        body = body[:-1]
    return body.rstrip() + suffix


def _name(common_name: str, organization: str = "", *, uid: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, clip(organization)))
    if uid:
        attrs.append(x509.NameAttribute(NameOID.USER_ID, uid))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, clip(common_name, keep_suffix=" (DEMO)")))
    return x509.Name(attrs)


def _serial() -> int:
    # A random positive 63-bit serial (RFC 5280 §4.1.2.2: unique per CA, at most 20 octets).
    return x509.random_serial_number() >> 96


def issue(
    *,
    common_name: str,
    organization: str = "",
    issuer: Issued | None = None,
    ca: bool = False,
    key_kind: str = "rsa",
    not_before: dt.datetime | None = None,
    days: int = 3 * 365,
    key_usage: str = "sign",
    uid: str = "",
    crl_url: str = "",
    key: PrivateKey | None = None,
) -> Issued:
    """Issue one certificate (self-signed when `issuer` is None).

    `key_usage`: "sign" (digitalSignature + nonRepudiation, what VGCA personal and organisation
    certificates carry), "encrypt" (keyEncipherment only: a certificate that must not sign),
    "tsa" (timeStamping EKU, RFC 3161 §2.3).
    """
    key = key or new_key(key_kind)
    start = not_before or (dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    subject = _name(common_name, organization, uid=uid)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(_serial())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),  # type: ignore[arg-type]  # RSA or EC keys only
            critical=False,
        )
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        if key_usage == "sign":
            # As VGCA personal and organisation certificates: digitalSignature, nonRepudiation, and for RSA
            # keyEncipherment + dataEncipherment (conformance/pdf quirk 6). poppler's pdfsig also checks the
            # e-mail recipient usage, which needs keyEncipherment (ADR 0017).
            is_rsa = isinstance(key, rsa.RSAPrivateKey)
            builder = builder.add_extension(x509.KeyUsage(True, True, is_rsa, is_rsa, False, False, False, False, False), critical=True)
        elif key_usage == "encrypt":
            builder = builder.add_extension(x509.KeyUsage(False, False, True, False, False, False, False, False, False), critical=True)
        elif key_usage == "tsa":
            builder = builder.add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints([x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]),
            critical=False,
        )
    signing_key = issuer.key if issuer else key
    cert = builder.sign(signing_key, hashes.SHA256())
    chain = [issuer.cert, *issuer.chain] if issuer else []
    return Issued(cert=cert, key=key, chain=chain)


def make_crl(
    issuer: Issued,
    *,
    revoked: list[tuple[x509.Certificate, dt.datetime]] = (),  # type: ignore[assignment]  # an empty tuple is a fine default
    this_update: dt.datetime | None = None,
    days: int = 30,
) -> bytes:
    """A DER CRL signed by `issuer` listing `revoked` (certificate, revocation time)."""
    now = this_update or (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=days))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)  # type: ignore[arg-type]  # RSA or EC keys only
    )
    for cert, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(cert.serial_number).revocation_date(when).build()
        )
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


# --- The demo PKI ----------------------------------------------------------------------------


@dataclass
class DemoPki:
    root: Issued
    agency_ca: Issued
    tsa: Issued
    personal: dict[str, Issued]
    organization: dict[str, Issued]
    crl: bytes

    def all_issued(self) -> dict[str, Issued]:
        return {**{f"personal-{k}": v for k, v in self.personal.items()}, **{f"organization-{k}": v for k, v in self.organization.items()}}


def slug(text: str) -> str:
    """ASCII file-name slug of a Vietnamese name (đ → d, marks dropped)."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9.]+", "-", ascii_text).strip("-").lower()


def build_demo_pki(
    *,
    people: list[tuple[str, str, str]],
    agencies: list[tuple[str, str]],
    key_kind: str = "rsa",
    crl_url: str = DEMO_CRL_URL,
) -> DemoPki:
    """The demo PKI in memory.

    `people`: (username, full name, agency name); `agencies`: (electronic identifier code, name).
    """
    root = issue(common_name="DEMO RootCA chinhquyen (không dùng thật)", organization="DEMO chinhquyen", ca=True, days=20 * 365)
    agency_ca = issue(
        common_name="DEMO CA phục vụ các cơ quan Nhà nước",
        organization="DEMO chinhquyen",
        issuer=root,
        ca=True,
        days=10 * 365,
    )
    tsa = issue(common_name="DEMO Máy chủ cấp dấu thời gian", organization="DEMO chinhquyen", issuer=root, key_usage="tsa", days=10 * 365)
    personal = {
        username: issue(
            common_name=f"{full_name} (DEMO)",
            organization=agency_name,
            issuer=agency_ca,
            key_kind=key_kind,
            uid=f"DEMO:{username}",
            crl_url=crl_url,
        )
        for username, full_name, agency_name in people
    }
    organization = {
        code: issue(
            common_name=f"{name} (DEMO)", organization=name, issuer=agency_ca, key_kind=key_kind, uid=f"MDD:{code}", crl_url=crl_url
        )
        for code, name in agencies
    }
    return DemoPki(root=root, agency_ca=agency_ca, tsa=tsa, personal=personal, organization=organization, crl=make_crl(agency_ca))


def write_demo_pki(pki: DemoPki, directory: Path, *, password: str) -> list[Path]:
    """Write the demo PKI as files; PKCS#12 files are protected by `password`."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, data: bytes) -> None:
        path = directory / name
        path.write_bytes(data)
        written.append(path)

    put("DEMO-root-ca.pem", pki.root.pem)
    put("DEMO-agency-ca.pem", pki.agency_ca.pem)
    put("DEMO-agency-ca.key.pem", pki.agency_ca.key_pem())
    put("DEMO-agency-ca.crl", pki.crl)
    put("DEMO-tsa.pem", pki.tsa.pem)
    put("DEMO-tsa.key.pem", pki.tsa.key_pem())
    for name, issued in pki.all_issued().items():
        put(f"DEMO-{slug(name)}.p12", issued.pkcs12(password, friendly_name=name))
        put(f"DEMO-{slug(name)}.pem", issued.pem)
    put(
        "README.txt",
        (
            b"DEMO PKI of chinhquyen: for the demo and the tests only, never for real documents.\n"
            b"Trust DEMO-root-ca.pem as the anchor; DEMO-agency-ca.crl is the CRL of the agency CA;\n"
            b"each DEMO-*.p12 holds a personal or organisation key with its certificate and chain.\n"
        ),
    )
    return written
