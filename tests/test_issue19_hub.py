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
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pg_support
import pytest
import sqlalchemy as sa
from browser_support import CHROMIUM, VENV_BIN, _descendants, _reap, demo_learners, server_env
from ports import free_port

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]

REPO = Path(__file__).resolve().parent.parent
DEPLOY_CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
CHP = shutil.which("configurable-http-proxy")
if CHP is None and not pg_support.on_ci():
    pytest.skip("configurable-http-proxy is missing (make system-packages installs it from npm)",
                allow_module_level=True)

TRAINER = "thao"
WORKSHOP = "lop-tho-xuan"
PREFIX = f"/user/{TRAINER}/{WORKSHOP}/"
ROSTER = ("Mã học viên,Họ và tên,Xã/Phường,Năm sinh,Giới tính,Có điện thoại thông minh,"
          "Có tài khoản ngân hàng\n"
          "tx-001,Lê Thị Hoa,Xã Thọ Long,1970,Nữ,Có,Không\n"
          "tx-002,Trần Văn Nam,Xã Thọ Long,1965,Nam,Không,\n")
START_S = 120.0

TEST_CONFIG = """\
import os
c = get_config()  # noqa: F821
load_subconfig({deploy!r})  # noqa: F821  (the single-VM config, as deployed)
# What a test changes: who signs in, how a workshop is spawned, the ports, an admin token.
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"  # no Unix account per trainer
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.env_keep = [*c.Spawner.env_keep, "BAKHONG_HOME"]
# each server its own port below the kernels' ephemeral range (tests/ports.py)
_ports = {{"": {lab_port}, {workshop!r}: {spawn_port}}}
_deployed_hook = c.Spawner.pre_spawn_hook
def _hook(spawner):
    spawner.port = _ports[spawner.name]
    if not spawner.name and os.geteuid() == 0:  # CI runs as root; trainers never do
        spawner.args = ["--allow-root"]
    _deployed_hook(spawner)
c.Spawner.pre_spawn_hook = _hook
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.cleanup_servers = True  # the hub stops the workshops it started when it stops
c.JupyterHub.services = [*c.JupyterHub.services, {{"name": "bakhong-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [*c.JupyterHub.load_roles, {{
    "name": "bakhong-test", "services": ["bakhong-test"],
    "scopes": ["admin:users", "admin:servers", "list:users", "read:users", "read:servers",
               "list:services", "read:services", "access:servers"]}}]
"""


