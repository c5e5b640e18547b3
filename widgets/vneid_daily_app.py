"""Lesson 7's VNeID app: everyday VNeID (:mod:`bakhong.simulators.vneid_daily`).

The VNeID app of lesson 1, already at level 2, opened by the passcode: «Ví giấy tờ» (the
document wallet), «Thủ tục hành chính» and a clinic's counter outside the phone. The
screens are in :mod:`.vneid_daily_screens`, the help bar's texts in
:mod:`.vneid_daily_help`. Like lesson 1's view it keeps no flow state: every render reads
``sim.status()``.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 12, 1, 8, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> sim = box.vneid_daily("hv001")
>>> app = vneid_daily_app(sim, sim.persona, translator("vi"))
>>> app.controls["passcode"].value = sim.card_passcode()
>>> app.controls["login"].click()
>>> app.controls["go-wallet"].description
'Ví giấy tờ'
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators import idnumber, vneid_daily
from bakhong.simulators.registry import Persona
from bakhong.simulators.vneid_daily import GPLX, Status, Step, VneidDailySimulator

from .appview import AppHandles, AppView, unaided
from .i18n import N_, Translator
from .phone import badge, facts, html_block, vn_date
from .vneid_daily_help import STEP_HELP
from .vneid_daily_screens import build_screen

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["TASKS", "VneidDailyAppHandles", "VneidDailyView", "vneid_daily_app",
           "vneid_daily_check_factory", "vneid_daily_factory"]

#: The lesson's tasks, in the order the list shows them.
TASKS = (
    (vneid_daily.TASK_WALLET, N_("Thêm thẻ BHYT và giấy phép lái xe của bạn vào «Ví giấy "
                                 "tờ» (Tích hợp thông tin).")),
    (vneid_daily.TASK_CLINIC, N_("Ở phòng khám, mở thẻ BHYT (hoặc căn cước điện tử) trong ví "
                                 "và cho lễ tân quét mã QR.")),
    (vneid_daily.TASK_NEWBORN, N_("Trong «Thủ tục hành chính», tìm thủ tục liên thông khai "
                                  "sinh cho trẻ mới sinh.")),
)

#: Screens where the learner types what is on the persona card: the card opens there.
_TYPING_STEPS = (Step.LOGIN, Step.ADD_PAPER, Step.CONFIRM_PAPER)


class VneidDailyAppHandles(AppHandles[VneidDailySimulator, "VneidDailyView"]):
    """Lesson 7's app parts (:class:`.appview.AppHandles`)."""


class VneidDailyView(AppView):
    """The controls over lesson 7's simulator (see the module's notes)."""

    prefix = "bk-vneid-daily-"
    lesson = vneid_daily.LESSON
    step_help = STEP_HELP

    def __init__(self, sim: VneidDailySimulator, persona: Persona, tr: Translator) -> None:
        super().__init__(tr)
        self.sim, self.persona = sim, persona
        self.status: Status | None = None
        _ = tr
        self.tasks = w.Accordion([html_block("")], selected_index=0,
                                 layout=w.Layout(width="100%"))
        self.tasks.add_class("bk-vneid-daily-tasks")
        self.persona_card = self._persona_card()
        self.controls["persona-card"] = self.persona_card
        appbar = html_block(f'<div class="bk-appbar">{html.escape(_("VNeID"))}</div>')
        tasks = [] if self.unaided else [self.tasks]  # a check: the goal is above, no list
        if tasks:
            self.controls["tasks"] = self.tasks
        self.root = w.VBox([badge(tr), appbar, *tasks, self.persona_card, self.screen,
                            self.message.root, self.below], layout=w.Layout(width="100%"))
        self.root.add_class("bk-screen")
        self.root.add_class("bk-vneid-app")

    def _persona_card(self) -> w.Accordion:
        _, p = self.tr, self.persona
        rows = (
            (_("Họ và tên"), p.full_name),
            (_("Số định danh cá nhân"), idnumber.format(p.id_number)),
            (_("Ngày sinh"), vn_date(p.birth_date)),
            (_("Passcode VNeID"), self.sim.card_passcode()),
            (_("Số giấy phép lái xe"), self.sim.papers()[GPLX].number),
        )
        hint = html.escape(_("Chỉ nhập thông tin trên thẻ này, không nhập thông tin thật."))
        body = html_block(f'<div class="bk-persona">{facts(rows)}'
                          f'<p class="bk-hint">{hint}</p></div>')
        card = w.Accordion([body], titles=(_("Thẻ nhân vật mô phỏng"),), selected_index=None,
                           layout=w.Layout(width="100%"))
        card.add_class("bk-vneid-daily-persona-card")
        return card

    def _render_tasks(self, status: Status) -> None:
        _ = self.tr
        items = []
        for task, text in TASKS:
            mark = "✅" if task in status.done else "⬜"
            state = _("đã xong") if task in status.done else _("chưa làm")
            items.append(f'<li><span aria-label="{html.escape(state)}">{mark}</span> '
                         f"{html.escape(_(text))}</li>")
        self.tasks.children[0].value = f'<ol class="bk-tasklist">{"".join(items)}</ol>'
        self.tasks.titles = (_("Việc cần làm ({done}/{total})").format(
            done=sum(task in status.done for task, _t in TASKS), total=len(TASKS)),)

    def refresh(self) -> None:
        """Show the current step; raises what the simulator raises (the click shows it)."""
        status = self.sim.status()
        self.status = status
        new_step = (self.shown is None or self.shown[0] != status.step) and not self.quiet
        if new_step:  # the card opens where its data is typed; the tasks fold after login
            self.persona_card.selected_index = 0 if status.step in _TYPING_STEPS else None
            if self.shown is not None:
                self.tasks.selected_index = None
        self._render_tasks(status)
        self.show(_signature(status, self.tr.lang), lambda: build_screen(self, status))


def _signature(status: Status, lang: str) -> tuple[Any, ...]:
    """What a screen shows of the status: a change rebuilds it, anything else keeps the typing."""
    return (status.step, status.wallet, status.paper, status.clinic_started,
            vneid_daily.TASK_CLINIC in status.done, status.procedure, status.counter,
            status.target, lang)


def vneid_daily_app(sim: VneidDailySimulator, persona: Persona, tr: Translator, *,
                    display: bool = False) -> VneidDailyAppHandles:
    """Build lesson 7's app over ``sim``; ``display=True`` shows it in a phone frame."""
    view = VneidDailyView(sim, persona, tr)
    return VneidDailyAppHandles.build(view, sim, display=display)


def vneid_daily_factory(desk: Desk, tr: Translator) -> VneidDailyAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    sim = desk.app("vneid_daily")
    return vneid_daily_app(sim, sim.persona, tr)


def vneid_daily_check_factory(desk: Desk, tr: Translator) -> VneidDailyAppHandles:
    """The everyday VNeID check's app, for the person on its own card,
    :func:`.appview.unaided` (no help bar, no task list)."""
    sim = desk.app("vneid_daily_check")
    with unaided():
        return vneid_daily_app(sim, sim.card(), tr)
