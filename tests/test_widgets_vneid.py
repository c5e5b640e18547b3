"""The VNeID app and the course page, driven headless: set ``.value``, ``.click()``, read back.

Every click goes through the same handler a phone's tap reaches in Voila, so a
handler that raised here would show Voila's English traceback banner there.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest

from bakhong.simulators import faults, idnumber, learners
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.errors import StoreBusy
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.vneid import (
    SECURITY_QUESTIONS,
    PhoneNotOwnName,
    Step,
    VneidSimulator,
    WrongOtp,
)
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.i18n import UNEXPECTED, translator
from bakhong.widgets.phone import walk
from bakhong.widgets.vneid_app import VneidAppHandles, vneid_app, vneid_factory

LEARNER = "hv001"
OTHER = "hv002"  # a second learner, still at the consent screen
PASSWORD = "Matkhau@2026"
PASSCODE = "246810"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 28, 8, 0, tzinfo=VN_TZ))


@pytest.fixture
def box(tmp_path: Path, clock: FixedClock) -> Iterator[Sandbox]:
    sandbox = Sandbox.open(tmp_path / "sandbox.db", clock=clock, seed="widgets-test")
    # One call: a seeded sandbox draws the same households on every add_learners call.
    sandbox.add_learners([(LEARNER, "Lê Thị Hoa", "Xã Thọ Long"),
                          (OTHER, "Trần Văn Nam", "Xã Thọ Long")])
    yield sandbox
    sandbox.close()


def submitted() -> str:
    return "Đã nộp bài. Người hướng dẫn sẽ chấm."


@pytest.fixture
def course(box: Sandbox) -> CourseHandles:
    page = course_screen(LearnerDesk(box, LEARNER), vneid_factory, lang="vi", on_submit=submitted)
    assert page.consent is not None and page.app is None
    page.consent.controls["consent-accept"].click()
    assert page.app is not None
    return page


def app_of(page: CourseHandles) -> VneidAppHandles:
    assert isinstance(page.app, VneidAppHandles)
    return page.app


def fill(app: VneidAppHandles, **values: Any) -> None:
    for name, value in values.items():
        app.controls[name.replace("_", "-")].value = value


def click(app: VneidAppHandles, name: str) -> None:
    app.controls[name].click()


def latest_otp(sim: VneidSimulator) -> str:
    match = re.search(r"\b\d{6}\b", sim.inbox()[0][2])
    assert match, sim.inbox()
    return match.group()


def texts_of(root: Any) -> list[str]:
    """Everything a learner can read or hear: labels, button text, placeholders, titles."""
    found: list[str] = []
    for widget in walk(root):
        layout = getattr(widget, "layout", None)
        if layout is not None and layout.display == "none":
            continue
        if isinstance(widget, w.Button | w.ToggleButton):
            found += [widget.description, widget.tooltip or ""]
        elif isinstance(widget, w.HTML | w.Label):
            markup = re.sub(r"<style.*?</style>", "", widget.value, flags=re.S)
            found.append(html.unescape(re.sub(r"<[^>]+>", " ", markup)))
        elif isinstance(widget, w.Text | w.Password):
            found += [widget.description, widget.placeholder]
        elif isinstance(widget, w.Dropdown | w.ToggleButtons):
            found += [widget.description, *widget._options_labels]
        if isinstance(widget, w.Accordion):
            found += list(widget.titles)
    return [" ".join(t.split()) for t in found if t and t.strip()]


def persona_data(sim: VneidSimulator) -> list[str]:
    """Values shown as they are in every language: the persona's data and the SMS bodies."""
    p = sim.persona
    values = [p.full_name, p.address, p.commune_name, p.province_name,
              p.name_without_diacritics, idnumber.format(p.id_number), p.phone]
    for sender, _at, body in sim.inbox():
        values += [body, sender]
    return sorted(values, key=len, reverse=True)


# -- the whole flow, as a learner taps it ---------------------------------------------------


