"""The screens of lesson 0's practice phone, one function per step.

The store screens use the words of the real apps in Vietnamese: CH Play's «Cài đặt»,
the App Store's «Nhận», Google's «Quên mật khẩu?», «Thử cách khác», «Gửi», Apple's
«Tiếp tục» and «Đặt lại mật khẩu» (see :mod:`bakhong.simulators.first_steps` for what
is real and what is simplified). Each function takes the view and the status and
returns the screen's widgets; buttons call the simulator and return the green line.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import first_steps as fs
from bakhong.simulators.first_steps import Status, Step

from .i18n import N_
from .phone import clock_time, facts, format_phone, html_block, paragraph, screen_title

if TYPE_CHECKING:
    from .first_steps_app import FirstStepsView

__all__ = ["PART_LABELS", "build_screen"]

Screen = Callable[["FirstStepsView", Status], list[w.Widget]]

#: The home screen's parts: their button's class, label, and the tasks that tick them.
PART_LABELS = {
    "tap": ("bk-start-open-tap", N_("1. Bấm vào nút trên màn hình"), (fs.TASK_TAP,)),
    "type": ("bk-start-open-type", N_("2. Gõ chữ tiếng Việt có dấu"), (fs.TASK_TYPE,)),
    "sms": ("bk-start-open-sms", N_("3. Đọc mã trong tin nhắn SMS"), (fs.TASK_SMS,)),
    "store": ("bk-start-open-store", N_("4. Cài ứng dụng khi quên mật khẩu"),
              (fs.TASK_RECOVER, fs.TASK_INSTALL)),
    "privacy": ("bk-start-open-privacy", N_("5. Dữ liệu của bạn được giữ thế nào"),
                (fs.TASK_PRIVACY,)),
}
#: The tap targets' classes and button styles (green, default, orange).
TAP_CLASSES = {"green": ("bk-start-tap-green", "success"),
               "continue": ("bk-start-tap-continue", ""),
               "orange": ("bk-start-tap-orange", "warning")}
#: The privacy answers' classes (literal, see docs/css-classes.md).
ANSWER_CLASSES = {
    "name": "bk-start-answer-name", "ids": "bk-start-answer-ids", "face": "bk-start-answer-face",
    "contacts": "bk-start-answer-contacts", "progress": "bk-start-answer-progress",
    "nothing": "bk-start-answer-nothing", "mine": "bk-start-answer-mine",
    "made_up": "bk-start-answer-made-up", "neighbour": "bk-start-answer-neighbour",
    "yes": "bk-start-answer-yes", "never": "bk-start-answer-never",
    "trainer": "bk-start-answer-trainer", "cannot": "bk-start-answer-cannot",
    "bank": "bk-start-answer-bank",
}
STORE_NAMES = {fs.ANDROID: N_("CH Play (Google Play)"), fs.IPHONE: N_("App Store")}


def _do(call: Callable[[], object]) -> Callable[[], None]:
    """A simulator call as a button's action: its status is read again by the refresh."""
    def act() -> None:
        call()
    return act


def _home_button(view: FirstStepsView) -> w.Button:
    _ = view.tr
    return view.button("bk-start-home", _("Về trang chủ"), _do(view.sim.go_home))


def _store_bar(view: FirstStepsView, status: Status) -> w.HTML:
    _ = view.tr
    name = _(STORE_NAMES[status.store or fs.ANDROID])
    return html_block(f'<div class="bk-appbar bk-start-storebar">{html.escape(name)}</div>')


def _card(markup: str) -> w.HTML:
    return html_block(f'<div class="bk-start-card">{markup}</div>')


# -- home ------------------------------------------------------------------------------

