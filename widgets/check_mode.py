"""The check mode of the course page («Tự làm»): the goal once, then the app alone, then what
went wrong.

A check (:mod:`bakhong.simulators.checks`) is its skill's app built :func:`.appview.unaided`
(no help bar, no hint, no task list) over the check's simulator. Around it, the course page
shows:

* above the app, the goal, stated once: the check's own text (its notebook's markdown,
  :mod:`.lesson_text`) and the scenario's goal (:meth:`~bakhong.simulators.checks.CheckFlow.goal`:
  whose account, which stall and amount), with «🔊 Nghe» that reads both aloud;
* after «Nộp bài», the review: each kind of refusal the app recorded, how often, and what
  went wrong in plain words (:meth:`~bakhong.simulators.checks.CheckFlow.mistakes`). The
  app then takes no more actions until the trainer resets the check.

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.checks import Mistake
>>> from bakhong.widgets.i18n import translator
>>> html_text = review_html([Mistake("vneid.otp_wrong", 2, "Mã OTP gõ chưa đúng.")],
...                         translator("vi"))
>>> "Mã OTP gõ chưa đúng. (số lần: 2)" in html_text
True
>>> "without a refusal" in review_html([], translator("en"))
True
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from . import lesson_text, speech
from .i18n import N_, Translator
from .phone import MessageArea, action_button, audio_player, html_block, on_click

if TYPE_CHECKING:
    from bakhong.simulators.checks import Mistake

__all__ = ["GOAL_TITLE", "CheckPanels", "goal_text", "review_html"]

GOAL_TITLE = N_("Tự làm: việc cần làm")
REVIEW_TITLE = N_("Nhận xét bài tự làm")
NO_MISTAKE = N_("Bạn đã làm mà ứng dụng không từ chối lần nào.")
SOME_MISTAKES = N_("Ứng dụng đã từ chối những việc sau. Đây là điều chưa đúng:")
TIMES = N_("(số lần: {count})")
RETAKE = N_("Điểm sẽ có sau ít phút («Xem điểm»). Muốn làm lại bài tự làm, hãy luyện thêm "
            "rồi hỏi người hướng dẫn.")
LISTEN = N_("Nghe")


def goal_text(goal: Any, tr: Translator) -> str:
    """The scenario's goal in the page's language, its values (names of stalls) translated."""
    values = {key: tr(value) for key, value in goal.values.items()}
    return tr(goal.text).format(**values)


def review_html(mistakes: Sequence[Mistake], tr: Translator) -> str:
    """What went wrong, from the recorded refusals (escaped HTML)."""
    _ = tr
    title = html.escape(_(REVIEW_TITLE))
    if not mistakes:
        body = f"<p>{html.escape(_(NO_MISTAKE))}</p>"
    else:
        items = "".join(
            f"<li>{html.escape(_(m.explanation))} "
            f"{html.escape(_(TIMES).format(count=m.count))}</li>" for m in mistakes)
        body = f"<p>{html.escape(_(SOME_MISTAKES))}</p><ul>{items}</ul>"
    return (f'<section class="bk-check-review" role="region" aria-live="polite" '
            f'aria-label="{title}"><h3>{title}</h3>{body}'
            f"<p>{html.escape(_(RETAKE))}</p></section>")


class CheckPanels:
    """The goal above a check's app and the review below it, for one render of the page."""

    def __init__(self, lesson: str, sim: Any, tr: Translator,
                 controls: dict[str, w.Widget]) -> None:
        self.lesson, self.sim, self.tr = lesson, sim, tr
        self.message = MessageArea(tr)
        self.review = html_block("", "bk-common-check-review")
        self.review.layout.display = "none"
        controls["check-review"] = self.review
        self.goal = self._goal(controls)

    def _spoken(self) -> str:
        return f"{self._intro_text()} {goal_text(self.sim.goal(), self.tr)}"

    def _intro_text(self) -> str:
        try:
            return lesson_text.lesson_plain(self.lesson, self.tr)
        except FileNotFoundError:
            return ""

    def _goal(self, controls: dict[str, w.Widget]) -> w.VBox:
        _ = self.tr
        title = html.escape(_(GOAL_TITLE))
        try:
            intro = lesson_text.lesson_html(self.lesson, self.tr)
        except FileNotFoundError:
            intro = ""
        goal = html.escape(goal_text(self.sim.goal(), self.tr))
        text = html_block(lesson_text.hide_notebook_text()
                          + f'<section class="bk-check-goal" aria-label="{title}">'
                          f"<h3>{title}</h3>{intro}"
                          f'<p class="bk-check-goal-line"><b>{goal}</b></p></section>')
        controls["check-goal"] = text
        listen = action_button("bk-common-check-listen", "🔊 " + _(LISTEN))
        controls["check-listen"] = listen
        self.player = w.Box([], layout=w.Layout(width="100%"))
        self.player.add_class("bk-common-audio")
        on_click(listen, self.speak, self.message, self.tr)
        box = w.VBox([text, listen, self.player, self.message.root],
                     layout=w.Layout(width="100%"))
        box.add_class("bk-common-check-goal")
        return box

    def speak(self) -> None:
        self.player.children = (audio_player(speech.audio_for(self._spoken(), self.tr.lang)),)

    def show_review(self) -> None:
        """Fill and show the review (after «Nộp bài», or on a page of a check handed in)."""
        self.review.value = review_html(self.sim.mistakes(), self.tr)
        self.review.layout.display = ""
