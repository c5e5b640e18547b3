"""Certificates of completion: one signed PDF per trained learner, and checking one.

**Who gets one.** A learner *trained* by :mod:`bakhong.grading.report`'s rule (every core
lesson passed at the pass mark in nbgrader's gradebook; the rule is not repeated here, the
report's own functions are called). The certificate lists every lesson the learner passed,
with its title (:func:`bakhong.grading.course.lesson_title`) and the day it was first graded
as passed, as the report dates it (the grading queue's ``graded_at`` on the workshop clock,
else nbgrader's submission timestamp), in Vietnam time.

The pieces are modules of their own: what the paper says and its drawing
(:mod:`.certificate_pdf`), who signs it and the revocation list (:mod:`.certificate_issuer`),
its QR code (:mod:`.certificate_codes`). This module says who gets one, issues them and
checks one; it names the pieces' public parts too, so ``certificates.X`` is the one place
to look.

**Checking** gives a :class:`CertificateCheck` (a value, whatever is wrong; exceptions only
for input that cannot be read, :class:`UnreadableCertificate`). The issuer certificate is
the one given, or the one in ``$BAKHONG_HOME/keys`` for the workshop id inside the
payload, so an official on another computer needs only the ``.crt`` file. For a PDF, the
PAdES signature must verify with the issuer certificate as the only trusted root, the QR
code (rendered with PDFium) must verify, and the name and number it holds must be the
ones printed on the page.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from cryptography import x509

from bakhong.simulators import learners as learners_mod
from bakhong.simulators import pades, pki, qrimage
from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.learners import Learner
from bakhong.simulators.pades import SignatureVerdict

from . import course, results, settings
from .certificate_codes import (
    PREFIX,
    Claims,
    CodeCheck,
    DamagedCode,
    check_payload,
    decode_payload,
    encode_payload,
)
from .certificate_issuer import (
    ISSUER_TITLE,
    IssuerMissing,
    certificate_number,
    find_issuer_certificate,
    is_issuer_certificate,
    issuer_credential,
    issuer_paths,
    publish_revocations,
    revocation_path,
    revoke_learner,
    revoked_numbers,
    workshop_of,
)
from .certificate_pdf import certificate_pdf
from .report_model import text_key
from .workshop import open_sandbox

__all__ = [
    "ISSUER_TITLE", "MESSAGES", "PREFIX", "Achievement", "CertificateCheck", "Claims",
    "CodeCheck", "DamagedCode", "Issuance", "IssuedCertificate", "IssuerMissing",
    "PassedLesson", "UnreadableCertificate", "Verdict", "achievements", "certificate_number",
    "certificate_pdf", "check_payload", "decode_payload", "encode_payload",
    "find_issuer_certificate", "is_issuer_certificate", "issue", "issuer_credential",
    "issuer_paths", "publish_revocations", "revocation_path", "revoke_learner",
    "revoked_numbers", "title_of", "verify_image", "verify_payload", "verify_pdf",
    "workshop_of", "write",
]

SIGNATURE_FIELD = "ChungNhan"

Verdict = Literal["valid", "modified", "broken", "untrusted", "unsigned", "no_code",
                  "damaged", "unknown_issuer", "wrong_issuer", "tampered", "mismatch",
                  "revoked"]

MESSAGES: dict[Verdict, str] = {
    "valid": N_("Giấy chứng nhận hợp lệ: do đơn vị tổ chức lớp học cấp và không bị sửa."),
    "modified": N_("Tệp PDF đã bị sửa sau khi ký. Đừng tin giấy chứng nhận này."),
    "broken": N_("Chữ ký số trong tệp PDF bị hỏng, không kiểm tra được."),
    "untrusted": N_("Tệp PDF không do đơn vị tổ chức lớp học này ký: chữ ký không khớp với "
                    "chứng thư của đơn vị cấp."),
    "unsigned": N_("Tệp PDF không có chữ ký số của đơn vị tổ chức lớp học."),
    "no_code": N_("Không tìm thấy mã QR của giấy chứng nhận trong tệp."),
    "damaged": N_("Mã QR không phải mã giấy chứng nhận của bakhong, hoặc đã bị hỏng."),
    "unknown_issuer": N_("Không có chứng thư của đơn vị tổ chức lớp học này trên máy. Hãy "
                         "kiểm tra với tệp chứng thư (.crt) do lớp học cung cấp."),
    "wrong_issuer": N_("Chứng thư đã cho không phải chứng thư của đơn vị tổ chức lớp học "
                       "đã cấp giấy chứng nhận này."),
    "tampered": N_("Chữ ký trong mã QR không khớp: nội dung mã đã bị sửa, hoặc mã không do "
                   "đơn vị tổ chức lớp học này cấp."),
    "mismatch": N_("Tên hoặc số trong mã QR khác với tên, số in trên giấy chứng nhận."),
    "revoked": N_("Giấy chứng nhận này đã bị đơn vị tổ chức lớp học thu hồi: không còn giá "
                  "trị."),
}
"""What each verdict means, for the person checking (gettext source strings)."""


class UnreadableCertificate(SandboxError, ValueError):
    """Input to check that cannot be read at all: no PDF, no picture with a QR code."""

    code = "certificate.unreadable"
    message = N_("Không đọc được tệp này. Hãy dùng tệp PDF giấy chứng nhận, ảnh chụp rõ mã "
                 "QR, hoặc nội dung mã QR.")


# --- who is trained ------------------------------------------------------------------------

@dataclass(frozen=True)
class PassedLesson:
    lesson: str
    title: str
    passed_on: date | None


@dataclass(frozen=True)
class Achievement:
    """A trained learner and every lesson they passed, in teaching order."""

    learner: Learner
    province: str
    lessons: tuple[PassedLesson, ...]


def title_of(lesson: str) -> str:
    """The lesson's title, or its name for a lesson this installation does not have."""
    try:
        return course.lesson_title(lesson)
    except (FileNotFoundError, ModuleNotFoundError):
        return lesson


