"""The one call a lesson notebook makes: ``lesson_app("vneid")``.

Under nbgrader (``NBGRADER_EXECUTION`` set) it does nothing. Under Voila it
waits for the learner's request (preheated kernels run the notebook up to here
before anyone asks), reads the learner code, the page's pass and the language from
the link, and shows the course screen over the learner's desk: the sandbox service
under ``bakhong serve`` (the kernel holds no store), else the workshop's store. Any
failure becomes a Vietnamese page, never Voila's English traceback banner.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from bakhong.page_pass import QUERY_KEY as PASS_KEY
from bakhong.quiet import quiet
from bakhong.sandbox_client import SOCKET_ENV
from bakhong.simulators.errors import N_, SandboxError

if TYPE_CHECKING:  # the app cell imports this module: nothing here may warn (bakhong.quiet)
    from bakhong.simulators.desk import Desk, VariantEntry
    from bakhong.simulators.submissions import Submission

    from .i18n import Translator

WORKSHOP_ENV = "BAKHONG_WORKSHOP"
#: The store's URL, for a lesson opened without the sandbox service (the trainer's own
#: Jupyter; default: the workshop's SQLite file). ``bakhong serve`` never gives it to kernels.
STORE_ENV = "BAKHONG_STORE_URL"
SUBMITTED = N_("Đã nộp bài. Bài của bạn đang được chấm; điểm sẽ có sau ít phút.")

#: The course's lessons in teaching order (each check after its practice), with the title
#: the menu shows.
LESSON_TITLES = {
    "first_steps": N_("Bài 0: Làm quen với điện thoại"),
    "vneid": N_("Bài 1: Tài khoản định danh điện tử VNeID"),
    "vneid_check": N_("Tự làm 1: Kích hoạt VNeID mức 2"),
    "payment": N_("Bài 2: Thanh toán bằng mã QR"),
    "payment_check": N_("Tự làm 2: Trả tiền bằng mã QR"),
    "portal": N_("Bài 3: Nộp hồ sơ trực tuyến – khai sinh cho trẻ mới sinh"),
    "portal_result": N_("Bài 3b: Theo dõi hồ sơ – trả lệ phí, bổ sung, nhận kết quả"),
    "portal_check": N_("Tự làm 3: Nộp hồ sơ trực tuyến"),
    "signing": N_("Bài 4: Chữ ký số cá nhân – ký từ xa trên điện thoại"),
    "signing_check": N_("Tự làm 4: Ký số một văn bản"),
    "safety": N_("Bài 5: An toàn trên mạng"),
    "receiving": N_("Bài 6: Nhận tiền vào tài khoản"),
    "receiving_check": N_("Tự làm 6: Nhận tiền vào tài khoản"),
    "vneid_daily": N_("Bài 7: Dùng VNeID hằng ngày"),
    "vneid_daily_check": N_("Tự làm 7: Dùng VNeID hằng ngày"),
    "scams": N_("Bài 8: Cảnh giác lừa đảo nhắm vào người cao tuổi"),
    "scams_check": N_("Tự làm 8: Cảnh giác lừa đảo"),
    "bills": N_("Bài 9: Trả hóa đơn hằng tháng"),
    "bills_check": N_("Tự làm 9: Trả hóa đơn hằng tháng"),
    "secrets": N_("Bài 10: Giữ bí mật của mình"),
    "secrets_check": N_("Tự làm 10: Giữ bí mật của mình"),
}


#: A workshop's variant of a lesson (``bakhong.grading.lesson_variants.NAME``): its page is
#: asked for by name, and the desk says whether the workshop released it.
VARIANT_NAME = re.compile(r"[a-z][a-z0-9_]{2,31}")


def lesson_url(lesson: str, code: str | None = None) -> str:
    """Where Voila serves a released lesson, with the learner's code.

    >>> lesson_url("payment", "K7M2QX9P")
    '/voila/render/payment/payment.ipynb?code=K7M2QX9P'
    """
    url = f"/voila/render/{lesson}/{lesson}.ipynb"
    return f"{url}?code={code}" if code else url


class NoLearnerCode(SandboxError):
    code = "learner.no_code"
    message = N_("Hãy mở đường link (hoặc quét mã QR) trên thẻ học viên của bạn.")


class UnknownLesson(SandboxError):
    code = "serving.unknown_lesson"
    message = N_("Không có bài học này. Hãy mở lại đường link trên thẻ học viên của bạn.")


class PageNotReady(SandboxError):
    code = "serving.no_request"
    message = N_("Trang chưa tải xong. Hãy tải lại trang (kéo màn hình xuống, hoặc bấm tải lại).")


def request_info(open_timeout: float = 60.0) -> dict[str, str]:
    """Voila's information about the request this kernel serves (``QUERY_STRING`` …).

    A preheated kernel runs the notebook before anyone asks for it, then waits here for
    the page request, which Voila sends on ``/voila/query/<kernel id>`` (voila's
    ``RequestInfoSocketHandler``; it caches the message for a late connection). This
    speaks the protocol of ``voila.utils.wait_for_request`` without importing ``voila``:
    that import costs every kernel about 1.5 CPU-seconds and 46 MB (bench/README.md),
    and Voila's helper gives up after 5 s when the server is busy, leaving a learner with
    a valid link but no code. Here the connection is retried until ``open_timeout``.
    """
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return {"QUERY_STRING": os.environ.get("QUERY_STRING", "")}
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    base = os.environ.get("VOILA_WS_BASE_URL") or os.environ.get("VOILA_SERVER_URL") or "/"
    url = (f"{os.environ.get('VOILA_WS_PROTOCOL', 'ws')}://"
           f"{os.environ.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{os.environ.get('VOILA_APP_PORT', '8866')}{base}voila/query/"
           f"{os.environ.get('VOILA_KERNEL_ID', '')}")
    deadline = time.monotonic() + open_timeout
    while True:
        try:
            with connect(url, open_timeout=10, max_size=None) as socket:
                info: dict[str, str] = json.loads(socket.recv())
            break
        except (OSError, TimeoutError, WebSocketException) as err:
            if time.monotonic() > deadline:
                raise PageNotReady(str(err)) from err
            time.sleep(0.5)
    os.environ.update(info)
    return info


def _query() -> dict[str, list[str]]:
    return parse_qs(request_info().get("QUERY_STRING") or "")


def _workshop() -> Path:
    """Set by ``bakhong serve``; otherwise the notebook sits in ``release/<lesson>/``."""
    return Path(os.environ.get(WORKSHOP_ENV) or Path.cwd().parent.parent)


#: Each lesson's app: the widgets module and its factory. A page imports its own lesson's
#: alone (the signing and portal apps bring pyHanko and aiohttp: about 40 MB a kernel).
APP_FACTORIES = {"first_steps": ("first_steps_app", "first_steps_factory"),
                 "vneid": ("vneid_app", "vneid_factory"), "payment": ("bank_app", "bank_factory"),
                 "portal": ("portal_app", "portal_factory"),
                 "portal_result": ("portal_app", "portal_factory"),
                 "signing": ("signing_app", "signing_factory"),
                 "safety": ("safety_app", "safety_factory"),
                 "receiving": ("receiving_app", "receiving_factory"),
                 "scams": ("scams_app", "scams_factory"),
                 "secrets": ("secrets_app", "secrets_factory"),
                 "vneid_daily": ("vneid_daily_app", "vneid_daily_factory"),
                 "bills": ("bills_app", "bills_factory"),
                 "vneid_check": ("vneid_app", "vneid_check_factory"),
                 "payment_check": ("bank_app", "bank_check_factory"),
                 "portal_check": ("portal_app", "portal_check_factory"),
                 "signing_check": ("signing_app", "signing_check_factory"),
                 "receiving_check": ("receiving_app", "receiving_check_factory"),
                 "vneid_daily_check": ("vneid_daily_app", "vneid_daily_check_factory"),
                 "scams_check": ("scams_app", "scams_check_factory"),
                 "bills_check": ("bills_app", "bills_check_factory"),
                 "secrets_check": ("secrets_app", "secrets_check_factory")}
#: Each check's app, by the desk's name (``bakhong.simulators.checks``): its page is in check
#: mode (:mod:`.check_mode`).
CHECK_APPS = {"vneid_check": "vneid_check", "payment_check": "bank_check",
              "portal_check": "portal_check", "signing_check": "signing_check",
              "receiving_check": "receiving_check", "vneid_daily_check": "vneid_daily_check",
              "scams_check": "scams_check", "bills_check": "bills_check",
              "secrets_check": "secrets_check"}


def _app(lesson: str) -> Callable[..., object]:
    """The app factory of ``lesson``, importing its module only."""
    import importlib

    module, name = APP_FACTORIES[lesson]
    factory: Callable[..., object] = getattr(
        importlib.import_module(f"{__package__}.{module}"), name)
    return factory


def _apps() -> dict[str, Callable[..., object]]:
    """Every lesson's app factory (which imports every app)."""
    return {lesson: _app(lesson) for lesson in APP_FACTORIES}


