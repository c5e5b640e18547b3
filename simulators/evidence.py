"""Evidence: what a learner did, as the simulators saw it, and its signed export.

Simulators append one event per learner action (learner, lesson, task, outcome,
time), only after the learner's consent. A submission carries an *export* of one
learner's events for one lesson, authenticated with HMAC-SHA256 under a key
kept outside the course directory; the MAC covers the workshop, the learner and
the lesson, so an edited export, or one copied into another learner's
submission, fails :func:`verify_export`.

>>> key = b"k" * 32
>>> export = sign_export(key, {"workshop": "w1", "learner": "hv001", "lesson": "vneid",
...                            "exported_at": "2026-11-28T08:00:00+07:00", "events": []})
>>> verify_export(export, key, workshop="w1", learner="hv001", lesson="vneid").learner
'hv001'
>>> verify_export(export, key, workshop="w1", learner="hv002", lesson="vneid")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
bakhong.simulators.evidence.WrongOwner: Bằng chứng này thuộc về học viên khác, ...
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .clock import Clock
from .errors import N_, SandboxError
from .learners import require_consent
from .store import CHAIN_KEY, Store, dumps, events

OK = "ok"
#: The task of the marker a trainer's «Đặt lại bài học» records (``bakhong.grading.trainer``):
#: an export holds only the events after the lesson's last marker.
RESET = "trainer_reset"
#: The tasks of the help bar's events (``bakhong.widgets.appview``), each with the step in
#: ``detail``: the app offered the step's hint after two refused tries (the trainer's
#: dashboard flags the learner as stuck), the learner opened it, or had the instruction read.
HINT_OFFERED, HINT_OPENED, READ_ALOUD = "help_hint_offered", "help_hint_opened", "help_read_aloud"
HELP_TASKS = frozenset({HINT_OFFERED, HINT_OPENED, READ_ALOUD})


class InvalidEvidence(SandboxError):
    code = "evidence.invalid"
    message = N_("Tệp bằng chứng không hợp lệ hoặc đã bị sửa.")


class WrongOwner(InvalidEvidence):
    code = "evidence.wrong_owner"
    message = N_("Bằng chứng này thuộc về học viên khác, bài khác hoặc khóa học khác.")


@dataclass(frozen=True)
class Event:
    lesson: str
    task: str
    outcome: str
    at: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class EvidenceExport:
    workshop: str
    learner: str
    lesson: str
    exported_at: str
    events: tuple[Event, ...]

    def done(self, task: str) -> bool:
        """Whether ``task`` was completed at least once."""
        return any(e.task == task and e.outcome == OK for e in self.events)

    def outcomes(self, task: str) -> list[str]:
        return [e.outcome for e in self.events if e.task == task]


def record(
    conn: Connection, clock: Clock, learner_id: str, lesson: str, task: str,
    outcome: str = OK, **detail: Any,
) -> None:
    """Append one evidence event; refused before the learner consented.

    Written with the workshop's key at hand (the sandbox service, the trainer's commands:
    :attr:`.store.Store.chain_key`), the event is linked to the learner's previous one
    (:func:`link`), which no one without the key can forge.
    """
    require_consent(conn, learner_id)
    values = {"learner_id": learner_id, "lesson": lesson, "task": task, "outcome": outcome,
              "at": clock.now().isoformat(), "detail": dumps(detail)}
    key = conn.info.get(CHAIN_KEY)
    if key:
        previous = conn.execute(_PREVIOUS_LINK, {"learner_id": learner_id}).scalar()
        values["chain"] = link(key, previous, values)
    conn.execute(events.insert(), values)


#: The learner's newest link, read on every event: built once (see ``store._FLOW_STATE``).
_PREVIOUS_LINK = (sa.select(events.c.chain).where(events.c.learner_id == sa.bindparam("learner_id"))
                  .order_by(events.c.seq.desc()).limit(1))


#: The meta key holding the first event that must be linked: set when the sandbox service
#: first serves the workshop (before, kernels wrote without the key).
CHAIN_FROM = "evidence_chain_from_seq"


def link(key: bytes, previous: str | None, row: Mapping[str, Any]) -> str:
    """An event's link: HMAC-SHA256 (128 bits) of the previous link and the event.

    >>> row = {"learner_id": "hv001", "lesson": "vneid", "task": "register", "outcome": "ok",
    ...        "at": "2026-12-01T09:00:00+07:00", "detail": "{}"}
    >>> link(b"k" * 32, None, row) == link(b"k" * 32, "", row) != link(b"k" * 32, "x", row)
    True
    """
    body = json.dumps([previous or "", row["learner_id"], row["lesson"], row["task"],
                       row["outcome"], row["at"], row["detail"]], ensure_ascii=False)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]


def start_chain(store: Store) -> int:
    """From now on every event must be linked (the sandbox service calls this when it
    starts); the first such event's number."""
    found = store.get_meta(CHAIN_FROM)
    if found is not None:
        return int(found)
    newest = store.read(sa.select(sa.func.max(events.c.seq)))[0][0]
    first = int(newest or 0) + 1
    store.set_meta(CHAIN_FROM, str(first))
    return first


