"""The report's views, public version, files and dashboard, on synthetic residents and stores.

Nothing here runs nbgrader (tests/test_report.py grades real submissions), and nothing reads
the wall clock: every report is built ``as_of`` a fixed moment or with a ``FixedClock``.
"""

from __future__ import annotations

import codecs
import csv
import html
import json
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bakhong import cli, report_commands
from bakhong.grading import report, report_model, report_output, report_views, roster
from bakhong.grading import settings as course_settings
from bakhong.grading.report_model import DERIVED, SHIELD, SMALL_CELL, Hidden, Resident
from bakhong.grading.settings import DEFAULT_TARGETS
from bakhong.simulators import evidence, learners, registry
from bakhong.simulators import store as store_mod
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.sandbox import Enrolment, Sandbox

PROVINCE = registry.DEFAULT_PROVINCE
THO_LONG, HAC_THANH, HO_VUONG = "Xã Thọ Long", "Phường Hạc Thành", "Xã Hồ Vương"
AS_OF = datetime(2026, 12, 1, 9, tzinfo=VN_TZ)
WEEK = timedelta(weeks=1)


def people(commune: str, count: int, start: int = 0, **facts: Any) -> list[Resident]:
    return [Resident(start + i, PROVINCE, commune, **facts) for i in range(count)]


def views(residents: list[Resident], **options: Any) -> report_model.Report:
    return report_views.build_views(residents, as_of=AS_OF, targets=DEFAULT_TARGETS, **options)


def as_dicts(view: report_model.View) -> list[dict[str, object]]:
    keys = [column.key for column in view.columns]
    return [dict(zip(keys, row, strict=True)) for row in view.rows]


# ---------------------------------------------------------------------- projection


def test_projection_by_hand() -> None:
    # 5 trained a week for four weeks: 60 more needed, 12 weeks
    assert report_views.projection(20, [0, 5, 10, 15, 20], 100, 0.8, AS_OF) == (
        60, 5.0, (AS_OF + 12 * WEEK).date())
    assert report_views.projection(20, [20] * 5, 100, 0.8, AS_OF) == (60, 0.0, None)  # no trend
    assert report_views.projection(90, [50, 60, 70, 80, 90], 100, 0.8, AS_OF)[::2] == (0, None)
    assert report_views.projection(5, [1, 2, 3, 4, 5], None, 0.8, AS_OF) == (None, 1.0, None)
    # a trend so slow the date is more than ten years away: left empty
    assert report_views.projection(1, [0, 0, 0, 0, 1], 10_000, 0.8, AS_OF)[2] is None
    # the target rounds up to whole people: 80 % of 3 adults is 3
    assert report_views.projection(2, [0, 0, 1, 1, 2], 3, 0.8, AS_OF)[0] == 1


def test_commune_view_on_a_synthetic_timeline() -> None:
    clock = FixedClock(AS_OF - 5 * WEEK)
    residents: list[Resident] = []
    for week, count in ((0, 2), (2, 3), (3, 4), (4, 5)):  # weeks after the clock's start
        clock.set(AS_OF - 5 * WEEK + week * WEEK + timedelta(hours=1))
        residents += people(THO_LONG, count, len(residents), trained=True, trained_at=clock.now())
    residents += people(THO_LONG, 6, len(residents), trained=False)
    residents += people(HAC_THANH, 3, len(residents), trained=True, trained_at=None)
    built = views(residents, population={(PROVINCE, THO_LONG): 40, (PROVINCE, HAC_THANH): 3})
    tho, hac = sorted(as_dicts(built.view("xa")), key=lambda r: r["commune"] != THO_LONG)
    # marks at -4, -3, -2, -1, 0 weeks: 2, 2, 5, 9, 14 (the first two passed before -4)
    slope = (-2 * 2 - 2 + 9 + 2 * 14) / 10
    assert (tho["enrolled"], tho["trained"], tho["per_week"]) == (20, 14, pytest.approx(slope))
    assert tho["gap"] == 32 - 14
    assert tho["projected"] == (AS_OF + timedelta(weeks=18 / slope)).astimezone(VN_TZ).date()
    # trained at unknown moments: counted, no trend; target met anyway
    assert (hac["trained"], hac["per_week"], hac["gap"], hac["projected"]) == (3, 0.0, 0, None)
    assert hac["meets_target"] is True
    assert "4 tuần" in built.view("xa").notes[0].render() and "01/12/2026" in \
        built.view("xa").notes[0].render()


