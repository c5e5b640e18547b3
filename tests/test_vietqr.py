"""Tests of bakhong.simulators.vietqr, the VietQR (NAPAS 247 / EMVCo) payload codec."""

from __future__ import annotations

import csv
import dataclasses
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bakhong.simulators import vietqr as vq

SHARED_TSV = Path("/work/shared/data/vietqr_public_examples.tsv")

# The rows of /work/shared/data/vietqr_public_examples.tsv (expect, source, payload), copied
# so that the suite does not depend on /work/shared; test_shared_file_matches compares them.
EX1 = "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F"
EX2 = "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6"
EX3 = "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA5303704540410005802VN62150811Chuyen tien6304BBB8"
EX4_VNPAY = "00020101021126280010A0000007750110010531314453037045408210900005802VN5910CELLPHONES62600312CPSHN ONLINE0517021908061613127850705ONLHN0810CellphoneS63047685"
EX5 = "00020101021238530010A0000007270123000697041601092245284790208QRIBFTTA53037045405100005802VN62340107NPS68690819TRANSFER TO SOMEONE6304AC13"
EX6_UNICUBE = "00020101021238590010A0000007270129000697044101156607040600001290208QRIBFTTA5204999953037045405100005802VN62390835THANH TOAN BILL 12-12 CHO JEAN6304F6B3"

ROWS = [
    ("valid", "xuannghia/vietnam-qr-pay README, static ACB", EX1),
    ("valid", "xuannghia/vietnam-qr-pay README, dynamic 10000 VND", EX2),
    ("valid", "xuannghia/vietnam-qr-pay README, decode example", EX3),
    ("valid", "xuannghia/vietnam-qr-pay README, VNPay merchant (tag 26)", EX4_VNPAY),
    ("valid", "duyquoc1508/napas-qr README", EX5),
    ("invalid", "unicubevn/vietqr-payment-js README: length of 62/08 says 35, text has 30; "
     "CRC does not match", EX6_UNICUBE),
]

T38 = "0010A0000007270123000697041601092576788590208QRIBFTTA"  # ACB 970416, 257678859
DYNAMIC: dict[str, str] = {"00": "01", "01": "12", "38": T38, "53": "704", "54": "10000",
                           "58": "VN", "62": "0811Chuyen tien"}
STATIC: dict[str, str] = {"00": "01", "01": "11", "38": T38, "53": "704", "58": "VN"}


def seal(body: str) -> str:
    """Append a correct CRC field, so that only the rule under test can fail."""
    return body + "6304" + vq.crc16((body + "6304").encode("utf-8"))


def make(changes: dict[str, str | None] | None = None, base: dict[str, str] = DYNAMIC) -> str:
    """A sealed payload from *base* with fields replaced, added (at the end) or removed (None)."""
    fields: dict[str, str | None] = {**base, **(changes or {})}
    return seal("".join(f"{t}{len(v):02d}{v}" for t, v in fields.items() if v is not None))


def t38(bin_: str = "970416", account: str = "257678859", service: str = "QRIBFTTA",
        guid: str = vq.NAPAS_GUID) -> str:
    beneficiary = f"00{len(bin_):02d}{bin_}01{len(account):02d}{account}"
    return f"0010{guid}01{len(beneficiary):02d}{beneficiary}02{len(service):02d}{service}"


def rejects(payload: str, error: type[vq.InvalidPayload]) -> vq.InvalidPayload:
    """Parse must raise exactly *error* (not a sibling, not the base)."""
    with pytest.raises(vq.InvalidPayload) as caught:
        vq.parse(payload)
    assert type(caught.value) is error, (type(caught.value).__name__, caught.value.detail)
    assert not vq.is_valid(payload)
    return caught.value


# --- CRC and the public examples ---------------------------------------------------------


def test_crc16_is_ccitt_false() -> None:
    assert vq.crc16(b"123456789") == "29B1"  # the catalogued check value of CRC-16/CCITT-FALSE
    assert vq.crc16(b"") == "FFFF"


