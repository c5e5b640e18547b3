"""VietQR payment codes (NAPAS 247), the EMVCo merchant-presented QR payload.

A VietQR code is a string of fields ``tag length value``: the tag and the length
are two decimal digits each, and templates (tags 26-51, 62, 64, and 80-99 when
they look like it) hold fields of the same form. The bank transfer template is
tag ``38``: ``00`` GUID ``A000000727`` (NAPAS), ``01`` beneficiary (``00`` bank
BIN, ``01`` account or card number), ``02`` service ``QRIBFTTA`` (to an account)
or ``QRIBFTTC`` (to a card). Tag ``01`` says ``11`` static (reusable, the payer
types the amount) or ``12`` dynamic (amount written in the code, tag ``54``).
The last field is ``63``: CRC-16/CCITT-FALSE of everything before its value.

Design decisions (documented because EMVCo and the public code leave them open):

* **Lengths count characters** (Python ``str`` length, as EMVCo counts the
  characters of an ``ans`` value); **the CRC is over the UTF-8 bytes** of the
  payload up to and including ``6304``. A code with diacritics therefore parses
  when its lengths and CRC agree, but :func:`build` refuses anything that is not
  printable ASCII (VietQR messages have no diacritics).
* **Order**: as EMVCo says, ``00`` must be first and ``63`` last; every other
  top-level field may come in any order when parsing. :func:`build` emits tags
  in ascending order, as real generators do.
* **Unknown tags**: at the top level ``65``-``79`` (reserved for future EMVCo
  use) and non-digit tags are refused; ``02``-``51`` (account templates),
  ``52``-``64`` and ``80``-``99`` (unreserved templates) are kept. In template
  ``62``, sub-tags ``00`` and ``12``-``49`` are refused (``01``-``11`` are
  EMVCo data, ``50``-``99`` payment-system templates). Templates ``26``-``51``,
  ``62`` and ``64`` must parse completely as fields; ``02``-``25`` and
  ``80``-``99`` keep a parsed ``sub`` only when their value parses.
* **Amount** (tag ``54``): digits only, 1 to 13 characters (VND has no minor
  unit, so no decimal point) and at least 1 VND. For VietQR codes it must also
  be under the NAPAS 247 limit of 500 million VND: 1..499,999,999.
* **Static/dynamic rule** applies to VietQR codes only (tag ``38`` with the NAPAS
  GUID): static ``11`` must have no amount, dynamic ``12`` must have one. Other
  merchant codes (for example VNPay, tag ``26``) may carry an amount in a static
  code, as real ones do. Tag ``01`` itself is optional, as in EMVCo.
* **Check order**: the payload must start with ``000201``; then the structure
  (lengths, tags, duplicates, trailing data, templates), then the CRC, then the
  meaning of the fields. So a code whose length field disagrees with its text
  fails with :class:`BadLength` even if its CRC is also wrong.
* :func:`compact` strips surrounding whitespace (scanners often add a newline).

>>> p = parse('00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA'
...           '53037045405100005802VN62150811Chuyen tien630453E6')
>>> p.initiation, p.bin, p.bank_name, p.account, p.service, p.amount, p.purpose
('dynamic', '970416', 'ACB', '257678859', 'QRIBFTTA', 10000, 'Chuyen tien')
>>> p.currency, p.country, p.crc, p.is_vietqr
('704', 'VN', '53E6', True)
>>> p.value('38', '01', '00')
'970416'
>>> build(bin='970416', account='257678859', amount=10000, purpose='Chuyen tien') == p.payload
True
>>> build(bin='970416', account='257678859')
'00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F'
>>> is_valid(p.payload[:-1] + 'F')
False

Errors are typed, all subclasses of :class:`InvalidPayload` (a ``ValueError``),
each with a stable ``code``, a Vietnamese ``message`` (what ``str(err)`` returns)
and an English ``detail`` for developers:

>>> try:
...     validate(p.payload[:-4] + '53E7')
... except BadCrc as err:
...     print(err.code, '|', err)
vietqr.crc | Mã QR bị hỏng: phần kiểm tra (CRC) không khớp.
>>> try:  # unicube's README: 62/08 says 35 characters, the text has 30, and a wrong CRC
...     validate('00020101021238590010A0000007270129000697044101156607040600001290208'
...              'QRIBFTTA5204999953037045405100005802VN62390835THANH TOAN BILL 12-12 '
...              'CHO JEAN6304F6B3')
... except InvalidPayload as err:  # structure is checked before the CRC
...     print(type(err).__name__, '|', err.detail)
BadLength | 3 characters left at 148, too few for a tag and a length
>>> try:
...     build(bin='970416', account='257678859', amount=0)
... except AmountOutOfRange as err:
...     print(err.code, '|', err.detail)
vietqr.amount_range | amount 0 is not in 1..499999999 VND
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from typing import ClassVar, Literal

from .errors import N_, SandboxError

__all__ = [
    "BANKS", "MAX_AMOUNT", "NAPAS_GUID", "SERVICES", "TRANSFER_SERVICES", "AmountOutOfRange",
    "BadAmount", "BadCrc", "BadField", "BadFormatIndicator", "BadInitiation", "BadLength",
    "BadText", "DuplicateTag", "DynamicWithoutAmount", "Field", "InvalidPayload", "MissingField",
    "Payment", "StaticWithAmount", "TrailingData", "UnknownTag", "WrongCountry", "WrongCurrency",
    "build", "compact", "crc16", "is_valid", "parse", "tlv", "validate", "with_crc",
]

Initiation = Literal["static", "dynamic"]

NAPAS_GUID = "A000000727"
"""GUID of the NAPAS template (tag ``38``) that makes a code a VietQR code."""

TRANSFER_SERVICES = ("QRIBFTTA", "QRIBFTTC")
"""Services :func:`build` makes: transfer to an account, transfer to a card."""

SERVICES = (*TRANSFER_SERVICES, "QRPUSH", "QRCASH")
"""Services accepted when parsing: also goods payment and cash withdrawal."""

MAX_AMOUNT = 499_999_999
"""Largest VietQR amount in VND: NAPAS 247 allows under 500 million VND per transaction."""

CURRENCY = "704"
"""ISO 4217 numeric code of the Vietnamese đồng."""

COUNTRY = "VN"

TEXT_LIMITS = {"59": 25, "60": 15, "62/01": 25, "62/08": 25}
"""Longest merchant name, city, bill number and purpose :func:`build` writes (EMVCo)."""

# src/constants/banks.ts of github.com/xuannghia/vietnam-qr-pay, as checked in
# the course's domain notes. Beware of public tables that swap the big four:
# Vietcombank is 970436 (not 970415) and VietinBank 970415 (not 970422, MB's).
BANKS: dict[str, str] = {
    "970436": "Vietcombank", "970415": "VietinBank", "970418": "BIDV", "970405": "Agribank",
    "970422": "MB", "970407": "Techcombank", "970416": "ACB", "970432": "VPBank",
    "970423": "TPBank", "970403": "Sacombank", "970437": "HDBank", "970441": "VIB",
    "970443": "SHB", "970426": "MSB", "970440": "SeABank", "970431": "Eximbank", "970448": "OCB",
    "970449": "LPBank (LienVietPostBank)", "970428": "Nam A Bank", "970419": "NCB",
    "970429": "SCB", "970409": "Bac A Bank", "970412": "PVcomBank", "970425": "ABBANK",
    "970438": "BaoViet Bank", "970452": "Kienlongbank", "970454": "VietCapital Bank",
    "970446": "Co-opBank", "970400": "Saigonbank", "546034": "CAKE (VPBank)",
    "546035": "Ubank (VPBank)",
}
"""Bank identification numbers (BIN) of tag ``38/01/00`` -> short bank name."""


class InvalidPayload(SandboxError, ValueError):
    """Base of every error raised for a malformed VietQR/EMVCo payload.

    A refusal like every other of the sandbox (:class:`~.errors.SandboxError`), and a
    ``ValueError``. ``code`` is stable for programs, ``message`` is the Vietnamese sentence
    shown to a resident and is what ``str(err)`` returns. ``detail`` is an English note
    for developers' logs; it is never shown to residents.
    """

    code: ClassVar[str] = "vietqr.invalid"
    message: ClassVar[str] = N_("Mã QR thanh toán không hợp lệ.")

    def __str__(self) -> str:
        return self.message


class BadFormatIndicator(InvalidPayload):
    """The payload does not start with ``000201`` (tag 00 first, value ``01``)."""
    code = "vietqr.format_indicator"
    message = N_("Đây không phải mã QR thanh toán theo chuẩn VietQR.")


class BadInitiation(InvalidPayload):
    """Tag 01 is neither ``11`` (static) nor ``12`` (dynamic)."""
    code = "vietqr.initiation"
    message = N_("Mã QR bị hỏng: không rõ là mã tĩnh hay mã động.")


class BadLength(InvalidPayload):
    """A length is not two digits, or runs past the end of the payload or its template."""
    code = "vietqr.length"
    message = N_("Mã QR bị hỏng: độ dài của một phần không khớp với nội dung.")


class UnknownTag(InvalidPayload):
    """A tag that is not two digits, or one reserved for future EMVCo use."""
    code = "vietqr.unknown_tag"
    message = N_("Mã QR có phần dữ liệu không thuộc chuẩn VietQR.")


class DuplicateTag(InvalidPayload):
    """The same tag twice in the payload or in one template."""
    code = "vietqr.duplicate_tag"
    message = N_("Mã QR bị hỏng: một phần dữ liệu xuất hiện hai lần.")


class BadCrc(InvalidPayload):
    """Tag 63 is not 4 hex digits, or does not match the CRC of the payload."""
    code = "vietqr.crc"
    message = N_("Mã QR bị hỏng: phần kiểm tra (CRC) không khớp.")


class TrailingData(InvalidPayload):
    """Something follows the CRC field, which must be the last one."""
    code = "vietqr.trailing"
    message = N_("Mã QR bị hỏng: có dữ liệu thừa sau phần kiểm tra (CRC).")


class MissingField(InvalidPayload):
    """A required field is absent: CRC, account template, currency, country, BIN..."""
    code = "vietqr.missing"
    message = N_("Mã QR thiếu thông tin bắt buộc (tài khoản người nhận, loại tiền hoặc quốc gia).")


class BadField(InvalidPayload):
    """A field has the wrong form: BIN, account, service, MCC, tip indicator."""
    code = "vietqr.field"
    message = N_("Mã QR có thông tin sai định dạng (mã ngân hàng, số tài khoản hoặc dịch vụ).")


class BadText(InvalidPayload):
    """Raised by :func:`build` only: text with diacritics, control characters, or too long."""
    code = "vietqr.text"
    message = N_("Nội dung chuyển khoản, tên và thành phố phải viết không dấu và không quá dài.")


class StaticWithAmount(InvalidPayload):
    """A static VietQR code (``11``) that carries an amount."""
    code = "vietqr.static_with_amount"
    message = N_("Mã QR tĩnh không được ghi sẵn số tiền. Mã có số tiền phải là mã QR động.")


class DynamicWithoutAmount(InvalidPayload):
    """A dynamic VietQR code (``12``) without an amount."""
    code = "vietqr.dynamic_without_amount"
    message = N_("Mã QR động phải ghi sẵn số tiền cần chuyển.")


class BadAmount(InvalidPayload):
    """The amount is not 1-13 digits (no sign, no decimal point: VND has no minor unit)."""
    code = "vietqr.amount_format"
    message = N_("Số tiền trong mã QR sai định dạng: chỉ gồm chữ số, không có phần lẻ.")


class AmountOutOfRange(InvalidPayload):
    """The amount is zero, or (VietQR) not under 500 million VND."""
    code = "vietqr.amount_range"
    message = N_("Số tiền phải từ 1 đồng đến dưới 500 triệu đồng cho mỗi giao dịch.")


class WrongCurrency(InvalidPayload):
    """Tag 53 is not ``704`` (VND)."""
    code = "vietqr.currency"
    message = N_("Mã QR không dùng đồng Việt Nam (VND).")


class WrongCountry(InvalidPayload):
    """Tag 58 is not ``VN``."""
    code = "vietqr.country"
    message = N_("Mã QR không phải mã thanh toán của Việt Nam (mã quốc gia phải là VN).")


@dataclass(frozen=True, slots=True)
class Field:
    """One ``tag length value`` field; ``sub`` holds the fields of a template."""

    tag: str
    value: str
    sub: tuple[Field, ...] | None = None

    def get(self, tag: str) -> Field | None:
        """The sub-field with this tag, or ``None``."""
        return next((f for f in self.sub or () if f.tag == tag), None)


@dataclass(frozen=True, slots=True)
class Payment:
    """What a valid payload says; every field, templates included, stays in :attr:`fields`.

    ``payload`` is the compacted text; ``initiation`` is tag 01 (``None`` when absent);
    ``bin``, ``account`` and ``service`` are tags 38/01/00, 38/01/01 and 38/02 of a VietQR
    code (``None`` otherwise); ``amount`` is tag 54 in VND; ``mcc``, ``merchant_name`` and
    ``city`` are tags 52, 59 and 60; ``bill_number`` and ``purpose`` (the transfer message,
    nội dung chuyển khoản) are tags 62/01 and 62/08; ``crc`` is tag 63 as written.
    """

    payload: str
    fields: tuple[Field, ...]
    initiation: Initiation | None
    is_vietqr: bool
    bin: str | None
    account: str | None
    service: str | None
    amount: int | None
    currency: str
    country: str
    mcc: str | None
    merchant_name: str | None
    city: str | None
    bill_number: str | None
    purpose: str | None
    crc: str

    @property
    def bank_name(self) -> str | None:
        """Short name of the bank from :data:`BANKS`, ``None`` for an unknown BIN."""
        return BANKS.get(self.bin) if self.bin else None

    def value(self, *path: str) -> str | None:
        """The value at a tag path such as ``('62', '08')``, or ``None``."""
        found: Field | None = Field("", "", self.fields)
        for tag in path:
            found = found.get(tag) if found else None
        return found.value if found else None


_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789ABCDEFabcdef")
_ALNUM = _DIGITS | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _digits(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` alone accepts other scripts' digits too)."""
    return text.isascii() and text.isdigit()


