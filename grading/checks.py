"""What the lessons' hidden test cells call, inside nbgrader's autograde kernel.

Autograde runs each notebook in ``autograded/<learner>/<lesson>/`` beside the
submitted ``evidence.json``; the grading process passes the workshop's key and
id in its environment, which the kernel inherits. The learner and the lesson are
read from the folder names that nbgrader chose, so an export copied from another
learner's submission fails the check and every test cell scores 0.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from bakhong.simulators.evidence import EvidenceExport, verify_export

EVIDENCE_FILE = "evidence.json"
KEY_ENV = "BAKHONG_EVIDENCE_KEY"
WORKSHOP_ENV = "BAKHONG_WORKSHOP_ID"


def lesson_evidence(lesson: str, folder: Path | None = None) -> EvidenceExport:
    """The verified evidence of the learner being graded; raises if it is not genuine."""
    here = folder or Path.cwd()
    data = json.loads((here / EVIDENCE_FILE).read_text(encoding="utf-8"))
    key = bytes.fromhex(os.environ[KEY_ENV])
    if here.name != lesson:
        raise ValueError(f"graded in {here.name}, not {lesson}")
    return verify_export(data, key, workshop=os.environ[WORKSHOP_ENV],
                         learner=here.parent.name, lesson=lesson)
