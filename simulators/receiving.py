"""Lesson 6, receiving money: the learner's own bank app, paid by others.

The same sandbox bank as the payment lesson (:mod:`.bank`): the learner's account, its
number and its balance are those of :class:`~.bank.BankSimulator`; this lesson keeps its
own screen state (flow ``receiving``) and three scenes around the app:

* **a buyer at the market** (``show_own_qr``): the learner opens «Mã QR nhận tiền», the
  account as a VietQR payload (NAPAS 24/7 transfer to an account, ``QRIBFTTA``, through
  :func:`.vietqr.build`; with an amount when the learner types one: a dynamic code). The
  buyer (a fictional persona) scans it and pays the price. The transfer shows in the
  account once the learner opens «Lịch sử giao dịch» (a simplification: a real NAPAS
  transfer usually arrives within seconds, ``docs/facts.md``); the learner then says the
  amount and the sender before handing the goods. Saying it before the money is there,
  a wrong amount or a wrong sender is a recorded mistake;
* **the monthly allowance** (``check_allowance``): a fictional social-insurance sender pays
  a monthly allowance when the lesson starts, and the bank's SMS tells of it; the learner
  opens the history and answers who paid and how much;
* **a faked screenshot** (``spot_fake_transfer``): another buyer shows a picture of
  «Chuyển tiền thành công» but pays nothing; handing the goods is the mistake, checking
  the history and telling the buyer the money has not arrived is right.

Every answer is an action of :class:`ReceivingSimulator` (:meth:`~.flow.LearnerFlow._act`):
a refusal is a typed :class:`ReceivingMistake` with a plain Vietnamese message, recorded
under the task's name with its code, and the learner may try again; the first ``ok`` of a
task earns it. Paying actions of the bank app are refused in this lesson (payments are
lesson 2's). Nothing the learner types is stored except an amount or a choice among the
sandbox's names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import bank, vietqr
from .bank import HOME_BANK, Payee, Receipt, Step, money, post
from .clock import VN_TZ
from .errors import N_, SandboxError
from .evidence import OK, Event, learner_events
from .store import ledger, sms_inbox

__all__ = [
    "ALLOWANCE", "BUYER", "FAKE_BUYER", "LESSON", "SCENE", "SENDERS", "TASKS", "TASK_ALLOWANCE",
    "TASK_FAKE", "TASK_OWN_QR", "ReceivingSimulator", "completed_tasks", "scene", "senders",
]

LESSON = "receiving"
FLOW = "receiving"

#: The lesson's graded tasks, in the order a resident earns them.
TASK_OWN_QR = "show_own_qr"
TASK_ALLOWANCE = "check_allowance"
TASK_FAKE = "spot_fake_transfer"
TASKS = (TASK_OWN_QR, TASK_ALLOWANCE, TASK_FAKE)

#: The other actions of the lesson (recorded as evidence, no task).
OPEN_HISTORY = "open_history"
BUYER_SCAN = "buyer_scan"
START_FAKE = "start_fake"

#: The fictional people and the fictional sender of the allowance (sandbox banks only).
BUYER = Payee("buyer", "999902", "7703456789", "NGUYEN THI TAM", N_("Bà Tâm, người mua rau"))
FAKE_BUYER = Payee("fake_buyer", "999903", "0355667788", "TRAN VAN DUNG",
                   N_("Anh Dũng, người mua gà"))
ALLOWANCE = Payee("allowance", "999901", "1900888868", "BAO HIEM XA HOI MO PHONG",
                  N_("Bảo hiểm xã hội (mô phỏng)"))
#: Who may have paid, as the bank names them: the choices of every "who paid?" question.
SENDERS: Mapping[str, Payee] = {p.key: p for p in (BUYER, FAKE_BUYER, bank.RELATIVE, ALLOWANCE)}
#: The allowance's amounts (fictional: the real amounts are set by decree, docs/facts.md).
ALLOWANCE_AMOUNTS = (500_000, 750_000, 1_000_000, 1_500_000)
#: What the allowance's transfer says (``{month}``: the month it is for).
ALLOWANCE_MEMO = "BHXH MO PHONG CHI TRA TRO CAP THANG {month}"
#: How the scenes name the two buyers and what they buy (Vietnamese source strings; a check
#: draws others: :func:`scene`).
SCENE = {"buyer": N_("bà Tâm"), "goods": N_("rau"), "fake_buyer": N_("anh Dũng"),
         "fake_goods": N_("gà")}


def scene(scenario: Mapping[str, Any]) -> dict[str, str]:
    """Who the scenes are about: the buyer, the goods, the buyer with the screenshot and
    theirs (source strings, to translate), this lesson's or a check's drawn ones.

    >>> drawn = scene({"cast": {"buyer": {"who": "chị Hương", "goods": "trứng"}}})
    >>> scene({})["buyer"], drawn["buyer"], drawn["goods"], drawn["fake_buyer"]
    ('bà Tâm', 'chị Hương', 'trứng', 'anh Dũng')
    """
    cast = scenario.get("cast") or {}
    found = dict(SCENE)
    for key in ("buyer", "fake_buyer"):
        if key in cast:
            found[key] = cast[key]["who"]
            found[key.replace("buyer", "goods")] = cast[key]["goods"]
    return found


def senders(scenario: Mapping[str, Any]) -> dict[str, Payee]:
    """Who may have paid, by the key a page answers with: :data:`SENDERS`, or the people a
    check drew in their place (its ``cast``)."""
    cast = scenario.get("cast") or {}
    return {key: Payee(key, cast[key]["bin"], cast[key]["number"], cast[key]["holder"],
                       cast[key]["title"]) if key in cast else payee
            for key, payee in SENDERS.items()}


# -- the mistakes, each with what to do instead ----------------------------------------------

class ReceivingMistake(SandboxError):
    code = "receiving.mistake"


class NotArrived(ReceivingMistake):
    code = "receiving.not_arrived"
    message = N_("Tiền chưa về tài khoản của bạn. Đừng giao hàng khi chưa thấy khoản tiền "
                 "này trong «Lịch sử giao dịch».")


class WrongAmount(ReceivingMistake):
    code = "receiving.wrong_amount"
    message = N_("Số tiền này khác số tiền đã về tài khoản. Hãy xem lại «Lịch sử giao dịch»: "
                 "khoản tiền vào có dấu cộng.")


class WrongSender(ReceivingMistake):
    code = "receiving.wrong_sender"
    message = N_("Người chuyển không phải người này. Tên người chuyển có trong «Lịch sử giao "
                 "dịch», ở khoản tiền vào.")


class NoAnswer(ReceivingMistake):
    code = "receiving.no_answer"
    message = N_("Hãy nhập số tiền và chọn người chuyển.")


class NotChecked(ReceivingMistake):
    code = "receiving.not_checked"
    message = N_("Hãy mở «Lịch sử giao dịch» để xem trước. Tin nhắn và ảnh chụp màn hình có "
                 "thể bị làm giả; chỉ tài khoản của bạn mới cho biết tiền đã về hay chưa.")


class HandedOnScreenshot(ReceivingMistake):
    code = "receiving.handed_on_screenshot"
    message = N_("Bạn đã giao hàng chỉ vì một ảnh chụp màn hình. Ảnh «Chuyển tiền thành công» "
                 "rất dễ làm giả; trong «Lịch sử giao dịch» không có khoản tiền này.")


class QrAmountNotPrice(ReceivingMistake):
    code = "receiving.qr_amount_not_price"
    message = N_("Số tiền trên mã ({amount}) khác giá hàng ({price}). Hãy sửa số tiền, hoặc "
                 "để trống để người mua tự nhập.")


class AlreadyPaid(ReceivingMistake):
    code = "receiving.already_paid"
    message = N_("Người mua đã chuyển tiền rồi. Hãy mở «Lịch sử giao dịch» để xem.")


class NotScanned(ReceivingMistake):
    code = "receiving.not_scanned"
    message = N_("Người mua chưa quét mã của bạn. Hãy mở «Mã QR nhận tiền» và bấm «Cho người "
                 "mua quét mã».")


class FakeNotStarted(ReceivingMistake):
    code = "receiving.fake_not_started"
    message = N_("Anh Dũng chưa đến mua hàng. Hãy bấm «Anh Dũng mua gà» ở trang chủ.")


class NotInThisLesson(bank.BankError):
    code = "receiving.not_in_lesson"
    message = N_("Bài này chỉ luyện nhận tiền. Trả tiền và chuyển tiền có ở Bài 2.")


#: The actions of this lesson's app; the bank's paying actions are refused here.
_ACTIONS = frozenset({OPEN_HISTORY, BUYER_SCAN, START_FAKE, *TASKS})


def _day(at: str) -> str:
    moment = datetime.fromisoformat(at).astimezone(VN_TZ)
    return f"{moment:%H:%M %d/%m/%Y}"


def _sms_money(amount: int) -> str:
    """Amounts as the bank's SMS writes them (no diacritics, no symbol).

    >>> _sms_money(750000)
    '750,000VND'
    """
    return f"{amount:,}VND"


class ReceivingSimulator(bank.BankSimulator):
    """The learner's bank app in lesson 6 (see the module's notes)."""

    flow = FLOW
    lesson = LESSON

    # -- state -------------------------------------------------------------------------------

    def _fresh(self) -> dict[str, Any]:
        """The scenes, drawn once: the price at the market, the allowance, the faked sale."""
        scenario = {
            "price": self.rng.randrange(15, 90) * 1000,
            "allowance_amount": self.rng.choice(ALLOWANCE_AMOUNTS),
            "allowance_month": self.clock.now().astimezone(VN_TZ).month,
            "fake_price": self.rng.randrange(120, 300) * 1000,
            "fake_reference": f"FT{self.clock.now():%y%j}{self.rng.randrange(10**7):07d}",
            # what has happened so far (the screens read it from the status)
            "scanned": False, "qr_amount": None, "sold": False,
            "allowance_paid": False, "allowance_checked": False, "allowance_done": False,
            "fake_started": False, "fake_checked": False, "fake_done": False,
        }
        return {"step": Step.HOME.value, "pin_fails": 0, "scenario": scenario, "credits": []}

    def _prepare(self, conn: Connection, state: dict[str, Any]) -> None:
        """The allowance is paid as the lesson starts, with the bank's SMS; once a month
        into the account: after a trainer's reset (a fresh state over the same ledger as
        lesson 2) the month's allowance already paid is found in the ledger, not paid again."""
        scenario = state["scenario"]
        if scenario["allowance_paid"]:
            return
        scenario["allowance_paid"] = True
        sender = senders(scenario)[ALLOWANCE.key]
        memo = (scenario.get("cast") or {}).get(ALLOWANCE.key, {}).get("memo", ALLOWANCE_MEMO)
        message = memo.format(month=scenario["allowance_month"])
        paid = self._paid_this_month(conn, sender)
        if paid is not None:  # the same month's allowance, as the ledger and the SMS hold it
            scenario["allowance_amount"] = paid["amount"]
            state["credits"].append({**paid, "sender": sender.key, "message": message})
            return
        amount = scenario["allowance_amount"]
        at = self._credit(conn, state, sender, amount, message)
        conn.execute(sms_inbox.insert().values(
            learner_id=self.learner_id, sender=bank.SMS_SENDER, at=at,
            body=f"TK {bank.mask(self.number)} +{_sms_money(amount)} luc {_day(at)}. "
                 f"SD: {_sms_money(bank.balance(conn, self.account_id))}. ND: {message}"))

    def _check(self, conn: Connection, state: dict[str, Any], task: str,
               allowed: tuple[Any, ...]) -> None:
        if task not in _ACTIONS:  # the bank's paying actions: lesson 2's
            raise NotInThisLesson(task)
        super()._check(conn, state, task, allowed)

    def _paid_this_month(self, conn: Connection, sender: Payee) -> dict[str, Any] | None:
        """The money ``sender`` paid into the learner's account this month (Vietnam's
        calendar), the first such transfer: its reference, amount and time; or ``None``."""
        source = bank.payee_account(sender)
        out = ledger.alias("paid_out")
        rows = conn.execute(
            sa.select(ledger.c.txn_ref, ledger.c.amount, ledger.c.at)
            .join(out, (out.c.txn_ref == ledger.c.txn_ref) & (out.c.account_id == source)
                  & (out.c.amount < 0))
            .where((ledger.c.account_id == self.account_id) & (ledger.c.amount > 0))
            .order_by(ledger.c.seq)).all()
        now = self.clock.now().astimezone(VN_TZ)
        for row in rows:
            at = datetime.fromisoformat(row.at).astimezone(VN_TZ)
            if (at.year, at.month) == (now.year, now.month):
                return {"reference": row.txn_ref, "amount": int(row.amount), "at": row.at}
        return None

    def _credit(self, conn: Connection, state: dict[str, Any], sender: Payee, amount: int,
                message: str) -> str:
        """Money from ``sender`` into the learner's account: funded by the sender's bank,
        then transferred, two balanced postings; kept for the history. Returns the time."""
        at = self._now()
        bank._ensure_account(conn, sender.bin, sender.number, sender.holder, "person", at)
        source = bank.payee_account(sender)
        post(conn, self._reference(conn), [(bank._issuer(conn, sender.bin, at), -amount),
                                           (source, amount)], at=at, learner_id=self.learner_id)
        ref = self._reference(conn)
        post(conn, ref, [(source, -amount), (self.account_id, amount)], at=at,
             learner_id=self.learner_id)
        state["credits"].append({"reference": ref, "sender": sender.key, "amount": amount,
                                 "message": message, "at": at})
        return at

    # -- readings ----------------------------------------------------------------------------

    def status(self) -> bank.Status:
        """The bank's status, with this lesson's tasks done."""
        status = super().status()
        done = frozenset(completed_tasks(
            learner_events(self.store, self.learner_id, self.lesson), self.lesson))
        return dataclasses.replace(status, done=done)

    def my_code(self, amount: str | int | None = None) -> str:
        """The learner's own VietQR payload: static, or dynamic with ``amount``."""
        value = None if amount is None or str(amount).strip() == "" else bank.parse_amount(amount)
        if value is not None and value > bank.PER_TRANSACTION_LIMIT:
            raise bank.OverLimit(limit=money(bank.PER_TRANSACTION_LIMIT))
        return vietqr.build(bin=HOME_BANK.bin, account=self.number, amount=value)

    def incoming(self) -> list[Receipt]:
        """The money received in this lesson, newest first."""
        state = self._current()
        people = senders(state["scenario"])
        return [self._incoming_receipt(c, people) for c in reversed(state["credits"])]

    def transactions(self) -> list[Receipt]:
        """The history: money received (its payee is the learner) and paid, newest first."""
        both = [*self.incoming(), *self.history()]
        return sorted(both, key=lambda r: datetime.fromisoformat(r.at), reverse=True)

    def _incoming_receipt(self, credit: Mapping[str, Any],
                          people: Mapping[str, Payee]) -> Receipt:
        sender = people[credit["sender"]]
        return Receipt(reference=credit["reference"], at=credit["at"], status="done",
                       payer_name=sender.holder, payer_account=bank.mask(sender.number),
                       payer_bank=bank.bank_name(sender.bin), payee_name=self.holder,
                       payee_account=self.number, payee_bank=HOME_BANK.name,
                       amount=int(credit["amount"]), message=credit["message"])

    # -- the learner's actions ----------------------------------------------------------------

    def open_history(self) -> list[Receipt]:
        """«Lịch sử giao dịch»: the buyer's transfer has arrived by now; what is there is
        seen (the allowance, the faked sale's missing money)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            scenario = state["scenario"]
            if scenario["scanned"] and not any(c["sender"] == BUYER.key
                                               for c in state["credits"]):
                amount = scenario["qr_amount"] or scenario["price"]
                buyer = senders(scenario)[BUYER.key]
                self._credit(conn, state, buyer, amount, f"{buyer.holder} CHUYEN TIEN")
            scenario["allowance_checked"] = True
            if scenario["fake_started"]:
                scenario["fake_checked"] = True

        self._act(OPEN_HISTORY, act)
        return self.transactions()

    def buyer_scan(self, amount: str | int | None = None) -> bank.Status:
        """«Cho người mua quét mã»: the buyer scans the learner's code and pays."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            scenario = state["scenario"]
            if scenario["scanned"]:
                raise AlreadyPaid()
            code = vietqr.parse(self.my_code(amount))  # what the buyer's app reads
            if code.amount is not None and code.amount != scenario["price"]:
                raise QrAmountNotPrice(amount=money(code.amount), price=money(scenario["price"]))
            scenario["scanned"] = True
            scenario["qr_amount"] = code.amount

        self._act(BUYER_SCAN, act)
        return self.status()

    @staticmethod
    def _answer(amount: str | int | None, sender: str | None,
                expected_amount: int, expected_sender: str) -> None:
        """The amount and the sender answered (a sender among :data:`SENDERS` only: what
        a page sends is not trusted, and nothing else is kept)."""
        if amount is None or str(amount).strip() == "" or not isinstance(sender, str) \
                or sender not in SENDERS:
            raise NoAnswer()
        if bank.parse_amount(amount) != expected_amount:
            raise WrongAmount()
        if sender != expected_sender:
            raise WrongSender()

    def confirm_sale(self, amount: str | int | None, sender: str | None) -> bank.Status:
        """«Giao rau»: the learner says what arrived and from whom, then hands the goods."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            scenario = state["scenario"]
            if not scenario["scanned"]:
                raise NotScanned()
            paid = next((c for c in state["credits"] if c["sender"] == BUYER.key), None)
            if paid is None:
                raise NotArrived()
            self._answer(amount, sender, int(paid["amount"]), BUYER.key)
            scenario["sold"] = True

        self._act(TASK_OWN_QR, act)
        return self.status()

    def answer_allowance(self, amount: str | int | None, sender: str | None) -> bank.Status:
        """Who paid the allowance, and how much: answered after looking at the history."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            scenario = state["scenario"]
            if not scenario["allowance_checked"]:
                raise NotChecked()
            self._answer(amount, sender, int(scenario["allowance_amount"]), ALLOWANCE.key)
            scenario["allowance_done"] = True

        self._act(TASK_ALLOWANCE, act)
        return self.status()

    def start_fake(self) -> bank.Status:
        """The second buyer arrives and shows a screenshot of «Chuyển tiền thành công»."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            scenario = state["scenario"]
            if not scenario["fake_started"]:
                scenario["fake_started"] = True
                scenario["fake_checked"] = False

        self._act(START_FAKE, act)
        return self.status()

    def screenshot(self) -> Receipt:
        """What the buyer's screenshot shows: a transfer to the learner that never happened."""
        scenario = self._current()["scenario"]
        buyer = senders(scenario)[FAKE_BUYER.key]
        goods = bank.ascii_upper(scene(scenario)["fake_goods"])
        return Receipt(reference=scenario["fake_reference"], at=self._now(), status="done",
                       payer_name=buyer.holder, payer_account=bank.mask(buyer.number),
                       payer_bank=bank.bank_name(buyer.bin), payee_name=self.holder,
                       payee_account=self.number, payee_bank=HOME_BANK.name,
                       amount=int(scenario["fake_price"]), message=f"{buyer.holder} MUA {goods}")

    def answer_fake(self, hand_goods: bool) -> bank.Status:
        """The learner hands the goods (the mistake) or tells the buyer the money has not
        arrived (right once the history was looked at since the buyer came)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            scenario = state["scenario"]
            if not scenario["fake_started"]:
                raise FakeNotStarted()
            if hand_goods:
                raise HandedOnScreenshot()
            if not scenario["fake_checked"]:
                raise NotChecked()
            scenario["fake_done"] = True

        self._act(TASK_FAKE, act)
        return self.status()


def completed_tasks(events: Iterable[Event], lesson: str = LESSON) -> set[str]:
    """The lesson's tasks done, as the hidden tests judge them: a task is done once an
    answer to it was right (``ok``); the mistakes before it stay in the evidence and do
    not undo it.

    >>> right = Event(LESSON, TASK_OWN_QR, OK, "", {})
    >>> wrong = Event(LESSON, TASK_FAKE, HandedOnScreenshot.code, "", {})
    >>> sorted(completed_tasks([wrong, right, Event(LESSON, OPEN_HISTORY, OK, "", {})]))
    ['show_own_qr']
    """
    return {event.task for event in events
            if event.lesson == lesson and event.task in TASKS and event.outcome == OK}

