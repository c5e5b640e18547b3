"""The portal's first screens (login, home and search, a procedure) and the parts all share.

The words are the portal's (domain §3): «Đăng nhập bằng tài khoản định danh điện tử»,
«Tìm thủ tục», «Nộp hồ sơ trực tuyến». Each page function reads what it shows from the
simulator and returns a :class:`Page`: which screen it is, what else of the state it shows
(a change rebuilds it), and the function that builds its widgets. Buttons call the
simulator and return the line shown in green. The form and its review are in
:mod:`.portal_form_screens`, the dossiers in :mod:`.portal_dossier_screens`.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators import attachments, procedures
from bakhong.simulators.bank import money
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.portal import DocumentInfo, PortalStatus
from bakhong.simulators.procedures import Procedure

from .phone import choice_list, facts, html_block, paragraph, run_safely, screen_title, vn_date

if TYPE_CHECKING:
    from .portal_app import PortalView

__all__ = ["START_PAGES", "NothingPicked", "Page", "document_picker", "fee_rows",
           "page_pictures", "picked", "upload_control"]

#: Width of the pictures of a document's pages (the screen is 360 px, less its margins).
PAGE_WIDTH = 320
#: Their pixels: twice the width, sharp on a phone's 2x screen and under «Phóng to».
PAGE_PIXELS = 2 * PAGE_WIDTH


class NothingPicked(SandboxError):
    code = "portal.nothing_picked"
    message = N_("Hãy chọn một giấy tờ trong danh sách trước.")


@dataclass(frozen=True)
class Page:
    """One screen: ``key`` says which (the persona card follows it), ``shows`` what else of
    the state it displays; the screen is rebuilt when either changes."""

    key: tuple[Any, ...]
    build: Callable[[], list[w.Widget]]
    shows: tuple[Any, ...] = ()
    typing: bool = False  # the learner types the card's data here: the card opens

    @property
    def signature(self) -> tuple[Any, ...]:
        return (self.key, self.shows)


# -- shared parts ----------------------------------------------------------------------------

def time_limit(view: PortalView, procedure: Procedure, *, verification: bool = False) -> str:
    _ = view.tr
    if procedure.days == 0:
        return _("Trong ngày")
    text = _("{days} ngày làm việc").format(days=procedure.days)
    if verification and procedure.days_with_verification:
        text += "; " + _("{days} ngày nếu cần xác minh").format(
            days=procedure.days_with_verification)
    return text


def _fee_amount(view: PortalView, fee: procedures.Fee) -> str:
    _ = view.tr
    if fee.per_copy_field:
        return _("{amount} một bản").format(amount=money(fee.amount))
    return money(fee.amount)


def fee_summary(view: PortalView, procedure: Procedure) -> str:
    _ = view.tr
    if not procedure.fees:
        return _("Không mất phí")
    return "; ".join(_fee_amount(view, fee) for fee in procedure.fees)


def fee_rows(view: PortalView, items: tuple[tuple[str, int], ...]) -> str:
    """The fee items and their total, as label and value lines."""
    _ = view.tr
    if not items:
        return "<p>" + html.escape(_("Không mất phí")) + "</p>"
    rows = [(_(title), money(amount)) for title, amount in items]
    rows.append((_("Tổng cộng"), money(sum(amount for _t, amount in items))))
    return facts(rows)


def page_pictures(view: PortalView, content: bytes, title: str) -> str:
    """The pages of a document as pictures (old phone browsers cannot show a PDF inline)."""
    _ = view.tr
    pages = attachments.page_images(content, width=PAGE_PIXELS)
    parts = []
    for number, png in enumerate(pages, start=1):
        alt = html.escape(_("Trang {page}/{pages} của «{title}»").format(
            page=number, pages=len(pages), title=title))
        data = base64.b64encode(png).decode()
        parts.append(f'<img class="bk-page" alt="{alt}" width="{PAGE_WIDTH}" '
                     f'src="data:image/png;base64,{data}">')
    return "".join(parts)


def document_picker(view: PortalView, cls: str, name: str, docs: list[DocumentInfo],
                    value: str) -> w.ToggleButtons:
    """The documents of «Kho dữ liệu cá nhân» as a list to tap (value: the document's id)."""
    _ = view.tr
    options = [(f"{_(doc.title)} · {vn_date(doc.created_at)}", doc.doc_id) for doc in docs]
    picker = choice_list(cls, _("Chọn giấy tờ trong Kho dữ liệu cá nhân"), options,
                         value or None)
    view.keep_as(cls, name, picker)
    return picker


def picked(picker: w.ToggleButtons) -> str:
    doc_id = str(picker.value or "")
    if not doc_id:
        raise NothingPicked()
    return doc_id


def upload_control(view: PortalView, cls: str, name: str,
                   on_file: Callable[[str, bytes], str | None]) -> w.FileUpload:
    """«Chụp/tải ảnh giấy tờ»: the phone offers its camera or its files; ``on_file`` stores it."""
    _ = view.tr
    upload = w.FileUpload(accept="image/*,application/pdf", multiple=False,
                          description=_("Chụp/tải ảnh giấy tờ"),
                          tooltip=_("Chụp/tải ảnh giấy tờ"), icon="camera",
                          layout=w.Layout(width="100%", height="auto"))
    view.keep_as(cls, name, upload)

    def changed(change: dict[str, object]) -> None:
        files = change["new"]
        if not files:
            return

        def act() -> str | None:
            first = files[0]  # type: ignore[index]
            try:
                return on_file(str(first["name"]), bytes(first["content"]))
            finally:
                upload.value = ()  # the same file chosen again is a new choice
        run_safely(act, view.message, view.tr, after=view.refresh)
    upload.observe(changed, names="value")
    return upload


def _back(view: PortalView, label: str, panel: str) -> w.Button:
    return view.button("bk-portal-back", label, view.go(panel))


# -- login -------------------------------------------------------------------------------------

def login(view: PortalView, status: PortalStatus) -> Page:
    def build() -> list[w.Widget]:
        _ = view.tr
        number = view.field("bk-portal-id-number", _("Số định danh cá nhân"), _("12 chữ số"),
                            keypad="numeric")
        secret = view.field("bk-portal-password", _("Mật khẩu"), secret=True)

        def act() -> str:
            view.sim.login(number.value, secret.value)
            return _("Đăng nhập thành công.")
        return [screen_title(_("Đăng nhập bằng tài khoản định danh điện tử")),
                paragraph(_("Cổng Dịch vụ công dùng tài khoản VNeID: nhập số định danh cá nhân "
                            "và mật khẩu VNeID của bạn.")),
                number, secret,
                view.button("bk-portal-login", _("Đăng nhập"), act, primary=True),
                paragraph(_("Chưa kích hoạt tài khoản VNeID? Hãy làm Bài 1 trước."), "bk-hint")]
    return Page(("login", ""), build, typing=True)


# -- home and a procedure ------------------------------------------------------------------------

def _procedure_item(view: PortalView, procedure: Procedure) -> w.VBox:
    _ = view.tr
    title = html.escape(_(procedure.title))
    rows = ((_("Mã thủ tục"), procedure.code), (_("Cơ quan thực hiện"), _(procedure.agency)),
            (_("Thời hạn giải quyết"), time_limit(view, procedure)),
            (_("Phí, lệ phí"), fee_summary(view, procedure)))
    card = html_block(f"<p><b>{title}</b></p>{facts(rows)}")
    button = view.item_button("bk-portal-open-procedure", f"open-{procedure.code}",
                              _("Xem thủ tục"), view.go("procedure", procedure.code),
                              tooltip=_("Xem thủ tục: {title}").format(title=_(procedure.title)))
    box = w.VBox([card, button], layout=w.Layout(width="100%"))
    box.add_class("bk-procedure")
    return box


def home(view: PortalView, status: PortalStatus) -> Page:
    found = procedures.search(view.query)

    def build() -> list[w.Widget]:
        _ = view.tr
        search = view.field("bk-portal-search", _("Tìm thủ tục"), _("ví dụ: khai sinh"))
        search.value = view.query

        def find() -> None:
            view.query = " ".join(str(search.value).split())[:100]

        def logout() -> None:
            view.sim.logout()
            view.move("home")
            view.query = ""
        if view.query:
            heading = _("Kết quả tìm kiếm: {count} thủ tục").format(count=len(found))
        else:
            heading = _("Danh mục thủ tục")
        items: list[w.Widget] = [
            screen_title(_("Trang chủ")),
            paragraph(_("Xin chào {name}.").format(name=status.holder)),
            view.button("bk-portal-go-dossiers", _("Hồ sơ của tôi"), view.go("dossiers")),
            view.button("bk-portal-go-store", _("Kho dữ liệu cá nhân"), view.go("store")),
            search, view.button("bk-portal-search-go", _("Tìm"), find, primary=True),
            html_block("<h3>" + html.escape(heading) + "</h3>")]
        if not found:
            items.append(paragraph(_("Không tìm thấy thủ tục nào. Hãy thử từ khác, ví dụ "
                                     "«khai sinh».")))
        items += [_procedure_item(view, procedure) for procedure in found]
        return [*items, view.button("bk-portal-logout", _("Đăng xuất"), logout)]
    return Page(("home", ""), build, (view.query,))


def _section(heading: str, lines: list[str]) -> str:
    return (f"<h3>{html.escape(heading)}</h3><ul>"
            + "".join(f"<li>{html.escape(x)}</li>" for x in lines) + "</ul>")


def procedure(view: PortalView, status: PortalStatus) -> Page:
    chosen = procedures.by_code(view.code)
    reached = status.drafts.get(chosen.code)

    def build() -> list[w.Widget]:
        _ = view.tr
        rows = ((_("Mã thủ tục"), chosen.code), (_("Cơ quan thực hiện"), _(chosen.agency)),
                (_("Thời hạn giải quyết"), time_limit(view, chosen, verification=True)),
                (_("Tài khoản định danh điện tử"), _("Mức {level}").format(level=chosen.level)))
        fees = ([f"{_(fee.title)}: {_fee_amount(view, fee)}" for fee in chosen.fees]
                or [_("Không mất phí")])
        optional = _("không bắt buộc")
        papers = ([_(a.title) + ("" if a.required else f" ({optional})")
                   for a in chosen.attachments] or [_("Không cần đính kèm giấy tờ")])
        parts = [facts(rows)]
        if chosen.components:
            names = []
            for code in chosen.components:
                try:
                    name = _(procedures.by_code(code).title)
                except procedures.UnknownProcedure:  # the card of the bundle is not filed alone
                    name = _("Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi")
                names.append(f"{name} ({code})")
            parts.append(_section(_("Gồm các thủ tục"), names))
        parts += [_section(_("Phí, lệ phí"), fees),
                  _section(_("Giấy tờ cần đính kèm"), papers),
                  _section(_("Kết quả"), [_(chosen.result)])]
        info = view.keep("bk-portal-procedure", html_block("".join(parts)))

        def start() -> None:
            view.sim.start(chosen.code)
            view.move("form", chosen.code)
        items: list[w.Widget] = [screen_title(_(chosen.title)), info]
        if reached is not None:
            total = len(chosen.steps)
            line = (_("Bạn đã khai xong tờ khai này nhưng chưa nộp.") if reached >= total
                    else _("Bạn đang khai dở hồ sơ này (bước {number}/{total}).").format(
                        number=reached + 1, total=total))
            items.append(paragraph(line + " " + _("Bấm «Nộp hồ sơ trực tuyến» để khai tiếp."),
                                   "bk-hint"))
        return [*items,
                view.button("bk-portal-start", _("Nộp hồ sơ trực tuyến"), start, primary=True),
                _back(view, _("Quay lại"), "home")]
    return Page(("procedure", chosen.code), build, (reached,))


START_PAGES: dict[str, Callable[[PortalView, PortalStatus], Page]] = {
    "login": login, "home": home, "procedure": procedure}
