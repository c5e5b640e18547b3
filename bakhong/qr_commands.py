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

The poster is built apart from its drawing: :func:`poster_for` says what the sign holds
(:class:`Poster`), :func:`layout` places it on the page in millimetres, and
:func:`draw_png` (Pillow, 300 dpi, 2480×3508) and :func:`draw_pdf` (fpdf2, DejaVu Sans
embedded, the code as an image) draw the same layout.

>>> poster = poster_for("fruit")
>>> poster.sign.main, poster.account
('Chủ tài khoản: PHAM THI LUA', '7702345678')
>>> from bakhong.simulators import vietqr
>>> vietqr.parse(poster.payload).account  # the sticker pays someone else
'0399887766'
>>> parse_amount("35.000"), parse_amount(None)
(35000, None)
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bakhong.simulators import vietqr
from bakhong.simulators.errors import SandboxError

# Every ``bakhong`` command builds this parser: qrimage (qrcode, zxing-cpp, Pillow), the bank
# (SQLAlchemy) and fpdf2 are imported by the functions that use them; the font is found
# without importing matplotlib (bakhong.simulators.fonts).

if TYPE_CHECKING:
    from PIL import Image, ImageFont

    from bakhong.simulators.bank import Payee

__all__ = [
    "EXIT_CODES", "Poster", "add_parser", "describe", "draw_pdf", "draw_png", "layout",
    "parse_amount", "poster_for", "refusal", "unreadable_picture",
]

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


# --- poster: what it says ------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """One line of the sign in the poster's language, and the same in the other language."""

    main: str
    other: str


@dataclass(frozen=True)
class Poster:
    """What a printed merchant sign holds, in the order it is read (built by :func:`poster_for`)."""

    merchant: str
    payload: str  # the code on the sticker
    mark: Line  # «MÔ PHỎNG – KHÔNG PHẢI MÃ THẬT»
    title: Line  # the stall
    sign: Line  # the account holder, as the sign says
    bank: Line
    account: str  # the sign's account number
    account_label: Line
    scan: Line  # «Quét mã bằng ứng dụng ngân hàng mô phỏng của lớp học»


MARK = ("MÔ PHỎNG – KHÔNG PHẢI MÃ THẬT", "SIMULATION – NOT A REAL CODE")
SCAN = ("Quét mã bằng ứng dụng ngân hàng mô phỏng của lớp học",
        "Scan with the class's simulated bank app")
MERCHANTS = ("stall", "fruit")


def _poster_payees(merchant: str) -> tuple[Payee, Payee]:
    """(whose sign it is, who the code pays), as ``merchant_codes`` shows them without faults."""
    from bakhong.simulators import bank

    signs = {"stall": (bank.STALL, bank.STALL), "fruit": (bank.FRUIT, bank.SCAMMER)}
    if merchant not in signs:
        raise ValueError(f"merchant must be one of {', '.join(MERCHANTS)}, not {merchant!r}")
    return signs[merchant]


def poster_for(merchant: str, lang: str = "vi") -> Poster:
    """The sign of a sandbox merchant (``stall`` or ``fruit``), ``lang`` (vi, en) first.

    >>> poster = poster_for("stall", "en")
    >>> poster.title
    Line(main="Mrs Hạnh's vegetable stall", other='Quầy rau cô Hạnh')
    >>> poster.bank.other
    'Ngân hàng: Ngân hàng Mô phỏng Sông Mã (SMB)'
    """
    from bakhong.simulators.bank import SANDBOX_BANKS
    from bakhong.widgets.i18n import translator

    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be vi or en, not {lang!r}")
    sign, pays = _poster_payees(merchant)
    bank = next(b for b in SANDBOX_BANKS if b.bin == sign.bin)
    english = translator("en")

    def line(vi: str, en: str) -> Line:
        vi, en = unicodedata.normalize("NFC", vi), unicodedata.normalize("NFC", en)
        return Line(vi, en) if lang == "vi" else Line(en, vi)

    return Poster(
        merchant=merchant,
        payload=vietqr.build(bin=pays.bin, account=pays.number),
        mark=line(*MARK),
        title=line(sign.title, english(sign.title)),
        sign=line(f"Chủ tài khoản: {sign.holder}", f"Account holder: {sign.holder}"),
        bank=line(f"Ngân hàng: {bank.name} ({bank.short_name})",
                  f"Bank: {bank.name} ({bank.short_name})"),
        account=sign.number,
        account_label=line("Số tài khoản", "Account number"),
        scan=line(*SCAN),
    )


