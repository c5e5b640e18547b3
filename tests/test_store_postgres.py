"""The store and the simulators on a real PostgreSQL server (see ``pg_support``).

Each test gets a database of its own on one throwaway server per test session (per
xdist worker). Without PostgreSQL the tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pg_support
import pytest
import sqlalchemy as sa
from conftest import reach_level2

from bakhong.simulators import learners, registry
from bakhong.simulators import store as store_mod
from bakhong.simulators.clock import FixedClock
from bakhong.simulators.errors import SchemaTooNew, StoreBusy, StoreError
from bakhong.simulators.evidence import InvalidEvidence, export, verify_export
from bakhong.simulators.sandbox import SANDBOX_FILE, Sandbox
from bakhong.simulators.store import Store, meta
from bakhong.simulators.vneid import Step

SEED = "tests"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg_support.PostgresServer]:
    with pg_support.running_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: pg_support.PostgresServer, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database for this test."""
    return pg_server.create_database(request.node.name)


@pytest.fixture
def store(pg_url: str) -> Iterator[Store]:
    opened = Store.open(pg_url)
    yield opened
    opened.close()


def test_the_server_is_utf8_and_starts_quickly(pg_server: pg_support.PostgresServer,
                                              pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
    engine.dispose()
    assert pg_server.started_in < 30, pg_server.started_in


def test_an_empty_database_is_migrated_to_the_current_schema(pg_url: str) -> None:
    assert Store.open(pg_url, migrate=False).schema_version() == 0
    opened = Store.open(pg_url)
    assert opened.engine.dialect.name == "postgresql"
    assert opened.schema_version() == store_mod.SCHEMA_VERSION
    with opened.engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
    assert set(store_mod.metadata.tables) <= present
    opened.close()
    again = Store.open(pg_url)  # migrating an up-to-date store changes nothing
    assert again.schema_version() == store_mod.SCHEMA_VERSION
    again.close()


def test_a_newer_schema_is_refused(store: Store, pg_url: str) -> None:
    store.set_meta("schema_version", str(store_mod.SCHEMA_VERSION + 1))
    with pytest.raises(SchemaTooNew):
        Store.open(pg_url)


def test_writes_run_read_committed_with_a_small_pre_pinged_pool(store: Store) -> None:
    assert store.engine.pool._pre_ping  # type: ignore[attr-defined]
    assert store.engine.pool.size() <= 5  # type: ignore[attr-defined]
    with store.transaction() as conn:
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
        held = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid()").scalar()
        assert held == 1  # the writers' lock, released by the commit
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").scalar() == 0


def test_committed_data_survives_reopen_and_failed_transaction_leaves_nothing(
        store: Store, pg_url: str) -> None:
    store.set_meta("kept", "1")
    with pytest.raises(StoreError), store.transaction() as conn:
        conn.execute(meta.insert().values(key="lost", value="x"))
        conn.execute(meta.insert().values(key="kept", value="duplicate"))  # primary key clash
    store.close()
    again = Store.open(pg_url)
    assert again.get_meta("kept") == "1" and again.get_meta("lost") is None
    again.close()


def test_a_failed_transaction_rolls_back_on_any_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(meta.insert().values(key="half", value="x"))
        raise RuntimeError("the simulator refused half-way")
    assert store.get_meta("half") is None
    store.set_meta("after", "ok")  # the connection went back to the pool clean
    assert store.get_meta("after") == "ok"


SCHEMA_1_TABLES = ("meta", "households", "personas", "learners", "consents", "events",
                   "flow_states", "sms_inbox", "faults", "submissions")


def test_a_schema_1_store_is_migrated_and_keeps_its_data(pg_url: str) -> None:
    """A store made before schema 2 (by hand): its learners keep everything, gain the columns."""
    made = Store.open(pg_url, migrate=False)
    with made.transaction() as conn:  # the tables and the learners' columns schema 1 had
        store_mod.metadata.create_all(
            conn, tables=[store_mod.metadata.tables[name] for name in SCHEMA_1_TABLES])
        for column in store_mod._LEARNER_COLUMNS_2:
            conn.exec_driver_sql(f"ALTER TABLE learners DROP COLUMN {column}")
        conn.execute(meta.insert().values(key="schema_version", value="1"))
        conn.exec_driver_sql(
            "INSERT INTO households VALUES ('H1', 'Thôn 3', '16024', 'Xã Thọ Long', 'Thanh Hóa')")
        conn.exec_driver_sql(
            "INSERT INTO personas VALUES ('P1', '038165000123', 'Lê Thị Hoa', 'Nữ', "
            "'1965-03-02', '0912000001', '0912000002', 'H1', 'Chủ hộ')")
        conn.exec_driver_sql(
            "INSERT INTO learners (learner_id, code, full_name, commune, persona_id, language, "
            "created_at) VALUES ('hv1', 'K7M2QX9P', 'Lê Thị Hoa', 'Xã Thọ Long', 'P1', 'vi', "
            "'2026-01-01')")
    assert made.schema_version() == 1
    made.close()

    again = Store.open(pg_url)
    assert again.schema_version() == store_mod.SCHEMA_VERSION
    learner = learners.by_code(again, "K7M2QX9P")
    assert (learner.full_name, learner.commune, learner.birth_year, learner.province) == (
        "Lê Thị Hoa", "Xã Thọ Long", None, None)
    with again.engine.connect() as conn:
        assert set(store_mod.metadata.tables) <= set(sa.inspect(conn).get_table_names())
    again.close()


def test_a_second_writer_waits_instead_of_failing(pg_url: str) -> None:
    a, b = Store.open(pg_url), Store.open(pg_url)
    started = threading.Event()

    def slow_writer() -> None:
        with a.transaction() as conn:
            conn.execute(meta.insert().values(key="a", value="1"))
            started.set()
            threading.Event().wait(0.3)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    started.wait()
    t0 = time.monotonic()
    b.set_meta("b", "2")  # blocks on the writers' lock, then succeeds
    waited = time.monotonic() - t0
    thread.join()
    assert waited > 0.1
    assert {r[0] for r in b.read(sa.select(meta.c.key))} >= {"a", "b"}
    a.close()
    b.close()


def test_a_writer_waiting_too_long_gets_store_busy(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = Store.open(pg_url), Store.open(pg_url)
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 200)
    started, release = threading.Event(), threading.Event()

    def holder() -> None:
        with a.transaction():
            started.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    started.wait()
    try:
        with pytest.raises(StoreBusy):
            b.set_meta("late", "x")
    finally:
        release.set()
        thread.join()
    b.set_meta("late", "x")  # and once the lock is free, the retry works
    assert b.get_meta("late") == "x"
    a.close()
    b.close()


def _increment(store: Store, key: str) -> None:
    """Read-then-write, as every simulator does inside one transaction."""
    with store.transaction() as conn:
        value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
        store_mod._put_meta(conn, key, str(int(value or 0) + 1))


def test_concurrent_writers_lose_no_update(pg_url: str) -> None:
    stores = [Store.open(pg_url) for _ in range(4)]  # four kernels, four connection pools
    errors: list[BaseException] = []

    def work(one: Store) -> None:
        try:
            for _ in range(25):
                _increment(one, "counter")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(one,)) for one in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stores[0].get_meta("counter") == "100"
    for one in stores:
        one.close()


