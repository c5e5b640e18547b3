"""The staying-safe practice app: a list of five scam drills, each a small phone scene.

One screen per :class:`~bakhong.simulators.safety.Step`, built by :mod:`.safety_screens`;
everything is read from the simulator on every render, so a reload resumes the scene.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 11, 28, 8, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> app = safety_app(box.safety("hv001"), translator("vi"))
>>> app.controls["start-police"].description
'○ Cuộc gọi tự xưng công an hỏi mã OTP'
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators.safety import LESSON as safety_lesson
from bakhong.simulators.safety import SafetySimulator, Status, Step

from .appview import AppHandles, AppView, StepHelp
from .i18n import N_, Translator
from .phone import badge, html_block
from .safety_screens import build_screen

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["STEP_HELP", "SafetyAppHandles", "SafetyView", "safety_app", "safety_factory"]

#: What each step asks, and a hint (read by the help bar under the screen).
STEP_HELP: dict[str, StepHelp] = {
    Step.HOME.value: StepHelp(
        N_("Chọn một bài luyện trong danh sách. Làm xong bài nào, bài đó có dấu ✓."),
        N_("Có thể làm theo thứ tự bất kỳ. Làm sai thì được làm lại.")),
    Step.CALL_RINGING.value: StepHelp(
        N_("Một số lạ đang gọi đến. Bấm «Trả lời» để nghe người đó nói gì."),
        N_("Ngoài đời, không nghe số lạ cũng được. Ở đây hãy nghe để luyện cách trả lời.")),
    Step.CALL_TALK.value: StepHelp(
        N_("Đọc lời người gọi và tin nhắn vừa đến. Chọn điều bạn sẽ làm."),
        N_("Công an không bao giờ hỏi mã OTP qua điện thoại.")),
    Step.SMS_INBOX.value: StepHelp(
        N_("Đọc tin nhắn. Quyết định: mở đường link, báo cáo, hay xóa."),
        N_("Nhìn phần cuối địa chỉ trước dấu «/» đầu tiên: trang của Nhà nước kết thúc bằng "
           "«.gov.vn». Báo cáo trước, rồi mới xóa.")),
    Step.SMS_REPORT.value: StepHelp(
        N_("Tin nhắn báo cáo đã soạn sẵn. Bấm «Gửi» để gửi đến 5656."),
        N_("Gửi đến 5656 là miễn phí.")),
    Step.APK.value: StepHelp(
        N_("Điện thoại hỏi có cài tệp này không. Chọn «Cho phép và cài đặt» hoặc «Hủy»."),
        N_("VNeID chỉ tải từ CH Play hoặc App Store, không tải từ đường link trong tin nhắn.")),
    Step.SHOP.value: StepHelp(
        N_("Bạn mua hàng ở quầy cô Thu. Bấm «Quét mã QR» để trả tiền."),
        N_("Nhớ tên chủ tài khoản ghi trên bảng của quầy.")),
    Step.QR_CONFIRM.value: StepHelp(
        N_("So tên người nhận ngân hàng hiện ra với tên trên bảng của quầy, rồi chọn."),
        N_("Tên khác nhau nghĩa là mã QR đã bị dán đè.")),
    Step.BROWSER.value: StepHelp(
        N_("Ba kết quả đều ghi «Cổng Dịch vụ công quốc gia». Chọn trang thật để mở."),
        N_("Đọc địa chỉ từ phải sang trái. Trang thật kết thúc bằng «.gov.vn».")),
    Step.FAKE_LOGIN.value: StepHelp(
        N_("Xem kỹ thanh địa chỉ ở trên cùng, rồi chọn đăng nhập hay đóng trang."),
        N_("Nếu địa chỉ không kết thúc bằng «.gov.vn», đừng đăng nhập.")),
    Step.REFUND_CHAT.value: StepHelp(
        N_("Đọc tin nhắn của «nhân viên hoàn tiền». Chọn điều bạn sẽ làm."),
        N_("Nhận tiền thì không bao giờ cần mã PIN hay mã OTP.")),
    Step.OUTCOME.value: StepHelp(
        N_("Đọc lời giải thích. Bấm «Làm lại» hoặc «Về danh sách bài luyện»."),
        N_("Làm sai vẫn được làm lại; làm đúng thì bài có dấu ✓.")),
}

#: The look of the scenes (the call card, speech bubbles, the address bar), scoped to the app.
CSS = """
.bk-safe-app .bk-call-card { background: #1b2b3a; color: #fff; border-radius: 12px;
  padding: 16px; text-align: center; }
