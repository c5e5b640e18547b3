"""The screens of the VNeID app, one function per step, with the real app's words (domain §1).

Each function takes the view and the current status and returns the screen's
widgets; the buttons call the simulator and return the line shown in green.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import idnumber
from bakhong.simulators.vneid import SECURITY_QUESTIONS, Status, Step

from .phone import (
    choice_list,
    clock_time,
    facts,
    format_phone,
    html_block,
    paragraph,
    screen_title,
    vn_date,
)

if TYPE_CHECKING:
    from .vneid_app import VneidView

__all__ = ["build_screen"]

Screen = Callable[["VneidView", Status], list[w.Widget]]


def _go(view: VneidView, step: Step) -> Callable[[], None]:
    def act() -> None:
        view.sim.go(step)
    return act


def _back(view: VneidView) -> w.Button:
    _ = view.tr
    return view.button("bk-vneid-back", _("Quay lại"), _go(view, Step.INTRO))


def _bullets(lines: list[str]) -> w.HTML:
    return html_block("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in lines) + "</ul>")


def _toggle(view: VneidView, cls: str, label: str, done: str, icon: str) -> w.ToggleButton:
    button = w.ToggleButton(value=False, description=label, icon=icon, tooltip=label,
                            layout=w.Layout(width="100%"))
    view.keep(cls, button)

    def on_change(change: dict[str, object]) -> None:
        button.description = done + " ✓" if change["new"] else label
    button.observe(on_change, names="value")
    return button


def _in_app(view: VneidView, *, main: bool) -> list[w.Widget]:
    """Level 2 in the app: read the card's chip by NFC, capture the face (Decree 69/2024 [U])."""
    _ = view.tr
    chip = _toggle(view, "bk-vneid-chip-read", _("Đọc chip thẻ Căn cước (NFC)"),
                   _("Đã đọc chip"), "id-card")
    face = _toggle(view, "bk-vneid-chip-face", _("Chụp ảnh khuôn mặt"),
                   _("Đã chụp ảnh khuôn mặt"), "camera")

    def act() -> str:
        status = view.sim.upgrade_with_chip(bool(chip.value), bool(face.value))
        if status.step is Step.LOGIN:
            return _("Tài khoản của bạn đã lên mức 2. Hãy đăng nhập lại.")
        return _("Hồ sơ mức 2 đã được duyệt. Bây giờ hãy kích hoạt tài khoản.")

    text = _bullets([
        _("Cách 1, ngay trên điện thoại: đặt thẻ Căn cước gắn chíp sát mặt sau điện thoại để "
          "đọc chip (NFC), rồi chụp ảnh khuôn mặt."),
        _("Ở đây chỉ là mô phỏng: bấm hai nút, không có chip nào được đọc, không ảnh nào được "
          "lưu."),
    ])
    return [text, chip, face,
            view.button("bk-vneid-chip-level2", _("Gửi yêu cầu lên mức 2"), act,
                        primary=main)]


def _police(view: VneidView, *, main: bool) -> list[w.Widget]:
    """The two ways to level 2: in the app first, then the commune police office (Decree
    59/2022, Art. 14), which alone can also put the phone number in the citizen's name."""
    _ = view.tr

    def act() -> str:
        status = view.sim.visit_police()
        if status.step is Step.LOGIN:
            return _("Công an xã/phường đã nâng tài khoản của bạn lên mức 2. "
                     "Hãy đăng nhập lại.")
        return _("Công an xã/phường đã duyệt hồ sơ mức 2 và cập nhật số điện thoại chính chủ. "
                 "Bây giờ hãy kích hoạt tài khoản.")

    text = _bullets([
        _("Cách 2, tại Công an xã/phường (xã nào cũng được): khi điện thoại không đọc được "
          "chip, hoặc số điện thoại chưa đứng tên bạn."),
        _("Mang theo thẻ Căn cước công dân gắn chíp và điện thoại có số chính chủ."),
        _("Cán bộ kiểm tra thẻ, chụp ảnh chân dung và lấy vân tay của bạn."),
        _("Cán bộ cập nhật số điện thoại đứng tên bạn, nếu cần."),
        _("Ở đây chỉ là mô phỏng: không chụp ảnh, không lấy vân tay."),
    ])
    button = view.button("bk-vneid-visit-police", _("Mô phỏng: đến Công an xã/phường"), act)
    ways = [*_in_app(view, main=main), text, button]
    if main:
        heading = html.escape(_("Lên mức 2"))
        return [html_block(f"<h3>{heading}</h3>"), *ways]
    panel = w.Accordion([w.VBox(ways)], titles=(_("Lên mức 2: trong ứng dụng hoặc tại Công an"),),
                        selected_index=None, layout=w.Layout(width="100%"))
    view.keep("bk-vneid-police-panel", panel)
    view.police_panel = panel
    view.below_message(panel)
    return []


