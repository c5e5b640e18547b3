"""Per-commune summaries of ``residents``, kept up to date with every package applied.

The officials' view must be quick at province size (hundreds of thousands of residents): it
reads these summaries (a few thousand rows) instead of every resident. :func:`add` adds
(``sign=1``) or takes away (``sign=-1``) the residents named by their ids, in one statement
per summary, before they are deleted and after they are written (:func:`bakhong.province.
ingest.apply`); :func:`fill` rebuilds them from ``residents`` (migration 0002, ``rebuild``).

``commune_counts``
    per (province, commune, birth year; 0 when unknown): enrolled, trained, and each survey
    question's answers (``_base``) and "yes" (``_yes``). The bank account is counted from 15
    years of age in the year of the report, so its counts are kept by birth year.
``lesson_counts``
    per commune and lesson: residents who passed it.
``trained_days``
    per day (Vietnam time): residents who became trained, for the weekly trend.

The weekly marks of the projection compare exact moments and are counted from ``residents``
through its ``trained_at`` index (:mod:`.figures`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import SURVEY_COLUMNS

__all__ = ["TABLES", "add", "fill"]

TABLES = ("commune_counts", "lesson_counts", "trained_days")
_COUNTS = ("enrolled", "trained", *(f"{n}_{p}" for n in SURVEY_COLUMNS for p in ("base", "yes")))


def _commune_sql(source: str) -> str:
    values = ["count(*)", "count(trained_at)",
              *(f"count({n})" if p == "base" else f"count(*) FILTER (WHERE {n} = 1)"
                for n in SURVEY_COLUMNS for p in ("base", "yes"))]
    signed = ", ".join(f":sign * {v}" for v in values)
    updates = ", ".join(f"{c} = commune_counts.{c} + excluded.{c}" for c in _COUNTS)
    return (f"INSERT INTO commune_counts (province_code, commune_code, birth_year, "
            f"{', '.join(_COUNTS)}) SELECT province_code, commune_code, "
            f"coalesce(birth_year, 0), {signed} FROM {source} GROUP BY 1, 2, 3 "
            f"ON CONFLICT (province_code, commune_code, birth_year) DO UPDATE SET {updates}")


def _lesson_sql(source: str) -> str:
    return ("INSERT INTO lesson_counts (province_code, commune_code, lesson, passed) "
            f"SELECT province_code, commune_code, lesson, :sign * count(*) FROM {source}, "
            "unnest(passed) AS lesson GROUP BY 1, 2, 3 "
            "ON CONFLICT (province_code, commune_code, lesson) DO UPDATE "
            "SET passed = lesson_counts.passed + excluded.passed")


def _day_sql(source: str) -> str:
    return ("INSERT INTO trained_days (day, trained) "
            "SELECT (trained_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, :sign * count(*) "
            f"FROM {source} WHERE trained_at IS NOT NULL GROUP BY 1 "
            "ON CONFLICT (day) DO UPDATE SET trained = trained_days.trained + excluded.trained")


_CHOSEN = ("(SELECT r.* FROM unnest(CAST(:ids AS bigint[])) AS t(id) "
           "JOIN residents r ON r.resident_id = t.id) AS chosen")


def add(conn: Connection, ids: Sequence[int], sign: int) -> None:
    """Add (``sign=1``) or take away (``-1``) the residents ``ids`` from the summaries."""
    if not ids:
        return
    params = {"ids": list(ids), "sign": sign}
    for sql in (_commune_sql(_CHOSEN), _lesson_sql(_CHOSEN), _day_sql(_CHOSEN)):
        conn.execute(sa.text(sql), params)


def fill(conn: Connection) -> None:
    """The summaries again from every resident."""
    for table in TABLES:
        conn.execute(sa.text(f"DELETE FROM {table}"))
    for sql in (_commune_sql("residents"), _lesson_sql("residents"), _day_sql("residents")):
        conn.execute(sa.text(sql), {"sign": 1})
