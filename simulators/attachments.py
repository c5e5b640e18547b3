"""Attachments a resident uploads: what a file is, and its pages as pictures.

**Attachments.** :func:`check_attachment` decides what a file is from its *content*
(the magic bytes, then opening it), never from its name or a claimed MIME type, because
phones name files anything: a PDF (``%PDF-`` and PDFium opens it) or a photo (JPEG, PNG
or WebP that Pillow opens and decodes). Everything else is refused with a typed error
(a :class:`~bakhong.simulators.errors.SandboxError` with a stable ``code`` and a short
Vietnamese message). :func:`page_images` turns an accepted file into PNG pages of a
given width, since the old Android browsers many residents use cannot show a PDF inline.

>>> info = check_attachment("giay-chung-sinh.jpg", _example_pdf())  # named .jpg, is a PDF
>>> info.kind, info.mime, info.pages
('pdf', 'application/pdf', 1)
>>> try:
...     check_attachment("ghi-chu.pdf", "Xin chào".encode())
... except UnsupportedType as err:
...     print(err.code, "|", err.message)
document.unsupported_type | Chỉ nhận tệp PDF hoặc ảnh chụp (JPG, PNG). Hãy chọn tệp khác.

The fictional papers the sandbox prints are in :mod:`bakhong.simulators.civil_papers`.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageOps

from . import qrimage
from .errors import N_, SandboxError

if TYPE_CHECKING:  # fpdf2 takes 0.4 s to import: only the printing functions load it
    pass

__all__ = [
    "MAX_FILE_BYTES", "MAX_PAGES", "MAX_PIXELS", "AttachmentInfo", "DamagedFile",
    "DamagedImage", "DamagedPdf", "DocumentError", "EmptyFile", "EncryptedPdf", "FileTooLarge",
    "TooManyPages", "TooManyPixels", "UnsupportedType", "check_attachment", "page_images",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest attachment, in bytes (10 MB), refused before anything is parsed."""

MAX_PAGES = 20
"""Most pages a PDF attachment may have (a birth certificate has 1; a scan of all a
family's papers rarely more than 10)."""

MAX_PIXELS = qrimage.MAX_PIXELS
"""Largest photo, in pixels (40 megapixels; the decompression-bomb cap)."""


# --- the refusals --------------------------------------------------------------------------

class DocumentError(SandboxError):
    """Base of the refusals of an attachment."""

    code = "document.error"
    message = N_("Không mở được tệp này. Hãy thử lại hoặc chọn tệp khác.")


class EmptyFile(DocumentError):
    code = "document.empty"
    message = N_("Tệp trống, không có nội dung. Hãy chọn lại tệp.")


