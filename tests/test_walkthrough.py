"""Scripted residents (simulators/walkthrough.py): each walk leaves exactly the tasks it names,
as the lessons' own judge sees them, and the task lists are those the notebooks grade."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bakhong.grading import course
from bakhong.grading.hidden_tests import completed
from bakhong.grading.progress import class_progress
from bakhong.simulators import learners
from bakhong.simulators.attempts import evidence_lesson
from bakhong.simulators.clock import VN_TZ, FixedClock, SystemClock
from bakhong.simulators.evidence import learner_events
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.walkthrough import (
    LESSON_TASKS,
    NeedsFixedClock,
    stuck_at_otp,
    walk,
    walk_course,
)

LESSONS_DIR = Path(__file__).resolve().parent.parent / "lessons"


def notebook_tasks(lesson: str) -> list[str]:
    """The tasks the lesson's hidden cells assert, in the notebook's order."""
    tree = ast.parse((LESSONS_DIR / f"{lesson}.py").read_text(encoding="utf-8"))
    return [node.args[1].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "task_done"
            and isinstance(node.args[1], ast.Constant)
            and node.args[0].value == evidence_lesson(lesson)]


def judged(box: Sandbox, learner_id: str, lesson: str) -> set[str]:
    """What the hidden tests would pass: the lesson's judge over the learner's evidence,
    among the tasks the notebook grades."""
    judged_on = evidence_lesson(lesson)  # a later part is judged on its app's lesson
    found = completed(judged_on, learner_events(box.store, learner_id, judged_on))
    return found & set(notebook_tasks(lesson))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))  # a Tuesday morning


@pytest.fixture
def box(tmp_path: Path, clock: FixedClock) -> Iterator[Sandbox]:
    sandbox = Sandbox.open(tmp_path / "sandbox.db", clock=clock, seed="walkthrough")
    sandbox.add_learners([(f"hv{i:03d}", f"Học Viên {i}", "Xã Thọ Long") for i in range(1, 9)])
    yield sandbox
    sandbox.close()


def test_the_task_lists_are_the_notebooks() -> None:
    assert tuple(LESSON_TASKS) == course.LESSONS
    for lesson, tasks in LESSON_TASKS.items():
        graded = notebook_tasks(lesson)
        assert sorted(tasks) == sorted(graded) and len(tasks) == len(graded), lesson
        if lesson != "signing":  # the drop comes before the certificate: recover, then enrol
            assert list(tasks) == graded, lesson
    assert LESSON_TASKS["signing"][:2] == ("recover", "enrol")


@pytest.mark.parametrize("lesson", course.LESSONS)
def test_each_count_of_tasks_leaves_exactly_those(box: Sandbox, lesson: str) -> None:
    tasks = LESSON_TASKS[lesson]
    for count in range(len(tasks) + 1):
        learner_id = f"hv{count + 1:03d}"
        walk(box, learner_id, lesson, tasks=count if count < len(tasks) else None)
        assert judged(box, learner_id, lesson) == set(tasks[:count]), (lesson, count)


def test_a_lesson_walked_part_way_is_walked_on(box: Sandbox) -> None:
    walk(box, "hv001", "payment", tasks=1)
    walk(box, "hv001", "payment")
    assert judged(box, "hv001", "payment") == set(LESSON_TASKS["payment"])
    walk(box, "hv002", "vneid", tasks=2)
    walk(box, "hv002", "signing", tasks=1)  # level 2 first, as the signing app needs it
    assert judged(box, "hv002", "vneid") == set(LESSON_TASKS["vneid"])
    assert judged(box, "hv002", "signing") == {"recover"}


def test_the_course_and_the_clock(box: Sandbox, clock: FixedClock) -> None:
    start = clock.now()
    walk_course(box, "hv001", lessons=3, tasks=2)
    for lesson in ("first_steps", "vneid", "payment"):
        assert judged(box, "hv001", lesson) == set(LESSON_TASKS[lesson])
    assert judged(box, "hv001", "portal") == {"login", "submit_bundle"}
    assert judged(box, "hv001", "signing") == set()
    assert clock.now() > start  # every action took its time on the sandbox's clock
    walk_course(box, "hv002", lessons=0, tasks=1)
    assert judged(box, "hv002", "first_steps") == {"tap"}
    with pytest.raises(ValueError):
        walk(box, "hv003", "vneid", clock=FixedClock(start))  # not the sandbox's clock
    with pytest.raises(ValueError):
        walk(box, "hv003", "vneid", tasks=4)
    with pytest.raises(KeyError):
        walk(box, "hv003", "cooking")


def test_without_a_fixed_clock_only_the_portal_refuses(tmp_path: Path) -> None:
    sandbox = Sandbox.open(tmp_path / "live.db", clock=SystemClock(), seed="live")
    try:
        sandbox.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
        walk(sandbox, "hv001", "payment")
        assert judged(sandbox, "hv001", "payment") == set(LESSON_TASKS["payment"])
        with pytest.raises(NeedsFixedClock):
            walk(sandbox, "hv001", "portal")
    finally:
        sandbox.close()


def test_stuck_at_the_otp_shows_on_the_dashboard(box: Sandbox, clock: FixedClock) -> None:
    stuck_at_otp(box, "hv001")
    assert judged(box, "hv001", "vneid") == {"register"}
    row = next(p for p in class_progress(box.store, clock.now()) if p.learner_id == "hv001")
    assert row.stuck is not None and row.stuck.kind == "repeated"
    assert (row.stuck.code, row.stuck.count, row.step) == ("vneid.otp_wrong", 3, "otp")
    with box.store.engine.connect() as conn:
        assert learners.has_consented(conn, "hv001")


def test_two_communes_file_the_bundle_on_one_day(box: Sandbox) -> None:
    box.add_learners([("hv101", "Trần Văn Nam", "Phường Hạc Thành")])
    walk(box, "hv001", "portal", tasks=3)  # Xã Thọ Long
    walk(box, "hv101", "portal", tasks=3)  # Phường Hạc Thành, the same morning
    assert judged(box, "hv101", "portal") == {"login", "submit_bundle", "once_only"}
