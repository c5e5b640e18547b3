"""The one call a lesson notebook makes: ``lesson_app("vneid")``.

Under nbgrader (``NBGRADER_EXECUTION`` set) it does nothing. Under Voila it
waits for the learner's request (preheated kernels run the notebook up to here
before anyone asks), reads the learner code and language from the link, opens
the workshop's sandbox and shows the course screen. Any failure becomes a
Vietnamese page, never Voila's English traceback banner.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

from bakhong.simulators.errors import N_, SandboxError

WORKSHOP_ENV = "BAKHONG_WORKSHOP"
SUBMITTED = N_("Đã nộp bài. Bài của bạn đang được chấm; điểm sẽ có sau ít phút.")


class NoLearnerCode(SandboxError):
    code = "learner.no_code"
    message = N_("Hãy mở đường link (hoặc quét mã QR) trên thẻ học viên của bạn.")


def _query() -> dict[str, list[str]]:
    from voila.utils import get_query_string  # waits for the request in a preheated kernel

    return parse_qs(get_query_string() or "")


def _workshop() -> Path:
    """Set by ``bakhong serve``; otherwise the notebook sits in ``release/<lesson>/``."""
    return Path(os.environ.get(WORKSHOP_ENV) or Path.cwd().parent.parent)


def _apps() -> dict[str, Callable[..., object]]:
    from .vneid_app import vneid_factory

    return {"vneid": vneid_factory}


def lesson_app(lesson: str) -> None:
    if os.environ.get("NBGRADER_EXECUTION"):
        return
    from IPython.display import display

    from .i18n import error_text, translator

    try:
        query = _query()
        lang = query.get("lang", [None])[0]
        show_lesson(lesson, query.get("code", [""])[0], lang)
    except Exception as err:  # never Voila's English banner
        import ipywidgets as w

        from .phone import badge, phone_frame

        tr = translator("vi")
        text = html.escape(error_text(err, tr))
        page = phone_frame([badge(tr), w.HTML(f"<p role='alert'>{text}</p>")])
        display(page)  # type: ignore[no-untyped-call]


def show_lesson(lesson: str, code: str, lang: str | None = None) -> object:
    """Open the workshop sandbox and display the learner's course screen."""
    from bakhong.simulators import learners, submissions
    from bakhong.simulators.sandbox import SANDBOX_FILE, Sandbox

    from .course import course_screen

    if not code.strip():
        raise NoLearnerCode()
    box = Sandbox.open(_workshop() / SANDBOX_FILE)
    learner = learners.by_code(box.store, code)
    factory = _apps()[lesson]

    def submit() -> str:
        submissions.request(box.store, box.clock, learner.learner_id, lesson)
        return SUBMITTED

    return course_screen(box, learner.learner_id, factory,  # type: ignore[arg-type]
                         lang=lang, on_submit=submit, display=True)
