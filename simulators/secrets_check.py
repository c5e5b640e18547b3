"""The secrets check («Tự làm 10»): lesson 10's four scenes again, with another secret, another
offerer, other helpers and another borrower, and no explanation until «Nộp bài».

The same scene app as lesson 10 (:class:`~.secrets.SecretsSimulator`, its own screen state,
flow ``secrets_check``), in check mode (:class:`~.checks.CheckFlow`), with a scenario drawn from
the learner, the check and the attempt (a retake after the trainer's reset draws the next one):
another secret to keep (the e-wallet's PIN or the VNeID passcode, just set), a SIM seller at the
market offering a SIM in the seller's name and an e-wallet in a neighbour's son's name, a
granddaughter or grandson beside a man at the market offering to open the e-wallet, and a
stranger at the bus station borrowing the phone "to make a call" who opens the e-wallet or
Zalo. Who and what they are is kept in the scenario (``cast``), which the scenes read
(:func:`.secrets.scene`). Names are fictional.

Unlike the practice, a choice is never explained during the check: a wrong one is recorded
(its mistake's code, as lesson 10 records it) and the app goes on as after a right one, to a
neutral screen, and the scene is marked answered either way. A scene may be opened again and
answered again: the task counts once it is answered right (:func:`.secrets.completed_tasks` on
the check's evidence), and every wrong answer before «Nộp bài» is a mistake, explained only in
the review (:data:`.checks.SECRETS_CHECK`).

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="secrets-check-doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> check = box.secrets_check("hv001")
>>> cast = check.status().scenario["cast"]
>>> cast == box.secrets_check("hv001").status().scenario["cast"]  # drawn, then kept
True
>>> cast["grandson"] != secrets.GRANDSON, cast["offerer"] != "shop"
(True, True)
>>> check.start(secrets.TASK_LEND).step.value
'lend_phone'
>>> check.tell_borrower_pin().step.value  # a mistake: no explanation, only the neutral screen
'outcome'
>>> [m.code for m in check.mistakes()]
['secrets.told_borrower_pin']
"""

from __future__ import annotations

from typing import Any

from . import secrets
from .checks import SECRETS_CHECK, DrillCheckFlow, Goal
from .errors import N_

__all__ = ["CHECK_BORROWERS", "CHECK_SECRETS", "GRANDCHILDREN", "NEIGHBOURS",
           "SecretsCheckSimulator"]

#: The grandchildren beside the learner in a check (not lesson 10's Minh; fictional).
GRANDCHILDREN = ("Thảo", "Vy", "Ngân", "Khoa", "Phúc")
#: The neighbours' sons whose name a check's SIM seller offers (not lesson 10's Hùng; fictional).
NEIGHBOURS = ("Khải", "Lộc", "Toàn", "Sơn")
#: The check's secrets and borrowers (not the practice's).
CHECK_SECRETS = ("wallet_pin", "vneid_passcode")
CHECK_BORROWERS = ("station_wallet", "station_zalo")


class SecretsCheckSimulator(DrillCheckFlow[secrets.Status], secrets.SecretsSimulator):
    """Lesson 10's scene app in check mode (see the module's notes)."""

    check = SECRETS_CHECK
    flow = SECRETS_CHECK.flow
    lesson = SECRETS_CHECK.lesson

    def _scenario(self) -> dict[str, Any]:
        draw = self._draw()
        return {
            "sim_tail": f"{draw.randrange(1000):03d}",
            "balance": draw.randrange(2, 9) * 1_000_000,
            "cast": {"secret": draw.choice(CHECK_SECRETS), "offerer": "market",
                     "nephew": draw.choice(NEIGHBOURS), "grandson": draw.choice(GRANDCHILDREN),
                     "helpers": "market", "borrower": draw.choice(CHECK_BORROWERS)},
        }

    def goal(self) -> Goal:
        return Goal(N_("Bốn tình huống thường ngày sẽ đến với bạn: một mã mới sợ quên, mua SIM "
                       "ở chợ, cần người giúp mở ứng dụng, và một người lạ mượn điện thoại. Ở "
                       "mỗi tình huống, hãy làm như bạn sẽ làm ngoài đời để giữ bí mật của mình. "
                       "Làm xong cả bốn thì bấm «Nộp bài»."), {})
