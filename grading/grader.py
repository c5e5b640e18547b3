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

**On several cores** (:func:`grade_pending` with ``workers`` > 1) step 3 is split in two,
with nbgrader's own switches (each preprocessor's ``enabled``, the course directory's
folders) rather than code of ours:

* *execute*, in a pool of processes: nbgrader's full autograde of one submission, but
  against a private copy of the gradebook (``.grading/gradebook-<pid>.db``, taken under
  the writer's lock) and into ``.grading/executed/<learner>/<lesson>/``; nothing touches
  the real gradebook;
* *record*, in this process alone, one submission at a time: nbgrader's autograde again,
  reading the executed copy as the submission, with ``ClearOutput`` and ``Execute``
  switched off, so that ``SaveAutoGrades`` writes the grades of the outputs just made.

The queue row is marked graded only after the record step, so a process killed at any
point leaves the row ``grading`` and the next run grades it again: every learner-lesson
pair ends with one submission in the gradebook and the score a serial run gives.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bakhong.simulators import evidence, learnerid, submissions
from bakhong.simulators.sandbox import Sandbox

from . import course, keys, results
from .hidden_tests import EVIDENCE_FILE, KEY_ENV, WORKSHOP_ENV

LOG = logging.getLogger("bakhong.grading")
LOCK_FILE = ".gradebook.lock"
WORK_DIR = ".grading"  # under the course root; not in release/, so never served
EXECUTED = f"{WORK_DIR}/executed"
SNAPSHOT = "gradebook-snapshot.db"


@dataclass(frozen=True)
class Score:
    learner_id: str
    lesson: str
    score: float
    max_score: float
    #: the graded cells (``grade_id``) short of full points
    missing: tuple[str, ...] = ()


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
    export = evidence.export(box.store, box.clock, key, workshop=box.workshop_id,
                             learner_id=learner_id, lesson=lesson)
    (folder / EVIDENCE_FILE).write_text(json.dumps(export, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    # nbgrader compares this with the graded copy's: always the real time of submission.
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")
    return folder


def _score(root: Path, learner_id: str, lesson: str) -> Score:
    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url(root)) as gradebook:
        found = gradebook.find_submission(lesson, learner_id)
        missing = tuple(grade.name for notebook in found.notebooks for grade in notebook.grades
                        if (grade.score or 0) + 1e-9 < (grade.max_score or 0))
        return Score(learner_id, lesson, float(found.score), float(found.max_score), missing)


def autograde(root: Path, learner_id: str, lesson: str) -> Score:
    """nbgrader's autograde of one submission, in this process, into the gradebook."""
    api = course.nbgrader_api(root.resolve())
    course.checked(api.autograde(lesson, learner_id, force=True, create=True))
    return _score(root, learner_id, lesson)


def execute(root: Path, snapshot: Path, learner_id: str, lesson: str,
            environment: dict[str, str]) -> None:
    """The *execute* phase, in a pool process: autograde against a private gradebook copy."""
    from traitlets.config import Config

    os.environ.update(environment)
    private = root / WORK_DIR / f"gradebook-{os.getpid()}.db"
    if not private.exists():
        shutil.copyfile(snapshot, private)
    overrides = Config()
    overrides.CourseDirectory.db_url = f"sqlite:///{private.resolve()}"
    overrides.CourseDirectory.autograded_directory = EXECUTED
    api = course.nbgrader_api(root.resolve(), overrides)
    course.checked(api.autograde(lesson, learner_id, force=True, create=True))


def record(root: Path, learner_id: str, lesson: str) -> Score:
    """The *record* phase, by the one writer: the executed copy's grades into the gradebook."""
    from traitlets.config import Config

    overrides = Config()
    overrides.CourseDirectory.submitted_directory = EXECUTED
    overrides.ClearOutput.enabled = False
    overrides.Execute.enabled = False
    api = course.nbgrader_api(root.resolve(), overrides)
    course.checked(api.autograde(lesson, learner_id, force=True, create=True))
    return _score(root, learner_id, lesson)


def _watch_parent(parent: int) -> None:
    """In a pool process: leave as soon as the grading process is gone (killed, say),
    instead of lingering with nobody to record what it executes."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def grading_pool(workers: int) -> ProcessPoolExecutor:
    """Processes for the execute phase; ``spawn``, so none inherits this one's connections."""
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_watch_parent, initargs=(os.getpid(),))


def _warm() -> None:
    import nbgrader.apps  # noqa: F401  (the import is most of a cold process's first grade)


def warm(pool: Executor, workers: int) -> None:
    """Start the pool's processes and their imports before the first «Nộp bài» arrives."""
    for future in [pool.submit(_warm) for _ in range(workers)]:
        future.result()


#: Where JupyterHub's spawners put a server's CPU limit (``Spawner.cpu_limit``, in cores).
CPU_LIMIT_ENV = "CPU_LIMIT"


def default_workers() -> int:
    """One grading process per core (nbgrader's kernels are CPU-bound), no more than the
    CPU limit a hub gave the workshop: SystemdSpawner and KubeSpawner enforce it as a quota,
    which the core count does not show (16 grading processes on a 16-core node would
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
    workers: int = 1, pool: Executor | None = None,
) -> list[Score]:
    """Grade every queued submission, oldest first; a half-graded one is graded again.

    With ``workers`` > 1 (or a ``pool`` kept by the caller, as the worker of ``serve``
    does) submissions are executed in parallel and recorded one at a time (see the module
    notes). A submission nbgrader cannot grade is marked ``failed`` (logged) and the queue
    goes on.
    """
    key = keys.load_key(box.workshop_id)
    environment = grading_environment(box.workshop_id, key)
    os.environ.update(environment)
    scores: list[Score] = []
    with gradebook_writer(root):
        todo = submissions.pending(box.store)
        if not todo:
            return scores
        if pool is None and (workers <= 1 or len(todo) == 1):
            for done, item in enumerate(todo, start=1):
                submissions.mark(box.store, box.clock, item.seq, submissions.GRADING)
                write_submission(root, box, key, item.learner_id, item.lesson)

                def serial(item: submissions.Submission = item) -> Score:
                    return autograde(root, item.learner_id, item.lesson)
                _finish(box, key, item, serial, scores)
                if progress:
                    progress(done, len(todo))
            return scores
        own = None
        if pool is None:
            own = pool = grading_pool(min(workers, len(todo)))
        try:
            _in_parallel(root, box, key, environment, todo, pool, scores, progress)
        finally:
            if own is not None:
                own.shutdown(wait=True, cancel_futures=True)
    return scores


def _finish(box: Sandbox, key: bytes, item: submissions.Submission,
            grade: Callable[[], Score], scores: list[Score]) -> None:
    try:
        score = grade()
    except course.NbgraderFailed as err:
        LOG.error("grading %s/%s failed: %s", item.learner_id, item.lesson, err.detail)
        submissions.mark(box.store, box.clock, item.seq, submissions.FAILED)
    else:
        results.record(box.store, box.clock, key, box.workshop_id, item.seq, item.learner_id,
                       item.lesson, score.score, score.max_score, score.missing)
        scores.append(score)


def _in_parallel(root: Path, box: Sandbox, key: bytes, environment: dict[str, str],
                 todo: list[submissions.Submission], pool: Executor, scores: list[Score],
                 progress: Callable[[int, int], None] | None) -> None:
    """Stream the queue through the pool: a submission arriving while others execute is
    taken at once (no waiting for a batch to end); each is recorded as soon as it is done."""
    work = root / WORK_DIR
    work.mkdir(exist_ok=True)
    for stale in work.glob("gradebook-*.db"):  # copies of an older gradebook
        stale.unlink()
    snapshot = work / SNAPSHOT
    course.snapshot_gradebook(root, snapshot)  # under the writer's lock: consistent
    in_flight: dict[Future[Any], submissions.Submission] = {}
    taken: set[int] = set()
    total, done = len(todo), 0
    while True:
        for item in submissions.pending(box.store):
            if item.seq in taken:
                continue
            taken.add(item.seq)
            if item.seq not in {t.seq for t in todo}:
                total += 1  # arrived while grading
            submissions.mark(box.store, box.clock, item.seq, submissions.GRADING)
            write_submission(root, box, key, item.learner_id, item.lesson)
            in_flight[pool.submit(execute, root, snapshot, item.learner_id, item.lesson,
                                  environment)] = item
        if not in_flight:
            return
        finished, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
        for future in finished:
            item = in_flight.pop(future)

            def grade(item: submissions.Submission = item,
                      future: Future[Any] = future) -> Score:
                future.result()  # NbgraderFailed from the pool comes back here
                return record(root, item.learner_id, item.lesson)
            _finish(box, key, item, grade, scores)
            done += 1
            if progress:
                progress(done, total)
