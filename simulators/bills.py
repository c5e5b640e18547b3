"""Lesson 9, bills that come every month: the learner's bank app pays them.

The same sandbox bank as the payment lesson (:mod:`.bank`) and lesson 6: the learner's
account, its number and its balance are those of :class:`~.bank.BankSimulator`; this lesson
keeps its own screen state (flow ``bills``), starts with the bank's own «Cài đặt Smart OTP»
(the PIN that confirms each payment here), and three tasks on the home step:

* **the electricity bill by customer code** (``pay_electricity``): in «Thanh toán hóa đơn»
  the learner chooses the (fictional) electricity company, types the customer code printed
  on her paper bill, sees the bill looked up (customer name, period, amount) and pays it with
  the PIN. A neighbour's bill lies beside hers: paying the bill of a customer who is not her
  is the recorded mistake (:class:`NotYourBill`); a code the company does not know is
  refused (:class:`UnknownCustomer`) and not kept;
* **automatic payment of the water bill** (``auto_debit``): «Thanh toán tự động», the water
  company, her water customer code and a monthly limit, confirmed with the PIN; a limit under
  the usual bill (it would not be paid) or the neighbour's code is the mistake;
* **topping up her phone** (``top_up_phone``): «Nạp tiền điện thoại», her own number (the
  persona card's) and an amount among the carrier's; an SMS from a stranger asks for a top-up,
  and topping up that number is the mistake. A number outside the sandbox is refused and not
  stored (:class:`~.errors.NotInSandbox`).

Every action is evidence (:meth:`~.flow.LearnerFlow._act`): a refusal is recorded under the
task's name with its code, the learner may try again, the first ``ok`` of a task earns it.
The bank's other paying actions (scan, transfer) are refused here: they are lesson 2's.
Nothing typed is kept except the sandbox's own codes, the learner's own number, an amount.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.engine import Connection

from . import bank
from .bank import Payee, Step, money, post
from .clock import VN_TZ
from .errors import N_, NotInSandbox, SandboxError
from .evidence import OK, Event, learner_events
from .registry import compact_phone, is_sandbox_phone, validate_phone
from .store import payments, sms_inbox

__all__ = [
    "COMPANIES",
    "ELECTRICITY",
    "LESSON",
    "STRANGER_PHONE",
    "TASKS",
    "TASK_AUTO",
    "TASK_ELECTRICITY",
    "TASK_TOP_UP",
    "TELCO",
    "TOP_UP_AMOUNTS",
    "WATER",
    "AutoDebit",
    "Bill",
    "BillsSimulator",
    "completed_tasks",
    "neighbour",
    "stranger",
]

LESSON = "bills"
FLOW = "bills"

#: The lesson's graded tasks, in the order a resident earns them.
TASK_ELECTRICITY = "pay_electricity"
TASK_AUTO = "auto_debit"
TASK_TOP_UP = "top_up_phone"
TASKS = (TASK_ELECTRICITY, TASK_AUTO, TASK_TOP_UP)

#: The other actions of the lesson (recorded as evidence, no task).
LOOKUP = "lookup_bill"
SET_PIN = "set_pin"

#: The fictional companies, each with its account at a sandbox bank.
ELECTRICITY = Payee("electricity", "999901", "1900545400", "DIEN LUC MO PHONG",
                    N_("Điện lực mô phỏng"))
WATER = Payee("water", "999902", "1900545411", "CAP NUOC MO PHONG", N_("Cấp nước mô phỏng"))
TELCO = Payee("telco", "999903", "1900545422", "NHA MANG MO PHONG", N_("Nhà mạng mô phỏng"))
#: The companies whose bills are paid by customer code (the choices of «Thanh toán hóa đơn»).
COMPANIES: Mapping[str, Payee] = {p.key: p for p in (ELECTRICITY, WATER)}
#: The amounts a phone is topped up with (the sandbox carrier's; real carriers' are [U]).
TOP_UP_AMOUNTS = (10_000, 20_000, 50_000, 100_000, 200_000, 500_000)
#: The stranger's number in the "please top up my phone" SMS (a sandbox number).
STRANGER_PHONE = "0100999888"
#: The neighbour whose paper bills lie beside the learner's (fictional).
NEIGHBOUR = "TRAN VAN BINH"
#: What the stranger's SMS says (``{amount}``, ``{number}``; a check draws other words).
STRANGER_SMS = ("Chi oi em la ban cua con chi, em het tien dien thoai, chi nap giup em "
                "{amount} vao so {number} nhe, mai em gui lai. Cam on chi!")
STRANGER_AMOUNT = 100_000


def neighbour(scenario: Mapping[str, Any]) -> str:
    """The neighbour whose bills lie beside the learner's: lesson 9's, or a check's drawn one.

    >>> neighbour({}), neighbour({"neighbour": "LY VAN TU"})
    ('TRAN VAN BINH', 'LY VAN TU')
    """
    return str(scenario.get("neighbour") or NEIGHBOUR)


def stranger(scenario: Mapping[str, Any]) -> str:
    """The number of the stranger who asks for a top-up: lesson 9's, or a check's drawn one."""
    return str(scenario.get("stranger") or STRANGER_PHONE)


@dataclasses.dataclass(frozen=True)
class Bill:
    """A bill as the bank shows it once the customer code is looked up."""

    company: str  # a key of COMPANIES
    customer_code: str
    customer_name: str
    period: str  # «11/2026»
    amount: int


@dataclasses.dataclass(frozen=True)
class AutoDebit:
    """The confirmation of a registered automatic payment."""

    company: str
    customer_code: str
    customer_name: str
    limit: int
    reference: str
    at: str


# -- the mistakes, each with what to do instead ----------------------------------------------

class BillsMistake(SandboxError):
    code = "bills.mistake"


class NoCompany(BillsMistake):
    code = "bills.no_company"
    message = N_("Hãy chọn công ty điện hoặc nước trước.")


class UnknownCustomer(BillsMistake):
    code = "bills.unknown_customer"
    message = N_("Không tìm thấy mã khách hàng này ở công ty đã chọn. Hãy xem lại mã in trên "
                 "hóa đơn giấy và công ty đã chọn.")


class NothingLookedUp(BillsMistake):
    code = "bills.nothing_looked_up"
    message = N_("Hãy nhập mã khách hàng và bấm «Tra cứu» trước khi thanh toán.")


class NotYourBill(BillsMistake):
    code = "bills.not_your_bill"
    message = N_("Tên khách hàng trên hóa đơn không phải tên bạn: đây là hóa đơn của nhà "
                 "khác. Luôn xem tên khách hàng trước khi trả tiền. Hãy nhập mã trên hóa "
                 "đơn của bạn.")


class AlreadyPaid(BillsMistake):
    code = "bills.already_paid"
    message = N_("Hóa đơn này đã được thanh toán. Không trả hai lần.")


class WrongPin(BillsMistake):
    code = "bills.wrong_pin"
    message = N_("Mã PIN không đúng. Hãy nhập mã PIN bạn đã đặt ở đầu bài.")


class LimitTooLow(BillsMistake):
    code = "bills.limit_too_low"
    message = N_("Hạn mức thấp hơn tiền nước thường tháng ({usual}): hóa đơn sẽ không được "
                 "trả. Hãy đặt hạn mức cao hơn một chút.")


class NotWaterCompany(BillsMistake):
    code = "bills.not_water"
    message = N_("Việc này là thanh toán tự động tiền nước: hãy chọn «Cấp nước mô phỏng».")


class NotElectricity(BillsMistake):
    code = "bills.not_electricity"
    message = N_("Hóa đơn này là tiền nước: tiền nước sẽ trả bằng «Thanh toán tự động». Ở "
                 "đây hãy chọn «Điện lực mô phỏng» và nhập mã trên hóa đơn tiền điện.")


class NotYourNumber(BillsMistake):
    code = "bills.not_your_number"
    message = N_("Đây không phải số điện thoại của bạn. Hãy nhập số trên thẻ nhân vật của bạn.")


class InvalidTopUp(BillsMistake):
    code = "bills.invalid_top_up"
    message = N_("Hãy chọn một mệnh giá nạp tiền.")


class TopUpStranger(BillsMistake):
    code = "bills.top_up_stranger"
    message = N_("Đây không phải số điện thoại của bạn: đây là số trong tin nhắn của người lạ. "
                 "Đừng nạp tiền cho người lạ nhờ qua tin nhắn. Hãy nhập số trên thẻ nhân vật "
                 "của bạn.")


class NotInThisLesson(bank.BankError):
    code = "bills.not_in_lesson"
    message = N_("Bài này chỉ luyện trả hóa đơn và nạp tiền điện thoại. Quét mã QR và chuyển "
                 "tiền có ở Bài 2.")


#: The actions of this lesson's app; the bank's other paying actions are refused here.
_ACTIONS = frozenset({SET_PIN, LOOKUP, *TASKS})


def _code(prefix: str, seed: str, digits: int) -> str:
    number = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10**digits
    return f"{prefix}{number:0{digits}d}"


def _clean_code(typed: object) -> str:
    """A customer code as typed: spaces dropped, capitals; at most 20 characters kept."""
    return "".join(str(typed or "").split()).upper()[:20]


class BillsSimulator(bank.BankSimulator):
    """The learner's bank app in lesson 9 (see the module's notes)."""

    flow = FLOW
    lesson = LESSON

    # -- state -------------------------------------------------------------------------------

    def _fresh(self) -> dict[str, Any]:
        """The paper bills, drawn once: the learner's and the neighbour's codes and amounts."""
        now = self.clock.now().astimezone(VN_TZ)
        last = (now.month - 2) % 12 + 1
        year = now.year if now.month > 1 else now.year - 1
        seed = f"{self.persona.persona_id}:{self.rng.random()}"
        scenario = {
            "period": f"{last:02d}/{year}",
            "own_power": _code("PE99", seed + "power", 9),
            "neighbour_power": _code("PE99", seed + "npower", 9),
            "power_amount": self.rng.randrange(180, 650) * 1000 + self.rng.choice((0, 500)),
            "neighbour_amount": self.rng.randrange(180, 650) * 1000,
            "own_water": _code("NMP", seed + "water", 7),
            "neighbour_water": _code("NMP", seed + "nwater", 7),
            "water_usual": self.rng.randrange(60, 160) * 1000,
            # what has happened so far (the screens read it from the status)
            "company": None, "looked_up": None, "power_paid": None,
            "auto_debit": None, "top_up": None, "sms_sent": False,
        }
        return {"step": Step.SETUP.value, "pin_fails": 0, "scenario": scenario}

    def _prepare(self, conn: Connection, state: dict[str, Any]) -> None:
        """A stranger's SMS asks for a top-up (in the learner's inbox as the lesson starts)."""
        scenario = state["scenario"]
        if scenario["sms_sent"]:
            return
        scenario["sms_sent"] = True
        number = stranger(scenario)
        words = str(scenario.get("stranger_sms") or STRANGER_SMS)
        amount = f"{int(scenario.get('stranger_amount') or STRANGER_AMOUNT):,}".replace(",", ".")
        conn.execute(sms_inbox.insert().values(
            learner_id=self.learner_id, sender=number, at=self._now(),
            body=words.format(amount=amount, number=number)))

    def _check(self, conn: Connection, state: dict[str, Any], task: str,
               allowed: tuple[Any, ...]) -> None:
        if task not in _ACTIONS:  # the bank's scan and transfer: lesson 2's
            raise NotInThisLesson(task)
        super()._check(conn, state, task, allowed)

    # -- readings ----------------------------------------------------------------------------

    def status(self) -> bank.Status:
        """The bank's status, with this lesson's tasks done."""
        status = super().status()
        done = frozenset(completed_tasks(self._lesson_events(), self.lesson))
        return dataclasses.replace(status, done=done)

    def _lesson_events(self) -> list[Event]:
        """The evidence the status counts tasks from (a check: its attempt's)."""
        return learner_events(self.store, self.learner_id, self.lesson)

    def inbox(self) -> list[tuple[str, str, str]]:
        """The bank's SMS and the stranger's."""
        own = super().inbox()
        number = stranger(self._current()["scenario"])
        with self.store.engine.connect() as conn:
            rows = conn.execute(sms_inbox.select().where(
                (sms_inbox.c.learner_id == self.learner_id)
                & (sms_inbox.c.sender == number)).order_by(sms_inbox.c.seq)).all()
        return sorted([*own, *((r.sender, r.body, r.at) for r in rows)], key=lambda m: m[2])

    def my_phone(self) -> str:
        """The learner's own phone number, as on the persona card."""
        return self.persona.phone

    def paper_bills(self) -> list[Bill]:
        """The paper bills on the learner's table: hers and the neighbour's (electricity and
        water), as printed."""
        scenario = self._current()["scenario"]
        return [self._bill(scenario, c) for c in (
            scenario["own_power"], scenario["neighbour_power"],
            scenario["own_water"], scenario["neighbour_water"])]

    def _bill(self, scenario: Mapping[str, Any], code: str) -> Bill:
        own = code in (scenario["own_power"], scenario["own_water"])
        power = code in (scenario["own_power"], scenario["neighbour_power"])
        name = self.holder if own else neighbour(scenario)
        if power:
            amount = scenario["power_amount"] if own else scenario["neighbour_amount"]
        else:
            amount = scenario["water_usual"] if own else scenario["water_usual"] + 23_000
        return Bill(ELECTRICITY.key if power else WATER.key, code, name, scenario["period"],
                    int(amount))

    def _find(self, scenario: Mapping[str, Any], company: object, typed: object) -> Bill:
        if not isinstance(company, str) or company not in COMPANIES:
            raise NoCompany()
        code = _clean_code(typed)
        known = (("own_power", "neighbour_power") if company == ELECTRICITY.key
                 else ("own_water", "neighbour_water"))
        if code not in (scenario[k] for k in known):
            raise UnknownCustomer()
        return self._bill(scenario, code)

    def _pin(self, state: dict[str, Any], pin: object) -> None:
        try:
            good = bank._hash(bank._check_pin_format(str(pin or "")), self.learner_id)
        except bank.InvalidPin:
            good = ""
        if good != state.get("pin_hash"):
            raise WrongPin()

    def _pay_to(self, conn: Connection, payee: Payee, amount: int, message: str,
                channel: str) -> str:
        """A payment from the learner's account to ``payee``, in the bank's history."""
        if bank.balance(conn, self.account_id) < amount:
            raise bank.InsufficientBalance()
        at = self._now()
        target = bank._ensure_account(conn, payee.bin, payee.number, payee.holder, "merchant",
                                      at)
        ref = self._reference(conn)
        post(conn, ref, [(self.account_id, -amount), (target, amount)], at=at,
             learner_id=self.learner_id)
        conn.execute(payments.insert().values(
            request_id=uuid.UUID(int=self.rng.getrandbits(128)).hex, learner_id=self.learner_id,
            txn_ref=ref, payee_account_id=target, amount=amount, message=message,
            channel=channel, status="done", created_at=at, completed_at=at))
        return ref

    # -- the learner's actions ----------------------------------------------------------------

    def lookup_bill(self, company: str | None, customer_code: str | None) -> Bill:
        """«Tra cứu»: the bill of ``customer_code`` at ``company``, as the bank shows it."""
        def act(conn: Connection, state: dict[str, Any]) -> Bill:
            scenario = state["scenario"]
            scenario["looked_up"] = None
            found = self._find(scenario, company, customer_code)
            scenario["looked_up"] = found.customer_code
            scenario["company"] = found.company
            return found

        return self._act(LOOKUP, act, Step.HOME)

    def looked_up(self) -> Bill | None:
        """The bill last looked up (``None`` before «Tra cứu», or after a payment)."""
        scenario = self._current()["scenario"]
        code = scenario["looked_up"]
        return None if code is None else self._bill(scenario, code)

    def pay_bill(self, pin: str) -> bank.Status:
        """«Thanh toán»: the bill looked up is paid, confirmed with the PIN. Only the
        learner's own electricity bill earns the task; the neighbour's is the mistake."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            scenario = state["scenario"]
            code = scenario["looked_up"]
            if code is None:
                raise NothingLookedUp()
            bill = self._bill(scenario, code)
            if bill.company != ELECTRICITY.key:
                raise NotElectricity()
            self._pin(state, pin)
            if bill.customer_name != self.holder:
                scenario["looked_up"] = None
                raise NotYourBill()
            if scenario["power_paid"]:
                raise AlreadyPaid()
            ref = self._pay_to(conn, ELECTRICITY, bill.amount,
                               f"TIEN DIEN {bill.period} {bill.customer_code}", "bill")
            scenario["power_paid"] = ref
            scenario["looked_up"] = None

        self._act(TASK_ELECTRICITY, act, Step.HOME)
        return self.status()

    def register_auto_debit(self, company: str | None, customer_code: str | None,
                            limit: str | int | None, pin: str) -> AutoDebit:
        """«Thanh toán tự động»: the water bill paid every month from the account, up to
        ``limit``; confirmed with the PIN. Returns the confirmation."""
        def act(conn: Connection, state: dict[str, Any]) -> AutoDebit:
            scenario = state["scenario"]
            if company == ELECTRICITY.key:
                raise NotWaterCompany()
            bill = self._find(scenario, company, customer_code)
            if limit is None or str(limit).strip() == "":
                raise bank.InvalidAmount("")
            value = bank.parse_amount(limit)
            if value > bank.PER_TRANSACTION_LIMIT:
                raise bank.OverLimit(limit=money(bank.PER_TRANSACTION_LIMIT))
            self._pin(state, pin)
            if bill.customer_name != self.holder:
                raise NotYourBill()
            if value < scenario["water_usual"]:
                raise LimitTooLow(usual=money(scenario["water_usual"]))
            confirmation = AutoDebit(WATER.key, bill.customer_code, bill.customer_name, value,
                                     f"TDTD{self.rng.randrange(10**8):08d}", self._now())
            scenario["auto_debit"] = dataclasses.asdict(confirmation)
            return confirmation

        return self._act(TASK_AUTO, act, Step.HOME)

    def auto_debit(self) -> AutoDebit | None:
        """The registered automatic payment, if any."""
        found = self._current()["scenario"]["auto_debit"]
        return None if found is None else AutoDebit(**found)

    def top_up_phone(self, number: str | None, amount: int | str | None,
                     pin: str) -> bank.Status:
        """«Nạp tiền điện thoại»: ``amount`` onto ``number``, confirmed with the PIN. The
        learner's own number earns the task; the stranger's is the mistake; a number outside
        the sandbox is refused and never kept."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            scenario = state["scenario"]
            typed = validate_phone(str(number or ""))
            if not is_sandbox_phone(typed):
                raise NotInSandbox()
            try:
                value = int(str(amount))
            except ValueError:
                raise InvalidTopUp() from None
            if value not in TOP_UP_AMOUNTS:
                raise InvalidTopUp()
            self._pin(state, pin)
            if typed == compact_phone(stranger(scenario)):
                raise TopUpStranger()
            if typed != compact_phone(self.persona.phone):
                raise NotYourNumber()
            ref = self._pay_to(conn, TELCO, value, f"NAP TIEN {typed}", "topup")
            scenario["top_up"] = {"number": typed, "amount": value, "reference": ref}

        self._act(TASK_TOP_UP, act, Step.HOME)
        return self.status()


def completed_tasks(events: Iterable[Event], lesson: str = LESSON) -> set[str]:
    """The lesson's tasks done, as the hidden tests judge them: a task is done once an
    answer to it was right (``ok``); the mistakes before it stay in the evidence and do
    not undo it.

    >>> right = Event(LESSON, TASK_ELECTRICITY, OK, "", {})
    >>> wrong = Event(LESSON, TASK_TOP_UP, TopUpStranger.code, "", {})
    >>> sorted(completed_tasks([wrong, right, Event(LESSON, LOOKUP, OK, "", {})]))
    ['pay_electricity']
    """
    return {event.task for event in events
            if event.lesson == lesson and event.task in TASKS and event.outcome == OK}
