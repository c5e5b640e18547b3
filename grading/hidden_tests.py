"""The entry of the lessons' hidden test cells, inside nbgrader's autograde kernel.

Every graded cell of a lesson is the same two lines::

    from bakhong.grading.hidden_tests import task_done
    assert task_done("payment", "pay_static")

Autograde runs each notebook in ``autograded/<learner>/<lesson>/`` beside the
submitted ``evidence.json``; the grading process passes the workshop's key and id in
its environment, which the kernel inherits. The learner and the lesson are read from
the folder names that nbgrader chose, so an export copied from another learner's
submission fails the check and every test cell scores 0.

**Only the evidence moves a score.** nbgrader gives a cell 0 when it errs or writes
anything to stderr. :func:`task_done` does all its work (the imports of the simulators
and of what they import included) inside :func:`bakhong.quiet.quiet`, so a library's
warning or log line, at import or at call, changes nothing; a failed check is
``False`` (the ``assert`` fails) and a real error in the check is raised as it is. This
module imports the standard library only, so the cell's first line cannot warn either.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bakhong.quiet import quiet

if TYPE_CHECKING:
    from bakhong.simulators.evidence import Event, EvidenceExport

__all__ = ["EVIDENCE_FILE", "JUDGES", "KEY_ENV", "VARIANT_KEY", "WORKSHOP_ENV", "completed",
           "lesson_evidence", "task_done"]

EVIDENCE_FILE = "evidence.json"
KEY_ENV = "BAKHONG_EVIDENCE_KEY"
WORKSHOP_ENV = "BAKHONG_WORKSHOP_ID"
#: In the export of a workshop's variant of a lesson (``grading.lesson_variants``): the
#: variant's name, signed with the rest. Its hidden tests ask ``task_done("<base>", …)`` in
#: ``<learner>/<variant>/``; the export is of the base lesson's evidence.
VARIANT_KEY = "variant"

#: lesson -> the simulator module whose ``completed_tasks(events)`` judges its tasks; a
#: module without one counts every task with an ``ok`` outcome.
JUDGES = {
    "first_steps": "bakhong.simulators.first_steps",
    "vneid": "bakhong.simulators.vneid",
    "vneid_check": "bakhong.simulators.checks",
    "payment": "bakhong.simulators.bank",
    "payment_check": "bakhong.simulators.checks",
    "portal": "bakhong.simulators.portal",
    "portal_check": "bakhong.simulators.checks",
    "signing": "bakhong.simulators.signing",
    "signing_check": "bakhong.simulators.checks",
    "safety": "bakhong.simulators.safety",
    "receiving": "bakhong.simulators.receiving",
    "scams": "bakhong.simulators.scams",
    "secrets": "bakhong.simulators.secrets",
    "receiving_check": "bakhong.simulators.checks",
    "vneid_daily_check": "bakhong.simulators.checks",
    "scams_check": "bakhong.simulators.checks",
    "bills_check": "bakhong.simulators.checks",
    "secrets_check": "bakhong.simulators.checks",
    "vneid_daily": "bakhong.simulators.vneid_daily",
    "bills": "bakhong.simulators.bills",
}


def lesson_evidence(lesson: str, folder: Path | None = None) -> EvidenceExport:
    """The verified evidence of the learner being graded; raises if it is not genuine."""
    from bakhong.simulators.evidence import verify_export

    here = folder or Path.cwd()
    data = json.loads((here / EVIDENCE_FILE).read_text(encoding="utf-8"))
    key = bytes.fromhex(os.environ[KEY_ENV])
    found = verify_export(data, key, workshop=os.environ[WORKSHOP_ENV],
                          learner=here.parent.name, lesson=lesson)
    # the folder is the lesson's, or a variant's whose name the grader signed in the export
    if here.name != lesson and data.get(VARIANT_KEY) != here.name:
        raise ValueError(f"graded in {here.name}, not {lesson}")
    return found


def completed(lesson: str, events: Iterable[Event]) -> set[str]:
    """The tasks of ``lesson`` done in ``events``, as its simulator judges them."""
    from bakhong.simulators.evidence import OK

    found = list(events)
    judge: Any = getattr(importlib.import_module(JUDGES[lesson]), "completed_tasks", None)
    if judge is None:
        return {event.task for event in found if event.outcome == OK}
    return set(judge(found))


def task_done(lesson: str, task: str, folder: Path | None = None) -> bool:
    """Whether the learner being graded did ``task`` of ``lesson``: the hidden tests' check.

    Whatever a library prints, warns or logs meanwhile stays out of the cell.
    """
    with quiet():
        return task in completed(lesson, lesson_evidence(lesson, folder).events)
