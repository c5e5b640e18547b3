"""The province's figures, computed by PostgreSQL over the current state.

:func:`read` runs a handful of ``GROUP BY`` queries (one scan of ``residents`` does the
per-commune counts, the survey and the lessons) and returns :class:`Figures`; the commune
counts have exactly the columns :func:`bakhong.grading.report_views.aggregate` gives the
report (``enrolled``, ``trained``, the weekly marks ``c0``…``c4``, each survey indicator's
``*_base`` and ``*_yes``, ``bank_account_no_age``), indexed by (province, commune) names, so
the report's own view builders lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

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


@dataclass(frozen=True)
class Figures:
    as_of: datetime
    communes: pd.DataFrame  # per (province, commune): the report's counts, passed_<lesson>
    lessons: tuple[str, ...]
    weeks: list[tuple[datetime, int]]  # (end of week, newly trained in it), oldest first
    trained_before: int  # trained before the first week of ``weeks``
    steps: list[tuple[str, str, int, int]]  # (lesson, step, refused, hinted)
    workshops: list[WorkshopRow]
    population: dict[tuple[str, str], int]
    refused_packages: int


def _commune_sql(as_of: datetime, lessons: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"year": as_of.astimezone(VN_TZ).year, "age": BANK_MIN_AGE}
    parts = ["count(*) AS enrolled", "count(r.trained_at) AS trained"]
    for mark in range(WINDOW_WEEKS + 1):
        params[f"m{mark}"] = as_of - timedelta(weeks=WINDOW_WEEKS - mark)
        parts.append(f"count(*) FILTER (WHERE r.trained_at <= :m{mark}) AS c{mark}")
    for name in SURVEY:
        if name == "bank_account":
            aged = "(:year - r.birth_year) >= :age"
            parts += [f"count(*) FILTER (WHERE r.{name} IS NOT NULL AND {aged}) AS {name}_base",
                      f"count(*) FILTER (WHERE r.{name} = 1 AND {aged}) AS {name}_yes",
                      f"count(*) FILTER (WHERE r.{name} IS NOT NULL AND r.birth_year IS NULL)"
                      f" AS {name}_no_age"]
        else:
            parts += [f"count(r.{name}) AS {name}_base",
                      f"count(*) FILTER (WHERE r.{name} = 1) AS {name}_yes"]
    for i, lesson in enumerate(lessons):
        params[f"l{i}"] = lesson
        parts.append(f"count(*) FILTER (WHERE :l{i} = ANY(r.passed)) AS passed_{i}")
    sql = (f"SELECT r.province_code, r.commune_code, {', '.join(parts)} "
           "FROM residents r GROUP BY r.province_code, r.commune_code")
    return sql, params


def _communes(conn: Connection, as_of: datetime, lessons: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    sql, params = _commune_sql(as_of, lessons)
    frame = pd.DataFrame(conn.execute(sa.text(sql), params).mappings().all())
    names = {(r.province_code, r.commune_code): (r.province, r.commune)
             for r in conn.execute(sa.select(places))}
    if frame.empty:
        index = pd.MultiIndex.from_tuples([], names=["province", "commune"])
        return pd.DataFrame(index=index)
    keys = [names.get((p, c), (p, c)) for p, c in
            zip(frame.pop("province_code"), frame.pop("commune_code"), strict=True)]
    frame.index = pd.MultiIndex.from_tuples(keys, names=["province", "commune"])
    frame = frame.rename(columns={f"passed_{i}": f"passed_{lesson}"
                                  for i, lesson in enumerate(lessons)})
    return frame.astype("int64")


def _lessons(conn: Connection) -> tuple[str, ...]:
    from bakhong.grading.course import LESSONS

    found = conn.execute(sa.text(
        "SELECT DISTINCT unnest(passed) FROM residents")).scalars().all()
    return tuple(dict.fromkeys((*LESSONS, *sorted(str(x) for x in found))))


def _weeks(conn: Connection, as_of: datetime) -> tuple[list[tuple[datetime, int]], int]:
    ends = [as_of - timedelta(weeks=TREND_WEEKS - 1 - i) for i in range(TREND_WEEKS)]
    start = ends[0] - timedelta(weeks=1)
    rows = conn.execute(sa.text(
        "SELECT width_bucket(extract(epoch FROM trained_at), :lo, :hi, :n) AS week, count(*) "
        "FROM residents WHERE trained_at IS NOT NULL GROUP BY 1"),
        {"lo": start.timestamp(), "hi": as_of.timestamp(), "n": TREND_WEEKS}).all()
    counts: dict[int, int] = {int(week): int(n) for week, n in rows}
    weekly = [(end, int(counts.get(i + 1, 0))) for i, end in enumerate(ends)]
    return weekly, int(counts.get(0, 0))


def read_workshops(conn: Connection) -> list[WorkshopRow]:
    rows = conn.execute(sa.select(
        workshops.c.workshop_id, workshops.c.label, workshops.c.registered_at,
        workshops.c.revoked_at, workshops.c.last_seq, workshops.c.last_created_at,
        workshops.c.last_received_at, workshops.c.residents).order_by(workshops.c.serial))
    return [WorkshopRow(*row) for row in rows]


def read(conn: Connection, as_of: datetime) -> Figures:
    """Every figure the officials' view needs, as of ``as_of`` (aware)."""
    lessons = _lessons(conn)
    communes = _communes(conn, as_of, lessons)
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
