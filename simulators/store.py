"""The one persistence layer of the sandbox: SQLAlchemy Core over SQLite or PostgreSQL.

SQLite (the default, one laptop) runs in WAL mode with ``BEGIN IMMEDIATE``
transactions, a busy timeout and ``synchronous=FULL``, so a committed evidence
event survives a power cut and two kernels never deadlock on an upgrade from a
read to a write lock. A ``postgresql+psycopg://`` URL selects PostgreSQL when a
course is scaled out. The schema is versioned in the ``meta`` table; opening a
store applies the missing migrations in one transaction.

>>> store = Store.open("sqlite://")
>>> store.schema_version()
10
>>> with store.transaction() as tx:
...     _ = tx.execute(meta.insert().values(key="hello", value="xin chào"))
>>> store.get_meta("hello")
'xin chào'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import StaticPool

from .errors import SchemaTooNew, StoreBusy, StoreError

SCHEMA_VERSION = 10
BUSY_TIMEOUT_MS = 10_000

metadata = sa.MetaData()

meta = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

households = sa.Table(
    "households", metadata,
    sa.Column("household_id", sa.String(32), primary_key=True),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("commune_code", sa.String(16), nullable=False),
    sa.Column("commune_name", sa.Text, nullable=False),
    sa.Column("province_name", sa.Text, nullable=False),
)

personas = sa.Table(
    "personas", metadata,
    sa.Column("persona_id", sa.String(32), primary_key=True),
    sa.Column("id_number", sa.String(12), nullable=False, unique=True),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("sex", sa.String(8), nullable=False),
    sa.Column("birth_date", sa.String(10), nullable=False),
    sa.Column("phone", sa.String(10), nullable=False, unique=True),
    sa.Column("relative_phone", sa.String(10), nullable=False, unique=True),
    sa.Column("household_id", sa.ForeignKey("households.household_id"), nullable=False),
    sa.Column("relation", sa.Text, nullable=False),
)

learners = sa.Table(
    "learners", metadata,
    sa.Column("learner_id", sa.String(64), primary_key=True),
    sa.Column("code", sa.String(8), nullable=False, unique=True),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("commune", sa.Text, nullable=False),
    sa.Column("persona_id", sa.ForeignKey("personas.persona_id"), nullable=False, unique=True),
    sa.Column("language", sa.String(8), nullable=False, server_default="vi"),
    sa.Column("created_at", sa.String(40), nullable=False),
    # schema 2: what the roster says, for reports (post-2025 unit, legacy names kept)
    sa.Column("province", sa.Text, nullable=True),
    sa.Column("commune_code", sa.String(16), nullable=True),
    sa.Column("birth_year", sa.Integer, nullable=True),
    sa.Column("sex", sa.String(8), nullable=True),
    sa.Column("legacy_commune", sa.Text, nullable=True),
    sa.Column("legacy_district", sa.Text, nullable=True),
    # schema 6: the roster's optional survey answers, JSON {"smartphone": true, …}, for reports
    sa.Column("survey", sa.Text, nullable=True),
    # schema 8: 1 when the roster gave the learner id (its «Mã học viên»), 0 when init made
    # it (hv001 …: every workshop has one); NULL in stores made before (see learners.Learner)
    sa.Column("id_given", sa.Integer, nullable=True),
)
#: Columns added to ``learners`` by schema 2.
_LEARNER_COLUMNS_2 = ("province", "commune_code", "birth_year", "sex", "legacy_commune",
                      "legacy_district")
#: Columns added to ``learners`` by schema 6 and 8.
_LEARNER_COLUMNS_6 = ("survey",)
_LEARNER_COLUMNS_8 = ("id_given",)

consents = sa.Table(
    "consents", metadata,
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), primary_key=True),
    sa.Column("notice_version", sa.String(16), nullable=False),
    sa.Column("consented_at", sa.String(40), nullable=False),
)

events = sa.Table(
    "events", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("lesson", sa.String(32), nullable=False),
    sa.Column("task", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(64), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
    # schema 9: the link to the learner's previous event, under the workshop key
    # (bakhong.simulators.evidence: a row written outside the sandbox has no valid link)
    sa.Column("chain", sa.String(32), nullable=True),
)

flow_states = sa.Table(
    "flow_states", metadata,
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), primary_key=True),
    sa.Column("flow", sa.String(32), primary_key=True),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
)

sms_inbox = sa.Table(
    "sms_inbox", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("sender", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)

faults = sa.Table(
    "faults", metadata,
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), primary_key=True),
    sa.Column("name", sa.String(48), primary_key=True),
    sa.Column("fired", sa.Integer, nullable=False, server_default="0"),
)

submissions = sa.Table(
    "submissions", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("lesson", sa.String(32), nullable=False),
    sa.Column("requested_at", sa.String(40), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="queued"),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("max_score", sa.Float, nullable=True),
    sa.Column("graded_at", sa.String(40), nullable=True),
    # schema 7: the graded tasks (grade cells) short of full points, JSON ["fee", …], and
    # the grader's seal over the result (bakhong.grading.results), so an edit is noticed
    sa.Column("missing", sa.Text, nullable=True),
    sa.Column("seal", sa.String(64), nullable=True),
    # schema 10: a trainer's override of the grader's score, JSON {"reason": …, "tasks":
    # {grade_id: [auto, manual]}} (bakhong.grading.overrides), under the same seal
    sa.Column("override", sa.Text, nullable=True),
)
#: Columns added to ``submissions`` by schema 7, and by schema 10.
_SUBMISSION_COLUMNS_7 = ("missing", "seal")
_SUBMISSION_COLUMNS_10 = ("override",)

# schema 3: the payment sandbox (bakhong.simulators.bank). Amounts are whole VND.
bank_accounts = sa.Table(
    "bank_accounts", metadata,
    sa.Column("account_id", sa.String(32), primary_key=True),
    sa.Column("bin", sa.String(8), nullable=False),
    sa.Column("number", sa.String(19), nullable=False),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # customer, merchant, person, issuer
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=True, index=True),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("bin", "number"),
)

ledger = sa.Table(
    "ledger", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("txn_ref", sa.String(32), nullable=False, index=True),
    sa.Column("account_id", sa.ForeignKey("bank_accounts.account_id"), nullable=False,
              index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),  # credit > 0, debit < 0
    # the learner on whose behalf the transaction was posted: ``forget`` removes it whole
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=True, index=True),
    sa.Column("at", sa.String(40), nullable=False),
)

payments = sa.Table(
    "payments", metadata,
    sa.Column("request_id", sa.String(40), primary_key=True),
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("txn_ref", sa.String(32), nullable=True, unique=True),
    sa.Column("payee_account_id", sa.ForeignKey("bank_accounts.account_id"), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("message", sa.Text, nullable=False, server_default=""),
    sa.Column("channel", sa.String(16), nullable=False),  # qr, account
    sa.Column("status", sa.String(16), nullable=False),  # pending, done
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("completed_at", sa.String(40), nullable=True),
)

# schema 4: the public-service portal (bakhong.simulators.dossiers and .portal).
documents = sa.Table(
    "documents", metadata,
    sa.Column("doc_id", sa.String(40), primary_key=True),
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("mime", sa.String(64), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("source", sa.String(32), nullable=False),  # hospital, citizen, commune, police …
    sa.Column("legible", sa.Integer, nullable=False, server_default="1"),
    sa.Column("in_store", sa.Integer, nullable=False, server_default="1"),  # «Kho dữ liệu»
    sa.Column("created_at", sa.String(40), nullable=False),
)

dossiers = sa.Table(
    "dossiers", metadata,
    sa.Column("dossier_code", sa.String(48), primary_key=True),
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("procedure", sa.String(32), nullable=False),
    sa.Column("request_id", sa.String(40), nullable=False, unique=True),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("substate", sa.Text, nullable=True),
    sa.Column("form", sa.Text, nullable=False),
    sa.Column("plan", sa.Text, nullable=False, server_default="{}"),
    sa.Column("submitted_at", sa.String(40), nullable=False),
    sa.Column("received_at", sa.String(40), nullable=True),
    sa.Column("appointment", sa.String(10), nullable=True),
    sa.Column("next_action_at", sa.String(40), nullable=True),
)

dossier_events = sa.Table(
    "dossier_events", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dossier_code", sa.ForeignKey("dossiers.dossier_code"), nullable=False,
              index=True),
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("actor", sa.String(16), nullable=False),  # citizen, official, system
    sa.Column("note", sa.Text, nullable=False, server_default=""),  # a source string
    sa.Column("params", sa.Text, nullable=False, server_default="{}"),  # its values, JSON
    sa.Column("at", sa.String(40), nullable=False),
)

dossier_files = sa.Table(
    "dossier_files", metadata,
    sa.Column("dossier_code", sa.ForeignKey("dossiers.dossier_code"), primary_key=True),
    sa.Column("doc_id", sa.ForeignKey("documents.doc_id"), primary_key=True),
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("role", sa.String(32), nullable=False),  # an attachment key, receipt, result
    sa.Column("added_at", sa.String(40), nullable=False),
)

fee_requests = sa.Table(
    "fee_requests", metadata,
    sa.Column("fee_id", sa.String(32), primary_key=True),
    sa.Column("dossier_code", sa.ForeignKey("dossiers.dossier_code"), nullable=False,
              unique=True),
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("items", sa.Text, nullable=False),  # JSON: [[title, amount], …]
    sa.Column("state", sa.String(16), nullable=False),  # unpaid, waiting, paid, cancelled
    sa.Column("txn_ref", sa.String(32), nullable=True),
    sa.Column("paid_at", sa.String(40), nullable=True),
)

# schema 5: remote signing (bakhong.simulators.signing). The workshop's PKI is in ``meta``.
credentials = sa.Table(
    "credentials", metadata,
    sa.Column("serial", sa.String(48), primary_key=True),  # the certificate's, in hex
    sa.Column("learner_id", sa.ForeignKey("learners.learner_id"), nullable=False, index=True),
    sa.Column("request_id", sa.String(40), nullable=False, unique=True),  # one per enrolment
    sa.Column("certificate", sa.Text, nullable=False),  # PEM
    sa.Column("private_key", sa.Text, nullable=False),  # PEM, unencrypted: see simulators/pki
    sa.Column("issued_at", sa.String(40), nullable=False),
    sa.Column("revoked_at", sa.String(40), nullable=True),
)

#: Tables holding one learner's data, children first: ``forget`` empties them all.
LEARNER_TABLES = (submissions, faults, sms_inbox, flow_states, events, payments, ledger,
                  bank_accounts, fee_requests, dossier_files, dossier_events, dossiers,
                  documents, credentials, consents)


def _migrate_to_1(conn: Connection) -> None:
    metadata.create_all(conn)


def _migrate_to_2(conn: Connection) -> None:
    """The roster's details on each learner (a store made by schema 1 lacks them)."""
    _add_columns(conn, learners, _LEARNER_COLUMNS_2)


