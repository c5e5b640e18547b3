"""The weight of a learner's page: a light front-end, and static files phones keep.

**The light page** (issue 16) is a Voila template of ours, ``bakhong``
(``bakhong/page/voila/templates/bakhong/index.html.j2``). Voila still does everything on the
server side: preheated kernels, the request-info handshake that tells a kernel its learner
(:func:`bakhong.widgets.entry.request_info`), culling, the cap on kernels. Only the page
differs: where the lab template loads JupyterLab's application (94 files, 1.36 MB gzipped),
this one loads one script and one stylesheet built from npm in ``frontend/`` (ipywidgets'
manager, its core controls and the kernel connection of ``@jupyterlab/services``) and
``widgets/bakhong.css``, all under content-hashed names.

``BAKHONG_PAGE=lab`` serves Voila's stock lab page instead (the fallback), for the whole
class: a page cannot ask for it (``?template=`` would start a kernel beside the preheated
pool, :mod:`bakhong.lesson_server` drops it).

Every file of the page has a content-hashed name, which :mod:`bakhong.static_caching`
marks ``immutable``: a second page costs its HTML and its websocket only, whose messages
are compressed (:func:`tornado_settings`).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from bakhong.simulators.errors import N_, SandboxError

__all__ = ["LAB", "LIGHT", "PAGE_ENV", "UnknownPage", "configure", "handlers", "page_choice",
           "tornado_settings"]

#: The environment variable that picks the page: ``light`` (default) or ``lab``.
PAGE_ENV = "BAKHONG_PAGE"
LIGHT, LAB = "light", "lab"
#: Voila's template for each choice.
TEMPLATES = {LIGHT: "bakhong", LAB: "lab"}

#: A JUPYTER_PATH entry: Voila finds templates in ``<entry>/voila/templates/<name>``.
DATA_ROOT = Path(__file__).resolve().parent / "page"
BUNDLE = DATA_ROOT / "voila" / "templates" / "bakhong" / "static"

#: What the page says before its widgets are drawn, and when they cannot be.
LOADING_TEXT = "Đang tải… / Loading…"
BROKEN_TEXT = ("Trang chưa tải xong. Hãy tải lại trang. / The page did not load: "
               "reload it.")
LOST_TEXT = ("Mất kết nối với máy của lớp học. Hãy tải lại trang. / The connection to "
             "the class laptop was lost: reload the page.")


class UnknownPage(SandboxError):
    """``BAKHONG_PAGE`` names no page."""

    code = "serve.unknown_page"
    message = N_("BAKHONG_PAGE chỉ nhận «light» (trang nhẹ, mặc định) hoặc «lab» (trang gốc "
                 "của Voila). / BAKHONG_PAGE takes light (the default) or lab.")


def page_choice(environ: dict[str, str] | None = None) -> str:
    """The page to serve, from ``BAKHONG_PAGE``: ``light`` unless it says ``lab``.

    >>> page_choice({}), page_choice({"BAKHONG_PAGE": "lab"}), page_choice({PAGE_ENV: " Light "})
    ('light', 'lab', 'light')
    >>> page_choice({"BAKHONG_PAGE": "classic"})
    Traceback (most recent call last):
    ...
    bakhong.light_page.UnknownPage: BAKHONG_PAGE chỉ nhận «light» ... (BAKHONG_PAGE=classic)
    """
    value = (os.environ if environ is None else environ).get(PAGE_ENV, "").strip().lower()
    if value in ("", LIGHT, LAB):
        return value or LIGHT
    raise UnknownPage(f"{PAGE_ENV}={value}")


@dataclass(frozen=True)
class Asset:
    """A file of the page as served: its bytes, gzipped once at start, and its type."""

    body: bytes
    gzipped: bytes
    content_type: str


def _asset(body: bytes, content_type: str) -> Asset:
    return Asset(body, gzip.compress(body, compresslevel=9, mtime=0), content_type)


@functools.cache
def manifest() -> dict[str, str]:
    """``static/manifest.json``: the bundle's file names and its source hash."""
    found: dict[str, str] = json.loads((BUNDLE / "manifest.json").read_text("utf-8"))
    return found


@functools.cache
def widgets_css() -> bytes:
    """``widgets/bakhong.css``, the phone's one stylesheet."""
    return resources.files("bakhong.widgets").joinpath("bakhong.css").read_bytes()


def widgets_css_name() -> str:
    """``bakhong.<16 hex>.css``: ``widgets/bakhong.css`` under a content-hashed name."""
    return f"bakhong.{hashlib.sha256(widgets_css()).hexdigest()[:16]}.css"


@functools.cache
def assets() -> dict[str, Asset]:
    """Every file the light page loads, by its name under ``/voila/bakhong/``, gzipped once."""
    names = manifest()
    found = {names["js"]: _asset((BUNDLE / names["js"]).read_bytes(),
                                 "application/javascript; charset=utf-8"),
             names["css"]: _asset((BUNDLE / names["css"]).read_bytes(), "text/css; charset=utf-8"),
             widgets_css_name(): _asset(widgets_css(), "text/css; charset=utf-8")}
    notices = BUNDLE / "THIRD-PARTY-NOTICES.txt"
    found[notices.name] = _asset(notices.read_bytes(), "text/plain; charset=utf-8")
    return found


def page_resources() -> dict[str, str]:
    """What the template reads as ``resources.bakhong``."""
    names = manifest()
    return {"js": names["js"], "css": names["css"], "widgets_css": widgets_css_name(),
            "loading_text": LOADING_TEXT, "broken_text": BROKEN_TEXT, "lost_text": LOST_TEXT}


def configure(config: Any, page: str = LIGHT) -> None:
    """Make Voila serve ``page``: set its template, and let it find ours.

    Voila looks for templates in the Jupyter data path; ``bakhong/page`` is put first on
    ``JUPYTER_PATH`` (this process and what it starts; it holds nothing but the template).
    """
    config.VoilaConfiguration.template = TEMPLATES[page]
    if page != LIGHT:
        return
    current = os.environ.get("JUPYTER_PATH", "")
    entries = [e for e in current.split(os.pathsep) if e and e != str(DATA_ROOT)]
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(DATA_ROOT), *entries])
    config.VoilaConfiguration.resources = {"bakhong": page_resources()}
    assets()  # read and gzipped now, not while the first phone waits


def tornado_settings() -> dict[str, Any]:
    """Websocket messages compressed (permessage-deflate): the widgets' state is JSON, an
    eighth of its size deflated (the VNeID lesson's first screen: 68 KB, 8 KB); Chromium
    offers the extension on every connection."""
    return {"websocket_compression_options": {}}


def handlers(server_url: str) -> list[tuple[Any, ...]]:
    """The route of the light page's files: ``<server_url>voila/bakhong/<name>``."""
    return [(server_url.rstrip("/") + "/voila/bakhong/(.+)", assets_handler())]


@functools.cache
def assets_handler() -> type:
    import tornado.web

    class Assets(tornado.web.RequestHandler):
        """The bundle and bakhong.css, from memory, gzipped ahead when the phone takes gzip."""

        def get(self, name: str) -> None:
            asset = assets().get(name)
            if asset is None:
                raise tornado.web.HTTPError(404)
            self.set_header("Content-Type", asset.content_type)
            self.set_header("Vary", "Accept-Encoding")
            if "gzip" in self.request.headers.get("Accept-Encoding", ""):
                self.set_header("Content-Encoding", "gzip")
                self.finish(asset.gzipped)
            else:
                self.finish(asset.body)

        def compute_etag(self) -> str | None:
            return None  # the name changes with the content: nothing to revalidate

    return Assets
