"""The screens of lesson 6's bank app (receiving money), one function per home panel.

The bank's own words where the payment lesson has them («Lịch sử giao dịch», «Mã giao
dịch»); what happens outside the phone (a buyer at the market, the screenshot on a
buyer's phone) is in a dashed box, as the payment lesson's counter signs are.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import bank, qrimage
from bakhong.simulators.bank import Receipt, Status
from bakhong.simulators.receiving import ALLOWANCE, scene, senders

from .bank_screens import _back
from .phone import choice_list, clock_time, facts, html_block, paragraph, screen_title, vn_date

if TYPE_CHECKING:
    from .receiving_app import ReceivingView

__all__ = ["build_screen"]

Screen = Callable[["ReceivingView", Status], list[w.Widget]]


def money(view: ReceivingView, amount: int) -> str:
    """An amount as the bank app writes it in the page's language: «75.000 đ» in Vietnamese,
    «VND 75,000» in English (as the English screens of Vietnamese bank apps write it).

    >>> from types import SimpleNamespace
    >>> [money(SimpleNamespace(tr=SimpleNamespace(lang=lang)), 75000) for lang in ("vi", "en")]
    ['75.000 đ', 'VND 75,000']
    """
    return f"VND {amount:,}" if view.tr.lang == "en" else bank.money(amount)


def _account_card(view: ReceivingView, status: Status) -> w.HTML:
    _ = view.tr
    rows = ((_("Chủ tài khoản"), status.holder), (_("Số tài khoản"), status.account))
    label = html.escape(_("Số dư"))
    amount = html.escape(money(view, status.balance))
    # the learner's own data (a persona's): not words to translate
    card = html_block(f'<div class="bk-account-card bk-persona">{facts(rows)}<p>'
                      f'<span class="bk-key">{label}:</span> '
                      f'<span class="bk-value bk-amount">{amount}</span></p></div>')
    return view.keep("bk-bank-balance", card)  # type: ignore[return-value]


def names(view: ReceivingView, status: Status) -> dict[str, str]:
    """Who the scenes are about, in the page's language: ``buyer``, ``goods``,
    ``fake_buyer``, ``fake_goods``, and each name with a capital (``Buyer``, ``Fake_buyer``)
    to begin a sentence (lesson 6's bà Tâm and anh Dũng, or a check's drawn people)."""
    found = {key: view.tr(value) for key, value in scene(status.scenario).items()}
    for key in ("buyer", "fake_buyer"):
        found[key.capitalize()] = found[key][:1].upper() + found[key][1:]
    return found


def _scene(text: str) -> w.HTML:
    """What happens in front of the learner, outside the phone."""
    return html_block(f'<div class="bk-merchant bk-sign">{html.escape(text)}</div>')


def _senders(view: ReceivingView, status: Status, cls: str) -> w.ToggleButtons:
    _ = view.tr
    people = senders(status.scenario)
    choice = choice_list(cls, _("Người chuyển"), [(p.holder, p.key) for p in people.values()])
    view.keep(cls, choice)
    return choice


def _answer_fields(view: ReceivingView, status: Status, amount_cls: str,
                   sender_cls: str) -> tuple[w.Text, w.ToggleButtons]:
    """«Số tiền đã nhận» and «Người chuyển» (classes literal: see the docs)."""
    _ = view.tr
    amount = view.field(amount_cls, _("Số tiền đã nhận (đồng)"), _("ví dụ 35000"),
                        keypad="numeric")
    return amount, _senders(view, status, sender_cls)  # type: ignore[return-value]


def _history_button(view: ReceivingView) -> w.Button:
    _ = view.tr
    return view.button("bk-bank-go-history", _("Lịch sử giao dịch"), view.go("history"))


def _home(view: ReceivingView, status: Status) -> list[w.Widget]:
    _ = view.tr
    month = status.scenario["allowance_month"]
    return [screen_title(_("Trang chủ")), _account_card(view, status),
            view.button("bk-bank-go-my-qr", _("Mã QR nhận tiền"), view.go("my_qr"),
                        primary=True),
            _history_button(view),
            html_block("<h3>" + html.escape(_("Ngoài đời (mô phỏng)")) + "</h3>"),
            view.button("bk-bank-go-allowance",
                        _("Tiền trợ cấp tháng {month}").format(month=month),
                        view.go("allowance")),
            view.button("bk-bank-go-fake", _("{Fake_buyer} mua {fake_goods}").format(
                **names(view, status)), view.go("fake"))]


def _my_qr(view: ReceivingView, status: Status) -> list[w.Widget]:
    _ = view.tr
    scenario = status.scenario
    price = money(view, scenario["price"])
    who = names(view, status)
    payload = view.sim.my_code(view.qr_amount or None)
    data = base64.b64encode(qrimage.render_png(payload)).decode()
    alt = html.escape(_("Mã QR nhận tiền của {holder}").format(holder=status.holder))
    picture = html_block(f'<img class="bk-qr-code" alt="{alt}" width="200" height="200" '
                         f'src="data:image/png;base64,{data}">')
    view.keep("bk-bank-my-qr", picture)
    card = html_block(facts(((_("Chủ tài khoản"), status.holder),
                             (_("Số tài khoản"), status.account),
                             (_("Ngân hàng"), _(status.bank)),
                             (_("Số tiền"), money(view, int(view.qr_amount))
                              if view.qr_amount else _("người mua tự nhập")))))
    items: list[w.Widget] = [screen_title(_("Mã QR nhận tiền"))]
    if scenario["sold"]:
        items.append(_scene(_("Bạn đã giao {goods}. {Buyer} đã trả {price}.").format(
            price=price, **who)))
    elif not scenario["scanned"]:
        items.append(_scene(_("Ở chợ: {buyer} mua {goods} giá {price} và muốn chuyển khoản "
                              "bằng mã QR.").format(price=price, **who)))
    items += [picture, card]
    if not scenario["scanned"]:
        amount = view.field("bk-bank-qr-amount", _("Số tiền trên mã (không bắt buộc)"),
                            _("ví dụ 35000"), keypad="numeric")
        amount.value = view.qr_amount

        def make() -> str:
            typed = amount.value.strip()
            view.sim.my_code(typed or None)  # refused here if it is not an amount
            view.qr_amount = str(bank.parse_amount(typed)) if typed else ""
            return _("Đã tạo mã mới.")

        def scan() -> str:
            view.sim.buyer_scan(view.qr_amount or None)
            return _("{Buyer} đã quét mã và nói: «Tôi chuyển rồi nhé.»").format(**who)
        items += [amount, view.button("bk-bank-make-qr", _("Tạo mã có số tiền"), make),
                  view.button("bk-bank-buyer-scan", _("Cho người mua quét mã"), scan,
                              primary=True)]
    elif not scenario["sold"]:
        amount, sender = _answer_fields(view, status, "bk-bank-sale-amount", "bk-bank-sale-sender")

        def hand() -> str:
            view.sim.confirm_sale(amount.value, sender.value)
            return _("Đúng. Tiền đã về, bạn giao {goods} cho {buyer}.").format(**who)
        items += [_scene(_("{Buyer} nói đã chuyển tiền. Trước khi giao {goods}, hãy xem tiền đã "
                           "về tài khoản chưa.").format(**who)),
                  _history_button(view),
                  paragraph(_("Thấy tiền đã về thì ghi số tiền và người chuyển:")),
                  amount, sender,
                  view.button("bk-bank-hand-goods", _("Giao {goods} cho {buyer}").format(**who),
                              hand, primary=True)]
    return [*items, _back(view)]


def _row(view: ReceivingView, receipt: Receipt, account: str) -> str:
    _ = view.tr
    incoming = receipt.payee_account == account
    sign = "+" if incoming else "−"
    who = ((_("Người chuyển"), receipt.payer_name), (_("Ngân hàng chuyển"), _(receipt.payer_bank)))
    if not incoming:
        who = ((_("Người nhận"), receipt.payee_name), (_("Ngân hàng nhận"), _(receipt.payee_bank)))
    amount = html.escape(sign + money(view, receipt.amount))
    kind = html.escape(_("Tiền vào") if incoming else _("Tiền ra"))
    nowrap = ' style="white-space: nowrap"'  # «+75.000 đ» on one line
    return (f'<p><b>{kind}</b>: <span class="bk-amount"{nowrap}>{amount}</span></p>'
            + facts((*who, (_("Nội dung"), receipt.message or "—"),
                     (_("Thời gian"), f"{clock_time(receipt.at)} {vn_date(receipt.at)}"),
                     (_("Mã giao dịch"), receipt.reference))))


def _history(view: ReceivingView, status: Status) -> list[w.Widget]:
    _ = view.tr
    rows = view.history_rows()
    if rows:
        items = "".join(f'<li class="bk-history-item">{_row(view, r, status.account)}</li>'
                        for r in rows)
        body = html_block(f'<ul class="bk-history">{items}</ul>')
    else:
        body = paragraph(_("Chưa có giao dịch nào."))
    view.keep("bk-bank-history", body)
    balance = paragraph(_("Số dư: {amount}").format(amount=money(view, status.balance)))
    back = view.button("bk-bank-back", _("Quay lại"), view.go(view.came_from))
    return [screen_title(_("Lịch sử giao dịch")), balance,
            paragraph(_("Mới nhất ở trên. Tiền vào có dấu cộng (+)."), "bk-hint"), body, back]


def _allowance(view: ReceivingView, status: Status) -> list[w.Widget]:
    _ = view.tr
    scenario = status.scenario
    month = scenario["allowance_month"]
    items: list[w.Widget] = [screen_title(_("Tiền trợ cấp tháng {month}").format(month=month))]
    if scenario["allowance_done"]:
        items.append(_scene(_("Đúng: {sender} đã chuyển {amount}.").format(
            sender=senders(scenario)[ALLOWANCE.key].holder,
            amount=money(view, scenario["allowance_amount"]))))
        return [*items, _back(view)]
    amount, sender = _answer_fields(view, status, "bk-bank-allowance-amount",
                                    "bk-bank-allowance-sender")

    def answer() -> str:
        view.sim.answer_allowance(amount.value, sender.value)
        return _("Đúng. Bạn đã kiểm tra tiền trợ cấp trong tài khoản.")
    items += [_scene(_("Tin nhắn ngân hàng báo có tiền vào tài khoản. Tin nhắn có thể bị làm "
                       "giả: hãy xem trong «Lịch sử giao dịch».")),
              _history_button(view),
              paragraph(_("Ai đã chuyển tiền trợ cấp, và bao nhiêu?")), amount, sender,
              view.button("bk-bank-answer-allowance", _("Trả lời"), answer, primary=True),
              paragraph(_("Mô phỏng: người chuyển và số tiền là giả, không phải mức trợ cấp "
                          "thật."), "bk-hint"),
              _back(view)]
    return items


def _screenshot(view: ReceivingView, status: Status) -> w.HTML:
    """The picture on the buyer's phone: it looks like a receipt, and proves nothing."""
    _ = view.tr
    shot = view.sim.screenshot()
    rows = facts(((_("Số tiền"), money(view, shot.amount)),
                  (_("Người nhận"), shot.payee_name),
                  (_("Số tài khoản nhận"), shot.payee_account),
                  (_("Nội dung"), shot.message),
                  (_("Mã giao dịch"), shot.reference)))
    title = html.escape(_("Chuyển tiền thành công"))
    caption = html.escape(_("Ảnh trên điện thoại của {fake_buyer}").format(
        **names(view, status)))
    picture = html_block(f'<div class="bk-screenshot"><p class="bk-hint">{caption}</p>'
                         f'<p class="bk-amount">✔ {title}</p>{rows}</div>')
    view.keep("bk-bank-screenshot", picture)
    return picture


