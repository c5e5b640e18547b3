"""The portal's screens after filing: «Hồ sơ của tôi», a dossier, the fee, «Kho dữ liệu cá nhân».

A dossier shows its status as the provincial system names it (domain §3), the
appointment, the timeline of what the citizen, the officials and the system did, and the
boxes that ask the learner to act: the fee («Thanh toán trực tuyến», «Kiểm tra kết quả
thanh toán»), a supplement («Gửi bổ sung»), the results and the receipt («Xem», «Tải
về»). The officials act on a schedule: «Làm mới» reads the dossier again.

«Tải về» records the download with the portal, then shows a link «Lưu tệp về điện thoại»:
a tap on a link cannot reach the kernel, so saving takes two taps.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import dossiers, procedures, qrimage
from bakhong.simulators.bank import money
from bakhong.simulators.dossiers import Dossier, DossierEvent
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.portal import DocumentInfo, PortalStatus

from .phone import (
    clock_time,
    facts,
    html_block,
    paragraph,
    screen_title,
    vn_date,
    zoom_button,
)
from .portal_screens import Page, document_picker, fee_rows, page_pictures, picked, upload_control

if TYPE_CHECKING:
    from .portal_app import PortalView

__all__ = ["ACTORS", "DOSSIER_PAGES", "SOURCE_NAMES"]

#: How the timeline names who acted.
ACTORS = {"citizen": N_("Công dân"), "official": N_("Cán bộ"), "system": N_("Hệ thống")}
#: Where a document of the store came from.
SOURCE_NAMES = {"citizen": N_("Bạn tải lên"), "hospital": N_("Cơ sở y tế"),
                "portal": N_("Cổng Dịch vụ công"), "authority": N_("Cơ quan giải quyết hồ sơ")}


def _title_of(view: PortalView, code: str) -> str:
    try:
        return view.tr(procedures.by_code(code).title)
    except procedures.UnknownProcedure:
        return code


def _when(at: str) -> str:
    return f"{clock_time(at)} {vn_date(at)}"


def _note(view: PortalView, event: DossierEvent) -> str:
    """An event's note in the learner's language; a parameter may be a source string too."""
    params = {key: view.tr(value) if isinstance(value, str) else value
              for key, value in event.params.items()}
    text = view.tr(event.note)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


# -- documents: «Xem», «Tải về», «Lưu tệp về điện thoại» ---------------------------------------

def document_item(view: PortalView, info: DocumentInfo) -> w.VBox:
    _ = view.tr
    doc_id = info.doc_id
    rows = ((_("Nguồn"), _(SOURCE_NAMES.get(info.source, info.source))),
            (_("Ngày"), _when(info.created_at)))
    head = html_block(f"<p><b>{html.escape(_(info.title))}</b></p>{facts(rows)}")
    viewing = view.viewing == doc_id

    def toggle() -> None:
        view.viewing = "" if viewing else doc_id

    def download() -> str:
        filename, _mime, _content = view.sim.download(doc_id)
        view.saved = doc_id
        return _("Tệp «{filename}» đã sẵn sàng. Bấm «Lưu tệp về điện thoại» để lưu.").format(
            filename=filename)
    show = view.item_button("bk-portal-view-doc", f"view-{doc_id}",
                            _("Đóng bản xem") if viewing else _("Xem"), toggle,
                            tooltip=_("Xem: {title}").format(title=_(info.title)))
    get = view.item_button("bk-portal-download-doc", f"download-{doc_id}", _("Tải về"), download,
                           tooltip=_("Tải về: {title}").format(title=_(info.title)))
    buttons = w.HBox([show, get], layout=w.Layout(width="100%"))
    buttons.add_class("bk-button-row")
    parts: list[w.Widget] = [head, buttons]
    if viewing or view.saved == doc_id:
        _info, content = view.sim.document(doc_id)
        if viewing:
            pages = html_block(page_pictures(view, content, _(info.title)))
            parts += [view.keep_as("bk-common-zoom", f"zoom-{doc_id}",
                                   zoom_button(pages, view.tr)),
                      view.keep_as("bk-portal-doc-pages", f"pages-{doc_id}", pages)]
        if view.saved == doc_id:
            data = base64.b64encode(content).decode()
            label = html.escape(_("Lưu tệp về điện thoại"))
            link = html_block(f'<a class="bk-link-button" download="{html.escape(info.filename)}"'
                              f' href="data:{html.escape(info.mime)};base64,{data}">{label}</a>')
            parts.append(view.keep_as("bk-portal-save-link", f"save-{doc_id}", link))
    box = w.VBox(parts, layout=w.Layout(width="100%"))
    view.keep_as("bk-portal-document", f"doc-{doc_id}", box)
    return box


def _documents(view: PortalView, d: Dossier, role: str) -> list[DocumentInfo]:
    wanted = [doc for r, doc in d.files if r == role]
    return [view.sim.document(doc_id)[0] for doc_id in wanted]


# -- «Hồ sơ của tôi» -------------------------------------------------------------------------

def my_dossiers(view: PortalView, status: PortalStatus) -> Page:
    found = view.sim.my_dossiers()

    def build() -> list[w.Widget]:
        _ = view.tr
        items: list[w.Widget] = [screen_title(_("Hồ sơ của tôi"))]
        for code, step in status.drafts.items():
            total = len(procedures.by_code(code).steps)
            line = html.escape(_("Đang khai, chưa nộp (bước {number}/{total})").format(
                number=min(step + 1, total), total=total))
            card = html_block(f"<p><b>{html.escape(_title_of(view, code))}</b></p><p>{line}</p>")

            def resume(code: str = code) -> None:
                view.sim.start(code)
                view.move("form", code)
            box = w.VBox([card, view.item_button("bk-portal-resume", f"resume-{code}",
                                                 _("Khai tiếp"), resume)],
                         layout=w.Layout(width="100%"))
            box.add_class("bk-procedure")
            items.append(box)
        if not found:
            items.append(paragraph(_("Bạn chưa nộp hồ sơ nào.")))
        for d in found:
            rows = ((_("Mã hồ sơ"), d.code), (_("Thủ tục"), _title_of(view, d.procedure)),
                    (_("Trạng thái"), _(d.status_title)),
                    (_("Hẹn trả kết quả"), vn_date(d.appointment) if d.appointment
                     else _("Chưa có")))
            card = html_block(facts(rows))
            box = w.VBox([card, view.item_button(
                "bk-portal-open-dossier", f"open-{d.code}", _("Xem hồ sơ"),
                view.go("dossier", d.code),
                tooltip=_("Xem hồ sơ {code}").format(code=d.code))],
                layout=w.Layout(width="100%"))
            box.add_class("bk-procedure")
            items.append(box)
        return [*items, view.button("bk-portal-back", _("Về trang chủ"), view.go("home"))]
    shows = tuple((d.code, d.status, d.substate, d.appointment) for d in found)
    return Page(("dossiers", ""), build, (shows, tuple(sorted(status.drafts.items()))))


# -- one dossier -----------------------------------------------------------------------------

def _summary(view: PortalView, d: Dossier) -> w.HTML:
    _ = view.tr
    rows = [(_("Mã hồ sơ"), d.code), (_("Thủ tục"), _title_of(view, d.procedure)),
            (_("Ngày nộp"), _when(d.submitted_at))]
    if d.substate:
        rows.append((_("Tình trạng"), _(d.substate)))
    state = html.escape(_(d.status_title))
    label = html.escape(_("Trạng thái"))
    parts = [f'<p>{label}: <span class="bk-status">{state}</span></p>', facts(rows)]
    if d.appointment:
        due = html.escape(_("Hẹn trả kết quả: {date}").format(date=vn_date(d.appointment)))
        parts.append(f"<p><b>{due}</b></p>")
    return view.keep("bk-portal-status", html_block("".join(parts)))  # type: ignore[return-value]


def _fee_box(view: PortalView, d: Dossier) -> list[w.Widget]:
    _ = view.tr
    fee = d.fee
    if fee is None:
        return []
    state = (_("Trạng thái"), _(dossiers.FEE_STATE.get(fee.state, fee.state)))
    rows = facts(((_("Mã thanh toán"), fee.fee_id), state))
    heading = html.escape(_("Phí, lệ phí"))
    box = view.keep("bk-portal-fee-box", html_block(
        f'<div class="bk-fee"><h3>{heading}</h3>{fee_rows(view, fee.items)}{rows}</div>'))
    items: list[w.Widget] = [box]
    if fee.state in ("unpaid", "waiting"):
        items += [view.button("bk-portal-pay", _("Thanh toán trực tuyến"),
                              view.go("payment", d.code), primary=True),
                  _check_payment(view, d.code)]
    if fee.state == "paid":
        items += [document_item(view, info) for info in _documents(view, d, "receipt")]
    return items


def _check_payment(view: PortalView, code: str) -> w.Button:
    _ = view.tr

    def act() -> str:
        view.sim.confirm_payment(code)
        view.move("dossier", code)
        return _("Kết quả giao dịch thành công. Biên lai đã có trong hồ sơ.")
    return view.button("bk-portal-check-payment", _("Kiểm tra kết quả thanh toán"), act)


def _supplement_box(view: PortalView, d: Dossier,
                    docs: list[DocumentInfo]) -> list[w.Widget]:
    _ = view.tr
    if d.status != 5:
        return []
    if d.substate != dossiers.SUB_ASKED:
        return [paragraph(_("Đã gửi bổ sung. Chờ cán bộ tiếp nhận."), "bk-hint")]
    asked = next((e for e in reversed(d.events) if e.note == dossiers.SUPPLEMENT), None)
    reason = html.escape(_(asked.params.get("reason", "")) if asked else "")
    heading = html.escape(_("Yêu cầu bổ sung giấy tờ"))
    box = view.keep("bk-portal-supplement", html_block(
        f'<div class="bk-warning"><h3>{heading}</h3><p>{reason}</p></div>'))
    picker = document_picker(view, "bk-portal-supplement-doc", "supplement-doc", docs,
                             view.picked)

    def remember(change: dict[str, object]) -> None:
        view.picked = str(change["new"] or "")
    picker.observe(remember, names="value")

    def send() -> str:
        view.sim.answer_supplement(d.code, picked(picker))
        view.picked = ""
        return _("Đã gửi bổ sung. Cán bộ sẽ tiếp nhận và xử lý tiếp.")

    def uploaded(filename: str, content: bytes) -> str:
        view.picked = view.sim.upload(filename, content)
        return _("Đã tải «{filename}» lên Kho dữ liệu cá nhân. Bấm «Gửi bổ sung».").format(
            filename=filename)
    return [box, picker,
            upload_control(view, "bk-portal-supplement-upload", "supplement-upload", uploaded),
            view.button("bk-portal-send-supplement", _("Gửi bổ sung"), send, primary=True)]


def _timeline(view: PortalView, d: Dossier) -> w.HTML:
    _ = view.tr
    items = []
    for event in reversed(d.events):  # newest first
        who = html.escape(_(ACTORS.get(event.actor, event.actor)))
        items.append(f'<li><span class="bk-key">{html.escape(_when(event.at))} · {who}</span>'
                     f"<br>{html.escape(_note(view, event))}</li>")
    heading = html.escape(_("Quá trình xử lý"))
    return view.keep("bk-portal-timeline", html_block(  # type: ignore[return-value]
        f'<h3>{heading}</h3><ol class="bk-timeline" reversed>{"".join(items)}</ol>'))


def dossier(view: PortalView, status: PortalStatus) -> Page:
    try:
        d = view.sim.dossier(view.code)
    except dossiers.UnknownDossier:
        view.move("dossiers")
        raise
    asked = d.status == 5 and d.substate == dossiers.SUB_ASKED
    docs = view.sim.documents() if asked else []

    def build() -> list[w.Widget]:
        _ = view.tr

        def refresh() -> str:
            return _("Đã cập nhật lúc {time}.").format(
                time=clock_time(view.sim.now().isoformat()))
        results = _documents(view, d, "result")
        items: list[w.Widget] = [
            screen_title(_("Chi tiết hồ sơ")), _summary(view, d),
            view.button("bk-portal-refresh", _("Làm mới"), refresh),
            paragraph(_("Cán bộ xử lý hồ sơ lần lượt từng bước. Trạng thái mới tự hiện ra trên "
                        "màn hình; nếu lâu không thấy, bấm «Làm mới»."), "bk-hint"),
            *_supplement_box(view, d, docs)]
        if results:
            items.append(html_block("<h3>" + html.escape(_("Kết quả giải quyết")) + "</h3>"))
            items += [document_item(view, info) for info in results]
        return [*items, *_fee_box(view, d), _timeline(view, d),
                view.button("bk-portal-back", _("Hồ sơ của tôi"), view.go("dossiers"))]
    fee = (d.fee.state, d.fee.amount) if d.fee else None
    return Page(("dossier", d.code), build,
                (d.status, d.substate, d.appointment, len(d.events), fee, d.files,
                 tuple(doc.doc_id for doc in docs), view.picked, view.viewing, view.saved))


# -- the payment page --------------------------------------------------------------------------

def payment(view: PortalView, status: PortalStatus) -> Page:
    code = view.code
    try:
        order = view.sim.payment_order(code)
    except SandboxError:
        view.move("dossier", code)  # paid meanwhile, or no fee: the dossier says why
        raise

    def build() -> list[w.Widget]:
        _ = view.tr
        amount = html.escape(money(order.amount))
        label = html.escape(_("Hồ sơ"))
        head = html_block(f"<p>{label}: <b>{html.escape(code)}</b></p>"
                          f'<p class="bk-amount">{amount}</p>{fee_rows(view, order.items)}')
        data = base64.b64encode(qrimage.render_png(order.payload)).decode()
        alt = html.escape(_("Mã QR thanh toán {amount}").format(amount=money(order.amount)))
        qr = view.keep("bk-portal-qr", html_block(
            f'<img class="bk-qr-code" alt="{alt}" width="200" height="200" '
            f'src="data:image/png;base64,{data}">'))
        rows = ((_("Ngân hàng"), _(order.bank)), (_("Số tài khoản"), order.account),
                (_("Chủ tài khoản"), order.holder), (_("Số tiền"), money(order.amount)),
                (_("Nội dung chuyển khoản"), order.content))
        warn = html.escape(_("Ghi đúng nội dung: {content}").format(content=order.content))
        transfer = view.keep("bk-portal-transfer", html_block(
            f'{facts(rows)}<p class="bk-warning">{warn}</p>'))
        items: list[w.Widget] = [
            screen_title(_("Thanh toán lệ phí")), head,
            paragraph(_("Quét mã QR bằng ứng dụng ngân hàng: số tiền và nội dung có sẵn. Hoặc "
                        "chuyển khoản theo thông tin dưới mã.")),
            qr, transfer]
        if view.bank_sim_factory is not None:
            items.append(view.button("bk-portal-open-bank",
                                     _("Mở ứng dụng ngân hàng để thanh toán"),
                                     lambda: view.open_bank(code), primary=True))
        return [*items, _check_payment(view, code),
                paragraph(_("Sau khi chuyển tiền, bấm «Kiểm tra kết quả thanh toán» để nhận biên "
                            "lai."), "bk-hint"),
                view.button("bk-portal-back", _("Quay lại"), view.go("dossier", code))]
    return Page(("payment", code), build, (order.fee_id, order.amount))


# -- «Kho dữ liệu cá nhân» ---------------------------------------------------------------------

def store(view: PortalView, status: PortalStatus) -> Page:
    docs = view.sim.documents()

    def build() -> list[w.Widget]:
        _ = view.tr
        items: list[w.Widget] = [
            screen_title(_("Kho dữ liệu cá nhân")),
            paragraph(_("Giấy tờ của bạn: kết quả hồ sơ, biên lai, giấy tờ bạn tải lên. Mới "
                        "nhất ở trên."))]
        if not docs:
            items.append(paragraph(_("Kho dữ liệu chưa có giấy tờ nào.")))
        items += [document_item(view, info) for info in docs]
        return [*items, view.button("bk-portal-back", _("Về trang chủ"), view.go("home"))]
    return Page(("store", ""), build,
                (tuple(doc.doc_id for doc in docs), view.viewing, view.saved))


DOSSIER_PAGES: dict[str, Callable[[PortalView, PortalStatus], Page]] = {
    "dossiers": my_dossiers, "dossier": dossier, "payment": payment, "store": store}