def crc16(data: bytes) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection) as 4 upper-case hex digits.

    The standard library's ``binascii.crc_hqx`` is this CRC when started at 0xFFFF.

    >>> crc16(b'123456789')
    '29B1'
    """
    return f"{binascii.crc_hqx(data, 0xFFFF):04X}"


def tlv(tag: str, value: str) -> str:
    """One field: two-digit tag, two-digit length (in characters), value.

    >>> tlv('58', 'VN')
    '5802VN'
    """
    if len(tag) != 2 or not _digits(tag):
        raise ValueError(f"tag must be two digits, not {tag!r}")
    if len(value) > 99:
        raise BadLength(f"value of tag {tag} has {len(value)} characters, more than 99")
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    """Append the CRC field ``6304`` + CRC to a payload without one.

    >>> with_crc('000201')
    '0002016304AAE6'
    """
    text = body + "6304"
    return text + crc16(text.encode("utf-8"))


def compact(payload: str) -> str:
    """Strip surrounding whitespace and newlines; nothing inside is changed or checked.

    >>> compact('  000201...\\r\\n')
    '000201...'
    """
    return payload.strip()


_RESERVED_TOP = frozenset(range(65, 80))
_RESERVED_62 = frozenset({0, *range(12, 50)})


def _split(
    text: str, where: str, refused: frozenset[int] = frozenset(), *, top: bool = False
) -> list[tuple[str, str]]:
    """Cut *text* into (tag, value) pairs; at the top level stop after the CRC field."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    pos = 0
    inside = f" in template {where}" if where else ""
    while pos < len(text):
        if len(text) - pos < 4:
            raise BadLength(f"{len(text) - pos} characters left at {pos}{inside}, "
                            "too few for a tag and a length")
        tag, length = text[pos:pos + 2], text[pos + 2:pos + 4]
        if not _digits(tag):
            raise UnknownTag(f"tag {tag!r} at {pos}{inside} is not two digits")
        if not _digits(length):
            raise BadLength(f"length {length!r} of tag {tag}{inside} is not two digits")
        if int(tag) in refused:
            raise UnknownTag(f"tag {tag}{inside} is reserved for future EMVCo use")
        if tag in seen:
            raise DuplicateTag(f"tag {tag}{inside} appears twice")
        seen.add(tag)
        end = pos + 4 + int(length)
        if end > len(text):
            raise BadLength(f"tag {tag}{inside} says {int(length)} characters, "
                            f"only {len(text) - pos - 4} are left")
        pairs.append((tag, text[pos + 4:end]))
        pos = end
        if top and tag == "63" and pos < len(text):
            raise TrailingData(f"{len(text) - pos} characters after the CRC field")
    return pairs


