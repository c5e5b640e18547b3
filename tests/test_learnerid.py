"""Issue 14: learner ids are never paths and never real numbers (bakhong.simulators.learnerid)."""

from __future__ import annotations

import doctest
from pathlib import PurePosixPath, PureWindowsPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bakhong.simulators import learnerid
from bakhong.simulators.errors import SandboxError

HOSTILE = ["..", "../..", "TL/01", "/etc", "a\x00b", "x" * 10_000, ".", ".hidden", "-rf",
           "TL\\01", "C:", "hv 001", "Phạm", "", "   ", "hv001/", "~root", "a*b", "a\nb"]
PERSONAL = {
    "038090001234": learnerid.LooksLikeIdNumber,      # CCCD
    "38090001234": learnerid.LooksLikeIdNumber,       # CCCD whose leading 0 Excel dropped
    "123456789": learnerid.LooksLikeIdNumber,         # old 9-digit CMND
    "HV038090001234": learnerid.LooksLikeIdNumber,
    "038-090-001234": learnerid.LooksLikeIdNumber,
    "0912345678": learnerid.LooksLikePhone,
    "hv_0912_345_678": learnerid.LooksLikePhone,
    "84912345678": learnerid.LooksLikePhone,
    "sdt-0912-345-678": learnerid.LooksLikePhone,
}


def test_doctests() -> None:
    result = doctest.testmod(learnerid, optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed


@pytest.mark.parametrize("good", ["hv001", "HV-001", "tx_01", "0001", "2024-0001", "a",
                                  "x" * learnerid.MAX_LENGTH, "lop-tho-long-hv12"])
def test_plain_ids_are_kept_as_typed(good: str) -> None:
    assert learnerid.validate(good) == good
    assert learnerid.is_valid(good) and learnerid.format(good) == good


@pytest.mark.parametrize("bad", HOSTILE, ids=repr)
def test_hostile_ids_are_refused_with_a_typed_bilingual_error(bad: str) -> None:
    with pytest.raises(learnerid.InvalidLearnerId) as caught:
        learnerid.validate(bad)
    err = caught.value
    assert isinstance(err, SandboxError) and isinstance(err, ValueError)
    assert err.code.startswith("learnerid.")
    text = str(err)
    assert text.startswith("Mã học viên") and " / " in text  # Vietnamese, then English
    assert len(text) < 600  # a 10,000-character id is not echoed back
    assert not learnerid.is_valid(bad)


@pytest.mark.parametrize(("number", "kind"), PERSONAL.items())
def test_personal_numbers_are_refused_and_never_echoed(number: str, kind: type) -> None:
    with pytest.raises(kind) as caught:
        learnerid.validate(number)
    digits = "".join(c for c in number if c.isdigit())
    assert digits not in str(caught.value) and number not in str(caught.value)


def test_the_detector_finds_numbers_as_people_type_them() -> None:
    found = learnerid.personal_numbers(
        "Phạm 0912 345 678; CCCD 038.090.001.234; +84 912-345-679; CMND 171234567")
    assert [(n.kind, n.digits) for n in found] == [
        ("phone", "0912345678"), ("id_number", "038090001234"), ("phone", "84912345679"),
        ("id_number", "171234567")]
    for harmless in ("Lê Thị Hoa", "sinh 15/03/1965", "1965-03-15 00:00:00", "15.03.1965",
                     "hv001", "Tổ 12, thôn 3", "2024000123"):
        assert learnerid.personal_numbers(harmless) == [], harmless


@given(st.text(max_size=60))
def test_an_accepted_id_is_one_plain_path_component_everywhere(text: str) -> None:
    try:
        checked = learnerid.validate(text)
    except learnerid.InvalidLearnerId:
        return
    for flavour in (PurePosixPath, PureWindowsPath):
        path = flavour("workshop", "submitted") / checked
        assert path.parent == flavour("workshop", "submitted")
        assert path.name == checked and checked not in (".", "..")
    assert checked.isascii() and checked.isprintable() and not checked.startswith(("-", "."))
    assert not learnerid.personal_numbers(checked)
