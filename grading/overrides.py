"""A trainer's override of a score, with its reason, from nbgrader's formgrader.

The grading worker judges a resident from her evidence. Where it judged wrongly (the sandbox
failed her at the class's worst moment, a task done in a way the check did not foresee), the
trainer opens the submission in formgrader (``bakhong lab``) and gives the task's cell a
manual score (nbgrader's own ``Grade.manual_score``); formgrader has no comment box on an
autograded test cell, so the reason is given with ``bakhong override WORKSHOP LEARNER
LESSON --reason "…"``, which records the submission's manual scores as the lesson's newest
result (:func:`apply`): the gradebook's score with the override's tasks and reason, under
the grader's seal (:func:`bakhong.grading.results.seal` covers the override too). From then
on every screen that reads results (the dashboard, «Xem điểm», the report, certificates,
the province) counts the trainer's score; ``grade`` and ``report`` list each override with
its reason, and the report's notes count them.

A manual score without a reason is not counted: ``grade`` names it with what to do, and the
results' check keeps naming the gradebook's score as not bakhong's, as for any other edit.
An override stays while the gradebook keeps the manual score (nbgrader keeps it when a
resubmission is graded again): ``grade`` records it again over the new grade. A reason is
bounded (:data:`REASON_CHARS`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bakhong.simulators import submissions
from bakhong.simulators.clock import Clock
from bakhong.simulators.sandbox import Store

from . import course, results

__all__ = ["REASON_CHARS", "Override", "apply", "explain", "find", "reason_of", "recorded",
           "text", "unexplained_text"]

REASON_CHARS = 500


@dataclass(frozen=True)
class Override:
    """The manual scores of one submission (learner, lesson), as formgrader left them."""

    learner_id: str
    lesson: str
    score: float  # the gradebook's score of the submission, manual scores counted
    max_score: float
    missing: tuple[str, ...]  # grade cells short of full points, manual scores counted
    tasks: dict[str, tuple[float | None, float]] = field(default_factory=dict)  # auto, manual
    reason: str = ""

    def record(self) -> str:
        """What the queue row keeps (and the seal covers): the reason and the tasks."""
        return json.dumps({"reason": self.reason, "tasks": _tasks(self.tasks)},
                          ensure_ascii=False, sort_keys=True)


def _tasks(manual: dict[str, tuple[float | None, float]]) -> dict[str, list[float | None]]:
    return {k: list(v) for k, v in sorted(manual.items())}


def _explained(history: Sequence[results.Grade],
               manual: dict[str, tuple[float | None, float]]) -> str | None:
    """The newest override record in ``history`` made for these same manual scores."""
    wanted = _tasks(manual)
    return next((g.override for g in reversed(history)
                 if g.override and json.loads(g.override).get("tasks") == wanted), None)


def reason_of(record: str | None) -> str:
    """The reason in a queue row's override record ("" when none).

    >>> reason_of('{"reason": "Máy chủ lỗi lúc thi", "tasks": {}}')
    'Máy chủ lỗi lúc thi'
    """
    if not record:
        return ""
    try:
        return str(json.loads(record).get("reason", ""))[:REASON_CHARS]
    except (ValueError, AttributeError):
        return ""


def find(root: Path) -> list[Override]:
    """Every submission in the workshop's gradebook where a cell's manual score differs
    from the autograder's (its reason not known yet: :func:`explain` gives it)."""
    from nbgrader.api import Gradebook

    if not course.has_gradebook(root):
        return []
    found: list[Override] = []
    with Gradebook(course.gradebook_url(root)) as gradebook:
        for assignment in gradebook.assignments:
            for submission in gradebook.assignment_submissions(assignment.name):
                tasks: dict[str, tuple[float | None, float]] = {}
                missing: list[str] = []
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if float(grade.score or 0) + 1e-9 < float(grade.max_score or 0):
                            missing.append(grade.name)
                        manual = grade.manual_score
                        if manual is None or (grade.auto_score is not None
                                              and abs(manual - grade.auto_score) < 1e-9):
                            continue
                        tasks[grade.name] = (grade.auto_score, float(manual))
                if tasks:
                    found.append(Override(
                        str(submission.student_id), assignment.name,
                        float(submission.score or 0), float(submission.max_score or 0),
                        tuple(sorted(missing)), tasks))
    return found


