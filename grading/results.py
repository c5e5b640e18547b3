"""Scores: one source, one rule, and a seal that shows an edit.

**The source.** The grading worker is the only writer of scores. After nbgrader has
recorded a submission in ``gradebook.db``, :func:`record` writes the result onto the
submission's row of the grading queue (:mod:`bakhong.simulators.submissions`): the score,
the maximum, the graded tasks short of full points (by ``grade_id``), the moment on the
workshop's clock and a **seal**, HMAC-SHA256 under the workshop's evidence key over all of
them. Every screen reads scores through :class:`Results` (:func:`read`): the trainer's
dashboard, the report in every format (``--public`` too), the officials' dashboard and
certificates; «Xem điểm» reads the learner's own newest row and judges it with the same
:func:`~bakhong.simulators.submissions.passes`.

**The rule.** A lesson's result is its newest sealed graded row. The lesson is *passed*
when that result scores at least ``pass_mark × max_score``
(:func:`~bakhong.simulators.submissions.passes`); it was passed *on* the moment of its
earliest sealed passing row (a regrade does not move the day a resident was trained). A
learner is *trained* when every core lesson is passed, on the latest of those days.

**The seal.** A graded row whose seal does not match (``sandbox.db`` edited by hand) counts
for nothing, and a gradebook score that differs from the sealed result of the same learner
and lesson (``gradebook.db`` edited, or filled by something other than bakhong) is ignored;
:func:`check` names both, and ``bakhong grade`` and ``bakhong report`` print them in
Vietnamese with what to do (grade everyone again from their evidence).

>>> from datetime import datetime
>>> from bakhong.simulators.clock import VN_TZ
>>> at = datetime(2026, 12, 1, 9, tzinfo=VN_TZ)
>>> g = Grade(1, "hv001", "vneid", 4.0, 5.0, ("level2",), at)
>>> r = Results.of([g], pass_mark=0.8, core_lessons=("vneid",))
>>> r.passed("hv001", "vneid"), r.trained("hv001"), r.trained_at("hv001") == at
(True, True, True)
>>> Results.of([g], pass_mark=0.9, core_lessons=("vneid",)).trained("hv001")
False
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from bakhong.simulators import submissions
from bakhong.simulators.clock import Clock
from bakhong.simulators.sandbox import Store
from bakhong.simulators.submissions import passes

__all__ = ["Grade", "Mismatch", "Results", "check", "key_of", "passes", "read",
           "read_workshop", "record", "seal", "workshop_mismatches"]


def seal(key: bytes, workshop_id: str, learner_id: str, lesson: str, score: float,
         max_score: float, missing: Sequence[str], graded_at: str,
         override: str | None = None) -> str:
    """The grader's seal over one result, and over a trainer's override of it (a result
    without one is sealed as before overrides existed).

    >>> seal(b"k" * 32, "w1", "hv001", "vneid", 5.0, 5.0, (), "2026-12-01T09:00:00+07:00")[:12]
    '867b6898fa28'
    """
    fields: list[object] = [workshop_id, learner_id, lesson, float(score), float(max_score),
                            sorted(missing), graded_at]
    if override is not None:
        fields.append(override)
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def record(store: Store, clock: Clock, key: bytes, workshop_id: str, seq: int,
           learner_id: str, lesson: str, score: float, max_score: float,
           missing: Sequence[str], *, override: str | None = None) -> None:
    """Mark queue row ``seq`` graded with its sealed result (the grader's last step);
    ``override``: the trainer's override it carries (``bakhong.grading.overrides``)."""
    graded_at = clock.now().isoformat()
    submissions.mark(store, clock, seq, submissions.GRADED, score, max_score,
                     missing=tuple(missing), graded_at=graded_at, override=override,
                     seal=seal(key, workshop_id, learner_id, lesson, score, max_score,
                               missing, graded_at, override))


@dataclass(frozen=True)
class Grade:
    """One sealed graded row of the queue."""

    seq: int
    learner_id: str
    lesson: str
    score: float
    max_score: float
    missing: tuple[str, ...]
    graded_at: datetime
    #: A trainer's override (JSON: its reason and the tasks it changed), or None.
    override: str | None = None

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0


#: What a mismatch is about: a queue row whose seal fails, a gradebook score that is not
#: the sealed result, or evidence rows whose link fails (written outside the sandbox).
SEAL, GRADEBOOK, EVIDENCE = "seal", "gradebook", "evidence"


@dataclass(frozen=True)
class Mismatch:
    """A score that bakhong did not record as it stands."""

    kind: str  # SEAL or GRADEBOOK
    learner_id: str
    lesson: str
    found: float | None
    max_score: float | None
    sealed: float | None  # the sealed score of the same pair, if there is one

    def text(self, workshop: str = "WORKSHOP") -> str:
        """What ``grade`` and ``report`` print: Vietnamese, then English.

        >>> print(Mismatch(GRADEBOOK, "hv001", "vneid", 5.0, 5.0, 2.0).text("lop"))
        ... # doctest: +NORMALIZE_WHITESPACE
        Điểm của học viên hv001, bài «vneid» trong gradebook.db (5/5) khác điểm bakhong đã
        chấm (2): có thể đã bị sửa ngoài bakhong, nên không được tính. Hãy chấm lại từ bằng
        chứng: bakhong grade lop --all
          The score of hv001, lesson «vneid», in gradebook.db (5/5) is not the one bakhong
        recorded (2): it may have been edited outside bakhong and is not counted. Grade again
        from the evidence: bakhong grade lop --all
        """
        if self.kind == EVIDENCE:
            rows = int(self.found or 0)
            return (
                f"Bằng chứng của học viên {self.learner_id}, bài «{self.lesson}»: {rows} dòng "
                f"trong sandbox.db không do ứng dụng luyện tập ghi (bị thêm hoặc sửa ngoài "
                f"bakhong), nên không được tính khi chấm.\n"
                f"  Evidence of {self.learner_id}, lesson «{self.lesson}»: {rows} row(s) in "
                f"sandbox.db were not written by the practice apps (added or edited outside "
                f"bakhong) and are not counted in grading.")
        found = f"{self.found or 0:g}/{self.max_score or 0:g}"
        where = "gradebook.db" if self.kind == GRADEBOOK else "sandbox.db"
        vi_sealed = "chưa chấm bài này" if self.sealed is None else f"{self.sealed:g}"
        en_sealed = "none" if self.sealed is None else f"{self.sealed:g}"
        return (
            f"Điểm của học viên {self.learner_id}, bài «{self.lesson}» trong {where} ({found}) "
            f"khác điểm bakhong đã chấm ({vi_sealed}): có thể đã bị sửa ngoài bakhong, nên "
            f"không được tính. Hãy chấm lại từ bằng chứng: bakhong grade {workshop} --all\n"
            f"  The score of {self.learner_id}, lesson «{self.lesson}», in {where} ({found}) "
            f"is not the one bakhong recorded ({en_sealed}): it may have been edited outside "
            f"bakhong and is not counted. Grade again from the evidence: "
            f"bakhong grade {workshop} --all")


@dataclass(frozen=True)
class Results:
    """The sealed grades of one workshop, judged with its pass mark and core lessons."""

    grades: Mapping[tuple[str, str], tuple[Grade, ...]]  # (learner, lesson) -> oldest first
    pass_mark: float
    core_lessons: tuple[str, ...]
    broken: tuple[Mismatch, ...] = ()
    _empty: tuple[Grade, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, grades: Iterable[Grade], *, pass_mark: float, core_lessons: Sequence[str],
           broken: Sequence[Mismatch] = ()) -> Results:
        found: dict[tuple[str, str], list[Grade]] = {}
        for grade in sorted(grades, key=lambda g: g.seq):
            found.setdefault((grade.learner_id, grade.lesson), []).append(grade)
        return cls(MappingProxyType({k: tuple(v) for k, v in found.items()}), pass_mark,
                   tuple(core_lessons), tuple(broken))

    def history(self, learner_id: str, lesson: str) -> tuple[Grade, ...]:
        return self.grades.get((learner_id, lesson), self._empty)

    def current(self, learner_id: str, lesson: str) -> Grade | None:
        """The lesson's result: its newest sealed grade."""
        found = self.history(learner_id, lesson)
        return found[-1] if found else None

    def passed(self, learner_id: str, lesson: str) -> bool:
        grade = self.current(learner_id, lesson)
        return grade is not None and passes(grade.score, grade.max_score, self.pass_mark)

    def passed_at(self, learner_id: str, lesson: str) -> datetime | None:
        """When a passed lesson was first passed; None when it is not passed now."""
        if not self.passed(learner_id, lesson):
            return None
        return next(g.graded_at for g in self.history(learner_id, lesson)
                    if passes(g.score, g.max_score, self.pass_mark))

    def passed_lessons(self, learner_id: str, lessons: Iterable[str]) -> tuple[str, ...]:
        return tuple(lesson for lesson in lessons if self.passed(learner_id, lesson))

    def trained(self, learner_id: str) -> bool:
        """Every core lesson passed (no core lesson: nobody is trained)."""
        return bool(self.core_lessons) and all(
            self.passed(learner_id, lesson) for lesson in self.core_lessons)

    def trained_at(self, learner_id: str) -> datetime | None:
        if not self.trained(learner_id):
            return None
        return max(moment for lesson in self.core_lessons
                   if (moment := self.passed_at(learner_id, lesson)) is not None)

    def learners(self) -> set[str]:
        return {learner for learner, _lesson in self.grades}


def read(store: Store, key: bytes | Callable[[], bytes], workshop_id: str, *,
         pass_mark: float, core_lessons: Sequence[str]) -> Results:
    """The sealed grades in ``store``; a graded row whose seal fails is left out, and listed
    in :attr:`Results.broken`. ``key`` may be a function that loads it: a workshop with
    nothing graded yet needs no key."""
    grades: list[Grade] = []
    broken: list[Mismatch] = []
    broken_seqs: list[int] = []
    rows = submissions.graded(store)
    secret = key() if rows and callable(key) else key
    for row in rows:
        score, max_score = float(row.score or 0), float(row.max_score or 0)
        assert isinstance(secret, bytes)
        expected = seal(secret, workshop_id, row.learner_id, row.lesson, score, max_score,
                        row.missing, row.graded_at or "", row.override)
        if row.seal is None or not hmac.compare_digest(expected, row.seal):
            broken.append(Mismatch(SEAL, row.learner_id, row.lesson, row.score,
                                   row.max_score, None))
            broken_seqs.append(row.seq)
            continue
        grades.append(Grade(row.seq, row.learner_id, row.lesson, score, max_score,
                            row.missing, datetime.fromisoformat(row.graded_at or ""),
                            row.override))
    # an edited row that a later sealed grade of the same pair replaced counts no more
    newest = {(g.learner_id, g.lesson): g.seq for g in grades}
    broken = [m for m, seq in zip(broken, broken_seqs, strict=True)
              if seq > newest.get((m.learner_id, m.lesson), -1)]
    return Results.of(grades, pass_mark=pass_mark, core_lessons=core_lessons, broken=broken)


def read_workshop(root: Path, store: Store, workshop_id: str, *,
                  pass_mark: float | None = None,
                  core_lessons: Sequence[str] | None = None) -> Results:
    """:func:`read` with the workshop's key and, unless given, its course settings.

    Raises :class:`~.keys.MissingKey` on a laptop without the workshop's key (once anything
    is graded).
    """
    from . import settings

    chosen = settings.load(root)
    return read(store, key_of(workshop_id), workshop_id,
                pass_mark=chosen.pass_mark if pass_mark is None else pass_mark,
                core_lessons=tuple(chosen.core_lessons if core_lessons is None
                                   else core_lessons))


def key_of(workshop_id: str) -> Callable[[], bytes]:
    """The workshop's evidence key, loaded when first needed (:func:`read`)."""
    from . import keys

    return lambda: keys.load_key(workshop_id)


def gradebook_scores(root: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """(learner, lesson) -> (score, max score) of every submission in nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    from . import course

    if not course.has_gradebook(root):
        return {}
    found: dict[tuple[str, str], tuple[float, float]] = {}
    with Gradebook(course.gradebook_url(root)) as gradebook:
        for assignment in gradebook.assignments:
            for item in gradebook.assignment_submissions(assignment.name):
                found[(str(item.student_id), assignment.name)] = (
                    float(item.score or 0), float(item.max_score or 0))
    return found


def workshop_mismatches(root: Path) -> list[Mismatch]:
    """:func:`check` over the workshop at ``root``, with its key and settings."""
    from bakhong.simulators import evidence

    from . import keys
    from .workshop import open_sandbox

    box = open_sandbox(root)
    try:
        found = check(root, box.store, read_workshop(root, box.store, box.workshop_id))
        if keys.key_path(box.workshop_id).exists():
            forged: dict[tuple[str, str], int] = {}
            for _seq, learner_id, lesson in evidence.unlinked(
                    box.store, keys.load_key(box.workshop_id)):
                forged[(learner_id, lesson)] = forged.get((learner_id, lesson), 0) + 1
            found += [Mismatch(EVIDENCE, learner_id, lesson, float(rows), None, None)
                      for (learner_id, lesson), rows in sorted(forged.items())]
        return found
    finally:
        box.close()


def check(root: Path, store: Store, results: Results) -> list[Mismatch]:
    """Every score that bakhong did not record as it stands: graded rows whose seal fails,
    and gradebook scores that are not the sealed result of the same learner and lesson
    (pairs being graded right now are passed over)."""
    in_flight = {(s.learner_id, s.lesson) for s in submissions.pending(store)}
    found = list(results.broken)
    for (learner_id, lesson), (score, max_score) in sorted(gradebook_scores(root).items()):
        if (learner_id, lesson) in in_flight:
            continue
        grade = results.current(learner_id, lesson)
        if grade is None or abs(grade.score - score) > 1e-9 \
                or abs(grade.max_score - max_score) > 1e-9:
            found.append(Mismatch(GRADEBOOK, learner_id, lesson, score, max_score,
                                  None if grade is None else grade.score))
    return found

