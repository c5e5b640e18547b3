"""The officials' province report, read from PostgreSQL: for the files and the dashboard.

:func:`province_report` reads :mod:`.figures` in one read-only ``REPEATABLE READ``
transaction (every table as of one moment, while packages keep arriving) and lays it out
(:mod:`.views`). :func:`write` writes it like ``bakhong report`` does (XLSX, CSV, HTML, PNG:
:mod:`bakhong.grading.report_output`), with the province's charts (:mod:`.charts`).
:func:`set_population` keeps the adults per commune (the report's population file).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bakhong.grading.report_model import Report
from bakhong.grading.settings import DEFAULT_TARGETS

from . import db, figures, views
from .schema import population

__all__ = ["province_report", "set_population", "write"]


def province_report(engine: Engine, *, public: bool = False, as_of: datetime | None = None,
                    targets: Mapping[str, float] = DEFAULT_TARGETS) -> Report:
    moment = as_of or datetime.now(UTC)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        conn.execute(sa.text("SET TRANSACTION READ ONLY"))
        found = figures.read(conn, moment)
        conn.rollback()
    return views.build(found, targets=targets, public=public)


def write(report: Report, out: Path | None, folder: Path | None = None) -> list[Path]:
    """``out`` in its extension's format, or every format into ``folder``."""
    from bakhong.grading import report_output

    from .charts import chart_png

    if out is not None:
        return report_output.write(report, out, chart=chart_png)
    day = report.as_of.date().isoformat()
    name = f"tinh-{'cong-khai-' if report.public else ''}{day}"
    return report_output.default_outputs(report, folder or Path("."), chart=chart_png,
                                         name=name)


def set_population(engine: Engine, adults: Mapping[tuple[str, str], int]) -> int:
    """Replace the adults per (province, commune); returns the rows kept."""
    with engine.begin() as conn:
        db.lock_writers(conn)
        conn.execute(population.delete())
        if adults:
            conn.execute(population.insert(), [
                {"province": p, "commune": c, "adults": n} for (p, c), n in adults.items()])
    return len(adults)
