"""The results package a workshop sends the province: built and signed, or opened and checked.

One package is one file (UTF-8 JSON), the same online (the body of a POST) and offline (a
file on a USB stick)::

    {"bakhong": "province-package", "version": 1,
     "header": {"workshop": ID, "seq": N, "created_at": ISO, "payload_sha256": HEX,
                "payload_bytes": N, "pseudonym_key": KEY_ID, "signing_key": FINGERPRINT},
     "payload": BASE64(GZIP(JSON)),
     "signature": BASE64(Ed25519 over b"bakhong-province-package-v1\\n" + canonical header)}

The signature covers the header, and the header the payload's SHA-256 and length, so one
changed byte anywhere is refused. A package cut short is refused whole, whichever layer
notices first: the JSON ends early, the payload is shorter than ``payload_bytes``, or gzip's
own length and CRC do not match. Building (:func:`seal`) is kept apart from checking
(:func:`open_envelope`, :func:`verify`, :func:`read_payload`), which never trust the file.

**The payload** (:class:`Payload`) holds, and the checks refuse anything more:

* the workshop's identity and label, the package number ``seq`` and the time it was made;
* the province (code and name), the post-2025 communes met (code → name, list
  :data:`COMMUNE_LIST`), and the course's pass mark, core lessons and lessons;
* per resident (:class:`ResidentRecord`): the two keyed pseudonyms
  (:mod:`.pseudonym`), the commune code, birth year, sex, each passed lesson with the moment
  it was first passed, when the resident became trained, and the optional survey answers;
* per lesson step (:class:`StepCount`): how many residents were refused there, and how
  many opened (or were offered) its hint.

No name, learner id, learner code, card, ID or phone number is in it.

>>> from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
>>> key = Ed25519PrivateKey.from_private_bytes(bytes(32))
>>> data = seal(example_payload(), key, "0" * 16)
>>> envelope = open_envelope(data)
>>> verify(envelope, public_bytes(key))
>>> read_payload(envelope).residents[0].commune
'15505'
>>> open_envelope(data[:-40])
Traceback (most recent call last):
...
bakhong.province.verdicts.Refused: Gói bị cắt ngắn (không trọn vẹn): ...
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .verdicts import Refused

__all__ = ["COMMUNE_LIST", "FORMAT", "MAX_BYTES", "VERSION", "Envelope", "Payload",
           "ResidentRecord", "StepCount", "canonical", "fingerprint", "open_envelope",
           "public_bytes", "read_payload", "seal", "verify"]

FORMAT, VERSION = "province-package", 1
#: The administrative list the commune codes belong to (codes are reused between lists).
COMMUNE_LIST = "2025-07-01"
#: The largest package accepted: a workshop of 200 is about 15 kB; 2,000 with long
#: histories stay far under this.
MAX_BYTES = 16 << 20
_CONTEXT = b"bakhong-province-package-v1\n"
_HEADER = {"workshop": str, "seq": int, "created_at": str, "payload_sha256": str,
           "payload_bytes": int, "pseudonym_key": str, "signing_key": str}
SURVEY = ("smartphone", "bank_account", "eid_account", "digital_signature",
          "digital_platforms")
SEXES = ("nam", "nữ")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE = re.compile(r"^[0-9]{1,8}$")
_HEX16 = re.compile(r"^[0-9a-f]{32}$")
_MAX_TEXT = 200


@dataclass(frozen=True)
class ResidentRecord:
    """One enrolled resident, as the province may know them."""

    id: bytes  # pseudonym of the learner id
    who: bytes  # pseudonym of name, province and commune
    commune: str  # post-2025 code
    birth_year: int | None = None
    sex: str | None = None
    passed: Mapping[str, datetime] = field(default_factory=lambda: MappingProxyType({}))
    trained_at: datetime | None = None
    survey: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class StepCount:
    """Residents of the workshop refused at a step, and those who opened its hint."""

    lesson: str
    step: str
    refused: int
    hinted: int


@dataclass(frozen=True)
class Payload:
    workshop: str
    seq: int
    created_at: datetime
    label: str
    province_code: str
    province: str
    communes: Mapping[str, str]
    pass_mark: float
    core_lessons: tuple[str, ...]
    lessons: tuple[str, ...]
    residents: tuple[ResidentRecord, ...]
    steps: tuple[StepCount, ...]


@dataclass(frozen=True)
class Envelope:
    """A package's outer layer, parsed but not yet trusted."""

    header: Mapping[str, Any]
    payload: str  # base64 text
    signature: bytes
    digest: bytes  # SHA-256 of the whole file: the same package sent twice is recognised
    size: int

    @property
    def workshop(self) -> str:
        return str(self.header["workshop"])

    @property
    def seq(self) -> int:
        return int(self.header["seq"])


def canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def fingerprint(public: bytes) -> str:
    """A signing key's short fingerprint (SHA-256 of the raw public key, 16 hex digits)."""
    return hashlib.sha256(public).hexdigest()[:16]


# ----------------------------------------------------------------------------- building


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("moments in a package carry their time zone")
    return moment.isoformat()


def _resident_json(item: ResidentRecord) -> dict[str, Any]:
    return {"id": item.id.hex(), "who": item.who.hex(), "commune": item.commune,
            "birth_year": item.birth_year, "sex": item.sex,
            "passed": {lesson: _iso(at) for lesson, at in sorted(item.passed.items())},
            "trained_at": None if item.trained_at is None else _iso(item.trained_at),
            "survey": dict(sorted(item.survey.items()))}


def payload_json(payload: Payload) -> dict[str, Any]:
    return {
        "workshop": payload.workshop, "seq": payload.seq,
        "created_at": _iso(payload.created_at), "label": payload.label,
        "province": {"code": payload.province_code, "name": payload.province},
        "communes": dict(sorted(payload.communes.items())), "commune_list": COMMUNE_LIST,
        "course": {"pass_mark": payload.pass_mark, "core_lessons": list(payload.core_lessons),
                   "lessons": list(payload.lessons)},
        "residents": [_resident_json(item) for item in payload.residents],
        "steps": [[s.lesson, s.step, s.refused, s.hinted] for s in payload.steps],
    }


