"""Benchmark: N workshops under JupyterHub, 50 phones into each, against one plain `serve`.

Issue 19's capacity part. One run, one machine:

* a throwaway PostgreSQL (``tests/pg_support.py``) holds every workshop's store and nbgrader
  gradebook (two databases per workshop, as ``docs/hosting.md`` deploys them); each workshop
  is made with ``bakhong init`` from a roster of ``--phones`` fictional learners;
* **plain** (the baseline): one ``bakhong serve WORKSHOP --max-kernels 64 --pool-size 2``,
  no hub, its phones straight to its port;
* **hub**: a real ``jupyterhub`` with ``configurable-http-proxy`` and the idle culler,
  ``deploy/jupyterhub/jupyterhub_config.py`` as deployed but for the dummy authenticator and
  the local spawner (``tests/hub_support.py``, the hub test's own set-up); through the REST
  API one trainer starts ``--workshops`` named servers (``bakhong serve … --hub --max-kernels
  64 --pool-size 2``, the deployed defaults); every workshop's phones go through the proxy.

A phone is ``bench/voila_load.py``'s client behind the card's link: ``GET <workshop>/join?
code=…`` (302 to the first lesson), the lesson page, its kernel's websocket, the widget
states (``request_states``) until every view of the page is there with the app's consent
button. Time to interactive runs from the join request to that reply. A page is **lost** on
any failure (a 503 of the proxy or of the workshop's seat cap, another status, a page
without widgets, an error screen, ``--timeout``). Each workshop's phones arrive evenly within
``--window`` seconds, every workshop's at the same time.

Memory, once the phones are in and the processes idle again, every page's websocket still
open: PSS and RSS summed over each workshop's process tree (``bakhong serve``, its sandbox
service, grading worker and pool, every kernel: learners' and preheated), per live learner
page; and the hub's, the proxy's (node) and the culler's own. PSS counts shared pages once
across processes, so it adds up; RSS does not and overstates a sum. The machine's load
average is sampled every 2 s during each side. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
import pg_support  # noqa: E402
import psutil  # noqa: E402
import voila_load  # noqa: E402
from browser_support import VENV_BIN, demo_learners, server_env  # noqa: E402
from hub_support import (  # noqa: E402
    CHP,
    Hub,
    line,
    prefix,
    running_hub,
    start_workshop,
    workshop_folder,
)
from ports import free_port  # noqa: E402
from roster_import import write_roster  # noqa: E402

from bakhong.grading.course import LESSONS  # noqa: E402

MB = 1024 * 1024
IOPUB_LATE = "Timeout waiting for IOPub output"  # Voila's line for a page sent without widgets
GRADING_READY = "grading kernels started ahead"  # the grading worker's line when it is ready
MAX_KERNELS = 64
POOL_SIZE = 2


@dataclass
class Workshop:
    name: str
    folder: Path
    codes: list[str]
    base: str = ""  # the workshop's address, no trailing slash (…/user/thao/w1 under a hub)
    root: psutil.Process | None = None  # its `bakhong serve`
    res: voila_load.Result = field(default_factory=lambda: voila_load.Result(""))
    pss: float = 0.0  # MB, the whole process tree, every page open
    pss_rest: float = 0.0  # MB, the tree at rest before the phones (pools full)
    rss: float = 0.0
    processes: int = 0
    kernels: int = 0
    cpu: float = 0.0  # CPU seconds of the tree over the phones' arrival (user + system)


@dataclass
class Side:
    name: str
    workshops: list[Workshop]
    spawn: list[float] = field(default_factory=list)  # hub: REST call to ready, per workshop
    own: dict[str, tuple[float, float]] = field(default_factory=dict)  # hub parts: PSS, RSS
    own_at_rest: dict[str, tuple[float, float]] = field(default_factory=dict)
    own_cpu: dict[str, float] = field(default_factory=dict)  # hub parts: CPU s, arrival
    load: list[tuple[float, float, float]] = field(default_factory=list)
    busy: float = 0.0  # machine-wide CPU %, 3 s before the phones
    seconds: float = 0.0  # from the first phone to the last page interactive or lost
    iopub: int = 0  # pages Voila sent without their cell's output (its log says so)

    @property
    def tti(self) -> list[float]:
        return [t for ws in self.workshops for t in ws.res.tti]

    @property
    def live(self) -> int:
        return sum(t < math.inf for t in self.tti)


# --- workshops ----------------------------------------------------------------------------

def make_workshop(pg: Any, folder: Path, phones: int, home: Path) -> list[str]:
    """``bakhong init`` with a PostgreSQL store and gradebook; returns the learners' codes."""
    folder.mkdir(parents=True)
    hint = folder.name.replace("-", "_")
    store, grades = pg.create_database(hint), pg.create_database(f"{hint}_grades")
    (folder / "bakhong.toml").write_text(f'store_url = "{store}"\ngradebook_url = "{grades}"\n',
                                         encoding="utf-8")
    roster = folder.parent / f"{folder.name}-roster.csv"
    write_roster(roster, phones)
    subprocess.run([str(VENV_BIN / "bakhong"), "init", str(folder), "--roster", str(roster)],
                   env=server_env(home), check=True, stdout=subprocess.DEVNULL, timeout=600)
    return [le.code for le in demo_learners(folder)]


