"""The bank app driven headless, and the payment lesson graded by nbgrader from its evidence."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from bakhong.grading import grader, workshop
from bakhong.simulators import bank, faults, learners, qrimage, submissions
from bakhong.simulators.bank import Step
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.bank_app import BankAppHandles, bank_app, bank_factory
from bakhong.widgets.course import course_screen
from bakhong.widgets.i18n import translator

PIN = "135790"


def tap(app: BankAppHandles, name: str) -> None:
    app.controls[name].click()


def type_pin(app: BankAppHandles, pin: str) -> None:
    for digit in pin:
        tap(app, f"pin-{digit}")


def upload(app: BankAppHandles, name: str, kind: str, content: bytes) -> None:
    """What the browser sends when a file is chosen: the widget's state, as JSON plus a buffer."""
    app.controls["photo"].set_state({"value": [
        {"name": name, "type": kind, "size": len(content), "content": memoryview(content),
         "last_modified": 1764295200000}]})


def set_up(app: BankAppHandles) -> None:
    app.controls["new-pin"].value = PIN
    app.controls["new-pin-again"].value = PIN
    tap(app, "save-pin")
    assert app.sim.status().step is Step.HOME, app.message.text


def pick(app: BankAppHandles, merchant: str) -> None:
    if "go-scan" in app.controls:
        tap(app, "go-scan")
    tap(app, f"pick-{merchant}")


def pay_stall(app: BankAppHandles, amount: int) -> None:
    pick(app, "stall")
    assert app.sim.status().step is Step.CONFIRM, app.message.text
    app.controls["amount"].value = f"{amount:,}".replace(",", ".")  # as residents type it
    tap(app, "continue")
    type_pin(app, PIN)
    tap(app, "authorise")
    assert app.sim.status().step is Step.RECEIPT, app.message.text
    tap(app, "done")


def pay_bill(app: BankAppHandles) -> str:
    pick(app, "power")
    assert "amount" not in app.controls  # a dynamic code fixes the amount
    tap(app, "continue")
    type_pin(app, PIN)
    tap(app, "authorise")
    receipt = app.sim.status().receipt
    assert receipt is not None and receipt.status == "done", app.message.text
    tap(app, "done")
    return receipt.reference


def refuse_swapped(app: BankAppHandles) -> None:
    pick(app, "fruit")
    shown = app.controls["payee-name"].value
    assert bank.SCAMMER.holder in shown and "PHAM THI LUA" not in shown
    tap(app, "cancel")
    assert app.sim.status().step is Step.HOME
    assert app.message.text.startswith("Đã hủy")


def check_receipt(app: BankAppHandles, reference: str) -> None:
    tap(app, "go-check")
    app.controls["reference"].value = reference.lower()
    tap(app, "check-reference")
    assert app.message.kind == "info", app.message.text


def pay_scammer(app: BankAppHandles) -> None:
    pick(app, "fruit")
    app.controls["amount"].value = "50000"
    tap(app, "continue")
    type_pin(app, PIN)
    tap(app, "authorise")
    tap(app, "done")


def do_the_lesson(app: BankAppHandles, *, scammed: bool = False) -> None:
    """The whole lesson; ``scammed``: the swapped code paid after it was refused, the
    latest attempt at the drill (paying first and refusing afterwards earns the task,
    ``tests/test_no_dead_ends.py``)."""
    set_up(app)
    pay_stall(app, app.sim.status().scenario["stall_amount"])
    reference = pay_bill(app)
    refuse_swapped(app)
    if scammed:
        pay_scammer(app)
    check_receipt(app, reference)


@pytest.fixture
def app(box: Sandbox) -> BankAppHandles:
    return bank_app(box.bank("hv001"), translator("vi"))


def test_the_whole_lesson_ticks_every_task(app: BankAppHandles) -> None:
    do_the_lesson(app)
    assert "(4/4)" in app.controls["tasks"].titles[0]
    assert app.controls["tasks"].children[0].value.count("✅") == 4
    scenario = app.sim.status().scenario
    assert app.sim.status().balance == (bank.OPENING_BALANCE - scenario["stall_amount"]
                                        - scenario["bill_amount"])


def test_a_wrong_amount_at_the_stall_does_not_tick_the_task(app: BankAppHandles) -> None:
    set_up(app)
    pay_stall(app, app.sim.status().scenario["stall_amount"] + 1000)
    assert app.controls["tasks"].children[0].value.count("✅") == 0


