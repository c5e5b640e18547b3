"""Staying safe online: five scam drills, each a small phone scene scored by what the learner does.

Every drill copies a scam that Vietnamese police and ministries warn about. The learner
meets it inside a realistic scene (an incoming call, an SMS inbox, a shop counter, a
browser, a chat) and must refuse or report. Every choice is an evidence event: the right
one with outcome ``ok``, a wrong one with the code of its :class:`Mistake` (for example
``safety.gave_otp``), the scene's step in ``detail["step"]``. A wrong choice ends the
attempt with a plain explanation of what would happen; the drill can be retried and still
counts when it is done right afterwards (the mistake stays in the evidence).

=====================  =========================================================================
drill (task)           scene
=====================  =========================================================================
``refuse_police_otp``  ``call_ringing`` → ``call_talk``: a caller posing as the commune police says
                       the VNeID account must be "upgraded to level 2" and asks for the OTP that
                       has just arrived by SMS. Right: refuse and hang up (optionally report the
                       number). Reading the code out is the mistake.
``report_fake_sms``    ``sms_inbox`` → ``sms_report``: an SMS with a look-alike "VNeID level 2"
                       link to an APK. Right: report it (5656) and delete it. Opening the link
                       leads to ``apk`` («Cài đặt ứng dụng không rõ nguồn gốc?»): cancelling is a
                       recovery, installing is the mistake; the opening itself is recorded.
``refuse_swapped_qr``  ``shop`` → ``qr_confirm``: a shop counter with a QR sticker; the bank names
                       a payee who is not the shop owner. Right: cancel and tell the owner.
``spot_fake_portal``   ``browser`` → ``fake_login``: three links titled «Cổng Dịch vụ công quốc
                       gia». Right: pick ``dichvucong.gov.vn``, or leave a look-alike without
                       logging in. Logging in on a look-alike is the mistake.
``refuse_refund_pin``  ``refund_chat``: an "electricity refund" agent asks for the Smart OTP PIN
                       and a code. Right: refuse, check in the real bank app and call the hotline
                       printed on the bill.
=====================  =========================================================================

``home`` lists the drills; ``outcome`` explains the last decisive choice.

**What is real here, and the sources** (pages as read in 2026; [S] sourced, [U] unverified):

* [S] Callers posing as commune police who "help" with VNeID level 2 by phone, send links to
  fake apps and ask for OTPs; police only do level 2 in person at the commune/ward police
  office, and VNeID is the only app (Công an TP.HCM via kenh14.vn/cong-an-tphcm-khuyen-cao-
  chieu-lua-nguoi-dan-can-can-trong-20231018110205192.chn; cafef.vn/canh-bao-cuoc-goi-mao-danh-
  cong-an-lua-dao-huong-dan-kich-hoat-dinh-danh-dien-tu-188231006135626628.chn; Cục A05 via
  vov.vn/.../canh-bao-ve-toi-pham-mang-loi-dung-ung-dung-vneid-gia-mao-post1213395.vov;
  baolamdong.vn/canh-bao-thu-doan-lua-dao-cai-ung-dung-vneid-gia-mao-381194.html; domain.md §1).
* [S] "Do not turn on installing apps from unknown sources; install VNeID only from App Store
  or CH Play" (Công an TP Hải Phòng via kienthuc.net.vn/xa-hoi/canh-giac-lua-dao-mao-danh-cong-
  an-yeu-cau-dong-bo-vneid-1972778.html). "If you opened such a link or installed such an app,
  call your bank at once to lock the account" (Bộ Công an via baolamdong.vn, above).
* [S] Reporting: SMS ``S (nguồn phát tán)(nội dung)`` to 5656, free of charge, or the web form
  thongbaorac.ais.gov.vn (the official page itself, https://thongbaorac.ais.gov.vn/); the 156/5656
  switchboards run by VNCERT/CC took 21,800 scam reports in five weeks of 2024, impersonation
  of police with fake VNeID apps among the most reported (baothanhhoa.vn/canh-giac-lua-dao-mao-
  danh-cong-an-yeu-cau-tai-cai-ung-dung-vneid-gia-mao-231524.htm). For scam *calls*, the syntax
  ``LD (số điện thoại)(nội dung)`` to 156 or 5656 (congly.vn, 01/11/2022, "Tổng đài 156 nhận phản
  ánh cuộc gọi rác từ 1/11"): one newspaper source, shown only as "báo cho tổng đài 156".
  Checking a web address: tinnhiemmang.vn/website-lua-dao (NCSC, via sggp.org.vn/co-the-tra-cuu-
  cac-website-lua-dao-tren-vneid-post779336.html). Also: the nearest police office.
* [U] canhbao.khonggianmang.gov.vn and chongluadao.vn as reporting channels: chongluadao.vn has
  a report form (chongluadao.vn/cach-bao-cao) but it is a volunteer project, and no page for
  canhbao.khonggianmang.gov.vn was found; neither is shown to learners.
* [S] Look-alike portals: fake «Cổng Dịch vụ công quốc gia» sites with near-identical domains
  (Phòng CSGT Công an TP.HCM via tienphong.vn/canh-bao-thu-doan-lua-dao-nop-phat-vi-pham-giao-
  thong-qua-cong-dich-vu-cong-quoc-gia-post1767512.tpo; a victim sent to "dichvucong.bvgov.com",
  sggp.org.vn/can-trong-voi-chieu-lua-cai-dat-ung-dung-vneid-post730510.html). The real portal is
  https://dichvucong.gov.vn (cafef.vn/cong-an-canh-bao-sieu-bay-nup-bong-lam-ho-chieu-online-...).
* [S] Swapped QR stickers over shop codes; the bank app shows the payee's name, check it
  (laodong.vn "Chủ quán ở Hà Nội tự quét mã QR mỗi ngày", baohaiduong.vn/print/351331.html).
* [S] Fake electricity staff announcing a refund "because of a system error", asking to add
  them on Zalo, install an app, or give card data and OTPs (EVNNPC via cafef.vn/tat-ca-nhung-
  ai-nhan-duoc-tin-nhan-co-noi-dung-sau-hay-xoa-ngay-188260103070930181.chn; EVNHCMC via
  sggp.org.vn/tai-dien-tinh-trang-mao-danh-nganh-dien-de-lua-dao-post709484.html). Banks never
  ask for an OTP or a password by any channel (BIDV via cafef.vn/chu-tai-khoan-bidv-...-
  188251027110421045.chn).

**What is made up.** The callers' words and the messages are written for the course after the
reports above, not copied from a real scam; the OTP SMS is not VNeID's real template [U]. The
shop, the payee names and accounts are fictional sandbox data (BINs ``9999xx`` of
:data:`bakhong.simulators.bank.SANDBOX_BANKS`). Look-alike web addresses are shown as plain text,
never as links, and nothing opens a site; each has a ``target`` under the reserved ``.invalid``
top-level domain (RFC 6761), which no resolver answers, in case a view ever needs an address.
Whether a label's own domain is registered on the Internet was not checked (no network).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy.engine import Connection

from . import vietqr
from .bank import SCAMMER, Payee, bank_name, mask
from .errors import N_, SandboxError
from .evidence import OK, Event, record
from .flow import LearnerFlow
from .learners import require_consent

__all__ = [
    "DRILLS", "FLOW", "LESSON", "Address", "Drill", "DrillFlow", "DrillOutcome", "Mistake",
    "Outcome", "SafetySimulator", "Status", "Step", "completed_tasks",
]

LESSON = "safety"
FLOW = "safety"

TASK_POLICE = "refuse_police_otp"
TASK_SMS = "report_fake_sms"
TASK_QR = "refuse_swapped_qr"
TASK_PORTAL = "spot_fake_portal"
TASK_REFUND = "refuse_refund_pin"


class Step(StrEnum):
    HOME = "home"
    CALL_RINGING = "call_ringing"
    CALL_TALK = "call_talk"
    SMS_INBOX = "sms_inbox"
    SMS_REPORT = "sms_report"
    APK = "apk"
    SHOP = "shop"
    QR_CONFIRM = "qr_confirm"
    BROWSER = "browser"
    FAKE_LOGIN = "fake_login"
    REFUND_CHAT = "refund_chat"
    OUTCOME = "outcome"


@dataclass(frozen=True)
class Drill:
    task: str
    title: str  # Vietnamese source string
    first: StrEnum


DRILLS = (
    Drill(TASK_POLICE, N_("Cuộc gọi tự xưng công an hỏi mã OTP"), Step.CALL_RINGING),
    Drill(TASK_SMS, N_("Tin nhắn có đường link «nâng cấp VNeID mức 2»"), Step.SMS_INBOX),
    Drill(TASK_QR, N_("Mã QR dán ở quầy tạp hóa"), Step.SHOP),
    Drill(TASK_PORTAL, N_("Tìm đúng Cổng Dịch vụ công quốc gia"), Step.BROWSER),
    Drill(TASK_REFUND, N_("Tin nhắn «hoàn tiền điện» hỏi mã PIN"), Step.REFUND_CHAT),
)
_DRILLS = {d.task: d for d in DRILLS}
S = TypeVar("S")


# --- refusals and mistakes --------------------------------------------------------------------

class SafetyError(SandboxError):
    code = "safety.error"


class UnknownDrill(SafetyError):
    code = "safety.unknown_drill"
    message = N_("Không có bài luyện này. Hãy chọn một bài trong danh sách.")


class WrongStep(SafetyError):
    code = "safety.wrong_step"
    message = N_("Thao tác này chưa thực hiện được ở bước hiện tại. Hãy làm theo màn hình.")


class Mistake(SafetyError):
    """A wrong choice in a scene: evidence under its ``code``, explained in plain words.

    ``message`` says in one or two sentences why it is wrong; :attr:`consequence` says what
    would happen in real life. Both are Vietnamese source strings.
    """

    code = "safety.mistake"
    consequence: ClassVar[str] = ""


class GaveOtp(Mistake):
    code = "safety.gave_otp"
    message = N_("Công an không bao giờ hỏi mã OTP qua điện thoại. Định danh mức 2 bạn tự làm "
                 "trong ứng dụng VNeID (đọc chip thẻ Căn cước) hoặc tại trụ sở công an xã, "
                 "phường. Không đọc mã cho ai.")
    consequence = N_("Với mã này, kẻ gian đăng nhập tài khoản VNeID của bạn trên máy của chúng. "
                     "Sau đó chúng mượn danh bạn để vay tiền, mở tài khoản hoặc lừa người thân.")


class OpenedLink(Mistake):
    code = "safety.opened_link"
    message = N_("Đường link này không phải của Bộ Công an: phần cuối địa chỉ không phải "
                 ".gov.vn. Đừng tải, đừng cài: bấm «Hủy».")


class InstalledApk(Mistake):
    code = "safety.installed_apk"
    message = N_("VNeID chỉ tải từ CH Play hoặc App Store. Không bao giờ cho phép cài ứng dụng "
                 "«từ nguồn không xác định».")
    consequence = N_("Ứng dụng giả đọc được tin nhắn và mã OTP, điều khiển điện thoại của bạn và "
                     "chuyển hết tiền trong tài khoản ngân hàng. Nếu lỡ cài, hãy gọi ngay cho "
                     "ngân hàng để khóa tài khoản.")


class DeletedUnreported(Mistake):
    code = "safety.deleted_unreported"
    message = N_("Bạn đã xóa tin nhắn nhưng chưa báo cáo. Hãy báo cáo trước khi xóa.")
    consequence = N_("Không ai báo cáo thì số này vẫn tiếp tục nhắn cho người khác. Báo cáo "
                     "(miễn phí, gửi 5656) giúp nhà mạng chặn số lừa đảo.")


class PaidSwappedQr(Mistake):
    code = "safety.paid_swapped_qr"
    message = N_("Tên người nhận không phải tên chủ quán: mã QR đã bị dán đè. Bấm «Hủy» và báo "
                 "cho chủ quán.")
    consequence = N_("Tiền sẽ vào tài khoản của kẻ gian, không phải của chủ quán. Chủ quán vẫn "
                     "đòi bạn trả tiền, và rất khó lấy lại số tiền đã chuyển.")


class OpenedFakePortal(Mistake):
    code = "safety.opened_fake_portal"
    message = N_("Trang này không phải Cổng Dịch vụ công quốc gia.")


class LoggedInFakePortal(Mistake):
    code = "safety.logged_in_fake_portal"
    message = N_("Địa chỉ trang này không kết thúc bằng «.gov.vn». Đọc địa chỉ từ phải sang "
                 "trái: trang thật là dichvucong.gov.vn.")
    consequence = N_("Trang giả lấy số định danh và mật khẩu VNeID của bạn. Kẻ gian dùng chúng "
                     "để đăng nhập thay bạn và làm thủ tục, vay tiền dưới tên bạn.")


class GavePin(Mistake):
    code = "safety.gave_pin"
    message = N_("Ngân hàng và điện lực không bao giờ hỏi mã PIN hay mã OTP. Muốn nhận tiền thì "
                 "không cần mã nào cả.")
    consequence = N_("Mã PIN Smart OTP và mã OTP dùng để xác nhận chuyển tiền đi. Đưa mã cho kẻ "
                     "gian là cho phép chúng lấy tiền trong tài khoản của bạn.")


class OpenedRefundLink(Mistake):
    code = "safety.opened_refund_link"
    message = N_("Nút «NHẬN HOÀN TIỀN NGAY» dẫn tới trang giả. Điện lực không hoàn tiền qua "
                 "đường link trong tin nhắn.")
    consequence = N_("Trang giả bắt bạn nhập số thẻ, mật khẩu ngân hàng và mã OTP, rồi kẻ gian "
                     "rút tiền trong tài khoản của bạn.")


#: What the outcome screen says after the right choice of each drill.
RIGHT = {
    TASK_POLICE: N_("Đúng rồi. Công an không hỏi mã OTP qua điện thoại. Muốn làm định danh mức 2, "
                    "bạn tự đọc chip thẻ Căn cước trong ứng dụng VNeID, hoặc mang thẻ đến công "
                    "an xã, phường."),
    TASK_SMS: N_("Đúng rồi. Bạn đã báo cáo và xóa tin nhắn mà không cài gì. VNeID chỉ tải từ "
                 "CH Play hoặc App Store."),
    TASK_QR: N_("Đúng rồi. Tên người nhận không phải tên chủ quán. Bạn không trả tiền và đã báo "
                "để chủ quán gỡ mã dán đè."),
    TASK_PORTAL: N_("Đúng rồi. Đọc địa chỉ từ phải sang trái: trang của Nhà nước kết thúc bằng "
                    "«.gov.vn», ngay trước dấu «/» đầu tiên."),
    TASK_REFUND: N_("Đúng rồi. Bạn tự kiểm tra trong ứng dụng ngân hàng và gọi số tổng đài in "
                    "trên hóa đơn tiền điện, không dùng số người lạ đưa."),
}

#: Said after the right choice when the learner also reported the caller.
REPORTED_CALL = N_("Bạn đã báo số này cho tổng đài 156 để nhà mạng chặn cuộc gọi lừa đảo.")


# --- the scenes' data ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Address:
    """A web address as a scene shows it: ``label`` in the address bar, never a link.

    ``target`` is where a link would go: the real portal, or a ``.invalid`` name for a
    look-alike, so that nothing a view builds can reach a real scam site.
    """

    key: str
    label: str
    target: str
    real: bool


PORTALS = (
    Address("real", "dichvucong.gov.vn", "https://dichvucong.gov.vn", True),
    Address("dash", "dichvucong-gov.vn", "https://dichvucong-gov.invalid", False),
    Address("suffix", "dichvucong.gov.vn.tra-cuu.info", "https://dichvucong.gov.vn.tra-cuu.invalid",
            False),
)
_PORTALS = {a.key: a for a in PORTALS}

#: The fake SMS's link, as the SMS shows it, and its harmless target.
SMS_LINK = Address("apk", "https://vneid-gov.vn.capnhat-muc2.info/VNeID_v2.apk",
                   "https://vneid-gov.capnhat-muc2.invalid/VNeID_v2.apk", False)
SMS_SENDER = "VNeID-BCA"  # a spoofed brand name, as such SMS show it
APK_NAME = "VNeID_v2.apk"
OTP_SENDER = "VNeID"
CALLER_NUMBER = "+84 ••• ••• 113"  # hidden: never a real-looking full number
REFUND_AGENT = N_("CSKH Điện lực (hoàn tiền)")

#: The grocery of the QR drill, and the account the sticker over its code pays.
SHOP = Payee("grocery", "999902", "6603456789", "NGUYEN THI THU", N_("Tạp hóa cô Thu"))
_HOLDERS = {(p.bin, p.number): p.holder for p in (SHOP, SCAMMER)}


@dataclass(frozen=True)
class QrShown:
    """The confirm screen after scanning the sticker: what the bank says about the payee."""

    payee_name: str
    bank: str  # source string of the sandbox bank's name
    account: str  # masked


@dataclass(frozen=True)
class DrillOutcome:
    """How a drill ended, for its outcome screen; a lesson's subclass names the texts
    (``right_texts``: drill → why it was right; ``mistakes``: code → the mistake's class)."""

    drill: str
    right: bool
    code: str  # ``ok`` or the mistake's code
    reported: bool = False
    right_texts: ClassVar[Mapping[str, str]]
    mistakes: ClassVar[Mapping[str, type[Mistake]]]

    @property
    def explanation(self) -> str:
        """Why: the right drill's text, or the mistake's message (a source string)."""
        return self.right_texts[self.drill] if self.right else self.mistakes[self.code].message

    @property
    def consequence(self) -> str:
        return "" if self.right else self.mistakes[self.code].consequence


_MISTAKES: dict[str, type[Mistake]] = {
    cls.code: cls for cls in (GaveOtp, OpenedLink, InstalledApk, DeletedUnreported,
                              PaidSwappedQr, OpenedFakePortal, LoggedInFakePortal, GavePin,
                              OpenedRefundLink)}


class Outcome(DrillOutcome):
    right_texts, mistakes = RIGHT, _MISTAKES


@dataclass(frozen=True)
class Status:
    step: Step
    drill: str | None
    done: frozenset[str]
    outcome: Outcome | None
    scenario: dict[str, Any]
    sms_reported: bool
    sms_link_opened: bool
    portal: Address | None  # the page open in the browser
    qr: QrShown | None
    caller_declined: int

    def portals(self) -> list[Address]:
        """The browser's three links, in this learner's order."""
        return [_PORTALS[key] for key in self.scenario["portal_order"]]


def sticker_payload() -> str:
    """The code on the sticker stuck over the grocery's own: the scammer's account."""
    return vietqr.build(bin=SCAMMER.bin, account=SCAMMER.number)


def shop_payload() -> str:
    """The grocery's own code (under the sticker)."""
    return vietqr.build(bin=SHOP.bin, account=SHOP.number)


def lookup_payee(payload: str) -> QrShown:
    """Decode a scanned code and name its payee as the (sandbox) bank holds it.

    >>> lookup_payee(sticker_payload()).payee_name
    'DO VAN KHOA'
    >>> lookup_payee(shop_payload()).account
    '******6789'
    """
    code = vietqr.parse(payload)
    if code.bin is None or code.account is None:
        raise vietqr.MissingField("no beneficiary")
    holder = _HOLDERS.get((code.bin, code.account))
    if holder is None:
        raise vietqr.BadField("not a sandbox account")
    return QrShown(holder, bank_name(code.bin), mask(code.account))


# --- the simulator ------------------------------------------------------------------------------

class DrillFlow(LearnerFlow, Generic[S]):
    """A list of scam drills over one flow: the plumbing the safety and scams lessons share.

    A subclass names its ``drills`` (each with its first scene), its ``steps`` enum (with
    ``home`` and ``outcome``), and the ``scene_keys`` of its state that a drill's start
    clears. A choice in a scene is recorded by :meth:`_choose`, which tells a mistake (kept,
    the drill's evidence) from a refusal.
    """

    drills: ClassVar[Mapping[str, Drill]]
    scene_keys: ClassVar[tuple[str, ...]] = ()
    unknown_drill: ClassVar[type[SandboxError]]

    def _choose(self, action: str, task: str | None,
                act: Callable[[Connection, dict[str, Any]], None], *allowed: StrEnum,
                **detail: Any) -> S:
        """Run ``act`` in one transaction and record it.

        The event's task is the drill's when ``task`` is given (a decisive choice), else the
        action's own name (navigation). A :class:`Mistake` is saved with the scene's new step
        and recorded under its code, then raised; other refusals change nothing.
        """
        refusal: SandboxError | None = None
        with self.store.transaction() as conn:
            require_consent(conn, self.learner_id)
            state = self._load(conn)
            step = state["step"]
            try:
                if allowed and self.steps(step) not in allowed:
                    raise self.wrong_step(f"{action} at {step}")
                act(conn, state)
            except Mistake as err:
                refusal = err
            except SandboxError as err:
                refusal = err
                state = self._load(conn)
            self._save(conn, state)
            # a success carries the step it led to, as the other apps record it
            # (grading.progress); a mistake or a refusal the scene where it was made
            facts = {"step": step if refusal is not None else state["step"], "choice": action,
                     "drill": state.get("drill"), **detail}
            name = action
            if task is not None and (refusal is None or isinstance(refusal, Mistake)):
                name = task  # a decisive choice: the drill's own task
                facts.pop("drill")
            record(conn, self.clock, self.learner_id, self.lesson, name,
                   refusal.code if refusal else OK, **facts)
        if refusal is not None:
            raise refusal
        return self.status()

    def status(self) -> S:
        raise NotImplementedError

    def _finish(self, state: dict[str, Any], *, right: bool, code: str = OK,
                reported: bool = False) -> None:
        drill = state["drill"]
        state["outcome"] = {"drill": drill, "right": right, "code": code, "reported": reported}
        if right:
            state["done"] = sorted({*state.get("done", []), drill})
        state["step"] = "outcome"

    def _fail(self, state: dict[str, Any], mistake: Mistake) -> Mistake:
        self._finish(state, right=False, code=mistake.code)
        return mistake

    def _mistake(self, action: str, task: str, step: StrEnum, mistake: type[Mistake],
                 **detail: Any) -> S:
        """A scene's wrong choice ``action`` at ``step``: ``mistake``, kept (:meth:`_choose`)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            raise self._fail(state, mistake())

        return self._choose(action, task, act, step, **detail)

    def _right(self, action: str, task: str, step: StrEnum, *, reported: bool = False,
               **detail: Any) -> S:
        """A scene's right choice ``action`` at ``step``: the drill done."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._finish(state, right=True, reported=reported)

        return self._choose(action, task, act, step, **detail)

    # -- home -------------------------------------------------------------------------------

    def start(self, task: str) -> S:
        """Open a drill from the home list (or again from its outcome screen)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            drill = self.drills.get(task)
            if drill is None:
                raise self.unknown_drill(task)
            for key in ("outcome", *self.scene_keys):
                state.pop(key, None)
            state.update(drill=task, step=drill.first.value)

        return self._choose("start", None, act, self.steps("home"), self.steps("outcome"),
                            drill=task)

    def retry(self) -> S:
        """«Thử lại» on the outcome screen: the same drill from its first scene."""
        with self.store.engine.connect() as conn:
            state = self._load(conn)
        return self.start(str(state.get("drill") or ""))

    def home(self) -> S:
        """«Về danh sách bài luyện» from any scene: the drill is left as it stood."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["step"] = "home"

        return self._choose("home", None, act)


class SafetySimulator(DrillFlow["Status"]):
    """One learner's safety drills, over the store (flow state ``safety``).

    The plumbing is :class:`DrillFlow`'s (and :class:`~.flow.LearnerFlow`'s).
    """

    flow = FLOW
    lesson = LESSON
    steps = Step
    wrong_step = WrongStep
    drills = MappingProxyType({d.task: d for d in DRILLS})
    scene_keys = ("portal", "scanned", "sms_reported", "sms_opened", "declined")
    unknown_drill = UnknownDrill

    def _fresh(self) -> dict[str, Any]:
        return {"step": Step.HOME.value, "drill": None, "scenario": self._scenario()}

    def _scenario(self) -> dict[str, Any]:
        """The learner's scenes: drawn once, then kept (a reload shows the same code)."""
        order = [a.key for a in PORTALS]
        self.rng.shuffle(order)
        month = self.clock.now().month
        return {
            "otp": f"{self.rng.randrange(10**6):06d}",
            "refund_code": f"{self.rng.randrange(10**6):06d}",
            "refund_amount": self.rng.randrange(120, 480) * 1000,
            "bill_month": month - 1 if month > 1 else 12,
            "portal_order": order,
        }

    # -- reading ----------------------------------------------------------------------------

    def status(self) -> Status:
        state = self._current()
        outcome = Outcome(**state["outcome"]) if state.get("outcome") else None
        portal = _PORTALS[state["portal"]] if state.get("portal") else None
        qr = lookup_payee(sticker_payload()) if state.get("scanned") else None
        return Status(Step(state["step"]), state.get("drill"), frozenset(state.get("done", [])),
                      outcome, dict(state["scenario"]), bool(state.get("sms_reported")),
                      bool(state.get("sms_opened")), portal, qr,
                      int(state.get("declined", 0)))

    # -- 1. the police call -----------------------------------------------------------------

    def answer_call(self) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["step"] = Step.CALL_TALK.value

        return self._choose("answer_call", None, act, Step.CALL_RINGING)

    def decline_call(self) -> Status:
        """Declining an unknown number is safe; in the drill the same number calls back."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["declined"] = int(state.get("declined", 0)) + 1

        return self._choose("decline_call", None, act, Step.CALL_RINGING)

    def read_otp(self) -> Status:
        """«Đọc mã cho người gọi»: the mistake."""
        return self._mistake("read_otp", TASK_POLICE, Step.CALL_TALK, GaveOtp)

    def refuse_call(self, *, report: bool = False) -> Status:
        """«Từ chối và cúp máy» (and, with ``report``, report the number to 156)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._finish(state, right=True, reported=report)

        return self._choose("refuse_call", TASK_POLICE, act, Step.CALL_TALK, reported=report)

    # -- 2. the fake SMS --------------------------------------------------------------------

    def open_sms_link(self) -> Status:
        """Tapping the link: the download screen opens; the slip is recorded, not the end."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state.update(step=Step.APK.value, sms_opened=True)
            raise OpenedLink()

        return self._choose("open_link", TASK_SMS, act, Step.SMS_INBOX)

    def install_apk(self) -> Status:
        """«Cài đặt» and «Cho phép từ nguồn này»: the mistake."""
        return self._mistake("install_apk", TASK_SMS, Step.APK, InstalledApk)

    def cancel_apk(self) -> Status:
        """«Hủy» on the install screen: a recovery, back to the inbox."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["step"] = Step.SMS_INBOX.value

        return self._choose("cancel_install", None, act, Step.APK)

    def compose_report(self) -> Status:
        """«Báo cáo tin nhắn lừa đảo»: the SMS to 5656, written for the learner."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["step"] = Step.SMS_REPORT.value

        return self._choose("compose_report", None, act, Step.SMS_INBOX)

    def send_report(self) -> Status:
        """«Gửi» the report (simulated: nothing leaves the sandbox)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state.update(step=Step.SMS_INBOX.value, sms_reported=True)

        return self._choose("send_report", None, act, Step.SMS_REPORT)

    def cancel_report(self) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["step"] = Step.SMS_INBOX.value

        return self._choose("cancel_report", None, act, Step.SMS_REPORT)

    def delete_sms(self) -> Status:
        """«Xóa tin nhắn»: right once reported, a mistake before."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if not state.get("sms_reported"):
                raise self._fail(state, DeletedUnreported())
            self._finish(state, right=True)

        return self._choose("delete_sms", TASK_SMS, act, Step.SMS_INBOX)

    @staticmethod
    def report_text() -> str:
        """The report SMS, in the syntax of thongbaorac.ais.gov.vn: ``S (source)(content)``."""
        return f"S ({SMS_SENDER})({sms_body()})"

    # -- 3. the swapped QR ------------------------------------------------------------------

    def scan_sticker(self) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            lookup_payee(sticker_payload())  # the bank looks the payee up
            state.update(step=Step.QR_CONFIRM.value, scanned=True)

        return self._choose("scan", None, act, Step.SHOP)

    def pay_sticker(self) -> Status:
        """«Xác nhận chuyển tiền» to a name that is not the owner's: the mistake."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            raise self._fail(state, PaidSwappedQr())

        return self._choose("pay", TASK_QR, act, Step.QR_CONFIRM, payee=SCAMMER.holder)

    def refuse_sticker(self) -> Status:
        """«Hủy» and tell the shop owner: nothing is paid."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._finish(state, right=True)

        return self._choose("cancel_tell_owner", TASK_QR, act, Step.QR_CONFIRM,
                            payee=SCAMMER.holder)

    # -- 4. the look-alike portal -----------------------------------------------------------

    def open_portal(self, key: str) -> Status:
        """One of the three links: the real portal is the drill done; a look-alike opens."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            address = _PORTALS.get(key)
            if address is None:
                raise UnknownDrill(key)
            if address.real:
                self._finish(state, right=True)
                return
            state.update(step=Step.FAKE_LOGIN.value, portal=key)
            raise OpenedFakePortal()

        return self._choose("open_portal", TASK_PORTAL, act, Step.BROWSER, address=key)

    def login_fake(self) -> Status:
        """«Đăng nhập» on a look-alike: the mistake."""
        return self._mistake("login", TASK_PORTAL, Step.FAKE_LOGIN, LoggedInFakePortal)

    def leave_fake(self) -> Status:
        """«Không đăng nhập, đóng trang» on a look-alike: right."""
        return self._right("leave", TASK_PORTAL, Step.FAKE_LOGIN)

    # -- 5. the refund chat -----------------------------------------------------------------

    def give_pin(self) -> Status:
        return self._mistake("give_pin", TASK_REFUND, Step.REFUND_CHAT, GavePin)

    def open_refund_link(self) -> Status:
        return self._mistake("open_refund_link", TASK_REFUND, Step.REFUND_CHAT, OpenedRefundLink)

    def refuse_refund(self) -> Status:
        """Refuse; check the bank app and call the hotline printed on the bill."""
        return self._right("check_official", TASK_REFUND, Step.REFUND_CHAT)


def sms_body() -> str:
    """The fake SMS, without diacritics as such SMS are (written for the course)."""
    return ("[Bo Cong An] Tai khoan dinh danh dien tu cua ban chua duoc nang cap muc 2 va se bi "
            f"khoa sau 24h. Cap nhat ngay tai: {SMS_LINK.label}")


def otp_sms(code: str) -> str:
    """The OTP that arrives during the call (written for the course, not VNeID's template)."""
    return (f"Ma OTP cua ban la {code}. Ma co hieu luc trong 3 phut. Tuyet doi khong cung cap "
            "ma nay cho bat ky ai.")


def completed_tasks(events: Iterable[Event]) -> set[str]:
    """The safety drills done, judged from the evidence as the hidden tests judge it.

    A drill is done once its task has an ``ok`` event (its right choice); mistakes before or
    after it stay in the evidence for the trainer but do not undo it.

    >>> from bakhong.simulators.evidence import Event
    >>> sorted(completed_tasks([Event(LESSON, TASK_POLICE, "safety.gave_otp", "", {}),
    ...                         Event(LESSON, TASK_POLICE, OK, "", {}),
    ...                         Event(LESSON, "start", OK, "", {"drill": TASK_SMS}),
    ...                         Event("payment", TASK_QR, OK, "", {})]))
    ['refuse_police_otp']
    """
    tasks = {d.task for d in DRILLS}
    return {e.task for e in events
            if e.lesson == LESSON and e.task in tasks and e.outcome == OK}
