"""The scenes of the safety app, one function per step.

Each scene looks like the phone screen it copies: an incoming call, the SMS inbox, a shop
counter and the bank's confirm screen, a browser, a chat. Each function takes the view and
the current status and returns the screen's widgets; buttons call the simulator and return
the line shown in green. Web addresses are plain text, never links: nothing opens a site. The
home list and the outcome (``bk-safe-explanation``, ``bk-safe-retry``) are built
by :mod:`.drill_screens`, shared with lesson 8's app.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import bank, qrimage, safety
from bakhong.simulators.safety import Status, Step

from .drill_screens import bubble as _bubble
from .drill_screens import drill_home, drill_outcome
from .phone import facts, html_block, paragraph, screen_title

if TYPE_CHECKING:
    from .safety_app import SafetyView

__all__ = ["DRILL_KEYS", "build_screen"]

Screen = Callable[["SafetyView", Status], list[w.Widget]]

#: The short name of each drill in its controls' classes (``bk-safe-start-police``).
DRILL_KEYS = {safety.TASK_POLICE: "police", safety.TASK_SMS: "sms", safety.TASK_QR: "qr",
              safety.TASK_PORTAL: "portal", safety.TASK_REFUND: "refund"}
#: The grocery's purchase (a fixed amount: the drill is about the name, not the sum).
PURCHASE = 45_000


def _esc(text: str) -> str:
    return html.escape(text)


def _leave(view: SafetyView) -> w.Button:
    _ = view.tr

    def act() -> None:
        view.sim.home()
    return view.button("bk-safe-home", _("Về danh sách bài luyện"), act)


def _persona_words(view: SafetyView) -> dict[str, str]:
    persona = view.sim.persona
    commune = persona.commune_name
    return {"name": persona.full_name, "commune": commune[:1].lower() + commune[1:]}


# -- home -------------------------------------------------------------------------------------

def home(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    return drill_home(view, view.sim, title=_("Bài luyện an toàn trên mạng"),
                      intro=_("Mỗi bài là một tình huống lừa đảo có thật. Hãy từ chối hoặc báo "
                              "cáo, như bạn sẽ làm ngoài đời."),
                      drills=safety.DRILLS, keys=DRILL_KEYS, done=status.done)


# -- 1. the police call -----------------------------------------------------------------------

def call_ringing(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    incoming, unknown = _("Cuộc gọi đến"), _("Số lạ, không có trong danh bạ")
    card = html_block(
        f'<div class="bk-call-card" role="status" aria-live="polite">'
        f"<p>{_esc(incoming)}</p>"
        f'<p class="bk-call-number">{_esc(safety.CALLER_NUMBER)}</p>'
        f"<p>{_esc(unknown)}</p></div>")
    view.keep("bk-safe-call-card", card)

    def answer() -> None:
        view.sim.answer_call()

    def decline() -> str:
        view.sim.decline_call()
        return _("Bạn đã từ chối cuộc gọi lạ: làm vậy là an toàn. Số này gọi lại; lần này hãy "
                 "nghe để luyện cách trả lời.")
    items: list[w.Widget] = [screen_title(_("Điện thoại")), card]
    if status.caller_declined:
        items.append(paragraph(_("Số này đã gọi {count} lần.").format(
            count=status.caller_declined + 1), "bk-hint"))
    return [*items, view.button("bk-safe-answer", _("Trả lời"), answer, primary=True),
            view.button("bk-safe-decline", _("Từ chối"), decline), _leave(view)]


def call_talk(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    words = _persona_words(view)
    caller = _("Người gọi")
    otp = status.scenario["otp"]
    talk = html_block(
        '<div role="log">'
        + _bubble(caller, _("Alo, có phải {name} không? Tôi là cán bộ công an {commune}.")
                  .format(**words))
        + _bubble(caller, _("Tài khoản VNeID của bạn chưa được nâng cấp lên mức 2. Nếu không "
                            "nâng cấp hôm nay, tài khoản sẽ bị khóa."))
        + _bubble(caller, _("Tôi vừa gửi mã OTP về máy của bạn. Bạn đọc mã đó cho tôi để tôi "
                            "kích hoạt giúp, khỏi phải lên trụ sở."))
        + "</div>")
    view.keep("bk-safe-call-talk", talk)
    new = _("Tin nhắn mới")
    sms = html_block(
        f'<div class="bk-notification" role="status"><b>{_esc(new)} · '
        f"{_esc(safety.OTP_SENDER)}</b><br>{_esc(safety.otp_sms(otp))}</div>")
    view.keep("bk-safe-otp-sms", sms)

    def read() -> None:
        view.sim.read_otp()

    def refuse() -> None:
        view.sim.refuse_call()

    def refuse_report() -> None:
        view.sim.refuse_call(report=True)
    return [screen_title(_("Đang gọi: {number}").format(number=safety.CALLER_NUMBER)), talk, sms,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            view.button("bk-safe-read-otp", _("Đọc mã {otp} cho người gọi").format(otp=otp),
                        read),
            view.button("bk-safe-refuse-call", _("Từ chối và cúp máy"), refuse),
            view.button("bk-safe-refuse-report",
                        _("Từ chối, cúp máy và báo số này cho tổng đài 156"), refuse_report),
            _leave(view)]


# -- 2. the fake SMS --------------------------------------------------------------------------

def sms_inbox(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    reported = _("Đã báo cáo tin nhắn này.")
    note = f'<p class="bk-hint">{_esc(reported)}</p>' if status.sms_reported else ""
    message = html_block(
        f'<div class="bk-sms bk-sms-new"><div class="bk-sms-head"><b>'
        f"{_esc(safety.SMS_SENDER)}</b></div>"
        f'<div class="bk-sms-body">{_esc(safety.sms_body())}</div>{note}</div>')
    view.keep("bk-safe-sms", message)

    def open_link() -> None:
        view.sim.open_sms_link()

    def report() -> None:
        view.sim.compose_report()

    def delete() -> str:
        view.sim.delete_sms()
        return _("Đã xóa tin nhắn.")
    items: list[w.Widget] = [screen_title(_("Tin nhắn")), message,
                             paragraph(_("Bấm vào đường link trong tin:"), "bk-hint"),
                             view.button("bk-safe-open-link", safety.SMS_LINK.label, open_link)]
    if not status.sms_reported:
        items.append(view.button("bk-safe-report-sms", _("Báo cáo tin nhắn lừa đảo"), report))
    items += [view.button("bk-safe-delete-sms", _("Xóa tin nhắn"), delete), _leave(view)]
    return items


def sms_report(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    draft = html_block(
        facts(((_("Đến"), "5656"),))
        + f'<div class="bk-sms"><div class="bk-sms-body">{_esc(view.sim.report_text())}'
          "</div></div>")
    view.keep("bk-safe-report-draft", draft)

    def send() -> str:
        view.sim.send_report()
        return _("Đã gửi báo cáo (mô phỏng: không có tin nhắn thật nào được gửi). Bây giờ hãy "
                 "xóa tin nhắn lừa đảo.")

    def cancel() -> None:
        view.sim.cancel_report()
    return [screen_title(_("Soạn tin báo cáo")),
            paragraph(_("Cú pháp: S (số hoặc tên người gửi)(nội dung tin nhắn), gửi 5656. Tin "
                        "nhắn đến 5656 miễn phí.")),
            draft,
            view.button("bk-safe-send-report", _("Gửi"), send, primary=True),
            view.button("bk-safe-cancel-report", _("Hủy"), cancel),
            paragraph(_("Cũng có thể báo cáo trên trang thongbaorac.ais.gov.vn."), "bk-hint")]


def apk(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    question = _("Tải xuống tệp {file}?").format(file=safety.APK_NAME)
    allow = _("Để cài tệp này, hãy cho phép «Cài ứng dụng không rõ nguồn gốc» trong Cài đặt.")
    dialog = html_block(
        f'<div class="bk-dialog" role="alertdialog">'
        f'<p class="bk-address-bar">{_esc(safety.SMS_LINK.label)}</p>'
        f"<p><b>{_esc(question)}</b></p><p>{_esc(allow)}</p></div>")
    view.keep("bk-safe-apk-dialog", dialog)

    def install() -> None:
        view.sim.install_apk()

    def cancel() -> str:
        view.sim.cancel_apk()
        return _("Đã hủy: không có gì được tải hay cài. Bây giờ hãy báo cáo và xóa tin nhắn.")
    return [screen_title(_("Trình duyệt")), dialog,
            view.button("bk-safe-install-apk", _("Cho phép và cài đặt"), install),
            view.button("bk-safe-cancel-apk", _("Hủy"), cancel)]


# -- 3. the swapped QR ------------------------------------------------------------------------

def shop(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    title = _(safety.SHOP.title)
    holder = _("Chủ tài khoản: {holder}").format(holder=safety.SHOP.holder)
    sign = html_block(f'<div class="bk-sign"><b>{_esc(title)}</b><br>{_esc(holder)}</div>')
    data = base64.b64encode(qrimage.render_png(safety.sticker_payload())).decode()
    alt = _esc(_("Mã QR dán trên quầy {shop}").format(shop=title))
    picture = html_block(f'<img class="bk-qr-code" alt="{alt}" width="200" height="200" '
                         f'src="data:image/png;base64,{data}">')
    view.keep("bk-safe-qr-sticker", picture)

    def scan() -> None:
        view.sim.scan_sticker()
    return [screen_title(_("Quầy tạp hóa")), sign, picture,
            paragraph(_("Bạn mua gói mì và chai nước mắm, hết {amount}. Cô Thu bảo: «Quét mã "
                        "trên quầy nhé».").format(amount=bank.money(PURCHASE))),
            view.button("bk-safe-scan", _("Quét mã QR"), scan, primary=True), _leave(view)]


def qr_confirm(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    shown = status.qr
    assert shown is not None
    payee = html_block(f'<p class="bk-payee">{_esc(shown.payee_name)}</p>')
    view.keep("bk-safe-payee-name", payee)
    rows = html_block(facts(((_("Ngân hàng"), _(shown.bank)), (_("Số tài khoản"), shown.account),
                             (_("Số tiền"), bank.money(PURCHASE)))))

    def pay() -> None:
        view.sim.pay_sticker()

    def refuse() -> None:
        view.sim.refuse_sticker()
    return [screen_title(_("Xác nhận chuyển tiền")),
            paragraph(_("Người nhận (tên ngân hàng ghi nhận):")), payee, rows,
            paragraph(_("Bảng của quầy ghi: Chủ tài khoản {holder}.").format(
                holder=safety.SHOP.holder), "bk-hint"),
            view.button("bk-safe-pay", _("Xác nhận chuyển tiền"), pay),
            view.button("bk-safe-refuse-qr", _("Hủy và báo cho cô Thu"), refuse)]


# -- 4. the look-alike portal -----------------------------------------------------------------

def browser(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    query, portal = _("cổng dịch vụ công quốc gia"), _("Cổng Dịch vụ công quốc gia")
    items: list[w.Widget] = [
        screen_title(_("Trình duyệt")),
        html_block(f'<p class="bk-address-bar">{_esc(query)}</p>'),
        paragraph(_("Bạn muốn nộp hồ sơ trên Cổng Dịch vụ công quốc gia. Kết quả tìm kiếm:")),
    ]
    for number, address in enumerate(status.portals(), start=1):
        items.append(html_block(
            f'<div class="bk-result"><b>{_esc(portal)}</b><br>'
            f'<span class="bk-link-text">{_esc(address.label)}</span></div>'))

        def act(key: str = address.key) -> None:
            view.sim.open_portal(key)
        button = view.button(f"bk-safe-link-{number}",
                             _("Mở {address}").format(address=address.label), act)
        items.append(button)
    return [*items, _leave(view)]


def fake_login(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    address = status.portal
    assert address is not None
    label = _("Thanh địa chỉ")
    bar = html_block(f'<p class="bk-address-bar" aria-label="{_esc(label)}">'
                     f"🔒 {_esc(address.label)}</p>")
    view.keep("bk-safe-address-bar", bar)
    name = _("CỔNG DỊCH VỤ CÔNG QUỐC GIA")
    ask = _("Đăng nhập bằng tài khoản định danh điện tử VNeID: nhập số định danh và mật khẩu.")
    page = html_block(f'<div class="bk-dialog"><p><b>{_esc(name)}</b></p>'
                      f"<p>{_esc(ask)}</p></div>")

    def login() -> None:
        view.sim.login_fake()

    def leave() -> None:
        view.sim.leave_fake()
    return [bar, page,
            paragraph(_("Trang trông giống trang thật. Xem kỹ địa chỉ trên thanh địa chỉ."),
                      "bk-hint"),
            view.button("bk-safe-login", _("Đăng nhập"), login),
            view.button("bk-safe-leave", _("Không đăng nhập, đóng trang"), leave)]


# -- 5. the refund chat -----------------------------------------------------------------------

def refund_chat(view: SafetyView, status: Status) -> list[w.Widget]:
    _ = view.tr
    agent = _(safety.REFUND_AGENT)
    scenario = status.scenario
    chat = html_block(
        '<div role="log">'
        + _bubble(agent, _("Chào bạn, do sai sót hệ thống ghi chỉ số công tơ, hóa đơn tiền điện "
                           "tháng {month} của bạn bị tính thừa {amount}.").format(
                               month=scenario["bill_month"],
                               amount=bank.money(scenario["refund_amount"])))
        + _bubble(agent, _("Bên em hoàn tiền ngay hôm nay. Bạn mở ứng dụng ngân hàng, đọc cho em "
                           "mã PIN Smart OTP và mã 6 số hiện ra để em nhập lệnh hoàn tiền."))
        + _bubble(agent, _("Hoặc bấm «NHẬN HOÀN TIỀN NGAY» trong 24 giờ, quá hạn sẽ mất quyền "
                           "hoàn tiền."))
        + "</div>")
    view.keep("bk-safe-refund-chat", chat)

    def give() -> None:
        view.sim.give_pin()

    def open_link() -> None:
        view.sim.open_refund_link()

    def refuse() -> None:
        view.sim.refuse_refund()
    return [screen_title(agent), chat, paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            view.button("bk-safe-give-pin", _("Đọc mã PIN và mã 6 số cho nhân viên"), give),
            view.button("bk-safe-open-refund", _("Bấm «NHẬN HOÀN TIỀN NGAY»"), open_link),
            view.button("bk-safe-check-official",
                        _("Từ chối. Tự xem trong ứng dụng ngân hàng và gọi số tổng đài in trên "
                          "hóa đơn"), refuse),
            _leave(view)]


# -- the outcome ------------------------------------------------------------------------------

def outcome(view: SafetyView, status: Status) -> list[w.Widget]:
    assert status.outcome is not None
    return drill_outcome(view, view.sim, status.outcome, safety.REPORTED_CALL)


SCREENS: dict[Step, Screen] = {
    Step.HOME: home, Step.CALL_RINGING: call_ringing, Step.CALL_TALK: call_talk,
    Step.SMS_INBOX: sms_inbox, Step.SMS_REPORT: sms_report, Step.APK: apk, Step.SHOP: shop,
    Step.QR_CONFIRM: qr_confirm, Step.BROWSER: browser, Step.FAKE_LOGIN: fake_login,
    Step.REFUND_CHAT: refund_chat, Step.OUTCOME: outcome,
}


def build_screen(view: SafetyView, status: Status) -> list[w.Widget]:
    return SCREENS[status.step](view, status)