def spoken_texts() -> list[tuple[str, str]]:
    """Every app step's instruction in every language, as «Đọc hướng dẫn» reads it, and
    every practice lesson's own text (``bakhong serve`` makes their audio ahead,
    :func:`.speech.prepare`)."""
    from .appview import AppView
    from .i18n import translator

    views: list[type[AppView]] = []
    for factory in _apps().values():
        module = __import__(factory.__module__, fromlist=["*"])
        views += [v for v in vars(module).values()
                  if isinstance(v, type) and issubclass(v, AppView) and v is not AppView
                  and v.__module__ == module.__name__]
    from .lesson_text import lesson_plain

    texts = []
    for lang in ("vi", "en"):
        tr = translator(lang)
        texts += [(tr(h.instruction), lang) for view in views for h in view.step_help.values()]
        # a practice lesson's own text («🔊 Nghe» in its panel; a check's adds its goal)
        texts += [(lesson_plain(lesson, tr), lang) for lesson in APP_FACTORIES
                  if lesson not in CHECK_APPS]
    return list(dict.fromkeys(texts))


def lesson_app(lesson: str) -> None:
    """The lesson page's app; whatever a library prints or warns meanwhile stays off the
    page (Voila would show it as a red box)."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return
    with quiet():
        _lesson_page(lesson)


def lesson_page() -> None:
    """The page every lesson is served with (``release/page.ipynb``): the lesson comes in
    the request, from the address the phone opened (:mod:`bakhong.lesson_server`), so one
    pool of preheated kernels serves every lesson."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return
    with quiet():
        _lesson_page(None)


