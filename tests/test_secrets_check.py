"""Issue 20: the secrets check («Tự làm 10»), lesson 10's scenes with a fresh scenario, no help,
no explanation during the check, its mistakes explained after «Nộp bài», graded by nbgrader
from its own evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import grader, workshop
from bakhong.grading.course import CHECKS
from bakhong.grading.settings import DEFAULT_CORE_LESSONS
from bakhong.simulators import (
    attempts,
    checks,
    evidence,
    learners,
    secrets,
    submissions,
    walkthrough,
)
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.safety import Mistake
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.secrets import Step
from bakhong.simulators.secrets_check import SecretsCheckSimulator
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.entry import CHECK_APPS, LESSON_TITLES, _apps
from bakhong.widgets.i18n import translator
from bakhong.widgets.secrets_app import SecretsAppHandles, secrets_check_factory

LESSON = "secrets_check"


def mistakes(app: SecretsCheckSimulator) -> list[tuple[str, int]]:
    return [(m.code, m.count) for m in app.mistakes()]


def test_a_fresh_scenario_other_than_the_practice(box: Sandbox) -> None:
    learners.record_consent(box.store, box.clock, "hv002")
    practice = box.secrets("hv001").status().scenario
    check = box.secrets_check("hv001")
    scenario = check.status().scenario
    assert scenario == box.secrets_check("hv001").status().scenario  # drawn, then kept
    assert scenario != box.secrets_check("hv002").status().scenario
    assert "cast" not in practice and secrets.scene(practice) == dict(secrets.SCENE)
    cast = secrets.scene(scenario)
    assert cast["secret"] in ("wallet_pin", "vneid_passcode")  # not the practice's list
    assert cast["offerer"] == "market" and cast["nephew"] != secrets.NEPHEW
    assert cast["grandson"] != secrets.GRANDSON and cast["helpers"] == "market"
    assert cast["borrower"] in ("station_wallet", "station_zalo")
    assert "Nộp bài" in check.goal().text


def test_the_draw_differs_across_learners() -> None:
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box = Sandbox.open("sqlite://", clock=clock, seed="secrets-check-draws")
    try:
        box.add_learners([(f"hv{n:03d}", "Lê Thị Hoa", "Xã Thọ Long") for n in range(1, 13)])
        casts = []
        for n in range(1, 13):
            learners.record_consent(box.store, clock, f"hv{n:03d}")
            casts.append(secrets.scene(box.secrets_check(f"hv{n:03d}").status().scenario))
    finally:
        box.close()
    for key in ("secret", "nephew", "grandson", "borrower"):
        assert len({cast[key] for cast in casts}) > 1, key


def test_mistakes_are_recorded_unexplained_then_reviewed_and_tasks_still_earned(
        box: Sandbox) -> None:
    app = box.secrets_check("hv001")
    app.start(secrets.TASK_NOTEBOOK)
    status = app.photo_in_gallery()  # no Mistake raised: nothing explained during the check
    assert status.step is Step.OUTCOME and status.outcome is not None
    assert secrets.TASK_NOTEBOOK in status.done  # marked answered, right or wrong
    app.home()
    app.start(secrets.TASK_NOTEBOOK)
    app.notebook_at_home()  # answered again, right: the task counts
    app.start(secrets.TASK_OWN_NAME)
    app.sim_in_shop_name()
    app.start(secrets.TASK_OWN_NAME)
    app.wallet_in_nephew_name()
    app.start(secrets.TASK_OWN_NAME)
    app.own_name()
    app.start(secrets.TASK_HELP)
    app.stranger_helps()
    app.start(secrets.TASK_HELP)
    app.type_pin_myself(team=True)
    app.start(secrets.TASK_LEND)
    app.take_phone_back()
    with pytest.raises(secrets.WrongStep):  # a refusal of the app, not the learner's mistake
        app.own_name()
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(secrets.TASKS)
    assert walkthrough.done_tasks(box, "hv001", "secrets") == set()  # practice untouched
    found = mistakes(app)
    assert found == [("secrets.photo_in_gallery", 1), ("secrets.sim_in_other_name", 1),
                     ("secrets.account_in_other_name", 1), ("secrets.stranger_helped", 1)]
    explained = [m.explanation for m in app.mistakes()]
    assert checks.OTHER_MISTAKE not in explained
    en = translator("en")
    assert all(en(text) != text for text in explained)
    assert not app.finished()
    submissions.request(box.store, box.clock, "hv001", LESSON)
    assert app.finished()
    with pytest.raises(checks.CheckClosed):
        app.home()
    with pytest.raises(checks.CheckClosed):
        app.start(secrets.TASK_LEND)
    assert mistakes(app) == found  # nothing after the hand-in counts

    # the trainer's reset: another scenario, a new attempt
    attempts.reset_attempt(box.store, box.clock, "hv001", LESSON)
    again = box.secrets_check("hv001")
    assert not again.finished() and again.mistakes() == []
    assert again.status().done == frozenset() and again.status().step is Step.HOME
    kept = evidence.learner_events(box.store, "hv001", LESSON)
    assert sum(e.outcome != evidence.OK for e in kept) >= 4


def test_each_wrong_choice_is_a_mistake_of_its_scene(box: Sandbox) -> None:
    app = box.secrets_check("hv001")
    wrong = {secrets.TASK_NOTEBOOK: (app.stick_on_phone, app.photo_in_gallery,
                                     app.same_password),
             secrets.TASK_OWN_NAME: (app.sim_in_shop_name, app.wallet_in_nephew_name),
             secrets.TASK_HELP: (app.grandson_types_pin, app.stranger_helps),
             secrets.TASK_LEND: (app.let_borrower_go_on, app.tell_borrower_pin)}
    for task, choices in wrong.items():
        for choose in choices:
            app.start(task)
            assert choose().step is Step.OUTCOME
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set()  # nothing earned
    assert app.status().done == frozenset(secrets.TASKS)  # yet every scene answered
    assert {code for code, _ in mistakes(app)} == set(checks.SECRETS_CHECK.explanations)


def test_the_retake_draws_another_scenario(box: Sandbox) -> None:
    first = box.secrets_check("hv001").status().scenario
    submissions.request(box.store, box.clock, "hv001", LESSON)
    attempts.reset_attempt(box.store, box.clock, "hv001", LESSON)
    assert box.secrets_check("hv001").status().scenario != first


def test_every_mistake_of_lesson_10_is_explained_without_its_names() -> None:
    codes = {kind.code for kind in vars(secrets).values()
             if isinstance(kind, type) and issubclass(kind, Mistake)
             and kind.__module__ == secrets.__name__}
    assert codes == set(checks.SECRETS_CHECK.explanations)
    en = translator("en")
    for text in checks.SECRETS_CHECK.explanations.values():
        assert en(text) != text, text
        for name in (secrets.GRANDSON, secrets.NEPHEW, secrets.SHOP_OWNER):
            assert name not in text  # the check draws others


def test_the_check_is_in_the_course_but_not_core() -> None:
    assert LESSON_TITLES[LESSON] == "Tự làm 10: Giữ bí mật của mình"
    titles = list(LESSON_TITLES)
    assert titles.index(LESSON) == titles.index("secrets") + 1
    assert CHECK_APPS[LESSON] == LESSON and LESSON in CHECKS
    assert LESSON not in DEFAULT_CORE_LESSONS
    assert attempts.LESSON_FLOWS[LESSON] == (LESSON,)
    assert checks.SECRETS_CHECK.tasks == secrets.TASKS


def test_the_walkthrough_does_the_check(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", LESSON)
    assert walkthrough.done_tasks(box, "hv001", LESSON) == set(secrets.TASKS)
    assert box.secrets_check("hv001").mistakes() == []
    learners.record_consent(box.store, box.clock, "hv002")
    walkthrough.walk(box, "hv002", LESSON, tasks=3)  # the last scene answered wrong
    assert walkthrough.done_tasks(box, "hv002", LESSON) == set(secrets.TASKS[:3])
    assert mistakes(box.secrets_check("hv002")) == [("secrets.told_borrower_pin", 1)]


def test_no_dead_ends(box: Sandbox) -> None:
    """From every screen of the check, before the hand-in, a tap leads home."""
    app = box.secrets_check("hv001")
    for task in secrets.TASKS:
        assert app.start(task).step is not Step.HOME
        assert app.home().step is Step.HOME  # leaving a scene unanswered
        app.start(task)
        app.take_phone_back() if task == secrets.TASK_LEND else app.home()
        assert app.home().step is Step.HOME  # from the neutral screen too
        assert app.start(task).step is not Step.HOME  # and a scene answered opens again
        app.home()


# -- the page -------------------------------------------------------------------------------

def page(box: Sandbox, lang: str = "vi") -> CourseHandles:
    desk = LearnerDesk(box, "hv001")

    def submit() -> str:
        desk.submit(LESSON)
        return "ok"
    return course_screen(desk, _apps()[LESSON], lang=lang,  # type: ignore[arg-type]
                         on_submit=submit, current=LESSON, check=CHECK_APPS[LESSON])


def test_the_practice_page_is_as_before(box: Sandbox) -> None:
    from bakhong.widgets.secrets_app import secrets_app

    app = secrets_app(box.secrets("hv001"), translator("vi"))
    app.controls["start-own-name"].click()
    assert "Cửa hàng điện thoại Tâm Phát" in str([c.value for c in app.view.screen.children
                                                  if hasattr(c, "value")])
    assert app.controls["wallet-other"].description == "Đồng ý: ví điện tử đứng tên cháu Hùng"
    app.controls["home"].click()
    app.controls["start-help"].click()
    assert "Cháu Minh đi cùng bạn" in app.controls["help-talk"].value
    assert app.controls["stranger"].description == "Đưa điện thoại cho người lạ làm giúp"
    app.controls["home"].click()
    app.controls["start-notebook"].click()
    assert "Mã PIN thẻ ATM" in app.controls["notebook-story"].value
    app.controls["home"].click()
    app.controls["start-lend"].click()
    assert "ứng dụng ngân hàng" in app.controls["lend-talk"].value


def test_the_check_page_names_the_drawn_people_and_explains_nothing_before_the_end(
        box: Sandbox) -> None:
    course = page(box)
    app = course.app
    assert isinstance(app, SecretsAppHandles) and "tasks" not in app.controls
    assert app.view.helpbar.root.layout.display == "none"
    cast = secrets.scene(box.secrets_check("hv001").status().scenario)
    goal = course.controls["check-goal"].value
    assert "Bốn tình huống" in goal
    assert "đứng tên" not in app.controls["start-own-name"].description  # neutral titles
    app.controls["start-help"].click()
    assert cast["grandson"] in app.controls["grandson-types"].description
    assert "Minh" not in app.controls["help-talk"].value
    assert "Ở chợ" in app.controls["help-talk"].value
    app.controls["grandson-types"].click()  # the mistake: recorded, not explained
    explanation = app.controls["explanation"].value
    assert "Đã ghi lại" in explanation and "PIN" not in explanation
    assert "retry" not in app.controls  # no «Làm lại» that would say it was wrong
    app.controls["home"].click()
    assert app.controls["start-help"].description.startswith("✓")
    app.controls["start-own-name"].click()
    assert cast["nephew"] in app.controls["wallet-other"].description
    assert "Tâm Phát" not in app.controls["shop-talk"].value
    app.controls["home"].click()
    app.controls["start-lend"].click()
    borrower = secrets.BORROWERS[cast["borrower"]]
    assert borrower.seen in app.controls["lend-talk"].value
    app.controls["home"].click()
    app.controls["start-notebook"].click()
    assert secrets.SECRETS[cast["secret"]].said in app.controls["notebook-story"].value
    assert app.view.helpbar.root.layout.display == "none" and not app.view.helpbar.is_open
    course.controls["submit"].click()
    review = course.controls["check-review"]
    assert review.layout.display == "" and "(số lần: 1)" in review.value
    assert "Đã đọc mã PIN cho cháu bấm hộ" in review.value


def test_the_check_page_in_english(box: Sandbox) -> None:
    english = course_screen(LearnerDesk(box, "hv001"), secrets_check_factory, lang="en",
                            on_submit=lambda: None, current=LESSON, check=LESSON)
    goal = english.controls["check-goal"].value
    assert "Four everyday situations" in goal and "tình huống" not in goal
    app = english.app
    assert app is not None
    assert app.controls["start-own-name"].description == "○ Buying a SIM at the market"
    app.controls["start-lend"].click()
    assert "bus station" in app.controls["lend-talk"].value


# -- graded by nbgrader ------------------------------------------------------------------------

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]


@pytest.mark.slow
def test_the_secrets_check_is_graded_from_its_evidence(tmp_path: Path) -> None:
    root = tmp_path / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="secrets-check-grading",
                             lessons=("secrets", LESSON))
    try:
        walkthrough.walk(box, "hv001", "secrets")
        walkthrough.walk(box, "hv001", LESSON)  # full marks
        walkthrough.walk(box, "hv002", LESSON, tasks=3)  # the last scene answered wrong
        learners.record_consent(box.store, clock, "hv003")  # hv003 did nothing
        for learner_id, _, _ in ROSTER:
            submissions.request(box.store, clock, learner_id, LESSON)
        submissions.request(box.store, clock, "hv001", "secrets")
        scores = {(s.learner_id, s.lesson): s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {("hv001", LESSON): 8.0, ("hv002", LESSON): 6.0, ("hv003", LESSON): 0.0,
                      ("hv001", "secrets"): 8.0}
