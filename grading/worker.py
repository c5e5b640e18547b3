"""The grading worker: one process, started by ``bakhong serve``, that drains the queue.

It alone writes the gradebook while it runs (``bakhong grade`` takes the same lock
and waits). Killed at any point, it resumes from the queue kept in the store: a
row left ``grading`` is graded again, never skipped.

    python -m bakhong.grading.worker WORKSHOP
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

from bakhong.simulators import submissions

from . import grader, workshop

POLL_SECONDS = 2.0


def run(root: Path, stop: threading.Event, workers: int | None = None) -> None:
    """Drain the queue until ``stop``; one pool of grading processes kept for the session."""
    box = workshop.open_sandbox(root)
    count = workers or grader.default_workers()
    pool = grader.grading_pool(count) if count > 1 else None
    if pool is not None:
        grader.warm(pool, count)
    try:
        while not stop.is_set():
            if submissions.pending(box.store):
                for score in grader.grade_pending(root, box, workers=count, pool=pool):
                    grader.LOG.info("graded %s/%s: %g/%g", score.learner_id, score.lesson,
                                    score.score, score.max_score)
            stop.wait(POLL_SECONDS)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        box.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="[bakhong grading] %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run(Path(args[0]), stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
