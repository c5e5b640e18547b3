"""The scams check («Tự làm 8»): lesson 8's five scenes again, with other people and other
fake authorities, and no explanation until «Nộp bài».

The same drill app as lesson 8 (:class:`~.scams.ScamsSimulator`, its own screen state, flow
``scams_check``), in check mode (:class:`~.checks.CheckFlow`), with a scenario drawn from the
learner, the check and the attempt (a retake after the trainer's reset draws the next one):
another friend asking on Zalo for the code "sent by mistake", another relative "in
hospital", another fake authority on the video call (the tax office or a court instead of
the police) asking for a «tài khoản an toàn», another fake bank call with another link, and
the money lost another way, with the order to follow afterwards (lock first, then report).
Who they are is kept in the scenario (``cast``), which the scenes read (:func:`.scams.scene`).

Unlike the practice, a choice is never explained during the check: a wrong one is recorded
(its mistake's code, as lesson 8 records it) and the app goes on as after a right one, to a
neutral screen, and the scene is marked answered either way. A scene may be opened again
and answered again: the task counts once it is answered right (:func:`.scams.completed_tasks`
on the check's evidence), and every wrong answer before «Nộp bài» is a mistake, explained
only in the review (:data:`.checks.SCAMS_CHECK`).

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="scams-check-doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> check = box.scams_check("hv001")
>>> cast = check.status().scenario["cast"]
>>> cast == box.scams_check("hv001").status().scenario["cast"]  # drawn, then kept
True
>>> cast["friend"] != scams.FRIEND, cast["authority"] != "police"
(True, True)
>>> check.start(scams.TASK_ZALO).step.value
'zalo_chat'
>>> check.send_zalo_code().step.value  # a mistake: no explanation, only the neutral screen
'outcome'
>>> [m.code for m in check.mistakes()]
['scams.sent_zalo_code']
"""

from __future__ import annotations

from typing import Any

from . import scams
from .bank import money
from .checks import SCAMS_CHECK, DrillCheckFlow, Goal
from .errors import N_

__all__ = ["FRIENDS", "RELATIVES", "ScamsCheckSimulator"]

#: The friends who "sent a code by mistake" in a check (not lesson 8's Lan; fictional).
FRIENDS = ("Hồng", "Cúc", "Tâm", "Thoa", "Bình")
#: The relatives "in hospital" in a check (not lesson 8's cháu Minh; fictional).
RELATIVES = (N_("cháu Hà"), N_("cháu Tuấn"), N_("cháu Ngọc"), N_("con trai Dũng"))
#: The check's fake authorities, bank calls and stories (not the practice's).
CHECK_AUTHORITIES = ("tax", "court")
CHECK_BANK_CALLS = ("chip_card",)
CHECK_STORIES = ("link",)


class ScamsCheckSimulator(DrillCheckFlow[scams.Status], scams.ScamsSimulator):
    """Lesson 8's drill app in check mode (see the module's notes)."""

    check = SCAMS_CHECK
    flow = SCAMS_CHECK.flow
    lesson = SCAMS_CHECK.lesson

    def _scenario(self) -> dict[str, Any]:
        draw = self._draw()
        return {
            "zalo_code": f"{draw.randrange(10**6):06d}",
            "hospital_amount": draw.randrange(20, 60) * 1_000_000,
            "lost_amount": draw.randrange(3, 15) * 1_000_000,
            "cast": {"friend": draw.choice(FRIENDS), "relative": draw.choice(RELATIVES),
                     "authority": draw.choice(CHECK_AUTHORITIES),
                     "bank_call": draw.choice(CHECK_BANK_CALLS),
                     "story": draw.choice(CHECK_STORIES)},
        }

    def goal(self) -> Goal:
        scenario = self.status().scenario
        return Goal(N_("Điện thoại của bạn sẽ có năm tình huống: tin nhắn Zalo, cuộc gọi, cuộc "
                       "gọi video, và một lần lỡ bị mất {lost}. Ở mỗi tình huống, hãy làm như "
                       "bạn sẽ làm ngoài đời để giữ tiền và tài khoản an toàn. Làm xong cả "
                       "năm thì bấm «Nộp bài»."),
                    {"lost": money(scenario["lost_amount"])})
