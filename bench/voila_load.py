"""Benchmark: bakhong's Voila serving against stock Voila, same notebook, same run.

(a) N phones arriving evenly within a window: a scripted client GETs the page, opens the
    kernel's websocket and asks for the widget states (``jupyter.widget.control`` comm,
    ``request_states``, as Voila's front-end does). Time to interactive = first byte of the
    request to the ``update_states`` reply holding every widget view of the page. A page is
    lost if that does not happen within ``--timeout`` seconds.
    The app must be there: a state with the consent button's class, not an error screen.
(b) One Chromium page, 360x800, CPU throttled 4x: navigation to the consent button visible.
(c) PSS of the server and of every kernel, per live learner page.
(d) The phones then close their pages (the websocket closes, as when a tab is killed: no
    beacon): seconds until the server is back to the kernels it had at rest.
Servers run one after the other on free loopback ports. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import websockets

BIN = Path(sys.executable).parent
LESSON = "vneid"
BUTTON_CLASS = "bk-common-consent-accept"
BUTTON = f"button.{BUTTON_CLASS}"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
LAUNCH_BAKHONG = ("import sys; from pathlib import Path; from bakhong.serving import run; "
                  "run(Path(sys.argv[1]), port=int(sys.argv[2]))")
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
#: A widget view in the page: the light page's placeholder, or the lab page's cell output.
VIEW_ID = re.compile(r'(?:data-bk-view="|widget-view\+json":\s*\{"model_id":\s*")([0-9a-f]{32})')
MB = 1024 * 1024


@dataclass
class Result:
    name: str
    tti: list[float] = field(default_factory=list)  # seconds; math.inf for a lost page
    html: list[float] = field(default_factory=list)  # seconds to the whole HTML
    errors: dict[str, int] = field(default_factory=dict)
    lost_pages: list[str] = field(default_factory=list)  # HTML of pages without a widget
    browser: float = math.inf
    server_pss: float = 0.0
    kernel_pss: list[float] = field(default_factory=list)  # MB
    kernel_cpu: list[float] = field(default_factory=list)  # CPU seconds, user + system
    live_pages: int = 0
    at_rest: int = 0  # kernels before the phones (the preheated pool, the browser page's)
    freed_after: float = math.inf  # (d) seconds from the pages closed to ``at_rest`` again
    left_after: int = 0  # (d) kernels alive when the wait ended
    busy: float = 0.0  # machine-wide CPU %, 3 s before the phones start


def build_workshop(root: Path, learners: int) -> list[str]:
    """The demo workshop plus one fictional learner per page; returns their codes."""
    from bakhong.grading.course import add_students
    from bakhong.grading.workshop import open_sandbox
    from bakhong.kernelspec import ensure_installed

    subprocess.run([str(BIN / "bakhong"), "demo", str(root), "--build-only"], check=True,
                   stdout=subprocess.DEVNULL)
    ensure_installed()  # stock Voila asks for the notebook's `bakhong` kernel too
    box = open_sandbox(root)
    added = box.add_learners([(f"bench{i:03d}", f"Nguyễn Văn Thử {i}", "Xã Thọ Long")
                              for i in range(learners)])
    add_students(root, [(le.learner_id, le.full_name) for le in added])
    box.close()
    return [le.code for le in added]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def probe(proc: psutil.Process, what: str) -> float:
    """One figure of a process that may be gone: cpu %, cpu s, PSS MB; 0 when gone."""
    with contextlib.suppress(psutil.Error):
        if what == "cpu%":
            return float(proc.cpu_percent(None))
        if what == "cpu":
            return float(sum(proc.cpu_times()[:2]))
        return float(proc.memory_full_info().pss) / MB
    return 0.0


class Server:
    """One Voila server; stopped with one SIGTERM, its process group killed after 15 s."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.ps = psutil.Process(self.proc.pid)

    def tree(self) -> list[psutil.Process]:
        with contextlib.suppress(psutil.Error):
            return [self.ps, *self.ps.children(recursive=True)]
        return []

    def kernels(self) -> list[psutil.Process]:
        found = []
        for p in self.tree()[1:]:
            with contextlib.suppress(psutil.Error):
                if {"ipykernel_launcher", "bakhong.page_kernel"} & set(p.cmdline()):
                    found.append(p)
        return found

    def wait_ready(self, port: int, limit: float = 90.0) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end and self.proc.poll() is None:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} is not listening on {port}; see {self.log}")

    def settle(self, limit: float = 120.0) -> None:
        """Wait until the server and its kernels are idle (a preheated pool is filled)."""
        end, quiet = time.monotonic() + limit, 0
        while time.monotonic() < end and quiet < 2:
            procs = self.tree()
            for p in procs:
                probe(p, "cpu%")
            time.sleep(1.5)
            quiet = quiet + 1 if sum(probe(p, "cpu%") for p in procs) < 15.0 else 0

    def stop(self) -> None:
        survivors = self.tree()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        _, alive = psutil.wait_procs(survivors[1:], timeout=5)
        for p in alive:  # kernels run in sessions of their own: end the ones left, by id
            with contextlib.suppress(psutil.Error):
                p.kill()


