"""The safety drills: right choices, mistakes as typed evidence, retries, state kept."""

from __future__ import annotations

import pytest

from bakhong.simulators import evidence, learners, safety, vietqr
from bakhong.simulators.bank import SANDBOX_BANKS, SCAMMER
from bakhong.simulators.safety import SafetySimulator, Step
from bakhong.simulators.sandbox import Sandbox


@pytest.fixture
def sim(box: Sandbox) -> SafetySimulator:
    return box.safety("hv001")


def events(box: Sandbox) -> list[evidence.Event]:
    return evidence.learner_events(box.store, "hv001", safety.LESSON)


def outcomes(box: Sandbox, task: str) -> list[str]:
    return [e.outcome for e in events(box) if e.task == task]


def done(box: Sandbox) -> set[str]:
    return safety.completed_tasks(events(box))


def do_every_drill_right(sim: SafetySimulator) -> None:
    sim.start(safety.TASK_POLICE)
    sim.answer_call()
    sim.refuse_call()
    sim.start(safety.TASK_SMS)
    sim.compose_report()
    sim.send_report()
    sim.delete_sms()
    sim.start(safety.TASK_QR)
    sim.scan_sticker()
    sim.refuse_sticker()
    sim.start(safety.TASK_PORTAL)
    sim.open_portal("real")
    sim.start(safety.TASK_REFUND)
    sim.refuse_refund()
    sim.home()


def test_nothing_before_consent(box: Sandbox) -> None:
    with pytest.raises(learners.ConsentRequired):
        box.safety("hv002").status()


def test_every_drill_done_right(box: Sandbox, sim: SafetySimulator) -> None:
    assert sim.status().step is Step.HOME
    do_every_drill_right(sim)
    assert done(box) == {d.task for d in safety.DRILLS}
    assert sim.status().done == frozenset(done(box))
    assert all(e.outcome == evidence.OK for e in events(box))


def test_reading_the_otp_is_a_mistake_explained_and_retried(
        box: Sandbox, sim: SafetySimulator) -> None:
    sim.start(safety.TASK_POLICE)
    assert sim.decline_call().caller_declined == 1  # safe, but the number calls back
    assert sim.status().step is Step.CALL_RINGING
    sim.answer_call()
    assert sim.status().scenario["otp"] in safety.otp_sms(sim.status().scenario["otp"])
    with pytest.raises(safety.GaveOtp) as err:
        sim.read_otp()
    assert err.value.code == "safety.gave_otp"
    status = sim.status()
    assert status.step is Step.OUTCOME and status.outcome is not None
    assert not status.outcome.right and "OTP" in status.outcome.explanation
    assert status.outcome.consequence
    assert safety.TASK_POLICE not in done(box)
    sim.retry()
    assert sim.status().step is Step.CALL_RINGING
    sim.answer_call()
    status = sim.refuse_call(report=True)
    assert status.outcome is not None and status.outcome.right and status.outcome.reported
    assert outcomes(box, safety.TASK_POLICE) == ["safety.gave_otp", "ok"]  # mistake kept
    assert safety.TASK_POLICE in done(box)
    mistake = next(e for e in events(box) if e.outcome == "safety.gave_otp")
    assert mistake.detail["step"] == "call_talk" and mistake.detail["choice"] == "read_otp"


def test_opening_the_sms_link_then_cancelling_is_a_recovery(
        box: Sandbox, sim: SafetySimulator) -> None:
    sim.start(safety.TASK_SMS)
    assert safety.SMS_LINK.label in safety.sms_body()
    with pytest.raises(safety.OpenedLink):
        sim.open_sms_link()
    assert sim.status().step is Step.APK
    assert sim.cancel_apk().step is Step.SMS_INBOX
    with pytest.raises(safety.DeletedUnreported):  # delete before reporting: not yet
        sim.delete_sms()
    sim.retry()
    sim.compose_report()
    assert safety.SMS_SENDER in sim.report_text() and sim.report_text().startswith("S (")
    assert sim.send_report().sms_reported
    sim.delete_sms()
    assert outcomes(box, safety.TASK_SMS) == ["safety.opened_link", "safety.deleted_unreported",
                                              "ok"]
    assert safety.TASK_SMS in done(box)


