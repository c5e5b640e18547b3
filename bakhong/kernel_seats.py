"""Which live kernel serves which learner's page: the class's size counts these only.

``bakhong serve`` gives a lesson page a kernel only once the page's code is a learner's
(:mod:`bakhong.serving` looks it up first); this module is the book it keeps of those
kernels, without any server in it (a clock is injected), so its rules are tested alone:

* **A seat per learner page.** A seat is taken when a page is admitted, before its kernel
  is known, and bound to the kernel when the page's HTML names it. The preheated pool's
  kernels hold no seat: ``capacity`` counts learner pages only.
* **At most** ``per_learner`` **pages per learner; the latest page wins.** A further page
  of the same learner pushes the oldest one out (its kernel is shut down).
* **A learner with a card gets a page while the class is within its size.** When every
  seat is taken, a newcomer takes the older seat of a learner holding two or more; only
  when ``capacity`` different learners hold a seat each is the newcomer asked to wait.
* **A page left frees its seat.** At once when its shutdown beacon arrives
  (:meth:`KernelSeats.left`); otherwise when its kernel websocket has been closed for
  ``closed_grace`` seconds, or was never opened within ``first_grace`` seconds of the page
  (a script fetching pages, a phone that went away while loading): :meth:`KernelSeats.sweep`
  names the kernels to shut down.

>>> now = [0.0]
>>> seats = KernelSeats(capacity=2, per_learner=2, clock=lambda: now[0])
>>> first, _ = seats.admit("hv001"); seats.bind(first, "k1")
False
>>> second, _ = seats.admit("hv001"); seats.bind(second, "k2")
False
>>> seat, out = seats.admit("hv002")  # full: hv001's older page makes room
>>> out, seats.bind(seat, "k3"), seats.live
(['k1'], False, 2)
>>> seats.admit("hv003")  # two learners, two seats: wait
(None, [])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

__all__ = ["CLOSED_GRACE", "FIRST_GRACE", "PER_LEARNER", "KernelSeats", "Seat"]

#: Live pages one learner may hold (a phone and a reload, or two tabs); a third replaces
#: the oldest.
PER_LEARNER = 2
#: Seconds a page's kernel stays after its websocket closed without a shutdown beacon (a
#: phone killed the tab, or lost the Wi-Fi); a page that comes back to a freed kernel
#: reloads itself (``serving._KERNEL_SCRIPT``) and finds its learner's state in the store.
CLOSED_GRACE = 5.0
#: Seconds a served page has to open its kernel websocket: a cheap phone on a crowded
#: Wi-Fi loads about 1.4 MB of JavaScript first.
FIRST_GRACE = 90.0
#: Seconds after which a seat whose page never named a kernel is dropped (the request
#: died; the handler normally releases it itself).
UNBOUND_LIMIT = 300.0


@dataclass(eq=False)
class Seat:
    """One learner page: admitted at ``opened``, its kernel once known."""

    learner: str
    opened: float
    kernel: str | None = None
    connections: int = 0
    connected_once: bool = False
    quiet_since: float = 0.0  # when the page last had no websocket open
    doomed: bool = False  # pushed out by a newer page before its kernel was known


class KernelSeats:
    """The learner pages with a kernel, and the rules above."""

    def __init__(self, capacity: int, per_learner: int = PER_LEARNER, *,
                 closed_grace: float = CLOSED_GRACE, first_grace: float = FIRST_GRACE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if capacity < 1 or per_learner < 1:
            raise ValueError("capacity and per_learner must be at least 1")
        self.capacity, self.per_learner = capacity, per_learner
        self.closed_grace, self.first_grace = closed_grace, first_grace
        self.clock = clock
        self._seats: list[Seat] = []  # oldest first

    @property
    def live(self) -> int:
        """Seats taken: learner pages being served or open (the pool's kernels excluded)."""
        return len(self._seats)

    def kernels(self) -> list[str]:
        return [s.kernel for s in self._seats if s.kernel]

    def _of(self, learner: str) -> list[Seat]:
        return [s for s in self._seats if s.learner == learner and not s.doomed]

    def _spare(self) -> list[Seat]:
        """Seats with a kernel of learners holding two or more pages, all but their newest."""
        spare: list[Seat] = []
        for learner in {s.learner for s in self._seats}:
            theirs = self._of(learner)
            spare += [s for s in theirs[:-1] if s.kernel]
        return sorted(spare, key=lambda s: s.opened)

    def admit(self, learner: str) -> tuple[Seat | None, list[str]]:
        """A seat for a new page of ``learner`` and the kernels to shut down to make room;
        ``(None, [])`` when ``capacity`` other learners hold the seats (the page waits)."""
        mine = self._of(learner)
        out = mine[:len(mine) - self.per_learner + 1] if len(mine) >= self.per_learner else []
        freed = sum(1 for s in out if s.kernel)
        if len(self._seats) - freed >= self.capacity:
            spare = [s for s in mine if s.kernel and s not in out] or self._spare()
            spare = [s for s in spare if s not in out]
            if not spare:
                return None, []
            out.append(spare[0])
        shut = []
        for seat in out:
            if seat.kernel:
                self._seats.remove(seat)
                shut.append(seat.kernel)
            else:
                seat.doomed = True  # shut down as soon as its page names its kernel
        seat = Seat(learner, self.clock())
        self._seats.append(seat)
        return seat, shut

    def bind(self, seat: Seat, kernel: str) -> bool:
        """The page's kernel is known; True if it must be shut down at once (a newer page of
        the same learner took its place meanwhile)."""
        seat.kernel, seat.quiet_since = kernel, self.clock()
        if seat.doomed and seat in self._seats:
            self._seats.remove(seat)
            return True
        return False

    def release(self, seat: Seat) -> None:
        """The page's request ended without a kernel (an error, a redirect)."""
        if seat.kernel is None and seat in self._seats:
            self._seats.remove(seat)

    def _find(self, kernel: str) -> Seat | None:
        return next((s for s in self._seats if s.kernel == kernel), None)

    def left(self, kernel: str) -> bool:
        """The page said it is leaving: drop its seat. False if ``kernel`` is no learner
        page's (a pool kernel, one already gone, a made-up id): nothing to shut down."""
        seat = self._find(kernel)
        if seat is None:
            return False
        self._seats.remove(seat)
        return True

    def connected(self, kernel: str) -> None:
        seat = self._find(kernel)
        if seat is not None:
            seat.connections += 1
            seat.connected_once = True

    def disconnected(self, kernel: str) -> None:
        seat = self._find(kernel)
        if seat is not None:
            seat.connections = max(0, seat.connections - 1)
            if not seat.connections:
                seat.quiet_since = self.clock()

    def sweep(self, running: Collection[str]) -> list[str]:
        """Drop the seats whose kernel is gone (culled, died, shut down elsewhere) and
        return the kernels of pages left without a word, to be shut down."""
        now, shut = self.clock(), []
        for seat in list(self._seats):
            if seat.kernel is None:
                if now - seat.opened > UNBOUND_LIMIT:
                    self._seats.remove(seat)
            elif seat.kernel not in running:
                self._seats.remove(seat)
            elif not seat.connections:
                grace = self.closed_grace if seat.connected_once else self.first_grace
                if now - seat.quiet_since >= grace:
                    self._seats.remove(seat)
                    shut.append(seat.kernel)
        return shut