def _fake(view: ReceivingView, status: Status) -> list[w.Widget]:
    _ = view.tr
    scenario = status.scenario
    price = money(view, scenario["fake_price"])
    who = names(view, status)
    items: list[w.Widget] = [screen_title(_("{Fake_buyer} mua {fake_goods}").format(**who))]
    if scenario["fake_done"]:
        items.append(_scene(_("Đúng: tiền chưa về nên bạn chưa giao {fake_goods}. {Fake_buyer} "
                              "đi mất: ảnh đó là ảnh giả.").format(**who)))
        return [*items, _back(view)]

    def hand() -> None:
        view.sim.answer_fake(True)

    def refuse() -> str:
        view.sim.answer_fake(False)
        return _("Đúng. Tiền chưa về thì chưa giao hàng.")
    items += [_scene(_("{Fake_buyer} mua {fake_goods} giá {price} và đưa điện thoại cho bạn "
                       "xem: «Chuyển rồi đấy, giao hàng đi!»").format(price=price, **who)),
              _screenshot(view, status),
              _history_button(view),
              view.button("bk-bank-refuse-goods", _("Báo {fake_buyer}: tiền chưa về").format(
                  **who), refuse, primary=True),
              view.button("bk-bank-give-goods", _("Giao {fake_goods} cho {fake_buyer}").format(
                  **who), hand),
              _back(view)]
    return items


PANELS: dict[str, Screen] = {"home": _home, "my_qr": _my_qr, "history": _history,
                             "allowance": _allowance, "fake": _fake}


def build_screen(view: ReceivingView, status: Status) -> list[w.Widget]:
    return PANELS[view.panel](view, status)
