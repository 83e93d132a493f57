"""The organisation's seal: a PAdES signature on every PDF it publishes, made with its
signing certificate, and the check of one.

The certificate and its key are files named by the ``SEAL_*`` settings (from the
environment; README, "Installing the signing certificate"), never the database or
the repository: a PKCS#12 (``SEAL_PKCS12_FILE``, ``SEAL_PKCS12_PASSWORD``), or a
certificate and key (``SEAL_CERT_FILE``, ``SEAL_KEY_FILE``, ``SEAL_KEY_PASSWORD``)
with any intermediate certificates (``SEAL_CHAIN_FILE``). The settings and files
are read at each call.

A seal is a PAdES baseline signature in an invisible field (B-B; B-T when
``SEAL_TSA_URL`` names a time-stamp authority), added as an incremental update: the
bytes before it are the PDF as rendered, so its tags, language and PDF/A
identification stay as they were.
"""

import asyncio
import hashlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

README = "README, “Installing the signing certificate”"
REASON = "Published decision record"
FIELD_NAME = "Seal"

NOT_CONFIGURED = (
    "The organisation's signing certificate is not installed, so no PDF can be sealed "
    "and nothing can be published: set SEAL_PKCS12_FILE and SEAL_PKCS12_PASSWORD, or "
    f"SEAL_CERT_FILE and SEAL_KEY_FILE ({README})."
)
HALF_CONFIGURED = (
    f"SEAL_CERT_FILE and SEAL_KEY_FILE go together: set both, or use SEAL_PKCS12_FILE ({README})."
)
CANNOT_USE = "The signing certificate cannot be used: {setting} ({path}) {reason} ({readme})."
MISSING_FILE = "names a file that cannot be read"
NOT_PKCS12 = "is not a PKCS#12 file, or SEAL_PKCS12_PASSWORD is not its password"
NO_KEY_IN_PKCS12 = "holds no private key and certificate"
NOT_A_CERTIFICATE = "holds no certificate (PEM or DER)"
NOT_A_KEY = "holds no private key, or SEAL_KEY_PASSWORD is not its password"
KEY_MISMATCH = "holds a key that is not the certificate's"
NOT_YET_VALID = "holds a certificate not valid until {date}"
EXPIRED = "holds a certificate that expired on {date}: install the renewed one"
WRONG_USAGE = "holds a certificate not issued for signing (digital signature or non-repudiation)"
TSA_FAILED = (
    "The time-stamp authority at SEAL_TSA_URL ({url}) did not answer ({error}): nothing "
    "was sealed. Try again, or leave SEAL_TSA_URL empty to seal without a time-stamp."
)

UNREADABLE_PDF = "The file is not a PDF that can be read ({reason})."
BROKEN = "The signature is not intact: the file was changed after it was signed."
UNCHECKABLE = "The signature cannot be checked ({reason}): treat the file as changed."
NOT_OURS = "The file is signed by {signer}, not with the organisation's seal certificate."
UNTRUSTED = "The signature is intact but its certificate could not be validated."
ADDED_TO = "The seal is intact, but something was added to the file after it was sealed."
UNSIGNED = "The file carries no signature."


class SealUnavailable(ImproperlyConfigured):
    """The seal cannot be made: the message says what to set, or what went wrong."""


@dataclass(frozen=True)
class Seal:
    """The loaded signing certificate and key, with the certificates beside them."""

    signer: object  # pyhanko's SimpleSigner
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def common_name(self) -> str:
        return _attribute(self.certificate.subject, x509.NameOID.COMMON_NAME)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)


