"""Learner codes cannot be guessed quickly (issue 19: «rate limits … keep code guessing slow»).

``bakhong serve --hub`` is started as JupyterHub starts a workshop (its address and prefix
in ``JUPYTERHUB_SERVICE_URL``/``_PREFIX``), without a hub: behind the hub's proxy the
phone's address comes in ``X-Forwarded-For``, which is what this test sends. Before, a
script could try codes as fast as the server answered; the proxy has no limit of its own.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import as_file, files

import pytest
from browser_support import BAKHONG, demo_learners, server_env
from ports import free_port

from bakhong.lesson_server import CODE_GUESSES

pytestmark = pytest.mark.slow

PREFIX = "/user/thao/lop-a/"
START_S = 120.0


@dataclass
class Served:
    port: int
    codes: list[str]
    process: subprocess.Popen[bytes]
    last_retry_after: str = ""

    def join(self, code: str, phone: str | None,
             sent: dict[str, str] | None = None) -> tuple[int, str, str]:
        """``GET {PREFIX}join?code=…`` as the hub's proxy forwards a phone's request (or as
        the laptop itself, ``phone=None``): status, Location, body. ``sent``: headers the
        phone itself sent, which the proxy passes on (it appends the phone's address to an
        ``X-Forwarded-For`` the phone sent)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(sent or {})
        if phone:
            headers["X-Forwarded-For"] = ", ".join(
                [*filter(None, [headers.get("X-Forwarded-For")]), phone])
        self.last_retry_after = ""
        try:
            connection.request("GET", f"{PREFIX}join?code={code}", headers=headers)
            response = connection.getresponse()
            self.last_retry_after = response.getheader("Retry-After") or ""
            return (response.status, response.getheader("Location") or "",
                    response.read().decode("utf-8", "replace"))
        finally:
            connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("guessing")
    workshop = root / "ws"
    env = server_env(root / "home")
    with as_file(files("bakhong") / "data" / "demo-roster.csv") as roster:
        subprocess.run([str(BAKHONG), "init", str(workshop), "--roster", str(roster)],
                       env=env, check=True, stdout=subprocess.DEVNULL, timeout=300)
    saved = os.environ.get("BAKHONG_HOME")
    os.environ["BAKHONG_HOME"] = env["BAKHONG_HOME"]
    try:
        codes = [learner.code for learner in demo_learners(workshop)]
    finally:
        if saved is None:
            os.environ.pop("BAKHONG_HOME", None)
        else:
            os.environ["BAKHONG_HOME"] = saved
    port = free_port()
    env.update(JUPYTERHUB_SERVICE_URL=f"http://127.0.0.1:{port}{PREFIX}",
               JUPYTERHUB_SERVICE_PREFIX=PREFIX)
    with (root / "serve.log").open("wb") as log:
        process = subprocess.Popen([str(BAKHONG), "serve", str(workshop), "--hub"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = Served(port, codes, process)
    try:
        deadline = time.monotonic() + START_S
        while True:
            assert process.poll() is None, (root / "serve.log").read_text()[-3000:]
            try:
                if server.join("", None)[0] in (200, 302):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (root / "serve.log").read_text()[-3000:]
            time.sleep(0.5)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _made_up(index: int) -> str:
    return f"ZZZZ{index:04d}".replace("0", "2").replace("1", "3")[:8]


def test_a_phone_that_guesses_codes_is_made_to_wait(served: Served) -> None:
    right = served.codes[0]
    guesser, neighbour = "203.0.113.7", "198.51.100.23"
    status, where, _ = served.join(right, guesser)
    assert status == 302 and "code=" in where, (status, where)
    for index in range(CODE_GUESSES):
        status, _, body = served.join(_made_up(index), guesser)
        assert status == 200 and "Không tìm thấy học viên" in body, (index, status)
    status, _, body = served.join(_made_up(99), guesser)
    assert status == 429 and "Đã nhập sai mã nhiều lần" in body
    assert "typed wrong too many times" in body  # English below
    status, _, body = served.join(right, guesser)  # a right code is not even looked up now
    assert status == 429, "a guesser would learn which code is right"
    status, where, _ = served.join(right, neighbour)  # another phone is not held back
    assert status == 302 and "code=" in where, (status, where)
    for index in range(CODE_GUESSES + 2):  # the laptop itself is never limited
        assert served.join(_made_up(index), None)[0] == 200


def test_a_phone_cannot_pass_for_another_address(served: Served) -> None:
    """A phone that sends its own ``X-Real-Ip`` or ``X-Forwarded-For`` (the laptop's
    address, or a new one each time) is still the address the proxy saw: tornado's
    ``xheaders`` took ``X-Real-Ip`` as the address, so a phone could guess for ever."""
    guesser = "203.0.113.99"
    for index in range(CODE_GUESSES):
        forged = {"X-Real-Ip": "127.0.0.1" if index % 2 else f"198.18.0.{index + 1}",
                  "X-Forwarded-For": "127.0.0.1"}
        status, _, _ = served.join(_made_up(100 + index), guesser, forged)
        assert status == 200, (index, status)
    status, _, _ = served.join(_made_up(199), guesser, {"X-Real-Ip": "127.0.0.1"})
    assert status == 429, "a forged X-Real-Ip passed the phone off as the laptop"
    # the wait the limiter knows, not a fixed 600 s
    assert 0 < int(served.last_retry_after) <= 600, served.last_retry_after