def tree(root: psutil.Process | None) -> list[psutil.Process]:
    if root is None:
        return []
    with contextlib.suppress(psutil.Error):
        return [root, *root.children(recursive=True)]
    return []


def memory(procs: list[psutil.Process]) -> tuple[float, float]:
    """PSS and RSS summed, MB (a process gone meanwhile counts 0)."""
    pss = rss = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            info = proc.memory_full_info()
            pss, rss = pss + info.pss / MB, rss + info.rss / MB
    return pss, rss


def cpu_seconds(procs: list[psutil.Process]) -> float:
    return sum(voila_load.probe(p, "cpu") for p in procs)


def is_kernel(proc: psutil.Process) -> bool:
    text = line(proc)
    return any(k in text for k in ("ipykernel", "bakhong.kernel", "bakhong.page_kernel"))


def filled(side: Side, logs: list[Path]) -> bool:
    """Every workshop's preheated pools full (``--pool-size`` kernels per lesson, children of
    ``bakhong serve``) and its grading kernels started ahead (its log says so)."""
    pools = all(sum(is_kernel(p) for p in ws.root.children()) >= POOL_SIZE * len(LESSONS)
                for ws in side.workshops if ws.root is not None)
    text = "".join(log.read_text(encoding="utf-8", errors="replace") for log in logs
                   if log.exists())
    return pools and text.count(GRADING_READY) >= len(side.workshops)


def settle(procs_of: Any, limit: float = 180.0, ready: Any = None) -> None:
    """Until ``ready()`` (when given) and the processes are idle (the pages' kernels ready):
    under 15 % of a core in all, twice in a row, 1.5 s apart. On a loaded machine a starved
    process looks idle too: hence ``ready``."""
    end, quiet = time.monotonic() + limit, 0
    while ready is not None and time.monotonic() < end and not ready():
        time.sleep(1.0)
    while time.monotonic() < end and quiet < 2:
        procs = procs_of()
        for p in procs:
            voila_load.probe(p, "cpu%")
        time.sleep(1.5)
        quiet = quiet + 1 if sum(voila_load.probe(p, "cpu%") for p in procs) < 15.0 else 0


@contextlib.contextmanager
def load_average(into: list[tuple[float, float, float]]) -> Iterator[None]:
    """``os.getloadavg()`` every 2 s while the block runs."""
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            into.append(os.getloadavg())
            done.wait(2.0)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


# --- the phones ---------------------------------------------------------------------------

