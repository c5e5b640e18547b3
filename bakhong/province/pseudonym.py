"""Keyed pseudonyms: the same resident in two workshops, recognised without a name.

A resident leaves a laptop as two pseudonyms, HMAC-SHA256 under the **province's pseudonym
key**, cut to 128 bits:

* ``id``: of the learner id (a shared ``Mã học viên`` links two enrolments);
* ``who``: of the name, province and commune as :func:`bakhong.grading.report_model.text_key`
  compares them (NFC, case-folded, spaces collapsed).

These are the two keys ``bakhong report`` matches enrolments on (:mod:`bakhong.grading.
report`); the birth year, which that rule also compares, travels in the clear. The
province applies the same rule to the pseudonyms, so it counts a resident once exactly
where the report does.

**Who holds the key.** The province's coordinator makes it once (``bakhong province
pseudonym-key``) on a machine that is not the provincial server, and hands it to each
trainer with the workshop's registration; every laptop of the province holds the same key
(``$BAKHONG_HOME/keys/<workshop>-pseudonym.key``). The provincial server never receives it:
a package carries only the key's identifier (:func:`key_id`, an HMAC of a fixed text, which
reveals nothing about the key), so the server can refuse a package made with another key
but cannot compute a pseudonym from a list of names and birth years, and neither can
anyone who copies its database. A trainer's laptop can, for the names it already holds.
Changing the key splits every resident in two; there is no rotation.

>>> key = bytes(range(32))
>>> a = pseudonym(key, WHO, who_text("Lê Thị  Hoa", "Thanh Hóa", "Xã Thọ Long"))
>>> b = pseudonym(key, WHO, who_text("LÊ THỊ HOA", "thanh hóa", "xã thọ long"))
>>> a == b, len(a)
(True, 16)
>>> pseudonym(key, ID, "hv001") == pseudonym(bytes(32), ID, "hv001")
False
>>> key_id(key)
'6411cb87cb5a2a9e'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bakhong.grading.report_model import text_key
from bakhong.simulators.errors import N_, SandboxError

__all__ = ["ID", "KEY_BYTES", "WHO", "BadPseudonymKey", "key_id", "new_key", "pseudonym",
           "read_key", "who_text", "write_key"]

KEY_BYTES = 32
ID, WHO = "id", "who"
_KEY_ID_TEXT = b"bakhong province pseudonym key id v1"


class BadPseudonymKey(SandboxError):
    code = "province.bad_pseudonym_key"
    message = N_("Tệp khóa bí danh của tỉnh không đọc được: {why}.")


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def key_id(key: bytes) -> str:
    """The key's public identifier: 16 hex digits that reveal nothing about it."""
    return hmac.new(key, _KEY_ID_TEXT, hashlib.sha256).hexdigest()[:16]


def who_text(full_name: str, province: str, commune: str) -> str:
    """What the ``who`` pseudonym covers: the report's matching key, joined."""
    return "\x1f".join((text_key(full_name), text_key(province), text_key(commune)))


def pseudonym(key: bytes, kind: str, text: str) -> bytes:
    """The 16-byte pseudonym of ``text`` under ``key``; ``kind`` keeps the two apart."""
    message = kind.encode("ascii") + b"\x00" + text.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).digest()[:16]


def write_key(path: Path, key: bytes) -> None:
    """Write the key as hex, readable by its owner only; an existing file is kept."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex() + "\n")


def read_key(path: Path) -> bytes:
    try:
        key = bytes.fromhex(Path(path).read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise BadPseudonymKey(str(path), why=type(err).__name__) from err
    if len(key) != KEY_BYTES:
        raise BadPseudonymKey(str(path), why=f"{len(key)} bytes, not {KEY_BYTES}")
    return key
