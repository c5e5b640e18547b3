"""A throwaway PostgreSQL server for the tests: started once per test session (per worker).

``start()`` finds the server binaries (``$BAKHONG_PG_BINDIR``, then ``PATH``, then
Debian's ``/usr/lib/postgresql/<version>/bin``), runs ``initdb`` into a fresh temp
folder (trust authentication, UTF-8, C.UTF-8 locale), starts ``postgres`` on
127.0.0.1 with a free port and its Unix socket in that folder, and
:meth:`PostgresServer.stop` stops it (``pg_ctl stop -m fast``) and removes the folder.
Under pytest-xdist each worker starts its own server: own folder, own port.

``initdb`` and ``postgres`` refuse to run as root: as root, both run as an
unprivileged account (``postgres`` when Debian's package made it, else ``nobody``)
that owns the temp folder. The database superuser is always ``bakhong``.

Missing binaries (or psycopg) skip the PostgreSQL tests with the reason, except under
CI (``$CI`` set and not ``0``/``false``), where they fail: a CI run must never pass by
skipping them. ``$BAKHONG_PG_BINDIR`` names another folder of server binaries.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any, NoReturn

import pytest
from ports import free_port

SUPERUSER = "bakhong"
BINDIR_ENV = "BAKHONG_PG_BINDIR"
DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"
NEEDED = ("initdb", "pg_ctl", "postgres")
START_TIMEOUT_S = 60
#: Settings for a server whose data is thrown away: no fsync, small memory.
SERVER_OPTIONS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                  "-c shared_buffers=32MB -c max_connections=100")


def _has_all(folder: Path) -> bool:
    return all(os.access(folder / name, os.X_OK) for name in NEEDED)


def _version_key(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name)) or (0,)


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None."""
    if os.environ.get(BINDIR_ENV):
        folder = Path(os.environ[BINDIR_ENV])
        return folder if _has_all(folder) else None
    found = shutil.which("initdb")
    if found:  # /usr/local/bin/initdb may be a symlink into the real folder
        for folder in (Path(found).parent, Path(found).resolve().parent):
            if _has_all(folder):
                return folder
    candidates = sorted((p for p in Path("/").glob(DEBIAN_BINDIRS.lstrip("/")) if _has_all(p)),
                        key=_version_key, reverse=True)
    return candidates[0] if candidates else None


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it under CI, where PostgreSQL must be tested for real."""
    if on_ci():
        pytest.fail(f"{reason}; CI must test PostgreSQL (run `make system-packages`)",
                    pytrace=False)
    pytest.skip(reason)


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as when we are root, else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' account exists")


def _temp_root() -> Path:
    """A short, world-traversable parent (the socket path must stay under 107 bytes)."""
    base = Path(tempfile.gettempdir())
    if len(str(base)) > 40 or not os.access(base, os.X_OK):
        base = Path("/tmp")
    return Path(tempfile.mkdtemp(prefix="bkpg-", dir=base))


@dataclass
class PostgresServer:
    bindir: Path
    folder: Path
    port: int
    account: pwd.struct_passwd | None
    started_in: float = 0.0
    _names: Iterator[int] = field(default_factory=count)

    @property
    def datadir(self) -> Path:
        return self.folder / "data"

    @property
    def logfile(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
        user: dict[str, Any] = {}
        if self.account is not None:
            user = {"user": self.account.pw_uid, "group": self.account.pw_gid,
                    "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8",
               "LANG": "C.UTF-8", "HOME": str(self.folder), "TZ": "UTC"}
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]], cwd=self.folder, env=env,
            capture_output=True, text=True, timeout=timeout, check=False, **user)

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}\n"
                               f"{result.stderr}\n{log[-4000:]}")

    def initdb(self) -> None:
        result = self._run("initdb", "-D", str(self.datadir), "-U", SUPERUSER, "-A", "trust",
                           "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        if result.returncode != 0 and "locale" in (result.stderr + result.stdout).lower():
            shutil.rmtree(self.datadir, ignore_errors=True)
            result = self._run("initdb", "-D", str(self.datadir), "-U", SUPERUSER, "-A",
                               "trust", "-E", "UTF8", "--no-locale", "--no-sync")
        self._check(result, "initdb")

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} {SERVER_OPTIONS}"
        result = self._run("pg_ctl", "start", "-D", str(self.datadir), "-l", str(self.logfile),
                           "-w", "-t", str(START_TIMEOUT_S), "-o", options)
        self._check(result, "pg_ctl start")

    def running(self) -> bool:
        return (self.datadir / "postmaster.pid").exists()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        try:
            if self.running():
                self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "fast", "-w")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, hint: str = "db") -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        import psycopg

        slug = re.sub(r"[^a-z0-9]+", "_", hint.lower()).strip("_")[:40] or "db"
        name = f"{slug}_{next(self._names)}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return self.url(name)


def start() -> PostgresServer:
    """Start a server, or skip (fail under CI) when PostgreSQL or psycopg is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install -e '.[postgres]')")
    bindir = find_bindir()
    if bindir is None:
        unavailable(f"no PostgreSQL server binaries ({', '.join(NEEDED)}) on PATH or in "
                    f"{DEBIAN_BINDIRS}; install Debian's 'postgresql' package")
    account = _run_as()
    t0 = time.monotonic()
    last: Exception | None = None
    for _attempt in range(3):  # another process may take the free port before postgres does
        folder = _temp_root()
        if account is not None:
            os.chown(folder, account.pw_uid, account.pw_gid)
        server = PostgresServer(bindir, folder, free_port(), account)
        try:
            server.initdb()
            server.start()
        except Exception as exc:
            last = exc
            server.stop()
            continue
        server.started_in = time.monotonic() - t0
        atexit.register(server.stop)  # a session killed before its teardown
        return server
    raise RuntimeError(f"could not start PostgreSQL from {bindir}") from last


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """A server for the duration of the block (a session-scoped fixture's body)."""
    server = start()
    try:
        yield server
    finally:
        atexit.unregister(server.stop)
        server.stop()
