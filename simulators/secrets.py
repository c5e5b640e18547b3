"""Keeping one's secrets: lesson 10's four choices.

A sibling of :mod:`.scams` on the drill machinery of :mod:`.safety`
(:class:`~.safety.DrillFlow`): its own flow ``secrets``, tasks and mistakes. Every choice is an
evidence event: the right one with outcome ``ok``, a wrong one with the code of its
:class:`~.safety.Mistake` (``secrets.…``), the scene's step in ``detail["step"]``. A wrong
choice ends the attempt with a plain explanation; the scene can be retried and counts once it
is done right (the mistake stays in the evidence).

=====================  ==========================================================================
scene (task)           what the learner chooses
=====================  ==========================================================================
``password_notebook``  where to keep the passwords and PINs she cannot remember. Right: a notebook
                       kept at home in a safe place. A note stuck on the phone, a photo in the
                       phone's gallery, or one password for everything are the mistakes.
``own_name``           a shop offers to register her SIM, and open her e-wallet, under the shop
                       owner's or a nephew's name "to save time". Right: refuse, register both
                       in her own name with her own ID card.
``who_may_help``       she cannot open her bank app. Right: her grandson (or the commune's
                       digital-technology team) shows where to tap, and she types her PIN
                       herself, the screen covered. Telling the grandson the PIN, or handing
                       the phone to a "helpful" stranger, are the mistakes.
``lend_phone``         a stranger at the market borrows her phone "to make a call" and opens her
                       bank app. Right: take the phone back at once and lock the screen. Letting
                       them go on, or telling them the PIN, are the mistakes.
=====================  ==========================================================================

**Sources**: see ``docs/facts.md`` (lesson 10), with [S] sourced and [U] unverified. Names,
numbers and places are fictional.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from .errors import N_
from .evidence import OK, Event
from .safety import Drill, DrillFlow, DrillOutcome, Mistake, SafetyError

__all__ = ["BORROWERS", "DRILLS", "FLOW", "HELPERS", "LESSON", "OFFERERS", "SCENE", "SECRETS",
           "TASKS", "Outcome", "SecretsSimulator", "Status", "Step", "completed_tasks", "scene"]

LESSON = "secrets"
FLOW = "secrets"

TASK_NOTEBOOK = "password_notebook"
TASK_OWN_NAME = "own_name"
TASK_HELP = "who_may_help"
TASK_LEND = "lend_phone"


class Step(StrEnum):
    HOME = "home"
    NOTEBOOK = "password_notebook"
    SHOP = "shop_counter"
    HELPER = "who_may_help"
    LEND = "lend_phone"
    OUTCOME = "outcome"


DRILLS = (
    Drill(TASK_NOTEBOOK, N_("Cất mật khẩu và mã PIN ở đâu"), Step.NOTEBOOK),
    Drill(TASK_OWN_NAME, N_("Cửa hàng đòi đăng ký SIM, ví điện tử tên người khác"), Step.SHOP),
    Drill(TASK_HELP, N_("Ai được giúp, ai không được giúp"), Step.HELPER),
    Drill(TASK_LEND, N_("Người lạ mượn điện thoại «gọi nhờ»"), Step.LEND),
)
TASKS = tuple(d.task for d in DRILLS)

#: The fictional people of the scenes.
GRANDSON = "Minh"
SHOP = "Tâm Phát"  # the phone shop's name
SHOP_OWNER = "Tâm"
NEPHEW = "Hùng"


@dataclass(frozen=True)
class Secret:
    """What the learner is afraid to forget (``password_notebook``): what is said, the list
    shown (may be empty) and the question (Vietnamese source strings)."""

    key: str
    said: str
    things: tuple[str, ...]
    ask: str


#: The secrets of the notebook scene: the practice's list first, the check's others.
SECRETS = {s.key: s for s in (
    Secret("list", N_("Bạn có nhiều mật khẩu và mã PIN, sợ quên:"),
           (N_("Mật khẩu Zalo"), N_("Mật khẩu (passcode) VNeID"), N_("Mã PIN ứng dụng ngân hàng"),
            N_("Mã PIN thẻ ATM")), N_("Bạn sẽ cất chúng ở đâu?")),
    Secret("wallet_pin", N_("Bạn vừa đặt mã PIN mới cho ví điện tử, 6 số, sợ quên."), (),
           N_("Bạn sẽ cất mã đó ở đâu?")),
    Secret("vneid_passcode", N_("Bạn vừa đặt passcode mới cho VNeID, 6 số, sợ quên."), (),
           N_("Bạn sẽ cất mã đó ở đâu?")),
)}


@dataclass(frozen=True)
class Offerer:
    """Who offers a SIM and an e-wallet in another's name (``own_name``): the place (``{shop}``),
    the speaker (``{name}``: the offerer), what they say (``{name}``: the learner, ``{other}``:
    the other name) and the two wrong choices' labels."""

    key: str
    place: str
    speaker: str
    sim_line: str
    wallet_line: str
    sim_choice: str
    wallet_choice: str


