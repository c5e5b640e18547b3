"""Real PAdES signatures on the sandbox's PDFs, and their verification, with pyHanko.

**Signing** (:func:`sign_pdf`) appends an incremental update holding an
``ETSI.CAdES.detached`` signature (PAdES B-B): SHA-256, the signer's certificate and the
chain above it in the CMS, ``signingTime = when`` (there is no time-stamping authority in
the sandbox, so the time is the signer's claim, as in B-B). With ``crl`` the signature's
validation data (the chain and the CRL) also goes into the document security store in the
*same* revision, so the signature still covers the whole file; that is the content of
B-LT, though without a TSA it is not a conformant B-LT (which builds on B-T). Nothing is
ever fetched.

**Verifying** (:func:`verify_pdf`) gives one :class:`SignatureVerdict` per signature, in
signing order: a value, never an exception, whatever is wrong with the signature. Only a
file that is not a PDF raises (:class:`NotAPdf`). The verdict is the first of:

``invalid``
    the signature cannot be read, or its signature value does not verify: the CMS itself is
    broken. Kept apart from ``modified`` because it says nothing about the document.
``modified``
    the signed bytes changed (digest mismatch), or a later incremental update does more than
    a signing app does. Allowed after a signature: more signatures, validation data (DSS),
    filling form fields (pyHanko's difference analysis, :data:`ALLOWED_LATER`). An added
    annotation counts as a modification here, although pyHanko accepts it on approval
    signatures: a comment box can cover signed text.
``untrusted``
    the certificate does not chain to one of ``roots`` (or breaks a chain constraint, such as
    lacking the nonRepudiation key usage).
``revoked``
    the CRL lists the certificate as revoked before the moment judged.
``expired``
    the certificate was not valid (expired, or not yet valid) at the moment judged.
``valid``
    none of these.

Apart from the verdict, :attr:`SignatureVerdict.certificate` judges the certificate alone
(``valid``, ``untrusted``, ``revoked`` or ``expired``), also when the document was modified,
as ``pdfsig`` reports its "Certificate Validation" beside a "Digest Mismatch".

The moment judged is ``at`` when given, else the signing time ("was the certificate valid
*then*?"), so a certificate revoked or expired after a signature leaves it valid. CRLs come
from ``crl`` and from the document's security store; without any, revocation is not checked.
Revocation data issued after the moment still counts (it carries the revocation time).

pyHanko logs every failed check as a warning; this module gives its loggers a
``NullHandler`` so that nothing reaches stderr when no logging is configured (in an
nbgrader grade cell, anything on stderr scores 0). pyHanko's synchronous helpers call
:func:`asyncio.run`, which fails inside a running event loop (a Jupyter kernel); the
coroutines are run here in a worker thread then.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import DocumentMetadata
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    ModificationLevel,
    SuspiciousModification,
)
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    PdfSigningSession,
    SigDSSPlacementPreference,
)
from pyhanko.sign.validation import EmbeddedPdfSignature, async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import fonts, pki
from .clock import VN_TZ
from .errors import N_, SandboxError

__all__ = [
    "ALLOWED_LATER", "MESSAGES", "CertificateNotUsable", "CertificateStatus", "NotAPdf",
    "SignatureVerdict", "Verdict", "sign_pdf", "verify_pdf",
]

for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

Verdict = Literal["valid", "modified", "invalid", "untrusted", "expired", "revoked"]
CertificateStatus = Literal["valid", "untrusted", "expired", "revoked"]

ALLOWED_LATER = ModificationLevel.FORM_FILLING
"""The most a later revision may do without the signature being ``modified``."""

MESSAGES: dict[Verdict, str] = {
    "valid": N_("Chữ ký hợp lệ: nội dung văn bản không bị sửa sau khi ký, và chứng thư số của "
                "người ký do CA mô phỏng của lớp học cấp, còn hiệu lực."),
    "modified": N_("Văn bản đã bị sửa sau khi ký. Chữ ký không còn bảo đảm cho nội dung "
                   "hiện tại: đừng tin văn bản này."),
    "invalid": N_("Chữ ký bị hỏng, không kiểm tra được. Đừng tin văn bản này."),
    "untrusted": N_("Không xác minh được người ký: chứng thư số không do CA mô phỏng của "
                    "lớp học cấp."),
    "expired": N_("Chứng thư số của người ký đã hết hạn hoặc chưa có hiệu lực."),
    "revoked": N_("Chứng thư số của người ký đã bị thu hồi."),
}
"""The learner's message for each verdict (gettext source strings)."""


