"""Issue 13, item 5: «Xem điểm» names what is still missing, in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bakhong.simulators.submissions import FAILED, GRADED, GRADING, QUEUED, Submission
from bakhong.widgets.entry import LESSON_TITLES, score_text
from bakhong.widgets.i18n import translator
from bakhong.widgets.task_titles import OTHER_TASK, TASK_TITLES, task_title

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "widgets" / "locale" / "en" / "LC_MESSAGES" / "bakhong.po"
CELL = re.compile(r"^# %%.*nbgrader=(\{.*\})\s*$", re.MULTILINE)


def graded_cells(lesson: str) -> list[str]:
    """The ``grade_id`` of every graded cell of the lesson's notebook, in its order."""
    text = (ROOT / "lessons" / f"{lesson}.py").read_text(encoding="utf-8")
    cells = [json.loads(found) for found in CELL.findall(text)]
    return [cell["grade_id"] for cell in cells if cell.get("grade")]


def test_every_lesson_is_in_the_table() -> None:
    notebooks = {p.stem for p in (ROOT / "lessons").glob("*.py") if p.stem != "__init__"}
    assert set(TASK_TITLES) == notebooks == set(LESSON_TITLES)


@pytest.mark.parametrize("lesson", sorted(TASK_TITLES))
def test_every_graded_cell_has_a_title_and_no_other(lesson: str) -> None:
    cells = graded_cells(lesson)
    assert cells, lesson
    assert list(TASK_TITLES[lesson]) == cells  # the notebook's order, nothing stale


def test_every_title_is_translated_and_short() -> None:
    with PO.open("rb") as source:
        catalogue = {m.id: m.string for m in read_po(source, locale="en")
                     if isinstance(m.id, str) and m.id}
    en, vi = translator("en"), translator("vi")
    titles = [title for lesson in TASK_TITLES.values() for title in lesson.values()]
    for title in [*titles, OTHER_TASK]:
        assert catalogue.get(title), f"translate {title!r} in {PO.name}"
        assert en(title) != vi(title) == title
        assert len(title) <= 60 and not title.endswith(".")  # a list item, read in a sentence
    assert len(set(titles)) == len(titles)


def graded(lesson: str, score: float, max_score: float, *missing: str) -> Submission:
    return Submission(7, "hv001", lesson, "2026-12-01T09:00:00+07:00", GRADED, score,
                      max_score, tuple(missing))


def test_score_text_names_the_missing_tasks() -> None:
    vi, en = translator("vi"), translator("en")
    row = graded("payment", 5.0, 7.0, "swapped")
    assert score_text(row, vi).startswith(
        "Điểm bài này: 5/7. Còn thiếu: Từ chối mã QR bị dán đè. Bạn chưa đạt: cần ít nhất 6/7 "
        "điểm.")
    assert "Still to do: Refuse a QR code stuck over the real one." in score_text(row, en)
    two = score_text(graded("portal_result", 1.0, 4.0, "fee", "supplement"), vi)
    assert "Còn thiếu: Nộp lệ phí bằng mã QR; Gửi bổ sung giấy tờ khi cán bộ yêu cầu." in two


def test_score_text_says_when_everything_is_done_and_passed() -> None:
    vi, en = translator("vi"), translator("en")
    assert score_text(graded("signing", 9.0, 9.0), vi) == (
        "Điểm bài này: 9/9. Bạn đã làm xong mọi việc của bài này và đã đạt.")
    assert score_text(graded("signing", 9.0, 9.0), en).endswith(
        "You have done everything in this lesson and passed it.")
    passed = score_text(graded("safety", 8.0, 10.0, "fake_sms"), vi)
    assert passed.endswith("Còn thiếu: Báo cáo tin nhắn có đường link lạ. Bạn đã đạt bài này.")


def test_score_text_takes_the_courses_pass_mark() -> None:
    vi = translator("vi")
    row = graded("safety", 8.0, 10.0, "fake_sms")
    assert "Bạn đã đạt bài này." in score_text(row, vi)
    assert "cần ít nhất 9/10 điểm" in score_text(row, vi, pass_mark=0.9)
    assert "Bạn đã đạt bài này." in score_text(graded("vneid", 4.0, 5.0, "registered"), vi)
    assert "cần ít nhất 5/5" in score_text(graded("vneid", 4.0, 5.0, "registered"), vi,
                                            pass_mark=1.0)


def test_score_text_without_missing_tasks_never_claims_everything_done() -> None:
    vi = translator("vi")
    text = score_text(graded("payment", 5.0, 7.0), vi)  # a row graded before the grader kept them
    assert "Còn thiếu" not in text and "mọi việc" not in text
    assert "Bạn chưa đạt" in text


def test_score_text_of_an_unknown_task_is_plain_words() -> None:
    text = score_text(graded("payment", 5.0, 7.0, "new_cell"), translator("vi"))
    assert "Còn thiếu: Một việc khác của bài này." in text and "new_cell" not in text
    assert task_title("nowhere", "x", translator("en")) == "Another task of this lesson"


def test_score_text_before_grading() -> None:
    vi = translator("vi")
    assert score_text(None, vi).startswith("Bạn chưa nộp bài này")
    for status in (QUEUED, GRADING):
        row = Submission(1, "hv001", "payment", "", status, None, None)
        assert score_text(row, vi).startswith("Bài của bạn đang được chấm")
    failed = Submission(1, "hv001", "payment", "", FAILED, None, None)
    assert score_text(failed, vi).startswith("Chưa chấm được")
