"""nbgrader for real: generate → submission from evidence → autograde → gradebook."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import reach_level2

from bakhong.grading import grader, keys, workshop
from bakhong.grading.hidden_tests import EVIDENCE_FILE
from bakhong.simulators import learners, registry, submissions
from bakhong.simulators.clock import FixedClock
from bakhong.simulators.errors import UnknownLearner
from bakhong.simulators.sandbox import Sandbox

pytestmark = pytest.mark.slow

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Phường Hạc Thành"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương"), ("hv004", "Đỗ Văn Tâm", "Xã Quảng Bình")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Sandbox, dict[str, float]]:
    root = tmp_path_factory.mktemp("w") / "workshop"
    from datetime import datetime

    from bakhong.simulators.clock import VN_TZ

    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="grading")
    for learner_id in ("hv001", "hv003", "hv004"):
        learners.record_consent(box.store, clock, learner_id)
        reach_level2(box.vneid(learner_id), registry.persona_of_learner(box.store, learner_id))
    learners.record_consent(box.store, clock, "hv002")  # did nothing
    for learner_id, _, _ in ROSTER:
        submissions.request(box.store, clock, learner_id, "vneid")
    key = keys.load_key(box.workshop_id)
    grader.os.environ.update(grader.grading_environment(box.workshop_id, key))
    genuine = json.loads(
        (grader.write_submission(root, box, key, "hv001", "vneid") / EVIDENCE_FILE).read_text())
    scores = {}
    for item in submissions.pending(box.store):
        folder = grader.write_submission(root, box, key, item.learner_id, item.lesson)
        if item.learner_id == "hv003":  # edits its export after signing: drops a refusal
            data = json.loads((folder / EVIDENCE_FILE).read_text())
            data["events"] = [e for e in data["events"] if e["outcome"] == "ok"][:-1]
            (folder / EVIDENCE_FILE).write_text(json.dumps(data))
        if item.learner_id == "hv004":  # submits hv001's genuine export as its own
            (folder / EVIDENCE_FILE).write_text(json.dumps(genuine))
        scores[item.learner_id] = grader.autograde(root, item.learner_id, "vneid").score
    return root, box, scores


def test_scores_in_the_gradebook(graded: tuple[Path, Sandbox, dict[str, float]]) -> None:
    from nbgrader.api import Gradebook

    root, _, scores = graded
    assert scores == {"hv001": 5.0, "hv002": 0.0, "hv003": 0.0, "hv004": 0.0}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("vneid", "hv001").score == 5.0
        assert gradebook.find_submission("vneid", "hv002").score == 0.0
        assert gradebook.find_submission("vneid", "hv001").max_score == 5.0


def test_no_evidence_or_key_in_source_or_release(
        graded: tuple[Path, Sandbox, dict[str, float]]) -> None:
    root, box, _ = graded
    key_hex = keys.load_key(box.workshop_id).hex()
    for stage in ("source", "release"):
        for path in (root / stage).rglob("*"):
            assert path.name != EVIDENCE_FILE
            if path.is_file():
                assert key_hex not in path.read_text(errors="ignore")
    assert not keys.key_path(box.workshop_id).is_relative_to(root)


def test_the_queue_grades_and_regrades_a_resubmission(
        graded: tuple[Path, Sandbox, dict[str, float]]) -> None:
    root, box, _ = graded
    for item in submissions.pending(box.store):  # the module fixture graded by hand
        submissions.mark(box.store, box.clock, item.seq, submissions.GRADED)
    submissions.request(box.store, box.clock, "hv001", "vneid")
    [score] = grader.grade_pending(root, box)
    assert (score.learner_id, score.score) == ("hv001", 5.0)
    latest = submissions.latest(box.store, "hv001", "vneid")
    assert latest is not None and latest.status == submissions.GRADED and latest.score == 5.0


def test_forget_removes_a_learner_everywhere(
        graded: tuple[Path, Sandbox, dict[str, float]]) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    root, box, _ = graded
    persona = registry.persona_of_learner(box.store, "hv002")
    workshop.forget(root, "hv002")
    with pytest.raises(UnknownLearner):
        learners.by_id(box.store, "hv002")
    dump = "\n".join(box.store.engine.raw_connection().iterdump())  # type: ignore[attr-defined]
    assert "hv002" not in dump and persona.id_number not in dump
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook, \
            pytest.raises(MissingEntry):
        gradebook.find_student("hv002")
    assert not (root / "submitted" / "hv002").exists()
    assert not (root / "autograded" / "hv002").exists()
    shutil.rmtree(root / "feedback", ignore_errors=True)


def test_the_released_lesson_executes_and_shows_the_app(
        graded: tuple[Path, Sandbox, dict[str, float]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The notebook as Voila runs it (no preheat: the query string comes from the env)."""
    import nbclient
    import nbformat

    root, box, _ = graded
    code = learners.by_id(box.store, "hv001").code
    monkeypatch.setenv("QUERY_STRING", f"code={code}")
    monkeypatch.setenv("BAKHONG_WORKSHOP", str(root))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    notebook = nbformat.read(root / "release" / "vneid" / "vneid.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, kernel_name="bakhong", timeout=60,
                            resources={"metadata": {"path": str(root / "release" / "vneid")}}
                            ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"
                or (o.output_type == "stream" and o.name == "stderr")]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
