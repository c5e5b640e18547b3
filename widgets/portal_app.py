"""The public-service portal practice app: VNeID sign-on, procedures, the form, dossiers, fees.

The view keeps no flow state of its own: the form, the dossiers, the fees and the
documents are read from :class:`~bakhong.simulators.portal.PortalSimulator` on every
render. It only remembers where the learner is (the *panel*: home, a procedure, the form,
«Hồ sơ của tôi», one dossier, the payment page, «Kho dữ liệu cá nhân»), which prefilled
fields of the form step on show are open («Sửa»), the document picked, the document shown
as pictures and the one ready to save. Screens are built by :mod:`.portal_screens`,
:mod:`.portal_form_screens` and :mod:`.portal_dossier_screens`.

Paying a fee hands the phone over to the bank app (:func:`bakhong.widgets.bank_app.bank_app`),
as the real portal hands over to a bank or wallet: the portal's body is swapped for the bank,
under a bar «⟵ Quay lại Cổng Dịch vụ công»; going back asks the portal for the result
(«Kiểm tra kết quả thanh toán»).

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> from bakhong.simulators.desk import LearnerDesk
>>> app = portal_factory(LearnerDesk(box, "hv001"), translator("vi"))
>>> app.controls["login"].description
'Đăng nhập'
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators import dossiers, idnumber, qrimage
from bakhong.simulators.bank import BankSimulator, money
from bakhong.simulators.bank import Step as BankStep
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.portal import PortalSimulator
from bakhong.simulators.signing import SigningSimulator

from .appview import AppHandles, AppView, ViewState, restoring, screen_start, unaided
from .bank_app import BankAppHandles, bank_app
from .i18n import Translator, error_text
from .phone import (
    action_button,
    badge,
    close_tree,
    facts,
    format_phone,
    html_block,
    inbox_panel,
    on_click,
    paragraph,
)
from .portal_dossier_screens import DOSSIER_PAGES
from .portal_form_screens import FORM_PAGES
from .portal_help import STEP_HELP
from .portal_screens import START_PAGES, Page

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["NoBankApp", "PortalAppHandles", "PortalCheckView", "PortalView", "portal_app",
           "portal_check_factory", "portal_factory", "portal_sms"]

#: Where the learner can be once logged in; each names a page function of the screens.
PANELS = ("home", "procedure", "form", "dossiers", "dossier", "payment", "store")
PAGES: dict[str, Callable[..., Page]] = {**START_PAGES, **FORM_PAGES, **DOSSIER_PAGES}

class NoBankApp(SandboxError):
    """The portal was opened without a bank to hand over to (a lesson without the bank)."""

    code = "portal.no_bank_app"
    message = N_("Ứng dụng ngân hàng luyện tập chưa có trong bài này. Hãy chuyển khoản theo "
                 "thông tin trên màn hình, rồi bấm «Kiểm tra kết quả thanh toán».")


def portal_sms(sim: PortalSimulator) -> list[tuple[str, str, str]]:
    """The portal's SMS to the learner (sender «DichVuCong»), oldest first: (sender, body, at)."""
    return [tuple(message) for message in sim.sms()]  # type: ignore[misc]


class PortalAppHandles(AppHandles[PortalSimulator, "PortalView"]):
    """The portal app's parts (:class:`.appview.AppHandles`)."""


