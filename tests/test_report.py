"""The completion report, checked against nbgrader's gradebook read directly."""

from __future__ import annotations

import codecs
import csv
import unicodedata
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import reach_level2, trained_by_vneid

from bakhong.grading import (
    course,
    grader,
    keys,
    report,
    report_model,
    report_output,
    results,
    settings,
    workshop,
)
from bakhong.simulators import learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.sandbox import Enrolment, Sandbox

pytestmark = pytest.mark.slow

PROVINCE = registry.DEFAULT_PROVINCE
THO_LONG, HAC_THANH, HO_VUONG = "Xã Thọ Long", "Phường Hạc Thành", "Xã Hồ Vương"
ROSTER = [
    ("hv001", "Lê Thị Hoa", THO_LONG),       # passes
    ("hv002", "Trần Văn Nam", THO_LONG),     # submits without practising: 0
    ("hv003", "Phạm Thị Lụa", HAC_THANH),    # passes
    ("hv004", "Đỗ Văn Tâm", HAC_THANH),      # never submits
    ("hv005", "Vũ Thị Mai", HAC_THANH),      # passes
    ("hv006", "Ngô Văn Bình", HO_VUONG),     # submits without practising: 0
]
PASSING = ("hv001", "hv003", "hv005")


def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workshop graded through the real queue: some pass, some fail, one did nothing."""
    root = tmp_path_factory.mktemp("report") / "w1"
    box, _ = workshop.create(root, ROSTER, clock=clock(), seed="report-1")
    trained_by_vneid(root)
    try:
        for learner_id, _, _ in ROSTER:
            if learner_id == "hv004":
                continue
            learners.record_consent(box.store, box.clock, learner_id)
            if learner_id in PASSING:
                reach_level2(box.vneid(learner_id),
                             registry.persona_of_learner(box.store, learner_id))
            submissions.request(box.store, box.clock, learner_id, "vneid")
        scores = {score.learner_id: score.score for score in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert {k for k, v in scores.items() if v > 0} == set(PASSING)
    return root


def code_of(commune: str) -> str:
    [code] = [c for c, name in registry.communes(PROVINCE) if name == commune]
    return str(code)


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second, ungraded workshop sharing residents with the first."""
    root = tmp_path_factory.mktemp("report") / "w2"
    box, _ = workshop.create(root, [
        ("hv001", "Lê Thị Hoa", THO_LONG),                       # same learner_id
        ("b-002", unicodedata.normalize("NFD", "TRẦN VĂN NAM"), THO_LONG),  # same name+commune
        ("b-003", "Phạm Thị Lụa", HO_VUONG),                     # same name, other commune
        ("b-004", "Hoàng Văn Long", HO_VUONG),                   # new resident
    ], clock=clock(), seed="report-2")
    box.close()
    trained_by_vneid(root)
    return root


def recompute(roots: list[Path], pass_mark: float = 0.8) -> dict[tuple[str, str], tuple[int, int]]:
    """(enrolled, trained) per commune, from each gradebook and persona, without report.py.

    Residents are told apart the way the roster fixtures were written: by learner id, and by
    (case-folded NFC name, commune).
    """
    from nbgrader.api import Gradebook

    seen: dict[object, int] = {}
    where: dict[int, tuple[str, str]] = {}
    trained: set[int] = set()
    for root in roots:
        box = workshop.open_sandbox(root)
        passed = set()
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            for submission in gradebook.assignment_submissions("vneid"):
                if submission.max_score and submission.score >= pass_mark * submission.max_score:
                    passed.add(submission.student.id)
            students = {student.id for student in gradebook.students}
        for learner in learners.all_learners(box.store):
            assert learner.learner_id in students
            persona = registry.persona_of_learner(box.store, learner.learner_id)
            name = unicodedata.normalize("NFC", learner.full_name).casefold()
            keys = (("id", learner.learner_id), ("name", name, persona.commune_name))
            person = next((seen[k] for k in keys if k in seen), len(where))
            for k in keys:
                seen.setdefault(k, person)
            where.setdefault(person, (persona.province_name, persona.commune_name))
            if learner.learner_id in passed:
                trained.add(person)
        box.close()
    enrolled = Counter(where.values())
    done = Counter(where[p] for p in trained)
    return {key: (enrolled[key], done[key]) for key in enrolled}


