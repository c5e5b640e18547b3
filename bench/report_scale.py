"""The report's aggregation at province size, against a plain pandas read and groupby.

A province's worth of per-workshop results is generated (seeded, vectorised with numpy) in the
form the report's aggregation step reads, :data:`bakhong.grading.report_views.RESULT_COLUMNS`
(written by :func:`~bakhong.grading.report_views.write_results`): one CSV per workshop, one row
per resident with an opaque resident key, province, commune, trained (1/0), the moment trained
(Unix seconds), birth year and the five survey answers (1/0; blank = unknown). By default 3.7
million residents over Thanh Hóa's 166 post-2025 communes (their real names), one file per
commune, and 2 % of residents enrolled a second time in another workshop (so the merge has
work to do).

Both sides read the same files and count per commune:

* **ours**: :func:`~bakhong.grading.report_views.read_results` then
  :func:`~bakhong.grading.report_views.aggregate` (a resident counted once: first place
  seen, trained anywhere, earliest moment, a "yes" anywhere; the five weekly marks of the
  projection; every survey indicator's base and "yes", the bank account over 15 only);
* **pandas**: ``pd.read_csv`` of each file with default types, ``pd.concat``, then one
  ``groupby(["province", "commune"]).agg(...)``: distinct residents, trained (summed, so a
  resident trained twice counts twice) and, per survey column, the answers and the "yes".

Time is the best of ``--repeats`` runs of each side in this process, taken in turns. Memory
is measured in a fresh process per side, both ways: the peak RSS above the RSS once the
imports are done (the kernel's high-water mark, reset just before the run: everything, the
CSV parser's C buffers too) and tracemalloc's peak (Python objects and numpy arrays only).
The ratio is ours / pandas: above 1, ours costs more.

    .venv/bin/python bench/report_scale.py --quick   # 74,000 residents, about 10 s
    .venv/bin/python bench/report_scale.py           # 3.7 million residents, a few minutes
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bakhong.grading.report_views import (
    RESULT_COLUMNS,
    SURVEY,
    aggregate,
    read_results,
    write_results,
)
from bakhong.simulators import registry
from bakhong.simulators.clock import VN_TZ

AS_OF = datetime(2026, 12, 1, 9, tzinfo=VN_TZ)
PROVINCE = registry.DEFAULT_PROVINCE
FULL = {"residents": 3_700_000, "communes": 166, "workshops": 166, "repeats": 3}
QUICK = {"residents": 74_000, "communes": 166, "workshops": 20, "repeats": 3}
SECOND_TIME = 0.02  # share of residents enrolled again in another workshop
UNKNOWN = 0.3  # share of survey answers left blank


def generate(folder: Path, *, residents: int, communes: int, workshops: int,
             seed: int = 20261128) -> list[Path]:
    """Write ``workshops`` results files for ``residents`` residents into ``folder``."""
    rng = np.random.default_rng(seed)
    names = np.array([name for _code, name in registry.communes(PROVINCE)][:communes])
    weights = rng.lognormal(0.0, 0.6, len(names))
    place = rng.choice(len(names), size=residents, p=weights / weights.sum())
    trained = rng.random(residents) < rng.uniform(0.3, 0.9, len(names))[place]
    moment = np.where(trained, AS_OF.timestamp() - rng.uniform(0, 26 * 7 * 86400, residents),
                      np.nan)
    moment[trained & (rng.random(residents) < 0.02)] = np.nan  # trained, moment unknown
    born = rng.integers(1930, 2016, residents).astype("float64")
    born[rng.random(residents) < 0.03] = np.nan
    columns: dict[str, Any] = {
        "resident": np.arange(residents, dtype=np.int64),
        "province": PROVINCE,
        "commune": names[place],
        "trained": trained.astype(np.int8),
        "trained_at": moment,
        "birth_year": born.astype(np.float32),
    }
    for share, name in zip((0.85, 0.7, 0.6, 0.2, 0.4), SURVEY, strict=True):
        answer = (rng.random(residents) < share).astype(np.float32)
        answer[rng.random(residents) < UNKNOWN] = np.nan
        columns[name] = answer
    frame = pd.DataFrame(columns, columns=list(RESULT_COLUMNS))
    owner = place % workshops  # a workshop trains a few communes
    again = rng.random(residents) < SECOND_TIME
    extra = frame[again].copy()
    extra["trained"] = 0  # enrolled again, not (yet) trained there
    extra["trained_at"] = np.nan
    extra_owner = (owner[again] + rng.integers(1, max(2, workshops), int(again.sum()))) % workshops
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for w in range(workshops):
        part = pd.concat([frame[owner == w], extra[extra_owner == w]], ignore_index=True)
        paths.append(folder / f"lop-{w:03d}.csv")
        write_results(part, paths[-1])
    return paths


def ours(paths: Sequence[Path], as_of: datetime = AS_OF) -> pd.DataFrame:
    return aggregate(read_results(paths), as_of=as_of)


def baseline(paths: Sequence[Path]) -> pd.DataFrame:
    frame = pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)
    named: dict[str, Any] = {"enrolled": ("resident", "nunique"), "trained": ("trained", "sum")}
    for name in SURVEY:
        named[f"{name}_base"] = (name, "count")
        named[f"{name}_yes"] = (name, "sum")
    return frame.groupby(["province", "commune"]).agg(**named)


SIDES: dict[str, Callable[[Sequence[Path]], pd.DataFrame]] = {"ours": ours, "pandas": baseline}


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak RSS (VmHWM) to the current RSS; Linux 4.0 and later."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure(side: str, paths: Sequence[Path]) -> dict[str, float]:
    """In a fresh process: peak RSS above the start, and tracemalloc's peak, of one run.

    The peak is the kernel's high-water mark (VmHWM), reset just before the run, so the
    imports' own peak does not hide the run's; without /proc, ``getrusage``'s lifetime peak.
    """
    if _reset_peak() and (start := _status_mb("VmRSS")) is not None:
        SIDES[side](paths)
        rss = (_status_mb("VmHWM") or start) - start
    else:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        SIDES[side](paths)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
    tracemalloc.start()
    SIDES[side](paths)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"rss_mb": rss, "traced_mb": traced}


def best_times(paths: Sequence[Path], repeats: int) -> dict[str, float]:
    """The best of ``repeats`` runs of each side, taken in turns (a busy machine slows both)."""
    times: dict[str, list[float]] = {side: [] for side in SIDES}
    for _ in range(repeats):
        for side, run in SIDES.items():
            began = time.perf_counter()
            run(paths)
            times[side].append(time.perf_counter() - began)
    return {side: min(found) for side, found in times.items()}


def _memory(side: str, folder: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--measure", side, "--data", str(folder)],
                         check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="74,000 residents, 20 files")
    parser.add_argument("--residents", type=int)
    parser.add_argument("--communes", type=int)
    parser.add_argument("--workshops", type=int, help="results files")
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--data", type=Path, help="keep the files here (default: a temp dir)")
    parser.add_argument("--measure", choices=sorted(SIDES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the child process of a memory measurement
        paths = sorted(args.data.glob("lop-*.csv"))
        print(json.dumps(measure(args.measure, paths)))
        return 0
    chosen = dict(QUICK if args.quick else FULL)
    for key in chosen:
        if getattr(args, key) is not None:
            chosen[key] = getattr(args, key)
    with tempfile.TemporaryDirectory(prefix="report-scale-") as temporary:
        folder = args.data or Path(temporary)
        wanted = {key: chosen[key] for key in ("residents", "communes", "workshops")}
        wanted["seed"] = args.seed
        stamp = folder / "params.json"
        began = time.perf_counter()
        if stamp.exists() and json.loads(stamp.read_text()) == wanted:  # --data kept them
            paths, how = sorted(folder.glob("lop-*.csv")), "reused"
        else:
            paths = generate(folder, residents=chosen["residents"],
                             communes=chosen["communes"], workshops=chosen["workshops"],
                             seed=args.seed)
            stamp.write_text(json.dumps(wanted))
            how = "generated (mostly writing the CSV)"
        made = time.perf_counter() - began
        size = sum(p.stat().st_size for p in paths) / 2**20
        print(f"report_scale: {chosen['residents']:,} residents (+{SECOND_TIME:.0%} enrolled "
              f"twice), {chosen['communes']} communes, {len(paths)} files, {size:,.0f} MB of "
              f"CSV, {how} in {made:.1f} s")
        mine, plain = ours(paths), baseline(paths)
        assert mine["enrolled"].sum() == plain["enrolled"].sum() == chosen["residents"]
        assert len(mine) == len(plain) == chosen["communes"]
        times = best_times(paths, chosen["repeats"])
        memory = {side: _memory(side, folder) for side in SIDES}
    rows = [(f"time, best of {chosen['repeats']} (s)", times["ours"], times["pandas"]),
            ("peak RSS above start (MB)", memory["ours"]["rss_mb"], memory["pandas"]["rss_mb"]),
            ("tracemalloc peak (MB)", memory["ours"]["traced_mb"],
             memory["pandas"]["traced_mb"])]
    print(f"{'':28} {'ours':>9} {'pandas':>9} {'ratio':>7}")
    for label, mine_value, plain_value in rows:
        ratio = mine_value / plain_value if plain_value else float("nan")
        print(f"{label:28} {mine_value:9.2f} {plain_value:9.2f} {ratio:7.2f}")
    print("ratio = ours / pandas (above 1: ours costs more); "
          f"{os.cpu_count()} CPUs, pandas {pd.__version__}, numpy {np.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
