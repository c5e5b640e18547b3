"""A workshop of learners who did (or did not) the VNeID and payment lessons, for the
grading tests: built with the widgets and simulators a resident's taps go through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from conftest import reach_level2
from test_payment_lesson import do_the_lesson

from bakhong.grading import workshop
from bakhong.simulators import learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.widgets.bank_app import bank_app
from bakhong.widgets.i18n import translator

#: the full marks of each lesson (vneid: 3 grade cells, payment: 4)
FULL_MARKS = {"vneid": 5.0, "payment": 7.0}


@dataclass(frozen=True)
class GradedWorkshop:
    size: int
    vneid_done: frozenset[str]
    payment_done: frozenset[str]
    seed: str
    day: datetime
    lessons: tuple[str, ...] = ("vneid", "payment")

    @property
    def roster(self) -> list[tuple[str, str, str]]:
        return [(f"hv{i:03d}", f"Học Viên Số {i}", "Xã Thọ Long")
                for i in range(1, self.size + 1)]

    @property
    def learner_ids(self) -> list[str]:
        return [learner_id for learner_id, _, _ in self.roster]

    @property
    def expected(self) -> dict[tuple[str, str], float]:
        """The score of every (learner, lesson): full marks if done, else 0."""
        done = {"vneid": self.vneid_done, "payment": self.payment_done}
        return {(lid, lesson): FULL_MARKS[lesson] if lid in done[lesson] else 0.0
                for lid in self.learner_ids for lesson in self.lessons}

    def build(self, root: Path, *, lessons: tuple[str, ...] | None = None,
              hand_in: bool = False) -> None:
        """The workshop at ``root``: every learner consents and does their lessons; with
        ``hand_in`` each taps «Nộp bài» for every lesson."""
        lessons = self.lessons if lessons is None else lessons
        clock = FixedClock(self.day)
        box, _ = workshop.create(root, self.roster, clock=clock, seed=self.seed,
                                 lessons=lessons)
        try:
            for learner_id in self.learner_ids:
                learners.record_consent(box.store, clock, learner_id)
                if learner_id in self.vneid_done:
                    reach_level2(box.vneid(learner_id),
                                 registry.persona_of_learner(box.store, learner_id))
                if learner_id in self.payment_done and "payment" in lessons:
                    do_the_lesson(bank_app(box.bank(learner_id), translator("vi")))
                for lesson in lessons if hand_in else ():
                    submissions.request(box.store, clock, learner_id, lesson)
        finally:
            box.close()


def day(year: int, month: int, date: int, hour: int = 9) -> datetime:
    return datetime(year, month, date, hour, tzinfo=VN_TZ)
