"""Learner ids (mã học viên): the roster's key for a learner, never a path, never a real number.

A learner id names the learner's folders (nbgrader's ``submitted/<id>/``,
``autograded/<id>/``, the grading worker's ``.grading/executed/<id>/``), is nbgrader's
student id and shows on the trainer's dashboard. So it is checked once, here, before
anything is built from it:

* ASCII letters, digits, ``-`` and ``_`` only, starting with a letter or a digit (so never
  ``.``, ``..``, ``/etc``, ``TL/01`` or a NUL byte), at most :data:`MAX_LENGTH` characters;
* never shaped like a personal number (:func:`personal_numbers`): a citizen ID (12 digits,
  or 11 when Excel dropped the leading zero), an old 9-digit ID, a Vietnamese phone number
  (10 digits starting with 0, or 84 and 9 digits), even with spaces, dots, dashes or
  underscores between the digits. The kit never stores a real ID number or phone, and a
  learner id is stored everywhere.

Case is kept (``HV001`` and ``hv001`` are one learner for the roster's duplicate check,
which compares them casefolded).

>>> compact(' hv001 ')
'hv001'
>>> validate('TL-01')
'TL-01'
>>> is_valid('hv_003'), is_valid('..'), is_valid('TL/01'), is_valid('a\\x00b')
(True, False, False, False)
>>> format('ｈｖ００１')  # full-width, as some keyboards type it
'hv001'

Errors are typed, all subclasses of :class:`InvalidLearnerId` (a
:class:`~bakhong.simulators.errors.SandboxError` and a ``ValueError``), each with a stable
``code`` and a Vietnamese message with English after it, for the trainer:

>>> try:
...     validate('../..')
... except InvalidFormat as err:
...     print(err.code)
learnerid.format
>>> try:
...     validate('x' * 10_000)
... except InvalidLength as err:
...     print(err.code, '|', err)  # doctest: +ELLIPSIS
learnerid.length | Mã học viên phải có từ 1 đến 32 ký tự. ... (10000 characters)
>>> try:
...     validate('038090001234')
... except LooksLikeIdNumber as err:
...     print(err.code)
learnerid.id_number
>>> try:
...     validate('hv-0912-345-678')
... except LooksLikePhone as err:
...     print(err.code)
learnerid.phone

The refused text is never echoed in full: :func:`shown` gives a short, printable form for
messages, and a personal number is never shown at all.

>>> shown('a\\x00b'), shown('x' * 50)
("'a\\\\x00b'", "'xxxxxxxxxxxxxxxxxxxxxxxx…' (50 ký tự / characters)")

The detector, for other text (a roster's names): each personal-number-shaped run with
its kind and where it is.

>>> [(m.kind, m.digits) for m in personal_numbers('Phạm 0912 345 678, CCCD 038090001234')]
[('phone', '0912345678'), ('id_number', '038090001234')]
>>> personal_numbers('Lê Thị Hoa (2), sinh 15-03-1965 00:00')
[]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar, Literal

from .errors import N_, SandboxError

__all__ = [
    "MAX_LENGTH",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLearnerId",
    "InvalidLength",
    "LooksLikeIdNumber",
    "LooksLikePhone",
    "PersonalNumber",
    "compact",
    "format",
    "is_valid",
    "personal_numbers",
    "shown",
    "validate",
]

MAX_LENGTH = 32
"""Longest learner id: enough for ``lop-tho-long-2026-hv0001``, short enough for a folder."""

_ALLOWED = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class InvalidLearnerId(SandboxError, ValueError):
    """Base of every refusal of a learner id (a trainer's roster cell or command argument)."""

    code: ClassVar[str] = "learnerid.invalid"
    message: ClassVar[str] = N_("Mã học viên không hợp lệ. / Invalid learner id.")


class InvalidLength(InvalidLearnerId):
    """Empty, or longer than :data:`MAX_LENGTH`."""

    code = "learnerid.length"
    message = N_(f"Mã học viên phải có từ 1 đến {MAX_LENGTH} ký tự. / A learner id has 1 to "
                 f"{MAX_LENGTH} characters.")


class InvalidFormat(InvalidLearnerId):
    """A character other than ASCII letters, digits, ``-``, ``_``; or a bad first character."""

    code = "learnerid.format"
    message = N_("Mã học viên chỉ gồm chữ cái không dấu (A–Z, a–z), chữ số, dấu «-» và «_», "
                 "bắt đầu bằng chữ cái hoặc chữ số (không có «/», «.», dấu cách). / A learner "
                 "id holds only ASCII letters, digits, «-» and «_», and starts with a letter or "
                 "a digit.")


class InvalidComponent(InvalidLearnerId):
    """Well formed, but holding something that must not be there (a personal number)."""

    code = "learnerid.component"


class LooksLikeIdNumber(InvalidComponent):
    code = "learnerid.id_number"
    message = N_("Mã học viên có dãy số giống số định danh cá nhân hoặc chứng minh nhân dân. "
                 "Không dùng số giấy tờ thật làm mã học viên: hãy đặt mã như hv001. / The "
                 "learner id holds what looks like a citizen ID number: never use a real ID "
                 "number as a learner id (use e.g. hv001).")


class LooksLikePhone(InvalidComponent):
    code = "learnerid.phone"
    message = N_("Mã học viên có dãy số giống số điện thoại. Không dùng số điện thoại thật làm "
                 "mã học viên: hãy đặt mã như hv001. / The learner id holds what looks like a "
                 "phone number: never use a real phone number as a learner id (use e.g. "
                 "hv001).")


# --- personal numbers ----------------------------------------------------------------------

PersonalKind = Literal["id_number", "phone"]

#: Digit groups with at most one separator between them (``0912 345 678``, ``038.090.001234``,
#: ``+84 912-345-678``); a group is never split, so dates and times stay whole.
_RUN = re.compile(r"(?<![0-9])\+?[0-9]+(?:[ .\-_][0-9]+)*(?![0-9])")
_GROUP = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class PersonalNumber:
    """A run of digits shaped like a real citizen ID or phone number, at ``start:end``."""

    kind: PersonalKind
    digits: str
    start: int
    end: int


_LONGEST = 12  # digits of the longest shape: a run is never read further


def _kind(digits: str, plus: bool) -> PersonalKind | None:
    """The shape of a run of digits: CCCD 12 digits (11 when a spreadsheet dropped the
    leading 0), old CMND 9, a phone 10 starting with 0, or 84 + 9 (``+84 912 345 678``)."""
    if plus:
        return "phone" if len(digits) == 11 and digits.startswith("84") else None
    if len(digits) == 10 and digits.startswith("0"):
        return "phone"
    if len(digits) == 11 and digits.startswith("84"):
        return "phone"
    if len(digits) in (9, 11, 12):
        return "id_number"
    return None


def personal_numbers(text: str) -> list[PersonalNumber]:
    """Every run in ``text`` shaped like a citizen ID or a phone number, left to right.

    A run is digit groups joined by single spaces, dots, dashes or underscores; within a
    run, the longest stretch of whole groups with a personal shape is taken (``1965
    0912345678`` holds the phone ``0912345678``). Full-width digits count as digits.
    """
    text = unicodedata.normalize("NFKC", text)
    found: list[PersonalNumber] = []
    for run in _RUN.finditer(text):
        plus = run.group().startswith("+")
        groups = [(m.start() + run.start(), m.end() + run.start(), m.group())
                  for m in _GROUP.finditer(run.group())]
        at = 0
        while at < len(groups):
            best: tuple[int, PersonalNumber] | None = None
            digits = ""
            for stop in range(at + 1, len(groups) + 1):  # longest first: kept if it fits
                digits += groups[stop - 1][2]
                if len(digits) > _LONGEST:
                    break
                kind = _kind(digits, plus and at == 0)
                if kind is not None:
                    start = run.start() if plus and at == 0 else groups[at][0]
                    best = (stop, PersonalNumber(kind, digits, start, groups[stop - 1][1]))
            if best is None:
                at += 1
                continue
            at = best[0]
            found.append(best[1])
    return found


# --- the four functions --------------------------------------------------------------------

def compact(learner_id: str) -> str:
    """The id without surrounding spaces, full-width letters and digits made ASCII (NFKC).

    Nothing is checked, and nothing inside is removed: ``hv 001`` stays as typed and is
    refused by :func:`validate`, rather than silently becoming another id.

    >>> compact('\\u3000HV001\\t')
    'HV001'
    """
    return unicodedata.normalize("NFKC", learner_id).strip()


def validate(learner_id: str) -> str:
    """Check the id and return it compacted, or raise an :class:`InvalidLearnerId`.

    :class:`InvalidLength` for an empty or too long id, :class:`InvalidFormat` for any
    other character (a path separator, a dot, a space, a control character, a Vietnamese
    letter), :class:`LooksLikeIdNumber` or :class:`LooksLikePhone` for a personal number.

    >>> validate('hv001')
    'hv001'
    >>> validate('/etc')  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
        ...
    InvalidFormat: Mã học viên chỉ gồm ...
    """
    if not isinstance(learner_id, str):
        raise InvalidFormat(f"not text: {type(learner_id).__name__}")
    text = compact(learner_id)
    if not text or len(text) > MAX_LENGTH:
        raise InvalidLength(f"{len(text)} characters")
    for number in personal_numbers(text):
        raise (LooksLikePhone if number.kind == "phone" else LooksLikeIdNumber)()
    if not _ALLOWED.fullmatch(text):
        raise InvalidFormat(shown(text))
    return text


def is_valid(learner_id: str) -> bool:
    """Whether :func:`validate` accepts the id; never raises.

    >>> is_valid('hv001'), is_valid(''), is_valid('0912345678')
    (True, False, False)
    """
    try:
        validate(learner_id)
    except InvalidLearnerId:
        return False
    return True


def format(learner_id: str) -> str:
    """The id as stored and shown: its compact form (a learner id has no grouping).

    >>> format(' TL-01 ')
    'TL-01'
    """
    return compact(learner_id)


def shown(text: str, limit: int = 24) -> str:
    """A short printable form of a refused text for a message: control characters escaped,
    cut at ``limit`` characters; a personal number is never shown.

    >>> shown('hv 001'), shown('0912345678')
    ("'hv 001'", 'một dãy số / a number')
    """
    if personal_numbers(text):
        return "một dãy số / a number"
    if len(text) <= limit:
        return repr(text)
    return f"{repr(text[:limit])[:-1]}…' ({len(text)} ký tự / characters)"
