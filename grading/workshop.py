"""A workshop on disk: the nbgrader course, the sandbox and the evidence key, made together."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from bakhong.simulators import learners as learners_mod
from bakhong.simulators.clock import Clock
from bakhong.simulators.learners import Learner
from bakhong.simulators.sandbox import SANDBOX_FILE, Sandbox

from . import course, keys


def open_sandbox(root: Path, *, clock: Clock | None = None, seed: str | None = None) -> Sandbox:
    return Sandbox.open(root / SANDBOX_FILE, clock=clock, seed=seed)


def create(
    root: Path, entries: Iterable[tuple[str, str, str]], *,
    clock: Clock | None = None, seed: str | None = None,
    lessons: tuple[str, ...] = course.LESSONS,
) -> tuple[Sandbox, list[Learner]]:
    """Build the course at ``root``, enrol (learner id, name, commune) entries, make the key."""
    root.mkdir(parents=True, exist_ok=True)
    course.build(root, lessons)
    box = open_sandbox(root, clock=clock, seed=seed)
    keys.create_key(box.workshop_id)
    added = box.add_learners(entries)
    course.add_students(root, [(learner.learner_id, learner.full_name) for learner in added])
    return box, added


def forget(root: Path, learner_id: str) -> None:
    """Remove a learner's data everywhere: sandbox, gradebook and submission folders."""
    box = open_sandbox(root)
    learners_mod.forget(box.store, learner_id)
    course.remove_student(root, learner_id)
    for stage in ("submitted", "autograded", "feedback"):
        shutil.rmtree(root / stage / learner_id, ignore_errors=True)
    box.close()
