"""The organisation's seal on every published PDF (PAdES, pyHanko): what the seal
says, that the PDF stays PDF/A-3u and tagged, and that nothing is published without
the signing certificate."""

import hashlib
import io
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from decisions import services
from decisions.models import (
    Decision,
    DecisionStatus,
    PublicationDecision,
    PublishedDocument,
    PublishedSnapshot,
    SignOff,
)
from decisions.record_view import record_sections
from decisions.selectors import decision_for_record
from devtools.demo.seal import as_pkcs12, demonstration_certificate, self_signed_certificate
from pcc_grants import checks, sealing
from pcc_grants.pdf import html_to_pdf
from tests.factories import ALL_PUBLISHED, client_code, signing_code

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DER = serialization.Encoding.DER
NOT_CONFIGURED = {"SEAL_PKCS12_FILE": "", "SEAL_CERT_FILE": "", "SEAL_KEY_FILE": ""}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def published(draft, advance):
    return advance(draft, "published")


def stored(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(DER))


def a_pdf() -> bytes:
    return html_to_pdf(
        '<html lang="en-GB"><head><title>A record</title></head><body><h1>A record</h1>'
        "<p>Agreed.</p></body></html>"
    )


def install(settings, tmp_path, key, certificate, *, password="", name="seal.p12"):
    path = tmp_path / name
    path.write_bytes(as_pkcs12(key, certificate, password=password))
    settings.SEAL_PKCS12_FILE = str(path)
    settings.SEAL_PKCS12_PASSWORD = password
    return path


# What a published PDF carries --------------------------------------------------------------


def test_a_published_pdf_carries_the_seal_pyhankos_validator_accepts(
    published, seal_certificate, organisation
):
    document = PublishedDocument.objects.get(decision=published)
    data = stored(document)
    assert document.sealed
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()

    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(signatures) == 1
    signature = signatures[0]
    status = validate_pdf_signature(
        signature,
        ValidationContext(trust_roots=[asn1(seal_certificate.certificate)], allow_fetching=False),
    )
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.dump() == seal_certificate.certificate.public_bytes(DER)
    assert "DEMONSTRATION ONLY" in status.signing_cert.subject.native["common_name"]
    dictionary = signature.sig_object
    assert dictionary["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert dictionary["/Reason"] == "Published decision record"
    assert dictionary["/Name"] == organisation.name
    assert "/M" in dictionary  # the signing time
    # Invisible: the field's widget has no area on the page (PDF coordinates, not money).
    assert [float(n) for n in signature.sig_field["/Rect"]] == [0, 0, 0, 0]


def test_the_sealed_pdf_is_still_pdf_a_3u_and_tagged(published):
    data = stored(PublishedDocument.objects.get(decision=published))
    # An incremental update: the PDF as rendered, then the seal.
    assert data.count(b"%%EOF") == 2
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "en-GB"
        metadata = pdf.open_metadata()
        assert metadata["pdfaid:part"] == "3"
        assert metadata["pdfaid:conformance"] == "U"
        # PDF/A: the information dictionary says what the XMP says.
        assert str(pdf.docinfo["/Producer"]) == metadata["pdf:Producer"]
        assert str(pdf.docinfo["/Title"]) == metadata["dc:title"]
        # The signature's widget is printable and not hidden (PDF/A annotations).
        widget = pdf.Root.AcroForm.Fields[0]
        assert int(widget.F) & 4 and not int(widget.F) & (1 | 2 | 32)


def test_check_signature_reads_the_seal(published, seal_certificate, organisation):
    found = sealing.check_signature(stored(PublishedDocument.objects.get(decision=published)))
    assert found.signed and found.intact and found.valid and found.whole_file
    assert found.by_seal_certificate and found.sealed
    assert found.common_name.startswith("DEMONSTRATION ONLY, not a real certificate")
    assert found.organisation == "Test Police and Crime Commissioner"
    assert abs(found.signed_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert not found.time_stamped
    assert found.verdict == ""


def test_one_changed_byte_breaks_the_seal(published):
    data = bytearray(stored(PublishedDocument.objects.get(decision=published)))
    data[200] ^= 0x01
    found = sealing.check_signature(bytes(data))
    assert found.signed and not found.intact and not found.sealed
    assert found.verdict == sealing.BROKEN


def test_anything_added_after_the_seal_is_reported(published):
    data = stored(PublishedDocument.objects.get(decision=published)) + b"\n% added later\n"
    found = sealing.check_signature(data)
    assert found.intact and not found.whole_file and not found.sealed
    assert found.verdict == sealing.ADDED_TO


def test_a_seal_by_another_certificate_is_not_the_organisations(settings, tmp_path):
    ours = settings.SEAL_PKCS12_FILE
    key, certificate = demonstration_certificate("Somebody Else")
    install(settings, tmp_path, key, certificate, name="other.p12")
    theirs = sealing.seal(a_pdf())
    settings.SEAL_PKCS12_FILE = ours
    found = sealing.check_signature(theirs)
    assert found.signed and found.intact and not found.by_seal_certificate and not found.sealed
    assert found.verdict == sealing.NOT_OURS.format(signer=found.signer)
    assert "Somebody Else" in found.verdict


def test_a_file_that_is_not_a_readable_pdf_is_said_so():
    found = sealing.check_signature(b"%PDF-1.7\nnot really a PDF")
    assert not found.signed and found.problem.startswith("The file is not a PDF that can be read")
    assert sealing.check_signature(a_pdf()).verdict == sealing.UNSIGNED


# The certificate -------------------------------------------------------------------------------


def test_a_certificate_and_key_in_pem_files_with_their_chain_seal(settings, tmp_path):
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test issuing CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Seal of the Test PCC"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test PCC"),
        ]
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    (tmp_path / "seal.crt").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "chain.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "seal.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"key password"),
        )
    )
    settings.SEAL_PKCS12_FILE = ""
    settings.SEAL_CERT_FILE = str(tmp_path / "seal.crt")
    settings.SEAL_KEY_FILE = str(tmp_path / "seal.key")
    settings.SEAL_KEY_PASSWORD = "key password"
    settings.SEAL_CHAIN_FILE = str(tmp_path / "chain.pem")
    settings.SEAL_LOCATION = "Durham"

    data = sealing.seal(a_pdf())
    found = sealing.check_signature(data)
    assert found.sealed and found.common_name == "Seal of the Test PCC"
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    assert signature.sig_object["/Location"] == "Durham"
    # The chain travels with the signature, for readers that trust the CA.
    assert asn1(ca).dump() in [cert.dump() for cert in signature.other_embedded_certs]


