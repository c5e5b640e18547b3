"""Listening ports for the servers the tests start, chosen where no kernel can take them.

Binding to port 0 hands out a port from the kernel's ephemeral range
(``/proc/sys/net/ipv4/ip_local_port_range``, 32768-60999 on Debian); the same range
every Jupyter kernel of a parallel test draws its ZMQ ports from (pyzmq binds to
random ports in 49152-65535 and jupyter_client to port 0). A port found free that way
can be taken by a kernel of another test worker before our server binds it, and the
server's first answer is then a ZMQ greeting (``BadStatusLine: ÿ...``), as CI once
showed. :func:`free_port` therefore picks from below the ephemeral range, where
nothing binds unless asked to, and checks that the port is free now.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST = 20000
_FALLBACK_EPHEMERAL_START = 32768


def _ephemeral_start() -> int:
    try:
        return int(_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return _FALLBACK_EPHEMERAL_START


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on now, outside the ephemeral range."""
    top = _ephemeral_start()
    if top - LOWEST < 1000:  # an unusual range: fall back to the kernel's choice
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            return int(sock.getsockname()[1])
    chooser = random.SystemRandom()
    for _ in range(200):
        port = chooser.randrange(LOWEST, top)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {LOWEST}-{top - 1}")
