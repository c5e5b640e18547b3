"""The scenes of lesson 8's app, one function per step.

Each scene looks like the phone screen it copies: a chat, an incoming call, a video call, the
bank's SMS. Each function takes the view and the current status and returns the screen's
widgets; buttons call the simulator and return the line shown in green. Web addresses are
plain text, never links: nothing opens a site. The home list and the outcome
(``bk-scams-explanation``, ``bk-scams-retry``) are built by
:mod:`.drill_screens`, as in the safety app.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import bank, scams
from bakhong.simulators.safety import Drill
from bakhong.simulators.scams import Status, Step

from .drill_screens import bubble as _bubble
from .drill_screens import drill_home, drill_outcome
from .i18n import N_
from .phone import html_block, paragraph, screen_title

if TYPE_CHECKING:
    from .scams_app import ScamsView

__all__ = ["BIOMETRIC_LINK", "CHECK_DRILLS", "DRILL_KEYS", "build_screen"]

Screen = Callable[["ScamsView", Status], list[w.Widget]]

#: The short name of each drill in its controls' classes (``bk-scams-start-zalo``).
DRILL_KEYS = {scams.TASK_ZALO: "zalo", scams.TASK_HOSPITAL: "hospital",
              scams.TASK_SAFE_ACCOUNT: "police", scams.TASK_BIOMETRIC: "biometric",
              scams.TASK_AFTER: "after"}
#: The scenes' titles in the check: what happens, not what the scam is.
CHECK_DRILLS = tuple(
    Drill(drill.task, title, drill.first) for drill, title in zip(scams.DRILLS, (
        N_("Tin nhắn Zalo của một người bạn"), N_("Một cuộc gọi từ số lạ"),
        N_("Một cuộc gọi video"), N_("Cuộc gọi của «nhân viên ngân hàng»"),
        N_("Tài khoản bị trừ tiền")), strict=True))
#: The link the fake bank staff send, shown as plain text only (never a link).
BIOMETRIC_LINK = scams.BANK_CALLS["biometric"].link


def _esc(text: str) -> str:
    return html.escape(text)


def _leave(view: ScamsView, *, primary: bool = False) -> w.Button:
    _ = view.tr

    def act() -> None:
        view.sim.home()
    label = _("Về danh sách tình huống") if view.check else _("Về danh sách bài luyện")
    return view.button("bk-scams-home", label, act, primary=primary)


def _name(view: ScamsView) -> str:
    return view.sim.persona.full_name


def _who(view: ScamsView, status: Status) -> dict[str, str]:
    """Who the scenes are about (:func:`bakhong.simulators.scams.scene`), in the page's
    language: ``friend``, ``relative`` (and ``Relative``, to begin a sentence)."""
    found = scams.scene(status.scenario)
    relative = view.tr(found["relative"])
    return {"friend": found["friend"], "relative": relative,
            "Relative": relative[:1].upper() + relative[1:]}


def _call_card(view: ScamsView, cls: str, kind: str, who: str) -> w.HTML:
    card = html_block(
        f'<div class="bk-call-card" role="status"><p>{_esc(kind)}</p>'
        f'<p class="bk-call-number">{_esc(scams.CALLER_NUMBER)}</p><p>{_esc(who)}</p></div>')
    view.keep(cls, card)
    return card


# -- home -------------------------------------------------------------------------------------

def home(view: ScamsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    if view.check:
        return drill_home(view, view.sim, title=_("Tự làm: cảnh giác lừa đảo"),
                          intro=_("Mỗi tình huống dưới đây có thể xảy ra với bạn. Hãy làm như "
                                  "bạn sẽ làm ngoài đời. Làm xong cả năm thì bấm «Nộp bài»."),
                          drills=CHECK_DRILLS, keys=DRILL_KEYS, done=status.done)
    return drill_home(view, view.sim, title=_("Bài luyện cảnh giác lừa đảo"),
                      intro=_("Mỗi bài là một chiêu lừa có thật, hay nhắm vào người cao tuổi. "
                              "Hãy làm như bạn sẽ làm ngoài đời."),
                      drills=scams.DRILLS, keys=DRILL_KEYS, done=status.done)


# -- 1. the Zalo code -------------------------------------------------------------------------

def zalo_chat(view: ScamsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    code = status.scenario["zalo_code"]
    friend = _who(view, status)["friend"]
    chat = html_block(
        '<div role="log">'
        + _bubble(friend, _("Chào {name}, {friend} đây. Mình đang đổi điện thoại, lỡ bấm gửi "
                            "nhầm một mã 6 số về số của bạn.").format(name=_name(view),
                                                                      friend=friend))
        + _bubble(friend, _("Bạn gửi lại mã đó cho mình trong tin nhắn này nhé, mình cần gấp. "
                            "Cảm ơn bạn nhiều!"))
        + "</div>")
    view.keep("bk-scams-zalo-chat", chat)
    new = _("Tin nhắn mới")
    sms = html_block(
        f'<div class="bk-notification" role="status"><b>{_esc(new)} · '
        f"{_esc(scams.ZALO_SENDER)}</b><br>{_esc(scams.zalo_sms(code))}</div>")
    view.keep("bk-scams-zalo-sms", sms)

    def send() -> None:
        view.sim.send_zalo_code()

    def ask() -> None:
        view.sim.ask_in_chat()

    def call() -> None:
        view.sim.call_friend()
    return [screen_title(_("Zalo · {friend}").format(friend=friend)), chat, sms,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            view.button("bk-scams-send-code", _("Gửi mã {code} cho {friend}").format(
                code=code, friend=friend), send),
            view.button("bk-scams-ask-chat", _("Nhắn hỏi lại: «Có đúng là {friend} không?»")
                        .format(friend=friend), ask),
            view.button("bk-scams-call-friend",
                        _("Không gửi mã. Gọi điện cho {friend} bằng số trong danh bạ").format(
                            friend=friend), call),
            _leave(view)]


# -- 2. the hospital call ---------------------------------------------------------------------

def hospital_call(view: ScamsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    amount = bank.money(status.scenario["hospital_amount"])
    who = _who(view, status)
    card = _call_card(view, "bk-scams-hospital-card", _("Đang nghe cuộc gọi"),
                      _("Số lạ, không có trong danh bạ"))
    caller = _("Người gọi")
    talk = html_block(
        '<div role="log">'
        + _bubble(caller, _("Alo, có phải {name} không? Tôi là bác sĩ ở bệnh viện tỉnh.")
                  .format(name=_name(view)))
        + _bubble(caller, _("{Relative} bị tai nạn xe máy, đang cấp cứu, phải mổ ngay.")
                  .format(**who))
        + _bubble(caller, _("Gia đình chuyển ngay {amount} vào số tài khoản tôi đọc, không thì "
                            "không kịp mổ. Đừng cúp máy!").format(amount=amount))
        + "</div>")
    view.keep("bk-scams-hospital-talk", talk)

    def send() -> None:
        view.sim.send_hospital_money()

    def call() -> None:
        view.sim.call_grandson()
    return [screen_title(_("Điện thoại")), card, talk,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            view.button("bk-scams-send-hospital",
                        _("Chuyển ngay {amount} vào tài khoản người gọi đọc").format(
                            amount=amount), send),
            view.button("bk-scams-call-family",
                        _("Cúp máy. Gọi cho {relative}, hoặc người nhà, bằng số trong danh bạ")
                        .format(**who), call),
            _leave(view)]


# -- 3. the "safe account" --------------------------------------------------------------------

def police_video(view: ScamsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    who = scams.AUTHORITIES[scams.scene(status.scenario)["authority"]]
    card = _call_card(view, "bk-scams-video-card", _("Cuộc gọi video"), _(who.card))
    caller = _("Người gọi video")
    talk = html_block(
        '<div role="log">'
        + _bubble(caller, _(who.intro).format(name=_name(view)))
        + _bubble(caller, _(who.ask))
        + _bubble(caller, _("Đây là bí mật điều tra: không được kể với ai, kể cả con cháu."))
        + "</div>")
    view.keep("bk-scams-video-talk", talk)

    def send() -> None:
        view.sim.send_safe_account()

    def secret() -> None:
        view.sim.keep_secret()

    def refuse() -> None:
        view.sim.refuse_police()

    def refuse_report() -> None:
        view.sim.refuse_police(report=True)
    return [screen_title(_("Cuộc gọi video")), card, talk,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            view.button("bk-scams-send-safe", _("Chuyển tiền vào «tài khoản an toàn»"), send),
            view.button("bk-scams-keep-secret", _("Giữ bí mật, chờ họ gọi lại"), secret),
            view.button("bk-scams-refuse-police", _("Từ chối, cúp máy và kể với con cháu"),
                        refuse),
            view.button("bk-scams-refuse-report",
                        _("Từ chối, cúp máy và báo số này cho tổng đài 156"), refuse_report),
            _leave(view)]


# -- 4. the biometric call --------------------------------------------------------------------

def biometric_call(view: ScamsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    call = scams.BANK_CALLS[scams.scene(status.scenario)["bank_call"]]
    card = _call_card(view, "bk-scams-bank-card", _("Đang nghe cuộc gọi"),
                      _("Tự xưng: nhân viên ngân hàng"))
    caller = _("Người gọi")
    talk = html_block(
        '<div role="log">'
        + _bubble(caller, _(call.intro).format(name=_name(view)))
        + _bubble(caller, _(call.ask))
        + "</div>")
    view.keep("bk-scams-bank-talk", talk)
    new = _("Tin nhắn mới")
    link = html_block(
        f'<div class="bk-notification" role="status"><b>{_esc(new)} · Zalo</b><br>'
        f'<span class="bk-link-text">{_esc(call.link)}</span></div>')
    view.keep("bk-scams-bank-link", link)

    def open_link() -> None:
        view.sim.open_biometric_link()

    def refuse_bank() -> None:
        view.sim.refuse_biometric()
    return [screen_title(_("Điện thoại")), card, talk, link,
            paragraph(_("Bạn sẽ làm gì?"), "bk-hint"),
            view.button("bk-scams-open-link", _("Bấm đường link và cài ứng dụng"), open_link),
            view.button("bk-scams-refuse-bank",
                        _("Từ chối, cúp máy. Tự cập nhật trong ứng dụng ngân hàng hoặc tại "
                          "quầy"), refuse_bank),
            _leave(view)]


# -- 5. after the scam ------------------------------------------------------------------------

def after_scam(view: ScamsView, status: Status) -> list[w.Widget]:
    _ = view.tr
    lost = bank.money(status.scenario["lost_amount"])
    said = _(scams.STORIES[scams.scene(status.scenario)["story"]])
    new, sender = _("Tin nhắn mới"), _("Ngân hàng")
    debit = _("Tài khoản của bạn vừa bị trừ {amount}. Bạn không làm giao dịch này.").format(
        amount=lost)
    story = html_block(
        f"<p>{_esc(said)}</p>"
        f'<div class="bk-notification" role="status"><b>{_esc(new)} · {_esc(sender)}</b><br>'
        f"{_esc(debit)}</div>")
    view.keep("bk-scams-after-story", story)
    items: list[w.Widget] = [screen_title(_("Lỡ bị lừa: làm gì bây giờ?")), story]

    def lock(how: str) -> Callable[[], str]:
        def act() -> str:
            view.sim.lock_account(how)
            if view.check:  # a check says what happened, not what to do next
                return _("Đã khóa tài khoản.")
            return _("Đã khóa tài khoản: kẻ gian không rút thêm được tiền. Bây giờ hãy báo cáo.")
        return act

    def report(to: str) -> Callable[[], None]:
        def act() -> None:
            view.sim.report_scam(to)
        return act

    def wait() -> None:
        view.sim.wait_and_see()

    def recovery() -> None:
        view.sim.call_recovery()
    if status.locked:
        how = (_("trong ứng dụng ngân hàng") if status.locked == "app"
               else _("qua số tổng đài in trên thẻ"))
        items.append(paragraph(_("✓ Đã khóa tài khoản {how}.").format(how=how), "bk-hint"))
        items.append(paragraph(_("Việc tiếp theo:"), "bk-hint"))
    else:
        items += [paragraph(_("Việc đầu tiên bạn làm là gì?"), "bk-hint"),
                  view.button("bk-scams-lock-app", _("Khóa tài khoản trong ứng dụng ngân hàng"),
                              lock("app")),
                  view.button("bk-scams-lock-hotline",
                              _("Gọi số tổng đài in trên thẻ ngân hàng để khóa tài khoản"),
                              lock("hotline"))]
    items += [view.button("bk-scams-report-156",
                          _("Báo cáo: gọi tổng đài 156, nhắn tin đến 5656"), report("156")),
              view.button("bk-scams-report-police",
                          _("Báo công an: gọi 113 hoặc đến công an xã"), report("police")),
              view.button("bk-scams-wait", _("Chờ xem sao, chưa làm gì"), wait),
              view.button("bk-scams-recovery",
                          _("Gọi số «hỗ trợ lấy lại tiền bị lừa» thấy trên mạng"), recovery),
              _leave(view)]
    return items


# -- the outcome ------------------------------------------------------------------------------

def outcome(view: ScamsView, status: Status) -> list[w.Widget]:
    assert status.outcome is not None
    if view.check:  # right or wrong, nothing is explained before «Nộp bài»
        _ = view.tr
        said, later = _("Đã ghi lại việc bạn chọn."), _("Nhận xét có sau khi bấm «Nộp bài».")
        body = html_block(f'<div role="status"><p>{_esc(said)}</p><p>{_esc(later)}</p></div>')
        view.keep("bk-scams-explanation", body)
        return [screen_title(_("Đã ghi lại")), body, _leave(view, primary=True)]
    return drill_outcome(view, view.sim, status.outcome, scams.REPORTED_CALL)


SCREENS: dict[Step, Screen] = {
    Step.HOME: home, Step.ZALO_CHAT: zalo_chat, Step.HOSPITAL_CALL: hospital_call,
    Step.POLICE_VIDEO: police_video, Step.BIOMETRIC_CALL: biometric_call,
    Step.AFTER_SCAM: after_scam, Step.OUTCOME: outcome,
}


def build_screen(view: ScamsView, status: Status) -> list[w.Widget]:
    return SCREENS[status.step](view, status)