def test_records_sealed_before_a_renewal_still_check_as_the_organisations(settings, tmp_path):
    old_key, old = demonstration_certificate("Test PCC", days=30)
    install(settings, tmp_path, old_key, old, name="old.p12")
    sealed_before = sealing.seal(a_pdf())
    new_key, new = demonstration_certificate("Test PCC")
    install(settings, tmp_path, new_key, new, name="new.p12")
    assert not sealing.check_signature(sealed_before).by_seal_certificate

    (tmp_path / "earlier.pem").write_bytes(old.public_bytes(serialization.Encoding.PEM))
    settings.SEAL_EARLIER_CERTS_FILE = str(tmp_path / "earlier.pem")
    assert sealing.check_signature(sealed_before).sealed
    assert sealing.check_signature(sealing.seal(a_pdf())).sealed


def test_an_expired_certificate_seals_nothing_more_but_what_it_sealed_still_checks(
    settings, tmp_path, monkeypatch
):
    key, certificate = demonstration_certificate("Test PCC", days=30)
    install(settings, tmp_path, key, certificate)
    sealed = sealing.seal(a_pdf())
    later = datetime.now(UTC) + timedelta(days=60)
    monkeypatch.setattr(sealing, "_now", lambda: later)
    with pytest.raises(sealing.SealUnavailable, match="expired on"):
        sealing.load_seal()
    assert sealing.check_signature(sealed).sealed


@pytest.mark.parametrize(
    ("make", "password", "message"),
    [
        ("missing", "", "names a file that cannot be read"),
        ("wrong password", "not it", "SEAL_PKCS12_PASSWORD is not its password"),
        ("expired", "", "expired on"),
    ],
)
def test_a_certificate_that_cannot_be_used_is_named(settings, tmp_path, make, password, message):
    days = -0.5 if make == "expired" else 30
    key, certificate = demonstration_certificate("Test PCC", days=days)
    path = install(settings, tmp_path, key, certificate, password="right")
    settings.SEAL_PKCS12_PASSWORD = password or "right"
    if make == "missing":
        path.unlink()
    with pytest.raises(sealing.SealUnavailable, match=message) as refused:
        sealing.load_seal()
    assert "SEAL_PKCS12_FILE" in str(refused.value)
    assert "Installing the signing certificate" in str(refused.value)


