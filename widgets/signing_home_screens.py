"""The signing app once the certificate is issued: the card, «Ký văn bản», the waiting
transactions with the PIN pad, «Kiểm tra chữ ký».

As in the real apps (domain §5), signing is two moves: «Ký số» on a PDF creates a
transaction that waits in the app, and the learner confirms it with the signing PIN
(«Xác nhận») or refuses it («Từ chối») before it expires (62002). The signed copy goes
into «Kho dữ liệu cá nhân»; its first page is shown and «Tải về» gives the link to save
it. «Kiểm tra» shows each signature's signer, CCCD number, time, whether it covers the
whole document and the verdict, green when valid and red otherwise; the learner then
says whether they trust the document, which is the lesson's evidence.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import attachments, idnumber
from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.pades import SignatureVerdict
from bakhong.simulators.signing import (
    MAX_PIN_TRIES,
    SigningStatus,
    Transaction,
    TransactionExpired,
)

from .phone import (
    choice_list,
    facts,
    html_block,
    paragraph,
    run_safely,
    screen_title,
    vn_date,
    zoom_button,
)

if TYPE_CHECKING:
    from .signing_app import SigningView

__all__ = ["ACTIVE_PANELS", "POSITION_NAMES", "NothingPicked", "Pdfs", "valid_until"]

#: The PDFs of the store as the simulator lists them: (doc id, title, source), newest first.
Pdfs = tuple[tuple[str, str, str], ...]
Panel = Callable[["SigningView", SigningStatus, Pdfs], list[w.Widget]]

#: Width of the picture of a page (the screen is 360 px, less its margins).
PAGE_WIDTH = 320
#: Where the visible signature goes, as the position choice names it.
POSITION_NAMES = {"bottom": N_("Cuối trang"), "top": N_("Đầu trang")}
#: The PIN pad's keys, in the pad's order, with their classes (literal: see the docs).
PIN_KEYS = (("1", "bk-sign-pin-1"), ("2", "bk-sign-pin-2"), ("3", "bk-sign-pin-3"),
            ("4", "bk-sign-pin-4"), ("5", "bk-sign-pin-5"), ("6", "bk-sign-pin-6"),
            ("7", "bk-sign-pin-7"), ("8", "bk-sign-pin-8"), ("9", "bk-sign-pin-9"),
            ("del", "bk-sign-pin-del"), ("0", "bk-sign-pin-0"))


class NothingPicked(SandboxError):
    code = "sign.nothing_picked"
    message = N_("Hãy chọn một văn bản trong danh sách, hoặc tải tệp PDF lên.")


def valid_until(iso: str) -> str:
    """A certificate's end of validity as a Vietnamese date (the store keeps UTC)."""
    try:
        return datetime.fromisoformat(iso).astimezone(VN_TZ).strftime("%d/%m/%Y")
    except ValueError:
        return vn_date(iso)


def _when(at: datetime | str) -> str:
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return f"{moment:%H:%M} {moment:%d/%m/%Y}"


def _expiry(transaction: Transaction) -> str:
    """When a transaction expires, to the second (it lives two minutes)."""
    return f"{datetime.fromisoformat(transaction.expires_at):%H:%M:%S}"


def _back(view: SigningView) -> w.Button:
    _ = view.tr
    return view.button("bk-sign-back", _("Quay lại"), view.go("home"))


# -- documents: pickers, uploads, pictures -------------------------------------------------

def _picker(view: SigningView, cls: str, pdfs: Pdfs, value: str,
            remember: Callable[[str], None]) -> w.ToggleButtons:
    """The PDFs of «Kho dữ liệu cá nhân» as a list to tap (value: the document's id)."""
    _ = view.tr
    signed = _("bản đã ký")
    options = [(_(title) + (f" · {signed}" if source == "signed" else ""), doc_id)
               for doc_id, title, source in pdfs]
    picker = choice_list(cls, _("Chọn văn bản trong Kho dữ liệu cá nhân"), options,
                         value or None)
    view.keep(cls, picker)

    def changed(change: dict[str, object]) -> None:
        remember(str(change["new"] or ""))
    picker.observe(changed, names="value")
    return picker


def _picked(picker: w.ToggleButtons) -> str:
    doc_id = str(picker.value or "")
    if not doc_id:
        raise NothingPicked()
    return doc_id


