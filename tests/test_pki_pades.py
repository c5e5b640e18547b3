"""Personal digital signatures: the sandbox PKI, PAdES signing and verification.

A corpus of signed PDFs is built in a temporary folder (signed; one byte changed; content
added or an annotation added after signing; signed again by another persona; signed with an
expired, a revoked or a foreign certificate; a broken signature value; certificates revoked
or expired *after* signing), and every file is judged twice: by :func:`verify_pdf`, and by
poppler's ``pdfsig`` with the sandbox root (and the issuing CA's CRL) in an NSS database.

The corpus is dated from the wall clock, unlike the rest of the suite: pdfsig judges
certificates at the current time, so fixed dates would make it fail once they pass.
"""

from __future__ import annotations

import asyncio
import doctest
import io
import json
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID
from pdfsig_support import UNTRUSTED, PdfsigSignature, nss_database, pdfsig
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import read_certification_data

from bakhong import cli
from bakhong.simulators import civil_papers, pades, pki
from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.errors import NotInSandbox
from bakhong.simulators.pades import SignatureVerdict

CONSOLE_SCRIPT = Path(sys.executable).with_name("bakhong")  # .venv/bin/bakhong
HOA = ("Lê Thị Hoa", "000185012345")
NAM = ("Trần Văn Nam", "000090000042")

# name: (verdicts at the signing time, verdicts now)
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "signed": (["valid"], ["valid"]),
    "signed-lt": (["valid"], ["valid"]),
    "byte-changed": (["modified"], ["modified"]),
    "content-added": (["modified"], ["modified"]),
    "annotated": (["modified"], ["modified"]),
    "re-signed": (["valid", "valid"], ["valid", "valid"]),
    "expired": (["expired"], ["expired"]),
    "revoked": (["revoked"], ["revoked"]),
    "untrusted": (["untrusted"], ["untrusted"]),
    "broken-signature": (["invalid"], ["invalid"]),
    "revoked-later": (["valid"], ["revoked"]),
    "expired-later": (["valid"], ["expired"]),
}


# --- making the corpus ---------------------------------------------------------------------

def _byte_range(signed: bytes) -> tuple[int, int, int, int]:
    """The /ByteRange of the last signature in the file."""
    found = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", signed)
    a, b, c, d = map(int, found[-1])
    return a, b, c, d


def change_page_byte(signed: bytes) -> bytes:
    """One byte changed inside the first page's content stream (signed, not /Contents)."""
    reader = PdfFileReader(io.BytesIO(signed))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    contents = page.raw_get("/Contents")
    header = re.search(rb"(?<!\d)%d 0 obj" % contents.idnum, signed)
    assert header is not None
    position = signed.index(b"stream", header.end()) + len(b"stream\n") + 10
    assert position < _byte_range(signed)[1]  # in the first signed range, before /Contents
    changed = bytearray(signed)
    changed[position] ^= 0x01
    return bytes(changed)


def break_signature_value(signed: bytes) -> bytes:
    """The last byte of the CMS (the end of the signature value) changed inside /Contents."""
    _, start, _, _ = _byte_range(signed)
    der = bytes.fromhex(signed[start + 1:start + 9].decode())  # the SEQUENCE header
    assert der[0] == 0x30 and der[1] & 0x80
    size = der[1] & 0x7F
    total = 2 + size + int.from_bytes(der[2:2 + size], "big")
    position = start + 1 + 2 * total - 1  # the low hex digit of the last DER byte
    changed = bytearray(signed)
    changed[position] = ord("1") if changed[position] == ord("0") else ord("0")
    return bytes(changed)


