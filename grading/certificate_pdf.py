"""The printed certificate of completion (:mod:`.certificates`): one A4 landscape page.

**What it says.** «GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC KỸ NĂNG SỐ CƠ BẢN "3 KHÔNG"», the
learner's name *as on the trainer's roster* (never the fictional persona's), the birth year
when the roster has one, commune and province, the lessons, the workshop (folder name and
id), the certificate number, a place for the trainer to sign and a statement that the
workshop of this course kit issues it and that it is no state diploma. It carries no
national motto and no state emblem. A4 landscape, fpdf2 with DejaVu Sans embedded. The
labels are part of the paper, in Vietnamese, so they are not marked for translation (as in
:mod:`bakhong.simulators.civil_papers`). Learner codes (the card's login secret) never appear.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import TYPE_CHECKING

from bakhong.simulators import fonts, qrimage
from bakhong.simulators.clock import VN_TZ

if TYPE_CHECKING:  # fpdf2 takes 0.4 s to import: only the printing function loads it
    from fpdf import FPDF

    from .certificate_codes import Claims
    from .certificates import Achievement


__all__ = [
    "QR_SIZE", "SUBTITLE", "TITLE", "certificate_pdf"
]

TITLE = "GIẤY CHỨNG NHẬN"
SUBTITLE = 'HOÀN THÀNH KHÓA HỌC KỸ NĂNG SỐ CƠ BẢN "3 KHÔNG"'


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