def fingerprint(certificate: x509.Certificate) -> str:
    """The SHA-256 of the certificate's DER encoding, in hex."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def _attribute(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _now() -> datetime:
    return datetime.now(UTC)


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


# Loading the certificate ---------------------------------------------------------------


def _read(setting: str) -> bytes:
    path = getattr(settings, setting)
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SealUnavailable(_cannot_use(setting, MISSING_FILE)) from error


def _cannot_use(setting: str, reason: str) -> str:
    path = getattr(settings, setting)
    return CANNOT_USE.format(setting=setting, path=path, reason=reason, readme=README)


def _password(setting: str) -> bytes | None:
    value = getattr(settings, setting, "")
    return value.encode() if value else None


def _certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle, or the one DER certificate."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _certificates_in(setting: str) -> list[x509.Certificate]:
    if not getattr(settings, setting, ""):
        return []
    try:
        return _certificates(_read(setting))
    except ValueError as error:
        raise SealUnavailable(_cannot_use(setting, NOT_A_CERTIFICATE)) from error


def _key_and_certificate():
    if settings.SEAL_PKCS12_FILE:
        data = _read("SEAL_PKCS12_FILE")
        try:
            key, certificate, extra = pkcs12.load_key_and_certificates(
                data, _password("SEAL_PKCS12_PASSWORD")
            )
        except ValueError as error:
            raise SealUnavailable(_cannot_use("SEAL_PKCS12_FILE", NOT_PKCS12)) from error
        if key is None or certificate is None:
            raise SealUnavailable(_cannot_use("SEAL_PKCS12_FILE", NO_KEY_IN_PKCS12))
        return "SEAL_PKCS12_FILE", key, certificate, list(extra)
    if not (settings.SEAL_CERT_FILE or settings.SEAL_KEY_FILE):
        raise SealUnavailable(NOT_CONFIGURED)
    if not (settings.SEAL_CERT_FILE and settings.SEAL_KEY_FILE):
        raise SealUnavailable(HALF_CONFIGURED)
    try:
        certificate = _certificates(_read("SEAL_CERT_FILE"))[0]
    except (ValueError, IndexError) as error:
        raise SealUnavailable(_cannot_use("SEAL_CERT_FILE", NOT_A_CERTIFICATE)) from error
    data = _read("SEAL_KEY_FILE")
    password = _password("SEAL_KEY_PASSWORD")
    try:
        if b"-----BEGIN" in data:
            key = serialization.load_pem_private_key(data, password)
        else:
            key = serialization.load_der_private_key(data, password)
    except (ValueError, TypeError) as error:
        raise SealUnavailable(_cannot_use("SEAL_KEY_FILE", NOT_A_KEY)) from error
    return "SEAL_CERT_FILE", key, certificate, []


def _check_certificate(setting: str, key, certificate: x509.Certificate) -> None:
    public = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*public) != certificate.public_key().public_bytes(*public):
        raise SealUnavailable(_cannot_use(setting, KEY_MISMATCH))
    now = _now()
    if now < certificate.not_valid_before_utc:
        date = _day(certificate.not_valid_before_utc)
        raise SealUnavailable(_cannot_use(setting, NOT_YET_VALID.format(date=date)))
    if now > certificate.not_valid_after_utc:
        date = _day(certificate.not_valid_after_utc)
        raise SealUnavailable(_cannot_use(setting, EXPIRED.format(date=date)))
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise SealUnavailable(_cannot_use(setting, WRONG_USAGE))


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def load_seal() -> Seal:
    """The organisation's signing certificate and key, as the settings name them; a
    ``SealUnavailable`` saying what to set when they are missing or cannot be used."""
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    setting, key, certificate, extra = _key_and_certificate()
    _check_certificate(setting, key, certificate)
    chain = tuple(extra) + tuple(_certificates_in("SEAL_CHAIN_FILE"))
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = SimpleSigner(
        signing_cert=_asn1_certificate(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs(
            [_asn1_certificate(other) for other in chain]
        ),
    )
    return Seal(signer=signer, certificate=certificate, chain=chain)


def seal_certificates() -> tuple[x509.Certificate, ...]:
    """The certificates a seal of the organisation's may be made with: the one
    installed (when it loads, even once it has expired: what it sealed stays the
    organisation's) and those it sealed with before a renewal."""
    found = []
    with suppress(SealUnavailable):
        found.append(_key_and_certificate()[2])
    with suppress(SealUnavailable):
        found += _certificates_in("SEAL_EARLIER_CERTS_FILE")
    return tuple(found)


# Sealing -------------------------------------------------------------------------------


def timestamper():
    """The time-stamp authority's client when ``SEAL_TSA_URL`` names one (PAdES B-T)."""
    if not settings.SEAL_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.SEAL_TSA_URL, timeout=settings.SEAL_TSA_TIMEOUT)


