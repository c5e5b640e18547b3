"""What a learner's kernel holds instead of the store: a client of the sandbox service.

:class:`RemoteDesk` has the methods of :class:`~bakhong.simulators.desk.LearnerDesk`, and
``desk.app("vneid")`` gives an object with the methods the widgets call on the VNeID
simulator; each call goes to the sandbox service (:mod:`bakhong.sandbox_service`) with the
page's pass, and comes back as the same values, or raises the same typed refusal, as the
simulator itself would. The widgets cannot tell the difference, and the tests drive them
over a :class:`~bakhong.simulators.desk.LearnerDesk` in the same process.

One HTTP connection over the service's Unix socket, kept open. This module imports the
standard library only (and :mod:`bakhong.simulators.wire`, which does too).
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bakhong.simulators import wire
from bakhong.simulators.errors import N_, SandboxError
from bakhong.simulators.wire import POLLS, READINGS

if TYPE_CHECKING:
    from bakhong.simulators.desk import VariantEntry

__all__ = ["SOCKET_ENV", "RemoteApp", "RemoteDesk", "ServiceClient", "ServiceUnavailable"]

#: Where a kernel finds the service: set by ``serve`` in the kernels' environment (an
#: address, not a secret).
SOCKET_ENV = "BAKHONG_SANDBOX_SOCKET"

TIMEOUT = 60.0  # seconds: a phone's photo of a QR code, decoded on a busy laptop
CONNECT_WAIT = 15.0  # seconds a page waits to reach a busy or restarting service
#: How long the readings an action answered with stand for the screen drawn after it.
FRESH_FOR = 1.0


class ServiceUnavailable(SandboxError):
    """The sandbox service did not answer (``serve`` stopped, or restarting)."""

    code = "sandbox.unavailable"
    message = N_("Ứng dụng luyện tập tạm thời không kết nối được. Hãy tải lại trang sau ít giây.")


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


class ServiceClient:
    """Calls for one learner's page (its pass) to the service at ``socket_path``."""

    def __init__(self, socket_path: str, token: str, *, timeout: float = TIMEOUT) -> None:
        self.socket_path, self.token, self.timeout = socket_path, token, timeout
        self._connection: _UnixConnection | None = None
        #: (app, reading) -> (when, value): what the last action brought back (:meth:`call`)
        self._fresh: dict[tuple[str, str], tuple[float, Any]] = {}

    def call(self, target: str, method: str, args: Sequence[Any] = (),
             kwargs: Mapping[str, Any] | None = None) -> Any:
        """One call for the page. An app's action also brings back what the screen reads
        next (:data:`~bakhong.simulators.wire.READINGS`, read by the service right after
        it, after a refusal too), and those readings are answered from it: each once, within
        :data:`FRESH_FOR` seconds, with no other call between. So a tap is one round trip.
        """
        fresh, self._fresh = self._fresh, {}
        if method in READINGS and not args and not kwargs and (target, method) in fresh:
            at, value = fresh.pop((target, method))
            if time.monotonic() - at <= FRESH_FOR:
                self._fresh = fresh  # the screen's other reading is still to come
                return value
        request: dict[str, Any] = {
            "pass": self.token, "target": target, "method": method,
            "args": wire.encode(list(args)), "kwargs": wire.encode(dict(kwargs or {}))}
        if target != "desk" and method not in READINGS and method not in POLLS:
            request["then"] = list(READINGS)
        answer = self._post(json.dumps(request, ensure_ascii=False).encode("utf-8"))
        readings = wire.decode(answer.get("then") or {})
        if isinstance(readings, dict):
            now = time.monotonic()
            self._fresh = {(target, name): (now, value) for name, value in readings.items()}
        if "error" in answer:
            error = answer["error"]
            if isinstance(error, dict):
                raise wire.decode_error(error)
            raise ServiceUnavailable(str(error))
        return wire.decode(answer.get("ok"))

    def _connect(self) -> _UnixConnection:
        """A connection to the service, waiting up to :data:`CONNECT_WAIT` while it is busy
        accepting others (a full backlog answers EAGAIN) or restarting."""
        deadline = time.monotonic() + CONNECT_WAIT
        pause = 0.01
        while True:
            connection = _UnixConnection(self.socket_path, self.timeout)
            try:
                connection.connect()
                return connection
            except (BlockingIOError, ConnectionRefusedError, FileNotFoundError):
                connection.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.5)

    def _post(self, body: bytes) -> dict[str, Any]:
        for attempt in (1, 2):  # a kept connection the service closed: once more, afresh
            try:
                if self._connection is None:
                    self._connection = self._connect()
                self._connection.request("POST", "/call", body,
                                         {"Content-Type": "application/json"})
                response = self._connection.getresponse()
                data = response.read()
                if response.status == 403:
                    raise ServiceUnavailable("pass refused")
                found: dict[str, Any] = json.loads(data)
                return found
            except (OSError, http.client.HTTPException, ValueError) as err:
                self.close()
                if attempt == 2:
                    raise ServiceUnavailable(str(err)) from err
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class RemoteApp:
    """A practice app's simulator, as the widgets see it, over the service."""

    def __init__(self, client: ServiceClient, name: str, learner_id: str,
                 persona: Callable[[], Any]) -> None:
        self._client, self._name, self.learner_id = client, name, learner_id
        self._persona = persona

    @property
    def persona(self) -> Any:
        return self._persona()

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._client.call(self._name, method, args, kwargs)
        call.__name__ = method
        return call


class RemoteDesk:
    """:class:`~bakhong.simulators.desk.LearnerDesk`'s methods, over the service."""

    def __init__(self, client: ServiceClient, learner_id: str) -> None:
        self.client, self.learner_id = client, learner_id
        self._apps: dict[str, RemoteApp] = {}
        self._persona: Any = None

    def _desk(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.client.call("desk", method, args, kwargs)

    def app(self, name: str) -> RemoteApp:
        if name not in self._apps:
            self._apps[name] = RemoteApp(self.client, name, self.learner_id, self.persona)
        return self._apps[name]

    def persona(self) -> Any:
        if self._persona is None:
            self._persona = self._desk("persona")
        return self._persona

    def learner(self) -> Any:
        return self._desk("learner")

    def consented(self) -> bool:
        return bool(self._desk("consented"))

    def consent(self) -> None:
        self._desk("consent")

    def set_language(self, language: str) -> None:
        self._desk("set_language", language)

    def display_modes(self) -> frozenset[str]:
        return frozenset(self._desk("display_modes"))

    def set_display_modes(self, modes: Iterable[str]) -> None:
        self._desk("set_display_modes", tuple(modes))

    def submit(self, lesson: str) -> Any:
        return self._desk("submit", lesson)

    def latest_submission(self, lesson: str) -> Any:
        return self._desk("latest_submission", lesson)

    def lesson_variants(self) -> dict[str, VariantEntry]:
        return {name: (str(base), str(title), str(text), tuple(map(str, tasks)))
                for name, (base, title, text, tasks) in self._desk("lesson_variants").items()}

    def pass_mark(self) -> float:
        return float(self._desk("pass_mark"))
