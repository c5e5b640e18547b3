"""A page's pass: what lets one lesson page act for one learner at the sandbox service.

``bakhong serve`` makes a random pass key when it starts and keeps it in memory: the lessons'
Voila server mints a pass when it has checked a page's learner code (before a kernel is
taken), and hands it to that page's kernel with the page's request (the request-info
handshake that carries the query string); the sandbox service, given the same key on its
standard input, checks every call's pass. A kernel never sees the key, the store's address
or the workshop's keys: it holds a pass for one learner, which expires
(:data:`LIFETIME`), and cannot be turned into a pass for anyone else.

The pass is ``v1.<learner id>.<expiry, Unix seconds>.<nonce>.<MAC>``, the MAC an
HMAC-SHA256 (128 bits) under the pass key over everything before it. This module imports
the standard library only.

>>> key = bytes(range(32))
>>> token = mint(key, "hv001", now=1_000_000)
>>> holder(key, token, now=1_000_010)
'hv001'
>>> holder(key, token.replace("hv001", "hv002"), now=1_000_010) is None
True
>>> holder(key, token, now=1_000_000 + LIFETIME + 1) is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

__all__ = ["LIFETIME", "QUERY_KEY", "holder", "mint", "named", "new_key"]

#: How long a pass works: a workshop's day; a page opened again gets a new one.
LIFETIME = 12 * 3600
#: The query-string parameter the pass travels in, from the server to the page's kernel.
QUERY_KEY = "bakhong_pass"
_FORM = re.compile(r"v1\.([A-Za-z0-9_-]{1,64})\.(\d{1,12})\.([0-9a-f]{16})\.([0-9a-f]{32})")


def new_key() -> bytes:
    return secrets.token_bytes(32)


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def mint(key: bytes, learner_id: str, *, now: float | None = None) -> str:
    """A pass for ``learner_id`` (an id :mod:`bakhong.simulators.learnerid` allows)."""
    expires = int((time.time() if now is None else now) + LIFETIME)
    body = f"v1.{learner_id}.{expires}.{secrets.token_hex(8)}"
    return f"{body}.{_mac(key, body)}"


def holder(key: bytes, token: str, *, now: float | None = None) -> str | None:
    """The learner a genuine, unexpired pass is for; None for anything else."""
    found = _FORM.fullmatch(token or "")
    if found is None:
        return None
    body = token.rsplit(".", 1)[0]
    if not hmac.compare_digest(_mac(key, body), found.group(4)):
        return None
    if int(found.group(2)) < (time.time() if now is None else now):
        return None
    return found.group(1)


def named(token: str) -> str | None:
    """The learner a pass names, unchecked (a kernel cannot check it; the service does).

    >>> named("v1.hv001.1700000000.0123456789abcdef." + "0" * 32)
    'hv001'
    >>> named("hv001") is None
    True
    """
    found = _FORM.fullmatch(token or "")
    return found.group(1) if found else None