# ------------------------------------------------------------- lessons and their steps


def workshop_without_gradebook(root: Path, entries: list[tuple[str, str, str]],
                               seed: str) -> Sandbox:
    """A workshop folder with a sandbox and no gradebook (never graded: nobody passed)."""
    root.mkdir(parents=True)
    course_settings.save(root, course_settings.CourseSettings())
    box = Sandbox.open(root / "sandbox.db", clock=FixedClock(AS_OF - WEEK), seed=seed)
    box.add_learners(entries)
    return box


def test_failing_steps_from_synthetic_evidence(tmp_path: Path) -> None:
    root = tmp_path / "w"
    box = workshop_without_gradebook(
        root, [(f"s{i}", f"Học Viên {i}", THO_LONG) for i in range(1, 6)], "steps")
    refused = {
        "s1": [("vneid", "otp", "vneid.otp_wrong")] * 3 + [("vneid", "password", "vneid.password_weak"),
                                                         ("payment", "scan", "payment.qr_invalid")],
        "s2": [("vneid", "otp", "vneid.otp_wrong"), ("vneid", "otp", "vneid.otp_expired")],
        "s3": [("vneid", "otp", "vneid.otp_expired"), ("vneid", "register", "vneid.not_own_persona")],
        "s4": [("vneid", "password", "vneid.password_weak"), ("vneid", "passcode", "vneid.passcode_invalid"),
               ("vneid", "go.home", "vneid.wrong_step")],
        "s5": [],
    }
    for learner_id, events in refused.items():
        learners.record_consent(box.store, box.clock, learner_id)
        with box.store.transaction() as conn:
            evidence.record(conn, box.clock, learner_id, "vneid", "register")  # ok: not counted
            for lesson, task, code in events:
                evidence.record(conn, box.clock, learner_id, lesson, task, code)
    box.close()
    found = report.residents([root])
    steps = as_dicts(report_views.steps_view(found, ("vneid", "payment", "portal")))
    assert [(s["lesson"], s["rank"], s["step"], s["code"], s["learners"]) for s in steps] == [
        (report_model.lesson_label("vneid"), 1, "Nhập mã OTP", "vneid.otp_expired", 3),  # tie 2:2
        (report_model.lesson_label("vneid"), 2, "Đặt mật khẩu", "vneid.password_weak", 2),
        (report_model.lesson_label("vneid"), 3, "go.home", "vneid.wrong_step", 1),  # no name: code
        (report_model.lesson_label("payment"), 1, "Quét mã QR", "payment.qr_invalid", 1),
    ]
    lessons = as_dicts(report_views.lesson_view(found, ("vneid",)))
    assert lessons == [{"lesson": report_model.lesson_label("vneid"), "enrolled": 5,
                        "submitted": 0, "passed": 0, "pass_rate": None, "average_score": None}]


def test_lesson_view_counts_residents_and_best_scores() -> None:
    residents = [
        Resident(0, PROVINCE, THO_LONG, True, scores={"vneid": 1.0}, passed=frozenset({"vneid"})),
        Resident(1, PROVINCE, THO_LONG, False, scores={"vneid": 0.4, "payment": 0.9},
                 passed=frozenset({"payment"})),
        Resident(2, PROVINCE, HAC_THANH, False),
    ]
    rows = as_dicts(report_views.lesson_view(residents, ("vneid", "payment", "portal")))
    assert [(r["enrolled"], r["submitted"], r["passed"]) for r in rows] == [
        (3, 2, 1), (3, 1, 1), (3, 0, 0)]
    assert rows[0]["pass_rate"] == 0.5 and rows[0]["average_score"] == pytest.approx(0.7)
    assert rows[2]["pass_rate"] is None


