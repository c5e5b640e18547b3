"""The payment sandbox: ledger, name check, PIN, limits, biometrics, idempotency, faults."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from bakhong.simulators import bank, evidence, faults, learners, vietqr
from bakhong.simulators.bank import BankSimulator, Step
from bakhong.simulators.clock import FixedClock
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.store import payments

PIN = "135790"


@pytest.fixture
def app(box: Sandbox) -> BankSimulator:
    sim = box.bank("hv001")
    sim.set_pin(PIN, PIN)
    return sim


def codes(sim: BankSimulator) -> dict[str, str]:
    return {c.key: c.payload for c in sim.merchant_codes()}


def pay_stall(sim: BankSimulator, amount: int | str) -> bank.Status:
    sim.scan(codes(sim)["stall"])
    sim.review(amount, "mua rau")
    return sim.authorise(PIN)


def tasks(box: Sandbox, learner_id: str = "hv001") -> list[tuple[str, str]]:
    return [(e.task, e.outcome) for e in evidence.learner_events(box.store, learner_id, "payment")]


def test_first_use_sets_the_pin_and_opens_the_account(box: Sandbox) -> None:
    sim = box.bank("hv001")
    status = sim.status()
    assert (status.step, status.balance) == (Step.SETUP, bank.OPENING_BALANCE)
    assert status.holder == bank.ascii_upper(sim.persona.full_name)
    with pytest.raises(bank.InvalidPin):
        sim.set_pin("12345", "12345")
    with pytest.raises(bank.PinMismatch):
        sim.set_pin("123456", "123465")
    assert sim.set_pin(PIN, PIN).step == Step.HOME
    assert bank.ledger_totals(box.store) == (0, bank.OPENING_BALANCE)


def test_nothing_before_consent(box: Sandbox) -> None:
    with pytest.raises(learners.ConsentRequired):
        box.bank("hv002").status()


def test_static_code_pays_the_stall_with_the_typed_amount(box: Sandbox, app: BankSimulator) -> None:
    app.scan(codes(app)["stall"])
    draft = app.status().draft
    assert draft is not None
    assert (draft.payee_name, draft.amount, draft.amount_fixed) == ("HOANG THI HANH", None, False)
    with pytest.raises(bank.InvalidAmount):
        app.review("ba mươi nghìn")
    with pytest.raises(bank.InvalidAmount):
        app.review("")
    asked = app.status().scenario["stall_amount"]
    app.review(f"{asked:,}".replace(",", "."), "mua rau")
    status = app.authorise(PIN)
    assert status.step == Step.RECEIPT
    receipt = status.receipt
    assert receipt is not None
    assert (receipt.amount, receipt.payee_name, receipt.message) == (asked, "HOANG THI HANH",
                                                                     "mua rau")
    assert re.fullmatch(r"FT\d{5}\d{7}", receipt.reference)
    assert status.balance == bank.OPENING_BALANCE - asked
    assert ("pay_static", "ok") in tasks(box)
    assert app.done().step == Step.HOME
    assert [r.reference for r in app.history()] == [receipt.reference]


def test_dynamic_code_fixes_the_amount_and_the_receipt_is_checked(
        box: Sandbox, app: BankSimulator) -> None:
    bill = codes(app)["power"]
    parsed = vietqr.parse(bill)
    assert parsed.initiation == "dynamic" and parsed.amount == app.status().scenario["bill_amount"]
    app.scan(bill)
    app.review("1", "sửa số tiền")  # ignored: a dynamic code fixes the amount
    status = app.authorise(PIN)
    assert status.receipt is not None and status.receipt.amount == parsed.amount
    with pytest.raises(bank.WrongReference):
        app.check_receipt("FT000000")
    assert app.check_receipt(status.receipt.reference.lower()).amount == parsed.amount
    assert ("pay_bill", "ok") in tasks(box) and ("check_receipt", "ok") in tasks(box)


def test_the_swapped_code_shows_another_name_and_refusing_it_is_evidence(
        box: Sandbox, app: BankSimulator) -> None:
    app.scan(codes(app)["fruit"])
    draft = app.status().draft
    assert draft is not None and draft.payee_name == "DO VAN KHOA"  # the sign says PHAM THI LUA
    before = app.status().balance
    assert app.cancel().step == Step.HOME
    assert app.status().balance == before
    assert ("refuse_swapped_qr", "ok") in tasks(box)


def test_paying_the_scammer_is_recorded_as_such(box: Sandbox, app: BankSimulator) -> None:
    app.scan(codes(app)["fruit"])
    app.review(20000)
    app.authorise(PIN)
    assert ("refuse_swapped_qr", "paid_scammer") in tasks(box)


def test_real_banks_and_unknown_accounts_are_refused_and_not_kept(
        box: Sandbox, app: BankSimulator) -> None:
    real = vietqr.build(bin="970436", account="0011004455667")  # Vietcombank's BIN
    with pytest.raises(bank.RealBank, match="Vietcombank"):
        app.scan(real)
    with pytest.raises(bank.AccountNotFound):
        app.start_transfer("999902", "0123 456 789")
    with pytest.raises(bank.UnknownBank):
        app.start_transfer("123456", "0123456789")
    with pytest.raises(bank.NotAPaymentCode):
        app.scan("https://vneid.gov.vn.example/cap-nhat")
    dump = "\n".join(str(row) for table in ("events", "flow_states", "bank_accounts")
                     for row in box.store.read(sa.text(f"SELECT * FROM {table}")))
    for typed in ("0011004455667", "0123456789", "0123 456 789", "vneid.gov"):
        assert typed not in dump


def test_transfer_by_account_number_shows_the_holder_first(app: BankSimulator) -> None:
    status = app.start_transfer("999902", "0912 345 670")
    assert status.draft is not None and status.draft.payee_name == "LE THI NGOC"
    app.review("200000", "gui me")
    assert app.authorise(PIN).receipt is not None


def test_a_damaged_code_is_refused_with_the_crc_reason(box: Sandbox, app: BankSimulator) -> None:
    faults.switch_on(box.store, "hv001", "bank.damaged_qr")
    damaged = codes(app)["stall"]
    with pytest.raises(bank.InvalidCode):
        app.scan(damaged)
    assert codes(app)["stall"] != damaged  # seen once: the stall's code reads whole again
    assert vietqr.is_valid(codes(app)["stall"])


def test_the_swapped_fault_replaces_the_stalls_code(box: Sandbox, app: BankSimulator) -> None:
    faults.switch_on(box.store, "hv001", "bank.swapped_qr")
    app.scan(codes(app)["stall"])
    draft = app.status().draft
    assert draft is not None and draft.payee_name == "DO VAN KHOA"
    app.cancel()
    app.scan(codes(app)["stall"])
    draft = app.status().draft
    assert draft is not None and draft.payee_name == "HOANG THI HANH"


def test_wrong_pins_lock_and_the_sms_code_unlocks(box: Sandbox, app: BankSimulator,
                                                 clock: FixedClock) -> None:
    app.scan(codes(app)["stall"])
    app.review(30000)
    for remaining in (4, 3, 2, 1):
        with pytest.raises(bank.WrongPin, match=f"còn {remaining} lần"):
            app.authorise("000000")
    with pytest.raises(bank.PinLocked):
        app.authorise("000000")
    assert app.status().step == Step.LOCKED
    with pytest.raises(bank.WrongStep):
        app.authorise(PIN)
    app.request_pin_reset()
    code = re.search(r"la (\d{6})", app.inbox()[-1][1])
    assert code is not None
    with pytest.raises(bank.WrongOtp):
        app.reset_pin("999999" if code.group(1) != "999999" else "111111", "246802", "246802")
    status = app.reset_pin(code.group(1), "246802", "246802")
    assert status.step == Step.AUTH  # back to the payment it was confirming
    assert app.authorise("246802").step == Step.RECEIPT


def test_the_pin_lockout_fault(box: Sandbox, app: BankSimulator) -> None:
    faults.switch_on(box.store, "hv001", "bank.pin_lockout")
    app.scan(codes(app)["stall"])
    app.review(30000)
    with pytest.raises(bank.PinLocked):
        app.authorise(PIN)


def test_a_dropped_connection_leaves_the_payment_pending_and_a_retry_never_pays_twice(
        box: Sandbox, app: BankSimulator) -> None:
    faults.switch_on(box.store, "hv001", "bank.network_drop")
    app.scan(codes(app)["stall"])
    app.review(40000)
    with pytest.raises(bank.ConnectionLost):
        app.authorise(PIN)
    status = app.status()
    assert status.step == Step.PENDING and status.receipt is not None
    assert status.receipt.status == "pending"
    assert status.balance == bank.OPENING_BALANCE - 40000
    with pytest.raises(bank.WrongStep):
        app.authorise(PIN)  # the confirm button pressed again from a stale page
    done = app.refresh()
    assert done.step == Step.RECEIPT and done.receipt is not None
    assert done.receipt.status == "done"
    assert done.balance == bank.OPENING_BALANCE - 40000
    assert len(box.store.read(sa.select(payments))) == 1


def test_the_same_request_is_paid_once_even_when_replayed(box: Sandbox, app: BankSimulator) -> None:
    app.scan(codes(app)["stall"])
    app.review(40000)
    app.authorise(PIN)
    # a second kernel replays the saved draft (a reloaded page): the request id is the same
    with box.store.transaction() as conn:
        state = app._load(conn)
        state["step"] = Step.AUTH.value
        app._save(conn, state)
    app.authorise(PIN)
    assert app.status().balance == bank.OPENING_BALANCE - 40000
    assert len(box.store.read(sa.select(payments))) == 1


def test_insufficient_balance_and_its_fault(box: Sandbox, app: BankSimulator) -> None:
    app.scan(codes(app)["stall"])
    app.review(bank.OPENING_BALANCE + 1000)
    with pytest.raises(bank.InsufficientBalance):
        app.authorise(PIN)
    app.cancel()
    faults.switch_on(box.store, "hv001", "bank.insufficient_balance")
    app.scan(codes(app)["stall"])
    app.review(1000)
    with pytest.raises(bank.InsufficientBalance):
        app.authorise(PIN)
    assert app.authorise(PIN).step == Step.RECEIPT  # fired once


def test_biometrics_above_ten_million_a_transaction_or_twenty_a_day(app: BankSimulator) -> None:
    app.top_up(40_000_000)
    app.scan(codes(app)["stall"])
    app.review(10_000_000)
    assert app.authorise(PIN).step == Step.RECEIPT  # exactly 10 million: no biometrics
    app.done()
    app.scan(codes(app)["stall"])
    app.review(10_000_001)
    status = app.authorise(PIN)
    assert status.step == Step.BIOMETRIC and status.needs_biometric
    assert app.verify_biometric().step == Step.RECEIPT
    app.done()
    app.scan(codes(app)["stall"])
    app.review(1_000)  # the day's total passes 20 million
    assert app.authorise(PIN).step == Step.BIOMETRIC


def test_limits(app: BankSimulator) -> None:
    app.scan(codes(app)["stall"])
    with pytest.raises(bank.OverLimit):
        app.review(bank.PER_TRANSACTION_LIMIT + 1)
    with pytest.raises(bank.InvalidMessage):
        app.review(1000, "x" * 51)


def test_maintenance_fault(box: Sandbox, app: BankSimulator) -> None:
    faults.switch_on(box.store, "hv001", "bank.maintenance")
    with pytest.raises(bank.Maintenance):
        app.scan(codes(app)["stall"])
    assert app.scan(codes(app)["stall"]).step == Step.CONFIRM


def test_photo_of_a_code_is_scanned(app: BankSimulator) -> None:
    from bakhong.simulators import qrimage

    png = qrimage.render_png(codes(app)["stall"])
    assert app.scan_photo(png).step == Step.CONFIRM


def test_the_scenario_is_kept_across_reloads(box: Sandbox) -> None:
    box.bank("hv001").set_pin(PIN, PIN)
    first = box.bank("hv001").status().scenario
    assert box.bank("hv001").status().scenario == first


def test_forget_removes_the_learners_money_and_keeps_the_ledger_balanced(
        box: Sandbox, app: BankSimulator) -> None:
    pay_stall(app, 30000)
    learners.record_consent(box.store, box.clock, "hv002")
    other = box.bank("hv002")
    other.set_pin(PIN, PIN)
    pay_stall(other, 20000)
    learners.forget(box.store, "hv001")
    assert bank.ledger_totals(box.store) == (0, bank.OPENING_BALANCE)
    stall = bank._account_id(bank.STALL.bin, bank.STALL.number)
    with box.store.engine.connect() as conn:
        assert bank.balance(conn, stall) == 20000


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=3_000_000), min_size=1, max_size=6))
def test_the_ledger_always_balances(tmp_path_factory: pytest.TempPathFactory,
                                    amounts: list[int]) -> None:
    from datetime import datetime

    from bakhong.simulators.clock import VN_TZ

    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))
    box = Sandbox.open("sqlite://", clock=clock, seed="ledger")
    box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
    learners.record_consent(box.store, clock, "hv001")
    sim = box.bank("hv001")
    sim.set_pin(PIN, PIN)
    paid = 0
    for amount in amounts:
        sim.scan(codes(sim)["stall"])
        sim.review(amount)
        try:
            sim.authorise(PIN)
        except bank.InsufficientBalance:
            sim.cancel()
            continue
        paid += amount
        if sim.status().step == Step.BIOMETRIC:
            sim.verify_biometric()
        sim.done()
    total, issued = bank.ledger_totals(box.store)
    assert total == 0 and issued == bank.OPENING_BALANCE
    assert sim.status().balance == bank.OPENING_BALANCE - paid
    box.close()


BANK_FAULTS = sorted(name for name in faults.CATALOGUE if name.startswith("bank."))
ACTIONS = ("stall", "bill", "relative", "top_up", "fault", "wrong_pin", "replay", "refresh",
           "cancel", "reset_pin")


def act(sim: BankSimulator, box: Sandbox, action: str, number: int) -> None:
    """One thing a learner (or the trainer's fault switch) does; refusals are expected."""
    status = sim.status()
    if action == "fault":
        faults.switch_on(box.store, "hv001", BANK_FAULTS[number % len(BANK_FAULTS)])
    elif action == "top_up":
        sim.top_up(1 + number % bank.TOP_UP_MAX)
    elif action == "refresh" and status.step is Step.PENDING:
        sim.refresh()
    elif action == "cancel" and status.step in (Step.CONFIRM, Step.AUTH, Step.BIOMETRIC):
        sim.cancel()
    elif action == "reset_pin" and status.step is Step.LOCKED:
        sim.request_pin_reset()
        code = re.search(r"\b(\d{6})\b", sim.inbox()[-1][1])
        assert code
        sim.reset_pin(code.group(1), PIN, PIN)
    elif action == "wrong_pin" and status.step is Step.AUTH:
        sim.authorise("000000")
    elif action == "replay" and status.draft is not None:
        # a confirmation sent again after a drop: the same request id, never paid twice
        with box.store.transaction() as conn:
            state = sim._load(conn)
            if state.get("draft") and state.get("draft_payee"):
                sim._pay(conn, state)
    elif action in ("stall", "bill", "relative") and status.step in (Step.HOME, Step.RECEIPT):
        if status.step is Step.RECEIPT:
            sim.done()
        if action == "relative":
            sim.start_transfer(bank.RELATIVE.bin, bank.RELATIVE.number)
        else:
            sim.scan(codes(sim)["stall" if action == "stall" else "power"])
        sim.review(None if action == "bill" else 1 + number % 30_000_000)
        sim.authorise(PIN)
        if sim.status().step is Step.BIOMETRIC:
            sim.verify_biometric()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 10**9)), max_size=25))
def test_the_ledger_balances_after_any_sequence_of_actions_and_faults(
        steps: list[tuple[str, int]]) -> None:
    from datetime import datetime

    from bakhong.simulators.clock import VN_TZ
    from bakhong.simulators.errors import SandboxError

    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))
    box = Sandbox.open("sqlite://", clock=clock, seed="ledger-sequences")
    box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
    learners.record_consent(box.store, clock, "hv001")
    sim = box.bank("hv001")
    sim.set_pin(PIN, PIN)
    for action, number in steps:
        try:
            act(sim, box, action, number)
        except SandboxError:
            pass  # a refusal the learner reads; the ledger must still hold
        total, issued = bank.ledger_totals(box.store)
        assert total == 0
        rows = box.store.read(sa.select(payments.c.request_id, payments.c.amount))
        assert len({r.request_id for r in rows}) == len(rows)
        spent = sum(int(r.amount) for r in rows)
        assert sim.status().balance == issued - spent >= 0
        clock.advance(minutes=7)
    box.close()
