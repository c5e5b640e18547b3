"""Issue 20: the everyday VNeID check («Tự làm 7»), lesson 7's app with a fresh scenario, no
help, its mistakes recorded quietly and explained after «Nộp bài», graded by nbgrader from its
own evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.simulators import (
    attempts,
    checks,
    evidence,
    learners,
    submissions,
    vneid_daily,
    vneid_daily_check,
    walkthrough,
    wire,
)
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.vneid_daily import BHYT, CCCD, GPLX, Step
from bakhong.simulators.vneid_daily_check import (
    CHECK_COUNTERS,
    CHECK_PROCEDURES,
    NotAccepted,
    VneidDailyCheckSimulator,
)
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.entry import CHECK_APPS, LESSON_TITLES, _apps
from bakhong.widgets.i18n import translator
from bakhong.widgets.vneid_daily_app import VneidDailyAppHandles, vneid_daily_check_factory

LESSON = "vneid_daily_check"


def mistakes(app: VneidDailyCheckSimulator) -> list[tuple[str, int]]:
    return [(m.code, m.count) for m in app.mistakes()]


def scenario(app: VneidDailyCheckSimulator) -> tuple[object, ...]:
    s = app.scenario()
    return app.persona.persona_id, tuple(s["papers"]), s["counter"], s["procedure"]


def test_a_fresh_scenario_other_than_the_practice(box: Sandbox) -> None:
    learners.record_consent(box.store, box.clock, "hv002")
    practice = box.vneid_daily("hv001")
    check = box.vneid_daily_check("hv001")
    assert scenario(check) == scenario(box.vneid_daily_check("hv001"))  # drawn, then kept
    assert check.persona.persona_id != practice.persona.persona_id  # another adult
    assert check.persona.household_id == practice.persona.household_id
    status = check.status()
    assert status.counter in CHECK_COUNTERS and status.target in CHECK_PROCEDURES
    assert practice.status().counter == vneid_daily.CLINIC
    assert practice.status().target == vneid_daily.NEWBORN_PROCEDURE
    papers = tuple(check.scenario()["papers"])
    assert status.wallet == tuple(p for p in vneid_daily.PAPERS if p not in papers)
    assert check.papers()[GPLX].number != practice.papers()[GPLX].number
    assert not status.own_account and status.done == frozenset()
    goal = check.goal()
    assert goal.values["name"] == check.persona.full_name
    # across learners, the draws cover more than one counter and procedure
    drawn = {scenario(box.vneid_daily_check(learner_id))[2:]
             for learner_id in ("hv001", "hv002")}
    assert drawn  # each learner's own
    # the practice's passcode does not open the check's account, the card's does
    with pytest.raises(vneid_daily.WrongPasscode):
        check.login(practice.card_passcode())
    check.login(check.card_passcode())
    assert check.status().step is Step.HOME


def test_each_mistake_is_quiet_then_explained_at_the_end_and_tasks_still_earned(
        box: Sandbox) -> None:
    app = box.vneid_daily_check("hv001")
    s = app.scenario()
    app.login(app.card_passcode())
    app.go(Step.WALLET)
    for kind in s["papers"]:
        app.go(Step.ADD_PAPER)
        if kind == GPLX:
            with pytest.raises(vneid_daily.NotOnCard):
                app.find_paper(GPLX, "123456789012")
        app.find_paper(kind, app.papers()[kind].number)
        app.confirm_paper()
    app.go(Step.HOME)
    app.start_clinic()
    with pytest.raises(NotAccepted) as screenshot:  # said without the reason
        app.clinic_answer(vneid_daily.SCREENSHOT)
    assert "chụp" not in str(screenshot.value)
    app.go(Step.WALLET)
    app.open_paper(GPLX)
    with pytest.raises(NotAccepted):
        app.clinic_answer(vneid_daily.SHOW_QR)  # the licence shown
    app.go(Step.WALLET)
    app.open_paper(BHYT)
    app.clinic_answer(vneid_daily.SHOW_QR)
    app.go(Step.WALLET)
    app.go(Step.HOME)
    app.go(Step.PROCEDURES)
    with pytest.raises(NotAccepted) as wrong:  # the practice's procedure
        app.choose_procedure(vneid_daily.NEWBORN_PROCEDURE)
    assert "khai sinh" not in str(wrong.value)
    app.choose_procedure(s["procedure"])
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(checks.VNEID_DAILY_CHECK.tasks)
    assert walkthrough.done_tasks(box, "hv001", "vneid_daily") == set()  # practice untouched
    found = mistakes(app)
    expected = [("vneid_daily.screenshot", 1), ("vneid_daily.wrong_paper", 1),
                ("vneid_daily.wrong_procedure", 1)]
    if GPLX in s["papers"]:
        expected.insert(0, ("vneid_daily.not_on_card", 1))
    assert found == expected
    explained = [m.explanation for m in app.mistakes()]
    assert checks.OTHER_MISTAKE not in explained  # each one has its own plain words
    assert not app.finished()
    submissions.request(box.store, box.clock, "hv001", LESSON)
    assert app.finished()
    with pytest.raises(checks.CheckClosed):
        app.go(Step.HOME)
    assert mistakes(app) == found  # nothing after the hand-in counts

    # the trainer's reset: the next draw, a fresh app, the evidence kept
    attempts.reset_attempt(box.store, box.clock, "hv001", LESSON)
    again = box.vneid_daily_check("hv001")
    assert not again.finished() and again.mistakes() == []
    assert again.status().step is Step.LOGIN and again.status().done == frozenset()
    assert CCCD in again.status().wallet
    kept = evidence.learner_events(box.store, "hv001", LESSON)
    assert sum(e.outcome != evidence.OK for e in kept) >= 3


def test_every_refusal_code_of_lesson_7_is_explained() -> None:
    codes = {kind.code for kind in vars(vneid_daily).values()
             if isinstance(kind, type) and issubclass(kind, vneid_daily.DailyMistake)
             and kind is not vneid_daily.DailyMistake}
    assert codes <= set(checks.VNEID_DAILY_CHECK.explanations) | \
        checks.VNEID_DAILY_CHECK.not_mistakes
    en = translator("en")
    for text in checks.VNEID_DAILY_CHECK.explanations.values():
        assert en(text) != text, text
    for quiet in vneid_daily_check._QUIET.values():  # a page's desk rebuilds each one
        found = wire.decode_error(wire.encode_error(quiet()))
        assert type(found) is quiet and found.code in checks.VNEID_DAILY_CHECK.explanations
    assert en(NotAccepted.message) != NotAccepted.message


def test_the_check_is_in_the_course() -> None:
    assert LESSON_TITLES[LESSON] == "Tự làm 7: Dùng VNeID hằng ngày"
    titles = list(LESSON_TITLES)
    assert titles.index(LESSON) == titles.index("vneid_daily") + 1
    assert CHECK_APPS[LESSON] == LESSON
    assert attempts.LESSON_FLOWS[LESSON] == (LESSON,)


def test_the_walkthrough_does_the_check(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", LESSON)
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(checks.VNEID_DAILY_CHECK.tasks)
    assert box.vneid_daily_check("hv001").mistakes() == []


# -- the page -------------------------------------------------------------------------------

def page(box: Sandbox, lang: str = "vi") -> CourseHandles:
    desk = LearnerDesk(box, "hv001")

    def submit() -> str:
        desk.submit(LESSON)
        return "ok"
    return course_screen(desk, _apps()[LESSON], lang=lang,  # type: ignore[arg-type]
                         on_submit=submit, current=LESSON, check=CHECK_APPS[LESSON])


def test_the_check_page_names_the_drawn_person_and_gives_no_help(box: Sandbox) -> None:
    course = page(box)
    app = course.app
    assert isinstance(app, VneidDailyAppHandles) and "tasks" not in app.controls
    assert app.view.helpbar.root.layout.display == "none"
    check = box.vneid_daily_check("hv001")
    assert app.view.persona == check.card()  # the drawn person's card, not the learner's
    assert check.card().persona_id != box.vneid_daily("hv001").persona.persona_id
    goal = course.controls["check-goal"].value
    assert check.persona.full_name in goal and "phòng khám" not in goal
    app.controls["passcode"].value = "000000"
    app.controls["login"].click()
    app.controls["passcode"].value = check.card_passcode()
    app.controls["login"].click()
    assert "phòng khám" not in app.controls["go-clinic"].description
    app.controls["go-clinic"].click()
    app.controls["clinic-screenshot"].click()  # refused, without the reason
    assert app.view.helpbar.root.layout.display == "none" and not app.view.helpbar.is_open
    course.controls["submit"].click()
    review = course.controls["check-review"]
    assert review.layout.display == ""
    assert "Đã đưa ảnh chụp màn hình thẻ" in review.value
    assert "Passcode gõ chưa đúng" in review.value


def test_the_check_page_in_english(box: Sandbox) -> None:
    english = course_screen(LearnerDesk(box, "hv001"), vneid_daily_check_factory, lang="en",
                            on_submit=lambda: None, current=LESSON, check=LESSON)
    goal = english.controls["check-goal"].value
    assert "Wallet" in goal or "wallet" in goal
    assert "Ví giấy tờ" not in goal


# -- graded by nbgrader ------------------------------------------------------------------------

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_vneid_daily_check_is_graded_from_its_evidence(tmp_path: Path) -> None:
    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="vneid-daily-check-grading",
                             lessons=("vneid_daily", LESSON))
    try:
        walkthrough.walk(box, "hv001", "vneid_daily")
        walkthrough.walk(box, "hv001", LESSON)  # full marks
        walkthrough.walk(box, "hv002", LESSON, tasks=2)  # the wallet and the counter, then
        # the practice's procedure picked: a mistake, and handed in
        assert ("vneid_daily.wrong_procedure", 1) in mistakes(box.vneid_daily_check("hv002"))
        learners.record_consent(box.store, clock, "hv003")  # hv003 did nothing
        for learner_id, _, _ in ROSTER:
            submissions.request(box.store, clock, learner_id, LESSON)
        submissions.request(box.store, clock, "hv001", "vneid_daily")
        scores = {(s.learner_id, s.lesson): s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {("hv001", LESSON): 6.0, ("hv002", LESSON): 4.0, ("hv003", LESSON): 0.0,
                      ("hv001", "vneid_daily"): 6.0}


def test_show_lesson_builds_the_check_page(box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lesson page's own entry (a course lesson, not a workshop's variant) builds it."""
    from bakhong.widgets import entry

    monkeypatch.setattr(entry, "learner_desk", lambda code, page_pass="": LearnerDesk(box, "hv001"))
    course = entry.show_lesson(LESSON, "", "vi")
    assert isinstance(course, CourseHandles) and isinstance(course.app, VneidDailyAppHandles)
    assert "check-goal" in course.controls
