"""Tests of bakhong.simulators.idnumber, the 12-digit personal identification number."""

from __future__ import annotations

import dataclasses
import doctest
import importlib.util
import sys
import unicodedata
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st


def _load_idnumber() -> ModuleType:
    """Import the module normally, or by path when the package is not installed yet."""
    try:
        from bakhong.simulators import idnumber
    except ImportError:
        path = Path(__file__).resolve().parents[1] / "simulators" / "idnumber.py"
        name = "_bakhong_idnumber_under_test"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look the module up in sys.modules
        spec.loader.exec_module(module)
        return module
    loaded: ModuleType = idnumber
    return loaded


idn = _load_idnumber()

THIS_YEAR = date.today().year

# Phụ lục 1, Thông tư 07/2016/TT-BCA, as listed in /work/shared/domain.md section 2.
LEGACY_CODES = (
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 "
    "034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 "
    "067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096"
).split()

_TAKEN = {*LEGACY_CODES, "000"}
UNUSED_CODES = [f"{n:03d}" for n in range(1000) if f"{n:03d}" not in _TAKEN]

WOMAN_1985_THANH_HOA = "038185012345"


# --- the province table ---------------------------------------------------------------


def test_provinces_has_the_63_legacy_codes() -> None:
    assert len(LEGACY_CODES) == 63
    assert list(idn.PROVINCES) == LEGACY_CODES


def test_province_names_are_nfc_and_match_the_brief() -> None:
    for name in idn.PROVINCES.values():
        assert name == unicodedata.normalize("NFC", name)
        assert name.strip() == name and name
    assert idn.PROVINCES["001"] == "Hà Nội"
    assert idn.PROVINCES["038"] == "Thanh Hóa"
    assert idn.PROVINCES["046"] == "Thừa Thiên Huế"
    assert idn.PROVINCES["066"] == "Đắk Lắk"
    assert idn.PROVINCES["077"] == "Bà Rịa\u2013Vũng Tàu"
    assert idn.PROVINCES["079"] == "Hồ Chí Minh"
    assert idn.PROVINCES["096"] == "Cà Mau"
    assert len(set(idn.PROVINCES.values())) == 63


def test_sandbox_code_is_not_a_province() -> None:
    assert idn.SANDBOX_PROVINCE == "000"
    assert idn.SANDBOX_PROVINCE not in idn.PROVINCES
    assert "003" not in idn.PROVINCES  # the wrong "003 Hải Phòng" table found in public code


# --- compact ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "038185012345",
        "038 185 012 345",
        " 038 1 85 012345 ",
        "038.185.012.345",
        "038-185-012-345",
        "038\u2013185\u2014012\u2010345",  # typographic dashes
        "038\t185\n012\u00a0345",  # tab, newline, no-break space
        "\ufeff038\u200b185012345",  # BOM and zero-width space pasted from a web page
        "０３８１８５０１２３４５",  # full-width digits
        "０３８\u3000１８５．０１２－３４５",  # full-width space, full stop, hyphen
    ],
)
def test_compact_tolerates_separators_and_full_width(raw: str) -> None:
    assert idn.compact(raw) == WOMAN_1985_THANH_HOA
    assert idn.validate(raw) == WOMAN_1985_THANH_HOA
    assert idn.is_valid(raw)


def test_compact_normalises_to_nfc_and_checks_nothing() -> None:
    assert idn.compact("a\u0300 b") == "àb"
    assert idn.compact("12ab") == "12ab"
    assert idn.compact("") == ""


# --- validate and its errors ----------------------------------------------------------------


@pytest.mark.parametrize("code", LEGACY_CODES)
def test_every_legacy_code_is_accepted(code: str) -> None:
    number = f"{code}085123456"
    assert idn.validate(number) == number
    assert idn.validate(number, allow_sandbox=False) == number
    assert idn.is_valid(number)
    assert idn.info(number).province_name == idn.PROVINCES[code]


def test_unknown_province_code_003_is_rejected() -> None:
    with pytest.raises(idn.InvalidComponent) as caught:
        idn.validate("003185012345")
    assert caught.value.code == "idnumber.component"
    assert "003" in caught.value.detail
    assert not idn.is_valid("003185012345")


