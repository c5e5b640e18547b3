"""The first screen: what the course stores, in plain words, and one «Tôi đồng ý» button."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import ipywidgets as w

from bakhong.simulators.learners import NOTICE_VERSION

from .i18n import Translator
from .phone import MessageArea, action_button, badge, html_block, on_click, screen_title

__all__ = ["ConsentHandles", "consent_screen"]


@dataclass
class ConsentHandles:
    root: w.VBox
    controls: dict[str, w.Widget] = field(default_factory=dict)
    message: MessageArea | None = None


def _notice(tr: Translator) -> str:
    _ = tr
    items = (
        _("Đây là ứng dụng luyện tập. Mọi tên, số và giấy tờ ở đây là của nhân vật mô phỏng, "
          "không phải của bạn."),
        _("Chúng tôi lưu: họ tên và xã/phường của bạn (do người hướng dẫn nhập), bạn đã học "
          "đến bài nào, và điểm các bài."),
        _("Người hướng dẫn xem được tiến độ và điểm của bạn. Báo cáo gửi xã chỉ có số liệu "
          "chung, không có tên từng người."),
        _("Không bao giờ nhập số định danh, số điện thoại, số tài khoản ngân hàng hay số thẻ "
          "bảo hiểm y tế thật của bạn."),
        _("Muốn xóa dữ liệu của mình, bạn chỉ cần nói với người hướng dẫn. Dữ liệu sẽ được "
          "xóa hết."),
    )
    lines = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    version = _("Phiên bản thông báo: {version}").format(version=NOTICE_VERSION)
    return (f"<div class=\"bk-consent\"><ul>{lines}</ul>"
            f"<p class=\"bk-version\">{html.escape(version)}</p></div>")


def consent_screen(on_accept: Callable[[], str | None], tr: Translator) -> ConsentHandles:
    """The consent notice; ``on_accept`` records the consent (and may raise a SandboxError)."""
    _ = tr
    message = MessageArea(tr)
    accept = action_button("bk-common-consent-accept", _("Tôi đồng ý"), primary=True)
    on_click(accept, on_accept, message, tr)
    root = w.VBox([
        badge(tr),
        screen_title(_("Trước khi bắt đầu")),
        html_block(_notice(tr)),
        accept,
        message.root,
    ], layout=w.Layout(width="100%"))
    root.add_class("bk-screen")
    root.add_class("bk-common-consent")
    return ConsentHandles(root, {"consent-accept": accept}, message)