def _migrate_to_3(conn: Connection) -> None:
    """The payment sandbox's tables (a fresh store already has them from step 1)."""
    metadata.create_all(conn, tables=[bank_accounts, ledger, payments])


def _migrate_to_4(conn: Connection) -> None:
    """The portal's tables."""
    metadata.create_all(conn, tables=[documents, dossiers, dossier_events, dossier_files,
                                      fee_requests])


def _migrate_to_5(conn: Connection) -> None:
    """Remote signing's credentials."""
    metadata.create_all(conn, tables=[credentials])


def _migrate_to_6(conn: Connection) -> None:
    """The roster's survey answers on each learner (nullable: a roster may have none)."""
    _add_columns(conn, learners, _LEARNER_COLUMNS_6)


def _migrate_to_7(conn: Connection) -> None:
    """What a graded submission still misses, and the grader's seal over its result."""
    _add_columns(conn, submissions, _SUBMISSION_COLUMNS_7)


def _migrate_to_9(conn: Connection) -> None:
    """The evidence chain's link on each event (none on those written before)."""
    _add_columns(conn, events, ("chain",))


def _add_columns(conn: Connection, table: sa.Table, names: tuple[str, ...]) -> None:
    present = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in present:
            kind = table.c[name].type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}")


def _migrate_to_10(conn: Connection) -> None:
    """A trainer's override of a graded result (none on rows graded before)."""
    _add_columns(conn, submissions, _SUBMISSION_COLUMNS_10)