def test_lesson_view_lists_the_workshops_variants_after_the_course() -> None:
    """A workshop's own lesson follows the course's, under its title; it is counted over the
    residents it is open to, and the note says it is not part of «trained»."""
    title = "Bài 2 (xã Thọ Long): Trả tiền lệ phí bằng mã QR"
    mine = frozenset({"payment_tho_long"})
    residents = [
        Resident(0, PROVINCE, THO_LONG, False, scores={"payment_tho_long": 1.0},
                 passed=mine, offered=mine),
        Resident(1, PROVINCE, THO_LONG, False, scores={"payment_tho_long": 0.5}, offered=mine),
        Resident(2, PROVINCE, THO_LONG, False, offered=mine),
        Resident(3, PROVINCE, HAC_THANH, False),  # another workshop: not offered there
    ]
    view = report_views.lesson_view(residents, ("payment",), {"payment_tho_long": title})
    rows = as_dicts(view)
    assert [(r["lesson"], r["enrolled"], r["submitted"], r["passed"]) for r in rows] == [
        (report_model.lesson_label("payment"), 4, 0, 0), (title, 3, 2, 1)]
    assert rows[1]["average_score"] == pytest.approx(0.75)
    assert [n.text for n in view.notes] == [report_model.LESSON_NOTE, report_model.VARIANT_NOTE]
    assert title in view.notes[1].render()
    assert report_views.lesson_view(residents, ("payment",)).notes == (
        report_model.Note(report_model.LESSON_NOTE),)


# --------------------------------------------------------------- survey indicators


def test_bank_account_counts_only_residents_aged_15_or_more() -> None:
    answers = {"bank_account": True, "smartphone": False}
    residents = [Resident(i, PROVINCE, THO_LONG, False, birth_year=year, survey=answers)
                 for i, year in enumerate((1950, 2011, 2012, None, None))]
    residents.append(Resident(9, PROVINCE, THO_LONG, False, birth_year=1980,
                              survey={"bank_account": False}))
    rows = {r["indicator"]: r for r in as_dicts(views(residents).view("chi-so"))}
    bank = rows[report_model.indicator_label("bank_account")]
    # 1950, 2011 (15 in 2026) and 1980 count; 2012 is 14; two answers have no birth year
    assert (bank["base"], bank["yes"], bank["no_age"]) == (3, 2, 2)
    assert bank["share"] == pytest.approx(2 / 3) and bank["meets"] is False  # target 75 %
    phone = rows[report_model.indicator_label("smartphone")]
    assert (phone["base"], phone["yes"], phone["share"], phone["no_age"]) == (5, 0, 0.0, None)
    unknown = rows[report_model.indicator_label("digital_signature")]
    assert (unknown["base"], unknown["share"], unknown["meets"]) == (0, None, None)
    # the report's year is Vietnam's: 00:30 on 1 January 2027 there is still 2026 in UTC
    new_year = datetime(2027, 1, 1, 0, 30, tzinfo=VN_TZ)
    later = report_views.build_views(residents, as_of=new_year, targets=DEFAULT_TARGETS)
    bank = {r["indicator"]: r for r in as_dicts(later.view("chi-so"))}[
        report_model.indicator_label("bank_account")]
    assert (bank["base"], bank["yes"]) == (4, 3)  # born 2012: 15 in 2027


def test_survey_answers_merge_over_workshops(tmp_path: Path) -> None:
    """The same resident in two workshops: a "yes" anywhere wins, then a "no"."""
    code = next(str(c) for c, name in registry.communes(PROVINCE) if name == THO_LONG)
    roots = []
    for name, survey in (("a", {"smartphone": False, "eid_account": False}),
                         ("b", {"smartphone": True})):
        root = tmp_path / name
        root.mkdir()
        course_settings.save(root, course_settings.CourseSettings())
        box = Sandbox.open(root / "sandbox.db", clock=FixedClock(AS_OF), seed=name)
        box.enrol([Enrolment("x1", "Lê Thị Hoa", code, THO_LONG, PROVINCE, birth_year=1970,
                             survey=survey),
                   Enrolment(f"{name}2", f"Người khác {name}", code, THO_LONG, PROVINCE)])
        box.close()
        roots.append(root)
    found = report.residents(roots)
    assert len(found) == 3
    hoa = next(r for r in found if r.survey)
    assert dict(hoa.survey) == {"smartphone": True, "eid_account": False}
    assert [r.survey for r in found if r is not hoa] == [{}, {}]


