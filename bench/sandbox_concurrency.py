"""A class tapping at once: every kernel writing the store itself, against the sandbox service.

    .venv/bin/python bench/sandbox_concurrency.py [--learners 200] [--seconds 180]

One workshop (``bakhong.grading.workshop.init`` of a fictional roster, every learner
consented), then two runs of the same load, each ``--seconds`` long: every learner taps
about once a second (uniform 0.5-1.5 s apart) in the VNeID app, going to the «Đăng ký»
screen and back, and every tap is timed.

* **before** (how ``serve`` worked until issue 17): each learner's page opens the store
  itself, as each kernel did: its own SQLAlchemy engine on ``sandbox.db``, so every learner
  is a separate SQLite writer with the 10 s busy wait;
* **after**: the sandbox service (:func:`bakhong.sandbox_service.run`, in its own
  process, as ``serve`` starts it) and each learner's :class:`~bakhong.sandbox_client.
  RemoteDesk` with a pass, as a kernel has under ``serve``.

The learners are threads spread over ``--processes`` processes (a kernel per learner would
need 200 Python processes on this 2-core machine). Printed per run: taps, busy errors
("database is locked"), other errors, p50/p95/p99 per tap, and whether the evidence counts
match the taps that succeeded (nothing lost, nothing duplicated); then the ratios.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from roster_import import write_roster


def _tap_loop(act: Any, status: Any, seconds: float, seed: int, begin: Any,
              opened: list[float], out: list[tuple[float, str]]) -> None:
    """One learner: open the page (the first reading), wait for the class to be open, then
    tap for ``seconds``."""
    from bakhong.simulators.vneid import Step

    rng = random.Random(seed)
    began = time.perf_counter()
    try:
        toward = Step.INTRO if status().step is Step.REGISTER else Step.REGISTER
        opened.append(time.perf_counter() - began)
    except Exception as err:  # the page could not open
        out.append((0.0, f"error opening: {type(err).__name__}: {str(err)[:60]}"))
        return
    finally:
        begin.wait()
    time.sleep(rng.uniform(0, 1.0))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        began = time.perf_counter()
        try:
            act(toward)
            out.append((time.perf_counter() - began, "ok"))
            toward = Step.INTRO if toward is Step.REGISTER else Step.REGISTER
        except Exception as err:  # what a learner would see instead of the next screen
            text = f"{type(err).__name__}: {err}"
            kind = "busy" if ("locked" in text or "StoreBusy" in text) else "error"
            out.append((time.perf_counter() - began, kind + " " + text[:80]))
        time.sleep(rng.uniform(0.5, 1.5))


def _worker(mode: str, root: str, learner_ids: list[str], seconds: float, extra: dict[str, str],
            ready: Any, begin: Any, queue: Any) -> None:
    """One process: a thread per learner, each as that learner's kernel would act. The taps
    start together once every process has its pages open (``ready``, then ``begin``): 8
    processes importing the kit on 2 cores took about 3 s, and the first taps of that
    start-up were the whole tail of the figures."""
    results: dict[str, list[tuple[float, str]]] = {}
    opened: list[float] = []
    threads = []
    for index, learner_id in enumerate(learner_ids):
        results[learner_id] = []
        if mode == "before":
            from bakhong.grading.workshop import open_sandbox

            box = open_sandbox(Path(root))  # its own engine: its own SQLite writer
            sim: Any = box.vneid(learner_id)
        else:
            from bakhong import page_pass
            from bakhong.sandbox_client import RemoteDesk, ServiceClient

            token = page_pass.mint(bytes.fromhex(extra["key"]), learner_id)
            desk = RemoteDesk(ServiceClient(extra["socket"], token), learner_id)
            sim = desk.app("vneid")
        threads.append(threading.Thread(target=_tap_loop, daemon=True,
                                        args=(sim.go, sim.status, seconds, index, begin,
                                              opened, results[learner_id])))
    for thread in threads:
        thread.start()
    while len(opened) + sum(1 for r in results.values() if r) < len(learner_ids):
        time.sleep(0.05)
    ready.put(len(learner_ids))
    for thread in threads:
        thread.join()
    queue.put((results, opened))


def _events(root: Path) -> dict[str, int]:
    from bakhong.grading.workshop import open_sandbox
    from bakhong.simulators import evidence

    box = open_sandbox(root)
    try:
        return {le: len([e for e in evidence.learner_events(box.store, le, "vneid")
                         if e.task.startswith("go.") and e.outcome == evidence.OK])
                for le in _learners(root)}
    finally:
        box.close()


def _learners(root: Path) -> list[str]:
    from bakhong.grading.workshop import open_sandbox
    from bakhong.simulators import learners

    box = open_sandbox(root)
    try:
        return [le.learner_id for le in learners.all_learners(box.store)]
    finally:
        box.close()


def run(mode: str, root: Path, ids: list[str], seconds: float, processes: int,
        extra: dict[str, str]) -> dict[str, Any]:
    before = _events(root)
    context = multiprocessing.get_context("spawn")
    queue, ready, begin = context.Queue(), context.Queue(), context.Event()
    chunks = [ids[i::processes] for i in range(processes)]
    workers = [context.Process(target=_worker, args=(mode, str(root), chunk, seconds, extra,
                                                     ready, begin, queue))
               for chunk in chunks if chunk]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get()
    begin.set()
    merged: dict[str, list[tuple[float, str]]] = {}
    openings: list[float] = []
    for _ in workers:
        results, opened = queue.get()
        merged.update(results)
        openings.extend(opened)
    for worker in workers:
        worker.join()
    after = _events(root)
    times = sorted(t for taps in merged.values() for t, _k in taps)
    kinds = [k for taps in merged.values() for _t, k in taps]
    ok = {le: sum(1 for _t, k in merged[le] if k == "ok") for le in ids}
    mismatched = [le for le in ids if after.get(le, 0) - before.get(le, 0) != ok[le]]
    quantile = statistics.quantiles(times, n=100)
    opening = statistics.quantiles(sorted(openings), n=100) if len(openings) > 1 else [0.0] * 99
    return {"opening_p50": opening[49], "opening_p99": opening[98],
            "taps": len(times), "busy": sum(k.startswith("busy") for k in kinds),
            "errors": sum(k.startswith("error") for k in kinds),
            "p50": quantile[49], "p95": quantile[94], "p99": quantile[98],
            "per_s": len(times) / seconds, "mismatched": len(mismatched),
            "examples": sorted({k for k in kinds if k != "ok"})[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--processes", type=int, default=8)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bakhong-taps-") as scratch:
        folder = Path(scratch)
        os.environ["BAKHONG_HOME"] = str(folder / "home")
        roster = folder / "danh-sach.csv"
        write_roster(roster, options.learners)
        from bakhong.grading import workshop
        from bakhong.simulators import learners

        root = folder / "lop"
        box, _added = workshop.init(root, roster)
        ids = [le.learner_id for le in learners.all_learners(box.store)]
        for learner_id in ids:
            learners.record_consent(box.store, box.clock, learner_id)
        box.close()

        figures = {"before": run("before", root, ids, options.seconds, options.processes, {})}

        from bakhong import page_pass

        key = page_pass.new_key()
        socket_path = folder / "sandbox.sock"
        service = subprocess.Popen([sys.executable, "-m", "bakhong.sandbox_service", str(root),
                                    str(socket_path)], stdin=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
        assert service.stdin is not None
        service.stdin.write(key.hex().encode() + b"\n")
        service.stdin.close()
        while not socket_path.exists():
            assert service.poll() is None, "the sandbox service did not start"
            time.sleep(0.05)
        try:
            figures["after"] = run("after", root, ids, options.seconds, options.processes,
                                   {"key": key.hex(), "socket": str(socket_path)})
        finally:
            service.terminate()
            service.wait(timeout=30)

    print(f"{options.learners} learners tapping about once a second for "
          f"{options.seconds:.0f} s, each run:")
    for name, f in figures.items():
        print(f"  {name:6}  {f['taps']:6d} taps ({f['per_s']:.0f}/s), busy {f['busy']} "
              f"({100 * f['busy'] / max(f['taps'], 1):.1f} %), other errors {f['errors']}, "
              f"p50 {f['p50']:.3f} s, p95 {f['p95']:.3f} s, p99 {f['p99']:.3f} s, "
              f"evidence mismatched for {f['mismatched']} learners")
        print(f"          every page opened at once first: p50 {f['opening_p50']:.3f} s, "
              f"p99 {f['opening_p99']:.3f} s (not in the taps' figures)")
        if f["examples"]:
            print(f"          e.g. {f['examples']}")
    b, a = figures["before"], figures["after"]
    print(f"after/before: p99 {a['p99'] / b['p99']:.2f}x, p95 {a['p95'] / b['p95']:.2f}x, "
          f"busy {a['busy']} vs {b['busy']}")
    print(json.dumps({k: {n: v for n, v in f.items() if n != "examples"}
                      for k, f in figures.items()}))


if __name__ == "__main__":
    main()
