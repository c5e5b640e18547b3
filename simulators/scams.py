"""Scams aimed at older people, and what to do after one: lesson 8's five drills.

A sibling of :mod:`.safety`: the same drill machinery (:class:`~.safety.DrillFlow`), its own
flow ``scams``, tasks and mistakes. Every choice is an evidence event: the right one with
outcome ``ok``, a wrong one with the code of its :class:`~.safety.Mistake` (``scams.…``), the
scene's step in ``detail["step"]``. A wrong choice ends the attempt with a plain explanation;
the drill can be retried and counts once it is done right (the mistake stays in the evidence).

=========================  ======================================================================
drill (task)               scene
=========================  ======================================================================
``refuse_zalo_otp``        ``zalo_chat``: a "friend" on the chat app Zalo asks for the 6-digit code
                           that has just arrived by SMS "sent to you by mistake". Right: don't send
                           it, call the friend on the number in the contacts. Sending it is the
                           mistake (the account is taken over and borrows from your contacts).
``hospital_call``          ``hospital_call``: a caller says the learner's grandson is in hospital
                           after an accident and money is needed now. Right: hang up and call the
                           grandson (or his parents) on a number you know. Transferring is the
                           mistake.
``refuse_safe_account``    ``police_video``: a "police officer" on a video call says the account is
                           in a money-laundering case; the money must go to a "safe account" and
                           the family must not be told. Right: refuse and hang up (optionally
                           report to 156). Transferring, or keeping it secret, is the mistake.
``refuse_biometric_call``  ``biometric_call``: "bank staff" call to update the biometrics (sinh trắc
                           học) through a link and an app they send. Right: refuse; update only in
                           the bank's own app or at the branch. Opening the link is the mistake.
``after_scam``             ``after_scam``: the learner already read a code to a stranger and money
                           left. Right, in order: lock the account (in the bank app, or by calling
                           the hotline printed on the card), then report (156/5656, or the
                           police). Reporting first, waiting, or calling a "money recovery"
                           service is recorded as a mistake.
=========================  ======================================================================

**Sources**: see ``docs/facts.md`` (lesson 8), with [S] sourced and [U] unverified. Names,
numbers and amounts are fictional; the only real numbers shown are the public switchboards
156, 5656 and 113.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from sqlalchemy.engine import Connection

from .errors import N_
from .evidence import OK, Event
from .safety import Drill, DrillFlow, DrillOutcome, Mistake, SafetyError

__all__ = ["AUTHORITIES", "BANK_CALLS", "DRILLS", "FLOW", "LESSON", "STORIES", "TASKS",
           "Outcome", "ScamsSimulator", "Status", "Step", "completed_tasks", "scene"]

LESSON = "scams"
FLOW = "scams"

TASK_ZALO = "refuse_zalo_otp"
TASK_HOSPITAL = "hospital_call"
TASK_SAFE_ACCOUNT = "refuse_safe_account"
TASK_BIOMETRIC = "refuse_biometric_call"
TASK_AFTER = "after_scam"


class Step(StrEnum):
    HOME = "home"
    ZALO_CHAT = "zalo_chat"
    HOSPITAL_CALL = "hospital_call"
    POLICE_VIDEO = "police_video"
    BIOMETRIC_CALL = "biometric_call"
    AFTER_SCAM = "after_scam"
    OUTCOME = "outcome"


DRILLS = (
    Drill(TASK_ZALO, N_("Bạn bè nhắn Zalo xin mã 6 số"), Step.ZALO_CHAT),
    Drill(TASK_HOSPITAL, N_("Cuộc gọi báo cháu bị tai nạn, cần tiền gấp"), Step.HOSPITAL_CALL),
    Drill(TASK_SAFE_ACCOUNT, N_("«Công an» gọi video bắt chuyển tiền vào «tài khoản an toàn»"),
          Step.POLICE_VIDEO),
    Drill(TASK_BIOMETRIC, N_("«Ngân hàng» gọi hướng dẫn cập nhật sinh trắc học"),
          Step.BIOMETRIC_CALL),
    Drill(TASK_AFTER, N_("Lỡ bị lừa: làm gì ngay sau đó"), Step.AFTER_SCAM),
)
TASKS = tuple(d.task for d in DRILLS)

#: The fictional people of the scenes.
FRIEND = "Lan"
GRANDSON = "Minh"
#: A hidden caller number (never a real-looking full number), as the safety lesson shows it.
CALLER_NUMBER = "+84 ••• ••• 279"
ZALO_SENDER = "Zalo"


@dataclass(frozen=True)
class Authority:
    """Who the video caller poses as (``police_video``): the card's words, how they open and
    what they ask (Vietnamese source strings; ``intro`` names the learner, ``{name}``)."""

    key: str
    card: str
    intro: str
    ask: str


#: The fake authorities of the video call: the practice's police first, the check's others.
AUTHORITIES = {a.key: a for a in (
    Authority("police", N_("Người mặc áo công an, ngồi trước bàn làm việc"),
              N_("Tôi là cán bộ công an điều tra. Tài khoản ngân hàng của {name} có liên quan "
                 "đến một đường dây rửa tiền."),
              N_("Để chứng minh bạn vô can, hãy chuyển hết tiền vào «tài khoản an toàn» của cơ "
                 "quan điều tra. Xác minh xong sẽ trả lại.")),
    Authority("tax", N_("Người mặc đồng phục, xưng là cán bộ cơ quan thuế"),
              N_("Tôi gọi từ cơ quan thuế. {name} đang nợ thuế, tài khoản ngân hàng sắp bị "
                 "phong tỏa."),
              N_("Để không bị phong tỏa, hãy chuyển hết tiền vào «tài khoản an toàn» của cơ "
                 "quan thuế trong hôm nay. Đối chiếu xong sẽ trả lại.")),
    Authority("court", N_("Người mặc áo vest, xưng là thư ký tòa án"),
              N_("Tôi là thư ký tòa án. {name} có tên trong một vụ án lừa đảo, sắp có giấy "
                 "triệu tập."),
              N_("Để được xử lý nhẹ, hãy chuyển hết tiền vào «tài khoản an toàn» của tòa án. "
                 "Vụ án xong sẽ trả lại.")),
)}


@dataclass(frozen=True)
class BankCall:
    """What the fake bank staff say (``biometric_call``) and the link they send."""

    key: str
    intro: str
    ask: str
    link: str


#: The fake bank calls: the practice's first, the check's other.
BANK_CALLS = {c.key: c for c in (
    BankCall("biometric",
             N_("Chào {name}, em là nhân viên ngân hàng. Tài khoản của bác chưa cập nhật sinh "
                "trắc học nên sắp bị khóa giao dịch."),
             N_("Em gửi đường link qua Zalo, bác bấm vào, cài ứng dụng rồi quét khuôn mặt là "
                "xong, không phải ra quầy."),
             "https://sinhtrachoc-nganhang.vn.capnhat-app.info/cap-nhat.apk"),
    BankCall("chip_card",
             N_("Chào {name}, em gọi từ ngân hàng. Thẻ của bác phải đổi sang căn cước gắn "
                "chip và xác thực khuôn mặt, không thì từ mai dừng giao dịch."),
             N_("Em gửi đường link qua Zalo, bác cài ứng dụng này rồi chụp khuôn mặt, em làm "
                "giúp bác ngay, khỏi ra ngân hàng."),
             "https://xacthuc-khuonmat.nganhang-online.top/xacthuc.apk"),
)}

#: How the money was lost, in the after-scam drill: the practice's first, the check's other.
STORIES = {
    "otp": N_("Hôm qua bạn lỡ đọc mã OTP cho một người lạ."),
    "link": N_("Hôm qua bạn lỡ bấm một đường link lạ và cài một ứng dụng."),
}

#: Who the scenes are about in the practice (a check draws others: ``scenario["cast"]``).
SCENE = MappingProxyType({"friend": FRIEND, "relative": N_("cháu Minh"),
                          "authority": "police", "bank_call": "biometric", "story": "otp"})


def scene(scenario: Mapping[str, Any]) -> dict[str, str]:
    """Who and what the scenes show: the friend on Zalo, the relative "in hospital" (a source
    string), the fake authority's and the bank call's keys, how the money was lost; this
    lesson's or a check's drawn ones.

    >>> scene({})["friend"], scene({"cast": {"friend": "Hồng"}})["friend"]
    ('Lan', 'Hồng')
    """
    return {**SCENE, **(scenario.get("cast") or {})}


# --- refusals and mistakes --------------------------------------------------------------------

class ScamsError(SafetyError):
    code = "scams.error"


class UnknownDrill(ScamsError):
    code = "scams.unknown_drill"
    message = N_("Không có bài luyện này. Hãy chọn một bài trong danh sách.")


class WrongStep(ScamsError):
    code = "scams.wrong_step"
    message = N_("Thao tác này chưa thực hiện được ở bước hiện tại. Hãy làm theo màn hình.")


class SentZaloCode(Mistake):
    code = "scams.sent_zalo_code"
    message = N_("Mã 6 số là mã đăng nhập tài khoản Zalo của bạn. Không ai «gửi nhầm» mã vào "
                 "máy bạn. Đừng gửi mã cho ai, kể cả bạn bè: hãy gọi cho bạn bằng số trong "
                 "danh bạ để hỏi.")
    consequence = N_("Kẻ gian đã chiếm tài khoản Zalo của bạn Lan, giờ chiếm nốt tài khoản của "
                     "bạn. Chúng nhắn cho người thân trong danh bạ của bạn để vay tiền.")


class ReplyAskedInChat(Mistake):
    code = "scams.asked_in_chat"
    message = N_("Hỏi lại trong tin nhắn không đủ: người đang nhắn có thể là kẻ gian đã chiếm "
                 "tài khoản của bạn Lan, họ sẽ trả lời «đúng rồi». Hãy gọi điện cho bạn.")


class SentHospitalMoney(Mistake):
    code = "scams.sent_hospital_money"
    message = N_("Bệnh viện cấp cứu trước, không đòi tiền qua điện thoại. Cúp máy, gọi cho "
                 "cháu hoặc bố mẹ cháu bằng số bạn đã biết.")
    consequence = N_("Tiền vào tài khoản của kẻ gian. Cháu vẫn đang ở trường, bình an; số tiền "
                     "đã chuyển rất khó lấy lại.")


class SentToSafeAccount(Mistake):
    code = "scams.sent_safe_account"
    message = N_("Không có «tài khoản an toàn» nào. Công an không làm việc qua cuộc gọi video, "
                 "không bắt chuyển tiền và không bắt giữ bí mật với gia đình.")
    consequence = N_("Tiền chuyển đi là mất: «tài khoản an toàn» là tài khoản của kẻ gian.")


class KeptSecret(Mistake):
    code = "scams.kept_secret"
    message = N_("Kẻ gian bắt giữ bí mật để không ai can ngăn bạn. Hãy cúp máy và kể ngay với "
                 "con cháu.")
    consequence = N_("Bạn ở một mình với kẻ gian, chúng gọi lại nhiều lần cho đến khi bạn "
                     "chuyển tiền.")


class OpenedBiometricLink(Mistake):
    code = "scams.opened_biometric_link"
    message = N_("Ngân hàng không gọi điện hướng dẫn cập nhật sinh trắc học và không gửi "
                 "đường link. Chỉ cập nhật trong ứng dụng chính thức của ngân hàng hoặc tại "
                 "quầy giao dịch.")
    consequence = N_("Ứng dụng giả điều khiển điện thoại của bạn, đọc mã OTP và chuyển hết "
                     "tiền trong tài khoản.")


class ReportedBeforeLocking(Mistake):
    code = "scams.reported_before_locking"
    message = N_("Báo cáo là đúng, nhưng làm sau. Việc đầu tiên là khóa tài khoản: trong lúc "
                 "bạn gọi báo cáo, kẻ gian vẫn đang rút tiền.")


class WaitedAfterScam(Mistake):
    code = "scams.waited"
    message = N_("Không chờ được: mỗi phút chờ, kẻ gian rút thêm tiền. Khóa tài khoản ngay, "
                 "rồi báo cáo.")
    consequence = N_("Kẻ gian rút hết tiền còn lại và dùng tài khoản của bạn để lừa người khác.")


class CalledRecovery(Mistake):
    code = "scams.called_recovery"
    message = N_("Không có dịch vụ nào «lấy lại tiền bị lừa» qua mạng. Người nhận lời giúp "
                 "lại là kẻ lừa đảo lần hai.")
    consequence = N_("Chúng đòi bạn nộp «phí» trước, rồi biến mất. Bạn mất tiền lần thứ hai.")


_MISTAKES: dict[str, type[Mistake]] = {
    cls.code: cls for cls in (SentZaloCode, ReplyAskedInChat, SentHospitalMoney,
                              SentToSafeAccount, KeptSecret, OpenedBiometricLink,
                              ReportedBeforeLocking, WaitedAfterScam, CalledRecovery)}

#: What the outcome screen says after the right choice of each drill.
RIGHT = {
    TASK_ZALO: N_("Đúng rồi. Bạn không gửi mã, và gọi cho Lan bằng số trong danh bạ. Lan bảo "
                  "tài khoản Zalo của Lan đã bị chiếm: người nhắn tin là kẻ gian."),
    TASK_HOSPITAL: N_("Đúng rồi. Bạn cúp máy và gọi cho cháu Minh: cháu đang ở trường, bình an. "
                      "Người gọi là kẻ lừa đảo."),
    TASK_SAFE_ACCOUNT: N_("Đúng rồi. Công an không gọi video bắt chuyển tiền. Không có "
                          "«tài khoản an toàn» nào cả."),
    TASK_BIOMETRIC: N_("Đúng rồi. Cập nhật sinh trắc học chỉ làm trong ứng dụng chính thức của "
                       "ngân hàng hoặc tại quầy, không theo đường link người lạ gửi."),
    TASK_AFTER: N_("Đúng rồi. Khóa tài khoản trước để chặn tiền ra, rồi báo cáo để nhà mạng "
                   "chặn số và công an điều tra."),
}

#: Said after the right choice when the learner also reported the caller to 156.
REPORTED_CALL = N_("Bạn đã báo số này cho tổng đài 156 để nhà mạng chặn cuộc gọi lừa đảo.")


class Outcome(DrillOutcome):
    right_texts, mistakes = RIGHT, _MISTAKES


@dataclass(frozen=True)
class Status:
    step: Step
    drill: str | None
    done: frozenset[str]
    outcome: Outcome | None
    scenario: dict[str, Any]
    locked: str  # how the account was locked in the after-scam drill ("app", "hotline"), or ""


# --- the simulator ------------------------------------------------------------------------------

class ScamsSimulator(DrillFlow[Status]):
    """One learner's lesson 8 drills, over the store (flow state ``scams``)."""

    flow = FLOW
    lesson = LESSON
    steps = Step
    wrong_step = WrongStep
    drills = MappingProxyType({d.task: d for d in DRILLS})
    scene_keys = ("locked",)
    unknown_drill = UnknownDrill

    def _fresh(self) -> dict[str, Any]:
        return {"step": Step.HOME.value, "drill": None, "scenario": self._scenario()}

    def _scenario(self) -> dict[str, Any]:
        """The learner's scenes: drawn once, then kept (a reload shows the same code)."""
        return {
            "zalo_code": f"{self.rng.randrange(10**6):06d}",
            "hospital_amount": self.rng.randrange(20, 60) * 1_000_000,
            "lost_amount": self.rng.randrange(3, 15) * 1_000_000,
        }

    def status(self) -> Status:
        state = self._current()
        outcome = Outcome(**state["outcome"]) if state.get("outcome") else None
        return Status(Step(state["step"]), state.get("drill"), frozenset(state.get("done", [])),
                      outcome, dict(state["scenario"]), str(state.get("locked", "")))

    # -- 1. the Zalo code -------------------------------------------------------------------

    def send_zalo_code(self) -> Status:
        """«Gửi mã cho Lan»: the mistake."""
        return self._mistake("send_code", TASK_ZALO, Step.ZALO_CHAT, SentZaloCode)

    def ask_in_chat(self) -> Status:
        """«Hỏi lại trong tin nhắn»: not enough, the account may be the scammer's."""
        return self._mistake("ask_in_chat", TASK_ZALO, Step.ZALO_CHAT, ReplyAskedInChat)

    def call_friend(self) -> Status:
        """«Không gửi, gọi cho Lan bằng số trong danh bạ»: right."""
        return self._right("call_friend", TASK_ZALO, Step.ZALO_CHAT)

    # -- 2. the hospital call ---------------------------------------------------------------

    def send_hospital_money(self) -> Status:
        return self._mistake("transfer", TASK_HOSPITAL, Step.HOSPITAL_CALL, SentHospitalMoney)

    def call_grandson(self) -> Status:
        """«Cúp máy, gọi cho cháu bằng số trong danh bạ»: right."""
        return self._right("call_family", TASK_HOSPITAL, Step.HOSPITAL_CALL)

    # -- 3. the "safe account" --------------------------------------------------------------

    def send_safe_account(self) -> Status:
        return self._mistake("transfer", TASK_SAFE_ACCOUNT, Step.POLICE_VIDEO, SentToSafeAccount)

    def keep_secret(self) -> Status:
        return self._mistake("keep_secret", TASK_SAFE_ACCOUNT, Step.POLICE_VIDEO, KeptSecret)

    def refuse_police(self, *, report: bool = False) -> Status:
        """«Từ chối, cúp máy» (and, with ``report``, report the number to 156)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._finish(state, right=True, reported=report)

        return self._choose("refuse_call", TASK_SAFE_ACCOUNT, act, Step.POLICE_VIDEO,
                            reported=report)

    # -- 4. the biometric call --------------------------------------------------------------

    def open_biometric_link(self) -> Status:
        return self._mistake("open_link", TASK_BIOMETRIC, Step.BIOMETRIC_CALL, OpenedBiometricLink)

    def refuse_biometric(self) -> Status:
        """«Từ chối; tự cập nhật trong ứng dụng ngân hàng hoặc tại quầy»: right."""
        return self._right("refuse_call", TASK_BIOMETRIC, Step.BIOMETRIC_CALL)

    # -- 5. after the scam ------------------------------------------------------------------

    def lock_account(self, how: str) -> Status:
        """Lock the account: ``"app"`` (in the bank app) or ``"hotline"`` (the card's number).

        The first step, not yet the drill: it is done once reported afterwards.
        """
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if how not in ("app", "hotline"):
                raise UnknownDrill(how)
            state["locked"] = how

        return self._choose("lock_account", None, act, Step.AFTER_SCAM, how=how)

    def report_scam(self, to: str) -> Status:
        """Report to ``"156"`` (156/5656) or the ``"police"``: right once the account is locked."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if to not in ("156", "police"):
                raise UnknownDrill(to)
            if not state.get("locked"):
                raise self._fail(state, ReportedBeforeLocking())
            self._finish(state, right=True)

        return self._choose("report", TASK_AFTER, act, Step.AFTER_SCAM, to=to)

    def wait_and_see(self) -> Status:
        return self._mistake("wait", TASK_AFTER, Step.AFTER_SCAM, WaitedAfterScam)

    def call_recovery(self) -> Status:
        return self._mistake("call_recovery", TASK_AFTER, Step.AFTER_SCAM, CalledRecovery)


def zalo_sms(code: str) -> str:
    """The login code SMS that arrives during the chat (written for the course [U])."""
    return (f"Ma xac thuc Zalo cua ban la {code}. Khong chia se ma nay voi bat ky ai, ke ca "
            "nguoi than.")


def completed_tasks(events: Iterable[Event], lesson: str = LESSON) -> set[str]:
    """The lesson 8 drills done, judged from the evidence as the hidden tests judge it.

    >>> from bakhong.simulators.evidence import Event
    >>> sorted(completed_tasks([Event(LESSON, TASK_ZALO, "scams.sent_zalo_code", "", {}),
    ...                         Event(LESSON, TASK_ZALO, OK, "", {}),
    ...                         Event(LESSON, "lock_account", OK, "", {}),
    ...                         Event("safety", TASK_AFTER, OK, "", {})]))
    ['refuse_zalo_otp']
    """
    return {e.task for e in events
            if e.lesson == lesson and e.task in TASKS and e.outcome == OK}
