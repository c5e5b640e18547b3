"""Lesson 0 released, executed and graded by nbgrader from the learners' evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from test_widgets_first_steps import do_privacy, do_sms, do_tap, do_the_lesson, do_type

from bakhong.grading import course, grader, workshop
from bakhong.simulators import first_steps as fs
from bakhong.simulators import learners, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.widgets.first_steps_app import first_steps_app
from bakhong.widgets.i18n import translator

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


def test_the_lesson_notebook_is_thin_and_grades_ten_points() -> None:
    notebook = course.lesson_notebook("first_steps")
    graded = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for c in graded}
    assert points == {"tap": 1, "type_vietnamese": 2, "read_sms_code": 2,
                      "recover_account": 2, "install_app": 1, "privacy": 2}
    assert set(points) == set(fs.TASKS)
    assert course.lesson_title("first_steps") == "Bài 0: Làm quen với điện thoại"
    for cell in notebook.cells:
        assert "def " not in cell.source and "class " not in cell.source


@pytest.mark.slow
def test_the_first_steps_lesson_is_graded_from_evidence(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="first-steps-grading",
                             lessons=("first_steps",))
    try:
        for learner_id, _name, _commune in ROSTER:
            learners.record_consent(box.store, clock, learner_id)
        do_the_lesson(first_steps_app(box.first_steps("hv001"), translator("vi")), fs.IPHONE)
        partial = first_steps_app(box.first_steps("hv002"), translator("vi"))
        do_tap(partial)  # 1
        do_type(partial)  # 2
        do_sms(partial)  # 2
        do_privacy(partial)  # 2; the store part not done
        for learner_id, _name, _commune in ROSTER:  # hv003 did nothing
            submissions.request(box.store, clock, learner_id, "first_steps")
        scores = {s.learner_id: s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": 10.0, "hv002": 7.0, "hv003": 0.0}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("first_steps", "hv001").max_score == 10.0
