"""Issue 19: a workshop hosted on JupyterHub, with the real servers.

A real PostgreSQL (``pg_support``) holds the workshop's store; a real ``jupyterhub``
with ``configurable-http-proxy`` runs ``deploy/jupyterhub/jupyterhub_config.py`` (the
single-VM config) with three test changes: the dummy authenticator, the local spawner that
needs no Unix account per trainer, and an admin token for the REST API. Through that API a
trainer's workshop (a named server: ``bakhong serve WORKSHOP --hub``) is started; a
resident with no hub account opens its join page and lesson through the hub's proxy with
the code on their card; in headless Chromium (360x800) she activates VNeID to level 2 and
taps «Nộp bài»: her evidence is in PostgreSQL, the grading worker grades it into nbgrader's
PostgreSQL gradebook. No kernel holds the hub's token; the trainer's JupyterLab is behind the
hub's login. The idle culler stops the workshop; started again, it resumes the learner where
she was. The hub stops its workshop and every process ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pg_support
import pytest
import sqlalchemy as sa
from browser_support import CHROMIUM, VENV_BIN, _descendants, demo_learners, server_env
from hub_support import (
    CHP,
    START_S,
    TRAINER,
    Hub,
    anonymous_get,
    prefix,
    ready,
    running_hub,
    start_workshop,
    workshop_folder,
)
from hub_support import line as _line
from hub_support import server as _server
from hub_support import wait_for as _wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]

REPO = Path(__file__).resolve().parent.parent
if CHP is None and not pg_support.on_ci():
    pytest.skip("configurable-http-proxy is missing (make system-packages installs it from npm)",
                allow_module_level=True)

WORKSHOP = "lop-tho-xuan"
PREFIX = prefix(WORKSHOP)
#: The cards' address on a hub: the workshops' door (bakhong/hub_door.py)
DOOR_PATH = f"/services/lop/{TRAINER}/{WORKSHOP}/"
ROSTER = ("Mã học viên,Họ và tên,Xã/Phường,Năm sinh,Giới tính,Có điện thoại thông minh,"
          "Có tài khoản ngân hàng\n"
          "tx-001,Lê Thị Hoa,Xã Thọ Long,1970,Nữ,Có,Không\n"
          "tx-002,Trần Văn Nam,Xã Thọ Long,1965,Nam,Không,\n")


def _ready(hub: Hub, name: str = WORKSHOP) -> bool:
    return ready(hub, name)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, bakhong_home: Path) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("hub")
    workshop = workshop_folder(folder, WORKSHOP)
    with pg_support.running_server() as pg:
        store_url = pg.create_database("hub_workshop")
        gradebook_url = pg.create_database("hub_gradebook")
        workshop.mkdir(parents=True)
        (workshop / "bakhong.toml").write_text(
            f'store_url = "{store_url}"\ngradebook_url = "{gradebook_url}"\n', encoding="utf-8")
        roster = folder / "roster.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        made = subprocess.run(
            [str(VENV_BIN / "bakhong"), "init", str(workshop), "--roster", str(roster)],
            env=server_env(bakhong_home), capture_output=True, text=True, timeout=300,
            check=False)
        assert made.returncode == 0, made.stdout + made.stderr
        # the store and nbgrader's gradebook are PostgreSQL databases
        assert not (workshop / "sandbox.db").exists()
        assert not (workshop / "gradebook.db").exists()
        with running_hub(folder, bakhong_home, [WORKSHOP],
                         {"BAKHONG_POOL_SIZE": "1", "BAKHONG_MAX_KERNELS": "8"}) as running:
            running.workshop, running.store_url = workshop, store_url
            running.gradebook_url = gradebook_url
            yield running


@pytest.fixture(scope="module")
def started(hub: Hub) -> Hub:
    """The trainer's workshop, started through the hub's REST API."""
    hub.spawn_seconds = start_workshop(hub, WORKSHOP)
    return hub


def test_a_resident_reaches_the_workshop_without_a_hub_account(started: Hub) -> None:
    hub = started
    # the join page, under the workshop's prefix, with the class address to project
    status, _, page = anonymous_get(f"{hub.url}{PREFIX}")
    assert status == 200, page[:2000]
    assert f"{hub.url}{PREFIX}" in page
    assert 'action="join"' in page
    # the prefix without its slash goes there too
    status, headers, _ = anonymous_get(f"{hub.url}{PREFIX.rstrip('/')}")
    assert status in (301, 302) and headers.get("location", "").endswith(PREFIX), (status, headers)

    learner = next(le for le in demo_learners(hub.workshop) if le.learner_id == "tx-001")
    status, headers, _ = anonymous_get(f"{hub.url}{PREFIX}join?code={learner.code}")
    assert status == 302, headers
    lesson = headers["location"]
    assert lesson.startswith(f"{PREFIX}voila/render/") and learner.code in lesson, lesson
    status, _, page = anonymous_get(f"{hub.url}{lesson}")
    assert status == 200, page[:2000]
    assert '"kernelId"' in page and PREFIX in page  # Voila's page, its URLs under the prefix

    status, _, page = anonymous_get(f"{hub.url}{PREFIX}join?code=ZZZZZZZZ")
    assert status == 200 and "Không tìm thấy học viên" in page

    # the hub's own pages still ask for a login
    status, headers, _ = anonymous_get(f"{hub.url}/hub/home")
    assert status == 302 and "/hub/login" in headers["location"], headers

    # the culler runs as a hub service, and so does the door
    status, services = hub.api("GET", "/services")
    assert status == 200 and "idle-culler" in services and "lop" in services, services


def test_the_door_sends_a_phone_on_and_opens_nothing_else(started: Hub) -> None:
    """The cards' address (``/services/lop/TRAINER/WORKSHOP/join?code=…``) sends a phone
    to the running workshop with its code; what is not a workshop is «Không tìm thấy lớp
    học», and the trainer's JupyterLab (the server with no name) cannot be reached or
    started through it."""
    hub = started
    learner = next(le for le in demo_learners(hub.workshop) if le.learner_id == "tx-001")
    status, headers, _ = anonymous_get(f"{hub.url}{DOOR_PATH}join?code={learner.code}")
    assert status == 302, (status, headers)
    assert headers["location"].endswith(f"{PREFIX}join?code={learner.code}"), headers
    # no code, or a code too long to be one: the join page, to type it
    for path in ("", f"join?code={'U' * 500}"):
        status, headers, _ = anonymous_get(f"{hub.url}{DOOR_PATH}{path}")
        assert status == 302 and headers["location"].endswith(PREFIX), headers
    for path in (f"{TRAINER}/khong-co-lop/", f"{TRAINER}//", f"{TRAINER}/", "nobody/lop/",
                 f"{TRAINER}/..%2F/", f"{TRAINER.upper()}/{WORKSHOP}/", f"{TRAINER}/{'a' * 65}/"):
        status, _, page = anonymous_get(f"{hub.url}/services/lop/{path}")
        assert status == 404 and "Không tìm thấy lớp học" in page, (path, status)
        assert "There is no class at this address" in page
    status, body = hub.api("GET", f"/users/{TRAINER}")
    assert status == 200 and "" not in body.get("servers", {}), "the door started JupyterLab"


def test_the_trainers_jupyterlab_is_behind_the_hub_login(started: Hub) -> None:
    """The default server is the trainer's JupyterLab (for `bakhong init`, `grade` …): a
    phone without the hub's login is sent to it, the trainer's token gets in."""
    hub = started
    status, body = hub.api("POST", f"/users/{TRAINER}/server")
    assert status in (201, 202), body
    _wait_for("the trainer's JupyterLab", lambda: _ready(hub, ""), START_S, hub)
    status, headers, _ = anonymous_get(f"{hub.url}/user/{TRAINER}/lab")
    assert status == 302 and "/hub/" in headers["location"], (status, headers)
    request = urllib.request.Request(f"{hub.url}/user/{TRAINER}/api/status",
                                     headers={"Authorization": f"token {hub.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    status, body = hub.api("DELETE", f"/users/{TRAINER}/server")
    assert status in (202, 204), body


def test_the_trainer_sees_the_dashboard_in_jupyterlab(started: Hub, bakhong_home: Path) -> None:
    """The trainer's dashboard on a hub: ``bakhong dashboard WORKSHOP --in-jupyterlab`` (in
    JupyterLab's terminal) writes its notebook into the workshop and prints its address in
    the trainer's JupyterLab, where Voila renders it behind the hub's login: a phone is sent
    to the hub, the trainer signed in to the hub sees the class, her residents by name."""
    if not Path(CHROMIUM).exists():
        if pg_support.on_ci():
            pytest.fail(f"{CHROMIUM} is missing; CI must run the hub journey")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from browser_support import launch_chromium, screenshot, wait_visible

    hub = started
    home = hub.workshop.parent.parent
    env = {**server_env(bakhong_home), "HOME": str(home),
           "JUPYTERHUB_SERVICE_PREFIX": f"/user/{TRAINER}/"}  # as JupyterLab's terminal has
    wrote = subprocess.run([str(VENV_BIN / "bakhong"), "dashboard", str(hub.workshop),
                            "--in-jupyterlab"], env=env, capture_output=True, text=True,
                           timeout=120, check=False)
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    address = next(line.split(": ", 1)[1] for line in wrote.stdout.splitlines()
                   if line.startswith("Mở / open: "))
    assert address.startswith(f"/user/{TRAINER}/voila/render/workshops/{WORKSHOP}/"), address

    status, body = hub.api("POST", f"/users/{TRAINER}/server")
    assert status in (201, 202), body
    try:
        _wait_for("the trainer's JupyterLab", lambda: _ready(hub, ""), START_S, hub)
        status, headers, _ = anonymous_get(f"{hub.url}{address}")
        assert status == 302 and "/hub/" in headers["location"], (status, headers)
        with launch_chromium() as browser:
            context = browser.new_context(viewport={"width": 1280, "height": 900},
                                          locale="vi-VN")
            page = context.new_page()
            try:
                page.goto(f"{hub.url}/hub/login", wait_until="domcontentloaded")
                page.fill("#username_input", TRAINER)
                page.fill("#password_input", "mat-khau-thu")
                page.click("#login_submit")
                page.wait_for_url("**/user/**", timeout=60_000)
                page.goto(f"{hub.url}{address}", wait_until="domcontentloaded")
                wait_visible(page, ".bk-dash-table", "the class on the trainer's dashboard",
                             timeout=120_000)
                wait_visible(page, ".bk-dash-table", "a resident by name", has_text="Lê Thị Hoa")
                screenshot(page, "hub-dashboard", "01-class")
            finally:
                context.close()
    finally:
        status, body = hub.api("DELETE", f"/users/{TRAINER}/server")
        assert status in (202, 204), body


def test_serve_hub_outside_a_hub_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from bakhong import cli

    for name in ("JUPYTERHUB_SERVICE_URL", "JUPYTERHUB_SERVICE_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["serve", str(tmp_path), "--hub"]) == 2
    err = capsys.readouterr().err
    assert "chỉ chạy khi JupyterHub khởi động lớp học" in err
    assert "runs only when JupyterHub starts the workshop" in err


def test_grading_processes_follow_the_hubs_cpu_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from bakhong.grading import grader

    monkeypatch.delenv(grader.CPU_LIMIT_ENV, raising=False)
    cores = grader.default_workers()
    monkeypatch.setenv(grader.CPU_LIMIT_ENV, "0.5")
    assert grader.default_workers() == 1
    monkeypatch.setenv(grader.CPU_LIMIT_ENV, "1000")
    assert grader.default_workers() == cores
    monkeypatch.setenv(grader.CPU_LIMIT_ENV, "hai")
    assert grader.default_workers() == cores


def _kernels(hub: Hub) -> list[Any]:
    return [proc for proc in _descendants(hub.process.pid)
            if any(k in _line(proc) for k in ("ipykernel", "bakhong.kernel", "page_kernel"))]


def test_no_kernel_holds_the_hubs_token(started: Hub) -> None:
    import psutil

    kernels = _wait_for("a preheated kernel", lambda: _kernels(started), START_S, started)
    for kernel in kernels:
        with contextlib.suppress(psutil.NoSuchProcess):
            environ = kernel.environ()
            # (JPY_PARENT_PID is jupyter_client's own, set for every kernel)
            assert not [name for name in environ
                        if name.startswith("JUPYTERHUB_") or name == "JPY_API_TOKEN"], environ
            assert started.token not in json.dumps(environ)
            assert "postgresql" not in json.dumps(environ)  # no store URL either


FIGURES = REPO / "test-artifacts" / "hub-figures.json"


def _record_figures(hub: Hub) -> None:
    """What one run measured (docs/hosting.md quotes it): the workshop's spawn time, and the
    resident memory (RSS, MB) of the hub, its proxy, the culler and the workshop's processes
    (pool of 1 per lesson, one learner page open)."""
    import psutil

    def mb(procs: list[Any]) -> float:
        total = 0
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        return round(total / 2**20, 1)

    def threads(procs: list[Any]) -> int:
        total = 0
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                total += proc.num_threads()
        return total

    everything = _descendants(hub.process.pid)
    def named(*words: str) -> list[Any]:
        return [proc for proc in everything if any(word in _line(proc) for word in words)]
    kernels = _kernels(hub)
    serve = []  # `bakhong serve`, its sandbox service, grading worker and pool
    for top in named("bakhong serve"):
        serve += [top, *_descendants(top.pid)]
    serve = [p for p in serve if p not in kernels]
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(json.dumps({
        "spawn_seconds": round(hub.spawn_seconds, 1),
        "hub_mb": mb([psutil.Process(hub.process.pid)]),
        "proxy_mb": mb(named("configurable-http-proxy")),
        "culler_mb": mb(named("jupyterhub_idle_culler")),
        "workshop_processes_mb": mb(serve),
        "workshop_processes": [f"{mb([p])} MB {_line(p)[:100]}" for p in serve],
        "kernels": len(kernels), "kernels_mb": mb(kernels),
        "workshop_threads": threads([*serve, *kernels]),
        "cores": os.cpu_count(),
    }, indent=1), encoding="utf-8")


def _events(store_url: str, learner_id: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT task, outcome FROM events WHERE learner_id = :l AND lesson = 'vneid' "
                "ORDER BY seq"), {"l": learner_id}).all()
            return [(row[0], row[1]) for row in rows]
    finally:
        engine.dispose()


def _submission(store_url: str, learner_id: str) -> tuple[str, float | None] | None:
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.text(
                "SELECT status, score FROM submissions WHERE learner_id = :l AND lesson = "
                "'vneid' ORDER BY seq DESC LIMIT 1"), {"l": learner_id}).first()
            return (row[0], row[1]) if row else None
    finally:
        engine.dispose()


@pytest.mark.browser
def test_a_phone_activates_vneid_and_submits_through_the_hub(started: Hub) -> None:
    if not Path(CHROMIUM).exists():
        if pg_support.on_ci():
            pytest.fail(f"{CHROMIUM} is missing; CI must run the hub journey")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from browser_support import launch_chromium, new_phone_context, screenshot, submit
    from test_browser import consent, walk_from_otp_to_level2, walk_to_otp

    hub = started
    learner = next(le for le in demo_learners(hub.workshop) if le.learner_id == "tx-001")

    @dataclass
    class Place:  # what the walk helpers read: where the workshop's store is
        workshop: Path

    with launch_chromium() as browser:
        context = new_phone_context(browser)
        page = context.new_page()
        try:
            page.goto(f"{hub.url}{PREFIX}join?code={learner.code}",
                      wait_until="domcontentloaded")
            page.wait_for_url(f"**{PREFIX}voila/render/**")
            page.goto(f"{hub.url}{PREFIX}voila/render/vneid/vneid.ipynb?code={learner.code}",
                      wait_until="domcontentloaded")

            def visit(screen: str) -> None:
                screenshot(page, "hub-journey", screen)
            consent(page, visit)
            walk_to_otp(page, Place(hub.workshop), learner, visit)  # type: ignore[arg-type]
            walk_from_otp_to_level2(page, Place(hub.workshop), learner,  # type: ignore[arg-type]
                                    visit)
            submit(page)
            visit("14-submitted")
        finally:
            with contextlib.suppress(Exception):
                screenshot(page, "hub-journey", "zz-last")
            context.close()

    events = _events(hub.store_url, learner.learner_id)
    assert events, "no VNeID evidence in PostgreSQL"
    # the grading worker `serve` started under the hub grades it from the PostgreSQL store
    graded = _wait_for("the submission graded",
                       lambda: (s := _submission(hub.store_url, learner.learner_id))
                       and s[0] == "graded" and s, 120, hub)
    assert graded[1] == 5.0, graded
    _record_figures(hub)
    # nbgrader's own record of it, in the PostgreSQL gradebook
    from nbgrader.api import Gradebook

    with Gradebook(hub.gradebook_url, course_id="bakhong") as gradebook:
        assert gradebook.find_submission("vneid", learner.learner_id).score == 5.0


@pytest.mark.browser
def test_the_culler_stops_an_idle_workshop_and_the_learner_resumes(started: Hub) -> None:
    """The idle culler (the deployed one's package and scopes, with a 5 s timeout) stops the
    workshop and every process of it; the workshop's own address then meets the hub's
    login, but the card's address (the door) starts the workshop again for the resident,
    and her page opens where she was, at level 2, with her score. Before the door, the
    resident met the hub's English login and only the trainer could restart the class."""
    if not Path(CHROMIUM).exists():
        if pg_support.on_ci():
            pytest.fail(f"{CHROMIUM} is missing; CI must run the hub journey")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    import psutil
    from browser_support import (
        launch_chromium,
        new_phone_context,
        score_shown,
        screenshot,
        wait_visible,
    )

    hub = started
    learner = next(le for le in demo_learners(hub.workshop) if le.learner_id == "tx-001")
    before = [p for p in _descendants(hub.process.pid) if "bakhong serve" in _line(p)]
    assert before, "no `bakhong serve` under the hub"
    old = [proc for top in before for proc in (top, *_descendants(top.pid))]
    env = {**os.environ, "JUPYTERHUB_API_TOKEN": hub.token}
    culler = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "jupyterhub_idle_culler",
         f"--url={hub.url}/hub/api", "--timeout=5", "--cull-every=2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for("the culler to stop the idle workshop", lambda: _server(hub, WORKSHOP) is None,
                  90, hub)
    finally:
        culler.terminate()
        culler.wait(timeout=30)
    _gone, alive = psutil.wait_procs(old, timeout=30)
    assert not alive, [_line(p) for p in alive]

    # the workshop's own address now reaches the hub, which knows only trainers
    status, headers, _ = anonymous_get(f"{hub.url}{PREFIX}")
    assert status in (302, 303) and "/hub/" in headers.get("location", ""), (status, headers)

    # the card's address (the door) wakes it: «Lớp học đang mở lại», reloading by itself,
    # then the class, with no one on the hub doing anything
    with launch_chromium() as browser:
        context = new_phone_context(browser)
        page = context.new_page()
        try:
            page.goto(f"{hub.url}{DOOR_PATH}join?code={learner.code}",
                      wait_until="domcontentloaded")
            wait_visible(page, "h1", "the door's page while the workshop wakes",
                         has_text="Lớp học đang mở lại")
            screenshot(page, "hub-resumed", "00-waking")
            wait_visible(page, ".bk-phone", "the first lesson, reached from the door",
                         timeout=START_S * 1000)
            assert _ready(hub)
            page.goto(f"{hub.url}{PREFIX}voila/render/vneid/vneid.ipynb?code={learner.code}",
                      wait_until="domcontentloaded")
            wait_visible(page, ".bk-vneid-level", "the home screen at level 2, resumed",
                         has_text="Mức 2")
            assert not page.locator(".bk-common-consent-accept").count()
            deadline = time.monotonic() + 60
            while "5/5" not in (shown := score_shown(page)):
                assert time.monotonic() < deadline, f"no score in the app: {shown!r}"
                page.wait_for_timeout(1000)
            screenshot(page, "hub-resumed", "01-level2-score")
        finally:
            context.close()