OPEN_AT_ONCE = """
import sys, time
import sqlalchemy as sa
from bakhong.simulators.store import Store, _put_meta, meta
url, start_at, key = sys.argv[1], float(sys.argv[2]), sys.argv[3]
time.sleep(max(0.0, start_at - time.time()))
store = Store.open(url)  # all at once on an empty database
for _ in range(20):
    with store.transaction() as conn:
        value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
        _put_meta(conn, key, str(int(value or 0) + 1))
print(store.schema_version())
"""


@pytest.mark.slow
def test_processes_opening_a_fresh_database_at_once_migrate_it_once(pg_url: str) -> None:
    """Kernels starting together on an empty database: one migrates, the others wait."""
    start_at = time.time() + 2.0  # every process imported and waiting before the start
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, pg_url, str(start_at), "n"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == str(store_mod.SCHEMA_VERSION)
    opened = Store.open(pg_url)
    assert opened.get_meta("n") == "60"
    opened.close()


@pytest.fixture
def pg_box(pg_url: str, clock: FixedClock) -> Iterator[Sandbox]:
    sandbox = Sandbox.open(pg_url, clock=clock, seed=SEED)
    sandbox.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long"),
                          ("hv002", "Trần Văn Nam", "Phường Hạc Thành")])
    learners.record_consent(sandbox.store, clock, "hv001")
    yield sandbox
    sandbox.close()


