"""Issue 13: one rule for "passed" and "trained", whichever screen reads it.

Over random gradebooks (every learner's history of graded results, written the way the
grader writes them: nbgrader's gradebook through its API, and the sealed queue row), the
trainer's dashboard, the report (per commune, per lesson, the public version, the CSV file),
the officials' dashboard, certificates and «Xem điểm» give, for every learner, the answer of
the rule computed by hand here: a lesson is passed when its newest score reaches
``pass_mark × max_score``, and a learner is trained when every core lesson is passed.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bakhong.grading import (
    certificates,
    keys,
    progress,
    report,
    report_output,
    results,
    workshop,
)
from bakhong.grading import settings as course_settings
from bakhong.simulators import learners, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.store import submissions as queue_table
from bakhong.widgets.entry import score_text
from bakhong.widgets.i18n import translator
from bakhong.widgets.report_dashboard import dashboard as officials_dashboard

pytestmark = pytest.mark.slow

LESSONS = ("vneid", "payment")
THO_LONG, HAC_THANH = "Xã Thọ Long", "Phường Hạc Thành"
ROSTER = [(f"hv{i:02d}", f"Học Viên Số {i}", THO_LONG if i < 5 else HAC_THANH)
          for i in range(8)]
START = datetime(2026, 11, 2, 9, tzinfo=VN_TZ)
#: Scores as fractions of the lesson's points, the edge of the pass mark among them.
FRACTIONS = (0.0, 0.4, 0.5, 0.79, 0.8, 0.9, 1.0)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("one-rule") / "workshop"
    box, _ = workshop.create(folder, ROSTER, clock=FixedClock(START), seed="one-rule",
                             lessons=LESSONS)
    for learner_id, _name, _commune in ROSTER:
        learners.record_consent(box.store, box.clock, learner_id)
    box.close()
    return folder


def write_history(root: Path, history: dict[tuple[str, str], list[float]]) -> None:
    """Replace every result with ``history``: per (learner, lesson) the fractions graded, in
    order, one day apart; the last one is nbgrader's current score."""
    from nbgrader.api import Gradebook, MissingEntry

    box = workshop.open_sandbox(root)
    key = keys.load_key(box.workshop_id)
    with box.store.transaction() as conn:
        conn.execute(queue_table.delete())
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for learner_id, _name, _commune in ROSTER:
            for lesson in LESSONS:
                try:
                    gradebook.remove_submission(lesson, learner_id)
                except MissingEntry:
                    pass
        for (learner_id, lesson), fractions in sorted(history.items()):
            if not fractions:
                continue
            gradebook.add_submission(lesson, learner_id)
            cells = [cell for notebook in gradebook.find_assignment(lesson).notebooks
                     for cell in notebook.grade_cells]
            total = sum(cell.max_score for cell in cells)
            for day, fraction in enumerate(fractions):
                moment = FixedClock(START + timedelta(days=day, hours=len(learner_id)))
                row = submissions.enqueue(box.store, moment, learner_id, lesson)
                results.record(box.store, moment, key, box.workshop_id, row.seq, learner_id,
                               lesson, total * fraction, total, ())
            for cell in cells:
                grade = gradebook.find_grade(cell.name, cell.notebook.name, lesson, learner_id)
                grade.auto_score = cell.max_score * fractions[-1]
        gradebook.db.commit()
    box.close()


histories = st.dictionaries(
    st.tuples(st.sampled_from([r[0] for r in ROSTER]), st.sampled_from(LESSONS)),
    st.lists(st.sampled_from(FRACTIONS), min_size=0, max_size=3), max_size=len(ROSTER) * 2)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories, pass_mark=st.sampled_from([0.5, 0.8, 1.0]),
       core=st.sampled_from([("vneid",), ("vneid", "payment"), ("payment",)]))
