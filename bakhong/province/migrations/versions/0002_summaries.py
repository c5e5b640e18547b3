"""Per-commune summaries kept with every package, so the officials' view reads hundreds of rows.

``commune_counts`` holds, per commune and birth year (0: unknown), the counts the view adds
up (enrolled, trained, every survey question's answers and "yes"); ``lesson_counts`` the
residents who passed each lesson; ``trained_days`` the residents trained each day (Vietnam
time), for the weekly trend. An index on ``residents.trained_at`` serves the projection's
weekly marks. The summaries are filled from ``residents`` as they stand.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SURVEY = ("smartphone", "bank_account", "eid_account", "digital_signature",
          "digital_platforms")


def upgrade() -> None:
    op.create_table(
        "commune_counts",
        sa.Column("province_code", sa.Text, primary_key=True),
        sa.Column("commune_code", sa.Text, primary_key=True),
        sa.Column("birth_year", sa.SmallInteger, primary_key=True),
        sa.Column("enrolled", sa.Integer, nullable=False),
        sa.Column("trained", sa.Integer, nullable=False),
        *(sa.Column(f"{name}_{part}", sa.Integer, nullable=False)
          for name in SURVEY for part in ("base", "yes")))
    op.create_table(
        "lesson_counts",
        sa.Column("province_code", sa.Text, primary_key=True),
        sa.Column("commune_code", sa.Text, primary_key=True),
        sa.Column("lesson", sa.Text, primary_key=True),
        sa.Column("passed", sa.Integer, nullable=False))
    op.create_table(
        "trained_days",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("trained", sa.Integer, nullable=False))
    op.create_index("residents_trained_at", "residents", ["trained_at"])
    counts = ["count(*)", "count(trained_at)",
              *(f"count({n})" if p == "base" else f"count(*) FILTER (WHERE {n} = 1)"
                for n in SURVEY for p in ("base", "yes"))]
    names = ["enrolled", "trained", *(f"{n}_{p}" for n in SURVEY for p in ("base", "yes"))]
    op.execute(f"INSERT INTO commune_counts (province_code, commune_code, birth_year, "
               f"{', '.join(names)}) SELECT province_code, commune_code, coalesce(birth_year, "
               f"0), {', '.join(counts)} FROM residents GROUP BY 1, 2, 3")
    op.execute("INSERT INTO lesson_counts SELECT province_code, commune_code, lesson, count(*) "
               "FROM residents, unnest(passed) AS lesson GROUP BY 1, 2, 3")
    op.execute("INSERT INTO trained_days SELECT (trained_at AT TIME ZONE 'Asia/Ho_Chi_Minh')"
               "::date, count(*) FROM residents WHERE trained_at IS NOT NULL GROUP BY 1")


def downgrade() -> None:
    op.drop_index("residents_trained_at", "residents")
    for table in ("trained_days", "lesson_counts", "commune_counts"):
        op.drop_table(table)