def test_installing_the_apk_is_the_mistake(box: Sandbox, sim: SafetySimulator) -> None:
    sim.start(safety.TASK_SMS)
    with pytest.raises(safety.OpenedLink):
        sim.open_sms_link()
    with pytest.raises(safety.InstalledApk):
        sim.install_apk()
    assert sim.status().step is Step.OUTCOME
    assert safety.TASK_SMS not in done(box)


def test_the_sticker_is_a_real_vietqr_for_another_payee(
        box: Sandbox, sim: SafetySimulator) -> None:
    code = vietqr.parse(safety.sticker_payload())
    assert code.is_vietqr and code.bin in {b.bin for b in SANDBOX_BANKS}
    assert vietqr.is_valid(safety.shop_payload())
    sim.start(safety.TASK_QR)
    shown = sim.scan_sticker().qr
    assert shown is not None and shown.payee_name == SCAMMER.holder != safety.SHOP.holder
    with pytest.raises(safety.PaidSwappedQr):
        sim.pay_sticker()
    sim.retry()
    sim.scan_sticker()
    sim.refuse_sticker()
    assert outcomes(box, safety.TASK_QR) == ["safety.paid_swapped_qr", "ok"]
    # a payment lesson event with the same task name does not count for safety
    assert all(e.lesson == "safety" for e in events(box))


def test_the_portal_drill(box: Sandbox, sim: SafetySimulator) -> None:
    sim.start(safety.TASK_PORTAL)
    labels = [a.label for a in sim.status().portals()]
    assert sorted(labels) == sorted(a.label for a in safety.PORTALS)
    assert [a for a in safety.PORTALS if a.real] == [safety.PORTALS[0]]
    assert all(a.target.split("/")[2].endswith(".invalid") for a in safety.PORTALS if not a.real)
    with pytest.raises(safety.OpenedFakePortal):
        sim.open_portal("suffix")
    status = sim.status()
    assert status.step is Step.FAKE_LOGIN and status.portal is not None
    with pytest.raises(safety.LoggedInFakePortal):
        sim.login_fake()
    sim.retry()
    with pytest.raises(safety.OpenedFakePortal):
        sim.open_portal("dash")
    sim.leave_fake()  # refusing to log in on the fake one counts
    assert safety.TASK_PORTAL in done(box)
    with pytest.raises(safety.UnknownDrill):
        sim.start("nope")


def test_the_refund_chat(box: Sandbox, sim: SafetySimulator) -> None:
    sim.start(safety.TASK_REFUND)
    with pytest.raises(safety.GavePin):
        sim.give_pin()
    sim.retry()
    with pytest.raises(safety.OpenedRefundLink):
        sim.open_refund_link()
    sim.retry()
    sim.refuse_refund()
    assert outcomes(box, safety.TASK_REFUND) == ["safety.gave_pin", "safety.opened_refund_link",
                                                 "ok"]


def test_a_wrong_step_changes_nothing_and_is_evidence(box: Sandbox, sim: SafetySimulator) -> None:
    sim.start(safety.TASK_QR)
    before = sim.status()
    with pytest.raises(safety.WrongStep):
        sim.refuse_sticker()  # not scanned yet
    assert sim.status() == before
    assert safety.TASK_QR not in done(box)
    assert events(box)[-1].outcome == "safety.wrong_step"
    assert events(box)[-1].task == "cancel_tell_owner"


def test_state_survives_a_new_simulator_and_the_scenario_is_kept(
        box: Sandbox, sim: SafetySimulator) -> None:
    sim.start(safety.TASK_POLICE)
    sim.answer_call()
    again = box.safety("hv001").status()
    assert again.step is Step.CALL_TALK
    assert again.scenario == sim.status().scenario


def test_other_learners_do_not_see_each_others_drills(box: Sandbox, clock: object) -> None:
    learners.record_consent(box.store, box.clock, "hv002")
    do_every_drill_right(box.safety("hv001"))
    assert box.safety("hv002").status().done == frozenset()
