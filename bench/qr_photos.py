"""Benchmark: how often and how fast ``bakhong.simulators.qrimage.decode_text`` reads codes.

Pictures come from the seeded generators of ``tests/test_qrimage.py`` (VietQR-shaped
payloads of 100-200 characters; app screenshots; phone photos of a printed card with
perspective, uneven light, noise, 1000-3000 px wide). Four sets, all in one run:

1. **baseline**: undistorted screenshots (``render_png`` as is, PNG), the reference time.
2. **acceptance**: the test's grid (rotation 0-15°, Gaussian blur σ 0-1.5 px, PNG/JPEG
   90/75/60, the worst cases together), ``--repeat`` times with fresh seeds. Decode rate
   per distortion level, first pass alone and with the fallbacks, and time per decode.
3. **stress**: beyond the bar (25-40°, σ 2.5-3.5, JPEG 25-60, low contrast, small codes,
   dim light). Shows what each candidate fallback rescues among the first pass's misses;
   ``qrimage.FALLBACKS`` keeps only what helps.
4. **large**: 12- and 21-megapixel photos (3000 and 4000 px wide) with small codes (7-40 %
   of the width), decoded with ``DECODE_MAX_SIDE`` at 1024, 1500, its default, and off.

Run ``.venv/bin/python bench/qr_photos.py`` (about 80 s on 2 cores) or ``--quick``
(about 20 s). Pictures are generated on every core; decoding is timed in this process,
one picture at a time. Times are wall-clock per ``decode_text`` call, bytes to text.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_qrimage as gen  # noqa: E402  (the generators live with the test)

from bakhong.simulators import qrimage  # noqa: E402

Picture = tuple[dict[str, Any], str, bytes]  # (labels, payload, picture)

STRESS = gen.Stress(fraction=(0.12, 0.3), ink=(40, 110), paper=(150, 220), noise=(8, 18),
                    light=(0.25, 0.6), warp=0.1)


# --- making the pictures (in worker processes) --------------------------------------------

def _baseline(seed: str) -> Picture:
    payload = gen.vietqr_like(random.Random(seed))
    return {"set": "baseline"}, payload, qrimage.render_png(payload)


def _acceptance(case: gen.Case) -> Picture:
    payload, picture = case.make()
    quality = "PNG" if case.quality is None else f"JPEG {case.quality}"
    labels = {"set": "acceptance", "kind": case.kind, "angle": f"{case.angle}°",
              "blur": f"σ {case.sigma}", "encoding": quality, "worst": case.worst}
    if case.kind == "photo":
        with Image.open(io.BytesIO(picture)) as opened:
            labels["width"] = "1000-1999 px" if opened.width < 2000 else "2000-3000 px"
    return labels, payload, picture


def _stress(job: tuple[str, str, float, float, int]) -> Picture:
    kind, seed, angle, sigma, quality = job
    rng = random.Random(seed)
    payload = gen.vietqr_like(rng)
    turn = angle * rng.choice((-1, 1))
    if kind == "screenshot":
        picture = gen.screenshot(payload, rng, angle=turn, sigma=sigma, quality=quality)
    else:
        picture = gen.photo(payload, rng, angle=turn, sigma=sigma, quality=quality, stress=STRESS)
    labels = {"set": "stress", "kind": kind, "angle": f"{angle}°", "blur": f"σ {sigma}",
              "encoding": f"JPEG {quality}"}
    return labels, payload, picture


def _large(job: tuple[str, int, float]) -> Picture:
    seed, width, fraction = job
    rng = random.Random(seed)
    payload = gen.vietqr_like(rng)
    picture = gen.photo(payload, rng, angle=rng.uniform(-15, 15), sigma=rng.choice((0.75, 1.5)),
                        quality=rng.choice((90, 60)), width=width,
                        stress=gen.Stress(fraction=(fraction, fraction)))
    return {"set": "large", "width": f"{width} px", "code": f"{fraction:.0%} of width"}, \
        payload, picture


def make_all(quick: bool, repeat: int) -> dict[str, list[Picture]]:
    n = 1 if quick else repeat
    acceptance = [
        gen.Case(c.kind, c.angle, c.sigma, c.quality, f"bench-{r}-{c.seed}")
        for r in range(n) for kind in ("screenshot", "photo") for c in gen.cases(kind)
    ]
    stress = [
        (kind, f"stress-{r}-{kind}-{i}", a, s, q)
        for r in range(n) for kind in ("screenshot", "photo")
        for i, (a, s, q) in enumerate(itertools.product((0, 25, 40), (1.5, 2.5, 3.5),
                                                        (60, 40, 25)))
    ]
    large = [
        (f"large-{r}-{w}-{f}", w, f)
        for r in range(1 if quick else 3) for w in (3000, 4000)
        for f in (0.07, 0.1, 0.15, 0.25, 0.4)
    ]
    seeds = [f"base-{i}" for i in range(20 if quick else 50)]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        return {
            "baseline": list(pool.map(_baseline, seeds)),
            "acceptance": list(pool.map(_acceptance, acceptance, chunksize=4)),
            "stress": list(pool.map(_stress, stress, chunksize=4)),
            "large": list(pool.map(_large, large)),
        }


# --- decoding and reporting ---------------------------------------------------------------

@contextmanager
def settings(**values: Any) -> Iterator[None]:
    """Temporarily change module constants of qrimage (FALLBACKS, DECODE_MAX_SIDE)."""
    saved = {name: getattr(qrimage, name) for name in values}
    for name, value in values.items():
        setattr(qrimage, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(qrimage, name, value)


def decode_all(pictures: list[Picture]) -> list[tuple[bool, float]]:
    """(read correctly, seconds) for each picture."""
    results = []
    for _labels, payload, picture in pictures:
        start = time.perf_counter()
        try:
            ok = qrimage.decode_text(picture) == payload
        except qrimage.NoQrFound:
            ok = False
        results.append((ok, time.perf_counter() - start))
    return results


def ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {1000 * statistics.median(ordered):6.1f} ms  p95 {1000 * p95:6.1f} ms"


def rate_table(title: str, pictures: list[Picture], columns: dict[str, list[tuple[bool, float]]],
               keys: tuple[str, ...]) -> None:
    print(f"\n{title}")
    names = list(columns)
    print(f"  {'':34s}" + "".join(f"{name:>16s}" for name in names))
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (labels, _, _) in enumerate(pictures):
        groups[("all", labels.get("kind", labels["set"]))].append(i)
        for key in keys:
            if key in labels:
                groups[(f"{labels.get('kind', '')} {key}".strip(), str(labels[key]))].append(i)
    for (key, value), members in sorted(groups.items(), key=lambda kv: (kv[0][0] != "all", kv[0])):
        cells = []
        for name in names:
            good = sum(columns[name][i][0] for i in members)
            cells.append(f"{good:4d}/{len(members):<4d}{good / len(members):6.1%}")
        print(f"  {key + ' = ' + value:34s}" + "".join(f"{c:>16s}" for c in cells))


def candidates() -> dict[str, Callable[[Image.Image], list[zxingcpp.Barcode]]]:
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)

    def read(picture: Image.Image, **options: Any) -> list[zxingcpp.Barcode]:
        return zxingcpp.read_barcodes(picture, formats=formats, **options)

    return {
        "autocontrast": lambda p: read(ImageOps.autocontrast(p, cutoff=1)),
        "equalize": lambda p: read(ImageOps.equalize(p)),
        "half size": lambda p: read(p.reduce(2)),
        "double size": lambda p: read(p.resize((2 * p.width, 2 * p.height),
                                               Image.Resampling.BICUBIC)),
        "global histogram": lambda p: read(p, binarizer=zxingcpp.Binarizer.GlobalHistogram),
        "fixed threshold": lambda p: read(p, binarizer=zxingcpp.Binarizer.FixedThreshold),
        "median 3": lambda p: read(p.filter(ImageFilter.MedianFilter(3))),
        "unsharp r1 150%": lambda p: read(p.filter(ImageFilter.UnsharpMask(1, 150, 0))),
        "unsharp r2 150%": lambda p: read(p.filter(ImageFilter.UnsharpMask(2, 150, 0))),
        "unsharp r2 400%": lambda p: read(p.filter(ImageFilter.UnsharpMask(2, 400, 0))),
        "unsharp r3 400% (kept)": lambda p: read(p.filter(ImageFilter.UnsharpMask(3, 400, 0))),
    }


def fallback_study(pictures: list[Picture]) -> None:
    missed = []
    for _labels, payload, picture in pictures:
        seen = qrimage.load_image(picture)
        found = zxingcpp.read_barcodes(seen, formats=zxingcpp.BarcodeFormats(
            zxingcpp.BarcodeFormat.QRCode))
        if not any(qrimage._text(b) == payload for b in found):
            missed.append((payload, seen))
    print(f"\nstress set: candidate fallbacks, each alone, on the {len(missed)} pictures the "
          f"first pass missed (of {len(pictures)})")
    rescued: dict[str, set[int]] = {}
    for name, read in candidates().items():
        start = time.perf_counter()
        rescued[name] = {i for i, (payload, seen) in enumerate(missed)
                         if any(qrimage._text(b) == payload for b in read(seen))}
        spent = (time.perf_counter() - start) / max(1, len(missed))
        print(f"  {name:24s} rescues {len(rescued[name]):3d}   {1000 * spent:6.1f} ms per try")
    kept = rescued["unsharp r3 400% (kept)"]
    others = set().union(*(v for k, v in rescued.items() if k != "unsharp r3 400% (kept)"))
    print(f"  all candidates together rescue {len(kept | others)}; the kept one alone {len(kept)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one pass of each set")
    parser.add_argument("--repeat", type=int, default=4,
                        help="passes of the acceptance and stress sets (default 4)")
    args = parser.parse_args()

    start = time.perf_counter()
    sets = make_all(args.quick, args.repeat)
    print(f"{sum(map(len, sets.values()))} pictures generated in "
          f"{time.perf_counter() - start:.0f} s on {os.cpu_count()} cores; zxing-cpp "
          f"{metadata.version('zxing-cpp')}, Pillow {metadata.version('pillow')}, "
          f"DECODE_MAX_SIDE {qrimage.DECODE_MAX_SIDE}")

    decode_all(sets["baseline"][:3])  # warm up (imports, caches)
    base = decode_all(sets["baseline"])
    assert all(ok for ok, _ in base), "an undistorted screenshot was not read"
    base_ms = statistics.median(t for _, t in base)
    print(f"\nbaseline, undistorted screenshots (PNG, 10 px modules): {len(base)} pictures, "
          f"all read, {ms([t for _, t in base])}")

    pictures = sets["acceptance"]
    with settings(FALLBACKS=()):
        first = decode_all(pictures)
    full = decode_all(pictures)
    rate_table("acceptance set: decode rate per distortion level", pictures,
               {"first pass": first, "with fallbacks": full},
               ("angle", "blur", "encoding", "worst", "width"))
    print("\n  time per decode (with fallbacks), and median relative to the baseline:")
    for kind, worst in itertools.product(("screenshot", "photo"), (False, True)):
        times = [t for (labels, _, _), (_, t) in zip(pictures, full, strict=True)
                 if labels["kind"] == kind and (labels["worst"] or not worst)]
        name = f"{kind}{', worst' if worst else ''}"
        print(f"    {name:18s} {ms(times)}   x{statistics.median(times) / base_ms:5.1f}")
    rate = sum(ok for ok, _ in full) / len(full)
    print(f"  overall: {sum(ok for ok, _ in full)}/{len(full)} = {rate:.1%}")

    pictures = sets["stress"]
    with settings(FALLBACKS=()):
        first = decode_all(pictures)
    full = decode_all(pictures)
    rate_table("stress set (beyond the bar): decode rate per distortion level", pictures,
               {"first pass": first, "with fallbacks": full}, ("angle", "blur", "encoding"))
    failed_first = [t for (ok, _), (_, t) in zip(first, full, strict=True) if not ok]
    if failed_first:
        print(f"  time when the first pass misses (fallbacks run): {ms(failed_first)}")
    fallback_study(pictures)

    pictures = sets["large"]
    columns = {}
    for side in (1024, 1500, qrimage.DECODE_MAX_SIDE, 100_000):
        with settings(DECODE_MAX_SIDE=side):
            columns[f"side {side}" if side < 100_000 else "no downscale"] = decode_all(pictures)
    rate_table("large photos: decode rate per DECODE_MAX_SIDE", pictures, columns,
               ("width", "code"))
    print("\n  time per decode:")
    for name, results in columns.items():
        times = [t for _, t in results]
        print(f"    {name:14s} {ms(times)}   x{statistics.median(times) / base_ms:5.1f}")
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
