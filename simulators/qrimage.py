"""QR code images: draw a payment code as a PNG, read one back from a photo or screenshot.

The payment lessons show residents a VietQR code and ask them to "scan" it, either
from a screenshot the app drew or from a photo of a printed code taken with their
own phone. This module draws with ``qrcode`` (Pillow) and reads with ZXing-C++
(``zxingcpp``); it knows nothing of the payment format itself, which is
:mod:`bakhong.simulators.vietqr`'s job (:func:`read_payment` joins the two).

Drawing and reading back round-trip, non-ASCII text included (the payload is
encoded as UTF-8 bytes):

>>> payload = ("00020101021238530010A0000007270123000697041601092576788590208"
...            "QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6")
>>> png = render_png(payload)
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
>>> decode_text(png) == payload
True
>>> decode_text(render_png("Chuyển tiền học phí"))
'Chuyển tiền học phí'
>>> render_png("abc") == render_png("abc")  # deterministic
True

A picture without a QR code, and bytes that are no picture at all, are refused with
typed errors (subclasses of :class:`~bakhong.simulators.errors.SandboxError`):

>>> import io
>>> from PIL import Image
>>> blank = io.BytesIO()
>>> Image.new("RGB", (640, 480), "white").save(blank, format="JPEG")
>>> try:
...     decode_text(blank.getvalue())
... except NoQrFound as err:
...     print(err.code, "|", err)
qr.not_found | Không tìm thấy mã QR trong ảnh. Hãy chụp lại cho rõ, đủ cả mã.
>>> try:
...     decode_text(b"not a picture")
... except NotAnImage as err:
...     print(err.code)
qr.not_an_image

**Error correction.** Codes are drawn at level M (up to about 15 % of the codewords
restored), meant to match what bank apps print: M is the usual default of QR generators,
but no NAPAS or EMVCo text at hand fixes the level, so that bank apps print M is not
verified here. M keeps a smudged or bent corner of a
printed sticker readable, while Q or H would make the modules smaller for the same
100-200 character payload at the same printed size, and so harder to read from a photo.

**Reading.** :func:`decode_text` accepts whatever Pillow opens (PNG, JPEG, WebP, TIFF,
GIF, …, in any mode: CMYK, CIELAB, 16-bit, palette; not HEIC without a Pillow plugin) up to
:data:`MAX_IMAGE_BYTES` (10 MB, checked before anything is decoded) and :data:`MAX_PIXELS`
(40 megapixels, the decompression-bomb cap; beyond Pillow's own limit its warning is an
error too). Anything else is :class:`NotAnImage`, never another exception.
:func:`load_image` applies the EXIF orientation of phone photos, paints a transparent
background white and scales pictures down to :data:`DECODE_MAX_SIDE` (2000 px) on their
long side. A 12-megapixel JPEG is then decoded by libjpeg directly at half size, and
reading takes a quarter of the time at full size (median 40 ms instead of 150 ms for
12-21 megapixel photos in ``bench/qr_photos.py``) without losing codes: codes only 7 %
as wide as the photo all decoded at 2000 px, while 1 in 6 failed at 1500 px and 4 in 6
at 1024 px. ZXing-C++ looks for QR codes in any orientation, also mirrored, inverted
and at reduced scales; if it finds none, the decoder tries again with the
:data:`FALLBACKS`.

**Several codes in one picture** (a resident photographing a counter with two
stickers): the code whose centre is nearest the centre of the picture wins, since that
is what the resident aimed at; among codes equally near (distances within the same 5 %
of the picture), the larger one.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import qrcode
import zxingcpp
from PIL import Image, ImageFilter, ImageOps
from qrcode.constants import ERROR_CORRECT_M

from .errors import N_, SandboxError

if TYPE_CHECKING:  # at run time vietqr is imported by read_payment only
    from .vietqr import Payment

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Largest photo accepted, in bytes (10 MB: a phone photo is 2-6 MB)."""

MAX_PIXELS = 40_000_000
"""Largest picture accepted, in pixels (a 12-megapixel phone photo is well below)."""

DECODE_MAX_SIDE = 2000
"""Pictures whose long side is larger are scaled down to this before decoding."""


# --- the refusals -------------------------------------------------------------------------

class QrImageError(SandboxError):
    """Base of the refusals of this module."""

    code = "qr.error"
    message = N_("Không đọc được ảnh mã QR. Hãy thử lại.")


class NoQrFound(QrImageError):
    code = "qr.not_found"
    message = N_("Không tìm thấy mã QR trong ảnh. Hãy chụp lại cho rõ, đủ cả mã.")


class NotAnImage(QrImageError):
    code = "qr.not_an_image"
    message = N_("Tệp này không phải là ảnh. Hãy chọn ảnh chụp hoặc ảnh màn hình có mã QR.")


