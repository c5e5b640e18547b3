"""Issue 20, point 1: the portal's check («Tự làm 3»), filing a dossier online unaided.

A fresh scenario (a temporary residence for oneself, not the practice's newborn bundle) drawn
from the learner, the check and the attempt; the goal stated once, no help anywhere (the bank
it hands over to included); each slip recorded and explained only after «Nộp bài»; the app
closed once handed in until the trainer resets it (a retake draws another address); and the
grade from the check's own evidence, the practice's untouched.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from test_issue20_checks import page

from bakhong.grading import grader, workshop
from bakhong.simulators import (
    attempts,
    checks,
    learners,
    portal,
    procedures,
    submissions,
    walkthrough,
)
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.portal import InvalidForm, MissingAttachment, NotLoggedIn
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.i18n import translator
from bakhong.widgets.portal_app import portal_check_factory

TEMPORARY = checks.TEMPORARY


def test_the_scenario_is_another_procedure_drawn_from_the_learner(box: Sandbox) -> None:
    learners.record_consent(box.store, box.clock, "hv002")
    check = box.portal_check("hv001")
    s = check.scenario()
    assert s["procedure"] == TEMPORARY != procedures.NEWBORN_BUNDLE  # not the practice's
    assert procedures.by_code(TEMPORARY).fees  # a fee to pay online
    assert box.portal_check("hv001").scenario() == s  # deterministic
    assert box.portal_check("hv002").scenario()["address"] != s["address"]
    goal = check.goal()
    assert goal.values == {"address": s["address"], "until": s["until"]}
    titles = {d.doc_id: d.title for d in check.documents()}
    assert s["address"] in titles[s["papers"]["right"]]  # the contract of that address
    assert s["old_address"] in titles[s["papers"]["old"]]  # and an old one for another


def test_a_right_run_earns_every_task_and_leaves_the_practice_alone(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", "portal_check")
    assert walkthrough.done_tasks(box, "hv001", "portal_check") == set(
        checks.PORTAL_CHECK.tasks)
    assert box.portal_check("hv001").mistakes() == []
    assert walkthrough.done_tasks(box, "hv001", "portal") == set()  # practice untouched
    assert box.portal("hv001").status().drafts == {}  # nor its form
    filed = box.portal_check("hv001").my_dossiers()
    assert [(d.procedure, d.status) for d in filed] == [(TEMPORARY, 2)]  # received


def _logged_in(box: Sandbox) -> checks.PortalCheckSimulator:
    walkthrough.walk(box, "hv001", "vneid")
    app = box.portal_check("hv001")
    with pytest.raises(NotLoggedIn):
        app.start(TEMPORARY)
    app.login(app.persona.id_number, walkthrough.PASSWORD)
    return app


def test_slips_are_recorded_and_explained_after_the_hand_in(box: Sandbox) -> None:
    app = _logged_in(box)
    s = app.scenario()
    app.start(TEMPORARY)
    app.save_step(TEMPORARY, 0, {}, {"requester_name"})  # opened and kept: retyped
    with pytest.raises(InvalidForm):  # an end date that has passed
        app.save_step(TEMPORARY, 1, {"temporary_address": s["address"],
                                     "temporary_until": "01/01/2020"})
    app.save_step(TEMPORARY, 1, {"temporary_address": s["address"],
                                 "temporary_until": s["until"]})
    with pytest.raises(MissingAttachment):
        app.submit(TEMPORARY)
    app.attach(TEMPORARY, "residence_proof", s["papers"]["old"])
    d = app.submit(TEMPORARY)
    assert d.code and d.status == 1
    assert [(m.code, m.count) for m in app.mistakes()] == [
        ("portal.not_logged_in", 1), ("portal.invalid_form", 1),
        ("portal.missing_attachment", 1), (checks.RETYPED, 1), (checks.WRONG_PAPER, 1)]
    assert all(m.explanation != checks.OTHER_MISTAKE for m in app.mistakes())
    assert app.dossier(d.code).status == 1
    assert checks.TASK_STATUS not in walkthrough.done_tasks(box, "hv001", "portal_check")
    box.clock.advance(seconds=40)  # the official refuses it: the old contract
    refused = app.dossier(d.code)
    assert refused.status == 3 and refused.events[-1].params["reason"] == checks.REFUSED_PAPER
    assert walkthrough.done_tasks(box, "hv001", "portal_check") == {
        portal.TASK_LOGIN, checks.TASK_FILED, checks.TASK_STATUS}
    assert not app.finished()
    submissions.request(box.store, box.clock, "hv001", "portal_check")
    assert app.finished()
    with pytest.raises(checks.CheckClosed):
        app.start(TEMPORARY)
    with pytest.raises(checks.CheckClosed):
        app.login(app.persona.id_number, walkthrough.PASSWORD)
    assert len(app.mistakes()) == 5  # a refusal after the hand-in is no mistake

    # the trainer lets the resident retake it: open again, another address and contracts
    attempts.reset_attempt(box.store, box.clock, "hv001", "portal_check")
    again = box.portal_check("hv001")
    assert not again.finished() and again.mistakes() == []
    assert again.scenario()["address"] != s["address"]
    assert again.my_dossiers() == [] and not again.status().logged_in
    assert again.scenario()["papers"]["right"] not in s["papers"].values()


def test_a_wrong_address_or_procedure_earns_no_filing(box: Sandbox) -> None:
    app = _logged_in(box)
    s = app.scenario()
    app.start(TEMPORARY)
    app.save_step(TEMPORARY, 0, {})
    app.save_step(TEMPORARY, 1, {"temporary_address": "Số 1, tổ dân phố 1, phường Hạc Thành",
                                 "temporary_until": s["until"]})
    app.attach(TEMPORARY, "residence_proof", s["papers"]["right"])
    app.submit(TEMPORARY)
    app.start("2.000635")  # another procedure altogether
    app.save_step("2.000635", 0, {})
    app.save_step("2.000635", 1, {"extract_kind": "Khai sinh", "copies": "1"})
    app.submit("2.000635")
    codes = [m.code for m in app.mistakes()]
    assert codes == ["portal.not_logged_in", checks.WRONG_DETAILS, checks.WRONG_PROCEDURE]
    assert checks.TASK_FILED not in walkthrough.done_tasks(box, "hv001", "portal_check")
    assert checks.same_address(s["address"].replace(",", "").lower(), s)


def test_the_check_page_states_the_goal_and_gives_no_help(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", "vneid")
    course = page(box, "portal_check")
    assert course.app is not None
    s = box.portal_check("hv001").scenario()
    goal = course.controls["check-goal"].value
    assert s["address"] in goal and s["until"] in goal and "tạm trú" in goal
    assert "bk-common-lesson-text" not in str(course.root.children)
    view = course.app.view  # type: ignore[attr-defined]
    assert view.unaided and view.helpbar.root.layout.display == "none"
    card = course.app.controls["persona-card"].children[0].value
    assert view.sim.persona.full_name in card and "Em bé" not in card  # no baby here
    for _ in range(3):  # refused again and again: no hint is offered
        course.app.controls["login"].click()
    assert view.helpbar.root.layout.display == "none" and not view.helpbar.is_open
    course.controls["submit"].click()
    review = course.controls["check-review"]
    assert review.layout.display == "" and "(số lần: 3)" in review.value
    assert course.controls["submit"].layout.display == "none"
    english = page(box, "portal_check", "en")
    shown = english.controls["check-goal"].value
    assert "temporary residence" in shown and s["address"] in shown
    assert "has exactly 12 digits" in english.controls["check-review"].value  # empty, 3 times


def test_the_bank_it_hands_over_to_has_no_help_either(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", "portal_check", tasks=4)  # filed right, the fee unpaid
    code = box.portal_check("hv001").my_dossiers()[0].code
    handles = portal_check_factory(LearnerDesk(box, "hv001"), translator("vi"))
    view = handles.view
    view.move("dossier", code)
    view.open_bank(code)
    assert view.bank is not None and view.bank.view.unaided
    assert view.bank.view.helpbar.root.layout.display == "none"


@pytest.mark.slow
def test_the_portal_check_is_graded_by_nbgrader_beside_the_practice(tmp_path: Path) -> None:
    roster = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long")]
    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, roster, clock=clock, seed="graded-portal-check",
                             lessons=("portal", "portal_check"))
    try:
        walkthrough.walk(box, "hv001", "portal_check")
        walkthrough.walk(box, "hv002", "portal_check", tasks=2)  # retyped, the old contract
        for learner_id, _, _ in roster:
            for lesson in ("portal", "portal_check"):
                submissions.request(box.store, clock, learner_id, lesson)
        graded = grader.grade_pending(root, box)
    finally:
        box.close()
    scores = {(s.learner_id, s.lesson): (s.score, s.max_score) for s in graded}
    assert scores[("hv001", "portal_check")] == (7.0, 7.0)  # 100%
    done, most = scores[("hv002", "portal_check")]
    assert done == 3.0 and done / most < 0.8  # login and the filing: below the pass mark
    assert scores[("hv001", "portal")][0] == scores[("hv002", "portal")][0] == 0.0
