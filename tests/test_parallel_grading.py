"""Grading on both cores: one writer, killed at any point, every pair graded once as serially."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from browser_support import server_env
from graded_workshop import GradedWorkshop, day

from bakhong.grading import grader, workshop
from bakhong.grading.course import gradebook_url
from bakhong.simulators import submissions

pytestmark = pytest.mark.slow

CLASS = GradedWorkshop(8, frozenset({"hv001", "hv002", "hv004", "hv007"}),
                       frozenset({"hv002", "hv003", "hv007"}), "parallel", day(2026, 12, 1))
LESSONS = CLASS.lessons
ROSTER = CLASS.roster
EXPECTED = CLASS.expected


def build(root: Path) -> None:
    CLASS.build(root, hand_in=True)


def gradebook_scores(root: Path) -> dict[tuple[str, str], float]:
    from nbgrader.api import Gradebook

    found: dict[tuple[str, str], float] = {}
    with Gradebook(gradebook_url(root)) as gradebook:
        for lesson in LESSONS:
            for sub in gradebook.assignment_submissions(lesson):
                assert (sub.student.id, lesson) not in found  # one submission per pair
                found[(sub.student.id, lesson)] = float(sub.score)
    return found


def queue_scores(root: Path) -> dict[tuple[str, str], float | None]:
    box = workshop.open_sandbox(root)
    try:
        rows = submissions.latest_all(box.store)
        assert {r.status for r in rows} == {submissions.GRADED}, [r.status for r in rows]
        return {(r.learner_id, r.lesson): r.score for r in rows}
    finally:
        box.close()


def test_parallel_equals_serial(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    build(root)
    box = workshop.open_sandbox(root)
    try:
        parallel = {(s.learner_id, s.lesson): s.score
                    for s in grader.grade_pending(root, box, workers=2)}
        for learner_id, _, _ in ROSTER:
            for lesson in LESSONS:
                submissions.enqueue(box.store, box.clock, learner_id, lesson)
        serial = {(s.learner_id, s.lesson): s.score
                  for s in grader.grade_pending(root, box, workers=1)}
    finally:
        box.close()
    assert parallel == serial == EXPECTED
    assert gradebook_scores(root) == EXPECTED


def bakhong_grade(root: Path, home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "bakhong"), "grade", str(root), "--workers", "2"],
        env=server_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)


def graded_count(root: Path) -> int:
    box = workshop.open_sandbox(root)
    try:
        return sum(r.status == submissions.GRADED for r in submissions.latest_all(box.store))
    finally:
        box.close()


def test_killed_at_any_point_then_run_again(tmp_path: Path, bakhong_home: Path) -> None:
    root = tmp_path / "ws"
    build(root)
    total = len(ROSTER) * len(LESSONS)
    kills = 0
    for wanted in (1, 5, 9, 13):  # kill after that many pairs were graded, then go on
        process = bakhong_grade(root, bakhong_home)
        deadline = time.monotonic() + 240
        while graded_count(root) < wanted and process.poll() is None:
            assert time.monotonic() < deadline, "grading too slow"
            time.sleep(0.2)
        if process.poll() is None:
            children = psutil.Process(process.pid).children(recursive=True)
            os.kill(process.pid, signal.SIGKILL)  # the writer, mid-batch
            process.wait()
            kills += 1
            psutil.wait_procs(children, timeout=30)  # the pool and kernels go with it
            alive = [c for c in children if c.is_running() and c.status() != "zombie"]
            for child in alive:
                child.kill()
            assert not alive, f"left running after the kill: {alive}"
    assert kills >= 2
    final = bakhong_grade(root, bakhong_home)
    assert final.wait(timeout=600) == 0
    assert graded_count(root) == total
    assert queue_scores(root) == EXPECTED
    assert gradebook_scores(root) == EXPECTED