# --- poster: where things go on the page (millimetres, A4 portrait) -------------------------

PAGE = (210.0, 297.0)
MARGIN = 12.0
RED, BLACK, GREY = (200, 16, 16), (20, 20, 20), (90, 90, 90)
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Text:
    """Text centred on ``x`` with its baseline at ``y``; ``size`` in points."""

    x: float
    y: float
    text: str
    size: float
    bold: bool = False
    colour: Colour = BLACK


@dataclass(frozen=True)
class Frame:
    x: float
    y: float
    w: float
    h: float
    colour: Colour
    line: float  # line width, mm


@dataclass(frozen=True)
class Code:
    """The QR code, quiet zone included, in the square ``side`` × ``side`` at (x, y)."""

    x: float
    y: float
    side: float
    payload: str


Item = Text | Frame | Code

QR_SIDE = 130.0
"""Side of the printed code with its 4-module quiet zone, mm (the symbol alone is over 10 cm)."""


def _font_path(bold: bool) -> Path:
    from bakhong.simulators import fonts

    return fonts.dejavu(bold)


@cache
def _font(bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(_font_path(bold)), pixels,
                              layout_engine=ImageFont.Layout.BASIC)


def _width_mm(text: str, size: float, bold: bool) -> float:
    """Printed width of ``text`` at ``size`` points, from the font's advance widths."""
    return _font(bold, 1000).getlength(text) / 1000 * size * 25.4 / 72


def _fitted(x: float, y: float, text: str, size: float, *, bold: bool = False,
            colour: Colour = BLACK, width: float = PAGE[0] - 2 * MARGIN) -> Text:
    """Text at ``size`` points, or smaller so that it fits in ``width`` mm."""
    return Text(x, y, text, min(size, size * width / _width_mm(text, size, bold)), bold, colour)


def layout(poster: Poster) -> list[Item]:
    """The poster's items on an A4 page, top to bottom; the same for PNG and PDF."""
    centre = PAGE[0] / 2
    top = MARGIN
    items: list[Item] = [
        Frame(MARGIN, top, PAGE[0] - 2 * MARGIN, 34, RED, 1.6),
        _fitted(centre, top + 17, poster.mark.main, 34, bold=True, colour=RED,
                width=PAGE[0] - 2 * MARGIN - 12),
        _fitted(centre, top + 28, poster.mark.other, 20, bold=True, colour=RED,
                width=PAGE[0] - 2 * MARGIN - 12),
        _fitted(centre, 68, poster.title.main, 40, bold=True),
        _fitted(centre, 78, poster.title.other, 18, colour=GREY),
        _fitted(centre, 92, poster.sign.main, 26, bold=True),
        _fitted(centre, 100, poster.sign.other, 15, colour=GREY),
    ]
    qr_top = 106.0
    qr_left = centre - QR_SIDE / 2
    items += [
        Frame(qr_left - 1, qr_top - 1, QR_SIDE + 2, QR_SIDE + 2, GREY, 0.5),
        Code(qr_left, qr_top, QR_SIDE, poster.payload),
    ]
    below = qr_top + QR_SIDE
    items += [
        _fitted(centre, below + 11, poster.bank.main, 18),
        _fitted(centre, below + 22, f"{poster.account_label.main}: {poster.account}", 24,
                bold=True),
        _fitted(centre, below + 29, f"{poster.account_label.other}: {poster.account}  ·  "
                f"{poster.bank.other}", 12, colour=GREY),
        _fitted(centre, below + 40, poster.scan.main, 19),
        _fitted(centre, below + 47, poster.scan.other, 13, colour=GREY),
        _fitted(centre, PAGE[1] - 7, f"{poster.mark.main}  ·  {poster.mark.other}", 14,
                bold=True, colour=RED),
    ]
    return items


# --- poster: drawing -----------------------------------------------------------------------

DPI = 300
"""Resolution of the PNG poster: A4 at 300 dpi is 2480×3508 pixels."""


