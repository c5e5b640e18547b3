"""nbgrader's autograde over a batch of submissions: one gradebook, kernels started ahead,
two submissions in flight.

Each submission still goes through nbgrader's own ``Autograde`` converter
(``NbGraderAPI.autograde``: the same copies, checks and notebooks, nbgrader's preprocessors
in nbgrader's order); three things change for the length of a batch:

* **Execute** is :class:`PooledExecute`, nbgrader's ``Execute`` in its place in
  ``Autograde.autograde_preprocessors``, whose kernel manager class takes a kernel started
  ahead (:mod:`.kernel_pool`).
* **The gradebook is opened once.** nbgrader's autograde opens ``Gradebook(db_url)`` nine
  times per submission (five in ``Autograde.init_assignment``, then ``OverwriteKernelspec``,
  ``OverwriteCells``, ``SaveAutoGrades``, ``AssignLatePenalties``), each with a new engine
  that checks the schema and the course and compiles its queries afresh, and it commits
  (an ``fsync``) after every grade cell. :func:`one_gradebook` hands those five modules one
  :class:`BatchGradebook` instead: each ``with Gradebook(...)`` block is still a session of
  its own (its commit keeps its work, leaving the block drops what it did not commit),
  inside one database transaction made durable once per submission
  (:meth:`BatchGradebook.commit`), before its score is recorded. The process keeps it open
  between batches (:func:`gradebook_for`: a worker's batch is often one «Nộp bài»), as long
  as the file is the same.
* **Two submissions in flight** (:attr:`AutogradeBatch.lanes`): while a kernel runs one
  submission's cells, nbgrader's bookkeeping of the other goes on. Each lane has its own
  ``NbGraderAPI``; the gradebook's ``with`` blocks take turns (a lock), and the process
  works in the course folder for the batch, where nbgrader's converter moves anyway.

The scores are nbgrader's: ``bench/grading_scale.py`` compares them with stock
``nbgrader autograde`` on the same submissions.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute
from sqlalchemy import event
from sqlalchemy.engine import Connection, RootTransaction
from sqlalchemy.orm import scoped_session, sessionmaker
from traitlets.config import Config

from . import course
from .grader import Score
from .kernel_pool import KernelPool, PooledKernelManager

__all__ = ["AutogradeBatch", "BatchGradebook", "PooledExecute", "close_gradebooks",
           "gradebook_for", "one_gradebook", "score_of"]

#: nbgrader's modules that open a ``Gradebook`` while autograding
OPENERS = ("nbgrader.converters.autograde", "nbgrader.preprocessors.overwritekernelspec",
           "nbgrader.preprocessors.overwritecells", "nbgrader.preprocessors.saveautogrades",
           "nbgrader.preprocessors.latesubmissions")
#: submissions in flight in a batch
LANES = 2


def score_of(gradebook: Gradebook, learner_id: str, lesson: str) -> Score:
    """A submission's score in nbgrader's gradebook, with its graded tasks short of full
    points."""
    found = gradebook.find_submission(lesson, learner_id)
    grades = [grade for notebook in found.notebooks for grade in notebook.grades]
    missing = tuple(grade.name for grade in grades
                    if (grade.score or 0) + 1e-9 < (grade.max_score or 0))
    manual = {grade.name: (grade.auto_score, float(grade.manual_score)) for grade in grades
              if grade.manual_score is not None and (
                  grade.auto_score is None or abs(grade.manual_score - grade.auto_score) > 1e-9)}
    auto = sum(float(grade.auto_score or 0) for grade in grades)
    auto_missing = tuple(grade.name for grade in grades
                         if float(grade.auto_score or 0) + 1e-9 < float(grade.max_score or 0))
    return Score(learner_id, lesson, float(found.score), float(found.max_score), missing,
                 manual, auto, auto_missing)


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
    """nbgrader's ``Gradebook``, opened once. Within :meth:`transaction`, each ``with`` block
    holds the gradebook (one block at a time, whatever the thread) and is a session of its
    own whose commits are savepoints of one database transaction; leaving the block ends
    the session (dropping what it did not commit, as nbgrader's close does), and
    :meth:`commit` makes everything so far durable. :meth:`dispose` closes it for good."""

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
        self._turn = threading.RLock()
        self._depth = threading.local()
        self._connection: Connection | None = None
        self._outer: RootTransaction | None = None
        # one session per thread, made in a block, on the transaction's connection
        self.db: scoped_session[Any] = scoped_session(sessionmaker(
            autoflush=True, join_transaction_mode="create_savepoint"))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The batch's database transaction. On leaving, what nbgrader committed is
        committed, even if an exception leaves (as with nbgrader's own commits)."""
        with self._turn:
            self._connection = self.engine.connect()
            self._outer = self._connection.begin()
            self.db.configure(bind=self._connection)
        try:
            yield
        finally:
            with self._turn:
                try:
                    self._outer.commit()
                finally:
                    self._connection.close()
                    self._connection = self._outer = None

    def commit(self) -> None:
        """Make what nbgrader committed so far durable (one ``fsync``)."""
        with self._turn:
            assert self._connection is not None and self._outer is not None
            self._outer.commit()
            self._outer = self._connection.begin()

    def __enter__(self) -> BatchGradebook:
        self._turn.acquire()
        self._depth.n = getattr(self._depth, "n", 0) + 1
        return self

    def close(self) -> None:
        """What nbgrader's ``with Gradebook(...)`` does on leaving: end the session (and
        give the other lane its turn)."""
        depth = getattr(self._depth, "n", 0)
        if depth == 0:
            return
        self._depth.n = depth - 1
        if depth == 1:
            self.db.remove()
        self._turn.release()

    def dispose(self) -> None:
        self.engine.dispose()


#: open gradebooks of this process: database URL -> (file identity, gradebook)
_OPEN: dict[str, tuple[tuple[int, int], BatchGradebook]] = {}
_KEEP_OPEN = 4


def gradebook_for(root: Path, course_id: str) -> BatchGradebook:
    """The course's gradebook, opened once per process (and again if ``gradebook.db`` was
    replaced since, or first made)."""
    url = course.gradebook_url(root)
    path = root.resolve() / "gradebook.db"
    found = _OPEN.pop(url, None)
    identity = _identity(path)
    if found is not None and found[0] == identity and identity is not None:
        _OPEN[url] = found
        return found[1]
    if found is not None:
        found[1].dispose()
    gradebook = BatchGradebook(url, course_id)
    _OPEN[url] = (_identity(path) or (0, 0), gradebook)
    while len(_OPEN) > _KEEP_OPEN:  # the oldest first
        _OPEN.pop(next(iter(_OPEN)))[1].dispose()
    return gradebook


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def close_gradebooks() -> None:
    while _OPEN:
        _OPEN.popitem()[1][1].dispose()


atexit.register(close_gradebooks)


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


@contextmanager
def _autograde_set() -> Iterator[None]:
    """``NBGRADER_EXECUTION=autograde`` for the whole batch. nbgrader sets it around each
    autograde pass with ``utils.setenv``, which then deletes it (it looks the old value up
    by the new one, so it never finds it): with two lanes, the second deletion raises
    ``KeyError`` in nbgrader. While the batch runs, ``utils.setenv`` is :func:`_set_already`.
    (The pool's kernels have the variable from their own environment.)"""
    import nbgrader.utils

    before = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    original, nbgrader.utils.setenv = nbgrader.utils.setenv, _set_already
    try:
        yield
    finally:
        nbgrader.utils.setenv = original
        if before is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = before


@contextmanager
def _set_already(**variables: str) -> Iterator[None]:
    """nbgrader's ``utils.setenv`` within a batch: the variables are set for the batch; any
    other value is refused rather than set under the other lane."""
    for name, value in variables.items():
        if os.environ.get(name) != value:
            raise RuntimeError(f"{name}={value} asked for within an autograde batch")
    yield


@contextmanager
def _working_in(folder: Path) -> Iterator[None]:
    """nbgrader's converter moves into the course folder and back around each conversion;
    with two lanes, "back" must be the same folder for both."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


class AutogradeBatch:
    """nbgrader's autograde of submissions of one course, up to :data:`LANES` at a time from
    as many threads, with one gradebook (:func:`gradebook_for`) and kernels from ``pool``.
    A context manager."""

    lanes = LANES

    def __init__(self, root: Path, pool: KernelPool) -> None:
        self.root = root.resolve()
        self.pool = pool
        self.gradebook: BatchGradebook | None = None
        self._apis = threading.local()
        self._stack = ExitStack()

    def __enter__(self) -> AutogradeBatch:
        self.gradebook = gradebook_for(self.root, self._api().coursedir.course_id)
        self._stack.enter_context(_working_in(self.root))
        self._stack.enter_context(_autograde_set())
        self._stack.enter_context(self.pool.lent())
        self._stack.enter_context(one_gradebook(self.gradebook))
        self._stack.enter_context(self.gradebook.transaction())
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stack.close()

    def _api(self) -> Any:
        """This thread's NbGraderAPI, with a logger of its own (nbgrader reports a failure
        with the log it captured)."""
        api = getattr(self._apis, "api", None)
        if api is None:
            overrides = Config()
            overrides.Autograde.autograde_preprocessors = pooled_preprocessors()
            api = course.nbgrader_api(self.root, overrides)
            api.log = logging.getLogger(f"traitlets.bakhong-lane-{threading.get_ident()}")
            self._apis.api = api
        return api

    def autograde(self, learner_id: str, lesson: str) -> Score:
        """nbgrader's autograde of one submission (``submitted/<learner>/<lesson>/``), and its
        score, durable in the gradebook. Raises :class:`.course.NbgraderFailed`."""
        gradebook = self.gradebook
        assert gradebook is not None, "use AutogradeBatch as a context manager"
        course.checked(self._api().autograde(lesson, learner_id, force=True, create=True))
        with gradebook:
            score = score_of(gradebook, learner_id, lesson)
        gradebook.commit()
        return score
