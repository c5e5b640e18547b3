"""The dashboards' tornado handlers and Voila applications: the trainer's
(:mod:`bakhong.dashboard`), and the report's and the province's
(:func:`bakhong.report_commands.serve_page`), all on the lessons' light page.

The gate of one dashboard start (:class:`~bakhong.dashboard.TrainerGate`) and the
workshop's id reach the handlers through the application's settings (``bakhong_gate``,
``bakhong_workshop_id``), as tornado intends, so the classes stay here at module level.
This module imports Voila: :mod:`bakhong.dashboard` imports it only when it serves.
"""

from __future__ import annotations

import asyncio
import inspect
import secrets
import time
from typing import Any

import tornado.web
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from bakhong import light_page
from bakhong.dashboard import (
    COOKIE,
    REFUSED,
    TOO_MANY,
    WRONG_PASSWORD,
    TrainerGate,
    login_page,
    refuse,
)
from bakhong.grading import trainer
from bakhong.lesson_server import NotFound, PhoneErrors, template_files, with_phone_errors
from bakhong.serving import offline_transforms

__all__ = ["DashboardVoila", "LoginHandler", "LogoutHandler", "ReportVoila", "TrainerOnly",
           "guard"]


def _gate(handler: tornado.web.RequestHandler) -> TrainerGate:
    gate: TrainerGate = handler.settings["bakhong_gate"]
    return gate


def _base(handler: tornado.web.RequestHandler) -> str:
    return str(handler.settings.get("base_url", "/"))


class TrainerOnly(tornado.web.RequestHandler):
    """Refuses a request without the trainer's cookie before the handler sees it."""

    login_redirect = False

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        if not _gate(self).admits(self):
            if self.login_redirect and self.request.method in ("GET", "HEAD"):
                self.redirect(_base(self) + "login")
            else:
                refuse(self, 403, REFUSED)
            return
        result = super().prepare(*args, **kwargs)
        if inspect.isawaitable(result):
            await result


_GUARDED: dict[type, type] = {}


def guard(handler: type) -> type:
    """``handler`` (one of Voila's), behind the gate and with the phone's error pages."""
    if handler not in _GUARDED:
        attributes = {"login_redirect": issubclass(handler, TornadoVoilaHandler)}
        safer = template_files() if handler is TemplateStaticFileHandler else handler
        _GUARDED[handler] = type(f"Trainer{handler.__name__}",
                                 (TrainerOnly, with_phone_errors(safer)), attributes)
    return _GUARDED[handler]


class LoginHandler(PhoneErrors):
    """``/login``: the password form and its check (rate-limited per address)."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; "
                        "form-action 'self'; frame-ancestors 'none'")

    def page(self, status: int = 200, error: str | None = None) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(login_page(error))

    def get(self) -> None:
        if _gate(self).admits(self):
            self.redirect(_base(self))
            return
        self.page()

    async def post(self) -> None:
        gate, client = _gate(self), str(self.request.remote_ip)
        wait = gate.limiter.retry_after(client, time.monotonic())
        if wait:
            self.set_header("Retry-After", str(wait))
            self.page(429, TOO_MANY.format(seconds=wait))
            return
        gate.limiter.begin(client, time.monotonic())
        password = self.get_body_argument("password", "")
        right = await asyncio.get_running_loop().run_in_executor(
            None, trainer.check_password, gate.workshop_id, password)
        if not right:
            self.page(403, WRONG_PASSWORD)
            return
        gate.limiter.succeeded(client, time.monotonic())
        gate.admit(self)
        self.redirect(_base(self))


class LogoutHandler(PhoneErrors):
    """``/logout`` (POST): the session ends on the server."""

    def post(self) -> None:
        _gate(self).end(self)
        self.clear_cookie(COOKIE, path=_base(self))
        self.redirect(_base(self) + "login")


class DashboardVoila(Voila):  # type: ignore[misc]
    """Voila with the gate in front of every handler; ``gate`` is set before launching."""

    gate: TrainerGate | None = None

    def init_settings(self) -> dict[str, Any]:
        found: dict[str, Any] = super().init_settings()
        found["cookie_secret"] = secrets.token_bytes(32)  # new at every start
        found["transforms"] = offline_transforms()
        found["default_handler_class"] = NotFound
        found["bakhong_gate"] = self.gate
        return found

    def init_handlers(self) -> list[Any]:
        base = self.server_url or "/"
        handlers: list[Any] = [(base + "login", LoginHandler),
                               (base + "logout", LogoutHandler)]
        # the light page's files (bakhong.light_page), behind the gate as Voila's are
        handlers += [(url, guard(handler), *rest)
                     for url, handler, *rest in light_page.handlers(base)]
        for url, handler, *rest in super().init_handlers():
            if url.rstrip("$").endswith(("/login", "/logout")):
                continue  # Voila's own identity pages: ours replace them
            handlers.append((url, guard(handler), *rest))
        return handlers


class ReportVoila(Voila):  # type: ignore[misc]
    """The report's (or the province's) dashboard: Voila with the light page's files, no
    CDN, and the phone's error pages for an unknown address; open to whoever reaches it
    (``--public`` decides what it shows, :mod:`bakhong.report_commands`)."""

    def init_settings(self) -> dict[str, Any]:
        found: dict[str, Any] = super().init_settings()
        found["transforms"] = offline_transforms()
        found["default_handler_class"] = NotFound
        return found

    def init_handlers(self) -> list[Any]:
        return [*light_page.handlers(self.server_url or "/"), *super().init_handlers()]