def seal(payload: Payload, key: Ed25519PrivateKey, pseudonym_key_id: str) -> bytes:
    """The package file of ``payload``, signed with the workshop's key."""
    packed = gzip.compress(canonical(payload_json(payload)), mtime=0)
    header = {"workshop": payload.workshop, "seq": payload.seq,
              "created_at": _iso(payload.created_at),
              "payload_sha256": hashlib.sha256(packed).hexdigest(),
              "payload_bytes": len(packed), "pseudonym_key": pseudonym_key_id,
              "signing_key": fingerprint(public_bytes(key))}
    signature = key.sign(_CONTEXT + canonical(header))
    envelope = {"bakhong": FORMAT, "version": VERSION, "header": header,
                "payload": base64.b64encode(packed).decode("ascii"),
                "signature": base64.b64encode(signature).decode("ascii")}
    return json.dumps(envelope, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


# ----------------------------------------------------------------------------- checking


def open_envelope(data: bytes) -> Envelope:
    """Parse the outer layer; raises :class:`Refused` (truncated, malformed, unsigned …)."""
    if len(data) > MAX_BYTES:
        raise Refused("too_large", size=len(data), limit=MAX_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("truncated" if _cut_character(data) else "malformed",
                      why="not UTF-8") from None
    try:
        found = json.loads(text)
    except json.JSONDecodeError as err:
        whole = text.rstrip()
        if not whole.endswith("}") or err.pos >= len(whole):  # the file ends early
            raise Refused("truncated") from None
        raise Refused("malformed", why=f"JSON, {err.msg}") from None
    if not isinstance(found, dict) or found.get("bakhong") != FORMAT:
        raise Refused("malformed", why="no bakhong header")
    if found.get("version") != VERSION:
        raise Refused("version", version=found.get("version"))
    header = found.get("header")
    if not isinstance(header, dict) or set(header) != set(_HEADER) or any(
            not isinstance(header[k], kind) or isinstance(header[k], bool)
            for k, kind in _HEADER.items()):
        raise Refused("malformed", why="header")
    signature = found.get("signature")
    if not signature:
        raise Refused("unsigned")
    payload = found.get("payload")
    if not isinstance(signature, str) or not isinstance(payload, str):
        raise Refused("malformed", why="payload or signature")
    try:
        raw_signature = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise Refused("malformed", why="signature") from None
    if set(found) != {"bakhong", "version", "header", "payload", "signature"}:
        raise Refused("malformed", why="unknown fields")
    return Envelope(MappingProxyType(header), payload, raw_signature,
                    hashlib.sha256(data).digest(), len(data))


def _cut_character(data: bytes) -> bool:
    """Whether the only bad UTF-8 is a character cut at the very end."""
    try:
        data[:-3].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def verify(envelope: Envelope, public: bytes) -> None:
    """Check the signature with the workshop's registered key; raises :class:`Refused`."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(
            envelope.signature, _CONTEXT + canonical(dict(envelope.header)))
    except (InvalidSignature, ValueError):
        raise Refused("bad_signature", workshop=envelope.workshop) from None


def read_payload(envelope: Envelope) -> Payload:
    """The checked payload of a verified envelope; raises :class:`Refused`."""
    header = envelope.header
    try:
        packed = base64.b64decode(envelope.payload, validate=True)
    except (binascii.Error, ValueError):
        raise Refused("truncated") from None
    if len(packed) < header["payload_bytes"]:
        raise Refused("truncated")
    if len(packed) != header["payload_bytes"] or \
            hashlib.sha256(packed).hexdigest() != header["payload_sha256"]:
        raise Refused("bad_signature", workshop=envelope.workshop)
    try:
        data = json.loads(gzip.decompress(packed).decode("utf-8"))
    except (EOFError, gzip.BadGzipFile, zlib.error):
        raise Refused("truncated") from None
    except (UnicodeDecodeError, json.JSONDecodeError, OSError) as err:
        raise Refused("malformed", why=type(err).__name__) from None
    payload = _payload(data)
    if payload.workshop != header["workshop"] or payload.seq != header["seq"]:
        raise Refused("content", field="workshop", why="header and payload disagree")
    return payload


class _Bad(Exception):
    def __init__(self, where: str, why: str) -> None:
        super().__init__(where)
        self.where, self.why = where, why


def _need(condition: bool, where: str, why: str) -> None:
    if not condition:
        raise _Bad(where, why)


def _keys(data: Any, where: str, keys: set[str]) -> dict[str, Any]:
    _need(isinstance(data, dict), where, "not an object")
    assert isinstance(data, dict)
    _need(set(data) == keys, where, f"fields {sorted(set(data) ^ keys)} unexpected or missing")
    return data


def _text(value: Any, where: str, pattern: re.Pattern[str] | None = None) -> str:
    _need(isinstance(value, str) and 0 < len(value) <= _MAX_TEXT, where, "not a short text")
    _need(pattern is None or bool(pattern.match(value)), where, "wrong form")
    return str(value)


def _int(value: Any, where: str, low: int, high: int) -> int:
    _need(isinstance(value, int) and not isinstance(value, bool) and low <= value <= high,
          where, f"not a whole number from {low} to {high}")
    return int(value)


def _moment(value: Any, where: str) -> datetime:
    _need(isinstance(value, str), where, "not a time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(where, "not a time") from None
    _need(moment.tzinfo is not None, where, "time without a time zone")
    return moment


def _resident(data: Any, where: str, communes: Mapping[str, str]) -> ResidentRecord:
    item = _keys(data, where, {"id", "who", "commune", "birth_year", "sex", "passed",
                               "trained_at", "survey"})
    commune = _text(item["commune"], f"{where}.commune", _CODE)
    _need(commune in communes, f"{where}.commune", "not in the package's communes")
    year = item["birth_year"]
    _need(item["sex"] in (None, *SEXES), f"{where}.sex", "neither nam nor nữ")
    passed = item["passed"]
    _need(isinstance(passed, dict), f"{where}.passed", "not an object")
    survey = item["survey"]
    _need(isinstance(survey, dict) and set(survey) <= set(SURVEY)
          and all(isinstance(v, bool) for v in survey.values()), f"{where}.survey",
          "unknown question or answer")
    return ResidentRecord(
        bytes.fromhex(_text(item["id"], f"{where}.id", _HEX16)),
        bytes.fromhex(_text(item["who"], f"{where}.who", _HEX16)), commune,
        None if year is None else _int(year, f"{where}.birth_year", 1890, 2100), item["sex"],
        MappingProxyType({_text(k, f"{where}.passed", _NAME): _moment(v, f"{where}.passed")
                          for k, v in passed.items()}),
        None if item["trained_at"] is None else _moment(item["trained_at"],
                                                        f"{where}.trained_at"),
        MappingProxyType(dict(survey)))


def _step(data: Any, where: str) -> StepCount:
    _need(isinstance(data, list) and len(data) == 4, where, "not [lesson, step, refused, hinted]")
    return StepCount(_text(data[0], where, _NAME), _text(data[1], where),
                     _int(data[2], where, 0, 10**6), _int(data[3], where, 0, 10**6))


def _payload(data: Any) -> Payload:
    try:
        top = _keys(data, "payload", {"workshop", "seq", "created_at", "label", "province",
                                      "communes", "commune_list", "course", "residents",
                                      "steps"})
        _need(top["commune_list"] == COMMUNE_LIST, "commune_list", f"not {COMMUNE_LIST}")
        province = _keys(top["province"], "province", {"code", "name"})
        communes = top["communes"]
        _need(isinstance(communes, dict), "communes", "not an object")
        named = {_text(k, "communes", _CODE): _text(v, f"communes.{k}")
                 for k, v in communes.items()}
        course = _keys(top["course"], "course", {"pass_mark", "core_lessons", "lessons"})
        mark = course["pass_mark"]
        _need(isinstance(mark, int | float) and not isinstance(mark, bool) and 0 <= mark <= 1,
              "course.pass_mark", "not between 0 and 1")
        lists = {}
        for name in ("core_lessons", "lessons"):
            _need(isinstance(course[name], list), f"course.{name}", "not a list")
            lists[name] = tuple(_text(v, f"course.{name}", _NAME) for v in course[name])
        residents, steps = top["residents"], top["steps"]
        _need(isinstance(residents, list), "residents", "not a list")
        _need(isinstance(steps, list), "steps", "not a list")
        return Payload(
            _text(top["workshop"], "workshop"), _int(top["seq"], "seq", 0, 2**62),
            _moment(top["created_at"], "created_at"), _text(top["label"], "label"),
            _text(province["code"], "province.code", _CODE),
            _text(province["name"], "province.name"), MappingProxyType(named), float(mark),
            lists["core_lessons"], lists["lessons"],
            tuple(_resident(r, f"residents[{i}]", named) for i, r in enumerate(residents)),
            tuple(_step(s, f"steps[{i}]") for i, s in enumerate(steps)))
    except _Bad as bad:
        raise Refused("content", field=bad.where, why=bad.why) from None


def example_payload() -> Payload:
    """A one-resident payload (doctests and tests)."""
    from bakhong.simulators.clock import VN_TZ

    at = datetime(2026, 12, 1, 9, tzinfo=VN_TZ)
    return Payload("w-example", 1, at, "lop-mau", "38", "Thanh Hóa",
                   MappingProxyType({"15505": "Xã Thọ Long"}), 0.8, ("vneid",), ("vneid",),
                   (ResidentRecord(b"\x01" * 16, b"\x02" * 16, "15505", 1970, "nữ",
                                   MappingProxyType({"vneid": at}), at,
                                   MappingProxyType({"smartphone": True})),),
                   (StepCount("vneid", "otp", 1, 1),))
