"""Benchmark: the weight of a learner's page, bakhong's light page against stock Voila.

Servers, one after the other on free loopback ports, over the same workshop and notebooks:
``light`` (``bakhong serve``: the light page, the default), ``lab`` (``bakhong serve`` with
``BAKHONG_PAGE=lab``: Voila's lab page with bakhong's serving, as before issue 16) and
``stock`` (``voila <ws>/release`` with Voila's defaults). For each:

(a) bytes over the wire per phone, everything a phone sends and receives (HTML, scripts,
    styles, the websocket with the widgets' state), counted by a TCP proxy
    (``bench/shaped_link.py``) between Chromium and the server: the first lesson's page on
    an empty cache, until its first tappable control is visible and the link is quiet; then,
    consent given, a second lesson's page in the same browser (its cache warm); then a
    reload of that page, and how many of its requests reached the network.
(b) one Chromium page, CPU throttled 4× (``Emulation.setCPUThrottlingRate``): navigation to
    the first tappable control (the consent button) visible, empty cache; median of
    ``--repeats``.
(c) ``--phones`` phones joining within ``--window`` seconds through a link shaped to
    ``--mbit`` Mbit/s each way, shared by all (a token bucket in the proxy) with ``--rtt``
    ms of round trip: each phone fetches the page and every file Chromium fetched for it in
    (a) (six connections at a time, gzip accepted, as Chromium on a LAN), then opens the
    kernel's websocket (permessage-deflate offered, as Chromium does) and asks for the
    widgets' state until the consent button is in it. The time until the last phone can
    tap; a phone not there within ``--timeout`` is lost. Phone CPU is not in (c): (b) is.

Run ``.venv/bin/python bench/page_weight.py`` (``--quick`` for 10 phones); see
bench/README.md for the figures and what they mean.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shaped_link import ShapedLink
from voila_load import (
    BIN,
    CHROMIUM,
    CHROMIUM_FLAGS,
    VIEW_ID,
    Server,
    build_workshop,
    free_port,
    message,
)

FIRST, SECOND = "vneid", "payment"
LAUNCH = ("import sys; from pathlib import Path; from bakhong.serving import run; "
          "run(Path(sys.argv[1]), port=int(sys.argv[2]), max_kernels=int(sys.argv[3]))")
CONSENT = "button.bk-common-consent-accept"
APP_READY = ".bk-phone .bk-common-hint"  # the help bar: under every app, after consent
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
KERNEL_IN_PATH = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
KB = 1024
QUIET = 1.0  # seconds without a byte on the link: the page is done


@dataclass
class Weight:
    down: int = 0
    up: int = 0
    http: int = 0  # bytes of HTTP answers (headers included), from Chromium
    requests: int = 0
    from_cache: int = 0

    @property
    def total(self) -> int:
        return self.down + self.up


@dataclass
class Result:
    name: str
    first: Weight = field(default_factory=Weight)
    second: Weight = field(default_factory=Weight)
    reload: Weight = field(default_factory=Weight)
    assets: list[str] = field(default_factory=list)  # what Chromium fetched for page one
    throttled: list[float] = field(default_factory=list)
    join: list[float] = field(default_factory=list)  # seconds to tappable; inf: lost
    errors: dict[str, int] = field(default_factory=dict)
    join_bytes: int = 0
    load: list[float] = field(default_factory=list)  # load average (1 min) before (b), (c)


# --- the servers -------------------------------------------------------------------------

def start_server(name: str, ws: Path, tmp: Path, max_kernels: int) -> tuple[Server, int]:
    port = free_port()
    env = dict(os.environ, BAKHONG_WORKSHOP=str(ws), JUPYTER_PREFER_ENV_PATH="1",
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if name == "stock":
        argv = [str(BIN / "voila"), str(ws / "release"), "--no-browser", f"--port={port}",
                "--Voila.ip=127.0.0.1"]
    else:
        env["BAKHONG_PAGE"] = name
        argv = [sys.executable, "-c", LAUNCH, str(ws), str(port), str(max_kernels)]
    server = Server(name, argv, env, tmp / f"{name}.log")
    server.wait_ready(port)
    server.settle()
    return server, port


def lesson(name: str, code: str) -> str:
    return f"/voila/render/{name}/{name}.ipynb?code={code}"


# --- (a) and (b): Chromium --------------------------------------------------------------

async def quiet(link: ShapedLink, limit: float = 30.0) -> None:
    """Wait until no byte crossed the link for :data:`QUIET` seconds."""
    end = time.monotonic() + limit
    last, since = link.counters.total, time.monotonic()
    while time.monotonic() < end:
        await asyncio.sleep(0.1)
        now = link.counters.total
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= QUIET:
            return


class NetworkLog:
    """Chromium's view of one page's requests, through CDP."""

    def __init__(self) -> None:
        self.http = self.requests = self.from_cache = 0
        self.urls: list[str] = []

    def attach(self, cdp: Any) -> None:
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.loadingFinished", self._finished)

    def reset(self) -> None:
        self.http = self.requests = self.from_cache = 0
        self.urls = []

    def _sent(self, event: dict[str, Any]) -> None:
        self.requests += 1
        self.urls.append(event["request"]["url"])

    def _cached(self, _event: dict[str, Any]) -> None:
        self.from_cache += 1

    def _finished(self, event: dict[str, Any]) -> None:
        self.http += int(event.get("encodedDataLength", 0))


async def weigh(res: Result, port: int, codes: list[str]) -> None:
    """(a): first page cold, second lesson's page warm, then a reload."""
    from playwright.async_api import async_playwright

    async with ShapedLink(port) as link, async_playwright() as pw:
        base = f"http://127.0.0.1:{link.port}"
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = await browser.new_context(viewport={"width": 360, "height": 800},
                                                is_mobile=True, has_touch=True, locale="vi-VN")
            page = await context.new_page()
            log = NetworkLog()
            cdp = await context.new_cdp_session(page)
            log.attach(cdp)
            await cdp.send("Network.enable")

            async def visit(url: str, ready: str, into: Weight) -> None:
                link.reset()
                log.reset()
                await page.goto(base + url, wait_until="commit", timeout=120_000)
                await page.wait_for_selector(ready, state="visible", timeout=120_000)
                await quiet(link)
                counted = link.reset()
                into.down, into.up, into.http = counted.down, counted.up, log.http
                into.requests, into.from_cache = log.requests, log.from_cache

            await visit(lesson(FIRST, codes[0]), CONSENT, res.first)
            res.assets = [urlsplit(u).path + (f"?{urlsplit(u).query}" if urlsplit(u).query
                                               else "")
                          for u in log.urls[1:] if u.startswith(base)]
            await page.click(CONSENT)
            await page.wait_for_selector(APP_READY, state="visible", timeout=120_000)
            await quiet(link)
            await visit(lesson(SECOND, codes[0]), APP_READY, res.second)
            link.reset()
            log.reset()
            await page.reload(wait_until="commit")
            await page.wait_for_selector(APP_READY, state="visible", timeout=120_000)
            await quiet(link)
            counted = link.reset()
            res.reload = Weight(counted.down, counted.up, log.http, log.requests,
                                log.from_cache)
        finally:
            await browser.close()


