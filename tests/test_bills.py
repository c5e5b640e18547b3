"""Lesson 9's simulator: monthly bills in the sandbox bank (``simulators/bills.py``)."""

from __future__ import annotations

import pytest

from bakhong.simulators import bank, bills, evidence
from bakhong.simulators.bills import ELECTRICITY, STRANGER_PHONE, WATER, BillsSimulator
from bakhong.simulators.desk import LearnerDesk, NotAllowed, allowed
from bakhong.simulators.errors import ConsentRequired, NotInSandbox
from bakhong.simulators.evidence import OK
from bakhong.simulators.sandbox import Sandbox

PIN = "246810"


@pytest.fixture
def sim(box: Sandbox) -> BillsSimulator:
    app = box.bills("hv001")
    app.set_pin(PIN, PIN)
    return app


def outcomes(box: Sandbox, task: str) -> list[str]:
    return [e.outcome for e in evidence.learner_events(box.store, "hv001", bills.LESSON)
            if e.task == task]


def done(box: Sandbox) -> set[str]:
    return bills.completed_tasks(evidence.learner_events(box.store, "hv001", bills.LESSON))


def test_the_lesson_starts_with_the_banks_pin_setup_and_a_strangers_sms(box: Sandbox) -> None:
    app = box.bills("hv001")
    assert app.status().step is bank.Step.SETUP
    sender, body, _at = app.inbox()[-1]
    assert sender == STRANGER_PHONE and STRANGER_PHONE in body
    app.set_pin(PIN, PIN)
    status = app.status()
    assert status.step is bank.Step.HOME and status.account == box.bank("hv001").number
    assert len(app.inbox()) == 1  # sent once


def test_the_paper_bills_hers_and_the_neighbours(sim: BillsSimulator) -> None:
    own_power, other_power, own_water, other_water = sim.paper_bills()
    assert own_power.company == other_power.company == ELECTRICITY.key
    assert own_water.company == other_water.company == WATER.key
    assert own_power.customer_name == own_water.customer_name == sim.holder
    assert other_power.customer_name == bills.NEIGHBOUR != sim.holder
    assert own_power.customer_code.startswith("PE99") and len(own_power.customer_code) == 13
    assert own_power.customer_code != other_power.customer_code


def test_paying_electricity_right_after_mistakes(box: Sandbox, sim: BillsSimulator) -> None:
    own, other, own_water, _w = sim.paper_bills()
    start = sim.status().balance
    with pytest.raises(bills.NothingLookedUp):
        sim.pay_bill(PIN)
    with pytest.raises(bills.NoCompany):
        sim.lookup_bill(None, own.customer_code)
    with pytest.raises(bills.UnknownCustomer):
        sim.lookup_bill(ELECTRICITY.key, "PE0000000000")
    with pytest.raises(bills.UnknownCustomer):  # the electricity code at the water company
        sim.lookup_bill(WATER.key, own.customer_code)
    shown = sim.lookup_bill(ELECTRICITY.key, other.customer_code)
    assert shown.customer_name == bills.NEIGHBOUR and sim.looked_up() == shown
    with pytest.raises(bills.NotYourBill):
        sim.pay_bill(PIN)
    assert sim.looked_up() is None and sim.status().balance == start
    sim.lookup_bill(WATER.key, own_water.customer_code)
    with pytest.raises(bills.NotElectricity):
        sim.pay_bill(PIN)
    bill = sim.lookup_bill(ELECTRICITY.key, " " + own.customer_code.lower() + " ")
    assert bill == own
    with pytest.raises(bills.WrongPin):
        sim.pay_bill("000000")
    status = sim.pay_bill(PIN)
    assert status.balance == start - own.amount
    assert bills.TASK_ELECTRICITY in status.done
    assert outcomes(box, bills.TASK_ELECTRICITY) == [
        bills.NothingLookedUp.code, bills.NotYourBill.code, bills.NotElectricity.code,
        bills.WrongPin.code, OK]
    paid = sim.history()[0]
    assert paid.payee_name == ELECTRICITY.holder and paid.amount == own.amount
    sim.lookup_bill(ELECTRICITY.key, own.customer_code)
    with pytest.raises(bills.AlreadyPaid):
        sim.pay_bill(PIN)
    assert sim.status().balance == start - own.amount


