"""The grading worker killed mid-queue: resumed, every pair graded once, scores as a serial run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import reach_level2

from bakhong.grading import grader, workshop
from bakhong.simulators import learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock

pytestmark = pytest.mark.slow

ROSTER = [(f"hv{i:03d}", name, commune) for i, (name, commune) in enumerate([
    ("Lê Thị Hoa", "Xã Thọ Long"), ("Trần Văn Nam", "Phường Hạc Thành"),
    ("Phạm Thị Lụa", "Xã Hồ Vương"), ("Đỗ Văn Tâm", "Xã Quảng Bình"),
    ("Vũ Thị Mận", "Xã Thiệu Trung"), ("Bùi Văn Khoa", "Xã Thọ Long")], start=1)]
DID_THE_TASKS = {"hv001", "hv003", "hv005"}


def start_worker(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bakhong.grading.worker", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_killed_worker_resumes_and_grades_every_pair_once(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="worker")
    for learner_id, _, _ in ROSTER:
        learners.record_consent(box.store, clock, learner_id)
        if learner_id in DID_THE_TASKS:
            reach_level2(box.vneid(learner_id), registry.persona_of_learner(box.store, learner_id))
        submissions.request(box.store, clock, learner_id, "vneid")

    worker = start_worker(root)
    wait_until(lambda: any(s.status == submissions.GRADED
                           for s in submissions.latest_all(box.store)), 120)
    wait_until(lambda: any(s.status == submissions.GRADING
                           for s in submissions.latest_all(box.store)), 60)
    os.kill(worker.pid, signal.SIGKILL)  # in the middle of a submission
    worker.wait()
    assert submissions.pending(box.store), "the kill should leave work in the queue"

    worker = start_worker(root)
    wait_until(lambda: not submissions.pending(box.store), 180)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0

    rows = submissions.latest_all(box.store)
    assert sorted(r.learner_id for r in rows) == [lid for lid, _, _ in ROSTER]
    assert {r.status for r in rows} == {submissions.GRADED}
    serial = {lid: (5.0 if lid in DID_THE_TASKS else 0.0) for lid, _, _ in ROSTER}
    from nbgrader.api import Gradebook

    from bakhong.grading.course import gradebook_url

    with Gradebook(gradebook_url(root)) as gradebook:
        graded = {s.student.id: s.score for s in gradebook.assignment_submissions("vneid")}
    assert graded == serial
    assert {r.learner_id: r.score for r in rows} == serial


def test_grade_waits_for_the_one_writer(tmp_path: Path) -> None:
    """``bakhong grade`` and the worker never write the gradebook at the same time."""
    import threading

    (tmp_path / "ws").mkdir()
    order: list[str] = []
    with grader.gradebook_writer(tmp_path / "ws"):
        def other() -> None:
            with grader.gradebook_writer(tmp_path / "ws"):
                order.append("second")
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.3)
        order.append("first")
    thread.join()
    assert order == ["first", "second"]


def lock_is_held(path: Path) -> bool:
    """Whether another process holds the worker's lock (a try that gives it back at once)."""
    import fcntl

    if not path.exists():
        return False
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_the_worker_dies_with_its_server_and_never_runs_twice(tmp_path: Path) -> None:
    """Issue 15: kill -9 of `bakhong serve` used to leave its worker grading on, and a restart
    then had two."""
    import psutil
    from browser_support import DemoServer

    def workers_of(root: Path, module: str = "bakhong.grading.worker") -> list[psutil.Process]:
        found = []
        for process in psutil.process_iter(["cmdline"]):
            line = process.info["cmdline"] or []
            if module in line and str(root.resolve()) in line:
                found.append(process)
        return found

    server = DemoServer(tmp_path / "demo").start()
    root = server.workshop
    try:
        wait_until(lambda: len(workers_of(root)) == 1, 60)
        [worker] = workers_of(root)
        [service] = workers_of(root, "bakhong.sandbox_service")  # issue 17: the same holds
        assert server.process is not None
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        psutil.wait_procs([worker, service], timeout=30)
        for child in (worker, service):
            assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
    finally:
        server.stop()

    first = start_worker(root)  # a worker left running (say, a server on another port) …
    wait_until(lambda: lock_is_held(root / grader.WORK_DIR / "worker.lock"), 60)
    second = subprocess.Popen([sys.executable, "-m", "bakhong.grading.worker", str(root)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(3)  # … a second one waits for it, grading nothing
        assert second.poll() is None
        box = workshop.open_sandbox(root)
        try:
            os.kill(first.pid, signal.SIGTERM)
            first.wait(timeout=60)
        finally:
            box.close()
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=60)
        assert "another grading worker runs on this workshop: waiting" in output
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()


def test_grading_starts_with_the_class(tmp_path: Path) -> None:
    """Issue 17 (idle memory): a served workshop nobody uses yet held nbgrader and a template
    with three grading kernels (about 220 MB of its 600). The worker now starts them at the
    first thing committed to the store (here a resident's consent), minutes before anyone's
    first «Nộp bài»; and a submission that comes first is graded all the same."""
    import psutil

    root = tmp_path / "ws"
    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="warm")
    worker = start_worker(root)
    try:
        wait_until(lambda: lock_is_held(root / grader.WORK_DIR / "worker.lock"), 60)
        time.sleep(3)
        assert not psutil.Process(worker.pid).children(recursive=True), \
            "grading kernels started before the class"
        def tap() -> bool:  # the class starts (again while the worker may not watch yet)
            learners.record_consent(box.store, clock, "hv001")
            return False
        wait_until(lambda: tap() or len(
            psutil.Process(worker.pid).children(recursive=True)) >= 2, 60)
        submissions.request(box.store, clock, "hv001", "vneid")
        wait_until(lambda: not submissions.pending(box.store), 120)
        [row] = submissions.latest_all(box.store)
        assert (row.status, row.score) == (submissions.GRADED, 0.0)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        box.close()