def test_every_unused_code_is_rejected() -> None:
    assert len(UNUSED_CODES) == 1000 - 64
    for code in UNUSED_CODES:
        with pytest.raises(idn.InvalidComponent):
            idn.validate(f"{code}185012345")


@pytest.mark.parametrize(
    "raw",
    [
        "038185O12345",  # letter O
        "038185o12345",
        "03818501234x",
        "038185+12345",
        "038185012345²",  # superscript two is str.isdigit() but not a digit here
        "038185٠12345",  # Arabic-Indic zero
        "CCCD 038185012345",
    ],
)
def test_non_digits_raise_invalid_format(raw: str) -> None:
    with pytest.raises(idn.InvalidFormat):
        idn.validate(raw)
    assert not idn.is_valid(raw)


@pytest.mark.parametrize("raw", ["", "   ", "0381850123", "03818501234", "0381850123456", "0" * 20])
def test_wrong_length_raises_invalid_length(raw: str) -> None:
    with pytest.raises(idn.InvalidLength):
        idn.validate(raw)
    assert not idn.is_valid(raw)


def test_old_nine_digit_cmnd_is_rejected_for_length() -> None:
    with pytest.raises(idn.InvalidLength):
        idn.validate("172 345 678")


def test_format_error_wins_over_length_error() -> None:
    with pytest.raises(idn.InvalidFormat):
        idn.validate("03818x")


@pytest.mark.parametrize("digit", "456789")
def test_centuries_not_yet_reached_are_rejected(digit: str) -> None:
    number = f"038{digit}00123456"
    with pytest.raises(idn.InvalidComponent):
        idn.validate(number)
    assert idn.validate(number, current_year=2399) == number


def test_birth_year_after_current_year_is_rejected() -> None:
    assert idn.validate("038299012345", current_year=2099) == "038299012345"
    with pytest.raises(idn.InvalidComponent):
        idn.validate("038299012345", current_year=2098)
    assert idn.is_valid("038225000001", current_year=2025)
    assert not idn.is_valid("038226000001", current_year=2025)
    assert idn.is_valid(f"0382{THIS_YEAR % 100:02d}000001")


ERRORS = [
    (idn.InvalidIdNumber, "idnumber.invalid"),
    (idn.InvalidFormat, "idnumber.format"),
    (idn.InvalidLength, "idnumber.length"),
    (idn.InvalidComponent, "idnumber.component"),
]


@pytest.mark.parametrize(("error", "code"), ERRORS)
def test_error_types_codes_and_messages(error: type[Exception], code: str) -> None:
    assert issubclass(error, idn.InvalidIdNumber)
    assert issubclass(error, ValueError)
    err = error("developer detail")
    assert err.code == code  # type: ignore[attr-defined]
    message = error.message  # type: ignore[attr-defined]
    assert isinstance(message, str)
    assert str(err) == message
    assert err.detail == "developer detail"  # type: ignore[attr-defined]
    assert str(error()) == message
    assert message == unicodedata.normalize("NFC", message)
    assert message.endswith(".")
    assert "định danh" in message
    assert len(message) < 100


def test_error_codes_and_messages_are_distinct() -> None:
    assert len({code for _, code in ERRORS}) == len(ERRORS)
    assert len({error.message for error, _ in ERRORS}) == len(ERRORS)


def test_specific_messages() -> None:
    assert idn.InvalidLength.message == "Số định danh cá nhân phải có đúng 12 chữ số."
    with pytest.raises(ValueError, match="12 chữ số"):
        idn.validate("123")


# --- is_valid ------------------------------------------------------------------------------


@given(st.text(max_size=30))
def test_is_valid_never_raises(text: str) -> None:
    assert idn.is_valid(text) in (True, False)
    assert idn.is_sandbox(text) in (True, False)


def test_is_valid() -> None:
    assert idn.is_valid(WOMAN_1985_THANH_HOA) is True
    assert idn.is_valid("038 1 85 012345") is True
    assert idn.is_valid("003185012345") is False
    assert idn.is_valid("hello") is False