def intro(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    items: list[w.Widget] = [screen_title(_("Tài khoản định danh điện tử"))]
    if status.approved_level == 0:
        items.append(paragraph(_("Bạn chưa có tài khoản. Bấm «Đăng ký» để bắt đầu.")))
        items.append(view.button("bk-vneid-go-register", _("Đăng ký"),
                                 _go(view, Step.REGISTER), primary=True))
    if status.level == 0:
        if status.approved_level:
            items.append(paragraph(_("Hồ sơ của bạn đã được phê duyệt. Hãy kích hoạt tài "
                                     "khoản.")))
        items.append(view.button("bk-vneid-go-activate",
                                 _("Kích hoạt tài khoản định danh điện tử"),
                                 _go(view, Step.ACTIVATE), primary=status.approved_level > 0))
    else:
        items.append(paragraph(_("Tài khoản đã được kích hoạt. Hãy đăng nhập.")))
        items.append(view.button("bk-vneid-go-login", _("Đăng nhập"), _go(view, Step.LOGIN),
                                 primary=True))
    return items + _police(view, main=False)


def _identity_fields(view: VneidView) -> tuple[w.Text, w.Text]:
    _ = view.tr
    number = view.field("bk-vneid-id-number", _("Số định danh cá nhân"), _("12 chữ số"),
                        keypad="numeric")
    phone = view.field("bk-vneid-phone", _("Số điện thoại chính chủ"), _("10 chữ số"),
                       keypad="numeric")
    return number, phone


def register(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    number, phone = _identity_fields(view)
    face = w.ToggleButton(value=False, description=_("Chụp ảnh khuôn mặt"), icon="camera",
                          tooltip=_("Chụp ảnh khuôn mặt"), layout=w.Layout(width="100%"))
    view.keep("bk-vneid-face", face)
    taken = _("Đã chụp ảnh khuôn mặt") + " ✓"

    def on_face(change: dict[str, object]) -> None:
        face.description = taken if change["new"] else _("Chụp ảnh khuôn mặt")
    face.observe(on_face, names="value")

    def act() -> str:
        view.sim.register(number.value, phone.value, face_captured=bool(face.value))
        return _("Đã gửi hồ sơ. Khi được phê duyệt, bạn nhận tin nhắn. Sau đó bấm «Kích hoạt "
                 "tài khoản định danh điện tử».")
    return [screen_title(_("Đăng ký tài khoản định danh điện tử")),
            paragraph(_("Nhập số trên thẻ nhân vật, chụp ảnh khuôn mặt (nhìn thẳng), rồi bấm "
                        "«Đăng ký».")),
            number, phone, face,
            view.button("bk-vneid-register", _("Đăng ký"), act, primary=True),
            _back(view), *_police(view, main=False)]


def activate(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    number, phone = _identity_fields(view)

    def act() -> str:
        view.sim.request_otp(number.value, phone.value)
        return _("Gửi mã OTP thành công. Hãy xem tin nhắn SMS.")
    return [screen_title(_("Kích hoạt tài khoản định danh điện tử")),
            paragraph(_("Nhập số định danh cá nhân và số điện thoại, rồi bấm «Gửi yêu cầu».")),
            number, phone,
            view.button("bk-vneid-send-request", _("Gửi yêu cầu"), act, primary=True),
            _back(view), *_police(view, main=False)]


def otp(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    code = view.field("bk-vneid-otp", _("Mã OTP"), _("6 chữ số"), keypad="otp")
    expired = view.otp_expired()
    items: list[w.Widget] = [
        screen_title(_("Nhập mã OTP")),
        paragraph(_("Mã OTP đã gửi bằng tin nhắn đến số {phone}.").format(
            phone=format_phone(view.persona.phone))),
    ]
    if status.otp_expires_at:
        when = clock_time(status.otp_expires_at)
        line = (_("Mã đã hết hạn lúc {time}. Hãy bấm «Gửi lại mã».") if expired
                else _("Mã có hiệu lực đến {time}.")).format(time=when)
        items.append(paragraph(line, "bk-expiry"))

    def submit() -> None:
        view.sim.submit_otp(code.value)

    def resend() -> str:
        view.sim.resend_otp()
        return _("Đã gửi lại mã. Mã cũ không dùng được nữa.")
    return [
        *items,
        code,
        view.button("bk-vneid-submit-otp", _("Xác nhận"), submit, primary=not expired),
        view.button("bk-vneid-resend-otp", _("Gửi lại mã"), resend, primary=expired),
        paragraph(_("Không đưa mã OTP cho bất kỳ ai, kể cả người xưng là công an."), "bk-hint"),
        _back(view),
    ]


def password(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    first = view.field("bk-vneid-password", _("Mật khẩu"), secret=True)
    again = view.field("bk-vneid-password-again", _("Nhập lại mật khẩu"), secret=True)

    def act() -> None:
        view.sim.set_password(first.value, again.value)
    return [screen_title(_("Đặt mật khẩu")),
            paragraph(_("Từ 8 đến 20 ký tự, có chữ số, chữ in hoa, chữ thường và ký tự đặc biệt "
                        "(ví dụ @)."), "bk-hint"),
            first, again,
            view.button("bk-vneid-save-password", _("Tiếp tục"), act, primary=True),
            paragraph(_("Đây là tài khoản luyện tập: đừng dùng mật khẩu thật của bạn."),
                      "bk-hint")]


def _new_passcode(view: VneidView) -> tuple[w.Password, w.Password]:
    _ = view.tr
    first = view.field("bk-vneid-new-passcode", _("Passcode mới"), _("6 chữ số"), secret=True,
                       keypad="numeric")
    again = view.field("bk-vneid-new-passcode-again", _("Nhập lại passcode"), _("6 chữ số"),
                       secret=True, keypad="numeric")
    return first, again


def passcode(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    first, again = _new_passcode(view)

    def act() -> None:
        view.sim.set_passcode(first.value, again.value)
    return [screen_title(_("Đặt passcode")),
            paragraph(_("Passcode gồm 6 chữ số, dùng để mở giấy tờ trong ứng dụng."), "bk-hint"),
            first, again,
            view.button("bk-vneid-save-passcode", _("Tiếp tục"), act, primary=True)]


def security(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    options = [(_(q), q) for q in SECURITY_QUESTIONS]
    pairs = []
    for index, (q_cls, a_cls) in enumerate((("bk-vneid-question-1", "bk-vneid-answer-1"),
                                            ("bk-vneid-question-2", "bk-vneid-answer-2"))):
        # every question whole, as a list to tap (a dropdown would cut them on a phone)
        question = choice_list(q_cls, _("Câu hỏi {number}").format(number=index + 1), options,
                               SECURITY_QUESTIONS[index])
        view.keep(q_cls, question)
        answer = view.field(a_cls, _("Câu trả lời {number}").format(number=index + 1))
        pairs.append((question, answer))

    def act() -> str:
        view.sim.set_security_questions({q.value: a.value for q, a in pairs})
        return _("Kích hoạt thành công. Hãy đăng nhập lại.")
    return [screen_title(_("Câu hỏi bảo mật")),
            paragraph(_("Chọn 2 câu hỏi khác nhau và trả lời. Câu trả lời giúp lấy lại tài "
                        "khoản khi cần."), "bk-hint"),
            *(widget for pair in pairs for widget in pair),
            view.button("bk-vneid-save-questions", _("Hoàn tất"), act, primary=True)]


def login(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    number = view.field("bk-vneid-id-number", _("Số định danh cá nhân"), _("12 chữ số"),
                        keypad="numeric")
    secret = view.field("bk-vneid-login-password", _("Mật khẩu"), secret=True)

    def act() -> None:
        view.sim.login(number.value, secret.value)
    return [screen_title(_("Đăng nhập")), number, secret,
            view.button("bk-vneid-login", _("Đăng nhập"), act, primary=True),
            view.button("bk-vneid-go-activate", _("Kích hoạt tài khoản định danh điện tử"),
                        _go(view, Step.ACTIVATE)),
            _back(view)]


def device(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr

    def act() -> str:
        view.sim.confirm_with_nfc()
        return _("Đã đọc chip trên thẻ (mô phỏng). Mã OTP đã gửi đến điện thoại này.")
    return [screen_title(_("Đăng nhập trên thiết bị mới")),
            paragraph(_("Tài khoản của bạn đang dùng trên một điện thoại khác. Ứng dụng đã gửi "
                        "yêu cầu xác nhận đến điện thoại cũ.")),
            paragraph(_("Không còn điện thoại cũ? Xác thực bằng thẻ Căn cước gắn chíp: đặt thẻ "
                        "sát mặt sau điện thoại.")),
            view.button("bk-vneid-nfc", _("Xác thực NFC bằng thẻ Căn cước công dân gắn chíp"),
                        act, primary=True)]


def _eid_card(view: VneidView) -> w.HTML:
    _, p = view.tr, view.persona
    rows = ((_("Họ và tên"), p.full_name), (_("Số định danh cá nhân"),
                                             idnumber.format(p.id_number)),
            (_("Ngày sinh"), vn_date(p.birth_date)), (_("Nơi cư trú"), p.address))
    title = html.escape(_("Căn cước điện tử"))
    card = html_block(f'<div class="bk-card-eid bk-persona"><h3>{title}</h3>{facts(rows)}</div>')
    view.keep("bk-vneid-eid-card", card)
    return card


def home(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    level = html.escape(_("Mức {level}").format(level=max(status.level, 1)))
    account = html.escape(_("Tài khoản định danh điện tử"))
    items: list[w.Widget] = [
        screen_title(_("Trang chủ")),
        view.keep("bk-vneid-level", html_block(
            f'<p>{account}: <span class="bk-level">{level}</span></p>')),
    ]
    if status.level < 2:
        items += _police(view, main=True)
    elif status.card_shown:
        items.append(_eid_card(view))
    else:
        code = view.field("bk-vneid-passcode", _("Passcode"), _("6 chữ số"), secret=True,
                          keypad="numeric")
        if view.passcode_locked():
            items.append(paragraph(_("Passcode đang tạm khóa đến {time}.").format(
                time=clock_time(status.locked_until or "")), "bk-expiry"))

        def open_card() -> None:
            view.sim.open_card(code.value)

        def forgot() -> str:
            view.sim.forgot_passcode()
            return _("Hệ thống sẽ gửi mã OTP đến số điện thoại đã đăng ký để xác thực.")
        items += [code,
                  view.button("bk-vneid-open-card", _("Mở thẻ Căn cước điện tử"), open_card,
                              primary=True),
                  view.button("bk-vneid-forgot-passcode", _("Quên passcode"), forgot)]

    def logout() -> None:
        view.sim.logout()
    return [*items, view.button("bk-vneid-logout", _("Đăng xuất"), logout)]


def reset_passcode(view: VneidView, status: Status) -> list[w.Widget]:
    _ = view.tr
    first, again = _new_passcode(view)

    def act() -> str:
        view.sim.reset_passcode(first.value, again.value)
        return _("Đã đặt lại passcode.")
    return [screen_title(_("Đặt lại passcode")), first, again,
            view.button("bk-vneid-reset-passcode", _("Xác nhận"), act, primary=True)]


SCREENS: dict[Step, Screen] = {
    Step.INTRO: intro, Step.REGISTER: register, Step.ACTIVATE: activate, Step.OTP: otp,
    Step.PASSWORD: password, Step.PASSCODE: passcode, Step.SECURITY: security,
    Step.LOGIN: login, Step.DEVICE: device, Step.HOME: home, Step.RESET_PASSCODE: reset_passcode,
}


def build_screen(view: VneidView, status: Status) -> list[w.Widget]:
    return SCREENS[status.step](view, status)
