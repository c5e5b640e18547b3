"""A TCP proxy that stands for the workshop's radio link: it counts the bytes and can
shape them.

Every connection a phone opens (HTTP and websocket alike) goes through one
:class:`ShapedLink` on 127.0.0.1; the link forwards it to the server, counting the bytes
each way. With a ``rate`` (bytes per second), all connections share one token bucket per
direction, as fifty phones share one 4G hotspot or one Wi-Fi channel; with an ``rtt``, each
chunk is delivered half the round trip later (the delay does not limit the throughput).
Used by ``bench/page_weight.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

CHUNK = 16 * 1024


class TokenBucket:
    """``rate`` bytes per second, at most ``burst`` ahead; shared by every connection."""

    def __init__(self, rate: float, burst: int = 64 * 1024) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()
        self.lock = asyncio.Lock()

    async def take(self, amount: int) -> None:
        async with self.lock:  # first come, first served: no connection jumps the queue
            while True:
                now = time.monotonic()
                self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
                self.stamp = now
                if self.tokens >= amount:
                    self.tokens -= amount
                    return
                await asyncio.sleep((amount - self.tokens) / self.rate)


@dataclass
class Counters:
    down: int = 0  # server to phone
    up: int = 0  # phone to server
    connections: int = 0

    @property
    def total(self) -> int:
        return self.down + self.up


@dataclass
class ShapedLink:
    """``async with ShapedLink(target_port) as link``: phones use ``link.port``."""

    target_port: int
    rate: float | None = None  # bytes per second, each way; None: not shaped
    rtt: float = 0.0  # seconds
    counters: Counters = field(default_factory=Counters)
    port: int = 0

    async def __aenter__(self) -> ShapedLink:
        self.buckets = ({"down": TokenBucket(self.rate), "up": TokenBucket(self.rate)}
                        if self.rate else {})
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        self.tasks: set[asyncio.Task[None]] = set()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.server.wait_closed()

    def reset(self) -> Counters:
        """The counts so far; counting starts again from zero."""
        done, self.counters = self.counters, Counters()
        return done

    async def _serve(self, phone_r: asyncio.StreamReader, phone_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            phone_w.close()
            self.tasks.discard(task)
            return
        self.counters.connections += 1
        try:
            await asyncio.gather(self._pump(phone_r, server_w, "up"),
                                 self._pump(server_r, phone_w, "down"))
        except asyncio.CancelledError:
            pass  # the link is closing
        finally:
            for writer in (phone_w, server_w):
                writer.close()
            self.tasks.discard(task)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    way: str) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        delivery = asyncio.create_task(self._deliver(queue, writer))
        try:
            while True:
                try:
                    data = await reader.read(CHUNK)
                except (ConnectionError, OSError):
                    break
                if not data:
                    break
                if way in self.buckets:
                    await self.buckets[way].take(len(data))
                setattr(self.counters, way, getattr(self.counters, way) + len(data))
                queue.put_nowait((time.monotonic() + self.rtt / 2, data))
        finally:
            queue.put_nowait((0.0, b""))
            await delivery

    @staticmethod
    async def _deliver(queue: asyncio.Queue[tuple[float, bytes]],
                       writer: asyncio.StreamWriter) -> None:
        while True:
            at, data = await queue.get()
            if not data:
                with contextlib.suppress(Exception):
                    if writer.can_write_eof():
                        writer.write_eof()
                return
            delay = at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                writer.write(data)
                await writer.drain()
            except (ConnectionError, OSError):
                return
