"""Tries per address: wrong trainer passwords on the dashboard, wrong learner codes on the
lesson server. The laptop itself is never limited, and no limit counts all addresses
together (one phone guessing never locks the class out).

Behind a hub's proxy the address is the phone's: the last entry of ``X-Forwarded-For``
that is not this machine's, the one the proxy appended (:func:`phone_address`). Nothing
else a phone sends is trusted: tornado's ``xheaders`` would also take ``X-Real-Ip`` as the
address, which a phone can set to anything, the laptop's own address included.
"""

from __future__ import annotations

import ipaddress
from collections import deque

from tornado.httputil import HTTPServerRequest

__all__ = ["AttemptLimiter", "on_this_laptop", "phone_address"]


def on_this_laptop(client: str) -> bool:
    """Whether ``client`` is the laptop itself (a loopback address, IPv4-mapped too).

    >>> on_this_laptop("127.0.0.1"), on_this_laptop("::1"), on_this_laptop("::ffff:127.0.0.1")
    (True, True, True)
    >>> on_this_laptop("192.168.1.23"), on_this_laptop("not an address")
    (False, False)
    """
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def phone_address(request: HTTPServerRequest, behind_proxy: bool) -> str:
    """The address of the phone that sent ``request``: the peer's address, or behind a
    hub's proxy the last ``X-Forwarded-For`` entry that is not this machine's, the one the
    proxy appended (a TLS proxy on the same machine in front of the hub's appends its own
    loopback address after the phone's). What the phone itself put before it, and
    ``X-Real-Ip``, are not trusted. A request without the header did not come through the
    proxy: the machine itself, as the peer's address says.

    >>> from tornado.httputil import HTTPHeaders
    >>> def request(**headers):
    ...     made = HTTPServerRequest(uri="/join", headers=HTTPHeaders(headers))
    ...     made.remote_ip = headers.get("X-Real-Ip", "127.0.0.1")  # as xheaders would
    ...     return made
    >>> phone_address(request(**{"X-Forwarded-For": "127.0.0.1, 203.0.113.7"}), True)
    '203.0.113.7'
    >>> phone_address(request(**{"X-Forwarded-For": "203.0.113.7", "X-Real-Ip": "127.0.0.1"}),
    ...               True)
    '203.0.113.7'
    >>> phone_address(request(**{"X-Forwarded-For": "10.1.1.1, 203.0.113.7, 127.0.0.1"}), True)
    '203.0.113.7'
    >>> phone_address(request(), True), phone_address(request(), False)
    ('127.0.0.1', '127.0.0.1')
    """
    forwarded = request.headers.get("X-Forwarded-For", "")[-1024:] if behind_proxy else ""
    for entry in reversed(forwarded.split(",")):
        try:
            address = str(ipaddress.ip_address(entry.strip()))
        except ValueError:
            break
        if not on_this_laptop(address):
            return address
    return str(request.remote_ip or "")


class AttemptLimiter:
    """At most ``per_client`` attempts from one address per window; never a limit on the
    laptop itself (:func:`on_this_laptop`), nor one over all addresses together.

    A right answer takes its attempt back (:meth:`succeeded`); a caller that counts only
    the wrong ones calls :meth:`begin` after each wrong one.

    >>> limiter = AttemptLimiter(per_client=2, window=60)
    >>> limiter.begin("10.0.0.2", 0), limiter.begin("10.0.0.2", 1)
    (None, None)
    >>> limiter.retry_after("10.0.0.2", 2), limiter.retry_after("10.0.0.3", 2)
    (58, 0)
    >>> limiter.retry_after("10.0.0.2", 61)
    0
    >>> for second in range(10):
    ...     limiter.begin("127.0.0.1", 100 + second)
    >>> limiter.retry_after("127.0.0.1", 110)
    0
    """

    def __init__(self, per_client: int, window: float) -> None:
        self.per_client, self.window = per_client, window
        self._clients: dict[str, deque[float]] = {}

    def _expire(self, now: float) -> None:
        for client in list(self._clients):
            times = self._clients[client]
            while times and now - times[0] >= self.window:
                times.popleft()
            if not times:
                del self._clients[client]

    def retry_after(self, client: str, now: float) -> int:
        """Seconds before ``client`` may try again (0: now)."""
        if on_this_laptop(client):
            return 0
        self._expire(now)
        mine = self._clients.get(client, deque())
        if len(mine) >= self.per_client:
            return max(1, round(mine[0] + self.window - now))
        return 0

    def begin(self, client: str, now: float) -> None:
        if on_this_laptop(client):
            return
        self._expire(now)
        self._clients.setdefault(client, deque()).append(now)

    def succeeded(self, client: str, now: float) -> None:
        times = self._clients.get(client)
        if times:
            times.pop()