def _lesson_page(lesson: str | None) -> None:
    from IPython.display import display

    from .i18n import error_text, translator

    try:
        query = _query()
        if lesson is None:
            lesson = query.get("lesson", [""])[0]
            if lesson not in APP_FACTORIES and not VARIANT_NAME.fullmatch(lesson):
                raise UnknownLesson()
        lang = query.get("lang", [None])[0]
        show_lesson(lesson, query.get("code", [""])[0], lang,
                    query.get(PASS_KEY, [""])[0])
    except Exception as err:  # never Voila's English banner
        import ipywidgets as w

        from .phone import badge, phone_frame

        tr = translator("vi")
        text = html.escape(error_text(err, tr))
        page = phone_frame([badge(tr), w.HTML(f"<p role='alert'>{text}</p>")])
        display(page)  # type: ignore[no-untyped-call]


def lesson_menu(code: str, variants: Mapping[str, VariantEntry] | None = None,
                ) -> list[tuple[str, str, str]]:
    """The lesson menu: (lesson, title, link) of the course's lessons, then the workshop's
    own variants (``variants``: name -> (base, title, text, kept tasks), as the desk tells
    them).

    >>> [name for name, _, _ in lesson_menu("K7M2QX9P", {"payment_xa": ("payment", "Xã", "", ())})
    ...  ][-2:]
    ['secrets_check', 'payment_xa']
    >>> lesson_menu("K7M2QX9P")[0][2]
    '../first_steps/first_steps.ipynb?code=K7M2QX9P'
    """
    # relative links: the same server, whatever its address or base URL (JupyterHub)
    titles = {**LESSON_TITLES, **{name: entry[1] for name, entry in (variants or {}).items()
                                  if name not in LESSON_TITLES}}
    return [(name, title, f"../{name}/{name}.ipynb?code={code}")
            for name, title in titles.items()]