def test_vneid_activation_to_level_2_with_signed_evidence(
        pg_box: Sandbox, pg_url: str, clock: FixedClock) -> None:
    sim = pg_box.vneid("hv001")
    persona = registry.persona_of_learner(pg_box.store, "hv001")
    reach_level2(sim, persona)
    status = sim.status()
    assert (status.step, status.level, status.logged_in) == (Step.HOME, 2, True)
    approval = sim.inbox()[0][2]
    assert persona.name_without_diacritics in approval and "da duoc phe duyet" in approval

    # A new kernel on the same database resumes where the learner was.
    again = Sandbox.open(pg_url, clock=clock, seed=SEED)
    assert again.workshop_id == pg_box.workshop_id
    resumed = again.vneid("hv001").status()
    assert (resumed.step, resumed.level) == (Step.HOME, 2)

    key = b"k" * 32
    data = json.loads(json.dumps(export(
        again.store, clock, key, workshop=again.workshop_id, learner_id="hv001",
        lesson="vneid"), ensure_ascii=False))
    evidence = verify_export(data, key, workshop=again.workshop_id, learner="hv001",
                             lesson="vneid")
    assert evidence.done("register") and evidence.done("activate")
    assert evidence.done("login_level2")
    data["events"][0]["outcome"] = "edited"
    with pytest.raises(InvalidEvidence):
        verify_export(data, key, workshop=again.workshop_id, learner="hv001", lesson="vneid")
    again.close()


def test_vietnamese_text_round_trips_in_nfc(pg_box: Sandbox) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    [added] = pg_box.add_learners([("hv003", decomposed, "Xã Thọ Long")])
    stored = learners.by_id(pg_box.store, "hv003")
    assert stored.full_name == "Nguyễn Thị Ánh Tuyết" == added.full_name
    assert unicodedata.is_normalized("NFC", stored.full_name)
    assert learners.by_id(pg_box.store, "hv001").commune == "Xã Thọ Long"
    text = "Đồng ý — «Xác thực điện tử mức độ 2» ₫ 😀"
    pg_box.store.set_meta("text", text)
    assert pg_box.store.get_meta("text") == text
    with pg_box.store.engine.connect() as conn:
        size = conn.execute(sa.select(sa.func.octet_length(meta.c.value))
                            .where(meta.c.key == "text")).scalar()
    assert size == len(text.encode("utf-8"))


@pytest.mark.slow
def test_a_workshop_with_a_postgres_store_url_keeps_its_learners_there(
        pg_server: pg_support.PostgresServer, tmp_path: Path, clock: FixedClock) -> None:
    from bakhong.grading import settings, workshop
    from bakhong.grading.settings import CourseSettings

    url = pg_server.create_database("workshop")
    roster = tmp_path / "roster.csv"
    roster.write_text("Họ và tên,Xã/Phường\r\nLê Thị Hoa,Xã Thọ Long\r\n"
                      "Trần Văn Nam,Phường Hạc Thành\r\n", encoding="utf-8")
    root = tmp_path / "workshop"
    box, added = workshop.init(root, roster, course_settings=CourseSettings(store_url=url),
                               clock=clock, seed=SEED)
    box.close()
    assert [le.full_name for le in added] == ["Lê Thị Hoa", "Trần Văn Nam"]
    assert not any(p.name.startswith(SANDBOX_FILE) for p in root.rglob("*"))  # nor -wal
    assert settings.load(root).store_url == url

    reopened = workshop.open_sandbox(root, clock=clock)
    assert reopened.store.engine.dialect.name == "postgresql"
    assert [(le.full_name, le.commune) for le in learners.all_learners(reopened.store)] == [
        ("Lê Thị Hoa", "Xã Thọ Long"), ("Trần Văn Nam", "Phường Hạc Thành")]
    reopened.close()

    # One database per workshop: a second workshop on the same database is refused.
    with pytest.raises(workshop.WorkshopExists):
        workshop.init(tmp_path / "second", roster,
                      course_settings=CourseSettings(store_url=url), clock=clock, seed="other")
    assert not (tmp_path / "second").exists()
