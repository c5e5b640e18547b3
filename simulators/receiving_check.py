"""The receiving check («Tự làm 6»): receive money at the market, check an allowance, and
refuse a faked screenshot, with other people and amounts than lesson 6's.

The same bank app as lesson 6 (:class:`~.receiving.ReceivingSimulator`: the learner's own
account and ledger, its own screen state, flow ``receiving_check``), in check mode
(:class:`~.checks.CheckFlow`), with a scenario drawn from the learner, the check and the
attempt (a retake after the trainer's reset draws the next one): another buyer and other
goods at another price, another sender of the month's allowance (a pension or the
commune's social allowance, fictional) with another amount, and another buyer who shows a
«Chuyển tiền thành công» picture and pays nothing. Who they are is kept in the scenario
(``cast``), which the screens read (:func:`.receiving.scene`, :func:`.receiving.senders`).

The three graded tasks are lesson 6's (:data:`.receiving.TASKS`), judged the same way
(:func:`.receiving.completed_tasks` on the check's evidence); every refusal before «Nộp
bài» is a mistake, explained only in the review (:data:`.checks.RECEIVING_CHECK`).

The allowance's sender is drawn from the learner alone (not the attempt), and an allowance is
paid once a month into the account from its sender: a retake in the same month finds it in
the ledger and shows it again, never pays it twice (as in lesson 6).

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="receiving-check-doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> check = box.receiving_check("hv001")
>>> scenario = check.status().scenario
>>> scenario == box.receiving_check("hv001").status().scenario  # drawn, then kept
True
>>> scenario["cast"]["buyer"]["holder"] != receiving.BUYER.holder
True
>>> check.mistakes(), check.finished()
([], False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import receiving
from .bank import Payee, money
from .checks import RECEIVING_CHECK, CheckFlow, Goal, _seed
from .clock import VN_TZ
from .errors import N_

__all__ = ["ALLOWANCE_AMOUNTS", "ALLOWANCE_SENDERS", "BUYERS", "ReceivingCheckSimulator"]


@dataclass(frozen=True)
class Person:
    """One of the check's fictional people: their sandbox account and how the scenes name
    them (``who``, ``goods``: Vietnamese source strings; ``memo``: an allowance's words)."""

    payee: Payee
    who: str = ""
    goods: str = ""
    memo: str = ""

    def cast(self) -> dict[str, str]:
        return {"bin": self.payee.bin, "number": self.payee.number,
                "holder": self.payee.holder, "title": self.payee.title, "who": self.who,
                "goods": self.goods, "memo": self.memo}


def _buyer(bin_: str, number: str, holder: str, who: str, goods: str) -> Person:
    return Person(Payee("buyer", bin_, number, holder, who), who, goods)


#: The buyers a check draws two of (none is lesson 6's bà Tâm or anh Dũng).
BUYERS = (
    _buyer("999902", "7705123456", "LE THI HUONG", N_("chị Hương"), N_("trứng gà")),
    _buyer("999903", "0355123400", "PHAM VAN BAY", N_("ông Bảy"), N_("khoai lang")),
    _buyer("999902", "7706234567", "VU THI LAN", N_("cô Lan"), N_("cá")),
    _buyer("999903", "0366778899", "DO MINH QUAN", N_("anh Quân"), N_("vịt")),
    _buyer("999902", "7707345678", "NGO VAN THANH", N_("bác Thành"), N_("gạo")),
)
#: Who pays the month's allowance in a check (not lesson 6's sender; fictional).
ALLOWANCE_SENDERS = (
    Person(Payee("allowance", "999901", "1900888869", "BHXH MO PHONG LUONG HUU",
                 N_("Bảo hiểm xã hội – lương hưu (mô phỏng)")),
           memo="BHXH MO PHONG CHI TRA LUONG HUU THANG {month}"),
    Person(Payee("allowance", "999901", "1900777757", "UBND XA MO PHONG",
                 N_("Ủy ban nhân dân xã (mô phỏng)")),
           memo="UBND XA MO PHONG CHI TRO CAP XA HOI THANG {month}"),
)
#: The check's allowances: none is one of lesson 6's amounts.
ALLOWANCE_AMOUNTS = (600_000, 900_000, 1_200_000, 1_800_000)


class ReceivingCheckSimulator(CheckFlow, receiving.ReceivingSimulator):
    """Lesson 6's bank app in check mode (see the module's notes)."""

    check = RECEIVING_CHECK
    flow = RECEIVING_CHECK.flow
    lesson = RECEIVING_CHECK.lesson

    def _fresh(self) -> dict[str, Any]:
        state = super()._fresh()
        draw = self._draw()
        buyer, fake = draw.sample(BUYERS, 2)
        # the allowance's sender is the learner's, whatever the attempt: a retake in the
        # same month shows the allowance already paid, never one more (module's notes)
        allowance = _seed("check", self.check.lesson, self.learner_id, "allowance").choice(
            ALLOWANCE_SENDERS)
        now = self.clock.now()
        state["scenario"].update({
            "price": draw.randrange(20, 150) * 1000,
            "allowance_amount": draw.choice(ALLOWANCE_AMOUNTS),
            "allowance_month": now.astimezone(VN_TZ).month,
            "fake_price": draw.randrange(100, 400) * 1000,
            "fake_reference": f"FT{now:%y%j}{draw.randrange(10**7):07d}",
            "cast": {"buyer": buyer.cast(), "fake_buyer": fake.cast(),
                     "allowance": allowance.cast()},
        })
        return state

    def goal(self) -> Goal:
        scenario = self.status().scenario
        names = receiving.scene(scenario)
        return Goal(N_("Ở chợ, {buyer} mua {goods} giá {price} và trả bằng mã QR nhận tiền của "
                       "bạn: chỉ giao hàng khi tiền đã về, và ghi số tiền, người chuyển. Ngân "
                       "hàng báo có tiền trợ cấp tháng {month}: hãy xem ai chuyển và bao nhiêu "
                       "tiền. Rồi {fake_buyer} mua {fake_goods} giá {fake_price}: chỉ giao hàng "
                       "khi chắc chắn tiền đã về."),
                    {"buyer": names["buyer"], "goods": names["goods"],
                     "price": money(scenario["price"]),
                     "month": str(scenario["allowance_month"]),
                     "fake_buyer": names["fake_buyer"], "fake_goods": names["fake_goods"],
                     "fake_price": money(scenario["fake_price"])})
