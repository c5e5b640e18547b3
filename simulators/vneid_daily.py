"""Lesson 7, everyday VNeID: the document wallet, the clinic counter, the newborn bundle.

The learner's persona's VNeID account, already at level 2 (``docs/facts.md``: level 2
shows the electronic ID card and the integrated papers). The app opens at «Đăng nhập
bằng passcode»: the passcode printed on the lesson's persona card always opens it, and
so does the passcode the learner set in lesson 1 once lesson 1 reached level 2 (so a
learner who skipped lesson 1, or forgot the passcode, is never stuck). This lesson keeps
its own screen state (flow ``vneid_daily``); lesson 1's account is only read.

Three tasks, each an action of :class:`VneidDailySimulator` (:meth:`~.flow.LearnerFlow._act`):

* **the document wallet** (``add_wallet_papers``): «Ví giấy tờ» → «Tích hợp thông tin»:
  the health-insurance card (thẻ BHYT) found by the learner's ID number, and the driving
  licence (giấy phép lái xe) found by the number typed from the persona card; the app
  shows the paper's data from the (simulated) national data and the learner confirms it
  is hers. A number not on the card is refused (:class:`NotOnCard`) and not kept; the
  task is done once both papers are in the wallet;
* **at the clinic** (``show_at_clinic``): the receptionist asks for the health card; the
  learner opens the BHYT card (or the electronic ID card) in the wallet and lets the
  clinic scan its QR code. A screenshot, telling the receptionist the passcode, or the
  driving licence's code are recorded mistakes;
* **the newborn bundle** (``newborn_in_app``): in «Thủ tục hành chính», among other
  procedures, the learner picks the one that registers a birth, the permanent residence
  and the health-insurance card together (the service lesson 3 files on the national
  portal); another procedure is refused with what it is for.

A refusal is a typed :class:`DailyMistake` with a plain Vietnamese message, recorded under
the task's name with its code, and the learner may try again; the mistakes stay in the
evidence. Nothing typed is stored: a paper number is compared with the persona's.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Connection

from . import vneid
from .errors import N_, SandboxError
from .evidence import OK, Event, learner_events
from .flow import LearnerFlow, Refusal
from .registry import Persona

__all__ = [
    "BACK", "CLINIC_CHOICES", "COUNTERS", "FLOW", "LESSON", "NEWBORN_PROCEDURE", "PAPERS",
    "PROCEDURES", "TASKS", "TASK_CLINIC", "TASK_NEWBORN", "TASK_WALLET", "DailyMistake",
    "Paper", "Status", "Step", "VneidDailySimulator", "completed_tasks", "papers_of",
]

LESSON = "vneid_daily"
FLOW = "vneid_daily"

#: The lesson's graded tasks, in the order a resident earns them.
TASK_WALLET = "add_wallet_papers"
TASK_CLINIC = "show_at_clinic"
TASK_NEWBORN = "newborn_in_app"
TASKS = (TASK_WALLET, TASK_CLINIC, TASK_NEWBORN)

#: The other actions (recorded as evidence, no task).
LOGIN = "login"
FIND_PAPER = "find_paper"
START_CLINIC = "start_clinic"

#: The papers of the wallet: the electronic ID card is there from level 2; the two others
#: are integrated in this lesson.
CCCD, BHYT, GPLX = "cccd", "bhyt", "gplx"
PAPERS = (CCCD, BHYT, GPLX)
INTEGRABLE = (BHYT, GPLX)

#: The clinic's scene: what the learner may do when the receptionist asks for the card.
SHOW_QR, SCREENSHOT, TELL_PASSCODE = "show_qr", "screenshot", "tell_passcode"
CLINIC_CHOICES = (SHOW_QR, SCREENSHOT, TELL_PASSCODE)
#: The counters that may ask for the health card: the lesson's clinic, and those a check
#: («Tự làm 7», :mod:`.vneid_daily_check`) draws instead (all fictional).
CLINIC, HOSPITAL, HEALTH_STATION = "clinic", "hospital", "health_station"
COUNTERS = (CLINIC, HOSPITAL, HEALTH_STATION)

#: «Thủ tục hành chính» as the sandbox lists it (the real list and its wording are [U],
#: docs/facts.md); key -> name.
NEWBORN_PROCEDURE = "newborn"
PROCEDURES: Mapping[str, str] = {
    "permanent": N_("Đăng ký thường trú"),
    "temporary": N_("Đăng ký tạm trú"),
    "stay": N_("Thông báo lưu trú"),
    NEWBORN_PROCEDURE: N_("Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký "
                          "thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"),
    "judicial": N_("Cấp phiếu lý lịch tư pháp"),
    "death": N_("Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, "
                "hưởng chế độ tử tuất"),
}


class Step(StrEnum):
    LOGIN = "login"
    HOME = "home"
    WALLET = "wallet"
    ADD_PAPER = "add_paper"
    CONFIRM_PAPER = "confirm_paper"
    PAPER = "paper"
    PROCEDURES = "procedures"
    PROCEDURE = "procedure"


#: Where «Quay lại» leads from each screen.
BACK: Mapping[Step, Step] = {
    Step.WALLET: Step.HOME, Step.ADD_PAPER: Step.WALLET, Step.CONFIRM_PAPER: Step.ADD_PAPER,
    Step.PAPER: Step.WALLET, Step.PROCEDURES: Step.HOME, Step.PROCEDURE: Step.PROCEDURES,
}
#: Where «go» may lead from each screen (the app's buttons and «Quay lại»).
MOVES: Mapping[Step, frozenset[Step]] = {
    Step.HOME: frozenset({Step.WALLET, Step.PROCEDURES}),
    Step.WALLET: frozenset({Step.HOME, Step.ADD_PAPER}),
    Step.ADD_PAPER: frozenset({Step.WALLET}),
    Step.CONFIRM_PAPER: frozenset({Step.ADD_PAPER}),
    Step.PAPER: frozenset({Step.WALLET}),
    Step.PROCEDURES: frozenset({Step.HOME}),
    Step.PROCEDURE: frozenset({Step.PROCEDURES, Step.HOME}),
}


# -- the persona's papers (fictional numbers, derived from the persona) --------------------

@dataclass(frozen=True)
class Paper:
    """One paper of the wallet as the app shows it (all fictional)."""

    kind: str
    number: str
    holder: str
    birth_date: str
    #: the paper's own line: the licence's class, the card's place of first treatment
    detail: str
    valid_until: str


def _digits(persona: Persona, what: str, count: int) -> str:
    seed = hashlib.sha256(f"{what}:{persona.persona_id}".encode()).hexdigest()
    return str(int(seed, 16))[-count:].zfill(count)


def papers_of(persona: Persona) -> dict[str, Paper]:
    """The persona's papers: the e-ID card, the health-insurance card (the 10-digit social
    insurance code, starting with the province's two digits, [U]) and a class-A1 driving
    licence (12 digits, [U]). Derived from the persona, so the card and the app agree.

    >>> from bakhong.simulators.registry import Persona
    >>> p = Persona("p1", "038186000001", "Lê Thị Hoa", "F", "1968-03-02", "0399000001",
    ...             "0399000002", "con", "h1", "Thôn 1", "Xã Thọ Long", "Thanh Hóa")
    >>> papers = papers_of(p)
    >>> len(papers["bhyt"].number), papers["bhyt"].number[:2], len(papers["gplx"].number)
    (10, '38', 12)
    """
    province = persona.id_number[1:3]
    return {
        CCCD: Paper(CCCD, persona.id_number, persona.full_name, persona.birth_date,
                    persona.address, "2036-12-31"),
        BHYT: Paper(BHYT, province + _digits(persona, "bhyt", 8), persona.full_name,
                    persona.birth_date, N_("Trạm Y tế {commune}"), "2026-12-31"),
        GPLX: Paper(GPLX, province + _digits(persona, "gplx", 10), persona.full_name,
                    persona.birth_date, "A1", N_("Không thời hạn")),
    }


def sandbox_passcode(persona: Persona) -> str:
    """The passcode printed on the lesson's persona card (fictional, six digits)."""
    return _digits(persona, "passcode", 6)


