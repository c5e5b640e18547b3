"""A preheated kernel learns its learner's link from Voila, without importing voila."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
from ports import free_port
from websockets.sync.server import ServerConnection, serve

from bakhong.widgets.entry import request_info


def voila_like_server(port: int, paths: list[str], delay: float) -> threading.Thread:
    """Answers /voila/query/<kernel> as Voila's RequestInfoSocketHandler does, ``delay`` late."""
    def handler(connection: ServerConnection) -> None:
        paths.append(connection.request.path if connection.request else "")
        time.sleep(delay)  # the page request comes later than the kernel's connection
        connection.send(json.dumps({"QUERY_STRING": "code=K7M2QX9P&lang=en"}))

    def run() -> None:
        with serve(handler, "127.0.0.1", port) as server:
            threading.Timer(5, server.shutdown).start()
            server.serve_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def preheated(monkeypatch: pytest.MonkeyPatch) -> int:
    port = free_port()
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-1")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    return port


def test_waits_for_the_request(preheated: int) -> None:
    paths: list[str] = []
    voila_like_server(preheated, paths, delay=0.5)
    assert request_info(open_timeout=10)["QUERY_STRING"] == "code=K7M2QX9P&lang=en"
    assert paths == ["/voila/query/kernel-1"]


def test_retries_when_the_server_is_late_to_accept(preheated: int) -> None:
    paths: list[str] = []
    threading.Timer(1.5, voila_like_server, (preheated, paths, 0)).start()
    assert request_info(open_timeout=10)["QUERY_STRING"].startswith("code=")


def test_without_preheat_the_environment_holds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "code=ABC")
    assert request_info() == {"QUERY_STRING": "code=ABC"}


def test_the_lesson_kernel_never_imports_voila_or_nbgrader() -> None:
    code = ("import sys, bakhong.widgets.entry, bakhong.widgets.course, "
            "bakhong.widgets.vneid_app, bakhong.simulators.sandbox;"
            "print([m for m in sys.modules if m.split('.')[0] in ('voila', 'nbgrader', "
            "'nbconvert', 'jupyter_server')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
