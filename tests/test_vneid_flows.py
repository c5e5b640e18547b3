"""The VNeID flows on a fixed clock: the happy path, every fault, resume, refusals."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import PASSCODE, PASSWORD, activate, last_otp, reach_level2, to_password_step

from bakhong.simulators import faults, idnumber, vneid
from bakhong.simulators.clock import FixedClock
from bakhong.simulators.errors import ConsentRequired, NotInSandbox
from bakhong.simulators.evidence import learner_events
from bakhong.simulators.registry import Persona
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.store import events, flow_states
from bakhong.simulators.vneid import Step, VneidSimulator


def test_happy_path_reaches_level_2_and_leaves_evidence(
        sim: VneidSimulator, persona: Persona, box: Sandbox) -> None:
    reach_level2(sim, persona)
    status = sim.status()
    assert (status.step, status.level, status.logged_in) == (Step.HOME, 2, True)
    done = {(e.task, e.outcome) for e in learner_events(box.store, "hv001", "vneid")}
    assert {("register", "ok"), ("activate", "ok"), ("login_level2", "ok")} <= done
    approval = sim.inbox()[-1][2]
    assert persona.name_without_diacritics in approval and "da duoc phe duyet" in approval


def test_police_first_then_activation_gives_level_2_directly(
        sim: VneidSimulator, persona: Persona) -> None:
    to_password_step(sim, persona)
    sim.set_password(PASSWORD, PASSWORD)
    sim.set_passcode(PASSCODE, PASSCODE)
    sim.set_security_questions({vneid.SECURITY_QUESTIONS[1]: "Lan", vneid.SECURITY_QUESTIONS[3]: "Mèo"})
    assert sim.login(persona.id_number, PASSWORD).level == 2


def test_resume_after_reload_from_the_store(
        box: Sandbox, persona: Persona, clock: FixedClock) -> None:
    first = box.vneid("hv001")
    first.go(Step.REGISTER)
    first.register(persona.id_number, persona.phone, face_captured=True)
    first.go(Step.ACTIVATE)
    first.request_otp(persona.id_number, persona.phone)
    code = last_otp(first)
    # The kernel is culled; a new page opens a new sandbox on the same file.
    again = Sandbox.open(box.store.engine.url.database or "", clock=clock, seed="tests")
    resumed = again.vneid("hv001")
    assert resumed.status().step is Step.OTP
    assert resumed.submit_otp(code).step is Step.PASSWORD


def test_otp_expires_after_three_minutes_and_resend_works(
        sim: VneidSimulator, persona: Persona, clock: FixedClock) -> None:
    sim.visit_police()
    sim.go(Step.ACTIVATE)
    sim.request_otp(persona.id_number, persona.phone)
    old = last_otp(sim)
    clock.advance(minutes=3, seconds=1)
    with pytest.raises(vneid.OtpExpired):
        sim.submit_otp(old)
    sim.resend_otp()
    new = last_otp(sim)
    assert sim.submit_otp(new).step is Step.PASSWORD


def test_wrong_otp_then_too_many(sim: VneidSimulator, persona: Persona) -> None:
    sim.visit_police()
    sim.go(Step.ACTIVATE)
    sim.request_otp(persona.id_number, persona.phone)
    wrong = "000000" if last_otp(sim) != "000000" else "111111"
    for _ in range(vneid.MAX_OTP_TRIES):
        with pytest.raises(vneid.WrongOtp):
            sim.submit_otp(wrong)
    with pytest.raises(vneid.TooManyOtpTries):
        sim.submit_otp(last_otp(sim))


@pytest.mark.parametrize("password", ["ngan@1A", "matkhau@2026", "MATKHAU@2026", "Matkhau2026",
                                      "Matkhaudai@20262026202"])
def test_password_rules(sim: VneidSimulator, persona: Persona, password: str) -> None:
    to_password_step(sim, persona)
    with pytest.raises(vneid.WeakPassword):
        sim.set_password(password, password)
    with pytest.raises(vneid.Mismatch):
        sim.set_password(PASSWORD, PASSWORD + "x")
    assert sim.status().step is Step.PASSWORD


@pytest.mark.parametrize("passcode", ["12345", "1234567", "12345a", "１２３４５６"])
def test_passcode_must_be_six_ascii_digits(
        sim: VneidSimulator, persona: Persona, passcode: str) -> None:
    to_password_step(sim, persona)
    sim.set_password(PASSWORD, PASSWORD)
    with pytest.raises(vneid.InvalidPasscode):
        sim.set_passcode(passcode, passcode)


def test_security_questions_need_two_different_answered(
        sim: VneidSimulator, persona: Persona) -> None:
    to_password_step(sim, persona)
    sim.set_password(PASSWORD, PASSWORD)
    sim.set_passcode(PASSCODE, PASSCODE)
    q = vneid.SECURITY_QUESTIONS
    for answers in ({q[0]: "a"}, {q[0]: "a", q[1]: " "}, {q[0]: "a", "Câu tự đặt?": "b"}):
        with pytest.raises(vneid.QuestionsInvalid):
            sim.set_security_questions(answers)


def test_passcode_lockout_and_forgotten_passcode(
        sim: VneidSimulator, persona: Persona, clock: FixedClock) -> None:
    reach_level2(sim, persona)
    for remaining in range(vneid.MAX_PASSCODE_TRIES - 1, 0, -1):
        with pytest.raises(vneid.WrongPasscode) as info:
            sim.open_card("000000")
        assert info.value.params == {"remaining": remaining}
    with pytest.raises(vneid.PasscodeLocked):
        sim.open_card("000000")
    with pytest.raises(vneid.PasscodeLocked):  # even the right one while locked
        sim.open_card(PASSCODE)
    sim.forgot_passcode()
    assert sim.submit_otp(last_otp(sim)).step is Step.RESET_PASSCODE
    sim.reset_passcode("135790", "135790")
    assert sim.open_card("135790").card_shown


def test_lockout_ends_after_its_time(
        sim: VneidSimulator, persona: Persona, clock: FixedClock) -> None:
    reach_level2(sim, persona)
    for _ in range(vneid.MAX_PASSCODE_TRIES):
        with pytest.raises((vneid.WrongPasscode, vneid.PasscodeLocked)):
            sim.open_card("000000")
    clock.advance(minutes=31)
    assert sim.open_card(PASSCODE).card_shown


def test_fault_maintenance_fires_once(box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    faults.switch_on(box.store, "hv001", "vneid.maintenance")
    sim.go(Step.REGISTER)
    with pytest.raises(vneid.Maintenance) as info:
        sim.register(persona.id_number, persona.phone, face_captured=True)
    assert "Hệ thống đang bảo trì" in str(info.value)
    assert sim.register(persona.id_number, persona.phone, face_captured=True).approved_level == 1
    assert faults.armed(box.store, "hv001") == []


def test_fault_connection_failed_at_passcode(
        box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    faults.switch_on(box.store, "hv001", "vneid.connection_failed")
    to_password_step(sim, persona)
    sim.set_password(PASSWORD, PASSWORD)
    with pytest.raises(vneid.ConnectionFailed):
        sim.set_passcode(PASSCODE, PASSCODE)
    assert sim.status().step is Step.PASSCODE
    assert sim.set_passcode(PASSCODE, PASSCODE).step is Step.SECURITY


def test_fault_otp_not_delivered_then_resend(
        box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    faults.switch_on(box.store, "hv001", "vneid.otp_not_delivered")
    sim.visit_police()
    sim.go(Step.ACTIVATE)
    before = len(sim.inbox())
    assert sim.request_otp(persona.id_number, persona.phone).step is Step.OTP
    assert len(sim.inbox()) == before  # «Gửi mã OTP thành công», but no SMS
    sim.resend_otp()
    assert sim.submit_otp(last_otp(sim)).step is Step.PASSWORD


def test_fault_otp_late_arrives_expired(box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    faults.switch_on(box.store, "hv001", "vneid.otp_late")
    sim.visit_police()
    sim.go(Step.ACTIVATE)
    sim.request_otp(persona.id_number, persona.phone)
    with pytest.raises(vneid.OtpExpired):
        sim.submit_otp(last_otp(sim))
    sim.resend_otp()
    assert sim.submit_otp(last_otp(sim)).step is Step.PASSWORD


def test_fault_phone_not_own_name_until_police_fix(
        box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    faults.switch_on(box.store, "hv001", "vneid.phone_not_own_name")
    sim.go(Step.REGISTER)
    with pytest.raises(vneid.PhoneNotOwnName) as info:
        sim.register(persona.id_number, persona.phone, face_captured=True)
    assert "19000368" in str(info.value)
    with pytest.raises(vneid.PhoneNotOwnName):  # stays blocked until the phone is fixed
        sim.register(persona.id_number, persona.phone, face_captured=True)
    sim.visit_police()  # the officer updates the phone into the citizen's own name
    sim.go(Step.ACTIVATE)
    assert sim.request_otp(persona.id_number, persona.phone).step is Step.OTP


def test_relative_phone_is_not_own_name(sim: VneidSimulator, persona: Persona) -> None:
    sim.go(Step.REGISTER)
    with pytest.raises(vneid.PhoneNotOwnName):
        sim.register(persona.id_number, persona.relative_phone, face_captured=True)


def test_fault_new_device_confirms_by_nfc(
        box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    activate(sim, persona)
    faults.switch_on(box.store, "hv001", "vneid.new_device")
    assert sim.login(persona.id_number, PASSWORD).step is Step.DEVICE
    sim.confirm_with_nfc()
    status = sim.submit_otp(last_otp(sim))
    assert (status.step, status.logged_in) == (Step.HOME, True)


def test_face_capture_is_required(sim: VneidSimulator, persona: Persona) -> None:
    sim.go(Step.REGISTER)
    with pytest.raises(vneid.FaceNotCaptured):
        sim.register(persona.id_number, persona.phone, face_captured=False)


def test_wrong_credentials(sim: VneidSimulator, persona: Persona) -> None:
    activate(sim, persona)
    with pytest.raises(vneid.WrongCredentials):
        sim.login(persona.id_number, "Sai@12345")


@pytest.mark.parametrize("typed", ["038185012345", "001 0 90 123456"])
def test_real_looking_id_is_refused_and_not_stored(
        box: Sandbox, sim: VneidSimulator, persona: Persona, typed: str) -> None:
    sim.go(Step.REGISTER)
    with pytest.raises(NotInSandbox) as info:
        sim.register(typed, persona.phone, face_captured=True)
    assert "không nhập số định danh" in str(info.value)
    compact = idnumber.compact(typed)
    dump = "\n".join(box.store.engine.raw_connection().iterdump())  # type: ignore[attr-defined]
    assert compact not in dump


def test_real_looking_phone_is_refused_and_not_stored(
        box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    sim.go(Step.REGISTER)
    with pytest.raises(NotInSandbox):
        sim.register(persona.id_number, "0912 345 678", face_captured=True)
    dump = "\n".join(box.store.engine.raw_connection().iterdump())  # type: ignore[attr-defined]
    assert "0912345678" not in dump


def test_another_personas_id_is_not_yours(box: Sandbox, sim: VneidSimulator) -> None:
    from bakhong.simulators.registry import persona_of_learner

    other = persona_of_learner(box.store, "hv002")
    sim.go(Step.REGISTER)
    with pytest.raises(vneid.NotOwnPersona):
        sim.register(other.id_number, other.phone, face_captured=True)


def test_typo_in_id_is_a_typed_error(sim: VneidSimulator, persona: Persona) -> None:
    sim.go(Step.REGISTER)
    with pytest.raises(idnumber.InvalidLength):
        sim.register(persona.id_number[:-1], persona.phone, face_captured=True)


def test_crafted_request_out_of_step_is_refused(sim: VneidSimulator, persona: Persona) -> None:
    """A widget message can click a hidden button: the simulator checks the step itself."""
    with pytest.raises(vneid.WrongStep):
        sim.set_password(PASSWORD, PASSWORD)
    with pytest.raises(vneid.WrongStep):
        sim.go(Step.HOME)
    assert sim.status().step is Step.INTRO


def test_no_evidence_before_consent(box: Sandbox) -> None:
    sim = box.vneid("hv002")  # hv002 has not consented
    with pytest.raises(ConsentRequired):
        sim.go(Step.REGISTER)
    rows = box.store.read(sa.select(events).where(events.c.learner_id == "hv002"))
    states = box.store.read(sa.select(flow_states).where(flow_states.c.learner_id == "hv002"))
    assert rows == [] and states == []


def test_refusals_are_evidence_too(box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    sim.go(Step.REGISTER)
    with pytest.raises(vneid.FaceNotCaptured):
        sim.register(persona.id_number, persona.phone, face_captured=False)
    outcomes = [e.outcome for e in learner_events(box.store, "hv001") if e.task == "register"]
    assert outcomes == ["vneid.face_missing"]


def test_same_seed_same_scenario(tmp_path, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    def run(folder: str) -> tuple[str, str]:
        box = Sandbox.open(tmp_path / folder / "s.db", clock=clock, seed="replay")
        box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
        from bakhong.simulators.learners import record_consent
        from bakhong.simulators.registry import persona_of_learner

        record_consent(box.store, clock, "hv001")
        persona = persona_of_learner(box.store, "hv001")
        sim = box.vneid("hv001")
        sim.visit_police()
        sim.go(Step.ACTIVATE)
        sim.request_otp(persona.id_number, persona.phone)
        return persona.full_name, last_otp(sim)

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert run("a") == run("b")


def test_level2_on_a_new_device_is_recorded(
        box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    reach_level2(sim, persona)
    sim.logout()
    with box.store.transaction() as conn:
        conn.execute(sa.delete(events).where(events.c.task == "login_level2"))
    faults.switch_on(box.store, "hv001", "vneid.new_device")
    sim.login(persona.id_number, PASSWORD)
    sim.confirm_with_nfc()
    sim.submit_otp(last_otp(sim))
    assert any(e.task == "login_level2" for e in learner_events(box.store, "hv001"))


def test_police_visit_is_refused_mid_activation(sim: VneidSimulator, persona: Persona) -> None:
    to_password_step(sim, persona)
    with pytest.raises(vneid.WrongStep):
        sim.visit_police()
    assert sim.status().step is Step.PASSWORD


def test_learners_can_be_added_twice_to_a_seeded_sandbox(box: Sandbox) -> None:
    box.add_learners([("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")])
    box.add_learners([("hv004", "Đỗ Văn Tâm", "Xã Quảng Bình")])
