"""Turn evidence into nbgrader submissions and autograde them: the one writer of the gradebook.

For each queued «Nộp bài» (``bakhong.simulators.submissions``), in order:

1. export the learner's evidence for the lesson, signed with the workshop key;
2. write ``submitted/<learner>/<lesson>/`` = the released notebook, ``evidence.json``
   and a fresh ``timestamp.txt`` (so a resubmission is regraded, not skipped);
3. run nbgrader's autograde for that learner, with the key and the workshop id in
   the environment its kernel inherits (never on disk in the course directory);
4. read the score from nbgrader's gradebook, with the graded tasks short of full points,
   and mark the queue row graded with that result under the grader's seal
   (:func:`.results.record`): the one source every screen reads scores from.

:func:`grade_pending` does step 3 for a whole batch with :class:`.autograde_batch.AutogradeBatch`:
nbgrader's own autograde of each submission, but with one gradebook for the batch (one
database transaction per submission, committed before step 4) and a kernel of its own for
each submission, started ahead by a :class:`.kernel_pool.KernelPool` with the check code
already imported, and killed once the score is recorded. A batch takes what arrives while
it runs, so a worker never waits for one batch to end before grading a new «Nộp bài».

The queue row is marked graded only after step 4, so a process killed at any point leaves
the row ``grading`` and the next run grades it again: every learner-lesson pair ends with
one submission in the gradebook and the score a run without the kill gives.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bakhong.simulators import evidence, learnerid, submissions
from bakhong.simulators.sandbox import Sandbox

from . import course, keys, overrides, results
from .hidden_tests import EVIDENCE_FILE, KEY_ENV, VARIANT_KEY, WORKSHOP_ENV

if TYPE_CHECKING:
    from .autograde_batch import AutogradeBatch
    from .kernel_pool import KernelPool

LOG = logging.getLogger("bakhong.grading")
LOCK_FILE = ".gradebook.lock"
WORK_DIR = ".grading"  # under the course root; not in release/, so never served
#: where the kernels started ahead wait before they enter a submission's folder
KERNELS_DIR = f"{WORK_DIR}/kernels"
#: written by earlier versions (execute phase); ``forget`` still removes what is left
EXECUTED = f"{WORK_DIR}/executed"
#: seconds between looks at the queue while a lane of a batch is free
QUEUE_LOOK = 0.1


@dataclass(frozen=True)
class Score:
    learner_id: str
    lesson: str
    score: float
    max_score: float
    #: the graded cells (``grade_id``) short of full points
    missing: tuple[str, ...] = ()
    #: cells a trainer scored by hand in formgrader: grade_id -> (autograder's, manual);
    #: then ``auto`` and ``auto_missing`` are the autograder's own result
    manual: dict[str, tuple[float | None, float]] = field(default_factory=dict)
    auto: float = 0.0
    auto_missing: tuple[str, ...] = ()


def grading_environment(workshop_id: str, key: bytes) -> dict[str, str]:
    """What the autograde kernel must inherit: the key and the workshop id, and warnings
    off, so that the hidden cells of workshops built before ``hidden_tests.task_done`` (which
    import simulators outside its quiet block) cannot lose points to a library's warning."""
    return {KEY_ENV: key.hex(), WORKSHOP_ENV: workshop_id, "PYTHONWARNINGS": "ignore"}