def test_the_pin_pad_keeps_six_digits_and_deletes(app: BankAppHandles) -> None:
    set_up(app)
    pick(app, "power")
    tap(app, "continue")
    type_pin(app, "1234567")
    assert app.controls["pin-dots"].value.count("●") == 6
    tap(app, "pin-del")
    assert app.controls["pin-dots"].value.count("●") == 5
    tap(app, "authorise")  # 5 digits: refused, nothing paid
    assert app.message.kind == "error" and app.sim.history() == []


def test_wrong_pins_lock_and_the_sms_unlocks(box: Sandbox, app: BankAppHandles) -> None:
    set_up(app)
    pick(app, "power")
    tap(app, "continue")
    for _ in range(bank.MAX_PIN_TRIES):
        type_pin(app, "000000")
        tap(app, "authorise")
    assert app.sim.status().step is Step.LOCKED
    assert "Quên mã PIN" in app.message.text
    tap(app, "forgot-pin")
    assert app.controls["sms-inbox"].selected_index == 0  # the new SMS opened the inbox
    code = re.search(r"\b(\d{6})\b", app.sim.inbox()[-1][1])
    assert code
    app.controls["reset-otp"].value = code.group(1)
    app.controls["new-pin"].value = app.controls["new-pin-again"].value = "246802"
    tap(app, "reset-pin")
    assert app.sim.status().step is Step.AUTH, app.message.text
    type_pin(app, "246802")
    tap(app, "authorise")
    assert app.sim.status().step is Step.RECEIPT


def test_a_dropped_connection_is_resolved_without_paying_twice(
        box: Sandbox, app: BankAppHandles) -> None:
    set_up(app)
    faults.switch_on(box.store, "hv001", "bank.network_drop")
    pick(app, "power")
    tap(app, "continue")
    type_pin(app, PIN)
    tap(app, "authorise")
    assert app.sim.status().step is Step.PENDING
    assert "đừng chuyển lại" in app.message.text
    tap(app, "refresh")
    assert app.sim.status().step is Step.RECEIPT
    assert len(app.sim.history()) == 1


def test_an_uploaded_photo_is_scanned(app: BankAppHandles) -> None:
    set_up(app)
    tap(app, "go-scan")
    stall = next(c for c in app.sim.merchant_codes() if c.key == "stall")
    picture = Image.open(io.BytesIO(qrimage.render_png(stall.payload))).convert("RGB")
    photo = io.BytesIO()
    picture.rotate(8, expand=True, fillcolor="white").save(photo, format="JPEG", quality=60)
    upload(app, "anh.jpg", "image/jpeg", photo.getvalue())
    assert app.sim.status().step is Step.CONFIRM, app.message.text
    assert bank.STALL.holder in app.controls["payee-name"].value


def test_a_photo_without_a_code_is_a_vietnamese_message(app: BankAppHandles) -> None:
    set_up(app)
    tap(app, "go-scan")
    blank = io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(blank, format="PNG")
    upload(app, "x.png", "image/png", blank.getvalue())
    assert app.message.kind == "error"
    assert app.message.text.startswith("Không tìm thấy mã QR")


def test_english_and_a_real_banks_code(box: Sandbox) -> None:
    app = bank_app(box.bank("hv001"), translator("en"))
    set_up(app)
    assert app.controls["go-scan"].description == "Scan QR"
    real = "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F"
    with pytest.raises(bank.RealBank):
        app.sim.scan(real)
    app.render()
    assert app.sim.status().step is Step.HOME


def test_course_page_runs_the_bank_app(box: Sandbox) -> None:
    page = course_screen(LearnerDesk(box, "hv001"), bank_factory, lang="vi", on_submit=lambda: None)
    assert page.app is not None and "save-pin" in page.app.controls


# -- graded by nbgrader ------------------------------------------------------------------------

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_payment_lesson_is_graded_from_evidence(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="payment-grading")
    try:
        for learner_id in ("hv001", "hv002", "hv003"):
            learners.record_consent(box.store, clock, learner_id)
        do_the_lesson(bank_app(box.bank("hv001"), translator("vi")))
        do_the_lesson(bank_app(box.bank("hv002"), translator("vi")), scammed=True)
        for learner_id, _, _ in ROSTER:  # hv003 did nothing
            submissions.request(box.store, clock, learner_id, "payment")
        scores = {s.learner_id: s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": 7.0, "hv002": 5.0, "hv003": 0.0}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("payment", "hv001").max_score == 7.0
        assert gradebook.find_submission("payment", "hv002").score == 5.0
