"""Certificates of completion: one signed PDF per trained learner, and checking one.

**Who gets one.** A learner *trained* by :mod:`bakhong.grading.report`'s rule (every core
lesson passed at the pass mark in nbgrader's gradebook; the rule is not repeated here, the
report's own functions are called). The certificate lists every lesson the learner passed,
with its title (:func:`bakhong.grading.course.lesson_title`) and the day it was first graded
as passed, as the report dates it (the grading queue's ``graded_at`` on the workshop clock,
else nbgrader's submission timestamp), in Vietnam time.

**What it says.** «GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC KỸ NĂNG SỐ CƠ BẢN "3 KHÔNG"», the
learner's name *as on the trainer's roster* (never the fictional persona's), the birth year
when the roster has one, commune and province, the lessons, the workshop (folder name and
id), the certificate number, a place for the trainer to sign and a statement that the
workshop of this course kit issues it and that it is no state diploma. It carries no
national motto and no state emblem. A4 landscape, fpdf2 with DejaVu Sans embedded. The
labels are part of the paper, in Vietnamese, so they are not marked for translation (as in
:mod:`bakhong.simulators.papers`). Learner codes (the card's login secret) never appear.

**Who signs.** The workshop's own *issuer*: an EC P-256 key and a self-signed certificate
``CN=bakhong – Đơn vị tổ chức lớp học <folder>, OU=<workshop id>, O=bakhong, C=VN`` (an end
entity, not a CA: it signs certificates of completion, not other certificates), made on
first use and kept beside the evidence key in ``$BAKHONG_HOME/keys/<workshop id>-issuer.pem``
(unencrypted PKCS #8) and ``…-issuer.crt`` (PEM), both mode 0600. It is deliberately *not*
the sandbox practice CA (:mod:`bakhong.simulators.pki`) that the signing lesson teaches
learners to distrust outside the classroom: neither trust domain verifies the other's
signatures. The PDF gets an invisible PAdES signature
(:func:`bakhong.simulators.pades.sign_pdf` with ``chain=[issuer certificate]``); invisible
because pades' visible stamp says «MÔ PHỎNG – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ», which is true of
the practice papers, not of this record. The page prints who signed it instead.

**The QR code** carries a compact, self-verifying payload, so that a phone photo of the
paper can be checked too::

    BKCERT1.<base64url(JSON)>.<base64url(signature)>

* the JSON (UTF-8, no spaces, keys in this order): ``w`` the workshop id as the 22
  base64url characters of its 16 UUID bytes (14 characters shorter than the usual form),
  ``n`` the certificate number, ``h`` the full name, ``x`` the commune, ``l`` the lesson
  names passed (``["vneid", …]``), ``d`` the issue date (``YYYY-MM-DD``);
* the signature is ECDSA P-256 with SHA-256 by the issuer key over the ASCII text
  ``BKCERT1.<base64url(JSON)>`` (so the version prefix is signed too), written as the 64
  bytes ``r ‖ s`` (as JWS ES256 does) rather than DER;
* base64url without padding, and only its canonical form is accepted: otherwise changing
  the last character of a part could leave the decoded bytes, and so the verdict, alone.

A payload is 270-350 characters (up to a 33-letter Vietnamese name and all four lessons): a QR
code of version 11-14 at error correction M, printed 45 mm wide (zbar reads it at 150 dpi).

**Revoking.** When a learner is forgotten (:func:`bakhong.grading.workshop.forget`) the
certificate issued to them is deleted from the workshop folder and its number goes on the
issuer's revocation list, ``$BAKHONG_HOME/keys/<workshop id>-revoked.txt``: one
certificate number a line, no name (the number is a hash of the workshop and learner
ids). :func:`write` puts a copy beside the issuer certificate it writes, so an official
given both files learns of it too. A code whose signature verifies but whose number is
listed is ``revoked``.

**Checking** gives a :class:`CertificateCheck` (a value, whatever is wrong; exceptions only
for input that cannot be read, :class:`UnreadableCertificate`). The issuer certificate is
the one given, or the one in ``$BAKHONG_HOME/keys`` for the workshop id inside the
payload, so an official on another computer needs only the ``.crt`` file. For a PDF, the
PAdES signature must verify with the issuer certificate as the only trusted root, the QR
code (rendered with PDFium) must verify, and the name and number it holds must be the
ones printed on the page.

>>> from datetime import date
>>> key = pki.new_key("ec")
>>> claims = Claims("1d12b398-e8da-4e64-ab2a-039cef23adcf", "BK-7KQ4-M2XP", "Lê Thị Hoa",
...                 "Xã Thọ Long", ("vneid",), date(2026, 11, 28))
>>> payload = encode_payload(claims, key)
>>> payload.startswith("BKCERT1."), len(payload) < 350
(True, True)
>>> decode_payload(payload)[0] == claims
True
>>> try:
...     decode_payload(payload.replace("BKCERT1.", "BKCERT1.x"))
... except DamagedCode as err:
...     print(err.code)
certificate.damaged_code
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import random
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509.oid import NameOID

from bakhong.simulators import fonts, pades, pki, qrimage
from bakhong.simulators import learners as learners_mod
from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.learners import Learner
from bakhong.simulators.pades import SignatureVerdict
from bakhong.simulators.sandbox import Store

from . import course, keys, results, settings
from .report_model import text_key
from .workshop import open_sandbox

if TYPE_CHECKING:  # fpdf2 takes 0.4 s to import: only the printing function loads it
    from fpdf import FPDF

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

PREFIX = "BKCERT1"
"""Format and version of the QR payload."""

ISSUER_TITLE = "bakhong – Đơn vị tổ chức lớp học"
"""The issuer certificate's CN, before the workshop folder's name."""

ISSUER_ORGANISATION = "bakhong"
"""The issuer certificate's O; the sandbox CAs' is «bakhong (mô phỏng)»."""

TITLE = "GIẤY CHỨNG NHẬN"
SUBTITLE = 'HOÀN THÀNH KHÓA HỌC KỸ NĂNG SỐ CƠ BẢN "3 KHÔNG"'
SIGNATURE_FIELD = "ChungNhan"
ISSUER_YEARS = 20
_NUMBER_ALPHABET = learners_mod.READ_ALPHABET  # 32 characters, no look-alikes (0/O, 1/I)

CodeVerdict = Literal["valid", "damaged", "unknown_issuer", "wrong_issuer", "tampered",
                      "revoked"]
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


class IssuerMissing(SandboxError):
    """The workshop's issuer key or certificate is not on this computer."""

    code = "certificate.issuer_missing"
    message = N_("Không tìm thấy khóa cấp giấy chứng nhận của lớp học này trên máy. Nếu lớp "
                 "học được chuyển từ máy khác, hãy khôi phục từ bản sao lưu (bakhong restore): "
                 "không tạo khóa mới, vì giấy đã cấp sẽ không còn khớp.")