def write_submission(root: Path, box: Sandbox, key: bytes, learner_id: str, lesson: str) -> Path:
    folder = root / "submitted" / learnerid.validate(learner_id) / lesson
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(root / "release" / lesson, folder)
    base = course.lesson_base(root, lesson)
    export = evidence.export(box.store, box.clock, key, workshop=box.workshop_id,
                             learner_id=learner_id, lesson=base)
    if base != lesson:  # a workshop's variant: its base's evidence, signed for this variant
        body = {k: v for k, v in export.items() if k != "mac"}
        export = evidence.sign_export(key, {**body, VARIANT_KEY: lesson})
    (folder / EVIDENCE_FILE).write_text(json.dumps(export, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    # nbgrader compares this with the graded copy's: always the real time of submission.
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")
    return folder


def kernel_environment(environment: Mapping[str, str]) -> dict[str, str]:
    """The environment of a grading kernel: this process's, the grading environment, and
    ``NBGRADER_EXECUTION=autograde``, which nbgrader's autograde sets for its own kernels."""
    return {**os.environ, **environment, "NBGRADER_EXECUTION": "autograde"}


def _score(root: Path, learner_id: str, lesson: str) -> Score:
    from nbgrader.api import Gradebook

    from .autograde_batch import score_of

    with Gradebook(course.gradebook_url(root)) as gradebook:
        return score_of(gradebook, learner_id, lesson)


def autograde(root: Path, learner_id: str, lesson: str) -> Score:
    """Stock nbgrader's autograde of one submission (a kernel of its own making), in this
    process, into the gradebook."""
    api = course.nbgrader_api(root.resolve())
    course.checked(api.autograde(lesson, learner_id, force=True, create=True))
    return _score(root, learner_id, lesson)


def grading_pool(workers: int, folder: Path | None = None) -> KernelPool:
    """Kernels started ahead for grading (:class:`.kernel_pool.KernelPool`): ``workers``
    (one per core) and one more kept ready, so that a kernel waits for each lane of a batch
    while the next starts. They wait in ``folder`` (an empty private folder; by default one
    of the pool's own) until a submission takes one. Close it (``close()`` or
    ``shutdown()``) when done."""
    import tempfile

    from .kernel_pool import KernelPool

    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="bakhong-idle-"))
    return KernelPool(max(1, workers) + 1, None, folder)


#: Where JupyterHub's spawners put a server's CPU limit (``Spawner.cpu_limit``, in cores).
CPU_LIMIT_ENV = "CPU_LIMIT"


def default_workers() -> int:
    """One grading lane per core (nbgrader's kernels are CPU-bound), no more than the
    CPU limit a hub gave the workshop: SystemdSpawner and KubeSpawner enforce it as a quota,
    which the core count does not show (16 grading kernels on a 16-core node would
    overrun a 2-core workshop's memory)."""
    cores = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                else os.cpu_count() or 1)
    try:
        limit = float(os.environ.get(CPU_LIMIT_ENV, "") or 0)
    except ValueError:
        limit = 0
    if limit > 0:
        cores = min(cores, max(1, int(limit + 0.999)))
    return cores


