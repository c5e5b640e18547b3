"""A workshop on disk: settings, the nbgrader course, the sandbox and the evidence key.

``init`` is what a trainer runs: it reads the roster and checks everything
first, so a bad row, an unusable settings file or a folder already in use
writes nothing; if building fails half-way, what it wrote is removed again.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from bakhong.simulators import learners as learners_mod
from bakhong.simulators.clock import Clock
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.learners import Learner
from bakhong.simulators.sandbox import Enrolment, Sandbox, enrolments

from . import course, keys, settings
from .roster import read_roster
from .settings import CourseSettings


class WorkshopExists(SandboxError):
    code = "workshop.exists"
    message = N_("Thư mục «{path}» đã có một lớp học hoặc tệp khác; hãy chọn một thư mục mới.")


def open_sandbox(root: Path, *, clock: Clock | None = None, seed: str | None = None) -> Sandbox:
    """The workshop's sandbox, in the store its settings name (``WORKSHOP/sandbox.db``).

    Raises :class:`~.settings.NotAWorkshop` for a folder ``init`` did not make.
    """
    settings.require_workshop(root)
    url = settings.load(root).store_url_for(root)
    return Sandbox.open(url, clock=clock, seed=seed)


def _check_unused(root: Path) -> None:
    """Refuse a folder holding anything but a settings file the trainer wrote beforehand."""
    if root.exists() and (not root.is_dir() or any(
            p.name != settings.SETTINGS_FILE for p in root.iterdir())):
        raise WorkshopExists(path=str(root))


def _build(
    root: Path, chosen: CourseSettings, lines: list[Enrolment], *,
    clock: Clock | None, seed: str | None, lessons: tuple[str, ...],
) -> tuple[Sandbox, list[Learner]]:
    existed = root.exists()
    before = set(root.iterdir()) if existed else set()
    root.mkdir(parents=True, exist_ok=True)
    box: Sandbox | None = None
    key_made = False
    try:
        settings.save(root, chosen)
        course.build(root, lessons)
        box = open_sandbox(root, clock=clock, seed=seed)
        if learners_mod.all_learners(box.store):  # a shared store (PostgreSQL) already in use
            raise WorkshopExists(path=chosen.store_url_for(root))
        key_made = not keys.key_path(box.workshop_id).exists()
        keys.create_key(box.workshop_id)
        added = box.enrol(lines)
        course.add_students(root, [(le.learner_id, le.full_name) for le in added])
    except BaseException:
        if box is not None:
            if key_made:
                keys.key_path(box.workshop_id).unlink(missing_ok=True)
            box.close()
        for path in set(root.iterdir()) - before:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        if not existed:
            root.rmdir()
        raise
    return box, added


def init(
    root: Path, roster_path: Path, *, course_settings: CourseSettings | None = None,
    clock: Clock | None = None, seed: str | None = None, current_year: int | None = None,
    lessons: tuple[str, ...] = course.LESSONS,
) -> tuple[Sandbox, list[Learner]]:
    """Build a workshop at ``root`` from a trainer's roster; all or nothing.

    Settings come from ``course_settings``, else from a ``bakhong.toml`` already in
    ``root``, else the defaults; they are saved to ``root/bakhong.toml``. Raises
    :class:`~bakhong.grading.roster.RosterError` (nothing written) on any bad row.
    """
    root = Path(root)
    _check_unused(root)
    chosen = course_settings or settings.load(root)
    year = current_year or (clock.now().year if clock else None)
    rows = read_roster(roster_path, chosen.province, current_year=year)
    lines = [
        Enrolment(row.learner_id, row.full_name, str(row.commune_code), row.commune_name,
                  chosen.province, row.birth_year, row.sex, row.legacy_commune,
                  row.legacy_district, chosen.language, dict(row.survey) or None)
        for row in rows]
    return _build(root, chosen, lines, clock=clock, seed=seed, lessons=lessons)


def create(
    root: Path, entries: Iterable[tuple[str, str, str]], *,
    clock: Clock | None = None, seed: str | None = None,
    lessons: tuple[str, ...] = course.LESSONS,
) -> tuple[Sandbox, list[Learner]]:
    """Build a workshop from (learner id, name, post-2025 commune) entries (tests, benchmarks)."""
    chosen = settings.load(root)
    return _build(Path(root), chosen, enrolments(entries, chosen.province),
                  clock=clock, seed=seed, lessons=lessons)


def forget(root: Path, learner_id: str) -> None:
    """Remove a learner's data everywhere: sandbox, gradebook and submission folders."""
    box = open_sandbox(root)
    learners_mod.forget(box.store, learner_id)
    course.remove_student(root, learner_id)
    for stage in ("submitted", "autograded", "feedback"):
        shutil.rmtree(root / stage / learner_id, ignore_errors=True)
    box.close()