# -- the mistakes ---------------------------------------------------------------------------

class DailyMistake(SandboxError):
    code = "vneid_daily.mistake"


class WrongStep(DailyMistake):
    code = "vneid_daily.wrong_step"
    message = N_("Thao tác này chưa thực hiện được ở bước hiện tại. Hãy làm theo màn hình.")


class WrongPasscode(DailyMistake):
    code = "vneid_daily.passcode_wrong"
    message = N_("Passcode không đúng. Passcode gồm 6 chữ số, có trên thẻ nhân vật của bạn.")


class UnknownPaper(DailyMistake):
    code = "vneid_daily.unknown_paper"
    message = N_("Hãy chọn một loại giấy tờ trong danh sách.")


class NotOnCard(DailyMistake):
    code = "vneid_daily.not_on_card"
    message = N_("Không tìm thấy giấy tờ của bạn với số này. Hãy nhập đúng số giấy phép lái "
                 "xe trên thẻ nhân vật; đừng nhập số của người khác.")


class AlreadyInWallet(DailyMistake):
    code = "vneid_daily.already_in_wallet"
    message = N_("Giấy tờ này đã có trong «Ví giấy tờ».")


class NotInWallet(DailyMistake):
    code = "vneid_daily.not_in_wallet"
    message = N_("Giấy tờ này chưa có trong «Ví giấy tờ». Hãy bấm «Tích hợp thông tin» trước.")


