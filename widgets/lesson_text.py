"""A lesson's own text (its «Hướng dẫn bài học»), in the learner's language, on the course page.

The Vietnamese text is the lesson notebook's markdown, where nbgrader and a trainer in
JupyterLab read it (``lessons/<lesson>.py``, jupytext percent cells). Its English
translation is kept beside it, ``lessons/<lesson>.en.md``, written paragraph for
paragraph. The course page shows the text in the page's language inside the phone frame
and hides the notebook's own rendering of it under Voila, so a learner switched to
English reads no Vietnamese (and the pseudo-locale marks every line, for the tests).

>>> "Hướng dẫn bài học" in lesson_markdown("payment", "vi")
True
>>> lesson_markdown("payment", "en").splitlines()[0]
'## About this lesson'
>>> all(line.startswith(("⟦", "#", "")) for line in lesson_markdown("payment", "pseudo"))
True
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from .i18n import N_, PSEUDO_CLOSE, PSEUDO_OPEN, Translator

__all__ = ["TITLE", "hide_notebook_text", "lesson_html", "lesson_markdown", "lesson_plain",
           "markdown_html", "markdown_plain"]

#: The panel's title on the course page.
TITLE = N_("Hướng dẫn bài học")
_PACKAGE = "bakhong.lessons"
_CELL = re.compile(r"^# %%(.*)$")
#: A markdown line's lead (heading marks, list marks, numbers) and its text.
_LINE = re.compile(r"^(\s*(?:#{1,6}\s+|[-*]\s+|\d+\.\s+)?)(.*)$")


@cache
def _vietnamese(lesson: str) -> str:
    """The markdown cells of the lesson notebook, joined."""
    source = resources.files(_PACKAGE).joinpath(f"{lesson}.py").read_text(encoding="utf-8")
    cells: list[list[str]] = []
    inside = False
    for line in source.splitlines():
        found = _CELL.match(line)
        if found:
            inside = "[markdown]" in found.group(1)
            if inside:
                cells.append([])
            continue
        if inside:
            cells[-1].append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return "\n\n".join("\n".join(cell).strip() for cell in cells if cell)


@cache
def _english(lesson: str) -> str:
    path = resources.files(_PACKAGE).joinpath(f"{lesson}.en.md")
    return path.read_text(encoding="utf-8").strip()


def _pseudo(markdown: str) -> str:
    """Every run of text marked, bold runs included (each is its own text on the page)."""
    marked = []
    for line in markdown.splitlines():
        lead, text = _LINE.match(line).groups()  # type: ignore[union-attr]
        runs = text.split("**")
        marked.append(lead + "**".join(f"{PSEUDO_OPEN}{run}{PSEUDO_CLOSE}" if run.strip()
                                       else run for run in runs))
    return "\n".join(marked)


def lesson_markdown(lesson: str, lang: str) -> str:
    """The lesson's text as markdown in ``lang`` (``vi``, ``en`` or ``pseudo``)."""
    if lang == "en":
        return _english(lesson)
    if lang == "pseudo":
        return _pseudo(_vietnamese(lesson))
    return _vietnamese(lesson)


def lesson_html(lesson: str, tr: Translator) -> str:
    """The text as HTML, without its first heading (the panel's title says it); the
    lessons' own markdown: trusted, nothing typed by a learner."""
    return markdown_html(lesson_markdown(lesson, tr.lang))


def markdown_html(markdown: str, *, escape: bool = False) -> str:
    """A lesson's markdown as the panel shows it (its first heading left out); ``escape``
    for a workshop's own text (a variant's), whose HTML is shown as text, never run.

    >>> print(markdown_html("Mở **7 giờ** <b onclick=x>", escape=True))
    <div class="bk-lesson-text"><p>Mở <strong>7 giờ</strong> &lt;b onclick=x&gt;</p>
    </div>
    """
    import mistune

    lines = markdown.splitlines()
    if lines and lines[0].startswith("## "):
        lines = lines[1:]
    render = mistune.create_markdown(escape=True) if escape else mistune.html
    rendered = render("\n".join(lines))
    return f'<div class="bk-lesson-text">{rendered}</div>'


def lesson_plain(lesson: str, tr: Translator) -> str:
    """The text without its first heading and markdown marks, as it is read aloud.

    >>> from bakhong.widgets.i18n import translator
    >>> "**" in lesson_plain("payment", translator("vi")), "#" in lesson_plain("payment",
    ...                                                                   translator("vi"))
    (False, False)
    """
    return markdown_plain(lesson_markdown(lesson, tr.lang))


def markdown_plain(markdown: str) -> str:
    """A lesson's markdown without its first heading and marks, as it is read aloud."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("## "):
        lines = lines[1:]
    texts = [_LINE.match(line).group(2).replace("**", "")  # type: ignore[union-attr]
             for line in lines]
    return " ".join(text.strip() for text in texts if text.strip())


def hide_notebook_text() -> str:
    """A style that hides the notebook's markdown cells: the page shows them translated."""
    return "<style>.jp-MarkdownCell { display: none; }</style>"
