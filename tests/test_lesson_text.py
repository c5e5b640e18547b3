"""Every lesson's own text in English beside the Vietnamese, shown in the page's language."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest

from bakhong.grading.course import LESSONS
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.course import course_screen
from bakhong.widgets.entry import _apps
from bakhong.widgets.i18n import PSEUDO_CLOSE, PSEUDO_OPEN, translator
from bakhong.widgets.lesson_text import lesson_html, lesson_markdown

#: Names of the lessons' characters (and the word lesson 0 teaches to type), kept in English.
NAMES = ("Hạnh", "Lụa", "Thọ")


def shape(markdown: str) -> tuple[int, ...]:
    """What a faithful translation keeps: headings, numbered steps, bold and quoted names."""
    return (len(re.findall(r"^#+ ", markdown, re.M)), len(re.findall(r"^\d+\. ", markdown, re.M)),
            markdown.count("**"), markdown.count("«"), markdown.count("»"),
            len([p for p in markdown.split("\n\n") if p.strip()]))


def vietnamese_left(text: str) -> list[str]:
    for name in NAMES:
        text = text.replace(name, " ")
    return [word for word in text.split()
            if any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", word))
            or "đ" in word.lower()]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_has_its_english_text(lesson: str) -> None:
    vi, en = lesson_markdown(lesson, "vi"), lesson_markdown(lesson, "en")
    assert vi and en and vi != en
    assert shape(en) == shape(vi), "translate paragraph for paragraph, step for step"
    assert not vietnamese_left(en)


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_pseudo_locale_marks_every_line(lesson: str) -> None:
    for line in lesson_markdown(lesson, "pseudo").splitlines():
        text = re.sub(r"^\s*(#+\s+|[-*]\s+|\d+\.\s+)", "", line)
        for run in text.split("**"):  # a bold run is its own text on the page
            assert not run.strip() or (run.startswith(PSEUDO_OPEN)
                                       and run.endswith(PSEUDO_CLOSE)), line


@pytest.mark.parametrize("lang", ["vi", "en", "pseudo"])
def test_the_course_page_shows_the_text_in_its_language(box: Sandbox, lang: str) -> None:
    lesson = LESSONS[-1]
    page = course_screen(LearnerDesk(box, "hv001"), _apps()[lesson], lang=lang, on_submit=lambda: None,
                         current=lesson)
    if page.consent is not None:
        page.consent.controls["consent-accept"].click()
    panel = page.controls["lesson-text"]
    shown = panel.children[0].value
    assert ".jp-MarkdownCell { display: none; }" in shown  # the notebook's copy is hidden
    words = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", shown)))
    if lang == "en":
        assert not vietnamese_left(words) and panel.titles[0].endswith("About this lesson")
    elif lang == "pseudo":
        assert PSEUDO_OPEN in words and panel.titles[0].endswith(PSEUDO_CLOSE)
    else:
        assert "Nộp bài" in words and "Hướng dẫn bài học" not in words  # the title says it


def test_html_is_the_markdown_rendered() -> None:
    rendered = lesson_html("payment", translator("en"))
    assert "<ol>" in rendered and "<strong>Hand in</strong>" in rendered
