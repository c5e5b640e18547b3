"""Lesson 8's practice app: five drills on scams aimed at older people, each a phone scene.

A sibling of :mod:`.safety_app` (the same scene styles, scoped by ``bk-safe-app``); one screen
per :class:`~bakhong.simulators.scams.Step`, built by :mod:`.scams_screens`. Everything is read
from the simulator on every render, so a reload resumes the scene.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 11, 28, 8, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> app = scams_app(box.scams("hv001"), translator("vi"))
>>> app.controls["start-zalo"].description
'○ Bạn bè nhắn Zalo xin mã 6 số'
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators.scams import LESSON as scams_lesson
from bakhong.simulators.scams import ScamsSimulator, Status, Step

from .appview import AppHandles, AppView, StepHelp, unaided
from .i18n import N_, Translator
from .phone import badge, html_block
from .safety_app import CSS
from .scams_screens import build_screen

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["STEP_HELP", "ScamsAppHandles", "ScamsView", "scams_app", "scams_check_factory",
           "scams_factory"]

#: What each step asks, and a hint (read aloud by the help bar: no digits to spell out).
STEP_HELP: dict[str, StepHelp] = {
    Step.HOME.value: StepHelp(
        N_("Chọn một bài luyện trong danh sách. Làm xong bài nào, bài đó có dấu ✓."),
        N_("Có thể làm theo thứ tự bất kỳ. Làm sai thì được làm lại.")),
    Step.ZALO_CHAT.value: StepHelp(
        N_("Đọc tin nhắn của bạn Lan và tin nhắn mã vừa đến. Chọn điều bạn sẽ làm."),
        N_("Không ai gửi nhầm mã vào máy bạn. Muốn biết có đúng là bạn mình không, hãy gọi "
           "điện bằng số trong danh bạ.")),
    Step.HOSPITAL_CALL.value: StepHelp(
        N_("Một người lạ gọi báo cháu bị tai nạn. Đọc lời người gọi, rồi chọn."),
        N_("Bình tĩnh. Cúp máy và gọi cho cháu, hoặc bố mẹ cháu, bằng số bạn đã biết.")),
    Step.POLICE_VIDEO.value: StepHelp(
        N_("Một người mặc áo công an gọi video. Đọc lời người đó, rồi chọn."),
        N_("Công an không làm việc qua cuộc gọi video và không bắt chuyển tiền. Kể ngay với "
           "con cháu.")),
    Step.BIOMETRIC_CALL.value: StepHelp(
        N_("Một người xưng là nhân viên ngân hàng gọi đến. Đọc lời người đó, rồi chọn."),
        N_("Sinh trắc học chỉ cập nhật trong ứng dụng ngân hàng chính thức hoặc tại quầy.")),
    Step.AFTER_SCAM.value: StepHelp(
        N_("Bạn lỡ bị lừa. Chọn việc làm đầu tiên, rồi việc làm tiếp theo."),
        N_("Trước hết khóa tài khoản để chặn tiền ra. Sau đó báo cáo cho tổng đài hoặc công "
           "an.")),
    Step.OUTCOME.value: StepHelp(
        N_("Đọc lời giải thích. Bấm «Làm lại» hoặc «Về danh sách bài luyện»."),
        N_("Làm sai vẫn được làm lại; làm đúng thì bài có dấu ✓.")),
}


class ScamsAppHandles(AppHandles[ScamsSimulator, "ScamsView"]):
    """Lesson 8's app parts (:class:`.appview.AppHandles`)."""


class ScamsView(AppView):
    """The controls over one learner's drills; screens are built by :mod:`.scams_screens`."""

    prefix = "bk-scams-"
    lesson = scams_lesson
    step_help = STEP_HELP

    def __init__(self, sim: ScamsSimulator, tr: Translator, *, check: bool = False) -> None:
        super().__init__(tr)
        self.sim = sim
        #: the check's app («Tự làm 8»): neutral titles, nothing explained before «Nộp bài»
        self.check = check
        self.status: Status | None = None
        _ = tr
        title = html.escape(_("Cảnh giác lừa đảo"))
        appbar = html_block(f'<div class="bk-appbar">{title}</div>')
        style = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
        self.root = w.VBox([style, badge(tr), appbar, self.screen, self.message.root,
                            self.below], layout=w.Layout(width="100%"))
        self.root.add_class("bk-screen")
        self.root.add_class("bk-safe-app")  # the scene styles of the safety app
        self.root.add_class("bk-scams-app")

    def _signature(self, status: Status) -> tuple[Any, ...]:
        outcome = (status.outcome.code, status.outcome.reported) if status.outcome else None
        return (status.step.value, status.drill, status.locked, outcome, len(status.done),
                self.tr.lang)

    def refresh(self) -> None:
        status = self.sim.status()
        self.status = status
        self.show(self._signature(status), lambda: build_screen(self, status))


def scams_app(sim: ScamsSimulator, tr: Translator, *, display: bool = False,
              check: bool = False) -> ScamsAppHandles:
    """Build lesson 8's app over ``sim``; ``display=True`` shows it in a phone frame;
    ``check=True``: the scams check's app (:mod:`bakhong.simulators.scams_check`)."""
    view = ScamsView(sim, tr, check=check)
    return ScamsAppHandles.build(view, sim, display=display)


def scams_factory(desk: Desk, tr: Translator) -> ScamsAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    return scams_app(desk.app("scams"), tr)


def scams_check_factory(desk: Desk, tr: Translator) -> ScamsAppHandles:
    """The scams check's app, :func:`.appview.unaided` (no help bar, no task list)."""
    with unaided():
        return scams_app(desk.app("scams_check"), tr, check=True)
