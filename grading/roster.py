"""Read a trainer's roster (``.xlsx`` or CSV) into checked rows.

A roster has one learner per row under a header row. ``full_name`` and
``commune`` are required; ``learner_id``, ``birth_year``, ``sex``, ``district``
and ``province`` are optional. Vietnamese headers («Họ và tên», «Xã/Phường»,
«Huyện», «Tỉnh», «Năm sinh», «Giới tính», «Mã học viên», …) are aliases.

The survey columns are optional too (:data:`SURVEY_COLUMNS`, the province's other
indicators): ``smartphone`` («Có điện thoại thông minh»), ``bank_account`` («Có tài khoản
ngân hàng»), ``eid_account`` («Có tài khoản định danh điện tử»), ``digital_signature`` («Có
chữ ký số») and ``digital_platforms`` («Dùng dịch vụ công trực tuyến»). Each cell is yes
(«Có», ``x``, ``1``, ``yes``, ✓), no («Không», ``0``, ``no``) or blank (not known); anything
else is a bad row. The answers given are kept per learner (:attr:`RosterRow.survey`) for the
report; a roster without these columns imports as before, every answer unknown.

Communes resolve to the post-2025 unit of the course's province: a current
name directly, a pre-2025 name through the old-to-new table shipped in
``vietnamadminunits`` (its data files are read; nothing is geocoded). Any bad
row stops the import: :class:`RosterError` lists every bad row at once, with
the row number a trainer sees in Excel (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import io
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from vietnam_provinces import Province, Ward

from bakhong.simulators import learnerid
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.idnumber import Sex

__all__ = [
    "COLUMNS",
    "SURVEY_COLUMNS",
    "Commune",
    "RosterError",
    "RosterRow",
    "RosterUnreadable",
    "ignored_columns",
    "read_roster",
    "resolve_commune",
]

COLUMNS = ("learner_id", "full_name", "commune", "birth_year", "sex", "district", "province")
REQUIRED = ("full_name", "commune")
#: Optional yes/no columns: the province's indicators besides «trained» (settings.INDICATORS).
SURVEY_COLUMNS = ("smartphone", "bank_account", "eid_account", "digital_signature",
                  "digital_platforms")


class RosterError(SandboxError):
    """The roster has bad rows; nothing was imported. ``errors`` lists them all."""

    code = "roster.invalid"
    message = N_("Danh sách học viên có lỗi ở dòng {row}, chưa nhập học viên nào.\n{reason}")

    def __init__(self, errors: Sequence[tuple[int, str]]) -> None:
        self.errors: list[tuple[int, str]] = sorted(errors)
        rows = ", ".join(dict.fromkeys(str(r) for r, _ in self.errors))
        reason = "\n".join(f"- Dòng {r}: {why}" for r, why in self.errors)
        super().__init__(row=rows, reason=reason)


class RosterUnreadable(RosterError):
    """The roster file itself cannot be read (missing, damaged, wrong kind); row 0 stands for it."""

    code = "roster.unreadable"
    message = N_("Không đọc được tệp danh sách «{file}», chưa nhập học viên nào: {why}.")

    def __init__(self, path: Path, why: str) -> None:
        self.errors = [(0, why)]
        SandboxError.__init__(self, file=path.name, why=why)


class RosterRow(NamedTuple):
    row_number: int
    learner_id: str
    full_name: str
    commune_code: int
    commune_name: str
    birth_year: int | None
    sex: Sex | None
    legacy_commune: str | None
    legacy_district: str | None
    #: The survey questions answered on this row (``{"smartphone": True}``); blank ones absent.
    survey: Mapping[str, bool] = MappingProxyType({})
    #: What was changed on this row for the trainer to know («Dòng 5: …»): a phone or ID
    #: number taken out of the name (:func:`strip_personal_numbers`).
    notes: tuple[str, ...] = ()
    #: Whether the row gave the id; False when :func:`read_roster` numbered it (``hv001`` …).
    id_given: bool = True


# ---------------------------------------------------------------- text helpers


def _nfc(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _fold(text: str) -> str:
    """ASCII key: no case, no diacritics, letters and digits only (``Đ`` → ``d``)."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def header_key(text: str) -> str:
    """Like :func:`_fold` but keeping word breaks, for matching headers."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    kept = "".join(
        c if c.isascii() and c.isalnum() else " "
        for c in decomposed
        if not unicodedata.combining(c)
    )
    return " ".join(kept.split())


_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "learner_id": ("learner id", "ma hoc vien", "ma hv", "ma so hoc vien", "ma"),
    "full_name": ("full name", "ho va ten", "ho ten", "ho va ten hoc vien", "ten", "name"),
    "commune": ("commune", "xa phuong", "phuong xa", "xa", "phuong", "xa phuong thi tran", "ward"),
    "birth_year": ("birth year", "nam sinh", "ngay sinh", "ngay thang nam sinh",
                   "date of birth", "birth date"),
    "sex": ("sex", "gioi tinh", "gender"),
    "district": (
        "district",
        "huyen",
        "quan huyen",
        "huyen quan",
        "quan",
        "huyen thi xa thanh pho",
        "quan huyen thi xa",
    ),
    "province": ("province", "tinh", "tinh thanh pho", "tinh thanh", "tinh tp", "thanh pho"),
    "smartphone": ("co dien thoai thong minh", "dien thoai thong minh", "co smartphone",
                   "smartphone", "co dtdd thong minh"),
    "bank_account": ("co tai khoan ngan hang", "tai khoan ngan hang", "co tk ngan hang",
                     "bank account"),
    "eid_account": ("co tai khoan dinh danh dien tu", "tai khoan dinh danh dien tu",
                    "co tai khoan vneid", "tai khoan vneid", "dinh danh dien tu", "eid account"),
    "digital_signature": ("co chu ky so", "chu ky so", "co chu ky so ca nhan",
                          "chu ky so ca nhan", "digital signature"),
    "digital_platforms": ("dung dich vu cong truc tuyen", "dich vu cong truc tuyen",
                          "su dung dich vu cong truc tuyen", "co dung dich vu cong truc tuyen",
                          "dung nen tang so", "su dung nen tang so", "digital platforms"),
}
_HEADER_INDEX = {alias: col for col, aliases in _HEADER_ALIASES.items() for alias in aliases}
_HEADER_INDEX.update({col.replace("_", " "): col for col in (*COLUMNS, *SURVEY_COLUMNS)})
_SURVEY_TITLES = {
    "smartphone": "Có điện thoại thông minh",
    "bank_account": "Có tài khoản ngân hàng",
    "eid_account": "Có tài khoản định danh điện tử",
    "digital_signature": "Có chữ ký số",
    "digital_platforms": "Dùng dịch vụ công trực tuyến",
}
#: Survey answers, compared after :func:`_fold` (no case, no diacritics, no spaces).
_YES = frozenset({"co", "x", "1", "yes", "y", "true", "dung", "coroi"})
_NO = frozenset({"khong", "k", "0", "no", "n", "false", "khongco", "chua", "chuaco"})
_TICKS = frozenset("✓✔☑")

_SEX = {"nam": "nam", "nu": "nữ", "m": "nam", "f": "nữ", "male": "nam", "female": "nữ"}

_COMMUNE_PREFIX = re.compile(r"^(xã|phường|thị trấn|tt\.?|p\.|x\.)\s*", re.IGNORECASE)
#: The same words typed without diacritics, read only in a name typed all without them.
_COMMUNE_PREFIX_ASCII = re.compile(r"^(xa|phuong|thi tran)\s+")
_COMMUNE_PREFIX_NAMES = {"tt": "thị trấn", "tt.": "thị trấn", "p.": "phường", "x.": "xã",
                         "xa": "xã", "phuong": "phường", "thi tran": "thị trấn"}
_DISTRICT_PREFIX = re.compile(
    r"^(thành phố|tp\.?|thị xã|tx\.?|huyện|h\.|quận|q\.)\s*", re.IGNORECASE
)


def _split_prefix(name: str) -> tuple[str | None, str]:
    """``"Xã Thọ Long"`` → ``("xã", "thọ long")`` (casefolded, NFC)."""
    text = _nfc(name).casefold()
    match = _COMMUNE_PREFIX.match(text) or (
        _COMMUNE_PREFIX_ASCII.match(text) if text.isascii() else None)
    if not match or match.end() == len(text):
        return None, text
    prefix = match.group(1)
    return _COMMUNE_PREFIX_NAMES.get(prefix, prefix), text[match.end() :].strip()


def _district_key(name: str) -> str:
    text = _nfc(name).casefold()
    return _fold(_DISTRICT_PREFIX.sub("", text, count=1) or text)


# ------------------------------------------------------------- unit tables


@dataclass(frozen=True)
class Commune:
    """A post-2025 commune-level unit: NSO code and full name (``"Xã Thọ Long"``)."""

    code: int
    name: str


@dataclass(frozen=True)
class _Legacy:
    name: str
    district: str
    district_keys: frozenset[str]
    targets: tuple[Commune, ...]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.district})"


@dataclass(frozen=True)
class _Units:
    province: str
    province_keys: frozenset[str]
    current: dict[str, list[Commune]]  # casefolded short name -> units
    current_folded: dict[str, list[Commune]]  # ASCII short key -> units
    legacy: dict[str, list[_Legacy]]  # casefolded short name -> old units
    legacy_folded: dict[str, list[_Legacy]]  # ASCII short key -> old units


def _data_file(name: str) -> Path:
    return Path(str(resources.files("vietnamadminunits") / "data" / name))


def _strip_province_prefix(key: str) -> str:
    for prefix in ("thanhpho", "tinh"):
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


@functools.cache
def _units(province: str) -> _Units:
    matches = [p for p in Province.iter_all() if p.name == province]
    if not matches:
        raise ValueError(f"unknown province {province!r}")
    wards = [Commune(int(w.code), w.name) for w in Ward.iter_by_province(matches[0].code)]
    current: dict[str, list[Commune]] = defaultdict(list)
    current_folded: dict[str, list[Commune]] = defaultdict(list)
    by_key: dict[str, Commune] = {}
    for ward in wards:
        short = _split_prefix(ward.name)[1]
        current[short].append(ward)
        current_folded[_fold(short)].append(ward)
        by_key[_fold(ward.name)] = ward

    table = json.loads(_data_file("converter_2025.json").read_text(encoding="utf-8"))
    wanted = _fold(province)
    new_key = next(
        k
        for k in table["DICT_PROVINCE"]
        if _strip_province_prefix(k) == _strip_province_prefix(wanted)
    )
    old_provinces: list[str] = table["DICT_PROVINCE"][new_key]
    targets: dict[str, tuple[Commune, ...]] = {}
    for new_ward, olds in table["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_key, {}).items():
        for old in olds:
            targets[old] = (by_key[new_ward],)
    for old, news in table["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
        targets[old] = tuple(by_key[n["newWardKey"]] for n in news)

    legacy: dict[str, list[_Legacy]] = defaultdict(list)
    legacy_folded: dict[str, list[_Legacy]] = defaultdict(list)
    uri = _data_file("dataset.db").as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        marks = ",".join("?" * len(old_provinces))
        rows = conn.execute(
            "SELECT provinceKey, district, districtKey, districtShortKey, districtAlias,"
            f" ward, wardKey FROM admin_units_legacy WHERE provinceKey IN ({marks})",
            old_provinces,
        ).fetchall()
    for p_key, district, d_key, d_short, d_alias, ward, w_key in rows:
        found = targets.get(f"{p_key}_{d_key}_{w_key}")
        if found is None:
            continue
        keys = {d_key, d_short, *(json.loads(d_alias) if d_alias else [])}
        unit = _Legacy(_nfc(ward), _nfc(district), frozenset(keys), found)
        legacy[_split_prefix(ward)[1]].append(unit)
        legacy_folded[_fold(_split_prefix(ward)[1])].append(unit)
    province_keys = frozenset(_strip_province_prefix(k) for k in [new_key, *old_provinces])
    return _Units(province, province_keys, dict(current), dict(current_folded), dict(legacy),
                  dict(legacy_folded))


def _names(units: Iterable[Commune]) -> str:
    return ", ".join(f"{u.name} (mã {u.code})" for u in units)


def resolve_commune(
    province: str, commune: str, district: str | None = None
) -> tuple[Commune, _Legacy | None]:
    """The post-2025 unit for ``commune`` (current or pre-2025 name) in ``province``.

    Returns the unit and, for a pre-2025 name, the old unit it came from.
    Raises ``ValueError`` with a Vietnamese reason for an unknown, ambiguous
    or split commune.
    """
    units = _units(province)
    prefix, short = _split_prefix(commune)

    def fits(name: str) -> bool:
        return prefix is None or _split_prefix(name)[0] == prefix

    current = [u for u in units.current.get(short, []) if fits(u.name)]
    if not current:
        current = [u for u in units.current_folded.get(_fold(short), []) if fits(u.name)]
    if len(current) == 1:
        return current[0], None
    if len(current) > 1:
        raise ValueError(f"«{commune}» chưa rõ là đơn vị nào: {_names(current)}")

    old = [u for u in units.legacy.get(short, []) if fits(u.name)]
    if not old:  # typed without diacritics, or with other ones
        old = [u for u in units.legacy_folded.get(_fold(short), []) if fits(u.name)]
    if not old:
        raise ValueError(f"không tìm thấy xã/phường «{commune}» ở {province}")
    if district:
        key = _district_key(district)
        in_district = [u for u in old if key in u.district_keys]
        if not in_district:
            raise ValueError(
                f"không tìm thấy xã/phường «{commune}» thuộc «{district}» ở {province}"
                f" (có: {', '.join(u.label for u in old)})"
            )
        old = in_district
    if len({u.targets for u in old}) > 1:
        raise ValueError(
            f"tên cũ «{commune}» có ở nhiều nơi, cần ghi huyện: "
            + "; ".join(f"{u.label} → {_names(u.targets)}" for u in old)
        )
    unit = old[0]
    if len(unit.targets) > 1:
        raise ValueError(
            f"{unit.label} đã được chia cho nhiều xã/phường mới, hãy ghi tên xã/phường mới"
            f" của học viên: {_names(unit.targets)}"
        )
    return unit.targets[0], unit


# ---------------------------------------------------------------- file reading


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return _nfc(str(value))


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _decode(raw: bytes) -> str:
    """UTF-16 with its BOM (Excel's «Unicode Text»), UTF-8 with or without a BOM («CSV
    UTF-8»), else Vietnamese Windows' code page (Excel's plain «CSV»)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1258")