def test_every_screen_agrees_with_the_rule(root: Path, tmp_path_factory: pytest.TempPathFactory,
                                           history: dict[tuple[str, str], list[float]],
                                           pass_mark: float, core: tuple[str, ...]) -> None:
    course_settings.save(root, course_settings.CourseSettings(pass_mark=pass_mark,
                                                              core_lessons=core))
    write_history(root, history)

    # the rule, by hand
    def passed(learner_id: str, lesson: str) -> bool:
        fractions = history.get((learner_id, lesson)) or []
        return bool(fractions) and fractions[-1] >= pass_mark - 1e-9

    ids = [r[0] for r in ROSTER]
    want_passed = {(i, lesson) for i in ids for lesson in LESSONS if passed(i, lesson)}
    want_trained = {i for i in ids if core and all((i, lesson) in want_passed for lesson in core)}
    per_commune = {c: sum(1 for i, _n, where in ROSTER if where == c and i in want_trained)
                   for c in (THO_LONG, HAC_THANH)}

    assert results.workshop_mismatches(root) == []

    # the trainer's dashboard
    box = workshop.open_sandbox(root)
    try:
        graded = results.read_workshop(root, box.store, box.workshop_id)
        live = progress.class_progress(box.store, box.clock.now(), results=graded)
        communes = progress.commune_progress(box.store, graded)
    finally:
        box.close()
    assert {(p.learner_id, lesson) for p in live for lesson, score in p.scores.items()
            if score.passed} == want_passed
    assert {c.commune: c.trained for c in communes} == per_commune

    # the report: residents, the per-commune and per-lesson views, the public version, CSV
    found = report.residents([root])
    assert sum(r.trained for r in found) == len(want_trained)
    assert sorted(len(r.passed) for r in found) == sorted(
        sum((i, lesson) in want_passed for lesson in LESSONS) for i in ids)
    built = report.build_report([root], as_of=START + timedelta(days=30))
    xa = built.view("xa")
    assert dict(zip(xa.values("commune"), xa.values("trained"), strict=True)) == per_commune
    lessons_view = built.view("bai-hoc")
    assert list(lessons_view.values("passed"))[1:3] == [
        sum((i, lesson) in want_passed for i in ids) for lesson in LESSONS]
    public = report.build_report([root], as_of=START + timedelta(days=30), public=True)
    for commune, count in zip(public.view("xa").values("commune"),
                              public.view("xa").values("trained"), strict=True):
        if isinstance(count, int):  # counts under 5 are hidden, the others must agree
            assert count == per_commune[commune]
    out = tmp_path_factory.mktemp("csv") / "bao-cao.csv"
    report_output.write(built, out)
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index(next(h for h in rows[0] if h == "trained" or "đạt" in h.casefold()
                                or "trained" in h.casefold()))
    assert sorted(int(row[column]) for row in rows[1:]) == sorted(per_commune.values())

    # the officials' dashboard: the same report, on screen
    screen = officials_dashboard(built)
    table = screen.tables["xa"].value
    for commune, count in per_commune.items():
        assert re.search(rf"{re.escape(commune)}</t[dh]>\s*<td[^>]*>\d+</td>\s*<td[^>]*>"
                         rf"{count}</td>", table), (commune, count)

    # «Xem điểm»: each learner's own newest row, judged at the course's pass mark
    box = workshop.open_sandbox(root)
    try:
        for learner_id in ids:
            for lesson in LESSONS:
                text = score_text(submissions.latest(box.store, learner_id, lesson),
                                  translator("vi"), pass_mark)
                if (learner_id, lesson) in want_passed:
                    assert "đã đạt" in text and "chưa đạt" not in text, text
                else:
                    assert "đã đạt" not in text, text
    finally:
        box.close()

    # certificates
    done, waiting = certificates.achievements(root)
    assert {a.learner.learner_id for a in done} == want_trained
    assert {w.learner_id for w in waiting} == set(ids) - want_trained
    for achievement in done:
        assert {p.lesson for p in achievement.lessons} == {
            lesson for lesson in LESSONS if (achievement.learner.learner_id, lesson) in want_passed}
