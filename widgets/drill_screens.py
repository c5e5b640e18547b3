"""What the scam-drill apps share on screen: the list of drills, speech bubbles, the outcome.

The safety app (:mod:`.safety_screens`), lesson 8's (:mod:`.scams_screens`) and lesson 10's
(:mod:`.secrets_screens`) run drills over :class:`bakhong.simulators.safety.DrillFlow`; their
home list and their outcome screen (a :class:`~bakhong.simulators.safety.DrillOutcome`) look
the same and are built here, each control under the app's own prefix.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from .phone import html_block, paragraph, screen_title

if TYPE_CHECKING:
    from bakhong.simulators.safety import Drill, DrillOutcome

    from .appview import AppView

__all__ = ["bubble", "drill_home", "drill_outcome"]


def bubble(who: str, text: str) -> str:
    """A speech or chat bubble: who speaks, then the words."""
    return (f'<div class="bk-bubble"><span class="bk-bubble-who">{html.escape(who)}</span>'
            f"{html.escape(text)}</div>")


def drill_home(view: AppView, sim: Any, *, title: str, intro: str, drills: Iterable[Drill],
               keys: Mapping[str, str], done: frozenset[str]) -> list[w.Widget]:
    """The home list: one button a drill (``<prefix>start-<key>``), ✓ when done, ○ when not."""
    _ = view.tr
    drills = tuple(drills)
    items: list[w.Widget] = [
        screen_title(title), paragraph(intro),
        paragraph(_("Đã xong {done}/{total} bài.").format(done=len(done), total=len(drills)),
                  "bk-hint"),
    ]
    for drill in drills:
        finished = drill.task in done
        label = ("✓ " if finished else "○ ") + _(drill.title)

        def act(task: str = drill.task) -> None:
            sim.start(task)
        button = view.button(f"{view.prefix}start-{keys[drill.task]}", label, act)
        state = _("đã xong") if finished else _("chưa làm")
        button.tooltip = f"{_(drill.title)} ({state})"
        items.append(button)
    return items


def drill_outcome(view: AppView, sim: Any, result: DrillOutcome,
                  reported_line: str) -> list[w.Widget]:
    """Why the choice was right or wrong (and what would happen), «Làm lại», back to the list;
    ``reported_line`` (a source string) is added when the learner also reported."""
    _ = view.tr
    lines = [f"<p>{html.escape(_(result.explanation))}</p>"]
    if result.consequence:
        real = _("Nếu đây là thật:")
        lines.append(f"<p><b>{html.escape(real)}</b> {html.escape(_(result.consequence))}</p>")
    if result.reported:
        lines.append(f"<p>{html.escape(_(reported_line))}</p>")
    css = "bk-right" if result.right else "bk-wrong"
    body = html_block(f'<div class="{css}" role="status">{"".join(lines)}</div>')
    view.keep(f"{view.prefix}explanation", body)

    def again() -> None:
        sim.retry()

    def back() -> None:
        sim.home()
    heading = _("Bạn đã làm đúng") if result.right else _("Chưa đúng: hãy làm lại")
    return [screen_title(heading), body,
            view.button(f"{view.prefix}retry", _("Làm lại"), again, primary=not result.right),
            view.button(f"{view.prefix}home", _("Về danh sách bài luyện"), back,
                        primary=result.right)]
