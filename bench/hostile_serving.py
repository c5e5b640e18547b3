"""Benchmark: hostile requests against ``bakhong serve`` (issue 14), figures in one run.

One demo workshop (plus fictional learners, one per page opened), served by
``bakhong.serving.run`` on a free loopback port with its real settings. Measured, in order
(the dangerous requests last: on a server that does not bound them they never finish):

(b) live kernels before and after ``--fake`` page loads with made-up codes;
(c) ``--pages`` lesson pages opened as a phone does (page, kernel websocket), then closed:
    first half as a browser leaving the page (the front-end's shutdown beacon with the
    ``_xsrf`` cookie, if the server set one, then the websocket closes), second half killed
    (the websocket closes, nothing else). Seconds until every page's kernel is gone
    (``GET /api/kernels/<id>`` answers 404), and kernels alive before/after;
(a) ``/join?code=…`` with hostile codes (22 × «Ư», 10,000 ASCII characters, 10,000
    characters with composed letters): time to the answer and the server's RSS growth
    (sampled every 10 ms; the server is killed if it grows by more than ``--memory-limit``
    MB), against the baseline in the same run: the median of 20 ``/join`` with a made-up
    card-shaped code. While each hostile request runs, ``/`` is fetched in a loop: its worst
    time says whether the other pages kept loading.

Run: ``.venv/bin/python bench/hostile_serving.py`` (about 3 min on 2 cores). See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from voila_load import BIN, KERNEL_ID, LAUNCH_BAKHONG, Server, build_workshop, free_port

MB = 1024 * 1024
LESSON = "vneid"
PAGE = f"/voila/render/{LESSON}/{LESSON}.ipynb"
HOSTILE = {
    "22 × «Ư»": "Ư" * 22,
    "10,000 ASCII characters": "Z" * 10_000,
    "10,000 characters, composed letters": ("K7Ư2ĐẤ" * 1700)[:10_000],
}


@dataclass
class Timed:
    seconds: float | None  # None: no answer
    status: int | str
    rss_growth_mb: float
    worst_home_s: float
    note: str = ""
    worst_s: float | None = None  # of the repeats
    tries: int = 1


def kernels_alive(server: Server) -> int:
    return len(server.kernels())


def wait_for_pool(server: Server, limit: float = 300.0) -> None:
    """Wait until the preheated pool is filled: the ``POOL_SIZE`` kernels of the one pool."""
    from bakhong.serving import POOL_SIZE

    end = time.monotonic() + limit
    while kernels_alive(server) < POOL_SIZE and time.monotonic() < end:
        time.sleep(1.0)


def sample_rss(proc: psutil.Process, stop: threading.Event, seen: dict[str, float],
               limit_mb: float) -> None:
    """Keep the highest RSS in ``seen["peak"]``; kill the server beyond ``limit_mb`` growth."""
    while not stop.is_set():
        with contextlib.suppress(psutil.Error):
            rss = proc.memory_info().rss / MB
            seen["peak"] = max(seen["peak"], rss)
            if rss - seen["before"] > limit_mb:
                proc.kill()  # it would take the machine down with it
                seen["killed"] = 1.0
                return
        time.sleep(0.01)


async def timed_join(base: str, server: Server, code: str, limit_mb: float,
                     timeout: float) -> Timed:
    """One hostile ``/join`` while ``/`` is fetched in a loop; RSS sampled meanwhile."""
    before = server.ps.memory_info().rss / MB
    seen = {"before": before, "peak": before, "killed": 0.0}
    stop = threading.Event()
    sampler = threading.Thread(target=sample_rss, args=(server.ps, stop, seen, limit_mb),
                               daemon=True)
    sampler.start()
    home_times: list[float] = []
    done = asyncio.Event()

    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        async def home_loop() -> None:
            while not done.is_set():
                start = time.perf_counter()
                try:
                    await client.get(base + "/", timeout=timeout)
                except httpx.HTTPError:
                    pass
                home_times.append(time.perf_counter() - start)
                await asyncio.sleep(0.05)

        looping = asyncio.create_task(home_loop())
        await asyncio.sleep(0.2)
        start = time.perf_counter()
        seconds: float | None
        try:
            reply = await client.get(base + "/join", params={"code": code})
            seconds, status = time.perf_counter() - start, reply.status_code
            page = reply.text
        except httpx.HTTPError as err:
            seconds, status, page = None, type(err).__name__, ""
        done.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(looping, timeout=5)
    stop.set()
    sampler.join()
    note = f"server killed above +{limit_mb:g} MB" if seen["killed"] else ""
    if page and re.search(r"SELECT|sqlalchemy|Traceback|OperationalError", page):
        note += " page shows SQL or a traceback"
    return Timed(seconds, status, seen["peak"] - before, max(home_times, default=0.0),
                 note.strip())


def summary(tries: list[Timed]) -> Timed:
    """The median time of the tries, and the worst of everything else."""
    answered = sorted(t.seconds for t in tries if t.seconds is not None)
    failed = next((t for t in tries if t.seconds is None), None)
    return Timed(statistics.median(answered) if answered and failed is None else None,
                 (failed or tries[-1]).status, max(t.rss_growth_mb for t in tries),
                 max(t.worst_home_s for t in tries),
                 "; ".join(sorted({t.note for t in tries if t.note})),
                 answered[-1] if answered else None, len(tries))


async def fake_loads(base: str, count: int, timeout: float) -> dict[int, int]:
    statuses: dict[int, int] = {}
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        async def one(i: int) -> None:
            code = "".join("BCFGHJKLMNPQRSTVXZ"[(i * 7 + k) % 18] for k in range(8))
            try:
                reply = await client.get(base + PAGE, params={"code": code})
                statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
            except httpx.HTTPError:
                statuses[0] = statuses.get(0, 0) + 1

        for start in range(0, count, 10):  # ten at a time, as a script would
            await asyncio.gather(*(one(i) for i in range(start, min(count, start + 10))))
    return statuses


def shutdown_message(session: str) -> str:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": "kernel_info_request", "username": "b",
              "session": session, "date": "", "version": "5.3"}
    return json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": {},
                       "channel": "shell", "buffers": []})


async def open_and_close(base: str, codes: list[str], timeout: float, wait: float
                         ) -> tuple[list[float | None], int, int, dict[str, int]]:
    """Open a page per code, then close them; seconds until every page's kernel is gone."""
    opened: list[tuple[httpx.AsyncClient, str, object]] = []
    beacons: dict[str, int] = {}
    for code in codes:
        client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        reply = await client.get(base + PAGE, params={"code": code})
        found = KERNEL_ID.search(reply.text)
        if found is None:
            await client.aclose()
            raise RuntimeError(f"no kernel in the page ({reply.status_code})")
        session = uuid.uuid4().hex
        url = base.replace("http", "ws", 1) + f"/api/kernels/{found[1]}/channels"
        sock = await websockets.connect(f"{url}?session_id={session}", max_size=None)
        await sock.send(shutdown_message(session))
        opened.append((client, found[1], sock))
    await asyncio.sleep(2)
    start = time.perf_counter()
    half = len(opened) // 2
    for i, (client, kernel, sock) in enumerate(opened):
        if i < half:  # the front-end's beforeunload: sendBeacon with the _xsrf cookie's value
            xsrf = client.cookies.get("_xsrf") or ""
            reply = await client.post(base + f"/voila/api/shutdown/{kernel}",
                                      data={"_xsrf": xsrf})
            beacons[str(reply.status_code)] = beacons.get(str(reply.status_code), 0) + 1
        await sock.close()  # type: ignore[attr-defined]
    gone_at: list[float | None] = [None, None]  # the beacon's half, the killed half
    async with httpx.AsyncClient(timeout=timeout) as probe:
        while time.perf_counter() - start < wait and None in gone_at:
            for group, part in enumerate((opened[:half], opened[half:])):
                if gone_at[group] is not None:
                    continue
                alive = 0
                for _client, kernel, _sock in part:
                    reply = await probe.get(base + f"/api/kernels/{kernel}")
                    alive += reply.status_code == 200
                if alive == 0:
                    gone_at[group] = time.perf_counter() - start
            await asyncio.sleep(0.25)
    left = 0
    async with httpx.AsyncClient(timeout=timeout) as probe:
        for _client, kernel, _sock in opened:
            left += (await probe.get(base + f"/api/kernels/{kernel}")).status_code == 200
    for client, _kernel, _sock in opened:
        await client.aclose()
    return gone_at, len(opened), left, beacons


