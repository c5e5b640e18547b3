"""Attachments (type from content, typed refusals, page pictures) and the fictional papers."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image

from bakhong.simulators import attachments, fonts, qrimage
from bakhong.simulators import civil_papers as printed
from bakhong.simulators.attachments import (
    AttachmentInfo,
    DamagedImage,
    DamagedPdf,
    DocumentError,
    EmptyFile,
    EncryptedPdf,
    FileTooLarge,
    TooManyPages,
    TooManyPixels,
    UnsupportedType,
    check_attachment,
    page_images,
)
from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.errors import NotInSandbox

ISSUED = datetime(2026, 8, 13, 10, 0, tzinfo=VN_TZ)
ADDRESS = "Thôn Trung Thành, xã Thiệu Trung, tỉnh Thanh Hóa"
DOSSIER = "H56.14-260813-0003"

CERTIFICATE: dict[str, Any] = dict(
    certificate_number="0123", hospital="Bệnh viện Đa khoa huyện Thiệu Hóa",
    mother_name="Lê Thị Hồng Nhung", mother_birth_year=1995, mother_id_number="000195012345",
    address=ADDRESS, born_at=datetime(2026, 8, 12, 9, 30, tzinfo=VN_TZ), child_sex="nữ",
    weight_grams=3200, child_name="Nguyễn Thị Bảo Ngọc", issued=ISSUED)
EXTRACT: dict[str, Any] = dict(
    child_name="Nguyễn Thị Bảo Ngọc", child_sex="nữ", born_on=date(2026, 8, 12),
    birth_place="Bệnh viện Đa khoa huyện Thiệu Hóa, tỉnh Thanh Hóa",
    child_id_number="000326012345", mother=printed.Parent("Lê Thị Hồng Nhung", 1995, ADDRESS),
    father=printed.Parent("Nguyễn Văn Đức", 1993, ADDRESS), registration_number="152/2026",
    registered_on=date(2026, 8, 14), authority="UBND xã Thiệu Trung", dossier_code=DOSSIER,
    issued=ISSUED)
RESIDENCE: dict[str, Any] = dict(
    document_number="2026/0815", person_name="Nguyễn Thị Bảo Ngọc", born_on=date(2026, 8, 12),
    sex="nữ", id_number="000326012345", permanent_address=ADDRESS,
    household_head="Nguyễn Văn Đức", household_head_id_number="000093054321",
    relation_to_head="Con", registered_on=date(2026, 8, 15), authority="Công an xã Thiệu Trung",
    issued=ISSUED)
CARD: dict[str, Any] = dict(
    card_number=printed.sandbox_card_number(12345), name="Nguyễn Thị Bảo Ngọc",
    born_on=date(2026, 8, 12), sex="nữ", address=ADDRESS, hospital="Trạm Y tế xã Thiệu Trung",
    issued=ISSUED)

# name: (function, arguments, title printed on it)
PAPERS: dict[str, tuple[Callable[..., bytes], dict[str, Any], str]] = {
    "birth_certificate": (printed.birth_certificate, CERTIFICATE, "GIẤY CHỨNG SINH"),
    "birth_extract": (printed.birth_extract, EXTRACT, "TRÍCH LỤC KHAI SINH (BẢN ĐIỆN TỬ)"),
    "residence_confirmation": (printed.residence_confirmation, RESIDENCE,
                               "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"),
    "health_insurance_card": (printed.health_insurance_card, CARD, "THẺ BẢO HIỂM Y TẾ"),
}


@pytest.fixture(scope="module")
def papers() -> dict[str, bytes]:
    made = {name: func(**kwargs) for name, (func, kwargs, _title) in PAPERS.items()}
    made["illegible_certificate"] = printed.birth_certificate(**CERTIFICATE, legible=False)
    return made


# --- pictures and PDFs made here ------------------------------------------------------------

def picture(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB",
            orientation: int | None = None, colour: object = (30, 120, 200)) -> bytes:
    image = Image.new(mode, size, colour)  # type: ignore[arg-type]
    out = io.BytesIO()
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, format=fmt, exif=exif.tobytes())
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def jpeg_with_comment(comment: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(out, format="JPEG", comment=comment)
    assert comment in out.getvalue()[:200]
    return out.getvalue()


def fpdf_pages(count: int, *, user_password: str | None = None,
               owner_password: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(ISSUED)
    pdf.set_font("helvetica", size=14)
    for index in range(count):
        pdf.add_page()
        pdf.text(20, 20, f"page {index + 1}")
    if owner_password is not None:
        pdf.set_encryption(owner_password=owner_password, user_password=user_password)
    return bytes(pdf.output())


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        return image.size


# --- type decided by content ----------------------------------------------------------------

@pytest.mark.parametrize(("filename", "make", "kind", "mime"), [
    ("anh.png", lambda: picture("PNG"), "image", "image/png"),
    ("anh.jpg", lambda: picture("JPEG"), "image", "image/jpeg"),
    ("anh.webp", lambda: picture("WEBP"), "image", "image/webp"),
    ("giay.pdf", lambda: fpdf_pages(1), "pdf", "application/pdf"),
    ("anh.pdf", lambda: picture("JPEG"), "image", "image/jpeg"),         # a JPEG named .pdf
    ("giay.jpg", lambda: fpdf_pages(2), "pdf", "application/pdf"),       # a PDF named .jpg
    ("khong-ten", lambda: picture("PNG", mode="RGBA"), "image", "image/png"),
    ("anh.jpg", lambda: jpeg_with_comment(b"%PDF-1.7"), "image", "image/jpeg"),  # magic wins
])
def test_the_type_comes_from_the_content(filename: str, make: Callable[[], bytes], kind: str,
                                         mime: str) -> None:
    content = make()
    info = check_attachment(filename, content)
    assert info == AttachmentInfo(kind, mime, len(content), info.pages)  # type: ignore[arg-type]
    assert info.pages == (2 if filename == "giay.jpg" else 1)


def test_generated_papers_are_accepted_attachments(papers: dict[str, bytes]) -> None:
    for name, content in papers.items():
        assert check_attachment(f"{name}.pdf", content).pages == 1, name


@pytest.mark.parametrize(("filename", "content"), [
    ("giay-chung-sinh.pdf", "Giấy chứng sinh của bé Ngọc".encode()),   # text named .pdf
    ("anh.gif", picture("GIF")),                                      # Pillow opens it; we do not
    ("anh.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),  # iPhone photo
    ("anh.bmp", picture("BMP")),
    ("tai-lieu.docx", b"PK\x03\x04" + b"\x00" * 100),
])
def test_other_types_are_refused(filename: str, content: bytes) -> None:
    with pytest.raises(UnsupportedType) as caught:
        check_attachment(filename, content)
    assert caught.value.code == "document.unsupported_type"
    assert "PDF" in str(caught.value) and "JPG" in str(caught.value)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(EmptyFile) as caught:
        check_attachment("anh.jpg", b"")
    assert caught.value.code == "document.empty"


def test_over_10_mb_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_open(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a file over the limit was opened")

    monkeypatch.setattr(attachments.pdfium, "PdfDocument", must_not_open)
    monkeypatch.setattr(attachments.Image, "open", must_not_open)
    too_big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1 - 9)
    assert len(too_big) == 10 * 1024 * 1024 + 1
    with pytest.raises(FileTooLarge) as caught:
        check_attachment("giay.pdf", too_big)
    assert caught.value.code == "document.too_large"
    assert "10 MB" in str(caught.value)
    with pytest.raises(FileTooLarge):
        check_attachment("anh.jpg", b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024))


def test_exactly_10_mb_is_not_too_large() -> None:
    content = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 9)
    with pytest.raises(DamagedPdf):  # parsed, and found damaged
        check_attachment("giay.pdf", content)


def test_a_truncated_pdf_is_damaged(papers: dict[str, bytes]) -> None:
    whole = papers["birth_certificate"]
    for cut in (0.2, 0.5, 0.9):
        with pytest.raises(DamagedPdf) as caught:
            check_attachment("giay.pdf", whole[:int(len(whole) * cut)])
        assert caught.value.code == "document.damaged_pdf"
    with pytest.raises(DamagedPdf):
        check_attachment("giay.pdf", b"%PDF-1.7\n%garbage only\n")


@pytest.mark.parametrize("content", [
    picture("JPEG", (400, 300))[:-400],                                  # truncated JPEG
    picture("PNG", (400, 300), colour=(1, 2, 3))[:60],                   # truncated PNG
    picture("WEBP", (400, 300))[:40],
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,                                 # header only
])
def test_a_damaged_photo_is_refused(content: bytes) -> None:
    with pytest.raises(DamagedImage) as caught:
        check_attachment("anh", content)
    assert caught.value.code == "document.damaged_image"


def test_a_png_with_a_bad_checksum_is_damaged() -> None:
    content = bytearray(picture("PNG", (40, 30)))
    idat = content.index(b"IDAT")
    content[idat + 6] ^= 0xFF  # flip bits inside the image data; its CRC no longer matches
    with pytest.raises(DamagedImage):
        check_attachment("anh.png", bytes(content))


def test_a_password_pdf_is_refused() -> None:
    locked = fpdf_pages(1, owner_password="chu-so-huu", user_password="mat-khau")
    with pytest.raises(EncryptedPdf) as caught:
        check_attachment("giay.pdf", locked)
    assert caught.value.code == "document.encrypted"
    assert "mật khẩu" in str(caught.value)


def test_a_pdf_that_only_restricts_copying_opens() -> None:
    restricted = fpdf_pages(1, owner_password="chu-so-huu")  # no password to open it
    assert check_attachment("giay.pdf", restricted).pages == 1


def test_too_many_pages_are_refused() -> None:
    assert check_attachment("giay.pdf", fpdf_pages(attachments.MAX_PAGES)).pages == 20
    with pytest.raises(TooManyPages) as caught:
        check_attachment("giay.pdf", fpdf_pages(attachments.MAX_PAGES + 1))
    assert caught.value.code == "document.too_many_pages"
    assert "tối đa 20 trang" in str(caught.value)


def test_a_decompression_bomb_is_refused() -> None:
    bomb = picture("PNG", (8000, 6000), mode="1", colour=1)  # 48 megapixels in a few kB
    assert len(bomb) < 100_000
    with pytest.raises(TooManyPixels) as caught:
        check_attachment("anh.png", bomb)
    assert caught.value.code == "document.too_many_pixels"
    assert "40 triệu điểm ảnh" in str(caught.value)
    assert isinstance(caught.value, FileTooLarge)
    assert attachments.MAX_PIXELS == qrimage.MAX_PIXELS


def test_every_refusal_has_a_code_and_a_vietnamese_sentence() -> None:
    classes = [obj for obj in vars(attachments).values()
               if isinstance(obj, type) and issubclass(obj, DocumentError)]
    assert len(classes) >= 10
    codes = {cls.code for cls in classes}
    assert len(codes) == len(classes)
    for cls in classes:
        assert cls.code.startswith("document.")
        text = str(cls())
        assert "{" not in text and text.endswith("."), cls
        assert text != text.encode("ascii", "ignore").decode(), cls  # has Vietnamese letters


# --- page pictures -------------------------------------------------------------------------

@pytest.mark.parametrize("width", [720, 360, 1000])
def test_pdf_pages_become_pngs_of_the_width(papers: dict[str, bytes], width: int) -> None:
    pages = page_images(papers["birth_extract"], width=width)
    assert len(pages) == 1
    w, h = png_size(pages[0])
    assert w == width
    assert abs(h / w - 297 / 210) < 0.01  # A4 portrait
    assert page_images(papers["birth_extract"], width=width) == pages  # deterministic


def test_max_pages_limits_the_pictures() -> None:
    three = fpdf_pages(3)
    assert len(page_images(three)) == 3
    assert len(page_images(three, max_pages=2)) == 2
    with pytest.raises(ValueError):
        page_images(three, width=0)


def test_a_rotated_phone_photo_is_turned_upright_and_scaled() -> None:
    stored = Image.new("RGB", (1600, 1200), "white")
    stored.paste((220, 0, 0), (0, 0, 200, 200))  # red in the stored top-left corner
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display", as phones held upright write
    stored.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    (page,) = page_images(out.getvalue(), width=720)
    assert png_size(page) == (720, 960)
    with Image.open(io.BytesIO(page)) as shown:
        red, _green, blue = shown.convert("RGB").getpixel((700, 20))  # now top-right
        assert red > 180 and blue < 80
        assert shown.convert("RGB").getpixel((20, 20)) > (230, 230, 230)
    assert page_images(out.getvalue(), width=720) == [page]


def test_a_transparent_png_is_painted_on_white_and_small_photos_keep_their_size() -> None:
    (page,) = page_images(picture("PNG", (300, 200), mode="RGBA", colour=(0, 0, 0, 0)))
    assert png_size(page) == (300, 200)
    with Image.open(io.BytesIO(page)) as shown:
        assert shown.convert("RGB").getpixel((150, 100)) == (255, 255, 255)


def test_page_images_refuse_what_check_attachment_refuses() -> None:
    with pytest.raises(UnsupportedType):
        page_images(b"hello")
    with pytest.raises(EmptyFile):
        page_images(b"")


# --- the fictional papers ------------------------------------------------------------------

def needs(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


def pdftotext(content: bytes, tmp_path: Path) -> str:
    source = tmp_path / "paper.pdf"
    source.write_bytes(content)
    return subprocess.run([needs("pdftotext"), "-enc", "UTF-8", str(source), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name", list(PAPERS))
def test_each_paper_has_its_title_and_the_mark_as_text(papers: dict[str, bytes], name: str,
                                                       tmp_path: Path) -> None:
    text = unicodedata.normalize("NFC", pdftotext(papers[name], tmp_path))
    title = PAPERS[name][2]
    assert title in text
    assert "MÔ PHỎNG – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" in text
    assert "MÔ PHỎNG" in text.split("\n", 3)[0] + text.split("\n", 3)[1]  # at the top
    assert "Nguyễn" in text or "Lê Thị Hồng Nhung" in text


@pytest.mark.parametrize("name", list(PAPERS))
def test_each_paper_embeds_dejavu(papers: dict[str, bytes], name: str, tmp_path: Path) -> None:
    source = tmp_path / "paper.pdf"
    source.write_bytes(papers[name])
    listing = subprocess.run([needs("pdffonts"), str(source)], capture_output=True, text=True,
                             check=True).stdout
    fonts_found = listing.splitlines()[2:]
    assert fonts_found and all("DejaVu" in line for line in fonts_found)
    for line in fonts_found:
        assert line.split()[-5] == "yes", line  # the "emb" column


@pytest.mark.parametrize("name", list(PAPERS))
def test_each_paper_is_a4_portrait_one_page(papers: dict[str, bytes], name: str) -> None:
    pdf = pdfium.PdfDocument(papers[name])
    try:
        assert len(pdf) == 1
        width, height = pdf[0].get_size()
        assert (round(width), round(height)) == (595, 842)
    finally:
        pdf.close()


@pytest.mark.parametrize("name", list(PAPERS))
def test_same_arguments_give_the_same_bytes(papers: dict[str, bytes], name: str) -> None:
    func, kwargs, _title = PAPERS[name]
    assert func(**kwargs) == papers[name]
    later = dict(kwargs, issued=datetime(2026, 8, 20, 10, 0, tzinfo=VN_TZ))
    assert func(**later) != papers[name]


def test_same_bytes_in_another_process(papers: dict[str, bytes]) -> None:
    code = ("import sys, hashlib; sys.path.insert(0, sys.argv[1]); import test_attachments as t;"
            "d = t.printed.birth_certificate(**t.CERTIFICATE, legible=False);"
            "print(hashlib.sha256(d).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)],
                         capture_output=True, text=True, check=True).stdout.strip()
    import hashlib

    assert out == hashlib.sha256(papers["illegible_certificate"]).hexdigest()


def test_the_birth_extracts_qr_code_holds_the_dossier_code(papers: dict[str, bytes]) -> None:
    pdf = pdfium.PdfDocument(papers["birth_extract"])
    try:
        rendered = pdf[0].render(scale=150 / 72).to_pil()
    finally:
        pdf.close()
    out = io.BytesIO()
    rendered.save(out, format="PNG")
    assert qrimage.decode_text(out.getvalue()) == DOSSIER


def test_an_illegible_certificate_has_no_text_and_a_legible_one_does(
        papers: dict[str, bytes], tmp_path: Path) -> None:
    assert pdftotext(papers["illegible_certificate"], tmp_path).strip() == ""
    legible = pdftotext(papers["birth_certificate"], tmp_path)
    assert "Lê Thị Hồng Nhung" in unicodedata.normalize("NFC", legible)
    assert "3200 gam" in legible
    (page,) = page_images(papers["illegible_certificate"], width=400)
    with Image.open(io.BytesIO(page)) as shown:  # a picture of a page, washed out but there
        low, high = shown.convert("L").getextrema()
        assert high > 200 and low < 160


def test_papers_take_sandbox_numbers_only() -> None:
    with pytest.raises(NotInSandbox):
        printed.birth_certificate(**dict(CERTIFICATE, mother_id_number="038195012345"))
    with pytest.raises(NotInSandbox):
        printed.birth_extract(**dict(EXTRACT, child_id_number="001326012345"))
    with pytest.raises(NotInSandbox):
        printed.residence_confirmation(**dict(RESIDENCE, household_head_id_number="038093054321"))
    with pytest.raises(NotInSandbox):
        printed.health_insurance_card(**dict(CARD, card_number="TE1380123456789"))


def test_papers_need_timezone_aware_times() -> None:
    with pytest.raises(ValueError, match="time zone"):
        printed.health_insurance_card(**dict(CARD, issued=datetime(2026, 8, 13, 10, 0)))
    with pytest.raises(ValueError, match="time zone"):
        printed.birth_certificate(**dict(CERTIFICATE, born_at=datetime(2026, 8, 12, 9, 30)))


def test_a_father_not_declared_is_left_blank(tmp_path: Path) -> None:
    text = pdftotext(printed.birth_extract(**dict(EXTRACT, father=None)), tmp_path)
    text = unicodedata.normalize("NFC", text)
    assert "Họ, chữ đệm, tên người cha:" in text and "Nguyễn Văn Đức" not in text


def test_the_health_card_runs_to_the_day_before_the_sixth_birthday(tmp_path: Path,
                                                                  papers: dict[str, bytes]) -> None:
    text = pdftotext(papers["health_insurance_card"], tmp_path)
    assert "từ 12/08/2026 đến 11/08/2032" in unicodedata.normalize("NFC", text)
    assert "TE1000000012345" in text
    assert printed.valid_until_under_six(date(2024, 2, 29)) == date(2030, 2, 28)
    assert printed.valid_until_under_six(date(2025, 12, 31)) == date(2031, 12, 30)
    with pytest.raises(ValueError):
        printed.sandbox_card_number(10**8)


# --- the font ------------------------------------------------------------------------------

def test_the_font_is_found_without_importing_matplotlib() -> None:
    code = ("import sys; from bakhong.simulators import fonts; p = fonts.dejavu(True);"
            "print(p.name, p.is_file(), 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["DejaVuSans-Bold.ttf", "True", "False"]


def test_a_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fonts.dejavu.cache_clear()
    monkeypatch.setattr(fonts.importlib.util, "find_spec", lambda name: None)
    try:
        with pytest.raises(fonts.FontMissing) as caught:
            fonts.dejavu()
        assert isinstance(caught.value, FileNotFoundError)
        assert "DejaVuSans.ttf" in caught.value.detail
    finally:
        monkeypatch.undo()
        fonts.dejavu.cache_clear()
    assert fonts.dejavu().is_file()


def test_residence_defaults_suit_the_newborn_bundle(tmp_path: Path) -> None:
    required = {k: v for k, v in RESIDENCE.items()
                if k not in ("relation_to_head", "household_head_id_number", "registered_on",
                             "document_number")}
    text = unicodedata.normalize("NFC", pdftotext(printed.residence_confirmation(**required),
                                                  tmp_path))
    assert "Quan hệ với chủ hộ: Con" in text
    assert "Ngày đăng ký thường trú: 13/08/2026" in text  # the day it was issued
    assert "Số:" not in text
