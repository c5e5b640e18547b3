"""Issue 20, point 1: an unaided check («Tự làm») per skill, graded by nbgrader from evidence.

The VNeID and payment checks: a fresh scenario drawn from the learner and the check, the
goal stated once, no help bar, refusals recorded and explained after «Nộp bài», the app
closed once handed in until the trainer resets the check (a retake draws another scenario),
and the grade from the check's evidence only, beside the practice's.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.simulators import attempts, bank, checks, learners, registry, submissions, walkthrough
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.bank_app import bank_check_factory
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.entry import CHECK_APPS, _apps
from bakhong.widgets.i18n import translator


def test_the_vneid_check_is_for_another_person_of_the_household(box: Sandbox) -> None:
    own = registry.persona_of_learner(box.store, "hv001")
    check = box.vneid_check("hv001")
    card = check.card()
    assert card.persona_id != own.persona_id and card.household_id == own.household_id
    assert box.vneid_check("hv001").card() == card  # the same, drawn from learner and check
    assert check.inbox() == []  # the practice's messages are not the check's
    walkthrough.walk(box, "hv001", "vneid_check")
    assert walkthrough.done_tasks(box, "hv001", "vneid_check") == set(checks.VNEID_CHECK.tasks)
    assert walkthrough.done_tasks(box, "hv001", "vneid") == set()  # practice untouched
    assert box.vneid("hv001").status().level == 0  # and the portal's login still waits


def test_the_payment_check_draws_its_own_scenario(box: Sandbox) -> None:
    learners.record_consent(box.store, box.clock, "hv002")
    first, second = box.bank_check("hv001"), box.bank_check("hv002")
    scenario = first.status().scenario
    assert scenario == box.bank_check("hv001").status().scenario  # deterministic
    assert {scenario["stall"], scenario["decoy"]} == {"stall", "fruit"}
    assert scenario != second.status().scenario
    codes = {c.key: c for c in first.merchant_codes()}
    decoy = codes[scenario["decoy"]]
    assert bank.SCAMMER.number in decoy.payload  # the other stall's code is stuck over
    assert bank.DIRECTORY[scenario["stall"]].number in codes[scenario["stall"]].payload
    goal = first.goal()
    assert goal.values["amount"] == bank.money(scenario["stall_amount"])


def test_mistakes_are_explained_after_the_hand_in_and_the_check_closes(box: Sandbox) -> None:
    app = box.bank_check("hv001")
    with pytest.raises(bank.InvalidPin):
        app.set_pin("1234", "1234")
    app.set_pin(walkthrough.BANK_PIN, walkthrough.BANK_PIN)
    s = app.status()
    app.scan(next(c.payload for c in app.merchant_codes() if c.key == s.scenario["decoy"]))
    app.review(s.scenario["decoy_amount"])
    app.authorise(walkthrough.BANK_PIN)  # paid the scammer
    app.done()
    app.scan(next(c.payload for c in app.merchant_codes() if c.key == s.scenario["stall"]))
    app.review(s.scenario["stall_amount"] + 1000)  # the wrong amount
    app.authorise(walkthrough.BANK_PIN)
    app.done()
    assert [(m.code, m.count) for m in app.mistakes()] == [
        ("bank.pin_invalid", 1), ("paid_scammer", 1), (checks.WRONG_AMOUNT, 1)]
    assert walkthrough.done_tasks(box, "hv001", "payment_check") == set()
    assert not app.finished()
    submissions.request(box.store, box.clock, "hv001", "payment_check")
    assert app.finished()
    with pytest.raises(checks.CheckClosed):
        app.scan(app.merchant_codes()[0].payload)
    assert len(app.mistakes()) == 3  # a refusal after the hand-in is not a mistake

    # the trainer lets the resident retake it: open again, another scenario
    attempts.reset_attempt(box.store, box.clock, "hv001", "payment_check")
    again = box.bank_check("hv001")
    assert not again.finished() and again.mistakes() == []
    assert again.status().step is bank.Step.SETUP
    assert again.status().scenario != s.scenario


def page(box: Sandbox, lesson: str, lang: str = "vi") -> CourseHandles:
    """The check's course page for hv001, as ``show_lesson`` builds it."""
    desk = LearnerDesk(box, "hv001")

    def submit() -> str:
        desk.submit(lesson)
        return "ok"
    return course_screen(desk, _apps()[lesson], lang=lang,  # type: ignore[arg-type]
                         on_submit=submit, current=lesson, check=CHECK_APPS[lesson])


