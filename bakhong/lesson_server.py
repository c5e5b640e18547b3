"""The Voila application that serves the lessons (``bakhong serve``), hardened for a class.

Voila alone gives a kernel to any request and keeps it until the culler's 15 minutes; a
phone's shutdown call on leaving is refused (its ``_xsrf`` cookie is never set with
preheated kernels, upstream voila#1458). Here, in the server process, before Voila sees a
lesson page:

* **The code is looked up first** (:func:`find_learner`: bounded readings, read-only, off
  the event loop). An unknown code, or none, goes to the join page with its message; no
  kernel is taken. **Guessing is slow:** after :data:`CODE_GUESSES` unknown codes from one
  address in :data:`CODE_WINDOW` seconds, that address is told to wait (429 on ``/join``)
  and no code it types is looked up until the window has passed (the laptop itself is never
  limited; behind a hub's proxy the address is the phone's, :mod:`bakhong.limits`).
  ``template``/``theme`` are dropped from the query: either would make Voila start a fresh
  kernel beside the preheated pool.
* **Each learner page takes a seat** (:class:`bakhong.kernel_seats.KernelSeats`): the
  class's size counts learner kernels only, never the pool; one learner holds at most two
  pages, the latest wins; a full class asks the newcomer to wait (503, retried by itself).
* **A page left frees its kernel within seconds.** The page handler sets the ``_xsrf``
  cookie before the first byte, so the front-end's own ``beforeunload`` beacon
  (``POST /voila/api/shutdown/<kernel>`` with ``_xsrf``) passes Voila's check; it is
  accepted only for a kernel a learner page holds (never a pool kernel). The page also
  sends it on ``pagehide`` (mobile browsers often skip ``beforeunload``). A kernel whose
  websocket closed without the beacon is shut down after a short grace
  (``kernel_seats.CLOSED_GRACE``): the beacon alone is not enough, since a phone that kills
  a tab or loses the Wi-Fi sends nothing. A page that comes back to a freed kernel reloads
  itself, and the learner's state is in the store (``serving._KERNEL_SCRIPT``).
* **Errors are pages in Vietnamese, English below** (:class:`PhoneErrors`, and a 404 for
  any unknown address); JSON APIs the front-end reads stay JSON, without tracebacks.
  There is no login on the lessons' server: Voila's ``/login`` and ``/logout`` go.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import html
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import tornado.ioloop
import tornado.web
from tornado.httputil import HTTPServerRequest

from bakhong import light_page, page_pass, pages
from bakhong.kernel_seats import KernelSeats
from bakhong.limits import AttemptLimiter, phone_address
from bakhong.simulators import learners
from bakhong.simulators.errors import N_, SandboxError, StoreBusy, UnknownLearner
from bakhong.simulators.sandbox import Store
from bakhong.widgets.entry import APP_FACTORIES, LESSON_TITLES, NoLearnerCode, lesson_url

log = logging.getLogger(__name__)

__all__ = ["PROBLEMS", "NotFound", "PhoneErrors", "find_learner", "lesson_server", "problem_text",
           "template_files", "with_phone_errors"]

#: The kernel a page holds, as its page config names it for the front-end.
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


class TooManyCodes(SandboxError):
    """Too many unknown codes from one address: it waits (see the module's notes)."""

    code = "join.too_many"
    message = N_("Đã nhập sai mã nhiều lần. Hãy đợi vài phút rồi thử lại, hoặc nhờ người "
                 "hướng dẫn xem lại thẻ học viên.")


#: Why a code opened no lesson, by the key the join page is sent with.
PROBLEMS: dict[str, type[SandboxError]] = {
    "unknown": UnknownLearner, "no_code": NoLearnerCode, "busy": StoreBusy,
    "too_many": TooManyCodes}
#: Unknown codes one address may type in :data:`CODE_WINDOW` seconds: a resident who
#: mistypes a few times never meets it; a script trying codes gets 20 tries per 10 minutes,
#: about 2,900 a day, against 26^8 (2 x 10^11) codes a card can carry.
CODE_GUESSES, CODE_WINDOW = 20, 600.0
WAIT_RETRY_SECONDS = 15
#: A template's name, as ``/voila/templates/<name>/static/…`` carries it.
TEMPLATE = re.compile(r"[A-Za-z0-9_-]+")
SWEEP_MS = 1000
#: Query arguments that would make Voila start a fresh kernel beside the preheated pool.
UNPOOLED_ARGUMENTS = ("template", "theme")
#: A lesson's address under ``/voila/render/``: ``<lesson>/<lesson>.ipynb``.
LESSON_PATH = re.compile(r"([a-z][a-z0-9_]{0,39})/\1\.ipynb")
#: What Voila renders for every lesson page (``grading.course.PAGE_NOTEBOOK``), told the
#: lesson in the query string: one preheated pool serves every lesson.
PAGE_NOTEBOOK = "page.ipynb"
PAGE_TITLE = re.compile(r"<title>[^<]*</title>")

_lookups = concurrent.futures.ThreadPoolExecutor(max_workers=2,
                                                 thread_name_prefix="bakhong-codes")


def lesson_of(path: str, variants: Mapping[str, str] | None = None) -> str | None:
    """The lesson a page's address names, if the pages can show it: a course lesson, or
    one of the workshop's own ``variants`` (name -> title, ``bakhong lesson release``).

    >>> lesson_of("vneid/vneid.ipynb"), lesson_of("page.ipynb"), lesson_of("vneid/bank.ipynb")
    ('vneid', None, None)
    >>> lesson_of("vneid_xa2/vneid_xa2.ipynb"), lesson_of("vneid_xa2/vneid_xa2.ipynb",
    ...                                                   {"vneid_xa2": "Bài của xã"})
    (None, 'vneid_xa2')
    """
    found = LESSON_PATH.fullmatch(path)
    known = found is not None and (found[1] in APP_FACTORIES or found[1] in (variants or {}))
    return found[1] if found and known else None


def page_title(lesson: str, variants: Mapping[str, str] | None = None) -> str:
    """The tab's title of ``lesson``'s page (its title in Vietnamese)."""
    return html.escape(LESSON_TITLES.get(lesson) or (variants or {}).get(lesson, "bakhong"))


def problem_text(key: str) -> tuple[str, str] | None:
    """The join page's message for ``key`` in Vietnamese and in English (None: unknown key).

    >>> problem_text("unknown")[0]
    'Không tìm thấy học viên với mã này. Hãy kiểm tra lại mã trên thẻ học viên.'
    >>> problem_text("made-up") is None
    True
    """
    from bakhong.widgets.i18n import error_text, translator

    kind = PROBLEMS.get(key)
    if kind is None:
        return None
    return error_text(kind(), translator("vi")), error_text(kind(), translator("en"))


async def find_learner(store: Store, typed: str) -> learners.Learner | str:
    """The learner whose card ``typed`` is, or the key of the problem (:data:`PROBLEMS`).

    A code no card can carry is answered at once, on the event loop (its readings are
    bounded); a card-shaped one is looked up read-only in a worker thread, so a slow store
    never holds the other pages.
    """
    if not typed.strip():
        return "no_code"
    if not learners.card_readings(typed):
        return "unknown"
    try:
        return await asyncio.get_running_loop().run_in_executor(
            _lookups, learners.by_code, store, typed)
    except UnknownLearner:
        return "unknown"
    except SandboxError:
        log.exception("the store could not look a learner code up")
        return "busy"


class PhoneErrors(tornado.web.RequestHandler):
    """An error answers with :func:`bakhong.pages.error_page`: Vietnamese, then English,
    never a traceback or an exception's text."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(pages.error_page(status_code, self.settings.get("base_url", "/")))


class NotFound(PhoneErrors):
    """Any address no handler serves."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


def with_phone_errors(handler: type) -> type:
    """``handler`` answering errors with :class:`PhoneErrors`' pages; JSON APIs unchanged."""
    from jupyter_server.base.handlers import APIHandler

    if issubclass(handler, APIHandler | PhoneErrors):
        return handler
    return type(f"Phone{handler.__name__}", (PhoneErrors, handler), {})


@functools.cache
def template_files() -> type:
    """Voila's handler of ``/voila/templates/<name>/static/…``, with any other path a 404
    (Voila's own handler fails an ``assert`` on ``..%2f…``: a 500)."""
    from voila.static_file_handler import TemplateStaticFileHandler

    class TemplateFiles(TemplateStaticFileHandler):  # type: ignore[misc]
        def parse_url_path(self, path: str) -> str:
            parts = path.split("/", 2)
            if len(parts) < 3 or parts[1] != "static" or not TEMPLATE.fullmatch(parts[0]):
                raise tornado.web.HTTPError(404)
            return str(super().parse_url_path(path))

        @classmethod
        def get_absolute_path(cls, root: str, path: str) -> str:
            try:
                return str(super().get_absolute_path(root, path))
            except (AssertionError, ValueError) as err:
                raise tornado.web.HTTPError(404) from err

    return TemplateFiles


class RoutineKernelLines(logging.Filter):
    """Drops the line Voila's kernel manager logs per kernel started or shut down: four per
    lesson while the preheated pools fill, then one per page opened and per kernel culled.
    A trainer's window shows progress (the pools filled) and problems, not these (issue 13).

    >>> def line(level: int, msg: str) -> logging.LogRecord:
    ...     return logging.LogRecord("Voila", level, "", 0, msg, ("k",), None)
    >>> keep = RoutineKernelLines().filter
    >>> keep(line(logging.INFO, "Kernel started: %s")), keep(line(logging.ERROR, "Kernel %s died"))
    (False, True)
    """

    ROUTINE = ("Kernel started: ", "Kernel shutdown: ")

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno <= logging.INFO and str(record.msg).startswith(self.ROUTINE))


