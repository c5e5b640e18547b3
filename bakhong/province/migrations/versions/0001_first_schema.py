"""The provincial database's first schema: registrations, the audit trail, the current state.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
SURVEY = ("smartphone", "bank_account", "eid_account", "digital_signature",
          "digital_platforms")


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False))
    op.create_table(
        "workshops",
        sa.Column("workshop_id", sa.Text, primary_key=True),
        sa.Column("serial", sa.BigInteger, sa.Identity(), nullable=False, unique=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("public_key", sa.LargeBinary, nullable=False),
        sa.Column("token_hash", sa.LargeBinary, nullable=False, unique=True),
        sa.Column("registered_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
        sa.Column("revoked_reason", sa.Text),
        sa.Column("last_seq", sa.BigInteger),
        sa.Column("last_package", sa.BigInteger),
        sa.Column("last_created_at", TZ),
        sa.Column("last_received_at", TZ),
        sa.Column("residents", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "packages",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("via", sa.Text, nullable=False),
        sa.Column("workshop_id", sa.Text),
        sa.Column("seq", sa.BigInteger),
        sa.Column("digest", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("params", pg.JSONB),
        sa.Column("body", sa.LargeBinary))
    op.create_index("packages_workshop_seq", "packages", ["workshop_id", "seq"])
    op.create_index("packages_digest", "packages", ["digest"])
    op.create_table(
        "places",
        sa.Column("province_code", sa.Text, primary_key=True),
        sa.Column("commune_code", sa.Text, primary_key=True),
        sa.Column("province", sa.Text, nullable=False),
        sa.Column("commune", sa.Text, nullable=False))
    op.create_table(
        "enrolments",
        sa.Column("workshop_id", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("resident_id", sa.BigInteger, nullable=False),
        sa.Column("p_id", sa.LargeBinary, nullable=False),
        sa.Column("p_who", sa.LargeBinary, nullable=False),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("commune_code", sa.Text, nullable=False),
        sa.Column("birth_year", sa.SmallInteger),
        sa.Column("sex", sa.Text),
        sa.Column("trained_at", TZ),
        sa.Column("passed", pg.JSONB, nullable=False),
        sa.Column("survey", pg.JSONB, nullable=False))
    for column in ("resident_id", "p_id", "p_who"):
        op.create_index(f"ix_enrolments_{column}", "enrolments", [column])
    op.create_table(
        "residents",
        sa.Column("resident_id", sa.BigInteger, primary_key=True),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("commune_code", sa.Text, nullable=False),
        sa.Column("trained_at", TZ),
        sa.Column("birth_year", sa.SmallInteger),
        sa.Column("sex", sa.Text),
        sa.Column("passed", pg.ARRAY(sa.Text), nullable=False),
        *(sa.Column(name, sa.SmallInteger) for name in SURVEY))
    op.execute(sa.schema.CreateSequence(sa.Sequence("resident_ids")))
    op.create_table(
        "step_counts",
        sa.Column("workshop_id", sa.Text, primary_key=True),
        sa.Column("lesson", sa.Text, primary_key=True),
        sa.Column("step", sa.Text, primary_key=True),
        sa.Column("refused", sa.Integer, nullable=False),
        sa.Column("hinted", sa.Integer, nullable=False))
    op.create_table(
        "population",
        sa.Column("province", sa.Text, primary_key=True),
        sa.Column("commune", sa.Text, primary_key=True),
        sa.Column("adults", sa.Integer, nullable=False))


def downgrade() -> None:
    for table in ("population", "step_counts", "residents", "enrolments", "places",
                  "packages", "workshops", "settings"):
        op.drop_table(table)
    op.execute(sa.schema.DropSequence(sa.Sequence("resident_ids")))