#: The offerers: the practice's phone shop first, the check's SIM seller at the market.
OFFERERS = {o.key: o for o in (
    Offerer("shop", N_("Cửa hàng điện thoại {shop}"), N_("Chủ cửa hàng {name}"),
            N_("Chào {name}! Bác mua SIM mới à? Em đăng ký luôn bằng tên em cho nhanh, bác khỏi "
               "mang căn cước."),
            N_("Ví điện tử thì em mở bằng tên cháu {nephew} nhà bác, đỡ phải chụp mặt."),
            N_("Đồng ý: SIM đứng tên chủ cửa hàng cho nhanh"),
            N_("Đồng ý: ví điện tử đứng tên cháu {nephew}")),
    Offerer("market", N_("Sạp bán SIM ở chợ"), N_("Người bán SIM"),
            N_("Chào {name}! SIM này em kích hoạt sẵn bằng tên em rồi, bác lấy dùng luôn, khỏi "
               "chụp căn cước."),
            N_("Ví điện tử thì nhờ {nephew}, con trai nhà hàng xóm bác, đứng tên giúp cho "
               "nhanh."),
            N_("Đồng ý: lấy SIM đã đứng tên người bán"),
            N_("Đồng ý: ví điện tử đứng tên {nephew}, con nhà hàng xóm")),
)}


@dataclass(frozen=True)
class Helpers:
    """Where the learner needs help (``who_may_help``; ``{grandson}``: the grandchild) and the
    stranger who offers it: who, what they say, the wrong choice's label."""

    key: str
    said: str
    stranger: str
    stranger_line: str
    stranger_choice: str


#: The helper scenes: the practice's commune office first, the check's market.
HELPERS = {h.key: h for h in (
    Helpers("commune", N_("Ở xã, bạn không mở được ứng dụng ngân hàng. Cháu {grandson} đi cùng "
                          "bạn."),
            N_("Người lạ đứng cạnh"), N_("Bác đưa máy đây tôi làm giúp, tôi rành lắm."),
            N_("Đưa điện thoại cho người lạ làm giúp")),
    Helpers("market", N_("Ở chợ, bạn không mở được ví điện tử để trả tiền. Cháu {grandson} đi "
                         "cùng bạn."),
            N_("Một người đàn ông ở chợ"), N_("Bác đưa máy đây, tôi mở ví giúp cho, tôi rành "
                                               "mấy cái này."),
            N_("Đưa điện thoại cho người đàn ông đó mở giúp")),
)}


@dataclass(frozen=True)
class Borrower:
    """Who borrows the phone "to make a call" (``lend_phone``), where, what they open
    instead, what they ask, and the telling choice's label."""

    key: str
    place: str
    person: str
    seen: str
    ask: str
    tell: str


#: The borrowers: the practice's stranger at the market (the bank app) first, the check's.
BORROWERS = {b.key: b for b in (
    Borrower("market_bank", N_("Ở chợ"), N_("Người lạ ở chợ"),
             N_("Bạn thấy người đó không gọi điện, mà đang mở ứng dụng ngân hàng trên máy bạn."),
             N_("Máy hỏi mã PIN gì đây bác? Bác đọc giúp cháu."), N_("Đọc mã PIN cho người đó")),
    Borrower("station_wallet", N_("Ở bến xe"), N_("Người lạ ở bến xe"),
             N_("Bạn thấy người đó không gọi điện, mà đang mở ví điện tử trên máy bạn."),
             N_("Ví hỏi mã PIN gì đây bác? Bác đọc giúp cháu."), N_("Đọc mã PIN cho người đó")),
    Borrower("station_zalo", N_("Ở bến xe"), N_("Người lạ ở bến xe"),
             N_("Bạn thấy người đó không gọi điện, mà đang mở Zalo của bạn, xem tin nhắn."),
             N_("Zalo hỏi mật khẩu gì đây bác? Bác đọc giúp cháu."),
             N_("Đọc mật khẩu Zalo cho người đó")),
)}

