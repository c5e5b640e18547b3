"""The provincial database (PostgreSQL): what was received, and the state derived from it.

**The audit trail** is ``packages``: every package received, accepted or refused, with its
bytes (a package received again is noted without its bytes), when and how it came, and the
reason of a refusal. Nothing there is ever changed or removed.

**The current state** is derived from the newest accepted package of each workshop
(:mod:`.ingest`): ``enrolments`` (one row per resident of that package), ``residents`` (the
enrolments of one person merged, :mod:`.merge`), ``step_counts`` and the workshops' last
sync. :func:`bakhong.province.ingest.rebuild` derives it again from the audit trail alone.

The summaries the officials' view reads (``commune_counts``, ``lesson_counts``,
``trained_days``: :mod:`.summaries`) are kept with every package, in the same transaction.

``workshops`` holds the registrations (public key, token hash, revocation), ``places`` the
names of the communes met, ``population`` the adults per commune (the report's population
file), ``settings`` the province's pseudonym key identifier.

The tables are created by the Alembic migrations in ``migrations/`` (:func:`.db.migrate`),
never by ``create_all``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

__all__ = ["SURVEY_COLUMNS", "commune_counts", "enrolments", "lesson_counts", "metadata",
           "packages", "places", "population", "residents", "settings", "step_counts",
           "trained_days", "workshops"]

metadata = sa.MetaData()
TZ = sa.DateTime(timezone=True)
SURVEY_COLUMNS = ("smartphone", "bank_account", "eid_account", "digital_signature",
                  "digital_platforms")

settings = sa.Table(
    "settings", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

workshops = sa.Table(
    "workshops", metadata,
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
    sa.Column("residents", sa.Integer, nullable=False, server_default="0"),
    # the rule its newest package counts residents as trained by (migration 0003)
    sa.Column("core_lessons", pg.JSONB),
    sa.Column("pass_mark", sa.Float),
)

packages = sa.Table(
    "packages", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("received_at", TZ, nullable=False),
    sa.Column("via", sa.Text, nullable=False),  # https | file | rebuild
    sa.Column("workshop_id", sa.Text),  # as the package claims it
    sa.Column("seq", sa.BigInteger),
    sa.Column("digest", sa.LargeBinary, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("status", sa.Text, nullable=False),  # accepted | unchanged | refused
    sa.Column("reason", sa.Text),
    sa.Column("params", pg.JSONB),
    sa.Column("body", sa.LargeBinary),
    sa.Index("packages_workshop_seq", "workshop_id", "seq"),
    sa.Index("packages_digest", "digest"),
)

places = sa.Table(
    "places", metadata,
    sa.Column("province_code", sa.Text, primary_key=True),
    sa.Column("commune_code", sa.Text, primary_key=True),
    sa.Column("province", sa.Text, nullable=False),
    sa.Column("commune", sa.Text, nullable=False),
)

enrolments = sa.Table(
    "enrolments", metadata,
    sa.Column("workshop_id", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("resident_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("p_id", sa.LargeBinary, nullable=False, index=True),
    sa.Column("p_who", sa.LargeBinary, nullable=False, index=True),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("commune_code", sa.Text, nullable=False),
    sa.Column("birth_year", sa.SmallInteger),
    sa.Column("sex", sa.Text),
    sa.Column("trained_at", TZ),
    sa.Column("passed", pg.JSONB, nullable=False),
    sa.Column("survey", pg.JSONB, nullable=False),
)

residents = sa.Table(
    "residents", metadata,
    sa.Column("resident_id", sa.BigInteger, primary_key=True),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("commune_code", sa.Text, nullable=False),
    sa.Column("trained_at", TZ),  # NULL: not trained
    sa.Column("birth_year", sa.SmallInteger),
    sa.Column("sex", sa.Text),
    sa.Column("passed", pg.ARRAY(sa.Text), nullable=False),
    *(sa.Column(name, sa.SmallInteger) for name in SURVEY_COLUMNS),  # 1 yes, 0 no, NULL
)

step_counts = sa.Table(
    "step_counts", metadata,
    sa.Column("workshop_id", sa.Text, primary_key=True),
    sa.Column("lesson", sa.Text, primary_key=True),
    sa.Column("step", sa.Text, primary_key=True),
    sa.Column("refused", sa.Integer, nullable=False),
    sa.Column("hinted", sa.Integer, nullable=False),
)

population = sa.Table(
    "population", metadata,
    sa.Column("province", sa.Text, primary_key=True),
    sa.Column("commune", sa.Text, primary_key=True),
    sa.Column("adults", sa.Integer, nullable=False),
)

RESIDENT_IDS = sa.Sequence("resident_ids", metadata=metadata)

# migration 0002: the summaries the officials' view reads (bakhong.province.summaries)
commune_counts = sa.Table(
    "commune_counts", metadata,
    sa.Column("province_code", sa.Text, primary_key=True),
    sa.Column("commune_code", sa.Text, primary_key=True),
    sa.Column("birth_year", sa.SmallInteger, primary_key=True),  # 0: unknown
    sa.Column("enrolled", sa.Integer, nullable=False),
    sa.Column("trained", sa.Integer, nullable=False),
    *(sa.Column(f"{name}_{part}", sa.Integer, nullable=False)
      for name in SURVEY_COLUMNS for part in ("base", "yes")),
)
lesson_counts = sa.Table(
    "lesson_counts", metadata,
    sa.Column("province_code", sa.Text, primary_key=True),
    sa.Column("commune_code", sa.Text, primary_key=True),
    sa.Column("lesson", sa.Text, primary_key=True),
    sa.Column("passed", sa.Integer, nullable=False),
)
trained_days = sa.Table(
    "trained_days", metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("trained", sa.Integer, nullable=False),
)
sa.Index("residents_trained_at", residents.c.trained_at)
