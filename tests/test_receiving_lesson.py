"""Lesson 6's bank app driven headless, and the lesson graded by nbgrader from its evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.simulators import bank, learners, receiving, submissions, vietqr
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.course import course_screen
from bakhong.widgets.i18n import translator
from bakhong.widgets.receiving_app import (
    ReceivingAppHandles,
    receiving_app,
    receiving_factory,
)


def tap(app: ReceivingAppHandles, name: str) -> None:
    app.controls[name].click()


def home(app: ReceivingAppHandles) -> None:
    if "back" in app.controls:
        tap(app, "back")


def sell(app: ReceivingAppHandles, *, hurry: bool = False, amount_in_code: bool = True) -> None:
    """Task 1: the own code, the buyer's scan, the history, then the goods; ``hurry``:
    the goods handed before looking (the mistake), then right."""
    home(app)
    price = app.sim.status().scenario["price"]
    tap(app, "go-my-qr")
    if amount_in_code:
        app.controls["qr-amount"].value = f"{price:,}".replace(",", ".")
        tap(app, "make-qr")
        assert app.message.kind == "info", app.message.text
        assert vietqr.parse(app.sim.my_code(app.view.qr_amount)).amount == price
    tap(app, "buyer-scan")
    assert "sale-amount" in app.controls, app.message.text
    app.controls["sale-amount"].value = str(price)
    app.controls["sale-sender"].value = receiving.BUYER.key
    if hurry:
        tap(app, "hand-goods")
        assert app.message.kind == "error" and "chưa về" in app.message.text
    tap(app, "go-history")
    assert receiving.BUYER.holder in app.controls["history"].value
    assert "+" + bank.money(price) in app.controls["history"].value
    tap(app, "back")  # back where the history was opened from
    app.controls["sale-amount"].value = str(price)
    app.controls["sale-sender"].value = receiving.BUYER.key
    tap(app, "hand-goods")
    assert app.message.kind == "info", app.message.text


def check_allowance(app: ReceivingAppHandles) -> None:
    home(app)
    amount = app.sim.status().scenario["allowance_amount"]
    tap(app, "go-history")
    assert receiving.ALLOWANCE.holder in app.controls["history"].value
    tap(app, "back")
    tap(app, "go-allowance")
    app.controls["allowance-amount"].value = str(amount)
    app.controls["allowance-sender"].value = receiving.ALLOWANCE.key
    tap(app, "answer-allowance")
    assert app.message.kind == "info", app.message.text


def spot_fake(app: ReceivingAppHandles, *, fooled: bool = False) -> None:
    home(app)
    tap(app, "go-fake")
    assert "screenshot" in app.controls
    if fooled:
        tap(app, "give-goods")
        assert app.message.kind == "error"
    tap(app, "go-history")
    assert receiving.FAKE_BUYER.holder not in app.controls["history"].value
    tap(app, "back")
    tap(app, "refuse-goods")
    assert app.message.kind == "info", app.message.text


def do_the_lesson(app: ReceivingAppHandles, *, mistakes: bool = False) -> None:
    sell(app, hurry=mistakes)
    check_allowance(app)
    spot_fake(app, fooled=mistakes)


@pytest.fixture
def app(box: Sandbox) -> ReceivingAppHandles:
    return receiving_app(box.receiving("hv001"), translator("vi"))


def test_the_whole_lesson_ticks_every_task(app: ReceivingAppHandles) -> None:
    assert "(0/3)" in app.controls["tasks"].titles[0]
    do_the_lesson(app, mistakes=True)
    assert "(3/3)" in app.controls["tasks"].titles[0]
    assert app.controls["tasks"].children[0].value.count("✅") == 3
    scenario = app.sim.status().scenario
    assert app.sim.status().balance == (bank.OPENING_BALANCE + scenario["price"]
                                        + scenario["allowance_amount"])


def test_the_own_code_is_shown_as_a_picture(app: ReceivingAppHandles) -> None:
    tap(app, "go-my-qr")
    assert 'src="data:image/png;base64,' in app.controls["my-qr"].value
    app.controls["qr-amount"].value = "ba chục"
    tap(app, "make-qr")
    assert app.message.kind == "error" and app.view.qr_amount == ""


def test_the_sms_tells_of_the_allowance(app: ReceivingAppHandles) -> None:
    amount = app.sim.status().scenario["allowance_amount"]
    assert f"+{amount:,}VND" in app.sim.inbox()[-1][1]


def test_english(box: Sandbox) -> None:
    app = receiving_app(box.receiving("hv001"), translator("en"))
    assert app.controls["go-my-qr"].description == "QR code to receive money"
    tap(app, "go-fake")
    assert "Transfer successful" in app.controls["screenshot"].value


def test_course_page_runs_the_app(box: Sandbox) -> None:
    page = course_screen(LearnerDesk(box, "hv001"), receiving_factory, lang="vi",
                         on_submit=lambda: None)
    assert page.app is not None and "go-my-qr" in page.app.controls


# -- graded by nbgrader ------------------------------------------------------------------------

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_receiving_lesson_is_graded_from_evidence(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="receiving-grading",
                             lessons=("receiving",))
    try:
        for learner_id in ("hv001", "hv002", "hv003"):
            learners.record_consent(box.store, clock, learner_id)
        do_the_lesson(receiving_app(box.receiving("hv001"), translator("vi")), mistakes=True)
        partly = receiving_app(box.receiving("hv002"), translator("vi"))
        sell(partly, amount_in_code=False)
        home(partly)
        tap(partly, "go-fake")
        tap(partly, "give-goods")  # handed the chicken on the screenshot: no point
        for learner_id, _, _ in ROSTER:  # hv003 did nothing
            submissions.request(box.store, clock, learner_id, "receiving")
        scores = {s.learner_id: s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": 6.0, "hv002": 2.0, "hv003": 0.0}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("receiving", "hv001").max_score == 6.0
        assert gradebook.find_submission("receiving", "hv002").score == 2.0