def _upload(view: SigningView, cls: str, remember: Callable[[str], None]) -> list[w.Widget]:
    """«Tải tệp PDF lên»: into «Kho dữ liệu cá nhân», then picked (none without the portal)."""
    if view.portal_sim_factory is None:
        return []
    _ = view.tr
    upload = w.FileUpload(accept="application/pdf", multiple=False,
                          description=_("Tải tệp PDF lên"), tooltip=_("Tải tệp PDF lên"),
                          icon="upload", layout=w.Layout(width="100%", height="auto"))
    view.keep(cls, upload)

    def changed(change: dict[str, object]) -> None:
        files = change["new"]
        if not files:
            return

        def act() -> str:
            first = files[0]  # type: ignore[index]
            try:
                filename = str(first["name"])
                remember(view.upload(filename, bytes(first["content"])))
            finally:
                upload.value = ()  # the same file chosen again is a new choice
            return _("Đã tải «{filename}» lên Kho dữ liệu cá nhân.").format(filename=filename)
        run_safely(act, view.message, view.tr, after=view.refresh)
    upload.observe(changed, names="value")
    return [upload]


def _first_page(view: SigningView, content: bytes, title: str) -> str:
    """The first page of a document as a picture (old phone browsers cannot show a PDF)."""
    _ = view.tr
    pages = attachments.page_images(content, width=2 * PAGE_WIDTH, max_pages=1)  # sharp at 2x
    alt = html.escape(_("Trang 1 của «{title}»").format(title=title))
    data = base64.b64encode(pages[0]).decode()
    return (f'<img class="bk-page" alt="{alt}" width="{PAGE_WIDTH}" '
            f'src="data:image/png;base64,{data}">')


# -- home --------------------------------------------------------------------------------------

def home(view: SigningView, status: SigningStatus, pdfs: Pdfs) -> list[w.Widget]:
    _ = view.tr
    cert = status.certificate or {}
    rows = ((_("Người được cấp"), cert.get("subject", "")),
            (_("Số sê-ri"), cert.get("serial", "")),
            (_("Có hiệu lực đến"), valid_until(cert.get("valid_until", ""))),
            (_("Trạng thái"), _("Đang hoạt động")))
    heading = html.escape(_("Chứng thư số cá nhân (mô phỏng)"))
    card = view.keep("bk-sign-certificate", html_block(
        f'<div class="bk-cert-card"><h3>{heading}</h3>{facts(rows)}</div>'))
    waiting = _("Giao dịch chờ xác nhận ({count})").format(count=len(status.waiting))
    return [screen_title(_("Chứng thư số của bạn")), card,
            view.button("bk-sign-go-sign", _("Ký văn bản"), view.go("sign"), primary=True),
            view.button("bk-sign-go-waiting", waiting, view.go("waiting")),
            view.button("bk-sign-go-verify", _("Kiểm tra chữ ký"), view.go("verify")),
            paragraph(_("Không bao giờ cho ai biết mã PIN ký số, kể cả người tự xưng là cán bộ "
                        "hay nhân viên nhà cung cấp."), "bk-hint")]


# -- «Ký văn bản» --------------------------------------------------------------------------------

def sign(view: SigningView, status: SigningStatus, pdfs: Pdfs) -> list[w.Widget]:
    _ = view.tr

    def remember(doc_id: str) -> None:
        view.to_sign = doc_id
    picker = _picker(view, "bk-sign-sign-doc", pdfs, view.to_sign, remember)
    position = w.ToggleButtons(options=[(_(name), key) for key, name in POSITION_NAMES.items()],
                               value="bottom", description=_("Vị trí chữ ký"),
                               style={"description_width": "initial", "button_width": "auto"},
                               layout=w.Layout(width="100%"))
    position.add_class("bk-field")  # the label above the choices
    view.keep("bk-sign-position", position)

    def act() -> str:
        made = view.sim.sign(_picked(picker), str(position.value))
        view.open_transaction(made)
        return _("Đã tạo giao dịch ký. Nhập mã PIN ký số và bấm «Xác nhận» trước {time}.").format(
            time=_expiry(made))
    return [screen_title(_("Ký văn bản")),
            paragraph(_("Chọn văn bản PDF trong Kho dữ liệu cá nhân, hoặc tải tệp PDF lên. Chỉ "
                        "ký văn bản bạn đã đọc và đồng ý.")),
            picker, *_upload(view, "bk-sign-sign-upload", remember), position,
            view.button("bk-sign-sign", _("Ký số"), act, primary=True), _back(view)]


# -- «Giao dịch chờ xác nhận» --------------------------------------------------------------------

