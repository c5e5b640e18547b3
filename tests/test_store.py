from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from bakhong.simulators import store as store_mod
from bakhong.simulators.errors import SchemaTooNew, StoreError
from bakhong.simulators.store import Store, meta


def test_sqlite_settings(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == store_mod.BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_committed_data_survives_reopen_and_failed_transaction_leaves_nothing(
        tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    store.set_meta("kept", "1")
    with pytest.raises(StoreError), store.transaction() as conn:
        conn.execute(meta.insert().values(key="lost", value="x"))
        conn.execute(meta.insert().values(key="kept", value="duplicate"))  # primary key clash
    store.close()
    again = Store.open(tmp_path / "s.db")
    assert again.get_meta("kept") == "1" and again.get_meta("lost") is None


def test_schema_is_versioned_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    assert store.schema_version() == store_mod.SCHEMA_VERSION
    store.set_meta("schema_version", str(store_mod.SCHEMA_VERSION + 1))
    with pytest.raises(SchemaTooNew):
        Store.open(tmp_path / "s.db")


def test_a_second_writer_waits_instead_of_failing(tmp_path: Path) -> None:
    import threading

    a, b = Store.open(tmp_path / "s.db"), Store.open(tmp_path / "s.db")
    started = threading.Event()

    def slow_writer() -> None:
        with a.transaction() as conn:
            conn.execute(meta.insert().values(key="a", value="1"))
            started.set()
            threading.Event().wait(0.3)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    started.wait()
    b.set_meta("b", "2")  # blocks on the write lock, then succeeds
    thread.join()
    assert {r[0] for r in b.read(sa.select(meta.c.key))} >= {"a", "b"}


def test_a_schema_1_store_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    """A sandbox made before schema 2: its learners keep everything and gain the new columns."""
    import sqlite3

    store = Store.open(tmp_path / "s.db")
    with store.transaction() as conn:  # the learners table as schema 1 had it
        for column in store_mod._LEARNER_COLUMNS_2:
            conn.exec_driver_sql(f"ALTER TABLE learners DROP COLUMN {column}")
        conn.exec_driver_sql("UPDATE meta SET value='1' WHERE key='schema_version'")
    store.close()
    raw = sqlite3.connect(tmp_path / "s.db")
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("INSERT INTO learners (learner_id, code, full_name, commune, persona_id, "
                "language, created_at) VALUES ('hv1','K7M2QX9P','Lê Thị Hoa','Xã Thọ Long',"
                "'P1','vi','2026-01-01')")
    raw.commit()
    raw.close()
    again = Store.open(tmp_path / "s.db")
    assert again.schema_version() == store_mod.SCHEMA_VERSION
    from bakhong.simulators.learners import by_code

    learner = by_code(again, "K7M2QX9P")
    assert (learner.full_name, learner.birth_year, learner.province) == ("Lê Thị Hoa", None, None)


def test_the_one_writer_commits_with_normal_sync_the_others_with_full(tmp_path: Path) -> None:
    """The sandbox service (``Store.single_writer``) keeps WAL with synchronous=NORMAL (1):
    a commit survives the process being killed; every other process keeps FULL (2)."""
    path = tmp_path / "sandbox.db"
    service, other = Store.open(path), Store.open(path)
    try:
        service.single_writer()

        def sync_of(store: Store) -> tuple[str, int]:
            with store.engine.connect() as conn:
                return (conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                        conn.exec_driver_sql("PRAGMA synchronous").scalar())
        assert sync_of(service) == ("wal", 1)
        assert sync_of(other) == ("wal", 2)
    finally:
        service.close()
        other.close()
