"""Copies of a whole store: a consistent snapshot while others write, and a restore.

``bakhong backup`` and ``bakhong restore`` (:mod:`bakhong.grading.backup`) use these; they
are the only way the rest of the kit copies the store's tables.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .store import Store, learners, meta, metadata

__all__ = ["copy_tables", "restore", "snapshot"]


def snapshot(source: Store, path: Path) -> None:
    """Write a consistent copy of ``source`` to a new SQLite file at ``path``, while others
    keep writing: SQLite's online backup API for a SQLite store (one read transaction, so the
    copy holds everything committed before it began), a copy of every table inside one
    ``REPEATABLE READ`` transaction for PostgreSQL.
    """
    if source.engine.dialect.name == "sqlite":
        target = sqlite3.connect(path)
        try:
            raw = source.engine.raw_connection()
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                raw.close()
        finally:
            target.close()
        return
    copy = Store.open(f"sqlite:///{Path(path).resolve()}")
    try:
        with source.engine.connect().execution_options(
                isolation_level="REPEATABLE READ") as conn, conn.begin():
            copy_tables(conn, copy)
    finally:
        copy.close()


def copy_tables(conn: Connection, target: Store) -> None:
    """Copy every table read through ``conn`` into the (freshly migrated, empty) ``target``,
    parents before children."""
    with target.transaction() as out:
        out.execute(sa.delete(meta))
        for table in metadata.sorted_tables:
            rows = [dict(row._mapping) for row in conn.execute(sa.select(table))]
            if rows:
                out.execute(table.insert(), rows)
            counter = table.autoincrement_column
            if counter is not None and out.dialect.name == "postgresql":
                # the rows came with their numbers: PostgreSQL's sequence must go on after
                # them (the first tap after a move to a hub collided with event 1)
                out.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{counter.name}'), "
                    f"COALESCE(MAX({counter.name}), 0) + 1, false) FROM {table.name}"))


def restore(snapshot_path: Path, url: str) -> bool:
    """Copy the SQLite store at ``snapshot_path`` (:func:`snapshot`) into the store at
    ``url``; False, with nothing copied, when that store already holds learners."""
    source, target = Store.open(snapshot_path), Store.open(url)
    try:
        if target.read(sa.select(learners.c.learner_id).limit(1)):
            return False
        with source.engine.connect() as conn, conn.begin():
            copy_tables(conn, target)
        return True
    finally:
        source.close()
        target.close()