def test_consent_first_then_the_app(box: Sandbox) -> None:
    page = course_screen(LearnerDesk(box, LEARNER), vneid_factory, lang="vi", on_submit=submitted)
    assert page.consent is not None
    assert learners.NOTICE_VERSION in " ".join(texts_of(page.root))
    assert "submit" not in page.controls  # nothing to hand in before consent
    page.consent.controls["consent-accept"].click()
    with box.store.engine.connect() as conn:
        assert learners.has_consented(conn, LEARNER)
    assert page.consent is None and page.app is not None
    # a reload (a new page for the same learner) goes straight to the app
    again = course_screen(LearnerDesk(box, LEARNER), vneid_factory, lang="vi", on_submit=submitted)
    assert again.consent is None and again.app is not None


def test_whole_flow_to_level_2(course: CourseHandles, clock: FixedClock) -> None:
    app = app_of(course)
    sim, p = app.sim, app.sim.persona
    shown = " ".join(texts_of(app.root))
    assert p.full_name in shown and idnumber.format(p.id_number) in shown

    click(app, "go-register")
    fill(app, id_number=p.id_number, phone=p.phone, face=True)
    click(app, "register")
    assert app.message.kind == "info", app.message.text
    assert sim.status().approved_level == 1 and sim.status().step is Step.INTRO
    assert "da duoc phe duyet" in " ".join(texts_of(app.root))  # the approval SMS

    click(app, "go-activate")
    assert "Kích hoạt tài khoản định danh điện tử" in texts_of(app.root)
    fill(app, id_number=idnumber.format(p.id_number), phone=p.phone)
    click(app, "send-request")
    status = sim.status()
    assert status.step is Step.OTP, app.message.text
    assert app.message.text.startswith("Gửi mã OTP thành công")
    assert "Mã có hiệu lực đến 08:03." in texts_of(app.root)
    assert app.controls["sms-inbox"].selected_index == 0  # the new SMS opened the inbox
    assert "Ma OTP cua ban la" in " ".join(texts_of(app.controls["sms-inbox"]))

    fill(app, otp=latest_otp(sim))
    click(app, "submit-otp")
    assert sim.status().step is Step.PASSWORD
    fill(app, password=PASSWORD, password_again=PASSWORD)
    click(app, "save-password")
    assert sim.status().step is Step.PASSCODE
    fill(app, new_passcode=PASSCODE, new_passcode_again=PASSCODE)
    click(app, "save-passcode")
    assert sim.status().step is Step.SECURITY
    fill(app, question_1=SECURITY_QUESTIONS[1], answer_1="Lan",
         question_2=SECURITY_QUESTIONS[2], answer_2="Bánh chưng")
    click(app, "save-questions")
    assert sim.status().step is Step.LOGIN and sim.status().level == 1, app.message.text
    assert app.message.text == "Kích hoạt thành công. Hãy đăng nhập lại."

    fill(app, id_number=p.id_number, login_password=PASSWORD)
    click(app, "login")
    assert sim.status().step is Step.HOME and sim.status().logged_in
    assert "Mức 1" in " ".join(texts_of(app.root))
    assert "open-card" not in app.controls  # level 1 has no e-ID card: the police step instead
    click(app, "visit-police")
    assert sim.status().step is Step.LOGIN and sim.status().level == 2
    assert "mức 2" in app.message.text

    fill(app, id_number=p.id_number, login_password=PASSWORD)
    click(app, "login")
    assert sim.status().level == 2 and sim.status().logged_in
    assert "Mức 2" in " ".join(texts_of(app.root))
    fill(app, passcode=PASSCODE)
    click(app, "open-card")
    assert sim.status().card_shown, app.message.text
    card = " ".join(texts_of(app.controls["eid-card"]))
    assert "Căn cước điện tử" in card and p.full_name in card

    course.controls["submit"].click()
    assert course.message.kind == "info"
    assert course.message.text == submitted()


