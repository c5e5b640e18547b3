"""Issue 15, item 5: ``bakhong qr decode IMAGE`` with any picture a phone or a scanner makes.

A CIELAB TIFF crashed the command with a traceback, and Python's exit code for it (1) is
the one that means "not a valid VietQR". Now a picture of a code in an unusual mode (CIELAB,
CMYK, 16-bit, 32-bit or floating-point, palette with a transparent background, 1-bit, the
first frame of an animated GIF or a multi-page TIFF) decodes, and one that cannot be read
(cut short, empty, HEIC, random bytes, a 20000×20000 declaration, over 10 MB) exits 3 with
«Không đọc được ảnh» then English on stderr, the JSON refusal on stdout. Every picture is
made here with Pillow.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bakhong import cli, qr_commands
from bakhong.simulators import qrimage, vietqr

PAYLOAD = vietqr.build(bin="999901", account="8801234567", amount=35000, purpose="Rau")


def code_picture() -> Image.Image:
    """The code as a phone screenshot would have it: RGB, 6 pixels a module."""
    return Image.open(io.BytesIO(qrimage.render_png(PAYLOAD, box_size=6))).convert("RGB")


def saved(picture: Image.Image, format: str, **options: object) -> bytes:
    out = io.BytesIO()
    picture.save(out, format=format, **options)
    return out.getvalue()


def lab_tiff() -> bytes:
    return saved(code_picture().convert("LAB"), "TIFF")


def cmyk_jpeg() -> bytes:
    return saved(code_picture().convert("CMYK"), "JPEG", quality=90)


def png_16_bit() -> bytes:  # a scanner's 16-bit grayscale: 0 … 65535
    levels = np.asarray(code_picture().convert("L"), dtype=np.uint16) * 257
    picture = Image.fromarray(levels)
    assert picture.mode == "I;16"
    return saved(picture, "PNG")


def tiff_32_bit() -> bytes:  # 32-bit integers, 0 … 65535
    levels = np.asarray(code_picture().convert("L"), dtype=np.int32) * 257
    return saved(Image.fromarray(levels, mode="I"), "TIFF")


def tiff_float() -> bytes:  # floating point, 0.0 … 1.0
    levels = np.asarray(code_picture().convert("L"), dtype=np.float32) / 255
    return saved(Image.fromarray(levels, mode="F"), "TIFF")


def palette_transparent() -> bytes:
    """A sticker exported with a transparent background: the white is transparent."""
    palette = code_picture().convert("P", palette=Image.Palette.ADAPTIVE, colors=2)
    white = max(range(2), key=lambda i: sum(palette.getpalette()[3 * i:3 * i + 3]))  # type: ignore[index]
    return saved(palette, "PNG", transparency=white)


def black_on_transparent() -> bytes:
    """Black modules on a transparent background: its RGB there is black too."""
    gray = code_picture().convert("L")
    rgba = Image.new("RGBA", gray.size, (0, 0, 0, 0))
    rgba.putalpha(gray.point(lambda v: 255 - v))
    return saved(rgba, "PNG")


def one_bit() -> bytes:
    return saved(code_picture().convert("1"), "PNG")


def animated_gif() -> bytes:
    first = code_picture().convert("P")
    return saved(first, "GIF", save_all=True, append_images=[Image.new("P", first.size, 0)],
                 duration=200, loop=0)


def multi_page_tiff() -> bytes:
    first = code_picture()
    return saved(first, "TIFF", save_all=True, append_images=[Image.new("RGB", first.size)])


READABLE: dict[str, Callable[[], bytes]] = {
    "lab.tif": lab_tiff, "cmyk.jpg": cmyk_jpeg, "16-bit.png": png_16_bit,
    "32-bit.tif": tiff_32_bit, "float.tif": tiff_float, "palette.png": palette_transparent,
    "transparent.png": black_on_transparent, "1-bit.png": one_bit,
    "animated.gif": animated_gif, "pages.tif": multi_page_tiff,
}


def decode(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, dict[str, object],
                                                                        str]:
    code = cli.main(["qr", "decode", str(path)])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.parametrize("name", READABLE)
def test_a_code_in_an_unusual_mode_still_decodes(name: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_bytes(READABLE[name]())
    assert qrimage.decode_text(path.read_bytes()) == PAYLOAD
    code, answer, err = decode(capsys, path)
    assert (code, answer["payload"], answer["amount"], err) == (0, PAYLOAD, 35000, "")


# --- pictures that cannot be read ------------------------------------------------------------

def png_declaring(width: int, height: int) -> bytes:
    """A few bytes of PNG that declare a huge picture (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def heic() -> bytes:  # an iPhone photo's first bytes: Pillow has no HEIF decoder
    return (struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic"
            + bytes(2000))


UNREADABLE: dict[str, Callable[[], bytes]] = {
    "cut-short.png": lambda: qrimage.render_png(PAYLOAD)[:400],
    "cut-short.jpg": lambda: saved(code_picture(), "JPEG")[:1500],
    "empty.jpg": lambda: b"",
    "photo.heic": heic,
    "random.jpg": lambda: np.random.default_rng(15).bytes(30_000),
    "huge.png": lambda: png_declaring(20_000, 20_000),
    "over-10-mb.png": lambda: qrimage.render_png(PAYLOAD) + bytes(qrimage.MAX_IMAGE_BYTES),
}


@pytest.mark.parametrize("name", UNREADABLE)
def test_a_picture_that_cannot_be_read_has_its_own_exit_code(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_bytes(UNREADABLE[name]())
    code, answer, err = decode(capsys, path)
    assert code == 3, (answer, err)  # not 1: that is "not a valid VietQR"
    assert (qr_commands.EXIT_UNREADABLE_PICTURE, qr_commands.EXIT_INVALID) == (3, 1)
    assert answer["valid"] is False
    assert str(answer["message"]).startswith("Không đọc được ảnh")
    assert "Traceback" not in err and str(path) in err
    assert err.index("Không đọc được ảnh") < err.index("Cannot read the picture")


def test_the_reasons_are_told_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reasons = {"photo.heic": ("HEIC", "HEIC"), "empty.jpg": ("tệp rỗng", "empty"),
               "huge.png": ("triệu điểm ảnh", "megapixels"),
               "over-10-mb.png": ("10 MB", "10 MB")}
    for name, (vietnamese, english) in reasons.items():
        path = tmp_path / name
        path.write_bytes(UNREADABLE[name]())
        _, _, err = decode(capsys, path)
        first, then = err.split(" / Cannot read the picture")
        assert vietnamese in first and english in then, err


def test_an_invalid_code_and_no_code_still_exit_1(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(qrimage.render_png(PAYLOAD[:-1] + ("0" if PAYLOAD[-1] != "0" else "1")))
    blank = tmp_path / "blank.png"
    blank.write_bytes(saved(Image.new("I;16", (300, 300), 40000), "PNG"))
    for path, error in ((broken, "vietqr.crc"), (blank, "qr.not_found")):
        code, answer, _ = decode(capsys, path)
        assert (code, answer["error"]) == (1, error)


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["qr", "decode", "--help"])
    out = capsys.readouterr().out
    assert "mã thoát / exit codes" in out
    for code in range(4):
        assert f"\n  {code}  " in out
    assert "không đọc được ảnh" in out and "the picture cannot be read" in out
