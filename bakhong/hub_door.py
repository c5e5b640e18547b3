"""The workshop's door on a hub: a resident's link that works when the class is asleep.

On JupyterHub a workshop is a named server (``docs/hosting.md``), and the idle culler stops
it after an hour without traffic. A resident who then opens the workshop's address at home
met the hub's English login page: the proxy has no route for a stopped server, so the hub
answers, and the hub knows only trainers. This small hub service (``python -m
bakhong.hub_door``, at ``/services/lop/``) is the address printed on the learner cards
instead (``bakhong cards --base-url https://HUB/services/lop/TRAINER/WORKSHOP``):

* the workshop running: a redirect to its own address (``/user/TRAINER/WORKSHOP/join?code=…``),
  where ``bakhong serve`` checks the code as on the laptop;
* the workshop stopped (culled, or stopped by the trainer): the door starts it through the
  hub's REST API and shows «Lớp học đang mở lại», a page that reloads itself until the
  workshop is ready (the spawn takes some seconds), then goes on as above;
* no such workshop (never made, or deleted by the trainer on the hub's home page, which is
  how a trainer closes a class for good): «Không tìm thấy lớp học», 404.

What a phone sends is bounded and checked first: the two names against the hub's own rules
for them (short, lower-case letters, digits, ``.``, ``_``, ``-``), the code to
:data:`CODE_CHARS` characters (the workshop checks it; the door only passes it on). Waking
is limited per address (:data:`WAKES` in :data:`WAKE_WINDOW` seconds, the address from the
proxy's ``X-Forwarded-For``, :func:`bakhong.limits.phone_address`) and asked of the hub at
most once per :data:`WAKE_EVERY` seconds per workshop: a visit can start a class, never a
trainer's JupyterLab (the default server has no name, which the route refuses). The door
holds the hub token of its service only, with three scopes (read the users' names and
servers, start servers): it cannot open a workshop, read a store or act as a trainer.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from urllib.parse import quote, urlencode, urlsplit

import tornado.ioloop
import tornado.web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from bakhong import pages
from bakhong.limits import AttemptLimiter, phone_address

__all__ = ["CODE_CHARS", "WAKES", "WAKE_EVERY", "WAKE_WINDOW", "Door", "main", "make_app"]

log = logging.getLogger("bakhong.hub_door")

#: A hub user's or server's name as a phone may send it: the hub lowercases user names, and
#: a workshop's server is its folder's name (``deploy/jupyterhub/jupyterhub_config.py``).
NAME = r"[a-z0-9][a-z0-9._-]{0,63}"
CODE_CHARS = 64
WAKES, WAKE_WINDOW = 5, 600.0
WAKE_EVERY = 20.0
#: Seconds between the reloads of «Lớp học đang mở lại».
RELOAD = 5
API_TIMEOUT = 15.0


class Door:
    """What the door asks the hub: a workshop's state, and to start it."""

    def __init__(self, api_url: str, token: str) -> None:
        self.api_url, self.token = api_url.rstrip("/"), token
        self.client = AsyncHTTPClient()
        self.woken: dict[tuple[str, str], float] = {}

    async def _call(self, method: str, path: str) -> tuple[int, object]:
        request = HTTPRequest(f"{self.api_url}{path}", method=method,
                              headers={"Authorization": f"token {self.token}"},
                              body=b"{}" if method == "POST" else None,
                              request_timeout=API_TIMEOUT, connect_timeout=API_TIMEOUT)
        try:
            response = await self.client.fetch(request, raise_error=False)
        except (OSError, HTTPClientError) as err:
            log.warning("the hub's API did not answer: %s", err)
            return 599, None
        try:
            body = json.loads(response.body) if response.body else None
        except ValueError:
            body = None
        return response.code, body

    async def server(self, trainer: str, workshop: str) -> dict[str, object] | int | None:
        """The hub's model of the named server (stopped ones too), ``None`` when the hub
        has no such user or server, or the hub's failing status."""
        status, body = await self._call(
            "GET", f"/users/{quote(trainer)}?include_stopped_servers=1")
        if status == 404:
            return None
        if status != 200 or not isinstance(body, dict):
            return status
        servers = body.get("servers")
        if not isinstance(servers, dict):
            log.error("the door's token cannot read servers (scope read:servers)")
            return 503
        found = servers.get(workshop)
        return found if isinstance(found, dict) else None

    async def wake(self, trainer: str, workshop: str) -> bool:
        """Ask the hub to start the workshop (at most once per :data:`WAKE_EVERY` s);
        whether the hub took it (started, starting, or already on its way)."""
        now = time.monotonic()
        key = (trainer, workshop)
        if now - self.woken.get(key, -WAKE_EVERY) < WAKE_EVERY:
            return True
        self.woken = {k: t for k, t in self.woken.items() if now - t < WAKE_EVERY}
        self.woken[key] = now
        status, body = await self._call(
            "POST", f"/users/{quote(trainer)}/servers/{quote(workshop)}")
        if status in (201, 202, 400):  # 400: already running or pending
            log.info("woke %s/%s for a visit (%s)", trainer, workshop, status)
            return True
        log.error("the hub refused to start %s/%s: %s %s", trainer, workshop, status, body)
        return False