class NotAPdf(SandboxError, ValueError):
    """The bytes given to sign or verify are not a readable PDF file."""

    code = "pades.not_pdf"
    message = N_("Tệp này không phải là tệp PDF đọc được. Chỉ ký và kiểm tra chữ ký trên "
                 "tệp PDF.")


class CertificateNotUsable(SandboxError, ValueError):
    """Signing with validation data, and the certificate is not valid at the signing time."""

    code = "pades.certificate_not_usable"
    message = N_("Không ký được: chứng thư số đã hết hạn, đã bị thu hồi hoặc không do CA mô "
                 "phỏng của lớp học cấp.")


@dataclass(frozen=True)
class SignatureVerdict:
    """What :func:`verify_pdf` found about one signature."""

    field_name: str
    verdict: Verdict
    signer: str
    """The signer certificate's CN (the full name), ``""`` when unreadable."""
    id_number: str
    """The 12-digit number of the certificate's ``UID=CCCD:…``, or ``""``."""
    signed_at: datetime | None
    """The signing time the signer claims (signingTime, else /M), in Vietnam's time zone."""
    covers_whole_document: bool
    """No later revision follows the signature (nothing at all was added after it)."""
    certificate: CertificateStatus | None
    """The certificate alone, at the moment judged, whatever happened to the document:
    ``None`` when the signature is ``invalid`` (nothing to judge it by)."""
    reason: str
    """English detail for logs and the trainer."""

    @property
    def bottom_line(self) -> bool:
        return self.verdict == "valid"

    @property
    def message(self) -> str:
        """The learner's message (Vietnamese gettext source)."""
        return MESSAGES[self.verdict]


# --- running pyHanko's coroutines ----------------------------------------------------------

_T = TypeVar("_T")


def _run(make: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run a coroutine to completion, also when an event loop already runs in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(lambda: asyncio.run(make())).result()


def _aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} needs a time zone (e.g. +07:00), got {moment}")


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pki.certificate_der(certificate))


def _reader(pdf: bytes) -> PdfFileReader:
    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        raise NotAPdf("no %PDF- header")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        reader.root  # noqa: B018 - parses the trailer and the catalog
    except (PdfError, ValueError, KeyError, TypeError) as err:
        raise NotAPdf(f"unreadable PDF: {err}") from err
    return reader


# --- the visible stamp ---------------------------------------------------------------------

def _stamp_page(*, signer: str, when: datetime, width: float, height: float,
                reason: str | None) -> bytes:
    """A one-page PDF the size of the stamp: who signed, when, and the sandbox mark.

    Drawn with fpdf2 and DejaVu Sans (pyHanko's own text stamps need uharfbuzz for any
    letter outside Latin-1). The labels are part of the paper, like those of
    :mod:`bakhong.simulators.civil_papers`, so they are not marked for translation.
    """
    from fpdf import FPDF

    from .civil_papers import MARK

    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(when)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("DejaVu", "", fonts.dejavu())
    pdf.add_font("DejaVu", "B", fonts.dejavu(bold=True))
    pdf.add_page()
    pdf.set_draw_color(190, 20, 20)
    pdf.set_line_width(1)
    pdf.rect(1, 1, width - 2, height - 2)
    lines = [("B", f"Ký bởi: {signer}"), ("", f"Ngày ký: {when.astimezone(VN_TZ):%d/%m/%Y %H:%M}")]
    if reason:
        lines.append(("", f"Lý do: {reason}"))
    lines.append(("B", MARK))
    step = (height - 6) / len(lines)
    for index, (style, text) in enumerate(lines):
        size = min(step / 1.3, 10.0)
        pdf.set_font("DejaVu", style, size)
        while size > 3 and pdf.get_string_width(text) > width - 8:
            size -= 0.5
            pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*((190, 20, 20) if text == MARK else (20, 20, 20)))
        pdf.set_xy(4, 3 + index * step)
        pdf.cell(width - 8, step, text)
    return bytes(pdf.output())


