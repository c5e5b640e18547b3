"""The bills check («Tự làm 9»): the electricity bill by customer code, the water bill on
automatic payment, and a phone top-up, with other bills and other people than lesson 9's.

The same bank app as lesson 9 (:class:`~.bills.BillsSimulator`: the learner's own account
and ledger, its own screen state, flow ``bills_check``), in check mode
(:class:`~.checks.CheckFlow`), with a scenario drawn from the learner, the check and the
attempt (a retake after the trainer's reset draws the next one): other customer codes (not
lesson 9's ``PE99…`` and ``NMP…``), another electricity amount, another usual water bill,
another neighbour whose bills lie beside the learner's (in a drawn order), and another
stranger's SMS asking for another top-up amount from another number. All are fictional,
within the sandbox.

The three graded tasks are lesson 9's (:data:`.bills.TASKS`), judged the same way
(:func:`.bills.completed_tasks` on the check's evidence). A refusal that would tell the
resident what the right choice is (the neighbour's bill, a limit under the usual bill, the
stranger's or another number, the other company) says only «Không được chấp nhận»; every
refusal before «Nộp bài» is a mistake, explained in the review (:data:`.checks.BILLS_CHECK`).

Each attempt's bills are other bills (other customer codes), and a bill is paid at most once
from the account: a retake pays its own bill, never one already in the ledger
(:class:`~.bills.AlreadyPaid`), and the practice's bills are not the check's.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="bills-check-doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> check = box.bills_check("hv001")
>>> scenario = check.status().scenario
>>> scenario == box.bills_check("hv001").status().scenario  # drawn, then kept
True
>>> scenario["neighbour"] != bills.NEIGHBOUR, scenario["stranger"] != bills.STRANGER_PHONE
(True, True)
>>> check.mistakes(), check.finished()
([], False)
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import bills
from .bank import Payee
from .bills import (
    AlreadyPaid,
    BillsMistake,
    LimitTooLow,
    NotElectricity,
    NotWaterCompany,
    NotYourBill,
    NotYourNumber,
    TopUpStranger,
)
from .checks import BILLS_CHECK, CheckFlow, Goal
from .errors import N_
from .evidence import Event
from .registry import compact_phone
from .store import payments

__all__ = ["NEIGHBOURS", "STRANGERS", "STRANGER_AMOUNTS", "BillsCheckSimulator", "NotAccepted"]

T = TypeVar("T")

#: The neighbours whose bills lie beside the learner's in a check (not lesson 9's; fictional).
NEIGHBOURS = ("LY VAN TU", "HOANG THI NGA", "DANG VAN LOC", "BUI THI THOM", "MAI VAN KHOA")
#: The strangers' numbers (sandbox numbers, not lesson 9's) and what their SMS say.
STRANGERS = ("0100777123", "0100888456", "0100666789", "0100555321")
STRANGER_SMS = (
    "Co oi chau la ban cua con co, chau het tien dien thoai, co nap giup chau {amount} vao so "
    "{number} voi, mai chau gui lai. Chau cam on co!",
    "Bac oi em la nguoi quen cua anh ca nha bac, may em het tien goi, bac nap giup em {amount} "
    "vao so {number}, chieu em tra lai a.",
    "Me oi con doi so dien thoai moi, may het tien roi, me nap giup con {amount} vao so {number} "
    "nhe. Con dang hop, khong nghe may duoc.",
)
#: What the stranger asks for (not lesson 9's 100.000 đ).
STRANGER_AMOUNTS = (50_000, 200_000, 500_000)


class NotAccepted(BillsMistake):
    """A refusal in the check that does not say what the right choice is (its code is the
    practice's, so the review explains it)."""

    code = "bills_check.not_accepted"
    message = N_("Không được chấp nhận. Hãy thử cách khác.")


# One quiet kind per practice refusal that would explain the right choice: its code, so the
# review explains it, and module-level classes, so a page's desk rebuilds them.

class QuietNotYourBill(NotAccepted):
    code = NotYourBill.code


class QuietLimitTooLow(NotAccepted):
    code = LimitTooLow.code


class QuietTopUpStranger(NotAccepted):
    code = TopUpStranger.code


class QuietNotYourNumber(NotAccepted):
    code = NotYourNumber.code


class QuietNotElectricity(NotAccepted):
    code = NotElectricity.code


class QuietNotWater(NotAccepted):
    code = NotWaterCompany.code


#: The practice's refusals that would explain the right choice, and their quiet kind.
_QUIET: dict[type[BillsMistake], type[BillsMistake]] = {
    NotYourBill: QuietNotYourBill, LimitTooLow: QuietLimitTooLow,
    TopUpStranger: QuietTopUpStranger, NotYourNumber: QuietNotYourNumber,
    NotElectricity: QuietNotElectricity, NotWaterCompany: QuietNotWater}


def _digits(draw: Any, n: int) -> str:
    return f"{draw.randrange(10**n):0{n}d}"


class BillsCheckSimulator(CheckFlow, bills.BillsSimulator):
    """Lesson 9's bank app in check mode (see the module's notes)."""

    check = BILLS_CHECK
    flow = BILLS_CHECK.flow
    lesson = BILLS_CHECK.lesson

    def _fresh(self) -> dict[str, Any]:
        state = super()._fresh()
        draw = self._draw()
        own_phone = compact_phone(self.persona.phone)
        scenario = state["scenario"]
        scenario.update({
            "own_power": "PE97" + _digits(draw, 9),
            "neighbour_power": "PE97" + _digits(draw, 9),
            "power_amount": draw.randrange(180, 650) * 1000 + draw.choice((0, 500)),
            "neighbour_amount": draw.randrange(180, 650) * 1000,
            "own_water": "NMT" + _digits(draw, 7),
            "neighbour_water": "NMT" + _digits(draw, 7),
            "water_usual": draw.randrange(60, 160) * 1000,
            "neighbour": draw.choice([n for n in NEIGHBOURS if n != self.holder]),
            "stranger": draw.choice([n for n in STRANGERS if n != own_phone]),
            "stranger_sms": draw.choice(STRANGER_SMS),
            "stranger_amount": draw.choice(STRANGER_AMOUNTS),
            "own_first": draw.random() < 0.5,  # which paper bill lies on top
        })
        return state

    def _act(self, task: str, action: Callable[[Connection, dict[str, Any]], T],
             *allowed: StrEnum, **detail: Any) -> T:
        def quietly(conn: Connection, state: dict[str, Any]) -> T:
            try:
                return action(conn, state)
            except tuple(_QUIET) as err:
                raise _QUIET[type(err)]() from None
        return super()._act(task, quietly, *allowed, **detail)

    def _lesson_events(self) -> list[Event]:
        return self._attempt_events()

    def _pay_to(self, conn: Connection, payee: Payee, amount: int, message: str,
                channel: str) -> str:
        """Lesson 9's payment, but a bill already in the ledger is never paid again (a retake's
        bills are other bills: see the module's notes)."""
        if channel == "bill" and conn.execute(sa.select(payments.c.txn_ref).where(
                (payments.c.learner_id == self.learner_id)
                & (payments.c.message == message)).limit(1)).first() is not None:
            raise AlreadyPaid()
        return super()._pay_to(conn, payee, amount, message, channel)

    def goal(self) -> Goal:
        scenario = self.status().scenario
        return Goal(N_("Trên bàn có hóa đơn giấy tiền điện và tiền nước của nhà bạn ({holder}) "
                       "và của nhà hàng xóm. Trong ứng dụng ngân hàng, hãy: trả tiền điện kỳ "
                       "{period} của nhà bạn bằng mã khách hàng; đăng ký thanh toán tự động "
                       "tiền nước của nhà bạn, với hạn mức đủ trả tiền nước mỗi tháng; và nạp "
                       "tiền điện thoại cho số của bạn. Xong thì bấm «Nộp bài»."),
                    {"holder": self.holder, "period": scenario["period"]})