class PortalView(AppView):
    """The controls over one learner's portal; screens are built by the screens modules."""

    prefix = "bk-portal-"
    lesson = "portal"
    step_help = STEP_HELP
    remembered = ("panel", "code", "query", "opened", "opened_step", "field_errors", "picked",
                  "viewing", "saved", "_scenario")

    def __init__(self, sim: PortalSimulator, tr: Translator,
                 bank_sim_factory: Callable[[], BankSimulator] | None = None,
                 signing_sim_factory: Callable[[], SigningSimulator] | None = None) -> None:
        super().__init__(tr)
        self.sim = sim
        self.bank_sim_factory = bank_sim_factory
        self.signing_sim_factory = signing_sim_factory  # «Ký số tờ khai» (.portal_signing)
        # where the learner is, and what only the view knows (see the module's docstring)
        self.panel = "home"
        self.code = ""  # the procedure (home, procedure, form) or dossier code of the panel
        self.query = ""
        self.opened: set[str] = set()  # prefilled fields of the form step opened with «Sửa»
        self.opened_step: tuple[str, int] | None = None  # the form step they belong to
        self.field_errors: dict[str, str] = {}  # that step's refused fields (source strings)
        self.picked = ""  # a document picked (supplement), kept over a rebuild
        self.viewing = ""  # the document shown as pictures
        self.saved = ""  # the document downloaded, with its «Lưu tệp về điện thoại» link
        self.bank: BankAppHandles | None = None
        self.handoff: w.VBox | None = None
        self._card_key: tuple[Any, ...] | None = None
        self._scenario: dict[str, Any] | None = None
        _ = tr
        self.persona_card = w.Accordion([html_block("")], titles=(_("Thẻ nhân vật mô phỏng"),),
                                        selected_index=0, layout=w.Layout(width="100%"))
        self.persona_card.add_class("bk-portal-persona-card")
        self.inbox = inbox_panel("bk-portal-sms-inbox")
        self.controls.update({"persona-card": self.persona_card, "sms-inbox": self.inbox})
        self.badge = badge(tr)
        name = html.escape(_("Cổng Dịch vụ công (mô phỏng)"))
        self.appbar = html_block(f'<div class="bk-appbar bk-appbar-portal">{name}</div>')
        self._portal_children = (self.badge, self.appbar, self.persona_card, self.inbox,
                                 self.screen, self.message.root, self.below)
        self.root = w.VBox(list(self._portal_children), layout=w.Layout(width="100%"))
        self.root.add_class("bk-screen")
        self.root.add_class("bk-portal-app")

    # -- building blocks with a name per item (one class, many controls) ------------------

    def keep_as(self, cls: str, name: str, widget: w.Widget) -> w.Widget:
        """Register a control of the current screen under ``name`` (an item of a list)."""
        if cls not in widget._dom_classes:
            widget.add_class(cls)
        self.controls[name] = widget
        self._screen_names.append(name)
        return widget

    def item_button(self, cls: str, name: str, label: str, action: Callable[[], str | None],
                    *, primary: bool = False, tooltip: str = "",
                    refresh: bool = True) -> w.Button:
        """A button of one item of a list (a procedure, a dossier, a document, a field)."""
        button = action_button(cls, label, primary=primary)
        if tooltip:
            button.tooltip = tooltip
        on_click(button, action, self.message, self.tr,
                 after=self.refresh if refresh else None, on_error=self.on_error)
        self.keep_as(cls, name, button)
        return button

    # -- navigation ----------------------------------------------------------------------

    def move(self, panel: str, code: str | None = None) -> None:
        if panel not in PANELS:
            raise ValueError(panel)
        self.panel = panel
        if code is not None:
            self.code = code
        self.opened, self.picked, self.viewing, self.saved = set(), "", "", ""
        self.opened_step, self.field_errors = None, {}

    def go(self, panel: str, code: str | None = None) -> Callable[[], None]:
        def act() -> None:
            self.move(panel, code)
        return act

    def scenario(self) -> dict[str, Any]:
        """The lesson's baby and parents (drawn once per learner, so read once per view)."""
        if self._scenario is None:
            self._scenario = self.sim.scenario()
        return self._scenario

    # -- the hand-off to the bank app ------------------------------------------------------

    def open_bank(self, code: str) -> str | None:
        """«Mở ứng dụng ngân hàng để thanh toán»: the bank app, with the fee's code scanned."""
        if self.bank_sim_factory is None:
            raise NoBankApp()
        order = self.sim.payment_order(code)
        bank_sim = self.bank_sim_factory()
        failure: SandboxError | None = None
        scanned = False
        if bank_sim.status().step is BankStep.HOME:
            try:
                bank_sim.scan(order.payload)
                scanned = True
            except SandboxError as err:  # e.g. the bank's maintenance: shown in the bank app
                failure = err
        self._hand_over_to_bank(code, bank_sim, open_qr=not scanned)
        if failure is not None and self.bank is not None:
            self.bank.message.show_error(error_text(failure, self.tr))
        return None

    def _hand_over_to_bank(self, code: str, bank_sim: BankSimulator, *, open_qr: bool,
                           state: ViewState | None = None) -> None:
        """The bank app on the phone instead of the portal (``state``: as it was shown)."""
        order = self.sim.payment_order(code)
        with restoring(state), unaided(self.unaided):  # a check's bank has no help bar either
            handles = bank_app(bank_sim, self.tr, handed_over=True)
        self.move("payment", code)
        self.bank = handles
        self.handoff = self._handoff_bar(handles, order.payload, order.amount, open_qr=open_qr)
        # a new screen: the page goes to the bank's top (bakhong.widgets.page_script)
        self.handoff.children = (screen_start(), *self.handoff.children)
        self.root.children = (self.badge, self.handoff, handles.root)

    def _handoff_bar(self, handles: BankAppHandles, payload: str, amount: int, *,
                     open_qr: bool) -> w.VBox:
        """«⟵ Quay lại Cổng Dịch vụ công» above the bank, and the fee's code to scan there."""
        _ = self.tr
        back = action_button("bk-portal-back-to-portal", _("⟵ Quay lại Cổng Dịch vụ công"))
        on_click(back, self.close_bank, self.message, self.tr, after=self.refresh,
                 on_error=self.on_error)
        self.keep("bk-portal-back-to-portal", back)
        data = base64.b64encode(qrimage.render_png(payload)).decode()
        alt = html.escape(_("Mã QR thanh toán lệ phí của Cổng Dịch vụ công"))
        picture = html_block(f'<img class="bk-qr-code" alt="{alt}" width="200" height="200" '
                             f'src="data:image/png;base64,{data}">')
        scan = action_button("bk-portal-scan-qr", _("Quét mã này"))

        def act() -> None:
            handles.sim.scan(payload)
            offer.selected_index = None
        on_click(scan, act, handles.message, self.tr, after=handles.view.refresh)
        self.keep("bk-portal-scan-qr", scan)
        hint = paragraph(_("Lần đầu dùng ứng dụng ngân hàng: cài mã PIN bên dưới trước, rồi "
                           "bấm «Quét mã này»."), "bk-hint")
        box = w.VBox([hint, picture, scan], layout=w.Layout(width="100%"))
        box.add_class("bk-merchant")
        offer = w.Accordion([box], titles=(_("Mã QR thanh toán {amount}").format(
            amount=money(amount)),), selected_index=0 if open_qr else None,
            layout=w.Layout(width="100%"))
        self.keep("bk-portal-handoff-qr", offer)
        note = paragraph(_("Bạn đang ở ứng dụng ngân hàng. Thanh toán xong, bấm «Quay lại Cổng "
                           "Dịch vụ công» để xem kết quả."), "bk-hint")
        bar = w.VBox([back, note, offer], layout=w.Layout(width="100%"))
        bar.add_class("bk-handoff")
        return bar

    def close_bank(self) -> str:
        """Back from the bank: the portal again, and the bank's answer for the fee."""
        _ = self.tr
        code = self.code
        self._drop_bank()
        self.move("dossier", code)
        d = self.sim.confirm_payment(code)
        state = _(dossiers.FEE_STATE[d.fee.state]) if d.fee else ""
        return _("Kết quả giao dịch thành công. Phí, lệ phí: {state}. Biên lai đã có trong hồ "
                 "sơ.").format(state=state)

    def _drop_bank(self) -> None:
        old = [x for x in (self.handoff, self.bank.root if self.bank else None) if x is not None]
        self.bank, self.handoff = None, None
        self.root.children = self._portal_children
        for name in ("back-to-portal", "scan-qr", "handoff-qr"):
            self.controls.pop(name, None)
        for widget in old:
            close_tree(widget)

    # -- the parts shown on every screen -------------------------------------------------

    def _me(self) -> tuple[tuple[str, str], ...]:
        """The learner's own lines of the card: who files, and logs in."""
        _, p = self.tr, self.sim.persona
        return ((_("Họ và tên"), p.full_name),
                (_("Số định danh cá nhân"), idnumber.format(p.id_number)),
                (_("Số điện thoại"), format_phone(p.phone)))

    def _render_card(self) -> None:
        body = self.persona_card.children[0]
        if body.value:
            return
        _, s = self.tr, self.scenario()
        me = self._me()
        baby = ((_("Họ, chữ đệm và tên của trẻ"), s["child_name"]),
                (_("Giới tính"), _(s["child_sex"])),
                (_("Ngày, tháng, năm sinh"), s["child_birth_date"]),
                (_("Nơi sinh"), s["facility"]),
                (_("Mẹ"), s["mother_name"]), (_("Cha"), s["father_name"]),
                (_("Bạn là"), _("{relation} của trẻ").format(relation=_(s["relation"]))),
                (_("Số bản sao Trích lục khai sinh"), _("1 bản (8.000 đ)")))
        you = html.escape(_("Bạn (người nộp hồ sơ)"))
        child = html.escape(_("Em bé mới sinh: bạn nhập các thông tin này"))
        login = html.escape(_("Mật khẩu: mật khẩu VNeID bạn đã đặt ở Bài 1."))
        hint = html.escape(_("Chỉ nhập thông tin trên thẻ này, không nhập thông tin thật."))
        body.value = (f'<div class="bk-persona"><h3>{you}</h3>{facts(me)}'
                      f'<p class="bk-hint">{login}</p><h3>{child}</h3>{facts(baby)}'
                      f'<p class="bk-hint">{hint}</p></div>')

    def _render_inbox(self) -> None:
        self.show_inbox(portal_sms(self.sim))

    # -- what changes while the learner does nothing ------------------------------------------

    def _handed_over(self) -> AppHandles[Any, Any] | None:
        from .portal_signing import signing_on_show

        return self.bank or signing_on_show(self)

    def poll_key(self) -> Hashable:
        """The newest SMS and the number of the learner's dossier events, an official's step
        that is due played first (:meth:`~bakhong.simulators.portal.PortalSimulator.updates`).
        While another app is on show, that app's key."""
        inner = self._handed_over()
        if inner is not None:
            return ("handed over", inner.view.poll_key())
        updates: Hashable = self.sim.updates()
        return updates

    def render_quietly(self) -> None:
        inner = self._handed_over()
        if inner is not None:
            inner.view.render_quietly()
        else:
            super().render_quietly()

    # -- a rebuilt view takes over ----------------------------------------------------------

    def view_state(self) -> ViewState:
        from .portal_signing import handoff_state

        state = super().view_state()
        if self.bank is not None:
            offer = self.controls.get("handoff-qr")
            state.extra["bank"] = (self.code, self.bank.view.view_state(),
                                   getattr(offer, "selected_index", None) is not None)
        signing = handoff_state(self)
        if signing is not None:
            state.extra["signing"] = signing
        return state

    def restore_after(self, state: ViewState) -> None:
        from .portal_signing import reopen_signing

        super().restore_after(state)
        if "bank" in state.extra and self.bank_sim_factory is not None:
            code, bank_state, open_qr = state.extra["bank"]
            try:
                self._hand_over_to_bank(code, self.bank_sim_factory(), open_qr=open_qr,
                                        state=bank_state)
            except SandboxError:  # paid meanwhile: the portal's page says so
                pass
        if "signing" in state.extra:
            reopen_signing(self, state.extra["signing"])

    # -- rendering -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the current panel; raises what the simulator raises (the click shows it)."""
        if self.bank is not None:
            return  # the bank app is on show: it renders itself
        status = self.sim.status()
        if status.logged_in:
            page = PAGES[self.panel](self, status)
        else:
            page = PAGES["login"](self, status)
        self._render_card()
        key = page.key
        if key != self._card_key:  # a new screen: the card opens where the learner types
            if not self.quiet:
                self.persona_card.selected_index = 0 if page.typing else None
            self._card_key = key
        self._render_inbox()  # after the page's reading: a dossier read may have brought an SMS
        self.show(page.signature, page.build)


