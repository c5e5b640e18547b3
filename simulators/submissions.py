"""The grading queue: «Nộp bài» adds a row, one grading worker takes rows in order.

The queue lives in the store, so a killed worker resumes where it stopped: a
row left ``grading`` is taken again, never skipped.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .clock import Clock
from .evidence import record
from .store import Store, submissions

QUEUED, GRADING, GRADED, FAILED = "queued", "grading", "graded", "failed"
#: Scores are sums of floats: a score this close below the mark still passes.
_EPSILON = 1e-9


def passes(score: float | None, max_score: float | None, pass_mark: float) -> bool:
    """The one rule for a passed lesson: at least ``pass_mark`` of its points.

    >>> passes(4.0, 5.0, 0.8), passes(3.9, 5.0, 0.8), passes(None, 5.0, 0.8), passes(0, 0, 0)
    (True, False, False, False)
    >>> passes(0.1 + 0.2 + 0.5, 1.0, 0.8)
    True
    """
    if score is None or not max_score:
        return False
    return float(score) + _EPSILON >= pass_mark * float(max_score)


@dataclass(frozen=True)
class Submission:
    seq: int
    learner_id: str
    lesson: str
    requested_at: str
    status: str
    score: float | None
    max_score: float | None
    #: The graded tasks (the lesson's grade cells, by ``grade_id``) short of full points.
    missing: tuple[str, ...] = ()
    graded_at: str | None = None
    seal: str | None = None
    #: A trainer's override of the grader's score (JSON, ``bakhong.grading.overrides``).
    override: str | None = None


_COLUMNS = (submissions.c.seq, submissions.c.learner_id, submissions.c.lesson,
            submissions.c.requested_at, submissions.c.status, submissions.c.score,
            submissions.c.max_score, submissions.c.missing, submissions.c.graded_at,
            submissions.c.seal, submissions.c.override)


def _submission(row: Any) -> Submission:
    found = dict(row._mapping)
    found["missing"] = tuple(json.loads(found["missing"])) if found["missing"] else ()
    return Submission(**found)


def request(store: Store, clock: Clock, learner_id: str, lesson: str) -> Submission:
    """«Nộp bài»: queue a submission (one pending row per learner and lesson), as evidence."""
    return enqueue(store, clock, learner_id, lesson, as_learner=True)


def enqueue(store: Store, clock: Clock, learner_id: str, lesson: str, *,
            as_learner: bool = False) -> Submission:
    """Queue a (re)grade; a trainer's regrade (``as_learner=False``) is not the learner's act."""
    with store.transaction() as conn:
        pending = conn.execute(sa.select(*_COLUMNS).where(
            (submissions.c.learner_id == learner_id) & (submissions.c.lesson == lesson)
            & submissions.c.status.in_((QUEUED, GRADING)))).first()
        if pending is not None:
            return _submission(pending)
        if as_learner:
            record(conn, clock, learner_id, lesson, "submit")
        inserted = conn.execute(submissions.insert().values(
            learner_id=learner_id, lesson=lesson, requested_at=clock.now().isoformat(),
            status=QUEUED)).inserted_primary_key
        seq = int(inserted[0]) if inserted else 0
        return Submission(seq, learner_id, lesson, clock.now().isoformat(), QUEUED, None, None)


def pending(store: Store) -> list[Submission]:
    """Rows to grade, oldest first; rows a killed worker left half-graded come again."""
    rows = store.read(sa.select(*_COLUMNS).where(submissions.c.status.in_((QUEUED, GRADING)))
                      .order_by(submissions.c.seq))
    return [_submission(row) for row in rows]


def mark(store: Store, clock: Clock, seq: int, status: str,
         score: float | None = None, max_score: float | None = None, *,
         missing: Sequence[str] = (), seal: str | None = None,
         graded_at: str | None = None, override: str | None = None) -> None:
    """Set a row's status; a graded row gets its result (``graded_at`` defaults to now)."""
    done = status in (GRADED, FAILED)
    with store.transaction() as conn:
        conn.execute(submissions.update().where(submissions.c.seq == seq).values(
            status=status, score=score, max_score=max_score,
            missing=json.dumps(list(missing)) if status == GRADED else None, seal=seal,
            override=override if status == GRADED else None,
            graded_at=(graded_at or clock.now().isoformat()) if done else None))


def add_graded(store: Store, clock: Clock, learner_id: str, lesson: str, score: float,
               max_score: float, *, missing: Sequence[str], graded_at: str, seal: str,
               override: str) -> Submission:
    """A graded row that no «Nộp bài» asked for: a trainer's override of the newest result
    (``bakhong.grading.overrides``), sealed by the caller."""
    with store.transaction() as conn:
        inserted = conn.execute(submissions.insert().values(
            learner_id=learner_id, lesson=lesson, requested_at=clock.now().isoformat(),
            status=GRADED, score=score, max_score=max_score, missing=json.dumps(list(missing)),
            graded_at=graded_at, seal=seal, override=override)).inserted_primary_key
    seq = int(inserted[0]) if inserted else 0
    return Submission(seq, learner_id, lesson, clock.now().isoformat(), GRADED, score,
                      max_score, tuple(missing), graded_at, seal, override)


def graded(store: Store) -> list[Submission]:
    """Every graded row, oldest first (the history of every learner's results)."""
    rows = store.read(sa.select(*_COLUMNS).where(submissions.c.status == GRADED)
                      .order_by(submissions.c.seq))
    return [_submission(row) for row in rows]


def latest(store: Store, learner_id: str, lesson: str) -> Submission | None:
    rows = store.read(sa.select(*_COLUMNS).where(
        (submissions.c.learner_id == learner_id) & (submissions.c.lesson == lesson))
        .order_by(submissions.c.seq.desc()).limit(1))
    return _submission(rows[0]) if rows else None


def latest_all(store: Store) -> list[Submission]:
    """The newest row of every (learner, lesson) pair."""
    newest = (sa.select(sa.func.max(submissions.c.seq))
              .group_by(submissions.c.learner_id, submissions.c.lesson))
    rows = store.read(sa.select(*_COLUMNS).where(submissions.c.seq.in_(newest))
                      .order_by(submissions.c.seq))
    return [_submission(row) for row in rows]


@contextmanager
def watch(store: Store) -> Iterator[Callable[[], object]]:
    """A function whose value changes whenever something was committed to the store, by any
    process, so that the grading worker reads the queue only then: with an SQLite file,
    ``PRAGMA data_version`` on a connection of its own (a few microseconds); with any other
    store, a new value every time."""
    url = store.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        yield object
        return
    connection = sqlite3.connect(url.database, check_same_thread=False)
    try:
        yield lambda: connection.execute("PRAGMA data_version").fetchone()[0]
    finally:
        connection.close()