def test_roster_survey_columns(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "Họ và tên;Xã/Phường;Có điện thoại thông minh;Có tài khoản ngân hàng;Có chữ ký số;"
        "Có tài khoản định danh điện tử;Dùng dịch vụ công trực tuyến\n"
        f"An;{THO_LONG};Có;KHÔNG;x;1;✓\n"
        f"Bình;{THO_LONG};yes;no;0;;\n"
        f"Chi;{THO_LONG};;;;;\n", encoding="utf-8")
    rows = roster.read_roster(path, PROVINCE, current_year=2026)
    assert [dict(r.survey) for r in rows] == [
        {"smartphone": True, "bank_account": False, "digital_signature": True,
         "eid_account": True, "digital_platforms": True},
        {"smartphone": True, "bank_account": False, "digital_signature": False},
        {}]
    path.write_text(f"Họ và tên,Xã/Phường,Có chữ ký số\nAn,{THO_LONG},có lẽ\n", encoding="utf-8")
    with pytest.raises(roster.RosterError) as caught:
        roster.read_roster(path, PROVINCE, current_year=2026)
    [(row, why)] = caught.value.errors
    assert row == 2 and "Có chữ ký số" in why and "có lẽ" in why
    path.write_text(f"Họ và tên,Xã/Phường\nAn,{THO_LONG}\n", encoding="utf-8")  # optional
    [only] = roster.read_roster(path, PROVINCE, current_year=2026)
    assert dict(only.survey) == {}
    assert roster.SURVEY_COLUMNS == report_views.SURVEY


def test_a_schema_5_store_gains_the_survey_column(tmp_path: Path) -> None:
    store = store_mod.Store.open(tmp_path / "s.db")
    with store.transaction() as conn:
        conn.exec_driver_sql("ALTER TABLE learners DROP COLUMN survey")
        conn.exec_driver_sql("UPDATE meta SET value='5' WHERE key='schema_version'")
    store.close()
    again = store_mod.Store.open(tmp_path / "s.db")
    assert again.schema_version() == store_mod.SCHEMA_VERSION
    import sqlalchemy as sa

    columns = {c["name"] for c in sa.inspect(again.engine).get_columns("learners")}
    assert "survey" in columns
    again.close()


# --------------------------------------------------------------------- suppression


def test_small_counts_and_what_is_computed_from_them_are_hidden() -> None:
    residents = (people(THO_LONG, 30, trained=True, trained_at=AS_OF - WEEK)
                 + people(THO_LONG, 10, 30, trained=False)
                 + people(HAC_THANH, 3, 40, trained=True, trained_at=AS_OF - WEEK)
                 + people(HO_VUONG, 20, 50, trained=False))
    public = views(residents, population={(PROVINCE, THO_LONG): 50, (PROVINCE, HAC_THANH): 4,
                                          (PROVINCE, HO_VUONG): 25}, public=True)
    rows = {r["commune"]: r for r in as_dicts(public.view("xa"))}
    assert (rows[THO_LONG]["enrolled"], rows[THO_LONG]["trained"]) == (40, 30)
    assert rows[THO_LONG]["rate_population"] == 0.6 and rows[THO_LONG]["gap"] == 10
    hac = rows[HAC_THANH]
    assert (hac["enrolled"], hac["trained"], hac["population"]) == (SMALL_CELL,) * 3
    assert all(hac[k] is DERIVED for k in ("rate_enrolled", "rate_population", "meets_target",
                                           "gap", "per_week", "projected"))
    # trained: 3 (<5) beside 30 and 0: 0 is under 5 too, so «<5» «<5» add up to 3: not pinned
    assert rows[HO_VUONG]["trained"] is SMALL_CELL
    # enrolled: the one «<5» (3) would be 63 − 40 − 20 = 3: the smallest other is hidden
    assert rows[HO_VUONG]["enrolled"] is SHIELD and rows[HO_VUONG]["rate_enrolled"] is DERIVED
    assert "«<5»" in public.notes[1].render()
    trainer = views(residents)
    assert all(not isinstance(v, Hidden) for view in trainer.views for row in view.rows
               for v in row)


def test_a_column_that_cannot_be_protected_hides_the_matching_totals() -> None:
    # trained 0 of 6 and 5 of 6: «<5» and «*» would add up to 5, so both are known
    residents = (people(THO_LONG, 6, trained=False)
                 + people(HAC_THANH, 5, 6, trained=True, passed=frozenset({"vneid"}),
                          scores={"vneid": 1.0})
                 + people(HAC_THANH, 1, 11, trained=False))
    public = views(residents, public=True)
    assert public.view("xa").values("trained") == [SHIELD, SMALL_CELL]  # Hạc Thành, Thọ Long
    assert public.view("xa").values("enrolled") == [6, 6]
    lessons = as_dicts(public.view("bai-hoc"))
    assert all(r["passed"] is SHIELD and r["pass_rate"] is DERIVED for r in lessons)
    assert lessons[0]["enrolled"] == 12  # enrolled needed no protection