def message(session: str, msg_type: str, content: dict[str, Any], **metadata: str) -> str:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "bench",
              "session": session, "date": "", "version": "5.3"}
    return json.dumps({"header": header, "parent_header": {}, "metadata": metadata,
                       "content": content, "channel": "shell", "buffers": []})


async def phone(base: str, url: str, client: httpx.AsyncClient,
                sockets: list[Any], res: Result, start: float | None = None) -> None:
    """Load one page and wait for the widget states of its views; record the times (from
    ``start``, a ``time.perf_counter()`` taken before, e.g. before the join page)."""
    start = time.perf_counter() if start is None else start
    async with client.stream("GET", base + url) as reply:
        reply.raise_for_status()
        page = (await reply.aread()).decode()
    res.html.append(time.perf_counter() - start)
    kernel, views = KERNEL_ID.search(page), set(VIEW_ID.findall(page))
    if kernel is None or not views:
        res.lost_pages.append(page)
        raise RuntimeError("no widget view in the page")
    session, comm = uuid.uuid4().hex, uuid.uuid4().hex
    ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel[1]}/channels"
    sock = await websockets.connect(f"{ws_url}?session_id={session}", max_size=None)
    sockets.append(sock)
    ask = message(session, "comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})
    await sock.send(message(session, "comm_open", {
        "comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}, version="1.0.0"))
    await sock.send(ask)
    while True:
        raw = await sock.recv()
        msg = json.loads(raw) if isinstance(raw, str) else {"header": {}}
        data = msg.get("content", {}).get("data", {})
        if msg["header"].get("msg_type") == "comm_msg" and data.get("method") == "update_states":
            if views <= set(data["states"]):
                if not any(BUTTON_CLASS in m["state"].get("_dom_classes", ())
                           for m in data["states"].values()):
                    texts = [m["state"].get("value") for m in data["states"].values()
                             if m["model_name"] == "HTMLModel"]  # what the screen says
                    res.lost_pages.append(page + f"\n<!-- screen: {json.dumps(texts)} -->")
                    raise RuntimeError("widgets but no consent button (an error screen?)")
                res.tti.append(time.perf_counter() - start)
                return
            await asyncio.sleep(0.5)  # not all there yet: ask again
            await sock.send(ask)


async def load(base: str, urls: list[str], window: float, timeout: float,
               res: Result) -> list[Any]:
    sockets: list[Any] = []
    limits = httpx.Limits(max_connections=len(urls) + 1, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        async def one(i: int, url: str) -> None:
            await asyncio.sleep(i * window / len(urls))
            try:
                await asyncio.wait_for(phone(base, url, client, sockets, res), timeout)
            except Exception as err:  # a lost page, whatever the cause
                kind = "timeout" if isinstance(err, TimeoutError) else str(err)[:48]
                res.errors[kind] = res.errors.get(kind, 0) + 1
                res.tti.append(math.inf)

        await asyncio.gather(*(one(i, url) for i, url in enumerate(urls)))
    return sockets


async def browser_page(url: str, timeout: float) -> float:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = await browser.new_context(viewport={"width": 360, "height": 800},
                                                device_scale_factor=2, is_mobile=True)
            page = await context.new_page()
            cdp = await context.new_cdp_session(page)
            await cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            start = time.perf_counter()
            await page.goto(url, wait_until="commit", timeout=timeout * 1000)
            await page.wait_for_selector(BUTTON, state="visible", timeout=timeout * 1000)
            return time.perf_counter() - start
        except Exception as err:
            print(f"  browser page failed: {err!s:.200}", flush=True)
            return math.inf
        finally:
            await browser.close()


def run_server(name: str, ws: Path, codes: list[str], args: argparse.Namespace,
               tmp: Path) -> Result:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, BAKHONG_WORKSHOP=str(ws), JUPYTER_PREFER_ENV_PATH="1",
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if name == "bakhong":
        argv = [sys.executable, "-c", LAUNCH_BAKHONG, str(ws), str(port)]
        path = f"/voila/render/{LESSON}/{LESSON}.ipynb"
    else:
        argv = [str(BIN / "voila"), str(ws / "release" / LESSON / f"{LESSON}.ipynb"),
                "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
        path = "/"
    res = Result(name)
    server = Server(name, argv, env, tmp / f"{name}.log")
    try:
        server.wait_ready(port)
        server.settle()
        print(f"[{name}] (b) one throttled Chromium page …", flush=True)
        res.browser = asyncio.run(browser_page(f"{base}{path}?code={codes[-1]}", args.timeout))
        server.settle()
        print(f"[{name}] (a) {len(codes) - 1} phones within {args.window:g} s …", flush=True)
        res.busy = psutil.cpu_percent(interval=3.0)
        res.at_rest = len(server.kernels())

        async def phones_then_memory() -> None:
            urls = [f"{path}?code={code}" for code in codes[:-1]]
            sockets = await load(base, urls, args.window, args.timeout, res)
            await asyncio.to_thread(server.settle, 30.0)
            res.server_pss = probe(server.ps, "pss")  # (c) while every page's socket is open
            kernels = server.kernels()
            res.kernel_pss = [probe(k, "pss") for k in kernels]
            res.kernel_cpu = [probe(k, "cpu") for k in kernels]
            res.live_pages = sum(t < math.inf for t in res.tti) + (res.browser < math.inf)
            for sock in sockets:
                await sock.close()
            closed = time.perf_counter()  # (d)
            while time.perf_counter() - closed < args.free_wait:
                if len(server.kernels()) <= res.at_rest:
                    res.freed_after = time.perf_counter() - closed
                    break
                await asyncio.sleep(0.5)
            res.left_after = len(server.kernels())

        asyncio.run(phones_then_memory())
    finally:
        server.stop()
    return res


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)] if ordered else math.inf


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.inf


def per_learner(res: Result) -> float:
    total = res.server_pss + sum(res.kernel_pss)
    return total / res.live_pages if res.live_pages else math.inf


def report(ours: Result, stock: Result, timeout: float) -> None:
    def fmt(value: float) -> str:
        return "lost" if value == math.inf else f"{value:.2f}"

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if 0 < b < math.inf and a < math.inf else "n/a"

    rows: list[tuple[str, float, float, bool]] = [
        ("(a) time to interactive p50, s", pct(ours.tti, .5), pct(stock.tti, .5), True),
        ("(a) time to interactive p95, s", pct(ours.tti, .95), pct(stock.tti, .95), True),
        ("(a) whole HTML received p50, s", pct(ours.html, .5), pct(stock.html, .5), False),
        ("(b) throttled Chromium to button, s", ours.browser, stock.browser, True),
        ("(c) PSS per live learner, MB", per_learner(ours), per_learner(stock), True),
        ("(c) PSS per kernel (mean), MB", mean(ours.kernel_pss), mean(stock.kernel_pss), False),
        ("(c) PSS of the server, MB", ours.server_pss, stock.server_pss, False),
        ("CPU seconds per kernel (mean)", mean(ours.kernel_cpu), mean(stock.kernel_cpu), False),
    ]
    print(f"\n{'':38}{'bakhong':>10}{'stock':>10}{'ratio':>8}")
    for label, a, b, asked in rows:
        print(f"{label:38}{fmt(a):>10}{fmt(b):>10}{ratio(a, b) if asked else '':>8}")
    for res in (ours, stock):
        lost = sum(t == math.inf for t in res.tti)
        print(f"{res.name}: pages lost {lost}/{len(res.tti)} (timeout {timeout:g} s) "
              f"{res.errors or ''}; kernels alive {len(res.kernel_pss)}, live learner pages "
              f"{res.live_pages}; machine CPU before the phones {res.busy:.0f}%")
        freed = (f"after {res.freed_after:.1f} s" if res.freed_after < math.inf
                 else f"not within the wait: {res.left_after} kernels alive")
        print(f"{res.name}: (d) pages closed, back to the {res.at_rest} kernels at rest {freed}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--window", type=float, default=30.0, help="arrival window, seconds")
    parser.add_argument("--timeout", type=float, default=120.0, help="a page is lost after it")
    parser.add_argument("--stock-phones", type=int, default=0,
                        help="phones for stock Voila (default: as many); issue 17 compares "
                             "50 phones on bakhong with 20 on stock")
    parser.add_argument("--quick", action="store_true", help="10 phones within 10 s")
    parser.add_argument("--keep", action="store_true", help="keep workshop, logs, lost pages")
    parser.add_argument("--free-wait", type=float, default=60.0,
                        help="(d) how long to wait for closed pages' kernels, seconds")
    args = parser.parse_args()
    if args.quick:
        args.phones, args.window = 10, 10.0
    tmp = Path(tempfile.mkdtemp(prefix="bakhong-bench-"))
    try:
        print(f"Building the workshop in {tmp / 'ws'} …", flush=True)
        codes = build_workshop(tmp / "ws", args.phones + 1)  # the last one is the browser's
        ours = run_server("bakhong", tmp / "ws", codes, args, tmp)
        few = args.stock_phones or args.phones  # the last code is the browser's
        stock = run_server("stock", tmp / "ws", [*codes[:few], codes[-1]], args, tmp)
        report(ours, stock, args.timeout)
        for res in (ours, stock) if args.keep else ():
            for i, page in enumerate(res.lost_pages):
                (tmp / f"{res.name}-lost-{i}.html").write_text(page)
    finally:
        if args.keep:
            print(f"Workshop, server logs and pages without widgets kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