def test_the_check_page_states_the_goal_and_gives_no_help(box: Sandbox) -> None:
    course = page(box, "vneid_check")
    assert course.app is not None
    name = box.vneid_check("hv001").card().full_name
    assert name in course.controls["check-goal"].value
    assert "bk-common-lesson-text" not in str(course.root.children)  # the goal instead
    view = course.app.view  # type: ignore[attr-defined]
    assert view.helpbar.root.layout.display == "none"
    assert course.controls["check-review"].layout.display == "none"
    course.app.controls["go-register"].click()
    for _ in range(3):  # refused again and again: no hint is offered
        course.app.controls["register"].click()
    assert view.helpbar.root.layout.display == "none" and not view.helpbar.is_open
    course.controls["submit"].click()
    review = course.controls["check-review"]
    assert review.layout.display == "" and "(số lần: 3)" in review.value
    assert course.controls["submit"].layout.display == "none"
    reopened = page(box, "vneid_check")  # a reload shows the review, no second hand-in
    assert reopened.controls["submit"].layout.display == "none"
    assert "(số lần: 3)" in reopened.controls["check-review"].value


def test_the_payment_check_page_has_no_task_list(box: Sandbox) -> None:
    course = page(box, "payment_check")
    assert course.app is not None and "tasks" not in course.app.controls
    assert "Chỉ trả khi tên người nhận đúng" in course.controls["check-goal"].value
    english = course_screen(LearnerDesk(box, "hv001"), bank_check_factory, lang="en",
                            on_submit=lambda: None, current="payment_check", check="bank_check")
    assert "Pay only when the payee" in english.controls["check-goal"].value
    assert translator("en")(checks.CheckClosed.message) != checks.CheckClosed.message


@pytest.mark.slow
def test_checks_are_graded_by_nbgrader_beside_the_practice(tmp_path: Path) -> None:
    roster = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long")]
    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, roster, clock=clock, seed="graded-checks",
                             lessons=("vneid", "vneid_check", "payment_check"))
    try:
        walkthrough.walk(box, "hv001", "vneid")
        walkthrough.walk(box, "hv001", "vneid_check")
        walkthrough.walk(box, "hv001", "payment_check")
        walkthrough.walk(box, "hv002", "vneid_check", tasks=2)  # never reached level 2
        walkthrough.walk(box, "hv002", "payment_check", tasks=2)
        app = box.bank_check("hv002")  # and then paid the code stuck over the other stall's
        s = app.status()
        app.scan(next(c.payload for c in app.merchant_codes() if c.key == s.scenario["decoy"]))
        app.review(s.scenario["decoy_amount"])
        app.authorise(walkthrough.BANK_PIN)
        for learner_id, _, _ in roster:
            for lesson in ("vneid", "vneid_check", "payment_check"):
                submissions.request(box.store, clock, learner_id, lesson)
        scores = {(s.learner_id, s.lesson): s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {
        ("hv001", "vneid"): 5.0, ("hv001", "vneid_check"): 5.0, ("hv001", "payment_check"): 6.0,
        ("hv002", "vneid"): 0.0, ("hv002", "vneid_check"): 3.0, ("hv002", "payment_check"): 4.0}


@pytest.mark.parametrize("lesson", list(CHECK_APPS))
def test_a_check_app_has_no_help_bar_wherever_it_is_built(box: Sandbox, lesson: str) -> None:
    app = _apps()[lesson](LearnerDesk(box, "hv001"), translator("vi"))
    assert app.view.helpbar.root.layout.display == "none"  # type: ignore[attr-defined]
    assert app.view.unaided  # type: ignore[attr-defined]


def test_the_dashboard_states_the_rule_it_counts_trained_by(box: Sandbox) -> None:
    from bakhong.widgets.dashboard import dashboard

    shown = dashboard(box).commune_bars.value
    assert ("Đã học = đạt Tự làm VNeID, Tự làm QR, Tự làm hồ sơ, Tự làm ký số, An toàn: mỗi bài "
            "ít nhất 80% số điểm") in shown
    english = dashboard(box, lang="en", core_lessons=("vneid",), pass_mark=0.9)
    assert "Trained = passed VNeID: at least 90% of the points" in english.commune_bars.value