def _signed_box(view: SigningView, transaction: Transaction, signed_id: str) -> list[w.Widget]:
    """The copy just signed: its first page, «Tải về», then «Lưu tệp về điện thoại»."""
    _ = view.tr
    copy = view.document(signed_id)
    title = _(transaction.title)
    line = html.escape(_("Đã ký số: {title}").format(title=title))
    picture = _first_page(view, copy.content, title)
    box = view.keep("bk-sign-signed", html_block(
        f'<div class="bk-receipt"><p><b>{line}</b></p>{picture}</div>'))
    zoom = view.keep_as("bk-common-zoom", "zoom-signed", zoom_button(box, view.tr))

    def download() -> str:
        view.saved = signed_id
        return _("Tệp «{filename}» đã sẵn sàng. Bấm «Lưu tệp về điện thoại» để lưu.").format(
            filename=copy.filename)
    items: list[w.Widget] = [box, zoom, view.button("bk-sign-download", _("Tải về"), download)]
    if view.saved == signed_id:
        data = base64.b64encode(copy.content).decode()
        label = html.escape(_("Lưu tệp về điện thoại"))
        items.append(view.keep("bk-sign-save-link", html_block(
            f'<a class="bk-link-button" download="{html.escape(copy.filename)}" '
            f'href="data:{html.escape(copy.mime)};base64,{data}">{label}</a>')))
    return items


def _expired_box(view: SigningView, transaction: Transaction) -> list[w.Widget]:
    _ = view.tr
    line = html.escape(_(TransactionExpired.message))
    box = view.keep("bk-sign-expired", html_block(
        f'<p class="bk-warning" role="alert">{line}</p>'))

    def again() -> str:
        made = view.sim.sign(transaction.doc_id, transaction.position)
        view.open_transaction(made)
        return _("Đã tạo giao dịch ký mới. Xác nhận trước {time}.").format(time=_expiry(made))
    return [box, view.button("bk-sign-sign-again", _("Ký lại"), again, primary=True)]


def _transaction(view: SigningView, status: SigningStatus, t: Transaction) -> list[w.Widget]:
    """The transaction to confirm: what is signed, until when; the PIN pad; «Xác nhận»."""
    _ = view.tr
    title = _(t.title)
    rows = ((_("Văn bản"), title), (_("Mã giao dịch"), t.tran_id),
            (_("Vị trí chữ ký"), _(POSITION_NAMES.get(t.position, t.position))),
            (_("Tạo lúc"), _when(t.created_at)))
    expiry = html.escape(_("Hết hạn lúc {time}").format(time=_expiry(t)))
    card = view.keep("bk-sign-transaction", html_block(
        f'<div class="bk-fee">{facts(rows)}<p class="bk-expiry">{expiry}</p></div>'))
    page = html_block(_first_page(view, view.document(t.doc_id).content, title))
    zoom = view.keep_as("bk-common-zoom", "zoom-preview", zoom_button(page, view.tr))
    preview = w.Accordion([w.VBox([zoom, page], layout=w.Layout(width="100%"))],
                          titles=(_("Xem văn bản sẽ ký"),), selected_index=None,
                          layout=w.Layout(width="100%"))
    view.keep("bk-sign-preview", preview)
    dots, pad = view.pinpad.widgets(view, PIN_KEYS, "bk-sign-pin-dots")

    def confirm() -> str:
        view.tran = t.tran_id
        signed = view.sim.confirm(t.tran_id, view.pinpad.take())
        view.confirmed[t.tran_id] = signed
        return _("Đã ký số «{title}». Bản đã ký có trong Kho dữ liệu cá nhân.").format(
            title=title)

    def reject() -> str:
        view.tran = t.tran_id
        view.sim.reject(t.tran_id)
        view.rejected.add(t.tran_id)
        return _("Đã từ chối giao dịch. Văn bản không được ký.")
    items: list[w.Widget] = [
        card, preview, paragraph(_("Nhập mã PIN ký số"), "bk-hint"), dots,
        pad, view.button("bk-sign-confirm", _("Xác nhận"), confirm, primary=True)]
    if status.pin_tries_left < MAX_PIN_TRIES:
        items.append(paragraph(_("Còn {remaining} lần nhập mã PIN.").format(
            remaining=status.pin_tries_left), "bk-expiry"))
    return [*items, view.button("bk-sign-reject", _("Từ chối"), reject)]


def waiting(view: SigningView, status: SigningStatus, pdfs: Pdfs) -> list[w.Widget]:
    _ = view.tr
    items: list[w.Widget] = [screen_title(_("Giao dịch chờ xác nhận"))]
    shown = view.known.get(view.tran)
    waiting_ids = [t.tran_id for t in status.waiting]
    if shown is not None and shown.tran_id in view.confirmed:
        items += _signed_box(view, shown, view.confirmed[shown.tran_id])
    elif (shown is not None and shown.tran_id not in waiting_ids
          and shown.tran_id not in view.rejected
          and datetime.fromisoformat(shown.expires_at) < view.sim.now()):
        items += _expired_box(view, shown)
    current = next((t for t in status.waiting if t.tran_id == view.tran),
                   status.waiting[0] if status.waiting else None)
    if current is not None:
        items += _transaction(view, status, current)
    others = [t for t in status.waiting if current is None or t.tran_id != current.tran_id]
    if others:
        items.append(html_block("<h3>" + html.escape(_("Giao dịch khác đang chờ")) + "</h3>"))
    for t in others:
        line = html.escape(_("{title} · hết hạn lúc {time}").format(title=_(t.title),
                                                                    time=_expiry(t)))

        def pick(t: Transaction = t) -> None:
            view.open_transaction(t)
        box = w.VBox([html_block(f"<p>{line}</p>"), view.item_button(
            "bk-sign-open-transaction", f"open-{t.tran_id}", _("Xem giao dịch này"), pick)],
            layout=w.Layout(width="100%"))
        box.add_class("bk-procedure")
        items.append(box)
    if current is None and len(items) == 1:
        items.append(paragraph(_("Không có giao dịch nào đang chờ.")))
    return [*items, _back(view)]