def test_crafting_helpers_rebuild_the_examples() -> None:
    assert t38() == T38
    assert make(base=STATIC) == EX1
    assert make() == EX2
    assert vq.with_crc(EX1[:-8]) == EX1


@pytest.mark.parametrize(("expect", "source", "payload"), ROWS, ids=[r[1][:40] for r in ROWS])
def test_public_examples_get_their_verdict(expect: str, source: str, payload: str) -> None:
    assert vq.is_valid(payload) is (expect == "valid"), source
    if expect == "valid":
        assert vq.crc16(payload[:-4].encode()) == payload[-4:]
        assert vq.validate(payload) == payload


def test_unicube_example_fails_on_structure_before_crc() -> None:
    err = rejects(EX6_UNICUBE, vq.BadLength)
    assert "3 characters left" in err.detail
    assert vq.crc16(EX6_UNICUBE[:-4].encode()) == "7F44"  # its CRC is wrong too (domain.md)
    # Fixing the length of 62/08 (and so of 62) leaves only the CRC wrong.
    fixed = EX6_UNICUBE.replace("62390835", "62340830")
    rejects(fixed, vq.BadCrc)
    assert vq.is_valid(fixed[:-4] + vq.crc16(fixed[:-4].encode()))


def test_shared_file_matches_the_copied_rows() -> None:
    if not SHARED_TSV.exists():
        pytest.skip(f"{SHARED_TSV} is not here; the copied ROWS were checked above")
    with SHARED_TSV.open(encoding="utf-8", newline="") as handle:
        rows = [(r["expect"], r["source"], r["payload"])
                for r in csv.DictReader(handle, delimiter="\t")]
    assert rows == ROWS
    for expect, source, payload in rows:
        assert vq.is_valid(payload) is (expect == "valid"), source


@pytest.mark.parametrize(
    ("payload", "kwargs"),
    [
        (EX1, {"bin": "970416", "account": "257678859"}),
        (EX2, {"bin": "970416", "account": "257678859", "amount": 10000,
               "purpose": "Chuyen tien"}),
        (EX3, {"bin": "970416", "account": "257678859", "amount": 1000,
               "purpose": "Chuyen tien"}),
        (EX5, {"bin": "970416", "account": "224528479", "amount": 10000,
               "bill_number": "NPS6869", "purpose": "TRANSFER TO SOMEONE"}),
    ],
)
def test_build_reproduces_the_valid_examples(payload: str, kwargs: dict[str, object]) -> None:
    assert vq.build(**kwargs) == payload  # type: ignore[arg-type]


def test_decoded_example_2_as_in_the_domain_notes() -> None:
    p = vq.parse(EX2)
    assert [f.tag for f in p.fields] == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert p.value("00") == "01" and p.value("01") == "12"
    assert p.value("38", "00") == "A000000727"
    assert p.value("38", "01", "00") == "970416"
    assert p.value("38", "01", "01") == "257678859"
    assert p.value("38", "02") == "QRIBFTTA"
    assert (p.value("53"), p.value("54"), p.value("58")) == ("704", "10000", "VN")
    assert p.value("62", "08") == "Chuyen tien"
    assert p.value("63") == "53E6" == p.crc
    assert p.value("62", "01") is None and p.value("99") is None
    assert (p.initiation, p.is_vietqr, p.bin, p.account, p.service) == (
        "dynamic", True, "970416", "257678859", "QRIBFTTA")
    assert (p.amount, p.currency, p.country, p.purpose) == (10000, "704", "VN", "Chuyen tien")
    assert p.bank_name == "ACB"
    assert (p.mcc, p.merchant_name, p.city, p.bill_number) == (None, None, None, None)
    assert p.payload == EX2
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.amount = 5  # type: ignore[misc]


def test_example_5_bill_number_and_example_1_static() -> None:
    p = vq.parse(EX5)
    assert (p.bill_number, p.purpose, p.amount) == ("NPS6869", "TRANSFER TO SOMEONE", 10000)
    static = vq.parse(EX1)
    assert (static.initiation, static.amount, static.purpose) == ("static", None, None)