def _template(tag: str, value: str) -> tuple[Field, ...]:
    pairs = _split(value, tag, _RESERVED_62 if tag == "62" else frozenset())
    napas = tag == "38" and dict(pairs).get("00") == NAPAS_GUID
    return tuple(
        Field(t, v, tuple(Field(*p) for p in _split(v, "38/01")) if napas and t == "01" else None)
        for t, v in pairs
    )


def _decode(tag: str, value: str) -> Field:
    number = int(tag)
    if 26 <= number <= 51 or tag in ("62", "64"):
        return Field(tag, value, _template(tag, value))
    if 2 <= number <= 25 or number >= 80:
        try:
            return Field(tag, value, _template(tag, value))
        except InvalidPayload:
            return Field(tag, value)
    return Field(tag, value)


def _check_account(bin_: str, account: str, service: str, services: tuple[str, ...]) -> None:
    if len(bin_) != 6 or not _digits(bin_):
        raise BadField(f"BIN {bin_!r} is not 6 digits")
    if not 1 <= len(account) <= 19 or not all(ch in _ALNUM for ch in account):
        raise BadField(f"account {account!r} is not 1-19 ASCII letters or digits")
    if service not in services:
        raise BadField(f"service {service!r} is not one of {', '.join(services)}")


def _amount(raw: str, vietqr: bool) -> int:
    if not _digits(raw) or len(raw) > 13:
        raise BadAmount(f"amount {raw!r} is not 1-13 digits")
    amount = int(raw)
    if amount < 1 or (vietqr and amount > MAX_AMOUNT):
        limit = f"1..{MAX_AMOUNT}" if vietqr else "1 or more"
        raise AmountOutOfRange(f"amount {amount} is not in {limit} VND")
    return amount


