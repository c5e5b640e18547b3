"""Benchmark: grading at workshop scale, against stock nbgrader in the same run.

(a) **Bulk**: N learners (default 200) × every lesson, queued; bakhong's
    ``grade_pending(workers=<cores>)`` (nbgrader's autograde of each submission with one
    gradebook and a kernel of its own started ahead, :mod:`bakhong.grading.kernel_pool`)
    against stock ``nbgrader autograde LESSON --force`` for each lesson on the very same
    ``submitted/`` folders (serial, nbgrader's own loop). Both must give the same scores.
    Wall time, and CPU time of each side with its children (the kernels included).
(b) **Memory of the grading pool**: ``<cores>`` kernels started ahead and at rest, PSS and
    USS of each kernel and of the template they are forked from, against one kernel started
    by stock jupyter_client that imported the checks of a lesson (as a hidden cell does).
(c) **«Nộp bài» to score**: the grading worker of ``bakhong serve`` running (once it says
    its kernels are ready), M learners (default 50) press «Nộp bài» at random moments within
    a minute; the time from each request to its score in the store, p50 and p95, against one
    stock ``nbgrader autograde vneid --student <id> --force`` call (a cold nbgrader process,
    what a trainer without bakhong would run per submission).

Run ``.venv/bin/python bench/grading_scale.py`` (about 45 minutes on 2 cores with six
lessons: stock nbgrader takes most of it) or ``--quick`` (20 learners, 10 submissions, about
4 minutes). The workshop is built in a temporary folder; a quarter of the learners do the
VNeID lesson for real (through the simulator), the others submit without practising, so
both passing and failing notebooks are graded. The evidence chain is started as ``serve``'s
sandbox service starts it, so every export checks the links of its learner's events.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import reach_level2

from bakhong.grading import grader, kernel_pool, keys, workshop
from bakhong.grading.course import LESSONS, gradebook_url, put_environment_on_path
from bakhong.simulators import evidence, learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock

BIN = Path(sys.executable).parent


def build(root: Path, count: int) -> list[str]:
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    roster = [(f"hv{i:03d}", f"Học Viên Số {i}", "Xã Thọ Long") for i in range(1, count + 1)]
    box, _ = workshop.create(root, roster, clock=clock, seed="bench-grading")
    try:
        # as `bakhong serve`'s sandbox service does: every event from now on is linked, and
        # each submission's export checks its learner's links (evidence.unlinked)
        evidence.start_chain(box.store)
        for index, (learner_id, _, _) in enumerate(roster):
            learners.record_consent(box.store, clock, learner_id)
            if index % 4 == 0:
                reach_level2(box.vneid(learner_id),
                             registry.persona_of_learner(box.store, learner_id))
        assert not evidence.unlinked(box.store, keys.load_key(box.workshop_id))
    finally:
        box.close()
    return [learner_id for learner_id, _, _ in roster]


def queue_all(root: Path, ids: list[str]) -> None:
    box = workshop.open_sandbox(root)
    try:
        for learner_id in ids:
            for lesson in LESSONS:
                submissions.enqueue(box.store, box.clock, learner_id, lesson)
    finally:
        box.close()


def scores(root: Path) -> dict[tuple[str, str], float]:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as gradebook:
        return {(s.student.id, lesson): float(s.score) for lesson in LESSONS
                for s in gradebook.assignment_submissions(lesson)}


def stock_environment(root: Path) -> dict[str, str]:
    box = workshop.open_sandbox(root)
    try:
        env = dict(os.environ)
        env.update(grader.grading_environment(box.workshop_id, keys.load_key(box.workshop_id)))
    finally:
        box.close()
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    return env


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def bulk(root: Path, ids: list[str]) -> None:
    cores = grader.default_workers()
    queue_all(root, ids)
    box = workshop.open_sandbox(root)
    cpu_before = cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        graded = grader.grade_pending(root, box, workers=cores)
    finally:
        box.close()
    ours = time.perf_counter() - started
    kernel_pool.close_templates()  # its kernels' CPU time comes to us once it has ended
    ours_cpu = (cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)
                - cpu_before)
    ours_scores = scores(root)
    env = stock_environment(root)
    cpu_before = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    for lesson in LESSONS:  # the same submitted/ folders, nbgrader's own loop
        subprocess.run([str(BIN / "nbgrader"), "autograde", lesson, "--force"], cwd=root,
                       env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    stock = time.perf_counter() - started
    stock_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before
    same = scores(root) == ours_scores
    n = len(graded)
    print(f"(a) bulk grading, {len(ids)} learners × {len(LESSONS)} lessons = {n} submissions, "
          f"{cores} cores")
    print(f"    bakhong grade_pending(workers={cores}): {ours:7.1f} s  ({ours / n:.3f} s each; "
          f"CPU {ours_cpu / n:.3f} s each)")
    print(f"    stock nbgrader autograde, per lesson: {stock:7.1f} s  ({stock / n:.3f} s each; "
          f"CPU {stock_cpu / n:.3f} s each)")
    print(f"    ratio bakhong/stock: {ours / stock:.2f}   speed-up: {stock / ours:.2f}×   "
          f"CPU speed-up: {stock_cpu / ours_cpu:.2f}×   same scores: {same}")


def memory(root: Path) -> None:
    """(b): the pool at rest, against one stock kernel that imported a lesson's checks."""
    import psutil
    from jupyter_client.manager import KernelManager

    cores = grader.default_workers()
    box = workshop.open_sandbox(root)
    try:
        environment = grader.kernel_environment(grader.grading_environment(
            box.workshop_id, keys.load_key(box.workshop_id)))
    finally:
        box.close()
    with grader.grading_pool(cores, root / grader.KERNELS_DIR) as pool:
        pool.use_environment(environment)
        pool.wait_ready()
        time.sleep(2)
        pids = pool.kernel_pids()
        kernels = [psutil.Process(pid).memory_full_info() for pid in pids]
        template = psutil.Process(psutil.Process(pids[0]).ppid()).memory_full_info()
    kernel_pool.close_templates()
    folder = root / "autograded" / "hv001" / "vneid"
    # a connection file named with its full path: with Unix sockets its name is the sockets'
    # prefix, which would otherwise be relative ("kernel-ipc") and bound in the kernel's folder
    runtime = Path(tempfile.mkdtemp(prefix="bench-kernel-"))
    manager = KernelManager(kernel_name="bakhong", transport=kernel_pool.kernel_transport(),
                            connection_file=str(runtime / "kernel-stock.json"))
    manager.start_kernel(cwd=str(folder), env=environment)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        client.execute_interactive(
            "from bakhong.grading.hidden_tests import task_done\n"
            "try:\n    task_done('vneid', 'register')\nexcept Exception:\n    pass",
            timeout=120)
        time.sleep(1)
        stock = psutil.Process(manager.provisioner.pid).memory_full_info()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        shutil.rmtree(runtime, ignore_errors=True)
    mb = 2 ** 20
    pss = statistics.mean(k.pss for k in kernels) / mb
    uss = statistics.mean(k.uss for k in kernels) / mb
    print(f"(b) memory of the grading pool at rest: {len(kernels)} kernels")
    print(f"    each kernel: PSS {pss:5.1f} MB, USS {uss:5.1f} MB, RSS "
          f"{statistics.mean(k.rss for k in kernels) / mb:5.1f} MB; the template: PSS "
          f"{template.pss / mb:5.1f} MB, RSS {template.rss / mb:5.1f} MB")
    print(f"    pool of {len(kernels)}, template included: "
          f"{(sum(k.pss for k in kernels) + template.pss) / mb:5.1f} MB PSS")
    print(f"    one stock kernel after the VNeID checks' imports: PSS {stock.pss / mb:5.1f} MB, "
          f"USS {stock.uss / mb:5.1f} MB, RSS {stock.rss / mb:5.1f} MB")


