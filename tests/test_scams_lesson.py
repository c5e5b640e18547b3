"""Lesson 8's notebook graded by nbgrader from the evidence: all, part and nothing done."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.simulators import learners, safety, scams, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.scams import ScamsSimulator


def every_drill_with_its_mistakes(sim: ScamsSimulator) -> None:
    """A mistake in every drill first (kept in the evidence), then the right choice."""
    wrong_then_right = [
        (scams.TASK_ZALO, sim.send_zalo_code, sim.call_friend),
        (scams.TASK_HOSPITAL, sim.send_hospital_money, sim.call_grandson),
        (scams.TASK_SAFE_ACCOUNT, sim.send_safe_account, sim.refuse_police),
        (scams.TASK_BIOMETRIC, sim.open_biometric_link, sim.refuse_biometric),
        (scams.TASK_AFTER, sim.wait_and_see, lambda: (sim.lock_account("app"),
                                                      sim.report_scam("156"))),
    ]
    for task, wrong, right in wrong_then_right:
        sim.start(task)
        with pytest.raises(safety.Mistake):
            wrong()
        sim.retry()
        right()
        sim.home()


ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_scams_lesson_is_graded_from_evidence(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="scams-grading",
                             lessons=("scams",))
    try:
        for learner_id in ("hv001", "hv002", "hv003"):
            learners.record_consent(box.store, clock, learner_id)
        every_drill_with_its_mistakes(box.scams("hv001"))
        partly = box.scams("hv002")
        partly.start(scams.TASK_ZALO)
        partly.call_friend()
        partly.home()
        partly.start(scams.TASK_AFTER)
        with pytest.raises(scams.ReportedBeforeLocking):
            partly.report_scam("156")  # reported before locking: no point
        for learner_id, _, _ in ROSTER:  # hv003 did nothing
            submissions.request(box.store, clock, learner_id, scams.LESSON)
        scores = {s.learner_id: s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": 10.0, "hv002": 2.0, "hv003": 0.0}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("scams", "hv001").max_score == 10.0
        assert gradebook.find_submission("scams", "hv002").score == 2.0