def test_vnpay_example_parses_and_keeps_its_template() -> None:
    p = vq.parse(EX4_VNPAY)
    assert not p.is_vietqr
    assert (p.bin, p.account, p.service, p.bank_name) == (None, None, None, None)
    assert p.initiation == "static" and p.amount == 21_090_000  # legal: not a VietQR code
    assert p.value("26", "00") == "A000000775"
    assert p.value("26", "01") == "0105313144"
    assert p.merchant_name == "CELLPHONES"
    assert p.value("62", "03") == "CPSHN ONLINE"
    assert p.value("62", "05") == "02190806161312785"
    assert p.value("62", "07") == "ONLHN"
    assert p.purpose == "CellphoneS"


# --- the bank table ----------------------------------------------------------------------


def test_big_four_bins_are_the_real_ones() -> None:
    assert vq.BANKS["970436"] == "Vietcombank"
    assert vq.BANKS["970415"] == "VietinBank"
    assert vq.BANKS["970418"] == "BIDV"
    assert vq.BANKS["970405"] == "Agribank"
    # The swap circulating in public code: Vietcombank 970415, VietinBank 970422.
    assert vq.BANKS["970422"] == "MB"
    by_name = {name: bin_ for bin_, name in vq.BANKS.items()}
    assert by_name["Vietcombank"] != "970415" and by_name["VietinBank"] != "970422"


def test_bank_table_is_the_whole_domain_table() -> None:
    assert len(vq.BANKS) == 31
    assert all(len(b) == 6 and b.isdigit() for b in vq.BANKS)
    assert len(set(vq.BANKS.values())) == 31
    expected = {"970407": "Techcombank", "970416": "ACB", "970432": "VPBank", "970423": "TPBank",
                "970403": "Sacombank", "970441": "VIB", "970454": "VietCapital Bank",
                "970400": "Saigonbank", "546034": "CAKE (VPBank)", "546035": "Ubank (VPBank)"}
    assert {b: vq.BANKS[b] for b in expected} == expected


def test_bank_name_of_unknown_bin_is_none() -> None:
    p = vq.parse(make({"38": t38(bin_="999999")}))
    assert p.bin == "999999" and p.bank_name is None


# --- one test per error class --------------------------------------------------------------


@pytest.mark.parametrize("payload", [
    "", "https://example.com/pay", "hello", EX1[1:],
    make({"00": "02"}),
    seal("010211" + "000201" + EX1[12:-8]),  # 01 before 00
])
def test_bad_format_indicator(payload: str) -> None:
    rejects(payload, vq.BadFormatIndicator)


@pytest.mark.parametrize("value", ["13", "21", "1", "AB"])
def test_bad_initiation(value: str) -> None:
    rejects(make({"01": value}), vq.BadInitiation)


@pytest.mark.parametrize("payload", [
    make({"62": "0820Chuyen tien"}),  # 62/08 says 20, has 11
    make({"38": T38.replace("0123", "0125")}),  # 38/01 says 25, has 23
    make({"38": T38.replace("0109", "0108")}),  # 38/01/01 leaves one character over
    seal(EX1[:-8].replace("5802VN", "58X2VN")),  # length not two digits
    EX1[:-1],  # the CRC runs past the end
    EX1[:-6] + "9F",
])
def test_bad_length(payload: str) -> None:
    rejects(payload, vq.BadLength)


@pytest.mark.parametrize("payload", [
    make({"70": "AB"}),  # 65-79: reserved for future EMVCo use
    make({"65": "X"}),
    make({"79": "X"}),
    make({"62": "0811Chuyen tien2002AB"}),  # 62/20 reserved
    make({"62": "0002AB0811Chuyen tien"}),  # 62/00 not defined
    seal(EX1[:-8] + "AB02VN"),  # not two digits
])
def test_unknown_tag(payload: str) -> None:
    rejects(payload, vq.UnknownTag)