def test_wrong_otp_shows_the_vietnamese_message(course: CourseHandles) -> None:
    app = app_of(course)
    sim, p = app.sim, app.sim.persona
    sim.go(Step.REGISTER)
    sim.register(p.id_number, p.phone, face_captured=True)
    sim.go(Step.ACTIVATE)
    sim.request_otp(p.id_number, p.phone)
    app.render()
    wrong = "000000" if latest_otp(sim) != "000000" else "111111"
    fill(app, otp=wrong)
    click(app, "submit-otp")  # must not raise
    assert app.message.kind == "error"
    assert app.message.text == WrongOtp.message
    assert 'role="alert"' in app.message.html.value
    assert sim.status().step is Step.OTP
    assert app.controls["otp"].value == wrong  # the screen was not rebuilt: the typing stays
    assert not app.controls["submit-otp"].disabled


def test_expired_otp_says_so_and_offers_a_new_code(course: CourseHandles,
                                                    clock: FixedClock) -> None:
    app = app_of(course)
    sim, p = app.sim, app.sim.persona
    sim.go(Step.REGISTER)
    sim.register(p.id_number, p.phone, face_captured=True)
    sim.go(Step.ACTIVATE)
    sim.request_otp(p.id_number, p.phone)
    code = latest_otp(sim)
    clock.advance(minutes=4)
    app.render()
    assert "Mã đã hết hạn lúc 08:03. Hãy bấm «Gửi lại mã»." in texts_of(app.root)
    assert "bk-primary" in app.controls["resend-otp"]._dom_classes
    fill(app, otp=code)
    click(app, "submit-otp")
    assert app.message.kind == "error" and "hết hạn" in app.message.text
    click(app, "resend-otp")
    assert app.message.kind == "info"
    fill(app, otp=latest_otp(sim))
    click(app, "submit-otp")
    assert sim.status().step is Step.PASSWORD


def test_typed_id_number_errors_are_shown_in_vietnamese(course: CourseHandles) -> None:
    app = app_of(course)
    click(app, "go-register")
    fill(app, id_number="0001 234", phone="0100123456", face=True)
    click(app, "register")
    assert app.message.kind == "error"
    assert app.message.text == idnumber.InvalidLength.message
    assert app.controls["id-number"].value == "0001 234"  # kept for correcting