def home(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    buttons = []
    for part in fs.PARTS:
        cls, label, tasks = PART_LABELS[part]
        done = all(task in status.done for task in tasks)
        text = _("{part} – đã xong").format(part=_(label)) if done else _(label)
        button = view.button(cls, ("✅ " if done else "") + text, view.open(part))
        buttons.append(button)
    finished = sum(all(t in status.done for t in PART_LABELS[p][2]) for p in fs.PARTS)
    return [screen_title(_("Làm quen với điện thoại")),
            paragraph(_("Bài này có 5 phần. Làm phần nào trước cũng được. Xong phần nào, "
                        "phần đó có dấu ✅.")),
            view.keep("bk-start-progress", paragraph(
                _("Đã xong {done}/{total} phần").format(done=finished, total=len(fs.PARTS)),
                "bk-hint")),
            *buttons]


# -- 1. tapping ----------------------------------------------------------------------------

def tap(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    index = [t.key for t in fs.TAP_TARGETS].index(status.tap_next or "green")
    asked = fs.TAP_TARGETS[index]
    count = _("Bước {n}/{total}").format(n=index + 1, total=len(fs.TAP_TARGETS))
    instruction = html_block(
        f'<p class="bk-start-instruction" role="status" aria-live="polite">'
        f"{html.escape(count)}: <b>{html.escape(_(asked.instruction))}</b></p>")
    view.keep("bk-start-tap-instruction", instruction)
    targets = []
    by_key = {t.key: t for t in fs.TAP_TARGETS}
    for key in status.tap_order:
        cls, style = TAP_CLASSES[key]

        def act(key: str = key) -> str | None:
            after = view.sim.tap(key)
            if after.tap_next is None:
                return _("Giỏi lắm! Bạn đã bấm đúng cả 3 nút.")
            return _("Đúng rồi!")
        button = view.button(cls, _(by_key[key].label), act)
        button.button_style = style
        targets.append(button)
    return [screen_title(_("Bấm vào nút")),
            paragraph(_("Chạm nhẹ một lần bằng đầu ngón tay, rồi nhấc tay lên. Không cần bấm "
                        "giữ, không cần bấm hai lần.")),
            instruction, *targets, _home_button(view)]


# -- 2. typing -----------------------------------------------------------------------------

def type_(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    ask = _("Hãy gõ đúng dòng này, có đủ dấu:")
    model = _card(f"<p>{html.escape(ask)}</p>"
                  f'<p class="bk-start-phrase" lang="vi">{html.escape(status.phrase)}</p>')
    view.keep("bk-start-phrase-card", model)
    rows = (("aa", "â"), ("aw", "ă"), ("ee", "ê"), ("oo", "ô"), ("ow", "ơ"), ("uw", "ư"),
            ("dd", "đ"))
    tones = (("s", _("dấu sắc (á)")), ("f", _("dấu huyền (à)")), ("r", _("dấu hỏi (ả)")),
             ("x", _("dấu ngã (ã)")), ("j", _("dấu nặng (ạ)")))
    letters = " · ".join(f"{html.escape(k)} → {v}" for k, v in rows)
    tone_lines = "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in tones)
    press = _("Cách khác: bấm giữ một chữ (như «a») để hiện các chữ có dấu, rồi chọn chữ bạn "
              "cần.")
    heading = _("Cách gõ dấu trên điện thoại")
    keyboards = _("Bàn phím Gboard hoặc Laban Key, kiểu gõ Telex:")
    then = _("Gõ xong chữ, thêm một phím để đặt dấu:")
    example = _("Ví dụ: gõ «Xax» được «Xã», gõ «Thoj» được «Thọ».")
    card = _card(
        f"<h3>{html.escape(heading)}</h3><p>{html.escape(keyboards)}</p>"
        f"<p>{letters}</p><p>{html.escape(then)}</p><ul>{tone_lines}</ul>"
        f"<p>{html.escape(example)}</p>"
        f"<p>{html.escape(press)}</p>")
    view.keep("bk-start-telex-card", card)
    field = view.field("bk-start-typed", _("Gõ ở đây"), _("Gõ dòng chữ ở trên"))

    def act() -> str:
        verdict = view.sim.type_phrase(field.value)
        if verdict.case_only:
            return _("Đúng chữ và đủ dấu! Lưu ý: tên riêng viết hoa chữ đầu, như «{phrase}».") \
                .format(phrase=verdict.phrase)
        return _("Đúng rồi! Bạn đã gõ đủ dấu.")
    return [screen_title(_("Gõ chữ tiếng Việt có dấu")), model, card, field,
            view.button("bk-start-check-typed", _("Kiểm tra"), act, primary=True),
            _home_button(view)]


# -- 3. an SMS code ------------------------------------------------------------------------

def sms(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    field = view.field("bk-start-sms-code", _("Mã xác thực"), _("6 chữ số"), keypad="otp")
    expiry = (_("Mã hết hạn lúc {time}.").format(time=clock_time(status.sms_expires_at))
              if status.sms_expires_at else "")

    def act() -> str:
        view.sim.enter_sms_code(field.value)
        return _("Đúng mã! Bạn đã đọc được mã trong tin nhắn.")

    def resend() -> str:
        view.sim.resend_sms_code()
        return _("Đã gửi mã mới. Hãy xem tin nhắn mới nhất.")
    return [screen_title(_("Đọc mã trong tin nhắn")),
            paragraph(_("Điện thoại vừa nhận một tin nhắn SMS. Mở «Tin nhắn SMS» ở trên, tìm "
                        "mã 6 chữ số, rồi gõ mã vào ô dưới đây.")),
            view.keep("bk-start-sms-expiry", paragraph(expiry, "bk-hint")),
            field,
            view.button("bk-start-check-sms", _("Xác nhận"), act, primary=True),
            view.button("bk-start-resend-sms", _("Gửi lại mã"), resend),
            paragraph(_("Mã này chỉ để bạn tự nhập. Không bao giờ đọc mã cho người khác, kể "
                        "cả người xưng là công an hay nhân viên ngân hàng."), "bk-warning"),
            _home_button(view)]


# -- 4. the app store ----------------------------------------------------------------------

def store_pick(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr

    def pick(kind: str) -> Callable[[], None]:
        def act() -> None:
            view.sim.pick_store(kind)
        return act
    return [screen_title(_("Điện thoại của bạn là loại nào?")),
            paragraph(_("Điện thoại Android cài ứng dụng từ CH Play. iPhone cài từ App "
                        "Store.")),
            view.button("bk-start-pick-android", _("Điện thoại Android (CH Play)"),
                        pick(fs.ANDROID)),
            view.button("bk-start-pick-iphone", _("iPhone (App Store)"), pick(fs.IPHONE)),
            _home_button(view)]


def _change_phone(view: FirstStepsView) -> w.Button:
    _ = view.tr
    return view.button("bk-start-change-phone", _("Đổi loại điện thoại"),
                       _do(view.sim.change_phone))


def store_app(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    android = status.store == fs.ANDROID
    about = _("Ứng dụng định danh điện tử (bản luyện tập)")
    card = _card(f"<h3>{html.escape(fs.APP_NAME)}</h3><p>{html.escape(about)}</p>")
    view.keep("bk-start-app-card", card)

    def act() -> str | None:
        after = view.sim.install()
        return _("Đã cài đặt xong.") if after.installed else None
    ready = (_("Bạn đã đăng nhập. Bấm «{button}» để cài ứng dụng.")
             if status.signed_in else _("Bấm «{button}» để cài ứng dụng."))
    label = _("Cài đặt") if android else _("Nhận")
    return [_store_bar(view, status), card, paragraph(ready.format(button=label)),
            view.button("bk-start-install", label, act, primary=True),
            _change_phone(view), _home_button(view)]


def _account(view: FirstStepsView, status: Status) -> w.HTML:
    _ = view.tr
    rows = facts(((_("Tài khoản"), status.email),))
    block = html_block(f'<div class="bk-start-account">{rows}</div>')
    return view.keep("bk-start-account", block)  # type: ignore[return-value]


def _password(view: FirstStepsView, status: Status, title: str, intro: str, next_label: str,
              forgot_label: str) -> list[w.Widget]:
    _ = view.tr
    field = view.field("bk-start-password", _("Mật khẩu"), _("Nhập mật khẩu của bạn"),
                       secret=True)

    def sign_in() -> None:
        view.sim.sign_in(field.value)
    return [_store_bar(view, status), screen_title(title), _account(view, status),
            paragraph(intro), field,
            view.button("bk-start-sign-in", next_label, sign_in),
            view.button("bk-start-forgot", forgot_label, _do(view.sim.forgot_password),
                        primary=True),
            paragraph(_("Đây là tài khoản luyện tập: đừng nhập mật khẩu thật của bạn."),
                      "bk-hint"),
            _change_phone(view), _home_button(view)]


def google_sign_in(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    return _password(view, status, _("Đăng nhập"),
                     _("CH Play cần Tài khoản Google của bạn để cài ứng dụng."),
                     _("Tiếp theo"), _("Quên mật khẩu?"))


def google_last_password(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    field = view.field("bk-start-last-password", _("Mật khẩu cuối cùng bạn nhớ"),
                       _("Nhập mật khẩu"), secret=True)

    def act() -> None:
        view.sim.last_password(field.value)
    return [_store_bar(view, status), screen_title(_("Khôi phục tài khoản")),
            _account(view, status),
            paragraph(_("Nhập mật khẩu cuối cùng bạn nhớ đã dùng với Tài khoản Google này.")),
            field,
            view.button("bk-start-last-password-next", _("Tiếp theo"), act),
            view.button("bk-start-try-another", _("Thử cách khác"), _do(view.sim.try_another_way),
                        primary=True),
            _change_phone(view), _home_button(view)]


def google_send_code(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr

    def act() -> str:
        view.sim.send_google_code()
        return _("Google đã gửi mã. Mở «Tin nhắn SMS» ở trên để xem.")
    return [_store_bar(view, status), screen_title(_("Khôi phục tài khoản")),
            _account(view, status),
            paragraph(_("Google sẽ gửi mã xác minh đến số {phone}. Có thể áp dụng phí tin "
                        "nhắn chuẩn.").format(phone=status.masked_phone)),
            view.button("bk-start-send-code", _("Gửi"), act, primary=True),
            _change_phone(view), _home_button(view)]


def _code(view: FirstStepsView, status: Status, title: str, intro: str,
          next_label: str) -> list[w.Widget]:
    _ = view.tr
    field = view.field("bk-start-recovery-code", _("Nhập mã"), _("6 chữ số"), keypad="otp")

    def act() -> str:
        view.sim.enter_recovery_code(field.value)
        return _("Mã đúng. Bây giờ hãy tạo mật khẩu mới.")

    def resend() -> str:
        view.sim.resend_recovery_code()
        return _("Đã gửi mã mới. Hãy xem tin nhắn mới nhất.")
    return [_store_bar(view, status), screen_title(title), _account(view, status),
            paragraph(intro.format(phone=status.masked_phone)), field,
            view.button("bk-start-check-code", next_label, act, primary=True),
            view.button("bk-start-resend-code", _("Gửi lại mã"), resend),
            _change_phone(view), _home_button(view)]


def google_code(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    return _code(view, status, _("Khôi phục tài khoản"),
                 _("Một tin nhắn có mã xác minh vừa được gửi đến {phone}. Nhập 6 chữ số sau "
                   "«G-»."), _("Tiếp theo"))


def _new_password(view: FirstStepsView, status: Status, title: str, rules: str,
                  save_label: str) -> list[w.Widget]:
    _ = view.tr
    first = view.field("bk-start-new-password", _("Mật khẩu mới"), "", secret=True)
    again = view.field("bk-start-new-password-again", _("Xác nhận mật khẩu"), "", secret=True)

    def act() -> str:
        view.sim.set_new_password(first.value, again.value)
        return _("Đã đổi mật khẩu. Hãy ghi nhớ mật khẩu mới, đừng cho ai biết.")
    return [_store_bar(view, status), screen_title(title), _account(view, status),
            paragraph(rules), first, again,
            view.button("bk-start-save-password", save_label, act, primary=True),
            paragraph(_("Đây là tài khoản luyện tập: hãy tự nghĩ ra một mật khẩu mới, đừng dùng "
                        "mật khẩu thật của bạn. Mật khẩu này không được lưu lại."), "bk-hint"),
            _change_phone(view), _home_button(view)]


def google_new_password(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    return _new_password(view, status, _("Đổi mật khẩu"),
                         _("Tạo mật khẩu mạnh: 8 ký tự trở lên, kết hợp chữ cái, số và ký "
                           "hiệu (như ! @ #)."), _("Lưu mật khẩu"))


def apple_sign_in(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    return _password(view, status, _("Đăng nhập bằng Tài khoản Apple"),
                     _("App Store cần Tài khoản Apple (ID Apple) của bạn để tải ứng dụng."),
                     _("Đăng nhập"), _("Quên mật khẩu?"))


def apple_iforgot(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    address = html_block('<p class="bk-start-address">iforgot.apple.com</p>')
    view.keep("bk-start-address", address)
    return [_store_bar(view, status), address, screen_title(_("Đặt lại mật khẩu")),
            paragraph(_("Nhập địa chỉ email hoặc số điện thoại bạn dùng với Tài khoản Apple. "
                        "Ở đây địa chỉ đã được điền sẵn.")),
            _account(view, status),
            view.button("bk-start-apple-continue", _("Tiếp tục"), _do(view.sim.apple_continue),
                        primary=True),
            _change_phone(view), _home_button(view)]


def apple_phone(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    rows = facts(((_("Số điện thoại trên thẻ nhân vật"), format_phone(status.phone)),))
    card = html_block(f'<div class="bk-persona">{rows}</div>')
    view.keep("bk-start-persona-phone", card)
    field = view.field("bk-start-phone", _("Số điện thoại"), _("10 chữ số"), keypad="numeric")

    def act() -> str:
        view.sim.confirm_phone(field.value)
        return _("Apple đã gửi mã. Mở «Tin nhắn SMS» ở trên để xem.")
    return [_store_bar(view, status), screen_title(_("Xác nhận số điện thoại")),
            paragraph(_("Nhập số điện thoại bạn dùng với Tài khoản Apple ({phone}).")
                      .format(phone=status.masked_phone)),
            card, field,
            view.button("bk-start-confirm-phone", _("Tiếp tục"), act, primary=True),
            _change_phone(view), _home_button(view)]


def apple_code(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    return _code(view, status, _("Nhập mã xác minh"),
                 _("Mã xác minh 6 chữ số đã được gửi đến {phone}."), _("Tiếp tục"))


def apple_new_password(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    return _new_password(view, status, _("Nhập mật khẩu mới"),
                         _("Mật khẩu phải có ít nhất 8 ký tự, gồm chữ hoa, chữ thường và ít "
                           "nhất một chữ số."), _("Đặt lại mật khẩu"))


def installed(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    text = _("Đã cài đặt. Biểu tượng ứng dụng đã có trên màn hình điện thoại.")
    card = _card(f"<h3>{html.escape(fs.APP_NAME)}</h3><p>{html.escape(text)}</p>")
    view.keep("bk-start-installed", card)
    return [_store_bar(view, status), screen_title(_("Đã cài đặt")), card,
            paragraph(_("Từ nay, khi mất mật khẩu, bạn biết cách lấy lại: «Quên mật khẩu?», "
                        "nhận mã qua tin nhắn, rồi đặt mật khẩu mới.")),
            _home_button(view)]


# -- 5. privacy ----------------------------------------------------------------------------

def privacy(view: FirstStepsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    asked = next((q for q in fs.QUESTIONS if q.key == status.question), fs.QUESTIONS[0])
    number = [q.key for q in fs.QUESTIONS].index(asked.key) + 1
    count = _("Câu {n}/{total}").format(n=number, total=len(fs.QUESTIONS))
    question = html_block(
        f'<p class="bk-start-question" role="status" aria-live="polite">'
        f"{html.escape(count)}: <b>{html.escape(_(asked.text))}</b></p>")
    view.keep("bk-start-question", question)
    answers = []
    for key, label in asked.options:
        def act(key: str = key) -> str:
            right = view.sim.answer(asked.key, key)
            return _("Đúng rồi! {explanation}").format(explanation=_(right.explanation))
        answers.append(view.button(ANSWER_CLASSES[key], _(label), act))
    return [screen_title(_("Dữ liệu của bạn được giữ thế nào")),
            paragraph(_("Trả lời {total} câu hỏi ngắn về thông báo dữ liệu bạn đã đồng ý lúc "
                        "bắt đầu.").format(total=len(fs.QUESTIONS))),
            question, *answers, _home_button(view)]


SCREENS: dict[Step, Screen] = {
    Step.HOME: home, Step.TAP: tap, Step.TYPE: type_, Step.SMS: sms,
    Step.STORE_PICK: store_pick, Step.STORE_APP: store_app,
    Step.GOOGLE_SIGN_IN: google_sign_in, Step.GOOGLE_LAST_PASSWORD: google_last_password,
    Step.GOOGLE_SEND_CODE: google_send_code, Step.GOOGLE_CODE: google_code,
    Step.GOOGLE_NEW_PASSWORD: google_new_password, Step.APPLE_SIGN_IN: apple_sign_in,
    Step.APPLE_IFORGOT: apple_iforgot, Step.APPLE_PHONE: apple_phone,
    Step.APPLE_CODE: apple_code, Step.APPLE_NEW_PASSWORD: apple_new_password,
    Step.INSTALLED: installed, Step.PRIVACY: privacy,
}


def build_screen(view: FirstStepsView, status: Status) -> list[w.Widget]:
    return SCREENS[status.step](view, status)