def _migrate_to_8(conn: Connection) -> None:
    """Whether the roster gave each learner's id (unknown, NULL, for those enrolled before)."""
    _add_columns(conn, learners, _LEARNER_COLUMNS_8)


#: version -> step that brings the schema from ``version - 1`` to ``version``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _migrate_to_1, 2: _migrate_to_2, 3: _migrate_to_3, 4: _migrate_to_4,
    5: _migrate_to_5, 6: _migrate_to_6, 7: _migrate_to_7,
    8: _migrate_to_8, 9: _migrate_to_9, 10: _migrate_to_10}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # let BEGIN IMMEDIATE below start transactions
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if cur.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _normal_sync(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA synchronous = NORMAL")


def _begin(conn: Connection) -> None:
    # Writers take the write lock up front (no deadlock on a read-to-write upgrade);
    # readers start a deferred transaction and never block a writer in WAL mode.
    write = conn.get_execution_options().get("bakhong_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


#: The transaction-level advisory lock that PostgreSQL writers queue on ("bakhong" in
#: ASCII). Advisory locks belong to one database: workshops never wait on each other.
PG_WRITE_LOCK = 0x62616B686F6E67
#: A small pool per process (one kernel serves one learner); ``pool_pre_ping`` drops
#: connections the server closed while a kernel sat idle.
PG_POOL = {"pool_size": 2, "max_overflow": 3, "pool_timeout": BUSY_TIMEOUT_MS / 1000,
           "pool_recycle": 1800, "pool_pre_ping": True}
#: SQLSTATEs that mean "busy, try again": lock timeout, serialization failure, deadlock,
#: too many connections, server starting up.
PG_BUSY_STATES = frozenset({"55P03", "40001", "40P01", "53300", "57P03"})


def _pg_begin(conn: Connection) -> None:
    # BEGIN IMMEDIATE's counterpart: a write transaction first waits (at most the busy
    # timeout) for the writers' lock, held until commit or rollback. Under READ COMMITTED
    # every later statement reads what the previous writer committed, so a simulator's
    # read-then-write never loses an update and never needs a retry.
    if conn.get_execution_options().get("bakhong_write", False):
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(BUSY_TIMEOUT_MS)}")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")