def unlinked(store: Store, key: bytes, learner_id: str | None = None) -> list[tuple[int, str, str]]:
    """(seq, learner, lesson) of every event whose link is wrong: inserted, edited or with a
    row before it deleted outside the sandbox. Events older than :func:`start_chain` need
    none; without it, nothing is checked."""
    first = store.get_meta(CHAIN_FROM)
    if first is None:
        return []
    query = sa.select(events.c.seq, events.c.learner_id, events.c.lesson, events.c.task,
                      events.c.outcome, events.c.at, events.c.detail, events.c.chain)
    if learner_id is not None:
        query = query.where(events.c.learner_id == learner_id)
    previous: dict[str, str | None] = {}
    bad = []
    for row in store.read(query.order_by(events.c.seq)):
        values = dict(row._mapping)
        if row.seq >= int(first) and row.chain != link(key, previous.get(row.learner_id),
                                                      values):
            bad.append((int(row.seq), str(row.learner_id), str(row.lesson)))
        previous[row.learner_id] = row.chain
    return bad


def learner_events(store: Store, learner_id: str, lesson: str | None = None, *,
                   leaving_out: Iterable[int] = ()) -> list[Event]:
    """The learner's events, oldest first; ``leaving_out``: event numbers not to count."""
    query = sa.select(events.c.seq, events.c.lesson, events.c.task, events.c.outcome,
                      events.c.at, events.c.detail).where(events.c.learner_id == learner_id)
    if lesson is not None:
        query = query.where(events.c.lesson == lesson)
    skip = set(leaving_out)
    rows = store.read(query.order_by(events.c.seq))
    return [Event(r.lesson, r.task, r.outcome, r.at, json.loads(r.detail)) for r in rows
            if r.seq not in skip]


def since_last_reset(found: list[Event]) -> list[Event]:
    """The events after the last reset marker (all of them if there is none).

    >>> e = [Event("vneid", t, OK, "", {}) for t in ("register", RESET, "activate")]
    >>> [x.task for x in since_last_reset(e)], [x.task for x in since_last_reset(e[:1])]
    (['activate'], ['register'])
    """
    marks = [i for i, e in enumerate(found) if e.task == RESET]
    return found[marks[-1] + 1:] if marks else found


def _mac(key: bytes, body: dict[str, Any]) -> str:
    return hmac.new(key, dumps(body).encode(), hashlib.sha256).hexdigest()


def sign_export(key: bytes, body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "mac": _mac(key, body)}


def export(
    store: Store, clock: Clock, key: bytes, *, workshop: str, learner_id: str, lesson: str,
) -> dict[str, Any]:
    """The signed export of one learner's events for one lesson, ready to write as JSON.

    Only the events after the lesson's last reset marker (:func:`since_last_reset`): a
    submission after «Đặt lại bài học» is judged on the new attempt alone. An event whose
    link is wrong (:func:`unlinked`: written outside the sandbox) is left out.
    """
    forged = [seq for seq, _learner, _lesson in unlinked(store, key, learner_id)]
    body = {
        "workshop": workshop, "learner": learner_id, "lesson": lesson,
        "exported_at": clock.now().isoformat(),
        "events": [e.__dict__ for e in since_last_reset(
            learner_events(store, learner_id, lesson, leaving_out=forged))],
    }
    return sign_export(key, body)


def verify_export(
    data: Any, key: bytes, *, workshop: str, learner: str, lesson: str,
) -> EvidenceExport:
    """Check the MAC and the owner; return the events, or raise a typed error."""
    if not isinstance(data, dict) or not isinstance(data.get("mac"), str):
        raise InvalidEvidence("no mac")
    body = {k: v for k, v in data.items() if k != "mac"}
    if not hmac.compare_digest(_mac(key, body), data["mac"]):
        raise InvalidEvidence("mac mismatch")
    if (body.get("workshop"), body.get("learner"), body.get("lesson")) != (
        workshop, learner, lesson,
    ):
        raise WrongOwner(f"{body.get('learner')}/{body.get('lesson')}")
    try:
        evs = tuple(Event(**e) for e in body["events"])
    except (KeyError, TypeError) as exc:
        raise InvalidEvidence("malformed events") from exc
    return EvidenceExport(workshop, learner, lesson, str(body.get("exported_at")), evs)


def record_help(store: Store, clock: Clock, learner_id: str, lesson: str, task: str,
                step: str, **detail: Any) -> None:
    """Record a help-bar event (:data:`HELP_TASKS`) at ``step``, in its own transaction.

    Its outcome is :data:`OK`: asking for help is no refusal, and no lesson's task.
    """
    if task not in HELP_TASKS:
        raise ValueError(f"not a help task: {task!r}")
    with store.transaction() as conn:
        record(conn, clock, learner_id, lesson, task, OK, step=step, **detail)


def refusals(store: Store) -> dict[str, set[tuple[str, str, str]]]:
    """learner -> the distinct (lesson, task, outcome) of their events that were not OK."""
    rows = store.read(sa.select(events.c.learner_id, events.c.lesson, events.c.task,
                                events.c.outcome).where(events.c.outcome != OK).distinct())
    found: dict[str, set[tuple[str, str, str]]] = {}
    for row in rows:
        found.setdefault(row.learner_id, set()).add((row.lesson, row.task, row.outcome))
    return found


def help_steps(store: Store, tasks: Iterable[str]) -> list[tuple[str, str, str]]:
    """(learner, lesson, step) of every help-bar event of ``tasks`` that names its step."""
    rows = store.read(sa.select(events.c.learner_id, events.c.lesson, events.c.detail)
                      .where(events.c.task.in_(list(tasks))))
    found = []
    for row in rows:
        step = json.loads(row.detail or "{}").get("step")
        if isinstance(step, str) and step:
            found.append((row.learner_id, row.lesson, step))
    return found