def parse(payload: str) -> Payment:
    """Check the payload and decode it, or raise an :class:`InvalidPayload`.

    Checks run in the order given in the module docstring: format indicator,
    structure, CRC, then the meaning of the fields; the first failure is raised.

    >>> vnpay = parse('00020101021126280010A0000007750110010531314453037045408210900005802VN'
    ...               '5910CELLPHONES62600312CPSHN ONLINE0517021908061613127850705ONLHN'
    ...               '0810CellphoneS63047685')
    >>> vnpay.is_vietqr, vnpay.initiation, vnpay.amount, vnpay.merchant_name, vnpay.bin
    (False, 'static', 21090000, 'CELLPHONES', None)
    >>> vnpay.value('26', '00'), vnpay.value('62', '03')
    ('A000000775', 'CPSHN ONLINE')
    """
    text = compact(payload)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:  # a lone surrogate: no QR code can carry it
        raise BadFormatIndicator(f"not encodable as UTF-8 at {err.start}") from None
    if not text.startswith("000201"):
        raise BadFormatIndicator(f"payload starts with {text[:6]!r}, not '000201'")
    pairs = _split(text, "", _RESERVED_TOP, top=True)
    if pairs[-1][0] != "63":
        raise MissingField("no CRC field (tag 63) at the end")
    fields = tuple(_decode(tag, value) for tag, value in pairs)
    crc = pairs[-1][1]
    if len(crc) != 4 or not all(ch in _HEX for ch in crc):
        raise BadCrc(f"CRC field {crc!r} is not 4 hex digits")
    expected = crc16(text[:-4].encode("utf-8"))
    if crc.upper() != expected:
        raise BadCrc(f"CRC is {crc}, the payload gives {expected}")

    top = {f.tag: f for f in fields}
    raw = {f.tag: f.value for f in fields}
    initiation: Initiation | None = None
    if "01" in raw:
        if raw["01"] not in ("11", "12"):
            raise BadInitiation(f"point of initiation {raw['01']!r} is not 11 or 12")
        initiation = "static" if raw["01"] == "11" else "dynamic"
    for tag, name in (("53", "currency"), ("58", "country")):
        if tag not in raw:
            raise MissingField(f"no {name} (tag {tag})")
    if raw["53"] != CURRENCY:
        raise WrongCurrency(f"currency {raw['53']!r} is not 704 (VND)")
    if raw["58"] != COUNTRY:
        raise WrongCountry(f"country {raw['58']!r} is not VN")
    if not any(2 <= int(tag) <= 51 for tag in raw):
        raise MissingField("no merchant account template (tags 02-51)")
    if "52" in raw and (len(raw["52"]) != 4 or not _digits(raw["52"])):
        raise BadField(f"merchant category code {raw['52']!r} is not 4 digits")
    if "55" in raw and (len(raw["55"]) != 2 or not _digits(raw["55"])):
        raise BadField(f"tip indicator {raw['55']!r} is not 2 digits")

    t38 = top.get("38")
    vietqr = t38 is not None and _sub(t38, "00") == NAPAS_GUID
    bin_ = account = service = None
    if t38 is not None and vietqr:
        beneficiary = t38.get("01")
        bin_, account, service = _sub(beneficiary, "00"), _sub(beneficiary, "01"), _sub(t38, "02")
        if bin_ is None or account is None or service is None:
            raise MissingField("VietQR template 38 needs 01/00 BIN, 01/01 account and 02 service")
        _check_account(bin_, account, service, SERVICES)
    amount = _amount(raw["54"], vietqr) if "54" in raw else None
    if vietqr and initiation == "static" and amount is not None:
        raise StaticWithAmount(f"static VietQR code (01=11) with amount {amount}")
    if vietqr and initiation == "dynamic" and amount is None:
        raise DynamicWithoutAmount("dynamic VietQR code (01=12) without tag 54")

    extra = top.get("62")
    return Payment(
        payload=text, fields=fields, initiation=initiation, is_vietqr=vietqr,
        bin=bin_, account=account, service=service, amount=amount,
        currency=raw["53"], country=raw["58"], mcc=raw.get("52"),
        merchant_name=raw.get("59"), city=raw.get("60"),
        bill_number=_sub(extra, "01"), purpose=_sub(extra, "08"), crc=crc,
    )