def start_worker(root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """``python -m bakhong.grading.worker``, once it says its kernels are ready."""
    worker = subprocess.Popen([sys.executable, "-m", "bakhong.grading.worker", str(root)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    assert worker.stderr is not None
    for line in worker.stderr:
        if "ready:" in line:
            break
    threading.Thread(target=worker.stderr.read, daemon=True).start()  # the rest, unread
    return worker


def latency(root: Path, ids: list[str], count: int, window: float) -> None:
    env = stock_environment(root)
    # the baseline: one cold stock nbgrader call for one student, after a fresh submission
    box = workshop.open_sandbox(root)
    try:
        grader.write_submission(root, box, keys.load_key(box.workshop_id), ids[0], "vneid")
    finally:
        box.close()
    started = time.perf_counter()
    subprocess.run([str(BIN / "nbgrader"), "autograde", "vneid", "--student", ids[0],
                    "--force"], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    baseline = time.perf_counter() - started

    worker = start_worker(root, env)  # its kernels are up, as in a workshop already running
    box = workshop.open_sandbox(root)
    try:
        rng = random.Random(20261201)
        plan = sorted(rng.uniform(0, window) for _ in range(count))
        chosen = rng.sample(ids, count)
        asked: dict[int, float] = {}
        waited: dict[int, float] = {}

        def look() -> None:  # what the learners' «Xem điểm» would show now
            for row in submissions.latest_all(box.store):
                if row.seq in asked and row.seq not in waited and row.status in (
                        submissions.GRADED, submissions.FAILED):
                    waited[row.seq] = time.perf_counter() - asked[row.seq]

        start = time.perf_counter()
        for moment, learner_id in zip(plan, chosen, strict=True):
            while time.perf_counter() < start + moment:
                look()
                time.sleep(0.05)
            row = submissions.request(box.store, box.clock, learner_id, "vneid")
            asked[row.seq] = time.perf_counter()
        deadline = time.perf_counter() + 900
        while len(waited) < len(asked) and time.perf_counter() < deadline:
            look()
            time.sleep(0.05)
    finally:
        worker.terminate()
        worker.wait(timeout=120)
        box.close()
    if os.environ.get("BENCH_DEBUG"):
        for seq, moment in sorted(asked.items(), key=lambda item: item[1]):
            print(f"      asked at {moment - start:5.1f} s, scored after "
                  f"{waited.get(seq, float('nan')):5.1f} s")
    times = sorted(waited.values())
    p50 = statistics.median(times)
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(f"(c) «Nộp bài» to score, {count} learners within {window:.0f} s "
          f"({len(times)} scored)")
    print(f"    bakhong worker: p50 {p50:5.2f} s   p95 {p95:5.2f} s   max {times[-1]:5.2f} s")
    print(f"    one stock `nbgrader autograde --student`: {baseline:5.2f} s")
    print(f"    ratio p50/stock: {p50 / baseline:.2f}   p95/stock: {p95 / baseline:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.learners, args.submissions = 20, 10
    put_environment_on_path()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as folder:
        os.environ.setdefault("BAKHONG_HOME", str(Path(folder) / "home"))
        root = Path(folder) / "ws"
        print(f"bakhong bench/grading_scale.py  lessons {', '.join(LESSONS)}; "
              f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
        started = time.perf_counter()
        ids = build(root, args.learners)
        print(f"    (workshop of {len(ids)} learners built in "
              f"{time.perf_counter() - started:.0f} s)")
        if not os.environ.get("BENCH_SKIP_BULK"):
            bulk(root, ids)
        else:
            queue_all(root, ids[:1])  # (b) needs one graded submission
            box = workshop.open_sandbox(root)
            try:
                grader.grade_pending(root, box)
            finally:
                box.close()
        memory(root)
        latency(root, ids, min(args.submissions, len(ids)), args.window)


if __name__ == "__main__":
    main()