class ClinicNotStarted(DailyMistake):
    code = "vneid_daily.clinic_not_started"
    message = N_("Bạn chưa đến quầy tiếp đón. Hãy bấm «Đến phòng khám» ở trang chủ.")


class NotShown(DailyMistake):
    code = "vneid_daily.not_shown"
    message = N_("Hãy mở thẻ BHYT (hoặc căn cước điện tử) trong «Ví giấy tờ» trước, rồi mới "
                 "đưa mã QR cho lễ tân quét.")


class WrongPaperShown(DailyMistake):
    code = "vneid_daily.wrong_paper"
    message = N_("Đây là giấy phép lái xe. Khám bệnh có bảo hiểm y tế thì đưa thẻ BHYT hoặc "
                 "căn cước điện tử trong VNeID.")


class ScreenshotShown(DailyMistake):
    code = "vneid_daily.screenshot"
    message = N_("Ảnh chụp màn hình không thay được thẻ: phòng khám cần quét mã QR trên ứng "
                 "dụng VNeID đang mở. Ảnh còn dễ bị người khác lấy dùng.")


class PasscodeShared(DailyMistake):
    code = "vneid_daily.passcode_shared"
    message = N_("Không bao giờ nói passcode cho ai, kể cả nhân viên phòng khám. Bạn tự mở "
                 "thẻ trên điện thoại của mình rồi cho họ quét mã QR.")


class WrongProcedure(DailyMistake):
    code = "vneid_daily.wrong_procedure"
    message = N_("«{name}» không phải thủ tục cho trẻ mới sinh. Hãy tìm thủ tục liên thông "
                 "đăng ký khai sinh, đăng ký thường trú và cấp thẻ BHYT cho trẻ dưới 6 tuổi.")


# -- the app ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    """What the app shows now: a value, read from the store."""

    step: Step
    #: the papers in the wallet, in the app's order
    wallet: tuple[str, ...]
    #: the paper found and waiting to be confirmed (CONFIRM_PAPER) or on show (PAPER)
    paper: str | None
    clinic_started: bool
    procedure: str | None
    #: lesson 1's account reached level 2: its passcode opens this app too
    own_account: bool
    done: frozenset[str]
    #: the counter that asks for the health card (:data:`COUNTERS`; a check draws another)
    counter: str = CLINIC
    #: the procedure to find in «Thủ tục hành chính» (a check draws another)
    target: str = NEWBORN_PROCEDURE


