"""The bank practice app: balance, «Quét QR», transfer, PIN pad, receipt, history.

One screen per :class:`~bakhong.simulators.bank.Step`; on the home step the learner
moves between panels (scan, transfer, history, check a receipt) that belong to the
view only, as the tabs of a real app do. Everything else is read from the simulator
on every render, so a reload resumes the payment where it stood.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 11, 28, 8, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> app = bank_app(box.bank("hv001"), translator("vi"))
>>> app.controls["save-pin"].description
'Lưu mã PIN'
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import ipywidgets as w

from bakhong.simulators import bank
from bakhong.simulators.bank import BankSimulator, Status, Step

from .appview import AppHandles, AppView, ViewState, unaided
from .bank_help import STEP_HELP
from .bank_screens import build_screen
from .i18n import N_, Translator
from .phone import badge, html_block, inbox_panel
from .pinpad import PinPad

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["BankAppHandles", "BankView", "bank_app", "bank_check_factory", "bank_factory"]

#: The panels of the home step.
PANELS = ("home", "scan", "transfer", "history", "check")

#: The lesson's tasks, in the order the panel lists them, with the evidence that ticks them.
TASKS = (
    (bank.TASK_STATIC, N_("Trả tiền rau cho cô Hạnh: {stall} bằng mã QR tĩnh của quầy "
                          "(bạn tự nhập số tiền).")),
    (bank.TASK_BILL, N_("Trả hóa đơn tiền điện tháng {month}: {bill}, bằng mã QR động in "
                        "trên hóa đơn (số tiền có sẵn).")),
    (bank.TASK_SWAPPED, N_("Quầy trái cây cô Lụa: quét mã, xem tên người nhận. Nếu không "
                           "phải tên cô Lụa, bấm «Hủy» và báo người bán.")),
    (bank.TASK_RECEIPT, N_("Kiểm tra biên lai: nhập mã giao dịch của hóa đơn tiền điện vào "
                           "«Kiểm tra biên lai».")),
)


class BankAppHandles(AppHandles[BankSimulator, "BankView"]):
    """The bank app's parts (:class:`.appview.AppHandles`)."""


