"""Lesson 6's bank app: receiving money (:mod:`bakhong.simulators.receiving`).

The bank app of lesson 2 (:class:`~.bank_app.BankView`) with other panels on its home
step: «Mã QR nhận tiền» (the learner's own code, a buyer at the market), «Lịch sử giao
dịch» (money in and out), the monthly allowance and a buyer's faked screenshot. The
screens are in :mod:`.receiving_screens`, the help bar's texts in :mod:`.receiving_help`.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 12, 1, 8, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> app = receiving_app(box.receiving("hv001"), translator("vi"))
>>> app.controls["go-my-qr"].description
'Mã QR nhận tiền'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators import receiving
from bakhong.simulators.bank import Receipt, Status, Step
from bakhong.simulators.receiving import ReceivingSimulator

from .appview import AppHandles, unaided
from .bank_app import BankView
from .i18n import N_, Translator
from .receiving_help import STEP_HELP
from .receiving_screens import build_screen, money

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["ReceivingAppHandles", "ReceivingView", "receiving_app", "receiving_check_factory",
           "receiving_factory"]

#: The panels of the home step.
PANELS = ("home", "my_qr", "history", "allowance", "fake")

#: The lesson's tasks, in the order the panel lists them, with the evidence that ticks them.
TASKS = (
    (receiving.TASK_OWN_QR, N_("Bà Tâm mua rau giá {price}: mở «Mã QR nhận tiền», cho bà quét "
                               "mã, xem tiền đã về trong «Lịch sử giao dịch», rồi mới giao "
                               "rau.")),
    (receiving.TASK_ALLOWANCE, N_("Tiền trợ cấp tháng {month} đã về: xem «Lịch sử giao dịch», "
                                  "rồi trả lời ai chuyển và bao nhiêu tiền.")),
    (receiving.TASK_FAKE, N_("Anh Dũng mua gà và đưa ảnh «Chuyển tiền thành công»: xem "
                             "«Lịch sử giao dịch» trước khi giao gà.")),
)


class ReceivingAppHandles(AppHandles[ReceivingSimulator, "ReceivingView"]):
    """Lesson 6's app parts (:class:`.appview.AppHandles`)."""


class ReceivingView(BankView):
    """The bank app's view in lesson 6 (see the module's notes)."""

    lesson = receiving.LESSON
    step_help = STEP_HELP
    remembered = ("panel", "qr_amount", "came_from")
    panels = PANELS
    tasks_list = TASKS
    sim: ReceivingSimulator

    def __init__(self, sim: ReceivingSimulator, tr: Translator) -> None:
        super().__init__(sim, tr)
        #: the amount the learner put in their code ("" for a code without one)
        self.qr_amount = ""
        #: the history as last opened (``None``: opened again on the next history screen)
        self.rows: list[Receipt] | None = None
        #: the panel the history was opened from: «Quay lại» goes back there
        self.came_from = "home"

    def go(self, panel: str) -> Callable[[], None]:
        """A home button: the history is opened (the buyer's money is seen), the faked sale
        begins as its panel opens; the task list folds when a panel opens."""
        switch = super().go(panel)

        def act() -> None:
            if panel == "history":
                self.rows = self.sim.open_history()
                self.came_from = self.panel if self.panel != "history" else "home"
            elif panel == "fake":
                self.sim.start_fake()
            if panel != "home":  # the task list folds: the panel's screen starts on top
                self.tasks.selected_index = None
            switch()
        return act

    def history_rows(self) -> list[Receipt]:
        if self.rows is None:  # a view rebuilt on the history panel
            self.rows = self.sim.open_history()
        return self.rows

    def task_values(self, status: Status) -> dict[str, object]:
        scenario = status.scenario
        return {"price": money(self, scenario["price"]), "month": scenario["allowance_month"]}

    def _signature(self, status: Status) -> tuple[Any, ...]:
        scenario = status.scenario
        flags = tuple(scenario[k] for k in ("scanned", "sold", "allowance_done", "fake_started",
                                            "fake_done"))
        return (*super()._signature(status), flags, self.qr_amount)

    def build_screen(self, status: Status) -> list[w.Widget]:
        if status.step is not Step.HOME:  # not reached in this lesson: the bank's screens
            return super().build_screen(status)
        if self.panel != "history":
            self.rows = None
        return build_screen(self, status)


def receiving_app(sim: ReceivingSimulator, tr: Translator, *,
                  display: bool = False) -> ReceivingAppHandles:
    """Build lesson 6's app over ``sim``; ``display=True`` shows it in a phone frame."""
    view = ReceivingView(sim, tr)
    return ReceivingAppHandles.build(view, sim, display=display)


def receiving_factory(desk: Desk, tr: Translator) -> ReceivingAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    return receiving_app(desk.app("receiving"), tr)


def receiving_check_factory(desk: Desk, tr: Translator) -> ReceivingAppHandles:
    """The receiving check's app, :func:`.appview.unaided` (no help bar, no task list)."""
    with unaided():
        return receiving_app(desk.app("receiving_check"), tr)
