"""The ``bakhong qr`` commands: make, read and print the sandbox's VietQR payment codes.

Thin over :mod:`bakhong.simulators.vietqr` (the payload text) and
:mod:`bakhong.simulators.qrimage` (the picture):

``bakhong qr encode --bin B --account A [--amount N] [--message M] [--name NAME] [--city CITY]
[--service QRIBFTTA|QRIBFTTC] [--bill BILL]``
    Prints the payload of :func:`~bakhong.simulators.vietqr.build` and exits 0. The amount is
    whole đồng, digits alone or grouped by thousands (``35000``, ``35.000``, ``35,000``). A
    refused argument prints ``Lỗi / Error: <Vietnamese message> (<code>: <English detail>)`` on
    stderr and exits 2. Any BIN may be encoded (it is only text); for a real bank's BIN
    (:data:`~bakhong.simulators.vietqr.BANKS`) a one-line note on stderr says that the sandbox
    never pays real accounts.

``bakhong qr decode PAYLOAD_OR_IMAGE [--json]``
    The argument is a picture (PNG, JPEG, WebP, TIFF, GIF …, any mode a phone or a scanner
    writes, read with :func:`~bakhong.simulators.qrimage.decode_text`) when it names an
    existing file, ``-`` for a payload on stdin, and otherwise the payload itself. The output
    is always JSON on stdout (``--json`` is accepted and changes nothing). Exit codes
    (:data:`EXIT_CODES`): 0 and :func:`describe` for a valid code; 1 and :func:`refusal` when
    the code is not a valid VietQR, or the picture holds no code (a verdict, not a crash); 2
    for a file that exists but cannot be read; 3 for a picture that cannot be read (not a
    picture, damaged or cut short, a format such as HEIC, too large): :func:`refusal` on
    stdout and «Không đọc được ảnh …» (then English) on stderr.

``bakhong qr poster --merchant stall|fruit --out FILE.png|FILE.pdf [--lang vi|en]``
    A printable A4 sign for the workshop wall with a sandbox merchant's static code, the code
    that :meth:`bakhong.simulators.bank.BankSimulator.merchant_codes` shows when no fault is
    on. ``fruit`` is the "swapped sticker" drill, kept as on screen: the sign is Mrs Lụa's
    (title, ``PHAM THI LUA``, her bank and account number), the code pays ``SCAMMER``, so a
    resident who reads the name on the confirm screen refuses the payment. The extension
    chooses the format; any other is refused (exit 2). The file is written whole or not at
    all (:mod:`bakhong.atomic`); a full or read-only disk exits 2 with a message.

The poster itself (what it says, its layout and drawing) is :mod:`bakhong.grading.posters`.

>>> parse_amount("35.000"), parse_amount(None)
(35000, None)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bakhong.simulators import vietqr
from bakhong.simulators.errors import SandboxError

# Every ``bakhong`` command builds this parser: qrimage (qrcode, zxing-cpp, Pillow), the bank
# (SQLAlchemy) and fpdf2 are imported by the functions that use them; the font is found
# without importing matplotlib (bakhong.simulators.fonts).

if TYPE_CHECKING:

    pass

__all__ = ["EXIT_CODES", "add_parser", "describe", "parse_amount", "refusal",
           "unreadable_picture"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()

# --- encode --------------------------------------------------------------------------------

_AMOUNT = re.compile(r"\d+|\d{1,3}(?:([., \u00a0])\d{3})(?:\1\d{3})*")  # NBSP too


def parse_amount(text: str | None) -> int | None:
    """An amount in whole đồng as typed: digits, or thousands grouped by ``.``, ``,`` or a space.

    >>> parse_amount("1.250.000"), parse_amount("50000")
    (1250000, 50000)
    >>> parse_amount("12,5")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
        ...
    BadAmount: Số tiền trong mã QR sai định dạng: chỉ gồm chữ số, không có phần lẻ.
    """
    if text is None:
        return None
    cleaned = text.strip().removesuffix("đ").removesuffix("VND").strip()
    if not _AMOUNT.fullmatch(cleaned):
        raise vietqr.BadAmount(f"amount {text!r} is not a whole number of VND")
    return int(re.sub(r"\D", "", cleaned))


def error_line(err: vietqr.InvalidPayload) -> str:
    """``<Vietnamese message> (<code>: <English detail>)``, as ``encode`` prints a refusal."""
    return f"{err} ({err.code}: {err.detail})" if err.detail else f"{err} ({err.code})"


def real_bank_note(bin_: str) -> str | None:
    """The one-line warning for a real bank's BIN, ``None`` for any other BIN."""
    bank = vietqr.BANKS.get(bin_)
    if bank is None:
        return None
    return (f"Lưu ý / Note: {bin_} là BIN của ngân hàng thật ({bank}); lớp học mô phỏng không "
            f"bao giờ chuyển tiền vào tài khoản thật. / {bin_} is a real bank's BIN ({bank}); "
            "the sandbox never pays real accounts.")