class _PdfPage(content.PdfContent):
    """The first page of a PDF given as bytes, drawn as a form XObject."""

    def __init__(self, page: bytes) -> None:
        super().__init__()
        self._page = page

    def render(self) -> bytes:
        xobject = self._ensure_writer.import_page_as_xobject(
            PdfFileReader(io.BytesIO(self._page)), page_ix=0)
        self.resources.xobject["/BakhongStamp"] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return b"/BakhongStamp Do"


def _stamp_style(*, signer: str, when: datetime, box: tuple[int, int, int, int],
                 reason: str | None) -> StaticStampStyle:
    page = _stamp_page(signer=signer, when=when, width=abs(box[2] - box[0]),
                       height=abs(box[3] - box[1]), reason=reason)
    fit = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID,
                                     y_align=layout.AxisAlignment.ALIGN_MID,
                                     margins=layout.Margins(0, 0, 0, 0))
    return StaticStampStyle(background=_PdfPage(page), background_layout=fit, border_width=0)


# --- signing -------------------------------------------------------------------------------

class _SignerAt(signers.PdfSigner):
    """A PdfSigner whose signing session uses ``when`` instead of the computer's clock."""

    def __init__(self, *args: Any, when: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._when = when

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False
                             ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._when
        return session


@dataclass
class _DatedMetadata(DocumentMetadata):
    """Document metadata whose "now" is the sandbox's moment (see :class:`_WriterAt`)."""

    moment: datetime | None = None

    def __setattr__(self, name: str, value: object) -> None:
        if name == "last_modified" and value == "now" and getattr(self, "moment", None):
            value = self.moment
        super().__setattr__(name, value)


class _WriterAt(IncrementalPdfFileWriter):
    """An incremental writer that dates its revision ``when``, not by the computer's clock.

    pyHanko sets the modification date of every revision it writes (the Info dictionary's
    /ModDate, and XMP's ModifyDate once the catalog says PDF 2.0, as it does after a PAdES
    signature) to the current time; the sandbox's papers carry only the times of their story.
    """

    def __init__(self, pdf: bytes, when: datetime) -> None:
        super().__init__(io.BytesIO(pdf), strict=False)
        self._meta = _DatedMetadata(moment=when, last_modified=when)


def _context(roots: Sequence[x509.Certificate], crls: Sequence[bytes],
             moment: datetime | None) -> ValidationContext:
    """Validation at ``moment``, offline, trusting ``roots`` only."""
    return ValidationContext(trust_roots=[_asn1_certificate(root) for root in roots],
                             crls=list(crls), allow_fetching=False, moment=moment,
                             revocation_mode="soft-fail", retroactive_revinfo=True)


def sign_pdf(pdf: bytes, *, key: pki.PrivateKey, cert: x509.Certificate,
             chain: Sequence[x509.Certificate], when: datetime,
             field_name: str = "Signature1", reason: str | None = None,
             location: str | None = None, box: tuple[int, int, int, int] | None = None,
             page: int = 0, certify: bool = False, crl: bytes | None = None) -> bytes:
    """``pdf`` with a PAdES signature by ``cert`` appended (an incremental update).

    ``chain`` is the issuer certificates up to the root, root last; ``when`` (timezone-aware)
    is the signing time. ``box`` (x1, y1, x2, y2 in PDF points on page ``page``) makes the
    signature visible, with a stamp naming the signer; without it the field is invisible.
    ``certify`` makes it a certification (author) signature that still allows form filling
    and more signatures; a later *visible* signature in a new field then changes the page
    (its widget) and makes the certification ``modified``, so later signers sign invisibly or
    into empty fields made before certifying. ``crl`` (DER) embeds the validation data (see
    the module notes); the certificate must then be valid at ``when`` against the chain's own
    root, or :class:`CertificateNotUsable` is raised. A new field ``field_name`` is made, or
    an empty one of that name is filled.
    """
    _aware(when, "when")
    if cert.public_key() != key.public_key():
        raise ValueError("the key does not belong to the certificate")
    _reader(pdf)
    above = [_asn1_certificate(issuer) for issuer in chain]
    store = SimpleCertificateStore.from_certs(above)  # type: ignore[no-untyped-call]
    signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(pki.private_key_der(key)),
        cert_registry=store)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", reason=reason, location=location,
        subfilter=fields.SigSeedSubFilter.PADES, certify=certify,
        signer_key_usage={"non_repudiation"})
    if crl is not None:
        if not chain:
            raise ValueError("signing with a CRL needs the chain up to the root")
        meta = dataclasses.replace(
            meta, embed_validation_info=True,
            validation_context=_context([chain[-1]], [crl], when),
            dss_settings=DSSContentSettings(
                include_vri=False, placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE))
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
    style = None
    if box is not None:
        style = _stamp_style(signer=pki.common_name(cert), when=when, box=box, reason=reason)
    pdf_signer = _SignerAt(meta, signer, stamp_style=style, new_field_spec=spec, when=when)
    writer = _WriterAt(pdf, when)
    try:
        output = _run(lambda: pdf_signer.async_sign_pdf(writer))
    except SigningError as err:
        if isinstance(err.__cause__, PathBuildingError | PathValidationError):
            raise CertificateNotUsable(f"{err}: {err.__cause__}") from err
        raise ValueError(f"cannot sign: {err}") from err
    signed: bytes = output.getvalue()
    return signed


