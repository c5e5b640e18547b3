"""«Ký số tờ khai»: a portal form signed in the signing app, then attached as signed.

On the review page of a procedure whose attachments take a form (:data:`FORM_ATTACHMENTS`:
the residence procedure 1.004222 takes «Tờ khai thay đổi thông tin cư trú (CT01)»), «Ký số
tờ khai» prints the draft's values as a PDF into «Kho dữ liệu cá nhân»
(:meth:`~bakhong.simulators.portal.PortalSimulator.form_pdf`, source ``"portal-form"``, the
one the signing lesson counts) and hands the phone over to the signing app, as paying a fee
hands it over to the bank: the portal's body is swapped for the signing app under a bar
«⟵ Quay lại Cổng Dịch vụ công», and the signature of the form is already started
(a transaction waiting for the PIN), unless the learner has no certificate yet. Going back
attaches the signed copy to the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import ipywidgets as w

from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.portal import Draft, WrongStep
from bakhong.simulators.signing import SigningSimulator, Step, Transaction

from .appview import ViewState, restoring, screen_start
from .i18n import error_text
from .phone import action_button, close_tree, on_click, paragraph
from .signing_app import SigningAppHandles, signing_app

if TYPE_CHECKING:
    from .portal_app import PortalView

__all__ = ["FORM_ATTACHMENTS", "FormNotSigned", "close_signing", "handoff_state", "open_signing",
           "reopen_signing", "sign_form_controls", "signing_on_show"]

#: Attachments that take the procedure's own form, signed (attachment key).
FORM_ATTACHMENTS = frozenset({"residence_form"})


class FormNotSigned(SandboxError):
    code = "portal.form_not_signed"
    message = N_("Tờ khai chưa được ký số nên chưa được đính kèm. Bấm «Ký số tờ khai» khi bạn "
                 "sẵn sàng.")


@dataclass
class SigningHandoff:
    """The signing app on show over a portal view, and the form it signs."""

    code: str
    key: str
    form_doc: str
    signing: SigningAppHandles
    bar: w.VBox


_ON_SHOW: WeakKeyDictionary[PortalView, SigningHandoff] = WeakKeyDictionary()


def signing_on_show(view: PortalView) -> SigningAppHandles | None:
    """The signing app the portal handed over to, while it is on show."""
    handoff = _ON_SHOW.get(view)
    return handoff.signing if handoff is not None else None


def sign_form_controls(view: PortalView, draft: Draft) -> list[w.Widget]:
    """«Ký số tờ khai» for each attachment of the review that takes the form (none without the
    signing app)."""
    if view.signing_sim_factory is None:
        return []
    _ = view.tr
    code = draft.procedure.code
    items: list[w.Widget] = []
    for attachment in draft.procedure.attachments:
        if attachment.key not in FORM_ATTACHMENTS:
            continue
        key = attachment.key

        def sign(key: str = key) -> None:
            open_signing(view, code, key)
        items += [
            paragraph(_("Tờ khai có thể ký số rồi đính kèm: bấm «Ký số tờ khai», xác nhận bằng "
                        "mã PIN ký số trong ứng dụng ký số, rồi quay lại đây."), "bk-hint"),
            view.item_button("bk-portal-sign-form", f"sign-form-{key}", _("Ký số tờ khai"),
                             sign, tooltip=_("Ký số tờ khai: {title}").format(
                                 title=_(attachment.title)))]
    return items


def open_signing(view: PortalView, code: str, key: str) -> None:
    """The form as a PDF, then the signing app on the screen with its signature started."""
    if view.signing_sim_factory is None:
        raise WrongStep("no signing app in this lesson")
    _ = view.tr
    form_doc = view.sim.form_pdf(code)
    sim: SigningSimulator = view.signing_sim_factory()
    made: Transaction | None = None
    failure: SandboxError | None = None
    if sim.status().step is Step.ACTIVE:
        try:
            made = sim.sign(form_doc)
        except SandboxError as err:  # e.g. a reinstalled app: the signing app says what to do
            failure = err
    handles = _show_signing(view, code, key, form_doc, sim)
    if made is not None:
        handles.view.open_transaction(made)
        handles.render()
    else:
        handles.view.to_sign = form_doc
    if failure is not None:
        handles.message.show_error(error_text(failure, view.tr))
    elif made is None:
        handles.message.show_info(_("Hãy đăng ký chứng thư số trước. Đăng ký xong, bấm «Ký văn "
                                    "bản»: tờ khai đã có sẵn trong danh sách."))


def _show_signing(view: PortalView, code: str, key: str, form_doc: str, sim: SigningSimulator,
                  state: ViewState | None = None) -> SigningAppHandles:
    """The signing app on the phone instead of the portal (``state``: as it was shown)."""
    portal = view.sim
    with restoring(state):
        handles = signing_app(sim, view.tr, portal_sim_factory=lambda: portal,
                              handed_over=True)
    bar = _handoff_bar(view)
    _ON_SHOW[view] = SigningHandoff(code, key, form_doc, handles, bar)
    view.root.children = (view.badge, bar, handles.root)
    return handles


#: What :func:`reopen_signing` needs: the form's dossier code, attachment key and document,
#: and the signing view's state.
HandoffState = tuple[str, str, str, ViewState]


def handoff_state(view: PortalView) -> HandoffState | None:
    """The signing app on show over ``view``, to show it again (a language switch)."""
    handoff = _ON_SHOW.get(view)
    if handoff is None:
        return None
    return handoff.code, handoff.key, handoff.form_doc, handoff.signing.view.view_state()


def reopen_signing(view: PortalView, state: HandoffState) -> None:
    """Show the signing app over a rebuilt ``view`` as it was (nothing is signed again)."""
    if view.signing_sim_factory is None:
        return
    code, key, form_doc, signing_state = state
    _show_signing(view, code, key, form_doc, view.signing_sim_factory(), signing_state)


def _handoff_bar(view: PortalView) -> w.VBox:
    _ = view.tr
    back = action_button("bk-portal-back-from-signing", _("⟵ Quay lại Cổng Dịch vụ công"))
    on_click(back, lambda: close_signing(view), view.message, view.tr, after=view.refresh,
             on_error=view.on_error)
    view.controls["back-from-signing"] = back  # not a screen's: the portal's rebuilds keep it
    note = paragraph(_("Bạn đang ở ứng dụng ký số. Ký xong, bấm «Quay lại Cổng Dịch vụ công» để "
                       "đính kèm tờ khai đã ký."), "bk-hint")
    # a new screen: the page goes to the signing app's top (bakhong.widgets.page_script)
    bar = w.VBox([screen_start(), back, note], layout=w.Layout(width="100%"))
    bar.add_class("bk-handoff")
    return bar


def _newest_signed(view: PortalView, form_doc: str) -> str | None:
    """The newest signed copy of ``form_doc`` in the store (signed outside this hand-off)."""
    found: str | None = view.sim.newest_signed(form_doc)
    return found


def close_signing(view: PortalView) -> str | None:
    """Back from the signing app: the portal again, with the signed form attached."""
    _ = view.tr
    handoff = _ON_SHOW.pop(view, None)
    if handoff is None:
        return None
    view.controls.pop("back-from-signing", None)
    view.root.children = view._portal_children
    signed = handoff.signing.view.signed_copy_of(handoff.form_doc) or _newest_signed(
        view, handoff.form_doc)
    for widget in (handoff.bar, handoff.signing.root):
        close_tree(widget)
    if signed is None:
        raise FormNotSigned(handoff.code)
    view.sim.attach(handoff.code, handoff.key, signed)
    return _("Đã đính kèm tờ khai đã ký số.")

