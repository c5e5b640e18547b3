"""The trainer's dashboard in headless Chromium at laptop size, behind its password.

``bakhong dashboard`` runs as a subprocess on a free port; learners act through the
simulator in this process (as their phones would), against the same sandbox. The trainer
logs in, sees a learner flagged after three wrong OTPs, switches a fault on, refuses a
dossier as the official, and resets the stuck learner's lesson; each step is checked in
the store. Without the cookie the page redirects to the login form and everything else
(kernels, their websocket, static files) answers 403; wrong passwords are refused and
rate-limited.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from browser_support import (
    CHROMIUM,
    LONG,
    _descendants,
    _reap,
    assert_no_serious_axe_violations,
    english_words,
    free_port,
    launch_chromium,
    messages,
    screenshot,
    server_env,
    visible_text,
    wait_visible,
)
from conftest import PASSWORD, reach_level2
from test_portal import fill_bundle

from bakhong import light_page
from bakhong.grading import trainer, workshop
from bakhong.simulators import dossiers, faults, learners, registry
from bakhong.simulators.procedures import NEWBORN_BUNDLE
from bakhong.simulators.store import flow_states
from bakhong.simulators.vneid import Step, VneidError

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not Path(CHROMIUM).exists():  # `make test` installs it (Makefile: system-packages)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

TRAINER = "Lớp Thọ Long 2026"
LAPTOP = {"width": 1280, "height": 800}
ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Phường Hạc Thành"),
          ("hv003", "Phạm Thị Lụa", "Xã Thọ Long")]


@dataclass
class DashboardServer:
    """``bakhong dashboard WORKSHOP --port N`` in its own process group."""

    workshop: Path
    home: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workshop.parent / "dashboard.log"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def start(self) -> DashboardServer:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bakhong", "dashboard",
                 str(self.workshop), "--port", str(self.port)],
                env=server_env(self.home), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"bakhong dashboard exited:\n{self.log()[-4000:]}")
            if status(self.base_url + "/login") == 200:
                return self
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"no dashboard on {self.base_url}:\n{self.log()[-4000:]}")
            time.sleep(0.5)

    def stop(self) -> None:
        """One SIGTERM, then whatever is left of the group and the kernels (as DemoServer)."""
        process, self.process = self.process, None
        if process is None:
            return
        descendants = _descendants(process.pid)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        _reap(descendants)


def status(url: str, *, data: dict[str, str] | None = None,
           opener: urllib.request.OpenerDirector | None = None,
           headers: dict[str, str] | None = None) -> int:
    """The HTTP status of a GET (or a form POST), redirects not followed."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    opener = opener or urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except (urllib.error.URLError, OSError):
        return 0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, bakhong_home: Path
           ) -> Iterator[DashboardServer]:
    root = tmp_path_factory.mktemp("browser-dashboard") / "ws"
    box, _ = workshop.create(root, ROSTER, lessons=("vneid",))
    try:
        for learner_id, _, _ in ROSTER:
            learners.record_consent(box.store, box.clock, learner_id)
        me = registry.persona_of_learner(box.store, "hv002")
        reach_level2(box.vneid("hv002"), me)
        portal = box.portal("hv002")
        portal.login(me.id_number, PASSWORD)
        fill_bundle(portal)
        portal.submit(NEWBORN_BUNDLE)
        trainer.set_password(box.workshop_id, TRAINER)
    finally:
        box.close()
    dashboard = DashboardServer(root, bakhong_home).start()
    try:
        yield dashboard
    finally:
        dashboard.stop()


def sandbox(server: DashboardServer) -> Any:
    return workshop.open_sandbox(server.workshop)


def wrong_otps(server: DashboardServer, learner_id: str) -> None:
    """Register, ask for the OTP, type a wrong one three times (through the simulator)."""
    box = sandbox(server)
    try:
        me, sim = registry.persona_of_learner(box.store, learner_id), box.vneid(learner_id)
        sim.go(Step.REGISTER)
        sim.register(me.id_number, me.phone, face_captured=True)
        sim.go(Step.ACTIVATE)
        sim.request_otp(me.id_number, me.phone)
        for _ in range(3):
            with contextlib.suppress(VneidError):
                sim.submit_otp("000000")
    finally:
        box.close()


