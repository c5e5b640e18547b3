"""Lesson 9's bank app: bills that come every month (:mod:`bakhong.simulators.bills`).

The bank app of lesson 2 (:class:`~.bank_app.BankView`), started on its own «Cài đặt Smart
OTP», with other panels on its home step: «Thanh toán hóa đơn» (the electricity bill by
customer code), «Thanh toán tự động» (the water bill every month), «Nạp tiền điện thoại»
and «Lịch sử giao dịch». The screens are in :mod:`.bills_screens`, the help bar's texts in
:mod:`.bills_help`.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 12, 1, 8, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> sim = box.bills("hv001")
>>> app = bills_app(sim, translator("vi"))
>>> app.controls["save-pin"].description
'Lưu mã PIN'
>>> _ = sim.set_pin("135790", "135790")
>>> app.view.refresh()
>>> app.controls["go-bill"].description
'Thanh toán hóa đơn'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators import bills
from bakhong.simulators.bank import Status, Step
from bakhong.simulators.bills import BillsSimulator

from .appview import AppHandles, unaided
from .bank_app import BankView
from .bills_help import STEP_HELP
from .bills_screens import build_screen, money
from .i18n import N_, Translator

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["BillsAppHandles", "BillsView", "bills_app", "bills_check_factory", "bills_factory"]

#: The panels of the home step.
PANELS = ("home", "bill", "auto", "topup", "history")

#: The lesson's tasks, in the order the panel lists them, with the evidence that ticks them.
TASKS = (
    (bills.TASK_ELECTRICITY, N_("Trả tiền điện tháng {period}: «Thanh toán hóa đơn», nhập mã "
                                "khách hàng trên hóa đơn giấy của bạn, xem đúng tên bạn rồi "
                                "mới trả.")),
    (bills.TASK_AUTO, N_("Đăng ký «Thanh toán tự động» tiền nước bằng mã khách hàng, hạn mức "
                         "cao hơn tiền nước thường tháng ({usual}).")),
    (bills.TASK_TOP_UP, N_("«Nạp tiền điện thoại» cho số của bạn (trên thẻ nhân vật), không "
                           "nạp cho số lạ trong tin nhắn.")),
)


class BillsAppHandles(AppHandles[BillsSimulator, "BillsView"]):
    """Lesson 9's app parts (:class:`.appview.AppHandles`)."""


class BillsView(BankView):
    """The bank app's view in lesson 9 (see the module's notes)."""

    lesson = bills.LESSON
    step_help = STEP_HELP
    panels = PANELS
    tasks_list = TASKS
    sim: BillsSimulator

    def go(self, panel: str) -> Callable[[], None]:
        """A home button; the task list folds when a panel opens, so the panel's screen
        starts near the top of a small phone."""
        switch = super().go(panel)

        def act() -> None:
            if panel != "home":
                self.tasks.selected_index = None
            switch()
        return act

    def task_values(self, status: Status) -> dict[str, object]:
        scenario = status.scenario
        return {"period": scenario["period"], "usual": money(self, scenario["water_usual"])}

    def _signature(self, status: Status) -> tuple[Any, ...]:
        scenario = status.scenario
        flags = tuple(str(scenario[k]) for k in ("looked_up", "power_paid", "auto_debit",
                                                 "top_up"))
        return (*super()._signature(status), flags)

    def build_screen(self, status: Status) -> list[w.Widget]:
        if status.step is not Step.HOME:  # the PIN's setup (and the bank's other screens)
            return super().build_screen(status)
        return build_screen(self, status)


def bills_app(sim: BillsSimulator, tr: Translator, *, display: bool = False) -> BillsAppHandles:
    """Build lesson 9's app over ``sim``; ``display=True`` shows it in a phone frame."""
    view = BillsView(sim, tr)
    return BillsAppHandles.build(view, sim, display=display)


def bills_factory(desk: Desk, tr: Translator) -> BillsAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    return bills_app(desk.app("bills"), tr)


def bills_check_factory(desk: Desk, tr: Translator) -> BillsAppHandles:
    """The bills check's app, :func:`.appview.unaided` (no help bar, no task list; the paper
    bills not labelled whose they are, no hint to read the name)."""
    with unaided():
        return bills_app(desk.app("bills_check"), tr)
