"""Issue 20: the scams check («Tự làm 8»), lesson 8's drills with a fresh scenario, no help,
no explanation during the check, its mistakes explained after «Nộp bài», graded by nbgrader
from its own evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.grading.course import CHECKS
from bakhong.grading.settings import DEFAULT_CORE_LESSONS
from bakhong.simulators import (
    attempts,
    bank,
    checks,
    evidence,
    learners,
    scams,
    submissions,
    walkthrough,
)
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.safety import Mistake
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.scams import Step
from bakhong.simulators.scams_check import ScamsCheckSimulator
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.entry import CHECK_APPS, LESSON_TITLES, _apps
from bakhong.widgets.i18n import translator
from bakhong.widgets.scams_app import ScamsAppHandles, scams_check_factory

LESSON = "scams_check"


def mistakes(app: ScamsCheckSimulator) -> list[tuple[str, int]]:
    return [(m.code, m.count) for m in app.mistakes()]


def test_a_fresh_scenario_other_than_the_practice(box: Sandbox) -> None:
    learners.record_consent(box.store, box.clock, "hv002")
    practice = box.scams("hv001").status().scenario
    check = box.scams_check("hv001")
    scenario = check.status().scenario
    assert scenario == box.scams_check("hv001").status().scenario  # drawn, then kept
    assert scenario != box.scams_check("hv002").status().scenario
    assert "cast" not in practice and scams.scene(practice) == dict(scams.SCENE)
    cast = scams.scene(scenario)
    assert cast["friend"] != scams.FRIEND
    assert cast["relative"] != scams.SCENE["relative"]
    assert cast["authority"] in ("tax", "court")  # not the practice's police
    assert cast["bank_call"] != "biometric" and cast["story"] != "otp"
    assert scenario["zalo_code"] != practice["zalo_code"]
    goal = check.goal()
    assert goal.values["lost"] == bank.money(scenario["lost_amount"])


def test_mistakes_are_recorded_unexplained_then_reviewed_and_tasks_still_earned(
        box: Sandbox) -> None:
    app = box.scams_check("hv001")
    app.start(scams.TASK_ZALO)
    status = app.send_zalo_code()  # no Mistake raised: nothing explained during the check
    assert status.step is Step.OUTCOME and status.outcome is not None
    assert scams.TASK_ZALO in status.done  # marked answered, right or wrong
    app.home()
    app.start(scams.TASK_ZALO)
    app.call_friend()  # answered again, right: the task counts
    app.start(scams.TASK_HOSPITAL)
    app.call_grandson()
    app.start(scams.TASK_SAFE_ACCOUNT)
    app.keep_secret()
    app.start(scams.TASK_SAFE_ACCOUNT)
    app.refuse_police(report=True)
    app.start(scams.TASK_BIOMETRIC)
    app.refuse_biometric()
    app.start(scams.TASK_AFTER)
    app.report_scam("156")  # before locking
    app.start(scams.TASK_AFTER)
    app.lock_account("hotline")
    app.report_scam("police")
    with pytest.raises(scams.WrongStep):  # a refusal of the app, not the learner's mistake
        app.call_friend()
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(scams.TASKS)
    assert walkthrough.done_tasks(box, "hv001", "scams") == set()  # practice untouched
    found = mistakes(app)
    assert found == [("scams.sent_zalo_code", 1), ("scams.kept_secret", 1),
                     ("scams.reported_before_locking", 1)]
    explained = [m.explanation for m in app.mistakes()]
    assert checks.OTHER_MISTAKE not in explained
    en = translator("en")
    assert all(en(text) != text for text in explained)
    assert not app.finished()
    submissions.request(box.store, box.clock, "hv001", LESSON)
    assert app.finished()
    with pytest.raises(checks.CheckClosed):
        app.home()
    with pytest.raises(checks.CheckClosed):
        app.start(scams.TASK_HOSPITAL)
    assert mistakes(app) == found  # nothing after the hand-in counts

    # the trainer's reset: another scenario, a new attempt
    attempts.reset_attempt(box.store, box.clock, "hv001", LESSON)
    again = box.scams_check("hv001")
    assert not again.finished() and again.mistakes() == []
    assert again.status().done == frozenset() and again.status().step is Step.HOME
    kept = evidence.learner_events(box.store, "hv001", LESSON)
    assert sum(e.outcome != evidence.OK for e in kept) >= 3


def test_the_retake_draws_another_scenario(box: Sandbox) -> None:
    first = box.scams_check("hv001").status().scenario
    submissions.request(box.store, box.clock, "hv001", LESSON)
    attempts.reset_attempt(box.store, box.clock, "hv001", LESSON)
    assert box.scams_check("hv001").status().scenario != first


def test_every_mistake_of_lesson_8_is_explained_without_its_names() -> None:
    codes = {kind.code for kind in vars(scams).values()
             if isinstance(kind, type) and issubclass(kind, Mistake)
             and kind.__module__ == scams.__name__}
    assert codes == set(checks.SCAMS_CHECK.explanations)
    en = translator("en")
    for text in checks.SCAMS_CHECK.explanations.values():
        assert en(text) != text, text
        assert scams.FRIEND not in text and "Minh" not in text  # the check draws others


def test_the_check_is_in_the_course_but_not_core() -> None:
    assert LESSON_TITLES[LESSON] == "Tự làm 8: Cảnh giác lừa đảo"
    titles = list(LESSON_TITLES)
    assert titles.index(LESSON) == titles.index("scams") + 1
    assert CHECK_APPS[LESSON] == LESSON and LESSON in CHECKS
    assert LESSON not in DEFAULT_CORE_LESSONS
    assert attempts.LESSON_FLOWS[LESSON] == (LESSON,)
    assert checks.SCAMS_CHECK.tasks == scams.TASKS


def test_the_walkthrough_does_the_check(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", LESSON)
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(scams.TASKS)
    assert box.scams_check("hv001").mistakes() == []
    learners.record_consent(box.store, box.clock, "hv002")
    walkthrough.walk(box, "hv002", LESSON, tasks=4)  # the last scene answered wrong
    assert walkthrough.done_tasks(box, "hv002", LESSON) == set(scams.TASKS[:4])
    assert mistakes(box.scams_check("hv002")) == [("scams.reported_before_locking", 1)]


# -- the page -------------------------------------------------------------------------------

def page(box: Sandbox, lang: str = "vi") -> CourseHandles:
    desk = LearnerDesk(box, "hv001")

    def submit() -> str:
        desk.submit(LESSON)
        return "ok"
    return course_screen(desk, _apps()[LESSON], lang=lang,  # type: ignore[arg-type]
                         on_submit=submit, current=LESSON, check=CHECK_APPS[LESSON])


def test_the_check_page_names_the_drawn_people_and_explains_nothing_before_the_end(
        box: Sandbox) -> None:
    course = page(box)
    app = course.app
    assert isinstance(app, ScamsAppHandles) and "tasks" not in app.controls
    assert app.view.helpbar.root.layout.display == "none"
    cast = scams.scene(box.scams_check("hv001").status().scenario)
    goal = course.controls["check-goal"].value
    assert "năm tình huống" in goal
    assert "Công an" not in app.controls["start-police"].description  # neutral titles
    app.controls["start-zalo"].click()
    assert cast["friend"] in app.controls["send-code"].description
    assert "Lan" not in app.controls["zalo-chat"].value
    app.controls["send-code"].click()  # the mistake: recorded, not explained
    explanation = app.controls["explanation"].value
    assert "Đã ghi lại" in explanation and "Zalo" not in explanation
    assert "retry" not in app.controls  # no «Làm lại» that would say it was wrong
    app.controls["home"].click()
    assert app.controls["start-zalo"].description.startswith("✓")
    app.controls["start-police"].click()
    authority = scams.AUTHORITIES[cast["authority"]]
    assert "công an" not in app.controls["video-card"].value
    assert app.controls["video-card"].value.count(authority.card.split(",")[0]) == 1
    app.controls["home"].click()
    app.controls["start-hospital"].click()
    relative = cast["relative"]
    assert relative[:1].upper() + relative[1:] in app.controls["hospital-talk"].value
    assert app.view.helpbar.root.layout.display == "none" and not app.view.helpbar.is_open
    course.controls["submit"].click()
    review = course.controls["check-review"]
    assert review.layout.display == "" and "(số lần: 1)" in review.value
    assert "Đã gửi mã 6 số cho «bạn» nhắn Zalo" in review.value


def test_the_check_page_in_english(box: Sandbox) -> None:
    english = course_screen(LearnerDesk(box, "hv001"), scams_check_factory, lang="en",
                            on_submit=lambda: None, current=LESSON, check=LESSON)
    goal = english.controls["check-goal"].value
    assert "Five things will happen" in goal and "tình huống" not in goal
    app = english.app
    assert app is not None
    assert app.controls["start-zalo"].description == "○ A Zalo message from a friend"
    app.controls["start-hospital"].click()
    assert "your " in app.controls["call-family"].description


# -- graded by nbgrader ------------------------------------------------------------------------

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_scams_check_is_graded_from_its_evidence(tmp_path: Path) -> None:
    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="scams-check-grading",
                             lessons=("scams", LESSON))
    try:
        walkthrough.walk(box, "hv001", "scams")
        walkthrough.walk(box, "hv001", LESSON)  # full marks
        walkthrough.walk(box, "hv002", LESSON, tasks=4)  # the last scene answered wrong
        learners.record_consent(box.store, clock, "hv003")  # hv003 did nothing
        for learner_id, _, _ in ROSTER:
            submissions.request(box.store, clock, learner_id, LESSON)
        submissions.request(box.store, clock, "hv001", "scams")
        scores = {(s.learner_id, s.lesson): s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {("hv001", LESSON): 10.0, ("hv002", LESSON): 8.0, ("hv003", LESSON): 0.0,
                      ("hv001", "scams"): 10.0}
