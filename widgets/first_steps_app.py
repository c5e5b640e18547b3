"""Lesson 0's practice phone: a home screen of five parts, an SMS inbox, one screen per step.

Everything shown is read from :class:`~bakhong.simulators.first_steps.FirstStepsSimulator`
on every render, so a reload resumes where the learner stood. Screens are built by
:mod:`.first_steps_screens`; :data:`STEP_HELP` gives the help bar a sentence and a
hint for every step.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 11, 28, 8, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> app = first_steps_app(box.first_steps("hv001"), translator("vi"))
>>> app.controls["open-tap"].description
'1. Bấm vào nút trên màn hình'
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import ipywidgets as w

from bakhong.simulators.first_steps import LESSON as fs_lesson
from bakhong.simulators.first_steps import FirstStepsSimulator, Status, Step

from .appview import AppHandles, AppView, StepHelp
from .first_steps_screens import build_screen
from .i18n import N_, Translator
from .phone import badge, html_block, inbox_panel

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["STEP_HELP", "FirstStepsAppHandles", "FirstStepsView", "first_steps_app",
           "first_steps_factory"]

#: This app's own styling hooks (bakhong.css is shared; these belong to lesson 0 only).
CSS = """
.bk-start-card { border: 2px solid #0b3d91; border-radius: 10px; padding: 8px 10px;
  margin: 6px 0; background: #f5f7fb; }
.bk-start-phrase { font-size: 26px; font-weight: 700; margin: 4px 0; }
.bk-start-instruction, .bk-start-question { font-size: 20px; line-height: 1.4; }
.bk-start-address { font-family: monospace; background: #eeeeee; padding: 4px 8px;
  border-radius: 6px; }
"""

#: What each step asks, and a hint (the help bar under the screen reads them).
STEP_HELP: Mapping[str, StepHelp] = {
    Step.HOME.value: StepHelp(
        N_("Chọn một phần để học. Làm phần nào trước cũng được."),
        N_("Bấm vào một nút chưa có dấu ✅.")),
    Step.TAP.value: StepHelp(
        N_("Đọc dòng chữ đậm, rồi bấm đúng nút đó."),
        N_("Chạm nhẹ một lần rồi nhấc tay lên. Không bấm giữ, không bấm hai lần.")),
    Step.TYPE.value: StepHelp(
        N_("Gõ lại dòng chữ mẫu, có đủ dấu, rồi bấm «Kiểm tra»."),
        N_("Với Telex: gõ chữ rồi thêm phím dấu, ví dụ «Thoj» thành «Thọ». Hoặc bấm giữ "
           "một chữ để chọn chữ có dấu.")),
    Step.SMS.value: StepHelp(
        N_("Mở «Tin nhắn SMS», tìm mã 6 chữ số, gõ vào ô rồi bấm «Xác nhận»."),
        N_("Mã là 6 chữ số đứng sau «Ma xac thuc cua ban la». Nếu mã hết hạn, bấm «Gửi lại "
           "mã».")),
    Step.STORE_PICK.value: StepHelp(
        N_("Chọn loại điện thoại bạn dùng."),
        N_("Nếu điện thoại có quả táo ở mặt sau, đó là iPhone. Các loại khác thường là "
           "Android.")),
    Step.STORE_APP.value: StepHelp(
        N_("Bấm nút cài ứng dụng."),
        N_("Trên CH Play là nút «Cài đặt», trên App Store là nút «Nhận».")),
    Step.GOOGLE_SIGN_IN.value: StepHelp(
        N_("Cửa hàng hỏi mật khẩu Tài khoản Google. Bạn đã quên mật khẩu."),
        N_("Bấm «Quên mật khẩu?» để lấy lại tài khoản.")),
    Step.GOOGLE_LAST_PASSWORD.value: StepHelp(
        N_("Google hỏi mật khẩu cũ bạn còn nhớ. Bạn không nhớ."),
        N_("Bấm «Thử cách khác» để nhận mã qua tin nhắn.")),
    Step.GOOGLE_SEND_CODE.value: StepHelp(
        N_("Google sẽ gửi mã đến số điện thoại của tài khoản."),
        N_("Bấm «Gửi».")),
    Step.GOOGLE_CODE.value: StepHelp(
        N_("Mở «Tin nhắn SMS», đọc mã của Google, gõ 6 chữ số vào ô."),
        N_("Tin nhắn có dạng «G-123456 là mã xác minh Google của bạn». Chỉ gõ 6 chữ số.")),
    Step.GOOGLE_NEW_PASSWORD.value: StepHelp(
        N_("Tự nghĩ ra mật khẩu mới, gõ hai lần giống nhau."),
        N_("Ít nhất 8 ký tự, có cả chữ và số, ví dụ «Lua-Mua-2026».")),
    Step.APPLE_SIGN_IN.value: StepHelp(
        N_("App Store hỏi mật khẩu Tài khoản Apple. Bạn đã quên mật khẩu."),
        N_("Bấm «Quên mật khẩu?» để đặt lại mật khẩu.")),
    Step.APPLE_IFORGOT.value: StepHelp(
        N_("Đây là trang đặt lại mật khẩu của Apple. Địa chỉ email đã có sẵn."),
        N_("Bấm «Tiếp tục».")),
    Step.APPLE_PHONE.value: StepHelp(
        N_("Gõ số điện thoại của tài khoản, rồi bấm «Tiếp tục»."),
        N_("Dùng số trên thẻ nhân vật (bắt đầu bằng 0100), không dùng số thật của bạn.")),
    Step.APPLE_CODE.value: StepHelp(
        N_("Mở «Tin nhắn SMS», đọc mã xác minh của Apple, gõ vào ô."),
        N_("Tin nhắn có dạng «Mã xác minh ID Apple của bạn là: 123456».")),
    Step.APPLE_NEW_PASSWORD.value: StepHelp(
        N_("Tự nghĩ ra mật khẩu mới, gõ hai lần giống nhau."),
        N_("Ít nhất 8 ký tự, có chữ hoa, chữ thường và chữ số, ví dụ «LuaMua2026».")),
    Step.INSTALLED.value: StepHelp(
        N_("Ứng dụng đã được cài. Phần này đã xong."),
        N_("Bấm «Về trang chủ» để làm phần khác.")),
    Step.PRIVACY.value: StepHelp(
        N_("Đọc câu hỏi, bấm vào câu trả lời bạn cho là đúng."),
        N_("Nếu chưa đúng, đọc lời giải thích rồi chọn lại.")),
}


class FirstStepsAppHandles(AppHandles[FirstStepsSimulator, "FirstStepsView"]):
    """The first steps app's parts (:class:`.appview.AppHandles`)."""


class FirstStepsView(AppView):
    """The controls over one learner's practice phone."""

    prefix = "bk-start-"
    lesson = fs_lesson
    step_help: ClassVar[Mapping[str, StepHelp]] = STEP_HELP

    def __init__(self, sim: FirstStepsSimulator, tr: Translator) -> None:
        super().__init__(tr)
        _ = tr
        self.sim = sim
        self.status: Status | None = None
        self.inbox = inbox_panel("bk-start-sms-inbox")
        self.controls["sms-inbox"] = self.inbox
        title = html.escape(_("Làm quen với điện thoại"))
        appbar = html_block(f'<div class="bk-appbar bk-start-appbar">{title}</div>')
        style = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
        self.root = w.VBox([style, badge(tr), appbar, self.inbox, self.screen, self.message.root,
                            self.below], layout=w.Layout(width="100%"))
        self.root.add_class("bk-screen")
        self.root.add_class("bk-start-app")

    def open(self, part: str) -> Callable[[], None]:
        def act() -> None:
            self.sim.open_part(part)
        return act

    def _render_inbox(self) -> None:
        self.show_inbox(self.sim.inbox())

    def _signature(self, status: Status) -> tuple[Any, ...]:
        extra: tuple[Any, ...] = ()
        if status.step is Step.HOME:
            extra = (tuple(sorted(status.done)),)
        elif status.step is Step.TAP:
            extra = (status.tap_next,)
        elif status.step is Step.SMS:
            extra = (status.sms_expires_at,)
        elif status.step is Step.PRIVACY:
            extra = (status.question,)
        elif status.store is not None:
            extra = (status.store, status.signed_in)
        return (status.step.value, *extra, self.tr.lang)

    def refresh(self) -> None:
        status = self.sim.status()
        self.status = status
        self._render_inbox()
        self.show(self._signature(status), lambda: build_screen(self, status))


def first_steps_app(sim: FirstStepsSimulator, tr: Translator, *,
                    display: bool = False) -> FirstStepsAppHandles:
    """Build the practice phone over ``sim``; ``display=True`` shows it in a phone frame."""
    view = FirstStepsView(sim, tr)
    return FirstStepsAppHandles.build(view, sim, display=display)


def first_steps_factory(desk: Desk, tr: Translator) -> FirstStepsAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    return first_steps_app(desk.app("first_steps"), tr)