def show_lesson(lesson: str, code: str, lang: str | None = None,
                page_pass: str = "") -> object:
    """Display the learner's course screen, over the learner's desk (:func:`learner_desk`).

    A workshop's variant of a lesson (``bakhong lesson release``) shows its base lesson's
    app, with the variant's own text; «Nộp bài» hands in the variant."""
    from .course import course_screen

    desk = learner_desk(code, page_pass)
    variants = desk.lesson_variants()
    base, text = lesson, None
    kept: tuple[str, ...] = ()  # a course lesson grades all its tasks
    if lesson not in APP_FACTORIES:
        if lesson not in variants:
            raise UnknownLesson()
        base, _title, text, kept = variants[lesson]
    factory = _app(base)
    if kept:  # a variant grading part of its base: its task list shows that part
        factory = _keeping(factory, kept)
    pass_mark = desk.pass_mark()

    def submit() -> str:
        desk.submit(lesson)
        return SUBMITTED

    def score(tr: Translator) -> str:
        latest = desk.latest_submission(lesson)
        if latest is not None and base != lesson:  # a variant's cells are its base's
            import dataclasses

            latest = dataclasses.replace(latest, lesson=base)
        return score_text(latest, tr, pass_mark)

    def grading() -> bool:  # the page's poller shows the score once this turns False
        from bakhong.simulators import submissions

        latest = desk.latest_submission(lesson)
        return latest is not None and latest.status in (submissions.QUEUED,
                                                        submissions.GRADING)

    menu = lesson_menu(desk.learner().code, variants)
    return course_screen(desk, factory,  # type: ignore[arg-type]
                         lang=lang, on_submit=submit, on_score=score, display=True,
                         lessons=menu, current=lesson, is_grading=grading,
                         check=CHECK_APPS.get(base, ""), base=base, text=text)


def _keeping(factory: Callable[..., object], tasks: tuple[str, ...]) -> Callable[..., object]:
    """``factory``, its app built showing ``tasks`` alone (:func:`.appview.keeping_tasks`)."""
    from .appview import keeping_tasks

    def build(*args: object, **kwargs: object) -> object:
        with keeping_tasks(tasks):
            return factory(*args, **kwargs)
    return build


def learner_desk(code: str, page_pass: str = "") -> Desk:
    """The desk of the learner whose page this is.

    Under ``bakhong serve`` (:data:`SOCKET_ENV` set) the kernel is only a view: its calls go
    to the sandbox service with the pass the server gave this page, and nothing here opens
    the store. Without the service (a lesson opened in a trainer's own Jupyter), the
    workshop's store is opened here and the learner looked up by ``code``.
    """
    socket_path = os.environ.get(SOCKET_ENV)
    if socket_path:
        from bakhong.page_pass import named
        from bakhong.sandbox_client import RemoteDesk, ServiceClient

        learner_id = named(page_pass)
        if learner_id is None:
            raise NoLearnerCode()
        return RemoteDesk(ServiceClient(socket_path, page_pass), learner_id)
    from bakhong.simulators import learners
    from bakhong.simulators.desk import LearnerDesk
    from bakhong.simulators.sandbox import SANDBOX_FILE, Sandbox

    if not code.strip():
        raise NoLearnerCode()
    from bakhong.grading.lesson_variants import page_entries

    workshop = _workshop()
    box = Sandbox.open(os.environ.get(STORE_ENV) or workshop / SANDBOX_FILE)
    learner = learners.by_code(box.store, code)
    return LearnerDesk(box, learner.learner_id, pass_mark=_pass_mark(),
                       variants=lambda: page_entries(workshop))