def code_of(server: DashboardServer, learner_id: str) -> str:
    box = sandbox(server)
    try:
        return learners.by_id(box.store, learner_id).code
    finally:
        box.close()


def row(page: Any, code: str) -> Any:
    return page.locator(f'.bk-dash-table tr[data-code="{code}"]')


def choose(page: Any, code: str) -> None:
    """Pick the learner in «Học viên» (the option's text starts with the code)."""
    select = page.locator(".bk-dash-learner select")
    label = next(t for t in select.locator("option").all_inner_texts() if t.startswith(code))
    select.select_option(label=label)
    wait_visible(page, ".bk-dash-facts", "the learner's facts", has_text=code)


def info(page: Any, text: str, what: str) -> None:
    wait_visible(page, ".bk-msg-info", what, has_text=text)


def log_in(browser: Any, server: DashboardServer, password: str = TRAINER) -> tuple[Any, Any]:
    context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
    context.set_default_timeout(LONG)
    page = context.new_page()
    page.goto(server.base_url + "/")
    assert page.url == server.base_url + "/login"  # redirected: no cookie yet
    page.fill(".bk-dash-password", password)
    page.click(".bk-dash-login")
    return context, page


def test_without_the_cookie_only_the_login_form_answers(server: DashboardServer) -> None:
    kernel = str(uuid.uuid4())
    assert status(server.base_url + "/") == 302
    assert status(server.base_url + "/login") == 200
    for path in (f"/api/kernels/{kernel}", f"/api/kernels/{kernel}/channels",
                 "/voila/static/voila.js", "/voila/templates/lab/static/voila.js",
                 "/voila/api/shutdown/" + kernel, "/voila/files/x.ipynb",
                 "/voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json",
                 "/voila/bakhong/" + light_page.manifest()["js"]):
        assert status(server.base_url + path) == 403, path
    assert status(server.base_url + f"/api/kernels/{kernel}",
                  headers={"Cookie": "bakhong_trainer=2|1:0|10:1|15:bakhong_trainer|4:eA==|00"}
                  ) == 403  # a forged cookie

    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with pytest.raises(InvalidStatus) as refused:
        connect(f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels", open_timeout=30)
    assert refused.value.response.status_code == 403

    jar = http.cookiejar.CookieJar()
    trainer_opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    assert status(server.base_url + "/login", data={"password": TRAINER},
                  opener=trainer_opener) == 200  # followed to the dashboard
    cookie = next(c for c in jar if c.name == "bakhong_trainer")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.expires is None
    # past the gate, Voila answers for itself: no such kernel
    assert status(server.base_url + f"/api/kernels/{kernel}", opener=trainer_opener) == 404


def test_a_wrong_password_is_refused(server: DashboardServer) -> None:
    with launch_chromium() as browser:
        context, page = log_in(browser, server, "không phải mật khẩu")
        wait_visible(page, ".bk-error", "the refusal", has_text="Mật khẩu không đúng")
        assert page.url == server.base_url + "/login"
        assert not [c for c in context.cookies() if c["name"] == "bakhong_trainer"]
        screenshot(page, "dashboard", "01-wrong-password")
        context.close()


def test_the_trainer_watches_and_acts(server: DashboardServer) -> None:
    stuck, filer, late = (code_of(server, i) for i in ("hv001", "hv002", "hv003"))
    with launch_chromium() as browser:
        context, page = log_in(browser, server)
        wait_visible(page, ".bk-dash-table", "the class table")
        cookie = next(c for c in context.cookies() if c["name"] == "bakhong_trainer")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert "bk-dash-row-stuck" not in (row(page, stuck).get_attribute("class") or "")
        screenshot(page, "dashboard", "02-class")

        wrong_otps(server, "hv001")
        page.click(".bk-dash-refresh")
        wait_visible(page, f'tr.bk-dash-row-stuck[data-code="{stuck}"]', "the stuck flag")
        assert "⚠" in row(page, stuck).inner_text()
        assert "Nhập mã OTP" in row(page, stuck).inner_text()
        assert page.locator(".bk-dash-table tbody tr").first.get_attribute("data-code") == stuck
        problems = english_words(visible_text(page))
        assert not problems, problems
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        assert width <= LAPTOP["width"], f"the page scrolls sideways: {width}px"
        assert_no_serious_axe_violations(page, "the dashboard")
        screenshot(page, "dashboard", "03-stuck")

        choose(page, stuck)
        wait_visible(page, ".bk-dash-stuck-note", "why the learner is stuck",
                     has_text="Mã OTP không đúng")
        page.locator(".bk-dash-fault", has_text="Tin nhắn OTP đến muộn").locator("input").check()
        info(page, "Đã bật «Tin nhắn OTP đến muộn", "the fault switched on")
        box = sandbox(server)
        try:
            assert faults.armed(box.store, "hv001") == ["vneid.otp_late"]
        finally:
            box.close()
        screenshot(page, "dashboard", "04-fault-on")

        choose(page, filer)
        wait_visible(page, ".bk-dash-dossier-list", "the dossier", has_text="Mới đăng ký")
        page.locator(".bk-dash-reason input").fill("Thiếu giấy chứng sinh bản gốc")
        page.locator(".bk-dash-official", has_text="Từ chối tiếp nhận").click()
        info(page, "Không được tiếp nhận", "the official's refusal")
        box = sandbox(server)
        try:
            with box.store.engine.connect() as conn:
                (code,) = dossiers.codes_of(conn, "hv002")
                refused = dossiers.load(conn, code)
        finally:
            box.close()
        assert refused.status == 3
        assert refused.events[-1].params == {"reason": "Thiếu giấy chứng sinh bản gốc"}
        screenshot(page, "dashboard", "05-official")

        choose(page, stuck)
        page.click(".bk-dash-reset")
        wait_visible(page, ".bk-dash-confirm", "the confirmation", has_text="Lê Thị Hoa")
        screenshot(page, "dashboard", "06-reset-confirm")
        page.click(".bk-dash-reset-confirm")
        info(page, "Đã đặt lại bài «VNeID» cho Lê Thị Hoa", "the reset")
        box = sandbox(server)
        try:
            left = box.store.read(sa.select(flow_states.c.flow).where(
                flow_states.c.learner_id == "hv001"))
            assert left == [] and box.vneid("hv001").status().step is Step.INTRO
        finally:
            box.close()
        assert "bk-dash-row-stuck" not in (row(page, stuck).get_attribute("class") or "")
        screenshot(page, "dashboard", "07-reset")

        # «Tự làm mới»: the browser's timer refreshes without a click
        page.locator(".bk-dash-auto input").check()
        wrong_otps(server, "hv003")
        try:
            page.locator(f'tr.bk-dash-row-stuck[data-code="{late}"]').wait_for(timeout=45_000)
        except Exception as err:
            raise AssertionError(f"no automatic refresh; messages: {messages(page)}") from err
        screenshot(page, "dashboard", "08-auto-refresh")
        assert not [m for m in messages(page) if "Traceback" in m]
        context.close()


def test_wrong_passwords_never_lock_the_laptop_out(server: DashboardServer) -> None:
    """Wrong passwords are refused one by one; from the laptop itself (127.0.0.1) they are
    never held, so the trainer is not locked out by a guesser (other addresses are held
    per address: tests/test_hostile_serving.py)."""
    url = server.base_url + "/login"
    answers = [status(url, data={"password": f"thử {i}"}) for i in range(6)]
    assert answers == [403] * 6, answers
    assert status(url, data={"password": TRAINER}) == 302  # in: to the dashboard