def seal(pdf: bytes, *, with_seal: Seal | None = None) -> bytes:
    """``pdf`` with the organisation's seal: an invisible signature field signed in the
    body's name (``OrganisationSettings.name``), for the reason "Published decision
    record", at ``SEAL_LOCATION``, now; PAdES, as an incremental update. A
    ``SealUnavailable`` when the certificate is missing or cannot be used, or the
    time-stamp authority does not answer."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import TimestampRequestError

    from .models import OrganisationSettings

    with_seal = with_seal or load_seal()
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    _one_producer(writer)
    taken = {name for name, _, _ in fields.enumerate_sig_fields(writer)}
    field_name = next(
        name
        for name in (FIELD_NAME, *(f"{FIELD_NAME} {n}" for n in range(2, 100)))
        if name not in taken
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        name=OrganisationSettings.load().name,
        reason=REASON,
        location=settings.SEAL_LOCATION or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    signer = signers.PdfSigner(
        metadata,
        signer=with_seal.signer,
        timestamper=timestamper(),
        new_field_spec=fields.SigFieldSpec(field_name),  # no box: invisible
    )
    try:
        return _outside_any_event_loop(signer.sign_pdf, writer).getvalue()
    except TimestampRequestError as error:
        raise SealUnavailable(TSA_FAILED.format(url=settings.SEAL_TSA_URL, error=error)) from error


def _outside_any_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous calls run an event loop of their own (``asyncio.run``),
    which a thread already running one cannot (an async server's, Playwright's in the
    browser tests): there, the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _one_producer(writer) -> None:
    """pyHanko names itself the producer in the XMP metadata but appends its name to
    the information dictionary's: PDF/A wants the two to agree, so the dictionary
    says what the XMP will."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    try:
        reference = writer.trailer.raw_get("/Info")
    except KeyError:
        return
    if isinstance(reference, generic.IndirectObject):
        reference.get_object()["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(reference)


# Checking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's (last) signature says: whether there is one, whether the file is
    as it was signed (``intact``), whether the signature holds with a certificate the
    organisation seals with (``valid``), who signed, when, and whether it covers the
    whole file; ``problem`` when the file cannot be read or the signature checked."""

    signed: bool = False
    intact: bool = False
    valid: bool = False
    common_name: str = ""
    organisation: str = ""
    by_seal_certificate: bool = False
    signed_at: datetime | None = None
    time_stamped: bool = False
    whole_file: bool = False
    problem: str = ""

    @property
    def sealed(self) -> bool:
        """The organisation's seal, unbroken, over the whole file."""
        return self.valid and self.by_seal_certificate and self.whole_file

    @property
    def signer(self) -> str:
        if self.organisation and self.organisation not in self.common_name:
            return f"{self.common_name} ({self.organisation})"
        return self.common_name or self.organisation

    @property
    def verdict(self) -> str:
        """One sentence a person can read: empty for an unbroken seal."""
        if self.sealed:
            return ""
        if self.problem:
            return self.problem
        if not self.signed:
            return UNSIGNED
        if not self.intact:
            return BROKEN
        if not self.by_seal_certificate:
            return NOT_OURS.format(signer=self.signer or "an unnamed signer")
        if not self.valid:
            return UNTRUSTED
        return ADDED_TO


def check_signature(
    data: bytes, *, certificates: tuple[x509.Certificate, ...] | None = None
) -> SignatureCheck:
    """Check the last signature of ``data`` with pyHanko's validator, trusting only the
    organisation's seal certificates (``certificates``, by default
    ``seal_certificates()``); nothing is fetched from the network. A seal is judged as
    of the time it was made, so a record sealed with a certificate since expired or
    renewed still checks."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    if certificates is None:
        certificates = seal_certificates()
    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except Exception as error:  # noqa: BLE001 - any file may be uploaded
        return SignatureCheck(problem=UNREADABLE_PDF.format(reason=_reason(error)))
    if not signatures:
        return SignatureCheck()
    embedded = signatures[-1]
    found = {"signed": True}
    try:
        signer = x509.load_der_x509_certificate(embedded.signer_cert.dump())
        found.update(
            common_name=_attribute(signer.subject, x509.NameOID.COMMON_NAME),
            organisation=_attribute(signer.subject, x509.NameOID.ORGANIZATION_NAME),
            by_seal_certificate=fingerprint(signer) in {fingerprint(c) for c in certificates},
        )
        signer_context = _context(certificates, embedded.self_reported_timestamp)
        stamped = _time_stamped(embedded)
        status = _outside_any_event_loop(
            validate_pdf_signature,
            embedded,
            signer_validation_context=signer_context,
            ts_validation_context=_tsa_context(certificates) if stamped else signer_context,
            key_usage_settings=_key_usage(),
            skip_diff=True,  # anything after the seal is reported as not covered
        )
    except Exception as error:  # noqa: BLE001 - a damaged signature raises anything
        return SignatureCheck(**found, problem=UNCHECKABLE.format(reason=_reason(error)))
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    timestamp = status.timestamp_validity
    return SignatureCheck(
        **found,
        intact=status.intact,
        valid=bool(status.intact and status.valid and status.trusted),
        signed_at=timestamp.timestamp if timestamp else status.signer_reported_dt,
        time_stamped=timestamp is not None,
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
    )


def _time_stamped(embedded) -> bool:
    """The signature carries a time-stamp token (PAdES B-T)."""
    unsigned = embedded.signer_info["unsigned_attrs"]
    if not unsigned.native:
        return False
    return any(attribute["type"].native == "signature_time_stamp_token" for attribute in unsigned)


def _context(certificates, moment: datetime | None):
    from pyhanko_certvalidator import ValidationContext

    roots = [_asn1_certificate(certificate) for certificate in certificates]
    return ValidationContext(trust_roots=roots, allow_fetching=False, moment=moment)


def _tsa_context(certificates):
    """A time-stamp authority's certificate chains to a public root: those of the
    Mozilla list (``certifi``), beside the seal certificates."""
    from pyhanko_certvalidator import ValidationContext

    roots = [*_public_roots(), *(_asn1_certificate(c) for c in certificates)]
    return ValidationContext(trust_roots=roots, allow_fetching=False)


@cache
def _public_roots() -> tuple[asn1_x509.Certificate, ...]:
    import certifi
    from asn1crypto import pem

    data = Path(certifi.where()).read_bytes()
    return tuple(asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))


def _key_usage():
    from pyhanko.sign.validation import KeyUsageConstraints

    # Either bit will do: CAs issue document-signing certificates with one or both.
    return KeyUsageConstraints(
        key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
    )


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return (text or type(error).__name__)[:200]