def _waking_page() -> str:
    return pages.notice_page(
        "Lớp học đang mở lại",
        "Lớp học đã nghỉ vì lâu không có ai học, và đang được mở lại. Trang sẽ tự tải lại "
        f"sau {RELOAD} giây; bạn không cần làm gì.",
        "The class was resting and is opening again. This page reloads by itself.",
        refresh=RELOAD)


def _closed_page() -> str:
    return pages.notice_page(
        "Không tìm thấy lớp học",
        "Địa chỉ này không có lớp học nào. Hãy kiểm tra đường link trên thẻ học viên, hoặc "
        "hỏi người hướng dẫn địa chỉ mới của lớp.",
        "There is no class at this address. Check the link on your learner card, or ask "
        "your trainer for the class's new address.")


class DoorHandler(tornado.web.RequestHandler):
    """``{prefix}TRAINER/WORKSHOP/`` and ``…/join?code=…``."""

    def initialize(self, door: Door, limiter: AttemptLimiter, base_url: str) -> None:
        self.door, self.limiter, self.base_url = door, limiter, base_url

    def _page(self, status: int, text: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(text)

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.finish(pages.error_page(status_code))

    async def get(self, trainer: str, workshop: str, join: str | None) -> None:
        found = await self.door.server(trainer, workshop)
        if isinstance(found, int):
            self._page(503, pages.error_page(503))
            return
        if found is None:
            self._page(404, _closed_page())
            return
        if found.get("ready"):
            url = str(found.get("url") or f"{self.base_url}user/{trainer}/{workshop}/")
            code = self.get_argument("code", "").strip()
            if join is not None and 0 < len(code) <= CODE_CHARS:
                url = f"{url.rstrip('/')}/join?{urlencode({'code': code})}"
            self.redirect(url)
            return
        if not found.get("pending"):  # stopped: a visit wakes it
            client = phone_address(self.request, True)
            now = time.monotonic()
            wait = self.limiter.retry_after(client, now)
            if wait:
                self.set_header("Retry-After", str(wait))
                self._page(429, _waking_page())
                return
            self.limiter.begin(client, now)
            if not await self.door.wake(trainer, workshop):
                self._page(503, pages.error_page(503))
                return
        self._page(200, _waking_page())


class NoDoor(tornado.web.RequestHandler):
    def get(self, *args: str) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(_closed_page())


def make_app(prefix: str, api_url: str, token: str, base_url: str = "/") -> tornado.web.Application:
    door = Door(api_url, token)
    limiter = AttemptLimiter(WAKES, WAKE_WINDOW)
    route = rf"{re.escape(prefix)}({NAME})/({NAME})/?(join)?"
    return tornado.web.Application([
        (route, DoorHandler, {"door": door, "limiter": limiter, "base_url": base_url}),
        (r"/.*", NoDoor),
    ])


def main() -> None:
    """Run as a JupyterHub service: the hub gives the address, prefix, API and token."""
    logging.basicConfig(level=logging.INFO, format="[bakhong door] %(message)s")
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/lop/")
    service = urlsplit(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    app = make_app(prefix, os.environ["JUPYTERHUB_API_URL"],
                   os.environ["JUPYTERHUB_API_TOKEN"],
                   os.environ.get("JUPYTERHUB_BASE_URL", "/"))
    app.listen(service.port or 80, service.hostname or "127.0.0.1")
    log.info("the workshops' door at %s", prefix)
    tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