def feasible_values(cells: list[object], total: int, index: int) -> set[int]:
    """The values hidden cell ``index`` can take, knowing the column's ``total``, the cells
    shown, that «<5» is 0-4 and «*» at least 5."""
    shown = sum(c for c in cells if isinstance(c, int))
    ranges = {k: (0, 4) if c is SMALL_CELL else (5, total)
              for k, c in enumerate(cells) if isinstance(c, Hidden)}
    rest = total - shown
    others = [r for k, r in ranges.items() if k != index]
    low, high = sum(r[0] for r in others), sum(r[1] for r in others)
    first, last = ranges[index]
    return {v for v in range(first, last + 1) if low <= rest - v <= high}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=7))
def test_no_hidden_cell_can_be_worked_out_from_the_total(counts: list[int]) -> None:
    view = report_model.View("xa", (report_model.Column("commune", "text"),
                                    report_model.Column("enrolled", "count", protect=True)),
                             tuple((f"x{i}", n) for i, n in enumerate(counts)))
    public, unsafe = report_model.suppress(view)
    cells = public.values("enrolled")
    assert all(c is SMALL_CELL for c, n in zip(cells, counts, strict=True) if n < 5)
    if unsafe:
        return  # build_views then hides the totals (previous test)
    for k, cell in enumerate(cells):
        if isinstance(cell, Hidden):
            assert len(feasible_values(cells, sum(counts), k)) >= 2, (counts, cells)


# ------------------------------------------------------------------------- files


@pytest.fixture(scope="module")
def sample() -> report_model.Report:
    residents = (people(THO_LONG, 30, trained=True, trained_at=AS_OF - 2 * WEEK,
                        birth_year=1970, survey={"smartphone": True, "bank_account": True},
                        scores={"vneid": 1.0}, passed=frozenset({"vneid"}),
                        refusals=frozenset({("vneid", "otp", "vneid.otp_wrong")}))
                 + people(THO_LONG, 10, 30, trained=False, scores={"vneid": 0.2})
                 + people(HAC_THANH, 3, 40, trained=False))
    return views(residents, population={(PROVINCE, THO_LONG): 50})


