"""The ``bakhong certificate`` commands: issue certificates of completion, and check one.

Thin over :mod:`bakhong.grading.certificates`:

``bakhong certificate WORKSHOP [--learner CODE] [--out DIR] [--trainer NAME]``
    Writes one signed PDF per trained learner (only the learner with the card code
    ``CODE`` with ``--learner``) to ``DIR`` (default ``WORKSHOP/giay-chung-nhan``), with the
    workshop's issuer certificate beside them (``<workshop id>-issuer.crt``, to hand to
    whoever checks the certificates), and says how many learners are not trained yet. The
    issuer key is made on first use. ``--trainer`` prints the trainer's name under the
    signing line. The files are written together, all or none (:mod:`bakhong.atomic`).
    Exits 0, 1 when ``--learner`` names a learner not trained yet, 2 for a full or read-only
    disk.

``bakhong certificate verify FILE.pdf|IMAGE|PAYLOAD [--issuer ISSUER.crt] [--json]``
    Checks a certificate: a PDF (its PAdES signature, the QR code on the page, the printed
    name), a photo or scan (the QR code), or the QR text itself (an argument starting with
    ``BKCERT1.``, or a text file holding it). The issuer certificate is ``--issuer``, else the
    one in ``$BAKHONG_HOME/keys`` for the workshop named in the code. A certificate of a
    forgotten learner is ``revoked``: its number is on the issuer's revocation list, in
    ``$BAKHONG_HOME/keys`` or beside the ``--issuer`` file. Prints who, what, when
    and the verdict (``--json``: as JSON). Exits 0 when everything verifies, 1 when it does
    not, 2 when the input or the issuer file cannot be read.

A workshop folder literally named ``verify`` is given as ``./verify``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography import x509

    from bakhong.grading.certificates import CertificateCheck

__all__ = ["add_parser", "describe"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()

VERIFY = "verify"
DEFAULT_FOLDER = "giay-chung-nhan"
USAGE = ("bakhong certificate WORKSHOP [--learner CODE] [--out DIR] [--trainer NAME]\n"
         "       bakhong certificate verify FILE.pdf|IMAGE|PAYLOAD [--issuer ISSUER.crt] "
         "[--json]")
VERDICT_TITLES = {
    "valid": "HỢP LỆ / VALID", "modified": "ĐÃ BỊ SỬA / MODIFIED",
    "broken": "CHỮ KÝ HỎNG / BROKEN SIGNATURE", "untrusted": "KHÔNG TIN CẬY / UNTRUSTED",
    "unsigned": "KHÔNG CÓ CHỮ KÝ / UNSIGNED", "no_code": "KHÔNG CÓ MÃ QR / NO QR CODE",
    "damaged": "MÃ QR HỎNG / DAMAGED CODE",
    "unknown_issuer": "KHÔNG RÕ ĐƠN VỊ CẤP / UNKNOWN ISSUER",
    "wrong_issuer": "SAI ĐƠN VỊ CẤP / WRONG ISSUER", "tampered": "MÃ QR BỊ SỬA / TAMPERED CODE",
    "mismatch": "KHÔNG KHỚP / MISMATCH", "revoked": "ĐÃ THU HỒI / REVOKED",
}


# --- issuing -------------------------------------------------------------------------------

def _issue(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives import hashes

    from bakhong.card_commands import card_code
    from bakhong.grading import certificates, settings
    from bakhong.simulators import pki

    root = Path(args.workshop)
    settings.require_workshop(root)  # never make a sandbox in a stray folder
    out = Path(args.out) if args.out else root / DEFAULT_FOLDER
    code = card_code(args.learner) if args.learner else None
    made = certificates.issue(root, learner_code=code, trainer=args.trainer or "")
    written = certificates.write(made, out)
    for item, path in zip(made.certificates, written, strict=True):
        learner = item.achievement.learner
        print(f"  {item.claims.number}  {learner.learner_id}  {learner.full_name} → {path}")
    print(f"Đã cấp / issued: {len(written)} giấy chứng nhận / certificate(s) → {out}")
    print(f"Chưa đạt / not trained yet: {len(made.not_trained)} học viên / learner(s)")
    fingerprint = made.issuer.fingerprint(hashes.SHA256()).hex(":").upper()
    print(f"Chứng thư đơn vị cấp / issuer certificate: "
          f"{out / (made.workshop_id + '-issuer.crt')}")
    print(f"  {pki.common_name(made.issuer)} — SHA-256 {fingerprint}")
    if args.learner and not made.certificates:
        return 1
    return 0


# --- verify --------------------------------------------------------------------------------

def describe(check: CertificateCheck) -> dict[str, Any]:
    """A check as JSON-ready data (what ``verify --json`` prints)."""
    from bakhong.grading.certificates import title_of

    claims = check.claims
    return {
        "kind": check.kind, "verdict": check.verdict, "valid": check.bottom_line,
        "message": check.message, "reason": check.reason, "issuer": check.issuer,
        "code": check.code.verdict if check.code else None,
        "certificate": None if claims is None else {
            "workshop_id": claims.workshop_id, "number": claims.number, "name": claims.name,
            "commune": claims.commune, "issued_on": claims.issued_on.isoformat(),
            "lessons": [{"lesson": lesson, "title": title_of(lesson)}
                        for lesson in claims.lessons],
        },
        "signatures": [{
            "field_name": s.field_name, "verdict": s.verdict, "signer": s.signer,
            "signed_at": s.signed_at.isoformat() if s.signed_at else None,
            "covers_whole_document": s.covers_whole_document, "reason": s.reason,
        } for s in check.signatures],
        "text_matches": check.text_matches,
    }


def _print_text(source: str, check: CertificateCheck) -> None:
    from bakhong.grading.certificates import title_of
    from bakhong.sign_commands import VERDICT_TITLES as SIGNATURE_TITLES

    print(f"{source}: {VERDICT_TITLES[check.verdict]}")
    claims = check.claims
    if claims is not None:
        if not check.bottom_line:
            print("  Nội dung mã, CHƯA XÁC MINH / what the code claims, NOT VERIFIED:")
        print(f"  Học viên / learner: {claims.name} — {claims.commune}")
        print(f"  Số / number: {claims.number}   Ngày cấp / issued: "
              f"{claims.issued_on:%d/%m/%Y}")
        print(f"  Lớp học / workshop: {claims.workshop_id}")
        for lesson in claims.lessons:
            print(f"  Đã đạt / passed: {title_of(lesson)}")
    print(f"  Đơn vị cấp / issuer: {check.issuer or 'không rõ / unknown'}")
    if check.code is not None:
        print(f"  Mã QR / QR code: {VERDICT_TITLES[check.code.verdict]}")
    for signature in check.signatures:
        when = f"{signature.signed_at:%d/%m/%Y %H:%M}" if signature.signed_at else "?"
        print(f"  Chữ ký PDF / PDF signature «{signature.field_name}»: "
              f"{SIGNATURE_TITLES[signature.verdict]} — {signature.signer or '?'}, {when}")
    if check.text_matches is not None:
        same = "khớp / matches" if check.text_matches else "KHÔNG KHỚP / DOES NOT MATCH"
        print(f"  Tên in trên giấy / printed name: {same}")
    print(f"  → {check.message}")
    print(f"  ({check.reason})")


def _load_issuer(path: str | None) -> x509.Certificate | None:
    from bakhong.grading.certificates import UnreadableCertificate
    from bakhong.simulators import pki

    if path is None:
        return None
    try:
        return pki.load_certificate(Path(path).read_bytes())
    except ValueError as err:
        raise UnreadableCertificate(f"{path}: not a certificate ({err})") from err


def _check(target: str, issuer: x509.Certificate | None,
           revocations: Path | None = None) -> CertificateCheck:
    """Judge ``target``: the QR text itself, else a PDF, a picture or a text file by content.

    The issuer's revocation list is read from ``$BAKHONG_HOME/keys`` and from the folder
    ``revocations`` (the one holding the ``--issuer`` file)."""
    from bakhong.grading import certificates

    if target.strip().startswith(f"{certificates.PREFIX}."):  # a payload, or too long a path
        return certificates.verify_payload(target, issuer, revocations=revocations)
    path = Path(target)
    if not path.is_file():
        raise FileNotFoundError(2, "No such file", target)
    data = path.read_bytes()
    if b"%PDF-" in data[:1024]:
        return certificates.verify_pdf(data, issuer, revocations=revocations)
    head = data[:64].lstrip()
    if head.startswith(b"BKCERT"):
        try:
            return certificates.verify_payload(data.decode("ascii"), issuer,
                                               revocations=revocations)
        except UnicodeDecodeError:
            pass  # verify_image says the file is unreadable
    return certificates.verify_image(data, issuer, revocations=revocations)


def _verify(args: argparse.Namespace) -> int:
    from bakhong.grading.certificates import UnreadableCertificate

    try:
        check = _check(args.file, _load_issuer(args.issuer),
                       Path(args.issuer).parent if args.issuer else None)
    except UnreadableCertificate as err:
        print(f"Lỗi / Error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"input": args.file, **describe(check)}, ensure_ascii=False,
                         indent=2))
    else:
        _print_text(args.file, check)
    return 0 if check.bottom_line else 1


def _run(args: argparse.Namespace) -> int:
    issuing = (args.learner, args.out, args.trainer)
    if args.workshop == VERIFY and (args.file is not None or not Path(VERIFY).is_dir()):
        if args.file is None:
            print(f"Lỗi / Error: thiếu tệp cần kiểm tra / missing FILE\nusage: {USAGE}",
                  file=sys.stderr)
            return 2
        if any(option is not None for option in issuing):
            print("Lỗi / Error: --learner, --out, --trainer chỉ dùng khi cấp / only when "
                  "issuing", file=sys.stderr)
            return 2
        return _verify(args)
    if args.file is not None or args.issuer is not None or args.json:
        print(f"Lỗi / Error: tham số thừa / unexpected arguments\nusage: {USAGE}",
              file=sys.stderr)
        return 2
    return _issue(args)


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    """Add ``certificate`` (issue, and ``certificate verify``) to the ``bakhong`` command."""
    help_text = ("Giấy chứng nhận hoàn thành khóa học: cấp và kiểm tra / certificates of "
                 "completion: issue and check")
    command = commands.add_parser("certificate", help=help_text, description=help_text,
                                  usage=USAGE)
    command.set_defaults(func=_run)
    command.add_argument("workshop", metavar="WORKSHOP|verify",
                         help="thư mục lớp học, hoặc «verify» / workshop folder, or «verify»")
    command.add_argument("file", nargs="?", metavar="FILE.pdf|IMAGE|PAYLOAD",
                         help="(verify) tệp PDF, ảnh mã QR hoặc nội dung mã / the PDF, a "
                              "picture of the QR code, or the code's text")
    command.add_argument("--learner", metavar="CODE",
                         help="chỉ học viên có mã thẻ này / only the learner with this card "
                              "code")
    command.add_argument("--out", metavar="DIR",
                         help=f"thư mục ghi PDF (mặc định WORKSHOP/{DEFAULT_FOLDER}) / "
                              "output folder")
    command.add_argument("--trainer", metavar="NAME",
                         help="tên người hướng dẫn in dưới chỗ ký / trainer's name to print")
    command.add_argument("--issuer", metavar="ISSUER.crt",
                         help="(verify) chứng thư của đơn vị tổ chức lớp học (mặc định: "
                              "trong $BAKHONG_HOME/keys) / the workshop issuer's certificate")
    command.add_argument("--json", action="store_true", help="(verify) in JSON / print JSON")
