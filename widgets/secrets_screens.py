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
from bakhong.simulators.safety import Drill
from bakhong.simulators.secrets import Status, Step

from .drill_screens import bubble as _bubble
from .drill_screens import drill_home, drill_outcome
from .i18n import N_
from .phone import html_block, paragraph, screen_title

if TYPE_CHECKING:
    from .secrets_app import SecretsView

__all__ = ["CHECK_DRILLS", "DRILL_KEYS", "SCREENS", "build_screen"]

Screen = Callable[["SecretsView", Status], list[w.Widget]]

#: The short name of each scene in its controls' classes (``bk-secrets-start-notebook``).
DRILL_KEYS = {secrets.TASK_NOTEBOOK: "notebook", secrets.TASK_OWN_NAME: "own-name",
              secrets.TASK_HELP: "help", secrets.TASK_LEND: "lend"}
#: The scenes' titles in the check: what happens, not what the right choice is.
CHECK_DRILLS = tuple(
    Drill(drill.task, title, drill.first) for drill, title in zip(secrets.DRILLS, (
        N_("Một mã mới, sợ quên"), N_("Mua SIM ở chợ"), N_("Cần người giúp mở ứng dụng"),
        N_("Một người lạ mượn điện thoại")), strict=True))


def _esc(text: str) -> str:
    return html.escape(text)


def _leave(view: SecretsView, *, primary: bool = False) -> w.Button:
    _ = view.tr

    def act() -> None:
        view.sim.home()
    label = _("Về danh sách tình huống") if view.check else _("Về danh sách bài luyện")
    return view.button("bk-secrets-home", label, act, primary=primary)


def _name(view: SecretsView) -> str:
    return view.sim.persona.full_name


def _choice(view: SecretsView, cls: str, label: str, call: Callable[[], object]) -> w.Button:
    def act() -> None:
        call()
    return view.button(cls, label, act)


# -- home -------------------------------------------------------------------------------------

