"""Vietnamese personal identification number (số định danh cá nhân, CCCD / căn cước).

Every Vietnamese citizen has a 12-digit personal identification number. It is
printed on the citizen identity card (CCCD, since 1 July 2024 «thẻ căn cước»)
and is the login of the VNeID account. Its structure:

=========  ============================================================
digits     meaning
=========  ============================================================
1-3        province code of the **birth-registration place** ("0" + the
           2-digit statistics-office code of one of the 63 pre-2025
           provinces, see :data:`PROVINCES`); country code for births abroad
4          century and sex together: 0/1 = 1900s, 2/3 = 2000s, 4/5 = 2100s,
           6/7 = 2200s, 8/9 = 2300s; even = male (nam), odd = female (nữ)
5-6        last two digits of the birth year
7-12       six random digits (the serial)
=========  ============================================================

There is **no check digit**, so a typo in the serial cannot be detected: this
module only checks the characters, the length, the province code and that the
birth year encoded by digits 4-6 is not in the future.

The 2025 merger (63 provinces to 34, from 1 July 2025) does not change any
number: existing numbers keep their old province prefix, so all 63 legacy codes
stay valid. No old-to-new province table is provided here: the installed
``vietnam_provinces`` data (2025.10.1) lists only the 34 new provinces and
their wards, with no legacy field, and the mapping cannot be derived from it
without guessing.

The code ``000`` (:data:`SANDBOX_PROVINCE`) is never issued; this course uses
it for fictional personas, so a sandbox number can never be a real person's.

>>> compact('038 185.012-345')
'038185012345'
>>> compact('０３８１８５０１２３４５')
'038185012345'
>>> validate('038 1 85 012345')
'038185012345'
>>> is_valid('038185012345')
True
>>> is_valid('003185012345')  # 003 was never a province code
False
>>> format('038185012345')
'038 1 85 012345'
>>> person = info('038185012345')
>>> person.province_code, person.province_name, person.sex, person.birth_year, person.serial
('038', 'Thanh Hóa', 'nữ', 1985, '012345')

Errors are typed, all subclasses of :class:`InvalidIdNumber` (a ``ValueError``),
each with a stable ``code`` and a short Vietnamese ``message`` for residents:

>>> try:
...     validate('038 185 0123')
... except InvalidLength as err:
...     print(err.code, '|', err)
idnumber.length | Số định danh cá nhân phải có đúng 12 chữ số.
>>> try:
...     validate('038185O12345')  # letter O instead of zero
... except InvalidFormat as err:
...     print(err.code, '|', err)
idnumber.format | Số định danh cá nhân chỉ gồm các chữ số từ 0 đến 9.
>>> try:
...     validate('003185012345')
... except InvalidComponent as err:
...     print(err.code, '|', err)
idnumber.component | Mã tỉnh hoặc năm sinh trong số định danh cá nhân không đúng.
>>> isinstance(InvalidComponent(), ValueError)
True

Sandbox numbers, for fictional personas:

>>> make_sandbox_number('nữ', 1985, 12345)
'000185012345'
>>> is_sandbox('000 1 85 012345'), is_sandbox('038185012345')
(True, False)
>>> info('000185012345').province_name
'Mã mô phỏng'
>>> is_valid('000185012345', allow_sandbox=False)
False
"""

import unicodedata
from dataclasses import dataclass
from typing import ClassVar, Literal

from .errors import SandboxError

#: Upper bound for a birth year when no clock is given: centuries 2100+ are not issued yet.
LATEST_BIRTH_YEAR = 2099

__all__ = [
    "PROVINCES",
    "SANDBOX_NAME",
    "SANDBOX_PROVINCE",
    "IdNumberInfo",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidIdNumber",
    "InvalidLength",
    "Sex",
    "compact",
    "format",
    "info",
    "is_sandbox",
    "is_valid",
    "make_sandbox_number",
    "validate",
]

Sex = Literal["nam", "nữ"]
"""Sex as encoded by digit 4: ``"nam"`` (male, even digit) or ``"nữ"`` (female, odd digit)."""

LENGTH = 12
"""Number of digits of a personal identification number."""

SANDBOX_PROVINCE = "000"
"""A province code never issued, used for the course's fictional personas."""

SANDBOX_NAME = "Mã mô phỏng"
"""What :func:`info` reports as the province name of a sandbox number."""

FIRST_BIRTH_YEAR = 1900
"""Century digit 0 stands for the 1900s."""

LAST_BIRTH_YEAR = 2399
"""Century digits 8/9 stand for the 2300s, the last century the scheme can encode."""

