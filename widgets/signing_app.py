"""The remote-signing practice app («Ký số từ xa»): enrolment, signing with the PIN, verifying.

One screen per :class:`~bakhong.simulators.signing.Step` (:mod:`.signing_screens`); on the
intro the learner may open «Quản lý yêu cầu», and once the certificate is issued the home
screen leads to panels that belong to the view only, as the tabs of a real app do: «Ký văn
bản», «Giao dịch chờ xác nhận», «Kiểm tra chữ ký» (:mod:`.signing_home_screens`).
Everything else is read from :class:`~bakhong.simulators.signing.SigningSimulator` on every
render, so a reload resumes where the learner stood (after the lesson's dropped connection,
at the intro with «Tiếp tục yêu cầu»).

The view remembers only what a screen needs and the simulator does not say: the panel, the
transaction on show, the copies it signed (the portal attaches one), the documents picked,
the last verification and the digits typed on the PIN pad (kernel-side, never synced).

Documents are those of «Kho dữ liệu cá nhân»: the view reads their bytes from the store and
uploads a PDF through the portal (``portal_sim_factory``), which checks files by content.

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
>>> app = signing_factory(LearnerDesk(box, "hv001"), translator("vi"))
>>> app.controls["begin"].description
'Đăng ký chứng thư số cá nhân'
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators import attachments as docs
from bakhong.simulators import idnumber
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.pades import SignatureVerdict
from bakhong.simulators.portal import NotLoggedIn, PortalSimulator, SessionExpired
from bakhong.simulators.signing import (
    APP_NAME,
    NotAPdf,
    SigningSimulator,
    SigningStatus,
    Step,
    StoredPdf,
    Transaction,
)

from .appview import AppHandles, AppView, ViewState, unaided
from .i18n import Translator
from .phone import (
    action_button,
    badge,
    facts,
    html_block,
    inbox_panel,
    on_click,
)
from .pinpad import PinPad
from .signing_help import STEP_HELP
from .signing_screens import build_screen

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["SigningAppHandles", "SigningView", "UploadNeedsPortal", "signing_app",
           "signing_check_factory", "signing_factory"]

#: The panels of a step (the first is the step's own screen).
PANELS: dict[Step, tuple[str, ...]] = {Step.INTRO: ("home", "requests"),
                                       Step.ACTIVE: ("home", "sign", "waiting", "verify")}
#: Steps where the learner types the persona's data: the card opens by itself there.
TYPING_STEPS = (Step.INTRO, Step.IDENTITY)


class UploadNeedsPortal(SandboxError):
    """Uploads go into «Kho dữ liệu cá nhân», which the portal opens only to a logged-in user."""

    code = "sign.upload_needs_portal"
    message = N_("Tệp tải lên được lưu vào Kho dữ liệu cá nhân của Cổng Dịch vụ công: hãy đăng "
                 "nhập Cổng Dịch vụ công trước, hoặc chọn văn bản có sẵn trong danh sách.")


class SigningAppHandles(AppHandles[SigningSimulator, "SigningView"]):
    """The signing app's parts (:class:`.appview.AppHandles`)."""


