"""A learner's attempts at the lessons, as the trainer sees and resets them.

The store's tables stay inside ``simulators/``: the dashboard's progress table
(:mod:`bakhong.grading.progress`) reads what it shows through the functions here, and the
trainer's «Đặt lại bài học» is :func:`reset_attempt`.

**Resetting an attempt** lets a learner start a lesson over:

* *cleared*: the learner's flow state of the lesson's app(s) (:data:`LESSON_FLOWS`), so the
  app opens at its first screen with a fresh scenario; for the signing lesson, the
  learner's active certificate is also retired (``credentials.revoked_at``), since the app
  refuses a second enrolment while one is active. It is not put on the sandbox CRL: a PDF
  signed before the reset still verifies;
* *kept*, as the history of what happened: every evidence event, the SMS inbox, bank
  accounts and payments, dossiers filed on the portal and their documents, certificates,
  the grading queue and the gradebook (the old score stands until the next submission is
  graded), and the trainer's fault switches. Resetting the VNeID lesson clears the VNeID
  account itself, so the portal and signing lessons, which log in with it, wait until it is
  activated again;
* *recorded*: a marker event (task :data:`~.evidence.RESET`) in the lesson's evidence,
  written as every event is (:func:`.evidence.record`, linked into the learner's chain).
  :func:`.evidence.export` keeps only the events after the lesson's last marker
  (:func:`.evidence.since_last_reset`), so the next «Nộp bài» or «Chấm lại» is judged on
  the new attempt alone. The marker is the trainer's act, not the learner's, and carries
  no data about the learner.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from . import learnerid, learners
from .clock import Clock
from .errors import N_, SandboxError
from .evidence import OK, RESET, record
from .store import Store, consents, credentials, events, flow_states, submissions

__all__ = ["LESSON_FLOWS", "SHARED_APP", "Reset", "UnknownLesson", "consented",
           "current_lesson_events", "evidence_lesson", "flow_states_of", "queue_rows",
           "reset_attempt", "submitted"]

log = logging.getLogger(__name__)

#: The app flow(s) whose state each lesson keeps (``flow_states.flow``), in lesson order.
LESSON_FLOWS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "first_steps": ("first_steps",), "vneid": ("vneid",), "payment": ("bank",),
    "portal": ("portal",), "portal_result": ("portal",), "signing": ("signing",),
    "safety": ("safety",), "receiving": ("receiving",), "vneid_daily": ("vneid_daily",),
    "scams": ("scams",), "bills": ("bills",), "secrets": ("secrets",),
    "vneid_check": ("vneid_check",), "payment_check": ("bank_check",),
    "portal_check": ("portal_check",),
    "signing_check": ("signing_check",), "receiving_check": ("receiving_check",),
    "vneid_daily_check": ("vneid_daily_check",), "scams_check": ("scams_check",),
    "bills_check": ("bills_check",),
    "secrets_check": ("secrets_check",)})


#: Lessons that are a later part of another lesson's app (issue 20: a lesson a resident
#: finishes in one sitting): the portal's filing is lesson 3, paying its fee, answering the
#: officials' request and receiving the result lesson 3b (``portal_result``). Such a lesson
#: has no evidence of its own: it is judged on its app's (``portal``), its graded tasks the
#: later ones, and resetting it starts that app over, both parts.
SHARED_APP: Mapping[str, str] = MappingProxyType({"portal_result": "portal"})


def evidence_lesson(lesson: str) -> str:
    """The lesson whose evidence ``lesson`` is judged on: itself, or the lesson whose app a
    later part shares (:data:`SHARED_APP`).

    >>> evidence_lesson("portal_result"), evidence_lesson("payment")
    ('portal', 'payment')
    """
    return SHARED_APP.get(lesson, lesson)


class UnknownLesson(SandboxError):
    code = "trainer.unknown_lesson"
    message = N_("Không có bài học này trong khóa học.")


@dataclass(frozen=True)
class Reset:
    """What :func:`reset_attempt` did."""

    learner_id: str
    lesson: str
    flows: tuple[str, ...]  # the flow states that existed and were cleared
    certificates: int  # certificates retired (signing lesson)
    marked: bool  # whether a marker event was recorded (the lesson had evidence)


def reset_attempt(store: Store, clock: Clock, learner_id: str, lesson: str) -> Reset:
    """Let the learner start ``lesson`` over (see the module's notes), in one transaction."""
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
        judged_on = evidence_lesson(lesson)
        has_evidence = conn.execute(sa.select(events.c.seq).where(
            (events.c.learner_id == learner_id) & (events.c.lesson == judged_on)).limit(1)
        ).first()
        if has_evidence is not None:  # evidence implies consent: record() accepts it
            record(conn, clock, learner_id, judged_on, RESET, OK, by="trainer",
                   flows=list(cleared))
    log.info("reset %s/%s: flows %s, %d certificate(s) retired", learner_id, lesson,
             cleared, retired)
    return Reset(learner_id, lesson, cleared, int(retired), has_evidence is not None)


# -- what the dashboard's progress table reads ------------------------------------------------

def queue_rows(store: Store, learner_id: str | None = None) -> list[Any]:
    """The grading queue's rows (learner_id, lesson, status), oldest first."""
    query = sa.select(submissions.c.learner_id, submissions.c.lesson, submissions.c.status
                      ).order_by(submissions.c.seq)
    if learner_id is not None:
        query = query.where(submissions.c.learner_id == learner_id)
    return list(store.read(query))


def submitted(store: Store) -> set[str]:
    """The learners who ever pressed «Nộp bài»."""
    return {r.learner_id for r in store.read(sa.select(submissions.c.learner_id))}


def current_lesson_events(store: Store, learner_id: str | None = None) -> list[Any]:
    """Each learner's events of their current lesson (that of their newest event), oldest
    first: rows of (seq, learner_id, lesson, task, outcome, at, detail)."""
    newest = sa.select(sa.func.max(events.c.seq)).group_by(events.c.learner_id)
    if learner_id is not None:
        newest = newest.where(events.c.learner_id == learner_id)
    current = (sa.select(events.c.learner_id, events.c.lesson)
               .where(events.c.seq.in_(newest)).subquery())
    query = (sa.select(events.c.seq, events.c.learner_id, events.c.lesson, events.c.task,
                       events.c.outcome, events.c.at, events.c.detail)
             .join(current, (events.c.learner_id == current.c.learner_id)
                   & (events.c.lesson == current.c.lesson))
             .order_by(events.c.seq))
    return list(store.read(query))


def flow_states_of(store: Store, learner_id: str | None = None,
                   ) -> dict[tuple[str, str], tuple[dict[str, Any], datetime]]:
    """(learner, flow) -> (the app's saved state, when it was saved)."""
    query = sa.select(flow_states.c.learner_id, flow_states.c.flow, flow_states.c.state,
                      flow_states.c.updated_at)
    if learner_id is not None:
        query = query.where(flow_states.c.learner_id == learner_id)
    return {(r.learner_id, r.flow): (json.loads(r.state), datetime.fromisoformat(r.updated_at))
            for r in store.read(query)}


def consented(store: Store) -> set[str]:
    """The learners who gave consent to the current notice."""
    rows = store.read(sa.select(consents.c.learner_id).where(
        consents.c.notice_version == learners.NOTICE_VERSION))
    return {r[0] for r in rows}
