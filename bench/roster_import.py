"""``bakhong init`` of a large roster against reading the same file with pandas alone.

    .venv/bin/python bench/roster_import.py [--rows 10000]

Writes a fictional roster (CSV, the columns a trainer's Excel export has), then, in the same
run, times ``pandas.read_csv`` of it (the floor: reading the file, nothing else) and
``bakhong.grading.workshop.init`` (reading and checking every row, resolving communes, a
fictional persona and household per learner, the learner codes, nbgrader's course and
students), each in a fresh process so imports are counted alike; prints both and the ratio.
The issue's goal: 10,000 rows in under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMUNES = ("Xã Thọ Long", "Phường Hạc Thành", "Xã Hồ Vương", "Xã Quảng Bình",
            "Xã Thiệu Trung", "Phường Điện Biên")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi")
GIVEN = ("Văn Nam", "Thị Hoa", "Thị Lan", "Văn Bình", "Đức Anh", "Thị Mai", "Văn Hùng")


def write_roster(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Họ và tên", "Xã/Phường", "Năm sinh", "Giới tính"])
        for i in range(rows):
            writer.writerow([f"{FAMILY[i % 8]} {GIVEN[i % 7]} {i}", COMMUNES[i % 6],
                             1945 + i % 60, "Nữ" if i % 2 else "Nam"])


def timed(code: str, env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory(prefix="bakhong-roster-") as scratch:
        folder = Path(scratch)
        roster = folder / "danh-sach.csv"
        write_roster(roster, rows)
        env = {**os.environ, "BAKHONG_HOME": str(folder / "home")}
        baseline = timed(f"import pandas; pandas.read_csv({str(roster)!r})", env)
        ours = timed("from pathlib import Path; from bakhong.grading import workshop; "
                     f"box, added = workshop.init(Path({str(folder / 'lop')!r}), "
                     f"Path({str(roster)!r})); assert len(added) == {rows}", env)
    print(f"{rows} rows: pandas.read_csv {baseline:.1f} s, bakhong init {ours:.1f} s "
          f"({ours / baseline:.1f}x the bare read; {rows / ours:.0f} rows/s)")


if __name__ == "__main__":
    main()