def _update(signed: bytes, change: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_page_drawing(signed: bytes) -> bytes:
    """An incremental update that whites out part of the page (a content stream added)."""
    def change(writer: IncrementalPdfFileWriter) -> None:
        stream = writer.add_object(generic.StreamObject(
            stream_data=b"q 1 1 1 rg 40 600 300 60 re f 0 0 1 rg 40 600 80 20 re f Q"))
        writer.add_stream_to_page(0, stream)

    return _update(signed, change)


def add_annotation(signed: bytes) -> bytes:
    """An incremental update that puts a filled square annotation on the page."""
    def change(writer: IncrementalPdfFileWriter) -> None:
        page_ref, _ = writer.find_page_for_modification(0)
        annotation = writer.add_object(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Square"),
            pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, (40, 600, 340, 660))),
            pdf_name("/IC"): generic.ArrayObject(map(generic.FloatObject, (1, 1, 1))),
            pdf_name("/P"): page_ref,
        }))
        page = page_ref.get_object()
        annotations = page.get("/Annots", generic.ArrayObject())
        page[pdf_name("/Annots")] = generic.ArrayObject([*annotations, annotation])
        writer.update_container(page)

    return _update(signed, change)


@dataclass
class Corpus:
    folder: Path
    sandbox: pki.SandboxPKI
    other: pki.SandboxPKI
    now: datetime
    when: datetime
    crl: bytes
    files: dict[str, Path]
    people: dict[str, pki.Credential]

    def data(self, name: str) -> bytes:
        return self.files[name].read_bytes()

    def verify(self, name: str, at: datetime | None = None) -> list[SignatureVerdict]:
        return pades.verify_pdf(self.data(name), roots=[self.sandbox.root.certificate],
                                crl=self.crl, at=at)


def form(issued: datetime) -> bytes:
    return civil_papers.result_notice(
        title="Đơn đề nghị", procedure="Văn bản mẫu để thực hành ký số",
        dossier_code="KYSO-TEST-0001", holder=HOA[0],
        lines=[("Số định danh cá nhân", HOA[1]), ("Nội dung", "Cấp bản sao trích lục")],
        issued=issued)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("pades-corpus")
    now = datetime.now(VN_TZ).replace(microsecond=0)
    when, start, rng = now - timedelta(days=5), now - timedelta(days=60), random.Random(2026)
    sandbox = pki.SandboxPKI.create("lop-test", now=now - timedelta(days=1100), rng=rng)
    other = pki.SandboxPKI.create("lop-khac", now=now - timedelta(days=1100), rng=rng)

    def person(name: str, number: str, owner: pki.SandboxPKI = sandbox,
               **validity: datetime) -> pki.Credential:
        return owner.issue(full_name=name, id_number=number, province="Thanh Hóa", now=start,
                           rng=rng, **validity)

    hoa = person(*HOA)
    nam = sandbox.issue(full_name=NAM[0], id_number=NAM[1], province="Thanh Hóa", now=start,
                        rng=rng, kind="ec")
    old = person("Phạm Văn Cũ", "000180000007", valid_from=now - timedelta(days=400),
                 valid_until=now - timedelta(days=35))
    revoked = person("Đỗ Thị Thu", "000195000008")
    later = person("Vũ Văn Muộn", "000188000011")
    short = person("Hồ Thị Ngắn", "000189000012", valid_until=now - timedelta(days=1))
    stranger = person("Người Lạ", "000170000009", owner=other)
    sandbox.revoke(revoked.serial, now - timedelta(days=20))
    paper = form(when - timedelta(days=1))

    def sign(who: pki.Credential, data: bytes = paper, owner: pki.SandboxPKI = sandbox,
             **options: object) -> bytes:
        return pades.sign_pdf(data, key=who.key, cert=who.certificate, chain=owner.chain,
                              when=when, **options)  # type: ignore[arg-type]

    signed = sign(hoa)
    files = {
        "signed": signed,
        "signed-lt": sign(hoa, crl=sandbox.crl(when), box=(320, 50, 560, 130), certify=True,
                          reason="Đồng ý", location="Thanh Hóa"),
        "byte-changed": change_page_byte(signed),
        "content-added": add_page_drawing(signed),
        "annotated": add_annotation(signed),
        "re-signed": sign(nam, data=signed, field_name="Signature2"),
        "expired": sign(old), "revoked": sign(revoked),
        "untrusted": sign(stranger, owner=other),
        "broken-signature": break_signature_value(signed),
        "revoked-later": sign(later), "expired-later": sign(short),
    }
    sandbox.revoke(later.serial, now - timedelta(days=1))  # after the signature
    crl = sandbox.crl(now)
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(data)
    (folder / "root.pem").write_bytes(pki.certificate_pem(sandbox.root.certificate))
    (folder / "issuer.pem").write_bytes(pki.certificate_pem(sandbox.issuer.certificate))
    (folder / "other-root.pem").write_bytes(pki.certificate_pem(other.root.certificate))
    (folder / "sandbox.crl").write_bytes(crl)
    people = {"hoa": hoa, "nam": nam, "expired": old, "revoked": revoked, "stranger": stranger}
    return Corpus(folder, sandbox, other, now, when, crl, paths, people)


