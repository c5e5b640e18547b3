"""The rule each workshop counts a resident as trained by, kept with its newest package.

``workshops.core_lessons`` (the lessons that must be passed) and ``workshops.pass_mark``
(the share of points each needs), as the workshop's package states them, so the officials'
view says what «đã học» means (issue 20). Filled from the newest accepted package of each
workshop (the audit trail keeps it); a workshop that has sent nothing keeps them empty.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workshops", sa.Column("core_lessons", pg.JSONB))
    op.add_column("workshops", sa.Column("pass_mark", sa.Float))
    from bakhong.province.package import open_envelope, read_payload

    conn = op.get_bind()
    for workshop_id, body in conn.execute(sa.text(
            "SELECT w.workshop_id, p.body FROM workshops w "
            "JOIN packages p ON p.id = w.last_package")).all():
        payload = read_payload(open_envelope(bytes(body)))
        conn.execute(sa.text(
            "UPDATE workshops SET core_lessons = CAST(:lessons AS jsonb), pass_mark = :mark "
            "WHERE workshop_id = :id"),
            {"lessons": json.dumps(list(payload.core_lessons)),
             "mark": payload.pass_mark, "id": workshop_id})


def downgrade() -> None:
    op.drop_column("workshops", "pass_mark")
    op.drop_column("workshops", "core_lessons")