def test_one_workshop_matches_the_gradebook(graded: Path) -> None:
    rows = report.completion([graded])
    assert {(r.province, r.commune): (r.enrolled, r.trained) for r in rows} == recompute([graded])
    assert [(r.commune, r.enrolled, r.trained) for r in rows] == [
        (HAC_THANH, 3, 2), (HO_VUONG, 1, 0), (THO_LONG, 2, 1)]
    for row in rows:
        assert row.province == PROVINCE
        assert row.rate_enrolled == row.trained / row.enrolled
        assert (row.population, row.rate_population, row.meets_target) == (None, None, None)
        assert row.target == 0.8


def test_the_report_states_the_rule_it_counts_trained_by(graded: Path, tmp_path: Path) -> None:
    notes = [note.render() for note in report.build_report([graded]).notes]
    assert notes[1].startswith("Đã học = đạt Bài 1: Tài khoản định danh điện tử VNeID: mỗi "
                               "bài ít nhất 80% số điểm")
    root = tmp_path / "default-rule"  # issue 20: the checks the course has, and safety
    workshop.create(root, [], clock=clock(), seed="rule", lessons=("vneid",))[0].close()
    assert report.build_report([root]).notes[1].render().startswith(
        "Đã học = đạt Tự làm 1: Kích hoạt VNeID mức 2; Tự làm 2: Trả tiền bằng mã QR; "
        "Tự làm 3: Nộp hồ sơ trực tuyến; Tự làm 4: Ký số một văn bản; Bài 5: An toàn trên "
        "mạng: mỗi bài ít nhất 80% số điểm")
    assert report.build_report([root], core_lessons=()).notes[1].render().startswith(
        "Đã học: không có bài bắt buộc nào")


def test_pass_mark_and_core_lessons(graded: Path) -> None:
    assert sum(r.trained for r in report.completion([graded], pass_mark=1.0)) == 3
    assert sum(r.trained for r in report.completion([graded], core_lessons=())) == 0
    assert sum(r.trained for r in report.completion([graded], core_lessons=("vneid", "dvc"))) == 0


def test_two_workshops_count_a_resident_once(graded: Path, second: Path) -> None:
    expected = recompute([graded, second])
    for roots in ([graded, second], [second, graded]):  # trained in either one is trained
        rows = report.completion(roots)
        assert {(r.province, r.commune): (r.enrolled, r.trained) for r in rows} == expected
        by_commune = {r.commune: (r.enrolled, r.trained) for r in rows}
        assert by_commune == {THO_LONG: (2, 1), HAC_THANH: (3, 2), HO_VUONG: (3, 0)}


def test_birth_year_tells_namesakes_apart(tmp_path: Path) -> None:
    code = code_of(THO_LONG)
    roots = []
    for name, years in (("a", (1960, 1975, None)), ("b", (1960, None, None))):
        root = tmp_path / name
        workshop.create(root, [], clock=clock(), seed=f"years-{name}")[0].close()
        box = workshop.open_sandbox(root, seed=f"years-{name}")
        box.enrol(Enrolment(f"{name}-{i}", "Lê Văn An", code, THO_LONG, PROVINCE, birth_year=year)
                  for i, year in enumerate(years))
        box.close()
        roots.append(root)
    [only] = report.completion(roots[:1])
    # 1960 and 1975 differ; the unknown year joins them through the name and commune
    assert only.enrolled == 1
    [row] = report.completion([roots[1]])
    assert row.enrolled == 1
    box = workshop.open_sandbox(roots[0])
    box.enrol([Enrolment("a-9", "Lê Văn An", code, HO_VUONG, PROVINCE, birth_year=1960)])
    box.close()
    assert {r.commune: r.enrolled for r in report.completion(roots[:1])} == {
        THO_LONG: 1, HO_VUONG: 1}


def test_birth_years_that_differ_are_two_residents(tmp_path: Path) -> None:
    root = tmp_path / "w"
    workshop.create(root, [], clock=clock(), seed="years")[0].close()
    box = workshop.open_sandbox(root, seed="years")
    code = code_of(THO_LONG)
    box.enrol([Enrolment("y-1", "Lê Văn An", code, THO_LONG, PROVINCE, birth_year=1960),
               Enrolment("y-2", "lê văn an", code, THO_LONG, PROVINCE, birth_year=1975),
               Enrolment("y-3", "Lê Văn An", code, THO_LONG, PROVINCE, birth_year=1975)])
    box.close()
    [row] = report.completion([root])
    assert (row.enrolled, row.trained) == (2, 0)


