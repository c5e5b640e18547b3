"""Issue 13: whatever a library prints, warns or logs cannot move a score or reach a page.

With a deliberately noisy module loaded into the grading kernels (``tests/noisy``: a warning,
a log line, a print and a write to file descriptor 2 when a library is first imported and
whenever an evidence judge is called), every lesson still gives full marks to the learner
who did everything and 0 to the one who did nothing; and each lesson page, run as Voila runs
it with the same noise, shows the app and no stderr box.

On the code before ``hidden_tests.task_done`` the signing lesson lost points this way
(cryptography 51 made pyHanko warn at import inside the first hidden cell).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import nbclient
import nbformat
import pytest

from bakhong.grading import course, grader, workshop
from bakhong.simulators import learners, submissions, walkthrough
from bakhong.simulators.clock import VN_TZ, FixedClock

pytestmark = pytest.mark.slow

NOISY = Path(__file__).resolve().parent / "noisy"
ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long")]


@pytest.fixture(scope="module")
def noisy_workshop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("noisy") / "workshop"
    clock = FixedClock(datetime(2026, 12, 1, 8, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="noisy")
    try:
        for lesson in course.LESSONS:  # hv001 does everything, hv002 nothing
            walkthrough.walk(box, "hv001", lesson)
        learners.record_consent(box.store, clock, "hv002")
    finally:
        box.close()
    return root


def noisy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(NOISY))
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)


def test_the_noise_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    """The noisy module does make noise in a kernel, where nbgrader would see it."""
    noisy_environment(monkeypatch)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "from bakhong.simulators import bank\nbank.completed_tasks([])")]
    nbclient.NotebookClient(notebook, kernel_name="bakhong", timeout=60).execute()
    text = "".join(o.get("text", "") for o in notebook.cells[0].outputs
                   if o.output_type == "stream" and o.name == "stderr")
    # what reaches the cell (the kernel keeps file descriptor 2 and the handler bound to the
    # stderr it started with to itself; quiet() silences those too)
    assert "noisy: import sqlalchemy" in text and "noisy: call completed_tasks" in text
    assert "noisy print: call completed_tasks" in text


def test_every_lesson_scores_only_the_evidence(noisy_workshop: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    noisy_environment(monkeypatch)
    box = workshop.open_sandbox(noisy_workshop)
    try:
        for lesson in course.LESSONS:
            for learner_id, _name, _commune in ROSTER:
                submissions.request(box.store, box.clock, learner_id, lesson)
        scores = {(s.learner_id, s.lesson): (s.score, s.max_score)
                  for s in grader.grade_pending(noisy_workshop, box)}
    finally:
        box.close()
    assert len(scores) == 2 * len(course.LESSONS)
    for lesson in course.LESSONS:
        done, maximum = scores[("hv001", lesson)]
        assert done == maximum > 0, (lesson, scores[("hv001", lesson)])
        assert scores[("hv002", lesson)][0] == 0.0, lesson


@pytest.mark.parametrize("lesson", course.LESSONS)
def test_a_lesson_page_shows_no_stderr(noisy_workshop: Path, lesson: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The notebook as Voila runs it (no preheat: the query string comes from the env)."""
    noisy_environment(monkeypatch)
    box = workshop.open_sandbox(noisy_workshop)
    code = learners.by_id(box.store, "hv001").code
    box.close()
    monkeypatch.setenv("QUERY_STRING", f"code={code}")
    monkeypatch.setenv("BAKHONG_WORKSHOP", str(noisy_workshop))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    folder = noisy_workshop / "release" / lesson
    notebook = nbformat.read(folder / f"{lesson}.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, kernel_name="bakhong", timeout=120,
                            resources={"metadata": {"path": str(folder)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"
                or (o.output_type == "stream" and o.name == "stderr")]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
