"""Turn evidence into nbgrader submissions and autograde them: the one writer of the gradebook.

For each queued «Nộp bài» (``bakhong.simulators.submissions``), in order:

1. export the learner's evidence for the lesson, signed with the workshop key;
2. write ``submitted/<learner>/<lesson>/`` = the released notebook, ``evidence.json``
   and a fresh ``timestamp.txt`` (so a resubmission is regraded, not skipped);
3. run nbgrader's autograde for that learner, with the key and the workshop id in
   the environment its kernel inherits (never on disk in the course directory);
4. read the score from nbgrader's gradebook and mark the queue row.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bakhong.simulators import evidence, submissions
from bakhong.simulators.sandbox import Sandbox

from . import course, keys
from .checks import EVIDENCE_FILE, KEY_ENV, WORKSHOP_ENV

LOG = logging.getLogger("bakhong.grading")
LOCK_FILE = ".gradebook.lock"


@dataclass(frozen=True)
class Score:
    learner_id: str
    lesson: str
    score: float
    max_score: float


def grading_environment(workshop_id: str, key: bytes) -> dict[str, str]:
    """What the autograde kernel must inherit: the key and the workshop id."""
    return {KEY_ENV: key.hex(), WORKSHOP_ENV: workshop_id}


def write_submission(root: Path, box: Sandbox, key: bytes, learner_id: str, lesson: str) -> Path:
    folder = root / "submitted" / learner_id / lesson
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


def autograde(root: Path, learner_id: str, lesson: str) -> Score:
    from nbgrader.api import Gradebook

    api = course.nbgrader_api(root.resolve())
    course.checked(api.autograde(lesson, learner_id, force=True, create=True))
    with Gradebook(course.gradebook_url(root)) as gradebook:
        found = gradebook.find_submission(lesson, learner_id)
        return Score(learner_id, lesson, float(found.score), float(found.max_score))


@contextmanager
def gradebook_writer(root: Path) -> Iterator[None]:
    """The one-writer rule: whoever grades (the worker, ``bakhong grade``) holds this lock."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def grade_pending(
    root: Path, box: Sandbox, *, progress: Callable[[int, int], None] | None = None,
) -> list[Score]:
    """Grade every queued submission, oldest first; a half-graded one is graded again.

    A submission nbgrader cannot grade is marked ``failed`` (logged) and the queue goes on.
    """
    key = keys.load_key(box.workshop_id)
    os.environ.update(grading_environment(box.workshop_id, key))
    scores = []
    with gradebook_writer(root):
        todo = submissions.pending(box.store)
        for done, item in enumerate(todo, start=1):
            submissions.mark(box.store, box.clock, item.seq, submissions.GRADING)
            write_submission(root, box, key, item.learner_id, item.lesson)
            try:
                score = autograde(root, item.learner_id, item.lesson)
            except course.NbgraderFailed as err:
                LOG.error("grading %s/%s failed: %s", item.learner_id, item.lesson, err.detail)
                submissions.mark(box.store, box.clock, item.seq, submissions.FAILED)
            else:
                submissions.mark(box.store, box.clock, item.seq, submissions.GRADED,
                                 score.score, score.max_score)
                scores.append(score)
            if progress:
                progress(done, len(todo))
    return scores
