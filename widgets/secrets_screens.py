"""The scenes of lesson 10's app, one function per step.

Each scene is a moment of a resident's day: the passwords she is afraid to forget, a phone
shop's counter, the commune office with her grandson, a stranger at the market borrowing her
phone. Each function takes the view and the current status and returns the screen's widgets;
buttons call the simulator. The home list and the outcome (``bk-secrets-explanation``,
``bk-secrets-retry``) are built by :mod:`.drill_screens`, as in the safety and scams apps.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import secrets
from bakhong.simulators.secrets import Status, Step

from .drill_screens import bubble as _bubble
from .drill_screens import drill_home, drill_outcome
from .phone import html_block, paragraph, screen_title

if TYPE_CHECKING:
    from .secrets_app import SecretsView

__all__ = ["DRILL_KEYS", "SCREENS", "build_screen"]

Screen = Callable[["SecretsView", Status], list[w.Widget]]

#: The short name of each scene in its controls' classes (``bk-secrets-start-notebook``).
DRILL_KEYS = {secrets.TASK_NOTEBOOK: "notebook", secrets.TASK_OWN_NAME: "own-name",
              secrets.TASK_HELP: "help", secrets.TASK_LEND: "lend"}


def _esc(text: str) -> str:
    return html.escape(text)


def _leave(view: SecretsView) -> w.Button:
    _ = view.tr

    def act() -> None:
        view.sim.home()
    return view.button("bk-secrets-home", _("Về danh sách bài luyện"), act)


def _name(view: SecretsView) -> str:
    return view.sim.persona.full_name


def _choice(view: SecretsView, cls: str, label: str, call: Callable[[], object]) -> w.Button:
    def act() -> None:
        call()
    return view.button(cls, label, act)


# -- home -------------------------------------------------------------------------------------

def home(view: SecretsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    return drill_home(view, view.sim, title=_("Bài luyện giữ bí mật"),
                      intro=_("Mỗi tình huống là một việc thường ngày. Hãy làm như bạn sẽ làm "
                              "ngoài đời."),
                      drills=secrets.DRILLS, keys=DRILL_KEYS, done=status.done)


# -- 1. where the passwords are kept ----------------------------------------------------------

def password_notebook(view: SecretsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    things = [_("Mật khẩu Zalo"), _("Mật khẩu (passcode) VNeID"),
              _("Mã PIN ứng dụng ngân hàng"), _("Mã PIN thẻ ATM")]
    items = "".join(f"<li>{_esc(t)}</li>" for t in things)
    said = _("Bạn có nhiều mật khẩu và mã PIN, sợ quên:")
    story = html_block(f'<div class="bk-notification" role="status"><p>{_esc(said)}</p>'
                       f"<ul>{items}</ul></div>")
    view.keep("bk-secrets-notebook-story", story)
    sim = view.sim
    return [screen_title(_("Cất mật khẩu ở đâu?")), story,
            paragraph(_("Bạn sẽ cất chúng ở đâu?"), "bk-hint"),
            _choice(view, "bk-secrets-sticky", _("Ghi ra mẩu giấy, dán sau lưng điện thoại"),
                    sim.stick_on_phone),
            _choice(view, "bk-secrets-photo",
                    _("Chụp ảnh, để trong thư viện ảnh của điện thoại"), sim.photo_in_gallery),
            _choice(view, "bk-secrets-same-password", _("Dùng một mật khẩu cho tất cả, cho dễ nhớ"),
                    sim.same_password),
            _choice(view, "bk-secrets-notebook", _("Ghi vào một cuốn sổ, cất ở nhà, chỗ kín đáo"),
                    sim.notebook_at_home),
            _leave(view)]


# -- 2. in one's own name ---------------------------------------------------------------------

def shop_counter(view: SecretsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    owner = _("Chủ cửa hàng {name}").format(name=secrets.SHOP_OWNER)
    talk = html_block(
        '<div role="log">'
        + _bubble(owner, _("Chào {name}! Bác mua SIM mới à? Em đăng ký luôn bằng tên em cho "
                           "nhanh, bác khỏi mang căn cước.").format(name=_name(view)))
        + _bubble(owner, _("Ví điện tử thì em mở bằng tên cháu {nephew} nhà bác, đỡ phải chụp "
                           "mặt.").format(nephew=secrets.NEPHEW))
        + "</div>")
    view.keep("bk-secrets-shop-talk", talk)
    sim = view.sim
    return [screen_title(_("Cửa hàng điện thoại {shop}").format(shop=secrets.SHOP)), talk,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            _choice(view, "bk-secrets-sim-other", _("Đồng ý: SIM đứng tên chủ cửa hàng cho nhanh"),
                    sim.sim_in_shop_name),
            _choice(view, "bk-secrets-wallet-other",
                    _("Đồng ý: ví điện tử đứng tên cháu {nephew}").format(
                        nephew=secrets.NEPHEW), sim.wallet_in_nephew_name),
            _choice(view, "bk-secrets-own-name",
                    _("Từ chối. Đăng ký SIM và ví bằng căn cước của chính mình"),
                    sim.own_name),
            _leave(view)]


# -- 3. who may help --------------------------------------------------------------------------

def who_may_help(view: SecretsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    said = _("Ở xã, bạn không mở được ứng dụng ngân hàng. Cháu {grandson} đi cùng bạn.").format(
        grandson=secrets.GRANDSON)
    grandson = _("Cháu {grandson}").format(grandson=secrets.GRANDSON)
    stranger = _("Người lạ đứng cạnh")
    talk = html_block(
        f"<p>{_esc(said)}</p>"
        '<div role="log">'
        + _bubble(grandson, _("Đưa máy đây, đọc mã PIN cho cháu, cháu bấm cho nhanh."))
        + _bubble(stranger, _("Bác đưa máy đây tôi làm giúp, tôi rành lắm."))
        + "</div>")
    view.keep("bk-secrets-help-talk", talk)
    sim = view.sim

    def with_team() -> None:
        sim.type_pin_myself(team=True)
    return [screen_title(_("Ai được giúp?")), talk,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            _choice(view, "bk-secrets-grandson-types",
                    _("Đọc mã PIN cho cháu {grandson} bấm hộ").format(
                        grandson=secrets.GRANDSON), sim.grandson_types_pin),
            _choice(view, "bk-secrets-stranger", _("Đưa điện thoại cho người lạ làm giúp"),
                    sim.stranger_helps),
            _choice(view, "bk-secrets-type-myself",
                    _("Nhờ cháu chỉ chỗ bấm. Tự mình gõ mã PIN, che màn hình"),
                    sim.type_pin_myself),
            _choice(view, "bk-secrets-ask-team",
                    _("Hỏi tổ công nghệ số cộng đồng của xã. Họ chỉ, mình tự gõ mã"),
                    with_team),
            _leave(view)]


# -- 4. lending the phone ---------------------------------------------------------------------

def lend_phone(view: SecretsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    person = _("Người lạ ở chợ")
    seen = _("Bạn thấy người đó không gọi điện, mà đang mở ứng dụng ngân hàng trên máy bạn.")
    talk = html_block(
        '<div role="log">'
        + _bubble(person, _("Bác ơi, máy cháu hết pin. Cho cháu gọi nhờ một cuộc thôi."))
        + "</div>"
        f'<div class="bk-notification" role="status">{_esc(seen)}</div>'
        '<div role="log">'
        + _bubble(person, _("Máy hỏi mã PIN gì đây bác? Bác đọc giúp cháu."))
        + "</div>")
    view.keep("bk-secrets-lend-talk", talk)
    sim = view.sim
    return [screen_title(_("Ở chợ")), talk,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            _choice(view, "bk-secrets-let-go-on", _("Để người đó dùng tiếp, chắc họ bấm nhầm"),
                    sim.let_borrower_go_on),
            _choice(view, "bk-secrets-tell-pin", _("Đọc mã PIN cho người đó"),
                    sim.tell_borrower_pin),
            _choice(view, "bk-secrets-take-back", _("Lấy lại điện thoại ngay và khóa màn hình"),
                    sim.take_phone_back),
            _leave(view)]


# -- the outcome ------------------------------------------------------------------------------

def outcome(view: SecretsView, status: Status) -> list[w.Widget]:
    assert status.outcome is not None
    return drill_outcome(view, view.sim, status.outcome, secrets.ASKED_TEAM)


SCREENS: dict[Step, Screen] = {
    Step.HOME: home, Step.NOTEBOOK: password_notebook, Step.SHOP: shop_counter,
    Step.HELPER: who_may_help, Step.LEND: lend_phone, Step.OUTCOME: outcome,
}


def build_screen(view: SecretsView, status: Status) -> list[w.Widget]:
    return SCREENS[status.step](view, status)
