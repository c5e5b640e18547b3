"""What one learner's kernel costs to show a lesson: as kernels were, and as views.

    .venv/bin/python bench/kernel_weight.py [--repeat 3]

For each lesson, a fresh Python process does what a lesson page's kernel does from its
start to a ready page (after ipykernel's own import, which both pay): import ipywidgets
and the page's code, reach the learner's data, build the course screen with the app. Its
CPU seconds (user + system) and its memory (PSS, from ``/proc/self/smaps_rollup``) are
printed for:

* **before** (until issue 17): every lesson's app imported, the store opened in the kernel
  (``Sandbox.open`` of the workshop's URL, SQLAlchemy and all), the learner read there;
* **after**: the lesson's own app only, and a :class:`~bakhong.sandbox_client.RemoteDesk`
  to the sandbox service (started here as ``serve`` starts it) with a page pass.

The median of ``--repeat`` runs per lesson, then the ratios after/before.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

KERNEL = r"""
import json, os, resource, sys, time
import ipykernel.kernelapp  # the kernel itself: paid by both, not counted
def used():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
began = used()
mode, lesson, learner, store_url = sys.argv[1:5]
import ipywidgets
from bakhong.widgets import entry
from bakhong.widgets.course import course_screen
if mode == "before":
    from bakhong.simulators.desk import LearnerDesk
    from bakhong.simulators.sandbox import Sandbox
    factory = entry._apps()[lesson]
    desk = LearnerDesk(Sandbox.open(store_url), learner)
else:
    factory = entry._app(lesson)
    desk = entry.learner_desk("", os.environ["BENCH_PASS"])
page = course_screen(desk, factory, lang="vi", on_submit=lambda: None)
assert page.app is not None, "the app did not show"
cpu = used() - began
pss = 0
for line in open("/proc/self/smaps_rollup"):
    if line.startswith("Pss:"):
        pss = int(line.split()[1])
print(json.dumps({"cpu": cpu, "pss_mb": pss / 1024}))
"""

LESSONS = ("first_steps", "vneid", "payment", "portal", "signing", "safety")


def measure(mode: str, lesson: str, learner: str, store_url: str, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", KERNEL, mode, lesson, learner, store_url],
                         env=env, capture_output=True, text=True, check=True)
    found: dict = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory(prefix="bakhong-weight-") as scratch:
        folder = Path(scratch)
        env = {**os.environ, "BAKHONG_HOME": str(folder / "home")}
        os.environ.update(env)
        from bakhong import page_pass
        from bakhong.grading import settings, workshop
        from bakhong.sandbox_client import SOCKET_ENV
        from bakhong.simulators import learners
        from bakhong.simulators.clock import VN_TZ, FixedClock

        root = folder / "lop"
        box, _ = workshop.create(root, [("hv001", "Lê Thị Hoa", "Xã Thọ Long")],
                                 clock=FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ)),
                                 seed="weight")
        learners.record_consent(box.store, box.clock, "hv001")
        box.close()
        store_url = settings.load(root).store_url_for(root)
        key = page_pass.new_key()
        socket_path = folder / "sandbox.sock"
        service = subprocess.Popen([sys.executable, "-m", "bakhong.sandbox_service",
                                    str(root), str(socket_path)], stdin=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, env=env)
        assert service.stdin is not None
        service.stdin.write(key.hex().encode() + b"\n")
        service.stdin.close()
        while not socket_path.exists():
            assert service.poll() is None, "the sandbox service did not start"
            time.sleep(0.05)
        after_env = {**env, SOCKET_ENV: str(socket_path),
                     "BENCH_PASS": page_pass.mint(key, "hv001")}
        rows = []
        try:
            for lesson in LESSONS:
                runs = {mode: [measure(mode, lesson, "hv001", store_url,
                                       env if mode == "before" else after_env)
                               for _ in range(repeat)] for mode in ("before", "after")}
                rows.append((lesson, {mode: {k: statistics.median(r[k] for r in found)
                                             for k in ("cpu", "pss_mb")}
                                      for mode, found in runs.items()}))
        finally:
            service.terminate()
            service.wait(timeout=30)
    print("per lesson page, from the kernel's start to a ready page (median of "
          f"{repeat}; ipykernel's own import not counted):")
    for lesson, f in rows:
        b, a = f["before"], f["after"]
        print(f"  {lesson:12} CPU {b['cpu']:.2f} s -> {a['cpu']:.2f} s "
              f"({a['cpu'] / b['cpu']:.2f}x)   PSS {b['pss_mb']:.0f} MB -> {a['pss_mb']:.0f} MB "
              f"({a['pss_mb'] / b['pss_mb']:.2f}x)")
    cpu = statistics.mean(f["after"]["cpu"] / f["before"]["cpu"] for _l, f in rows)
    pss = statistics.mean(f["after"]["pss_mb"] / f["before"]["pss_mb"] for _l, f in rows)
    print(f"mean ratio after/before: CPU {cpu:.2f}x, PSS {pss:.2f}x")


if __name__ == "__main__":
    main()