class DamagedCode(SandboxError, ValueError):
    """A text that is not a well-formed ``BKCERT1`` payload."""

    code = "certificate.damaged_code"
    message = N_("Mã QR không phải mã giấy chứng nhận của bakhong, hoặc đã bị hỏng.")


class UnreadableCertificate(SandboxError, ValueError):
    """Input to check that cannot be read at all: no PDF, no picture with a QR code."""

    code = "certificate.unreadable"
    message = N_("Không đọc được tệp này. Hãy dùng tệp PDF giấy chứng nhận, ảnh chụp rõ mã "
                 "QR, hoặc nội dung mã QR.")


# --- the issuer ----------------------------------------------------------------------------

def _workshop_id(workshop_id: str) -> str:
    """``workshop_id`` if it is a UUID in canonical form (it becomes a file name)."""
    try:
        canonical = str(uuid.UUID(workshop_id))
    except (ValueError, TypeError, AttributeError):
        canonical = ""
    if canonical != workshop_id:
        raise ValueError(f"not a workshop id: {workshop_id!r}")
    return canonical


def issuer_paths(workshop_id: str) -> tuple[Path, Path]:
    """Where the issuer's key and certificate live: ``$BAKHONG_HOME/keys/<id>-issuer.*``."""
    folder = keys.home() / "keys"
    name = _workshop_id(workshop_id)
    return folder / f"{name}-issuer.pem", folder / f"{name}-issuer.crt"


