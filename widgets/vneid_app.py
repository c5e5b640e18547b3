"""The VNeID practice app: one screen per :class:`~bakhong.simulators.vneid.Step`.

The view keeps no flow state: every render reads ``sim.status()`` and
``sim.inbox()`` and shows the screen of the current step. A screen is rebuilt
only when what it shows changes, so a refused click keeps what the learner typed.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> from bakhong.widgets.i18n import translator
>>> clock = FixedClock(datetime(2026, 11, 28, 8, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> sim = box.vneid("hv001")
>>> app = vneid_app(sim, sim.persona, translator("vi"))
>>> app.controls["go-register"].click()
>>> app.controls["register"].description
'Đăng ký'
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from bakhong.simulators import idnumber
from bakhong.simulators.registry import Persona
from bakhong.simulators.vneid import PhoneNotOwnName, Status, Step, VneidSimulator

from .appview import AppHandles, AppView, unaided
from .i18n import Translator
from .phone import (
    badge,
    facts,
    format_phone,
    html_block,
    inbox_panel,
    vn_date,
)
from .vneid_help import STEP_HELP
from .vneid_screens import build_screen

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["VneidAppHandles", "VneidView", "vneid_app", "vneid_check_factory", "vneid_factory"]

#: Screens where the learner types the persona's data: the card opens by itself there.
_TYPING_STEPS = (Step.REGISTER, Step.ACTIVATE, Step.LOGIN)


class VneidAppHandles(AppHandles[VneidSimulator, "VneidView"]):
    """The vneid app's parts (:class:`.appview.AppHandles`)."""


def _signature(status: Status, flags: tuple[bool, bool]) -> tuple[Any, ...]:
    """What a screen shows of the status: a change rebuilds it, anything else keeps the typing."""
    shown: dict[Step, tuple[Any, ...]] = {
        Step.INTRO: (status.approved_level, status.level),
        Step.OTP: (status.otp_expires_at,),
        Step.HOME: (status.level, status.card_shown, status.locked_until),
    }
    return (status.step, shown.get(status.step, ()), flags)


class VneidView(AppView):
    """The controls over one simulator; screens are built by :mod:`.vneid_screens`."""

    prefix = "bk-vneid-"
    lesson = "vneid"
    step_help = STEP_HELP

    def __init__(self, sim: VneidSimulator, persona: Persona, tr: Translator) -> None:
        super().__init__(tr)
        self.sim, self.persona = sim, persona
        self.status: Status | None = None
        self.police_panel: w.Accordion | None = None
        self.persona_card = self._persona_card()
        self.inbox = inbox_panel("bk-vneid-sms-inbox")
        self.controls.update({"persona-card": self.persona_card, "sms-inbox": self.inbox})
        _ = tr
        app_name = html.escape(_("VNeID"))
        appbar = html_block(f'<div class="bk-appbar">{app_name}</div>')
        self.root = w.VBox([badge(tr), appbar, self.persona_card, self.inbox, self.screen,
                            self.message.root, self.below], layout=w.Layout(width="100%"))
        self.root.add_class("bk-screen")
        self.root.add_class("bk-vneid-app")

    def on_error(self, err: BaseException) -> None:
        if isinstance(err, PhoneNotOwnName) and self.police_panel is not None:
            self.police_panel.selected_index = 0
        super().on_error(err)

    # -- the parts shown on every screen -------------------------------------------------

    def _persona_card(self) -> w.Accordion:
        _, p = self.tr, self.persona
        rows = (
            (_("Họ và tên"), p.full_name),
            (_("Số định danh cá nhân"), idnumber.format(p.id_number)),
            (_("Số điện thoại chính chủ"), format_phone(p.phone)),
            (_("Ngày sinh"), vn_date(p.birth_date)),
            (_("Xã/phường"), f"{p.commune_name}, {p.province_name}"),
        )
        hint = html.escape(_("Chỉ nhập thông tin trên thẻ này, không nhập thông tin thật."))
        body = html_block(f'<div class="bk-persona">{facts(rows)}'
                          f'<p class="bk-hint">{hint}</p></div>')
        card = w.Accordion([body], titles=(_("Thẻ nhân vật mô phỏng"),), selected_index=0,
                           layout=w.Layout(width="100%"))
        card.add_class("bk-vneid-persona-card")
        return card

    def _render_inbox(self) -> None:
        self.show_inbox([(sender, body, at) for sender, at, body in reversed(self.sim.inbox())])

    # -- rendering -----------------------------------------------------------------------

    def otp_expired(self) -> bool:
        """The simulator's decision, as of the last status it gave."""
        return self.status is not None and self.status.otp_expired

    def passcode_locked(self) -> bool:
        return self.status is not None and self.status.passcode_locked

    def refresh(self) -> None:
        """Show the current step; raises what the simulator raises (the click shows it)."""
        status = self.sim.status()
        self.status = status
        new_step = (self.shown is None or self.shown[0] != status.step) and not self.quiet
        if new_step:  # the card opens where the learner types its data
            self.persona_card.selected_index = 0 if status.step in _TYPING_STEPS else None
        self._render_inbox()

        def build() -> list[w.Widget]:
            self.police_panel = None
            return build_screen(self, status)
        self.show(_signature(status, (status.otp_expired, status.passcode_locked)), build)
        if new_step and status.step is Step.OTP and self.inbox is not None:
            self.inbox.selected_index = 0  # the code is in the SMS


def vneid_app(sim: VneidSimulator, persona: Persona, tr: Translator, *,
              display: bool = False) -> VneidAppHandles:
    """Build the VNeID app over ``sim``; ``display=True`` shows it in a phone frame."""
    view = VneidView(sim, persona, tr)
    return VneidAppHandles.build(view, sim, display=display)


def vneid_factory(desk: Desk, tr: Translator) -> VneidAppHandles:
    """An ``app_factory`` for :func:`bakhong.widgets.course.course_screen`."""
    sim = desk.app("vneid")
    return vneid_app(sim, sim.persona, tr)


def vneid_check_factory(desk: Desk, tr: Translator) -> VneidAppHandles:
    """The VNeID check's app, for the person on its own card, :func:`.appview.unaided`."""
    sim = desk.app("vneid_check")
    with unaided():
        return vneid_app(sim, sim.card(), tr)
