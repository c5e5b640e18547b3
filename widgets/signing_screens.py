"""The signing app's enrolment screens, one function per step, and «Kích hoạt lại tài khoản».

The words are those of the remote-signing apps (domain §5): «Đăng ký chứng thư số cá
nhân», «Xác thực bằng tài khoản định danh điện tử», eKYC, the service contract, the
signing PIN. Identity comes from the VNeID level-2 account, prefilled and read-only
(nothing is retyped); eKYC is simulated and captures nothing. After the lesson's dropped
connection the intro offers «Tiếp tục yêu cầu»; with the trainer's real-world switch the
app answers «Yêu cầu mua chứng thư đã tồn tại» (64002) instead and the way out is «Quản
lý yêu cầu» → the pending request → «Tiếp tục». The screens after enrolment are in
:mod:`.signing_home_screens`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import idnumber
from bakhong.simulators.errors import N_
from bakhong.simulators.signing import RequestExists, SigningStatus, Step

from .phone import facts, format_phone, html_block, paragraph, screen_title, vn_date
from .signing_home_screens import ACTIVE_PANELS, Pdfs, valid_until

if TYPE_CHECKING:
    from .signing_app import SigningView

__all__ = ["STEP_NAMES", "build_screen"]

Screen = Callable[["SigningView", SigningStatus], list[w.Widget]]

#: What a pending request waits for, as «Quản lý yêu cầu» lists it (None: already issued).
STEP_NAMES: dict[Step | None, str] = {
    Step.IDENTITY: N_("Xác thực thông tin định danh"), Step.EKYC: N_("Xác thực eKYC"),
    Step.CONTRACT: N_("Đồng ý hợp đồng dịch vụ"), Step.PIN: N_("Đặt mã PIN ký số"),
    None: N_("Đã cấp chứng thư số"),
}
#: The service contract, in short (read before «Tôi đồng ý với hợp đồng»).
CONTRACT_TERMS = (
    N_("Chứng thư số cá nhân là «giấy tờ điện tử» gắn chữ ký số với họ tên và số định danh "
       "cá nhân của bạn, do nhà cung cấp dịch vụ chứng thực chữ ký số cấp."),
    N_("Ký số từ xa: khóa ký của bạn được giữ ở nhà cung cấp. Mỗi lần ký, bạn xem văn bản và "
       "xác nhận trên ứng dụng bằng mã PIN ký số."),
    N_("Văn bản bạn ký số có giá trị như văn bản bạn ký tay. Chỉ ký văn bản bạn đã đọc và "
       "đồng ý."),
    N_("Không bao giờ cho ai biết mã PIN ký số, kể cả nhân viên nhà cung cấp hay cán bộ. Ai "
       "biết mã PIN có thể ký thay bạn."),
    N_("Đây là ứng dụng luyện tập: chứng thư số và chữ ký ở đây không có giá trị pháp lý."),
)


# -- the intro and «Quản lý yêu cầu» -------------------------------------------------------------

def intro(view: SigningView, status: SigningStatus) -> list[w.Widget]:
    _ = view.tr

    def begin() -> str | None:
        try:
            after = view.sim.begin()
        except RequestExists:
            view.request_exists = True  # the screen shows the way out, under the message
            raise
        if after.step is not Step.IDENTITY:
            return _("Đã mở lại yêu cầu đang chờ của bạn.")
        return None

    def resume() -> str:
        view.sim.resume()
        return _("Đã mở lại yêu cầu đang chờ. Bạn làm tiếp từ bước đã dừng, không phải khai "
                 "lại.")
    items: list[w.Widget] = [
        screen_title(_("Chứng thư số cá nhân")),
        paragraph(_("Chữ ký số giúp bạn ký tờ khai, hợp đồng ngay trên điện thoại. Đăng ký một "
                    "lần bằng tài khoản định danh điện tử (VNeID) mức 2.")),
    ]
    if status.pending and not status.real_world:
        box = view.keep("bk-sign-pending", html_block(
            '<div class="bk-warning" role="status"><p>'
            + html.escape(_("Bạn có một yêu cầu đang chờ xử lý")) + "</p></div>"))
        items += [box, view.button("bk-sign-resume", _("Tiếp tục yêu cầu"), resume,
                                   primary=True)]
    items.append(view.button("bk-sign-begin", _("Đăng ký chứng thư số cá nhân"), begin,
                             primary=not (status.pending and not status.real_world)))
    if status.real_world:
        if view.request_exists:
            items.append(view.keep("bk-sign-way-out", html_block(
                '<p class="bk-warning">'
                + html.escape(_('Vào "Quản lý yêu cầu" để tiếp tục yêu cầu đang chờ.'))
                + "</p>")))
        items.append(view.button("bk-sign-manage-requests", _("Quản lý yêu cầu"),
                                 view.go("requests")))
    return [*items, paragraph(_("Cần tài khoản VNeID mức 2 và mật khẩu VNeID bạn đã đặt ở Bài "
                                "1."), "bk-hint")]


def requests(view: SigningView, status: SigningStatus) -> list[w.Widget]:
    _ = view.tr

    def resume() -> str:
        view.sim.resume()
        view.panel = "home"
        return _("Đã mở lại yêu cầu đang chờ. Bạn làm tiếp từ bước đã dừng, không phải khai "
                 "lại.")
    items: list[w.Widget] = [screen_title(_("Quản lý yêu cầu"))]
    if status.pending:
        rows = ((_("Yêu cầu"), _("Đăng ký chứng thư số cá nhân")),
                (_("Trạng thái"), _("Đang chờ xử lý")),
                (_("Bước tiếp theo"), _(STEP_NAMES[status.pending_step])))
        card = view.keep("bk-sign-request", html_block(facts(rows)))
        box = w.VBox([card, view.button("bk-sign-continue-request", _("Tiếp tục"), resume,
                                        primary=True)], layout=w.Layout(width="100%"))
        box.add_class("bk-procedure")
        items.append(box)
    else:
        items.append(paragraph(_("Không có yêu cầu nào đang chờ.")))
    return [*items, view.button("bk-sign-back", _("Quay lại"), view.go("home"))]


# -- enrolment ---------------------------------------------------------------------------------

def identity(view: SigningView, status: SigningStatus) -> list[w.Widget]:
    _ = view.tr
    items: list[w.Widget] = [screen_title(_("Xác thực bằng tài khoản định danh điện tử"))]
    found = status.identity
    if found is None:
        number = view.field("bk-sign-id-number", _("Số định danh cá nhân"), _("12 chữ số"),
                            keypad="numeric")
        secret = view.field("bk-sign-password", _("Mật khẩu VNeID"), secret=True)

        def link() -> str:
            view.sim.link_vneid(number.value, secret.value)
            return _("Đã lấy thông tin từ tài khoản định danh điện tử.")
        return [*items,
                paragraph(_("Nhập số định danh cá nhân và mật khẩu VNeID. Thông tin của bạn "
                            "được lấy từ tài khoản định danh điện tử mức 2: bạn không phải "
                            "khai lại.")),
                number, secret,
                view.button("bk-sign-link-vneid", _("Lấy thông tin từ VNeID"), link,
                            primary=True)]
    rows = ((_("Họ và tên"), found.full_name),
            (_("Số định danh cá nhân"), idnumber.format(found.id_number)),
            (_("Ngày sinh"), vn_date(found.birth_date)),
            (_("Số điện thoại"), format_phone(found.phone)),
            (_("Nơi cư trú"), found.address))
    source = html.escape(_("Nguồn: {source}").format(source=_(found.source)))
    card = view.keep("bk-sign-identity", html_block(
        f'<div class="bk-prefilled-field">{facts(rows)}<p class="bk-source">{source}</p></div>'))

    def confirm() -> str:
        view.sim.confirm_identity()
        return _("Đã xác nhận thông tin.")
    return [*items,
            paragraph(_("Kiểm tra thông tin lấy từ tài khoản định danh điện tử. Đúng thì bấm "
                        "«Xác nhận thông tin».")),
            card, view.button("bk-sign-confirm-identity", _("Xác nhận thông tin"), confirm,
                              primary=True)]


def _capture(view: SigningView, cls: str, label: str, done: bool) -> w.ToggleButton:
    """One simulated capture: a toggle that says it was done (nothing is photographed)."""
    _ = view.tr
    toggle = w.ToggleButton(value=done, description=label, tooltip=label, icon="camera",
                            layout=w.Layout(width="100%"))
    view.keep(cls, toggle)
    taken = _("{label}: đã xong (mô phỏng)").format(label=label)

    def changed(change: dict[str, object]) -> None:
        toggle.description = taken if change["new"] else label
    toggle.observe(changed, names="value")
    toggle.description = taken if done else label
    return toggle


def ekyc(view: SigningView, status: SigningStatus) -> list[w.Widget]:
    _ = view.tr
    front = _capture(view, "bk-sign-card-front", _("Chụp mặt trước thẻ Căn cước"),
                     status.ekyc.get("card_front", False))
    back = _capture(view, "bk-sign-card-back", _("Chụp mặt sau thẻ Căn cước"),
                    status.ekyc.get("card_back", False))
    face = _capture(view, "bk-sign-face", _("Quay video khuôn mặt"), status.ekyc.get("face",
                                                                                     False))

    def act() -> str:
        view.sim.ekyc(card_front=front.value is True, card_back=back.value is True,
                      face=face.value is True)
        return _("Đã xác thực eKYC (mô phỏng).")
    return [screen_title(_("Xác thực eKYC")),
            paragraph(_("Ứng dụng thật chụp hai mặt thẻ Căn cước và quay video khuôn mặt để so "
                        "với dữ liệu dân cư.")),
            paragraph(_("Ở đây chỉ là mô phỏng: không chụp ảnh, không quay video, không gửi gì "
                        "đi. Bấm lần lượt ba nút dưới đây."), "bk-hint"),
            front, back, face,
            view.button("bk-sign-submit-ekyc", _("Tiếp tục"), act, primary=True)]


def contract(view: SigningView, status: SigningStatus) -> list[w.Widget]:
    _ = view.tr
    terms = "".join(f"<li>{html.escape(_(term))}</li>" for term in CONTRACT_TERMS)
    heading = html.escape(_("Tóm tắt hợp đồng"))
    summary = view.keep("bk-sign-contract", html_block(
        f'<div class="bk-contract"><h3>{heading}</h3><ul>{terms}</ul></div>'))
    agree = w.Checkbox(value=False, description=_("Tôi đồng ý với hợp đồng"), indent=False,
                       layout=w.Layout(width="100%"))
    view.keep("bk-sign-agree", agree)

    def act() -> str:
        view.sim.accept_contract(agree.value is True)
        return _("Đã đồng ý hợp đồng dịch vụ.")
    return [screen_title(_("Hợp đồng dịch vụ chứng thư số")), summary, agree,
            view.button("bk-sign-submit-contract", _("Tiếp tục"), act, primary=True)]


def pin(view: SigningView, status: SigningStatus) -> list[w.Widget]:
    _ = view.tr
    first = view.field("bk-sign-new-pin", _("Mã PIN ký số (6 số)"), _("6 chữ số"), secret=True,
                       keypad="numeric")
    again = view.field("bk-sign-new-pin-again", _("Nhập lại mã PIN"), _("6 chữ số"),
                       secret=True, keypad="numeric")

    def act() -> str:
        done = view.sim.set_pin(first.value, again.value)
        cert = done.certificate or {}
        return _("Đăng ký thành công. Chứng thư số cấp cho {subject}, số sê-ri {serial}, có "
                 "hiệu lực đến {date}.").format(subject=cert.get("subject", ""),
                                                serial=cert.get("serial", ""),
                                                date=valid_until(cert.get("valid_until", "")))
    return [screen_title(_("Đặt mã PIN ký số")),
            paragraph(_("Mã PIN gồm 6 chữ số, dùng để xác nhận mỗi lần ký. Không cho ai biết "
                        "mã PIN.")),
            first, again,
            view.button("bk-sign-finish", _("Hoàn tất đăng ký"), act, primary=True),
            paragraph(_("Đây là ứng dụng luyện tập: đừng dùng mã PIN thật của bạn."), "bk-hint")]


# -- «Kích hoạt lại tài khoản» ----------------------------------------------------------------

def locked(view: SigningView, status: SigningStatus) -> list[w.Widget]:
    _ = view.tr
    otp = view.field("bk-sign-otp", _("Mã kích hoạt trong tin nhắn"), _("6 chữ số"),
                     keypad="otp")
    first = view.field("bk-sign-new-pin", _("Mã PIN ký số mới (6 số)"), _("6 chữ số"),
                       secret=True, keypad="numeric")
    again = view.field("bk-sign-new-pin-again", _("Nhập lại mã PIN"), _("6 chữ số"),
                       secret=True, keypad="numeric")

    def send() -> str:
        view.sim.request_reactivation()
        return _("Đã gửi mã kích hoạt bằng tin nhắn đến số điện thoại đăng ký. Không đưa mã "
                 "này cho ai.")

    def reactivate() -> str:
        view.sim.reactivate(otp.value, first.value, again.value)
        return _("Đã kích hoạt lại tài khoản ký số. Hãy dùng mã PIN mới.")
    return [screen_title(_("Kích hoạt lại tài khoản")),
            paragraph(_("Tài khoản ký số đang bị khóa (nhập sai mã PIN 5 lần), hoặc ứng dụng đã "
                        "được cài lại trên điện thoại. Kích hoạt lại bằng mã gửi đến số điện "
                        "thoại đăng ký, rồi đặt mã PIN mới.")),
            view.button("bk-sign-send-code", _("Gửi mã kích hoạt"), send),
            otp, first, again,
            view.button("bk-sign-reactivate", _("Kích hoạt lại"), reactivate, primary=True)]


SCREENS: dict[Step, Screen] = {Step.IDENTITY: identity, Step.EKYC: ekyc,
                               Step.CONTRACT: contract, Step.PIN: pin, Step.LOCKED: locked}
INTRO_PANELS: dict[str, Screen] = {"home": intro, "requests": requests}


def build_screen(view: SigningView, status: SigningStatus, pdfs: Pdfs) -> list[w.Widget]:
    if status.step is Step.INTRO:
        return INTRO_PANELS[view.panel](view, status)
    if status.step is Step.ACTIVE:
        return ACTIVE_PANELS[view.panel](view, status, pdfs)
    return SCREENS[status.step](view, status)
