"""Issue 21: grading near its floor, and nothing given up for it.

Kernels are started ahead, each with the checks imported, and each serves one submission in
that submission's folder with the grading environment; the gradebook is opened once per
batch; the scores are stock nbgrader's; a kill -9 while the kernel pool lives leaves nothing
running, and the next worker grades every pair once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import nbformat
import psutil
import pytest
from graded_workshop import GradedWorkshop, day
from nbclient import NotebookClient

from bakhong.grading import autograde_batch, grader, kernel_pool, workshop
from bakhong.grading.course import gradebook_url
from bakhong.grading.hidden_tests import JUDGES
from bakhong.grading.kernel_pool import KernelPool, KernelPoolError, PooledKernelManager
from bakhong.simulators import learners, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.sandbox import Sandbox

pytestmark = pytest.mark.slow

CLASS = GradedWorkshop(6, frozenset({"hv001", "hv004"}), frozenset({"hv002", "hv004"}),
                       "issue21", day(2026, 12, 6))
LESSONS = CLASS.lessons
ROSTER = CLASS.roster
EXPECTED = CLASS.expected
#: what a cell of a pooled kernel reports about itself
REPORT = ("import json, os, sys\n"
          "print(json.dumps({'cwd': os.getcwd(), 'pid': os.getpid(),\n"
          "                  'execution': os.environ.get('NBGRADER_EXECUTION'),\n"
          "                  'key': os.environ.get('BAKHONG_EVIDENCE_KEY'),\n"
          "                  'modules': sorted(sys.modules)}))")


def build(root: Path, lessons: tuple[str, ...] = LESSONS) -> None:
    CLASS.build(root, lessons=lessons)


def environment() -> dict[str, str]:
    return grader.kernel_environment(grader.grading_environment("w-test", b"k" * 32))


def report_from(pool: KernelPool, folder: Path) -> dict[str, object]:
    """Run :data:`REPORT` as nbgrader's Execute would, in a kernel from ``pool``."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(REPORT)]
    NotebookClient(notebook, kernel_name="bakhong", kernel_manager_class=PooledKernelManager,
                   resources={"metadata": {"path": str(folder)}}).execute()
    [output] = notebook.cells[0].outputs  # nothing else: no stderr, no noise of the imports
    assert output["name"] == "stdout", output
    found: dict[str, object] = json.loads(output["text"])
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie does not); a process that ends while it is
    looked at has ended (CI: it went between ``pid_exists`` and ``Process``)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def gone(pids: list[int], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(running(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "launched"])
def test_a_kernel_of_its_own_in_the_submissions_folder(tmp_path: Path, fork: bool) -> None:
    """Each kernel serves once, in the folder autograde gives it (the learner is the
    folder's parent), with the grading environment and the checks already imported; it is
    killed once released. Without fork (Windows) the kernels import the checks themselves
    as they start."""
    pids: list[int] = []
    with KernelPool(2, environment(), tmp_path / "idle", fork=fork) as pool, pool.lent():
        for learner in ("hv001", "hv002", "hv003"):
            folder = tmp_path / "autograded" / learner / "vneid"
            folder.mkdir(parents=True)
            found = report_from(pool, folder)
            assert found["cwd"] == str(folder.resolve())
            assert Path(str(found["cwd"])).parent.name == learner
            assert found["execution"] == "autograde"
            assert found["key"] == (b"k" * 32).hex()
            modules = set(found["modules"])  # type: ignore[call-overload]
            assert {"bakhong.grading.hidden_tests", *JUDGES.values()} <= modules
            assert "nbgrader" not in modules  # a kernel carries what a stock one would
            assert found["pid"] not in pids
            pids.append(int(found["pid"]))  # type: ignore[call-overload]
            pool.release()
        assert gone(pids)
        assert pool.taken == 3
    with pytest.raises(KernelPoolError):
        pool.take()


def test_a_kernel_needs_a_folder_and_a_lent_pool(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("1")]
    with pytest.raises(KernelPoolError, match="no kernel pool"):
        NotebookClient(notebook, kernel_name="bakhong", kernel_manager_class=PooledKernelManager,
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    with KernelPool(1, environment(), tmp_path / "idle") as pool, pool.lent():
        with pytest.raises(KernelPoolError, match="no folder"):
            NotebookClient(notebook, kernel_name="bakhong",
                           kernel_manager_class=PooledKernelManager).execute()


def test_a_dead_template_is_replaced(tmp_path: Path) -> None:
    """kill -9 of the template takes its kernels with it; the pool starts a new template."""
    folder = tmp_path / "autograded" / "hv001" / "vneid"
    folder.mkdir(parents=True)
    with KernelPool(2, environment(), tmp_path / "idle") as pool, pool.lent():
        assert pool.wait_ready(120)
        kernels = pool.kernel_pids()
        template = psutil.Process(kernels[0]).ppid()
        assert template in kernel_pool.template_pids()
        os.kill(template, signal.SIGKILL)
        assert gone([template, *kernels])
        found = report_from(pool, folder)
        assert found["cwd"] == str(folder.resolve())
        assert template not in kernel_pool.template_pids()


def grades(root: Path) -> dict[tuple[str, str, str], float | None]:
    """(learner, lesson, grade cell) -> nbgrader's auto score."""
    from nbgrader.api import Gradebook

    found: dict[tuple[str, str, str], float | None] = {}
    with Gradebook(gradebook_url(root)) as gradebook:
        for lesson in LESSONS:
            for submission in gradebook.assignment_submissions(lesson):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        found[(submission.student.id, lesson, grade.name)] = grade.auto_score
    return found


def test_scores_as_stock_nbgrader_with_one_gradebook_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two lanes, one kernel per submission: every grade cell scores what stock nbgrader's
    autograde gives it on the same submission, and the gradebook is opened once."""
    from nbgrader.api import Gradebook

    root = tmp_path / "ws"
    build(root)
    autograde_batch.close_gradebooks()
    opened: list[str] = []
    real_init = Gradebook.__init__

    def counted(self: Gradebook, *args: object, **kwargs: object) -> None:
        opened.append(type(self).__name__)
        real_init(self, *args, **kwargs)

    taken: list[int] = []
    real_take = KernelPool.take

    def take(self: KernelPool, timeout: float = 120.0) -> kernel_pool.ReadyKernel:
        ready = real_take(self, timeout)
        taken.append(ready.pid)
        return ready

    monkeypatch.setattr(Gradebook, "__init__", counted)
    monkeypatch.setattr(KernelPool, "take", take)
    box = workshop.open_sandbox(root)
    try:
        for learner_id, _, _ in ROSTER:
            for lesson in LESSONS:
                submissions.request(box.store, box.clock, learner_id, lesson)
        ours = {(s.learner_id, s.lesson): s.score
                for s in grader.grade_pending(root, box, workers=2)}
    finally:
        box.close()
    assert ours == EXPECTED
    assert opened == ["BatchGradebook"]  # nbgrader's own nine opens per submission: none
    assert len(taken) == len(set(taken)) == len(EXPECTED)
    assert gone(taken)
    pooled = grades(root)
    monkeypatch.undo()
    for learner_id, _, _ in ROSTER:  # stock nbgrader, its own kernels, on the same folders
        for lesson in LESSONS:
            assert grader.autograde(root, learner_id, lesson).score == EXPECTED[
                (learner_id, lesson)]
    assert grades(root) == pooled
    assert len(pooled) == len(ROSTER) * 7  # vneid 3 grade cells, payment 4


def test_the_store_says_when_to_look_at_the_queue(tmp_path: Path) -> None:
    """The worker reads the queue when the store changed (SQLite's data_version)."""
    root = tmp_path / "ws"
    workshop.create(root, ROSTER[:1], clock=FixedClock(datetime(2026, 12, 6, tzinfo=VN_TZ)),
                    seed="issue21", lessons=("vneid",))[0].close()
    box = workshop.open_sandbox(root)
    try:
        with submissions.watch(box.store) as version:
            before = version()
            assert version() == before  # nothing committed meanwhile
            submissions.enqueue(box.store, box.clock, "hv001", "vneid")
            assert version() != before
    finally:
        box.close()


def start_worker(root: Path) -> tuple[subprocess.Popen[str], threading.Event]:
    """The grading worker, and an event set once it says its kernels are ready."""
    worker = subprocess.Popen([sys.executable, "-m", "bakhong.grading.worker", str(root)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ready = threading.Event()

    def read() -> None:
        assert worker.stderr is not None
        for line in worker.stderr:
            if "ready:" in line:
                ready.set()
    threading.Thread(target=read, daemon=True).start()
    return worker, ready


def wait_until(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def class_starts(box: Sandbox) -> bool:
    """A resident's tap, as far as the worker can tell (something committed to the store):
    the worker starts its kernels at the first one after it started (issue 17), not when
    it starts. Called while waiting, since the worker may not be watching yet. False."""
    learners.record_consent(box.store, box.clock, ROSTER[0][0])
    return False


def kill_with_everything(worker: subprocess.Popen[str]) -> list[psutil.Process]:
    """kill -9 of the worker; what it had started (the template, the kernels)."""
    children = psutil.Process(worker.pid).children(recursive=True)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    return children


def test_killed_while_its_kernel_pool_lives(tmp_path: Path) -> None:
    """kill -9 of the worker while its pool starts, then mid-grading: nothing it started is
    left running, and the next worker grades every pair once, with a serial run's scores."""
    root = tmp_path / "ws"
    build(root, ("vneid",))
    box = workshop.open_sandbox(root)
    try:
        worker, ready = start_worker(root)
        wait_until(lambda: class_starts(box) or len(
            psutil.Process(worker.pid).children(recursive=True)) >= 2, 60)
        left = kill_with_everything(worker)  # the template is starting or forking
        assert left and gone([p.pid for p in left])

        worker, ready = start_worker(root)
        wait_until(lambda: class_starts(box) or ready.wait(0.5), 120)
        pool_processes = psutil.Process(worker.pid).children(recursive=True)
        assert len(pool_processes) >= 1 + grader.default_workers() + 1  # template, kernels
        for learner_id, _, _ in ROSTER:
            submissions.request(box.store, box.clock, learner_id, "vneid")
        wait_until(lambda: any(s.status == submissions.GRADED
                               for s in submissions.latest_all(box.store)), 120)
        wait_until(lambda: any(s.status == submissions.GRADING
                               for s in submissions.latest_all(box.store)), 60)
        left = kill_with_everything(worker)  # in the middle of a submission
        assert gone([p.pid for p in left])
        assert submissions.pending(box.store), "the kill should leave work in the queue"

        worker, ready = start_worker(root)
        wait_until(lambda: not submissions.pending(box.store), 180)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
        rows = submissions.latest_all(box.store)
        assert {r.status for r in rows} == {submissions.GRADED}
        serial = {lid: EXPECTED[(lid, "vneid")] for lid, _, _ in ROSTER}
        assert {r.learner_id: r.score for r in rows} == serial
        from nbgrader.api import Gradebook

        with Gradebook(gradebook_url(root)) as gradebook:
            graded = [(s.student.id, s.score) for s in gradebook.assignment_submissions("vneid")]
        assert sorted(graded) == sorted(serial.items())  # one submission per pair
        assert not list((root / grader.KERNELS_DIR).iterdir())  # where kernels wait: empty
    finally:
        box.close()