def _create_private(path: Path, data: bytes) -> bool:
    """Write ``data`` to a new file ``path`` (mode 0600) unless it exists; True if written.

    Written to a temporary file and hard-linked into place, so that two processes making
    the issuer at once never read a half-written file: one link wins, the other loads it.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
    return True


def _issuer_subject(workshop_id: str, workshop_name: str) -> x509.Name:
    common = f"{ISSUER_TITLE} {unicodedata.normalize('NFC', workshop_name).strip()}"
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ISSUER_ORGANISATION),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, workshop_id),
        x509.NameAttribute(NameOID.COMMON_NAME, common[:64].rstrip()),
    ])


def _issuer_certificate(key: ec.EllipticCurvePrivateKey, *, workshop_id: str,
                        workshop_name: str, now: datetime) -> x509.Certificate:
    """The self-signed issuer certificate: valid from a day before ``now`` (clock skew)."""
    start = now.astimezone(UTC).replace(microsecond=0) - timedelta(days=1)
    name = _issuer_subject(workshop_id, workshop_name)
    public = key.public_key()
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=False, crl_sign=False, encipher_only=False,
                          decipher_only=False)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(public).serial_number(pki.serial_number(random.SystemRandom()))
               .not_valid_before(start)
               .not_valid_after(start + timedelta(days=365 * ISSUER_YEARS))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(usage, critical=True)
               .add_extension(x509.ExtendedKeyUsage([pki.DOCUMENT_SIGNING]), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public),
                              critical=False))
    return builder.sign(key, hashes.SHA256())


def _load_issuer(workshop_id: str) -> pki.Credential:
    key_file, cert_file = issuer_paths(workshop_id)
    try:
        key = pki.load_private_key(key_file.read_bytes())
        certificate = pki.load_certificate(cert_file.read_bytes())
    except (OSError, ValueError) as err:
        raise IssuerMissing(f"{key_file}: {err}") from err
    if certificate.public_key() != key.public_key():
        raise IssuerMissing(f"{cert_file} does not belong to {key_file}")
    return pki.Credential(certificate, key)


#: The store's record of the workshop's issuer (``meta``): its certificate's SHA-256.
ISSUER_META = "certificate_issuer_sha256"


def issuer_credential(workshop_id: str, *, workshop_name: str, now: datetime,
                      store: Store) -> pki.Credential:
    """The workshop's issuer key and certificate.

    Made once (``init`` makes it; a workshop from an older kit makes it at its first
    certificate, ``now`` being its start) and recorded in the store. Once recorded it is never
    made again: on a laptop without it (a workshop copied rather than restored) this raises
    :class:`IssuerMissing`, since a new issuer would disown every certificate issued before.
    """
    key_file, cert_file = issuer_paths(workshop_id)
    recorded = store.get_meta(ISSUER_META)
    if recorded is None and not key_file.exists() and not cert_file.exists():
        _create_private(key_file, pki.private_key_pem(pki.new_key("ec")))
        key = pki.load_private_key(key_file.read_bytes())
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise IssuerMissing(f"{key_file} is not an EC key")
        made = _issuer_certificate(key, workshop_id=workshop_id,
                                   workshop_name=workshop_name, now=now)
        _create_private(cert_file, pki.certificate_pem(made))
    credential = _load_issuer(workshop_id)
    fingerprint = credential.certificate.fingerprint(hashes.SHA256()).hex()
    if recorded is None:
        store.set_meta(ISSUER_META, fingerprint)
    elif recorded != fingerprint:
        raise IssuerMissing(f"{cert_file} is not the issuer this workshop recorded")
    return credential


def find_issuer_certificate(workshop_id: str) -> x509.Certificate | None:
    """The issuer certificate of ``workshop_id`` kept on this computer, or None."""
    try:
        return pki.load_certificate(issuer_paths(workshop_id)[1].read_bytes())
    except (OSError, ValueError):
        return None


def workshop_of(certificate: x509.Certificate) -> str:
    """The workshop id in an issuer certificate's OU, or ``""``."""
    values = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    value = values[0].value if values else ""
    return value if isinstance(value, str) else ""


def is_issuer_certificate(certificate: x509.Certificate, workshop_id: str | None = None) -> bool:
    """Whether ``certificate`` is a workshop issuer's (of ``workshop_id``, when given).

    The sandbox CAs are not: their organisation is «bakhong (mô phỏng)», and their keys are
    RSA; an issuer's key is EC P-256.
    """
    organisation = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    public = certificate.public_key()
    return (bool(organisation) and organisation[0].value == ISSUER_ORGANISATION
            and pki.common_name(certificate).startswith(ISSUER_TITLE)
            and isinstance(public, ec.EllipticCurvePublicKey)
            and isinstance(public.curve, ec.SECP256R1)
            and (workshop_id is None or workshop_of(certificate) == workshop_id))


# --- revocation ----------------------------------------------------------------------------