@dataclass
class Hub:
    url: str  # the proxy: what phones open
    token: str
    workshop: Path
    store_url: str
    gradebook_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    spawn_seconds: float = 0.0

    def api(self, method: str, path: str, body: object | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/hub/api{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def anonymous_get(url: str) -> tuple[int, dict[str, str], str]:
    """A phone with no hub cookie: status, headers (lower-case names), body; redirects not
    followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=120) as response:
            return (response.status, {k.lower(): v for k, v in response.headers.items()},
                    response.read().decode())
    except urllib.error.HTTPError as err:
        return (err.code, {k.lower(): v for k, v in err.headers.items()},
                err.read().decode(errors="replace"))


def _wait_for(what: str, check: Any, timeout: float, hub: Hub | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if hub is not None and hub.process.poll() is not None:
            raise AssertionError(f"jupyterhub exited while waiting for {what}:\n"
                                 f"{hub.log()[-5000:]}")
        if time.monotonic() > deadline:
            tail = hub.log()[-5000:] if hub else ""
            raise AssertionError(f"{what}: not within {timeout:.0f} s\n{tail}")
        time.sleep(0.5)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _server(hub: Hub, name: str) -> dict[str, Any] | None:
    """The trainer's server ``name`` ("" the default one) as the REST API lists it: only a
    running or starting server is listed."""
    _, user = hub.api("GET", f"/users/{TRAINER}")
    servers = user.get("servers", {}) if isinstance(user, dict) else {}
    found = servers.get(name)
    return found if isinstance(found, dict) else None


def _ready(hub: Hub, name: str = WORKSHOP) -> bool:
    return bool((_server(hub, name) or {}).get("ready"))


def _line(proc: Any) -> str:
    try:
        return " ".join(proc.cmdline())
    except Exception:  # gone meanwhile, or not ours to read
        return ""


@contextlib.contextmanager
def _hub(folder: Path, workshop: Path, store_url: str, gradebook_url: str,
         home: Path) -> Iterator[Hub]:
    token = secrets.token_hex(24)
    port = free_port()
    config = folder / "hub_config.py"
    config.write_text(TEST_CONFIG.format(
        deploy=str(DEPLOY_CONFIG), homes=str(folder / "homes"), spawn_port=free_port(),
        lab_port=free_port(), workshop=WORKSHOP,
        hub_port=free_port(), proxy_api_port=free_port(), chp=CHP or "configurable-http-proxy",
        token=token), encoding="utf-8")
    env = server_env(home)
    env.update({"BAKHONG_HUB_URL": f"http://127.0.0.1:{port}", "BAKHONG_POOL_SIZE": "1",
                "BAKHONG_MAX_KERNELS": "8"})
    for name in [n for n in env if n.startswith(("JUPYTERHUB_", "JPY_"))]:
        del env[name]
    log_path = folder / "jupyterhub.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)],
                                   cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", token, workshop, store_url, gradebook_url, process,
              log_path)
    try:
        _wait_for("the hub's API", lambda: _answers(f"{hub.url}/hub/api/"), START_S, hub)
        yield hub
    finally:
        left = _stop(hub)
    assert not left, f"processes left running after the hub stopped: {left}"


def _stop(hub: Hub) -> list[str]:
    """Stop the workshop through the API, then the hub (one SIGTERM); returns what was
    still running 20 s later (then killed): the proxy, the culler, ``bakhong serve``, its
    sandbox service, grading worker and kernels must all have ended by themselves."""
    import psutil

    process = hub.process
    seen = _descendants(process.pid)  # the proxy, the culler, the workshop and its kernels
    with contextlib.suppress(Exception):
        hub.api("DELETE", f"/users/{TRAINER}/servers/{WORKSHOP}")
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    _gone, alive = psutil.wait_procs(seen, timeout=20)
    left = []
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            left.append(" ".join(proc.cmdline())[:200])
    _reap(alive, timeout=5)
    return left


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, bakhong_home: Path) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("hub")
    workshop = folder / "homes" / TRAINER / "workshops" / WORKSHOP
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
        with _hub(folder, workshop, store_url, gradebook_url, bakhong_home) as running:
            yield running


@pytest.fixture(scope="module")
def started(hub: Hub) -> Hub:
    """The trainer's workshop, started through the hub's REST API."""
    status, body = hub.api("POST", f"/users/{TRAINER}")
    assert status in (201, 409), body
    t0 = time.monotonic()  # the POST itself waits up to the hub's slow_spawn_timeout (10 s)
    status, body = hub.api("POST", f"/users/{TRAINER}/servers/{WORKSHOP}")
    assert status in (201, 202), body
    _wait_for("the workshop server to be ready", lambda: _ready(hub), START_S, hub)
    hub.spawn_seconds = time.monotonic() - t0
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

    # the culler runs as a hub service
    status, services = hub.api("GET", "/services")
    assert status == 200 and "idle-culler" in services, services


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
            if "ipykernel" in _line(proc) or "bakhong.kernel" in _line(proc)]


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
    workshop and every process of it; a resident's visit then meets the hub, not a class
    (not resumed by itself: docs/hosting.md); the trainer starts it again, and the learner's
    page opens where she was, at level 2, with her score."""
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

    status, headers, _ = anonymous_get(f"{hub.url}{PREFIX}")
    assert status in (302, 303) and "/hub/" in headers.get("location", ""), (status, headers)

    status, body = hub.api("POST", f"/users/{TRAINER}/servers/{WORKSHOP}")
    assert status in (201, 202), body
    _wait_for("the workshop started again", lambda: _ready(hub), START_S, hub)
    with launch_chromium() as browser:
        context = new_phone_context(browser)
        page = context.new_page()
        try:
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