# --- verifying -----------------------------------------------------------------------------

def _verdict(field: str, verdict: Verdict, reason: str, *, signer: str = "",
             id_number: str = "", signed_at: datetime | None = None, whole: bool = False,
             certificate: CertificateStatus | None = None) -> SignatureVerdict:
    return SignatureVerdict(field, verdict, signer, id_number,
                            signed_at.astimezone(VN_TZ) if signed_at else None, whole,
                            certificate, reason)


def _modification(status: PdfSignatureStatus) -> str:
    """Why the document counts as modified after this signature, or ``""``."""
    if not status.intact:
        return "digest mismatch: bytes inside the signed range changed"
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return ""
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return f"the signature does not cover its whole revision ({status.coverage})"
    if isinstance(status.diff_result, SuspiciousModification):
        return f"later revisions change the document: {status.diff_result}"
    level = status.modification_level
    if level is None or level.value > ALLOWED_LATER.value or status.docmdp_ok is False:
        return f"later revisions change the document (modification level {level})"
    return ""


def _trust(status: PdfSignatureStatus, moment: datetime) -> tuple[CertificateStatus, str]:
    indic = status.trust_problem_indic
    cert = status.signing_cert
    if indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return "untrusted", "the certificate does not chain to a trusted sandbox root"
    if status.revocation_details is not None:
        details = status.revocation_details
        whose = "a CA certificate above the signer's" if details.ca_revoked else "the certificate"
        return "revoked", f"{whose} was revoked at {details.revocation_date.isoformat()}"
    validity = cert["tbs_certificate"]["validity"]
    start, end = validity["not_before"].native, validity["not_after"].native
    if indic is not None and not start <= moment <= end:
        return "expired", (f"the certificate was valid {start.isoformat()} … {end.isoformat()}, "
                           f"not at {moment.isoformat()}")
    if indic is not None:
        return "untrusted", f"the certificate chain does not validate ({indic})"
    return "valid", f"chains to a trusted root, valid at {moment.isoformat()}"


