"""The sandbox's fictional papers, printed as PDF.

**Fictional papers.** :func:`birth_certificate`, :func:`birth_extract`,
:func:`residence_confirmation` and :func:`health_insurance_card` print the newborn
bundle's papers on A4 with fpdf2, DejaVu Sans embedded (the Vietnamese text stays text).
Each is marked «MÔ PHỎNG – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ» in a red band at the top and as a
light diagonal watermark repeated over the page, and takes sandbox ID numbers only
(province code ``000``; anything else raises
:class:`~bakhong.simulators.errors.NotInSandbox`). The PDF's creation date is the
``issued`` argument, never the clock, so the same arguments give the same bytes. The
labels printed on the papers are part of the paper, in Vietnamese like the real one,
so they are not marked for translation.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Literal

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from . import fonts, idnumber, qrimage
from .attachments import _PDFIUM, _png
from .clock import VN_TZ
from .errors import NotInSandbox

if TYPE_CHECKING:  # fpdf2 takes 0.4 s to import: only the printing functions load it
    from fpdf import FPDF

__all__ = [
    "MARK", "SANDBOX_CARD", "Parent", "Sex", "birth_certificate", "birth_extract",
    "fee_receipt", "health_insurance_card", "residence_confirmation", "result_notice",
    "sandbox_card_number", "valid_until_under_six",
]

MARK = "MÔ PHỎNG – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
"""Printed on every fictional paper: "simulation – no legal value"."""

Sex = Literal["nam", "nữ"]


# --- printing: shared page parts (millimetres, A4 portrait) ---------------------------------

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 18.0
RED, INK, GREY = (190, 20, 20), (20, 20, 20), (95, 95, 95)
_FONT = "DejaVu"


def _local(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} needs a time zone (e.g. +07:00), got {moment}")
    return moment.astimezone(VN_TZ)


def _sandbox_id(number: str, field: str) -> str:
    number = idnumber.compact(number)
    if not idnumber.is_sandbox(number):
        raise NotInSandbox(f"{field} is not a sandbox number (province code 000)")
    return number


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _spelled_date(day: date) -> str:
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _new_pdf(title: str, issued: datetime) -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(_local(issued, "issued"))
    pdf.set_title(f"{title} – {MARK}")
    pdf.set_creator("bakhong (mô phỏng)")
    pdf.set_lang("vi")
    pdf.add_font(_FONT, "", fonts.dejavu())
    pdf.add_font(_FONT, "B", fonts.dejavu(bold=True))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    pdf.set_text_color(*INK)
    return pdf


@cache
def _watermark_png() -> bytes:
    """The diagonal watermark, repeated down the page: a transparent A4 picture.

    A picture, not text, so that copying or reading out the page's text (pdftotext, a
    screen reader) does not get the watermark's letters mixed into every line.
    """
    dpi = 100
    size = (round(PAGE_W / 25.4 * dpi), round(PAGE_H / 25.4 * dpi))
    font = ImageFont.truetype(str(fonts.dejavu(bold=True)), round(24 / 72 * dpi),
                              layout_engine=ImageFont.Layout.BASIC)
    line = Image.new("L", (round(font.getlength(MARK)) + 8, round(36 / 72 * dpi)), 0)
    ImageDraw.Draw(line).text((4, line.height // 2), MARK, font=font, fill=255, anchor="lm")
    line = line.rotate(35, resample=Image.Resampling.BICUBIC, expand=True)
    alpha = Image.new("L", size, 0)
    for centre_y in (0.24, 0.5, 0.76):
        at = (size[0] - line.width) // 2, round(size[1] * centre_y) - line.height // 2
        alpha.paste(line, at, line)
    mark = Image.new("RGBA", size, RED)
    mark.putalpha(alpha.point(lambda value: value * 45 // 255))  # light: about 18 %
    return _png(mark)


def _marks(pdf: FPDF) -> None:
    """The red band at the top (text) and the light diagonal watermark (a picture)."""
    pdf.image(io.BytesIO(_watermark_png()), x=0, y=0, w=PAGE_W, h=PAGE_H)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.rect(MARGIN, 7, PAGE_W - 2 * MARGIN, 11)
    pdf.set_font(_FONT, "B", 15)
    pdf.set_text_color(*RED)
    pdf.text((PAGE_W - pdf.get_string_width(MARK)) / 2, 15, MARK)
    pdf.set_text_color(*INK)


def _heading(pdf: FPDF, agency: Sequence[str], title: str, under_title: str = "") -> None:
    """Issuing agency (left), the national motto (right), the title and what follows it."""
    top, column = 24.0, (PAGE_W - 2 * MARGIN) / 2
    for index, line in enumerate(agency):
        pdf.set_font(_FONT, "B" if index == len(agency) - 1 else "", 10)
        pdf.set_xy(MARGIN - 4, top + 5 * index)
        pdf.cell(column, 5, line, align="C")
    pdf.set_xy(MARGIN + column - 4, top)
    pdf.set_font(_FONT, "B", 10)
    pdf.cell(column + 8, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    pdf.set_xy(MARGIN + column - 4, top + 5)
    pdf.set_font(_FONT, "B", 10.5)
    pdf.cell(column + 8, 5, "Độc lập - Tự do - Hạnh phúc", align="C")
    pdf.set_font(_FONT, "B", 19)
    pdf.set_xy(MARGIN, top + 22)
    pdf.cell(PAGE_W - 2 * MARGIN, 10, title, align="C")
    pdf.set_xy(MARGIN, top + 32)
    if under_title:
        pdf.set_font(_FONT, "", 11)
        pdf.cell(PAGE_W - 2 * MARGIN, 6, under_title, align="C")
    pdf.set_xy(MARGIN, top + 44)


def _rows(pdf: FPDF, rows: Sequence[tuple[str, str]], *, size: float = 11.5) -> None:
    """``label: value`` lines, the value bold, wrapped inside the margins."""
    height = size * 0.55
    for label, value in rows:
        pdf.set_x(pdf.l_margin)
        pdf.set_font(_FONT, "", size)
        pdf.write(height, f"{label}: ")
        pdf.set_font(_FONT, "B", size)
        pdf.write(height, value or "…………………………")
        pdf.ln(height * 1.45)


def _signatures(pdf: FPDF, left: Sequence[str], right: Sequence[str], top: float) -> None:
    """Two signature blocks; the first line of each bold, the second a note in brackets."""
    column = (PAGE_W - 2 * MARGIN) / 2
    for x, lines in ((MARGIN, left), (MARGIN + column, right)):
        for index, line in enumerate(lines):
            pdf.set_font(_FONT, "B" if index == 0 else "", 11 if index == 0 else 9.5)
            pdf.set_xy(x, top + 6 * index)
            pdf.cell(column, 6, line, align="C")


def _print(title: str, issued: datetime, body: Callable[[FPDF], None], *,
           with_body: bool = True, with_marks: bool = True) -> bytes:
    pdf = _new_pdf(title, issued)
    if with_body:
        body(pdf)
    if with_marks:
        _marks(pdf)  # over the body, so that no part of the page escapes it
    return bytes(pdf.output())


def _raster(document: bytes, dpi: int) -> Image.Image:
    with _PDFIUM:
        pdf = pdfium.PdfDocument(document)
        try:
            picture: Image.Image = pdf[0].render(scale=dpi / 72).to_pil()
            return picture.convert("RGB")
        finally:
            pdf.close()


def _bad_photo(title: str, issued: datetime, body: Callable[[FPDF], None]) -> bytes:
    """The paper as a blurred, washed-out, tilted phone photo: pixels, no text.

    The body is blurred; the marks are laid over it sharp (they must stay readable), and
    the page is one JPEG, so no text can be extracted from it.
    """
    dpi = 110
    paper = _raster(_print(title, issued, body, with_marks=False), dpi)
    paper = paper.filter(ImageFilter.GaussianBlur(radius=3.0))
    paper = ImageEnhance.Contrast(paper).enhance(0.4)
    paper = ImageEnhance.Brightness(paper).enhance(1.08)
    marks = _raster(_print(title, issued, body, with_body=False), dpi)
    photo = ImageChops.darker(paper, marks)
    photo = photo.rotate(1.3, resample=Image.Resampling.BICUBIC, fillcolor=(214, 210, 198))
    jpeg = io.BytesIO()
    photo.save(jpeg, format="JPEG", quality=55)
    pdf = _new_pdf(title, issued)
    pdf.image(jpeg, x=0, y=0, w=PAGE_W, h=PAGE_H, alt_text=f"{title} (ảnh chụp mờ) – {MARK}")
    return bytes(pdf.output())


# --- the papers ----------------------------------------------------------------------------

def birth_certificate(*, certificate_number: str, hospital: str, mother_name: str,
                      mother_birth_year: int, mother_id_number: str, address: str,
                      born_at: datetime, child_sex: Sex, weight_grams: int,
                      child_name: str = "", mother_ethnicity: str = "Kinh",
                      health_department: str = "SỞ Y TẾ THANH HÓA", issued: datetime,
                      legible: bool = True) -> bytes:
    """«GIẤY CHỨNG SINH», the hospital's birth certificate (after Thông tư 17/2012/TT-BYT).

    ``legible=False`` prints it as a bad phone photo of the paper (blurred, washed out,
    slightly tilted, one JPEG with no text in it): what an official answers with a
    supplement request. ``born_at`` and ``issued`` must be timezone-aware.
    """
    mother_id = _sandbox_id(mother_id_number, "mother_id_number")
    born = _local(born_at, "born_at")
    day = _local(issued, "issued").date()

    def body(pdf: FPDF) -> None:
        _heading(pdf, (health_department, hospital.upper()), "GIẤY CHỨNG SINH",
                 f"Số: {certificate_number}/GCS")
        _rows(pdf, [
            ("Họ và tên mẹ / người nuôi dưỡng", mother_name),
            ("Năm sinh", str(mother_birth_year)),
            ("Số định danh cá nhân", mother_id),
            ("Dân tộc", mother_ethnicity),
            ("Nơi đăng ký thường trú", address),
            ("Đã sinh con vào lúc", f"{born:%H} giờ {born:%M} phút, {_spelled_date(born)}"),
            ("Tại", hospital),
            ("Giới tính của con", child_sex.capitalize()),
            ("Cân nặng", f"{weight_grams} gam"),
            ("Dự định đặt tên con", child_name),
        ])
        pdf.set_font(_FONT, "", 10.5)
        pdf.set_xy(MARGIN + (PAGE_W - 2 * MARGIN) / 2, pdf.get_y() + 6)
        pdf.cell((PAGE_W - 2 * MARGIN) / 2, 6, _spelled_date(day).capitalize(), align="C")
        _signatures(pdf, ("Người đỡ đẻ", "(Ký, ghi rõ họ tên, chức danh)"),
                    ("Thủ trưởng cơ sở y tế", "(Ký, ghi rõ họ tên, đóng dấu)"),
                    pdf.get_y() + 7)

    if legible:
        return _print("GIẤY CHỨNG SINH", issued, body)
    return _bad_photo("GIẤY CHỨNG SINH", issued, body)


@dataclass(frozen=True)
class Parent:
    """A parent as the birth register records them."""

    name: str
    birth_year: int
    residence: str
    ethnicity: str = "Kinh"
    nationality: str = "Việt Nam"


def _parent_rows(role: str, parent: Parent | None) -> list[tuple[str, str]]:
    if parent is None:  # left blank, as on the register when the father is not declared
        return [(f"Họ, chữ đệm, tên người {role}", "")]
    return [
        (f"Họ, chữ đệm, tên người {role}", parent.name),
        ("Năm sinh", str(parent.birth_year)),
        ("Dân tộc", parent.ethnicity), ("Quốc tịch", parent.nationality),
        ("Nơi cư trú", parent.residence),
    ]


def birth_extract(*, child_name: str, child_sex: Sex, born_on: date, birth_place: str,
                  child_id_number: str, mother: Parent, father: Parent | None = None,
                  ethnicity: str = "Kinh", nationality: str = "Việt Nam",
                  registration_number: str, registered_on: date, authority: str,
                  dossier_code: str, issued: datetime) -> bytes:
    """«TRÍCH LỤC KHAI SINH (BẢN ĐIỆN TỬ)»: the e-extract of the birth register.

    ``authority`` is the registering commune, as printed («UBND xã Thiệu Trung»). A QR
    code at the bottom left holds ``dossier_code`` (e.g. ``H56.14-260812-0003``).
    """
    child_id = _sandbox_id(child_id_number, "child_id_number")
    code_png = qrimage.render_png(dossier_code, box_size=8, border=4)

    def body(pdf: FPDF) -> None:
        _heading(pdf, (authority.upper(),), "TRÍCH LỤC KHAI SINH (BẢN ĐIỆN TỬ)",
                 f"Số: {registration_number}")
        rows = [
            ("Họ, chữ đệm, tên", child_name), ("Ngày, tháng, năm sinh", _dmy(born_on)),
            ("Giới tính", child_sex.capitalize()), ("Dân tộc", ethnicity),
            ("Quốc tịch", nationality), ("Nơi sinh", birth_place),
            ("Số định danh cá nhân", child_id),
            *_parent_rows("mẹ", mother), *_parent_rows("cha", father),
            ("Nơi đăng ký khai sinh", authority),
            ("Ngày, tháng, năm đăng ký", _dmy(registered_on)),
        ]
        _rows(pdf, rows, size=10.5)
        top = pdf.get_y() + 4
        pdf.image(io.BytesIO(code_png), x=MARGIN, y=top, w=32, h=32,
                  alt_text=f"Mã hồ sơ {dossier_code}")
        pdf.set_font(_FONT, "", 8.5)
        pdf.set_xy(MARGIN - 4, top + 32)
        pdf.cell(40, 4, dossier_code, align="C")
        _signatures(pdf, (), ("Người ký trích lục", "(Đã ký số – mô phỏng)", authority), top)

    return _print("TRÍCH LỤC KHAI SINH", issued, body)


def residence_confirmation(*, person_name: str, born_on: date, sex: Sex, id_number: str,
                           permanent_address: str, household_head: str, authority: str,
                           issued: datetime, relation_to_head: str = "Con",
                           household_head_id_number: str = "",
                           registered_on: date | None = None,
                           document_number: str = "") -> bytes:
    """«XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ»: the child's permanent residence at the household.

    ``authority`` is the registering police («Công an xã Thiệu Trung»); ``relation_to_head``
    as the register writes it («Con», «Cháu»); ``registered_on`` defaults to the day of
    ``issued``. An empty ``household_head_id_number`` or ``document_number`` is left blank.
    """
    person_id = _sandbox_id(id_number, "id_number")
    head_id = (_sandbox_id(household_head_id_number, "household_head_id_number")
               if household_head_id_number else "")
    day = _local(issued, "issued").date()
    registered = registered_on or day

    def body(pdf: FPDF) -> None:
        _heading(pdf, ("BỘ CÔNG AN", authority.upper()), "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
                 f"Số: {document_number}" if document_number else "")
        pdf.set_font(_FONT, "", 11.5)
        pdf.set_x(MARGIN)
        pdf.multi_cell(0, 6.5, f"{authority} xác nhận thông tin về cư trú của công dân "
                               "như sau:")
        pdf.ln(2)
        _rows(pdf, [
            ("Họ, chữ đệm và tên", person_name), ("Ngày, tháng, năm sinh", _dmy(born_on)),
            ("Giới tính", sex.capitalize()), ("Số định danh cá nhân", person_id),
            ("Nơi thường trú", permanent_address),
            ("Ngày đăng ký thường trú", _dmy(registered)),
            ("Họ, chữ đệm và tên chủ hộ", household_head),
            ("Số định danh cá nhân của chủ hộ", head_id),
            ("Quan hệ với chủ hộ", relation_to_head),
        ])
        pdf.set_font(_FONT, "", 10.5)
        pdf.set_xy(MARGIN + (PAGE_W - 2 * MARGIN) / 2, pdf.get_y() + 6)
        pdf.cell((PAGE_W - 2 * MARGIN) / 2, 6, _spelled_date(day).capitalize(), align="C")
        _signatures(pdf, (), ("Thủ trưởng cơ quan đăng ký cư trú",
                              "(Đã ký số – mô phỏng)"), pdf.get_y() + 7)

    return _print("XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", issued, body)


SANDBOX_CARD = re.compile(r"TE100(00\d{8})")
"""Sandbox health-insurance card numbers (the 15-character layout of the cards before
2021): ``TE`` (children under 6), benefit level ``1``, province ``00`` (no province has
it, like ID numbers' ``000``), then the 10-digit social-insurance number, which here also
starts ``00``: ``TE1 00 00xxxxxxxx``."""


def sandbox_card_number(serial: int) -> str:
    """The sandbox card number with ``serial`` (0 … 99,999,999).

    >>> sandbox_card_number(12345)
    'TE1000000012345'
    >>> SANDBOX_CARD.fullmatch(sandbox_card_number(12345)).group(1)  # social-insurance no.
    '0000012345'
    """
    if not 0 <= serial < 10**8:
        raise ValueError(f"serial must be 0 … 99999999, not {serial}")
    return f"TE100{serial:010d}"


def valid_until_under_six(born_on: date) -> date:
    """The last day a child's under-6 card is valid: the day before the 6th birthday.

    >>> valid_until_under_six(date(2026, 8, 12))
    datetime.date(2032, 8, 11)
    >>> valid_until_under_six(date(2024, 2, 29))  # no 29 February in 2030
    datetime.date(2030, 2, 28)
    """
    if born_on.month == 2 and born_on.day == 29:
        return date(born_on.year + 6, 3, 1) - timedelta(days=1)
    return born_on.replace(year=born_on.year + 6) - timedelta(days=1)


def health_insurance_card(*, card_number: str, name: str, born_on: date, sex: Sex,
                          address: str, hospital: str, issued: datetime,
                          valid_from: date | None = None,
                          issuer: str = "BẢO HIỂM XÃ HỘI TỈNH THANH HÓA") -> bytes:
    """«THẺ BẢO HIỂM Y TẾ» of a child under 6, printed card-sized in a frame on A4.

    ``card_number`` must match :data:`SANDBOX_CARD` (see :func:`sandbox_card_number`);
    valid from ``valid_from`` (default: the birth date) to :func:`valid_until_under_six`;
    ``hospital`` is where the child is registered for first-line care.
    """
    match = SANDBOX_CARD.fullmatch(card_number)
    if match is None:
        raise NotInSandbox("card_number is not a sandbox card number (TE100…)")
    start = valid_from or born_on
    end = valid_until_under_six(born_on)

    def body(pdf: FPDF) -> None:
        _heading(pdf, ("BẢO HIỂM XÃ HỘI VIỆT NAM", issuer), "THẺ BẢO HIỂM Y TẾ",
                 "Trẻ em dưới 6 tuổi")
        top = pdf.get_y()
        pdf.set_left_margin(MARGIN + 6)  # the lines wrap inside the card's frame
        pdf.set_right_margin(MARGIN + 6)
        pdf.set_y(top + 5)
        _rows(pdf, [
            ("Số thẻ", card_number), ("Mã số BHXH", match.group(1)),
            ("Họ và tên", name), ("Ngày sinh", _dmy(born_on)),
            ("Giới tính", sex.capitalize()), ("Địa chỉ", address),
            ("Nơi đăng ký khám chữa bệnh ban đầu", hospital),
            ("Giá trị sử dụng", f"từ {_dmy(start)} đến {_dmy(end)}"),
        ])
        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.5)
        pdf.rect(MARGIN, top, PAGE_W - 2 * MARGIN, pdf.get_y() - top + 2, round_corners=True)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)

    return _print("THẺ BẢO HIỂM Y TẾ", issued, body)


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def fee_receipt(*, fee_id: str, dossier_code: str, payer: str,
                items: Sequence[tuple[str, int]], amount: int, reference: str,
                paid_at: datetime, issued: datetime | None = None) -> bytes:
    """«BIÊN LAI THU PHÍ, LỆ PHÍ» of a dossier paid online (the portal's payment platform).

    ``items`` are (what, amount) lines; ``reference`` is the bank's transaction reference.
    """
    paid = _local(paid_at, "paid_at")

    def body(pdf: FPDF) -> None:
        _heading(pdf, ("CỔNG DỊCH VỤ CÔNG (MÔ PHỎNG)", "NỀN TẢNG THANH TOÁN"),
                 "BIÊN LAI THU PHÍ, LỆ PHÍ", f"Số: {fee_id}")
        _rows(pdf, [("Người nộp", payer), ("Mã hồ sơ", dossier_code),
                    *((title, _money(value)) for title, value in items),
                    ("Tổng số tiền", _money(amount)), ("Hình thức", "Thanh toán trực tuyến"),
                    ("Mã giao dịch ngân hàng", reference),
                    ("Thời gian thanh toán", f"{paid:%H:%M} {_spelled_date(paid.date())}")])
        _signatures(pdf, ("Người nộp tiền", "(đã xác thực điện tử)"),
                    ("Đơn vị thu", "(ký điện tử – mô phỏng)"), pdf.get_y() + 10)

    return _print("BIÊN LAI THU PHÍ, LỆ PHÍ", issued or paid_at, body)


def result_notice(*, title: str, procedure: str, dossier_code: str, holder: str,
                  lines: Sequence[tuple[str, str]], issued: datetime,
                  authority: str = "CƠ QUAN GIẢI QUYẾT (MÔ PHỎNG)") -> bytes:
    """The result of a procedure that has no paper of its own here: what was asked, granted.

    ``title`` is the result's name (e.g. «Phiếu lý lịch tư pháp»), ``lines`` the dossier's
    form as (field, value).
    """
    moment = _local(issued, "issued")

    def body(pdf: FPDF) -> None:
        _heading(pdf, (authority,), title.upper(), procedure)
        _rows(pdf, [("Mã hồ sơ", dossier_code), ("Người yêu cầu", holder),
                    *((label, value) for label, value in lines if value)], size=10.5)
        _signatures(pdf, ("", ""), (f"{_spelled_date(moment.date())}",
                                    "(ký điện tử – mô phỏng)"), pdf.get_y() + 8)

    return _print(title.upper(), issued, body)


def simple_paper(*, title: str, agency: Sequence[str], rows: Sequence[tuple[str, str]],
                 issued: datetime, under_title: str = "",
                 left: Sequence[str] = ("", ""),
                 right: Sequence[str] = ("", "(ký điện tử – mô phỏng)")) -> bytes:
    """A one-page paper: the heading, ``label: value`` rows, two signature blocks.

    For the papers that need nothing more: a contract, a notice, a form to sign.
    """
    moment = _local(issued, "issued")

    def body(pdf: FPDF) -> None:
        _heading(pdf, agency, title, under_title)
        _rows(pdf, rows, size=10.5)
        top = min(pdf.get_y() + 8, PAGE_H - 50)
        _signatures(pdf, left, (right[0] or _spelled_date(moment.date()), *right[1:]), top)

    return _print(title, issued, body)
