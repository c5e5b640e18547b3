"""The safety lesson: released, executed and graded by real nbgrader from its evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from test_widgets_safety import do_the_lesson, tap

from bakhong.grading import course, grader, workshop
from bakhong.simulators import learners, safety, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.widgets.i18n import translator
from bakhong.widgets.safety_app import safety_app

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


def test_the_lesson_grades_every_drill_two_points() -> None:
    text = course.lesson_text("safety")
    assert course.lesson_title("safety") == "Bài 5: An toàn trên mạng"
    assert 'lesson_app("safety")' in text
    for drill in safety.DRILLS:
        assert f'assert task_done("safety", "{drill.task}")' in text
    assert text.count('"points": 2') == len(safety.DRILLS) == 5


@pytest.mark.slow
def test_the_safety_lesson_is_graded_from_evidence(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="safety-grading",
                             lessons=("safety",))
    try:
        for learner_id in ("hv001", "hv002", "hv003"):
            learners.record_consent(box.store, clock, learner_id)
        do_the_lesson(safety_app(box.safety("hv001"), translator("vi")))
        partial = safety_app(box.safety("hv002"), translator("vi"))
        tap(partial, "start-police")  # a mistake only: no points for this drill
        tap(partial, "answer")
        tap(partial, "read-otp")
        tap(partial, "home")
        tap(partial, "start-refund")  # done right: 2 points
        tap(partial, "check-official")
        for learner_id, _, _ in ROSTER:  # hv003 did nothing
            submissions.request(box.store, clock, learner_id, "safety")
        scores = {s.learner_id: s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": 10.0, "hv002": 2.0, "hv003": 0.0}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("safety", "hv001").max_score == 10.0
