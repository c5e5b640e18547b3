"""Two workshops' learners are one resident only by an id their rosters gave, never by the
hv001 … that init numbers every roster without «Mã học viên» with (found while building
the province's sync: the report counted two different people as one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bakhong.grading import report, workshop

pytestmark = pytest.mark.slow


def roster(path: Path, rows: list[str], header: str = "Họ và tên,Xã/Phường,Năm sinh") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_numbered_ids_never_join_two_workshops(tmp_path: Path) -> None:
    for name, person in (("a", "Lê Thị Hoa"), ("b", "Trần Văn Nam")):
        workshop.init(tmp_path / name, roster(tmp_path / f"{name}.csv",
                                              [f"{person},Xã Thọ Long,1960"]))[0].close()
    # both learners are hv001 of their workshop, and different people
    assert sum(row.enrolled for row in report.completion([tmp_path / "a", tmp_path / "b"])) == 2


def test_an_id_the_rosters_gave_joins_two_workshops(tmp_path: Path) -> None:
    header = "Mã học viên,Họ và tên,Xã/Phường,Năm sinh"
    workshop.init(tmp_path / "a", roster(tmp_path / "a.csv", ["TL-0042,Lê Thị Hoa,Xã Thọ Long,1960"],
                                         header))[0].close()
    workshop.init(tmp_path / "b", roster(tmp_path / "b.csv", ["TL-0042,Lê Thị Hòa,Xã Thọ Long,1960"],
                                         header))[0].close()
    # the same register number, the name typed with another accent: one resident
    assert sum(row.enrolled for row in report.completion([tmp_path / "a", tmp_path / "b"])) == 1