def test_population_decides_the_target(graded: Path, tmp_path: Path) -> None:
    people = tmp_path / "communes.csv"
    decomposed = unicodedata.normalize("NFD", f"{PROVINCE},{HAC_THANH},2\n")
    people.write_text(f"province,commune,adults\n{PROVINCE},{THO_LONG},10\n{decomposed}",
                      encoding="utf-8")
    population = report.read_population(people)
    assert population == {(PROVINCE, THO_LONG): 10, (PROVINCE, HAC_THANH): 2}
    rows = {r.commune: r for r in report.completion([graded], population=population)}
    # Thọ Long: 1 of 2 enrolled (50 %), but 1 of 10 adults: judged on adults only
    assert (rows[THO_LONG].population, rows[THO_LONG].rate_population) == (10, 0.1)
    assert rows[THO_LONG].meets_target is False
    # Hạc Thành: 2 of 3 enrolled (67 % < 80 %), but 2 of 2 adults
    assert rows[HAC_THANH].rate_enrolled < 0.8 and rows[HAC_THANH].rate_population == 1.0
    assert rows[HAC_THANH].meets_target is True
    assert (rows[HO_VUONG].population, rows[HO_VUONG].meets_target) == (None, None)
    lower = {r.commune: r.meets_target
             for r in report.completion([graded], population=population, target=0.1)}
    assert lower == {THO_LONG: True, HAC_THANH: True, HO_VUONG: None}


def test_population_file_with_bom_and_errors(tmp_path: Path) -> None:
    people = tmp_path / "communes.csv"
    people.write_text(f"province,commune,adults\n{PROVINCE},{THO_LONG},1200\n",
                      encoding="utf-8-sig")
    assert report.read_population(people) == {(PROVINCE, THO_LONG): 1200}
    for body, reason in ((f"{PROVINCE},{THO_LONG},nhiều\n", "row 2: adults"),
                         (f"{PROVINCE},,5\n", "row 2: province and commune"),
                         (f"{PROVINCE},{THO_LONG},5\n{PROVINCE},{THO_LONG},6\n", "row 3:")):
        people.write_text("province,commune,adults\n" + body, encoding="utf-8")
        with pytest.raises(report.PopulationFileError, match=reason):
            report.read_population(people)
    people.write_text("tinh,xa\n", encoding="utf-8")
    with pytest.raises(report.PopulationFileError, match="row 1: missing"):
        report.read_population(people)


