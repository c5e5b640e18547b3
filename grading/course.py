"""An nbgrader course directory built from ``lessons/``, through nbgrader's own API.

Layout (nbgrader's, see ``nbgrader/coursedir.py``)::

    WORKSHOP/
      nbgrader_config.py        so a trainer can also run ``nbgrader`` here
      source/<lesson>/<lesson>.ipynb   from the jupytext text in lessons/
      release/<lesson>/...      generate_assignment; served by Voila
      submitted/ autograded/    written by the grading worker only
      gradebook.db              nbgrader's; students = learners
      sandbox.db                the simulators' store (see bakhong.simulators.store)
"""

from __future__ import annotations

import functools
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from bakhong.simulators.errors import N_, SandboxError

#: The practice lessons of the course, in teaching order, then the unaided checks
#: («Tự làm», ``bakhong.simulators.checks``), which the lesson menu puts after their practice.
PRACTICE = ("first_steps", "vneid", "payment", "portal", "portal_result", "signing", "safety",
            "receiving", "vneid_daily", "scams", "bills", "secrets")
CHECKS = ("vneid_check", "payment_check", "portal_check", "signing_check", "receiving_check",
          "vneid_daily_check", "scams_check", "bills_check",
           "secrets_check")
LESSONS = (*PRACTICE, *CHECKS)
KERNEL_NAME = "bakhong"
CELL_TIMEOUT = 20  # seconds per cell under autograde
#: nbgrader's files (released, autograded, feedback): the owner's only, written as nbgrader
#: reads it (octal digits in a decimal number).
FILE_PERMISSIONS = 600

CONFIG_TEMPLATE = '''\
# Written by bakhong; the same settings bakhong passes to nbgrader's API.
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "bakhong"
c.Execute.timeout = {timeout}
c.Execute.kernel_name = "{kernel}"
c.OverwriteCells.add_missing_cells = True
c.BaseConverter.permissions = {permissions}
'''


class NbgraderFailed(SandboxError):
    code = "grading.nbgrader_failed"
    message = N_("nbgrader báo lỗi khi chấm bài. Xem nhật ký của lệnh chấm bài.")


def lesson_title(lesson: str) -> str:
    """The title in the lesson's jupytext header (``title:``), or its name."""
    for line in lesson_text(lesson).splitlines():
        if line.startswith("#   title:"):
            return line.split(":", 1)[1].strip().strip('"')
    return lesson


def workshop_lessons(root: Path) -> tuple[str, ...]:
    """The lessons of the workshop at ``root``: the course's (:data:`LESSONS`), then the
    workshop's own variants it released (:mod:`.lesson_variants`)."""
    from .lesson_variants import released

    return (*LESSONS, *released(root))


def lesson_base(root: Path, lesson: str) -> str:
    """The course lesson whose app and evidence ``lesson`` uses: itself, the lesson whose app
    a later part shares (``portal_result``'s is ``portal``: :data:`bakhong.simulators.attempts.
    SHARED_APP`), or the base of a variant released in the workshop at ``root``."""
    from bakhong.simulators.attempts import evidence_lesson

    if lesson in LESSONS:
        return evidence_lesson(lesson)
    from .lesson_variants import released

    found = released(root).get(lesson)
    return evidence_lesson(found.base) if found is not None else lesson


def lesson_text(lesson: str) -> str:
    return resources.files("bakhong.lessons").joinpath(f"{lesson}.py").read_text("utf-8")


def lesson_notebook(lesson: str) -> Any:
    """The nbgrader source notebook of ``lesson``, from its jupytext text."""
    import jupytext

    notebook = jupytext.reads(lesson_text(lesson), fmt="py:percent")
    notebook.metadata["kernelspec"] = {
        "name": KERNEL_NAME, "display_name": "bakhong", "language": "python"}
    notebook.metadata.pop("jupytext", None)
    return notebook


def nbgrader_config(root: Path) -> Any:
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = "bakhong"
    config.CourseDirectory.db_url = gradebook_url(root)
    config.Execute.timeout = CELL_TIMEOUT
    config.Execute.kernel_name = KERNEL_NAME
    config.OverwriteCells.add_missing_cells = True
    config.BaseConverter.permissions = FILE_PERMISSIONS  # not nbgrader's world-readable 444
    # No exchange: lessons reach phones through release/ and Voila, submissions come from
    # the grading worker. nbgrader's API otherwise probes its default exchange
    # (/usr/local/share/nbgrader/exchange) on every use and logs "Unwritable directory,
    # please contact your instructor" each time (issue 13); the API behaves the same.
    config.ExchangeFactory.list = _no_exchange_list()
    return config


