"""The trainer's side of a workshop: the dashboard password, and resetting a learner's attempt.

**The password** is kept hashed (scrypt, a random 16-byte salt, N=2¹⁴, r=8, p=1) in
``$BAKHONG_HOME/keys/<workshop id>-trainer``, mode 0600, beside the evidence key and, like
it, outside the course folder: nothing Voila or nbgrader publishes can hold it. The text is
compared in Unicode NFC, so «mật khẩu» typed on a keyboard that composes accents and on one
that does not is the same password. The file is replaced atomically.

**Resetting an attempt** (the dashboard's «Đặt lại bài học») is
:func:`bakhong.simulators.attempts.reset_attempt`, re-exported here: the store's tables
stay inside ``simulators/``.

>>> check_password("no-such-workshop", "anything")
False
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import unicodedata
from pathlib import Path

from bakhong.simulators.attempts import Reset, UnknownLesson, reset_attempt
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.evidence import since_last_reset

from . import keys

__all__ = [
    "MIN_LENGTH",
    "PasswordTooShort",
    "Reset",
    "UnknownLesson",
    "check_password",
    "has_password",
    "password_path",
    "reset_attempt",
    "set_password",
    "since_last_reset",
]

log = logging.getLogger(__name__)

MIN_LENGTH = 8
MAX_LENGTH = 256  # longer is refused unhashed: a login form must not make the laptop work
_SCHEME = "scrypt"
_N, _R, _P = 2**14, 8, 1  # 16 MiB and about 50 ms per check
_MAX_MEMORY = 64 * 1024 * 1024  # a file asking for more is refused, not computed
_SALT_BYTES = 16
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class PasswordTooShort(SandboxError):
    code = "trainer.password_short"
    message = N_("Mật khẩu người hướng dẫn phải có ít nhất {length} ký tự.")


def password_path(workshop_id: str) -> Path:
    """``$BAKHONG_HOME/keys/<workshop id>-trainer``; ``ValueError`` for an unsafe id."""
    if not _SAFE_ID.fullmatch(workshop_id):
        raise ValueError(f"workshop id {workshop_id!r} is not a plain name")
    return keys.home() / "keys" / f"{workshop_id}-trainer"


def _normal(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(_normal(password), salt=salt, n=n, r=r, p=p,
                          maxmem=_MAX_MEMORY + 1024 * 1024, dklen=32)


def set_password(workshop_id: str, password: str) -> Path:
    """Store the trainer password of a workshop (hashed, mode 0600); returns the file."""
    if len(unicodedata.normalize("NFC", password)) < MIN_LENGTH:
        raise PasswordTooShort(length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise ValueError(f"a trainer password has at most {MAX_LENGTH} characters")
    path = password_path(workshop_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    salt = secrets.token_bytes(_SALT_BYTES)
    line = f"{_SCHEME}${_N}${_R}${_P}${salt.hex()}${_hash(password, salt, _N, _R, _P).hex()}\n"
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def has_password(workshop_id: str) -> bool:
    try:
        return password_path(workshop_id).is_file()
    except ValueError:
        return False


def check_password(workshop_id: str, password: str) -> bool:
    """Whether ``password`` is the workshop's trainer password; ``False`` when none is set
    (or the file is unreadable: it is logged, never shown)."""
    if not password or len(password) > MAX_LENGTH:
        return False
    try:
        text = password_path(workshop_id).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    try:
        scheme, n, r, p, salt, digest = text.split("$")
        cost = int(n), int(r), int(p)
        if scheme != _SCHEME or min(cost) < 1 or 128 * cost[0] * cost[1] * cost[2] > _MAX_MEMORY:
            raise ValueError(f"unsupported {scheme} {cost}")
        expected = bytes.fromhex(digest)
        found = _hash(password, bytes.fromhex(salt), *cost)
    except ValueError as err:
        log.error("trainer password file of %s is malformed: %s", workshop_id, err)
        return False
    return hmac.compare_digest(found, expected)
