"""The sandbox's values as JSON, and back: what crosses between the sandbox service and a
learner's kernel (:mod:`bakhong.sandbox_service`, :mod:`bakhong.sandbox_client`).

A value is encoded as plain JSON where JSON has it (text, numbers, booleans, null, lists,
objects with text keys); everything else is an object with one ``$`` key naming its type:

* ``{"$": "tuple", "v": [...]}``, ``{"$": "set", "v": [...]}``, ``{"$": "bytes", "v": BASE64}``,
  ``{"$": "datetime", "v": ISO}``, ``{"$": "date", "v": ISO}``, ``{"$": "map", "v": [[k, v], …]}``
  (a mapping whose keys are not all text);
* ``{"$": "bakhong.simulators.vneid.Step", "v": "otp"}``: a member of an enum;
* ``{"$": "bakhong.simulators.vneid.Status", "v": {field: value, …}}``: a dataclass;
* ``{"$!": "bakhong.simulators.vneid.WrongOtp", …}``: a refusal (:func:`encode_error`).

Only types defined in ``bakhong.simulators`` are rebuilt, and only enums, dataclasses and
:class:`~.errors.SandboxError` subclasses among them: a name from anywhere else is refused
(:class:`BadMessage`), so a message can never make the reader import or call anything else.
This module imports the standard library only.

>>> import json
>>> from datetime import datetime
>>> from bakhong.simulators.clock import VN_TZ
>>> value = {"at": datetime(2026, 12, 1, 9, tzinfo=VN_TZ), "pair": (1, b"\\x00"), 3: None}
>>> decode(json.loads(json.dumps(encode(value)))) == value
True
>>> try:
...     decode({"$": "os.system", "v": "ls"})
... except BadMessage as refused:
...     print("refused:", refused)
refused: os.system
>>> from bakhong.simulators.vneid import WrongOtp
>>> again = decode_error(json.loads(json.dumps(encode_error(WrongOtp("x", tries=2)))))
>>> type(again).__name__, again.code, again.params
('WrongOtp', 'vneid.otp_wrong', {'tries': 2})
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import importlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

__all__ = ["POLLS", "READINGS", "BadMessage", "decode", "decode_error", "encode", "encode_error"]

#: What a screen reads after each action (no arguments, no change): the sandbox service
#: answers an action with those of them the app has (``LearnerDesk.readings``), so a tap
#: is one round trip.
READINGS = ("status", "inbox")
#: The page's own small readings (its 2 s poller, the time): no action, so nothing is read
#: after them.
POLLS = ("newest_sms", "updates", "now")
#: The package whose enums, dataclasses and errors may be rebuilt from a message.
TRUSTED = "bakhong.simulators."


class BadMessage(ValueError):
    """A message that does not follow this module's rules (a bug or a forgery)."""


def _name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data (see the module's notes)."""
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, enum.Enum):
            return {"$": _name(type(value)), "v": encode(value.value)}
        return value
    if isinstance(value, enum.Enum):
        return {"$": _name(type(value)), "v": encode(value.value)}
    if isinstance(value, datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$": "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$": _name(type(value)),
                "v": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)
                      if f.init}}
    if isinstance(value, Mapping):
        if all(isinstance(key, str) for key in value):
            return {key: encode(item) for key, item in value.items()}
        return {"$": "map", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [encode(item) for item in value]}
    if isinstance(value, set | frozenset):
        return {"$": "set", "v": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    raise TypeError(f"cannot send a {type(value).__name__}")


def _trusted_type(name: str) -> type:
    if not name.startswith(TRUSTED):
        raise BadMessage(name)
    module_name, _, qualname = name.rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), qualname)
    except (ImportError, AttributeError, ValueError) as err:
        raise BadMessage(name) from err
    if not isinstance(found, type):
        raise BadMessage(name)
    return found


def decode(data: Any) -> Any:
    """The values :func:`encode` made; :class:`BadMessage` for anything else."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        raise BadMessage(type(data).__name__)
    kind = data.get("$")
    if kind is None:
        return {key: decode(item) for key, item in data.items()}
    if not isinstance(kind, str) or set(data) != {"$", "v"}:
        raise BadMessage(str(kind))
    raw = data["v"]
    try:
        if kind == "tuple":
            return tuple(decode(item) for item in raw)
        if kind == "set":
            return frozenset(decode(item) for item in raw)
        if kind == "bytes":
            return base64.b64decode(raw, validate=True)
        if kind == "datetime":
            return datetime.fromisoformat(raw)
        if kind == "date":
            return date.fromisoformat(raw)
        if kind == "map":
            return {decode(key): decode(value) for key, value in raw}
    except (TypeError, ValueError) as err:
        raise BadMessage(kind) from err
    found = _trusted_type(kind)
    if issubclass(found, enum.Enum):
        try:
            return found(decode(raw))
        except ValueError as err:
            raise BadMessage(kind) from err
    if dataclasses.is_dataclass(found) and isinstance(raw, dict):
        try:
            return found(**{key: decode(value) for key, value in raw.items()})
        except TypeError as err:
            raise BadMessage(kind) from err
    raise BadMessage(kind)


def encode_error(error: BaseException) -> dict[str, Any]:
    """A refusal as data: its type, its stable code, and what it holds (its detail, the
    values of its message and any other attribute its type gave it)."""
    from .errors import SandboxError

    if not isinstance(error, SandboxError):
        raise TypeError(f"not a refusal: {type(error).__name__}")
    return {"$!": _name(type(error)), "code": error.code, "args": encode(list(error.args)),
            "state": encode(dict(vars(error)))}


def decode_error(data: Mapping[str, Any]) -> Exception:
    """The refusal :func:`encode_error` sent, rebuilt as its own type (raise it)."""
    from .errors import SandboxError

    found = _trusted_type(str(data.get("$!")))
    if not issubclass(found, SandboxError):
        raise BadMessage(str(data.get("$!")))
    state = decode(data.get("state") or {})
    if not isinstance(state, dict):
        raise BadMessage(str(data.get("$!")))
    error = found.__new__(found)
    Exception.__init__(error, *decode(data.get("args") or []))
    error.__dict__.update(state)
    return error