@functools.cache
def _no_exchange_list() -> type:
    from nbgrader.exchange import ExchangeError
    from nbgrader.exchange.abc import ExchangeList

    class NoExchangeList(ExchangeList):  # type: ignore[misc]
        """nbgrader's exchange plugin for "list" in a course that has no exchange."""

        def start(self) -> None:
            raise ExchangeError("bakhong uses no nbgrader exchange")

    return NoExchangeList


def put_environment_on_path() -> None:
    """nbgrader runs ``alembic`` by name: make this environment's scripts findable,
    even when ``.venv/bin/bakhong`` was called by its path without activating it."""
    bin_dir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bin_dir not in path.split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + path
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"  # this environment's `bakhong` kernel wins


def nbgrader_api(root: Path, overrides: Any = None) -> Any:
    """nbgrader's API over the course at ``root``; ``overrides`` (a traitlets ``Config``)
    change single settings for one use (the grading phases in :mod:`.grader`)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    put_environment_on_path()
    config = nbgrader_config(root)
    if overrides is not None:
        config.merge(overrides)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def checked(result: dict[str, Any]) -> dict[str, Any]:
    """nbgrader's API returns dicts with a traceback string; turn a failure into our error."""
    if not result.get("success"):
        raise NbgraderFailed(str(result.get("error") or result.get("log") or "")[-2000:])
    return result


def build(root: Path, lessons: tuple[str, ...] = LESSONS, *,
          final_root: Path | None = None) -> None:
    """Write the sources and release every lesson (nbgrader generate_assignment).

    ``final_root`` is where the course will live when it is built elsewhere first (``init``
    builds beside it, then renames): the ``nbgrader_config.py`` a trainer may use names it.
    """
    import nbformat

    root.mkdir(parents=True, exist_ok=True)
    config_text = CONFIG_TEMPLATE.format(
        root=str((final_root or root).resolve()), timeout=CELL_TIMEOUT, kernel=KERNEL_NAME,
        permissions=FILE_PERMISSIONS)
    if not gradebook_is_file(root):  # the workshop's gradebook_url (no password in it)
        config_text += f"c.CourseDirectory.db_url = {gradebook_url(root)!r}\n"
    (root / "nbgrader_config.py").write_text(config_text, encoding="utf-8")
    api = nbgrader_api(root.resolve())
    for lesson in lessons:
        folder = root / "source" / lesson
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(lesson_notebook(lesson), folder / f"{lesson}.ipynb")  # type: ignore[no-untyped-call]
        checked(api.generate_assignment(lesson, force=True, create=True))
    write_page_notebook(root)
    trust_released(root)


def trust_released(root: Path) -> None:
    """Sign the released notebooks with this user's Jupyter notary (nbformat's
    ``NotebookNotary``, in the Jupyter data folder): Voila's contents manager checks the
    signature on every load of a notebook, and logs "Notebook … is not trusted" for each
    kernel of the pool and each page of an unsigned one (issue 13). They are ours, written by
    nbgrader from ``lessons/``. A notary that cannot write only leaves the log line."""
    import sqlite3

    import nbformat
    from jupyter_core.paths import jupyter_data_dir
    from jupyter_core.utils import ensure_dir_exists
    from nbformat.sign import NotebookNotary

    try:
        data_dir = jupyter_data_dir()
        ensure_dir_exists(data_dir, 0o700)  # as a Jupyter app does: a new laptop lacks it
        with NotebookNotary(data_dir=data_dir) as notary:  # type: ignore[no-untyped-call]
            for path in sorted((root / "release").glob("*/*.ipynb")) + sorted(
                    (root / "release").glob(PAGE_NOTEBOOK)):
                notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
                if not notary.check_signature(notebook):
                    notary.sign(notebook)
    except (OSError, sqlite3.Error) as err:
        print(f"(released notebooks not signed: {err})", file=sys.stderr)


#: The one notebook Voila serves for every lesson page (``release/page.ipynb``): the lesson
#: comes in the request (:func:`bakhong.widgets.entry.lesson_page`), so one preheated pool
#: of kernels serves every lesson (issue 17) instead of a pool per lesson.
PAGE_NOTEBOOK = "page.ipynb"
PAGE_SOURCE = "from bakhong.widgets.entry import lesson_page\n\nlesson_page()"


def write_page_notebook(root: Path) -> Path:
    """``release/page.ipynb``, written when missing or changed (a workshop of an older kit),
    and signed like the lessons (:func:`trust_released`)."""
    import nbformat

    from bakhong.atomic import write_text

    notebook = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    notebook.cells = [nbformat.v4.new_code_cell(PAGE_SOURCE)]  # type: ignore[no-untyped-call]
    notebook.metadata.update({
        "kernelspec": {"display_name": KERNEL_NAME, "language": "python", "name": KERNEL_NAME},
        "title": "bakhong"})
    path = root / "release" / PAGE_NOTEBOOK
    text = nbformat.writes(notebook)  # type: ignore[no-untyped-call]
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
    return path


