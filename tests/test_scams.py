"""Lesson 8's drills (scams aimed at older people): right choices, mistakes, retries, order."""

from __future__ import annotations

import pytest

from bakhong.simulators import evidence, learners, safety, scams
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.scams import ScamsSimulator, Step


@pytest.fixture
def sim(box: Sandbox) -> ScamsSimulator:
    return box.scams("hv001")


def events(box: Sandbox) -> list[evidence.Event]:
    return evidence.learner_events(box.store, "hv001", scams.LESSON)


def outcomes(box: Sandbox, task: str) -> list[str]:
    return [e.outcome for e in events(box) if e.task == task]


def done(box: Sandbox) -> set[str]:
    return scams.completed_tasks(events(box))


def do_every_drill_right(sim: ScamsSimulator) -> None:
    sim.start(scams.TASK_ZALO)
    sim.call_friend()
    sim.start(scams.TASK_HOSPITAL)
    sim.call_grandson()
    sim.start(scams.TASK_SAFE_ACCOUNT)
    sim.refuse_police()
    sim.start(scams.TASK_BIOMETRIC)
    sim.refuse_biometric()
    sim.start(scams.TASK_AFTER)
    sim.lock_account("hotline")
    sim.report_scam("police")
    sim.home()


def test_nothing_before_consent(box: Sandbox) -> None:
    with pytest.raises(learners.ConsentRequired):
        box.scams("hv002").status()


def test_every_drill_done_right(box: Sandbox, sim: ScamsSimulator) -> None:
    assert sim.status().step is Step.HOME
    do_every_drill_right(sim)
    assert done(box) == set(scams.TASKS)
    assert sim.status().done == frozenset(done(box))
    assert all(e.outcome == evidence.OK for e in events(box))
    # the decisive choices carry the scene they were made at
    assert [e.detail["step"] for e in events(box) if e.task == scams.TASK_ZALO] == ["outcome"]


@pytest.mark.parametrize(("task", "wrong", "code"), [
    (scams.TASK_ZALO, "send_zalo_code", "scams.sent_zalo_code"),
    (scams.TASK_ZALO, "ask_in_chat", "scams.asked_in_chat"),
    (scams.TASK_HOSPITAL, "send_hospital_money", "scams.sent_hospital_money"),
    (scams.TASK_SAFE_ACCOUNT, "send_safe_account", "scams.sent_safe_account"),
    (scams.TASK_SAFE_ACCOUNT, "keep_secret", "scams.kept_secret"),
    (scams.TASK_BIOMETRIC, "open_biometric_link", "scams.opened_biometric_link"),
    (scams.TASK_AFTER, "wait_and_see", "scams.waited"),
    (scams.TASK_AFTER, "call_recovery", "scams.called_recovery"),
])
def test_each_mistake_is_typed_explained_and_retryable(
        box: Sandbox, sim: ScamsSimulator, task: str, wrong: str, code: str) -> None:
    sim.start(task)
    with pytest.raises(safety.Mistake) as err:
        getattr(sim, wrong)()
    assert err.value.code == code
    status = sim.status()
    assert status.step is Step.OUTCOME
    assert status.outcome is not None and not status.outcome.right
    assert status.outcome.explanation == err.value.message
    assert outcomes(box, task) == [code]
    assert done(box) == set()
    sim.retry()
    assert sim.status().step is scams.ScamsSimulator.drills[task].first
    sim.home()
    do_every_drill_right(sim)
    assert outcomes(box, task) == [code, evidence.OK]  # the mistake is kept
    assert done(box) == set(scams.TASKS)


def test_after_scam_lock_first_then_report(box: Sandbox, sim: ScamsSimulator) -> None:
    sim.start(scams.TASK_AFTER)
    with pytest.raises(scams.ReportedBeforeLocking):
        sim.report_scam("156")
    assert sim.status().step is Step.OUTCOME
    sim.retry()
    assert sim.status().locked == ""  # a retry starts the scene afresh
    sim.lock_account("app")
    assert sim.status().locked == "app"
    assert done(box) == set()  # locking alone is not the drill
    sim.report_scam("156")
    status = sim.status()
    assert status.outcome is not None and status.outcome.right
    assert outcomes(box, scams.TASK_AFTER) == ["scams.reported_before_locking", evidence.OK]
    assert [e.detail["how"] for e in events(box) if e.task == "lock_account"] == ["app"]


def test_refusals_change_nothing(box: Sandbox, sim: ScamsSimulator) -> None:
    with pytest.raises(scams.WrongStep):
        sim.call_friend()  # not in the chat
    with pytest.raises(scams.UnknownDrill):
        sim.start("nope")
    sim.start(scams.TASK_AFTER)
    with pytest.raises(scams.UnknownDrill):
        sim.lock_account("neighbour")
    assert sim.status().step is Step.AFTER_SCAM and sim.status().locked == ""
    assert done(box) == set()
    assert {e.outcome for e in events(box) if e.task in ("call_friend", "start")} >= {
        "scams.wrong_step", "scams.unknown_drill"}


def test_reported_police_call(sim: ScamsSimulator) -> None:
    sim.start(scams.TASK_SAFE_ACCOUNT)
    status = sim.refuse_police(report=True)
    assert status.outcome is not None and status.outcome.reported


def test_scenario_is_kept_and_fictional(box: Sandbox, sim: ScamsSimulator) -> None:
    first = sim.status().scenario
    assert box.scams("hv001").status().scenario == first
    assert len(first["zalo_code"]) == 6
    assert first["zalo_code"] in scams.zalo_sms(first["zalo_code"])
    assert "•" in scams.CALLER_NUMBER  # never a full number


def test_safety_and_scams_keep_apart(box: Sandbox, sim: ScamsSimulator) -> None:
    sim.start(scams.TASK_ZALO)
    sim.call_friend()
    assert safety.completed_tasks(
        evidence.learner_events(box.store, "hv001", safety.LESSON)) == set()
    assert box.safety("hv001").status().step is safety.Step.HOME