def apply(root: Path, store: Store, clock: Clock, key: bytes, workshop_id: str,
          found: Sequence[Override] | None = None) -> tuple[list[Override], list[Override]]:
    """Record each explained override that is not the lesson's result yet as its newest
    sealed result; returns (applied now, unexplained). An override without a reason of its
    own takes the one recorded for the same manual scores before, if any. An override
    already the result is passed over, so running ``grade`` again changes nothing."""
    found = find(root) if found is None else found
    current = results.read(store, key, workshop_id, pass_mark=0.0, core_lessons=())
    applied: list[Override] = []
    unexplained: list[Override] = []
    for override in found:
        history = current.history(override.learner_id, override.lesson)
        if not override.reason:  # explained before (a resubmission graded again since)?
            before = _explained(history, override.tasks)
            if before is None:
                unexplained.append(override)
                continue
            override = replace(override, reason=reason_of(before))
        record = override.record()
        now = history[-1] if history else None
        if now is not None and now.override == record \
                and abs(now.score - override.score) < 1e-9:
            continue
        graded_at = clock.now().isoformat()
        submissions.add_graded(
            store, clock, override.learner_id, override.lesson, override.score,
            override.max_score, missing=override.missing, graded_at=graded_at,
            override=record,
            seal=results.seal(key, workshop_id, override.learner_id, override.lesson,
                              override.score, override.max_score, override.missing,
                              graded_at, record))
        applied.append(override)
    return applied, unexplained


def carried(store: Store, key: bytes, workshop_id: str, learner_id: str, lesson: str,
            manual: dict[str, tuple[float | None, float]]) -> str | None:
    """The override record a new grade of ``learner_id``'s ``lesson`` carries: the newest
    one recorded for these same manual scores (a resubmission graded again), else None."""
    return _explained(results.read(store, key, workshop_id, pass_mark=0.0,
                                   core_lessons=()).history(learner_id, lesson), manual)


def explain(root: Path, store: Store, clock: Clock, key: bytes, workshop_id: str,
            learner_id: str, lesson: str, reason: str) -> Override | None:
    """``bakhong override``: the manual scores of ``learner_id``'s ``lesson`` recorded with
    ``reason``; None when the gradebook holds none for that submission."""
    reason = " ".join(reason.split())[:REASON_CHARS]
    if not reason:
        raise ValueError("empty reason")
    chosen = [replace(o, reason=reason) for o in find(root)
              if (o.learner_id, o.lesson) == (learner_id, lesson)]
    if not chosen:
        return None
    apply(root, store, clock, key, workshop_id, chosen)
    return chosen[0]


def recorded(root: Path) -> list[results.Grade]:
    """The workshop's results that are a trainer's override (each lesson's current one)."""
    from .workshop import open_sandbox

    box = open_sandbox(root)
    try:
        found = results.read_workshop(root, box.store, box.workshop_id)
    finally:
        box.close()
    return [grades[-1] for grades in found.grades.values() if grades[-1].override]


def text(grade: results.Grade) -> str:
    """One override as ``grade`` and ``report`` print it: Vietnamese, then English.

    >>> from datetime import datetime
    >>> g = results.Grade(3, "hv001", "vneid", 5.0, 5.0, (), datetime(2026, 12, 1),
    ...                   '{"reason": "Máy chủ lỗi lúc thi", "tasks": {}}')
    >>> print(text(g))
    Điểm người hướng dẫn sửa: hv001, bài «vneid», 5/5. Lý do: Máy chủ lỗi lúc thi
      Trainer's override: hv001, lesson «vneid», 5/5. Reason: Máy chủ lỗi lúc thi
    """
    reason = reason_of(grade.override)
    score = f"{grade.score:g}/{grade.max_score:g}"
    return (f"Điểm người hướng dẫn sửa: {grade.learner_id}, bài «{grade.lesson}», {score}. "
            f"Lý do: {reason}\n"
            f"  Trainer's override: {grade.learner_id}, lesson «{grade.lesson}», {score}. "
            f"Reason: {reason}")


def unexplained_text(override: Override, workshop: str) -> str:
    """A manual score without a reason, as ``grade`` prints it."""
    command = (f'bakhong override {workshop} {override.learner_id} {override.lesson} '
               f'--reason "…"')
    return (f"Điểm sửa tay của {override.learner_id}, bài «{override.lesson}» chưa có lý do, "
            f"nên chưa được tính. Hãy ghi lý do: {command}\n"
            f"  The manual score of {override.learner_id}, lesson «{override.lesson}», has no "
            f"reason and is not counted. Give the reason: {command}")
