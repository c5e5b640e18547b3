"""Issue 16, the resident's side, headless: what the views promise the page script and the
browser (``test_browser_issue16.py`` and ``test_browser_walk.py`` look at the phone).

A new screen carries its start marker, number fields their number-pad class, a language
switch keeps the screen, what was typed and the result on show, the page's poller brings
the officials' steps, the SMS and the score without a tap, a handed-over app shows no
second badge, the police office sends a level-2 SMS, and the join page's address is one a
phone can open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest
from conftest import PASSWORD, reach_level2
from test_widgets_portal import (
    attach_the_photo,
    fill_the_form,
    log_in,
    make_app,
    open_the_bundle,
    pay_in_the_bank,
    tap,
)

from bakhong import pages, serving
from bakhong.simulators import learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.vneid import LEVEL2_SMS, Step
from bakhong.widgets.appview import AppView
from bakhong.widgets.bank_app import bank_factory
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.live import Poller
from bakhong.widgets.phone import walk
from bakhong.widgets.portal_app import portal_factory
from bakhong.widgets.signing_app import signing_factory
from bakhong.widgets.vneid_app import vneid_factory

LEARNER = "hv001"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=VN_TZ))


@pytest.fixture
def box(tmp_path: Path, clock: FixedClock) -> Iterator[Sandbox]:
    sandbox = Sandbox.open(tmp_path / "sandbox.db", clock=clock, seed="issue16")
    sandbox.add_learners([(LEARNER, "Lê Thị Hoa", "Xã Thọ Long")])
    learners.record_consent(sandbox.store, clock, LEARNER)
    yield sandbox
    sandbox.close()


def persona(box: Sandbox) -> registry.Persona:
    return registry.persona_of_learner(box.store, LEARNER)


def classes(widget: Any) -> tuple[str, ...]:
    return tuple(getattr(widget, "_dom_classes", ()))


def markers(view: AppView) -> int:
    return sum("bk-screen-start" in classes(x) for x in view.screen.children)


def page(box: Sandbox, factory: Any, **kwargs: Any) -> CourseHandles:
    return course_screen(LearnerDesk(box, LEARNER), factory, lang="vi", on_submit=lambda: None,
                         **kwargs)


# -- 1. a new screen opens at its top --------------------------------------------------------

def test_a_new_screen_starts_with_its_marker_a_rebuild_of_the_same_does_not(
        box: Sandbox) -> None:
    course = page(box, vneid_factory)
    view = course.app.view  # type: ignore[union-attr]
    assert markers(view) == 0  # the first screen: the page opens at its top anyway
    view.controls["go-register"].click()
    assert markers(view) == 1
    marker = next(x for x in view.screen.children if "bk-screen-start" in classes(x))
    assert marker.layout.display == "none"
    view.controls["register"].click()  # refused: the same screen, nothing moves
    assert view.message.kind == "error" and markers(view) == 1
    view.render_quietly()  # the poller's render never moves the page
    assert markers(view) == 1


def test_the_inbox_closes_on_the_next_screen(box: Sandbox) -> None:
    reach = box.vneid(LEARNER)
    p = persona(box)
    reach.go(Step.REGISTER)
    reach.register(p.id_number, p.phone, face_captured=True)
    course = page(box, vneid_factory)
    view = course.app.view  # type: ignore[union-attr]
    view.controls["go-activate"].click()
    view.controls["id-number"].value = p.id_number
    view.controls["phone"].value = p.phone
    view.controls["send-request"].click()
    assert view.inbox.selected_index == 0  # the OTP is in the SMS
    code = re.search(r"\d{6}", reach.inbox()[0][2]).group()  # type: ignore[union-attr]
    view.controls["otp"].value = code
    view.controls["submit-otp"].click()
    assert reach.status().step is Step.PASSWORD
    assert view.inbox.selected_index is None  # read: it does not push the password down
    assert "Tin nhắn cũ hơn (1)" in view.inbox.children[0].value  # older ones folded


# -- 2. number pads ------------------------------------------------------------------------------

def test_number_fields_ask_for_the_number_pad(box: Sandbox) -> None:
    course = page(box, vneid_factory)
    view = course.app.view  # type: ignore[union-attr]
    view.controls["go-register"].click()
    assert "bk-numeric" in classes(view.controls["id-number"])
    assert "bk-numeric" in classes(view.controls["phone"])
    bank = page(box, bank_factory).app.view  # type: ignore[union-attr]
    assert all("bk-numeric" in classes(bank.controls[n]) for n in ("new-pin", "new-pin-again"))
    box.vneid(LEARNER).go(Step.INTRO)
    reach_level2(box.vneid(LEARNER), persona(box))
    portal = make_app(box)
    assert "bk-numeric" in classes(portal.controls["id-number"])


# -- 4. a language switch keeps the place ------------------------------------------------------

def test_a_language_switch_keeps_the_screen_what_was_typed_and_the_message(
        box: Sandbox) -> None:
    course = page(box, bank_factory)
    app = course.app
    app.controls["new-pin"].value = "1357"  # type: ignore[union-attr]
    app.controls["save-pin"].click()  # type: ignore[union-attr]
    assert app.message.kind == "error"  # type: ignore[union-attr]
    course.controls["lang-en"].click()
    english = course.app
    assert english is not app
    assert english.controls["new-pin"].value == "1357"  # type: ignore[union-attr]
    assert english.message.kind == "error"  # type: ignore[union-attr]
    assert re.search(r"[A-Za-z]{4}", english.message.text)  # said again in English
    assert not re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệ]", english.message.text)


def test_a_language_switch_keeps_the_bank_panel_and_the_green_line(box: Sandbox) -> None:
    course = page(box, bank_factory)
    view = course.app.view  # type: ignore[union-attr]
    view.controls["new-pin"].value = view.controls["new-pin-again"].value = "135790"
    view.controls["save-pin"].click()
    view.controls["go-check"].click()
    view.controls["reference"].value = "FT123"
    assert view.panel == "check"
    course.controls["lang-en"].click()
    english = course.app.view  # type: ignore[union-attr]
    assert english.panel == "check" and english.controls["reference"].value == "FT123"
    assert english.controls["check-reference"].description == "Check"
    english.controls["back"].click()
    english.controls["top-up"].click()
    assert english.message.kind == "info"
    said = english.message.text
    course.controls["lang-vi"].click()
    again = course.app.view  # type: ignore[union-attr]
    assert again.message.kind == "info" and again.message.text != said
    assert "1.000.000 đ" in again.message.text and "Người thân" in again.message.text


def test_the_signature_check_result_survives_a_language_switch(box: Sandbox) -> None:
    reach_level2(box.vneid(LEARNER), persona(box))
    course = page(box, signing_factory)
    view = course.app.view  # type: ignore[union-attr]
    view.controls["begin"].click()
    view.controls["id-number"].value = persona(box).id_number
    view.controls["password"].value = PASSWORD
    for name in ("link-vneid", "confirm-identity"):
        view.controls[name].click()
    for name in ("card-front", "card-back", "face"):
        view.controls[name].value = True
    view.controls["submit-ekyc"].click()
    view.controls["agree"].value = True
    view.controls["submit-contract"].click()  # the lesson's dropped connection
    view.controls["resume"].click()
    view.controls["new-pin"].value = view.controls["new-pin-again"].value = "864213"
    view.controls["finish"].click()
    view.controls["go-verify"].click()
    picker = view.controls["verify-doc"]
    assert isinstance(picker, w.ToggleButtons)  # a list to tap: nothing cut
    picker.value = picker.options[0][1]
    view.controls["verify"].click()
    assert "verdicts" in view.controls
    course.controls["lang-en"].click()
    english = course.app.view  # type: ignore[union-attr]
    assert english.panel == "verify" and "verdicts" in english.controls
    assert english.controls["verify-doc"].value == picker.value
    assert "Signature 1" in english.controls["verdicts"].value


def test_display_switches_rebuild_nothing(box: Sandbox) -> None:
    course = page(box, vneid_factory)
    app = course.app
    app.controls["go-register"].click()  # type: ignore[union-attr]
    app.controls["id-number"].value = "000"  # type: ignore[union-attr]
    course.controls["large-text"].click()
    course.controls["contrast"].click()
    assert course.app is app and app.controls["id-number"].value == "000"  # type: ignore
    assert "bk-large-text" in classes(course.root) and "bk-high-contrast" in classes(course.root)


# -- 5. what changes without a tap ---------------------------------------------------------------

def test_the_officials_steps_and_their_sms_arrive_by_themselves(box: Sandbox,
                                                               clock: FixedClock) -> None:
    reach_level2(box.vneid(LEARNER), persona(box))
    course = page(box, portal_factory)
    app = course.app
    poller = course.poller
    assert not course.start_live()  # no event loop in a test: the watches are set, no task
    assert "app" in poller.watches
    log_in(app, box)  # type: ignore[arg-type]
    open_the_bundle(app)  # type: ignore[arg-type]
    fill_the_form(app)  # type: ignore[arg-type]
    attach_the_photo(app)  # type: ignore[arg-type]
    tap(app, "submit")  # type: ignore[arg-type]
    pay_in_the_bank(app, box)  # type: ignore[arg-type]
    view = app.view  # type: ignore[union-attr]
    status = view.controls["status"].value
    poller.tick()
    assert view.controls["status"].value == status  # nothing due: nothing drawn
    clock.advance(seconds=31)  # the official receives the dossier: no «Làm mới» tapped
    poller.tick()
    assert view.controls["status"].value != status and "Được tiếp nhận" in \
        view.controls["status"].value
    assert view.inbox.selected_index is None  # the screen does not move for the SMS
    assert view.inbox.titles[0].startswith("🔔 ")  # but the inbox rings
    view.inbox.selected_index = 0
    assert not view.inbox.titles[0].startswith("🔔")


def test_the_score_shows_by_itself_once_graded(box: Sandbox, clock: FixedClock) -> None:
    def submit() -> str:
        submissions.request(box.store, clock, LEARNER, "vneid")
        return "Đã nộp bài."

    def grading() -> bool:
        latest = submissions.latest(box.store, LEARNER, "vneid")
        return latest is not None and latest.status in (submissions.QUEUED,
                                                        submissions.GRADING)

    def score(tr: Any) -> str:
        return str(tr("Điểm bài này: {score}/{max_score}.").format(score=5, max_score=5))

    course = course_screen(LearnerDesk(box, LEARNER), vneid_factory, lang="vi",
                           on_submit=submit, on_score=score, is_grading=grading)
    course.start_live()
    course.controls["submit"].click()
    assert course.message.text == "Đã nộp bài." and "score" in course.poller.watches
    course.poller.tick()
    assert course.message.text == "Đã nộp bài."  # still being graded
    row = submissions.latest(box.store, LEARNER, "vneid")
    assert row is not None
    submissions.mark(box.store, clock, row.seq, submissions.GRADED, 5.0, 5.0)
    course.poller.tick()
    assert course.message.kind == "info" and course.message.text == "Điểm bài này: 5/5."
    assert "score" not in course.poller.watches


def test_a_poller_survives_a_failing_watch() -> None:
    poller = Poller()
    calls: list[int] = []

    def broken() -> int:
        raise RuntimeError("store busy")
    poller.watch("broken", broken, lambda: calls.append(1))
    poller.tick()
    assert "broken" in poller.watches and not calls
    assert not poller.start()  # not in a kernel


# -- 6. the smaller ones -----------------------------------------------------------------------

def test_the_bank_handed_over_by_the_portal_has_no_badge_and_no_lesson_2_tasks(
        box: Sandbox) -> None:
    reach_level2(box.vneid(LEARNER), persona(box))
    app = make_app(box)
    log_in(app, box)
    open_the_bundle(app)
    fill_the_form(app)
    attach_the_photo(app)
    tap(app, "submit")
    tap(app, "pay")
    tap(app, "open-bank")
    badges = [x for x in walk(app.root) if "bk-common-badge" in classes(x)]
    assert len(badges) == 1  # the portal's
    assert not [x for x in walk(app.root) if "bk-bank-tasks" in classes(x)]
    bar = app.view.handoff
    assert bar is not None and "bk-screen-start" in classes(bar.children[0])


def test_the_attached_photo_can_be_zoomed(box: Sandbox) -> None:
    reach_level2(box.vneid(LEARNER), persona(box))
    app = make_app(box)
    log_in(app, box)
    open_the_bundle(app)
    fill_the_form(app)
    attach_the_photo(app)
    pictures = app.controls["attached-birth_certificate"]
    zoom = app.controls["zoom-birth_certificate"]
    assert 'width="320"' in pictures.value  # shown 320 px wide …
    zoom.value = True
    assert "bk-zoomed" in classes(pictures) and zoom.description == "Thu nhỏ"
    zoom.value = False
    assert "bk-zoomed" not in classes(pictures)


def test_before_consent_the_lesson_text_is_folded_in_the_phone(box: Sandbox) -> None:
    box.add_learners([("hv002", "Trần Văn Nam", "Xã Thọ Long")])
    course = course_screen(LearnerDesk(box, "hv002"), vneid_factory, lang="vi",
                           on_submit=lambda: None, current="vneid")
    assert course.consent is not None and course.app is None
    panel = course.controls["lesson-text"]
    assert panel.selected_index is None  # folded; the notebook's copy is hidden
    assert ".jp-MarkdownCell { display: none; }" in panel.children[0].children[0].value


def test_the_police_visit_sends_a_level_2_sms(box: Sandbox) -> None:
    sim = box.vneid(LEARNER)
    p = persona(box)
    sim.go(Step.REGISTER)
    sim.register(p.id_number, p.phone, face_captured=True)
    level1 = sim.inbox()[0][2]
    sim.visit_police()
    level2 = sim.inbox()[0][2]
    assert level2 != level1 and "muc do 2" in level2 and p.name_without_diacritics in level2
    assert level2 == LEVEL2_SMS.format(name=p.name_without_diacritics)


def test_the_join_page_shows_an_address_a_phone_can_open(monkeypatch: Any) -> None:
    monkeypatch.setattr(serving, "lan_address", lambda: "192.168.1.23")
    assert serving.class_address("0.0.0.0", "127.0.0.1:8866") == "http://192.168.1.23:8866/"
    assert serving.class_address("0.0.0.0", "localhost:8866") == "http://192.168.1.23:8866/"
    assert serving.class_address("0.0.0.0", "192.168.1.23:8866") == "http://192.168.1.23:8866/"
    assert serving.class_address("127.0.0.1", "127.0.0.1:8866") == "http://127.0.0.1:8866/"
    local = pages.join_page("http://127.0.0.1:8866/", [])
    assert "chỉ mở được trên chính máy tính" in local and "--host 0.0.0.0" in local
    assert 'class="bk-local-only"' in local and 'class="bk-error"' not in local  # a note
    assert "chỉ mở được" not in pages.join_page("http://192.168.1.23:8866/", [])


def test_the_laptops_address_is_found_without_the_network() -> None:
    found = serving.lan_address()
    assert found is None or not found.startswith("127.")