def _encode(args: argparse.Namespace) -> int:
    try:
        payload = vietqr.build(
            bin=args.bin, account=args.account, service=args.service,
            amount=parse_amount(args.amount), purpose=args.message, merchant_name=args.name,
            city=args.city, bill_number=args.bill)
    except vietqr.InvalidPayload as err:
        print(f"Lỗi / Error: {error_line(err)}", file=sys.stderr)
        return 2
    print(payload)
    note = real_bank_note(args.bin)
    if note:
        print(note, file=sys.stderr)
    return 0


# --- decode --------------------------------------------------------------------------------

def _sandbox_bank(bin_: str | None) -> str | None:
    from bakhong.simulators.bank import SANDBOX_BANKS

    return next((bank.name for bank in SANDBOX_BANKS if bank.bin == bin_), None)


def _tree(fields: tuple[vietqr.Field, ...]) -> list[dict[str, Any]]:
    return [{"tag": f.tag, "value": f.value, "sub": None if f.sub is None else _tree(f.sub)}
            for f in fields]


def describe(payment: vietqr.Payment) -> dict[str, Any]:
    """What ``decode`` prints for a valid code: the decoded fields, then the whole tree.

    >>> code = describe(vietqr.parse(vietqr.build(bin="999901", account="8801234567")))
    >>> code["valid"], code["initiation"], code["bank"], code["sandbox_bank"], code["amount"]
    (True, 'static', None, 'Ngân hàng Mô phỏng Sông Mã', None)
    >>> code["fields"][2]["sub"][1]["sub"][0]
    {'tag': '00', 'value': '999901', 'sub': None}
    """
    return {
        "payload": payment.payload, "valid": True, "initiation": payment.initiation,
        "is_vietqr": payment.is_vietqr, "bin": payment.bin, "bank": payment.bank_name,
        "sandbox_bank": _sandbox_bank(payment.bin), "account": payment.account,
        "service": payment.service, "amount": payment.amount, "currency": payment.currency,
        "country": payment.country, "mcc": payment.mcc, "merchant_name": payment.merchant_name,
        "city": payment.city, "bill_number": payment.bill_number, "purpose": payment.purpose,
        "crc": payment.crc, "fields": _tree(payment.fields),
    }


def refusal(err: vietqr.InvalidPayload | SandboxError, payload: str | None = None
            ) -> dict[str, Any]:
    """What ``decode`` prints for a refused payload or picture; ``payload`` when one was read.

    >>> refusal(vietqr.BadCrc("CRC is 53E7, the payload gives 53E6"))["error"]
    'vietqr.crc'
    >>> from bakhong.simulators import qrimage
    >>> refusal(qrimage.NoQrFound())["message"]
    'Không tìm thấy mã QR trong ảnh. Hãy chụp lại cho rõ, đủ cả mã.'
    """
    if isinstance(err, SandboxError):  # str() of these adds the detail; keep the sentence
        message = err.message.format(**err.params) if err.params else err.message
    else:
        message = str(err)
    answer: dict[str, Any] = {"valid": False, "error": err.code, "message": message,
                              "detail": err.detail}
    if payload is not None:
        answer["payload"] = payload
    return answer


EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE_FILE, EXIT_UNREADABLE_PICTURE = 0, 1, 2, 3
EXIT_CODES = {
    EXIT_VALID: "mã VietQR hợp lệ / a valid VietQR code",
    EXIT_INVALID: "không phải mã VietQR hợp lệ, hoặc ảnh không có mã QR / not a valid VietQR "
                  "code, or no QR code in the picture",
    EXIT_UNREADABLE_FILE: "không đọc được tệp / the file cannot be read",
    EXIT_UNREADABLE_PICTURE: "không đọc được ảnh (không phải ảnh, ảnh hỏng hoặc bị cắt dở, "
                             "định dạng như HEIC, ảnh quá lớn) / the picture cannot be read "
                             "(not a picture, damaged or cut short, a format such as HEIC, "
                             "too large)",
}
"""``bakhong qr decode``'s exit codes, as its ``--help`` lists them."""

_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
                b"avif", b"avis")


def unreadable_picture(err: SandboxError, picture: bytes) -> tuple[str, str]:
    """Why a picture cannot be read and what to do, (Vietnamese, English).

    >>> from bakhong.simulators import qrimage
    >>> unreadable_picture(qrimage.NotAnImage(), b"")[1]
    'Cannot read the picture: the file is empty (0 bytes). Take the photo again, ...'
    """
    from bakhong.simulators import qrimage

    advice = ("Hãy chụp lại, hoặc lưu ảnh dạng JPEG hoặc PNG.",
              "Take the photo again, or save it as JPEG or PNG.")
    if isinstance(err, qrimage.TooManyPixels):
        why = (f"ảnh có độ phân giải quá lớn (tối đa {qrimage.MAX_PIXELS // 1_000_000} triệu "
               "điểm ảnh)", f"the picture has too many pixels (at most "
               f"{qrimage.MAX_PIXELS // 1_000_000} megapixels)")
        advice = ("Hãy gửi ảnh nhỏ hơn hoặc chụp lại.", "Send a smaller picture, or take it "
                  "again.")
    elif isinstance(err, qrimage.ImageTooLarge):
        limit = qrimage.MAX_IMAGE_BYTES // (1024 * 1024)
        why = (f"tệp ảnh quá lớn (tối đa {limit} MB)",
               f"the file is too large (at most {limit} MB)")
        advice = ("Hãy gửi ảnh nhỏ hơn hoặc chụp lại.", "Send a smaller picture, or take it "
                  "again.")
    elif not picture:
        why = ("tệp rỗng (0 byte)", "the file is empty (0 bytes)")
    elif picture[4:8] == b"ftyp" and picture[8:12] in _HEIF_BRANDS:
        why = ("ảnh HEIC/HEIF (kiểu ảnh mặc định của iPhone) chưa đọc được",
               "HEIC/HEIF pictures (the iPhone's default) cannot be read")
        advice = ("Hãy chụp màn hình ảnh đó, hoặc lưu lại dạng JPEG (trên iPhone: Cài đặt › "
                  "Camera › Định dạng › Tương thích nhất).",
                  "Take a screenshot of it, or save it as JPEG (on an iPhone: Settings › "
                  "Camera › Formats › Most Compatible).")
    else:
        why = ("tệp không phải ảnh, hoặc ảnh bị hỏng, bị cắt dở hay ở định dạng chưa hỗ trợ",
               "the file is not a picture, or it is damaged, cut short or in a format not "
               "supported")
    return (f"Không đọc được ảnh: {why[0]}. {advice[0]}",
            f"Cannot read the picture: {why[1]}. {advice[1]}")


def _names_a_file(argument: str) -> bool:
    try:
        return Path(argument).is_file()
    except (OSError, ValueError):  # a payload longer than a file name may be, a NUL byte
        return False


def _read_stdin() -> str:
    raw = getattr(sys.stdin, "buffer", None)
    return raw.read().decode("utf-8", errors="replace") if raw else sys.stdin.read()


def _print_json(answer: dict[str, Any]) -> None:
    print(json.dumps(answer, ensure_ascii=False, indent=2))


def _decode(args: argparse.Namespace) -> int:
    from bakhong.simulators import qrimage

    source: str = args.code
    if source == "-":
        text = _read_stdin()
    elif _names_a_file(source):
        try:
            picture = Path(source).read_bytes()
        except OSError as err:
            print(f"Lỗi / Error: không đọc được tệp / cannot read the file: {source} "
                  f"({err.strerror})", file=sys.stderr)
            return 2
        try:
            text = qrimage.decode_text(picture)
        except (qrimage.NotAnImage, qrimage.ImageTooLarge) as err:
            vietnamese, english = unreadable_picture(err, picture)
            _print_json({**refusal(err), "message": vietnamese})
            print(f"Lỗi / Error: {source}: {vietnamese} / {english}", file=sys.stderr)
            return EXIT_UNREADABLE_PICTURE
        except qrimage.QrImageError as err:
            _print_json(refusal(err))
            return EXIT_INVALID
    else:
        text = source
    try:
        payment = vietqr.parse(text)
    except vietqr.InvalidPayload as err:
        _print_json(refusal(err, vietqr.compact(text)))
        return 1
    _print_json(describe(payment))
    return 0