def test_unexpected_exception_shows_the_generic_message(
        course: CourseHandles, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_of(course)
    seen: list[bool] = []

    def broken(self: VneidSimulator, step: Step) -> None:
        seen.append(app.controls["go-register"].disabled)
        raise RuntimeError("database exploded: /secret/path")

    monkeypatch.setattr(VneidSimulator, "go", broken)
    click(app, "go-register")  # must not raise
    assert seen == [True]  # the button is disabled while the call runs ...
    assert not app.controls["go-register"].disabled  # ... and enabled again after
    assert app.message.kind == "error"
    assert app.message.text == UNEXPECTED
    assert "RuntimeError" not in app.message.html.value
    assert "Traceback" not in app.message.html.value


def test_a_failing_render_is_shown_not_raised(course: CourseHandles,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_of(course)

    def busy(self: VneidSimulator) -> None:
        raise StoreBusy("locked")

    monkeypatch.setattr(VneidSimulator, "status", busy)
    app.render()
    assert app.message.text == StoreBusy.message


def test_phone_not_in_own_name_opens_the_police_office(course: CourseHandles,
                                                        box: Sandbox) -> None:
    faults.switch_on(box.store, LEARNER, "vneid.phone_not_own_name")
    app = app_of(course)
    sim, p = app.sim, app.sim.persona
    click(app, "go-register")
    fill(app, id_number=p.id_number, phone=p.phone, face=True)
    click(app, "register")
    assert app.message.text == PhoneNotOwnName.message
    assert app.controls["police-panel"].selected_index == 0
    click(app, "visit-police")
    assert app.message.kind == "info" and sim.status().approved_level == 2
    assert "kích hoạt" in app.message.text
    click(app, "go-activate")  # the officer put the phone in the learner's name
    fill(app, id_number=p.id_number, phone=p.phone)
    click(app, "send-request")
    assert sim.status().step is Step.OTP, app.message.text


def test_language_switch_rebuilds_in_english_and_is_remembered(course: CourseHandles,
                                                               box: Sandbox) -> None:
    app = app_of(course)
    click(app, "go-register")
    course.controls["lang-en"].click()
    assert course.lang == "en"
    assert learners.by_id(box.store, LEARNER).language == "en"
    english = app_of(course)
    assert english is not app
    assert english.sim.status().step is Step.REGISTER  # the flow is in the store, not the view
    assert english.controls["register"].description == "Register"
    assert course.controls["submit"].description == "Hand in"
    assert "PRACTICE" in " ".join(texts_of(course.root))
    course.controls["submit"].click()
    assert course.message.kind == "info"
    # a page opened later starts in the remembered language
    later = course_screen(LearnerDesk(box, LEARNER), vneid_factory, on_submit=submitted)
    assert later.lang == "en"
    course.controls["lang-vi"].click()
    assert app_of(course).controls["register"].description == "Đăng ký"


def test_submit_shows_a_refusal(box: Sandbox) -> None:
    def refuse() -> str:
        raise StoreBusy("queue locked")

    page = course_screen(LearnerDesk(box, LEARNER), vneid_factory, lang="vi", on_submit=refuse)
    assert page.consent is not None
    page.consent.controls["consent-accept"].click()
    page.controls["submit"].click()
    assert page.message.kind == "error" and page.message.text == StoreBusy.message


def test_a_page_that_cannot_load_offers_retry(box: Sandbox,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(conn: Any, learner_id: str) -> bool:
        raise StoreBusy("locked")

    monkeypatch.setattr(learners, "has_consented", busy)
    page = course_screen(LearnerDesk(box, LEARNER), vneid_factory, lang="vi", on_submit=submitted)
    assert page.message.text == StoreBusy.message
    assert any("bk-common-badge" in getattr(x, "_dom_classes", ()) for x in walk(page.root))
    monkeypatch.undo()
    page.controls["retry"].click()
    assert page.consent is not None


# -- every screen, in every language ---------------------------------------------------------


def every_screen(box: Sandbox, clock: FixedClock, lang: str
                 ) -> Iterator[tuple[str, Any, VneidSimulator]]:
    """Walk the simulator through every step; yield each screen as the learner would see it."""
    tr = translator(lang)
    learners.record_consent(box.store, clock, LEARNER)
    sim = box.vneid(LEARNER)
    p = sim.persona

    def app() -> Any:
        return vneid_app(sim, p, tr).root

    page = course_screen(LearnerDesk(box, OTHER), vneid_factory, lang=lang, on_submit=submitted)
    yield "consent page", page.root, box.vneid(OTHER)
    yield "intro, new", app(), sim
    sim.go(Step.REGISTER)
    yield "register", app(), sim
    sim.register(p.id_number, p.phone, face_captured=True)
    yield "intro, approved", app(), sim
    sim.go(Step.ACTIVATE)
    yield "activate", app(), sim
    sim.request_otp(p.id_number, p.phone)
    yield "otp", app(), sim
    clock.advance(minutes=4)
    yield "otp, expired", app(), sim
    # an error in the message area, through a click
    expired = vneid_app(sim, p, tr)
    expired.controls["otp"].value = "000000"
    expired.controls["submit-otp"].click()
    assert expired.message.kind == "error"
    yield "otp, with an error", expired.root, sim
    sim.resend_otp()
    sim.submit_otp(latest_otp(sim))
    yield "password", app(), sim
    sim.set_password(PASSWORD, PASSWORD)
    yield "passcode", app(), sim
    sim.set_passcode(PASSCODE, PASSCODE)
    yield "security", app(), sim
    sim.set_security_questions({SECURITY_QUESTIONS[0]: "a", SECURITY_QUESTIONS[1]: "b"})
    yield "login", app(), sim
    sim.go(Step.INTRO)
    yield "intro, activated", app(), sim
    sim.go(Step.LOGIN)
    sim.login(p.id_number, PASSWORD, new_device=True)
    yield "device", app(), sim
    sim.confirm_with_nfc()
    sim.submit_otp(latest_otp(sim))
    yield "home, level 1", app(), sim
    sim.visit_police()
    sim.login(p.id_number, PASSWORD)
    yield "home, level 2", app(), sim
    for _ in range(5):
        try:
            sim.open_card("000000")
        except Exception:
            pass
    yield "home, passcode locked", app(), sim
    sim.forgot_passcode()
    sim.submit_otp(latest_otp(sim))
    yield "reset passcode", app(), sim
    sim.reset_passcode(PASSCODE, PASSCODE)
    sim.open_card(PASSCODE)
    yield "home, card shown", app(), sim
    learners.record_consent(box.store, clock, OTHER)
    page = course_screen(LearnerDesk(box, OTHER), vneid_factory, lang=lang, on_submit=submitted)
    yield "course page", page.root, box.vneid(OTHER)


def test_the_walk_reaches_every_step(box: Sandbox, clock: FixedClock) -> None:
    steps = set()
    for _label, _root, sim in every_screen(box, clock, "vi"):
        steps.add(sim.status().step)
    assert steps == set(Step)


def test_every_screen_carries_the_mo_phong_badge(box: Sandbox,
                                                 clock: FixedClock) -> None:
    for label, root, _sim in every_screen(box, clock, "vi"):
        badges = [x for x in walk(root) if "bk-common-badge" in getattr(x, "_dom_classes", ())]
        assert len(badges) == 1, label
        assert "MÔ PHỎNG" in badges[0].value
        assert "không phải ứng dụng thật" in badges[0].value


def test_pseudo_locale_leaves_no_string_untranslated(box: Sandbox,
                                                     clock: FixedClock) -> None:
    checked = 0
    for label, root, sim in every_screen(box, clock, "pseudo"):
        data = persona_data(sim) + persona_data(box.vneid(LEARNER))
        for text in texts_of(root):
            rest = re.sub(r"⟦.*?⟧", " ", text, flags=re.S)
            for value in data:
                rest = rest.replace(value, " ")
            letters = re.sub(r"[\W\d_]", "", rest)
            assert not letters, f"{label}: untranslated text {text!r}"
            checked += 1
    assert checked > 200


def test_english_shows_no_vietnamese(box: Sandbox, clock: FixedClock) -> None:
    for label, root, sim in every_screen(box, clock, "en"):
        data = persona_data(sim) + persona_data(box.vneid(LEARNER)) + ["Tiếng Việt"]
        for text in texts_of(root):
            rest = text
            for value in data:
                rest = rest.replace(value, " ")
            decomposed = unicodedata.normalize("NFD", rest)
            assert not any(unicodedata.combining(ch) for ch in decomposed) and "đ" not in (
                rest.lower()), f"{label}: Vietnamese left in English: {text!r}"


def test_vietnamese_shows_no_english_word(box: Sandbox, clock: FixedClock) -> None:
    english = re.compile(r"\b(the|and|your|please|error|click|press|send|code)\b", re.I)
    for label, root, sim in every_screen(box, clock, "vi"):
        for text in texts_of(root):
            rest = text
            for value in [*persona_data(sim), "English"]:
                rest = rest.replace(value, " ")
            assert not english.search(rest), f"{label}: English in Vietnamese: {text!r}"


def test_every_control_has_a_stable_class_and_a_label(box: Sandbox, clock: FixedClock) -> None:
    operated = (w.Button, w.ToggleButton, w.Text, w.Password, w.Dropdown, w.Accordion)
    for label, root, _sim in every_screen(box, clock, "vi"):
        for widget in walk(root):
            if not isinstance(widget, operated):
                continue
            classes = [c for c in widget._dom_classes
                       if re.fullmatch(r"bk-(common|vneid)-[a-z0-9-]+", c)]
            assert len(classes) == 1, f"{label}: {widget!r}"
            if isinstance(widget, w.Accordion):
                assert all(widget.titles), f"{label}: {classes[0]} has no title"
            else:
                assert widget.description.strip(), f"{label}: {classes[0]} has no label"
            if isinstance(widget, w.Text | w.Password | w.Dropdown):
                assert widget.description_allow_html is False
                assert "bk-field" in widget._dom_classes  # label above the field