async def throttled(port: int, code: str, timeout: float) -> float:
    """(b): seconds from navigation to the consent button visible, CPU throttled 4×."""
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
            await page.goto(f"http://127.0.0.1:{port}{lesson(FIRST, code)}",
                            wait_until="commit", timeout=timeout * 1000)
            await page.wait_for_selector(CONSENT, state="visible", timeout=timeout * 1000)
            return time.perf_counter() - start
        except Exception as err:
            print(f"  throttled page failed: {err!s:.200}", flush=True)
            return math.inf
        finally:
            await browser.close()


# --- (c): many phones on one shaped link --------------------------------------------------

async def phone(base: str, url: str, assets: list[str], client: httpx.AsyncClient) -> None:
    """One phone: the page, its files (six at a time), then the widgets' state. Beyond
    bakhong's cap on kernels the page asks to wait (503, Retry-After): it is asked again
    then, as the wait page does by itself."""
    while True:
        reply = await client.get(base + url)
        if reply.status_code != 503:
            break
        await asyncio.sleep(float(reply.headers.get("Retry-After", "15")))
    reply.raise_for_status()
    page = reply.text
    kernel = KERNEL_ID.search(page)
    views = set(VIEW_ID.findall(page))
    if kernel is None or not views:
        raise RuntimeError("no widget view in the page")
    slots = asyncio.Semaphore(6)

    async def fetch(path: str) -> None:
        async with slots:
            (await client.get(urljoin(base + url, path))).raise_for_status()

    # what page one fetched, with this phone's kernel where page one's was
    mine = [KERNEL_IN_PATH.sub(kernel[1], path) for path in assets]
    await asyncio.gather(*(fetch(path) for path in mine))
    session, comm = uuid.uuid4().hex, uuid.uuid4().hex
    ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel[1]}/channels"
    async with websockets.connect(f"{ws_url}?session_id={session}", max_size=None,
                                  compression="deflate") as sock:
        ask = message(session, "comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})
        await sock.send(message(session, "comm_open", {
            "comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
            version="1.0.0"))
        await sock.send(ask)
        while True:
            raw = await sock.recv()
            msg = json.loads(raw) if isinstance(raw, str) else {"header": {}}
            data = msg.get("content", {}).get("data", {})
            if (msg["header"].get("msg_type") == "comm_msg"
                    and data.get("method") == "update_states"):
                states = data["states"]
                if views <= set(states) and any(
                        "bk-common-consent-accept" in m["state"].get("_dom_classes", ())
                        for m in states.values()):
                    return
                await asyncio.sleep(0.5)
                await sock.send(ask)


async def join(res: Result, port: int, codes: list[str], args: argparse.Namespace) -> None:
    rate = args.mbit * 1_000_000 / 8
    async with ShapedLink(port, rate=rate, rtt=args.rtt / 1000) as link:
        base = f"http://127.0.0.1:{link.port}"
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
        headers = {"Accept-Encoding": "gzip, deflate"}
        async with httpx.AsyncClient(timeout=args.timeout, limits=limits,
                                     headers=headers) as client:
            start = time.perf_counter()

            async def one(i: int, code: str) -> None:
                await asyncio.sleep(i * args.window / len(codes))
                try:
                    await asyncio.wait_for(
                        phone(base, lesson(FIRST, code), res.assets, client),
                        args.timeout - (time.perf_counter() - start))
                    res.join.append(time.perf_counter() - start)
                except Exception as err:
                    kind = "timeout" if isinstance(err, TimeoutError) else str(err)[:60]
                    res.errors[kind] = res.errors.get(kind, 0) + 1
                    res.join.append(math.inf)

            await asyncio.gather(*(one(i, code) for i, code in enumerate(codes)))
        res.join_bytes = link.counters.total


# --- the run ---------------------------------------------------------------------------------

def measure(name: str, ws: Path, codes: dict[str, list[str]], args: argparse.Namespace,
            tmp: Path) -> Result:
    res = Result(name)
    server, port = start_server(name, ws, tmp, args.max_kernels)
    try:
        print(f"[{name}] (a) bytes per phone …", flush=True)
        asyncio.run(weigh(res, port, codes["weigh"]))
        for i in range(args.repeats):
            server.settle()
            res.load.append(os.getloadavg()[0])
            print(f"[{name}] (b) throttled page {i + 1}/{args.repeats} …", flush=True)
            res.throttled.append(asyncio.run(throttled(port, codes["throttled"][i],
                                                       args.timeout)))
        server.settle()
        res.load.append(os.getloadavg()[0])
        print(f"[{name}] (c) {args.phones} phones on {args.mbit:g} Mbit/s …", flush=True)
        asyncio.run(join(res, port, codes["join"], args))
    finally:
        server.stop()
    return res


def kb(value: float) -> str:
    return f"{value / KB:.1f}"


def report(results: list[Result], args: argparse.Namespace) -> None:
    stock = next((r for r in results if r.name == "stock"), None)

    def worst(res: Result) -> float:
        """The last phone ready, among those that got there (a lost phone is counted below)."""
        ready = [t for t in res.join if t < math.inf]
        return max(ready) if ready else math.inf

    rows: list[tuple[str, Any, bool]] = [
        ("(a) first page, KB over the wire", lambda r: r.first.total / KB, True),
        ("    … of which HTTP answers, KB", lambda r: r.first.http / KB, False),
        ("    … requests", lambda r: r.first.requests, False),
        ("(a) second lesson's page, KB", lambda r: r.second.total / KB, True),
        ("    … requests (from cache)", lambda r: f"{r.second.requests} "
                                                  f"({r.second.from_cache})", False),
        ("(a) reload, KB", lambda r: r.reload.total / KB, True),
        ("    … requests (from cache)", lambda r: f"{r.reload.requests} "
                                                  f"({r.reload.from_cache})", False),
        ("(b) throttled 4x to tappable, s (median)",
         lambda r: statistics.median(r.throttled) if r.throttled else math.inf, True),
        (f"(c) {args.phones} phones, last one ready, s", worst, True),
        ("(c) … phones ready", lambda r: sum(t < math.inf for t in r.join), False),
        ("(c) … median phone, s",
         lambda r: statistics.median(r.join) if r.join else math.inf, False),
        ("(c) … MB over the link", lambda r: r.join_bytes / KB / KB, False),
    ]
    names = [r.name for r in results]
    print(f"\n{'':42}" + "".join(f"{n:>10}" for n in names)
          + "".join(f"{n + '/stock':>13}" for n in names if n != "stock" and stock))
    for label, get, ratio in rows:
        values = [get(r) for r in results]
        cells = "".join(f"{v:>10.2f}" if isinstance(v, float) and v < math.inf
                        else f"{'lost' if v == math.inf else v:>10}" for v in values)
        ratios = ""
        if ratio and stock is not None:
            base = get(stock)
            for r, v in zip(results, values, strict=True):
                if r.name != "stock":
                    ok = isinstance(v, float | int) and 0 < base < math.inf and v < math.inf
                    ratios += f"{v / base:>13.2f}" if ok else f"{'n/a':>13}"
        print(f"{label:42}{cells}{ratios}")
    if stock is not None and math.inf in stock.join:
        print("stock lost phones: its last-ready time is a lower bound, so the ratios of (c) "
              "are upper bounds")
    for r in results:
        lost = sum(t == math.inf for t in r.join)
        print(f"{r.name}: phones lost {lost}/{len(r.join)} {r.errors or ''}; throttled runs "
              f"{', '.join(f'{t:.2f}' for t in r.throttled)} s; files of page one "
              f"{len(r.assets)}; load average before (b) and (c): "
              f"{', '.join(f'{x:.1f}' for x in r.load)} (2 cores)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--window", type=float, default=10.0, help="arrival window, seconds")
    parser.add_argument("--mbit", type=float, default=20.0, help="the shared link, Mbit/s")
    parser.add_argument("--rtt", type=float, default=40.0, help="the link's round trip, ms")
    parser.add_argument("--repeats", type=int, default=3, help="throttled pages per server")
    parser.add_argument("--timeout", type=float, default=300.0, help="a phone is lost after it")
    parser.add_argument("--max-kernels", type=int, default=200,
                        help="bakhong's cap on live kernels (serving.MAX_KERNELS is 64: the "
                             "six lessons' pools, 24 kernels, count against it)")
    parser.add_argument("--pages", default="light,lab,stock",
                        help="servers to run, in order (light, lab, stock)")
    parser.add_argument("--quick", action="store_true", help="10 phones within 5 s")
    parser.add_argument("--keep", action="store_true", help="keep the workshop and the logs")
    args = parser.parse_args()
    if args.quick:
        args.phones, args.window = 10, 5.0
    names = [n.strip() for n in args.pages.split(",") if n.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="bakhong-weight-"))
    try:
        print(f"Building the workshop in {tmp / 'ws'} …", flush=True)
        per_server = 1 + args.repeats + args.phones
        codes = build_workshop(tmp / "ws", per_server * len(names))
        results = []
        for i, name in enumerate(names):
            mine = codes[i * per_server:(i + 1) * per_server]
            results.append(measure(name, tmp / "ws", {
                "weigh": mine[:1], "throttled": mine[1:1 + args.repeats],
                "join": mine[1 + args.repeats:]}, args, tmp))
        report(results, args)
    finally:
        if args.keep:
            print(f"Workshop and server logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