def lesson_server(store: Store, seats: KernelSeats, demo_links: list[tuple[str, str, str]],
                  first_lesson: str, transforms: list[Any], pass_key: bytes | None = None,
                  join_address: Callable[[str, str, str], str] | None = None,
                  behind_proxy: bool = False,
                  variants: Callable[[], Mapping[str, str]] | None = None) -> Any:
    """The Voila application class serving the workshop's ``release/`` folder; ``transforms``
    are tornado's output transforms for every page (``serving.offline_transforms``).

    ``join_address(host, protocol, base_url)`` is the address the join page shows for the
    phones (``serving.class_address``: the laptop's Wi-Fi address when opened on the laptop
    itself); by default the address the page was reached at.

    With ``pass_key`` (the sandbox service's, :mod:`bakhong.page_pass`) each lesson page's
    kernel is handed a pass for the learner whose code was checked, in the query string of
    Voila's request-info message (never in the page sent to the phone).

    Every address the server writes (the join form, its redirects, the class address on the
    join page) is under Voila's ``base_url``: under JupyterHub that is the workshop's prefix,
    ``/user/<trainer>/<workshop>/``. ``behind_proxy`` (a hub's proxy in front) trusts its
    ``X-Forwarded-For``/``-Proto`` headers, so the class address shows ``https`` when the
    proxy's does.

    ``variants`` gives the workshop's own variants of lessons (name -> title), asked on each
    page opened, so a variant released while the class runs opens too."""
    from jupyter_core.utils import ensure_async
    from voila.app import Voila
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    shutting: set[asyncio.Task[None]] = set()

    def shut_down(kernel_manager: Any, kernels: Iterable[str]) -> None:
        async def one(kernel: str) -> None:
            try:
                await ensure_async(kernel_manager.shutdown_kernel(kernel))
                log.info("learner page left: kernel %s shut down", kernel)
            except Exception as err:  # gone already, or culled meanwhile
                log.debug("kernel %s not shut down: %s", kernel, err)

        for kernel in kernels:
            task = asyncio.ensure_future(one(kernel))
            shutting.add(task)
            task.add_done_callback(shutting.discard)

    guesses = AttemptLimiter(CODE_GUESSES, CODE_WINDOW)

    async def learner_of(request: HTTPServerRequest, typed: str) -> learners.Learner | str:
        """:func:`find_learner`, unless the phone that sent ``request`` has typed too many
        unknown codes lately (``"too_many"``, nothing looked up); an unknown code counts."""
        client = phone_address(request, behind_proxy)
        if guesses.retry_after(client, time.monotonic()):
            return "too_many"
        found = await find_learner(store, typed)
        if found == "unknown":
            guesses.begin(client, time.monotonic())
        return found

    def join_url(base: str, problem: str, typed: str) -> str:
        query = {"problem": problem}
        if 0 < len(typed.strip()) <= pages.ECHO_CHARS:
            query["code"] = typed.strip()
        return f"{base}?{urlencode(query)}"

    class JoinHandler(PhoneErrors):
        """``/`` and ``/join?code=…``: a typed code opens the learner's first lesson."""

        def page(self, problem: str = "", typed: str = "") -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            base = self.settings.get("base_url", "/")
            address = (join_address(self.request.host, self.request.protocol, base)
                       if join_address else f"{self.request.protocol}://{self.request.host}{base}")
            self.finish(pages.join_page(address, demo_links, problem_text(problem), typed))

        async def get(self) -> None:
            typed = self.get_argument("code", "")
            if not self.request.path.rstrip("/").endswith("join"):
                self.page(self.get_argument("problem", ""), typed)
                return
            found = await learner_of(self.request, typed)
            if isinstance(found, str):
                if found == "too_many":
                    self.set_status(429)
                    wait = guesses.retry_after(phone_address(self.request, behind_proxy),
                                               time.monotonic())
                    self.set_header("Retry-After", str(max(wait, 1)))
                self.page(found, typed)
                return
            base = self.settings.get("base_url", "/")
            self.redirect(base.rstrip("/") + lesson_url(first_lesson, found.code))

    class LessonPage(PhoneErrors, TornadoVoilaHandler):  # type: ignore[misc]
        """A lesson page: a learner's code, a seat, then Voila's page with its kernel."""

        @tornado.web.authenticated
        async def get(self, path: str | None = None) -> None:
            titles = variants() if variants is not None else {}
            lesson = lesson_of(path or "", titles)
            if lesson is None:  # the page notebook itself, or no lesson at all
                raise tornado.web.HTTPError(404)
            for name in UNPOOLED_ARGUMENTS:
                self.request.arguments.pop(name, None)
            typed = self.get_argument("code", "")
            found = await learner_of(self.request, typed)
            if isinstance(found, str):
                self.redirect(join_url(self.settings.get("base_url", "/"), found, typed))
                return
            seat, out = seats.admit(found.learner_id)
            shut_down(self.kernel_manager, out)
            if seat is None:
                self.set_status(503)
                self.set_header("Retry-After", str(WAIT_RETRY_SECONDS))
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(pages.wait_page(WAIT_RETRY_SECONDS))
                return
            # what the kernel is told in the request-info message: the lesson (from the
            # address, never the phone's ``lesson=``) and the pass for this learner's desk
            kept = [(k, v) for k, v in parse_qsl(self.request.query, keep_blank_values=True)
                    if k not in (page_pass.QUERY_KEY, "lesson")]
            kept.append(("lesson", lesson))
            if pass_key is not None:
                kept.append((page_pass.QUERY_KEY, page_pass.mint(pass_key, found.learner_id)))
            self.request.query = urlencode(kept)
            _ = self.xsrf_token  # sets the _xsrf cookie: the page's shutdown beacon needs it
            seen, titled = "", False
            try:
                async for chunk in self.get_generator(path=PAGE_NOTEBOOK):
                    title_at = None if titled else PAGE_TITLE.search(chunk)
                    if title_at is not None:  # the tab says the lesson
                        chunk = (chunk[:title_at.start()] + f"<title>{page_title(lesson, titles)}"
                                 f"</title>" + chunk[title_at.end():])
                        titled = True
                    if seat.kernel is None:
                        named = KERNEL_ID.search(seen + chunk)
                        if named and seats.bind(seat, named[1]):
                            shut_down(self.kernel_manager, [named[1]])
                        seen = chunk[-100:]
                    self.write(chunk)
                    self.flush()
            finally:
                seats.release(seat)  # only if its page never named a kernel

    class LeaveHandler(VoilaShutdownKernelHandler):  # type: ignore[misc]
        """The page's beacon on leaving; only for a kernel a learner page holds."""

        @tornado.web.authenticated
        async def post(self, kernel_id: str) -> None:
            if not seats.left(kernel_id):
                raise tornado.web.HTTPError(404, "no learner page holds this kernel")
            shut_down(self.kernel_manager, [kernel_id])
            self.set_status(204)
            self.finish()

    class KernelSocket(VoilaKernelWebsocketHandler):  # type: ignore[misc]
        """The page's kernel websocket, counted for its seat."""

        tracked: str | None = None

        async def open(self, kernel_id: str) -> None:
            self.tracked = kernel_id
            seats.connected(kernel_id)
            await super().open(kernel_id)

        def on_close(self) -> None:
            if self.tracked:
                seats.disconnected(self.tracked)
                self.tracked = None
            super().on_close()

    class ToTheClass(PhoneErrors):
        """The workshop's prefix without its last slash (``/user/t/lop``): the join page."""

        def get(self) -> None:
            self.redirect(self.settings.get("base_url", "/"))

    class LessonVoila(Voila):  # type: ignore[misc]
        def listen(self) -> None:
            if behind_proxy:
                plain = self.app.listen

                def listen(port: int, address: str = "", **kwargs: Any) -> Any:
                    return plain(port, address, xheaders=True, **kwargs)
                self.app.listen = listen
            super().listen()

        def init_settings(self) -> dict[str, Any]:
            self.log.addFilter(RoutineKernelLines())  # the kernel manager logs through it
            settings: dict[str, Any] = super().init_settings()
            settings["transforms"] = transforms
            settings["default_handler_class"] = NotFound
            return settings

        def init_handlers(self) -> list[Any]:
            replaced = {TornadoVoilaHandler: LessonPage, VoilaShutdownKernelHandler: LeaveHandler,
                        VoilaKernelWebsocketHandler: KernelSocket,
                        TemplateStaticFileHandler: template_files()}
            # the light page's files first (bakhong.light_page): Voila's routes end in catch-alls
            handlers: list[Any] = [(url, with_phone_errors(handler), *rest) for url, handler, *rest
                                   in light_page.handlers(self.server_url)]
            for url, handler, *rest in super().init_handlers():
                if url.rstrip("$").endswith(("/login", "/logout")):
                    continue  # no login on the lessons' server
                if handler is TornadoVoilaTreeHandler and url == self.server_url:
                    handlers += [(url, JoinHandler), (url + "join", JoinHandler)]
                    if url.rstrip("/"):
                        handlers.append((re.escape(url.rstrip("/")), ToTheClass))
                    continue
                handlers.append((url, with_phone_errors(replaced.get(handler, handler)), *rest))
            self._sweeper = tornado.ioloop.PeriodicCallback(self.sweep_seats, SWEEP_MS)
            self._sweeper.start()
            return handlers

        def sweep_seats(self) -> None:
            running = set(self.kernel_manager.list_kernel_ids())
            shut_down(self.kernel_manager, seats.sweep(running))

    return LessonVoila
