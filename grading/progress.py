"""Live progress of a workshop, for the trainer's dashboard: read-only queries over the store.

Per learner (:func:`class_progress`):

* the **current lesson**: the lesson of the learner's most recent evidence event;
* the **current step**: the step saved in that lesson's app flow state (``flow_states``:
  ``vneid``, ``bank``, ``portal``, ``signing``); the portal keeps no step of its own, so
  its step is derived: ``login``, ``form N`` (the open draft's step) or ``home``;
* the **time on the step**: for apps whose events carry the step (VNeID, bank, signing),
  since the first event of the trailing run recorded at that step (an event carries the
  step *after* the action, so that event is the action that reached it; events without a
  step, such as «Nộp bài», are passed over); for the portal,
  since the learner's last success. Without such an event, since the flow state was saved;
* **stuck** (:func:`stuck`), judged on the current lesson's events since its last reset:

  1. *repeated*: the same refusal code :data:`STUCK_REPEATS` (3) times or more in the last
     :data:`STUCK_WINDOW` (10 minutes), not followed by a success at the same task (a right
     OTP after three wrong ones clears it);
  2. *hint*: the app offered the step's hint by itself (two refused tries at one step,
     ``bakhong.widgets.appview``) in the last :data:`STUCK_WINDOW`, and no success since;
  3. *slow*: more than :data:`STUCK_ON_STEP` (10 minutes) on the same step with at least one
     refusal since the step began (ten quiet minutes reading a screen is not stuck);

* the **scores** as they arrive: the state of the newest row of the grading queue for every
  lesson (queued, grading, failed, graded), with the lesson's sealed result
  (:mod:`.results`) when it has one; a graded row whose seal fails shows as ``unsealed``.

Per commune (:func:`commune_progress`): enrolled, consented (to the current notice),
submitted (at least one «Nộp bài» or regrade in the queue) and trained, by the one rule of
:mod:`.results` that ``bakhong report``, the officials' dashboard and certificates use too.

Every query reads; none writes (the dashboard refreshes every few seconds).

>>> from datetime import datetime, timedelta
>>> from bakhong.simulators.clock import VN_TZ
>>> t0 = datetime(2026, 11, 28, 9, 0, tzinfo=VN_TZ)
>>> wrong = [Attempt(i, "vneid", "otp", "vneid.otp_wrong", t0 + timedelta(minutes=i), "otp")
...          for i in range(3)]
>>> stuck(wrong, t0 + timedelta(minutes=3), t0)
Stuck(kind='repeated', code='vneid.otp_wrong', count=3, step='otp')
>>> stuck(wrong[:2], t0 + timedelta(minutes=3), t0) is None
True
>>> stuck(wrong[:1], t0 + timedelta(minutes=11), t0).kind
'slow'
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bakhong.simulators import attempts as store_reads
from bakhong.simulators import learners as learners_mod
from bakhong.simulators import submissions as queue
from bakhong.simulators.attempts import LESSON_FLOWS
from bakhong.simulators.evidence import HELP_TASKS, HINT_OFFERED, OK, RESET

if TYPE_CHECKING:
    from bakhong.simulators.sandbox import Store

from .results import Results

__all__ = [
    "ACTIVE_WINDOW",
    "HINT",
    "LESSON_FLOWS",
    "REPEATED",
    "SLOW",
    "STUCK_ON_STEP",
    "STUCK_REPEATS",
    "STUCK_WINDOW",
    "UNSEALED",
    "Attempt",
    "CommuneProgress",
    "LearnerProgress",
    "LessonScore",
    "Stuck",
    "class_progress",
    "commune_progress",
    "flow_step",
    "stuck",
]

#: Lessons whose evidence events carry the app's step (``detail["step"]``; lesson 0's and
#: the safety drills' carry the step the action was taken at).
_STEP_IN_EVENTS = frozenset({"first_steps", "vneid", "payment", "signing", "safety",
                             "receiving", "vneid_daily", "scams", "bills", "secrets"})

STUCK_REPEATS = 3
STUCK_WINDOW = timedelta(minutes=10)
STUCK_ON_STEP = timedelta(minutes=10)
#: A learner with an event this recent counts as working now.
ACTIVE_WINDOW = timedelta(minutes=10)
#: The status shown for a graded row whose seal fails (edited outside bakhong).
UNSEALED = "unsealed"

REPEATED, HINT, SLOW = "repeated", "hint", "slow"


@dataclass(frozen=True)
class Attempt:
    """One evidence event as progress reads it."""

    seq: int
    lesson: str
    task: str
    outcome: str
    at: datetime
    step: str | None = None


@dataclass(frozen=True)
class Stuck:
    """Why a learner looks stuck: ``repeated`` (``code`` ``count`` times in the window),
    ``hint`` (the app offered the hint on ``step`` after ``count`` refusals, the last one
    ``code``) or ``slow`` (long on ``step``, ``count`` refusals there, the last one ``code``)."""

    kind: str
    code: str
    count: int
    step: str | None = None


@dataclass(frozen=True)
class LessonScore:
    """One lesson's row on the dashboard: the state of its newest queue row, and its sealed
    result (``score``, ``max_score``, ``passed``) when it has one."""

    lesson: str
    status: str  # queued, grading, graded, failed, unsealed
    score: float | None
    max_score: float | None
    passed: bool = False


@dataclass(frozen=True)
class LearnerProgress:
    learner_id: str
    code: str
    full_name: str
    commune: str
    consented: bool
    lesson: str | None = None
    step: str | None = None
    step_since: datetime | None = None
    on_step: timedelta | None = None
    last_seen: datetime | None = None
    active: bool = False
    stuck: Stuck | None = None
    scores: Mapping[str, LessonScore] = field(default_factory=dict)


@dataclass(frozen=True)
class CommuneProgress:
    commune: str
    enrolled: int
    consented: int
    submitted: int
    trained: int


def flow_step(flow: str, state: Mapping[str, Any]) -> str | None:
    """The step an app's saved state is at; the portal's is derived (it keeps none).

    >>> flow_step("vneid", {"step": "otp"}), flow_step("portal", {"logged_in": False})
    ('otp', 'login')
    >>> flow_step("portal", {"logged_in": True, "drafts": {"x": {"step": 2}}})
    'form 3'
    """
    if flow == "portal":
        if not state.get("logged_in"):
            return "login"
        drafts = state.get("drafts") or {}
        if drafts:
            _code, draft = sorted(drafts.items())[0]
            return f"form {int(draft.get('step', 0)) + 1}"
        return "home"
    step = state.get("step")
    return str(step) if step is not None else None


def stuck(attempts: Sequence[Attempt], now: datetime, step_since: datetime | None, *,
          from_seq: int | None = None) -> Stuck | None:
    """Whether the learner looks stuck, from the current lesson's events since its last reset
    (oldest first); ``step_since`` is when the current step began and ``from_seq`` the event
    that began it, when there is one (several events can share a second)."""
    pending: dict[str, list[Attempt]] = {}
    for item in attempts:
        if item.outcome == OK:
            for code in [c for c, found in pending.items() if found[-1].task == item.task]:
                del pending[code]
        elif now - item.at <= STUCK_WINDOW:
            pending.setdefault(item.outcome, []).append(item)
    if pending:
        code, found = max(pending.items(), key=lambda kv: (len(kv[1]), kv[1][-1].seq))
        if len(found) >= STUCK_REPEATS:
            return Stuck(REPEATED, code, len(found), found[-1].step)
    offered = _hint_offered(attempts, now)
    if offered is not None:
        return offered
    if step_since is not None and now - step_since > STUCK_ON_STEP:
        refused = [a for a in attempts if a.outcome != OK and (
            a.seq >= from_seq if from_seq is not None else a.at >= step_since)]
        if refused:
            return Stuck(SLOW, refused[-1].outcome, len(refused), refused[-1].step)
    return None


def _hint_offered(attempts: Sequence[Attempt], now: datetime) -> Stuck | None:
    """The newest «hint offered» in the window, if nothing succeeded after it."""
    offers = [a for a in attempts if a.task == HINT_OFFERED]
    if not offers or now - offers[-1].at > STUCK_WINDOW:
        return None
    offer = offers[-1]
    if any(a.seq > offer.seq and a.outcome == OK and a.task not in HELP_TASKS
           for a in attempts):
        return None
    before = [a for a in attempts if a.seq < offer.seq and a.task not in HELP_TASKS]
    successes = [a.seq for a in before if a.outcome == OK]
    refused = [a for a in before if a.outcome != OK and a.seq > max(successes, default=-1)]
    return Stuck(HINT, refused[-1].outcome if refused else HINT_OFFERED, len(refused),
                 offer.step)


def _since_reset(attempts: list[Attempt]) -> list[Attempt]:
    marks = [i for i, a in enumerate(attempts) if a.task == RESET]
    return attempts[marks[-1] + 1:] if marks else attempts


def _step_start(lesson: str, attempts: list[Attempt], step: str | None,
                saved_at: datetime | None) -> tuple[datetime | None, int | None]:
    """When the current step began, and the event that began it (see the module's
    docstring)."""
    if step is None:
        return None, None
    start: Attempt | None = None
    if lesson in _STEP_IN_EVENTS:
        for item in reversed(attempts):
            if item.step is None:  # «Nộp bài», a certificate issued: not a move in the app
                continue
            if item.step != step:
                break
            start = item
    else:
        successes = [a for a in attempts if a.outcome == OK and a.task not in HELP_TASKS]
        start = successes[-1] if successes else (attempts[0] if attempts else None)
    return (start.at, start.seq) if start is not None else (saved_at, None)


def _scores(store: Store, results: Results | None,
            learner_id: str | None) -> dict[str, dict[str, LessonScore]]:
    """learner -> lesson -> the newest queue row's state with the sealed result."""
    if results is None:
        return {}
    found: dict[str, dict[str, LessonScore]] = {}
    for row in store_reads.queue_rows(store, learner_id):
        grade = results.current(row.learner_id, row.lesson)
        status = UNSEALED if row.status == queue.GRADED and grade is None else row.status
        found.setdefault(row.learner_id, {})[row.lesson] = LessonScore(
            row.lesson, status, None if grade is None else grade.score,
            None if grade is None else grade.max_score,
            results.passed(row.learner_id, row.lesson))
    return found