@contextmanager
def exclusive_lock(path: Path, *, stop: threading.Event | None = None,
                   waiting: Callable[[], None] | None = None) -> Iterator[bool]:
    """Hold an OS lock on ``path`` (``flock``; ``msvcrt.locking`` on Windows) for the block.

    It goes with the process, so a killed holder never leaves it held. Waits for it; with
    ``stop``, gives up when ``stop`` is set and yields False. ``waiting`` is called once if
    someone else holds it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        told = False
        while True:
            if _try_lock(handle):
                break
            if not told and waiting is not None:
                waiting()
                told = True
            if stop is None:
                import time

                time.sleep(0.2)
            elif stop.wait(0.5):
                yield False
                return
        try:
            yield True
        finally:
            _unlock(handle)


def _try_lock(handle: Any) -> bool:
    if sys.platform == "win32":  # pragma: no cover - not tested on Windows (README)
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(handle: Any) -> None:
    if sys.platform == "win32":  # pragma: no cover - not tested on Windows (README)
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def gradebook_writer(root: Path) -> Iterator[None]:
    """The one-writer rule: whoever grades (the worker, ``bakhong grade``) holds this lock."""
    root.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(root / LOCK_FILE):
        yield


def grade_pending(
    root: Path, box: Sandbox, *, progress: Callable[[int, int], None] | None = None,
    workers: int = 1, pool: KernelPool | None = None, stop: threading.Event | None = None,
) -> list[Score]:
    """Grade every queued submission, oldest first, and those that arrive meanwhile; a
    half-graded one is graded again. Once ``stop`` is set (the server is gone), no new one
    is taken: those being graded are finished, the rest wait in the queue.

    Each submission gets a kernel of its own from ``pool`` (kept by the caller, as the
    worker of ``serve`` does, so that its kernels are started before a «Nộp bài» comes), or
    from a pool made for this call (:func:`grading_pool`). A submission nbgrader cannot
    grade is marked ``failed`` (logged) and the queue goes on.
    """
    from .autograde_batch import AutogradeBatch

    root = root.resolve()  # the batch works in the course folder
    key = keys.load_key(box.workshop_id)
    environment = grading_environment(box.workshop_id, key)
    os.environ.update(environment)
    scores: list[Score] = []
    with gradebook_writer(root):
        if not submissions.pending(box.store):
            return scores
        kernels = pool or grading_pool(workers, root / KERNELS_DIR)
        try:
            kernels.use_environment(kernel_environment(environment))
            with AutogradeBatch(root, kernels) as batch:
                _grade_queue(root, box, key, batch, scores, progress, stop)
        finally:
            if pool is None:
                kernels.close()
    return scores


def _grade_queue(root: Path, box: Sandbox, key: bytes, batch: AutogradeBatch,
                 scores: list[Score], progress: Callable[[int, int], None] | None,
                 stop: threading.Event | None = None) -> None:
    """The queue, ``batch.lanes`` submissions at a time, oldest first, until nothing is
    pending (what arrives while the batch runs is taken too) or ``stop`` is set."""
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    def grade_one(item: submissions.Submission) -> None:
        submissions.mark(box.store, box.clock, item.seq, submissions.GRADING)
        write_submission(root, box, key, item.learner_id, item.lesson)
        _finish(box, key, item, lambda: batch.autograde(item.learner_id, item.lesson), scores)
        batch.pool.release()  # its kernel, now that the score is recorded

    taken: set[int] = set()
    in_flight: dict[Future[None], submissions.Submission] = {}
    done = 0
    with ThreadPoolExecutor(batch.lanes, thread_name_prefix="bakhong-grading") as lanes:
        while True:
            if len(in_flight) < batch.lanes and not (stop is not None and stop.is_set()):
                todo = [item for item in submissions.pending(box.store)
                        if item.seq not in taken]
                for item in todo[:batch.lanes - len(in_flight)]:
                    taken.add(item.seq)
                    in_flight[lanes.submit(grade_one, item)] = item
            if not in_flight:
                return
            # a lane free: look at the queue again soon, for a «Nộp bài» that just came
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED,
                               timeout=QUEUE_LOOK if len(in_flight) < batch.lanes else None)
            for future in finished:
                del in_flight[future]
                future.result()  # an unexpected error stops the batch, as it did serially
                done += 1
                if progress:
                    progress(done, done + len(in_flight)
                             + sum(1 for item in submissions.pending(box.store)
                                   if item.seq not in taken))


def _finish(box: Sandbox, key: bytes, item: submissions.Submission,
            grade: Callable[[], Score], scores: list[Score]) -> None:
    try:
        score = grade()
    except course.NbgraderFailed as err:
        LOG.error("grading %s/%s failed: %s", item.learner_id, item.lesson, err.detail)
        submissions.mark(box.store, box.clock, item.seq, submissions.FAILED)
    else:
        if not score.manual:
            results.record(box.store, box.clock, key, box.workshop_id, item.seq,
                           item.learner_id, item.lesson, score.score, score.max_score,
                           score.missing)
        else:  # a trainer's manual scores stay only as the override they were explained by
            kept = overrides.carried(box.store, key, box.workshop_id, item.learner_id, item.lesson,
                           score.manual)
            if kept is not None:
                results.record(box.store, box.clock, key, box.workshop_id, item.seq,
                               item.learner_id, item.lesson, score.score, score.max_score,
                               score.missing, override=kept)
            else:
                score = replace(score, score=score.auto, missing=score.auto_missing)
                results.record(box.store, box.clock, key, box.workshop_id, item.seq,
                               item.learner_id, item.lesson, score.auto, score.max_score,
                               score.auto_missing)
        scores.append(score)
