"""The ``bakhong sign`` commands: a sandbox-signed sample PDF, and checking signed PDFs.

Thin over :mod:`bakhong.simulators.pki` (the sandbox CA) and
:mod:`bakhong.simulators.pades` (signing and verification):

``bakhong sign demo-pdf --out FILE.pdf``
    Creates a sandbox PKI, issues a personal certificate to a fictional persona, prints a
    small form («Đơn đề nghị») and signs it with a visible stamp, the chain and the CRL
    embedded. Writes ``FILE.pdf`` and the PKI's root certificate beside it as
    ``FILE-root.pem``, so that a verifier (this command, or ``pdfsig`` with the root in an
    NSS database) can trust it; both files, or neither (:mod:`bakhong.atomic`). Exits 0; 2
    for a full or read-only disk.

``bakhong sign verify FILE.pdf [--json] [--root ROOT.pem ...] [--crl FILE.crl]``
    Prints, for each signature, who signed, when, whether the document changed after
    signing, and whether the certificate chains to the sandbox root and was valid then.
    Without ``--root``, ``FILE-root.pem`` beside the file is trusted if it exists; otherwise
    nothing is, and every signature is untrusted. Exits 0 when there is at least one
    signature and every one is valid, 1 otherwise, 2 for a file that is not a PDF (or an
    unreadable root or CRL file).

pyHanko is imported by the functions that use it: every ``bakhong`` command builds this
parser.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography import x509

    from bakhong.simulators.pades import SignatureVerdict

__all__ = ["add_parser", "describe", "root_beside"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()

DEMO_PERSONA = ("Lê Thị Hoa", "nữ", 1985, 12345, "Thanh Hóa")
"""The fictional signer of the sample: name, sex, birth year, ID serial, province."""

VERDICT_TITLES = {
    "valid": "HỢP LỆ / VALID", "modified": "ĐÃ BỊ SỬA / MODIFIED", "invalid": "HỎNG / INVALID",
    "untrusted": "KHÔNG TIN CẬY / UNTRUSTED", "expired": "HẾT HẠN / EXPIRED",
    "revoked": "BỊ THU HỒI / REVOKED",
}
CERTIFICATE_LINES = {
    "valid": "thuộc CA mô phỏng, còn hiệu lực lúc ký / chains to the sandbox root, valid then",
    "untrusted": "không thuộc CA mô phỏng đã cho / does not chain to the sandbox root",
    "expired": "hết hạn hoặc chưa có hiệu lực lúc ký / expired or not yet valid then",
    "revoked": "đã bị thu hồi trước lúc ký / revoked before the signing time",
    None: "không kiểm tra được / cannot be checked",
}


def root_beside(pdf: Path) -> Path:
    """Where ``demo-pdf`` writes the root certificate of ``pdf``: ``FILE-root.pem``.

    >>> root_beside(Path("out/mau.pdf")).as_posix()
    'out/mau-root.pem'
    """
    return pdf.with_name(f"{pdf.stem}-root.pem")


# --- demo-pdf ------------------------------------------------------------------------------

def _demo_pdf(args: argparse.Namespace) -> int:
    from bakhong import atomic
    from bakhong.simulators import civil_papers, idnumber, pades, pki
    from bakhong.simulators.clock import SystemClock, seeded_random

    out = Path(args.out)
    now = SystemClock().now().replace(microsecond=0)
    rng = seeded_random("sign demo-pdf", now.isoformat())
    name, sex, born, serial, province = DEMO_PERSONA
    number = idnumber.make_sandbox_number(sex, born, serial)
    sandbox = pki.SandboxPKI.create("demo", now=now, rng=rng)
    signer = sandbox.issue(full_name=name, id_number=number, province=province, now=now,
                           rng=rng)
    form = civil_papers.result_notice(
        title="Đơn đề nghị", procedure="Văn bản mẫu để thực hành ký số",
        dossier_code="KYSO-MAU-0001", holder=name,
        lines=[("Số định danh cá nhân", number), ("Nơi cư trú", f"Xã Thọ Long, {province}"),
               ("Nội dung đề nghị", "Cấp bản sao trích lục khai sinh"),
               ("Số bản", "01")],
        issued=now)
    signed = pades.sign_pdf(form, key=signer.key, cert=signer.certificate,
                            chain=sandbox.chain, when=now, reason="Đồng ý với nội dung đơn",
                            location=province, box=(320, 50, 560, 130),
                            crl=sandbox.crl(now))
    with atomic.files() as batch:  # both files, or (a full or read-only disk) neither
        batch.write_bytes(out, signed)
        batch.write_bytes(root_beside(out), pki.certificate_pem(sandbox.root.certificate))
    print(f"Đã tạo văn bản ký số mẫu / signed sample written: {out}")
    print(f"  Người ký / signer: {name} (CCCD {number}), chứng thư số mô phỏng / "
          "sandbox certificate")
    print(f"  Chứng thư gốc để kiểm tra / root certificate to trust: {root_beside(out)}")
    print(f"Kiểm tra / verify: bakhong sign verify {out}")
    return 0


# --- verify --------------------------------------------------------------------------------

def _document_changed(verdict: SignatureVerdict) -> bool | None:
    if verdict.verdict == "invalid":
        return None  # a broken signature tells nothing about the document
    return verdict.verdict == "modified"


def describe(verdict: SignatureVerdict) -> dict[str, Any]:
    """A verdict as JSON-ready data (what ``verify --json`` prints for each signature)."""
    return {
        "field_name": verdict.field_name, "verdict": verdict.verdict,
        "bottom_line": verdict.bottom_line, "signer": verdict.signer,
        "id_number": verdict.id_number,
        "signed_at": verdict.signed_at.isoformat() if verdict.signed_at else None,
        "covers_whole_document": verdict.covers_whole_document,
        "document_changed": _document_changed(verdict),
        "certificate": verdict.certificate, "message": verdict.message,
        "reason": verdict.reason,
    }


def _document_line(verdict: SignatureVerdict) -> str:
    changed = _document_changed(verdict)
    if changed is None:
        return "không kiểm tra được / cannot be checked"
    if changed:
        return "ĐÃ BỊ SỬA sau khi ký / CHANGED after signing"
    if verdict.covers_whole_document:
        return "không đổi / unchanged"
    return ("chỉ thêm chữ ký hoặc dữ liệu kiểm tra, nội dung không đổi / "
            "only later signatures or validation data, content unchanged")


def _print_text(pdf: Path, verdicts: list[SignatureVerdict], roots: list[Path]) -> None:
    trusted = ", ".join(map(str, roots)) or "không có / none"
    print(f"{pdf}: {len(verdicts)} chữ ký / signature(s); tin cậy / trusting: {trusted}")
    for index, verdict in enumerate(verdicts, 1):
        when = (f"{verdict.signed_at:%d/%m/%Y %H:%M:%S} (giờ Việt Nam / Vietnam time)"
                if verdict.signed_at else "không rõ / unknown")
        number = f" — CCCD {verdict.id_number}" if verdict.id_number else ""
        print(f"Chữ ký {index} / signature {index} «{verdict.field_name}»: "
              f"{VERDICT_TITLES[verdict.verdict]}")
        print(f"  Người ký / signer: {verdict.signer or '?'}{number}")
        print(f"  Lúc ký / signed at: {when}")
        print(f"  Văn bản sau khi ký / document after signing: {_document_line(verdict)}")
        print(f"  Chứng thư số / certificate: {CERTIFICATE_LINES[verdict.certificate]}")
        print(f"  → {verdict.message}")
        print(f"  ({verdict.reason})")


def _load_roots(paths: list[Path]) -> list[x509.Certificate]:
    from bakhong.simulators import pki

    return [pki.load_certificate(path.read_bytes()) for path in paths]


def _verify(args: argparse.Namespace) -> int:
    from bakhong.simulators import pades, pki

    pdf = Path(args.file)
    data = pdf.read_bytes()
    root_paths = [Path(p) for p in args.root or []]
    if not root_paths and root_beside(pdf).is_file():
        root_paths = [root_beside(pdf)]
    try:
        roots = _load_roots(root_paths)
        crl = Path(args.crl).read_bytes() if args.crl else None
        if crl is not None:
            pki.load_crl(crl)
    except ValueError as err:
        print(f"Lỗi / Error: chứng thư gốc hoặc CRL không đọc được / unreadable root or CRL: "
              f"{err}", file=sys.stderr)
        return 2
    verdicts = pades.verify_pdf(data, roots=roots, crl=crl)
    ok = bool(verdicts) and all(v.bottom_line for v in verdicts)
    if args.json:
        print(json.dumps({"file": str(pdf), "roots": [str(p) for p in root_paths],
                          "all_valid": ok, "signatures": [describe(v) for v in verdicts]},
                         ensure_ascii=False, indent=2))
    else:
        if not root_paths:
            print("Chú ý / note: không có chứng thư gốc (--root, hoặc FILE-root.pem) / "
                  "no root certificate: no signature can be trusted", file=sys.stderr)
        _print_text(pdf, verdicts, root_paths)
        if not verdicts:
            print("Tệp không có chữ ký số / the file has no signatures")
    return 0 if ok else 1


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    """Add ``sign`` and its subcommands to the ``bakhong`` command's subparsers."""
    help_text = "Chữ ký số cá nhân (mô phỏng) / personal digital signatures (sandbox)"
    sign = commands.add_parser("sign", help=help_text, description=help_text)
    sub = sign.add_subparsers(dest="sign_command", required=True)

    def add(name: str, text: str, func: object) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=text, description=text)
        command.set_defaults(func=func)
        return command

    demo = add("demo-pdf", "Tạo văn bản PDF mẫu đã ký số bằng CA mô phỏng / write a sample "
                           "PDF signed under a sandbox CA", _demo_pdf)
    demo.add_argument("--out", required=True, metavar="FILE.pdf",
                      help="tệp PDF ra; chứng thư gốc ghi vào FILE-root.pem / output PDF; "
                           "the root certificate goes to FILE-root.pem")
    check = add("verify", "Kiểm tra chữ ký số trong tệp PDF / check the signatures of a PDF",
                _verify)
    check.add_argument("file", metavar="FILE.pdf", help="tệp PDF cần kiểm tra / the PDF")
    check.add_argument("--json", action="store_true", help="in JSON / print JSON")
    check.add_argument("--root", action="append", metavar="ROOT.pem",
                       help="chứng thư gốc tin cậy (lặp lại được; mặc định FILE-root.pem) / "
                            "trusted root certificate (repeatable; default FILE-root.pem)")
    check.add_argument("--crl", metavar="FILE.crl",
                       help="danh sách thu hồi (DER hoặc PEM) / certificate revocation list")