# --- sandbox -----------------------------------------------------------------------------------


def test_sandbox_numbers_accepted_by_default_and_refusable() -> None:
    number = "000185012345"
    assert idn.validate(number) == number
    assert idn.validate(number, allow_sandbox=True) == number
    assert idn.is_valid(number)
    with pytest.raises(idn.InvalidComponent):
        idn.validate(number, allow_sandbox=False)
    with pytest.raises(idn.InvalidComponent):
        idn.validate(number, False)
    assert not idn.is_valid(number, allow_sandbox=False)


def test_is_sandbox() -> None:
    assert idn.is_sandbox("000185012345")
    assert idn.is_sandbox("000 1 85 012345")
    assert idn.is_sandbox("０００１８５０１２３４５")
    assert not idn.is_sandbox(WOMAN_1985_THANH_HOA)
    assert not idn.is_sandbox("000")  # not a valid number at all
    assert not idn.is_sandbox("000x85012345")
    assert not idn.is_sandbox("000900000000")  # birth year 2300


def test_make_sandbox_number() -> None:
    assert idn.make_sandbox_number("nữ", 1985, 12345) == "000185012345"
    assert idn.make_sandbox_number("nam", 1985, 12345) == "000085012345"
    assert idn.make_sandbox_number("nam", 2003, 42) == "000203000042"
    assert idn.make_sandbox_number("nữ", 2000, 0) == "000300000000"
    assert idn.make_sandbox_number("nam", 1900, 999_999) == "000000999999"
    assert idn.make_sandbox_number(" NỮ ", 1999, 1) == "000199000001"
    assert idn.make_sandbox_number(unicodedata.normalize("NFD", "nữ"), 1999, 1) == "000199000001"
    assert idn.make_sandbox_number("nam", 2150, 7, current_year=2200) == "000450000007"
    assert idn.make_sandbox_number("nữ", 2399, 7, current_year=2399) == "000999000007"


