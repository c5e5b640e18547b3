"""Issue 20, point 1: the signing check («Tự làm 4»).

The signing app with papers drawn from the learner, the check and the attempt (another paper
to sign than the practice's form, and a good and a bad signature to tell apart), the
learner's own certificate, no help, refusals and wrong answers explained after «Nộp bài»,
the app closed once handed in until the trainer resets it (a retake draws anew), and the
grade from the check's evidence only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, settings, workshop
from bakhong.simulators import (
    attempts,
    checks,
    learners,
    signing,
    signing_check,
    submissions,
    walkthrough,
)
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.signing_app import signing_check_factory

PIN = walkthrough.SIGNING_PIN


def practised(box: Sandbox, learner_id: str = "hv001") -> None:
    """The practice's enrolment done: a certificate and its PIN."""
    walkthrough.walk(box, learner_id, "signing", tasks=2)


def test_the_check_draws_other_papers_than_the_practice(box: Sandbox) -> None:
    practised(box)
    practice_titles = {title for _doc, title, _source in box.signing("hv001").pdfs()}
    check = box.signing_check("hv001")
    scenario = check.scenario()
    assert scenario == box.signing_check("hv001").scenario()  # drawn, not random
    shown = {doc: title for doc, title, _source in check.pdfs()}
    assert set(shown) == {scenario[f"{role}_doc"] for role in ("sign", "decoy", "valid", "bad")}
    assert not set(shown.values()) & practice_titles  # the practice's papers are not asked
    goal = check.goal()
    assert goal.values["sign"] == scenario["sign_title"]
    assert {goal.values["a"], goal.values["b"]} == {scenario["valid_title"],
                                                    scenario["bad_title"]}
    # every learner draws from the learner, the check and the attempt
    draws = {tuple(sorted(signing_check.draw_scenario(checks._seed(
        "check", "signing_check", f"hv{n:03d}", 0)).items())) for n in range(1, 9)}
    assert len(draws) > 1


def test_the_bad_paper_is_bad_and_the_good_one_good(box: Sandbox) -> None:
    seen = set()
    for n in range(1, 9):  # both kinds of bad paper, among a few learners
        learner_id = f"hc{n:03d}"
        box.add_learners([(learner_id, f"Học Viên {n}", "Xã Thọ Long")])
        learners.record_consent(box.store, box.clock, learner_id)
        check = box.signing_check(learner_id)
        scenario = check.scenario()
        good = check.verify(scenario["valid_doc"])
        bad = check.verify(scenario["bad_doc"])
        assert [v.verdict for v in good] == ["valid"]
        assert [v.verdict for v in bad] == [scenario["bad_kind"]]
        seen.add(scenario["bad_kind"])
        if seen == set(signing_check.BAD_KINDS):
            break
    assert seen == set(signing_check.BAD_KINDS)


def test_the_resident_signs_with_the_certificate_of_the_practice(box: Sandbox) -> None:
    practised(box)
    before = box.signing("hv001").status().certificate
    check = box.signing_check("hv001")
    status = check.status()
    assert status.step is signing.Step.ACTIVE and status.certificate == before
    transaction = check.sign(check.scenario()["sign_doc"])
    signed = check.confirm(transaction.tran_id, PIN)
    found = check.verify(signed)  # a real PAdES signature, by the sandbox CA's certificate
    me = box.signing("hv001").persona.full_name
    assert [v.verdict for v in found] == ["valid"] and found[0].signer == me
    assert walkthrough.done_tasks(box, "hv001", "signing_check") == {"certificate", "sign_doc"}
    assert walkthrough.done_tasks(box, "hv001", "signing") == {"recover", "enrol"}  # untouched


def test_without_a_certificate_the_resident_enrols_in_the_check(box: Sandbox) -> None:
    assert box.signing_check("hv001").status().step is signing.Step.INTRO
    walkthrough.walk(box, "hv001", "signing_check", tasks=1)
    assert walkthrough.done_tasks(box, "hv001", "signing_check") == {"certificate"}
    assert walkthrough.done_tasks(box, "hv001", "signing") == set()
    walkthrough.walk(box, "hv001", "signing_check")
    assert walkthrough.done_tasks(box, "hv001", "signing_check") == set(
        checks.SIGNING_CHECK.tasks)
    assert box.signing_check("hv001").mistakes() == []


