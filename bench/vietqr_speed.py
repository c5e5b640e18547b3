"""Benchmark: VietQR parsing and QR decoding against plain references, in one run.

(a) **payloads parsed per second**: ``vietqr.parse`` against a plain reference written here,
    a TLV loop that splits tag/length/value recursively for the templates (26-51 and 62 at
    the top, ``38/01`` inside 38) and checks the CRC with ``binascii.crc_hqx``, with none of
    the parser's other checks (order, duplicates, reserved tags, amounts, …).
(b) **QR images decoded per second**: ``qrimage.decode_text`` on PNGs from
    ``qrimage.render_png`` against a plain round trip: ``qrcode.make(payload)`` → PNG bytes →
    ``PIL.Image.open`` → ``zxingcpp.read_barcodes``, zxing's defaults (every barcode format),
    and the same reference told to look for QR codes only, as ``decode_text`` is. The decode
    rows time the reading of ready PNG bytes only; the round-trip row times drawing and
    reading together.

Payloads are realistic VietQR transfers from ``vietqr.build`` (random BINs from
``vietqr.BANKS``, accounts, amounts, messages, names and bill numbers) drawn from a fixed
seed. Every timing is the median of several repeats over all payloads
(``time.perf_counter``); the ratio is ours / reference in items per second, so above 1 means
ours is faster. Before timing, both sides are checked to give back every payload.

Run ``.venv/bin/python bench/vietqr_speed.py`` (about 50 s on 2 cores) or ``--quick``
(about 10 s).
"""

from __future__ import annotations

import argparse
import binascii
import io
import os
import platform
import random
import statistics
import string
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import TypeVar

import qrcode
import zxingcpp
from PIL import Image

from bakhong.simulators import qrimage, vietqr

T = TypeVar("T")

MESSAGES = ("Chuyen tien", "tra tien hang", "hoc phi thang 11", "tien dien T10", "tien nuoc",
            "mua rau", "ung ho lu lut", "dong quy lop", "tien nha thang 12", "TT don hang 1029")
NAMES = ("TAP HOA CO BA", "PHO THIN", "QUAN COM BINH DAN", "NHA THUOC TAM DUC")
CITIES = ("HA NOI", "THANH HOA", "HUE", "DA NANG", "CAN THO")


def payloads(count: int, seed: int) -> list[str]:
    """``count`` VietQR transfer payloads, 70 % dynamic, as bank apps and shops make them."""
    rng = random.Random(seed)
    bins = sorted(vietqr.BANKS)
    out = []
    for _ in range(count):
        dynamic = rng.random() < 0.7
        shop = rng.random() < 0.4
        out.append(vietqr.build(
            bin=rng.choice(bins),
            account="".join(rng.choices(string.digits, k=rng.randint(8, 16))),
            amount=rng.randint(1, 5000) * 1000 if dynamic else None,
            purpose=rng.choice(MESSAGES) if dynamic or rng.random() < 0.3 else None,
            merchant_name=rng.choice(NAMES) if shop else None,
            city=rng.choice(CITIES) if shop else None,
            bill_number=f"HD{rng.randrange(10**8):08d}" if rng.random() < 0.2 else None))
    return out


# --- the references ------------------------------------------------------------------------

TEMPLATES = frozenset(f"{n:02d}" for n in (*range(26, 52), 62))


def reference_tlv(text: str, path: str = "") -> dict[str, object]:
    """Tag -> value, or tag -> fields of a template, split recursively."""
    fields: dict[str, object] = {}
    pos = 0
    while pos < len(text):
        tag, length = text[pos:pos + 2], int(text[pos + 2:pos + 4])
        value = text[pos + 4:pos + 4 + length]
        if len(value) != length:
            raise ValueError(f"{path}{tag}: short value")
        here = f"{path}{tag}"
        fields[tag] = (reference_tlv(value, here + "/")
                       if (not path and tag in TEMPLATES) or here == "38/01" else value)
        pos += 4 + length
    return fields


def reference_parse(payload: str) -> dict[str, object]:
    """The plain parse: the CRC with binascii.crc_hqx, then the TLV split."""
    text = payload.strip()
    if f"{binascii.crc_hqx(text[:-4].encode('utf-8'), 0xFFFF):04X}" != text[-4:].upper():
        raise ValueError("bad CRC")
    return reference_tlv(text)