def _poster(args: argparse.Namespace) -> int:
    from bakhong.grading import posters

    out = Path(args.out)
    draw = posters.POSTER_FORMATS.get(out.suffix.lower())
    if draw is None:
        print(f"Lỗi / Error: tệp áp phích phải là .png hoặc .pdf, không phải {out.name!r} / "
              "the poster file must end in .png or .pdf", file=sys.stderr)
        return 2
    from bakhong import atomic

    poster = posters.poster_for(args.merchant, args.lang)
    atomic.write_bytes(out, draw(poster))  # whole, or CannotWrite and nothing
    print(f"Đã tạo áp phích / poster written: {out}  ({poster.title.main}, mã / code "
          f"{poster.payload})")
    return 0


# --- the command line ----------------------------------------------------------------------

def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    """Add ``qr`` and its subcommands to the ``bakhong`` command's subparsers."""
    from bakhong.grading import posters

    help_text = "Mã QR thanh toán VietQR (mô phỏng) / VietQR payment codes (sandbox)"
    qr = commands.add_parser("qr", help=help_text, description=help_text)
    sub = qr.add_subparsers(dest="qr_command", required=True)

    def add(name: str, text: str, func: object) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=text, description=text)
        command.set_defaults(func=func)
        return command

    enc = add("encode", "Tạo nội dung mã VietQR / print a VietQR payload", _encode)
    enc.add_argument("--bin", required=True,
                     help="mã ngân hàng (6 chữ số; mô phỏng: 999901-999903) / bank BIN")
    enc.add_argument("--account", required=True, help="số tài khoản / account number")
    enc.add_argument("--amount", help="số tiền (đồng), có thì là mã động / amount in VND "
                                      "(makes a dynamic code)")
    enc.add_argument("--message", help="nội dung chuyển khoản, không dấu / transfer message")
    enc.add_argument("--name", help="tên người nhận, không dấu / merchant name")
    enc.add_argument("--city", help="thành phố, không dấu / city")
    enc.add_argument("--service", default="QRIBFTTA", metavar="QRIBFTTA|QRIBFTTC",
                     help="đến tài khoản (QRIBFTTA, mặc định) hay thẻ (QRIBFTTC) / "
                          "to an account (default) or a card")
    enc.add_argument("--bill", help="số hóa đơn / bill number")

    dec = add("decode", "Đọc mã VietQR, in ra JSON / read a VietQR code, print JSON", _decode)
    dec.formatter_class = argparse.RawDescriptionHelpFormatter
    dec.epilog = "mã thoát / exit codes:\n" + "\n".join(
        f"  {code}  {text}" for code, text in EXIT_CODES.items())
    dec.add_argument("code", metavar="PAYLOAD_OR_IMAGE",
                     help="nội dung mã, ảnh có mã QR, hoặc - (đọc từ stdin) / "
                          "the payload, a picture of the code, or - for stdin")
    dec.add_argument("--json", action="store_true",
                     help="luôn in JSON (không cần tùy chọn này) / output is always JSON")

    post = add("poster", "In áp phích A4 mã QR của quầy hàng mô phỏng / "
                         "printable A4 poster of a sandbox merchant's code", _poster)
    post.add_argument("--merchant", required=True, choices=posters.MERCHANTS,
                      help="stall: quầy rau cô Hạnh; fruit: quầy trái cây cô Lụa (bài tập mã "
                           "dán đè) / fruit is the swapped-sticker drill")
    post.add_argument("--out", required=True, metavar="FILE.png|FILE.pdf",
                      help="tệp ra, .png (300 dpi) hoặc .pdf / output file")
    post.add_argument("--lang", choices=("vi", "en"), default="vi",
                      help="ngôn ngữ in to (mặc định vi) / main language of the poster")
