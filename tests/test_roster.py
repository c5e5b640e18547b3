"""Rosters: every accepted format and encoding, legacy communes, every bad row."""

from __future__ import annotations

import codecs
import csv
import datetime
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from bakhong.grading.roster import (
    RosterError,
    RosterRow,
    ignored_columns,
    read_roster,
    resolve_commune,
)
from bakhong.simulators.errors import SandboxError

PROVINCE = "Thanh Hóa"
HEADER_VI = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Xã/Phường", "Huyện", "Tỉnh"]
ROWS_VI = [
    ["1", "Lê Thị Hoa", "1965", "Nữ", "Xã Thọ Long", "", "Thanh Hóa"],
    ["2", "Nguyễn Văn Đức", "1958", "Nam", "phường Điện Biên", "TP Thanh Hóa", ""],
    ["3", "Trịnh Thị Ánh", "", "", "xã Quảng Lưu", "huyện Quảng Xương", "Tỉnh Thanh Hóa"],
]


def cp1258_form(text: str) -> str:
    """Text as Windows-1258 stores it: base letters (â, ơ, đ…) whole, tone marks combining.

    Plain NFD cannot be encoded (cp1258 has no combining circumflex or horn), so
    each letter keeps the one mark cp1258 has precomposed and the rest combine.
    """
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = list(unicodedata.normalize("NFD", char))
            for mark in marks:
                joined = unicodedata.normalize("NFC", base + mark)
                if len(joined) == 1 and joined.encode("cp1258", "ignore"):
                    base = joined
                    marks.remove(mark)
                    break
            char = base + "".join(marks)
        out.append(char)
    return "".join(out)


