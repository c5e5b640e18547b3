"""The province's figures, computed by PostgreSQL over the current state.

:func:`read` runs a handful of small queries over the summaries kept with every package
(:mod:`.summaries`: a few rows per commune) and one range scan of the ``trained_at`` index
(the residents trained in the last four weeks, for the projection's weekly marks), and
returns :class:`Figures`; the commune
counts have exactly the columns :func:`bakhong.grading.report_views.aggregate` gives the
report (``enrolled``, ``trained``, the weekly marks ``c0``…``c4``, each survey indicator's
``*_base`` and ``*_yes``, ``bank_account_no_age``), indexed by (province, commune) names, so
the report's own view builders lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bakhong.grading.report_views import BANK_MIN_AGE, SURVEY, WINDOW_WEEKS
from bakhong.simulators.clock import VN_TZ

from .schema import packages, places, population, step_counts, workshops

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TREND_WEEKS", "Figures", "WorkshopRow", "read", "read_workshops"]

TREND_WEEKS = 12


@dataclass(frozen=True)
class WorkshopRow:
    workshop_id: str
    label: str
    registered_at: datetime
    revoked_at: datetime | None
    last_seq: int | None
    last_created_at: datetime | None
    last_received_at: datetime | None
    residents: int
    core_lessons: tuple[str, ...] | None = None  # the rule of its newest package
    pass_mark: float | None = None


@dataclass(frozen=True)
class Figures:
    as_of: datetime
    communes: pd.DataFrame  # per (province, commune): the report's counts, passed_<lesson>
    lessons: tuple[str, ...]
    weeks: list[tuple[date, int]]  # (last day of the week, newly trained in it), oldest first
    trained_before: int  # trained before the first week of ``weeks``
    steps: list[tuple[str, str, int, int]]  # (lesson, step, refused, hinted)
    workshops: list[WorkshopRow]
    population: dict[tuple[str, str], int]
    refused_packages: int


def _counts(conn: Connection, as_of: datetime) -> pd.DataFrame:
    """The as-of-independent counts per commune, from ``commune_counts``."""
    import pandas as pd

    parts = ["sum(enrolled) AS enrolled", "sum(trained) AS trained"]
    aged = "birth_year <> 0 AND (:year - birth_year) >= :age"
    for name in SURVEY:
        if name == "bank_account":
            parts += [f"coalesce(sum({name}_base) FILTER (WHERE {aged}), 0) AS {name}_base",
                      f"coalesce(sum({name}_yes) FILTER (WHERE {aged}), 0) AS {name}_yes",
                      f"coalesce(sum({name}_base) FILTER (WHERE birth_year = 0), 0)"
                      f" AS {name}_no_age"]
        else:
            parts += [f"sum({name}_base) AS {name}_base", f"sum({name}_yes) AS {name}_yes"]
    rows = conn.execute(sa.text(
        f"SELECT province_code, commune_code, {', '.join(parts)} FROM commune_counts "
        "GROUP BY province_code, commune_code HAVING sum(enrolled) > 0"),
        {"year": as_of.astimezone(VN_TZ).year, "age": BANK_MIN_AGE}).mappings().all()
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.set_index(["province_code", "commune_code"]).astype("int64")


def _marks(conn: Connection, frame: pd.DataFrame, as_of: datetime) -> None:
    """The projection's weekly marks ``c0``…``c4`` (trained at or before each mark), from the
    residents trained after the first mark only (the ``trained_at`` index)."""
    marks = [as_of - timedelta(weeks=WINDOW_WEEKS - k) for k in range(WINDOW_WEEKS + 1)]
    after = ", ".join(f"count(*) FILTER (WHERE trained_at > :m{k}) AS a{k}"
                      for k in range(len(marks)))
    rows = conn.execute(sa.text(
        f"SELECT province_code, commune_code, {after} FROM residents WHERE trained_at > :m0 "
        "GROUP BY province_code, commune_code"),
        {f"m{k}": mark for k, mark in enumerate(marks)}).all()
    later = {(r[0], r[1]): r[2:] for r in rows}
    for k in range(len(marks)):
        frame[f"c{k}"] = [int(t) - int(later.get(key, (0,) * len(marks))[k])
                          for key, t in zip(frame.index, frame["trained"], strict=True)]


def _lessons(conn: Connection, frame: pd.DataFrame) -> tuple[str, ...]:
    from bakhong.grading.course import LESSONS

    found: dict[str, dict[tuple[str, str], int]] = {}
    for province, commune, lesson, passed in conn.execute(sa.text(
            "SELECT province_code, commune_code, lesson, passed FROM lesson_counts "
            "WHERE passed <> 0")):
        found.setdefault(str(lesson), {})[(province, commune)] = int(passed)
    lessons = tuple(dict.fromkeys((*LESSONS, *sorted(found))))
    for lesson in lessons:
        mine = found.get(lesson, {})
        frame[f"passed_{lesson}"] = [mine.get(key, 0) for key in frame.index]
    return lessons


def _communes(conn: Connection, as_of: datetime) -> tuple[pd.DataFrame, tuple[str, ...]]:
    import pandas as pd

    frame = _counts(conn, as_of)
    if frame.empty:
        from bakhong.grading.course import LESSONS

        index = pd.MultiIndex.from_tuples([], names=["province", "commune"])
        return pd.DataFrame(index=index), tuple(LESSONS)
    _marks(conn, frame, as_of)
    lessons = _lessons(conn, frame)
    names = {(r.province_code, r.commune_code): (r.province, r.commune)
             for r in conn.execute(sa.select(places))}
    frame.index = pd.MultiIndex.from_tuples([names.get(key, key) for key in frame.index],
                                            names=["province", "commune"])
    return frame, lessons


def _weeks(conn: Connection, as_of: datetime) -> tuple[list[tuple[date, int]], int]:
    """Newly trained per week (whole days, Vietnam time, the last ending on ``as_of``'s day)
    for :data:`TREND_WEEKS` weeks, and how many were trained before them."""
    last = as_of.astimezone(VN_TZ).date()
    ends = [last - timedelta(weeks=TREND_WEEKS - 1 - i) for i in range(TREND_WEEKS)]
    start = ends[0] - timedelta(days=6)
    days = conn.execute(sa.text("SELECT day, trained FROM trained_days WHERE trained <> 0")).all()
    weekly = [0] * TREND_WEEKS
    before = 0
    for day, count in days:
        if day < start:
            before += int(count)
        elif day <= last:
            weekly[(day - start).days // 7] += int(count)
    return list(zip(ends, weekly, strict=True)), before


def read_workshops(conn: Connection) -> list[WorkshopRow]:
    rows = conn.execute(sa.select(
        workshops.c.workshop_id, workshops.c.label, workshops.c.registered_at,
        workshops.c.revoked_at, workshops.c.last_seq, workshops.c.last_created_at,
        workshops.c.last_received_at, workshops.c.residents, workshops.c.core_lessons,
        workshops.c.pass_mark).order_by(workshops.c.serial))
    return [WorkshopRow(row.workshop_id, row.label, row.registered_at, row.revoked_at,
                        row.last_seq, row.last_created_at, row.last_received_at, row.residents,
                        None if row.core_lessons is None else tuple(row.core_lessons),
                        row.pass_mark)
            for row in rows]


def read(conn: Connection, as_of: datetime) -> Figures:
    """Every figure the officials' view needs, as of ``as_of`` (aware)."""
    communes, lessons = _communes(conn, as_of)
    weeks, before = _weeks(conn, as_of)
    steps = [(str(a), str(b), int(c), int(d)) for a, b, c, d in conn.execute(
        sa.select(step_counts.c.lesson, step_counts.c.step, sa.func.sum(step_counts.c.refused),
                  sa.func.sum(step_counts.c.hinted))
        .group_by(step_counts.c.lesson, step_counts.c.step))]
    adults = {(str(p), str(c)): int(n) for p, c, n in conn.execute(sa.select(population))}
    refused = conn.execute(sa.select(sa.func.count()).select_from(packages)
                           .where(packages.c.status == "refused")).scalar_one()
    return Figures(as_of, communes, lessons, weeks, before, steps, read_workshops(conn), adults,
                   int(refused))
