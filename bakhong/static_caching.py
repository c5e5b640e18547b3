"""Static files that phones keep: a Cache-Control header on every one (issue 16).

Voila sends ``/voila/static/*`` with no Cache-Control and marks the content-hashed
``/voila/labextensions/*`` ``no-cache``: a reload cost about 90 revalidation requests. Here
every static file's answer says how long a phone may keep it: a content-hashed name
(``page.<16 hex>.js``, a labextension's ``remoteEntry.<hash>.js``) is ``immutable`` for a
year, since a new content comes under a new name; a name without a hash (Voila's
``/voila/static/voila.js``, a labextension's ``style.js``) is kept one day, a workshop's
day, then revalidated (a Voila upgrade changes those files under the same names).
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["IMMUTABLE", "ONE_DAY", "cache_control", "static_caching"]

ONE_YEAR = 365 * 24 * 3600
ONE_DAY = f"public, max-age={24 * 3600}"
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
#: Where Voila (and bakhong's light page) serve static files, under any base URL.
_STATIC = re.compile(r"/voila/(?:static|labextensions|bakhong|templates/[^/]+/static)/")
#: A content hash in a file name: ``.<16 or more hex digits>.<extension>`` at the end.
_HASHED = re.compile(r"[.-][0-9a-f]{16,}\.[A-Za-z0-9]+$")


def cache_control(path: str, status: int) -> str | None:
    """The Cache-Control of a static file's answer; ``None`` for anything else.

    >>> cache_control("/voila/bakhong/page.da3a1f82560462a6.js", 200)
    'public, max-age=31536000, immutable'
    >>> cache_control("/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/"
    ...               "remoteEntry.c8c9eed2cdefdeac.js", 304)
    'public, max-age=31536000, immutable'
    >>> cache_control("/base/voila/static/voila.js", 200)
    'public, max-age=86400'
    >>> cache_control("/voila/render/vneid/vneid.ipynb", 200) is None
    True
    >>> cache_control("/voila/static/missing.js", 404) is None
    True
    """
    if status not in (200, 304) or not _STATIC.search(path):
        return None
    return IMMUTABLE if _HASHED.search(path) else ONE_DAY


@functools.cache
def static_caching() -> type:
    """A tornado output transform that sets :func:`cache_control` on every answer it
    applies to (it replaces the ``no-cache`` of Voila's labextension handler)."""
    import tornado.web

    class StaticCaching(tornado.web.OutputTransform):
        def __init__(self, request: Any) -> None:
            super().__init__(request)
            self.path = str(request.path)

        def transform_first_chunk(self, status_code: int, headers: Any, chunk: bytes,
                                  finishing: bool) -> tuple[int, Any, bytes]:
            value = cache_control(self.path, status_code)
            if value is not None:
                headers["Cache-Control"] = value
            return status_code, headers, chunk

    return StaticCaching