def _read_csv(path: Path) -> list[list[str]]:
    text = _decode(path.read_bytes())
    header = next((line for line in text.splitlines() if line.strip()), "")
    # comma, Excel's semicolon where the decimal mark is a comma, or the tab of «Unicode Text»
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[_cell_text(v) for v in row] for row in reader]


def read_table(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        if suffix in (".csv", ".txt"):
            return _read_csv(path)
    except FileNotFoundError as exc:
        raise RosterUnreadable(path, "không có tệp này") from exc
    except OSError as exc:
        raise RosterUnreadable(path, exc.strerror or str(exc)) from exc
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise RosterUnreadable(path, f"tệp hỏng hoặc không đúng định dạng ({exc})") from exc
    if suffix in (".xls", ".ods"):
        raise RosterUnreadable(path, "hãy mở tệp bằng Excel và «Lưu thành» (Save As) .xlsx")
    raise RosterUnreadable(path, "chỉ nhận tệp .xlsx hoặc .csv")


def _header_map(header: list[str], number: int = 1
                ) -> tuple[dict[str, int], list[tuple[int, str]]]:
    columns: dict[str, int] = {}
    errors: list[tuple[int, str]] = []
    for index, title in enumerate(header):
        column = _HEADER_INDEX.get(header_key(title))
        if column is None:
            continue  # extra columns (STT, phone, notes) are ignored
        if column in columns:
            errors.append((number, f"cột «{title}» bị lặp ({column})"))
        columns[column] = index
    for column in REQUIRED:
        if column not in columns:
            errors.append((number, f"thiếu cột bắt buộc «{column}»"))
    return columns, errors


#: How far down a sheet the header row is looked for, under the title rows of an official
#: list («UBND XÃ …», «DANH SÁCH HỌC VIÊN …»).
HEADER_SEARCH_ROWS = 15
_COLUMN_NUMBER = re.compile(r"\(?\d{1,2}\)?")


def _find_header(table: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row's index and its columns: the first row, among the first
    :data:`HEADER_SEARCH_ROWS`, that names every required column. Raises :class:`RosterError`
    with the first non-empty row's problems when none does."""
    first: tuple[int, list[tuple[int, str]]] | None = None
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        if not any(row):
            continue
        columns, errors = _header_map(row, index + 1)
        if all(column in columns for column in REQUIRED):
            if errors:  # the header, with a repeated column
                raise RosterError(errors)
            return index, columns
        first = first or (index, errors)
    if first is None:
        raise RosterError([(1, "dòng đầu tiên phải là dòng tiêu đề các cột")])
    raise RosterError(first[1])


def ignored_columns(path: Path | str) -> list[str]:
    """The titles of the roster's columns bakhong does not read, so never stores (an ID or
    phone number column, notes, STT), to tell the trainer; of a roster that reads."""
    table = read_table(Path(path))
    index, _columns = _find_header(table)
    return [title for title in table[index]
            if title.strip() and header_key(title) not in _HEADER_INDEX]


def _numbering_row(row: list[str]) -> bool:
    """The row of column numbers official forms put under the header: (1) (2) (3) …"""
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(_COLUMN_NUMBER.fullmatch(c) for c in cells)


# ------------------------------------------------------------------- checking


#: A year (``1965``, ``1965.0`` from a number column) or a whole date of birth whose year
#: alone is kept: ``15/03/1965``, ``15-03-1965``, ``15.03.1965``, or ``1965-03-15`` (a date cell).
_YEAR_FORMS = (re.compile(r"(\d{4})(?:\.0+)?"),
               re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-](\d{4})"),
               re.compile(r"(\d{4})-\d{1,2}-\d{1,2}(?:[T ][\d:.]+)?"))


def _birth_year(text: str, current_year: int) -> int:
    """The year of birth; of a date of birth only the year is kept (nothing more is needed)."""
    found = next((m for form in _YEAR_FORMS if (m := form.fullmatch(text.strip()))), None)
    if found is None:
        raise ValueError(f"năm sinh «{text}» không hợp lệ (cần 4 chữ số, ví dụ 1965)")
    year = int(found.group(1))
    if not 1900 <= year <= current_year:
        raise ValueError(f"năm sinh «{text}» phải từ 1900 đến {current_year}")
    return year


def _sex(text: str) -> Sex:
    value = _SEX.get(_fold(text))
    if value is None:
        raise ValueError(f"giới tính «{text}» không hợp lệ (ghi «Nam» hoặc «Nữ»)")
    return "nam" if value == "nam" else "nữ"


def _answer(text: str, column: str) -> bool | None:
    """A survey cell: True (yes), False (no) or None (blank, not known)."""
    if not text.strip():
        return None
    if text.strip() in _TICKS:
        return True
    key = _fold(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"cột «{_SURVEY_TITLES[column]}»: «{text}» không hợp lệ"
                     " (ghi «Có» hoặc «Không», x, 1/0, hoặc để trống nếu chưa rõ)")


#: Words that introduce a number in a name cell («Phạm, SĐT: 0912 345 678»), taken out with it.
_NUMBER_LABEL = re.compile(
    r"(?:\b(?:sđt|sdt|đt|dt|đtdđ|dtdd|tel|phone|mobile|cccd|cmnd|cmt|căn cước|số)\s*[:.]?\s*)$",
    re.IGNORECASE)
_LEFTOVER = re.compile(r"\(\s*\)|\[\s*\]")
_KIND_TEXT = {"phone": ("một số điện thoại", "a phone number"),
              "id_number": ("một số giống số định danh/CMND", "an ID-like number")}


def strip_personal_numbers(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without the runs shaped like a citizen ID or phone number
    (:func:`bakhong.simulators.learnerid.personal_numbers`), nor the word introducing them
    («SĐT», «CCCD», …), and the kinds taken out (``"phone"``, ``"id_number"``).

    >>> strip_personal_numbers("Phạm 0912345678")
    ('Phạm', ('phone',))
    >>> strip_personal_numbers("Lê Thị Hoa (SĐT: 091.234.5678) - CCCD 038090001234")
    ('Lê Thị Hoa', ('phone', 'id_number'))
    >>> strip_personal_numbers("Trần Văn Nam")
    ('Trần Văn Nam', ())
    """
    text = unicodedata.normalize("NFC", text)
    found = learnerid.personal_numbers(text)
    if not found:
        return text, ()
    kept, at = [], 0
    for number in found:
        kept.append(_NUMBER_LABEL.sub("", text[at:number.start]))
        at = number.end
    kept.append(text[at:])
    cleaned = " ".join("".join(kept).split())
    while (tidy := _LEFTOVER.sub("", cleaned).strip(" ,;:-–/|")) != cleaned:
        cleaned = " ".join(tidy.split())
    return cleaned, tuple(n.kind for n in found)


def _name_notes(kinds: tuple[str, ...], cleaned: str) -> str:
    vi = " và ".join(dict.fromkeys(_KIND_TEXT[k][0] for k in kinds))
    en = " and ".join(dict.fromkeys(_KIND_TEXT[k][1] for k in kinds))
    return (f"đã bỏ {vi} khỏi họ và tên, còn «{cleaned}» (bakhong không lưu số thật) / "
            f"{en} was removed from the name, leaving «{cleaned}» (real numbers are never "
            f"stored)")


def _personal_cell(column: str, text: str) -> str | None:
    """Why a cell other than the name may not be read: it holds a personal number (the
    number itself is not repeated in the message)."""
    found = learnerid.personal_numbers(text)
    if not found:
        return None
    vi, en = _KIND_TEXT[found[0].kind]
    return (f"cột «{column}» có {vi}: không nhập số giấy tờ hay số điện thoại thật vào danh "
            f"sách / column «{column}» holds {en}: real numbers never go into the roster")


def read_roster(
    path: Path | str, province: str, *, current_year: int | None = None
) -> list[RosterRow]:
    """Every learner of the roster at ``path``, checked, for a course in ``province``.

    Raises :class:`RosterError` listing every bad row; then nothing is returned.

    Real numbers never get in: a learner id that is not a plain id
    (:func:`bakhong.simulators.learnerid.validate`: a path, a citizen ID or phone number)
    and any read cell shaped like a citizen ID or phone number are bad rows, except in
    the name, where the number is taken out and the row's :attr:`RosterRow.notes` says so:
    an id is a key the trainer chose and must fix (changing it silently would break their
    list), while «Phạm 0912345678» is still the right person once the number is gone.
    """
    path = Path(path)
    year_now = current_year or datetime.date.today().year
    table = read_table(path)
    header_index, columns = _find_header(table)
    errors: list[tuple[int, str]] = []
    units = _units(province)

    refused: dict[str, str] = {}  # this row's cells holding a personal number: never read

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        if column in refused or index is None or index >= len(row):
            return ""
        return row[index]

    checked: list[tuple[int, str, str, Commune, int | None, Sex | None, _Legacy | None,
                        dict[str, bool], tuple[str, ...]]] = []
    seen_ids: dict[str, int] = {}
    for number, row in enumerate(table[header_index + 1:], start=header_index + 2):
        if not any(row) or (number == header_index + 2 and _numbering_row(row)):
            continue
        problems: list[str] = []
        row_notes: list[str] = []
        refused.clear()
        for column, index in columns.items():
            if column not in ("full_name", "learner_id") and index < len(row) and (
                    why := _personal_cell(table[header_index][index], row[index])):
                refused[column] = why
        problems += refused.values()
        name, kinds = strip_personal_numbers(cell(row, "full_name"))
        if kinds and name:
            row_notes.append(f"Dòng {number}: {_name_notes(kinds, name)}")
        if not name:
            problems.append("thiếu họ và tên" if not kinds else
                            "họ và tên chỉ có số, không có tên / the name holds only a number")
        learner_id = cell(row, "learner_id")
        if learner_id:
            try:
                learner_id = learnerid.validate(learner_id)
            except learnerid.InvalidLearnerId as exc:
                problems.append(str(exc))
            else:
                first = seen_ids.setdefault(learner_id.casefold(), number)
                if first != number:
                    problems.append(f"mã học viên «{learner_id}» trùng với dòng {first}")
        given_province = cell(row, "province")
        if given_province and (
            _strip_province_prefix(_fold(given_province)) not in units.province_keys
        ):
            problems.append(f"tỉnh «{given_province}» không phải tỉnh của khóa học ({province})")
        commune: Commune | None = None
        legacy: _Legacy | None = None
        commune_text = cell(row, "commune")
        if not commune_text:
            if "commune" not in refused:
                problems.append("thiếu xã/phường")
        else:
            try:
                commune, legacy = resolve_commune(province, commune_text, cell(row, "district"))
            except ValueError as exc:
                problems.append(str(exc))
        birth_year: int | None = None
        if text := cell(row, "birth_year"):
            try:
                birth_year = _birth_year(text, year_now)
            except ValueError as exc:
                problems.append(str(exc))
        sex: Sex | None = None
        if text := cell(row, "sex"):
            try:
                sex = _sex(text)
            except ValueError as exc:
                problems.append(str(exc))
        survey: dict[str, bool] = {}
        for column in SURVEY_COLUMNS:
            try:
                answer = _answer(cell(row, column), column)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            if answer is not None:
                survey[column] = answer
        if problems or commune is None:
            errors += [(number, why) for why in problems]
            continue
        checked.append((number, learner_id, name, commune, birth_year, sex, legacy, survey,
                        tuple(row_notes)))
    if errors:
        raise RosterError(errors)

    used = set(seen_ids)
    rows: list[RosterRow] = []
    serial = 0
    for number, learner_id, name, commune, birth_year, sex, legacy, survey, notes in checked:
        serial += 1
        given = bool(learner_id)
        if not learner_id:
            while f"hv{serial:03d}" in used:
                serial += 1
            learner_id = f"hv{serial:03d}"
            used.add(learner_id)
        rows.append(
            RosterRow(
                row_number=number,
                learner_id=learner_id,
                full_name=name,
                commune_code=commune.code,
                commune_name=commune.name,
                birth_year=birth_year,
                sex=sex,
                legacy_commune=legacy.name if legacy else None,
                legacy_district=legacy.district if legacy else None,
                survey=MappingProxyType(survey),
                notes=notes,
                id_given=given,
            )
        )
    return rows