# --- the PKI -------------------------------------------------------------------------------

def _extension(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> x509.ExtensionType:
    return cert.extensions.get_extension_for_oid(oid).value


def test_both_cas_are_marked_as_sandbox(corpus: Corpus) -> None:
    for credential, word in ((corpus.sandbox.root, "Root"), (corpus.sandbox.issuer, "Issuing")):
        cert = credential.certificate
        name = pki.common_name(cert)
        assert name.startswith("bakhong SANDBOX") and word in name and "KHÔNG DÙNG THẬT" in name
        subject = {a.oid: a.value for a in cert.subject}
        assert subject[NameOID.ORGANIZATION_NAME] == "bakhong (mô phỏng)"
        assert subject[NameOID.COUNTRY_NAME] == "VN"
        policies = _extension(cert, ExtensionOID.CERTIFICATE_POLICIES)
        assert [p.policy_identifier for p in policies] == [pki.SANDBOX_POLICY]  # type: ignore[attr-defined]
        assert _extension(cert, ExtensionOID.BASIC_CONSTRAINTS).ca  # type: ignore[attr-defined]
        assert _extension(cert, ExtensionOID.KEY_USAGE).key_cert_sign  # type: ignore[attr-defined]
    corpus.sandbox.issuer.certificate.verify_directly_issued_by(corpus.sandbox.root.certificate)
    assert pki.SANDBOX_POLICY.dotted_string.startswith("2.25.")


def test_a_personal_certificate_carries_the_vietnamese_fields() -> None:
    now = datetime(2026, 11, 28, 8, 30, tzinfo=VN_TZ)
    sandbox = pki.SandboxPKI.create("lop", now=now, rng=random.Random(1), kind="ec")
    hoa = sandbox.issue(full_name="Lê Thị Hoa", id_number="000 1 85 012345",
                        province="Thanh Hóa", now=now, rng=random.Random(5),
                        email="hoa@bakhong.invalid", kind="ec")
    cert = hoa.certificate
    subject = {a.oid: a.value for a in cert.subject}
    assert subject == {NameOID.COMMON_NAME: "Lê Thị Hoa", NameOID.USER_ID: "CCCD:000185012345",
                       NameOID.LOCALITY_NAME: "Thanh Hóa", NameOID.COUNTRY_NAME: "VN"}
    assert pki.id_number_of(cert) == "000185012345"
    usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert list(_extension(cert, ExtensionOID.EXTENDED_KEY_USAGE)) == [  # type: ignore[call-overload]
        ExtendedKeyUsageOID.EMAIL_PROTECTION, pki.DOCUMENT_SIGNING]
    points = _extension(cert, ExtensionOID.CRL_DISTRIBUTION_POINTS)
    assert [n.value for p in points for n in p.full_name] == [pki.CRL_URL]  # type: ignore[attr-defined]
    assert pki.CRL_URL == "http://ca.bakhong.invalid/sandbox.crl"
    assert _extension(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).get_values_for_type(  # type: ignore[attr-defined]
        x509.RFC822Name) == ["hoa@bakhong.invalid"]
    assert cert.serial_number == pki.serial_number(random.Random(5))  # from the injected rng
    assert cert.not_valid_before_utc == now
    assert cert.not_valid_after_utc == now + timedelta(days=365)
    cert.verify_directly_issued_by(sandbox.issuer.certificate)


@pytest.mark.parametrize("number", ["038185012345", "001090123456", "12345", ""])
def test_real_or_malformed_id_numbers_are_refused(corpus: Corpus, number: str) -> None:
    with pytest.raises(NotInSandbox):
        corpus.sandbox.issue(full_name="Ai Đó", id_number=number, province="Thanh Hóa",
                             now=corpus.now, rng=random.Random(1))


def test_validity_must_lie_inside_the_issuers(corpus: Corpus) -> None:
    with pytest.raises(ValueError, match="outside the issuer"):
        corpus.sandbox.issue(full_name="Ai Đó", id_number="000185000099", province="Huế",
                             now=corpus.now, rng=random.Random(1),
                             valid_until=corpus.now + timedelta(days=365 * 30))


def test_the_crl_lists_the_revocations_in_force() -> None:
    now = datetime(2026, 11, 28, 8, 30, tzinfo=VN_TZ)
    sandbox = pki.SandboxPKI.create("lop", now=now, rng=random.Random(1), kind="ec")
    sandbox.revoke(111, now + timedelta(days=1))
    sandbox.revoke(222, now + timedelta(days=3))
    crl = pki.load_crl(sandbox.crl(now + timedelta(days=2)))
    assert [(r.serial_number, r.revocation_date_utc) for r in crl] == [
        (111, now + timedelta(days=1))]
    assert crl.is_signature_valid(sandbox.issuer.key.public_key())
    assert crl.issuer == sandbox.issuer.certificate.subject
    later = pki.load_crl(sandbox.crl(now + timedelta(days=4)))
    assert len(later) == 2
    numbers = [c.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
               for c in (crl, later)]
    assert numbers[0] < numbers[1]


def test_the_pki_round_trips_through_bytes() -> None:
    now = datetime(2026, 11, 28, 8, 30, tzinfo=VN_TZ)
    sandbox = pki.SandboxPKI.create("lop-thọ-long", now=now, rng=random.Random(1))
    sandbox.revoke(12345, now)
    data = sandbox.to_bytes()
    again = pki.SandboxPKI.from_bytes(data)
    assert again.to_bytes() == data
    assert again.revocations == {12345: now}
    assert again.root.certificate == sandbox.root.certificate
    assert pki.private_key_pem(again.issuer.key) == pki.private_key_pem(sandbox.issuer.key)
    assert json.loads(data)["format"] == "bakhong.sandbox-pki/1"
    for bad in (b"{}", b"[]", b"not json", b'{"format": "bakhong.sandbox-pki/1"}'):
        with pytest.raises(ValueError):
            pki.SandboxPKI.from_bytes(bad)


def test_serial_numbers_and_times_come_from_the_caller() -> None:
    now = datetime(2026, 11, 28, 8, 30, tzinfo=VN_TZ)
    first = pki.SandboxPKI.create("lop", now=now, rng=random.Random(9), kind="ec")
    second = pki.SandboxPKI.create("lop", now=now, rng=random.Random(9), kind="ec")
    for one, two in ((first.root, second.root), (first.issuer, second.issuer)):
        assert one.serial == two.serial
        assert one.certificate.not_valid_before_utc == two.certificate.not_valid_before_utc
        assert one.certificate != two.certificate  # the keys differ: cryptography is not seeded


# --- our verdicts --------------------------------------------------------------------------

@pytest.mark.parametrize("name", EXPECTED)
def test_verdicts_at_the_signing_time(corpus: Corpus, name: str) -> None:
    verdicts = corpus.verify(name)
    assert [v.verdict for v in verdicts] == EXPECTED[name][0]
    for verdict in verdicts:
        assert verdict.bottom_line == (verdict.verdict == "valid")
        assert verdict.message == pades.MESSAGES[verdict.verdict]
        assert verdict.signed_at == corpus.when
        assert verdict.signed_at.utcoffset() == timedelta(hours=7)  # type: ignore[union-attr]
    first = verdicts[0]
    if name in {"signed", "signed-lt", "byte-changed", "content-added", "annotated"}:
        assert (first.signer, first.id_number) == HOA
        assert first.certificate == "valid"  # the certificate is fine; the document is not
    assert first.covers_whole_document == (name not in {"content-added", "annotated",
                                                        "re-signed"})


def test_a_second_signature_leaves_the_first_valid(corpus: Corpus) -> None:
    first, second = corpus.verify("re-signed")
    assert (first.field_name, first.signer, first.covers_whole_document) == (
        "Signature1", HOA[0], False)
    assert (second.field_name, second.signer, second.id_number) == ("Signature2", *NAM)
    assert second.covers_whole_document


@pytest.mark.parametrize("name", ["revoked-later", "expired-later", "revoked", "signed"])
def test_verdicts_at_another_moment(corpus: Corpus, name: str) -> None:
    assert [v.verdict for v in corpus.verify(name, at=corpus.now)] == EXPECTED[name][1]


def test_the_reasons_say_what_happened(corpus: Corpus) -> None:
    assert "digest mismatch" in corpus.verify("byte-changed")[0].reason
    assert "later revisions" in corpus.verify("content-added")[0].reason
    assert "revoked at" in corpus.verify("revoked")[0].reason
    assert corpus.verify("broken-signature")[0].certificate is None


def test_revocation_needs_a_crl(corpus: Corpus) -> None:
    """Without a CRL (given or in the document) nothing says the certificate was revoked."""
    root = corpus.sandbox.root.certificate
    assert [v.verdict for v in pades.verify_pdf(corpus.data("revoked"), roots=[root])] == [
        "valid"]
    assert [v.verdict for v in pades.verify_pdf(corpus.data("signed-lt"), roots=[root],
                                                at=corpus.now)] == ["valid"]  # its own CRL


def test_no_root_means_untrusted(corpus: Corpus) -> None:
    for roots in ([], [corpus.other.root.certificate]):
        assert [v.verdict for v in pades.verify_pdf(corpus.data("signed"), roots=roots)] == [
            "untrusted"]


def test_the_visible_stamp_and_the_certification(corpus: Corpus) -> None:
    reader = PdfFileReader(io.BytesIO(corpus.data("signed-lt")))
    (widget,) = [a.get_object() for a in reader.root["/Pages"]["/Kids"][0]["/Annots"]]
    assert widget["/FT"] == "/Sig" and [float(x) for x in widget["/Rect"]] == [320, 50, 560, 130]
    assert "/N" in widget["/AP"]
    assert read_certification_data(reader) is not None  # certify=True
    assert read_certification_data(PdfFileReader(io.BytesIO(corpus.data("signed")))) is None


@pytest.mark.slow
def test_the_stamp_reads_as_text(corpus: Corpus) -> None:
    """poppler draws the widget's appearance: the stamp is text, in Vietnamese."""
    text = subprocess.run(["pdftotext", str(corpus.files["signed-lt"]), "-"], check=True,
                          capture_output=True, text=True).stdout
    for line in ("Ký bởi: Lê Thị Hoa", f"Ngày ký: {corpus.when:%d/%m/%Y %H:%M}",
                 "Lý do: Đồng ý", civil_papers.MARK):
        assert line in text


def test_signing_with_validation_data_refuses_an_unusable_certificate(corpus: Corpus) -> None:
    """B-B signs anything (the corpus needs it); with the CRL embedded the signer is checked
    against the chain's own root at the signing time."""
    for who in ("expired", "revoked"):
        person = corpus.people[who]
        with pytest.raises(pades.CertificateNotUsable):
            pades.sign_pdf(form(corpus.when), key=person.key, cert=person.certificate,
                           chain=corpus.sandbox.chain, when=corpus.when, crl=corpus.crl)


def test_not_a_pdf_is_an_error_a_pdf_without_signatures_is_not(corpus: Corpus) -> None:
    root = corpus.sandbox.root.certificate
    for junk in (b"", b"hello", b"%PDF-1.7\nnothing here\n%%EOF\n", b"\x89PNG\r\n"):
        with pytest.raises(pades.NotAPdf):
            pades.verify_pdf(junk, roots=[root])
    assert pades.verify_pdf(form(corpus.when), roots=[root]) == []
    hoa = corpus.people["hoa"]
    with pytest.raises(pades.NotAPdf):
        pades.sign_pdf(b"hello", key=hoa.key, cert=hoa.certificate, chain=corpus.sandbox.chain,
                       when=corpus.when)
    with pytest.raises(ValueError, match="time zone"):
        pades.sign_pdf(form(corpus.when), key=hoa.key, cert=hoa.certificate,
                       chain=corpus.sandbox.chain, when=corpus.when.replace(tzinfo=None))
    with pytest.raises(ValueError, match="time zone"):
        pades.verify_pdf(corpus.data("signed"), roots=[root], at=corpus.now.replace(tzinfo=None))
    with pytest.raises(ValueError, match="does not belong"):
        pades.sign_pdf(form(corpus.when), key=corpus.people["nam"].key, cert=hoa.certificate,
                       chain=corpus.sandbox.chain, when=corpus.when)


def test_signing_and_verifying_inside_a_running_event_loop(corpus: Corpus) -> None:
    """A Jupyter kernel runs an event loop: pyHanko's asyncio.run would fail there."""
    hoa = corpus.people["nam"]

    async def in_kernel() -> list[SignatureVerdict]:
        signed = pades.sign_pdf(form(corpus.when), key=hoa.key, cert=hoa.certificate,
                                chain=corpus.sandbox.chain, when=corpus.when)
        return pades.verify_pdf(signed, roots=[corpus.sandbox.root.certificate])

    assert [v.verdict for v in asyncio.run(in_kernel())] == ["valid"]


def test_the_revisions_are_dated_by_the_story_not_the_clock() -> None:
    """pyHanko would write the computer's time as the revision's modification date."""
    moment = datetime(2026, 8, 1, 9, 0, tzinfo=VN_TZ)
    sandbox = pki.SandboxPKI.create("lop", now=moment, rng=random.Random(1), kind="ec")
    hoa = sandbox.issue(full_name=HOA[0], id_number=HOA[1], province="Thanh Hóa", now=moment,
                        rng=random.Random(2), kind="ec")
    signed = pades.sign_pdf(form(moment), key=hoa.key, cert=hoa.certificate,
                            chain=sandbox.chain, when=moment + timedelta(hours=1),
                            crl=sandbox.crl(moment))
    reader = PdfFileReader(io.BytesIO(signed))
    xmp = reader.root["/Metadata"].data
    assert re.findall(rb'ModifyDate="([^"]+)"', xmp) == [b"2026-08-01T10:00:00+07:00"]
    assert "/ModDate" not in reader.trailer["/Info"]
    (verdict,) = pades.verify_pdf(signed, roots=[sandbox.root.certificate])
    assert (verdict.verdict, verdict.signed_at) == ("valid", moment + timedelta(hours=1))


def test_after_certifying_only_invisible_signatures_keep_it_valid(corpus: Corpus) -> None:
    """A new visible field adds a widget to the page: not allowed after certification."""
    nam = corpus.people["nam"]
    certified = corpus.data("signed-lt")
    for box, first in ((None, "valid"), ((40, 50, 280, 130), "modified")):
        again = pades.sign_pdf(certified, key=nam.key, cert=nam.certificate,
                               chain=corpus.sandbox.chain, when=corpus.when,
                               field_name="Signature2", box=box)
        verdicts = pades.verify_pdf(again, roots=[corpus.sandbox.root.certificate])
        assert [v.verdict for v in verdicts] == [first, "valid"]


def test_sign_commands_doctests() -> None:
    from bakhong import sign_commands

    assert doctest.testmod(sign_commands).failed == 0


def test_every_verdict_has_its_own_vietnamese_message() -> None:
    assert set(pades.MESSAGES) == {"valid", "modified", "invalid", "untrusted", "expired",
                                   "revoked"}
    assert len(set(pades.MESSAGES.values())) == len(pades.MESSAGES)


@pytest.mark.slow
def test_verifying_writes_nothing_to_stderr(corpus: Corpus) -> None:
    """pyHanko logs a warning per failed check; in an nbgrader cell stderr scores 0."""
    code = ("import sys; from pathlib import Path; from bakhong.simulators import pades, pki;"
            f"f = Path({str(corpus.folder)!r});"
            "root = pki.load_certificate((f / 'root.pem').read_bytes());"
            "names = ['untrusted', 'expired', 'revoked', 'content-added', 'broken-signature'];"
            "print([pades.verify_pdf((f / f'{n}.pdf').read_bytes(), roots=[root],"
            " crl=(f / 'sandbox.crl').read_bytes())[0].verdict for n in names])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stderr == ""
    assert "untrusted" in result.stdout


# --- pdfsig agrees -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nss(corpus: Corpus) -> str:
    """The sandbox root trusted, the issuing CA known, its CRL imported."""
    return nss_database(corpus.folder / "nss", roots=[corpus.folder / "root.pem"],
                        intermediates=[corpus.folder / "issuer.pem"],
                        crls=[corpus.folder / "sandbox.crl"])


CERTIFICATE_AGREES = {"valid": {"trusted"}, "untrusted": UNTRUSTED, "expired": {"expired"},
                      "revoked": {"revoked"}}


def assert_agrees(ours: SignatureVerdict, theirs: PdfsigSignature) -> None:
    """pdfsig never contradicts our verdict on integrity and trust."""
    assert theirs.fields.get("Signature Field Name") == ours.field_name
    assert theirs.total_document_signed == ours.covers_whole_document
    if ours.verdict == "invalid":
        assert theirs.signature == "invalid"
        return
    assert theirs.fields.get("Signer Certificate Common Name") == ours.signer
    assert theirs.signing_time == ours.signed_at
    if ours.verdict == "modified" and ours.covers_whole_document:
        assert theirs.signature == "digest_mismatch"  # a byte changed inside the signed range
        return
    # a later revision modified the document: pdfsig reports it only as
    # "Not total document signed", the signed revision itself being intact
    assert theirs.signature == "valid"
    assert theirs.certificate in CERTIFICATE_AGREES[ours.certificate or "invalid"]
    if ours.verdict == "valid":
        assert theirs.certificate == "trusted"


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPECTED)
def test_pdfsig_agrees_with_us(corpus: Corpus, nss: str, name: str) -> None:
    """pdfsig judges certificates now: we compare with our verdict at the same moment."""
    report = pdfsig(corpus.files[name], nss)
    ours = corpus.verify(name, at=corpus.now)
    assert [v.verdict for v in ours] == EXPECTED[name][1]
    assert len(report.signatures) == len(ours), report.text
    for mine, theirs in zip(ours, report.signatures, strict=True):
        assert_agrees(mine, theirs)


@pytest.mark.slow
def test_what_pdfsig_says_of_each_file(corpus: Corpus, nss: str) -> None:
    """The exact lines, recorded (and printed with -s)."""
    said = {}
    for name in EXPECTED:
        report = pdfsig(corpus.files[name], nss)
        said[name] = [(s.fields.get("Signature Validation"),
                       s.fields.get("Certificate Validation"), s.total_document_signed)
                      for s in report.signatures]
        print(name, said[name])
    valid_trusted = ("Signature is Valid.", "Certificate is Trusted.")
    assert said["signed"] == [(*valid_trusted, True)]
    assert said["re-signed"] == [(*valid_trusted, False), (*valid_trusted, True)]
    assert said["byte-changed"] == [("Digest Mismatch.", None, True)]
    assert said["content-added"] == said["annotated"] == [(*valid_trusted, False)]
    assert said["untrusted"] == [("Signature is Valid.", "Certificate issuer isn't Trusted.",
                                  True)]
    assert said["expired"] == said["expired-later"] == [
        ("Signature is Valid.", "Certificate has Expired", True)]
    assert said["revoked"] == said["revoked-later"] == [
        ("Signature is Valid.", "Certificate has been Revoked.", True)]
    assert said["broken-signature"] == [("Signature is Invalid.", None, True)]


@pytest.mark.slow
def test_pdfsig_checks_revocation_only_with_the_crl_imported(corpus: Corpus) -> None:
    """Neither the CRL in the document's DSS nor the distribution point is used by pdfsig."""
    bare = nss_database(corpus.folder / "nss-bare", roots=[corpus.folder / "root.pem"])
    revoked = pdfsig(corpus.files["revoked"], bare).signatures[0]
    assert (revoked.signature, revoked.certificate) == ("valid", "trusted")
    assert [v.verdict for v in corpus.verify("revoked")] == ["revoked"]


@pytest.mark.slow
def test_pdfsig_needs_the_root_trusted_for_email(corpus: Corpus, tmp_path: Path) -> None:
    """poppler verifies the signer for the e-mail signing usage: -t "C,," is not enough."""
    where = nss_database(tmp_path / "nss", roots=[])
    subprocess.run(["certutil", "-A", "-d", where, "-n", "root", "-t", "C,,", "-i",
                    str(corpus.folder / "root.pem")], check=True, capture_output=True)
    signed = pdfsig(corpus.files["signed"], where).signatures[0]
    assert (signed.signature, signed.certificate) == ("valid", "untrusted_issuer")


# --- the command line ----------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_command_exit_codes(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    root, crl = str(corpus.folder / "root.pem"), str(corpus.folder / "sandbox.crl")
    for name, (verdicts, _now) in EXPECTED.items():
        code, out, _ = run(capsys, "sign", "verify", str(corpus.files[name]), "--json",
                           "--root", root, "--crl", crl)
        report = json.loads(out)
        assert [s["verdict"] for s in report["signatures"]] == verdicts
        assert code == (0 if set(verdicts) == {"valid"} else 1), name
    code, out, _ = run(capsys, "sign", "verify", str(corpus.files["content-added"]),
                       "--root", root)
    assert code == 1 and "ĐÃ BỊ SỬA sau khi ký / CHANGED after signing" in out
    code, out, err = run(capsys, "sign", "verify", str(corpus.files["signed"]))  # no root
    assert code == 1 and "UNTRUSTED" in out and "no root certificate" in err


def test_verify_command_refusals(corpus: Corpus, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    picture = tmp_path / "anh.pdf"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")
    code, _, err = run(capsys, "sign", "verify", str(picture))
    assert code == 2 and "không phải là tệp PDF" in err
    code, _, err = run(capsys, "sign", "verify", str(corpus.files["signed"]), "--crl",
                       str(picture))
    assert code == 2 and "CRL" in err
    unsigned = tmp_path / "don.pdf"
    unsigned.write_bytes(form(corpus.when))
    code, out, _ = run(capsys, "sign", "verify", str(unsigned))
    assert code == 1 and "no signatures" in out
    code, _, _ = run(capsys, "sign", "verify", str(tmp_path / "missing.pdf"))
    assert code == 2


@pytest.mark.slow
def test_demo_pdf_then_verify_through_the_console_script(tmp_path: Path) -> None:
    out = tmp_path / "mau.pdf"

    def bakhong(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CONSOLE_SCRIPT), *argv], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path, check=False)

    made = bakhong("sign", "demo-pdf", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "mau-root.pem").is_file()
    checked = bakhong("sign", "verify", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "HỢP LỆ / VALID" in checked.stdout and "Lê Thị Hoa" in checked.stdout
    report = json.loads(bakhong("sign", "verify", str(out), "--json").stdout)
    assert report["all_valid"] and report["signatures"][0]["covers_whole_document"]
    tampered = tmp_path / "sua.pdf"
    tampered.write_bytes(change_page_byte(out.read_bytes()))
    refused = bakhong("sign", "verify", str(tampered), "--root", str(tmp_path / "mau-root.pem"))
    assert refused.returncode == 1 and "MODIFIED" in refused.stdout
    shutil.copy(out, tmp_path / "khac.pdf")  # no khac-root.pem beside it
    assert bakhong("sign", "verify", str(tmp_path / "khac.pdf")).returncode == 1
    nssdir = nss_database(tmp_path / "nss", roots=[tmp_path / "mau-root.pem"])
    theirs = pdfsig(out, nssdir).signatures[0]
    assert (theirs.signature, theirs.certificate, theirs.total_document_signed) == (
        "valid", "trusted", True)
