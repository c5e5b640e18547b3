"""nbgrader's autograde over a batch of submissions: one gradebook, kernels started ahead.

Each submission still goes through nbgrader's own ``Autograde`` converter
(``NbGraderAPI.autograde``: the same copies, checks and notebooks, nbgrader's preprocessors
in nbgrader's order); two things change for the length of a batch:

* **Execute** is :class:`PooledExecute`, nbgrader's ``Execute`` in its place in
  ``Autograde.autograde_preprocessors``, whose kernel manager class takes a kernel
  started ahead (:mod:`.kernel_pool`).
* **The gradebook is opened once.** nbgrader's autograde opens ``Gradebook(db_url)`` nine
  times per submission (five in ``Autograde.init_assignment``, then ``OverwriteKernelspec``,
  ``OverwriteCells``, ``SaveAutoGrades``, ``AssignLatePenalties``), each with a new engine
  that checks the schema and the course and compiles its queries afresh, and it commits
  (an ``fsync``) after every grade cell. :func:`one_gradebook` hands those five modules one
  :class:`BatchGradebook` instead. Each ``with Gradebook(...)`` block is still a session of
  its own (its commit keeps its work, leaving it drops what it did not commit), inside one
  database transaction per submission (:meth:`BatchGradebook.submission`), committed once
  before the score is recorded.

The scores are nbgrader's: ``bench/grading_scale.py`` compares them with stock
``nbgrader autograde`` on the same submissions.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker
from traitlets.config import Config

from . import course
from .grader import Score
from .kernel_pool import KernelPool, PooledKernelManager

__all__ = ["AutogradeBatch", "BatchGradebook", "PooledExecute", "one_gradebook", "score_of"]

#: nbgrader's modules that open a ``Gradebook`` while autograding
OPENERS = ("nbgrader.converters.autograde", "nbgrader.preprocessors.overwritekernelspec",
           "nbgrader.preprocessors.overwritecells", "nbgrader.preprocessors.saveautogrades",
           "nbgrader.preprocessors.latesubmissions")


def score_of(gradebook: Gradebook, learner_id: str, lesson: str) -> Score:
    """A submission's score in nbgrader's gradebook, with its graded tasks short of full
    points."""
    found = gradebook.find_submission(lesson, learner_id)
    missing = tuple(grade.name for notebook in found.notebooks for grade in notebook.grades
                    if (grade.score or 0) + 1e-9 < (grade.max_score or 0))
    return Score(learner_id, lesson, float(found.score), float(found.max_score), missing)


class PooledExecute(Execute):  # type: ignore[misc]
    """nbgrader's ``Execute``, with a kernel from the pool lent to autograde. (nbgrader passes
    ``kernel_manager_class`` as an argument, which outranks configuration: hence a
    subclass that only changes that default.)"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", PooledKernelManager)
        super().__init__(*args, **kwargs)


def pooled_preprocessors() -> list[type]:
    """nbgrader's autograde preprocessors, in nbgrader's order, ``Execute`` pooled."""
    default = Autograde.class_traits()["autograde_preprocessors"].default()
    return [PooledExecute if step is Execute else step for step in default]


def _sqlite_without_pysqlite_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (see below)


def _begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


class BatchGradebook(Gradebook):  # type: ignore[misc]
    """nbgrader's ``Gradebook``, opened once for a batch. Leaving a ``with`` block ends the
    block's session (what it did not commit is dropped, as on close) but keeps the engine;
    :meth:`dispose` closes it for good."""

    def __init__(self, db_url: str, course_id: str) -> None:
        super().__init__(db_url, course_id)
        self.url = db_url
        self.check_course()  # the course the preprocessors' own opens would add
        self.db.remove()
        if self.engine.dialect.name == "sqlite":
            # pysqlite's own transaction handling breaks SAVEPOINT (SQLAlchemy's recipe)
            self.engine.dispose()
            event.listen(self.engine, "connect", _sqlite_without_pysqlite_transactions)
            event.listen(self.engine, "begin", _begin)

    @contextmanager
    def submission(self) -> Iterator[None]:
        """One database transaction for everything nbgrader does to one submission: each
        session commits to a savepoint, and the whole is committed on leaving (rolled back
        if an exception leaves the block)."""
        connection = self.engine.connect()
        outer = connection.begin()
        self.db = scoped_session(sessionmaker(
            bind=connection, autoflush=True, join_transaction_mode="create_savepoint"))
        try:
            yield
        except BaseException:
            self.db.remove()
            outer.rollback()
            raise
        else:
            self.db.remove()
            outer.commit()
        finally:
            connection.close()

    def close(self) -> None:
        """What nbgrader's ``with Gradebook(...)`` does on leaving: end the session."""
        self.db.remove()

    def dispose(self) -> None:
        self.db.remove()
        self.engine.dispose()


@contextmanager
def one_gradebook(gradebook: BatchGradebook) -> Iterator[None]:
    """While the block runs, nbgrader's autograde modules (:data:`OPENERS`) get ``gradebook``
    for every ``Gradebook(...)`` of its database."""
    modules: list[Any] = [importlib.import_module(name) for name in OPENERS]

    def opener(db_url: str, course_id: str = "default_course",
               authenticator: Any = None) -> Gradebook:
        if db_url != gradebook.url or authenticator is not None:
            return Gradebook(db_url, course_id, authenticator)
        return gradebook

    saved = [module.Gradebook for module in modules]
    for module in modules:
        module.Gradebook = opener
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.Gradebook = original


class AutogradeBatch:
    """nbgrader's autograde for many submissions of one course, one after the other, with
    one gradebook and kernels from ``pool``. A context manager."""

    def __init__(self, root: Path, pool: KernelPool) -> None:
        self.root = root.resolve()
        overrides = Config()
        overrides.Autograde.autograde_preprocessors = pooled_preprocessors()
        self.api = course.nbgrader_api(self.root, overrides)
        self.pool = pool
        self.gradebook: BatchGradebook | None = None
        self._stack = ExitStack()

    def __enter__(self) -> AutogradeBatch:
        self.gradebook = BatchGradebook(course.gradebook_url(self.root),
                                        self.api.coursedir.course_id)
        self._stack.callback(self.gradebook.dispose)
        self._stack.enter_context(self.pool.lent())
        self._stack.enter_context(one_gradebook(self.gradebook))
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stack.close()

    def autograde(self, learner_id: str, lesson: str) -> Score:
        """nbgrader's autograde of one submission (``submitted/<learner>/<lesson>/``), and its
        score, committed to the gradebook. Raises :class:`.course.NbgraderFailed`."""
        assert self.gradebook is not None, "use AutogradeBatch as a context manager"
        with self.gradebook.submission():
            course.checked(self.api.autograde(lesson, learner_id, force=True, create=True))
            return score_of(self.gradebook, learner_id, lesson)