@pytest.mark.parametrize("payload", [
    seal(EX1[:-8] + "5802VN"),
    make({"62": "0811Chuyen tien0802Hi"}),
    make({"38": T38 + "0208QRIBFTTC"}),
])
def test_duplicate_tag(payload: str) -> None:
    rejects(payload, vq.DuplicateTag)


@pytest.mark.parametrize("payload", [
    EX1[:-1] + "E", EX2[:-4] + "0000", EX1[:-4] + "GGGG", EX1[:-4] + "AE9-",
    EX2.replace("Chuyen tien", "Chuyen tiem"),
])
def test_bad_crc(payload: str) -> None:
    rejects(payload, vq.BadCrc)


def test_crc_field_of_wrong_length_is_bad_crc() -> None:
    body = EX1[:-8] + "6305"
    rejects(body + vq.crc16(body.encode()) + "0", vq.BadCrc)


def test_lower_case_crc_is_accepted() -> None:
    assert vq.validate(EX1[:-4] + "ae9f") == EX1[:-4] + "ae9f"
    assert vq.parse(EX1[:-4] + "Ae9F").crc == "Ae9F"


@pytest.mark.parametrize("tail", ["0000", "X", EX1, "6304AE9F", "  x"])
def test_trailing_data(tail: str) -> None:
    rejects(EX1 + tail, vq.TrailingData)


def test_static_with_amount() -> None:
    rejects(make({"54": "10000"}, base=STATIC), vq.StaticWithAmount)


def test_dynamic_without_amount() -> None:
    rejects(make({"54": None}), vq.DynamicWithoutAmount)


@pytest.mark.parametrize("value", ["ABC", "100.00", "10000.", "-10000", "+1000", "1e6", "",
                                   "10 000", "00000000010000", "١٠٠"])
def test_bad_amount(value: str) -> None:
    rejects(make({"54": value}), vq.BadAmount)


@pytest.mark.parametrize("value", ["0", "000", "500000000", "9999999999999"])
def test_amount_out_of_range(value: str) -> None:
    rejects(make({"54": value}), vq.AmountOutOfRange)


def test_amount_limits() -> None:
    assert vq.parse(make({"54": "1"})).amount == 1
    assert vq.parse(make({"54": "499999999"})).amount == vq.MAX_AMOUNT == 499_999_999
    assert vq.parse(make({"54": "0000000010000"})).amount == 10000  # 13 characters
    # The NAPAS limit is for VietQR only; another merchant's code may go over it, not to zero.
    vnpay = EX4_VNPAY[:-8].replace("540821090000", "5409600000000")
    assert vq.parse(seal(vnpay)).amount == 600_000_000
    rejects(seal(EX4_VNPAY[:-8].replace("540821090000", "54010")), vq.AmountOutOfRange)


@pytest.mark.parametrize("value", ["840", "VND", "7040", ""])
def test_wrong_currency(value: str) -> None:
    rejects(make({"53": value}), vq.WrongCurrency)


@pytest.mark.parametrize("value", ["US", "vn", "VNM", ""])
def test_wrong_country(value: str) -> None:
    rejects(make({"58": value}), vq.WrongCountry)


@pytest.mark.parametrize("payload", [
    make({"53": None}),
    make({"58": None}),
    make({"38": None, "54": None, "01": "11"}),  # no account template at all
    EX1[:-8],  # no CRC
    make({"38": T38[:-12]}),  # 38 without service
    make({"38": "0010A0000007270208QRIBFTTA"}),  # 38 without beneficiary
    make({"38": "0010A000000727" "01100006970416" "0208QRIBFTTA"}),  # beneficiary, no account
])
def test_missing_field(payload: str) -> None:
    rejects(payload, vq.MissingField)


@pytest.mark.parametrize("payload", [
    make({"38": t38(bin_="97041")}),
    make({"38": t38(bin_="97041A")}),
    make({"38": t38(account="12-345")}),
    make({"38": t38(account="1" * 20)}),
    make({"38": t38(service="QRIBFTTX")}),
    make({"52": "ABCD"}),
    make({"52": "599"}),
    make({"55": "X1"}),
])
def test_bad_field(payload: str) -> None:
    rejects(payload, vq.BadField)