async def baseline(base: str, repeats: int = 20) -> float:
    times = []
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(repeats):
            start = time.perf_counter()
            await client.get(base + "/join", params={"code": "ZZZZZZZZ"})
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--fake", type=int, default=30, help="page loads with made-up codes")
    parser.add_argument("--pages", type=int, default=10, help="pages opened then closed")
    parser.add_argument("--wait", type=float, default=60.0,
                        help="how long to wait for closed pages' kernels, seconds")
    parser.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    parser.add_argument("--memory-limit", type=float, default=2048.0,
                        help="kill the server if it grows by more, MB")
    parser.add_argument("--repeats", type=int, default=7,
                        help="tries of each hostile code (once if it takes over 5 s)")
    parser.add_argument("--keep", action="store_true", help="keep the workshop and the log")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bakhong-hostile-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1",
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    try:
        print(f"Building the workshop in {tmp / 'ws'} …", flush=True)
        codes = build_workshop(tmp / "ws", args.pages)
        server = Server("bakhong", [sys.executable, "-c", LAUNCH_BAKHONG, str(tmp / "ws"),
                                    str(port)], env, tmp / "server.log")
        try:
            server.wait_ready(port)
            wait_for_pool(server)
            server.settle()
            pool = kernels_alive(server)
            print(f"(b) {args.fake} page loads with made-up codes …", flush=True)
            statuses = asyncio.run(fake_loads(base, args.fake, args.timeout))
            server.settle(60.0)
            after_fake = kernels_alive(server)
            print(f"(c) {args.pages} pages opened, then closed …", flush=True)
            gone, opened, left, beacons = asyncio.run(
                open_and_close(base, codes, args.timeout, args.wait))
            server.settle(60.0)
            after_close = kernels_alive(server)
            print("(a) hostile codes on /join …", flush=True)
            base_s = asyncio.run(baseline(base))
            timings: dict[str, Timed] = {}
            for label, code in HOSTILE.items():
                tries: list[Timed] = []
                while len(tries) < args.repeats and server.proc.poll() is None:
                    tries.append(asyncio.run(
                        timed_join(base, server, code, args.memory_limit, args.timeout)))
                    if tries[-1].seconds is None or tries[-1].seconds > 5:
                        break  # unbounded: once is enough
                if tries:
                    timings[label] = summary(tries)
        finally:
            server.stop()
        print(f"\n(b) kernels alive: {pool} at rest, {after_fake} after {args.fake} page loads "
              f"with made-up codes (answers {statuses})")
        gone_text = [f"{g:.1f} s" if g is not None else f"not within {args.wait:g} s"
                     for g in gone]
        print(f"(c) {opened} pages closed: {opened // 2} with the beacon (answers {beacons}), "
              f"their kernels gone after {gone_text[0]}; {opened - opened // 2} killed "
              f"(websocket closed only), gone after {gone_text[1]}; {left} still alive; "
              f"kernels alive afterwards {after_close} (at rest {pool})")
        print(f"(a) baseline /join with a made-up 8-character code: median {base_s * 1000:.1f} ms")
        print(f"{'hostile code (median of tries)':38}{'time':>11}{'ratio':>8}{'worst':>11}"
              f"{'RSS +MB':>9}{'worst /':>9}  status")
        for label, t in timings.items():
            secs = f"{t.seconds * 1000:.1f} ms" if t.seconds is not None else "no answer"
            worst = f"{t.worst_s * 1000:.1f} ms" if t.worst_s is not None else "-"
            ratio = f"{t.seconds / base_s:.1f}" if t.seconds is not None else "n/a"
            print(f"{label:38}{secs:>11}{ratio:>8}{worst:>11}{t.rss_growth_mb:>9.1f}"
                  f"{t.worst_home_s * 1000:>7.0f}ms  {t.status} ×{t.tries} {t.note}")
        for label in HOSTILE:
            if label not in timings:
                print(f"{label:38}{'not run: the server is gone':>30}")
    finally:
        if args.keep:
            print(f"Workshop and server log kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