def _is_busy(exc: DBAPIError) -> bool:
    state = getattr(exc.orig, "sqlstate", None)
    if state is not None:
        return state in PG_BUSY_STATES
    return "locked" in str(exc.orig) or "busy" in str(exc.orig)


def url_for(path_or_url: str | Path) -> str:
    """A SQLAlchemy URL for a file path, or the URL itself.

    >>> url_for("/tmp/w/sandbox.db")
    'sqlite:////tmp/w/sandbox.db'
    >>> url_for("postgresql+psycopg://bk@127.0.0.1/bakhong")
    'postgresql+psycopg://bk@127.0.0.1/bakhong'
    """
    text = str(path_or_url)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).resolve()}"


#: Where a transaction's connection carries the evidence key (``Connection.info``).
CHAIN_KEY = "bakhong_chain_key"


class Store:
    """Transactions over the sandbox database, with typed errors.

    ``chain_key`` is the workshop's evidence key when the process holds it (the sandbox
    service, the trainer's commands): each evidence event written is then linked to the
    learner's previous one (:func:`bakhong.simulators.evidence.record`).
    """

    def __init__(self, engine: Engine, chain_key: bytes | None = None) -> None:
        self.engine = engine
        self.chain_key = chain_key

    @classmethod
    def open(cls, path_or_url: str | Path, *, migrate: bool = True) -> Store:
        url = url_for(path_or_url)
        if url.startswith("sqlite"):
            memory = url in ("sqlite://", "sqlite:///:memory:")
            engine = sa.create_engine(
                url,
                poolclass=StaticPool if memory else None,
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            )
            sa_event.listen(engine, "connect", _sqlite_pragmas)
            sa_event.listen(engine, "begin", _begin)
        elif url.startswith("postgresql"):
            # READ COMMITTED whatever the server's default: a snapshot taken before the
            # writers' lock would hide the previous writer's commit.
            engine = sa.create_engine(
                url, isolation_level="READ COMMITTED",
                connect_args={"connect_timeout": 10, "application_name": "bakhong"},
                **PG_POOL)
            sa_event.listen(engine, "begin", _pg_begin)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    def close(self) -> None:
        self.engine.dispose()

    def single_writer(self) -> None:
        """This process is the workshop's one writer (the sandbox service): on SQLite, commit
        with ``synchronous=NORMAL`` in WAL mode, which SQLite recommends for WAL. A commit
        still survives the process being killed at any point, and the file is never left
        inconsistent; only a power cut or an OS crash can lose the last commits (the last
        taps), where ``FULL`` would have flushed the log at each one: about 7 ms a tap on this
        laptop's disk, the service's ceiling of about 140 taps a second. The other processes
        (grading, the commands) keep ``FULL``."""
        if self.engine.dialect.name != "sqlite" or isinstance(self.engine.pool, StaticPool):
            return
        sa_event.listen(self.engine, "connect", _normal_sync)
        self.engine.dispose()  # the connections opened so far take it when opened anew

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: committed whole, or not at all."""
        try:
            with self.engine.connect().execution_options(bakhong_write=True) as conn, \
                    conn.begin():
                conn.info[CHAIN_KEY] = self.chain_key
                yield conn
        except OperationalError as exc:
            if _is_busy(exc):
                raise StoreBusy(str(exc.orig)) from exc
            raise StoreError(str(exc.orig)) from exc
        except PoolTimeout as exc:  # every pooled connection in use for too long
            raise StoreBusy(str(exc)) from exc
        except SQLAlchemyError as exc:
            raise StoreError(str(exc)) from exc

    def read(self, statement: sa.Executable) -> list[sa.Row[Any]]:
        try:
            with self.engine.connect() as conn:
                return list(conn.execute(statement))
        except SQLAlchemyError as exc:
            raise StoreError(str(exc)) from exc

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("meta"):
                return 0
            value = conn.execute(
                sa.select(meta.c.value).where(meta.c.key == "schema_version")
            ).scalar()
        return int(value or 0)

    def migrate(self) -> None:
        with self.transaction() as conn:
            current = 0
            if sa.inspect(conn).has_table("meta"):
                value = conn.execute(
                    sa.select(meta.c.value).where(meta.c.key == "schema_version")
                ).scalar()
                current = int(value or 0)
            if current > SCHEMA_VERSION:
                raise SchemaTooNew(f"schema {current} > {SCHEMA_VERSION}")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
                _put_meta(conn, "schema_version", str(version))

    def get_meta(self, key: str) -> str | None:
        rows = self.read(sa.select(meta.c.value).where(meta.c.key == key))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            _put_meta(conn, key, value)


def _put_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(sa.delete(meta).where(meta.c.key == key))
    conn.execute(meta.insert().values(key=key, value=value))


def dumps(data: Any) -> str:
    """JSON as the store keeps it: sorted keys, Vietnamese kept readable."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


