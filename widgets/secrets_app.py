"""Lesson 10's practice app: four scenes on keeping one's secrets, each a phone scene.

A sibling of :mod:`.scams_app` (the scene styles of the safety app, scoped by
``bk-safe-app``); one screen per :class:`~bakhong.simulators.secrets.Step`, built by
:mod:`.secrets_screens`. Everything is read from the simulator on every render, so a reload
resumes the scene.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 11, 28, 8, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> app = secrets_app(box.secrets("hv001"), translator("vi"))
>>> app.controls["start-notebook"].description
'○ Cất mật khẩu và mã PIN ở đâu'
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators.secrets import LESSON as secrets_lesson
from bakhong.simulators.secrets import SecretsSimulator, Status, Step

from .appview import AppHandles, AppView, StepHelp, unaided
from .i18n import N_, Translator
from .phone import badge, html_block
from .safety_app import CSS
from .secrets_screens import build_screen

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["STEP_HELP", "SecretsAppHandles", "SecretsView", "secrets_app",
           "secrets_check_factory", "secrets_factory"]

#: What each step asks, and a hint (read aloud by the help bar: no digits to spell out).
STEP_HELP: dict[str, StepHelp] = {
    Step.HOME.value: StepHelp(
        N_("Chọn một tình huống trong danh sách. Làm xong tình huống nào, tình huống đó có "
           "dấu ✓."),
        N_("Có thể làm theo thứ tự bất kỳ. Làm sai thì được làm lại.")),
    Step.NOTEBOOK.value: StepHelp(
        N_("Bạn sợ quên mật khẩu và mã PIN. Chọn chỗ cất chúng."),
        N_("Chỗ cất tốt nhất không đi cùng điện thoại: một cuốn sổ ở nhà, chỗ kín đáo.")),
    Step.SHOP.value: StepHelp(
        N_("Đọc lời chủ cửa hàng, rồi chọn."),
        N_("SIM, tài khoản và ví điện tử phải đứng tên chính bạn, bằng căn cước của bạn.")),
    Step.HELPER.value: StepHelp(
        N_("Bạn cần người giúp mở ứng dụng ngân hàng. Đọc lời mọi người, rồi chọn."),
        N_("Người giúp chỉ chỗ bấm. Mật khẩu, mã PIN, mã OTP thì chỉ bạn tự gõ.")),
    Step.LEND.value: StepHelp(
        N_("Một người lạ mượn điện thoại của bạn. Đọc chuyện gì xảy ra, rồi chọn."),
        N_("Gọi nhờ thì không cần mở ứng dụng ngân hàng. Lấy lại máy ngay.")),
    Step.OUTCOME.value: StepHelp(
        N_("Đọc lời giải thích. Bấm «Làm lại» hoặc «Về danh sách bài luyện»."),
        N_("Làm sai vẫn được làm lại; làm đúng thì tình huống có dấu ✓.")),
}


class SecretsAppHandles(AppHandles[SecretsSimulator, "SecretsView"]):
    """Lesson 10's app parts (:class:`.appview.AppHandles`)."""


class SecretsView(AppView):
    """The controls over one learner's scenes; screens are built by :mod:`.secrets_screens`."""

    prefix = "bk-secrets-"
    lesson = secrets_lesson
    step_help = STEP_HELP

    def __init__(self, sim: SecretsSimulator, tr: Translator, *, check: bool = False) -> None:
        super().__init__(tr)
        self.sim = sim
        #: the check's app («Tự làm 10»): neutral titles, nothing explained before «Nộp bài»
        self.check = check
        self.status: Status | None = None
        _ = tr
        title = html.escape(_("Giữ bí mật của mình"))
        appbar = html_block(f'<div class="bk-appbar">{title}</div>')
        style = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
        self.root = w.VBox([style, badge(tr), appbar, self.screen, self.message.root,
                            self.below], layout=w.Layout(width="100%"))
        self.root.add_class("bk-screen")
        self.root.add_class("bk-safe-app")  # the scene styles of the safety app
        self.root.add_class("bk-secrets-app")

    def _signature(self, status: Status) -> tuple[Any, ...]:
        outcome = (status.outcome.code, status.outcome.reported) if status.outcome else None
        return (status.step.value, status.drill, outcome, len(status.done), self.tr.lang)

    def refresh(self) -> None:
        status = self.sim.status()
        self.status = status
        self.show(self._signature(status), lambda: build_screen(self, status))


def secrets_app(sim: SecretsSimulator, tr: Translator, *, display: bool = False,
                check: bool = False) -> SecretsAppHandles:
    """Build lesson 10's app over ``sim``; ``display=True`` shows it in a phone frame;
    ``check=True``: the secrets check's app (:mod:`bakhong.simulators.secrets_check`)."""
    view = SecretsView(sim, tr, check=check)
    return SecretsAppHandles.build(view, sim, display=display)


def secrets_factory(desk: Desk, tr: Translator) -> SecretsAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    return secrets_app(desk.app("secrets"), tr)


def secrets_check_factory(desk: Desk, tr: Translator) -> SecretsAppHandles:
    """The secrets check's app, :func:`.appview.unaided` (no help bar, no task list)."""
    with unaided():
        return secrets_app(desk.app("secrets_check"), tr, check=True)
