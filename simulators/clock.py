"""Injected time and randomness.

No simulator reads the wall clock or the global :mod:`random` module: each gets a
``Clock`` and a ``random.Random``. The fakes used by tests and replays ship here.

>>> clock = FixedClock(datetime(2026, 11, 28, 8, 0, tzinfo=VN_TZ))
>>> clock.now().isoformat()
'2026-11-28T08:00:00+07:00'
>>> clock.advance(minutes=3).now().isoformat()
'2026-11-28T08:03:00+07:00'
>>> seeded_random("workshop", "hv001").random() == seeded_random("workshop", "hv001").random()
True
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol

VN_TZ = timezone(timedelta(hours=7), "ICT")
"""Vietnam's time zone (UTC+7, no daylight saving)."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real clock, for serving learners."""

    def now(self) -> datetime:
        return datetime.now(UTC).astimezone(VN_TZ)


class FixedClock:
    """A clock that only moves when told to, for tests and replays."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> FixedClock:
        self._now += timedelta(**delta)
        return self

    def set(self, moment: datetime) -> None:
        self._now = moment


def seeded_random(*parts: object) -> random.Random:
    """A random source seeded from ``parts``, stable across runs and Python versions."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))
