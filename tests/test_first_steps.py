"""Lesson 0's simulator: each part's rules, its refusals, and its evidence."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from bakhong.simulators import first_steps as fs
from bakhong.simulators.clock import FixedClock
from bakhong.simulators.errors import ConsentRequired, NotInSandbox
from bakhong.simulators.evidence import OK, learner_events
from bakhong.simulators.first_steps import FirstStepsSimulator, Step
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.store import events, flow_states


@pytest.fixture
def sim(box: Sandbox) -> FirstStepsSimulator:
    return box.first_steps("hv001")


def code_in(sim: FirstStepsSimulator) -> str:
    found = re.search(r"(\d{6})", sim.inbox()[-1][1])
    assert found
    return found.group(1)


def outcomes(sim: FirstStepsSimulator, task: str) -> list[str]:
    return [e.outcome for e in learner_events(sim.store, sim.learner_id, fs.LESSON)
            if e.task == task]


def stored_text(box: Sandbox) -> str:
    rows = box.store.read(sa.select(flow_states.c.state))
    rows += box.store.read(sa.select(events.c.detail))
    return " ".join(str(tuple(r)) for r in rows)


def to_new_password(sim: FirstStepsSimulator, kind: str) -> None:
    sim.open_part("store")
    sim.pick_store(kind)
    sim.install()
    from_sign_in(sim, kind)


def from_sign_in(sim: FirstStepsSimulator, kind: str) -> None:
    sim.forgot_password()
    if kind == fs.ANDROID:
        sim.try_another_way()
        sim.send_google_code()
    else:
        sim.apple_continue()
        sim.confirm_phone(sim.persona.phone)
    sim.enter_recovery_code(code_in(sim))


def test_nothing_before_consent(box: Sandbox) -> None:
    with pytest.raises(ConsentRequired):
        box.first_steps("hv002").open_part("tap")


def test_taps_in_the_stated_order(sim: FirstStepsSimulator) -> None:
    sim.open_part("tap")
    with pytest.raises(fs.WrongTarget) as refused:
        sim.tap("continue")
    assert refused.value.params["instruction"] == fs.TAP_TARGETS[0].instruction
    assert sim.status().tap_next == "green"  # a wrong tap loses nothing
    for target in fs.TAP_TARGETS:
        sim.tap(target.key)
    assert sim.status().step is Step.HOME and fs.TASK_TAP in sim.status().done
    assert outcomes(sim, "tap_target")[0] == "first_steps.tap_wrong"
    assert sorted(sim.status().tap_order) == sorted(t.key for t in fs.TAP_TARGETS)


@pytest.mark.parametrize(("typed", "error"), [
    ("Xa Tho Long", fs.MissingDiacritics), ("Xax Thoj Long", fs.TelexLeftOver),
    ("Xã Thó Long", fs.WrongDiacritics), ("Xã Thọ Lông", fs.WrongDiacritics),
    ("Xã Thu Long", fs.WrongLetters), ("Xã Thọ", fs.WrongWordCount), ("   ", fs.EmptyText),
])
def test_typing_mistakes_are_named(typed: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        fs.judge_typing(typed, "Xã Thọ Long")


def test_typing_is_compared_after_nfc_and_trimming(box: Sandbox,
                                                   sim: FirstStepsSimulator) -> None:
    import unicodedata

    sim.open_part("type")
    with pytest.raises(fs.MissingDiacritics):
        sim.type_phrase("xa tho long")
    verdict = sim.type_phrase("  " + unicodedata.normalize("NFD", sim.phrase) + " ")
    assert not verdict.case_only and fs.TASK_TYPE in sim.status().done
    assert sim.phrase == "Xã Thọ Long"
    assert "xa tho long" not in stored_text(box)  # what was typed is not kept


def test_case_only_is_accepted_and_said(sim: FirstStepsSimulator) -> None:
    sim.open_part("type")
    assert sim.type_phrase("XÃ THỌ LONG").case_only


def test_telex_spellings() -> None:
    assert "thanhf" in fs.telex_spellings("Thành") and "thafnh" in fs.telex_spellings("Thành")
    assert fs.telex_spellings("Long") == set()
    assert fs.telex_spellings("Hồ") == {"hoof"}


def test_sms_code_tries_expiry_and_resend(sim: FirstStepsSimulator, clock: FixedClock) -> None:
    sim.open_part("sms")
    sender, body, _at = sim.inbox()[-1]
    assert sender == fs.SMS_SENDER and "Tuyet doi KHONG cung cap ma nay" in body
    assert body.isascii()  # real OTP SMS are written without diacritics
    good = code_in(sim)
    wrong = "000000" if good != "000000" else "111111"
    with pytest.raises(fs.InvalidCode):
        sim.enter_sms_code("12 34")
    with pytest.raises(fs.WrongCode) as first:
        sim.enter_sms_code(wrong)
    assert first.value.params["remaining"] == 2
    with pytest.raises(fs.WrongCode):
        sim.enter_sms_code(wrong)
    with pytest.raises(fs.CodeUsedUp):
        sim.enter_sms_code(wrong)
    with pytest.raises(fs.CodeUsedUp):  # even the right code, once used up
        sim.enter_sms_code(good)
    sim.resend_sms_code()
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(fs.CodeExpired):
        sim.enter_sms_code(code_in(sim))
    sim.resend_sms_code()
    sim.enter_sms_code(" " + code_in(sim)[:3] + " " + code_in(sim)[3:])
    assert fs.TASK_SMS in sim.status().done
    assert outcomes(sim, "sms_code").count(OK) == 1


@pytest.mark.parametrize("kind", [fs.ANDROID, fs.IPHONE])
def test_recovery_and_install(box: Sandbox, sim: FirstStepsSimulator, kind: str) -> None:
    sim.open_part("store")
    sim.pick_store(kind)
    assert sim.install().step is (Step.GOOGLE_SIGN_IN if kind == fs.ANDROID
                                  else Step.APPLE_SIGN_IN)
    with pytest.raises(fs.GoogleWrongPassword if kind == fs.ANDROID else fs.AppleWrongPassword):
        sim.sign_in("MatKhauCu#77")
    from_sign_in(sim, kind)
    assert sim.status().step is (Step.GOOGLE_NEW_PASSWORD if kind == fs.ANDROID
                                 else Step.APPLE_NEW_PASSWORD)
    sender, body, _at = sim.inbox()[-1]
    if kind == fs.ANDROID:
        assert sender == "Google" and re.fullmatch(r"G-\d{6} là mã xác minh Google của bạn\.",
                                                   body)
    else:
        assert re.fullmatch(r"Mã xác minh ID Apple của bạn là: \d{6}\. Không chia sẻ mã này\.",
                            body)
    with pytest.raises(fs.PasswordMismatch):
        sim.set_new_password("LuaMua2026", "LuaMua2027")
    assert fs.TASK_INSTALL not in sim.status().done
    sim.set_new_password("LuaMua2026", "LuaMua2026")
    assert sim.status().signed_in and sim.status().step is Step.STORE_APP
    assert sim.install().step is Step.INSTALLED
    assert {fs.TASK_RECOVER, fs.TASK_INSTALL} <= sim.status().done
    text = stored_text(box)
    assert "MatKhauCu#77" not in text and "LuaMua2026" not in text  # no password is kept


def test_google_last_password_is_refused_and_not_kept(box: Sandbox,
                                                      sim: FirstStepsSimulator) -> None:
    sim.open_part("store")
    sim.pick_store(fs.ANDROID)
    sim.install()
    sim.forgot_password()
    with pytest.raises(fs.GoogleWrongLastPassword):
        sim.last_password("ConMeo2019")
    with pytest.raises(fs.PasswordNeeded):
        sim.last_password("")
    assert "ConMeo2019" not in stored_text(box)
    sim.try_another_way()
    sim.send_google_code()
    with pytest.raises(fs.WrongRecoveryCode):
        sim.enter_recovery_code("G-" + ("000000" if code_in(sim) != "000000" else "111111"))
    sim.enter_recovery_code("g-" + code_in(sim))
    assert sim.status().step is Step.GOOGLE_NEW_PASSWORD


def test_recovery_code_expires(sim: FirstStepsSimulator, clock: FixedClock) -> None:
    sim.open_part("store")
    sim.pick_store(fs.ANDROID)
    sim.install()
    sim.forgot_password()
    sim.try_another_way()
    sim.send_google_code()
    clock.advance(minutes=11)
    with pytest.raises(fs.RecoveryCodeExpired):
        sim.enter_recovery_code(code_in(sim))
    sim.resend_recovery_code()
    sim.enter_recovery_code(code_in(sim))


def test_apple_phone_only_the_personas(box: Sandbox, sim: FirstStepsSimulator) -> None:
    sim.open_part("store")
    sim.pick_store(fs.IPHONE)
    sim.install()
    sim.forgot_password()
    sim.apple_continue()
    with pytest.raises(NotInSandbox):
        sim.confirm_phone("0912 345 678")
    other = "0100000000" if sim.persona.phone != "0100000000" else "0100000001"
    with pytest.raises(fs.WrongPhone):
        sim.confirm_phone(other)
    assert "0912345678" not in stored_text(box) and "0912 345 678" not in stored_text(box)
    sim.confirm_phone(sim.persona.phone)
    assert sim.status().step is Step.APPLE_CODE


@pytest.mark.parametrize(("password", "google", "error"), [
    ("Ab1", True, fs.PasswordTooShort), ("abcdefgh", True, fs.GooglePasswordWeak),
    ("12345678", True, fs.GooglePasswordWeak), ("Mậtkhẩu2026", True, fs.PasswordNotAscii),
    ("luamua2026", False, fs.ApplePasswordRules), ("LuaMuaNay", False, fs.ApplePasswordRules),
    ("Lua1", False, fs.ApplePasswordRules),
])
def test_new_password_rules(password: str, google: bool, error: type[Exception]) -> None:
    with pytest.raises(error):
        fs.check_new_password(password, google=google)


def test_new_password_rules_accept() -> None:
    fs.check_new_password("lua-mua-2026", google=True)
    fs.check_new_password("LuaMua2026", google=False)


def test_change_phone_starts_the_recovery_again(sim: FirstStepsSimulator) -> None:
    to_new_password(sim, fs.ANDROID)
    sim.change_phone()
    assert sim.status().step is Step.STORE_PICK and sim.status().store is None


def test_privacy_wrong_answer_explains_and_stays(sim: FirstStepsSimulator) -> None:
    sim.open_part("privacy")
    first = fs.QUESTIONS[0]
    with pytest.raises(fs.WrongAnswer) as refused:
        sim.answer(first.key, "ids")
    assert refused.value.params["explanation"] == first.explanation
    assert sim.status().question == first.key
    with pytest.raises(fs.UnknownChoice):
        sim.answer(first.key, "bogus")
    for question in fs.QUESTIONS:
        sim.answer(question.key, question.right)
    assert fs.TASK_PRIVACY in sim.status().done and sim.status().step is Step.HOME


def test_wrong_step_is_refused_and_evidence(sim: FirstStepsSimulator) -> None:
    with pytest.raises(fs.WrongStep):
        sim.tap("green")
    assert outcomes(sim, "tap_target") == ["first_steps.wrong_step"]
    events_ = learner_events(sim.store, sim.learner_id, fs.LESSON)
    assert events_[-1].detail["step"] == "home"


def test_state_survives_a_reload(box: Sandbox, sim: FirstStepsSimulator) -> None:
    sim.open_part("tap")
    sim.tap("green")
    again = box.first_steps("hv001")
    assert again.status().step is Step.TAP and again.status().tap_next == "continue"
