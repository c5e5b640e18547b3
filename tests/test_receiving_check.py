"""Issue 20: the receiving check («Tự làm 6»), lesson 6's app with a fresh scenario, no help,
its mistakes explained after «Nộp bài», graded by nbgrader from its own evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.simulators import (
    attempts,
    bank,
    checks,
    evidence,
    learners,
    receiving,
    submissions,
    walkthrough,
)
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.receiving import ALLOWANCE, BUYER
from bakhong.simulators.receiving_check import ALLOWANCE_AMOUNTS, ReceivingCheckSimulator
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.entry import CHECK_APPS, LESSON_TITLES, _apps
from bakhong.widgets.i18n import translator
from bakhong.widgets.receiving_app import ReceivingAppHandles, receiving_check_factory

LESSON = "receiving_check"


def mistakes(app: ReceivingCheckSimulator) -> list[tuple[str, int]]:
    return [(m.code, m.count) for m in app.mistakes()]


def test_a_fresh_scenario_other_than_the_practice(box: Sandbox) -> None:
    learners.record_consent(box.store, box.clock, "hv002")
    practice = box.receiving("hv001").status().scenario
    check = box.receiving_check("hv001")
    scenario = check.status().scenario
    assert scenario == box.receiving_check("hv001").status().scenario  # drawn, then kept
    assert scenario != box.receiving_check("hv002").status().scenario
    cast = scenario["cast"]
    holders = {cast[k]["holder"] for k in ("buyer", "fake_buyer", "allowance")}
    assert len(holders) == 3
    assert not holders & {p.holder for p in receiving.SENDERS.values()}
    assert scenario["allowance_amount"] in ALLOWANCE_AMOUNTS
    assert scenario["allowance_amount"] != practice["allowance_amount"]
    # the check's allowance is paid by its own sender, into the same account
    paid = {r.payer_name: r.amount for r in check.incoming()}
    assert paid == {cast["allowance"]["holder"]: scenario["allowance_amount"]}
    assert check.status().balance == (bank.OPENING_BALANCE + practice["allowance_amount"]
                                      + scenario["allowance_amount"])
    goal = check.goal()
    assert goal.values["buyer"] == cast["buyer"]["who"]
    assert goal.values["price"] == bank.money(scenario["price"])
    assert receiving.scene(scenario)["fake_goods"] == cast["fake_buyer"]["goods"]


def test_each_mistake_is_recorded_explained_at_the_end_and_tasks_still_earned(
        box: Sandbox) -> None:
    app = box.receiving_check("hv001")
    s = app.status().scenario
    app.buyer_scan()
    with pytest.raises(receiving.NotArrived):  # the goods before looking
        app.confirm_sale(s["price"], BUYER.key)
    app.open_history()
    with pytest.raises(receiving.WrongSender):  # the practice's allowance sender chosen
        app.confirm_sale(s["price"], ALLOWANCE.key)
    app.confirm_sale(s["price"], BUYER.key)
    with pytest.raises(receiving.WrongAmount):
        app.answer_allowance(s["allowance_amount"] + 1000, ALLOWANCE.key)
    app.answer_allowance(s["allowance_amount"], ALLOWANCE.key)
    app.start_fake()
    with pytest.raises(receiving.HandedOnScreenshot):
        app.answer_fake(True)
    app.open_history()
    app.answer_fake(False)
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(checks.RECEIVING_CHECK.tasks)
    assert walkthrough.done_tasks(box, "hv001", "receiving") == set()  # practice untouched
    found = mistakes(app)
    assert found == [("receiving.not_arrived", 1), ("receiving.wrong_sender", 1),
                     ("receiving.wrong_amount", 1), ("receiving.handed_on_screenshot", 1)]
    explained = [m.explanation for m in app.mistakes()]
    assert checks.OTHER_MISTAKE not in explained  # each one has its own plain words
    en = translator("en")
    assert all(en(text) != text for text in explained)
    assert not app.finished()
    submissions.request(box.store, box.clock, "hv001", LESSON)
    assert app.finished()
    with pytest.raises(checks.CheckClosed):
        app.open_history()
    assert mistakes(app) == found  # nothing after the hand-in counts

    # the trainer's reset: another scenario, its allowance paid once, nothing lost
    balance = app.status().balance
    attempts.reset_attempt(box.store, box.clock, "hv001", LESSON)
    again = box.receiving_check("hv001")
    assert not again.finished() and again.mistakes() == []
    assert again.status().scenario["cast"] != s["cast"] or \
        again.status().scenario["price"] != s["price"]
    drawn = again.status().scenario
    assert drawn["cast"]["allowance"] == s["cast"]["allowance"]  # the learner's sender
    assert drawn["allowance_amount"] == s["allowance_amount"]  # found in the ledger
    assert again.status().balance == balance  # not paid twice
    assert [r.amount for r in again.incoming()] == [s["allowance_amount"]]
    kept = evidence.learner_events(box.store, "hv001", LESSON)
    assert sum(e.outcome != evidence.OK for e in kept) >= 4


def test_every_refusal_code_of_lesson_6_is_explained() -> None:
    codes = {kind.code for kind in vars(receiving).values()
             if isinstance(kind, type) and issubclass(kind, receiving.ReceivingMistake)
             and kind is not receiving.ReceivingMistake}
    codes.add(receiving.NotInThisLesson.code)
    assert codes <= set(checks.RECEIVING_CHECK.explanations)
    en = translator("en")
    for text in checks.RECEIVING_CHECK.explanations.values():
        assert en(text) != text, text


def test_the_walk_earns_the_check_and_it_is_in_the_course() -> None:
    assert LESSON_TITLES[LESSON] == "Tự làm 6: Nhận tiền vào tài khoản"
    titles = list(LESSON_TITLES)
    assert titles.index(LESSON) == titles.index("receiving") + 1
    assert CHECK_APPS[LESSON] == LESSON
    assert attempts.LESSON_FLOWS[LESSON] == (LESSON,)


def test_the_walkthrough_does_the_check(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", LESSON)
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(checks.RECEIVING_CHECK.tasks)
    assert box.receiving_check("hv001").mistakes() == []


# -- the page -------------------------------------------------------------------------------

def page(box: Sandbox, lang: str = "vi") -> CourseHandles:
    desk = LearnerDesk(box, "hv001")

    def submit() -> str:
        desk.submit(LESSON)
        return "ok"
    return course_screen(desk, _apps()[LESSON], lang=lang,  # type: ignore[arg-type]
                         on_submit=submit, current=LESSON, check=CHECK_APPS[LESSON])


def test_the_check_page_names_the_drawn_people_and_gives_no_help(box: Sandbox) -> None:
    course = page(box)
    app = course.app
    assert isinstance(app, ReceivingAppHandles) and "tasks" not in app.controls
    assert app.view.helpbar.root.layout.display == "none"
    cast = box.receiving_check("hv001").status().scenario["cast"]
    goal = course.controls["check-goal"].value
    assert cast["buyer"]["who"] in goal and "Tâm" not in goal
    fake = cast["fake_buyer"]["who"]
    assert fake[:1].upper() + fake[1:] in app.controls["go-fake"].description
    app.controls["go-my-qr"].click()
    app.controls["buyer-scan"].click()
    sender = app.controls["sale-sender"]
    assert cast["buyer"]["holder"] in [label for label, _ in sender.options]
    app.controls["hand-goods"].click()  # before the history was opened: refused
    app.controls["hand-goods"].click()
    app.controls["hand-goods"].click()
    assert app.view.helpbar.root.layout.display == "none" and not app.view.helpbar.is_open
    course.controls["submit"].click()
    review = course.controls["check-review"]
    assert review.layout.display == "" and "(số lần: 3)" in review.value
    assert "Đã định giao hàng khi tiền chưa về tài khoản" in review.value


def test_the_check_page_in_english(box: Sandbox) -> None:
    english = course_screen(LearnerDesk(box, "hv001"), receiving_check_factory, lang="en",
                            on_submit=lambda: None, current=LESSON, check=LESSON)
    goal = english.controls["check-goal"].value
    assert "At the market" in goal and "chợ" not in goal
    assert english.app is not None
    assert " buys " in english.app.controls["go-fake"].description


# -- graded by nbgrader ------------------------------------------------------------------------

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_receiving_check_is_graded_from_its_evidence(tmp_path: Path) -> None:
    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="receiving-check-grading",
                             lessons=("receiving", LESSON))
    try:
        walkthrough.walk(box, "hv001", "receiving")
        walkthrough.walk(box, "hv001", LESSON)  # full marks
        walkthrough.walk(box, "hv002", LESSON, tasks=1)  # the sale only, then
        partly = box.receiving_check("hv002")
        partly.start_fake()
        with pytest.raises(receiving.HandedOnScreenshot):
            partly.answer_fake(True)  # handed the goods on the screenshot
        learners.record_consent(box.store, clock, "hv003")  # hv003 did nothing
        for learner_id, _, _ in ROSTER:
            submissions.request(box.store, clock, learner_id, LESSON)
        submissions.request(box.store, clock, "hv001", "receiving")
        scores = {(s.learner_id, s.lesson): s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {("hv001", LESSON): 6.0, ("hv002", LESSON): 2.0, ("hv003", LESSON): 0.0,
                      ("hv001", "receiving"): 6.0}
