"""Issue 16: every static file a phone loads carries a Cache-Control header.

Before, Voila sent ``/voila/static/*`` with none and its content-hashed labextensions
``no-cache``: each reload made about 90 revalidation requests. A content-hashed name is now
``immutable`` for a year; a name without a hash is kept a day.
"""

from __future__ import annotations

import asyncio
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import DemoServer
from ports import free_port

from bakhong.serving import offline_transforms
from bakhong.static_caching import IMMUTABLE, ONE_DAY

SHARE = Path(sys.prefix) / "share" / "jupyter"
MANAGER = SHARE / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager" / "static"


def headers_of(url: str, **request_headers: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=request_headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}


def test_the_transform_replaces_no_cache_and_leaves_other_answers_alone(tmp_path: Path) -> None:
    """In a bare tornado app: static files said ``no-cache`` (as jupyter_server's
    FileFindHandler says of labextensions), static files with no header (tornado's
    StaticFileHandler, as Voila's /voila/static/), a 404 and a page."""
    import tornado.httpclient
    import tornado.web

    class NoCache(tornado.web.StaticFileHandler):
        def set_extra_headers(self, path: str) -> None:
            self.set_header("Cache-Control", "no-cache")

    (tmp_path / "remoteEntry.c8c9eed2cdefdeac.js").write_text("x")
    (tmp_path / "style.js").write_text("y")

    class Page(tornado.web.RequestHandler):
        def get(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.finish("<html><head></head></html>")

    async def run() -> dict[str, tuple[int, str]]:
        app = tornado.web.Application([
            (r"/voila/labextensions/(.*)", NoCache, {"path": str(tmp_path)}),
            (r"/voila/static/(.*)", tornado.web.StaticFileHandler, {"path": str(tmp_path)}),
            (r"/voila/render/x", Page),
        ], transforms=offline_transforms())
        port = free_port()
        server = app.listen(port, address="127.0.0.1")
        client = tornado.httpclient.AsyncHTTPClient()
        found = {}
        try:
            for path in ("/voila/labextensions/remoteEntry.c8c9eed2cdefdeac.js",
                         "/voila/labextensions/style.js", "/voila/static/style.js",
                         "/voila/static/gone.js", "/voila/render/x"):
                answer = await client.fetch(f"http://127.0.0.1:{port}{path}", raise_error=False)
                found[path] = (answer.code, answer.headers.get("Cache-Control", ""))
        finally:
            server.stop()
        return found

    found = asyncio.run(run())
    assert found == {
        "/voila/labextensions/remoteEntry.c8c9eed2cdefdeac.js": (200, IMMUTABLE),
        "/voila/labextensions/style.js": (200, ONE_DAY),
        "/voila/static/style.js": (200, ONE_DAY),
        "/voila/static/gone.js": (404, ""),
        "/voila/render/x": (200, "no-store"),
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with DemoServer(tmp_path_factory.mktemp("caching")) as demo:
        yield demo


@pytest.mark.slow
def test_voilas_static_files_are_kept_by_phones(server: DemoServer) -> None:
    remote_entry = next(MANAGER.glob("remoteEntry.*.js")).name
    expected = {
        f"/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/{remote_entry}":
            IMMUTABLE,
        "/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/style.js": ONE_DAY,
        "/voila/static/voila.js": ONE_DAY,
    }
    for path, cache in expected.items():
        status, headers = headers_of(server.url(path), **{"Accept-Encoding": "gzip"})
        assert (status, headers.get("cache-control")) == (200, cache), path
    _, first = headers_of(server.url("/voila/static/voila.js"))
    status, headers = headers_of(server.url("/voila/static/voila.js"),
                                 **{"If-None-Match": first["etag"]})
    assert (status, headers.get("cache-control")) == (304, ONE_DAY)
    # the lesson page itself is never kept: it holds a kernel of its own
    status, headers = headers_of(server.lesson_url("ZZZZZZZZ"))
    assert "no-store" in headers.get("cache-control", "")
