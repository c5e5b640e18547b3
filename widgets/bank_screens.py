"""The screens of the bank app, one function per step (and per home panel).

The words are those of Vietnamese bank apps (domain §4): «Quét QR», «Chuyển tiền»,
«Nhập mã PIN Smart OTP», «Giao dịch thành công». Each function takes the view and the
current status and returns the screen's widgets; buttons call the simulator and return
the line shown in green.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import bank, qrimage
from bakhong.simulators.bank import Receipt, Status, Step

from .phone import (
    choice_list,
    clock_time,
    facts,
    html_block,
    paragraph,
    run_safely,
    screen_title,
    vn_date,
)

if TYPE_CHECKING:
    from .bank_app import BankView

__all__ = ["build_screen"]

Screen = Callable[["BankView", Status], list[w.Widget]]

#: The classes of each merchant's code and its «Quét mã này» button (literal: see the docs).
MERCHANT_CLASSES = {
    "stall": ("bk-bank-qr-stall", "bk-bank-pick-stall"),
    "power": ("bk-bank-qr-power", "bk-bank-pick-power"),
    "fruit": ("bk-bank-qr-fruit", "bk-bank-pick-fruit"),
}
#: The PIN pad's keys, in the pad's order, with their classes.
PIN_KEYS = (("1", "bk-bank-pin-1"), ("2", "bk-bank-pin-2"), ("3", "bk-bank-pin-3"),
            ("4", "bk-bank-pin-4"), ("5", "bk-bank-pin-5"), ("6", "bk-bank-pin-6"),
            ("7", "bk-bank-pin-7"), ("8", "bk-bank-pin-8"), ("9", "bk-bank-pin-9"),
            ("del", "bk-bank-pin-del"), ("0", "bk-bank-pin-0"))


def _back(view: BankView) -> w.Button:
    _ = view.tr
    return view.button("bk-bank-back", _("Quay lại"), view.go("home"))


def _account_card(view: BankView, status: Status) -> w.HTML:
    _ = view.tr
    rows = ((_("Chủ tài khoản"), status.holder), (_("Số tài khoản"), status.account))
    label = html.escape(_("Số dư"))
    amount = html.escape(bank.money(status.balance))
    card = html_block(f'<div class="bk-account-card">{facts(rows)}<p>{label}: '
                      f'<span class="bk-amount">{amount}</span></p></div>')
    return view.keep("bk-bank-balance", card)  # type: ignore[return-value]


# -- first use -------------------------------------------------------------------------

def setup(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr
    first = view.field("bk-bank-new-pin", _("Mã PIN mới (6 số)"), _("6 chữ số"), secret=True,
                       keypad="numeric")
    again = view.field("bk-bank-new-pin-again", _("Nhập lại mã PIN"), _("6 chữ số"),
                       secret=True, keypad="numeric")

    def act() -> str:
        view.sim.set_pin(first.value, again.value)
        return _("Đã cài đặt Smart OTP. Mỗi lần chuyển tiền, bạn nhập mã PIN này.")
    return [screen_title(_("Cài đặt Smart OTP")),
            paragraph(_("Đặt mã PIN 6 số để xác nhận mỗi lần chuyển tiền. Không cho ai biết "
                        "mã PIN, kể cả nhân viên ngân hàng.")),
            first, again,
            view.button("bk-bank-save-pin", _("Lưu mã PIN"), act, primary=True),
            paragraph(_("Đây là ngân hàng luyện tập: đừng dùng mã PIN thật của bạn."),
                      "bk-hint")]


# -- home and its panels ---------------------------------------------------------------

def home(view: BankView, status: Status) -> list[w.Widget]:
    return PANELS[view.panel](view, status)


def _home(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr

    def top_up() -> str:
        view.sim.top_up(1_000_000)
        return _("Người thân đã chuyển cho bạn 1.000.000 đ (mô phỏng).")
    return [screen_title(_("Trang chủ")), _account_card(view, status),
            view.button("bk-bank-go-scan", _("Quét QR"), view.go("scan"), primary=True),
            view.button("bk-bank-go-transfer", _("Chuyển tiền đến số tài khoản"),
                        view.go("transfer")),
            view.button("bk-bank-go-history", _("Lịch sử giao dịch"), view.go("history")),
            view.button("bk-bank-go-check", _("Kiểm tra biên lai"), view.go("check")),
            view.button("bk-bank-top-up", _("Nhận 1.000.000 đ từ người thân (mô phỏng)"),
                        top_up)]


def _merchant(view: BankView, code: bank.MerchantCode) -> w.VBox:
    """One code in front of the learner: the sign beside it, the code, «Quét mã này»."""
    _ = view.tr
    sign = html_block(f'<div class="bk-sign"><b>{html.escape(_(code.title))}</b><br>'
                      f"{html.escape(_(code.note))}</div>")
    data = base64.b64encode(qrimage.render_png(code.payload)).decode()
    alt = html.escape(_("Mã QR: {title}").format(title=_(code.title)))
    picture = html_block(f'<img class="bk-qr-code" alt="{alt}" width="200" height="200" '
                         f'src="data:image/png;base64,{data}">')
    picture_cls, pick_cls = MERCHANT_CLASSES[code.key]
    view.keep(picture_cls, picture)

    def scan() -> None:
        view.sim.scan(code.payload)
    pick = view.button(pick_cls, _("Quét mã này"), scan)
    box = w.VBox([sign, picture, pick], layout=w.Layout(width="100%"))
    box.add_class("bk-merchant")
    return box


def _scan(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr
    upload = w.FileUpload(accept="image/*", multiple=False, description=_("Chụp ảnh mã QR"),
                          tooltip=_("Chụp ảnh mã QR"), icon="camera",
                          layout=w.Layout(width="100%", height="auto"))
    view.keep("bk-bank-photo", upload)

    def on_photo(change: dict[str, object]) -> None:
        files = change["new"]
        if not files:
            return

        def act() -> None:
            content = bytes(files[0]["content"])  # type: ignore[index]
            view.sim.scan_photo(content)
        run_safely(act, view.message, view.tr, after=view.refresh)
    upload.observe(on_photo, names="value")
    codes = [_merchant(view, code) for code in view.sim.merchant_codes()]
    return [screen_title(_("Quét mã QR")),
            paragraph(_("Chụp ảnh mã QR in ở quầy hàng hoặc trên hóa đơn. Trên điện thoại, "
                        "chọn «Máy ảnh» để chụp.")),
            upload,
            html_block("<h3>" + html.escape(_("Mã QR trước mặt bạn")) + "</h3>"),
            paragraph(_("Hoặc bấm «Quét mã này» dưới mã bạn muốn quét."), "bk-hint"),
            *codes, _back(view)]


def _transfer(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr
    banks = choice_list("bk-bank-payee-bank", _("Ngân hàng nhận"),
                        [(_(b.name), b.bin) for b in bank.SANDBOX_BANKS], bank.HOME_BANK.bin)
    view.keep("bk-bank-payee-bank", banks)
    number = view.field("bk-bank-payee-account", _("Số tài khoản nhận"), _("chỉ gồm chữ số"),
                        keypad="numeric")

    def act() -> None:
        view.sim.start_transfer(banks.value, number.value)
    return [screen_title(_("Chuyển tiền đến số tài khoản")), banks, number,
            view.button("bk-bank-find-payee", _("Tiếp tục"), act, primary=True),
            paragraph(_("Ngân hàng sẽ hiện tên chủ tài khoản để bạn kiểm tra trước khi "
                        "chuyển."), "bk-hint"),
            _back(view)]


def _receipt_rows(view: BankView, receipt: Receipt) -> str:
    _ = view.tr
    state = _("Thành công") if receipt.status == "done" else _("Đang xử lý")
    return facts((
        (_("Mã giao dịch"), receipt.reference),
        (_("Thời gian"), f"{clock_time(receipt.at)} {vn_date(receipt.at)}"),
        (_("Số tiền"), bank.money(receipt.amount)),
        (_("Người nhận"), receipt.payee_name),
        (_("Ngân hàng nhận"), _(receipt.payee_bank)),
        (_("Số tài khoản nhận"), receipt.payee_account),
        (_("Nội dung"), receipt.message or "—"),
        (_("Trạng thái"), state),
    ))


def _history(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr
    receipts = view.sim.history()
    if receipts:
        items = "".join(f'<li class="bk-history-item">{_receipt_rows(view, r)}</li>'
                        for r in receipts)
        body = html_block(f'<ul class="bk-history">{items}</ul>')
    else:
        body = paragraph(_("Chưa có giao dịch nào."))
    view.keep("bk-bank-history", body)
    return [screen_title(_("Lịch sử giao dịch")), body, _back(view)]


def _check(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr
    reference = view.field("bk-bank-reference", _("Mã giao dịch trên biên lai"),
                           _("ví dụ FT26332…"))

    def act() -> str:
        receipt = view.sim.check_receipt(reference.value)
        return _("Đúng: {amount} cho {payee}, lúc {time}.").format(
            amount=bank.money(receipt.amount), payee=receipt.payee_name,
            time=clock_time(receipt.at))
    return [screen_title(_("Kiểm tra biên lai")),
            paragraph(_("Nhập mã giao dịch in trên biên lai để xem ngân hàng có ghi nhận "
                        "giao dịch đó không.")),
            paragraph(_("Mô phỏng: ứng dụng ngân hàng thật không có ô này. Ở đó, bạn mở "
                        "«Lịch sử giao dịch» và so mã giao dịch với biên lai."), "bk-hint"),
            reference, view.button("bk-bank-check-reference", _("Kiểm tra"), act, primary=True),
            _back(view)]


PANELS: dict[str, Screen] = {"home": _home, "scan": _scan, "transfer": _transfer,
                             "history": _history, "check": _check}


# -- paying ----------------------------------------------------------------------------

def _cancel(view: BankView) -> w.Button:
    _ = view.tr

    def act() -> str:
        view.sim.cancel()
        return _("Đã hủy. Không có tiền nào được chuyển.")
    return view.button("bk-bank-cancel", _("Hủy"), act)


def confirm(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr
    draft = status.draft
    assert draft is not None
    payee = html_block(f'<p class="bk-payee">{html.escape(draft.payee_name)}</p>')
    view.keep("bk-bank-payee-name", payee)
    rows = html_block(facts(((_("Ngân hàng"), _(draft.payee_bank)),
                             (_("Số tài khoản"), draft.payee_account))))
    items: list[w.Widget] = [screen_title(_("Xác nhận chuyển tiền")),
                             paragraph(_("Người nhận (tên ngân hàng ghi nhận):")), payee, rows]
    amount: w.Text | None = None
    if draft.amount_fixed:
        items.append(html_block(facts(((_("Số tiền"), bank.money(draft.amount or 0)),))))
    else:
        amount = view.field("bk-bank-amount", _("Số tiền (đồng)"), _("ví dụ 35000"),
                            keypad="numeric")
        amount.value = str(draft.amount or "")
        items.append(amount)
    message = view.field("bk-bank-message", _("Nội dung chuyển khoản"), _("không bắt buộc"))
    message.value = draft.message
    if draft.amount_fixed:
        message.disabled = True  # a dynamic code fixes its message too

    def act() -> None:
        view.sim.review(amount.value if amount is not None else None,
                        None if draft.amount_fixed else message.value)
    items += [message,
              paragraph(_("Xem kỹ tên người nhận. Nếu không đúng người bán hoặc người bạn "
                          "muốn trả, bấm «Hủy»."), "bk-warning"),
              view.button("bk-bank-continue", _("Tiếp tục"), act, primary=True),
              _cancel(view)]
    return items


def auth(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr
    draft = status.draft
    assert draft is not None
    summary = html_block(facts(((_("Số tiền"), bank.money(draft.amount or 0)),
                                (_("Người nhận"), draft.payee_name))))
    dots, pad = view.pinpad.widgets(view, PIN_KEYS, "bk-bank-pin-dots")

    def act() -> None:
        view.sim.authorise(view.pinpad.take())
    items: list[w.Widget] = [screen_title(_("Nhập mã PIN Smart OTP")), summary, dots,
                             pad,
                             view.button("bk-bank-authorise", _("Xác nhận"), act, primary=True)]
    if status.pin_tries_left < bank.MAX_PIN_TRIES:
        items.append(paragraph(_("Còn {remaining} lần nhập mã PIN.").format(
            remaining=status.pin_tries_left), "bk-expiry"))
    return [*items, _cancel(view)]


def biometric(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr

    def act() -> str:
        view.sim.verify_biometric()
        return _("Khuôn mặt khớp với thông tin trên chip (mô phỏng).")
    return [screen_title(_("Xác thực sinh trắc học")),
            paragraph(_("Giao dịch trên 10 triệu đồng, hoặc tổng trong ngày trên 20 triệu đồng, "
                        "phải xác thực khuôn mặt khớp với thẻ Căn cước gắn chíp (Quyết định "
                        "2345/QĐ-NHNN).")),
            paragraph(_("Ở đây chỉ là mô phỏng: không chụp ảnh, không đọc thẻ thật."), "bk-hint"),
            view.button("bk-bank-biometric", _("Mô phỏng: đọc chip thẻ và quét khuôn mặt"), act,
                        primary=True),
            _cancel(view)]


def pending(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr

    def act() -> str:
        view.sim.refresh()
        return _("Giao dịch đã hoàn tất. Tiền chỉ bị trừ một lần.")
    return [screen_title(_("Giao dịch đang xử lý")),
            paragraph(_("Mạng bị gián đoạn sau khi bạn xác nhận. Đừng chuyển lại: bấm «Kiểm "
                        "tra lại» để xem kết quả.")),
            view.button("bk-bank-refresh", _("Kiểm tra lại"), act, primary=True)]


def receipt(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr
    done = status.receipt
    assert done is not None
    body = html_block(f'<div class="bk-receipt">'
                      f'<p class="bk-amount">{html.escape(bank.money(done.amount))}</p>'
                      f"{_receipt_rows(view, done)}</div>")
    view.keep("bk-bank-receipt", body)

    def act() -> None:
        view.sim.done()
    return [screen_title(_("Giao dịch thành công")), body,
            paragraph(_("Ghi lại mã giao dịch: người bán hoặc cơ quan có thể hỏi mã này."),
                      "bk-hint"),
            view.button("bk-bank-done", _("Về trang chủ"), act, primary=True)]


def locked(view: BankView, status: Status) -> list[w.Widget]:
    _ = view.tr
    otp = view.field("bk-bank-reset-otp", _("Mã OTP trong tin nhắn"), _("6 chữ số"),
                     keypad="otp")
    first = view.field("bk-bank-new-pin", _("Mã PIN mới (6 số)"), _("6 chữ số"), secret=True,
                       keypad="numeric")
    again = view.field("bk-bank-new-pin-again", _("Nhập lại mã PIN"), _("6 chữ số"),
                       secret=True, keypad="numeric")

    def send() -> str:
        view.sim.request_pin_reset()
        return _("Ngân hàng đã gửi mã OTP bằng tin nhắn. Không đưa mã này cho ai.")

    def reset() -> str:
        view.sim.reset_pin(otp.value, first.value, again.value)
        return _("Đã đặt lại mã PIN.")
    return [screen_title(_("Smart OTP đã bị khóa")),
            paragraph(_("Bạn đã nhập sai mã PIN quá 5 lần. Hãy đặt lại mã PIN bằng mã OTP "
                        "gửi đến số điện thoại của bạn.")),
            view.button("bk-bank-forgot-pin", _("Quên mã PIN"), send),
            otp, first, again,
            view.button("bk-bank-reset-pin", _("Đặt lại mã PIN"), reset, primary=True)]


SCREENS: dict[Step, Screen] = {
    Step.SETUP: setup, Step.HOME: home, Step.CONFIRM: confirm, Step.AUTH: auth,
    Step.BIOMETRIC: biometric, Step.PENDING: pending, Step.RECEIPT: receipt,
    Step.LOCKED: locked,
}


def build_screen(view: BankView, status: Status) -> list[w.Widget]:
    return SCREENS[status.step](view, status)
