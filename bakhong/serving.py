"""Serving the lessons to phones with Voila, configured for a workshop.

The settings come from stack-notes: kernels on Unix sockets (TCP ports race when
many pages open at once), a pool of preheated kernels, idle kernels culled as a last
resort, no tracebacks, no sources, only the ``release/`` folder on show. The server
itself (:mod:`bakhong.lesson_server`) checks a page's learner code before a kernel is
taken, counts learner kernels against the class's size (never the pool), and frees a
page's kernel when the page is left. The home page at ``/`` is ours: the lessons, and in
the demo a link per fictional learner (never outside the demo).
"""

from __future__ import annotations

import errno
import functools
import ipaddress
import logging
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bakhong import light_page, page_pass
from bakhong.simulators.errors import N_, SandboxError
from bakhong.static_caching import static_caching
from bakhong.widgets.entry import lesson_url
from bakhong.widgets.phone import page_script

log = logging.getLogger(__name__)

__all__ = ["AddressNotHere", "HubPlace", "NotUnderHub", "PortInUse", "PortNotAllowed",
           "check_port", "forget_the_hub", "hub_place", "lesson_url", "offline_transforms", "run",
           "voila_config"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866
#: Preheated kernels waiting for a page, of any lesson (one pool: every lesson page renders
#: ``release/page.ipynb``, see bakhong.lesson_server; before issue 17 four per lesson, 24).
POOL_SIZE = 4
#: The culler is a last resort: a page left frees its kernel within seconds
#: (bakhong.kernel_seats), a page still open keeps it as long as it is open.
CULL_IDLE_SECONDS = 900
#: Voila's ``preheat_denylist`` pattern: every notebook but ``release/page.ipynb`` (Voila
#: matches it against the notebook's full path when the pools are first filled).
PRELOAD_ONLY_THE_PAGE = r"^(?!(.*/)?page\.ipynb$)"
#: The grading worker's server (``grading.worker.main``): its pid, given by ``serve``.
SERVER_PID_ENV = "BAKHONG_SERVER_PID"
#: The class's size: learner pages (kernels) served at once, the preheated pool not counted
#: (50 phones, a reload or a second tab for some, a margin).
MAX_KERNELS = 64


#: The largest websocket message: a phone photo of a QR code (up to 10 MB, qrimage) travels
#: as one widget message; tornado's default (10 MiB) would drop the connection.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


def _shut_in_the_pages(config: Any) -> None:
    """Page kernels start through :mod:`bakhong.page_kernel`: shut in by Landlock, they read
    nothing of the workshop (its store, gradebook, keys, the other kernels' files)."""
    from bakhong.page_kernel import PageKernelSpecs, landlock_abi

    config.VoilaConfiguration.kernel_spec_manager_class = PageKernelSpecs
    if landlock_abi() == 0:
        log.warning("Máy này không có Landlock (Linux 5.13 trở lên): trang của học viên đọc "
                    "được tệp của lớp / this system has no Landlock (Linux 5.13 or later): "
                    "the learners' kernels can read the workshop's files")


def voila_config(
    *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, pool_size: int = POOL_SIZE,
    base_url: str = "/",
) -> Any:
    """Voila's configuration for a workshop (traitlets ``Config``); ``base_url`` is the
    path every address is served under (``/`` on a laptop, the hub's prefix under a hub)."""
    from traitlets.config import Config

    config = Config()
    config.Voila.ip = host
    config.Voila.port = port
    config.Voila.base_url = base_url
    config.Voila.port_retries = 0
    config.Voila.tornado_settings = {"websocket_max_message_size": MAX_MESSAGE_BYTES,
                                     **light_page.tornado_settings()}
    config.Voila.open_browser = False
    # Unix sockets: no TCP port race. Windows has none: BAKHONG_KERNEL_TRANSPORT=tcp there.
    config.KernelManager.transport = os.environ.get("BAKHONG_KERNEL_TRANSPORT", "ipc")
    config.VoilaConfiguration.preheat_kernel = True
    config.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": pool_size}}
    # One pool for every lesson: pages render release/page.ipynb (lesson_server), whose
    # kernels are views that can show any lesson; the lessons' own notebooks get none.
    config.VoilaKernelManager.preheat_denylist = [PRELOAD_ONLY_THE_PAGE]
    config.VoilaKernelManager.fill_delay = 0
    # Where a preheated kernel asks for its request (bakhong.widgets.entry.request_info).
    local = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    config.VoilaKernelManager.default_env_variables = {"VOILA_APP_IP": local}
    # Under load a cell's output can come seconds after the kernel's reply: Voila's default
    # (4 s) then sends the page without the app (bench/README.md, problem 2).
    config.VoilaExecutor.iopub_timeout = 60
    config.VoilaConfiguration.show_tracebacks = False
    # ?template= or ?theme= would make Voila start a fresh kernel beside the pool
    config.VoilaConfiguration.allow_template_override = "NO"
    config.VoilaConfiguration.allow_theme_override = "NO"
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


#: Frees the page's kernel when the page is left, and brings back a page whose kernel was
#: freed meanwhile; the kernel is named in the light page's ``bk-page-config``
#: (:mod:`bakhong.light_page`) or the lab page's ``jupyter-config-data``. Voila's front-end
#: sends its shutdown beacon on ``beforeunload`` only, which phones often skip: this sends
#: the same beacon (with the ``_xsrf`` cookie the page handler set) on ``pagehide``; the
#: light page's front-end sends none of its own. A page shown again (back button, phone
#: unlocked, Wi-Fi back, or every 20 s while visible) whose kernel is gone reloads: the
#: server gives it a new kernel, and the learner's state is in the store.
_KERNEL_SCRIPT = (b"<script>(function(){var cfg=function(){var e=document.getElementById("
                  b"'bk-page-config')||document.getElementById('jupyter-config-data');"
                  b"if(!e)return null;try{return JSON.parse(e.textContent"
                  b")}catch(x){return null}};var url=function(p){var c=cfg();return c&&c.kernelId"
                  b"?(c.baseUrl||'/')+p+c.kernelId:null};addEventListener('pagehide',function(){"
                  b"var u=url('voila/api/shutdown/');if(!u||!navigator.sendBeacon)return;var m="
                  b"document.cookie.match(/\\b_xsrf=([^;]*)\\b/);var f=new FormData();f.append("
                  b"'_xsrf',m?m[1]:'');navigator.sendBeacon(u,f)});var check=function(){var u="
                  b"url('api/kernels/');if(!u||document.hidden)return;fetch(u,{cache:'no-store'"
                  b"}).then(function(r){if(r.status===404)location.reload()},function(){})};"
                  b"addEventListener('pageshow',function(e){if(e.persisted)check()});document."
                  b"addEventListener('visibilitychange',check);addEventListener('online',check);"
                  b"setInterval(check,20000)})();</script>")


def _offline(chunk: bytes) -> bytes:
    """Drop the stylesheet links Voila's lab template loads from a CDN.

    A workshop runs on a laptop's Wi-Fi, often with no internet: a phone must never wait on
    a third-party host (the icons the apps use are bundled with the widgets).

    >>> page = _offline(b'<head>\\n  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/'
    ...                 b'x.css" type="text/css" />\\n</head>')
    >>> page.startswith(b'<head>\\n<script>') and page.endswith(b'</script></head>')
    True

    It also adds the script that keeps ``<html lang>`` in the page's language, the one
    that frees the page's kernel on leaving (:data:`_KERNEL_SCRIPT`), and the widgets' page
    script (:mod:`bakhong.widgets.page_script`: number pads, new screens at their top).
    """
    chunk = _CDN_LINK.sub(b"", chunk) if b"cdn.jsdelivr.net" in chunk else chunk
    return chunk.replace(b"</head>", _LANG_SCRIPT + _KERNEL_SCRIPT + page_script() + b"</head>",
                         1) \
        if b"</head>" in chunk else chunk


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


def class_address(bound: str, reached: str, protocol: str = "http", base: str = "/") -> str:
    """The address the join page shows (and its QR code) for the phones to open.

    ``bound`` is the host Voila listens on, ``reached`` the ``Host`` the page was asked
    for. Served on the workshop Wi-Fi (``0.0.0.0``) but opened on the laptop itself
    (``127.0.0.1``, ``localhost``), the page would show an address no phone can open: it
    shows the laptop's own address on its network (:func:`lan_address`) instead. Otherwise
    the address as it was reached (a phone that reached it, or a laptop serving on
    ``127.0.0.1`` only: the page then says so, ``bakhong.pages``). ``base`` is the server's
    path prefix (Voila's ``base_url``).

    >>> class_address("127.0.0.1", "127.0.0.1:8866")
    'http://127.0.0.1:8866/'
    >>> class_address("0.0.0.0", "192.168.1.10:8866", base="/lop-a/")
    'http://192.168.1.10:8866/lop-a/'
    """
    from urllib.parse import urlsplit

    parts = urlsplit(f"//{reached}")
    loopback = parts.hostname == "localhost"
    if parts.hostname and not loopback:
        try:
            loopback = ipaddress.ip_address(parts.hostname).is_loopback
        except ValueError:
            loopback = False
    if bound in ("", "0.0.0.0", "::") and loopback:
        found = lan_address()
        if found:
            port = f":{parts.port}" if parts.port else ""
            return f"{protocol}://{found}{port}{base}"
    return f"{protocol}://{reached}{base}"


def lan_address() -> str | None:
    """This laptop's IPv4 address on its network, found without sending anything.

    A UDP socket "connected" to a private address only picks the route (the interface of
    the default route); with no such route (a laptop's own hotspot, no internet), the first
    private address of an interface that is up. ``None`` when there is none.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 9))  # nothing is sent: UDP has no handshake
            found = str(probe.getsockname()[0])
        if not ipaddress.ip_address(found).is_loopback and found != "0.0.0.0":
            return found
    except OSError:
        pass
    try:
        import psutil
    except ImportError:
        return None
    up = {name for name, stats in psutil.net_if_stats().items() if stats.isup}
    candidates = []
    for name, addresses in psutil.net_if_addrs().items():
        if name not in up or name.startswith(("lo", "docker", "br-", "veth", "virbr")):
            continue
        for address in addresses:
            if address.family == socket.AF_INET:
                ip = ipaddress.ip_address(address.address)
                if ip.is_private and not ip.is_loopback and not ip.is_link_local:
                    candidates.append((not name.startswith("wl"), name, address.address))
    return min(candidates)[2] if candidates else None


class NotUnderHub(SandboxError):
    """``serve --hub`` outside a JupyterHub spawn: no address or prefix was given."""

    code = "serve.not_under_hub"
    message = N_("«bakhong serve --hub» chỉ chạy khi JupyterHub khởi động lớp học (thiếu biến "
                 "{name}). Trên máy tính xách tay, hãy bỏ --hub.")


#: What a hub puts in a server's environment that no kernel may see: its API token (it acts
#: as the trainer on the hub), the OAuth client and the rest. ``serve --hub`` reads the
#: address and prefix, then drops every variable with these prefixes before a kernel starts.
HUB_VARIABLES = ("JUPYTERHUB_", "JPY_")


@dataclass(frozen=True)
class HubPlace:
    """Where a hub's spawner wants the workshop served: host, port and path prefix."""

    host: str
    port: int
    base_url: str


def hub_place(environ: Mapping[str, str] | None = None) -> HubPlace:
    """The address and prefix a JupyterHub spawner gives its server.

    >>> hub_place({"JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:41234/user/thao/lop-a/",
    ...            "JUPYTERHUB_SERVICE_PREFIX": "/user/thao/lop-a/"})
    HubPlace(host='127.0.0.1', port=41234, base_url='/user/thao/lop-a/')

    KubeSpawner binds every address of the pod (``http://:8888/…``): that is ``0.0.0.0``.
    """
    from urllib.parse import urlsplit

    env = os.environ if environ is None else environ
    for name in ("JUPYTERHUB_SERVICE_URL", "JUPYTERHUB_SERVICE_PREFIX"):
        if not env.get(name):
            raise NotUnderHub(name=name)
    bind = urlsplit(env["JUPYTERHUB_SERVICE_URL"])
    prefix = env["JUPYTERHUB_SERVICE_PREFIX"]
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    return HubPlace(bind.hostname or "0.0.0.0", bind.port or 8888, prefix)


def forget_the_hub() -> None:
    """Drop the hub's variables (:data:`HUB_VARIABLES`) from this process's environment,
    which the sandbox service, the grading worker and every kernel inherit."""
    for name in [n for n in os.environ if n.startswith(HUB_VARIABLES)]:
        del os.environ[name]


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
        demo_links: bool = False, max_kernels: int = MAX_KERNELS,
        pool_size: int = POOL_SIZE, backups: tuple[Path, str, float] | None = None,
        base_url: str = "/", behind_proxy: bool = False) -> None:
    """Serve the workshop until stopped (one SIGTERM stops Voila cleanly).

    ``max_kernels`` is the class's size: learner pages served at once, the ``pool_size``
    preheated kernels of each lesson not counted. Also starts the grading worker, and stops
    it when Voila stops. ``backups`` = (folder, passphrase, minutes): a backup every so many
    minutes while serving (:func:`bakhong.grading.backup.keep_backing_up`). ``base_url``
    and ``behind_proxy``: served under a hub's prefix, behind its proxy (``serve --hub``).
    """
    from bakhong.grading import settings
    from bakhong.grading.course import LESSONS, put_environment_on_path, release_missing
    from bakhong.grading.lesson_variants import page_entries
    from bakhong.grading.workshop import open_sandbox
    from bakhong.kernel_seats import KernelSeats
    from bakhong.kernelspec import ensure_installed
    from bakhong.lesson_server import lesson_server
    from bakhong.simulators import learners

    settings.require_workshop(workshop)  # before anything is written into a mistyped folder
    check_port(host, port)
    page = light_page.page_choice()  # BAKHONG_PAGE=lab: Voila's own page; a typo stops here
    ensure_installed()
    put_environment_on_path()
    # the kernels inherit this environment: an audio folder and the service's socket, no store
    for name in ("BAKHONG_WORKSHOP", "BAKHONG_STORE_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("BAKHONG_AUDIO_CACHE", str(workshop.resolve() / "audio"))
    # there before the first kernel: page kernels are let read it (bakhong.page_kernel)
    Path(os.environ["BAKHONG_AUDIO_CACHE"]).mkdir(parents=True, exist_ok=True)
    added = release_missing(workshop)  # a workshop made by an older kit
    if added:
        print(f"Thêm bài học mới / lessons added: {', '.join(added)}", flush=True)
    box = open_sandbox(workshop)
    threading.Thread(target=_prepare_speech, name="bakhong-speech", daemon=True).start()
    links: list[tuple[str, str, str]] = []
    if demo_links:
        links = [(le.full_name, le.commune, lesson_url(LESSONS[0], le.code))
                 for le in learners.all_learners(box.store)]
    key = page_pass.new_key()
    service = SandboxService.start(workshop.resolve(), key)
    server = lesson_server(box.store, KernelSeats(max_kernels), links, LESSONS[0],
                           offline_transforms(), pass_key=key, behind_proxy=behind_proxy,
                           # behind a hub's proxy the address reached is the public one
                           join_address=None if behind_proxy
                           else functools.partial(class_address, host),
                           variants=lambda: {name: entry[1] for name, entry
                                             in page_entries(workshop).items()})
    # the worker is told who its server is: killed before it could watch, it still knows
    worker = subprocess.Popen([sys.executable, "-m", "bakhong.grading.worker",
                               str(workshop.resolve())],
                              env={**os.environ, SERVER_PID_ENV: str(os.getpid())})
    stop_backups = _start_backups(workshop, backups)
    config = voila_config(host=host, port=port, pool_size=pool_size, base_url=base_url)
    _shut_in_the_pages(config)
    light_page.configure(config, page)
    try:
        server.launch_instance([str(workshop.resolve() / "release")], config=config)
    finally:
        stop_backups.set()
        worker.terminate()  # it finishes the submission it is grading, then stops
        service.stop()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
        box.close()


class SandboxService:
    """The sandbox service's process (:mod:`bakhong.sandbox_service`), for ``serve``.

    Its socket sits in a fresh private folder (0700); the kernels find it through
    ``BAKHONG_SANDBOX_SOCKET``, set here in the environment they inherit. The pass key
    goes to the service on its standard input and stays in ``serve``'s memory.
    """

    def __init__(self, process: subprocess.Popen[bytes], folder: Path) -> None:
        self.process, self.folder = process, folder

    @classmethod
    def start(cls, workshop: Path, key: bytes, *, timeout: float = 60.0) -> SandboxService:
        import tempfile
        import time

        from bakhong.sandbox_service import SOCKET_ENV

        folder = Path(tempfile.mkdtemp(prefix="bakhong-sandbox-"))
        socket_path = folder / "sandbox.sock"
        process = subprocess.Popen([sys.executable, "-m", "bakhong.sandbox_service",
                                    str(workshop), str(socket_path)], stdin=subprocess.PIPE)
        assert process.stdin is not None
        process.stdin.write(key.hex().encode("ascii") + b"\n")
        process.stdin.close()
        service = cls(process, folder)
        deadline = time.monotonic() + timeout
        while not socket_path.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                service.stop()
                raise ServiceNotStarted(workshop=str(workshop))
            time.sleep(0.05)
        os.environ[SOCKET_ENV] = str(socket_path)
        return service

    def stop(self) -> None:
        import shutil

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


class ServiceNotStarted(SandboxError):
    code = "serving.sandbox_service"
    message = N_("Không khởi động được dịch vụ mô phỏng của lớp học {workshop}. Hãy xem thông "
                 "báo phía trên rồi chạy lại lệnh.")


def _start_backups(workshop: Path, backups: tuple[Path, str, float] | None) -> threading.Event:
    """The thread of ``serve --backup-every`` (none without ``backups``); set the event to
    stop it."""
    stop = threading.Event()
    if backups is not None:
        from bakhong.grading.backup import keep_backing_up

        folder, passphrase, minutes = backups
        threading.Thread(target=keep_backing_up, name="bakhong-backups", daemon=True,
                         args=(workshop, folder, passphrase, minutes, stop),
                         kwargs={"log": log.warning}).start()
    return stop


def main() -> None:  # python -m bakhong.serving WORKSHOP [demo]
    run(Path(sys.argv[1]), demo_links="demo" in sys.argv[2:])


if __name__ == "__main__":
    main()
