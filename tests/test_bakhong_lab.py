"""Issue 20: «``bakhong lab WORKSHOP`` opens JupyterLab on the workshop, in Vietnamese (the
JupyterLab language pack), with nbgrader's formgrader for the course».

A workshop where one resident did the VNeID lesson and both tapped «Nộp bài», graded by
``bakhong grade``; ``bakhong lab`` runs as a subprocess on a free port (the token from
``JUPYTER_TOKEN``, as jupyter_server reads it). Its JupyterLab answers with the token only,
says Vietnamese in its settings and has the Vietnamese catalogue to show, and its formgrader
lists the course's lessons and the residents' graded submissions from the workshop's
gradebook.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from browser_support import BAKHONG, server_env
from graded_workshop import GradedWorkshop
from ports import free_port

from bakhong.simulators.clock import VN_TZ

pytestmark = pytest.mark.slow

TOKEN = "lab-test-token-1b2c"
START_S = 120.0


def _get(base: str, path: str, token: str | None = TOKEN) -> tuple[int, Any]:
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(f"{base}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode()
            try:
                return response.status, json.loads(body)
            except ValueError:
                return response.status, body
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, bakhong_home: Path) -> Iterator[str]:
    root = tmp_path_factory.mktemp("lab") / "ws"
    GradedWorkshop(size=2, vneid_done=frozenset({"hv001"}), payment_done=frozenset(),
                   seed="lab", day=datetime(2026, 12, 1, 9, tzinfo=VN_TZ),
                   lessons=("vneid",)).build(root, hand_in=True)
    env = server_env(bakhong_home)
    graded = subprocess.run([str(BAKHONG), "grade", str(root)], env=env, capture_output=True,
                            text=True, timeout=600, check=False)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    port = free_port()
    log = root.parent / "lab.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(BAKHONG), "lab", str(root), "--port", str(port)],
                                   env={**env, "JUPYTER_TOKEN": TOKEN}, cwd=root.parent,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S
        while True:
            try:
                if _get(base, "/api/status")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, log.read_text(errors="replace")[-4000:]
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-4000:]
            time.sleep(0.5)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_jupyterlab_asks_for_its_token(lab: str) -> None:
    status, _ = _get(lab, "/api/contents", token=None)
    assert status in (401, 403), status
    status, _ = _get(lab, "/api/contents", token="wrong")
    assert status in (401, 403), status


def test_jupyterlab_speaks_vietnamese(lab: str) -> None:
    status, body = _get(lab, "/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert status == 200, body
    assert '"vi_VN"' in body["raw"], body["raw"]
    status, body = _get(lab, "/lab/api/translations/vi_VN")
    assert status == 200 and body.get("data"), str(body)[:500]
    catalogue = json.dumps(body["data"], ensure_ascii=False)
    assert "Tệp" in catalogue, "no Vietnamese in JupyterLab's catalogue"  # the File menu


def test_formgrader_shows_the_course_and_its_grades(lab: str) -> None:
    status, page = _get(lab, "/formgrader")
    assert status == 200, str(page)[:500]
    status, assignments = _get(lab, "/formgrader/api/assignments")
    assert status == 200, assignments
    names = {a["name"]: a for a in assignments}
    assert "vneid" in names, sorted(names)
    assert names["vneid"]["num_submissions"] == 2, names["vneid"]
    status, submissions = _get(lab, "/formgrader/api/submissions/vneid")
    assert status == 200, submissions
    scores = {s["student"]: s["score"] for s in submissions}
    assert scores == {"hv001": 5.0, "hv002": 0.0}, scores


def test_a_trainer_sees_jupyterlab_and_formgrader_in_vietnamese(lab: str) -> None:
    from browser_support import CHROMIUM, launch_chromium, screenshot

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with launch_chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
        page = context.new_page()
        try:
            page.goto(f"{lab}/lab?token={TOKEN}", wait_until="domcontentloaded")
            page.locator(".lm-MenuBar-itemLabel", has_text="Tệp").first.wait_for(timeout=90_000)
            screenshot(page, "lab", "01-jupyterlab")
            page.goto(f"{lab}/formgrader/manage_submissions/vneid",
                      wait_until="domcontentloaded")
            try:
                page.locator("td", has_text="hv001").first.wait_for(timeout=60_000)
            finally:
                screenshot(page, "lab", "02-formgrader")
        finally:
            context.close()