def release_missing(root: Path, lessons: tuple[str, ...] = LESSONS) -> tuple[str, ...]:
    """Release the course's lessons a workshop lacks (one made by an older kit), so that the
    lesson menu's links and the join page's first lesson all open; returns those added.
    Every released notebook is signed for this user too (a workshop copied from another
    laptop or account): :func:`trust_released`."""
    missing = tuple(lesson for lesson in lessons
                    if not (root / "release" / lesson / f"{lesson}.ipynb").exists())
    if missing:
        build(root, missing)
    else:
        write_page_notebook(root)
        trust_released(root)
    return missing


def gradebook_url(root: Path) -> str:
    """nbgrader's gradebook (``CourseDirectory.db_url``): ``gradebook_url`` of the workshop's
    settings (a PostgreSQL database on a hub), else ``WORKSHOP/gradebook.db``."""
    from . import settings

    chosen = settings.load(root).gradebook_url if settings.settings_path(root).is_file() else ""
    return chosen or default_gradebook_url(root)


def default_gradebook_url(root: Path) -> str:
    return f"sqlite:///{root.resolve() / 'gradebook.db'}"


def gradebook_is_file(root: Path) -> bool:
    """Whether the gradebook is the workshop's own ``gradebook.db`` (copied, backed up and
    scrubbed as a file), not a database server."""
    return gradebook_url(root) == default_gradebook_url(root)


def has_gradebook(root: Path) -> bool:
    """Whether grades may exist: the file is there, or the gradebook is a database server."""
    return not gradebook_is_file(root) or (root / "gradebook.db").exists()


def gradebook_in_use(root: Path) -> bool:
    """Whether a database-server gradebook already holds students: another workshop's, which
    ``init`` must not mix with (one database per workshop, as for the store)."""
    import sqlalchemy as sa

    if gradebook_is_file(root):
        return False
    engine = sa.create_engine(gradebook_url(root))
    try:
        if "student" not in sa.inspect(engine).get_table_names():
            return False
        with engine.connect() as conn:
            return bool(conn.execute(sa.text("SELECT count(*) FROM student")).scalar())
    finally:
        engine.dispose()


def snapshot_gradebook(root: Path, target: Path) -> None:
    """A consistent SQLite copy of the gradebook at ``target`` (``bakhong backup``).
    ``gradebook.db`` is copied as a file (the caller holds the writer's lock); a PostgreSQL
    gradebook is copied table by table, in one read transaction, with nbgrader's own table
    definitions."""
    import shutil

    import sqlalchemy as sa
    from nbgrader.api import Base

    if gradebook_is_file(root):
        shutil.copyfile(root / "gradebook.db", target)
        return
    target.unlink(missing_ok=True)
    source = sa.create_engine(gradebook_url(root))
    copy = sa.create_engine(f"sqlite:///{target.resolve()}")
    try:
        Base.metadata.create_all(copy)
        with source.connect().execution_options(isolation_level="REPEATABLE READ") as reading, \
                copy.begin() as writing:
            version = reading.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            writing.execute(sa.text("CREATE TABLE alembic_version "
                                    "(version_num VARCHAR(32) NOT NULL)"))
            for (number,) in version:
                writing.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"), {"v": number})
            for table in Base.metadata.sorted_tables:
                rows = [dict(row._mapping) for row in reading.execute(sa.select(table))]
                if rows:
                    writing.execute(table.insert(), rows)
    finally:
        source.dispose()
        copy.dispose()


def add_students(root: Path, students: list[tuple[str, str]]) -> None:
    """Add (learner id, full name) pairs as nbgrader students, or update their names.

    One transaction with nbgrader's own ``Student`` model: ``update_or_create_student``
    commits once per student (10,000 commits for a large roster).
    """
    from nbgrader.api import Gradebook, Student

    put_environment_on_path()
    with Gradebook(gradebook_url(root)) as gradebook:
        known = {student.id: student for student in gradebook.students}
        for learner_id, full_name in students:
            family, _, given = full_name.rpartition(" ")
            student = known.get(learner_id)
            if student is None:
                gradebook.db.add(Student(id=learner_id, first_name=given, last_name=family))
            else:
                student.first_name, student.last_name = given, family
        gradebook.db.commit()


def remove_student(root: Path, learner_id: str) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(root)) as gradebook:
        try:
            gradebook.remove_student(learner_id)
        except MissingEntry:
            pass