REVOKED_SUFFIX = "-revoked.txt"
_NUMBER = re.compile(r"BK-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def revocation_path(workshop_id: str) -> Path:
    """The issuer's revocation list: ``$BAKHONG_HOME/keys/<workshop id>-revoked.txt``."""
    return keys.home() / "keys" / f"{_workshop_id(workshop_id)}{REVOKED_SUFFIX}"


def _read_numbers(path: Path) -> set[str]:
    try:
        lines = path.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return set()
    return {line for line in lines if _NUMBER.fullmatch(line)}


def revoked_numbers(workshop_id: str, *, beside: Path | None = None) -> frozenset[str]:
    """The certificate numbers the workshop's issuer revoked: its list on this computer,
    and the copy in the folder ``beside`` (where the issuer certificate was given)."""
    try:
        numbers = _read_numbers(revocation_path(workshop_id))
    except ValueError:
        return frozenset()
    if beside is not None:
        numbers |= _read_numbers(Path(beside) / f"{workshop_id}{REVOKED_SUFFIX}")
    return frozenset(numbers)


def _write_numbers(path: Path, numbers: set[str]) -> None:
    """The list, replaced atomically, mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write("".join(f"{number}\n" for number in sorted(numbers)))
    os.replace(temporary, path)


def revoke_learner(workshop_id: str, learner_id: str) -> tuple[str, ...]:
    """Put the learner's certificate number on the revocation list; the numbers listed.

    Nothing is listed when the workshop never made its issuer (no certificate exists).
    """
    if not issuer_paths(workshop_id)[0].exists():
        return ()
    number = certificate_number(workshop_id, learner_id)
    path = revocation_path(workshop_id)
    _write_numbers(path, _read_numbers(path) | {number})
    return (number,)


def publish_revocations(workshop_id: str, folder: Path) -> Path | None:
    """Copy the revocation list beside the issuer certificate in ``folder``; its path,
    or None when nothing is revoked."""
    numbers = _read_numbers(revocation_path(workshop_id))
    if not numbers:
        return None
    path = Path(folder) / f"{_workshop_id(workshop_id)}{REVOKED_SUFFIX}"
    _write_numbers(path, numbers)
    return path


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


def certificate_number(workshop_id: str, learner_id: str) -> str:
    """``BK-XXXX-XXXX``: the same for a learner of a workshop whenever it is issued.

    40 bits of SHA-256 over the workshop id and the learner id, in the learner codes'
    alphabet (no 0/O or 1/I); never the learner code itself, which is a login secret.

    >>> certificate_number("1d12b398-e8da-4e64-ab2a-039cef23adcf", "hv001")
    'BK-JHA2-WC67'
    """
    digest = hashlib.sha256(f"{workshop_id}\x1f{learner_id}".encode()).digest()
    value = int.from_bytes(digest[:5], "big")
    letters = "".join(_NUMBER_ALPHABET[(value >> (5 * i)) & 31] for i in range(7, -1, -1))
    return f"BK-{letters[:4]}-{letters[4:]}"


# --- the QR payload ------------------------------------------------------------------------

@dataclass(frozen=True)
class Claims:
    """What the QR code asserts, signed by the issuer."""

    workshop_id: str
    number: str
    name: str
    commune: str
    lessons: tuple[str, ...]
    issued_on: date


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    """Canonical unpadded base64url only (see the module notes), or :class:`DamagedCode`."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise DamagedCode(f"{what}: not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as err:
        raise DamagedCode(f"{what}: {err}") from err
    if _b64(data) != text:
        raise DamagedCode(f"{what}: not in canonical form")
    return data


def _claims_json(claims: Claims) -> bytes:
    document = {
        "w": _b64(uuid.UUID(claims.workshop_id).bytes), "n": claims.number,
        "h": unicodedata.normalize("NFC", claims.name),
        "x": unicodedata.normalize("NFC", claims.commune),
        "l": list(claims.lessons), "d": claims.issued_on.isoformat(),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_payload(claims: Claims, key: pki.PrivateKey) -> str:
    """The QR text of ``claims``, signed with the issuer's EC P-256 ``key``."""
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve,
                                                                         ec.SECP256R1):
        raise ValueError("the issuer key must be EC P-256")
    signed = f"{PREFIX}.{_b64(_claims_json(claims))}"
    r, s = decode_dss_signature(key.sign(signed.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    return f"{signed}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def _claims(document: object) -> Claims:
    if not isinstance(document, dict) or set(document) != {"w", "n", "h", "x", "l", "d"}:
        raise DamagedCode("the JSON is not an object with the keys w, n, h, x, l, d")
    texts = [document[k] for k in ("w", "n", "h", "x", "d")]
    lessons = document["l"]
    if not all(isinstance(t, str) and t for t in texts) or not isinstance(lessons, list) \
            or not all(isinstance(item, str) for item in lessons):
        raise DamagedCode("a field has the wrong type")
    try:
        workshop_id = str(uuid.UUID(bytes=_unb64(document["w"], "w")))
        issued_on = date.fromisoformat(document["d"])
    except ValueError as err:
        raise DamagedCode(f"bad workshop id or date: {err}") from err
    return Claims(workshop_id, document["n"], document["h"], document["x"], tuple(lessons),
                  issued_on)


def decode_payload(text: str) -> tuple[Claims, bytes, bytes]:
    """The claims of a QR text, the bytes signed and the 64-byte signature.

    Raises :class:`DamagedCode` for anything but a well-formed ``BKCERT1`` payload; says
    nothing about the signature (:func:`check_payload` does).
    """
    parts = text.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DamagedCode(f"not a {PREFIX} payload")
    body, signature = _unb64(parts[1], "body"), _unb64(parts[2], "signature")
    if len(signature) != 64:
        raise DamagedCode("the signature is not 64 bytes")
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise DamagedCode(f"the body is not UTF-8 JSON: {err}") from err
    return _claims(document), f"{parts[0]}.{parts[1]}".encode("ascii"), signature


@dataclass(frozen=True)
class CodeCheck:
    """The QR payload judged against an issuer certificate."""

    verdict: CodeVerdict
    claims: Claims | None
    issuer: x509.Certificate | None
    reason: str

    @property
    def bottom_line(self) -> bool:
        return self.verdict == "valid"


def check_payload(text: str, issuer: x509.Certificate | None = None, *,
                  revocations: Path | None = None) -> CodeCheck:
    """Judge a QR text with ``issuer``, else the workshop's certificate on this computer;
    a revoked number (:func:`revoked_numbers`, also in the folder ``revocations``) is
    ``revoked``."""
    try:
        claims, signed, signature = decode_payload(text)
    except DamagedCode as err:
        return CodeCheck("damaged", None, issuer, err.detail)
    if issuer is None:
        issuer = find_issuer_certificate(claims.workshop_id)
        if issuer is None:
            return CodeCheck("unknown_issuer", claims, None,
                             f"no issuer certificate for workshop {claims.workshop_id} "
                             f"in {keys.home() / 'keys'}")
    if not is_issuer_certificate(issuer):
        return CodeCheck("wrong_issuer", claims, issuer,
                         f"«{pki.common_name(issuer)}» is not a workshop issuer certificate")
    if workshop_of(issuer) != claims.workshop_id:
        return CodeCheck("wrong_issuer", claims, issuer,
                         f"the issuer certificate is workshop {workshop_of(issuer)}'s, "
                         f"the code names workshop {claims.workshop_id}")
    public = issuer.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)  # is_issuer_certificate checked it
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                               int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return CodeCheck("tampered", claims, issuer,
                         "the code's signature does not verify with the issuer's key")
    if claims.number in revoked_numbers(claims.workshop_id, beside=revocations):
        return CodeCheck("revoked", claims, issuer,
                         f"certificate {claims.number} is on the issuer's revocation list")
    return CodeCheck("valid", claims, issuer, "the code's signature verifies")


# --- printing ------------------------------------------------------------------------------

PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 20.0
INK, GREY, FRAME = (20, 20, 20), (90, 90, 90), (22, 74, 120)
QR_SIZE = 45.0
_FONT = "DejaVu"


def _dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _centred(pdf: FPDF, y: float, text: str, size: float, style: str = "") -> None:
    pdf.set_font(_FONT, style, size)
    while size > 6 and pdf.get_string_width(text) > PAGE_W - 2 * MARGIN:
        size -= 0.5
        pdf.set_font(_FONT, style, size)
    pdf.set_xy(MARGIN, y)
    pdf.cell(PAGE_W - 2 * MARGIN, size * 0.45, text, align="C")


def certificate_pdf(achievement: Achievement, claims: Claims, *, payload: str,
                    workshop_name: str, issuer_name: str, issued: datetime,
                    trainer: str = "") -> bytes:
    """The certificate page (unsigned): A4 landscape, the QR code of ``payload``."""
    from fpdf import FPDF

    learner = achievement.learner
    moment = issued.astimezone(VN_TZ)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(moment)
    pdf.set_title(f"Giấy chứng nhận hoàn thành khóa học – {learner.full_name}")
    pdf.set_creator("bakhong")
    pdf.set_lang("vi")
    pdf.add_font(_FONT, "", fonts.dejavu())
    pdf.add_font(_FONT, "B", fonts.dejavu(bold=True))
    pdf.add_page()
    pdf.set_draw_color(*FRAME)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_line_width(0.3)
    pdf.rect(10.5, 10.5, PAGE_W - 21, PAGE_H - 21)
    pdf.set_text_color(*GREY)
    _centred(pdf, 16, f"BỘ HỌC LIỆU BAKHONG – LỚP HỌC «{workshop_name}»", 10.5)
    pdf.set_text_color(*FRAME)
    _centred(pdf, 27, TITLE, 30, "B")
    _centred(pdf, 42, SUBTITLE, 16, "B")
    pdf.set_text_color(*INK)
    _centred(pdf, 56, "Chứng nhận ông/bà", 12)
    _centred(pdf, 63, learner.full_name, 24, "B")
    place = f"{learner.commune}, {achievement.province}"
    born = f"Năm sinh: {learner.birth_year}   ·   " if learner.birth_year else ""
    _centred(pdf, 77, f"{born}Xã/phường: {place}", 12)
    _centred(pdf, 86, "đã hoàn thành các bài học của khóa học:", 12)
    pdf.set_font(_FONT, "", 11.5)
    for index, passed in enumerate(achievement.lessons):
        pdf.set_xy(MARGIN + 25, 94 + 7 * index)
        pdf.cell(PAGE_W - 2 * MARGIN - 50, 6,
                 f"•  {passed.title}  —  đạt ngày {_dmy(passed.passed_on)}")
    top = PAGE_H - 33 - QR_SIZE
    pdf.image(io.BytesIO(qrimage.render_png(payload, box_size=6, border=4)), x=MARGIN,
              y=top, w=QR_SIZE, h=QR_SIZE,
              alt_text=f"Mã QR kiểm tra giấy chứng nhận {claims.number}")
    pdf.set_font(_FONT, "", 8)
    pdf.set_xy(MARGIN - 5, top + QR_SIZE)
    pdf.cell(QR_SIZE + 10, 4, "Quét mã để kiểm tra", align="C")
    middle = MARGIN + QR_SIZE + 8
    rows = [("Số", claims.number), ("Lớp học", workshop_name),
            ("Mã lớp", claims.workshop_id), ("Ngày cấp", _dmy(claims.issued_on))]
    for index, (label, value) in enumerate(rows):
        pdf.set_xy(middle, top + 6 + 7 * index)
        pdf.set_font(_FONT, "", 10)
        pdf.write(5, f"{label}: ")
        pdf.set_font(_FONT, "B", 10)
        pdf.write(5, value)
    column, right = 95.0, PAGE_W - MARGIN - 95.0
    lines = [("", 10.5, f"{achievement.province}, ngày {moment:%d} tháng {moment:%m} năm "
                        f"{moment:%Y}"),
             ("B", 11, "NGƯỜI HƯỚNG DẪN LỚP HỌC"), ("", 9, "(Ký, ghi rõ họ tên)"),
             ("", 9, ""), ("", 9, ""), ("B", 11, trainer), ("", 8, f"Đã ký số: {issuer_name}")]
    for index, (style, size, text) in enumerate(lines):
        pdf.set_font(_FONT, style, size)
        pdf.set_xy(right, top + 1 + 6 * index)
        pdf.cell(column, 6, text, align="C")
    _centred(pdf, PAGE_H - 25, "Đây không phải văn bằng, chứng chỉ của Nhà nước và không do cơ "
                               "quan nhà nước cấp.", 9.5, "B")
    pdf.set_text_color(*GREY)
    _centred(pdf, PAGE_H - 19.5, f"Giấy chứng nhận do lớp học «{workshop_name}» của bộ học liệu "
                                 "bakhong cấp, xác nhận học viên đã làm đạt các bài thực hành trên "
                                 "ứng dụng mô phỏng của lớp học.", 8.5)
    _centred(pdf, PAGE_H - 15.5, "Kiểm tra: quét mã QR, hoặc lệnh «bakhong certificate verify» "
                                 "với chứng thư của đơn vị tổ chức lớp học.", 8.5)
    return bytes(pdf.output())


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

    from bakhong.simulators.documents import _PDFIUM

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