def _qr_modules(payload: str) -> Image.Image:
    """The code at one pixel per module, quiet zone included (what :func:`render_png` draws)."""
    from PIL import Image

    from bakhong.simulators import qrimage

    return Image.open(io.BytesIO(qrimage.render_png(payload, box_size=1, border=4)))


def draw_png(poster: Poster) -> bytes:
    """The poster as an A4 PNG at 300 dpi; the code is scaled by whole pixels per module."""
    from PIL import Image, ImageDraw

    def px(mm: float) -> int:
        return round(mm * DPI / 25.4)

    page = Image.new("RGB", (px(PAGE[0]), px(PAGE[1])), "white")
    draw = ImageDraw.Draw(page)
    for item in layout(poster):
        if isinstance(item, Text):
            font = _font(item.bold, round(item.size * DPI / 72))
            draw.text((px(item.x), px(item.y)), item.text, font=font, fill=item.colour,
                      anchor="ms")
        elif isinstance(item, Frame):
            draw.rectangle((px(item.x), px(item.y), px(item.x + item.w), px(item.y + item.h)),
                           outline=item.colour, width=max(1, px(item.line)))
        else:
            modules = _qr_modules(item.payload)
            scale = px(item.side) // modules.width
            code = modules.resize((modules.width * scale,) * 2, Image.Resampling.NEAREST)
            offset = (px(item.side) - code.width) // 2
            page.paste(code.convert("RGB"), (px(item.x) + offset, px(item.y) + offset))
    out = io.BytesIO()
    page.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def draw_pdf(poster: Poster) -> bytes:
    """The poster as an A4 PDF: DejaVu Sans embedded (the text stays text), the code an image."""
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{poster.title.main} – {poster.mark.main}")
    pdf.set_creator("bakhong qr poster")
    pdf.set_lang("vi")
    pdf.add_font("DejaVu", "", _font_path(False))
    pdf.add_font("DejaVu", "B", _font_path(True))
    pdf.add_page()
    for item in layout(poster):
        if isinstance(item, Text):
            pdf.set_font("DejaVu", "B" if item.bold else "", item.size)
            pdf.set_text_color(*item.colour)
            pdf.text(item.x - pdf.get_string_width(item.text) / 2, item.y, item.text)
        elif isinstance(item, Frame):
            pdf.set_draw_color(*item.colour)
            pdf.set_line_width(item.line)
            # PIL draws a frame's line inside the box; keep the PDF's line there too
            half = item.line / 2
            pdf.rect(item.x + half, item.y + half, item.w - item.line, item.h - item.line)
        else:
            modules = _qr_modules(item.payload)
            # 10 pixels per module: sharp in viewers that smooth enlarged images
            code = modules.resize((modules.width * 10,) * 2, Image.Resampling.NEAREST)
            pdf.image(code.convert("L"), x=item.x, y=item.y, w=item.side, h=item.side,
                      alt_text=poster.mark.main)
    return bytes(pdf.output())


POSTER_FORMATS = {".png": draw_png, ".pdf": draw_pdf}


def _poster(args: argparse.Namespace) -> int:
    out = Path(args.out)
    draw = POSTER_FORMATS.get(out.suffix.lower())
    if draw is None:
        print(f"Lỗi / Error: tệp áp phích phải là .png hoặc .pdf, không phải {out.name!r} / "
              "the poster file must end in .png or .pdf", file=sys.stderr)
        return 2
    from bakhong import atomic

    poster = poster_for(args.merchant, args.lang)
    atomic.write_bytes(out, draw(poster))  # whole, or CannotWrite and nothing
    print(f"Đã tạo áp phích / poster written: {out}  ({poster.title.main}, mã / code "
          f"{poster.payload})")
    return 0


# --- the command line ----------------------------------------------------------------------

def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    """Add ``qr`` and its subcommands to the ``bakhong`` command's subparsers."""
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
    post.add_argument("--merchant", required=True, choices=MERCHANTS,
                      help="stall: quầy rau cô Hạnh; fruit: quầy trái cây cô Lụa (bài tập mã "
                           "dán đè) / fruit is the swapped-sticker drill")
    post.add_argument("--out", required=True, metavar="FILE.png|FILE.pdf",
                      help="tệp ra, .png (300 dpi) hoặc .pdf / output file")
    post.add_argument("--lang", choices=("vi", "en"), default="vi",
                      help="ngôn ngữ in to (mặc định vi) / main language of the poster")