async def join_and_open(ws: Workshop, code: str, client: httpx.AsyncClient,
                        sockets: list[Any]) -> None:
    """The card's link, then voila_load's phone on the lesson it redirects to."""
    start = time.perf_counter()
    reply = await client.get(f"{ws.base}/join?code={code}", follow_redirects=False)
    if reply.status_code != 302:
        raise RuntimeError(f"join: HTTP {reply.status_code}")
    location = reply.headers["location"]  # /user/thao/w1/voila/render/… (the prefix's path)
    path = httpx.URL(ws.base).path.rstrip("/")
    if not location.startswith(f"{path}/"):
        raise RuntimeError(f"join: redirect outside the workshop: {location[:60]}")
    await voila_load.phone(ws.base, location[len(path):], client, sockets, ws.res, start=start)


async def phones(side: Side, window: float, timeout: float) -> list[Any]:
    """Every workshop's phones, each workshop's evenly spread over ``window``, all at once."""
    sockets: list[Any] = []
    count = sum(len(ws.codes) for ws in side.workshops)
    limits = httpx.Limits(max_connections=count + 1, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        async def one(ws: Workshop, i: int, code: str) -> None:
            await asyncio.sleep(i * window / len(ws.codes))
            try:
                await asyncio.wait_for(join_and_open(ws, code, client, sockets), timeout)
            except Exception as err:  # a lost page, whatever the cause
                kind = "timeout" if isinstance(err, TimeoutError) else str(err)[:60]
                ws.res.errors[kind] = ws.res.errors.get(kind, 0) + 1
                ws.res.tti.append(math.inf)

        await asyncio.gather(*(one(ws, i, code) for ws in side.workshops
                               for i, code in enumerate(ws.codes)))
    return sockets


def run_phones(side: Side, args: argparse.Namespace, logs: list[Path],
               extra: Any = None, parts: Any = None) -> None:
    """Settle, the phones, settle again, then the memory with every page still open."""
    every = lambda: [p for ws in side.workshops for p in tree(ws.root)]  # noqa: E731
    ready = lambda: filled(side, logs)  # noqa: E731
    print(f"[{side.name}] waiting for the pools to fill …", flush=True)
    settle(every, 300.0, ready)
    if not ready():
        print(f"[{side.name}] the pools are still not full: measuring anyway", flush=True)
    for ws in side.workshops:
        ws.pss_rest = memory(tree(ws.root))[0]
    if extra is not None:
        extra()  # the hub's own memory at rest
    side.busy = psutil.cpu_percent(interval=3.0)
    before = {ws.name: cpu_seconds(tree(ws.root)) for ws in side.workshops}
    own = {k: cpu_seconds(v) for k, v in (parts() if parts else {}).items()}
    print(f"[{side.name}] {args.phones} phones into each of {len(side.workshops)} "
          f"workshop(s) within {args.window:g} s …", flush=True)

    async def go() -> None:
        began = time.perf_counter()
        sockets = await phones(side, args.window, args.timeout)
        side.seconds = time.perf_counter() - began
        for ws in side.workshops:  # CPU of the arrival, before the settle below
            ws.cpu = cpu_seconds(tree(ws.root)) - before[ws.name]
        side.own_cpu = {k: cpu_seconds(v) - own[k]
                        for k, v in (parts() if parts else {}).items()}
        await asyncio.to_thread(settle, every, 120.0, ready)
        for ws in side.workshops:
            procs = tree(ws.root)
            ws.pss, ws.rss = memory(procs)
            ws.processes, ws.kernels = len(procs), sum(is_kernel(p) for p in procs)
        for sock in sockets:
            with contextlib.suppress(Exception):
                await sock.close()

    with load_average(side.load):
        asyncio.run(go())
    side.iopub = sum(log.read_text(encoding="utf-8", errors="replace").count(IOPUB_LATE)
                     for log in logs if log.exists())


# --- the two sides ------------------------------------------------------------------------

def plain_side(pg: Any, tmp: Path, home: Path, args: argparse.Namespace) -> Side:
    """``--plain`` workshops (one by default), each its own ``bakhong serve`` on its port."""
    side = Side("plain", [Workshop(f"lop-plain-{i + 1}", tmp / "plain" / f"lop-plain-{i + 1}",
                                   []) for i in range(args.plain)])
    servers: list[voila_load.Server] = []
    logs = [tmp / f"{ws.name}.log" for ws in side.workshops]
    try:
        for ws in side.workshops:
            ws.codes = make_workshop(pg, ws.folder, args.phones, home)
            port = free_port()
            ws.base = f"http://127.0.0.1:{port}"
            argv = [str(VENV_BIN / "bakhong"), "serve", str(ws.folder), "--host", "127.0.0.1",
                    "--port", str(port), "--max-kernels", str(MAX_KERNELS),
                    "--pool-size", str(POOL_SIZE)]
            servers.append(voila_load.Server(ws.name, argv, server_env(home),
                                             tmp / f"{ws.name}.log"))
            servers[-1].wait_ready(port, limit=180.0)
            ws.root = servers[-1].ps
        run_phones(side, args, logs)
    finally:
        for server in servers:
            server.stop()
    return side


def hub_parts(hub: Hub) -> dict[str, list[psutil.Process]]:
    everything = [psutil.Process(hub.process.pid), *tree(psutil.Process(hub.process.pid))[1:]]
    return {
        "hub": everything[:1],
        "proxy": [p for p in everything if "configurable-http-proxy" in line(p)],
        "culler": [p for p in everything if "jupyterhub_idle_culler" in line(p)],
    }


def hub_side(pg: Any, tmp: Path, home: Path, args: argparse.Namespace) -> Side:
    folder = tmp / "hub"
    names = [f"lop-{i + 1}" for i in range(args.workshops)]
    side = Side("hub", [Workshop(name, workshop_folder(folder, name), []) for name in names])
    for ws in side.workshops:
        ws.codes = make_workshop(pg, ws.folder, args.phones, home)
    env = {"BAKHONG_MAX_KERNELS": str(MAX_KERNELS), "BAKHONG_POOL_SIZE": str(POOL_SIZE)}
    with running_hub(folder, home, names, env) as hub:
        for ws in side.workshops:
            side.spawn.append(start_workshop(hub, ws.name))
            ws.base = hub.url + prefix(ws.name).rstrip("/")
            serve = [p for p in tree(psutil.Process(hub.process.pid))
                     if "bakhong serve" in line(p) and str(ws.folder) in line(p)]
            ws.root = serve[0] if serve else None
            print(f"[hub] {ws.name} started in {side.spawn[-1]:.1f} s", flush=True)

        def at_rest() -> None:
            side.own_at_rest = {k: memory(v) for k, v in hub_parts(hub).items()}

        run_phones(side, args, [hub.log_path], at_rest, lambda: hub_parts(hub))
        side.own = {k: memory(v) for k, v in hub_parts(hub).items()}
    return side


# --- the report ---------------------------------------------------------------------------

def report(plain: Side, hub: Side, args: argparse.Namespace) -> None:
    def fmt(value: float, digits: int = 2) -> str:
        return "lost" if value == math.inf else f"{value:.{digits}f}"

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if 0 < b < math.inf and a < math.inf else "n/a"

    def lost(side: Side) -> str:
        return f"{sum(t == math.inf for t in side.tti)}/{len(side.tti)}"

    def per_learner(side: Side, what: str) -> float:
        total = sum(getattr(ws, what) for ws in side.workshops)
        return total / side.live if side.live else math.inf

    def per_workshop(side: Side, what: str) -> float:
        return sum(getattr(ws, what) for ws in side.workshops) / len(side.workshops)

    def added(side: Side) -> float:  # every page opened took a kernel, lost or not
        return sum(ws.pss - ws.pss_rest for ws in side.workshops) / len(side.tti)

    n = len(hub.workshops)
    pct = voila_load.pct
    rows = [
        ("time to interactive p50, s", pct(plain.tti, .5), pct(hub.tti, .5), True),
        ("time to interactive p95, s", pct(plain.tti, .95), pct(hub.tti, .95), True),
        ("time to interactive max, s", pct(plain.tti, 1.0), pct(hub.tti, 1.0), False),
        ("PSS per live learner, MB", per_learner(plain, "pss"), per_learner(hub, "pss"), True),
        ("RSS per live learner, MB", per_learner(plain, "rss"), per_learner(hub, "rss"), True),
        ("PSS per workshop (tree), MB", per_workshop(plain, "pss"), per_workshop(hub, "pss"),
         True),
        ("PSS per workshop at rest, MB", per_workshop(plain, "pss_rest"),
         per_workshop(hub, "pss_rest"), True),
        ("PSS added per page opened, MB", added(plain), added(hub), True),
        ("processes per workshop", per_workshop(plain, "processes"),
         per_workshop(hub, "processes"), False),
        ("kernels per workshop", per_workshop(plain, "kernels"), per_workshop(hub, "kernels"),
         False),
        ("CPU s per workshop, arrival", per_workshop(plain, "cpu"), per_workshop(hub, "cpu"),
         True),
    ]
    title = f"hub, {n} workshop{'s' * (n > 1)}"
    first = "plain serve" if args.plain == 1 else f"{args.plain} plain serves"
    print(f"\n{args.phones} phones per workshop within {args.window:g} s; "
          f"timeout {args.timeout:g} s")
    print(f"{'':32}{first:>16}{title:>18}{'ratio':>8}")
    for label, a, b, asked in rows:
        print(f"{label:32}{fmt(a):>16}{fmt(b):>18}{ratio(b, a) if asked else '':>8}")
    print(f"{'pages lost':32}{lost(plain):>16}{lost(hub):>18}")
    for side in (plain, hub):
        for ws in side.workshops:
            if ws.res.errors:
                print(f"  {side.name} {ws.name}: {ws.res.errors}")
        if side.iopub:
            print(f"  {side.name}: Voila's log says «{IOPUB_LATE}» {side.iopub} times (the "
                  f"cell's output came over 60 s after it ran: page sent without its app)")
    print("hub's own memory, PSS / RSS MB (at rest before the phones -> with every page open),"
          " and CPU s over the arrival:")
    for part in ("hub", "proxy", "culler"):
        (p0, r0), (p1, r1) = hub.own_at_rest.get(part, (0, 0)), hub.own.get(part, (0, 0))
        print(f"  {part:8}{p0:7.1f} / {r0:5.1f} -> {p1:7.1f} / {r1:5.1f}   "
              f"CPU {hub.own_cpu.get(part, 0.0):.1f} s")
    print(f"workshops' spawn (REST call to ready), s: "
          f"{', '.join(f'{s:.1f}' for s in hub.spawn)}")
    for side in (plain, hub):
        loads = [one for one, _, _ in side.load] or [math.nan]
        print(f"{side.name}: load average (1 min) {min(loads):.1f}-{max(loads):.1f} during the "
              f"phones ({os.cpu_count()} cores); machine CPU {side.busy:.0f}% just before; "
              f"arrival to last page {side.seconds:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workshops", type=int, default=2, help="workshops under the hub")
    parser.add_argument("--plain", type=int, default=1,
                        help="workshops of the baseline, each its own plain `bakhong serve`")
    parser.add_argument("--phones", type=int, default=50, help="phones per workshop")
    parser.add_argument("--window", type=float, default=30.0, help="arrival window, seconds")
    parser.add_argument("--timeout", type=float, default=120.0, help="a page is lost after it")
    parser.add_argument("--hub-first", action="store_true", help="the hub's side first")
    parser.add_argument("--keep", action="store_true", help="keep the folder and the logs")
    args = parser.parse_args()
    if CHP is None:
        print("configurable-http-proxy is missing (make system-packages)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bakhong-hubcap-"))
    home = tmp / "home"
    home.mkdir()
    os.environ["BAKHONG_HOME"] = str(home)  # keys of this run's workshops, not the user's
    try:
        with pg_support.running_server() as pg:
            print(f"PostgreSQL on port {pg.port}; workshops in {tmp} …", flush=True)
            if args.hub_first:  # the other order: a machine's load drifting favours neither
                hub = hub_side(pg, tmp, home, args)
                plain = plain_side(pg, tmp, home, args)
            else:
                plain = plain_side(pg, tmp, home, args)
                hub = hub_side(pg, tmp, home, args)
        report(plain, hub, args)
    finally:
        if args.keep:
            print(f"Workshops and logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
