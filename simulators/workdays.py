"""Working days in Vietnam, for the appointment dates of public-service dossiers.

A dossier's time limit is counted in working days (ngày làm việc): Monday to Friday,
minus the public holidays and the days off the government substitutes for them (a
bridge Monday after a Sunday holiday, a day between two holidays), plus the Saturdays it
makes working days in exchange. All of that comes from the ``holidays`` package
(``holidays.VN``), which carries Tết, the Hùng Kings' day, 30/4, 1/5, 2/9 with its extra
day, Vietnam Cultural Day (24/11, from 2026) and each year's announced swaps; this
module writes no holiday of its own. Swaps are decided year by year, so the calendar is
only as good as the installed ``holidays`` release: keep it updated.

>>> from datetime import date, datetime
>>> from bakhong.simulators.clock import VN_TZ
>>> is_working_day(date(2026, 2, 17))  # Tết 2026
False
>>> is_working_day(date(2026, 8, 22)), is_working_day(date(2026, 8, 31))  # a swap
(True, False)

**Counting starts** (:func:`counting_starts`) on the day a dossier is submitted if that is
a working day and it arrives before 15:00 Vietnam time (UTC+7); from 15:00:00 on, and on
any other day, on the next working day. Source: ``/work/shared/domain.md`` §3, newborn
bundle: "Dossiers submitted after 15:00 count from the next working day" (thanhnien.vn,
2025-09-09). A moment exactly at 15:00 is read as "after 15:00".

>>> counting_starts(datetime(2026, 3, 6, 14, 59, tzinfo=VN_TZ))
datetime.date(2026, 3, 6)
>>> counting_starts(datetime(2026, 3, 6, 15, 0, tzinfo=VN_TZ))
datetime.date(2026, 3, 9)

**The due date** (:func:`appointment`). A time limit of *N* working days ends on the
*N*-th working day counted, the day counting starts being the first: a dossier received
on Monday at 09:00 with a 3-working-day limit is due on Wednesday (Monday, Tuesday,
Wednesday). A limit of 0 (and of 1) ends on the day counting starts, the "same working
day" of the birth registration.

>>> appointment(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ), 3)  # Monday, the newborn bundle
datetime.date(2026, 3, 4)
>>> appointment(datetime(2026, 2, 13, 9, 0, tzinfo=VN_TZ), 3)  # Friday before Tết
datetime.date(2026, 2, 24)
>>> working_days_between(date(2026, 3, 4), date(2026, 3, 9))  # returned 3 working days late
3

Datetimes must carry a time zone (``ValueError`` otherwise: a bare 15:00 could be the
server's UTC); any zone is converted to Vietnam time first.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

from holidays import HolidayBase, country_holidays

from .clock import VN_TZ

__all__ = [
    "CUT_OFF", "FIRST_YEAR", "LAST_YEAR", "add_working_days", "appointment", "counting_starts",
    "is_working_day", "working_days_between",
]

CUT_OFF = time(15, 0)
"""Dossiers received at or after this local time count from the next working day."""

FIRST_YEAR, LAST_YEAR = 1901, 2100
"""The years ``holidays.VN`` covers (its lunar calendar); dates outside raise ValueError."""

_DAY = timedelta(days=1)


@cache
def _calendar() -> HolidayBase:
    # holidays.VN for every covered year at once (about 15 ms, once): with expand=False
    # the object is never changed afterwards, so threads may read it together.
    return country_holidays("VN", years=range(FIRST_YEAR, LAST_YEAR + 1), expand=False)


def is_working_day(day: date) -> bool:
    """Whether public offices work on ``day`` (a make-up Saturday does; a holiday does not).

    >>> is_working_day(date(2026, 4, 27))  # Hùng Kings' day fell on Sunday 26/4
    False
    >>> is_working_day(date(2026, 11, 24)), is_working_day(date(2026, 11, 25))
    (False, True)
    """
    if isinstance(day, datetime):  # a datetime is a date too; its time means nothing here
        day = day.date()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day}: the working-day calendar covers {FIRST_YEAR}-{LAST_YEAR}")
    return bool(_calendar().is_working_day(day))


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment}: a submission time needs a time zone (e.g. +07:00)")
    return moment.astimezone(VN_TZ)


def add_working_days(start: date, days: int) -> date:
    """The working day ``days`` working days after ``start`` (``start`` is not counted).

    With ``days == 0``: ``start`` if it is a working day, else the next one, so the
    result is always a working day. A negative ``days`` raises ``ValueError``.

    >>> add_working_days(date(2026, 4, 29), 1)  # Wednesday; Thursday 30/4 and Friday 1/5 off
    datetime.date(2026, 5, 4)
    >>> add_working_days(date(2026, 3, 7), 0), add_working_days(date(2026, 3, 7), 1)  # Saturday
    (datetime.date(2026, 3, 9), datetime.date(2026, 3, 9))
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    day = start
    for _ in range(days):
        day += _DAY
        while not is_working_day(day):
            day += _DAY
    while not is_working_day(day):  # only when days == 0
        day += _DAY
    return day


def counting_starts(submitted_at: datetime) -> date:
    """The first working day counted for a dossier submitted at ``submitted_at``.

    The submission day itself when it is a working day and the dossier arrives before
    :data:`CUT_OFF` (15:00) Vietnam time, otherwise the next working day.

    >>> counting_starts(datetime(2026, 3, 7, 8, 0, tzinfo=VN_TZ))  # Saturday morning
    datetime.date(2026, 3, 9)
    >>> from datetime import UTC
    >>> counting_starts(datetime(2026, 3, 6, 7, 59, tzinfo=UTC))  # 14:59 in Vietnam
    datetime.date(2026, 3, 6)
    """
    local = _local(submitted_at)
    day = local.date()
    if is_working_day(day) and local.time() < CUT_OFF:
        return day
    return add_working_days(day + _DAY, 0)


def appointment(submitted_at: datetime, days: int) -> date:
    """The due date of a dossier submitted at ``submitted_at`` with a ``days`` limit.

    The ``days``-th working day counted from :func:`counting_starts`, which is the first;
    ``days`` 0 and 1 both give the day counting starts.

    >>> appointment(datetime(2026, 12, 30, 16, 30, tzinfo=VN_TZ), 3)  # into 2027
    datetime.date(2027, 1, 5)
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    return add_working_days(counting_starts(submitted_at), max(days - 1, 0))


def working_days_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

    ``working_days_between(due, returned)`` is how many working days late a result is,
    and ``working_days_between(d, add_working_days(d, n)) == n`` (for ``n == 0`` only when
    ``d`` is a working day).

    >>> working_days_between(date(2026, 8, 28), date(2026, 9, 3))  # 31/8, 1/9, 2/9 off
    1
    >>> working_days_between(date(2026, 3, 9), date(2026, 3, 6))
    -1
    """
    if b < a:
        return -working_days_between(b, a)
    count, day = 0, a
    while day < b:
        day += _DAY
        count += is_working_day(day)
    return count