def home(view: SecretsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    if view.check:
        return drill_home(view, view.sim, title=_("Tự làm: giữ bí mật của mình"),
                          intro=_("Mỗi tình huống dưới đây có thể xảy ra với bạn. Hãy làm như "
                                  "bạn sẽ làm ngoài đời. Làm xong cả bốn thì bấm «Nộp bài»."),
                          drills=CHECK_DRILLS, keys=DRILL_KEYS, done=status.done)
    return drill_home(view, view.sim, title=_("Bài luyện giữ bí mật"),
                      intro=_("Mỗi tình huống là một việc thường ngày. Hãy làm như bạn sẽ làm "
                              "ngoài đời."),
                      drills=secrets.DRILLS, keys=DRILL_KEYS, done=status.done)


# -- 1. where the passwords are kept ----------------------------------------------------------

def password_notebook(view: SecretsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    secret = secrets.SECRETS[secrets.scene(status.scenario)["secret"]]
    items = "".join(f"<li>{_esc(_(t))}</li>" for t in secret.things)
    listed = f"<ul>{items}</ul>" if items else ""
    story = html_block(f'<div class="bk-notification" role="status"><p>{_esc(_(secret.said))}'
                       f"</p>{listed}</div>")
    view.keep("bk-secrets-notebook-story", story)
    sim = view.sim
    return [screen_title(_("Cất mật khẩu ở đâu?")), story,
            paragraph(_(secret.ask), "bk-hint"),
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
    cast = secrets.scene(status.scenario)
    offerer = secrets.OFFERERS[cast["offerer"]]
    owner = _(offerer.speaker).format(name=cast["owner"])
    talk = html_block(
        '<div role="log">'
        + _bubble(owner, _(offerer.sim_line).format(name=_name(view)))
        + _bubble(owner, _(offerer.wallet_line).format(nephew=cast["nephew"]))
        + "</div>")
    view.keep("bk-secrets-shop-talk", talk)
    sim = view.sim
    return [screen_title(_(offerer.place).format(shop=cast["shop"])), talk,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            _choice(view, "bk-secrets-sim-other", _(offerer.sim_choice), sim.sim_in_shop_name),
            _choice(view, "bk-secrets-wallet-other",
                    _(offerer.wallet_choice).format(nephew=cast["nephew"]),
                    sim.wallet_in_nephew_name),
            _choice(view, "bk-secrets-own-name",
                    _("Từ chối. Đăng ký SIM và ví bằng căn cước của chính mình"),
                    sim.own_name),
            _leave(view)]


# -- 3. who may help --------------------------------------------------------------------------

def who_may_help(view: SecretsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    cast = secrets.scene(status.scenario)
    helpers = secrets.HELPERS[cast["helpers"]]
    said = _(helpers.said).format(grandson=cast["grandson"])
    grandson = _("Cháu {grandson}").format(grandson=cast["grandson"])
    stranger = _(helpers.stranger)
    talk = html_block(
        f"<p>{_esc(said)}</p>"
        '<div role="log">'
        + _bubble(grandson, _("Đưa máy đây, đọc mã PIN cho cháu, cháu bấm cho nhanh."))
        + _bubble(stranger, _(helpers.stranger_line))
        + "</div>")
    view.keep("bk-secrets-help-talk", talk)
    sim = view.sim

    def with_team() -> None:
        sim.type_pin_myself(team=True)
    return [screen_title(_("Ai được giúp?")), talk,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            _choice(view, "bk-secrets-grandson-types",
                    _("Đọc mã PIN cho cháu {grandson} bấm hộ").format(
                        grandson=cast["grandson"]), sim.grandson_types_pin),
            _choice(view, "bk-secrets-stranger", _(helpers.stranger_choice), sim.stranger_helps),
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
    borrower = secrets.BORROWERS[secrets.scene(status.scenario)["borrower"]]
    person = _(borrower.person)
    seen = _(borrower.seen)
    talk = html_block(
        '<div role="log">'
        + _bubble(person, _("Bác ơi, máy cháu hết pin. Cho cháu gọi nhờ một cuộc thôi."))
        + "</div>"
        f'<div class="bk-notification" role="status">{_esc(seen)}</div>'
        '<div role="log">'
        + _bubble(person, _(borrower.ask))
        + "</div>")
    view.keep("bk-secrets-lend-talk", talk)
    sim = view.sim
    return [screen_title(_(borrower.place)), talk,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            _choice(view, "bk-secrets-let-go-on", _("Để người đó dùng tiếp, chắc họ bấm nhầm"),
                    sim.let_borrower_go_on),
            _choice(view, "bk-secrets-tell-pin", _(borrower.tell), sim.tell_borrower_pin),
            _choice(view, "bk-secrets-take-back", _("Lấy lại điện thoại ngay và khóa màn hình"),
                    sim.take_phone_back),
            _leave(view)]


# -- the outcome ------------------------------------------------------------------------------

def outcome(view: SecretsView, status: Status) -> list[w.Widget]:
    assert status.outcome is not None
    if view.check:  # right or wrong, nothing is explained before «Nộp bài»
        _ = view.tr
        said, later = _("Đã ghi lại việc bạn chọn."), _("Nhận xét có sau khi bấm «Nộp bài».")
        body = html_block(f'<div role="status"><p>{_esc(said)}</p><p>{_esc(later)}</p></div>')
        view.keep("bk-secrets-explanation", body)
        return [screen_title(_("Đã ghi lại")), body, _leave(view, primary=True)]
    return drill_outcome(view, view.sim, status.outcome, secrets.ASKED_TEAM)


SCREENS: dict[Step, Screen] = {
    Step.HOME: home, Step.NOTEBOOK: password_notebook, Step.SHOP: shop_counter,
    Step.HELPER: who_may_help, Step.LEND: lend_phone, Step.OUTCOME: outcome,
}


def build_screen(view: SecretsView, status: Status) -> list[w.Widget]:
    return SCREENS[status.step](view, status)
