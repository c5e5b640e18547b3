"""Checking what a resident types into a portal form, field by field.

A form field (:class:`~bakhong.simulators.procedures.FieldSpec`) has a kind; each kind
has its rule and a short Vietnamese message (a source string, translated by the widgets)
when the rule fails: names written with their diacritics and at least two words, dates
as residents write them (``20/11/2026``, ``2/1/2026``), a choice from the list, a count,
a sandbox ID number or phone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from . import idnumber, registry
from .civil_papers import Sex
from .errors import N_, NotInSandbox
from .procedures import FieldSpec

__all__ = ["check_value", "parse_date", "sex_of"]

_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")
_NAME = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+)+$")


def sex_of(text: str) -> Sex:
    """«Nam»/«Nữ» as a form shows it, as the papers take it."""
    return "nữ" if text.strip().casefold() in ("nữ", "nu", "female") else "nam"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text).split()))


def parse_date(text: str) -> date:
    """A date as residents write it: ``20/11/2026``, ``2/1/2026``, ``20-11-2026``.

    >>> parse_date(" 2/1/2026 ")
    datetime.date(2026, 1, 2)
    """
    found = _DATE.match(text)
    if not found:
        raise ValueError(text)
    day, month, year = (int(g) for g in found.groups())
    return date(year, month, day)


def check_value(spec: FieldSpec, raw: object, today: date) -> str:
    """The value of a field as the portal keeps it, or ``ValueError`` with the message.

    >>> from bakhong.simulators.procedures import FieldSpec
    >>> check_value(FieldSpec("n", "Tên", "name"), "  lê   minh an ", date(2026, 12, 1))
    'Lê Minh An'
    >>> check_value(FieldSpec("d", "Ngày", "date"), "1/12/2026", date(2026, 12, 1))
    '01/12/2026'
    >>> check_value(FieldSpec("u", "Đến ngày", "end_date"), "1/6/2027", date(2026, 12, 1))
    '01/06/2027'
    """
    text = _nfc("" if raw is None else str(raw))
    if not text:
        if spec.required:
            raise ValueError(N_("Ô này không được để trống."))
        return "0" if spec.kind == "count" else ""
    if spec.kind == "name":
        if not _NAME.match(text) or len(text) > 60:
            raise ValueError(N_("Họ tên chỉ gồm chữ cái, viết có dấu, ít nhất 2 chữ (ví dụ: "
                                "Lê Minh An)."))
        return " ".join(word[:1].upper() + word[1:].lower() for word in text.split())
    if spec.kind in ("date", "end_date"):
        try:
            day = parse_date(text)
        except ValueError:
            raise ValueError(N_("Ngày viết theo dạng ngày/tháng/năm, ví dụ 20/11/2026.")) from None
        if spec.kind == "end_date":  # until when: today or later, within ten years
            if day < today:
                raise ValueError(N_("Ngày này đã qua. Hãy nhập một ngày từ hôm nay trở đi."))
            if day.year > today.year + 10:
                raise ValueError(N_("Năm không hợp lệ."))
            return f"{day:%d/%m/%Y}"
        if day > today:
            raise ValueError(N_("Ngày này chưa tới. Hãy xem lại ngày, tháng, năm.")) from None
        if day.year < 1900:
            raise ValueError(N_("Năm không hợp lệ.")) from None
        return f"{day:%d/%m/%Y}"
    if spec.kind == "choice":
        if text not in spec.choices:
            raise ValueError(N_("Hãy chọn một dòng trong danh sách."))
        return text
    if spec.kind == "count":
        if not text.isascii() or not text.isdigit() or int(text) > 10:
            raise ValueError(N_("Nhập một số từ 0 đến 10."))
        return str(int(text))
    if spec.kind == "id_number":
        number = idnumber.validate(text)
        if not idnumber.is_sandbox(number):
            raise NotInSandbox("real-looking id number")
        return number
    if spec.kind == "phone":
        return registry.check_phone(text)
    if len(text) > 200:
        raise ValueError(N_("Nội dung quá dài (tối đa 200 ký tự)."))
    return text
