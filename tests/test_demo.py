"""``bakhong demo``: a class of forty fictional residents four weeks in, ready to show.

One demo workshop is built for the module with ``bakhong demo WORKSHOP --build-only`` (the
real clock, as ``make demo`` builds it); its dashboard, gradebook and report are read.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bakhong import cli
from bakhong.grading import demo, lesson_variants, progress, report, results, settings, workshop
from bakhong.simulators import learners, submissions
from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.evidence import learner_events
from bakhong.simulators.walkthrough import LESSON_TASKS

pytestmark = pytest.mark.slow

COMMUNES = {"Phường Hạc Thành", "Xã Quảng Bình", "Xã Thọ Long", "Xã Thiệu Trung", "Xã Hồ Vương"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, datetime]:
    root = tmp_path_factory.mktemp("demo") / "ws"
    before = datetime.now(VN_TZ)
    assert cli.main(["demo", str(root), "--build-only"]) == 0
    return root, before


def test_the_roster_is_forty_fictional_residents_of_the_pilot_communes() -> None:
    with demo.roster_path().open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 40 and [r["Mã học viên"] for r in rows[:6]] == [
        f"hv00{i}" for i in range(1, 7)]
    assert len({r["Họ và tên"] for r in rows}) == 40
    years = [int(r["Năm sinh"]) for r in rows if r["Năm sinh"]]
    assert min(years) >= 1950 and max(years) <= 2005 and len(years) >= 39
    assert {r["Giới tính"] for r in rows} == {"Nam", "Nữ"}
    survey = [r[c] for r in rows for c in ("Có điện thoại thông minh", "Có tài khoản ngân hàng",
                                            "Có tài khoản định danh điện tử", "Có chữ ký số",
                                            "Dùng dịch vụ công trực tuyến")]
    assert {"Có", "Không", ""} == set(survey)
    assert survey.count("Có") > 40 and survey.count("Không") > 40 and survey.count("") < 40
    assert len(report.read_population(demo.population_path())) == 5


def test_learners_are_at_several_stages(built: tuple[Path, datetime]) -> None:
    root, before = built
    box = workshop.open_sandbox(root)
    try:
        everyone = learners.all_learners(box.store)
        assert len(everyone) == 40 and {le.commune for le in everyone} == COMMUNES
        for kept in everyone[:demo.KEPT]:  # the browser tests' learners start from nothing
            assert learner_events(box.store, kept.learner_id) == []
        rows = progress.class_progress(
            box.store, datetime.now(VN_TZ),
            results=results.read_workshop(root, box.store, box.workshop_id))
        lessons = {row.lesson for row in rows}
        assert {None, "first_steps", "vneid", "vneid_check", "payment", "payment_check",
                "portal", "portal_check", "safety", "signing", "signing_check"} <= lessons
        stuck = [row for row in rows if row.stuck is not None]
        assert len(stuck) >= 3 and {row.stuck.code for row in stuck if row.stuck} == {
            "vneid.otp_wrong"}
        everything = [row for row in rows if set(LESSON_TASKS) <= set(row.scores)]
        assert everything  # somebody submitted the whole course
        took = [[(e.task, e.outcome) for e in learner_events(box.store, le.learner_id)
                 if e.lesson == "receiving_check"] for le in everyone]
        took = [events for events in took if events]
        # every resident who reached the receiving check handed it in (one fooled by the
        # screenshot, the others on to lessons 7, 8 and 10)
        reached = [s for s in demo.STAGES
                   if s.lessons > demo.ORDER.index("receiving_check")
                   or (s.lessons == demo.ORDER.index("receiving_check") and s.tasks)]
        assert len(took) == len(reached) >= 2
        assert all(("submit", "ok") in events for events in took)
        assert sorted({any(o == "receiving.handed_on_screenshot" for _, o in events)
                       for events in took}) == [False, True]
        daily = [[(e.task, e.outcome) for e in learner_events(box.store, le.learner_id)
                  if e.lesson == "vneid_daily_check"] for le in everyone]
        daily = [events for events in daily if events]
        assert len(daily) >= 2 and all(("submit", "ok") in events for events in daily)
        # the everyday VNeID check handed in: passed, and once with the practice's procedure
        assert sum(any(o == "vneid_daily.wrong_procedure" for _, o in events)
                   for events in daily) == 1
        took = [[(e.task, e.outcome) for e in learner_events(box.store, le.learner_id)
                 if e.lesson == "scams_check"] for le in everyone]
        took = [events for events in took if events]
        assert len(took) >= 2 and all(("submit", "ok") in events for events in took)
        # the scams check handed in: passed, and once with a mistake
        assert sum(any(o == "scams.reported_before_locking" for _, o in events)
                   for events in took) == 1
        took = [[(e.task, e.outcome) for e in learner_events(box.store, le.learner_id)
                 if e.lesson == "bills_check"] for le in everyone]
        took = [events for events in took if events]
        assert len(took) >= 2 and all(("submit", "ok") in events for events in took)
        # the bills check handed in: passed, and once with the stranger's number topped up
        assert sum(any(o == "bills.top_up_stranger" for _, o in events)
                   for events in took) == 1
        took = [[(e.task, e.outcome) for e in learner_events(box.store, le.learner_id)
                 if e.lesson == "secrets_check"] for le in everyone]
        took = [events for events in took if events]
        assert len(took) == 2 and all(("submit", "ok") in events for events in took)
        # the secrets check handed in twice: once passed, once with the PIN told
        assert sorted(any(o == "secrets.told_borrower_pin" for _, o in events)
                      for events in took) == [False, True]
        first = min(e.at for le in everyone for e in learner_events(box.store, le.learner_id))
        last = max(e.at for le in everyone for e in learner_events(box.store, le.learner_id))
        assert datetime.fromisoformat(first) < before - timedelta(days=25)
        assert before - timedelta(minutes=10) < datetime.fromisoformat(last) <= before + \
            timedelta(minutes=5)
        queue = submissions.latest_all(box.store)
        graded = [s for s in queue if s.status == submissions.GRADED]
        core = set(settings.DEFAULT_CORE_LESSONS)  # the checks and safety (issue 20)
        assert len(graded) >= 5 and {s.lesson for s in graded} == core
        trained = results.read_workshop(root, box.store, box.workshop_id)
        assert sum(trained.trained(le.learner_id) for le in everyone) >= 5
        assert [s for s in queue if s.status == submissions.QUEUED]  # for serve's worker
        moments = {datetime.fromisoformat(s.graded_at or "").date() for s in graded}
        assert len(moments) >= 3  # graded as each session ended: the trend has dates
    finally:
        box.close()


def test_the_gradebook_holds_scores(built: tuple[Path, datetime]) -> None:
    from nbgrader.api import Gradebook

    root, _ = built
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        scores = [s.score for s in gradebook.assignment_submissions("vneid_check")]
    assert len(scores) >= 5 and scores.count(5.0) >= 4  # one handed in short of level 2


def test_the_trainers_own_lesson_is_released_and_handed_in(built: tuple[Path, datetime]) -> None:
    """The class's variant of lesson 2 is in the course, handed in by residents who did the
    payment lesson (queued for ``serve``'s worker), and listed last in the report's lessons."""
    root, _ = built
    base, name, title, _note = demo.VARIANT
    assert {n: (v.base, v.title) for n, v in lesson_variants.released(root).items()} == {
        name: (base, title)}
    box = workshop.open_sandbox(root)
    try:
        queued = [row for row in submissions.latest_all(box.store) if row.lesson == name]
        did_base = {row.learner_id for row in submissions.latest_all(box.store)
                    if row.lesson == base}
    finally:
        box.close()
    assert len(queued) >= 5 and {row.learner_id for row in queued} <= did_base
    lessons = report.build_report([root]).view("bai-hoc")
    assert lessons.rows[-1][0] == title and lessons.rows[-1][1] == 40  # open to the class


def test_the_report_has_population_rates_and_a_projection(built: tuple[Path, datetime],
                                                          tmp_path: Path) -> None:
    root, _ = built
    assert report.workshop_population([root]) == root / report.POPULATION_FILE
    found = report.build_report([root], population=report.read_population(
        root / report.POPULATION_FILE))
    view = built_view = found.views[0]
    assert built_view.name == "xa" and len(view.rows) == 5
    for row in view.rows:
        facts = dict(zip((c.key for c in view.columns), row, strict=True))
        assert facts["commune"] in COMMUNES and facts["population"]
        assert facts["rate_enrolled"] is not None and facts["rate_population"] is not None
    assert sum(row[view.index("trained")] for row in view.rows) >= 5
    assert any(row[view.index("projected")] is not None for row in view.rows)
    out = tmp_path / "bao-cao.html"
    assert cli.main(["report", str(root), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Chưa rõ" not in page
    assert "Số người trưởng thành" in page and ">150<" in page  # the demo's population


def test_without_history_nobody_has_started(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    assert cli.main(["demo", str(root), "--build-only", "--no-history"]) == 0
    box = workshop.open_sandbox(root)
    try:
        assert len(learners.all_learners(box.store)) == 40
        assert all(learner_events(box.store, le.learner_id) == []
                   for le in learners.all_learners(box.store))
    finally:
        box.close()
    assert (root / report.POPULATION_FILE).is_file()


def test_a_failed_build_leaves_nothing_to_serve(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the walk broke")

    monkeypatch.setattr(demo, "_sit", broken)
    root = tmp_path / "half"
    with pytest.raises(RuntimeError, match="the walk broke"):
        demo.build(root, now=datetime(2026, 12, 4, 10, tzinfo=VN_TZ))
    assert not root.exists()
