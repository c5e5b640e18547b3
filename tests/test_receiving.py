"""Lesson 6's simulator: receiving money in the sandbox bank (``simulators/receiving.py``)."""

from __future__ import annotations

import pytest

from bakhong.simulators import bank, evidence, receiving, vietqr
from bakhong.simulators.desk import LearnerDesk, NotAllowed, allowed
from bakhong.simulators.errors import ConsentRequired
from bakhong.simulators.evidence import OK
from bakhong.simulators.receiving import ALLOWANCE, BUYER, FAKE_BUYER, ReceivingSimulator
from bakhong.simulators.sandbox import Sandbox


@pytest.fixture
def sim(box: Sandbox) -> ReceivingSimulator:
    return box.receiving("hv001")


def outcomes(box: Sandbox, task: str) -> list[str]:
    return [e.outcome for e in evidence.learner_events(box.store, "hv001", receiving.LESSON)
            if e.task == task]


def done(box: Sandbox) -> set[str]:
    return receiving.completed_tasks(
        evidence.learner_events(box.store, "hv001", receiving.LESSON))


def test_the_own_code_is_a_real_vietqr_payload_of_the_learners_account(
        sim: ReceivingSimulator) -> None:
    static = vietqr.parse(sim.my_code())
    assert static.bin == bank.HOME_BANK.bin and static.account == sim.number
    assert static.initiation == "static" and static.amount is None
    assert vietqr.is_valid(sim.my_code())
    dynamic = vietqr.parse(sim.my_code("35.000"))
    assert dynamic.initiation == "dynamic" and dynamic.amount == 35000
    assert sim.number == sim.status().account  # the payment lesson's account
    with pytest.raises(bank.InvalidAmount):
        sim.my_code("ba mươi")


def test_the_allowance_arrives_with_an_sms(sim: ReceivingSimulator) -> None:
    status = sim.status()
    amount = status.scenario["allowance_amount"]
    assert status.balance == bank.OPENING_BALANCE + amount
    sender, body, _at = sim.inbox()[-1]
    assert sender == bank.SMS_SENDER and f"+{amount:,}VND" in body
    assert [r.payer_name for r in sim.incoming()] == [ALLOWANCE.holder]
    sim.status()  # read again: paid once
    assert len(sim.inbox()) == 1 and sim.status().balance == bank.OPENING_BALANCE + amount


def test_selling_at_the_market_right_after_mistakes(box: Sandbox,
                                                   sim: ReceivingSimulator) -> None:
    price = sim.status().scenario["price"]
    with pytest.raises(receiving.NotScanned):
        sim.confirm_sale(price, BUYER.key)
    with pytest.raises(receiving.QrAmountNotPrice):
        sim.buyer_scan(price + 1000)
    sim.buyer_scan(str(price))
    with pytest.raises(receiving.AlreadyPaid):
        sim.buyer_scan()
    with pytest.raises(receiving.NotArrived):  # confirmed before the money arrived
        sim.confirm_sale(price, BUYER.key)
    history = sim.open_history()
    credit = history[0]
    assert credit.payer_name == BUYER.holder and credit.amount == price
    assert credit.payee_account == sim.number
    with pytest.raises(receiving.WrongAmount):
        sim.confirm_sale(price + 5000, BUYER.key)
    with pytest.raises(receiving.WrongSender):
        sim.confirm_sale(price, FAKE_BUYER.key)
    with pytest.raises(receiving.NoAnswer):
        sim.confirm_sale("", BUYER.key)
    assert done(box) == set()
    status = sim.confirm_sale(bank.money(price), BUYER.key)
    assert receiving.TASK_OWN_QR in status.done
    assert outcomes(box, receiving.TASK_OWN_QR) == [
        "receiving.not_scanned", "receiving.not_arrived", "receiving.wrong_amount",
        "receiving.wrong_sender", "receiving.no_answer", OK]
    assert status.balance == (bank.OPENING_BALANCE + price
                              + status.scenario["allowance_amount"])
    sim.open_history()  # paid once only
    assert sum(r.payer_name == BUYER.holder for r in sim.incoming()) == 1


