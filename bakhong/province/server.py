"""``bakhong province serve``: the provincial server (tornado, HTTPS only).

``POST /api/v1/packages`` with ``Authorization: Bearer <token>`` and a package as the body
answers the :class:`~.verdicts.Verdict` as JSON: 200 when accepted or unchanged, 401 without
a registered token (the body is neither read further nor kept), and for a refused package
400 (cut short, malformed, bad content), 403 (unregistered, revoked, another workshop's
token, bad signature, another pseudonym key), 409 (stale or conflicting number) or 413 (too
large). ``GET /api/v1/health`` answers the schema revision. Packages are checked and applied
in a small pool of threads (:func:`bakhong.province.ingest.receive`; writers queue on the
database's advisory lock), so the server keeps answering while one is applied.
"""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import tornado.httpserver
import tornado.ioloop
import tornado.web
from sqlalchemy.engine import Engine

from . import db, ingest, workshops
from .client import PACKAGES_PATH
from .package import MAX_BYTES
from .verdicts import REASONS, Verdict

__all__ = ["make_app", "serve", "tls_context"]

log = logging.getLogger(__name__)
STATUS = {"truncated": 400, "malformed": 400, "content": 400, "version": 400, "unsigned": 400,
          "too_large": 413, "unregistered": 403, "revoked": 403, "wrong_token": 403,
          "bad_signature": 403, "pseudonym_key": 403, "no_token": 401, "stale": 409,
          "conflict": 409}


def _now() -> datetime:
    return datetime.now(UTC)


class _Base(tornado.web.RequestHandler):
    def initialize(self, engine: Engine, pool: ThreadPoolExecutor,
                   clock: Callable[[], datetime]) -> None:
        self.engine, self.pool, self.clock = engine, pool, clock

    def answer(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:  # no traceback, ever
        self.answer(status_code, {"status": "error", "message_vi": "Lỗi máy chủ của tỉnh.",
                                  "message_en": "The province's server failed."})


class PackageHandler(_Base):
    async def post(self) -> None:
        header = self.request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        loop = tornado.ioloop.IOLoop.current()
        known = await loop.run_in_executor(self.pool, self._known, token) if token else None
        if known is None:
            reason = REASONS["no_token"]
            self.answer(401, {"status": "refused", "code": reason.code,
                              "message_vi": reason.vi, "message_en": reason.en})
            return
        verdict: Verdict = await loop.run_in_executor(self.pool, partial(
            ingest.receive, self.engine, self.request.body, via=ingest.HTTPS, token=token,
            now=self.clock()))
        log.info("package from %s: %s %s", known, verdict.status, verdict.code or "")
        self.answer(STATUS.get(verdict.code or "", 200), verdict.as_json())

    def _known(self, token: str) -> str | None:
        with self.engine.connect() as conn:
            return workshops.by_token(conn, token)


class HealthHandler(_Base):
    async def get(self) -> None:
        loop = tornado.ioloop.IOLoop.current()
        revision = await loop.run_in_executor(self.pool, db.revision, self.engine)
        self.answer(200, {"status": "ok", "schema": revision})


def make_app(engine: Engine, *, workers: int = 4,
             clock: Callable[[], datetime] = _now) -> tornado.web.Application:
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="province")
    args = {"engine": engine, "pool": pool, "clock": clock}
    return tornado.web.Application([
        (PACKAGES_PATH, PackageHandler, args),
        ("/api/v1/health", HealthHandler, args),
    ], serve_traceback=False, compress_response=True)


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert), str(key))
    return context


def serve(engine: Engine, *, host: str, port: int, cert: Path, key: Path,
          workers: int = 4, ready: Callable[[], None] | None = None) -> None:
    """Serve until stopped (SIGTERM or Ctrl-C)."""
    import signal

    db.migrate(engine)
    app = make_app(engine, workers=workers)
    server = tornado.httpserver.HTTPServer(app, ssl_options=tls_context(cert, key),
                                           max_body_size=MAX_BYTES + 1024, xheaders=False)
    server.listen(port, address=host)
    loop = tornado.ioloop.IOLoop.current()
    loop.asyncio_loop.add_signal_handler(signal.SIGTERM, loop.stop)  # type: ignore[attr-defined]
    if ready is not None:
        ready()
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
