"""The completion report, checked against nbgrader's gradebook read directly."""

from __future__ import annotations

import codecs
import csv
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from conftest import reach_level2

from bakhong.grading import grader, report, workshop
from bakhong.simulators import learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.sandbox import Enrolment

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
