"""Issue 20: the bills check («Tự làm 9»), lesson 9's app with a fresh scenario, no help,
its mistakes not explained before «Nộp bài» and explained after, graded by nbgrader from its
own evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bakhong.grading import grader, workshop
from bakhong.simulators import (
    attempts,
    bank,
    bills,
    checks,
    evidence,
    learners,
    submissions,
    walkthrough,
)
from bakhong.simulators.bills_check import (
    NEIGHBOURS,
    STRANGER_AMOUNTS,
    STRANGERS,
    BillsCheckSimulator,
    NotAccepted,
)
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.errors import NotInSandbox
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.store import payments
from bakhong.widgets.bills_app import BillsAppHandles, bills_check_factory
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.entry import CHECK_APPS, LESSON_TITLES, _apps
from bakhong.widgets.i18n import translator

LESSON = "bills_check"
PIN = walkthrough.BANK_PIN
#: What a refusal says before «Nộp bài» when it would tell the right choice.
QUIET = "Không được chấp nhận. Hãy thử cách khác."


def mistakes(app: BillsCheckSimulator) -> list[tuple[str, int]]:
    return [(m.code, m.count) for m in app.mistakes()]


def ready(box: Sandbox, learner_id: str = "hv001") -> BillsCheckSimulator:
    app = box.bills_check(learner_id)
    if app.status().step is bank.Step.SETUP:
        app.set_pin(PIN, PIN)
    return app


def bill_payments(box: Sandbox, learner_id: str = "hv001") -> list[str]:
    with box.store.engine.connect() as conn:
        return [r.message for r in conn.execute(sa.select(payments.c.message).where(
            (payments.c.learner_id == learner_id) & (payments.c.channel == "bill")))]


def test_a_fresh_scenario_other_than_the_practice(box: Sandbox) -> None:
    learners.record_consent(box.store, box.clock, "hv002")
    practice = box.bills("hv001").status().scenario
    check = box.bills_check("hv001")
    scenario = check.status().scenario
    assert scenario == box.bills_check("hv001").status().scenario  # drawn, then kept
    assert scenario != box.bills_check("hv002").status().scenario
    codes = ("own_power", "neighbour_power", "own_water", "neighbour_water")
    assert not {scenario[k] for k in codes} & {practice[k] for k in codes}
    assert scenario["neighbour"] in NEIGHBOURS and scenario["neighbour"] != bills.NEIGHBOUR
    assert scenario["stranger"] in STRANGERS and scenario["stranger"] != bills.STRANGER_PHONE
    assert scenario["stranger_amount"] in STRANGER_AMOUNTS
    # the neighbour's bills carry the drawn neighbour's name; the stranger's SMS is in the inbox
    own, other, _water, other_water = check.paper_bills()
    assert own.customer_name == check.holder
    assert other.customer_name == other_water.customer_name == scenario["neighbour"]
    sender, body, _at = check.inbox()[-1]
    assert sender == scenario["stranger"] and scenario["stranger"] in body
    goal = check.goal()
    assert goal.values == {"holder": check.holder, "period": scenario["period"]}
    # a page's desk calls the check's app, not the lesson's
    assert LearnerDesk(box, "hv001").call(LESSON, "status").scenario == scenario


def test_each_mistake_is_recorded_quietly_explained_at_the_end_and_tasks_still_earned(
        box: Sandbox) -> None:
    app = ready(box)
    s = app.status().scenario
    power, other_power, water, other_water = app.paper_bills()
    app.lookup_bill(bills.ELECTRICITY.key, other_power.customer_code)
    with pytest.raises(NotAccepted) as refused:  # the neighbour's bill: no reason given
        app.pay_bill(PIN)
    assert refused.value.message == QUIET
    with pytest.raises(NotAccepted):  # a limit under the usual water bill
        app.register_auto_debit(bills.WATER.key, water.customer_code, s["water_usual"] - 1000,
                                PIN)
    with pytest.raises(NotAccepted):  # the neighbour's water code
        app.register_auto_debit(bills.WATER.key, other_water.customer_code, 500_000, PIN)
    with pytest.raises(NotAccepted):  # the stranger's SMS believed
        app.top_up_phone(s["stranger"], s["stranger_amount"], PIN)
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set()
    balance = app.status().balance
    assert bill_payments(box) == []  # nothing paid for the neighbour or the stranger
    # then right: every task earned all the same (no dead end)
    app.lookup_bill(bills.ELECTRICITY.key, power.customer_code)
    app.pay_bill(PIN)
    app.register_auto_debit(bills.WATER.key, water.customer_code, s["water_usual"] + 50_000,
                            PIN)
    app.top_up_phone(app.my_phone(), 20_000, PIN)
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(bills.TASKS)
    assert app.status().done == frozenset(bills.TASKS)
    assert walkthrough.done_tasks(box, "hv001", "bills") == set()  # practice untouched
    assert app.status().balance == balance - s["power_amount"] - 20_000
    found = mistakes(app)
    assert found == [("bills.not_your_bill", 2), ("bills.limit_too_low", 1),
                     ("bills.top_up_stranger", 1)]
    explained = [m.explanation for m in app.mistakes()]
    assert checks.OTHER_MISTAKE not in explained  # each one has its own plain words
    en = translator("en")
    assert all(en(text) != text for text in explained)
    assert not app.finished()
    submissions.request(box.store, box.clock, "hv001", LESSON)
    assert app.finished()
    with pytest.raises(checks.CheckClosed):
        app.top_up_phone(app.my_phone(), 20_000, PIN)
    assert mistakes(app) == found  # nothing after the hand-in counts


def test_no_dead_ends_every_mistake_then_right(box: Sandbox) -> None:
    """Every refusal the check's app has, then the right action: every task is earned, each
    refusal is a mistake with its own plain words, and no money moved for a refused one."""
    app = ready(box)
    s = app.status().scenario
    power, other_power, water, other_water = app.paper_bills()
    balance = app.status().balance
    with pytest.raises(bills.NothingLookedUp):
        app.pay_bill(PIN)
    with pytest.raises(bills.NoCompany):
        app.lookup_bill(None, power.customer_code)
    with pytest.raises(bills.UnknownCustomer):
        app.lookup_bill(bills.ELECTRICITY.key, "PE99000000000")
    app.lookup_bill(bills.WATER.key, water.customer_code)
    with pytest.raises(NotAccepted):  # the water bill paid as a bill
        app.pay_bill(PIN)
    app.lookup_bill(bills.ELECTRICITY.key, power.customer_code)
    with pytest.raises(bills.WrongPin):
        app.pay_bill("000000")
    app.lookup_bill(bills.ELECTRICITY.key, other_power.customer_code)
    with pytest.raises(NotAccepted):  # the neighbour's bill
        app.pay_bill(PIN)
    with pytest.raises(NotAccepted):  # the electricity company on automatic payment
        app.register_auto_debit(bills.ELECTRICITY.key, power.customer_code, 300_000, PIN)
    with pytest.raises(bank.InvalidAmount):
        app.register_auto_debit(bills.WATER.key, water.customer_code, "ba trăm", PIN)
    with pytest.raises(bank.OverLimit):
        app.register_auto_debit(bills.WATER.key, water.customer_code, 10**12, PIN)
    with pytest.raises(NotAccepted):  # the neighbour's water code
        app.register_auto_debit(bills.WATER.key, other_water.customer_code, 300_000, PIN)
    with pytest.raises(NotAccepted):  # a limit under the usual bill
        app.register_auto_debit(bills.WATER.key, water.customer_code, 1000, PIN)
    with pytest.raises(bills.InvalidTopUp):
        app.top_up_phone(app.my_phone(), 30_000, PIN)
    with pytest.raises(NotInSandbox):
        app.top_up_phone("0912345678", 50_000, PIN)
    other = next(n for n in ("0100123456", "0100123457") if n != app.my_phone())
    with pytest.raises(NotAccepted):  # another sandbox number
        app.top_up_phone(other, 50_000, PIN)
    with pytest.raises(NotAccepted):  # the stranger's
        app.top_up_phone(s["stranger"], s["stranger_amount"], PIN)
    assert app.status().balance == balance and app.status().done == frozenset()
    app.lookup_bill(bills.ELECTRICITY.key, power.customer_code)
    app.pay_bill(PIN)
    app.register_auto_debit(bills.WATER.key, water.customer_code, 300_000, PIN)
    app.top_up_phone(app.my_phone(), 50_000, PIN)
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(bills.TASKS)
    found = {m.code: m for m in app.mistakes()}
    assert set(found) == {
        "bills.nothing_looked_up", "bills.no_company", "bills.unknown_customer",
        "bills.not_electricity", "bills.wrong_pin", "bills.not_your_bill", "bills.not_water",
        "bank.amount_invalid", "bank.over_limit", "bills.limit_too_low",
        "bills.invalid_top_up", "sandbox.not_persona", "bills.not_your_number",
        "bills.top_up_stranger"}
    assert all(m.explanation != checks.OTHER_MISTAKE for m in found.values())


def test_a_retake_draws_other_bills_and_never_pays_one_twice(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", "bills")  # the practice's bill paid from the same account
    walkthrough.walk(box, "hv001", LESSON)
    first = box.bills_check("hv001").status().scenario
    submissions.request(box.store, box.clock, "hv001", LESSON)
    paid = bill_payments(box)
    assert len(paid) == len(set(paid)) == 2
    balance = box.bills_check("hv001").status().balance

    attempts.reset_attempt(box.store, box.clock, "hv001", LESSON)
    again = box.bills_check("hv001")
    assert not again.finished() and again.mistakes() == []
    drawn = again.status().scenario
    assert drawn["own_power"] != first["own_power"] and drawn["power_paid"] is None
    assert again.status().balance == balance  # the reset moves no money
    assert again.status().done == frozenset()  # the last attempt's tasks are not this one's
    # the last attempt's bill is not this attempt's: not found, not paid again
    if again.status().step is bank.Step.SETUP:
        again.set_pin(PIN, PIN)
    with pytest.raises(bills.UnknownCustomer):
        again.lookup_bill(bills.ELECTRICITY.key, first["own_power"])
    power, _other, water, _other_water = again.paper_bills()
    again.lookup_bill(bills.ELECTRICITY.key, power.customer_code)
    again.pay_bill(PIN)
    again.register_auto_debit(bills.WATER.key, water.customer_code, 300_000, PIN)
    again.top_up_phone(again.my_phone(), 50_000, PIN)
    assert again.status().done == frozenset(bills.TASKS)
    paid = bill_payments(box)
    assert len(paid) == len(set(paid)) == 3  # one more bill, each paid once
    assert again.status().balance == balance - drawn["power_amount"] - 50_000
    kept = evidence.learner_events(box.store, "hv001", LESSON)
    assert sum(e.task == evidence.RESET for e in kept) == 1


def test_a_bill_already_in_the_ledger_is_never_paid_again(box: Sandbox) -> None:
    app = ready(box)
    power = app.paper_bills()[0]
    app.lookup_bill(bills.ELECTRICITY.key, power.customer_code)
    app.pay_bill(PIN)
    # the saved state lost (as if a retake drew the same bill): the ledger still says paid
    with box.store.engine.begin() as conn:
        state = app._load(conn)
        state["scenario"]["power_paid"] = None
        app._save(conn, state)
    balance = app.status().balance
    app.lookup_bill(bills.ELECTRICITY.key, power.customer_code)
    with pytest.raises(bills.AlreadyPaid):
        app.pay_bill(PIN)
    assert app.status().balance == balance and len(bill_payments(box)) == 1


def test_every_refusal_code_of_lesson_9_is_explained() -> None:
    codes = {kind.code for kind in vars(bills).values()
             if isinstance(kind, type) and issubclass(kind, bills.BillsMistake)
             and kind is not bills.BillsMistake}
    codes.add(bills.NotInThisLesson.code)
    assert codes <= set(checks.BILLS_CHECK.explanations)
    en = translator("en")
    for text in checks.BILLS_CHECK.explanations.values():
        assert en(text) != text, text


def test_the_check_is_in_the_course() -> None:
    assert LESSON_TITLES[LESSON] == "Tự làm 9: Trả hóa đơn hằng tháng"
    titles = list(LESSON_TITLES)
    assert titles.index(LESSON) == titles.index("bills") + 1
    assert CHECK_APPS[LESSON] == LESSON
    assert attempts.LESSON_FLOWS[LESSON] == (LESSON,)
    assert LESSON not in __import__("bakhong.grading.settings",
                                    fromlist=["x"]).DEFAULT_CORE_LESSONS


def test_the_walkthrough_does_the_check(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", LESSON)
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(bills.TASKS)
    assert box.bills_check("hv001").mistakes() == []
    walkthrough.walk(box, "hv002", LESSON, tasks=2)  # the stranger's number, then handed in
    assert walkthrough.done_tasks(box, "hv002", LESSON) == {bills.TASK_ELECTRICITY,
                                                            bills.TASK_AUTO}
    assert mistakes(box.bills_check("hv002")) == [("bills.top_up_stranger", 1)]


# -- the page -------------------------------------------------------------------------------

def page(box: Sandbox, lang: str = "vi") -> CourseHandles:
    desk = LearnerDesk(box, "hv001")

    def submit() -> str:
        desk.submit(LESSON)
        return "ok"
    return course_screen(desk, _apps()[LESSON], lang=lang,  # type: ignore[arg-type]
                         on_submit=submit, current=LESSON, check=CHECK_APPS[LESSON])


def test_the_check_page_gives_no_help_and_explains_only_after_hand_in(box: Sandbox) -> None:
    course = page(box)
    app = course.app
    assert isinstance(app, BillsAppHandles) and "tasks" not in app.controls
    assert app.view.helpbar.root.layout.display == "none"
    sim = box.bills_check("hv001")
    goal = course.controls["check-goal"].value
    assert sim.holder in goal and sim.status().scenario["period"] in goal
    app.controls["new-pin"].value = PIN
    app.controls["new-pin-again"].value = PIN
    app.controls["save-pin"].click()
    app.controls["go-bill"].click()
    papers = app.controls["paper-power"].value
    assert "Hóa đơn của bạn" not in papers and "nhà hàng xóm" not in papers  # not labelled
    _own, other, _w, _ow = sim.paper_bills()
    app.controls["bill-company"].value = bills.ELECTRICITY.key
    app.controls["bill-code"].value = other.customer_code
    app.controls["bill-lookup"].click()
    assert other.customer_name in app.controls["bill-found"].value
    app.controls["bill-pin"].value = PIN
    app.controls["bill-pay"].click()
    assert app.message.kind == "error" and app.message.text == QUIET  # no reason given
    assert "Xem kỹ tên khách hàng" not in str(app.view.screen.children)
    assert app.view.helpbar.root.layout.display == "none" and not app.view.helpbar.is_open
    course.controls["submit"].click()
    review = course.controls["check-review"]
    assert review.layout.display == "" and "(số lần: 1)" in review.value
    assert "Đã định trả hóa đơn của nhà hàng xóm" in review.value


def test_the_check_page_in_english(box: Sandbox) -> None:
    english = course_screen(LearnerDesk(box, "hv001"), bills_check_factory, lang="en",
                            on_submit=lambda: None, current=LESSON, check=LESSON)
    goal = english.controls["check-goal"].value
    assert "electricity bill" in goal and "hóa đơn" not in goal
    assert english.app is not None
    assert english.app.controls["save-pin"].description != "Lưu mã PIN"


# -- graded by nbgrader ------------------------------------------------------------------------

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_bills_check_is_graded_from_its_evidence(tmp_path: Path) -> None:
    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="bills-check-grading",
                             lessons=("bills", LESSON))
    try:
        walkthrough.walk(box, "hv001", "bills")
        walkthrough.walk(box, "hv001", LESSON)  # full marks
        walkthrough.walk(box, "hv002", LESSON, tasks=1)  # the electricity bill only, then
        partly = ready(box, "hv002")
        s = partly.status().scenario
        with pytest.raises(NotAccepted):
            partly.top_up_phone(s["stranger"], s["stranger_amount"], PIN)  # the stranger's
        learners.record_consent(box.store, clock, "hv003")  # hv003 did nothing
        for learner_id, _, _ in ROSTER:
            submissions.request(box.store, clock, learner_id, LESSON)
        submissions.request(box.store, clock, "hv001", "bills")
        scores = {(s.learner_id, s.lesson): s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {("hv001", LESSON): 6.0, ("hv002", LESSON): 2.0, ("hv003", LESSON): 0.0,
                      ("hv001", "bills"): 6.0}