def test_xlsx_reads_back_with_vietnamese_sheets_and_headers(sample: report_model.Report,
                                                            tmp_path: Path) -> None:
    from openpyxl import load_workbook

    [path] = report_output.write(sample, tmp_path / "bao-cao.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Theo xã, phường", "Theo bài học", "Bước hay gặp lỗi",
                               "Các chỉ số", "Ghi chú"]
    sheet = book["Theo xã, phường"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Tỉnh", "Xã/Phường", "Số học viên", "Đã tập huấn đạt"]
    assert "Dự kiến ngày đạt chỉ tiêu" in header
    values = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    tho = dict(zip(header, values[THO_LONG], strict=True))
    assert (tho["Số học viên"], tho["Đã tập huấn đạt"], tho["Số người trưởng thành"]) == (40, 30, 50)
    assert tho["Tỷ lệ đạt trên số người trưởng thành"] == pytest.approx(0.6)
    assert tho["Đạt chỉ tiêu"] == "Chưa đạt" and tho["Còn thiếu (người)"] == 10
    rate_cell = sheet.cell(row=2, column=header.index("Tỷ lệ đạt trên số học viên") + 1)
    assert rate_cell.number_format == "0.0%"
    assert sheet.column_dimensions["B"].width >= len(HAC_THANH)
    assert sheet.freeze_panes == "C2"
    indicators = book["Các chỉ số"]
    assert [c.value for c in indicators[1]][2:6] == ["Chỉ số", "Số người được tính",
                                                     "Số người «Có»", "Tỷ lệ «Có»"]
    assert "Chưa rõ" in [c.value for c in indicators["F"]]
    steps = list(book["Bước hay gặp lỗi"].iter_rows(min_row=2, values_only=True))
    assert steps == [(report_model.lesson_label("vneid"), 1, "Nhập mã OTP", "vneid.otp_wrong", 30)]
    notes = [c.value for c in book["Ghi chú"]["A"]]
    assert notes[0] == report_model.REPORT_TITLE and any("4 tuần" in n for n in notes)


def test_csv_keeps_todays_columns_first_and_writes_siblings(sample: report_model.Report,
                                                            tmp_path: Path) -> None:
    written = report_output.write(sample, tmp_path / "bao-cao.csv")
    assert [p.name for p in written] == ["bao-cao.csv", "bao-cao-bai-hoc.csv",
                                         "bao-cao-buoc-kho.csv", "bao-cao-chi-so.csv"]
    for path in written:
        assert path.read_bytes().startswith(codecs.BOM_UTF8)
    with written[0].open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    assert records[0][:9] == list(report.CSV_HEADER)
    assert records[0][9:] == ["gap", "per_week", "projected"]
    assert records[1][:9] == [PROVINCE, HAC_THANH, "3", "0", "0.0000", "", "", "0.8000", ""]
    assert records[2][:9] == [PROVINCE, THO_LONG, "40", "30", "0.7500", "50", "0.6000",
                              "0.8000", "false"]
    assert records[2][9] == "10"


def test_html_is_one_page_with_its_pictures_and_no_address(sample: report_model.Report,
                                                          tmp_path: Path) -> None:
    [path] = report_output.write(sample, tmp_path / "bao-cao.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page
    assert page.count('src="data:image/png;base64,') == 4
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "<link" not in page and "url(" not in page
    assert page.count("<table>") == 4 and "Dự báo theo xu hướng 4 tuần gần nhất" in page
    assert "Nhập mã OTP" in page and "60,0 %" in page


def test_png_charts_one_per_view(sample: report_model.Report, tmp_path: Path) -> None:
    from PIL import Image

    written = report_output.write(sample, tmp_path / "bieu-do.png")
    assert [p.name for p in written] == ["bieu-do-xa.png", "bieu-do-bai-hoc.png",
                                         "bieu-do-buoc-kho.png", "bieu-do-chi-so.png"]
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(path) as picture:
            assert picture.format == "PNG" and picture.width >= 600
    empty = report_views.build_views([], as_of=AS_OF, targets=DEFAULT_TARGETS)
    for view in empty.views:
        assert report_output.chart_png(view)[:4] == b"\x89PNG"


def test_an_unknown_extension_is_refused(sample: report_model.Report, tmp_path: Path) -> None:
    with pytest.raises(report_output.UnknownFormat, match=r"\.pdf"):
        report_output.write(sample, tmp_path / "bao-cao.pdf")
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------------ command


def run_report(argv: list[str], moment: datetime = AS_OF) -> int:
    """``bakhong report …`` as the command runs it, with the clock at ``moment``."""
    import argparse

    root = argparse.ArgumentParser(prog="bakhong")
    report_commands.add_parser(root.add_subparsers(dest="command", required=True))
    args = root.parse_args(["report", *argv])
    return report_commands._report(args, clock=FixedClock(moment))


@pytest.fixture
def small_workshop(tmp_path: Path) -> Path:
    root = tmp_path / "lop"
    workshop_without_gradebook(root, [("hv001", "Lê Thị Hoa", THO_LONG),
                                      ("hv002", "Trần Văn Nam", HAC_THANH)], "cli").close()
    return root


def test_command_writes_every_format_into_the_workshop(small_workshop: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert run_report([str(small_workshop)]) == 0
    names = sorted(p.name for p in (small_workshop / "reports").iterdir())
    assert names == sorted(["bao-cao-2026-12-01.xlsx", "bao-cao-2026-12-01.csv",
                            "bao-cao-2026-12-01-bai-hoc.csv", "bao-cao-2026-12-01-buoc-kho.csv",
                            "bao-cao-2026-12-01-chi-so.csv", "bao-cao-2026-12-01.html",
                            *(f"bao-cao-2026-12-01-{v}.png"
                              for v in ("xa", "bai-hoc", "buoc-kho", "chi-so"))])
    out = capsys.readouterr().out
    assert "2 xã/phường" in out and "bao-cao-2026-12-01-chi-so.csv" in out
    assert run_report([str(small_workshop), "--public"]) == 0
    assert (small_workshop / "reports" / "bao-cao-cong-khai-2026-12-01.xlsx").exists()


def test_command_out_and_errors(small_workshop: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ra" / "bao-cao.csv"
    assert run_report([str(small_workshop), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "bao-cao-bai-hoc.csv" in printed and out.exists()
    bad = tmp_path / "dan-so.csv"
    bad.write_text("tinh,xa\n", encoding="utf-8")
    assert run_report([str(small_workshop), "--population", str(bad)]) == 2
    assert "row 1: missing" in capsys.readouterr().err
    assert cli.main(["report", str(small_workshop), "--out",
                                 str(tmp_path / "x.pdf")]) == 2
    assert "«.pdf»" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # --out and --serve together are refused by the parser
        cli.main(["report", str(small_workshop), "--out", "x.csv", "--serve"])


def test_the_dashboard_notebook_is_thin(tmp_path: Path) -> None:
    notebook = report_commands.dashboard_notebook(tmp_path / "c.json", public=True)
    [title, cell] = notebook["cells"]
    assert "(bản công khai)" in title["source"]
    assert cell["source"].startswith("from bakhong.widgets.report_dashboard import show")
    assert "def " not in cell["source"] and notebook["metadata"]["kernelspec"]["name"] == "bakhong"


# ---------------------------------------------------------------------- dashboard


def test_the_dashboard_views_headless(sample: report_model.Report) -> None:
    from bakhong.widgets.report_dashboard import dashboard

    calls: list[int] = []

    def reload() -> report_model.Report:
        calls.append(1)
        return sample

    handles = dashboard(sample, reload=reload)
    assert handles.tabs.titles == ("Theo xã, phường", "Theo bài học", "Bước hay gặp lỗi",
                                   "Các chỉ số")
    assert THO_LONG in handles.tables["xa"].value and HAC_THANH in handles.tables["xa"].value
    for name, image in handles.charts.items():
        assert handles.pictures[name][:4] == b"\x89PNG"
        assert 'alt="' in image.value and "data:image/png;base64," in image.value
    options = [label for label, _value in handles.controls["commune"].options]
    assert options == ["Tất cả xã, phường", HAC_THANH, THO_LONG]
    handles.controls["commune"].value = (PROVINCE, HAC_THANH)
    assert HAC_THANH in handles.tables["xa"].value and THO_LONG not in handles.tables["xa"].value
    assert THO_LONG not in handles.tables["chi-so"].value
    assert "cả khóa học" in handles.notes["bai-hoc"].value  # lessons stay course-wide
    handles.controls["refresh"].click()
    assert calls == [1] and handles.controls["commune"].value == (PROVINCE, HAC_THANH)
    assert "Traceback" not in handles.root.children[0].value


def test_the_dashboard_translates_every_text(sample: report_model.Report) -> None:
    from bakhong.widgets.report_dashboard import dashboard

    handles = dashboard(sample, lang="pseudo")
    assert handles.tabs.titles[0] == "⟦Theo xã, phường⟧"
    assert "⟦Xã/Phường⟧" in handles.tables["xa"].value
    assert "⟦Nhập mã OTP⟧" in handles.tables["buoc-kho"].value
    assert handles.header.value.count("⟦") >= 2
    handles.controls["language"].value = "vi"
    assert handles.tabs.titles[0] == "Theo xã, phường" and "⟦" not in handles.tables["xa"].value


def test_every_report_string_is_marked_for_the_catalogue() -> None:
    from babel.messages.extract import extract_from_dir

    widgets = Path(__file__).resolve().parents[1] / "widgets"
    marked = {message for _f, _l, message, _c, _x in extract_from_dir(
        widgets, method_map=[("**.py", "python")], keywords={"_": None, "N_": None})}
    missing = [s for s in report_model.SOURCE_STRINGS if s not in marked]
    assert not missing


def test_show_never_shows_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      small_workshop: Path) -> None:
    import IPython.display

    from bakhong.widgets import report_dashboard

    shown: list[Any] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"workshops": [str(tmp_path / "nothing-here")],
                                  "population": None, "public": False}), encoding="utf-8")
    assert report_dashboard.show(config) is None
    [page] = shown
    assert "Không lập được báo cáo" in page.data and "Traceback" not in page.data
    config.write_text(json.dumps({"workshops": [str(small_workshop)], "population": None,
                                  "public": True}), encoding="utf-8")
    handles = report_dashboard.show(config)
    assert handles is not None and shown[-1] is handles.root and handles.report.public
    assert "<h1>" not in handles.header.value  # the served page has its own heading


# --------------------------------------------------------------- results frame


def test_results_files_round_trip_and_merge(tmp_path: Path) -> None:
    first = [Resident(1, PROVINCE, THO_LONG, True, AS_OF - WEEK, 1980, {"smartphone": False}),
             Resident(2, PROVINCE, HAC_THANH, False)]
    second = [Resident(1, PROVINCE, HAC_THANH, False, None, None, {"smartphone": True}),
              Resident(3, PROVINCE, HO_VUONG, True, None, 2015, {})]
    paths = []
    for name, residents in (("a", first), ("b", second)):
        paths.append(tmp_path / f"{name}.csv")
        report_views.write_results(report_views.results_frame(residents), paths[-1])
    frame = report_views.read_results(paths)
    assert list(frame.columns) == list(report_views.RESULT_COLUMNS) and len(frame) == 4
    figures = report_views.aggregate(frame, as_of=AS_OF)
    counts = {c: row for (_p, c), row in figures.to_dict("index").items()}
    # resident 1 counts once, in the first place seen, trained, with the "yes"
    assert set(counts) == {THO_LONG, HAC_THANH, HO_VUONG}
    assert counts[THO_LONG]["enrolled"] == 1 and counts[THO_LONG]["trained"] == 1
    assert counts[THO_LONG]["smartphone_yes"] == 1 and counts[HAC_THANH]["enrolled"] == 1
    assert counts[HO_VUONG]["c0"] == 1  # trained at an unknown moment: at every mark


def bench_module() -> Any:
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "bench" / "report_scale.py"
    spec = importlib.util.spec_from_file_location("report_scale", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["report_scale"] = module
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_data_aggregates_like_pandas(tmp_path: Path) -> None:
    bench = bench_module()
    paths = bench.generate(tmp_path, residents=5_000, communes=12, workshops=3, seed=7)
    ours = bench.ours(paths, AS_OF)
    plain = bench.baseline(paths)
    assert ours["enrolled"].sum() == plain["enrolled"].sum()
    assert set(ours.index) == set(plain.index)


# ------------------------------------------------------------------------- serving


@pytest.mark.slow
def test_serve_answers_with_the_dashboard_page(small_workshop: Path, tmp_path: Path) -> None:
    from browser_support import free_port, server_env

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bakhong", "report", str(small_workshop),
         "--serve", "--port", str(port), "--public"],
        env=server_env(tmp_path / "home"), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        page = fetch_when_up(f"http://127.0.0.1:{port}/", process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    assert "Báo cáo phổ cập kỹ năng số cơ bản (bản công khai)" in page
    # the dashboard's widgets, on the lessons' light page (not JupyterLab's, 7x heavier)
    assert 'class="bk-widget" data-bk-view=' in page and "/voila/bakhong/" in page
    for bad in ("Traceback", "There was an error", "Không lập được báo cáo", "show("):
        assert bad not in page
    assert "cdn.jsdelivr.net" not in page


def fetch_when_up(url: str, process: subprocess.Popen[bytes], timeout: float = 180) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                assert response.status == 200
                return html.unescape(response.read().decode("utf-8"))  # Voila writes &#225;
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "no server"
            time.sleep(0.5)


def test_a_schema_6_store_gains_the_result_columns(tmp_path: Path) -> None:
    """A workshop made before results were sealed: its queue gains ``missing`` and ``seal``."""
    import sqlalchemy as sa

    store = store_mod.Store.open(tmp_path / "s.db")
    with store.transaction() as conn:
        conn.exec_driver_sql("ALTER TABLE submissions DROP COLUMN missing")
        conn.exec_driver_sql("ALTER TABLE submissions DROP COLUMN seal")
        conn.exec_driver_sql("UPDATE meta SET value='6' WHERE key='schema_version'")
    store.close()
    again = store_mod.Store.open(tmp_path / "s.db")
    assert again.schema_version() == store_mod.SCHEMA_VERSION
    columns = {c["name"] for c in sa.inspect(again.engine).get_columns("submissions")}
    assert {"missing", "seal"} <= columns
    again.close()