def test_checking_the_allowance(box: Sandbox, sim: ReceivingSimulator) -> None:
    amount = sim.status().scenario["allowance_amount"]
    with pytest.raises(receiving.NotChecked):  # the SMS alone is not enough
        sim.answer_allowance(amount, ALLOWANCE.key)
    sim.open_history()
    with pytest.raises(receiving.WrongSender):
        sim.answer_allowance(amount, bank.RELATIVE.key)
    with pytest.raises(receiving.WrongAmount):
        sim.answer_allowance(amount // 2, ALLOWANCE.key)
    with pytest.raises(receiving.NoAnswer):
        sim.answer_allowance(amount, "someone")
    assert receiving.TASK_ALLOWANCE in sim.answer_allowance(amount, ALLOWANCE.key).done
    assert done(box) == {receiving.TASK_ALLOWANCE}


def test_a_faked_screenshot(box: Sandbox, sim: ReceivingSimulator) -> None:
    with pytest.raises(receiving.FakeNotStarted):
        sim.answer_fake(False)
    sim.open_history()  # looked before the buyer came: not a check of his payment
    sim.start_fake()
    shot = sim.screenshot()
    assert shot.payee_account == sim.number and shot.payer_name == FAKE_BUYER.holder
    with pytest.raises(receiving.HandedOnScreenshot):
        sim.answer_fake(True)
    with pytest.raises(receiving.NotChecked):
        sim.answer_fake(False)
    history = sim.open_history()
    assert all(r.payer_name != FAKE_BUYER.holder for r in history)  # no money from him
    assert receiving.TASK_FAKE in sim.answer_fake(False).done
    assert outcomes(box, receiving.TASK_FAKE) == [
        "receiving.fake_not_started", "receiving.handed_on_screenshot",
        "receiving.not_checked", OK]
    sim.start_fake()  # coming back to the scene does not undo the task
    assert done(box) == {receiving.TASK_FAKE}


def test_the_scenes_are_drawn_once_and_deterministic(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    def scenario(name: str) -> dict[str, object]:
        box = Sandbox.open(tmp_path / name, clock=clock, seed="same")
        box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
        from bakhong.simulators import learners

        learners.record_consent(box.store, clock, "hv001")
        found = box.receiving("hv001").status().scenario
        again = box.receiving("hv001").status().scenario
        box.close()
        assert found == again
        return found

    assert scenario("a.db") == scenario("b.db")


def test_paying_is_not_in_this_lesson_and_consent_comes_first(box: Sandbox,
                                                               sim: ReceivingSimulator) -> None:
    with pytest.raises(receiving.NotInThisLesson):
        sim.scan(sim.my_code())
    with pytest.raises(receiving.NotInThisLesson):
        sim.top_up(1000)
    with pytest.raises(ConsentRequired):
        box.receiving("hv002").open_history()


def test_the_desk_allows_the_lessons_calls(box: Sandbox) -> None:
    calls = allowed("receiving")
    assert {"open_history", "buyer_scan", "confirm_sale", "answer_allowance", "start_fake",
            "answer_fake", "screenshot", "my_code", "status", "inbox"} <= calls
    desk = LearnerDesk(box, "hv001")
    assert desk.call("receiving", "status").step is bank.Step.HOME
    with pytest.raises(NotAllowed):
        desk.call("receiving", "_credit")


def test_the_ledger_stays_balanced(box: Sandbox, sim: ReceivingSimulator) -> None:
    sim.buyer_scan()
    sim.open_history()
    assert bank.ledger_totals(box.store)[0] == 0


def test_errors_are_vietnamese_with_an_english_translation() -> None:
    from bakhong.widgets.i18n import translator

    en = translator("en")
    for kind in (receiving.NotArrived, receiving.WrongAmount, receiving.WrongSender,
                 receiving.NoAnswer, receiving.NotChecked, receiving.HandedOnScreenshot,
                 receiving.AlreadyPaid, receiving.NotScanned, receiving.FakeNotStarted,
                 receiving.NotInThisLesson, receiving.QrAmountNotPrice):
        assert en(kind.message) != kind.message, kind


def test_a_reset_never_pays_the_same_months_allowance_twice(box: Sandbox, clock) -> None:  # type: ignore[no-untyped-def]
    """The trainer's reset clears the flow, not the ledger it shares with lesson 2: the
    month's allowance already paid is found again, not paid a second time."""
    from bakhong.simulators import attempts

    first = box.receiving("hv001")
    amount = first.status().scenario["allowance_amount"]
    first.open_history()
    first.answer_allowance(amount, ALLOWANCE.key)
    paid = first.status().balance
    assert paid == bank.OPENING_BALANCE + amount
    for _ in range(2):
        attempts.reset_attempt(box.store, clock, "hv001", receiving.LESSON)
        again = box.receiving("hv001")
        status = again.status()
        assert status.balance == paid  # nothing paid twice
        assert status.scenario["allowance_amount"] == amount  # the amount the SMS told
        assert [(r.payer_name, r.amount) for r in again.incoming()] == [(ALLOWANCE.holder,
                                                                         amount)]
        assert len(again.inbox()) == 1
        again.open_history()
        again.answer_allowance(amount, ALLOWANCE.key)
    kept = evidence.learner_events(box.store, "hv001", receiving.LESSON)
    assert [e.task for e in kept].count(receiving.TASK_ALLOWANCE) == 3  # no evidence lost
    assert bank.ledger_totals(box.store)[0] == 0
    clock.advance(days=35)  # next month's allowance is another payment
    attempts.reset_attempt(box.store, clock, "hv001", receiving.LESSON)
    later = box.receiving("hv001").status()
    assert later.balance == paid + later.scenario["allowance_amount"]