class ImageTooLarge(QrImageError):
    """More than :data:`MAX_IMAGE_BYTES` bytes: refused before anything is decoded."""

    code = "qr.image_too_large"
    message = N_("Ảnh quá lớn (tối đa {limit_mb} MB). Hãy gửi ảnh nhỏ hơn hoặc chụp lại.")

    def __init__(self, detail: str = "", **params: object) -> None:
        params.setdefault("limit_mb", MAX_IMAGE_BYTES // (1024 * 1024))
        super().__init__(detail, **params)


class TooManyPixels(ImageTooLarge):
    """More than :data:`MAX_PIXELS` pixels (a decompression bomb, or a panorama)."""

    code = "qr.too_many_pixels"
    message = N_(
        "Ảnh có độ phân giải quá lớn (tối đa {limit_mp} triệu điểm ảnh). Hãy gửi ảnh nhỏ "
        "hơn hoặc chụp lại."
    )

    def __init__(self, detail: str = "", **params: object) -> None:
        params.setdefault("limit_mp", MAX_PIXELS // 1_000_000)
        super().__init__(detail, **params)


class NotAPaymentCode(QrImageError):
    """The picture holds a QR code, but not a payment code :mod:`~.vietqr` accepts.

    ``reason`` is the ``ValueError`` raised by :func:`bakhong.simulators.vietqr.parse`
    (also chained as ``__cause__``): its type tells a damaged code (wrong CRC) from
    something that is not a payment code at all (a web address). ``text`` is what the
    code holds.
    """

    code = "qr.not_payment"
    message = N_("Mã QR này không phải mã thanh toán.")

    def __init__(self, detail: str = "", *, reason: ValueError | None = None, text: str = "",
                 **params: object) -> None:
        super().__init__(detail, **params)
        self.reason = reason
        self.text = text


# --- drawing ------------------------------------------------------------------------------

def render_png(payload: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """A PNG of ``payload`` as a QR code, error correction level M.

    ``box_size`` is the size of one module in pixels, ``border`` the quiet zone in
    modules (4 is the minimum the standard asks for). The same payload always gives
    the same bytes.

    >>> from PIL import Image
    >>> Image.open(io.BytesIO(render_png("xin chào", box_size=2, border=4))).size
    (58, 58)
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    image = code.make_image().get_image()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


# --- reading ------------------------------------------------------------------------------

def load_image(image: bytes) -> Image.Image:
    """The picture in ``image`` as the decoder sees it: upright, grayscale, not too large.

    The EXIF orientation of phone photos is applied, a transparent background becomes
    white, and a picture larger than :data:`DECODE_MAX_SIDE` is scaled down (JPEGs are
    decoded directly at 1/2, 1/4 … of their size by libjpeg, which is much faster). Any
    mode a camera or a scanner writes becomes grayscale (:func:`_gray`): CMYK, CIELAB,
    16-bit, palette, 1-bit; an animated GIF or a multi-page TIFF is read at its first frame.
    Whatever cannot be read (a damaged or cut-short file, a format Pillow cannot open such
    as HEIC, an empty file) raises :class:`NotAnImage`, never another exception.

    >>> load_image(render_png("xin chào", box_size=2)).mode
    'L'
    """
    if len(image) > MAX_IMAGE_BYTES:
        raise ImageTooLarge(f"{len(image)} bytes")
    if not image:
        raise NotAnImage("empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture: Image.Image = Image.open(io.BytesIO(image))  # reads the header only
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise TooManyPixels(f"{width}x{height} pixels")
            if max(width, height) > DECODE_MAX_SIDE:  # a no-op for formats other than JPEG
                scale = max(width, height) / DECODE_MAX_SIDE
                picture.draft("L", (int(width / scale), int(height / scale)))
            picture.load()
            ImageOps.exif_transpose(picture, in_place=True)
            gray = _gray(picture)
    except QrImageError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise TooManyPixels(str(exc)) from exc
    except Exception as exc:  # Pillow raises many types for a damaged or unknown file
        raise NotAnImage(f"{type(exc).__name__}: {exc}") from exc
    if max(gray.size) > DECODE_MAX_SIDE:
        gray.thumbnail((DECODE_MAX_SIDE, DECODE_MAX_SIDE), Image.Resampling.BOX)
    return gray


def _gray(picture: Image.Image) -> Image.Image:
    """``picture`` in mode ``L``, whatever its mode.

    CIELAB keeps its lightness channel (what a grayscale picture is); 16- and 32-bit and
    floating-point pictures are stretched from their darkest to their lightest value (a
    16-bit scan uses 0-65535, which ``convert("L")`` would clip to white); a transparent
    background becomes white, as on screen; any other mode goes through Pillow's own
    conversion, via RGB when there is no direct one (HSV, YCbCr, CMYK).
    """
    if picture.mode == "LAB":
        return picture.getchannel("L")
    if picture.mode in ("I", "F") or picture.mode.startswith("I;16"):
        wide = picture.convert("F")
        extrema = wide.getextrema()  # one band: (lowest, highest)
        low, high = float(extrema[0]), float(extrema[1])  # type: ignore[arg-type]
        if high <= low:
            return Image.new("L", picture.size, 255 if high > 0 else 0)
        return wide.point(lambda v: (v - low) * 255.0 / (high - low)).convert("L")
    if picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in picture.info:
        # A transparent background is white on screen, not the black of its RGB values.
        rgba = picture.convert("RGBA")
        picture = Image.new("RGBA", rgba.size, "white")
        picture.alpha_composite(rgba)
    try:
        return picture.convert("L")
    except ValueError:  # no direct conversion from this mode
        return picture.convert("RGB").convert("L")


def _sharpen(picture: Image.Image) -> Image.Image:
    """Unsharp mask: restores the edges of modules blurred by focus or camera shake."""
    return picture.filter(ImageFilter.UnsharpMask(radius=3, percent=400, threshold=0))


FALLBACKS: tuple[tuple[str, Callable[[Image.Image], Image.Image]], ...] = (
    ("sharpen", _sharpen),
)
"""Second tries, in order, when the first pass finds no code: ``(name, transform)``.

Only what rescues codes in ``bench/qr_photos.py`` is kept. Within the acceptance bar
(rotation ≤ 15°, blur σ ≤ 1.5 px, JPEG ≥ 60) the first pass alone read all 416 pictures,
so no fallback runs there. Beyond it (blur σ 2.5-3.5, JPEG 25-60, rotation 25-40°, low
contrast, dim light, small codes) the first pass missed 54 of 216 pictures; an unsharp
mask rescued 20 of them, autocontrast 6, a double-size copy 8 (at 2x the cost),
equalization 2, a half-size copy, a median filter and ZXing's global-histogram and
fixed-threshold binarizers 1 each, and none rescued a picture the unsharp mask did not.
"""


_QR_CODES = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)  # the QR family


def _read(picture: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(picture, formats=_QR_CODES, try_rotate=True,
                                  try_downscale=True, try_invert=True)


def _text(barcode: zxingcpp.Barcode) -> str:
    """The decoded text; UTF-8 when the code declares no character set and is valid UTF-8."""
    if barcode.symbology_identifier == "]Q1":  # model 2, no ECI: the bytes' charset is guessed
        try:
            return barcode.bytes.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return barcode.text


def _nearest_centre(found: list[zxingcpp.Barcode], size: tuple[int, int]) -> zxingcpp.Barcode:
    """The code nearest the centre of the picture; the larger one among equally near."""
    width, height = size

    def key(barcode: zxingcpp.Barcode) -> tuple[float, float]:
        pos = barcode.position
        corners = (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        cx = sum(p.x for p in corners) / 4 / width - 0.5
        cy = sum(p.y for p in corners) / 4 / height - 0.5
        area = 0.5 * abs(sum(a.x * b.y - b.x * a.y
                             for a, b in zip(corners, corners[1:] + corners[:1], strict=True)))
        # Distances are rounded to 5 % of the picture, so near-ties go to the larger code.
        return (round((cx * cx + cy * cy) ** 0.5 / 0.05), -area)

    return min(found, key=key)


def decode_text(image: bytes) -> str:
    """The text of the QR code in a photo or screenshot ``image`` (PNG, JPEG, WebP, …).

    Raises :class:`ImageTooLarge` (over 10 MB, checked before decoding),
    :class:`TooManyPixels` (over 40 megapixels), :class:`NotAnImage` or
    :class:`NoQrFound`. With several codes in the picture, the one nearest its centre.
    """
    picture = load_image(image)
    found = _read(picture)
    for _name, transform in FALLBACKS:  # the transforms keep the picture's size
        if found:
            break
        found = _read(transform(picture))
    if not found:
        raise NoQrFound()
    return _text(_nearest_centre(found, picture.size))


def read_payment(image: bytes) -> Payment:
    """The payment held by the VietQR code in ``image``.

    Raises what :func:`decode_text` raises, and :class:`NotAPaymentCode` when the code
    is not one :func:`bakhong.simulators.vietqr.parse` accepts; the parser's own error
    is kept in ``err.reason`` (and chained).
    """
    from . import vietqr  # lazily: the payment format is its own module

    text = decode_text(image)
    try:
        return vietqr.parse(text)
    except ValueError as exc:
        raise NotAPaymentCode(type(exc).__name__, reason=exc, text=text) from exc