@pytest.mark.parametrize(
    ("sex", "year", "serial", "error"),
    [
        ("male", 1985, 1, ValueError),
        ("nu", 1985, 1, ValueError),
        ("", 1985, 1, ValueError),
        ("nam", 1899, 1, ValueError),
        ("nam", 2400, 1, ValueError),
        ("nam", 1985, -1, ValueError),
        ("nam", 1985, 1_000_000, ValueError),
        ("nam", 1985, True, TypeError),
        ("nam", 1985.0, 1, TypeError),
    ],
)
def test_make_sandbox_number_rejects_bad_arguments(
    sex: str, year: object, serial: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        idn.make_sandbox_number(sex, year, serial)


def test_make_sandbox_number_refuses_future_birth_year() -> None:
    with pytest.raises(idn.InvalidComponent):
        idn.make_sandbox_number("nam", idn.LATEST_BIRTH_YEAR + 1, 1)
    with pytest.raises(idn.InvalidComponent):
        idn.make_sandbox_number("nam", 2030, 1, current_year=2029)


# --- format ----------------------------------------------------------------------------------


def test_format() -> None:
    assert idn.format(WOMAN_1985_THANH_HOA) == "038 1 85 012345"
    assert idn.format("038.185.012.345") == "038 1 85 012345"
    assert idn.format("０３８１８５０１２３４５") == "038 1 85 012345"
    assert idn.format("000 185 012 345") == "000 1 85 012345"


def test_format_leaves_malformed_input_compacted_but_ungrouped() -> None:
    assert idn.format("038 185") == "038185"
    assert idn.format("03818501234x") == "03818501234x"


# --- info ------------------------------------------------------------------------------------


def test_info_woman_born_1985_thanh_hoa() -> None:
    person = idn.info(WOMAN_1985_THANH_HOA)
    assert person == idn.IdNumberInfo(
        province_code="038",
        province_name="Thanh Hóa",
        sex="nữ",
        birth_year=1985,
        serial="012345",
    )
    assert person.sex == unicodedata.normalize("NFC", "nữ")
    assert not person.is_sandbox
    with pytest.raises(dataclasses.FrozenInstanceError):
        person.birth_year = 1990


def test_info_accepts_separators() -> None:
    assert idn.info("038 1 85 012345") == idn.info(WOMAN_1985_THANH_HOA)


def test_info_sandbox() -> None:
    person = idn.info("000203000042")
    assert person.province_code == "000"
    assert person.province_name == "Mã mô phỏng"
    assert person.sex == "nam"
    assert person.birth_year == 2003
    assert person.serial == "000042"
    assert person.is_sandbox


@pytest.mark.parametrize(
    ("digit", "sex", "year"),
    [
        ("0", "nam", 1985),
        ("1", "nữ", 1985),
        ("2", "nam", 2085),
        ("3", "nữ", 2085),
        ("4", "nam", 2185),
        ("5", "nữ", 2185),
        ("6", "nam", 2285),
        ("7", "nữ", 2285),
        ("8", "nam", 2385),
        ("9", "nữ", 2385),
    ],
)
def test_century_and_sex_table(digit: str, sex: str, year: int) -> None:
    person = idn.info(f"038{digit}85000001", current_year=2399)
    assert (person.sex, person.birth_year) == (sex, year)


@pytest.mark.parametrize("raw", ["", "038185", "003185012345", "038185O12345", "038900000000"])
def test_info_raises_typed_errors(raw: str) -> None:
    with pytest.raises(idn.InvalidIdNumber):
        idn.info(raw)


# --- properties ------------------------------------------------------------------------------


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    code = draw(st.sampled_from([*LEGACY_CODES, "000"]))
    year = draw(st.integers(min_value=1900, max_value=THIS_YEAR))
    female = draw(st.booleans())
    serial = draw(st.integers(min_value=0, max_value=999_999))
    century, yy = divmod(year - 1900, 100)
    return f"{code}{2 * century + int(female)}{yy:02d}{serial:06d}"


@given(valid_numbers())
def test_format_then_compact_round_trips(number: str) -> None:
    assert idn.is_valid(number)
    formatted = idn.format(number)
    assert len(formatted) == 15 and formatted.count(" ") == 3
    assert idn.compact(formatted) == number
    assert idn.validate(formatted) == number


@given(valid_numbers(), st.data())
def test_decorated_numbers_validate_to_the_same_number(number: str, data: st.DataObject) -> None:
    separators = st.sampled_from(["", "", " ", ".", "-", "\u3000", "\u00a0", "\u2013"])
    pieces = []
    for ch in number:
        wide = data.draw(st.booleans())
        pieces.append(chr(ord(ch) - ord("0") + 0xFF10) if wide else ch)
        pieces.append(data.draw(separators))
    assert idn.validate(" " + "".join(pieces)) == number


@given(
    st.sampled_from(["nam", "nữ"]),
    st.integers(min_value=1900, max_value=THIS_YEAR),
    st.integers(min_value=0, max_value=999_999),
)
def test_make_sandbox_number_round_trips_through_info(sex: str, year: int, serial: int) -> None:
    number = idn.make_sandbox_number(sex, year, serial)
    assert idn.is_sandbox(number)
    assert not idn.is_valid(number, allow_sandbox=False)
    person = idn.info(number)
    assert (person.sex, person.birth_year, int(person.serial)) == (sex, year, serial)
    assert person.province_name == idn.SANDBOX_NAME


# --- the module's own doctests ---------------------------------------------------------------


def test_module_doctests() -> None:
    result = doctest.testmod(idn, verbose=False, report=True)
    assert result.attempted > 20
    assert result.failed == 0


def test_module_imports_only_the_standard_library() -> None:
    import ast

    assert idn.__file__ is not None
    tree = ast.parse(Path(idn.__file__).read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module == "errors":  # the sandbox's error base:
                continue  # itself standard-library only (test below)
            assert node.level == 0
            assert node.module is not None
            roots.add(node.module.split(".")[0])
    assert roots <= set(sys.stdlib_module_names)
    errors = ast.parse((Path(idn.__file__).parent / "errors.py").read_text(encoding="utf-8"))
    assert all(node.module in sys.stdlib_module_names or node.module == "__future__"
               for node in ast.walk(errors) if isinstance(node, ast.ImportFrom))
