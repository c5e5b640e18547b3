"""Serving the lessons to phones with Voila, configured for a workshop.

The settings come from stack-notes: kernels on Unix sockets (TCP ports race when
many pages open at once), a pool of preheated kernels, idle kernels culled (a
closed tab does not free its kernel), no tracebacks, no sources, only the
``release/`` folder on show. The home page at ``/`` is ours: the lessons, and in
the demo a link per fictional learner (never outside the demo).
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from bakhong import light_page
from bakhong.simulators.errors import N_, SandboxError
from bakhong.static_caching import static_caching
from bakhong.widgets.entry import lesson_url

log = logging.getLogger(__name__)

__all__ = ["AddressNotHere", "PortInUse", "PortNotAllowed", "RoutineKernelLines", "check_port",
           "lesson_url", "offline_transforms", "run", "voila_config"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866
POOL_SIZE = 4
CULL_IDLE_SECONDS = 900
#: Live kernels one 2-core laptop holds (50 active phones, the preheated pool, a margin).
MAX_KERNELS = 64
WAIT_RETRY_SECONDS = 15


#: The largest websocket message: a phone photo of a QR code (up to 10 MB, qrimage) travels
#: as one widget message; tornado's default (10 MiB) would drop the connection.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


def voila_config(
    *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, pool_size: int = POOL_SIZE,
) -> Any:
    """Voila's configuration for a workshop (traitlets ``Config``)."""
    from traitlets.config import Config

    config = Config()
    config.Voila.ip = host
    config.Voila.port = port
    config.Voila.port_retries = 0
    config.Voila.tornado_settings = {"websocket_max_message_size": MAX_MESSAGE_BYTES,
                                     **light_page.tornado_settings()}
    config.Voila.open_browser = False
    # Unix sockets: no TCP port race. Windows has none: BAKHONG_KERNEL_TRANSPORT=tcp there.
    config.KernelManager.transport = os.environ.get("BAKHONG_KERNEL_TRANSPORT", "ipc")
    config.VoilaConfiguration.preheat_kernel = True
    config.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": pool_size}}
    config.VoilaKernelManager.fill_delay = 0
    # Where a preheated kernel asks for its request (bakhong.widgets.entry.request_info).
    local = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    config.VoilaKernelManager.default_env_variables = {"VOILA_APP_IP": local}
    # Under load a cell's output can come seconds after the kernel's reply: Voila's default
    # (4 s) then sends the page without the app (bench/README.md, problem 2).
    config.VoilaExecutor.iopub_timeout = 60
    config.VoilaConfiguration.show_tracebacks = False
    config.VoilaConfiguration.strip_sources = True
    # A phone loads only the widget managers, not every JupyterLab extension installed beside
    # (nbgrader's, jupytext's, notebook's …): less JavaScript to fetch and run on a cheap phone.
    config.VoilaConfiguration.extension_allowlist = [
        "@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]
    config.HTMLExporter.language_code = "vi"  # <html lang="vi">: screen readers speak Vietnamese
    config.MappingKernelManager.cull_idle_timeout = CULL_IDLE_SECONDS
    config.MappingKernelManager.cull_interval = 60
    config.MappingKernelManager.cull_connected = True
    return config


_CDN_LINK = re.compile(rb'\s*<link rel="stylesheet" href="https://cdn\.jsdelivr\.net/[^"]*"[^>]*>')


#: Sets ``<html lang>`` from the course page's class (``bk-lang-en`` …): Voila's page says
#: ``vi``, and a learner who switched to English must be read with an English voice.
_LANG_SCRIPT = (b"<script>(function(){var set=function(){var p=document.querySelector("
                b"'.bk-phone[class*=\"bk-lang-\"]');if(!p)return;var m=p.className.match("
                b"/bk-lang-([a-z]+)/);var l=m&&m[1]==='en'?'en':'vi';if(document."
                b"documentElement.lang!==l)document.documentElement.lang=l;};new "
                b"MutationObserver(set).observe(document.documentElement,{subtree:true,"
                b"attributes:true,attributeFilter:['class'],childList:true});})();</script>")


def _offline(chunk: bytes) -> bytes:
    """Drop the stylesheet links Voila's lab template loads from a CDN.

    A workshop runs on a laptop's Wi-Fi, often with no internet: a phone must never wait on
    a third-party host (the icons the apps use are bundled with the widgets).

    >>> page = _offline(b'<head>\\n  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/'
    ...                 b'x.css" type="text/css" />\\n</head>')
    >>> page.startswith(b'<head>\\n<script>') and page.endswith(b'</script></head>')
    True

    It also adds the script that keeps ``<html lang>`` in the page's language.
    """
    chunk = _CDN_LINK.sub(b"", chunk) if b"cdn.jsdelivr.net" in chunk else chunk
    return chunk.replace(b"</head>", _LANG_SCRIPT + b"</head>", 1) if b"</head>" in chunk \
        else chunk


class PortInUse(SandboxError):
    """The address to serve on is taken: the class may already be running."""

    code = "serve.port_in_use"
    message = N_("Cổng {port} trên {host} đang được một chương trình khác dùng (có thể lớp học "
                 "đang chạy ở cửa sổ khác). Hãy dừng chương trình đó, hoặc chọn cổng khác "
                 "bằng --port.")


class PortNotAllowed(SandboxError):
    """A port below 1024 without the rights to it."""

    code = "serve.port_not_allowed"
    message = N_("Máy không cho phép mở cổng {port}. Hãy chọn cổng từ 1024 trở lên, ví dụ "
                 "--port 8866.")


class AddressNotHere(SandboxError):
    """The host to serve on is not an address of this laptop (its Wi-Fi address changed)."""

    code = "serve.address_not_here"
    message = N_("Máy này không có địa chỉ {host} (địa chỉ Wi-Fi có thể đã đổi). Hãy dùng "
                 "--host 0.0.0.0 để mở cho cả mạng Wi-Fi, hoặc --host với địa chỉ hiện tại "
                 "của máy.")


def check_port(host: str, port: int) -> None:
    """Refuse to start, with a typed error, when ``host:port`` cannot be listened on.

    Voila would find out only after the workshop is built and the links are printed, and
    say it in English (or with a traceback); this asks first, binding as tornado does
    (``SO_REUSEADDR``, so a port left in TIME_WAIT by a server just stopped is not refused).
    """
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise AddressNotHere(f"{host}: {err}", host=host) from err
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            detail = f"{host}:{port}: {err.strerror or err}"
            if err.errno == errno.EADDRINUSE:
                raise PortInUse(detail, host=host, port=port) from err
            if err.errno == errno.EACCES:
                raise PortNotAllowed(detail, port=port) from err
            raise AddressNotHere(detail, host=host) from err


@functools.cache
def offline_transforms() -> list[Any]:
    """Tornado's output transforms for every page we serve: the static files' Cache-Control
    (:mod:`bakhong.static_caching`), :func:`_offline`, then gzip.

    Phones share the laptop's Wi-Fi: Voila's front-end is about 5 MB of JavaScript, gzip
    sends about a quarter of it (after the CDN links are dropped).
    """
    import tornado.web

    class OfflinePage(tornado.web.OutputTransform):
        html_page = False

        def transform_first_chunk(self, status_code: int, headers: Any, chunk: bytes,
                                  finishing: bool) -> tuple[int, Any, bytes]:
            self.html_page = str(headers.get("Content-Type", "")).startswith("text/html")
            if self.html_page:
                chunk = _offline(chunk)
                if "Content-Length" in headers:
                    headers["Content-Length"] = str(len(chunk))
            return status_code, headers, chunk

        def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
            return _offline(chunk) if self.html_page else chunk

    return [static_caching(), OfflinePage, tornado.web.GZipContentEncoding]


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


def _prepare_speech() -> None:
    """Make the audio of every step's instruction ahead (``WORKSHOP/audio``), off the
    serving thread: the first learner at a step then hears it at once."""
    from bakhong.widgets import entry, speech

    try:
        made = speech.prepare(entry.spoken_texts())
    except Exception:  # the voice is a help; a failure here must not stop the class
        log.exception("could not prepare the spoken instructions")
        return
    if made:
        log.info("spoken instructions prepared: %d", made)


def run(workshop: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
        demo_links: bool = False, max_kernels: int = MAX_KERNELS) -> None:
    """Serve the workshop until stopped (one SIGTERM stops Voila cleanly).

    Also starts the grading worker, and stops it when Voila stops.
    """
    import tornado.web
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    from bakhong import pages
    from bakhong.grading import settings
    from bakhong.grading.course import LESSONS, put_environment_on_path, release_missing
    from bakhong.grading.workshop import open_sandbox
    from bakhong.kernelspec import ensure_installed
    from bakhong.simulators import learners

    settings.require_workshop(workshop)  # before anything is written into a mistyped folder
    check_port(host, port)
    ensure_installed()
    put_environment_on_path()
    os.environ["BAKHONG_WORKSHOP"] = str(workshop.resolve())
    os.environ["BAKHONG_STORE_URL"] = settings.load(workshop).store_url_for(workshop)
    added = release_missing(workshop)  # a workshop made by an older kit
    if added:
        print(f"Thêm bài học mới / lessons added: {', '.join(added)}", flush=True)
    box = open_sandbox(workshop)
    threading.Thread(target=_prepare_speech, name="bakhong-speech", daemon=True).start()
    links: list[tuple[str, str, str]] = []
    if demo_links:
        links = [(le.full_name, le.commune, lesson_url(LESSONS[0], le.code))
                 for le in learners.all_learners(box.store)]

    class JoinHandler(tornado.web.RequestHandler):
        """``/`` and ``/join?code=…``: a typed code opens the learner's first lesson."""

        def page(self, error: str | None = None, typed: str = "") -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            address = f"{self.request.protocol}://{self.request.host}/"
            self.write(pages.join_page(address, links, error, typed))

        def get(self) -> None:
            typed = self.get_argument("code", "")
            if not self.request.path.rstrip("/").endswith("join"):
                self.page()
                return
            try:
                learner = learners.by_code(box.store, typed)
            except SandboxError as err:
                self.page(str(err), typed)
                return
            self.redirect(lesson_url(LESSONS[0], learner.code))

    class CappedVoilaHandler(TornadoVoilaHandler):  # type: ignore[misc]
        """Beyond ``max_kernels`` live kernels, a friendly page that retries by itself."""

        async def get(self, path: str | None = None) -> None:
            if len(self.kernel_manager.list_kernel_ids()) >= max_kernels:
                self.set_status(503)
                self.set_header("Retry-After", str(WAIT_RETRY_SECONDS))
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(pages.wait_page(WAIT_RETRY_SECONDS))
                return
            await super().get(path)

    class BakhongVoila(Voila):  # type: ignore[misc]
        def init_settings(self) -> dict[str, Any]:
            self.log.addFilter(RoutineKernelLines())  # the kernel manager logs through it
            settings: dict[str, Any] = super().init_settings()
            settings["transforms"] = offline_transforms()
            return settings

        def init_handlers(self) -> list[Any]:
            handlers: list[Any] = light_page.handlers(self.server_url)
            for url, handler, *rest in super().init_handlers():
                if handler is TornadoVoilaTreeHandler and url == self.server_url:
                    handlers += [(url, JoinHandler), (url + "join", JoinHandler)]
                elif handler is TornadoVoilaHandler:
                    handlers.append((url, CappedVoilaHandler, *rest))
                else:
                    handlers.append((url, handler, *rest))
            return handlers

    config = voila_config(host=host, port=port)
    light_page.configure(config, light_page.page_choice())  # BAKHONG_PAGE=lab: Voila's page
    worker = subprocess.Popen([sys.executable, "-m", "bakhong.grading.worker",
                               str(workshop.resolve())])
    try:
        BakhongVoila.launch_instance([str(workshop.resolve() / "release")], config=config)
    finally:
        worker.terminate()  # it finishes the submission it is grading, then stops
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
        box.close()


def main() -> None:  # python -m bakhong.serving WORKSHOP [demo]
    run(Path(sys.argv[1]), demo_links="demo" in sys.argv[2:])


if __name__ == "__main__":
    main()