def test_csv_has_bom_header_and_round_trips(graded: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    rows = report.completion([graded], population={(PROVINCE, THO_LONG): 3})
    report.write_csv(rows, out)
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    assert records[0] == ["province", "commune", "enrolled", "trained", "rate_enrolled",
                          "population", "rate_population", "target", "meets_target"]
    assert records[1:] == [
        [PROVINCE, HAC_THANH, "3", "2", "0.6667", "", "", "0.8000", ""],
        [PROVINCE, HO_VUONG, "1", "0", "0.0000", "", "", "0.8000", ""],
        [PROVINCE, THO_LONG, "2", "1", "0.5000", "3", "0.3333", "0.8000", "false"],
    ]
    assert unicodedata.is_normalized("NFC", raw.decode("utf-8-sig"))


def test_no_id_number_or_phone_in_the_csv(graded: Path, second: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    report.write_csv(report.completion([graded, second]), out)
    text = out.read_text(encoding="utf-8-sig")
    digits = "".join(ch for ch in text if ch.isdigit())
    for root in (graded, second):
        box = workshop.open_sandbox(root)
        for learner in learners.all_learners(box.store):
            persona = registry.persona_of_learner(box.store, learner.learner_id)
            for member in registry.household(box.store, persona.household_id):
                for secret in (member.id_number, member.phone, member.relative_phone):
                    assert secret not in text and secret not in digits
            assert learner.learner_id not in text and learner.code not in text
            assert learner.full_name not in text
        box.close()


def test_population_file_as_officials_keep_it(tmp_path: Path) -> None:
    """An Excel sheet with Vietnamese headers, short and pre-2025 names; a cp1258 CSV."""
    from openpyxl import Workbook
    from test_roster import cp1258_form

    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Tỉnh", "Huyện", "Xã/Phường", "Số người trưởng thành"])
    sheet.append([1, "Thanh Hóa", "", "Thọ Long", "1.250"])           # no «Xã», dots
    sheet.append([2, "Thanh Hóa", "Nga Sơn", "Xã Nga Liên", 900])     # pre-2025 name
    sheet.append([3, "Thanh Hóa", "Thành phố Thanh Hóa", "Phường Điện Biên", 3000])
    people = tmp_path / "dan-so.xlsx"
    book.save(people)
    assert report.read_population(people) == {
        (PROVINCE, THO_LONG): 1250, (PROVINCE, HO_VUONG): 900, (PROVINCE, HAC_THANH): 3000}

    csv_file = tmp_path / "dan-so.csv"
    body = f"Tỉnh;Xã/Phường;Người trưởng thành\n{PROVINCE};{THO_LONG};40\n"
    csv_file.write_bytes(cp1258_form(body).encode("cp1258"))
    assert report.read_population(csv_file) == {(PROVINCE, THO_LONG): 40}

    csv_file.write_text(f"province,commune,adults\n{PROVINCE},Xã Không Có,5\n", encoding="utf-8")
    with pytest.raises(report.PopulationFileError, match="row 2: không tìm thấy"):
        report.read_population(csv_file)
    csv_file.write_text("province,commune,adults\nTỉnh Mặt Trăng,Xã Thọ Long,5\n",
                        encoding="utf-8")
    with pytest.raises(report.PopulationFileError, match="row 2: unknown province"):
        report.read_population(csv_file)


# ---------------------------------------------------------------- the full report's views

AS_OF = datetime(2026, 12, 1, 9, tzinfo=VN_TZ)


def recompute_lessons(roots: list[Path], pass_mark: float = 0.8) -> dict[str, tuple[int, int, int, float | None]]:
    """(enrolled, submitted, passed, average best score) per lesson, read from each gradebook
    directly; residents told apart as in :func:`recompute`."""
    from nbgrader.api import Gradebook, MissingEntry

    seen: dict[object, int] = {}
    best: dict[tuple[int, str], float] = {}
    passed: set[tuple[int, str]] = set()
    for root in roots:
        box = workshop.open_sandbox(root)
        people = {}
        for learner in learners.all_learners(box.store):
            persona = registry.persona_of_learner(box.store, learner.learner_id)
            name = unicodedata.normalize("NFC", learner.full_name).casefold()
            keys = (("id", learner.learner_id), ("name", name, persona.commune_name))
            person = next((seen[k] for k in keys if k in seen), len(set(seen.values())))
            for k in keys:
                seen.setdefault(k, person)
            people[learner.learner_id] = person
        box.close()
        if not (root / "gradebook.db").exists():
            continue
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            for lesson in course.LESSONS:
                try:
                    found = gradebook.assignment_submissions(lesson)
                except MissingEntry:
                    continue
                for submission in found:
                    person = people[submission.student.id]
                    share = submission.score / submission.max_score
                    best[(person, lesson)] = max(share, best.get((person, lesson), 0.0))
                    if submission.score >= pass_mark * submission.max_score:
                        passed.add((person, lesson))
    residents = len(set(seen.values()))
    result = {}
    for lesson in course.LESSONS:
        scores = [v for (_p, les), v in best.items() if les == lesson]
        result[lesson] = (residents, len(scores), sum(1 for _p, les in passed if les == lesson),
                          sum(scores) / len(scores) if scores else None)
    return result


def test_the_views_match_the_gradebook(graded: Path, second: Path) -> None:
    built = report.build_report([graded, second], as_of=AS_OF)
    communes = built.view("xa")
    got = {(r[0], r[1]): (r[2], r[3]) for r in communes.rows}
    assert got == recompute([graded, second])
    lessons = built.view("bai-hoc")
    expected = recompute_lessons([graded, second])
    assert [row[1:4] for row in lessons.rows] == [expected[les][:3] for les in course.LESSONS]
    for row, lesson in zip(lessons.rows, course.LESSONS, strict=True):
        assert row[0] == report_model.lesson_label(lesson)
        _enrolled, submitted, passed, average = expected[lesson]
        assert row[4] == (passed / submitted if submitted else None)
        assert row[5] == (None if average is None else pytest.approx(average))
    vneid_row = lessons.rows[course.LESSONS.index("vneid")]
    assert vneid_row[1:4] == (8, 5, 3)  # vneid: 8 residents, 5 submitted, 3 passed
    # the rosters had no survey columns: every survey indicator is unknown
    indicators = built.view("chi-so")
    for row in indicators.rows:
        if row[2] != report_model.indicator_label("trained"):
            assert (row[3], row[4], row[5]) == (0, 0, None)
    assert built.as_of == AS_OF and built.workshops == 2 and not built.public


def test_the_public_views_hide_small_counts(graded: Path, second: Path, tmp_path: Path) -> None:
    built = report.build_report([graded, second], as_of=AS_OF, public=True)
    for view in built.views:
        for column in view.columns:
            if column.kind == "count":
                for value in view.values(column.key):
                    assert not isinstance(value, int) or value >= 5, (view.name, column.key)
    # vneid: 8 enrolled and 5 submitted are shown, 3 passed is not, nor the rate made from it;
    # the average (over the 5 who submitted) is
    [row] = [r for r in built.view("bai-hoc").rows if r[0] == report_model.lesson_label("vneid")]
    assert row[1:5] == (8, 5, report_model.SMALL_CELL, report_model.DERIVED)
    assert row[5] == pytest.approx(0.6)
    # every commune is under 5: three «<5» adding up to 8 pin none of them
    assert built.view("xa").values("enrolled") == [report_model.SMALL_CELL] * 3
    # nothing that names anyone, in any format
    out = tmp_path / "public.csv"
    written = report_output.write(built, out) + report_output.write(built, tmp_path / "p.html")
    text = "".join(p.read_text(encoding="utf-8-sig") for p in written)
    for root in (graded, second):
        box = workshop.open_sandbox(root)
        for learner in learners.all_learners(box.store):
            assert learner.full_name not in text and learner.code not in text
            assert learner.learner_id not in text
        box.close()


def fake_grade(root: Path, box: Sandbox, learner_id: str, fraction: float,
               at: datetime | None, *, stamp: datetime | None = None) -> None:
    """A graded «vneid» submission scoring ``fraction``, written into nbgrader's gradebook
    through its API (no kernel run), and a queue row graded and sealed at ``at`` as the grader
    does (none if ``at`` is None: a score bakhong never recorded). ``stamp`` is nbgrader's
    submission timestamp (naive UTC, as nbgrader keeps it)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        try:
            gradebook.find_submission("vneid", learner_id)
        except MissingEntry:
            gradebook.add_submission("vneid", learner_id, timestamp=stamp)
        total = 0.0
        for notebook in gradebook.find_assignment("vneid").notebooks:
            for cell in notebook.grade_cells:
                grade = gradebook.find_grade(cell.name, notebook.name, "vneid", learner_id)
                grade.auto_score = cell.max_score * fraction
                total += cell.max_score
        gradebook.db.commit()
    if at is not None:
        moment = FixedClock(at)
        queued = submissions.enqueue(box.store, moment, learner_id, "vneid")
        results.record(box.store, moment, keys.load_key(box.workshop_id), box.workshop_id,
                       queued.seq, learner_id, "vneid", total * fraction, total, ())


def test_the_projection_follows_the_grading_times(tmp_path: Path) -> None:
    """Twelve residents graded at chosen times (the queue's clock), 20 adults, target 80 %."""
    from datetime import UTC, timedelta

    root = tmp_path / "timeline"
    box, _ = workshop.create(root, [(f"t{i:02d}", f"Người Số {i}", THO_LONG) for i in range(12)],
                             clock=clock(), seed="timeline", lessons=("vneid",))
    trained_by_vneid(root)
    week = timedelta(weeks=1)
    passes = {"t00": -6.0, "t01": -3.5, "t02": -3.5, "t03": -2.5, "t04": -2.5, "t05": -2.5,
              "t06": -0.5, "t07": -0.5, "t08": -0.5}
    try:
        fake_grade(root, box, "t02", 0.2, AS_OF - 5 * week)  # failed first, passed later
        for learner_id, weeks in passes.items():
            fake_grade(root, box, learner_id, 1.0, AS_OF + weeks * week)
        fake_grade(root, box, "t01", 1.0, AS_OF - 0.1 * week)  # a regrade: still passed at -3.5
        fake_grade(root, box, "t09", 0.4, AS_OF - week)  # graded, not passed
        fake_grade(root, box, "t10", 1.0, AS_OF - 1.5 * week)
        # full marks in the gradebook that bakhong never recorded: not counted, and named
        stamp = (AS_OF - 1.5 * week).astimezone(UTC).replace(tzinfo=None)
        fake_grade(root, box, "t11", 1.0, None, stamp=stamp)
        [named] = results.check(root, box.store, results.read_workshop(root, box.store,
                                                                       box.workshop_id))
        assert (named.kind, named.learner_id, named.found, named.sealed) == (
            results.GRADEBOOK, "t11", 5.0, None)
    finally:
        box.close()
    people = tmp_path / "adults.csv"
    people.write_text(f"province,commune,adults\n{PROVINCE},{THO_LONG},20\n", encoding="utf-8")
    population = report.read_population(people)
    built = report.build_report([root], as_of=AS_OF, population=population)
    [row] = built.view("xa").rows
    record = dict(zip((c.key for c in built.view("xa").columns), row, strict=True))
    # by hand: trained at the marks -4, -3, -2, -1, 0 weeks: 1, 3, 6, 7, 10
    slope = (-2 * 1 - 3 + 7 + 2 * 10) / 10
    assert (record["enrolled"], record["trained"], record["population"]) == (12, 10, 20)
    assert record["per_week"] == pytest.approx(slope) == pytest.approx(2.2)
    assert record["gap"] == 16 - 10
    assert record["projected"] == (AS_OF + timedelta(weeks=6 / slope)).date()
    assert record["projected"] == date(2026, 12, 20)
    assert record["meets_target"] is False
    # the clock decides the window when no as_of is given
    again = report.build_report([root], clock=FixedClock(AS_OF), population=population)
    assert again.view("xa").rows == built.view("xa").rows
    # a month later with no new pass: no trend, no date
    later = report.build_report([root], as_of=AS_OF + 5 * week, population=population)
    [row] = later.view("xa").rows
    assert row[built.view("xa").index("per_week")] == 0 and row[-1] is None
    # the target met: a gap of 0 and no date
    met = report.build_report([root], as_of=AS_OF, population={(PROVINCE, THO_LONG): 12})
    [row] = met.view("xa").rows
    assert row[8:10] == (True, 0) and row[-1] is None


def test_survey_columns_travel_from_the_roster_to_the_report(tmp_path: Path) -> None:
    roster = tmp_path / "danh-sach.csv"
    roster.write_text(
        "Họ và tên,Năm sinh,Xã/Phường,Có điện thoại thông minh,Có tài khoản ngân hàng,"
        "Có tài khoản định danh điện tử,Có chữ ký số,Dùng dịch vụ công trực tuyến\n"
        f"Lê Văn A,1960,{THO_LONG},Có,Có,x,Không,1\n"
        f"Lê Văn B,2012,{THO_LONG},có,Có,0,,yes\n"      # 14 in 2026: not counted for the bank
        f"Lê Văn C,2011,{THO_LONG},Không,Có,,,no\n"     # 15 in 2026: counted
        f"Lê Văn D,,{THO_LONG},,Có,,,\n"                # no birth year: left out of the bank
        f"Lê Văn E,1990,{HAC_THANH},X,không,1,1,\n",
        encoding="utf-8")
    root = tmp_path / "w"
    box, added = workshop.init(root, roster, clock=clock(), seed="survey", lessons=("vneid",))
    box.close()
    assert len(added) == 5
    built = report.build_report([root], as_of=AS_OF)
    view = built.view("chi-so")
    keys = [c.key for c in view.columns]
    got = {(r[1], r[2]): dict(zip(keys, r, strict=True)) for r in view.rows}

    def check(commune: str, indicator: str, base: int, yes: int, no_age: int | None = None) -> None:
        row = got[(commune, report_model.indicator_label(indicator))]
        assert (row["base"], row["yes"]) == (base, yes), (commune, indicator)
        assert row["share"] == (yes / base if base else None)
        assert row["target"] == settings.DEFAULT_TARGETS[indicator]
        assert row["no_age"] == no_age

    check(THO_LONG, "smartphone", 3, 2)
    check(THO_LONG, "bank_account", 2, 2, no_age=1)
    check(THO_LONG, "eid_account", 2, 1)
    check(THO_LONG, "digital_signature", 1, 0)
    check(THO_LONG, "digital_platforms", 3, 2)
    check(HAC_THANH, "smartphone", 1, 1)
    check(HAC_THANH, "bank_account", 1, 0, no_age=0)
    check(HAC_THANH, "digital_platforms", 0, 0)
    assert got[(HAC_THANH, report_model.indicator_label("digital_platforms"))]["meets"] is None
    assert got[(THO_LONG, report_model.indicator_label("bank_account"))]["meets"] is True