def portal_app(sim: PortalSimulator, tr: Translator, *,
               bank_sim_factory: Callable[[], BankSimulator] | None = None,
               signing_sim_factory: Callable[[], SigningSimulator] | None = None,
               display: bool = False) -> PortalAppHandles:
    """Build the portal app over ``sim``; ``display=True`` shows it in a phone frame.

    ``bank_sim_factory`` gives the learner's bank for «Mở ứng dụng ngân hàng để thanh
    toán»; without it the payment page shows the code and the transfer details only.
    ``signing_sim_factory`` gives the learner's signing app for «Ký số tờ khai».
    """
    view = PortalView(sim, tr, bank_sim_factory, signing_sim_factory)
    return PortalAppHandles.build(view, sim, display=display)


class PortalCheckView(PortalView):
    """The portal in its check («Tự làm 3»,
    :class:`~bakhong.simulators.checks.PortalCheckSimulator`): the card holds only the
    learner's own details; what to file is the goal, above the app."""

    lesson = "portal_check"

    def _render_card(self) -> None:
        body = self.persona_card.children[0]
        if body.value:
            return
        _ = self.tr
        you = html.escape(_("Bạn (người nộp hồ sơ)"))
        login = html.escape(_("Mật khẩu: mật khẩu VNeID bạn đã đặt ở Bài 1."))
        hint = html.escape(_("Chỉ nhập thông tin trên thẻ này, không nhập thông tin thật."))
        body.value = (f'<div class="bk-persona"><h3>{you}</h3>{facts(self._me())}'
                      f'<p class="bk-hint">{login}</p><p class="bk-hint">{hint}</p></div>')


def portal_check_factory(desk: Desk, tr: Translator) -> PortalAppHandles:
    """The portal's check app, :func:`.appview.unaided`: the fee is paid in the learner's
    bank app, as in the practice; no signing app (the procedure takes no form to sign)."""
    sim = desk.app("portal_check")
    with unaided():
        view = PortalCheckView(sim, tr, lambda: desk.app("bank"))
        return PortalAppHandles.build(view, sim)


def portal_factory(desk: Desk, tr: Translator) -> PortalAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    return portal_app(desk.app("portal"), tr, bank_sim_factory=lambda: desk.app("bank"),
                      signing_sim_factory=lambda: desk.app("signing"))
