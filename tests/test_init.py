"""``bakhong init``: a workshop from a trainer's roster, all or nothing; ``demo`` built through it."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
from test_roster import HEADER_VI, write_csv, write_xlsx

from bakhong import cli
from bakhong.grading import course, keys, report, settings, workshop
from bakhong.grading.roster import RosterError, RosterUnreadable
from bakhong.grading.settings import CourseSettings, InvalidSettings
from bakhong.simulators import learners, registry
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.learners import CODE_ALPHABET, CODE_LENGTH

pytestmark = pytest.mark.slow

ROSTER = [
    [*HEADER_VI, "Mã học viên"],
    ["1", "Lê Thị Hoa", "1961", "Nữ", "Phường Điện Biên", "TP Thanh Hóa", "Thanh Hóa", "tx-01"],
    ["2", "Nguyễn Văn Bình", "1958", "Nam", "Xã Quảng Lưu", "Huyện Quảng Xương", "", "tx-02"],
    ["3", "Trần Thị Mai", "", "", "Xã Thọ Long", "", "", ""],
]


def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 28, 8, tzinfo=VN_TZ))


def key_files() -> set[Path]:
    folder = keys.home() / "keys"
    return set(folder.iterdir()) if folder.exists() else set()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("init")
    roster = write_xlsx(folder / "roster.xlsx", ROSTER)  # type: ignore[arg-type]
    root = folder / "workshop"
    box, added = workshop.init(root, roster, clock=clock(), seed="init")
    assert [le.learner_id for le in added] == ["tx-01", "tx-02", "hv003"]
    box.close()
    return root


def test_course_settings_students_and_key(built: Path) -> None:
    from nbgrader.api import Gradebook

    assert settings.load(built) == CourseSettings()
    assert (built / "release" / "vneid" / "vneid.ipynb").exists()
    with Gradebook(course.gradebook_url(built)) as gradebook:
        students = {s.id: (s.last_name, s.first_name) for s in gradebook.students}
    assert students == {"tx-01": ("Lê Thị", "Hoa"), "tx-02": ("Nguyễn Văn", "Bình"),
                        "hv003": ("Trần Thị", "Mai")}
    box = workshop.open_sandbox(built)
    assert keys.load_key(box.workshop_id)
    box.close()


def test_each_learner_has_a_code_a_persona_and_the_roster_details(built: Path) -> None:
    box = workshop.open_sandbox(built)
    everyone = learners.all_learners(box.store)
    codes = {le.code for le in everyone}
    assert len(codes) == 3
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("0O1I") & set(CODE_ALPHABET)
    hoa = learners.by_id(box.store, "tx-01")
    assert (hoa.commune, hoa.commune_code, hoa.province) == (
        "Phường Hạc Thành", "14797", "Thanh Hóa")
    assert (hoa.legacy_commune, hoa.birth_year, hoa.sex) == ("Phường Điện Biên", 1961, "nữ")
    personas = {registry.persona_of_learner(box.store, le.learner_id).persona_id
                for le in everyone}
    assert len(personas) == 3
    persona = registry.persona_of_learner(box.store, "tx-02")
    assert persona.full_name != "Nguyễn Văn Bình"  # the persona is fictional, not the resident
    box.close()


def test_a_folder_in_use_is_refused(built: Path, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", [r[1:] for r in ROSTER])
    before = sorted(p.name for p in built.iterdir())
    with pytest.raises(workshop.WorkshopExists):
        workshop.init(built, roster)
    assert sorted(p.name for p in built.iterdir()) == before


@pytest.mark.parametrize("bad_row, reason", [
    (["4", "", "1960", "Nam", "Xã Thọ Long", "", "", ""], "thiếu họ và tên"),
    (["4", "Lê Văn An", "1960", "Nam", "Xã Không Có", "", "", ""], "không tìm thấy"),
    (["4", "Lê Văn An", "1960", "Nam", "Xuân Lộc", "", "", ""], "nhiều nơi"),
    (["4", "Lê Văn An", "1960", "Nam", "Xã Hà Bình", "Hà Trung", "", ""], "chia cho nhiều"),
    (["4", "Lê Văn An", "hai", "Nam", "Xã Thọ Long", "", "", ""], "năm sinh"),
    (["4", "Lê Văn An", "1960", "Nam", "Xã Thọ Long", "", "", "tx-01"], "trùng"),
])
def test_a_bad_row_writes_nothing(tmp_path: Path, bad_row: list[str], reason: str) -> None:
    roster = write_csv(tmp_path / "r.csv", [*ROSTER, bad_row])
    keys_before = key_files()
    root = tmp_path / "w"
    with pytest.raises(RosterError) as info:
        workshop.init(root, roster, current_year=2026)
    assert [row for row, _ in info.value.errors] == [5]
    assert reason in info.value.errors[0][1]
    assert not root.exists()
    assert key_files() == keys_before


def test_a_failure_half_way_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roster = write_csv(tmp_path / "r.csv", [r[1:] for r in ROSTER])
    root = tmp_path / "w"
    root.mkdir()
    (root / settings.SETTINGS_FILE).write_text('province = "Thanh Hóa"\npass_mark = 0.7\n')
    keys_before = key_files()

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(course, "add_students", broken)
    with pytest.raises(OSError, match="disk full"):
        workshop.init(root, roster)
    assert [p.name for p in root.iterdir()] == [settings.SETTINGS_FILE]
    assert "pass_mark = 0.7" in (root / settings.SETTINGS_FILE).read_text()
    assert key_files() == keys_before


def test_settings_written_beforehand_are_used(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", [["Họ và tên", "Phường"], ["Vũ Thị Thu", "Ba Đình"]])
    root = tmp_path / "w"
    root.mkdir()
    store = tmp_path / "elsewhere" / "practice.db"
    store.parent.mkdir()
    (root / settings.SETTINGS_FILE).write_text(
        f'province = "Hà Nội"\nlanguage = "en"\nstore_url = "sqlite:///{store}"\n'
        '[targets]\ntrained = 0.5\n', encoding="utf-8")
    box, [thu] = workshop.init(root, roster)
    box.close()
    assert (thu.province, thu.commune, thu.language) == ("Thành phố Hà Nội", "Phường Ba Đình", "en")
    assert store.exists() and not (root / "sandbox.db").exists()
    [row] = report.completion([root])
    assert (row.province, row.commune, row.enrolled, row.target) == (
        "Thành phố Hà Nội", "Phường Ba Đình", 1, 0.5)


def test_workshops_with_different_targets_do_not_merge(built: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    settings.save(other, dataclasses.replace(CourseSettings(), targets={"trained": 0.9}))
    workshop.create(other, [], seed="other")[0].close()
    with pytest.raises(InvalidSettings, match=r"targets\.trained"):
        report.completion([built, other])
    assert report.completion([built, other], target=0.9)[0].target == 0.9


def test_cli_init_prints_the_codes_and_refuses_a_bad_roster(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = write_csv(tmp_path / "r.csv", [r[1:] for r in ROSTER], encoding="cp1258",
                       delimiter=";")
    assert cli.main(["init", str(tmp_path / "w"), "--roster", str(roster)]) == 0
    out = capsys.readouterr().out
    box = workshop.open_sandbox(tmp_path / "w")
    for learner in learners.all_learners(box.store):
        assert learner.code in out and learner.full_name in out
    box.close()
    assert "Phường Điện Biên" in out  # the old name is shown beside the new one

    bad = write_csv(tmp_path / "bad.csv", [["Họ và tên", "Xã/Phường"], ["An", "Xã Mặt Trăng"]])
    assert cli.main(["init", str(tmp_path / "w2"), "--roster", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Dòng 2" in err and "Xã Mặt Trăng" in err
    assert not (tmp_path / "w2").exists()
    assert cli.main(["init", str(tmp_path / "w3"), "--roster", str(tmp_path / "no.xlsx")]) == 2
    assert "no.xlsx" in capsys.readouterr().err
    with pytest.raises(RosterUnreadable):
        workshop.init(tmp_path / "w3", tmp_path / "roster.xls")


def test_demo_is_built_through_init_from_the_pilot_communes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "demo"
    assert cli.main(["demo", str(root), "--build-only", "--port", "8899"]) == 0
    assert ":8899/voila/render/first_steps/first_steps.ipynb?code=" in capsys.readouterr().out
    box = workshop.open_sandbox(root)
    everyone = learners.all_learners(box.store)
    box.close()
    assert {le.commune for le in everyone} == {
        "Phường Hạc Thành", "Xã Quảng Bình", "Xã Thọ Long", "Xã Thiệu Trung", "Xã Hồ Vương"}
    assert {le.legacy_commune for le in everyone} >= {
        "Phường Điện Biên", "Xã Quảng Lưu", "Xã Tây Hồ", "Xã Nga Liên"}
    assert settings.settings_path(root).exists()


def test_a_workshop_from_an_older_kit_gets_the_new_lessons(tmp_path: Path) -> None:
    """``serve`` releases the lessons a workshop lacks: the menu's links all open."""
    root = tmp_path / "old"
    box, _ = workshop.create(root, [("hv001", "Lê Thị Hoa", "Xã Thọ Long")],
                             lessons=("vneid", "payment"))
    box.close()
    assert not (root / "release" / "first_steps").exists()
    added = course.release_missing(root)
    assert added == tuple(le for le in course.LESSONS if le not in ("vneid", "payment"))
    for lesson in course.LESSONS:
        assert (root / "release" / lesson / f"{lesson}.ipynb").exists(), lesson
    assert course.release_missing(root) == ()  # nothing left to add
