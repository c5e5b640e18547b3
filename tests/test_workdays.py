"""Working days and appointment dates on 2026 Vietnamese calendars (bakhong.simulators.workdays)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.workdays import (
    add_working_days,
    appointment,
    counting_starts,
    is_working_day,
    working_days_between,
)


def vn(y: int, mo: int, d: int, h: int = 9, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=VN_TZ)


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 3, 2), True),     # an ordinary Monday
    (date(2026, 3, 6), True),     # Friday
    (date(2026, 3, 7), False),    # Saturday
    (date(2026, 3, 8), False),    # Sunday
    (date(2026, 1, 1), False),    # New Year's Day
    (date(2026, 2, 13), True),    # the Friday before Tết
    (date(2026, 2, 16), False),   # Tết 2026: 16-20 February
    (date(2026, 2, 18), False),
    (date(2026, 2, 20), False),
    (date(2026, 2, 23), True),    # back to work
    (date(2026, 4, 26), False),   # Hùng Kings' day, a Sunday ...
    (date(2026, 4, 27), False),   # ... observed on Monday
    (date(2026, 4, 28), True),
    (date(2026, 4, 30), False),   # Reunification day
    (date(2026, 5, 1), False),    # Labour day
    (date(2026, 8, 21), True),
    (date(2026, 8, 22), True),    # a make-up Saturday ...
    (date(2026, 8, 31), False),   # ... for the substituted day off before 2/9
    (date(2026, 9, 1), False),    # National day and its extra day
    (date(2026, 9, 2), False),
    (date(2026, 9, 3), True),
    (date(2026, 11, 24), False),  # Vietnam Cultural Day, from 2026
    (date(2025, 11, 24), True),   # not yet a day off in 2025
    (date(2026, 12, 31), True),
    (date(2027, 1, 1), False),
    (date(2027, 1, 4), True),
])
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(("submitted", "starts"), [
    (vn(2026, 3, 2, 9), date(2026, 3, 2)),              # Monday morning: the same day
    (vn(2026, 3, 6, 14, 59, 59), date(2026, 3, 6)),     # Friday 14:59:59: the same day
    (vn(2026, 3, 6, 15, 0), date(2026, 3, 9)),          # Friday 15:00: next Monday
    (vn(2026, 3, 6, 16, 30), date(2026, 3, 9)),         # Friday 16:30: next Monday
    (vn(2026, 3, 6, 0, 0), date(2026, 3, 6)),           # just after midnight
    (vn(2026, 3, 5, 23, 59), date(2026, 3, 6)),         # late evening: next day
    (vn(2026, 3, 7, 8, 0), date(2026, 3, 9)),           # Saturday morning
    (vn(2026, 3, 8, 20, 0), date(2026, 3, 9)),          # Sunday evening
    (vn(2026, 2, 14, 10, 0), date(2026, 2, 23)),        # the Saturday before Tết
    (vn(2026, 2, 13, 15, 30), date(2026, 2, 23)),       # Friday afternoon before Tết
    (vn(2026, 8, 22, 10, 0), date(2026, 8, 22)),        # the make-up Saturday counts
    (vn(2026, 8, 22, 15, 0), date(2026, 8, 24)),        # ... and its afternoon goes to Monday
    (vn(2026, 8, 28, 15, 1), date(2026, 9, 3)),         # 31/8, 1/9, 2/9 off
    (vn(2026, 4, 29, 16, 0), date(2026, 5, 4)),         # 30/4, 1/5 and the weekend off
    (vn(2026, 12, 31, 15, 0), date(2027, 1, 4)),        # New Year 2027 on a Friday
])
def test_counting_starts(submitted: datetime, starts: date) -> None:
    assert counting_starts(submitted) == starts


@pytest.mark.parametrize(("submitted", "days", "due"), [
    (vn(2026, 3, 2, 9), 3, date(2026, 3, 4)),            # the convention: Mon 09:00 + 3 → Wed
    (vn(2026, 3, 2, 9), 0, date(2026, 3, 2)),            # 0: the day counting starts
    (vn(2026, 3, 2, 9), 1, date(2026, 3, 2)),            # 1: that day too
    (vn(2026, 3, 2, 9), 5, date(2026, 3, 6)),            # with verification: Friday
    (vn(2026, 3, 4, 9), 3, date(2026, 3, 6)),            # Wednesday → Friday
    (vn(2026, 3, 5, 9), 3, date(2026, 3, 9)),            # Thursday → over the weekend
    (vn(2026, 3, 6, 14, 59), 3, date(2026, 3, 10)),      # Fri 14:59: Fri, Mon, Tue
    (vn(2026, 3, 6, 15, 0), 3, date(2026, 3, 11)),       # Fri 15:00: Mon, Tue, Wed
    (vn(2026, 3, 6, 16, 30), 3, date(2026, 3, 11)),
    (vn(2026, 3, 7, 10, 0), 3, date(2026, 3, 11)),       # Saturday
    (vn(2026, 3, 8, 10, 0), 3, date(2026, 3, 11)),       # Sunday
    (vn(2026, 2, 12, 9), 3, date(2026, 2, 23)),          # Thu before Tết: Thu, Fri, Mon 23
    (vn(2026, 2, 12, 9), 5, date(2026, 2, 25)),
    (vn(2026, 2, 17, 9), 0, date(2026, 2, 23)),          # during Tết: counting starts after
    (vn(2026, 4, 24, 9), 3, date(2026, 4, 29)),          # Fri 24/4: Fri, Tue 28, Wed 29
    (vn(2026, 4, 29, 9), 3, date(2026, 5, 5)),           # Wed 29/4: Wed, Mon 4/5, Tue 5/5
    (vn(2026, 8, 20, 9), 3, date(2026, 8, 22)),          # Thu 20/8: Thu, Fri, Sat 22/8
    (vn(2026, 8, 27, 9), 3, date(2026, 9, 3)),           # Thu 27/8: Thu, Fri, Thu 3/9
    (vn(2026, 11, 23, 9), 3, date(2026, 11, 26)),        # Mon 23/11: Mon, Wed, Thu
    (vn(2026, 12, 30, 16, 30), 3, date(2027, 1, 5)),     # into 2027: Thu 31, Mon 4, Tue 5
    (vn(2026, 12, 31, 10, 0), 3, date(2027, 1, 5)),
])
def test_appointment(submitted: datetime, days: int, due: date) -> None:
    assert appointment(submitted, days) == due


@pytest.mark.parametrize(("submitted", "starts"), [
    (datetime(2026, 3, 6, 7, 59, tzinfo=UTC), date(2026, 3, 6)),   # 14:59 in Vietnam
    (datetime(2026, 3, 6, 8, 0, tzinfo=UTC), date(2026, 3, 9)),    # 15:00 in Vietnam
    (datetime(2026, 3, 5, 20, 0, tzinfo=UTC), date(2026, 3, 6)),   # 03:00 Friday in Vietnam
    (datetime(2026, 3, 6, 9, 30, tzinfo=timezone(timedelta(hours=9))), date(2026, 3, 6)),  # Tokyo
    (datetime(2026, 3, 6, 6, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 3, 9)),  # 18:00 VN
])
def test_other_time_zones_are_converted_to_vietnam_time(submitted: datetime, starts: date) -> None:
    assert counting_starts(submitted) == starts


@pytest.mark.parametrize("call", [
    lambda: counting_starts(datetime(2026, 3, 6, 9, 0)),
    lambda: appointment(datetime(2026, 3, 6, 9, 0), 3),
])
def test_naive_datetimes_are_refused(call: object) -> None:
    with pytest.raises(ValueError, match="time zone"):
        call()  # type: ignore[operator]


def test_negative_limits_and_years_outside_the_calendar_are_refused() -> None:
    with pytest.raises(ValueError):
        appointment(vn(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        is_working_day(date(2101, 1, 3))


@pytest.mark.parametrize(("start", "days", "result"), [
    (date(2026, 3, 2), 0, date(2026, 3, 2)),
    (date(2026, 3, 2), 1, date(2026, 3, 3)),
    (date(2026, 3, 6), 1, date(2026, 3, 9)),
    (date(2026, 3, 7), 0, date(2026, 3, 9)),     # a Saturday rolls forward
    (date(2026, 3, 7), 1, date(2026, 3, 9)),     # start not counted: Monday is the first
    (date(2026, 2, 13), 1, date(2026, 2, 23)),
    (date(2026, 8, 21), 1, date(2026, 8, 22)),   # make-up Saturday
    (date(2026, 8, 22), 1, date(2026, 8, 24)),
    (date(2026, 12, 31), 1, date(2027, 1, 4)),
])
def test_add_working_days(start: date, days: int, result: date) -> None:
    assert add_working_days(start, days) == result


@pytest.mark.parametrize(("a", "b", "count"), [
    (date(2026, 3, 4), date(2026, 3, 4), 0),
    (date(2026, 3, 4), date(2026, 3, 6), 2),     # due Wed, returned Fri: 2 days late
    (date(2026, 3, 6), date(2026, 3, 9), 1),
    (date(2026, 3, 9), date(2026, 3, 6), -1),
    (date(2026, 3, 7), date(2026, 3, 8), 0),     # a weekend holds none
    (date(2026, 2, 13), date(2026, 2, 23), 1),   # Tết holds none
    (date(2026, 8, 21), date(2026, 9, 3), 7),    # 22/8, 24-28/8, 3/9; not 31/8, 1/9, 2/9
    (date(2026, 12, 31), date(2027, 1, 5), 2),
])
def test_working_days_between(a: date, b: date, count: int) -> None:
    assert working_days_between(a, b) == count


MOMENTS = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31),
                       timezones=st.sampled_from([VN_TZ, UTC, timezone(timedelta(hours=-10))]))


@given(submitted=MOMENTS, days=st.integers(min_value=0, max_value=40))
def test_appointment_is_a_working_day_never_before_submission(submitted: datetime,
                                                                days: int) -> None:
    due = appointment(submitted, days)
    local = submitted.astimezone(VN_TZ)
    assert is_working_day(due)
    assert due >= local.date()
    start = counting_starts(submitted)
    assert working_days_between(start, due) == max(days - 1, 0)
    if days >= 1:
        assert appointment(submitted, days + 1) > due


@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
       days=st.integers(min_value=0, max_value=60))
def test_between_undoes_add(start: date, days: int) -> None:
    end = add_working_days(start, days)
    assert is_working_day(end)
    assert end >= start
    if days or is_working_day(start):
        assert working_days_between(start, end) == days
    else:  # a day off with 0 days rolls forward to the next working day
        assert working_days_between(start, end) == 1
