"""The trainer's side of a workshop: the dashboard password, and resetting a learner's attempt.

**The password** is kept hashed (scrypt, a random 16-byte salt, N=2¹⁴, r=8, p=1) in
``$BAKHONG_HOME/keys/<workshop id>-trainer``, mode 0600, beside the evidence key and, like
it, outside the course folder: nothing Voila or nbgrader publishes can hold it. The text is
compared in Unicode NFC, so «mật khẩu» typed on a keyboard that composes accents and on one
that does not is the same password. The file is replaced atomically.

**Resetting an attempt** (:func:`reset_attempt`, the dashboard's «Đặt lại bài học») lets a
learner start a lesson over:

* *cleared*: the learner's flow state of the lesson's app(s) (:data:`~bakhong.grading.
  progress.LESSON_FLOWS`), so the app opens at its first screen with a fresh scenario; for
  the signing lesson, the learner's active certificate is also retired
  (``credentials.revoked_at``), since the app refuses a second enrolment while one is
  active. It is not put on the sandbox CRL: a PDF signed before the reset still verifies;
* *kept*, as the history of what happened: every evidence event, the SMS inbox, bank
  accounts and payments, dossiers filed on the portal and their documents, certificates,
  the grading queue and the gradebook (the old score stands until the next submission is
  graded), and the trainer's fault switches. Resetting the VNeID lesson clears the VNeID
  account itself, so the portal and signing lessons, which log in with it, wait until it is
  activated again;
* *recorded*: a marker event (task :data:`~bakhong.simulators.evidence.RESET`) in the
  lesson's evidence. :func:`bakhong.simulators.evidence.export` keeps only the events
  after the lesson's last marker (:func:`since_last_reset`), so the next «Nộp bài» or
  «Chấm lại» is judged on the new attempt alone, and the dashboard stops counting the old
  attempt's refusals. The marker is the trainer's act, not the learner's, and carries no
  data about the learner. A submission still queued when the reset happens is graded on
  the evidence after the reset.

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
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bakhong.simulators import learnerid, learners
from bakhong.simulators.clock import Clock
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.evidence import OK, RESET, since_last_reset
from bakhong.simulators.store import Store, credentials, dumps, events, flow_states

from . import keys
from .progress import LESSON_FLOWS

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


class UnknownLesson(SandboxError):
    code = "trainer.unknown_lesson"
    message = N_("Không có bài học này trong khóa học.")


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


@dataclass(frozen=True)
class Reset:
    """What :func:`reset_attempt` did."""

    learner_id: str
    lesson: str
    flows: tuple[str, ...]  # the flow states that existed and were cleared
    certificates: int  # certificates retired (signing lesson)
    marked: bool  # whether a marker event was recorded (the lesson had evidence)


def reset_attempt(store: Store, clock: Clock, learner_id: str, lesson: str) -> Reset:
    """Let the learner start ``lesson`` over (see the module's docstring), in one transaction."""
    if lesson not in LESSON_FLOWS:
        raise UnknownLesson(lesson)
    learner_id = learnerid.validate(learner_id)  # InvalidLearnerId: a page's value is untrusted
    learners.by_id(store, learner_id)  # UnknownLearner
    flows = LESSON_FLOWS[lesson]
    now = clock.now().isoformat()
    with store.transaction() as conn:
        mine = (flow_states.c.learner_id == learner_id) & flow_states.c.flow.in_(flows)
        cleared = tuple(sorted(r[0] for r in conn.execute(
            sa.select(flow_states.c.flow).where(mine))))
        conn.execute(sa.delete(flow_states).where(mine))
        retired = 0
        if lesson == "signing":
            retired = conn.execute(credentials.update().where(
                (credentials.c.learner_id == learner_id) & credentials.c.revoked_at.is_(None))
                .values(revoked_at=now)).rowcount or 0
        has_evidence = conn.execute(sa.select(events.c.seq).where(
            (events.c.learner_id == learner_id) & (events.c.lesson == lesson)).limit(1)).first()
        if has_evidence is not None:
            conn.execute(events.insert().values(
                learner_id=learner_id, lesson=lesson, task=RESET, outcome=OK, at=now,
                detail=dumps({"by": "trainer", "flows": list(cleared)})))
    log.info("reset %s/%s: flows %s, %d certificate(s) retired", learner_id, lesson,
             cleared, retired)
    return Reset(learner_id, lesson, cleared, int(retired), has_evidence is not None)