def write_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    lines = [delimiter.join(row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    if encoding == "cp1258":
        path.write_bytes(cp1258_form(text).encode("cp1258"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def simple(rows: list[RosterRow]) -> list[tuple[object, ...]]:
    return [(r.learner_id, r.full_name, r.commune_name, r.birth_year, r.sex) for r in rows]


EXPECTED = [
    ("hv001", "Lê Thị Hoa", "Xã Thọ Long", 1965, "nữ"),
    ("hv002", "Nguyễn Văn Đức", "Phường Hạc Thành", 1958, "nam"),
    ("hv003", "Trịnh Thị Ánh", "Xã Quảng Bình", None, None),
]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("cp1258", ","), ("utf-8-sig", ";"), ("cp1258", ";"),
     ("utf-16", "\t"), ("utf-8-sig", "\t")],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = write_csv(
        tmp_path / "roster.csv", [HEADER_VI, *ROWS_VI], encoding=encoding, delimiter=delimiter
    )
    rows = read_roster(path, PROVINCE)
    assert simple(rows) == EXPECTED
    for row in rows:
        assert unicodedata.is_normalized("NFC", row.full_name)
    assert [r.row_number for r in rows] == [2, 3, 4]


def test_excel_unicode_text_export(tmp_path: Path) -> None:
    """Excel's «Unicode Text (*.txt)»: UTF-16 little-endian with its BOM, tab-separated."""
    path = write_csv(tmp_path / "danh-sach.txt", [HEADER_VI, *ROWS_VI], encoding="utf-16-le",
                     delimiter="\t")
    path.write_bytes(codecs.BOM_UTF16_LE + path.read_bytes())
    assert simple(read_roster(path, PROVINCE)) == EXPECTED


def test_cp1258_really_is_nfd(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [HEADER_VI, *ROWS_VI], encoding="cp1258")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    decoded = path.read_bytes().decode("cp1258")
    assert "Nguyễn" not in decoded
    assert unicodedata.normalize("NFC", decoded).count("Nguyễn") == 1


def test_xlsx_excel_quirks(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Phạm Văn Quý")
    rows: list[list[object]] = [
        ["Mã học viên", "HỌ TÊN ", "Năm sinh", "Giới tính", "Xã", "Quận/Huyện", "Tỉnh/Thành phố"],
        ["A01", "Lê Thị Hoa  ", 1965.0, "nữ", "thọ long", None, None],
        [1042.0, nfd, 1970, "NAM", "xã Tây Hồ", "Thọ Xuân", "Thanh Hóa"],
        [None, None, None, None, None, None, None],
        ["A03", "Hoàng Thị Mai", 1980.0, "Nu", "xã Nga Liên", "Nga Sơn", None],
        [None, None, None, None, None, None, None],
        ["", "", "", "", "", "", ""],
    ]
    result = read_roster(write_xlsx(tmp_path / "roster.xlsx", rows), PROVINCE)
    assert [(r.row_number, r.learner_id, r.full_name, r.birth_year) for r in result] == [
        (2, "A01", "Lê Thị Hoa", 1965),
        (3, "1042", "Phạm Văn Quý", 1970),
        (5, "A03", "Hoàng Thị Mai", 1980),
    ]
    assert [r.commune_name for r in result] == ["Xã Thọ Long", "Xã Thọ Long", "Xã Hồ Vương"]
    assert result[1].legacy_commune == "Xã Tây Hồ"
    assert result[1].legacy_district == "Huyện Thọ Xuân"
    assert result[0].legacy_commune is None


def test_english_headers_and_generated_ids_avoid_given_ones(tmp_path: Path) -> None:
    rows = [
        ["full_name", "commune", "learner_id"],
        ["An", "Thọ Long", ""],
        ["Bình", "Thọ Long", "hv002"],
        ["Chi", "Thọ Long", ""],
    ]
    result = read_roster(write_csv(tmp_path / "r.csv", rows), PROVINCE)
    ids = [r.learner_id for r in result]
    assert ids == ["hv001", "hv002", "hv003"] or len(set(ids)) == 3
    assert len(set(ids)) == 3
    again = read_roster(tmp_path / "r.csv", PROVINCE)
    assert [r.learner_id for r in again] == ids


@pytest.mark.parametrize(
    ("commune", "district", "new_name", "new_code"),
    [
        ("Xã Thọ Long", None, "Xã Thọ Long", 15505),
        ("thọ long", None, "Xã Thọ Long", 15505),
        ("THO LONG", None, "Xã Thọ Long", 15505),
        ("phường Điện Biên", "TP Thanh Hóa", "Phường Hạc Thành", 14797),
        ("Điện Biên", "Thành phố Thanh Hóa", "Phường Hạc Thành", 14797),
        ("xã Quảng Lưu", "Quảng Xương", "Xã Quảng Bình", 16543),
        ("xã Tây Hồ", "Thọ Xuân", "Xã Thọ Long", 15505),
        ("xã Nga Liên", "Nga Sơn", "Xã Hồ Vương", 16138),
        ("xã Thiệu Trung", "Thiệu Hóa", "Xã Thiệu Trung", 15835),
        ("Xuân Lộc", "H. Triệu Sơn", "Xã Thọ Phú", 15763),
        # typed without diacritics, the way a keyboard without Vietnamese input gives them
        ("xa tho long", None, "Xã Thọ Long", 15505),
        ("Phuong Dien Bien", "TP Thanh Hoa", "Phường Hạc Thành", 14797),
        ("xa quang luu", "huyen Quang Xuong", "Xã Quảng Bình", 16543),
        ("xuan loc", "trieu son", "Xã Thọ Phú", 15763),
    ],
)
def test_resolve_commune(commune: str, district: str | None, new_name: str, new_code: int) -> None:
    unit, _legacy = resolve_commune(PROVINCE, commune, district)
    assert (unit.name, unit.code) == (new_name, new_code)


def test_ambiguous_split_and_unknown_communes() -> None:
    with pytest.raises(ValueError, match="nhiều nơi") as info:
        resolve_commune(PROVINCE, "Xuân Lộc")
    for district in ("Thường Xuân", "Triệu Sơn", "Hậu Lộc"):
        assert district in str(info.value)
    with pytest.raises(ValueError, match="chia cho nhiều") as info:
        resolve_commune(PROVINCE, "Xã Hà Bình", "Hà Trung")
    assert "Xã Hà Trung" in str(info.value) and "Xã Hoạt Giang" in str(info.value)
    with pytest.raises(ValueError, match="không tìm thấy"):
        resolve_commune(PROVINCE, "Xã Không Có")
    with pytest.raises(ValueError, match="Nga Sơn"):
        resolve_commune(PROVINCE, "xã Tây Hồ", "Nga Sơn")


def test_every_bad_row_listed_at_once(tmp_path: Path) -> None:
    rows = [
        ["Mã học viên", "Họ và tên", "Năm sinh", "Giới tính", "Xã/Phường", "Huyện", "Tỉnh"],
        ["a1", "Lê Thị Hoa", "1965", "Nữ", "Xã Thọ Long", "", ""],  # 2 good
        ["a2", "", "1965", "Nữ", "Xã Thọ Long", "", ""],  # 3 missing name
        ["a3", "Bình", "1965", "Nữ", "Xã Không Có", "", ""],  # 4 unknown commune
        ["a4", "Chi", "65", "Nữ", "Xã Thọ Long", "", ""],  # 5 bad year
        ["a5", "Dũng", "1850", "Nam", "Xã Thọ Long", "", ""],  # 6 year out of range
        ["a6", "Em", "1990", "X", "Xã Thọ Long", "", ""],  # 7 bad sex
        ["a1", "Giang", "1990", "Nam", "Xã Thọ Long", "", ""],  # 8 duplicate id
        ["a8", "Hà", "1990", "Nam", "Xã Thọ Long", "", "Nghệ An"],  # 9 other province
        ["a9", "Khoa", "1990", "Nam", "Xuân Lộc", "", ""],  # 10 ambiguous
        ["a10", "Lan", "1990", "Nữ", "Xã Hà Bình", "Hà Trung", ""],  # 11 split
        ["a11", "Minh", "1990", "Nữ", "", "", ""],  # 12 missing commune
    ]
    path = write_csv(tmp_path / "bad.csv", rows, encoding="utf-8-sig", delimiter=";")
    with pytest.raises(RosterError) as info:
        read_roster(path, PROVINCE)
    error = info.value
    assert isinstance(error, SandboxError)
    by_row = dict(error.errors)
    assert sorted(by_row) == list(range(3, 13))
    assert "họ và tên" in by_row[3]
    assert "Xã Không Có" in by_row[4]
    assert "năm sinh" in by_row[5] and "năm sinh" in by_row[6]
    assert "giới tính" in by_row[7]
    assert "trùng với dòng 2" in by_row[8]
    assert "Nghệ An" in by_row[9]
    assert "nhiều nơi" in by_row[10]
    assert "chia cho nhiều" in by_row[11]
    assert "xã/phường" in by_row[12]
    text = str(error)
    assert text.startswith("Danh sách học viên có lỗi ở dòng 3, 4, 5")
    assert "- Dòng 11:" in text
    assert error.params["row"].startswith("3, 4")  # type: ignore[union-attr]


def test_missing_required_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["Họ và tên", "Năm sinh"], ["An", "1960"]])
    with pytest.raises(RosterError) as info:
        read_roster(path, PROVINCE)
    assert info.value.errors == [(1, "thiếu cột bắt buộc «commune»")]


def test_an_official_list_with_title_rows_and_column_numbers(tmp_path: Path) -> None:
    """The commune's own Excel list: the council's name and a title above the header, the
    row of column numbers under it; row numbers stay the sheet's."""
    numbers = [f"({i})" for i in range(1, len(HEADER_VI) + 1)]
    path = write_xlsx(tmp_path / "ds.xlsx", [
        ["UBND XÃ THỌ LONG"], ["DANH SÁCH HỌC VIÊN LỚP KỸ NĂNG SỐ"], [],
        HEADER_VI, numbers, *ROWS_VI])
    rows = read_roster(path, PROVINCE)
    assert simple(rows) == EXPECTED
    assert [r.row_number for r in rows] == [6, 7, 8]


def test_a_date_of_birth_column_keeps_only_the_year(tmp_path: Path) -> None:
    """«Ngày sinh» as Excel date cells, typed dates or a number column: only the year stays."""
    path = write_xlsx(tmp_path / "ds.xlsx", [
        ["Họ và tên", "Ngày sinh", "Xã/Phường"],
        ["Lê Thị Hoa", datetime.datetime(1965, 3, 15), "Xã Thọ Long"],
        ["Nguyễn Văn Đức", "05/11/1958", "Phường Hạc Thành"],
        ["Trịnh Thị Ánh", 1971.0, "Xã Quảng Bình"]])
    rows = read_roster(path, PROVINCE)
    assert [r.birth_year for r in rows] == [1965, 1958, 1971]
    assert "1958-11" not in repr(rows) and "03-15" not in repr(rows)


def test_columns_not_read_are_named_for_the_trainer(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [
        ["STT", "Họ và tên", "Số CCCD", "Số điện thoại", "Xã/Phường", ""],
        ["1", "Lê Thị Hoa", "", "", "Xã Thọ Long", ""]])
    assert ignored_columns(path) == ["STT", "Số CCCD", "Số điện thoại"]


def test_no_header_row_names_the_first_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ds.xlsx", [[], ["DANH SÁCH"], ["Họ tên người học", "Địa chỉ"]])
    with pytest.raises(RosterError) as info:
        read_roster(path, PROVINCE)
    assert {number for number, _ in info.value.errors} == {2}


def test_unsupported_file(tmp_path: Path) -> None:
    path = tmp_path / "roster.ods"
    path.write_bytes(b"x")
    with pytest.raises(RosterError, match=r"\.xlsx"):
        read_roster(path, PROVINCE)


def test_quoted_csv_with_commas_in_names(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Họ tên", "Phường"])
        writer.writerow(["Lê, Thị Hoa", "Hạc Thành"])
    assert [r.commune_name for r in read_roster(path, PROVINCE)] == ["Phường Hạc Thành"]