#: Who and what the scenes show in the practice (a check draws others: ``scenario["cast"]``).
SCENE = MappingProxyType({"secret": "list", "offerer": "shop", "owner": SHOP_OWNER,
                          "shop": SHOP, "nephew": NEPHEW, "grandson": GRANDSON,
                          "helpers": "commune", "borrower": "market_bank"})


def scene(scenario: Mapping[str, Any]) -> dict[str, str]:
    """Who and what the scenes show: the secret, the offerer (and the shop, its owner, the
    other name offered), the grandchild, the helper scene, the borrower; this lesson's or a
    check's drawn ones.

    >>> scene({})["grandson"], scene({"cast": {"grandson": "Thảo"}})["grandson"]
    ('Minh', 'Thảo')
    """
    return {**SCENE, **(scenario.get("cast") or {})}


# --- refusals and mistakes --------------------------------------------------------------------

class SecretsError(SafetyError):
    code = "secrets.error"


class UnknownDrill(SecretsError):
    code = "secrets.unknown_drill"
    message = N_("Không có bài luyện này. Hãy chọn một bài trong danh sách.")


class WrongStep(SecretsError):
    code = "secrets.wrong_step"
    message = N_("Thao tác này chưa thực hiện được ở bước hiện tại. Hãy làm theo màn hình.")


class StickyNote(Mistake):
    code = "secrets.sticky_note"
    message = N_("Mẩu giấy dán trên điện thoại đi cùng điện thoại: ai cầm máy cũng đọc được "
                 "mã. Hãy ghi vào sổ và cất sổ ở nhà, chỗ kín đáo.")
    consequence = N_("Rơi điện thoại ở chợ, người nhặt được có cả máy lẫn mã PIN, mở ứng dụng "
                     "ngân hàng và chuyển tiền đi.")


class PhotoInGallery(Mistake):
    code = "secrets.photo_in_gallery"
    message = N_("Ảnh trong thư viện ảnh của điện thoại không kín: ai mượn máy, ứng dụng lạ, "
                 "hay kẻ gian điều khiển máy từ xa đều xem được. Hãy ghi vào sổ, cất ở nhà.")
    consequence = N_("Một ứng dụng giả được cài vào máy đọc thư viện ảnh, thấy ảnh chụp mật "
                     "khẩu và mã PIN, rồi rút tiền.")


class SamePassword(Mistake):
    code = "secrets.same_password"
    message = N_("Một mật khẩu cho mọi thứ thì lộ một chỗ là mất tất cả. Mỗi ứng dụng một mật "
                 "khẩu riêng, ghi vào sổ cất ở nhà.")
    consequence = N_("Mật khẩu Zalo bị lộ; kẻ gian thử đúng mật khẩu đó với ứng dụng ngân hàng "
                     "và VNeID, và vào được cả hai.")


class SimInOtherName(Mistake):
    code = "secrets.sim_in_other_name"
    message = N_("SIM phải đăng ký đúng tên, đúng giấy tờ của người dùng. SIM đứng tên người "
                 "khác có thể bị khóa, và mã OTP của ngân hàng, VNeID gửi về số đó không còn "
                 "là của bạn.")
    consequence = N_("Chủ cửa hàng đứng tên SIM của bạn. Một ngày SIM bị khóa, bạn không nhận "
                     "được mã OTP để vào ngân hàng và VNeID.")


class AccountInOtherName(Mistake):
    code = "secrets.account_in_other_name"
    message = N_("Tài khoản, ví điện tử phải đứng tên chính mình. Tài khoản đứng tên người "
                 "khác, tiền trong đó là của người khác; mượn tên, cho mượn tên để mở tài khoản "
                 "là vi phạm pháp luật, và kẻ gian hay dùng những tài khoản như vậy để lừa đảo.")
    consequence = N_("Tiền lương hưu của bạn vào một ví đứng tên cháu Hùng. Bạn không tự rút "
                     "được, và ví đó có thể bị dùng để nhận tiền lừa đảo.")


