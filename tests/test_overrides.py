"""Issue 20: «where a resident was judged wrongly, [a trainer] overrides a score with a
reason, which the report and the gradebook audit show».

Two residents handed in the VNeID lesson; hv002 did none of it and is graded 0/5. The trainer
gives her cells manual scores in nbgrader's gradebook, as formgrader's «Manual Grading» does
(``Grade.manual_score``), then gives the reason with ``bakhong override``. Before, any manual
score was named as an edit outside bakhong and never counted; without a reason it still is.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import trained_by_vneid
from graded_workshop import GradedWorkshop

from bakhong import cli
from bakhong.grading import course, overrides, report, results
from bakhong.grading.report_model import OVERRIDE_NOTE
from bakhong.grading.workshop import open_sandbox
from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.store import submissions

REASON = "Máy chủ lớp học treo lúc bà Hoa làm bài; tôi đã xem bà làm đúng cả ba bước"
CELLS = ("registered", "activated", "level2")
POINTS = {"registered": 1.0, "activated": 2.0, "level2": 2.0}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    GradedWorkshop(size=2, vneid_done=frozenset({"hv001"}), payment_done=frozenset(),
                   seed="override", day=datetime(2026, 12, 1, 9, tzinfo=VN_TZ),
                   lessons=("vneid",)).build(root, hand_in=True)
    trained_by_vneid(root)
    assert cli.main(["grade", str(root)]) == 0
    return root


def _manual(root: Path) -> None:
    """hv002's VNeID cells given full marks by hand, as formgrader saves them."""
    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url(root)) as gradebook:
        for cell in CELLS:
            gradebook.find_grade(cell, "vneid", "vneid", "hv002").manual_score = POINTS[cell]
        gradebook.db.commit()


def _override(root: Path, reason: str = REASON) -> int:
    return cli.main(["override", str(root), "hv002", "vneid", "--reason", reason])


def _results(root: Path) -> results.Results:
    box = open_sandbox(root)
    try:
        return results.read_workshop(root, box.store, box.workshop_id)
    finally:
        box.close()


def test_an_override_with_its_reason_counts_and_is_shown(
        root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert not _results(root).trained("hv002")
    capsys.readouterr()

    _manual(root)  # no reason yet: not counted, and grade says what to do
    assert cli.main(["grade", str(root)]) == 1
    err = capsys.readouterr().err
    assert "chưa có lý do" in err and "has no reason" in err
    assert "bakhong override" in err
    assert not _results(root).trained("hv002")
    assert _override(root, "   ") == 2  # a reason is required
    assert cli.main(["override", str(root), "hv001", "vneid", "--reason", REASON]) == 2

    assert _override(root) == 0, capsys.readouterr().err
    assert cli.main(["grade", str(root)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "Điểm người hướng dẫn sửa: hv002, bài «vneid», 5/5" in out and REASON in out
    found = _results(root)
    current = found.current("hv002", "vneid")
    assert current is not None and current.score == 5.0
    assert overrides.reason_of(current.override).startswith(REASON)
    assert found.trained("hv002") and found.trained("hv001")
    assert results.workshop_mismatches(root) == []  # the gradebook's score is the result now

    built = report.build_report([root])
    assert any(note.text == OVERRIDE_NOTE and note.params["count"] == "1"
               for note in built.notes), [n.text for n in built.notes]

    box = open_sandbox(root)
    try:
        rows = len(box.store.read(sa.select(submissions.c.seq)))
    finally:
        box.close()
    assert cli.main(["grade", str(root)]) == 0  # nothing new: the override is not recorded twice
    box = open_sandbox(root)
    try:
        assert len(box.store.read(sa.select(submissions.c.seq))) == rows
    finally:
        box.close()


def test_an_override_stays_when_graded_again_and_is_under_the_seal(root: Path) -> None:
    _manual(root)
    assert _override(root) == 0
    # every submission graded again from its evidence: nbgrader keeps the manual scores, and
    # grade records the override again over the new grade, with its reason
    assert cli.main(["grade", str(root), "--all"]) == 0
    current = _results(root).current("hv002", "vneid")
    assert current is not None and current.score == 5.0
    assert overrides.reason_of(current.override) == REASON
    box = open_sandbox(root)
    try:
        with box.store.transaction() as conn:
            conn.execute(submissions.update().where(submissions.c.override.is_not(None))
                         .values(override='{"reason": "sửa tay", "tasks": {}}'))
    finally:
        box.close()
    found = _results(root)
    assert not found.trained("hv002"), "an edited override still counted"
    assert found.broken and {m.kind for m in found.broken} == {results.SEAL}
