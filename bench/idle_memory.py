"""Benchmark: a served workshop before the first phone, one preheated pool against a pool
per lesson (how ``bakhong serve`` preheated until issue 17) and stock Voila, same run.

    .venv/bin/python bench/idle_memory.py [--pool-size 4]

Each server serves the same new workshop, built with ``bakhong init`` from the demo's
roster of 40 residents (a workshop before its class: nothing submitted yet), on a free
loopback port, and is left until it and its kernels are idle (the pools filled);
then the PSS of its whole process tree (server, sandbox service, grading worker, kernels)
and its number of kernels are printed, with the ratios against the pool per lesson:

* **one pool** (today): every lesson page renders ``release/page.ipynb`` and is told its
  lesson in the request, so one pool of ``--pool-size`` kernels serves any lesson;
* **pool per lesson** (before): the same server with Voila's pools per notebook, every
  lesson's own notebook preheated (``--pool-size`` kernels each);
* **stock**: plain ``voila`` on the lessons' folder, no preheat, for scale.

Grading starts with the class (``grading/worker.py``): nbgrader and the grading kernels
are there from a resident's first tap, not on a server nobody uses yet. The demo workshop
(``bakhong demo``) has submissions waiting, so its worker grades them at once and keeps its
kernels: ``--demo`` serves that instead.

A kernel that is only a view (issue 17) can show any lesson, which is what lets one pool
serve them all; pages still open from a preheated kernel (``bench/voila_load.py``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.resources import as_file, files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from voila_load import BIN, Server, build_workshop, free_port, probe

#: ``bakhong serve`` with a pool per lesson: Voila preheats every notebook but the page.
PER_LESSON = ("import sys; from pathlib import Path; from bakhong import serving; "
              "serving.PRELOAD_ONLY_THE_PAGE = r'(.*/)?page\\.ipynb$'; "
              "serving.run(Path(sys.argv[1]), port=int(sys.argv[2]), "
              "pool_size=int(sys.argv[3]))")
ONE_POOL = ("import sys; from pathlib import Path; from bakhong import serving; "
            "serving.run(Path(sys.argv[1]), port=int(sys.argv[2]), pool_size=int(sys.argv[3]))")


def idle(name: str, argv: list[str], port: int, log: Path) -> tuple[float, int]:
    """PSS (MB) of the server's whole tree, and its kernels, once it is idle."""
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1",
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    server = Server(name, argv, env, log)
    try:
        server.wait_ready(port)
        server.settle(limit=300.0)
        return sum(probe(p, "pss") for p in server.tree()), len(server.kernels())
    finally:
        server.stop()


def new_workshop(root: Path) -> None:
    """A workshop as a trainer makes one the day before the class (``bakhong init``)."""
    from bakhong.kernelspec import ensure_installed

    roster = files("bakhong") / "data" / "demo-roster.csv"
    with as_file(roster) as path:
        subprocess.run([str(BIN / "bakhong"), "init", str(root), "--roster", str(path)],
                       check=True, stdout=subprocess.DEVNULL)
    ensure_installed()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pool-size", type=int, default=4)
    parser.add_argument("--demo", action="store_true",
                        help="serve the demo workshop (submissions waiting to be graded)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bakhong-idle-"))
    try:
        ws = tmp / "ws"
        if args.demo:
            build_workshop(ws, 1)
        else:
            new_workshop(ws)
        rows = []
        for name, code in (("one pool (today)", ONE_POOL), ("pool per lesson", PER_LESSON)):
            port = free_port()
            argv = [sys.executable, "-c", code, str(ws), str(port), str(args.pool_size)]
            print(f"[{name}] serving, waiting for the pools …", flush=True)
            rows.append((name, *idle(name, argv, port, tmp / f"{port}.log")))
        port = free_port()
        print("[stock] serving …", flush=True)
        rows.append(("stock voila", *idle("stock", [
            str(BIN / "voila"), str(ws / "release"), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1"], port, tmp / "stock.log")))
        before = rows[1][1]
        print(f"\n{'idle server':24}{'PSS MB':>10}{'kernels':>9}{'vs per lesson':>15}")
        for name, pss, kernels in rows:
            print(f"{name:24}{pss:>10.0f}{kernels:>9}{pss / before:>14.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