# Phụ lục 1, Thông tư 07/2016/TT-BCA: the 63 provinces before the 2025 merger.
# The code is "0" followed by the statistics-office (NSO) province code.
PROVINCES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa–Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}
"""The 63 legacy province codes of birth registration, code -> name (NFC)."""


class InvalidIdNumber(SandboxError, ValueError):
    """Base of every error raised for a malformed personal identification number.

    A refusal like every other of the sandbox (:class:`~.errors.SandboxError`), and a
    ``ValueError`` as python-stdnum's are. ``code`` is stable for programs, ``message`` is
    the Vietnamese sentence shown to a resident and is what ``str(err)`` returns.
    ``detail`` is an optional English note for developers' logs; it is never shown to
    residents.
    """

    code: ClassVar[str] = "idnumber.invalid"
    message: ClassVar[str] = "Số định danh cá nhân không hợp lệ."

    def __str__(self) -> str:
        return self.message


class InvalidFormat(InvalidIdNumber):
    """The number contains something other than digits (after :func:`compact`)."""

    code = "idnumber.format"
    message = "Số định danh cá nhân chỉ gồm các chữ số từ 0 đến 9."


class InvalidLength(InvalidIdNumber):
    """The number does not have exactly 12 digits."""

    code = "idnumber.length"
    message = "Số định danh cá nhân phải có đúng 12 chữ số."


class InvalidComponent(InvalidIdNumber):
    """Unknown province code, refused sandbox code, or a birth year in the future."""

    code = "idnumber.component"
    message = "Mã tỉnh hoặc năm sinh trong số định danh cá nhân không đúng."


@dataclass(frozen=True, slots=True)
class IdNumberInfo:
    """What a personal identification number tells about its holder."""

    province_code: str
    """Digits 1-3: province of birth registration (``"000"`` for a sandbox number)."""
    province_name: str
    """Name from :data:`PROVINCES`, or :data:`SANDBOX_NAME` for a sandbox number."""
    sex: Sex
    """``"nam"`` or ``"nữ"``, from digit 4."""
    birth_year: int
    """Full birth year, from digits 4-6."""
    serial: str
    """Digits 7-12, the random part, as a string (leading zeros kept)."""

    @property
    def is_sandbox(self) -> bool:
        """Whether this is a fictional persona's number (province code ``000``)."""
        return self.province_code == SANDBOX_PROVINCE


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# Separators people type or paste: dots, ASCII and typographic dashes, their
# full-width forms and invisible characters copied from web pages. Whitespace
# of any kind is removed too (see compact()).
_SEPARATORS = frozenset(
    ".-"
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphen ... minus sign
    "\uff0d\uff0e\u3002"  # full-width hyphen-minus and full stop, ideographic full stop
    "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width characters, BOM
)

_ASCII_DIGITS = frozenset("0123456789")


def compact(number: str) -> str:
    """Convert the number to its minimal form: digits only, no separators.

    The text is normalised to NFC, full-width digits become ASCII digits, and
    whitespace, dots and dashes are removed. Nothing is checked.

    >>> compact(' 038-185-012-345 ')
    '038185012345'
    >>> compact('０３８\u3000１８５')
    '038185'
    """
    text = unicodedata.normalize("NFC", number).translate(_FULLWIDTH_DIGITS)
    return "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS)


def _birth_year(number: str) -> int:
    """Full birth year from digits 4-6 of a compacted 12-digit number."""
    century = int(number[3]) // 2
    return FIRST_BIRTH_YEAR + 100 * century + int(number[4:6])


def _sex(number: str) -> Sex:
    return "nam" if int(number[3]) % 2 == 0 else "nữ"


def validate(number: str, allow_sandbox: bool = True, *, current_year: int | None = None) -> str:
    """Check the number and return it compacted, or raise an :class:`InvalidIdNumber`.

    Raises :class:`InvalidFormat` for characters other than digits,
    :class:`InvalidLength` unless there are exactly 12 digits, and
    :class:`InvalidComponent` for a province code outside :data:`PROVINCES`
    (``000`` is accepted only when *allow_sandbox* is true) or a birth year after
    *current_year* (default: 2099, so no wall clock is read: pass the injected
    clock's year to reject a birth year that has not come yet).

    >>> validate('038185012345')
    '038185012345'
    >>> validate('038 8 85 012345')  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
        ...
    InvalidComponent: Mã tỉnh hoặc năm sinh trong số định danh cá nhân không đúng.
    """
    number = compact(number)
    if not all(ch in _ASCII_DIGITS for ch in number):
        raise InvalidFormat("non-digit characters")
    if len(number) != LENGTH:
        raise InvalidLength(f"{len(number)} digits instead of {LENGTH}")
    province = number[:3]
    if province == SANDBOX_PROVINCE:
        if not allow_sandbox:
            raise InvalidComponent("sandbox province code 000 not allowed here")
    elif province not in PROVINCES:
        raise InvalidComponent(f"unknown province code {province}")
    year = _birth_year(number)
    limit = LATEST_BIRTH_YEAR if current_year is None else current_year
    if year > limit:
        raise InvalidComponent(f"birth year {year} is after {limit}")
    return number


