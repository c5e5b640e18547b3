"""bakhong serve: the join page, the cap on live kernels, no learner links outside the demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser_support import free_port, server_env

from bakhong.grading.workshop import open_sandbox
from bakhong.simulators.learners import all_learners

pytestmark = pytest.mark.slow


@contextmanager
def serve(workshop: Path, home: Path, **options: object) -> Iterator[str]:
    port = free_port()
    code = ("import sys; from pathlib import Path; from bakhong import serving;"
            f"serving.run(Path(sys.argv[1]), port={port}, "
            + ", ".join(f"{k}={v!r}" for k, v in options.items()) + ")")
    process = subprocess.Popen([sys.executable, "-c", code, str(workshop)], env=server_env(home),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=5)
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "server did not start"
            time.sleep(0.5)
    try:
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    home = tmp_path_factory.mktemp("home")
    root = tmp_path_factory.mktemp("serve") / "ws"
    subprocess.run([sys.executable, "-m", "bakhong", "demo", str(root), "--build-only",
                    "--no-history"],
                   check=True, env=server_env(home), capture_output=True)
    return root, home


def fetch(url: str) -> tuple[int, str, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=60) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Location", ""), err.read().decode()


def test_join_page_and_codes(workshop: tuple[Path, Path]) -> None:
    root, home = workshop
    box = open_sandbox(root)
    learner = all_learners(box.store)[0]
    box.close()
    with serve(root, home) as base:
        status, _, page = fetch(base + "/")
        assert status == 200 and "bk-join-code" in page and "<svg" in page
        assert learner.code not in page  # no learner links outside the demo
        status, where, _ = fetch(base + f"/join?code={learner.code.lower()}")
        assert status == 302 and where.endswith(f"?code={learner.code}")
        status, _, page = fetch(base + "/join?code=ZZZZZZZZ")
        assert status == 200 and "Không tìm thấy học viên" in page


def test_beyond_the_kernel_cap_a_page_asks_to_wait(workshop: tuple[Path, Path]) -> None:
    root, home = workshop
    box = open_sandbox(root)
    first, second = all_learners(box.store)[:2]
    box.close()
    with serve(root, home, max_kernels=1) as base:  # a class of one; the pool is not counted
        status, _, page = fetch(base + f"/voila/render/vneid/vneid.ipynb?code={first.code}")
        assert status == 200 and '"kernelId"' in page
        status, _, page = fetch(base + f"/voila/render/vneid/vneid.ipynb?code={second.code}")
        assert status == 503 and "Vui lòng đợi" in page and 'http-equiv="refresh"' in page