def test_mistakes_are_explained_after_the_hand_in_and_the_check_closes(box: Sandbox) -> None:
    practised(box)
    app = box.signing_check("hv001")
    s = app.scenario()
    with pytest.raises(signing.WrongPin):
        app.confirm(app.sign(s["sign_doc"]).tran_id, "000000")
    app.confirm(app.sign(s["decoy_doc"]).tran_id, PIN)  # the other paper
    app.verify(s["bad_doc"])
    app.judge(s["bad_doc"], trusted=True)  # trusted the bad one
    app.judge(s["bad_doc"], trusted=False)  # a second answer counts for nothing
    app.verify(s["valid_doc"])
    app.judge(s["valid_doc"], trusted=False)
    assert [(m.code, m.count) for m in app.mistakes()] == [
        ("sign.pin_wrong", 1), (signing_check.WRONG_DOCUMENT, 1),
        (signing_check.TRUSTED_BAD, 1), (signing_check.DISTRUSTED_VALID, 1)]
    assert all(m.explanation != checks.OTHER_MISTAKE for m in app.mistakes())
    assert walkthrough.done_tasks(box, "hv001", "signing_check") == {"certificate"}
    assert not app.finished()
    submissions.request(box.store, box.clock, "hv001", "signing_check")
    assert app.finished()
    with pytest.raises(checks.CheckClosed):
        app.sign(s["sign_doc"])
    assert len(app.mistakes()) == 4  # a refusal after the hand-in is not a mistake

    # the trainer lets the resident retake it: open again, other papers
    attempts.reset_attempt(box.store, box.clock, "hv001", "signing_check")
    again = box.signing_check("hv001")
    assert not again.finished() and again.mistakes() == []
    fresh = again.scenario()
    assert again.status().step is signing.Step.ACTIVE  # the same certificate
    assert {fresh[f"{r}_doc"] for r in ("sign", "valid", "bad")}.isdisjoint(
        {s[f"{r}_doc"] for r in ("sign", "decoy", "valid", "bad")})
    assert signing_check.draw_scenario(checks._seed("check", "signing_check", "hv001", 1)) \
        .items() <= fresh.items()  # the next attempt's draw
    walkthrough.walk(box, "hv001", "signing_check")
    assert walkthrough.done_tasks(box, "hv001", "signing_check") >= {"trust_valid", "spot_bad"}


def page(box: Sandbox, lang: str = "vi") -> CourseHandles:
    desk = LearnerDesk(box, "hv001")

    def submit() -> str:
        desk.submit("signing_check")
        return "ok"
    return course_screen(desk, signing_check_factory, lang=lang, on_submit=submit,
                         current="signing_check", check="signing_check")


def test_the_check_page_states_the_goal_and_gives_no_help(box: Sandbox) -> None:
    practised(box)
    course = page(box)
    assert course.app is not None and "tasks" not in course.app.controls
    scenario = box.signing_check("hv001").scenario()
    goal = course.controls["check-goal"].value
    assert scenario["sign_title"] in goal and scenario["bad_title"] in goal
    view = course.app.view  # type: ignore[attr-defined]
    assert view.unaided and view.helpbar.root.layout.display == "none"
    english = page(box, "en").controls["check-goal"].value
    assert "with your certificate" in english and scenario["sign_title"] not in english
    course.controls["submit"].click()
    review = course.controls["check-review"]
    assert review.layout.display == "" and course.controls["submit"].layout.display == "none"


@pytest.mark.slow
def test_the_signing_check_is_graded_by_nbgrader_beside_the_practice(tmp_path: Path) -> None:
    roster = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long")]
    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, roster, clock=clock, seed="graded-signing-check",
                             lessons=("signing", "signing_check"))
    try:
        walkthrough.walk(box, "hv001", "signing")
        walkthrough.walk(box, "hv001", "signing_check")
        walkthrough.walk(box, "hv002", "signing_check", tasks=2)  # the good and bad untold
        for learner_id, _, _ in roster:
            for lesson in ("signing", "signing_check"):
                submissions.request(box.store, clock, learner_id, lesson)
        scores = {(s.learner_id, s.lesson): s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {("hv001", "signing"): 9.0, ("hv001", "signing_check"): 6.0,
                      ("hv002", "signing"): 0.0, ("hv002", "signing_check"): 3.0}
    assert 3.0 / 6.0 < settings.CourseSettings().pass_mark  # the short run fails


def test_every_commune_s_signers_get_a_certificate(box: Sandbox) -> None:
    """The signers' names in Vietnamese run past X.509's 64 bytes of a common name («Hợp tác
    xã Nông nghiệp Phường Hạc Thành (mô phỏng)» is 66): the demo's build broke on one."""
    from datetime import timedelta

    from bakhong.simulators import idnumber, pki, registry

    authority = pki.SandboxPKI.create("t", now=box.clock.now() - timedelta(days=90),
                                      rng=box.random("pki"), kind="ec")
    longest = max((name for _code, name in registry.communes()), key=lambda n: len(n.encode()))
    for _title, _file, _heading, signer, _rows in signing_check.RECEIVED:
        for commune in (longest, "Phường Hạc Thành"):
            made = authority.issue(full_name=signing_check.signer_name(
                signer.format(commune=commune)), id_number=idnumber.make_sandbox_number("nam", 1975, 1),
                province="Thanh Hóa", now=box.clock.now(), rng=box.random("x"), kind="ec")
            assert pki.common_name(made.certificate).startswith(signer.split()[0])


def test_one_certificate_whichever_app_issued_it(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", "signing_check", tasks=1)  # enrolled in the check
    # the check retaken after the trainer's reset: the PIN is set again by SMS code
    submissions.request(box.store, box.clock, "hv001", "signing_check")
    attempts.reset_attempt(box.store, box.clock, "hv001", "signing_check")
    again = box.signing_check("hv001")
    assert again.status().step is signing.Step.LOCKED
    again.request_reactivation()
    code = again.inbox()[-1][1].split(" la ")[1][:6]
    again.reactivate(code, "975310", "975310")
    again.confirm(again.sign(again.scenario()["sign_doc"]).tran_id, "975310")
    assert walkthrough.done_tasks(box, "hv001", "signing_check") == {"certificate", "sign_doc"}
    practice = box.signing("hv001")
    assert practice.status().step is signing.Step.ACTIVE  # the same certificate, the same PIN
    practice.confirm(practice.sign(practice.pdfs()[-1][0]).tran_id, "975310")