@pytest.mark.parametrize("kwargs", [
    {"purpose": "Chuyển tiền"},
    {"purpose": "x" * 26},
    {"purpose": ""},
    {"purpose": "tab\there"},
    {"bill_number": "B" * 26},
    {"merchant_name": "Nguyễn Văn A"},
    {"merchant_name": "N" * 26},
    {"city": "Thanh Hoa Thanh Hoa"},
])
def test_bad_text_on_build(kwargs: dict[str, str]) -> None:
    with pytest.raises(vq.BadText):
        vq.build(bin="970416", account="257678859", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"bin": "97041"}, vq.BadField),
    ({"account": ""}, vq.BadField),
    ({"account": "1" * 20}, vq.BadField),
    ({"service": "QRPUSH"}, vq.BadField),  # parsed, never built
    ({"mcc": "59"}, vq.BadField),
    ({"amount": 0}, vq.AmountOutOfRange),
    ({"amount": -5}, vq.AmountOutOfRange),
    ({"amount": 500_000_000}, vq.AmountOutOfRange),
])
def test_build_refuses_bad_arguments(kwargs: dict[str, object],
                                     error: type[vq.InvalidPayload]) -> None:
    args: dict[str, object] = {"bin": "970416", "account": "257678859", **kwargs}
    with pytest.raises(error):
        vq.build(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", ["10000", True, 10000.0])
def test_build_amount_must_be_an_int(amount: object) -> None:
    with pytest.raises(TypeError):
        vq.build(bin="970416", account="257678859", amount=amount)  # type: ignore[arg-type]


ERRORS = [
    (vq.BadFormatIndicator, "vietqr.format_indicator"), (vq.BadInitiation, "vietqr.initiation"),
    (vq.BadLength, "vietqr.length"), (vq.UnknownTag, "vietqr.unknown_tag"),
    (vq.DuplicateTag, "vietqr.duplicate_tag"), (vq.BadCrc, "vietqr.crc"),
    (vq.TrailingData, "vietqr.trailing"), (vq.MissingField, "vietqr.missing"),
    (vq.BadField, "vietqr.field"), (vq.BadText, "vietqr.text"),
    (vq.StaticWithAmount, "vietqr.static_with_amount"),
    (vq.DynamicWithoutAmount, "vietqr.dynamic_without_amount"),
    (vq.BadAmount, "vietqr.amount_format"), (vq.AmountOutOfRange, "vietqr.amount_range"),
    (vq.WrongCurrency, "vietqr.currency"), (vq.WrongCountry, "vietqr.country"),
]


@pytest.mark.parametrize(("error", "code"), ERRORS)
def test_error_types_codes_and_messages(error: type[vq.InvalidPayload], code: str) -> None:
    assert issubclass(error, vq.InvalidPayload) and issubclass(error, ValueError)
    assert error.code == code
    err = error("developer detail")
    assert str(err) == error.message != vq.InvalidPayload.message
    assert err.detail == "developer detail"
    assert any(ord(ch) > 127 for ch in error.message)  # Vietnamese, with diacritics
    assert error.__name__ in vq.__all__


def test_error_codes_are_unique_and_every_subclass_is_listed() -> None:
    assert len({code for _, code in ERRORS}) == len(ERRORS)
    assert set(vq.InvalidPayload.__subclasses__()) == {e for e, _ in ERRORS}
    assert str(vq.BadCrc()) == "Mã QR bị hỏng: phần kiểm tra (CRC) không khớp."


# --- lengths, order, other templates -------------------------------------------------------


def test_lengths_count_characters_and_crc_counts_utf8_bytes() -> None:
    message = "Chuyển tiền"  # 11 characters, 15 UTF-8 bytes
    payload = make({"62": f"08{len(message):02d}{message}"})
    p = vq.parse(payload)
    assert p.purpose == message
    assert vq.crc16(payload[:-4].encode("utf-8")) == p.crc
    rejects(make({"62": f"0815{message}"}), vq.BadLength)  # byte-counted length
    latin1 = payload[:-4] + vq.crc16(payload[:-4].encode("latin-1", "replace"))
    rejects(latin1, vq.BadCrc)


def test_fields_between_00_and_63_may_come_in_any_order() -> None:
    shuffled = {"00": "01", "58": "VN", "54": "10000", "38": T38, "62": "0811Chuyen tien",
                "53": "704", "01": "12"}
    p = vq.parse(make(base=shuffled))
    assert [f.tag for f in p.fields] == ["00", "58", "54", "38", "62", "53", "01", "63"]
    assert (p.amount, p.bin, p.initiation) == (10000, "970416", "dynamic")


def test_build_emits_tags_in_ascending_order() -> None:
    code = vq.build(bin="970436", account="0011001234567", service="QRIBFTTC", amount=250000,
                    purpose="Hoc phi thang 11", merchant_name="NGUYEN VAN A", city="THANH HOA",
                    mcc="8299", bill_number="HD001")
    p = vq.parse(code)
    tags = [f.tag for f in p.fields]
    assert tags == ["00", "01", "38", "52", "53", "54", "58", "59", "60", "62", "63"]
    sub62 = p.fields[9].sub
    assert sub62 is not None and [f.tag for f in sub62] == ["01", "08"]
    assert (p.bank_name, p.service, p.mcc, p.merchant_name, p.city, p.bill_number) == (
        "Vietcombank", "QRIBFTTC", "8299", "NGUYEN VAN A", "THANH HOA", "HD001")


@pytest.mark.parametrize("service", ["QRPUSH", "QRCASH", "QRIBFTTC"])
def test_parse_accepts_the_other_napas_services(service: str) -> None:
    assert vq.parse(make({"38": t38(service=service)})).service == service


def test_other_templates_and_fields_are_kept() -> None:
    payload = make({
        "02": "4111111111111111",  # a card network's primitive field: not TLV
        "26": "0010A00000077501100105313144",
        "55": "02", "56": "5000", "57": "1.5",
        "59": "CO HOA", "60": "THANH HOA", "61": "40000",
        "64": "0002vi0106Cô Hoa",
        "80": "0003ABC0102XY", "99": "free text",
    })
    p = vq.parse(payload)
    assert p.is_vietqr and p.bin == "970416"
    field02 = next(f for f in p.fields if f.tag == "02")
    assert field02.value == "4111111111111111" and field02.sub is None
    assert p.value("26", "00") == "A000000775"
    assert (p.value("55"), p.value("56"), p.value("57"), p.value("61")) == (
        "02", "5000", "1.5", "40000")
    assert p.value("64", "00") == "vi" and p.value("64", "01") == "Cô Hoa"
    assert p.value("80", "00") == "ABC" and p.value("80", "01") == "XY"
    field99 = next(f for f in p.fields if f.tag == "99")
    assert field99.value == "free text" and field99.sub is None
    assert (p.merchant_name, p.city) == ("CO HOA", "THANH HOA")


@pytest.mark.parametrize("tag", ["26", "51", "64"])
def test_account_and_language_templates_must_be_tlv(tag: str) -> None:
    rejects(make({tag: "0005ABC"}), vq.BadLength)  # says 5 characters, has 3
    rejects(make({tag: "not a template"}), vq.UnknownTag)  # "no" is not a tag


def test_38_with_another_guid_is_not_vietqr() -> None:
    other = make({"38": t38(guid="A000000775"), "54": None})  # dynamic, no amount: not our rule
    p = vq.parse(other)
    assert not p.is_vietqr and p.bin is None and p.value("38", "01") is not None


def test_static_dynamic_rule_is_for_vietqr_only() -> None:
    vnpay_dynamic = seal(EX4_VNPAY[:-8].replace("010211", "010212").replace("540821090000", ""))
    assert vq.parse(vnpay_dynamic).amount is None
    no_initiation = make({"01": None})
    assert vq.parse(no_initiation).initiation is None


def test_compact_strips_only_surrounding_whitespace() -> None:
    assert vq.compact(f" \t{EX1}\r\n") == EX1
    assert vq.validate(f"\n{EX2}\n") == EX2
    assert vq.compact("a b") == "a b"
    assert not vq.is_valid(EX1[:20] + " " + EX1[20:])


# --- properties ---------------------------------------------------------------------------

BINS = st.sampled_from(sorted(vq.BANKS))
ACCOUNTS = st.text(alphabet=string.digits, min_size=6, max_size=19)
AMOUNTS = st.none() | st.integers(min_value=1, max_value=vq.MAX_AMOUNT)
ASCII_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126),
                     min_size=1, max_size=25)