.bk-safe-app .bk-call-card p { color: #fff; margin: 4px 0; }
.bk-safe-app .bk-call-number { font-size: 1.4em; font-weight: bold; }
.bk-safe-app .bk-bubble { border-radius: 12px; padding: 10px 12px; margin: 6px 0;
  background: #eef1f4; color: #111; max-width: 92%; }
.bk-safe-app .bk-bubble-who { font-size: 0.85em; color: #444; display: block; }
.bk-safe-app .bk-notification { border: 2px solid #1565c0; border-radius: 10px;
  padding: 8px 10px; background: #e3f2fd; color: #0d2a4a; margin: 8px 0; }
.bk-safe-app .bk-address-bar { border: 1px solid #888; border-radius: 20px; padding: 8px 12px;
  background: #f6f6f6; color: #111; font-family: monospace; word-break: break-all; }
.bk-safe-app .bk-link-text { color: #0b57d0; text-decoration: underline; word-break: break-all; }
.bk-safe-app .bk-dialog { border: 1px solid #999; border-radius: 12px; padding: 12px;
  background: #fff; color: #111; }
.bk-safe-app .bk-result { border-bottom: 1px solid #ddd; padding: 6px 0; }
.bk-safe-app .bk-right { border-left: 6px solid #2e7d32; padding-left: 10px; }
.bk-safe-app .bk-wrong { border-left: 6px solid #c62828; padding-left: 10px; }
.bk-safe-app .widget-button { white-space: normal; line-height: 1.3; min-height: 48px; }
"""


class SafetyAppHandles(AppHandles[SafetySimulator, "SafetyView"]):
    """The safety app's parts (:class:`.appview.AppHandles`)."""


class SafetyView(AppView):
    """The controls over one learner's drills; screens are built by :mod:`.safety_screens`."""

    prefix = "bk-safe-"
    lesson = safety_lesson
    step_help = STEP_HELP

    def __init__(self, sim: SafetySimulator, tr: Translator) -> None:
        super().__init__(tr)
        self.sim = sim
        self.status: Status | None = None
        _ = tr
        title = html.escape(_("An toàn trên mạng"))
        appbar = html_block(f'<div class="bk-appbar">{title}</div>')
        style = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
        self.root = w.VBox([style, badge(tr), appbar, self.screen, self.message.root,
                            self.below], layout=w.Layout(width="100%"))
        self.root.add_class("bk-screen")
        self.root.add_class("bk-safe-app")

    def _signature(self, status: Status) -> tuple[Any, ...]:
        outcome = (status.outcome.code, status.outcome.reported) if status.outcome else None
        return (status.step.value, status.drill, status.caller_declined, status.sms_reported,
                status.portal.key if status.portal else None, outcome, len(status.done),
                self.tr.lang)

    def refresh(self) -> None:
        status = self.sim.status()
        self.status = status
        self.show(self._signature(status), lambda: build_screen(self, status))


def safety_app(sim: SafetySimulator, tr: Translator, *,
               display: bool = False) -> SafetyAppHandles:
    """Build the safety app over ``sim``; ``display=True`` shows it in a phone frame."""
    view = SafetyView(sim, tr)
    return SafetyAppHandles.build(view, sim, display=display)


def safety_factory(desk: Desk, tr: Translator) -> SafetyAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    return safety_app(desk.app("safety"), tr)
