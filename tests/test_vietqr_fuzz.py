"""Fuzzing ``vietqr.parse``: any text gives a Payment or a typed refusal, never a crash.

Ten thousand cases from a seeded ``random.Random`` (so a failure is reproducible: the
failing case's index and text are in the message): random bytes; valid payloads from
``vietqr.build``; the same with fields dropped, repeated, re-tagged or given edge-case values
(lengths and CRC kept right, so that the checks after the CRC run); and valid payloads
mutated byte by byte (random insertions, deletions and substitutions), half of them with
their CRC recomputed. Hypothesis adds smaller properties over ``st.binary()`` and over
mutation seeds. Bytes become text as a scanner would give it: UTF-8 with replacement
characters, or Latin-1 (every byte one character).
"""

from __future__ import annotations

import random
import string
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bakhong.simulators import vietqr

CASES = 10_000
SANDBOX_BINS = ("999901", "999902", "999903")
ASCII_TEXT = string.ascii_letters + string.digits + " .,-/:"
# the bytes a mutation inserts: mostly what payloads are made of, some control and high bytes
ALPHABET = (string.digits * 4 + string.ascii_uppercase + " ").encode() + bytes(range(256))


def valid_payload(rng: random.Random) -> str:
    """A payload vietqr.build makes, every optional field drawn at random."""
    def text(limit: int) -> str | None:
        if rng.random() < 0.5:
            return None
        return "".join(rng.choices(ASCII_TEXT, k=rng.randint(1, limit))).strip() or "A"

    return vietqr.build(
        bin=rng.choice([*vietqr.BANKS, *SANDBOX_BINS]),
        account="".join(rng.choices(string.ascii_uppercase + string.digits * 3,
                                    k=rng.randint(1, 19))),
        service=rng.choice(vietqr.TRANSFER_SERVICES),
        amount=rng.choice([None, rng.randint(1, vietqr.MAX_AMOUNT), rng.randint(1, 500) * 1000]),
        purpose=text(25), merchant_name=text(25), city=text(15), bill_number=text(25),
        mcc=rng.choice([None, "5411", "5812", "0000"]))


