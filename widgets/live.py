"""What changes on the phone while the learner does nothing: a poller in the page's kernel.

The simulated officials act on a dossier, the grader scores a «Nộp bài», an SMS arrives:
none of it is a tap, so no widget callback runs. The course page's :class:`Poller` asks
each of its watches for a *key* every :data:`POLL_SECONDS` (one small call to the learner's
desk or a simulator: through the sandbox service under ``bakhong serve``) and calls the
watch's ``changed`` when the key is not the one seen before; ``changed`` updates the
widgets (the app renders again, the score is shown).

It runs as an asyncio task on the kernel's own event loop. ipykernel (6 and later) runs
the cells and handles the widgets' messages on that loop, in the main thread, so a widget
is only ever changed from the thread that handles the learner's taps: no lock, no message
sent from another thread. The task lives as long as the kernel: a page closed and culled
(``MappingKernelManager.cull_idle_timeout``), or a kernel shut down, takes it with it;
:meth:`Poller.stop` ends it earlier. Reading sends nothing to the browser, so an idle page
stays idle for the culler; only a change does. Without a running loop (a test, nbgrader) it
does not start, and a test calls :meth:`Poller.tick`.

>>> seen = []
>>> value = {"n": 1}
>>> poller = Poller()
>>> poller.watch("n", lambda: value["n"], lambda: seen.append(value["n"]))
>>> poller.tick(); value["n"] = 2; poller.tick(); poller.tick()
>>> seen
[2]
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass

__all__ = ["POLL_SECONDS", "Poller"]

log = logging.getLogger(__name__)

#: How often the watches are read: a status shows about as soon as it changes.
POLL_SECONDS = 2.0
#: A watch failing this many times in a row is dropped (logged once).
MAX_FAILURES = 30


@dataclass
class _Watch:
    key: Callable[[], Hashable]
    changed: Callable[[], None]
    last: Hashable
    failures: int = 0


class Poller:
    """The watches of one page, read in turn by one task on the kernel's loop."""

    def __init__(self, interval: float = POLL_SECONDS) -> None:
        self.interval = interval
        self.watches: dict[str, _Watch] = {}
        self._task: asyncio.Task[None] | None = None

    def watch(self, name: str, key: Callable[[], Hashable], changed: Callable[[], None]) -> None:
        """Call ``changed`` whenever ``key()`` differs from what it gave now (replaces a watch
        of the same name). A key that cannot be read now counts as not seen yet."""
        try:
            last = key()
        except Exception:
            last = _UNREAD
        self.watches[name] = _Watch(key, changed, last)

    def unwatch(self, name: str) -> None:
        self.watches.pop(name, None)

    def tick(self) -> None:
        """Read every watch once; call ``changed`` for those whose key moved. Never raises."""
        for name, watch in list(self.watches.items()):
            try:
                key = watch.key()
                if key == watch.last:
                    watch.failures = 0
                    continue
                watch.last = key
                watch.changed()
                watch.failures = 0
            except Exception:  # a busy store, a closed widget: the next tick tries again
                watch.failures += 1
                if watch.failures == 1:
                    log.warning("page poller: %s failed", name, exc_info=True)
                if watch.failures >= MAX_FAILURES and self.watches.get(name) is watch:
                    log.error("page poller: %s dropped after %d failures", name,
                              watch.failures)
                    del self.watches[name]

    def start(self) -> bool:
        """Run :meth:`tick` every :attr:`interval` seconds on the running loop (the kernel's);
        ``False`` when there is none."""
        if self._task is not None and not self._task.done():
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._run())
        return True

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.tick()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None


class _Unread:
    """A key no read gives: the first good read counts as a change."""

    def __repr__(self) -> str:
        return "<unread>"


_UNREAD = _Unread()