#: One learner's app state, read and dropped on every tap: built once with bound
#: parameters (SQLAlchemy's statement cache then skips building and compiling them again;
#: building them was a third of a tap's CPU in the sandbox service).
_ONE_FLOW = ((flow_states.c.learner_id == sa.bindparam("learner_id"))
             & (flow_states.c.flow == sa.bindparam("flow")))
_FLOW_STATE = sa.select(flow_states.c.state).where(_ONE_FLOW)
_DROP_FLOW_STATE = sa.delete(flow_states).where(_ONE_FLOW)


def load_flow_state(conn: Connection, learner_id: str, flow: str) -> dict[str, Any] | None:
    """The saved state of one learner's app (``flow_states``), None before its first use."""
    raw = conn.execute(_FLOW_STATE, {"learner_id": learner_id, "flow": flow}).scalar()
    if raw is None:
        return None
    state: dict[str, Any] = json.loads(raw)
    return state


def save_flow_state(conn: Connection, learner_id: str, flow: str, state: Mapping[str, Any],
                    at: str) -> None:
    """Replace the saved state of one learner's app (one row per learner and flow)."""
    conn.execute(_DROP_FLOW_STATE, {"learner_id": learner_id, "flow": flow})
    conn.execute(flow_states.insert(), {"learner_id": learner_id, "flow": flow,
                                        "state": dumps(state), "updated_at": at})