def _day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # nbgrader keeps UTC without a zone
    return moment.astimezone(VN_TZ).date()


def achievements(root: Path) -> tuple[list[Achievement], list[Learner]]:
    """The workshop's trained learners with what they passed, and those not trained yet.

    *Trained*, *passed* and the day a lesson was passed come from the workshop's sealed
    results under its pass mark and core lessons (:mod:`bakhong.grading.results`, the rule
    every screen uses). Lessons are listed in teaching order.
    """
    root = Path(root)
    chosen = settings.load(root)
    lessons = tuple(dict.fromkeys((*course.LESSONS, *chosen.core_lessons)))
    box = open_sandbox(root)
    try:
        everyone = learners_mod.all_learners(box.store)
        graded = results.read_workshop(root, box.store, box.workshop_id)
    finally:
        box.close()
    done: list[Achievement] = []
    waiting: list[Learner] = []
    for learner in everyone:
        me = learner.learner_id
        if not graded.trained(me):
            waiting.append(learner)
            continue
        province = getattr(learner, "province", None) or chosen.province
        passed = tuple(PassedLesson(lesson, title_of(lesson), _day(graded.passed_at(me, lesson)))
                       for lesson in graded.passed_lessons(me, lessons))
        done.append(Achievement(learner, province, passed))
    return done, waiting


# --- issuing -------------------------------------------------------------------------------