class HelperTypedPin(Mistake):
    code = "secrets.helper_typed_pin"
    message = N_("Cháu được chỉ chỗ bấm, nhưng mật khẩu, mã PIN, mã OTP thì chỉ mình bạn gõ. "
                 "Bạn tự gõ, che màn hình lại.")
    consequence = N_("Mã PIN không còn là bí mật. Ai biết mã PIN, cầm được máy là chuyển được "
                     "tiền của bạn.")


class StrangerHelped(Mistake):
    code = "secrets.stranger_helped"
    message = N_("Không đưa điện thoại đã mở khóa cho người lạ, dù họ tỏ ra tốt bụng. Ở xã, "
                 "hãy hỏi tổ công nghệ số cộng đồng hoặc cán bộ ở quầy: họ chỉ cách, không "
                 "hỏi mã của bạn.")
    consequence = N_("Người lạ đọc được mã OTP vừa đến và chuyển tiền trong tài khoản của bạn "
                     "đi, rồi trả máy, cảm ơn.")


class LetBorrowerGoOn(Mistake):
    code = "secrets.let_borrower_go_on"
    message = N_("Người mượn máy «gọi nhờ» không có việc gì trong ứng dụng ngân hàng. Lấy lại "
                 "điện thoại ngay và khóa màn hình.")
    consequence = N_("Người đó chuyển tiền từ tài khoản của bạn sang tài khoản của họ trong "
                     "lúc bạn chờ.")


class ToldBorrowerPin(Mistake):
    code = "secrets.told_borrower_pin"
    message = N_("Không đọc mã PIN cho ai, dù họ nói gì. Lấy lại điện thoại ngay; lần sau, "
                 "bạn tự bấm số giúp họ và giữ máy trong tay.")
    consequence = N_("Có mã PIN, người đó chuyển hết tiền trong tài khoản của bạn.")


_MISTAKES: dict[str, type[Mistake]] = {
    cls.code: cls for cls in (StickyNote, PhotoInGallery, SamePassword, SimInOtherName,
                              AccountInOtherName, HelperTypedPin, StrangerHelped,
                              LetBorrowerGoOn, ToldBorrowerPin)}

#: What the outcome screen says after the right choice of each scene.
RIGHT = {
    TASK_NOTEBOOK: N_("Đúng rồi. Sổ ghi mật khẩu cất ở nhà, chỗ kín đáo, không mang theo "
                      "cùng điện thoại. Mỗi ứng dụng một mật khẩu riêng."),
    TASK_OWN_NAME: N_("Đúng rồi. SIM, tài khoản ngân hàng và ví điện tử đều đứng tên chính "
                      "bạn, bằng căn cước của bạn. Mã OTP về đúng số của bạn."),
    TASK_HELP: N_("Đúng rồi. Cháu chỉ chỗ bấm, bạn tự gõ mã PIN và che màn hình. Tổ công nghệ "
                  "số cộng đồng ở xã cũng giúp như vậy, không bao giờ hỏi mã của bạn."),
    TASK_LEND: N_("Đúng rồi. Bạn lấy lại điện thoại và khóa màn hình. Lần sau, bạn tự bấm số "
                  "giúp và giữ máy trong tay."),
}

#: Said after the right choice when the learner asked the commune's team rather than family.
ASKED_TEAM = N_("Bạn cũng có thể đến tổ công nghệ số cộng đồng của xã mỗi khi cần.")


class Outcome(DrillOutcome):
    #: ``reported``: the right helper was the commune's team (who_may_help)
    right_texts, mistakes = RIGHT, _MISTAKES


@dataclass(frozen=True)
class Status:
    step: Step
    drill: str | None
    done: frozenset[str]
    outcome: Outcome | None
    scenario: dict[str, Any]


# --- the simulator ------------------------------------------------------------------------------