def test_a_time_stamp_authority_makes_the_seal_pades_b_t(settings, monkeypatch):
    from asn1crypto import keys
    from pyhanko.sign.timestamps import DummyTimeStamper, HTTPTimeStamper

    settings.SEAL_TSA_URL = "https://tsa.example.invalid/"
    client = sealing.timestamper()
    assert isinstance(client, HTTPTimeStamper) and client.url == "https://tsa.example.invalid/"
    settings.SEAL_TSA_URL = ""
    assert sealing.timestamper() is None

    # pyHanko's test time-stamp authority signs with RSA.
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test time-stamp authority")])
    now = datetime.now(UTC)
    tsa = (
        x509.CertificateBuilder()
        .subject_name(tsa_name)
        .issuer_name(tsa_name)
        .public_key(tsa_key.public_key())
        .serial_number(3)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(tsa_key, hashes.SHA256())
    )
    der_key = tsa_key.private_bytes(
        DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    monkeypatch.setattr(
        sealing,
        "timestamper",
        lambda: DummyTimeStamper(asn1(tsa), keys.PrivateKeyInfo.load(der_key)),
    )
    found = sealing.check_signature(sealing.seal(a_pdf()))
    assert found.time_stamped and found.sealed


# Publishing without the certificate -------------------------------------------------


def publication_choices(decision):
    return {
        section.key: {"choice": "publish"}
        for section in record_sections(decision_for_record(decision.pk))
    }


def nothing_published(decision, media) -> bool:
    return (
        Decision.objects.get(pk=decision.pk).status == DecisionStatus.APPROVED
        and not PublicationDecision.objects.exists()
        and not PublishedSnapshot.objects.exists()
        and not PublishedDocument.objects.exists()
        and not SignOff.objects.filter(step="publication").exists()
        and not (media / "published").exists()
    )


def test_publishing_without_the_certificate_is_refused_and_nothing_is_published(
    draft, advance, people, password, settings, media
):
    approved = advance(draft, "approved")
    for name, value in NOT_CONFIGURED.items():
        setattr(settings, name, value)
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(
            decision=approved,
            by=people["monitoring_officer"],
            action="decide_publication",
            password=password,
            code=signing_code(people["monitoring_officer"], "decide_publication"),
            publication=ALL_PUBLISHED,
        )
    assert refused.value.messages == [sealing.NOT_CONFIGURED]
    assert "SEAL_PKCS12_FILE" in sealing.NOT_CONFIGURED
    assert "Installing the signing certificate" in sealing.NOT_CONFIGURED
    assert nothing_published(approved, media)


def test_the_publication_page_says_what_to_set(
    client, draft, advance, people, password, settings, media
):
    approved = advance(draft, "approved")
    settings.SEAL_PKCS12_FILE = settings.SEAL_CERT_FILE = settings.SEAL_KEY_FILE = ""
    client.force_login(people["monitoring_officer"])
    data = {
        f"{key}_{name}": value
        for key, values in publication_choices(approved).items()
        for name, value in values.items()
    }
    response = client.post(
        f"/staff/decisions/{approved.pk}/act/decide_publication/",
        {**data, "confirm": "1", "password": password, "code": client_code(client)},
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The organisation&#x27;s signing certificate is not installed" in page
    assert "SEAL_PKCS12_FILE" in page
    assert nothing_published(approved, media)


def test_a_record_not_published_needs_no_seal(draft, advance, people, password, settings):
    approved = advance(draft, "approved")
    settings.SEAL_PKCS12_FILE = ""
    choices = {key: dict(values) for key, values in ALL_PUBLISHED.items()}
    choices["record"] = {
        "choice": "withhold",
        "exemption": "s31",
        "public_interest": "Disclosure would prejudice an investigation.",
    }
    decided = services.decision_transition(
        decision=approved,
        by=people["monitoring_officer"],
        action="decide_publication",
        password=password,
        code=signing_code(people["monitoring_officer"], "decide_publication"),
        publication=choices,
    )
    assert decided.status == DecisionStatus.NOT_PUBLISHED
    assert not PublishedDocument.objects.exists()


# The demonstration certificate -------------------------------------------------------


def test_development_settings_fall_back_to_the_demonstration_certificate():
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SEAL_")}
    environ["DEBUG"] = "1"
    script = "from pcc_grants import settings; print(settings.SEAL_PKCS12_FILE)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == str(ROOT / "var" / "demo-seal.p12")
    assert "/var/" in (ROOT / ".gitignore").read_text().splitlines()


def test_load_demo_writes_a_demonstration_certificate_and_publishes_with_it(settings, tmp_path):
    demo = tmp_path / "var" / "demo-seal.p12"
    settings.SEAL_DEMO_FILE = demo
    settings.SEAL_PKCS12_FILE = str(demo)
    settings.SEAL_PKCS12_PASSWORD = ""
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    assert demo.exists() and stat.S_IMODE(demo.stat().st_mode) == 0o600
    seal = sealing.load_seal()
    assert seal.common_name == "DEMONSTRATION ONLY, not a real certificate: Demonstration OPCC"
    document = PublishedDocument.objects.get(decision__reference="034-2016")
    found = sealing.check_signature(stored(document))
    assert document.sealed and found.sealed and found.common_name == seal.common_name

    # Once written, it is kept: the records sealed with it go on checking.
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    assert sealing.load_seal().fingerprint == seal.fingerprint


# The system check --------------------------------------------------------------------


def test_check_deploy_errs_without_the_certificate(settings):
    settings.SEAL_PKCS12_FILE = settings.SEAL_CERT_FILE = settings.SEAL_KEY_FILE = ""
    found = checks.seal_certificate_check()
    assert [check.id for check in found] == ["pcc_grants.E001"]
    assert found[0].msg == sealing.NOT_CONFIGURED


def test_check_deploy_warns_of_the_demonstration_certificate_and_of_renewal(settings, tmp_path):
    assert [check.id for check in checks.seal_certificate_check()] == ["pcc_grants.W001"]
    key, certificate = self_signed_certificate("Seal of the Test PCC", "Test PCC", days=10)
    install(settings, tmp_path, key, certificate)
    found = checks.seal_certificate_check()
    assert [check.id for check in found] == ["pcc_grants.W002"]
    assert "renew it" in found[0].msg
