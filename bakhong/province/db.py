"""The provincial database: the engine, migrations (Alembic) and one writer at a time.

The URL is a PostgreSQL one (``postgresql+psycopg://USER@HOST:PORT/DATABASE``; a plain
``postgresql://`` is read the same way); keep the password out of it (``~/.pgpass`` or
``PGPASSWORD``, as for a workshop's store: ``docs/postgres.md``). :func:`migrate` brings the
schema to the newest Alembic revision under an advisory lock, so two servers starting
together migrate once. Writers (:mod:`.ingest`, :mod:`.workshops`) take the transaction-level
advisory lock :data:`WRITER_LOCK` first: packages are applied one after the other, readers
never wait.

>>> engine_url("postgresql://bakhong@127.0.0.1:5432/tinh")
'postgresql+psycopg://bakhong@127.0.0.1:5432/tinh'
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bakhong.simulators.errors import N_, SandboxError

__all__ = ["DB_ENV", "NoDatabase", "engine", "engine_url", "lock_writers", "migrate",
           "revision"]

DB_ENV = "BAKHONG_PROVINCE_DB"
#: Advisory lock keys (any 64-bit numbers of our own): the migration, and writers.
MIGRATION_LOCK, WRITER_LOCK = 0x62616B686F6E6701, 0x62616B686F6E6702
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class NoDatabase(SandboxError):
    code = "province.no_database"
    message = N_("Chưa chỉ cơ sở dữ liệu của tỉnh: dùng --db postgresql+psycopg://… hoặc biến "
                 "môi trường BAKHONG_PROVINCE_DB.")


def engine_url(url: str | None) -> str:
    url = url or os.environ.get(DB_ENV, "")
    if not url:
        raise NoDatabase()
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def engine(url: str | None = None, *, pool_size: int = 4) -> Engine:
    return sa.create_engine(engine_url(url), pool_size=pool_size, max_overflow=4,
                            pool_pre_ping=True, pool_recycle=1800,
                            isolation_level="READ COMMITTED")


def _config(conn: Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def migrate(target: Engine, revision_id: str = "head") -> str:
    """Bring the schema to ``revision_id`` (the newest by default), up or down; returns it."""
    from alembic import command

    with target.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        current = _current(conn)
        config = _config(conn)
        if revision_id != "head" and current is not None and current > revision_id:
            command.downgrade(config, revision_id)  # type: ignore[arg-type]
        else:
            command.upgrade(config, revision_id)  # type: ignore[arg-type]
    return revision(target) or ""


def _current(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def revision(target: Engine) -> str | None:
    """The schema's Alembic revision (None for an empty database)."""
    with target.connect() as conn:
        return _current(conn)


def lock_writers(conn: Connection) -> None:
    """Queue behind any other writer until this transaction ends."""
    conn.execute(sa.text("SET LOCAL lock_timeout = 30000"))
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
