"""The everyday VNeID check («Tự làm 7»): the document wallet, a counter that asks for the
health card, and a procedure to find, on another person's papers than lesson 7's.

The same VNeID app as lesson 7 (:class:`~.vneid_daily.VneidDailySimulator`, its own screen
state, flow ``vneid_daily_check``) in check mode (:class:`~.checks.CheckFlow`), with a
scenario drawn from the learner, the check and the attempt (a retake after the trainer's
reset draws the next one):

* another adult of the learner's household (:func:`.checks.check_persona`), whose account is
  at level 2 and opens only with the passcode on that person's card (not lesson 1's);
* which papers to integrate: both the health-insurance card and the driving licence, or
  only one of them (the other already in the wallet);
* another counter than the lesson's clinic asks for the health card (the district hospital or
  the commune health station, fictional);
* another procedure to find in «Thủ tục hành chính» than the newborn bundle (the temporary
  residence, the criminal-record certificate or the stay notice).

The three graded tasks are lesson 7's (:data:`.vneid_daily.TASKS`), judged the same way
(:func:`.vneid_daily.completed_tasks` on the check's evidence). A refusal that would tell the
resident what the right choice is (the screenshot, the passcode told, the licence or no card
shown, another procedure) says only that it was not accepted; every refusal before «Nộp bài»
is a mistake, explained in the review (:data:`.checks.VNEID_DAILY_CHECK`).

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="vneid-daily-check-doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> check = box.vneid_daily_check("hv001")
>>> check.persona.persona_id != box.vneid_daily("hv001").persona.persona_id
True
>>> status = check.status()
>>> status.counter != vneid_daily.CLINIC, status.target != vneid_daily.NEWBORN_PROCEDURE
(True, True)
>>> check.mistakes(), check.finished()
([], False)
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from . import registry, vneid_daily
from .checks import VNEID_DAILY_CHECK, CheckFlow, Goal, check_persona
from .clock import Clock
from .errors import N_
from .evidence import Event
from .store import Store, load_flow_state
from .vneid_daily import (
    BHYT,
    CCCD,
    GPLX,
    HEALTH_STATION,
    HOSPITAL,
    INTEGRABLE,
    LOGIN,
    DailyMistake,
    NotShown,
    PasscodeShared,
    ScreenshotShown,
    Status,
    Step,
    WrongPaperShown,
    WrongPasscode,
    WrongProcedure,
)

__all__ = ["CHECK_COUNTERS", "CHECK_PROCEDURES", "PAPER_SETS", "NotAccepted",
           "VneidDailyCheckSimulator"]

T = TypeVar("T")

#: The papers a check asks to integrate (the others of :data:`.vneid_daily.INTEGRABLE` are
#: in the wallet already).
PAPER_SETS: tuple[tuple[str, ...], ...] = ((BHYT, GPLX), (GPLX,), (BHYT,))
#: The counters a check sends the resident to (not the lesson's clinic).
CHECK_COUNTERS = (HOSPITAL, HEALTH_STATION)
#: The procedures a check asks to find (not the lesson's newborn bundle).
CHECK_PROCEDURES = ("temporary", "judicial", "stay")

#: How the goal names each part of the scenario (source strings, translated on the page).
_PAPER_WORDS = {(BHYT, GPLX): N_("thẻ BHYT và giấy phép lái xe"),
                (GPLX,): N_("giấy phép lái xe"), (BHYT,): N_("thẻ BHYT")}
_COUNTER_WORDS = {HOSPITAL: N_("ở quầy tiếp đón của bệnh viện huyện"),
                  HEALTH_STATION: N_("ở trạm y tế xã")}
_PROCEDURE_WORDS = {
    "temporary": N_("khai báo nơi ở mới khi lên thành phố ở nhà con vài tháng"),
    "judicial": N_("xin giấy xác nhận không có án tích để làm hồ sơ xin việc"),
    "stay": N_("báo cho công an biết có người thân về ngủ lại nhà hai đêm"),
}


class NotAccepted(DailyMistake):
    """A refusal in the check that does not say what the right choice is (its code is the
    practice's, so the review explains it)."""

    code = "vneid_daily_check.not_accepted"
    message = N_("Không được chấp nhận. Hãy thử cách khác.")


# One quiet kind per practice refusal that would explain the right choice: its code, so the
# review explains it, and module-level classes, so a page's desk rebuilds them (``wire``).

class QuietScreenshot(NotAccepted):
    code = ScreenshotShown.code


class QuietPasscodeShared(NotAccepted):
    code = PasscodeShared.code


class QuietWrongPaper(NotAccepted):
    code = WrongPaperShown.code


class QuietNotShown(NotAccepted):
    code = NotShown.code


class QuietWrongProcedure(NotAccepted):
    code = WrongProcedure.code


#: The practice's refusals that would explain the right choice, and their quiet kind.
_QUIET: dict[type[DailyMistake], type[DailyMistake]] = {
    ScreenshotShown: QuietScreenshot, PasscodeShared: QuietPasscodeShared,
    WrongPaperShown: QuietWrongPaper, NotShown: QuietNotShown,
    WrongProcedure: QuietWrongProcedure}


class VneidDailyCheckSimulator(CheckFlow, vneid_daily.VneidDailySimulator):
    """Lesson 7's VNeID app in check mode (see the module's notes)."""

    check = VNEID_DAILY_CHECK
    flow = VNEID_DAILY_CHECK.flow
    lesson = VNEID_DAILY_CHECK.lesson

    def __init__(self, store: Store, clock: Clock, rng: random.Random, learner_id: str) -> None:
        super().__init__(store, clock, rng, learner_id)
        with store.engine.connect() as conn:
            saved = load_flow_state(conn, learner_id, self.flow) or {}
        chosen = saved.get("persona_id")
        self.persona = (registry.persona(store, chosen) if chosen
                        else check_persona(store, learner_id, self.lesson, self.attempt))

    def _fresh(self) -> dict[str, Any]:
        state = super()._fresh()
        draw = self._draw()
        papers = draw.choice(PAPER_SETS)
        state["wallet"] = [CCCD, *(k for k in INTEGRABLE if k not in papers)]
        state["persona_id"] = self.persona.persona_id
        state["scenario"] = {"papers": list(papers), "counter": draw.choice(CHECK_COUNTERS),
                             "procedure": draw.choice(CHECK_PROCEDURES)}
        return state

    def _act(self, task: str, action: Callable[[Connection, dict[str, Any]], T],
             *allowed: StrEnum, **detail: Any) -> T:
        def quietly(conn: Connection, state: dict[str, Any]) -> T:
            try:
                return action(conn, state)
            except tuple(_QUIET) as err:
                raise _QUIET[type(err)]() from None
        return super()._act(task, quietly, *allowed, **detail)

    def _lesson_events(self) -> list[Event]:
        return self._attempt_events()

    def _target(self, state: dict[str, Any]) -> str:
        return str(state["scenario"]["procedure"])

    def card(self) -> registry.Persona:
        """The person whose app this check opens (the card on the screen; a page's desk
        answers ``persona`` with the learner's own)."""
        return self.persona

    def scenario(self) -> dict[str, Any]:
        """The papers to integrate, the counter and the procedure drawn."""
        return self._read(lambda conn, state: dict(state["scenario"]))

    def status(self) -> Status:
        scenario = self.scenario()
        return dataclasses.replace(super().status(), own_account=False,
                                   counter=scenario["counter"], target=scenario["procedure"])

    def login(self, passcode: str) -> Status:
        """«Đăng nhập bằng passcode»: only the passcode on this person's card."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if str(passcode).strip() != self.card_passcode():
                state["passcode_fails"] += 1
                raise WrongPasscode()
            state["passcode_fails"] = 0
            state["step"] = Step.HOME.value
        self._act(LOGIN, act, Step.LOGIN)
        return self.status()

    def goal(self) -> Goal:
        s = self.scenario()
        return Goal(N_("Dùng VNeID của {name} (mở bằng passcode trên thẻ nhân vật): thêm {papers} "
                       "vào «Ví giấy tờ»; {counter}, người ta hỏi thẻ bảo hiểm y tế, hãy đưa "
                       "đúng cách; rồi trong «Thủ tục hành chính» tìm thủ tục để {procedure}."),
                    {"name": self.persona.full_name,
                     "papers": _PAPER_WORDS[tuple(s["papers"])],
                     "counter": _COUNTER_WORDS[s["counter"]],
                     "procedure": _PROCEDURE_WORDS[s["procedure"]]})