def is_valid(number: str, allow_sandbox: bool = True, *, current_year: int | None = None) -> bool:
    """Tell whether the number is valid, never raising for a bad number.

    >>> is_valid('038.185.012.345')
    True
    >>> is_valid('38185012345')
    False
    """
    try:
        validate(number, allow_sandbox, current_year=current_year)
    except InvalidIdNumber:
        return False
    return True


def is_sandbox(number: str) -> bool:
    """Tell whether the number is a valid sandbox (fictional persona's) number.

    >>> is_sandbox('000 0 90 000001')
    True
    >>> is_sandbox('000')  # too short: not a valid number at all
    False
    """
    return is_valid(number, allow_sandbox=True) and compact(number)[:3] == SANDBOX_PROVINCE


def format(number: str) -> str:
    """Format the number in groups 3-1-2-6: province, century/sex, year, serial.

    Only the compacted form is checked for being 12 ASCII digits; anything else
    is returned compacted but ungrouped.

    >>> format('038185012345')
    '038 1 85 012345'
    >>> format('0381')
    '0381'
    """
    number = compact(number)
    if len(number) != LENGTH or not all(ch in _ASCII_DIGITS for ch in number):
        return number
    return f"{number[:3]} {number[3]} {number[4:6]} {number[6:]}"


def info(number: str, *, current_year: int | None = None) -> IdNumberInfo:
    """Decode a valid number (sandbox numbers included), or raise :class:`InvalidIdNumber`.

    *current_year* is passed to :func:`validate`.

    >>> info('001090123456')  # doctest: +NORMALIZE_WHITESPACE
    IdNumberInfo(province_code='001', province_name='Hà Nội', sex='nam',
                 birth_year=1990, serial='123456')
    """
    number = validate(number, allow_sandbox=True, current_year=current_year)
    province = number[:3]
    name = SANDBOX_NAME if province == SANDBOX_PROVINCE else PROVINCES[province]
    return IdNumberInfo(
        province_code=province,
        province_name=name,
        sex=_sex(number),
        birth_year=_birth_year(number),
        serial=number[6:],
    )


def make_sandbox_number(
    sex: str, birth_year: int, serial: int, *, current_year: int | None = None
) -> str:
    """Build a fictional persona's number ``000`` + century/sex + year + serial.

    *sex* is ``"nam"`` or ``"nữ"`` (case and Unicode form do not matter),
    *birth_year* 1900-2399 and *serial* 0-999999. Bad arguments raise
    ``ValueError``; a birth year after *current_year* (default: 2099)
    raises :class:`InvalidComponent`.

    >>> make_sandbox_number('nam', 2003, 42)
    '000203000042'
    """
    key = unicodedata.normalize("NFC", sex).strip().lower()
    if key not in ("nam", "nữ"):
        raise ValueError(f"sex must be 'nam' or 'nữ', not {sex!r}")
    if isinstance(birth_year, bool) or not isinstance(birth_year, int):
        raise TypeError("birth_year must be an int")
    if isinstance(serial, bool) or not isinstance(serial, int):
        raise TypeError("serial must be an int")
    if not FIRST_BIRTH_YEAR <= birth_year <= LAST_BIRTH_YEAR:
        raise ValueError(
            f"birth_year must be in {FIRST_BIRTH_YEAR}..{LAST_BIRTH_YEAR}, not {birth_year}"
        )
    if not 0 <= serial <= 999_999:
        raise ValueError(f"serial must be in 0..999999, not {serial}")
    century, year = divmod(birth_year - FIRST_BIRTH_YEAR, 100)
    digit = 2 * century + (0 if key == "nam" else 1)
    number = f"{SANDBOX_PROVINCE}{digit}{year:02d}{serial:06d}"
    return validate(number, allow_sandbox=True, current_year=current_year)