def reference_png(payload: str) -> bytes:
    out = io.BytesIO()
    qrcode.make(payload).save(out)
    return out.getvalue()


def reference_decode(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found[0].text if found else ""


QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def reference_decode_qr(png: bytes) -> str:
    """The same, told to look for QR codes only (zxing's default looks for every format)."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=QR_ONLY)
    return found[0].text if found else ""


# --- timing --------------------------------------------------------------------------------

def median_seconds(work: Callable[[T], object], items: Sequence[T], repeats: int) -> float:
    """Median wall-clock seconds of one pass of ``work`` over all ``items``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for item in items:
            work(item)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(label: str, ours: float, reference: float, count: int, unit: str) -> str:
    ours_rate, ref_rate = count / ours, count / reference
    return (f"{label:<34} {ours_rate:>12,.0f} {ref_rate:>12,.0f} {ours_rate / ref_rate:>8.2f}"
            f"   {unit}/s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help="fewer payloads and repeats (about 10 s)")
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args(argv)
    count, image_count, repeats = (100, 60, 3) if args.quick else (400, 200, 5)
    parse_rounds = 5 if args.quick else 25  # parse is fast: time several passes per repeat

    texts = payloads(count, args.seed)
    images = texts[:image_count]
    print(f"bakhong bench/vietqr_speed.py  seed {args.seed}  {count} payloads "
          f"({min(map(len, texts))}-{max(map(len, texts))} characters), {image_count} images, "
          f"median of {repeats}")
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs; qrcode "
          f"{metadata.version('qrcode')}, zxing-cpp {metadata.version('zxing-cpp')}, Pillow "
          f"{metadata.version('pillow')}")

    # correctness first: both sides read back every payload
    for text in texts:
        assert vietqr.parse(text).payload == text
        assert reference_parse(text)["63"] == text[-4:]
    ours_png = [qrimage.render_png(text) for text in images]
    ref_png = [reference_png(text) for text in images]
    assert [qrimage.decode_text(png) for png in ours_png] == images
    assert [reference_decode(png) for png in ref_png] == images
    assert [reference_decode_qr(png) for png in ref_png] == images

    many = texts * parse_rounds
    parse_ours = median_seconds(vietqr.parse, many, repeats)
    parse_ref = median_seconds(reference_parse, many, repeats)
    decode_ours = median_seconds(qrimage.decode_text, ours_png, repeats)
    decode_ref = median_seconds(reference_decode, ref_png, repeats)
    decode_qr = median_seconds(reference_decode_qr, ref_png, repeats)
    trip_ours = median_seconds(lambda t: qrimage.decode_text(qrimage.render_png(t)), images,
                               repeats)
    trip_ref = median_seconds(lambda t: reference_decode(reference_png(t)), images, repeats)

    print()
    print(f"{'':<34} {'ours':>12} {'reference':>12} {'ratio':>8}")
    print(row("(a) vietqr.parse vs TLV loop", parse_ours, parse_ref, len(many), "payloads"))
    print(row("(b) decode_text vs zxing read", decode_ours, decode_ref, len(images), "images"))
    print(row("    vs zxing read, QR format only", decode_ours, decode_qr, len(images), "images"))
    print(row("    render + decode round trip", trip_ours, trip_ref, len(images), "images"))
    print()
    def per(seconds: float, items: int, scale: float, unit: str) -> str:
        return f"{seconds / items * scale:.2f} {unit}"

    print(f"per item: parse {per(parse_ours, len(many), 1e6, 'µs')} vs "
          f"{per(parse_ref, len(many), 1e6, 'µs')}; decode "
          f"{per(decode_ours, len(images), 1e3, 'ms')} vs {per(decode_ref, len(images), 1e3, 'ms')}"
          f" ({per(decode_qr, len(images), 1e3, 'ms')} QR only); round trip "
          f"{per(trip_ours, len(images), 1e3, 'ms')} vs {per(trip_ref, len(images), 1e3, 'ms')}")
    print("ratio = ours / reference in items per second: above 1, ours is faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
