"""Lesson 7's VNeID app driven headless, and the lesson graded by nbgrader from its evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.simulators import learners, submissions, vneid_daily
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.course import course_screen
from bakhong.widgets.i18n import translator
from bakhong.widgets.vneid_daily_app import (
    VneidDailyAppHandles,
    vneid_daily_app,
    vneid_daily_factory,
)


def tap(app: VneidDailyAppHandles, name: str) -> None:
    app.controls[name].click()


def ok(app: VneidDailyAppHandles) -> None:
    assert app.message.kind != "error", app.message.text


def home(app: VneidDailyAppHandles) -> None:
    """Log in if needed, then back to the home screen."""
    if "login" in app.controls:
        if not app.controls["passcode"].value:
            app.controls["passcode"].value = app.sim.card_passcode()
        tap(app, "login")
        ok(app)
    for _ in range(4):
        if "go-wallet" in app.controls:
            return
        tap(app, "go-home" if "go-home" in app.controls else "back")
    raise AssertionError("no home screen")


def add_papers(app: VneidDailyAppHandles, *, mistakes: bool = False) -> None:
    """Task 1: the driving licence (a wrong number first with ``mistakes``), then the card."""
    home(app)
    tap(app, "go-wallet")
    tap(app, "go-add-paper")
    app.controls["paper-kind"].value = vneid_daily.GPLX
    if mistakes:
        app.controls["paper-number"].value = "038000000000"
        tap(app, "find-paper")
        assert app.message.kind == "error" and "thẻ nhân vật" in app.message.text
    app.controls["paper-number"].value = app.sim.papers()[vneid_daily.GPLX].number
    tap(app, "find-paper")
    ok(app)
    assert app.sim.persona.full_name in app.controls["found-paper"].value
    tap(app, "confirm-paper")
    ok(app)
    tap(app, "go-add-paper")
    assert app.controls["paper-kind"].value == vneid_daily.BHYT  # the one left
    tap(app, "find-paper")
    tap(app, "confirm-paper")
    ok(app)
    assert "go-add-paper" not in app.controls and "open-gplx" in app.controls


def at_clinic(app: VneidDailyAppHandles, *, mistakes: bool = False) -> None:
    home(app)
    tap(app, "go-clinic")
    if mistakes:
        tap(app, "clinic-screenshot")
        assert app.message.kind == "error"
        tap(app, "clinic-passcode")
        assert app.message.kind == "error" and "passcode" in app.message.text
    tap(app, "go-wallet")
    kind = "bhyt" if "open-bhyt" in app.controls else "cccd"
    tap(app, f"open-{kind}")
    assert 'src="data:image/png;base64,' in app.controls["paper-card"].value
    tap(app, "clinic-show-qr")
    ok(app)


def find_newborn(app: VneidDailyAppHandles, *, mistakes: bool = False) -> None:
    home(app)
    tap(app, "go-procedures")
    if mistakes:
        tap(app, "procedure-permanent")
        assert app.message.kind == "error" and "Đăng ký thường trú" in app.message.text
    tap(app, "procedure-newborn")
    ok(app)
    assert "go-home" in app.controls


def do_the_lesson(app: VneidDailyAppHandles, *, mistakes: bool = False) -> None:
    add_papers(app, mistakes=mistakes)
    at_clinic(app, mistakes=mistakes)
    find_newborn(app, mistakes=mistakes)


@pytest.fixture
def app(box: Sandbox) -> VneidDailyAppHandles:
    return vneid_daily_app(box.vneid_daily("hv001"), box.vneid_daily("hv001").persona,
                           translator("vi"))


def test_the_whole_lesson_ticks_every_task(app: VneidDailyAppHandles) -> None:
    assert "(0/3)" in app.controls["tasks"].titles[0]
    app.controls["passcode"].value = "000001"
    tap(app, "login")
    assert app.message.kind == "error"
    app.controls["passcode"].value = ""
    do_the_lesson(app, mistakes=True)
    assert "(3/3)" in app.controls["tasks"].titles[0]
    assert app.controls["tasks"].children[0].value.count("✅") == 3


def test_the_persona_card_holds_the_passcode_and_the_licence(app: VneidDailyAppHandles) -> None:
    card = app.controls["persona-card"].children[0].value
    assert app.sim.card_passcode() in card
    assert app.sim.papers()[vneid_daily.GPLX].number in card
    assert app.controls["persona-card"].selected_index == 0  # open where it is typed


def test_english(box: Sandbox) -> None:
    sim = box.vneid_daily("hv001")
    app = vneid_daily_app(sim, sim.persona, translator("en"))
    assert app.controls["login"].description == "Log in"
    home(app)
    assert app.controls["go-wallet"].description == "Document wallet"
    tap(app, "go-procedures")
    assert app.controls["procedure-newborn"].description.startswith("Joint procedure")


def test_course_page_runs_the_app(box: Sandbox) -> None:
    page = course_screen(LearnerDesk(box, "hv001"), vneid_daily_factory, lang="vi",
                         on_submit=lambda: None)
    assert page.app is not None and "login" in page.app.controls


# -- graded by nbgrader ------------------------------------------------------------------------

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_vneid_daily_lesson_is_graded_from_evidence(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="vneid-daily-grading",
                             lessons=("vneid_daily",))
    try:
        for learner_id in ("hv001", "hv002", "hv003"):
            learners.record_consent(box.store, clock, learner_id)
        sim = box.vneid_daily("hv001")
        do_the_lesson(vneid_daily_app(sim, sim.persona, translator("vi")), mistakes=True)
        sim = box.vneid_daily("hv002")
        partly = vneid_daily_app(sim, sim.persona, translator("vi"))
        find_newborn(partly)
        home(partly)
        tap(partly, "go-clinic")
        tap(partly, "clinic-passcode")  # told the passcode: no point
        for learner_id, _, _ in ROSTER:  # hv003 did nothing
            submissions.request(box.store, clock, learner_id, "vneid_daily")
        scores = {s.learner_id: s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": 6.0, "hv002": 2.0, "hv003": 0.0}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("vneid_daily", "hv001").max_score == 6.0
        assert gradebook.find_submission("vneid_daily", "hv002").score == 2.0