def _attempt(row: Any) -> Attempt:
    step = (json.loads(row.detail).get("step")
            if row.lesson in _STEP_IN_EVENTS or row.task in HELP_TASKS else None)
    return Attempt(int(row.seq), row.lesson, row.task, row.outcome,
                   datetime.fromisoformat(row.at), None if step is None else str(step))


def _current_attempts(store: Store, learner_id: str | None) -> dict[str, list[Attempt]]:
    """learner -> the events of their current lesson (that of their newest event), in order."""
    found: dict[str, list[Attempt]] = {}
    for row in store_reads.current_lesson_events(store, learner_id):
        found.setdefault(row.learner_id, []).append(_attempt(row))
    return found


def class_progress(store: Store, now: datetime, *, learner_id: str | None = None,
                   results: Results | None = None) -> list[LearnerProgress]:
    """Every learner's progress at ``now`` (or one learner's), in learner-id order; the
    scores come from ``results`` (none without them)."""
    chosen = ([learners_mod.by_id(store, learner_id)] if learner_id is not None
              else learners_mod.all_learners(store))
    consented = store_reads.consented(store)
    attempts = _current_attempts(store, learner_id)
    flows = store_reads.flow_states_of(store, learner_id)
    scores = _scores(store, results, learner_id)
    found = []
    for learner in chosen:
        mine = attempts.get(learner.learner_id, [])
        base = LearnerProgress(learner.learner_id, learner.code, learner.full_name,
                               learner.commune, learner.learner_id in consented,
                               scores=scores.get(learner.learner_id, {}))
        if not mine:
            found.append(base)
            continue
        lesson, last_seen = mine[-1].lesson, mine[-1].at
        recent = _since_reset(mine)
        step: str | None = None
        saved_at: datetime | None = None
        for flow in LESSON_FLOWS.get(lesson, ()):
            if (learner.learner_id, flow) in flows:
                state, saved_at = flows[(learner.learner_id, flow)]
                step = flow_step(flow, state)
                break
        since, from_seq = _step_start(lesson, recent, step, saved_at)
        found.append(LearnerProgress(
            learner.learner_id, learner.code, learner.full_name, learner.commune,
            base.consented, lesson, step, since,
            None if since is None else max(now - since, timedelta(0)), last_seen,
            now - last_seen <= ACTIVE_WINDOW, stuck(recent, now, since, from_seq=from_seq),
            base.scores))
    return found


def commune_progress(store: Store, results: Results) -> list[CommuneProgress]:
    """Enrolled, consented, submitted and trained per commune, sorted by commune."""
    consented = store_reads.consented(store)
    submitted = store_reads.submitted(store)
    tally: dict[str, Counter[str]] = {}
    for learner in learners_mod.all_learners(store):
        counts = tally.setdefault(learner.commune, Counter())
        counts["enrolled"] += 1
        counts["consented"] += learner.learner_id in consented
        counts["submitted"] += learner.learner_id in submitted
        counts["trained"] += results.trained(learner.learner_id)
    return [CommuneProgress(commune, c["enrolled"], c["consented"], c["submitted"],
                            c["trained"]) for commune, c in sorted(tally.items())]