class SigningView(AppView):
    """The controls over one learner's signing app; screens by the signing screens modules."""

    prefix = "bk-sign-"
    lesson = "signing"
    step_help = STEP_HELP
    remembered = ("panel", "request_exists", "tran", "known", "confirmed", "rejected", "saved",
                  "to_sign", "to_check", "checked", "checks")

    def __init__(self, sim: SigningSimulator, tr: Translator,
                 portal_sim_factory: Callable[[], PortalSimulator] | None = None, *,
                 handed_over: bool = False) -> None:
        super().__init__(tr)
        self.sim = sim
        self.portal_sim_factory = portal_sim_factory
        self.status: SigningStatus | None = None
        # where the learner is, and what only the view knows (see the module's docstring)
        self.panel = "home"
        self.request_exists = False  # the real-world answer (64002) was given: the way out
        self.pinpad = PinPad(tr)  # the digits stay in the kernel, never a synced value
        self.tran = ""  # the transaction on show in «Giao dịch chờ xác nhận»
        self.known: dict[str, Transaction] = {}  # transactions made or seen by this view
        self.confirmed: dict[str, str] = {}  # transaction -> its signed copy
        self.rejected: set[str] = set()
        self.saved = ""  # the signed copy whose «Lưu tệp về điện thoại» link is shown
        self.to_sign = ""  # the document picked in «Ký văn bản»
        self.to_check = ""  # the document picked in «Kiểm tra chữ ký»
        self.checked: tuple[str, list[SignatureVerdict]] | None = None
        self.checks = 0  # verifications made: a new one rebuilds the panel
        _ = tr
        self.persona_card = w.Accordion([html_block(self._card_html())],
                                        titles=(_("Thẻ nhân vật mô phỏng"),), selected_index=0,
                                        layout=w.Layout(width="100%"))
        self.persona_card.add_class("bk-sign-persona-card")
        self.inbox = inbox_panel("bk-sign-sms-inbox")
        self.controls.update({"persona-card": self.persona_card, "sms-inbox": self.inbox})
        self.badge = badge(tr)
        name = html.escape(_(APP_NAME))
        self.appbar = html_block(f'<div class="bk-appbar bk-appbar-sign">{name}</div>')
        # opened by the portal («Ký số tờ khai»): under the portal's badge, not a second one
        top = [] if handed_over else [self.badge]
        self.root = w.VBox([*top, self.appbar, self.persona_card, self.inbox, self.screen,
                            self.message.root, self.below], layout=w.Layout(width="100%"))
        self.root.add_class("bk-screen")
        self.root.add_class("bk-sign-app")

    # -- building blocks with a name per item (one class, many controls) ------------------

    def keep_as(self, cls: str, name: str, widget: w.Widget) -> w.Widget:
        """Register a control of the current screen under ``name`` (an item of a list)."""
        if cls not in widget._dom_classes:
            widget.add_class(cls)
        self.controls[name] = widget
        self._screen_names.append(name)
        return widget

    def item_button(self, cls: str, name: str, label: str, action: Callable[[], str | None],
                    *, primary: bool = False, tooltip: str = "") -> w.Button:
        """A button of one item of a list (a transaction)."""
        button = action_button(cls, label, primary=primary)
        if tooltip:
            button.tooltip = tooltip
        on_click(button, action, self.message, self.tr, after=self.refresh,
                 on_error=self.on_error)
        self.keep_as(cls, name, button)
        return button

    # -- navigation ----------------------------------------------------------------------

    def go(self, panel: str) -> Callable[[], None]:
        def act() -> None:
            if panel not in {p for panels in PANELS.values() for p in panels}:
                raise ValueError(panel)
            self.panel = panel
            self.saved = ""
        return act

    def open_transaction(self, transaction: Transaction) -> None:
        """Show ``transaction`` in «Giao dịch chờ xác nhận» (after «Ký số», or from the portal)."""
        self.known[transaction.tran_id] = transaction
        self.tran = transaction.tran_id
        self.panel = "waiting"
        self.saved = ""
        self.pinpad.clear()

    def signed_copy_of(self, doc_id: str) -> str | None:
        """The signed copy of ``doc_id`` confirmed in this view, the newest if several."""
        found = [signed for tran_id, signed in self.confirmed.items()
                 if self.known.get(tran_id) and self.known[tran_id].doc_id == doc_id]
        return found[-1] if found else None

    # -- documents of «Kho dữ liệu cá nhân» --------------------------------------------------

    def document(self, doc_id: str) -> StoredPdf:
        """A document of this learner's store, with its bytes."""
        found: StoredPdf = self.sim.document(doc_id)
        return found

    def upload(self, filename: str, content: bytes) -> str:
        """A PDF from the phone into «Kho dữ liệu cá nhân» (through the portal); its id."""
        if docs.check_attachment(filename, content).kind != "pdf":
            raise NotAPdf(filename)  # checked by content: the signing app takes PDF only
        if self.portal_sim_factory is None:
            raise UploadNeedsPortal()
        try:
            return self.portal_sim_factory().upload(filename, content)
        except (NotLoggedIn, SessionExpired) as err:
            raise UploadNeedsPortal() from err

    # -- the parts shown on every screen -------------------------------------------------

    def _card_html(self) -> str:
        _, p = self.tr, self.sim.persona
        rows = ((_("Họ và tên"), p.full_name),
                (_("Số định danh cá nhân"), idnumber.format(p.id_number)))
        password = html.escape(_("Mật khẩu: mật khẩu VNeID bạn đã đặt ở Bài 1."))
        hint = html.escape(_("Chỉ nhập thông tin trên thẻ này, không nhập thông tin thật."))
        return (f'<div class="bk-persona">{facts(rows)}<p class="bk-hint">{password}</p>'
                f'<p class="bk-hint">{hint}</p></div>')

    def _render_inbox(self) -> None:
        self.show_inbox(self.sim.inbox())

    def view_state(self) -> ViewState:
        state = super().view_state()
        state.extra["pin"] = self.pinpad.digits
        return state

    def restore_after(self, state: ViewState) -> None:
        super().restore_after(state)
        self.pinpad.digits = str(state.extra.get("pin", ""))
        self.pinpad.redraw()

    # -- rendering -----------------------------------------------------------------------

    def _signature(self, status: SigningStatus,
                   pdfs: tuple[tuple[str, str, str], ...]) -> tuple[Any, ...]:
        certificate = status.certificate["serial"] if status.certificate else None
        return (status.step, self.panel, status.pending, status.pending_step, status.real_world,
                self.request_exists, status.identity is not None, certificate,
                tuple(t.tran_id for t in status.waiting), status.pin_tries_left, self.tran,
                tuple(self.confirmed), self.saved, pdfs, self.checks, self.tr.lang)

    def refresh(self) -> None:
        """Show the current step; raises what the simulator raises (the click shows it)."""
        status = self.sim.status()
        self.status = status
        if self.panel not in PANELS.get(status.step, ("home",)):
            self.panel = "home"
        if status.step is not Step.INTRO:
            self.request_exists = False
        for transaction in status.waiting:
            self.known[transaction.tran_id] = transaction
        if self.shown is None or self.shown[0] != status.step:
            self.pinpad.clear()
            if not self.quiet:
                self.persona_card.selected_index = 0 if status.step in TYPING_STEPS else None
        pdfs = tuple(self.sim.pdfs()) if self.panel in ("sign", "verify") else ()
        self._render_inbox()

        def build() -> list[w.Widget]:
            self.pinpad.detach()
            return build_screen(self, status, pdfs)
        self.show(self._signature(status, pdfs), build)


def signing_app(sim: SigningSimulator, tr: Translator, *,
                portal_sim_factory: Callable[[], PortalSimulator] | None = None,
                display: bool = False, handed_over: bool = False) -> SigningAppHandles:
    """Build the signing app over ``sim``; ``display=True`` shows it in a phone frame.

    ``portal_sim_factory`` gives the learner's portal, through which a PDF chosen on the
    phone goes into «Kho dữ liệu cá nhân»; without it only the stored documents are offered.
    ``handed_over``: opened by the portal, under the portal's «MÔ PHỎNG» badge.
    """
    view = SigningView(sim, tr, portal_sim_factory, handed_over=handed_over)
    return SigningAppHandles.build(view, sim, display=display)


def signing_factory(desk: Desk, tr: Translator) -> SigningAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    return signing_app(desk.app("signing"), tr,
                       portal_sim_factory=lambda: desk.app("portal"))


def signing_check_factory(desk: Desk, tr: Translator) -> SigningAppHandles:
    """The signing check's app, :func:`.appview.unaided`: the check's papers only (no upload
    through the portal), the learner's own certificate."""
    with unaided():
        return signing_app(desk.app("signing_check"), tr)