# -- «Kiểm tra chữ ký» ---------------------------------------------------------------------------

def _verdict_html(view: SigningView, verdict: SignatureVerdict, number: int) -> str:
    _ = view.tr
    valid = verdict.verdict == "valid"
    signed_at = verdict.signed_at
    rows = ((_("Người ký"), verdict.signer or _("Không đọc được")),
            (_("Số CCCD"), idnumber.format(verdict.id_number) if verdict.id_number else "—"),
            (_("Thời gian ký"), _when(signed_at) if signed_at else _("Không rõ")),
            (_("Ký trên toàn bộ văn bản"), _("Có") if verdict.covers_whole_document
             else _("Không")))
    kind = "bk-verdict-valid" if valid else "bk-verdict-invalid"
    icon = "✅" if valid else "⛔"
    heading = html.escape(_("Chữ ký {number}").format(number=number))
    role = ' role="alert"' if not valid else ""
    return (f'<div class="bk-verdict {kind}"><h3>{icon} {heading}</h3>{facts(rows)}'
            f'<p class="bk-verdict-message"{role}><b>{html.escape(_(verdict.message))}</b></p>'
            "</div>")


def _results(view: SigningView, doc_id: str, found: list[SignatureVerdict]) -> list[w.Widget]:
    _ = view.tr
    title = _(view.document(doc_id).title)
    heading = html.escape(_("Kết quả kiểm tra: {title}").format(title=title))
    if found:
        body = "".join(_verdict_html(view, v, n) for n, v in enumerate(found, start=1))
    else:
        body = ('<p class="bk-warning">' + html.escape(_("Văn bản này không có chữ ký số nào."))
                + "</p>")
    results = view.keep("bk-sign-verdicts", html_block(f"<h3>{heading}</h3>{body}"))

    def judge(trusted: bool) -> Callable[[], str]:
        def act() -> str:
            view.sim.judge(doc_id, trusted)
            return (_("Đã ghi nhận: bạn tin văn bản này.") if trusted
                    else _("Đã ghi nhận: bạn không tin văn bản này."))
        return act
    question = html_block("<p><b>" + html.escape(_("Bạn có tin văn bản này không?"))
                          + "</b></p>")
    row = w.HBox([view.button("bk-sign-trust", _("Tin văn bản này"), judge(True)),
                  view.button("bk-sign-distrust", _("Không tin"), judge(False))],
                 layout=w.Layout(width="100%"))
    row.add_class("bk-button-row")
    return [results, question, row]


def verify(view: SigningView, status: SigningStatus, pdfs: Pdfs) -> list[w.Widget]:
    _ = view.tr

    def remember(doc_id: str) -> None:
        view.to_check = doc_id
    picker = _picker(view, "bk-sign-verify-doc", pdfs, view.to_check, remember)

    def check() -> None:
        doc_id = _picked(picker)
        view.checked, view.checks = None, view.checks + 1
        view.checked = (doc_id, view.sim.verify(doc_id))
    items: list[w.Widget] = [
        screen_title(_("Kiểm tra chữ ký")),
        paragraph(_("Chọn văn bản trong Kho dữ liệu cá nhân, hoặc tải tệp PDF lên, rồi bấm "
                    "«Kiểm tra».")),
        picker, *_upload(view, "bk-sign-verify-upload", remember),
        view.button("bk-sign-verify", _("Kiểm tra"), check, primary=True)]
    if view.checked is not None:
        items += _results(view, *view.checked)
    if not view.unaided:  # the practice's hint; a check («Tự làm») leaves the judging alone
        items.append(paragraph(_("Chỉ tin văn bản khi mọi chữ ký đều báo xanh «Chữ ký hợp lệ». "
                                 "Văn bản nhận qua Zalo hay tin nhắn cũng phải kiểm tra."),
                               "bk-hint"))
    return [*items, _back(view)]


ACTIVE_PANELS: dict[str, Panel] = {"home": home, "sign": sign, "waiting": waiting,
                                   "verify": verify}

