"""Lesson 9's bank app driven headless, and the lesson graded by nbgrader from its evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.simulators import bank, bills, learners, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.bills_app import BillsAppHandles, bills_app, bills_factory
from bakhong.widgets.course import course_screen
from bakhong.widgets.i18n import translator

PIN = "135790"


def tap(app: BillsAppHandles, name: str) -> None:
    app.controls[name].click()


def home(app: BillsAppHandles) -> None:
    if "back" in app.controls:
        tap(app, "back")


def set_pin(app: BillsAppHandles) -> None:
    if app.sim.status().step is bank.Step.SETUP:
        app.controls["new-pin"].value = PIN
        app.controls["new-pin-again"].value = PIN
        tap(app, "save-pin")
        assert app.message.kind == "info", app.message.text


def pay_electricity(app: BillsAppHandles, *, neighbour_first: bool = False) -> None:
    """Task 1: the customer code looked up, the name checked, paid with the PIN;
    ``neighbour_first``: the neighbour's bill paid first (the mistake)."""
    set_pin(app)
    home(app)
    own, other, _w, _ow = app.sim.paper_bills()
    tap(app, "go-bill")
    assert own.customer_code in app.controls["paper-power"].value
    if neighbour_first:
        app.controls["bill-company"].value = bills.ELECTRICITY.key
        app.controls["bill-code"].value = other.customer_code
        tap(app, "bill-lookup")
        assert bills.NEIGHBOUR in app.controls["bill-found"].value
        app.controls["bill-pin"].value = PIN
        tap(app, "bill-pay")
        assert app.message.kind == "error" and "không phải tên bạn" in app.message.text
    app.controls["bill-company"].value = bills.ELECTRICITY.key
    app.controls["bill-code"].value = own.customer_code
    tap(app, "bill-lookup")
    assert app.sim.holder in app.controls["bill-found"].value, app.message.text
    app.controls["bill-pin"].value = PIN
    tap(app, "bill-pay")
    assert app.message.kind == "info", app.message.text


def auto_debit(app: BillsAppHandles, *, low_limit: bool = False) -> None:
    set_pin(app)
    home(app)
    water = app.sim.paper_bills()[2]
    tap(app, "go-auto")
    app.controls["auto-company"].value = bills.WATER.key
    app.controls["auto-code"].value = water.customer_code
    app.controls["auto-pin"].value = PIN
    if low_limit:
        app.controls["auto-limit"].value = "10000"
        tap(app, "auto-register")
        assert app.message.kind == "error", app.message.text
    app.controls["auto-limit"].value = "300.000"
    tap(app, "auto-register")
    assert app.message.kind == "info", app.message.text
    assert water.customer_code in app.controls["auto-confirmation"].value


def top_up(app: BillsAppHandles, *, stranger_first: bool = False) -> None:
    set_pin(app)
    home(app)
    tap(app, "go-topup")
    mine = app.sim.my_phone()
    if stranger_first:
        app.controls["topup-number"].value = bills.STRANGER_PHONE
        app.controls["topup-amount"].value = "100000"
        app.controls["topup-pin"].value = PIN
        tap(app, "topup-pay")
        assert app.message.kind == "error" and "người lạ" in app.message.text
    app.controls["topup-number"].value = mine
    app.controls["topup-amount"].value = "50000"
    app.controls["topup-pin"].value = PIN
    tap(app, "topup-pay")
    assert app.message.kind == "info", app.message.text


def do_the_lesson(app: BillsAppHandles, *, mistakes: bool = False) -> None:
    pay_electricity(app, neighbour_first=mistakes)
    auto_debit(app, low_limit=mistakes)
    top_up(app, stranger_first=mistakes)


@pytest.fixture
def app(box: Sandbox) -> BillsAppHandles:
    return bills_app(box.bills("hv001"), translator("vi"))


def test_the_whole_lesson_ticks_every_task(app: BillsAppHandles) -> None:
    set_pin(app)
    assert "(0/3)" in app.controls["tasks"].titles[0]
    do_the_lesson(app, mistakes=True)
    assert "(3/3)" in app.controls["tasks"].titles[0]
    assert app.controls["tasks"].children[0].value.count("✅") == 3
    scenario = app.sim.status().scenario
    assert app.sim.status().balance == (bank.OPENING_BALANCE - scenario["power_amount"]
                                        - 50_000)
    home(app)
    tap(app, "go-history")
    assert bills.ELECTRICITY.holder in app.controls["history"].value


def test_the_strangers_sms_is_in_the_inbox(app: BillsAppHandles) -> None:
    assert bills.STRANGER_PHONE in app.sim.inbox()[-1][1]


def test_english(box: Sandbox) -> None:
    app = bills_app(box.bills("hv001"), translator("en"))
    set_pin(app)
    assert app.controls["go-bill"].description == "Pay bills"
    tap(app, "go-bill")
    assert "Your neighbour" in app.controls["paper-power"].value


def test_course_page_runs_the_app(box: Sandbox) -> None:
    page = course_screen(LearnerDesk(box, "hv001"), bills_factory, lang="vi",
                         on_submit=lambda: None)
    assert page.app is not None and "save-pin" in page.app.controls


# -- graded by nbgrader ------------------------------------------------------------------------

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_bills_lesson_is_graded_from_evidence(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="bills-grading",
                             lessons=("bills",))
    try:
        for learner_id in ("hv001", "hv002", "hv003"):
            learners.record_consent(box.store, clock, learner_id)
        do_the_lesson(bills_app(box.bills("hv001"), translator("vi")), mistakes=True)
        partly = bills_app(box.bills("hv002"), translator("vi"))
        pay_electricity(partly)
        home(partly)
        tap(partly, "go-topup")
        partly.controls["topup-number"].value = bills.STRANGER_PHONE
        partly.controls["topup-amount"].value = "100000"
        partly.controls["topup-pin"].value = PIN
        tap(partly, "topup-pay")  # topped up the stranger: no point
        for learner_id, _, _ in ROSTER:  # hv003 did nothing
            submissions.request(box.store, clock, learner_id, "bills")
        scores = {s.learner_id: s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": 6.0, "hv002": 2.0, "hv003": 0.0}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("bills", "hv001").max_score == 6.0
        assert gradebook.find_submission("bills", "hv002").score == 2.0