def _pass_mark() -> float:
    """The course's pass mark (``bakhong.toml``), which «Xem điểm» judges by."""
    from bakhong.grading import settings

    try:
        return settings.load(_workshop()).pass_mark
    except Exception:  # a settings file the trainer broke: the default, the page still opens
        return settings.CourseSettings().pass_mark


def score_text(latest: Submission | None, tr: Translator, pass_mark: float = 0.8) -> str:
    """What «Xem điểm» says: not submitted, being graded, failed, or the score.

    A graded score says which tasks are still missing (:attr:`Submission.missing`, named
    by :func:`.task_titles.task_title`), or that everything is done, and whether the
    lesson is passed: at least ``pass_mark`` of the points (the course's pass mark; 0.8
    by default).

    >>> from bakhong.simulators.submissions import Submission
    >>> from bakhong.widgets.i18n import translator
    >>> vi, en = translator("vi"), translator("en")
    >>> score_text(Submission(1, "hv001", "vneid", "", "graded", 5.0, 5.0), vi)
    'Điểm bài này: 5/5. Bạn đã làm xong mọi việc của bài này và đã đạt.'
    >>> swapped = Submission(2, "hv001", "payment", "", "graded", 5.0, 7.0, ("swapped",))
    >>> score_text(swapped, vi)  # doctest: +NORMALIZE_WHITESPACE
    'Điểm bài này: 5/7. Còn thiếu: Từ chối mã QR bị dán đè. Bạn chưa đạt: cần ít nhất 6/7
    điểm. Hãy làm lại việc còn thiếu rồi bấm «Nộp bài» lần nữa.'
    >>> score_text(swapped, en, pass_mark=0.7)  # doctest: +NORMALIZE_WHITESPACE
    'Your score for this lesson: 5/7. Still to do: Refuse a QR code stuck over the real one.
    You have passed this lesson.'
    """
    from bakhong.simulators import submissions

    from .task_titles import task_title

    if latest is None:
        return tr(N_("Bạn chưa nộp bài này. Làm xong thì bấm «Nộp bài»."))
    if latest.status in (submissions.QUEUED, submissions.GRADING):
        return tr(N_("Bài của bạn đang được chấm. Hãy xem lại sau ít phút."))
    if latest.status == submissions.FAILED:
        return tr(N_("Chưa chấm được bài này. Hãy báo người hướng dẫn."))
    score, max_score = float(latest.score or 0), float(latest.max_score or 0)
    parts = [tr(N_("Điểm bài này: {score}/{max_score}.")).format(
        score=f"{score:g}", max_score=f"{max_score:g}")]
    if not max_score:
        return parts[0]
    missing = list(dict.fromkeys(task_title(latest.lesson, grade_id, tr)
                                 for grade_id in latest.missing))
    passed = submissions.passes(score, max_score, pass_mark)
    if missing:
        parts.append(tr(N_("Còn thiếu: {tasks}.")).format(tasks="; ".join(missing)))
    elif submissions.passes(score, max_score, 1.0):
        return " ".join([*parts, tr(N_("Bạn đã làm xong mọi việc của bài này và đã đạt."))])
    if passed:
        parts.append(tr(N_("Bạn đã đạt bài này.")))
    else:
        parts.append(tr(N_("Bạn chưa đạt: cần ít nhất {needed}/{max_score} điểm. Hãy làm lại "
                           "việc còn thiếu rồi bấm «Nộp bài» lần nữa.")).format(
            needed=_points_needed(pass_mark, max_score), max_score=f"{max_score:g}"))
    return " ".join(parts)


def _points_needed(pass_mark: float, max_score: float) -> str:
    """The points a pass needs, as a learner reads them: whole when the lesson's points are.

    >>> _points_needed(0.8, 7), _points_needed(0.8, 10), _points_needed(0.8, 7.5)
    ('6', '8', '6')
    >>> _points_needed(0.75, 2.5)
    '1.875'
    """
    needed = pass_mark * max_score
    if max_score == int(max_score):  # whole points: the next whole number of them
        return f"{math.ceil(needed - 1e-9):d}"  # scores are sums of floats
    return f"{needed:g}"
