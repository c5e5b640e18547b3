"""Issue 20, point 3: facts put right (``docs/facts.md``), each with a test the old code fails.

* The newborn bundle charged a 10.000 đ residence fee: it is free; the fee practised is the
  copies of the birth extract (8.000 đ each).
* "Level 2 only at the commune police": level 2 is taught in the app first (chip by NFC and
  the face), the police office as the other way, and the simulator plays both.
* The 50-character message limit and «Kiểm tra biên lai» are the sandbox's own: said so.
* Every SDK error code on show has plain words beside it, and a glossary entry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PASSWORD, activate

from bakhong.simulators import bank, faults, procedures, safety, signing, vneid
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.registry import Persona
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.vneid import Step, VneidSimulator
from bakhong.widgets import glossary, vneid_help
from bakhong.widgets.course import course_screen
from bakhong.widgets.i18n import translator
from bakhong.widgets.vneid_app import VneidAppHandles, vneid_factory

ROOT = Path(__file__).resolve().parents[1]


# -- the newborn bundle's fees -------------------------------------------------------------

def test_the_newborn_bundle_charges_no_residence_fee() -> None:
    bundle = procedures.by_code(procedures.NEWBORN_BUNDLE)
    assert [fee.key for fee in bundle.fees] == ["extract_copy"]
    assert all(fee.per_copy_field for fee in bundle.fees)  # none is charged without copies
    assert bundle.fees[0].amount == 8_000


def test_the_residence_fee_stays_on_the_adult_procedure() -> None:
    assert [f.amount for f in procedures.by_code("1.004222").fees] == [10_000]


def test_the_portal_lesson_says_what_is_free_and_asks_for_one_copy() -> None:
    text = (ROOT / "lessons/portal.py").read_text("utf-8")
    assert "miễn phí" in text and "1 bản sao" in text
    # the copy's fee is paid in the lesson's later part (3b), which says how much
    assert "1 bản sao, 8.000 đ" in (ROOT / "lessons/portal_result.py").read_text("utf-8")
    english = (ROOT / "lessons/portal.en.md").read_text("utf-8")
    assert "free" in english and "1 copy" in english
    assert "1 copy, 8,000 dong" in (ROOT / "lessons/portal_result.en.md").read_text("utf-8")


# -- level 2: in the app first, the police office as the other way --------------------------

#: Claims of the old texts: level 2 only in person at the police.
ONLY_AT_POLICE = [r"mức 2 làm (trực tiếp )?tại", r"level 2 is done in person",
                  r"mức 2 làm tại công an", r"lên mức 2 tại công an xã/phường$"]


def _all_texts() -> list[str]:
    texts = [m.message for m in (vneid.LevelTooLow, safety.GaveOtp)]
    texts += [safety.RIGHT[safety.TASK_POLICE]]
    texts += [h.instruction + " " + h.hint for h in vneid_help.STEP_HELP.values()]
    for name in ("vneid.py", "vneid.en.md", "safety.py", "safety.en.md"):
        texts.append((ROOT / "lessons" / name).read_text("utf-8"))
    texts.append((ROOT / "widgets/vneid_screens.py").read_text("utf-8"))
    return texts


@pytest.mark.parametrize("claim", ONLY_AT_POLICE)
def test_no_text_says_level_2_is_only_at_the_police(claim: str) -> None:
    for text in _all_texts():
        for line in text.splitlines():
            assert not re.search(claim, line.strip().strip('",)').casefold()), line


def test_every_text_on_reaching_level_2_names_the_app_way() -> None:
    teaching = [vneid.LevelTooLow.message, safety.GaveOtp.message,
                safety.RIGHT[safety.TASK_POLICE], vneid_help.STEP_HELP["intro"].hint,
                vneid_help.STEP_HELP["home"].instruction]
    for name in ("vneid.py", "vneid.en.md", "safety.py", "safety.en.md"):
        lesson = (ROOT / "lessons" / name).read_text("utf-8")
        teaching += [line for line in lesson.splitlines()
                     if re.search(r"mức 2|level 2", line, re.I)
                     and re.search(r"công an|police", line, re.I)]
    for text in teaching:
        assert re.search(r"ứng dụng|chip|chíp|\bapp\b", text, re.I), text


def _logged_in_level1(sim: VneidSimulator, persona: Persona) -> None:
    activate(sim, persona)
    sim.login(persona.id_number, PASSWORD)
    assert sim.status().level == 1


def test_level_2_in_the_app_needs_the_chip_and_the_face(
        sim: VneidSimulator, persona: Persona) -> None:
    _logged_in_level1(sim, persona)
    with pytest.raises(vneid.ChipNotRead):
        sim.upgrade_with_chip(chip_read=False, face_captured=True)
    with pytest.raises(vneid.FaceNotCaptured):
        sim.upgrade_with_chip(chip_read=True, face_captured=False)
    status = sim.upgrade_with_chip(chip_read=True, face_captured=True)
    assert (status.step, status.level) == (Step.LOGIN, 2)
    assert sim.login(persona.id_number, PASSWORD).level == 2
    bodies = [body for _sender, _at, body in sim.inbox()]
    assert any("muc do 2" in body for body in bodies)  # not the level-1 text again


def test_level_2_in_the_app_before_activation_leads_to_activation(
        sim: VneidSimulator) -> None:
    status = sim.upgrade_with_chip(chip_read=True, face_captured=True)
    assert (status.step, status.approved_level, status.level) == (Step.INTRO, 2, 0)


def test_a_phone_not_in_own_name_still_needs_the_police(
        box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    faults.switch_on(box.store, "hv001", "vneid.phone_not_own_name")
    sim.go(Step.REGISTER)
    with pytest.raises(vneid.PhoneNotOwnName):
        sim.register(persona.id_number, persona.phone, face_captured=True)
    with pytest.raises(vneid.PhoneNotOwnName):
        sim.upgrade_with_chip(chip_read=True, face_captured=True)
    assert sim.visit_police().approved_level == 2  # the officer puts the number in her name


def test_the_level_2_sms_is_not_the_level_1_text() -> None:
    assert vneid.LEVEL2_SMS != vneid.APPROVAL_SMS and "muc do 2" in vneid.LEVEL2_SMS


# -- simplifications said plainly ------------------------------------------------------------

def test_the_message_limit_is_said_to_be_the_sandboxs_own() -> None:
    assert "mô phỏng" in bank.InvalidMessage.message
    assert "Mỗi ngân hàng có giới hạn riêng" in bank.InvalidMessage.message


def test_the_receipt_check_is_marked_as_practice_only() -> None:
    screens = (ROOT / "widgets/bank_screens.py").read_text("utf-8")
    assert "ứng dụng ngân hàng thật không có ô này" in screens
    assert "chỉ có trong bài luyện tập" in (ROOT / "lessons/payment.py").read_text("utf-8")


# -- no error code without plain words ---------------------------------------------------------

CODED = [cls for cls in vars(signing).values()
         if isinstance(cls, type) and issubclass(cls, signing.SigningError)
         and "Mã lỗi" in cls.message]


def test_signing_shows_codes() -> None:
    assert len(CODED) >= 6


@pytest.mark.parametrize("error", CODED, ids=lambda c: c.__name__)
def test_every_error_code_has_plain_words_and_a_glossary_entry(error: type) -> None:
    number = re.search(r"Mã lỗi (\d+)", error.message)
    assert number
    plain = re.sub(r"\(Mã lỗi \d+[^)]*\)", "", error.message)
    assert len(plain.split()) >= 8, error.message  # a sentence, not a code
    found = [t.key for t in glossary.terms_in(error.message)]
    assert f"code_{number.group(1)}" in found
    english = translator("en")(error.message)
    assert f"code_{number.group(1)}" in [t.key for t in glossary.terms_in(english)]


def test_64002_says_the_request_is_kept_and_where_to_carry_on() -> None:
    assert "Quản lý yêu cầu" in signing.RequestExists.message
    assert "không đăng ký lại" in signing.RequestExists.message


# -- the glossary, where the words appear ------------------------------------------------------

def _vneid_page(box: Sandbox, lang: str = "vi") -> VneidAppHandles:
    page = course_screen(LearnerDesk(box, "hv001"), vneid_factory, lang=lang,
                         on_submit=lambda: "ok")
    assert isinstance(page.app, VneidAppHandles)
    return page.app


def test_the_glossary_explains_the_words_on_the_screen(
        box: Sandbox, persona: Persona) -> None:
    app = _vneid_page(box)
    app.controls["go-register"].click()
    app.controls["glossary"].click()
    panel = app.controls["glossary-panel"]
    assert panel.layout.display != "none"
    here = panel.value.split("<details>")[0]
    assert "Số định danh cá nhân" in here and "Mười hai chữ số" in here
    assert "Mã lỗi 64002" not in here and "Mã lỗi 64002" in panel.value  # folded, one tap away
    app.controls["glossary"].click()
    assert app.controls["glossary-panel"].layout.display == "none"


def test_the_glossary_explains_an_error_code_in_the_message(
        box: Sandbox, persona: Persona) -> None:
    app = _vneid_page(box, "en")
    app.message.show_error(translator("en")(signing.RequestExists.message))
    app.controls["glossary"].click()
    here = app.controls["glossary-panel"].value.split("<details>")[0]
    assert "Error code 64002" in here and "Manage requests" in here


def test_the_level_2_panel_teaches_the_app_first(box: Sandbox, persona: Persona) -> None:
    app = _vneid_page(box)
    panel = app.controls["police-panel"]
    text = glossary.screen_text([panel])
    assert text.index("Cách 1") < text.index("Cách 2")
    app.controls["chip-read"].value = True
    app.controls["chip-face"].value = True
    app.controls["chip-level2"].click()
    assert app.sim.status().approved_level == 2, app.message.text


def test_read_aloud_reads_the_open_glossary_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from bakhong.widgets import speech
    from bakhong.widgets.appview import StepHelp
    from bakhong.widgets.helpbar import HelpBar

    said: list[str] = []
    monkeypatch.setattr(speech, "audio_for", lambda text, lang: said.append(text) or b"")
    bar = HelpBar(translator("vi"), lambda task, key: None)
    bar.set_step("otp", StepHelp("Nhập mã OTP.", "Mã ở trong tin nhắn SMS."))
    bar.screen_text = lambda: "Nhập mã OTP"
    bar.speak()
    assert "Mã số dùng một lần" not in said[-1]
    bar.toggle_glossary()
    bar.speak()
    assert said[-1].startswith("Nhập mã OTP.") and "Mã OTP: Mã số dùng một lần" in said[-1]


def test_a_chip_read_that_fails_asks_to_hold_the_card_again(
        box: Sandbox, sim: VneidSimulator, persona: Persona) -> None:
    _logged_in_level1(sim, persona)
    faults.switch_on(box.store, "hv001", "vneid.chip_read_failed")
    with pytest.raises(vneid.ChipNotRead, match="sát mặt sau điện thoại"):
        sim.upgrade_with_chip(chip_read=True, face_captured=True)
    assert sim.upgrade_with_chip(chip_read=True, face_captured=True).level == 2
