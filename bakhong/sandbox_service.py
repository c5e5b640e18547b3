"""The sandbox service: the one process that opens a workshop's store and holds its keys.

``bakhong serve`` starts it beside the lessons' Voila server and the grading worker, and it
dies with ``serve`` (as the worker does). Learners' kernels are only views: each calls the
service for its one learner, over HTTP on a Unix socket (tornado, which Jupyter already
runs on), with the pass the Voila server gave its page (:mod:`bakhong.page_pass`)::

    POST /call   {"pass": "v1.hv001…", "target": "vneid", "method": "submit_otp",
                  "args": ["123456"], "kwargs": {}, "then": ["status", "inbox"]}
    200          {"ok": <the result>}   or   {"error": <the refusal>},
                 with "then": {"status": …, "inbox": …}

``then`` names what the screen reads after the action (``wire.READINGS``), read in the
same call, so a tap is one round trip. Values and refusals cross as
:mod:`bakhong.simulators.wire` has them. The service builds a
:class:`~bakhong.simulators.desk.LearnerDesk` for the pass's learner and makes the call
there: the desk refuses anything a learner's page could not do, and a pass gives no way to
name another learner. Calls run one at a time, each one transaction: the store has one
writer (no "database is locked" however many phones tap at once), and a refusal is
recorded as evidence before it is sent back.

    python -m bakhong.sandbox_service WORKSHOP SOCKET     (the pass key on standard input)

Answers: 400 a malformed request, 403 a pass that is not genuine or has expired, 413 a
request over :data:`MAX_BODY`; any other failure is a refusal (a sandbox error) in a 200.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from bakhong import page_pass
from bakhong.sandbox_client import SOCKET_ENV
from bakhong.simulators import wire
from bakhong.simulators.desk import LearnerDesk, Variants
from bakhong.simulators.errors import SandboxError
from bakhong.simulators.wire import READINGS

__all__ = ["MAX_BODY", "SOCKET_ENV", "main", "make_app", "run"]

LOG = logging.getLogger("bakhong.sandbox")
#: The largest call: a phone's photo of a QR code or a PDF, base64 (16 MB as the widgets').
MAX_BODY = 24 * 1024 * 1024
#: Connections waiting to be accepted: a whole class's pages opening at once (the kernel
#: default of 128 refused the 129th with EAGAIN).
BACKLOG = 1024
#: Desks kept between calls (one per learner recently active).
DESKS = 512


def make_app(box: Any, key: bytes, *, pass_mark: float = 0.8,
             variants: Variants | None = None) -> Any:
    """The tornado application answering ``/call`` over ``box`` with the pass key ``key``
    (``pass_mark``: the course's, for «Xem điểm»; ``variants``: the workshop's own variants
    of lessons, read anew on each use)."""
    import tornado.web

    desks: OrderedDict[str, LearnerDesk] = OrderedDict()

    def desk_of(learner_id: str) -> LearnerDesk:
        desk = desks.pop(learner_id, None) or LearnerDesk(box, learner_id, pass_mark=pass_mark,
                                                           variants=variants)
        desks[learner_id] = desk
        while len(desks) > DESKS:
            desks.popitem(last=False)
        return desk

    class Call(tornado.web.RequestHandler):
        def check_xsrf_cookie(self) -> None:  # no browser here: a Unix socket
            return

        def post(self) -> None:
            try:
                request = json.loads(self.request.body)
                token, target, method = request["pass"], request["target"], request["method"]
                args = wire.decode(request.get("args") or [])
                kwargs = wire.decode(request.get("kwargs") or {})
                then = request.get("then") or []
                if not (isinstance(target, str) and isinstance(method, str)
                        and isinstance(args, list) and isinstance(kwargs, dict)
                        and isinstance(then, list) and len(then) <= len(READINGS)):
                    raise TypeError("target, method, args, kwargs, then")
            except (ValueError, KeyError, TypeError) as err:
                self.set_status(400)
                self.finish({"error": "malformed request"})
                LOG.warning("malformed call: %s", err)
                return
            learner_id = page_pass.holder(key, str(token))
            if learner_id is None:
                self.set_status(403)
                self.finish({"error": "pass refused"})
                return
            desk = desk_of(learner_id)
            try:
                answer = {"ok": wire.encode(desk.call(target, method, args, kwargs))}
            except SandboxError as err:
                answer = {"error": wire.encode_error(err)}
            except Exception:  # a bug: the page shows the usual «try again», we keep the log
                LOG.exception("call %s.%s for %s failed", target, method, learner_id)
                answer = {"error": wire.encode_error(SandboxError("unexpected"))}
            if then:  # what the screen reads next, after a refusal too (it redraws)
                try:
                    answer["then"] = wire.encode(desk.readings(target, then))
                except SandboxError:
                    pass  # the page reads them itself, and shows what it meets
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(answer, ensure_ascii=False))

    return tornado.web.Application([("/call", Call)])


def run(root: Path, socket_path: Path, key: bytes, stop: threading.Event | None = None,
        *, socket_mode: int = 0o600) -> None:
    """Serve until ``stop`` is set (or the process is stopped)."""
    import asyncio

    import tornado.httpserver
    import tornado.netutil

    from bakhong.grading import settings
    from bakhong.grading.lesson_variants import page_entries
    from bakhong.grading.workshop import open_sandbox
    from bakhong.simulators import evidence

    box = open_sandbox(root)
    box.store.single_writer()
    evidence.start_chain(box.store)  # from now on, evidence must come through here
    app = make_app(box, key, pass_mark=settings.load(root).pass_mark,
                   variants=lambda: page_entries(root))

    async def serve() -> None:
        server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY)
        server.add_socket(tornado.netutil.bind_unix_socket(str(socket_path), mode=socket_mode,
                                                           backlog=BACKLOG))
        LOG.info("sandbox service on %s", socket_path)
        while not (stop is not None and stop.is_set()):
            await asyncio.sleep(0.2)
        server.stop()

    try:
        asyncio.run(serve())
    finally:
        box.close()
        Path(socket_path).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    from bakhong.grading.worker import die_with_parent

    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="[bakhong sandbox] %(message)s")
    # a line per tap was a fifth of the service's CPU (200 taps a second in a full class);
    # refused passes (403) and malformed calls (400) are still logged, as warnings
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    key = bytes.fromhex(sys.stdin.readline().strip())
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    die_with_parent(os.getppid(), stop)
    run(Path(args[0]), Path(args[1]), key, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