def _slug(text: str) -> str:
    """ASCII file-name form: ``Lê Thị Hoa`` → ``le-thi-hoa``."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40] or "hoc-vien"


@dataclass(frozen=True)
class IssuedCertificate:
    achievement: Achievement
    claims: Claims
    payload: str
    pdf: bytes

    @property
    def filename(self) -> str:
        return f"{self.claims.number}-{_slug(self.achievement.learner.full_name)}.pdf"


@dataclass(frozen=True)
class Issuance:
    """What :func:`issue` made: the certificates, who is not trained yet, and the issuer."""

    certificates: list[IssuedCertificate]
    not_trained: list[Learner]
    issuer: x509.Certificate
    workshop_id: str
    workshop_name: str


def issue(root: Path, *, now: datetime | None = None, learner_code: str | None = None,
          issuer: pki.Credential | None = None, trainer: str = "") -> Issuance:
    """Signed certificates for the workshop's trained learners (one, with ``learner_code``).

    ``now`` (default: the workshop clock) is the issue moment; ``issuer`` (default: the
    workshop's own, made on first use) signs. Raises
    :class:`~bakhong.simulators.errors.UnknownLearner` for a code not in the workshop.
    """
    root = Path(root)
    name = root.resolve().name
    box = open_sandbox(root)
    try:
        workshop_id = box.workshop_id
        moment = (now or box.clock.now()).astimezone(VN_TZ).replace(microsecond=0)
        only = learners_mod.by_code(box.store, learner_code) if learner_code else None
        signer = issuer or issuer_credential(workshop_id, workshop_name=name, now=moment,
                                             store=box.store)
    finally:
        box.close()
    done, waiting = achievements(root)
    if only is not None:
        done = [a for a in done if a.learner.learner_id == only.learner_id]
        waiting = [le for le in waiting if le.learner_id == only.learner_id]
    issuer_name = pki.common_name(signer.certificate)
    made = []
    for achievement in done:
        learner = achievement.learner
        claims = Claims(workshop_id, certificate_number(workshop_id, learner.learner_id),
                        learners_mod.nfc(learner.full_name), learners_mod.nfc(learner.commune),
                        tuple(p.lesson for p in achievement.lessons), moment.date())
        payload = encode_payload(claims, signer.key)
        page = certificate_pdf(achievement, claims, payload=payload, workshop_name=name,
                               issuer_name=issuer_name, issued=moment, trainer=trainer)
        signed = pades.sign_pdf(page, key=signer.key, cert=signer.certificate,
                                chain=[signer.certificate], when=moment,
                                field_name=SIGNATURE_FIELD,
                                reason="Cấp giấy chứng nhận hoàn thành khóa học",
                                location=achievement.province)
        made.append(IssuedCertificate(achievement, claims, payload, signed))
    return Issuance(made, waiting, signer.certificate, workshop_id, name)


def write(issuance: Issuance, out: Path) -> list[Path]:
    """Write each certificate to ``out`` and the issuer certificate beside them.

    The issuer certificate (public; ``<workshop id>-issuer.crt``) is what an official needs
    to check the certificates on another computer. The files are written together
    (:func:`bakhong.atomic.files`): all of them, or, on a full or read-only disk, none changed
    and :class:`~bakhong.atomic.CannotWrite` raised.
    """
    from bakhong import atomic

    out = Path(out)
    with atomic.files() as batch:
        written = [batch.write_bytes(out / item.filename, item.pdf)
                   for item in issuance.certificates]
        batch.write_bytes(out / f"{issuance.workshop_id}-issuer.crt",
                          pki.certificate_pem(issuance.issuer))
    publish_revocations(issuance.workshop_id, out)
    return written


# --- checking ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateCheck:
    """A certificate judged: the verdict first, then what each check found."""

    kind: Literal["pdf", "image", "payload"]
    verdict: Verdict
    claims: Claims | None
    issuer: str
    code: CodeCheck | None
    signatures: tuple[SignatureVerdict, ...] = ()
    text_matches: bool | None = None
    reason: str = ""

    @property
    def bottom_line(self) -> bool:
        return self.verdict == "valid"

    @property
    def message(self) -> str:
        return MESSAGES[self.verdict]


def _from_code(kind: Literal["image", "payload"], code: CodeCheck) -> CertificateCheck:
    issuer = pki.common_name(code.issuer) if code.issuer is not None else ""
    return CertificateCheck(kind, code.verdict, code.claims, issuer, code, reason=code.reason)


def verify_payload(text: str, issuer: x509.Certificate | None = None, *,
                   revocations: Path | None = None) -> CertificateCheck:
    """Check a QR text (what the code holds)."""
    return _from_code("payload", check_payload(text, issuer, revocations=revocations))


def verify_image(image: bytes, issuer: x509.Certificate | None = None, *,
                 revocations: Path | None = None) -> CertificateCheck:
    """Check the QR code in a photo or scan; :class:`UnreadableCertificate` if none is read."""
    try:
        text = qrimage.decode_text(image)
    except qrimage.QrImageError as err:
        raise UnreadableCertificate(f"{err.code}: {err.detail or err}") from err
    return _from_code("image", check_payload(text, issuer, revocations=revocations))


def _page(pdf: bytes) -> tuple[bytes, str]:
    """The first page of ``pdf`` as a PNG (long side 2000 px) and its text, with PDFium."""
    import pypdfium2 as pdfium

    from bakhong.simulators.attachments import _PDFIUM

    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as err:
            raise UnreadableCertificate(f"PDFium: {err}") from err
        try:
            if len(document) == 0:
                raise UnreadableCertificate("the PDF has no pages")
            page = document[0]
            width, height = page.get_size()
            scale = qrimage.DECODE_MAX_SIDE / max(width, height, 1.0)
            picture = page.render(scale=scale).to_pil()
            text = page.get_textpage().get_text_range()
        finally:
            document.close()
    png = io.BytesIO()
    picture.convert("L").save(png, format="PNG")
    return png.getvalue(), text


_SIGNATURE_VERDICTS: dict[str, Verdict] = {
    "modified": "modified", "invalid": "broken", "untrusted": "untrusted",
    "expired": "untrusted", "revoked": "untrusted",
}


def verify_pdf(pdf: bytes, issuer: x509.Certificate | None = None, *,
               revocations: Path | None = None) -> CertificateCheck:
    """Check a certificate PDF: its PAdES signature, its QR code and the printed name.

    The verdict is the first problem of: no issuer certificate to check with (``no_code``,
    ``damaged`` or ``unknown_issuer`` when it had to come from the code), the PDF signature
    (``unsigned``, ``modified``, ``broken``, ``untrusted``), the QR code (``no_code``,
    ``damaged``, ``wrong_issuer``, ``tampered``, ``revoked``), the printed name and number
    (``mismatch``). Raises :class:`UnreadableCertificate` for bytes that are not a PDF.
    """
    if b"%PDF-" not in pdf[:1024]:
        raise UnreadableCertificate("not a PDF file")
    png, text = _page(pdf)
    try:
        code: CodeCheck | None = check_payload(qrimage.decode_text(png), issuer,
                                               revocations=revocations)
    except qrimage.QrImageError:  # no code on the page (the picture is ours: always a PNG)
        code = None
    trusted = issuer or (code.issuer if code is not None else None)
    claims = code.claims if code is not None else None
    name = pki.common_name(trusted) if trusted is not None else ""

    def result(verdict: Verdict, reason: str, signatures: Sequence[SignatureVerdict] = (),
               matches: bool | None = None) -> CertificateCheck:
        return CertificateCheck("pdf", verdict, claims, name, code, tuple(signatures),
                                matches, reason)

    if trusted is None:
        assert code is None or code.verdict in ("damaged", "unknown_issuer")
        if code is None:
            return result("no_code", "no QR code found on the first page")
        return result(code.verdict, code.reason)
    try:
        signatures = pades.verify_pdf(pdf, roots=[trusted])
    except pades.NotAPdf as err:
        raise UnreadableCertificate(err.detail) from err
    if not signatures:
        return result("unsigned", "the PDF holds no signature", signatures)
    for signature in signatures:
        if signature.verdict != "valid":
            return result(_SIGNATURE_VERDICTS[signature.verdict],
                          f"signature «{signature.field_name}»: {signature.reason}", signatures)
    if code is None:
        return result("no_code", "no QR code found on the first page", signatures)
    if code.verdict != "valid":
        return result(code.verdict, code.reason, signatures)
    assert claims is not None
    printed = text_key(text)
    matches = text_key(claims.name) in printed and text_key(claims.number) in printed
    if not matches:
        return result("mismatch", "the name or number in the code is not printed on the page",
                      signatures, False)
    return result("valid", "the PDF signature and the code verify with the issuer "
                           "certificate, and the page prints the code's name and number",
                  signatures, True)