def _sub(template: Field | None, tag: str) -> str | None:
    found = template.get(tag) if template else None
    return found.value if found else None


def validate(payload: str) -> str:
    """Check the payload and return it compacted, or raise an :class:`InvalidPayload`.

    >>> validate('00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA'
    ...          '53037045802VN6304ae9f\\n')[-8:]
    '6304ae9f'
    """
    return parse(payload).payload


def is_valid(payload: str) -> bool:
    """Tell whether the payload is valid, never raising for a bad payload.

    >>> is_valid('https://example.com'), is_valid('')
    (False, False)
    """
    try:
        parse(payload)
    except InvalidPayload:
        return False
    return True


def _text(key: str, value: str | None) -> str | None:
    if value is None:
        return None
    if not value or len(value) > TEXT_LIMITS[key]:
        raise BadText(f"{key} must have 1-{TEXT_LIMITS[key]} characters, not {len(value)}")
    if not all(" " <= ch <= "~" for ch in value):
        raise BadText(f"{key} {value!r} is not printable ASCII (no diacritics)")
    return value


def build(
    *, bin: str, account: str, service: str = "QRIBFTTA", amount: int | None = None,
    purpose: str | None = None, merchant_name: str | None = None, city: str | None = None,
    mcc: str | None = None, bill_number: str | None = None,
) -> str:
    """Make a VietQR transfer payload: dynamic (``12``) iff *amount* is given.

    Tags come in ascending order. Bad arguments raise the same typed errors as
    :func:`parse`, plus :class:`BadText` for text that is empty, too long or not
    printable ASCII; a non-integer *amount* raises ``TypeError``.

    >>> code = build(bin='970422', account='0123456789', amount=50000, purpose='Hoc phi')
    >>> code[:50]
    '00020101021238540010A00000072701240006970422011001'
    >>> code[50:]
    '234567890208QRIBFTTA53037045405500005802VN62110807Hoc phi630443E9'
    >>> build(bin='970422', account='0123456789', purpose='Học phí')
    ... # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
        ...
    BadText: Nội dung chuyển khoản, tên và thành phố phải viết không dấu và không quá dài.
    """
    _check_account(bin, account, service, TRANSFER_SERVICES)
    if mcc is not None and (len(mcc) != 4 or not _digits(mcc)):
        raise BadField(f"merchant category code {mcc!r} is not 4 digits")
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("amount must be an int (VND) or None")
        if not 1 <= amount <= MAX_AMOUNT:
            raise AmountOutOfRange(f"amount {amount} is not in 1..{MAX_AMOUNT} VND")
    name, town = _text("59", merchant_name), _text("60", city)
    bill, message = _text("62/01", bill_number), _text("62/08", purpose)

    beneficiary = tlv("00", bin) + tlv("01", account)
    body = tlv("00", "01") + tlv("01", "11" if amount is None else "12")
    body += tlv("38", tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", service))
    body += tlv("52", mcc) if mcc else ""
    body += tlv("53", CURRENCY)
    body += tlv("54", str(amount)) if amount is not None else ""
    body += tlv("58", COUNTRY)
    body += tlv("59", name) if name else ""
    body += tlv("60", town) if town else ""
    extra = (tlv("01", bill) if bill else "") + (tlv("08", message) if message else "")
    body += tlv("62", extra) if extra else ""
    return validate(with_crc(body))