def test_automatic_payment_of_the_water_bill(box: Sandbox, sim: BillsSimulator) -> None:
    _p, _o, own, other = sim.paper_bills()
    usual = own.amount
    with pytest.raises(bills.NotWaterCompany):
        sim.register_auto_debit(ELECTRICITY.key, own.customer_code, 500_000, PIN)
    with pytest.raises(bills.NotYourBill):
        sim.register_auto_debit(WATER.key, other.customer_code, 500_000, PIN)
    with pytest.raises(bills.LimitTooLow):
        sim.register_auto_debit(WATER.key, own.customer_code, usual - 1000, PIN)
    with pytest.raises(bank.InvalidAmount):
        sim.register_auto_debit(WATER.key, own.customer_code, "", PIN)
    assert sim.auto_debit() is None
    confirmation = sim.register_auto_debit(WATER.key, own.customer_code, "300.000", PIN)
    assert confirmation.customer_name == sim.holder and confirmation.limit == 300_000
    assert sim.auto_debit() == confirmation
    assert done(box) == {bills.TASK_AUTO}
    assert outcomes(box, bills.TASK_AUTO)[-1] == OK


def test_topping_up_her_own_phone_not_the_strangers(box: Sandbox, sim: BillsSimulator) -> None:
    start = sim.status().balance
    with pytest.raises(bills.TopUpStranger):
        sim.top_up_phone(STRANGER_PHONE, 100_000, PIN)
    with pytest.raises(NotInSandbox):
        sim.top_up_phone("0912345678", 100_000, PIN)
    with pytest.raises(bills.InvalidTopUp):
        sim.top_up_phone(sim.my_phone(), 12_345, PIN)
    with pytest.raises(bills.NotYourNumber):
        sim.top_up_phone("0100000001", 50_000, PIN)
    status = sim.top_up_phone(sim.my_phone(), "50000", PIN)
    assert status.balance == start - 50_000 and done(box) == {bills.TASK_TOP_UP}
    assert status.scenario["top_up"]["number"] == sim.my_phone()
    typed = [str(e.detail) for e in evidence.learner_events(box.store, "hv001", bills.LESSON)]
    assert not any("0912345678" in d for d in typed)  # a real-looking number is never kept


def test_the_scenario_is_drawn_once_and_deterministic(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    def scenario(name: str) -> dict[str, object]:
        box = Sandbox.open(tmp_path / name, clock=clock, seed="same")
        box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
        from bakhong.simulators import learners

        learners.record_consent(box.store, clock, "hv001")
        found = box.bills("hv001").status().scenario
        again = box.bills("hv001").status().scenario
        box.close()
        assert found == again
        return found

    assert scenario("a.db") == scenario("b.db")


def test_other_payments_are_not_in_this_lesson_and_consent_comes_first(
        box: Sandbox, sim: BillsSimulator) -> None:
    with pytest.raises(bills.NotInThisLesson):
        sim.scan("000201")
    with pytest.raises(bills.NotInThisLesson):
        sim.top_up(1000)
    with pytest.raises(ConsentRequired):
        box.bills("hv002").lookup_bill(ELECTRICITY.key, "PE99")


def test_the_desk_allows_the_lessons_calls(box: Sandbox) -> None:
    calls = allowed("bills")
    assert {"lookup_bill", "looked_up", "pay_bill", "register_auto_debit", "auto_debit",
            "top_up_phone", "paper_bills", "my_phone", "set_pin", "status", "inbox"} <= calls
    desk = LearnerDesk(box, "hv001")
    assert desk.call("bills", "status").step is bank.Step.SETUP
    with pytest.raises(NotAllowed):
        desk.call("bills", "_pay_to")


def test_the_ledger_stays_balanced(box: Sandbox, sim: BillsSimulator) -> None:
    own = sim.paper_bills()[0]
    sim.lookup_bill(ELECTRICITY.key, own.customer_code)
    sim.pay_bill(PIN)
    sim.top_up_phone(sim.my_phone(), 20_000, PIN)
    assert bank.ledger_totals(box.store)[0] == 0


def test_errors_are_vietnamese_with_an_english_translation() -> None:
    from bakhong.widgets.i18n import translator

    en = translator("en")
    for kind in (bills.NoCompany, bills.UnknownCustomer, bills.NothingLookedUp,
                 bills.NotYourBill, bills.AlreadyPaid, bills.WrongPin, bills.LimitTooLow,
                 bills.NotWaterCompany, bills.NotElectricity, bills.NotYourNumber,
                 bills.InvalidTopUp, bills.TopUpStranger, bills.NotInThisLesson):
        assert en(kind.message) != kind.message, kind
