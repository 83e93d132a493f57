"""A demonstration signing certificate: self-signed, named as what it is, so a
demonstration (``make run``) and the tests can seal PDFs without the organisation's
real certificate. Readers show its seal as untrusted, as they should."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID, ObjectIdentifier

# Plain punctuation, one byte a mark, leaves 20 bytes for the organisation's short name
# within X.509's 64 ("Demonstration OPCC" fits whole).
DEMONSTRATION = "DEMONSTRATION ONLY, not a real certificate: {organisation}"
# id-kp-documentSigning (RFC 9336).
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
# X.509 bounds a common name and an organisation name at 64 (here: bytes of UTF-8).
NAME_LIMIT = 64


def _bounded(text: str) -> str:
    """``text`` cut to what X.509 allows (64 bytes of UTF-8)."""
    while len(text.encode()) > NAME_LIMIT:
        text = text[:-1]
    return text.rstrip()


def demonstration_common_name(organisation: str) -> str:
    return _bounded(DEMONSTRATION.format(organisation=organisation))


def self_signed_certificate(
    common_name: str, organisation: str, *, days: int = 5 * 365
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A self-signed EC P-256 certificate for signing documents (digital signature and
    non-repudiation)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, _bounded(common_name)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _bounded(organisation)),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def demonstration_certificate(
    organisation: str, *, short_name: str = "", days: int = 5 * 365
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A self-signed signing certificate whose common name says it is for
    demonstration only."""
    return self_signed_certificate(
        demonstration_common_name(short_name or organisation), organisation, days=days
    )


def as_pkcs12(key, certificate: x509.Certificate, *, password: str = "") -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    label = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    return pkcs12.serialize_key_and_certificates(
        str(label).encode(), key, certificate, None, encryption
    )


def write_demonstration_pkcs12(
    path: Path, organisation: str, *, short_name: str = "", password: str = ""
) -> Path:
    """Write a new demonstration certificate and key to ``path`` (a PKCS#12 only its
    owner may read)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key, certificate = demonstration_certificate(organisation, short_name=short_name)
    data = as_pkcs12(key, certificate, password=password)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return path