class BankView(AppView):
    """The controls over one learner's bank; screens are built by :mod:`.bank_screens`."""

    prefix = "bk-bank-"
    lesson = bank.LESSON
    step_help = STEP_HELP
    remembered: ClassVar[tuple[str, ...]] = ("panel",)
    #: The panels of the home step (lesson 6's view has its own).
    panels: tuple[str, ...] = PANELS
    #: The lesson's tasks (lesson 6's view has its own).
    tasks_list: tuple[tuple[str, str], ...] = TASKS

    def __init__(self, sim: BankSimulator, tr: Translator, *, handed_over: bool = False) -> None:
        super().__init__(tr)
        self.sim = sim
        if self.kept_tasks is not None:  # a workshop's variant: the tasks it grades
            self.tasks_list = tuple(t for t in self.tasks_list if t[0] in self.kept_tasks)
        self.status: Status | None = None
        self.panel = "home"
        self.pinpad = PinPad(tr)  # the digits stay in the kernel, never a synced value
        self.handed_over = handed_over
        _ = tr
        self.tasks = w.Accordion([html_block("")], selected_index=None,
                                 layout=w.Layout(width="100%"))
        self.tasks.add_class("bk-bank-tasks")
        self.inbox = inbox_panel("bk-bank-sms-inbox")
        self.controls.update({"sms-inbox": self.inbox})
        name = html.escape(_(bank.HOME_BANK.name))
        appbar = html_block(f'<div class="bk-appbar bk-appbar-bank">{name}</div>')
        if handed_over:  # opened by another app (the portal's fee): its badge is on show, and
            parts = [appbar, self.inbox]  # lesson 2's task list is not this lesson's
        elif self.unaided:  # a check: the goal is stated above the app, no task list
            parts = [badge(tr), appbar, self.inbox]
        else:
            self.controls["tasks"] = self.tasks
            parts = [badge(tr), appbar, self.tasks, self.inbox]
        self.root = w.VBox([*parts, self.screen, self.message.root, self.below],
                           layout=w.Layout(width="100%"))
        self.root.add_class("bk-screen")
        self.root.add_class("bk-bank-app")

    # -- navigation inside the home step -------------------------------------------------

    def go(self, panel: str) -> Callable[[], None]:
        def act() -> None:
            if panel not in self.panels:
                raise ValueError(panel)
            self.panel = panel
        return act

    # -- the parts shown on every screen -------------------------------------------------

    def task_values(self, status: Status) -> dict[str, object]:
        """What the task list's texts are filled with."""
        scenario = status.scenario
        return {"stall": bank.money(scenario["stall_amount"]),
                "bill": bank.money(scenario["bill_amount"]), "month": scenario["bill_month"]}

    def _render_tasks(self, status: Status) -> None:
        _ = self.tr
        done = status.done
        values = self.task_values(status)
        items = []
        for task, text in self.tasks_list:
            mark = "✅" if task in done else "⬜"
            state = _("đã xong") if task in done else _("chưa làm")
            items.append(f'<li><span aria-label="{html.escape(state)}">{mark}</span> '
                         f"{html.escape(_(text).format(**values))}</li>")
        self.tasks.children[0].value = f'<ol class="bk-tasklist">{"".join(items)}</ol>'
        self.tasks.titles = (_("Việc cần làm ({done}/{total})").format(
            done=sum(task in done for task, _t in self.tasks_list), total=len(self.tasks_list)),)

    def _render_inbox(self) -> None:
        self.show_inbox(self.sim.inbox())

    def view_state(self) -> ViewState:
        state = super().view_state()
        state.extra["pin"] = self.pinpad.digits
        return state

    def restore_after(self, state: ViewState) -> None:
        super().restore_after(state)
        self.pinpad.digits = str(state.extra.get("pin", ""))
        self.pinpad.redraw()

    # -- rendering -----------------------------------------------------------------------

    def _signature(self, status: Status) -> tuple[Any, ...]:
        panel = self.panel if status.step is Step.HOME else ""
        draft = status.draft.request_id if status.draft else None
        receipt = (status.receipt.reference, status.receipt.status) if status.receipt else None
        return (status.step, panel, draft, receipt, status.balance, status.pin_tries_left,
                self.tr.lang)

    def refresh(self) -> None:
        status = self.sim.status()
        self.status = status
        if status.step is not Step.HOME:
            self.panel = "home"  # after a payment, the home screen again
        if self.shown is None or self.shown[0] != status.step:
            self.pinpad.clear()
            # the tasks open on the first home screen (after the PIN is set); closed on the others
            first_home = status.step is Step.HOME and (
                self.shown is None or self.shown[0] is Step.SETUP)
            if not self.quiet:
                self.tasks.selected_index = 0 if first_home else None
        if not self.handed_over and not self.unaided:
            self._render_tasks(status)
        self._render_inbox()

        def build() -> list[w.Widget]:
            self.pinpad.detach()
            return self.build_screen(status)
        self.show(self._signature(status), build)

    def build_screen(self, status: Status) -> list[w.Widget]:
        """The widgets of the screen ``status`` is on (:mod:`.bank_screens`)."""
        return build_screen(self, status)


def bank_app(sim: BankSimulator, tr: Translator, *, display: bool = False,
             handed_over: bool = False) -> BankAppHandles:
    """Build the bank app over ``sim``; ``display=True`` shows it in a phone frame.

    ``handed_over``: opened by another app (the portal pays a fee), under that app's
    «MÔ PHỎNG» badge: no badge of its own, and no list of lesson 2's tasks.
    """
    view = BankView(sim, tr, handed_over=handed_over)
    return BankAppHandles.build(view, sim, display=display)


def bank_factory(desk: Desk, tr: Translator) -> BankAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    return bank_app(desk.app("bank"), tr)


def bank_check_factory(desk: Desk, tr: Translator) -> BankAppHandles:
    """The payment check's app, :func:`.appview.unaided` (no help bar, no task list)."""
    with unaided():
        return bank_app(desk.app("bank_check"), tr)