async def _judge(sig: EmbeddedPdfSignature, roots: Sequence[x509.Certificate],
                 crls: Sequence[bytes], at: datetime | None) -> SignatureVerdict:
    signed_at = sig.self_reported_timestamp
    moment = at or signed_at
    cert = pki.load_certificate(sig.signer_cert.dump())

    def verdict(kind: Verdict, reason: str, whole: bool = False,
                certificate: CertificateStatus | None = None) -> SignatureVerdict:
        return _verdict(sig.field_name, kind, reason, signer=pki.common_name(cert),
                        id_number=pki.id_number_of(cert), signed_at=signed_at, whole=whole,
                        certificate=certificate)

    if moment is None:
        return verdict("untrusted", "no signing time in the signature and no moment given",
                       certificate="untrusted")
    status = await async_validate_pdf_signature(
        sig, signer_validation_context=_context(roots, crls, moment),
        diff_policy=DEFAULT_DIFF_POLICY,
        key_usage_settings=KeyUsageConstraints(key_usage={"non_repudiation"}))
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not status.valid:
        return verdict("invalid", "the signature value does not verify with the certificate's "
                                  "key", whole)
    trust, trust_reason = _trust(status, moment)
    changed = _modification(status)
    if changed:
        return verdict("modified", f"{changed}; {trust_reason}", whole, trust)
    return verdict(trust, trust_reason, whole, trust)


def _dss_crls(reader: PdfFileReader) -> list[bytes]:
    try:
        store = DocumentSecurityStore.read_dss(reader)
    except (KeyError, ValueError, PdfError):
        return []  # no DSS, or one we cannot read: no embedded revocation data
    return [bytes(ref.get_object().data) for ref in store.crls]


def verify_pdf(pdf: bytes, *, roots: Sequence[x509.Certificate], crl: bytes | None = None,
               at: datetime | None = None) -> list[SignatureVerdict]:
    """One :class:`SignatureVerdict` per signature of ``pdf``, in signing order.

    ``roots`` are the trusted roots (the workshop's sandbox root); ``crl`` an issuing CA's
    CRL (DER or PEM); ``at`` the moment to judge the certificate at (default: the signing
    time). Raises :class:`NotAPdf` for bytes that are not a readable PDF; a PDF without
    signatures gives ``[]``.
    """
    if at is not None:
        _aware(at, "at")
    reader = _reader(pdf)
    crls = _dss_crls(reader)
    if crl is not None:
        crls.insert(0, pki.crl_der(pki.load_crl(crl)))
    found: list[tuple[int, SignatureVerdict | EmbeddedPdfSignature]] = []
    try:
        sig_fields = list(fields.enumerate_sig_fields(reader, filled_status=True))
    except (PdfError, ValueError, KeyError, TypeError) as err:
        raise NotAPdf(f"unreadable form fields: {err}") from err
    for name, sig_object, sig_field in sig_fields:
        try:
            if sig_object.get_object().get("/Type", "/Sig") != "/Sig":
                continue  # a document timestamp, not a signature
            embedded = EmbeddedPdfSignature(reader, sig_field, name)
            found.append((embedded.signed_revision, embedded))
        except (PdfError, ValueError, KeyError, TypeError, AttributeError) as err:
            found.append((1 << 30, _verdict(name, "invalid", f"unreadable signature: {err}")))
    found.sort(key=lambda item: item[0])

    async def judge_all() -> list[SignatureVerdict]:
        verdicts = []
        for _revision, item in found:
            if isinstance(item, SignatureVerdict):
                verdicts.append(item)
                continue
            try:
                verdicts.append(await _judge(item, roots, crls, at))
            except (PdfError, ValueError, KeyError, TypeError) as err:
                verdicts.append(_verdict(item.field_name, "invalid",
                                         f"the signature cannot be checked: {err}"))
        return verdicts

    return _run(judge_all)
