"""The printable A4 merchant sign (``bakhong qr poster``): what it says, where it goes, and
its drawing, beside the learner cards (:mod:`.cards`) and certificates.

``fruit`` is the "swapped sticker" drill, kept as on screen: the sign is Mrs Lụa's (title,
``PHAM THI LUA``, her bank and account number), the code pays ``SCAMMER``, so a resident
who reads the name on the confirm screen refuses the payment.

The poster is built apart from its drawing: :func:`poster_for` says what the sign holds
(:class:`Poster`), :func:`layout` places it on the page in millimetres, and
:func:`draw_png` (Pillow, 300 dpi, 2480×3508) and :func:`draw_pdf` (fpdf2, DejaVu Sans
embedded, the code as an image) draw the same layout. Pillow, fpdf2 and the bank are
imported by the functions that use them: the ``bakhong`` command line imports this module
for :data:`MERCHANTS`.

>>> poster = poster_for("fruit")
>>> poster.sign.main, poster.account
('Chủ tài khoản: PHAM THI LUA', '7702345678')
>>> from bakhong.simulators import vietqr
>>> vietqr.parse(poster.payload).account  # the sticker pays someone else
'0399887766'
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bakhong.simulators import vietqr

if TYPE_CHECKING:
    from PIL import Image, ImageFont

    from bakhong.simulators.bank import Payee

__all__ = ["MERCHANTS", "POSTER_FORMATS", "Line", "Poster", "draw_pdf", "draw_png", "layout",
           "poster_for"]


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