class VneidDailySimulator(LearnerFlow):
    """The learner's VNeID app in lesson 7 (see the module's notes)."""

    flow = FLOW
    lesson = LESSON
    steps = Step
    wrong_step = WrongStep

    def _fresh(self) -> dict[str, Any]:
        return {"step": Step.LOGIN.value, "wallet": [CCCD], "paper": None,
                "clinic_started": False, "procedure": None, "passcode_fails": 0}

    def _facts(self, state: dict[str, Any], refusal: Refusal | None,
               detail: Mapping[str, Any]) -> dict[str, Any]:
        """The step, and the papers in the wallet after the action (the wallet task is
        judged from them)."""
        return {"step": state["step"], "wallet": list(state["wallet"]), **detail}

    # -- readings -----------------------------------------------------------------------

    def status(self) -> Status:
        def read(conn: Connection, state: dict[str, Any]) -> Status:
            return Status(Step(state["step"]), tuple(p for p in PAPERS if p in state["wallet"]),
                          state["paper"], state["clinic_started"], state["procedure"],
                          vneid.has_level2_passcode(conn, self.learner_id), frozenset())
        status = self._read(read)
        done = frozenset(completed_tasks(self._lesson_events(), self.lesson))
        return dataclasses.replace(status, done=done)

    def _lesson_events(self) -> list[Event]:
        """The evidence the task marks are read from (a check: its attempt's)."""
        return learner_events(self.store, self.learner_id, self.lesson)

    def _target(self, state: dict[str, Any]) -> str:
        """The procedure to find: the newborn bundle (a check draws another)."""
        return NEWBORN_PROCEDURE

    def papers(self) -> dict[str, Paper]:
        """The persona's papers (the wallet shows those in :attr:`Status.wallet`)."""
        return papers_of(self.persona)

    def card_passcode(self) -> str:
        """The passcode on the lesson's persona card."""
        return sandbox_passcode(self.persona)

    def qr_payload(self) -> str:
        """What the QR code of the paper on show holds: the paper's kind and number, marked
        as the sandbox's (fictional; the real code's content is [U])."""
        state = self._current()
        kind = state["paper"]
        if state["step"] != Step.PAPER.value or kind is None:
            raise NotShown()
        paper = self.papers()[kind]
        return f"BAKHONG-MO-PHONG|VNEID|{kind.upper()}|{paper.number}"

    # -- the learner's actions ----------------------------------------------------------

    def login(self, passcode: str) -> Status:
        """«Đăng nhập bằng passcode»: the card's passcode, or lesson 1's."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            typed = str(passcode).strip()
            ok = typed == self.card_passcode() or \
                vneid.passcode_matches(conn, self.learner_id, typed)
            if not ok:
                state["passcode_fails"] += 1
                raise WrongPasscode()
            state["passcode_fails"] = 0
            state["step"] = Step.HOME.value
        self._act(LOGIN, act, Step.LOGIN)
        return self.status()

    def go(self, step: Step | str) -> Status:
        """A button that opens another screen, or «Quay lại»."""
        target = next((s for s in Step if s == step), None)  # a page's value: untrusted

        def act(conn: Connection, state: dict[str, Any]) -> None:
            here = Step(state["step"])
            if target is None or target not in MOVES.get(here, frozenset()):
                raise WrongStep(f"{here} -> {step}")
            state["step"] = target.value
            if target in (Step.WALLET, Step.HOME, Step.ADD_PAPER):
                state["paper"] = None
        self._act("go." + (target.value if target else "other"), act)
        return self.status()

    def find_paper(self, kind: str, number: str = "") -> Status:
        """«Tích hợp thông tin»: the BHYT card found by the learner's ID number, the driving
        licence by the number typed (compared with the persona's, never kept)."""
        paper = kind if kind in INTEGRABLE else "other"

        def act(conn: Connection, state: dict[str, Any]) -> None:
            if kind not in INTEGRABLE:
                raise UnknownPaper()
            if kind in state["wallet"]:
                raise AlreadyInWallet()
            if kind == GPLX and "".join(str(number).split()) != self.papers()[GPLX].number:
                raise NotOnCard()
            state["paper"] = kind
            state["step"] = Step.CONFIRM_PAPER.value
        self._act(TASK_WALLET, act, Step.ADD_PAPER, paper=paper, did=FIND_PAPER)
        return self.status()

    def confirm_paper(self) -> Status:
        """«Xác nhận»: the data shown is the learner's; the paper goes into the wallet."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            kind = state["paper"]
            state["wallet"].append(kind)
            state["paper"] = None
            state["step"] = Step.WALLET.value
        self._act(TASK_WALLET, act, Step.CONFIRM_PAPER, did="confirm")
        return self.status()

    def open_paper(self, kind: str) -> Status:
        """A paper of the wallet, opened full screen with its QR code."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if kind not in PAPERS:
                raise UnknownPaper()
            if kind not in state["wallet"]:
                raise NotInWallet()
            state["paper"] = kind
            state["step"] = Step.PAPER.value
        self._act("open_paper", act, Step.WALLET, paper=kind if kind in PAPERS else "other")
        return self.status()

    def start_clinic(self) -> Status:
        """«Đến phòng khám»: the receptionist asks for the health-insurance card."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["clinic_started"] = True
        self._act(START_CLINIC, act)
        return self.status()

    def clinic_answer(self, choice: str) -> Status:
        """What the learner does at the counter (:data:`CLINIC_CHOICES`)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if not state["clinic_started"]:
                raise ClinicNotStarted()
            if choice == SCREENSHOT:
                raise ScreenshotShown()
            if choice == TELL_PASSCODE:
                raise PasscodeShared()
            if choice != SHOW_QR:
                raise WrongStep(f"clinic {choice!r}")
            if state["step"] != Step.PAPER.value or state["paper"] is None:
                raise NotShown()
            if state["paper"] == GPLX:
                raise WrongPaperShown()
        self._act(TASK_CLINIC, act,
                  choice=choice if choice in CLINIC_CHOICES else "other")
        return self.status()

    def choose_procedure(self, key: str) -> Status:
        """A procedure of «Thủ tục hành chính»: the newborn bundle opens, another is refused
        with what it is for."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if key not in PROCEDURES:
                raise WrongStep(f"procedure {key!r}")
            if key != self._target(state):
                raise WrongProcedure(name=PROCEDURES[key])
            state["procedure"] = key
            state["step"] = Step.PROCEDURE.value
        self._act(TASK_NEWBORN, act, Step.PROCEDURES,
                  procedure=key if key in PROCEDURES else "other")
        return self.status()


def completed_tasks(events: Iterable[Event], lesson: str = LESSON) -> set[str]:
    """The lesson's tasks done, as the hidden tests judge them. The wallet is done once an
    ``ok`` of its task leaves both the BHYT card and the driving licence in the wallet;
    the two others once an answer was right. Mistakes stay in the evidence and undo nothing.

    >>> half = Event(LESSON, TASK_WALLET, OK, "", {"wallet": ["cccd", "bhyt"]})
    >>> full = Event(LESSON, TASK_WALLET, OK, "", {"wallet": ["cccd", "bhyt", "gplx"]})
    >>> wrong = Event(LESSON, TASK_CLINIC, ScreenshotShown.code, "", {"wallet": []})
    >>> sorted(completed_tasks([half, wrong])), sorted(completed_tasks([half, full]))
    ([], ['add_wallet_papers'])
    """
    done = set()
    for event in events:
        if event.lesson != lesson or event.outcome != OK or event.task not in TASKS:
            continue
        if event.task == TASK_WALLET and not set(INTEGRABLE) <= set(
                event.detail.get("wallet", ())):
            continue
        done.add(event.task)
    return done
