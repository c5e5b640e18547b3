"""Issue 13: a score edited outside bakhong is noticed, named by ``grade`` and ``report``,
and not counted; and the grader records what is still missing."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from conftest import reach_level2, trained_by_vneid

from bakhong import cli
from bakhong.grading import grader, report, results, workshop
from bakhong.simulators import learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock

pytestmark = pytest.mark.slow

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long")]


@pytest.fixture(scope="module")
def graded_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """hv001 did the VNeID lesson, hv002 nothing; both submitted and were graded."""
    root = tmp_path_factory.mktemp("sealed") / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="sealed", lessons=("vneid",))
    trained_by_vneid(root)
    try:
        for learner_id, _name, _commune in ROSTER:
            learners.record_consent(box.store, clock, learner_id)
        reach_level2(box.vneid("hv001"), registry.persona_of_learner(box.store, "hv001"))
        for learner_id, _name, _commune in ROSTER:
            submissions.request(box.store, clock, learner_id, "vneid")
        scores = {s.learner_id: (s.score, s.missing) for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores == {"hv001": (5.0, ()), "hv002": (0.0, ("registered", "activated", "level2"))}
    return root


def trained(root: Path) -> int:
    return sum(row.trained for row in report.completion([root]))


def test_the_grader_seals_what_it_records(graded_root: Path) -> None:
    assert results.workshop_mismatches(graded_root) == []
    assert trained(graded_root) == 1
    box = workshop.open_sandbox(graded_root)
    latest = submissions.latest(box.store, "hv002", "vneid")
    box.close()
    assert latest is not None and latest.missing == ("registered", "activated", "level2")


def test_an_edited_gradebook_score_is_named_and_not_counted(
        graded_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(graded_root / "gradebook.db") as db:  # hv002's zero made five
        db.execute("UPDATE grade SET auto_score = (SELECT max_score FROM grade_cells WHERE "
                   "grade_cells.id = grade.cell_id) WHERE notebook_id IN (SELECT "
                   "submitted_notebook.id FROM submitted_notebook JOIN submitted_assignment ON "
                   "submitted_notebook.assignment_id = submitted_assignment.id WHERE "
                   "submitted_assignment.student_id = 'hv002')")
    [named] = results.workshop_mismatches(graded_root)
    assert (named.kind, named.learner_id, named.found, named.sealed) == (
        results.GRADEBOOK, "hv002", 5.0, 0.0)
    assert trained(graded_root) == 1  # the province's figure does not move
    assert cli.main(["report", str(graded_root), "--out", str(tmp_path / "r.csv")]) == 0
    err = capsys.readouterr().err
    assert "hv002" in err and "gradebook.db" in err and "bakhong grade" in err
    assert "không được tính" in err
    assert cli.main(["grade", str(graded_root)]) == 1  # nothing queued: it only checks
    assert "hv002" in capsys.readouterr().err
    assert cli.main(["grade", str(graded_root), "--all"]) == 0  # graded again from evidence
    assert "hv002" not in capsys.readouterr().err
    assert results.workshop_mismatches(graded_root) == []


def test_an_edited_store_score_is_named_and_not_counted(
        graded_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(graded_root / "sandbox.db") as db:  # as sqlite3 on the laptop would
        db.execute("UPDATE submissions SET score = max_score WHERE learner_id = 'hv002'")
    kinds = {(m.kind, m.learner_id) for m in results.workshop_mismatches(graded_root)}
    assert (results.SEAL, "hv002") in kinds
    assert trained(graded_root) == 1
    assert cli.main(["grade", str(graded_root), "--all"]) == 0
    assert results.workshop_mismatches(graded_root) == []
