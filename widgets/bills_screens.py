"""The screens of lesson 9's bank app (monthly bills), one function per home panel.

The bank's own words where banks have them («Thanh toán hóa đơn», «Mã khách hàng»,
«Thanh toán tự động», «Nạp tiền điện thoại»); what lies on the learner's table (the paper
bills, her persona card) is in a dashed box, as the payment lesson's counter signs are.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import bank
from bakhong.simulators.bank import Status
from bakhong.simulators.bills import COMPANIES, ELECTRICITY, TOP_UP_AMOUNTS, WATER, Bill

from .bank_screens import _back
from .phone import choice_list, facts, format_phone, html_block, paragraph, screen_title
from .receiving_screens import _account_card

if TYPE_CHECKING:
    from .bills_app import BillsView

__all__ = ["build_screen", "money"]

Screen = Callable[["BillsView", Status], list[w.Widget]]


def money(view: BillsView, amount: int) -> str:
    """An amount as the bank app writes it in the page's language (as lesson 6's:
    «75.000 đ», «VND 75,000»)."""
    return f"VND {amount:,}" if view.tr.lang == "en" else bank.money(amount)


def _scene(text: str) -> w.HTML:
    """What happens in front of the learner, outside the phone."""
    return html_block(f'<div class="bk-merchant bk-sign">{html.escape(text)}</div>')


def _paper(view: BillsView, bill: Bill, whose: str) -> str:
    """One paper bill as printed (the learner's own data: not words to translate)."""
    _ = view.tr
    kind = _("Hóa đơn tiền điện") if bill.company == ELECTRICITY.key else _("Hóa đơn tiền nước")
    rows = facts(((_("Công ty"), _(COMPANIES[bill.company].title)),
                  (_("Khách hàng"), bill.customer_name),
                  (_("Mã khách hàng"), bill.customer_code),
                  (_("Kỳ"), bill.period),
                  (_("Số tiền"), money(view, bill.amount))))
    return (f'<div class="bk-paper-bill bk-persona"><p class="bk-hint">{html.escape(whose)}</p>'
            f"<p><b>{html.escape(kind)}</b></p>{rows}</div>")


def _papers(view: BillsView, status: Status, company: str, cls: str) -> w.HTML:
    """The two paper bills of ``company`` on the table: the learner's and the neighbour's."""
    _ = view.tr
    found = [b for b in view.sim.paper_bills() if b.company == company]
    own = [b for b in found if b.customer_name == status.holder]
    other = [b for b in found if b not in own]
    title = html.escape(_("Trên bàn nhà bạn (mô phỏng): hai hóa đơn giấy"))
    if view.unaided:  # a check: the resident reads the names herself, in a drawn order
        papers = [own[0], other[0]] if status.scenario.get("own_first", True) \
            else [other[0], own[0]]
        body = "".join(_paper(view, bill, _("Hóa đơn giấy")) for bill in papers)
    else:
        body = (_paper(view, own[0], _("Hóa đơn của bạn"))
                + _paper(view, other[0], _("Hóa đơn của nhà hàng xóm")))
    return view.keep(cls, html_block(f'<div class="bk-merchant"><p>{title}</p>{body}</div>'))  # type: ignore[return-value]


def _companies(view: BillsView, cls: str) -> w.ToggleButtons:
    _ = view.tr
    choice = choice_list(cls, _("Nhà cung cấp"),
                         [(_(p.title), p.key) for p in COMPANIES.values()])
    view.keep(cls, choice)
    return choice


def _pin(view: BillsView, cls: str) -> w.Widget:
    _ = view.tr
    return view.field(cls, _("Mã PIN Smart OTP"), _("6 chữ số"), secret=True, keypad="numeric")


def _home(view: BillsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    return [screen_title(_("Trang chủ")), _account_card(view, status),  # type: ignore[arg-type]
            view.button("bk-bank-go-bill", _("Thanh toán hóa đơn"), view.go("bill"),
                        primary=True),
            view.button("bk-bank-go-auto", _("Thanh toán tự động"), view.go("auto")),
            view.button("bk-bank-go-topup", _("Nạp tiền điện thoại"), view.go("topup")),
            view.button("bk-bank-go-history", _("Lịch sử giao dịch"), view.go("history"))]


def _bill(view: BillsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    scenario = status.scenario
    items: list[w.Widget] = [screen_title(_("Thanh toán hóa đơn"))]
    if scenario["power_paid"]:
        items.append(_scene(_("Đã thanh toán tiền điện kỳ {period}. Mã giao dịch: {ref}.")
                            .format(period=scenario["period"], ref=scenario["power_paid"])))
        return [*items, _back(view)]
    items.append(_papers(view, status, ELECTRICITY.key, "bk-bank-paper-power"))
    shown = view.sim.looked_up()
    company = _companies(view, "bk-bank-bill-company")
    code = view.field("bk-bank-bill-code", _("Mã khách hàng"), _("in trên hóa đơn"))
    if shown is not None:
        company.value = shown.company
        code.value = shown.customer_code

    def look() -> None:
        view.sim.lookup_bill(company.value, code.value)
    items += [company, code, view.button("bk-bank-bill-lookup", _("Tra cứu"), look,
                                         primary=shown is None)]
    if shown is None:
        return [*items, _back(view)]
    rows = facts(((_("Nhà cung cấp"), _(COMPANIES[shown.company].title)),
                  (_("Mã khách hàng"), shown.customer_code),
                  (_("Tên khách hàng"), shown.customer_name),
                  (_("Kỳ thanh toán"), shown.period),
                  (_("Số tiền"), money(view, shown.amount))))
    found = view.keep("bk-bank-bill-found",
                      html_block(f'<div class="bk-receipt bk-persona">{rows}</div>'))
    pin = _pin(view, "bk-bank-bill-pin")

    def pay() -> str:
        view.sim.pay_bill(pin.value)
        return _("Thanh toán thành công.")
    hint = [] if view.unaided else [paragraph(_("Xem kỹ tên khách hàng trước khi trả tiền."),
                                              "bk-hint")]
    return [*items, found, *hint, pin,
            view.button("bk-bank-bill-pay", _("Thanh toán"), pay, primary=True),
            _back(view)]


def _auto(view: BillsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    items: list[w.Widget] = [screen_title(_("Thanh toán tự động"))]
    done = view.sim.auto_debit()
    if done is not None:
        rows = facts(((_("Nhà cung cấp"), _(WATER.title)),
                      (_("Mã khách hàng"), done.customer_code),
                      (_("Tên khách hàng"), done.customer_name),
                      (_("Hạn mức mỗi tháng"), money(view, done.limit)),
                      (_("Mã đăng ký"), done.reference)))
        title = html.escape(_("Đăng ký thành công"))
        confirmation = html_block(f'<div class="bk-receipt bk-persona"><p><b>{title}</b></p>'
                                  f"{rows}</div>")
        view.keep("bk-bank-auto-confirmation", confirmation)
        return [*items, confirmation,
                paragraph(_("Từ tháng sau, khi có hóa đơn, ngân hàng tự trừ tiền nước và gửi "
                            "tin nhắn báo. Hóa đơn cao hơn hạn mức thì không tự trả."), "bk-hint"),
                _back(view)]
    items.append(_papers(view, status, WATER.key, "bk-bank-paper-water"))
    company = _companies(view, "bk-bank-auto-company")
    code = view.field("bk-bank-auto-code", _("Mã khách hàng"), _("in trên hóa đơn"))
    limit = view.field("bk-bank-auto-limit", _("Hạn mức mỗi tháng (đồng)"), _("ví dụ 200000"),
                       keypad="numeric")
    pin = _pin(view, "bk-bank-auto-pin")

    def register() -> str:
        view.sim.register_auto_debit(company.value, code.value, limit.value, pin.value)
        return _("Đã đăng ký thanh toán tự động tiền nước.")
    return [*items,
            paragraph(_("Ngân hàng tự trả hóa đơn tiền nước mỗi tháng, không quá hạn mức.")),
            company, code, limit, pin,
            view.button("bk-bank-auto-register", _("Đăng ký"), register, primary=True),
            _back(view)]


def _topup(view: BillsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    scenario = status.scenario
    items: list[w.Widget] = [screen_title(_("Nạp tiền điện thoại"))]
    if scenario["top_up"]:
        done = scenario["top_up"]
        items.append(_scene(_("Đã nạp {amount} vào số {number}.").format(
            amount=money(view, done["amount"]), number=format_phone(done["number"]))))
        return [*items, _back(view)]
    mine = format_phone(view.sim.my_phone())
    card = html_block('<div class="bk-merchant bk-persona"><p>'
                      + html.escape(_("Thẻ nhân vật của bạn")) + "</p>"
                      + facts(((_("Họ tên"), status.holder), (_("Số điện thoại"), mine)))
                      + "</div>")
    view.keep("bk-bank-topup-card", card)
    number = view.field("bk-bank-topup-number", _("Số điện thoại được nạp"), _("10 chữ số"),
                        keypad="numeric")
    amounts = choice_list("bk-bank-topup-amount", _("Số tiền nạp"),
                          [(money(view, a), str(a)) for a in TOP_UP_AMOUNTS])
    view.keep("bk-bank-topup-amount", amounts)
    pin = _pin(view, "bk-bank-topup-pin")

    def top_up() -> str:
        view.sim.top_up_phone(number.value, amounts.value, pin.value)
        return _("Nạp tiền thành công.")
    return [*items, card, number, amounts, pin,
            view.button("bk-bank-topup-pay", _("Nạp tiền"), top_up, primary=True),
            _back(view)]


def _history(view: BillsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    rows = view.sim.history()
    if rows:
        items = "".join(
            '<li class="bk-history-item">'
            + f'<p><span class="bk-amount" style="white-space: nowrap">'
            f"{html.escape('−' + money(view, r.amount))}</span></p>"
            + facts(((_("Người nhận"), r.payee_name), (_("Nội dung"), r.message or "—"),
                     (_("Mã giao dịch"), r.reference)))
            + "</li>" for r in rows)
        body = html_block(f'<ul class="bk-history">{items}</ul>')
    else:
        body = paragraph(_("Chưa có giao dịch nào."))
    view.keep("bk-bank-history", body)
    return [screen_title(_("Lịch sử giao dịch")), body, _back(view)]


PANELS: dict[str, Screen] = {"home": _home, "bill": _bill, "auto": _auto, "topup": _topup,
                             "history": _history}


def build_screen(view: BillsView, status: Status) -> list[w.Widget]:
    return PANELS[view.panel](view, status)