class SecretsSimulator(DrillFlow[Status]):
    """One learner's lesson 10 scenes, over the store (flow state ``secrets``)."""

    flow = FLOW
    lesson = LESSON
    steps = Step
    wrong_step = WrongStep
    drills = MappingProxyType({d.task: d for d in DRILLS})
    unknown_drill = UnknownDrill

    def _fresh(self) -> dict[str, Any]:
        return {"step": Step.HOME.value, "drill": None, "scenario": self._scenario()}

    def _scenario(self) -> dict[str, Any]:
        """The learner's scenes: drawn once, then kept (a reload shows the same numbers)."""
        return {
            "sim_tail": f"{self.rng.randrange(1000):03d}",
            "balance": self.rng.randrange(2, 9) * 1_000_000,
        }

    def status(self) -> Status:
        state = self._current()
        outcome = Outcome(**state["outcome"]) if state.get("outcome") else None
        return Status(Step(state["step"]), state.get("drill"), frozenset(state.get("done", [])),
                      outcome, dict(state["scenario"]))

    # -- 1. where the passwords are kept ----------------------------------------------------

    def stick_on_phone(self) -> Status:
        """«Ghi ra giấy, dán sau điện thoại»: the mistake."""
        return self._mistake("sticky_note", TASK_NOTEBOOK, Step.NOTEBOOK, StickyNote)

    def photo_in_gallery(self) -> Status:
        return self._mistake("photo", TASK_NOTEBOOK, Step.NOTEBOOK, PhotoInGallery)

    def same_password(self) -> Status:
        return self._mistake("same_password", TASK_NOTEBOOK, Step.NOTEBOOK, SamePassword)

    def notebook_at_home(self) -> Status:
        """«Ghi vào sổ, cất ở nhà, chỗ kín đáo»: right."""
        return self._right("notebook", TASK_NOTEBOOK, Step.NOTEBOOK)

    # -- 2. in one's own name ---------------------------------------------------------------

    def sim_in_shop_name(self) -> Status:
        return self._mistake("sim_other_name", TASK_OWN_NAME, Step.SHOP, SimInOtherName)

    def wallet_in_nephew_name(self) -> Status:
        return self._mistake("wallet_other_name", TASK_OWN_NAME, Step.SHOP, AccountInOtherName)

    def own_name(self) -> Status:
        """«Từ chối; đăng ký SIM và ví bằng căn cước của chính mình»: right."""
        return self._right("own_name", TASK_OWN_NAME, Step.SHOP)

    # -- 3. who may help --------------------------------------------------------------------

    def grandson_types_pin(self) -> Status:
        return self._mistake("grandson_types", TASK_HELP, Step.HELPER, HelperTypedPin)

    def stranger_helps(self) -> Status:
        return self._mistake("stranger", TASK_HELP, Step.HELPER, StrangerHelped)

    def type_pin_myself(self, *, team: bool = False) -> Status:
        """The grandson (or, with ``team``, the commune's team) shows; she types: right."""
        return self._right("type_myself", TASK_HELP, Step.HELPER, reported=team, team=team)

    # -- 4. lending the phone ---------------------------------------------------------------

    def let_borrower_go_on(self) -> Status:
        return self._mistake("let_go_on", TASK_LEND, Step.LEND, LetBorrowerGoOn)

    def tell_borrower_pin(self) -> Status:
        return self._mistake("tell_pin", TASK_LEND, Step.LEND, ToldBorrowerPin)

    def take_phone_back(self) -> Status:
        """«Lấy lại điện thoại ngay, khóa màn hình»: right."""
        return self._right("take_back", TASK_LEND, Step.LEND)


def completed_tasks(events: Iterable[Event], lesson: str = LESSON) -> set[str]:
    """The lesson 10 scenes done, judged from the evidence as the hidden tests judge it.

    >>> from bakhong.simulators.evidence import Event
    >>> sorted(completed_tasks([Event(LESSON, TASK_LEND, "secrets.tell_pin", "", {}),
    ...                         Event(LESSON, TASK_NOTEBOOK, OK, "", {}),
    ...                         Event(LESSON, "start", OK, "", {}),
    ...                         Event("scams", TASK_LEND, OK, "", {})]))
    ['password_notebook']
    """
    return {e.task for e in events
            if e.lesson == lesson and e.task in TASKS and e.outcome == OK}