def mutate(rng: random.Random, data: bytes) -> bytes:
    """1-6 random insertions, deletions or substitutions of bytes or short runs."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        where = rng.randint(0, len(out))
        kind = rng.random()
        if kind < 0.35:
            out[where:where] = bytes(rng.choices(ALPHABET, k=rng.randint(1, 4)))
        elif kind < 0.7 and out:
            del out[where:where + rng.randint(1, 4)]
        elif out:
            where = min(where, len(out) - 1)
            out[where] = rng.choice(ALPHABET)
    return bytes(out)


def as_text(rng: random.Random, data: bytes) -> str:
    return data.decode("latin-1") if rng.random() < 0.5 else data.decode("utf-8", "replace")


def reseal(text: str) -> str:
    """Replace the last four characters by the CRC of the rest (past the CRC check)."""
    if len(text) < 4:
        return text
    return text[:-4] + vietqr.crc16(text[:-4].encode("utf-8"))


# values a field-level mutation writes: edge cases of the checks after the CRC
VALUES = ("", "0", "00", "01", "11", "12", "13", "704", "840", "VN", "US", "1", "499999999",
          "500000000", "1.5", "-1", "9" * 13, "9" * 14, vietqr.NAPAS_GUID, "A000000775",
          "QRIBFTTA", "QRPUSH", "QRCASH", "XXXX", "5411", "970416", "0006970416", "é",
          "0108HOA DON", "0811Chuyen tien", "0000", "2" * 99)


def tlv_text(fields: list[tuple[str, str]]) -> str:
    return "".join(f"{tag}{len(value):02d}{value}" for tag, value in fields)


def restructure(rng: random.Random, payload: str) -> str:
    """Field-level mutations with the lengths kept right and the CRC resealed.

    Fields are dropped, repeated, re-tagged or given edge-case values, at the top level or
    inside a template (38, 38/01, 62), so that parse gets past the structure and the CRC to
    the meaning of the fields.
    """
    def change(fields: list[tuple[str, str]], depth: int) -> list[tuple[str, str]]:
        fields = list(fields)
        for _ in range(rng.randint(1, 3)):
            if not fields:
                break
            at = rng.randrange(len(fields))
            tag, value = fields[at]
            inner = pairs(value) if depth < 2 else None
            kind = rng.random()
            if kind < 0.15:
                del fields[at]
            elif kind < 0.25:
                fields.insert(rng.randint(0, len(fields)), (tag, value))
            elif kind < 0.4:
                fields[at] = (f"{rng.randrange(100):02d}", value)
            elif kind < 0.6 and inner:
                fields[at] = (tag, tlv_text(change(inner, depth + 1)))
            else:
                fields[at] = (tag, rng.choice(VALUES))
        return fields

    top = pairs(payload[:-8])  # without the CRC field, sealed again below
    assert top is not None
    return vietqr.with_crc(tlv_text(change(top, 0)))


def pairs(text: str) -> list[tuple[str, str]] | None:
    """The ``tag length value`` fields of ``text``, or None when it does not split into them."""
    found, pos = [], 0
    while pos < len(text):
        head = text[pos:pos + 4]
        if len(head) < 4 or not head.isascii() or not head.isdigit():
            return None
        end = pos + 4 + int(head[2:])
        if end > len(text):
            return None
        found.append((head[:2], text[pos + 4:end]))
        pos = end
    return found or None


def fuzz_case(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:  # noise
        return as_text(rng, rng.randbytes(rng.randint(0, 300)))
    if kind < 0.25:  # noise behind a good start
        return "000201" + as_text(rng, rng.randbytes(rng.randint(0, 200)))
    if kind < 0.35:  # valid as made
        return valid_payload(rng)
    if kind < 0.65:  # fields changed, lengths and CRC right
        return restructure(rng, valid_payload(rng))
    mutated = as_text(rng, mutate(rng, valid_payload(rng).encode()))
    return reseal(mutated) if rng.random() < 0.5 else mutated


def check(payload: str) -> str:
    """Parse: a valid Payment that re-validates, or a typed refusal. Returns what happened."""
    try:
        payment = vietqr.parse(payload)
    except vietqr.InvalidPayload as err:
        assert err.code.startswith("vietqr.") and str(err) == err.message
        assert vietqr.is_valid(payload) is False
        return type(err).__name__
    assert vietqr.parse(payment.payload) == payment
    assert vietqr.validate(payload) == payment.payload
    assert vietqr.is_valid(payload) is True
    return "valid"


def test_ten_thousand_fuzzed_payloads_give_only_typed_errors() -> None:
    rng = random.Random(20261128)
    outcomes: Counter[str] = Counter()
    for index in range(CASES):
        payload = fuzz_case(rng)
        try:
            outcomes[check(payload)] += 1
        except Exception as exc:  # anything else is a bug in the parser
            raise AssertionError(f"case {index}: {payload!r} raised {exc!r}") from exc
    assert sum(outcomes.values()) == CASES
    # the fuzzing reaches deep: valid codes, and refusals from every stage of parse
    assert outcomes["valid"] > 100, outcomes
    for stage in ("BadFormatIndicator", "BadLength", "UnknownTag", "DuplicateTag", "BadCrc",
                  "TrailingData", "MissingField", "BadInitiation",
                  "BadField", "BadAmount", "AmountOutOfRange", "StaticWithAmount",
                  "DynamicWithoutAmount", "WrongCurrency", "WrongCountry"):
        assert outcomes[stage] > 0, (stage, outcomes)


def test_generated_valid_payloads_parse_and_revalidate() -> None:
    rng = random.Random("valid")
    for _ in range(2_000):
        payload = valid_payload(rng)
        assert vietqr.is_valid(payload) is True
        payment = vietqr.parse(payload)
        assert vietqr.parse(payment.payload) == payment
        assert payment.payload == payload and payment.is_vietqr
        assert vietqr.with_crc(payload[:-8]) == payload


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400), st.booleans(), st.booleans())
def test_any_bytes_give_a_payment_or_a_typed_error(data: bytes, latin1: bool,
                                                   prefixed: bool) -> None:
    text = data.decode("latin-1") if latin1 else data.decode("utf-8", "replace")
    check(("000201" if prefixed else "") + text)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.booleans())
def test_mutated_valid_payloads_give_a_payment_or_a_typed_error(seed: int,
                                                                sealed: bool) -> None:
    rng = random.Random(seed)
    text = as_text(rng, mutate(rng, valid_payload(rng).encode()))
    check(reseal(text) if sealed else text)


def test_lone_surrogate_is_a_typed_error() -> None:
    """A lone surrogate (``json.loads('"\\ud800"')``, e.g. a crafted widget message)."""
    payload = vietqr.build(bin="999901", account="8801234567")
    bad = payload[:-8] + "5901\ud800" + payload[-8:]  # well-formed fields, then the CRC
    with pytest.raises(vietqr.InvalidPayload):
        vietqr.parse(bad)