class FileTooLarge(DocumentError):
    """More than :data:`MAX_FILE_BYTES`: refused before anything is parsed."""

    code = "document.too_large"
    message = N_("Tệp quá lớn (tối đa {limit_mb} MB). Hãy chụp lại hoặc chọn tệp nhỏ hơn.")

    def __init__(self, detail: str = "", **params: object) -> None:
        params.setdefault("limit_mb", MAX_FILE_BYTES // (1024 * 1024))
        super().__init__(detail, **params)


class TooManyPixels(FileTooLarge):
    """A photo over :data:`MAX_PIXELS` pixels (a decompression bomb, or a panorama)."""

    code = "document.too_many_pixels"
    message = N_("Ảnh quá lớn (tối đa {limit_mp} triệu điểm ảnh). Hãy chụp lại với cỡ ảnh "
                 "nhỏ hơn.")

    def __init__(self, detail: str = "", **params: object) -> None:
        params.setdefault("limit_mp", MAX_PIXELS // 1_000_000)
        super().__init__(detail, **params)


class UnsupportedType(DocumentError):
    code = "document.unsupported_type"
    message = N_("Chỉ nhận tệp PDF hoặc ảnh chụp (JPG, PNG). Hãy chọn tệp khác.")


class DamagedFile(DocumentError):
    code = "document.damaged"
    message = N_("Tệp bị hỏng, không mở được. Hãy chọn tệp khác.")


class DamagedPdf(DamagedFile):
    code = "document.damaged_pdf"
    message = N_("Tệp PDF bị hỏng, không mở được. Hãy tải lại tệp hoặc chọn tệp khác.")


class DamagedImage(DamagedFile):
    code = "document.damaged_image"
    message = N_("Ảnh bị hỏng, không mở được. Hãy chụp lại.")


class EncryptedPdf(DocumentError):
    code = "document.encrypted"
    message = N_("Tệp PDF có mật khẩu nên không mở được. Hãy gửi tệp không đặt mật khẩu.")


class TooManyPages(DocumentError):
    code = "document.too_many_pages"
    message = N_("Tệp PDF có quá nhiều trang (tối đa {limit} trang). Hãy chỉ gửi các trang "
                 "cần thiết.")

    def __init__(self, detail: str = "", **params: object) -> None:
        params.setdefault("limit", MAX_PAGES)
        super().__init__(detail, **params)


# --- attachments ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AttachmentInfo:
    """What an accepted attachment is: ``kind`` and ``mime`` from its content."""

    kind: Literal["pdf", "image"]
    mime: str
    size: int  # bytes
    pages: int  # 1 for a photo


_PDF = "application/pdf"
_PHOTOS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}  # mime: Pillow's
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call into it at a time


def _sniff(filename: str, content: bytes) -> str:
    """The MIME type the content's first bytes claim, or :class:`UnsupportedType`."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if b"%PDF-" in content[:1024]:  # readers accept junk before the header, so do we
        return _PDF
    raise UnsupportedType(f"{filename}: first bytes {content[:12]!r}")


def _pdf_document(content: bytes) -> pdfium.PdfDocument:
    """The PDF opened by PDFium (call with :data:`_PDFIUM` held)."""
    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_raw.FPDF_ERR_PASSWORD:
            raise EncryptedPdf(str(exc)) from exc
        raise DamagedPdf(str(exc)) from exc
    if len(pdf) == 0:
        pdf.close()
        raise DamagedPdf("no pages")
    return pdf


def _pdf_pages(content: bytes) -> int:
    with _PDFIUM:
        pdf = _pdf_document(content)
        try:
            pages = len(pdf)
            if pages > MAX_PAGES:
                raise TooManyPages(f"{pages} pages")
            for index in range(pages):  # a page that does not load is damage too
                try:
                    pdf[index].close()
                except pdfium.PdfiumError as exc:
                    raise DamagedPdf(f"page {index + 1}: {exc}") from exc
            return pages
        finally:
            pdf.close()


def _photo(content: bytes, mime: str, fit_width: int | None = None) -> Image.Image:
    """The decoded photo (decoded small when ``fit_width`` allows); typed refusals."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            formats = [_PHOTOS[mime]]  # only the format the magic bytes announced
            with Image.open(io.BytesIO(content), formats=formats) as probe:  # header only
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise TooManyPixels(f"{width}x{height} pixels")
                probe.verify()  # chunk checksums (PNG); the picture is unusable afterwards
            picture = Image.open(io.BytesIO(content), formats=formats)
            # JPEGs decode at 1/2 … 1/8 of their size directly, and a truncated file
            # fails at any size; the displayed width is the stored height when rotated
            sideways = picture.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            shown = height if sideways else width
            scale = 1 / 8 if fit_width is None else min(1.0, fit_width / shown)
            picture.draft("RGB", (max(1, round(width * scale)), max(1, round(height * scale))))
            picture.load()
    except DocumentError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise TooManyPixels(str(exc)) from exc
    except Exception as exc:  # Pillow raises many types for a damaged file
        raise DamagedImage(f"{type(exc).__name__}: {exc}") from exc
    return picture


def check_attachment(filename: str, content: bytes) -> AttachmentInfo:
    """What ``content`` is, from its bytes alone; ``filename`` only names it in errors.

    Refusals: :class:`EmptyFile`, :class:`FileTooLarge` (over 10 MB, before parsing),
    :class:`UnsupportedType` (neither PDF nor a JPEG, PNG or WebP photo),
    :class:`DamagedPdf`, :class:`EncryptedPdf` (a password is needed to open it; a PDF
    that only restricts printing or copying is accepted), :class:`TooManyPages` (over
    :data:`MAX_PAGES`), :class:`DamagedImage`, :class:`TooManyPixels`.
    """
    if not content:
        raise EmptyFile(filename)
    if len(content) > MAX_FILE_BYTES:
        raise FileTooLarge(f"{filename}: {len(content)} bytes")
    mime = _sniff(filename, content)
    if mime == _PDF:
        return AttachmentInfo("pdf", mime, len(content), _pdf_pages(content))
    _photo(content, mime).close()
    return AttachmentInfo("image", mime, len(content), 1)


def _png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG")  # Pillow writes no time stamp: same input, same bytes
    return out.getvalue()


def _upright_on_white(picture: Image.Image) -> Image.Image:
    picture = ImageOps.exif_transpose(picture)
    if picture.mode in ("RGBA", "LA", "PA", "P") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        picture = Image.new("RGBA", rgba.size, "white")
        picture.alpha_composite(rgba)
    return picture.convert("L" if picture.mode in ("1", "L", "I;16") else "RGB")


def _pdf_page_images(content: bytes, width: int, max_pages: int) -> list[bytes]:
    pictures: list[Image.Image] = []
    with _PDFIUM:
        pdf = _pdf_document(content)
        try:
            for index in range(min(len(pdf), max_pages)):
                page = pdf[index]
                page_width, page_height = page.get_size()  # points
                # a page over 10 times taller than wide is drawn narrower, not endless
                scale = min(width / page_width, 10 * width / page_height)
                picture = page.render(scale=scale).to_pil()
                page.close()
                target = min(width, round(page_width * scale))
                if picture.width != target:  # PDFium rounds the size of the bitmap
                    high = round(picture.height * target / picture.width)
                    picture = picture.resize((target, high), Image.Resampling.LANCZOS)
                pictures.append(picture.convert("RGB"))
        finally:
            pdf.close()
    return [_png(picture) for picture in pictures]


def page_images(content: bytes, *, width: int = 720, max_pages: int = 5) -> list[bytes]:
    """PNG pictures of the attachment's first ``max_pages`` pages, ``width`` pixels wide.

    PDF pages are drawn by PDFium at the scale that makes them ``width`` wide (a page over
    10 times taller than wide, narrower). A photo is turned upright (EXIF orientation),
    its transparency painted white, and scaled down to ``width`` if wider; a narrower
    photo keeps its size. The same input gives the same bytes. Raises what
    :func:`check_attachment` raises.
    """
    if width < 1 or max_pages < 1:
        raise ValueError(f"width and max_pages must be positive, not {width}, {max_pages}")
    info = check_attachment("", content)
    if info.kind == "pdf":
        return _pdf_page_images(content, width, max_pages)
    with _photo(content, info.mime, fit_width=width) as decoded:
        picture = _upright_on_white(decoded)
    if picture.width > width:
        high = max(1, round(picture.height * width / picture.width))
        picture = picture.resize((width, high), Image.Resampling.LANCZOS)
    return [_png(picture)]


def _example_pdf() -> bytes:
    """A small PDF for the doctests (no fpdf2 needed)."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
