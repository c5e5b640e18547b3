"""Lesson 10's notebook graded by nbgrader from the evidence: all, part and nothing done."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.simulators import learners, safety, secrets, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.secrets import SecretsSimulator


def every_scene_with_its_mistakes(sim: SecretsSimulator) -> None:
    """A mistake in every scene first (kept in the evidence), then the right choice."""
    wrong_then_right = [
        (secrets.TASK_NOTEBOOK, sim.stick_on_phone, sim.notebook_at_home),
        (secrets.TASK_OWN_NAME, sim.wallet_in_nephew_name, sim.own_name),
        (secrets.TASK_HELP, sim.stranger_helps, sim.type_pin_myself),
        (secrets.TASK_LEND, sim.tell_borrower_pin, sim.take_phone_back),
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
def test_the_secrets_lesson_is_graded_from_evidence(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="secrets-grading",
                             lessons=("secrets",))
    try:
        for learner_id in ("hv001", "hv002", "hv003"):
            learners.record_consent(box.store, clock, learner_id)
        every_scene_with_its_mistakes(box.secrets("hv001"))
        partly = box.secrets("hv002")
        partly.start(secrets.TASK_OWN_NAME)
        partly.own_name()
        partly.home()
        partly.start(secrets.TASK_LEND)
        with pytest.raises(secrets.LetBorrowerGoOn):
            partly.let_borrower_go_on()  # a mistake only: no point
        for learner_id, _, _ in ROSTER:  # hv003 did nothing
            submissions.request(box.store, clock, learner_id, secrets.LESSON)
        scores = {s.learner_id: s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": 8.0, "hv002": 2.0, "hv003": 0.0}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("secrets", "hv001").max_score == 8.0
        assert gradebook.find_submission("secrets", "hv002").score == 2.0
