"""The grading worker: one process, started by ``bakhong serve``, that drains the queue.

It alone writes the gradebook while it runs (``bakhong grade`` takes the same lock
and waits). Killed at any point, it resumes from the queue kept in the store: a
row left ``grading`` is graded again, never skipped.

**It lives and dies with its server.** It stops as soon as the process that started it is
gone, even killed with ``kill -9``: Linux sends it SIGTERM then (``PR_SET_PDEATHSIG``), and
elsewhere a thread notices the parent has changed. Stopping, it finishes the submission it
is grading, so nothing is half-recorded. **One per workshop**: it holds an exclusive lock on
``.grading/worker.lock`` while it runs; a second worker (a server restarted while the old
worker finishes its submission, or a second server on the same folder) waits for it and
grades nothing meanwhile.

**A «Nộp bài» is taken at once.** Once the class starts (the first thing committed to the
store after the worker started: a resident's first tap), the worker imports nbgrader and
keeps a pool of grading kernels started ahead for the session (:mod:`.kernel_pool`); a
served workshop nobody uses yet holds none of it. It looks at the queue every ``POLL_SECONDS``
(0.1 s): with SQLite it first asks the store whether anything was committed since it last
looked (``PRAGMA data_version``, a few microseconds; see
:func:`bakhong.simulators.submissions.watch`), and reads the queue only then.

    python -m bakhong.grading.worker WORKSHOP
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from bakhong.simulators import submissions

from . import grader, keys, workshop

if TYPE_CHECKING:
    from bakhong.simulators.sandbox import Sandbox

    from .kernel_pool import KernelPool

POLL_SECONDS = 0.1
LOCK_FILE = "worker.lock"
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, stop: threading.Event) -> None:
    """Set ``stop`` when ``parent`` is gone (see the module's notes)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except OSError:  # pragma: no cover - no libc: the thread below still watches
            pass

    def watch() -> None:
        while not stop.is_set():
            if os.getppid() != parent:
                grader.LOG.info("the server is gone: stopping")
                stop.set()
            stop.wait(0.5)
    threading.Thread(target=watch, name="bakhong-parent-watch", daemon=True).start()


def run(root: Path, stop: threading.Event, workers: int | None = None) -> None:
    """Drain the queue until ``stop``, holding the workshop's worker lock; one pool of
    grading kernels started ahead, kept for the session."""
    (root / grader.WORK_DIR).mkdir(exist_ok=True)
    with grader.exclusive_lock(root / grader.WORK_DIR / LOCK_FILE, stop=stop,
                               waiting=lambda: grader.LOG.info(
                                   "another grading worker runs on this workshop: waiting")
                               ) as held:
        if held:
            _drain(root, stop, workers)


def _drain(root: Path, stop: threading.Event, workers: int | None) -> None:
    box = workshop.open_sandbox(root)
    pool = grader.grading_pool(workers or grader.default_workers(), root / grader.KERNELS_DIR)
    try:
        with submissions.watch(box.store) as version:
            seen, warm, first = version(), False, True
            while not stop.is_set():
                now = version()
                changed, seen = now != seen, now
                pending = (changed or first) and submissions.pending(box.store)
                first = False
                if not warm and (changed or pending):
                    _warm_up(box, pool, stop)
                    warm = True
                if pending:
                    for score in grader.grade_pending(root, box, pool=pool, stop=stop):
                        grader.LOG.info("graded %s/%s: %g/%g", score.learner_id,
                                        score.lesson, score.score, score.max_score)
                stop.wait(POLL_SECONDS)
    finally:
        pool.close()
        box.close()


def _warm_up(box: Sandbox, pool: KernelPool, stop: threading.Event) -> None:
    """Import nbgrader (about 2 s of CPU and 65 MB) and start the grading kernels (a
    template and ``pool.size`` kernels, about 150 MB): when the class starts, that is, at
    the first thing committed to the store after the worker started (a resident's first
    tap, minutes before their first «Nộp bài»), or at once if submissions wait. A served
    workshop that nobody uses yet holds none of it (issue 17: idle memory)."""
    try:
        pool.use_environment(grader.kernel_environment(grader.grading_environment(
            box.workshop_id, keys.load_key(box.workshop_id))))
    except keys.MissingKey:
        pass  # grade_pending says so when there is something to grade
    from . import autograde_batch  # noqa: F401  (nbgrader: 2 s to import, not at a «Nộp bài»)
    if pool.environment is not None and pool.wait_ready(stop=stop):
        grader.LOG.info("ready: %d grading kernels started ahead", pool.size)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="[bakhong grading] %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # the server that started this worker: if it was killed before this line ran, the
    # worker's parent is already another process, and the watch stops the worker at once
    parent = os.environ.pop("BAKHONG_SERVER_PID", "")
    die_with_parent(int(parent) if parent.isdigit() else os.getppid(), stop)
    run(Path(args[0]), stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