@st.composite
def payments(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    kwargs: dict[str, object] = {
        "bin": draw(BINS), "account": draw(ACCOUNTS),
        "service": draw(st.sampled_from(vq.TRANSFER_SERVICES)), "amount": draw(AMOUNTS),
        "purpose": draw(st.none() | ASCII_TEXT), "bill_number": draw(st.none() | ASCII_TEXT),
    }
    return vq.build(**kwargs), kwargs  # type: ignore[arg-type]


@given(payments())
def test_build_parse_round_trip(built: tuple[str, dict[str, object]]) -> None:
    payload, kwargs = built
    p = vq.parse(payload)
    assert p.payload == payload and p.is_vietqr
    assert (p.bin, p.account, p.service, p.amount, p.purpose, p.bill_number) == (
        kwargs["bin"], kwargs["account"], kwargs["service"], kwargs["amount"],
        kwargs["purpose"], kwargs["bill_number"])
    assert p.initiation == ("static" if kwargs["amount"] is None else "dynamic")
    assert p.bank_name == vq.BANKS[str(kwargs["bin"])]
    assert p.crc == p.crc.upper() == vq.crc16(payload[:-4].encode())
    assert vq.build(**kwargs) == payload  # type: ignore[arg-type]


def _only_case_of_crc(payload: str, index: int, char: str) -> bool:
    """The one accepted single-character change: lower-casing a hex letter of the CRC."""
    return index >= len(payload) - 4 and char.upper() == payload[index] and char != payload[index]


@given(payments(), st.data())
def test_any_single_ascii_substitution_is_rejected(
    built: tuple[str, dict[str, object]], data: st.DataObject
) -> None:
    # CRC-16 with x^16+x^12+x^5+1 catches every error burst of up to 16 bits, so any one
    # changed ASCII byte; a non-ASCII replacement changes the UTF-8 length and is caught
    # only with probability 1 - 2**-16, so it is not asserted here.
    payload = built[0]
    index = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    char = data.draw(st.characters(max_codepoint=127).filter(lambda c: c != payload[index]))
    changed = payload[:index] + char + payload[index + 1:]
    assert vq.is_valid(changed) is _only_case_of_crc(payload, index, char)


@pytest.mark.parametrize("payload", [EX1, EX5], ids=["ex1", "ex5"])
def test_every_single_ascii_substitution_of_an_example_is_rejected(payload: str) -> None:
    for index, old in enumerate(payload):
        for char in map(chr, range(128)):
            if char == old:
                continue
            changed = payload[:index] + char + payload[index + 1:]
            assert vq.is_valid(changed) is _only_case_of_crc(payload, index, char), (index, char)


@given(payments(), st.data())
def test_a_truncated_payload_is_always_rejected(
    built: tuple[str, dict[str, object]], data: st.DataObject
) -> None:
    payload = built[0]
    cut = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    assert not vq.is_valid(payload[:cut])


@pytest.mark.parametrize("payload", [EX1, EX2, EX3, EX4_VNPAY, EX5],
                         ids=["ex1", "ex2", "ex3", "ex4-vnpay", "ex5"])
def test_every_prefix_of_an_example_is_rejected(payload: str) -> None:
    assert not any(vq.is_valid(payload[:cut]) for cut in range(len(payload)))
