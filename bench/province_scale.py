"""The provincial server at province size, against a plain COPY and GROUP BY of the same rows.

A province's worth of workshop packages is generated (seeded): by default Thanh Hóa's 166
post-2025 communes × 20 workshops × 200 residents (664,000 enrolments, 3,320 packages), real
commune codes, random pseudonyms; in every workshop but a commune's first, 2 % of the
residents are people already enrolled in an earlier workshop of the commune (same
pseudonyms and birth year), so the merge has work to do. About 70 % passed the core lesson
at a moment of the last 16 weeks, survey answers are random (some blank), and each package
has step counts for 12 steps. Each package is signed by its own workshop key, with the real
code (:func:`bakhong.province.package.seal`).

A throwaway PostgreSQL 15 (``tests/pg_support.py``: fsync off, 32 MB shared buffers) gets a
fresh database; the workshops are registered, ``bakhong province serve`` is started as its
own process (TLS with a self-signed certificate) and the packages are posted over HTTPS by
``--clients`` threads, each package on a new connection as a laptop would, through
:func:`bakhong.province.client.post_package` with the certificate pinned.

Measured, all in this run:

* **ingest**: packages per second, wall clock, from the first post to the last answer;
* **the officials' view**: :func:`bakhong.province.officials.province_report` (every
  figure read by PostgreSQL in one REPEATABLE READ transaction, then laid out), best and
  median of ``--repeats``, and the SQL part alone;
* **memory**: the server process's peak RSS (the kernel's high-water mark, ``VmHWM``), and
  the PostgreSQL processes' peak total PSS sampled every 2 s;
* **baseline**: the same enrolment rows (one per resident per package, the repeats counted
  twice) written with one ``COPY`` into a plain table, then one ``GROUP BY`` commune with the
  same counts as ours (enrolled, trained, the five weekly marks, every survey base and "yes").

The ratios are ours / baseline.

    .venv/bin/python bench/province_scale.py --communes 10   # 200 packages, about a minute
    .venv/bin/python bench/province_scale.py                # 3,320 packages
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pg_support  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from ports import free_port  # noqa: E402

from bakhong.province import (  # noqa: E402
    certs,
    client,
    db,
    figures,
    ingest,
    officials,
    package,
    pseudonym,
    workshops,
)
from bakhong.province.package import Payload, ResidentRecord, StepCount  # noqa: E402

AS_OF = datetime(2026, 12, 20, 9, tzinfo=UTC)
SURVEY = package.SURVEY
STEPS = [("vneid", s) for s in ("register", "request_otp", "otp", "password", "passcode",
                                "activate", "login", "nfc", "police_visit")] + \
        [("payment", s) for s in ("scan", "review", "authorise")]
REPEAT_SHARE = 0.02


def _resident(rng: random.Random, commune: str) -> ResidentRecord:
    year = rng.choice([None, *range(1940, 2010)])
    trained = rng.random() < 0.7
    at = AS_OF - timedelta(seconds=rng.randrange(16 * 7 * 86400)) if trained else None
    survey = {name: rng.random() < 0.6 for name in SURVEY if rng.random() < 0.8}
    return ResidentRecord(rng.randbytes(16), rng.randbytes(16), commune, year,
                          rng.choice(("nam", "nữ", None)),
                          MappingProxyType({"vneid": at} if at else {}), at,
                          MappingProxyType(survey))


def generate(communes: list[tuple[str, str]], per_commune: int, residents: int, seed: int,
             ) -> tuple[list[tuple[str, Ed25519PrivateKey, Payload]], int, int]:
    """(workshop id, key, payload) per workshop; the distinct residents; enrolment rows."""
    rng = random.Random(seed)
    made = []
    distinct = rows = 0
    for code, name in communes:
        earlier: list[ResidentRecord] = []
        for w in range(per_commune):
            people = [_resident(rng, code) for _ in range(residents)]
            repeats = int(residents * REPEAT_SHARE) if earlier else 0
            for i in range(repeats):  # people met before, in this commune
                old = rng.choice(earlier)
                people[i] = ResidentRecord(old.id, old.who, code, old.birth_year, old.sex,
                                           people[i].passed, people[i].trained_at,
                                           people[i].survey)
            distinct += residents - repeats
            rows += residents
            earlier.extend(people[repeats:])
            workshop = f"bench-{code}-{w:02d}"
            steps = tuple(StepCount(lesson, step, rng.randrange(20), rng.randrange(20))
                          for lesson, step in STEPS)
            payload = Payload(workshop, 1, AS_OF, f"{name} {w + 1}", "38", "Thanh Hóa",
                              MappingProxyType({code: name}), 0.8, ("vneid",),
                              ("vneid", "payment"), tuple(people), steps)
            made.append((workshop, Ed25519PrivateKey.generate(), payload))
    return made, distinct, rows


class Sampler(threading.Thread):
    """The PostgreSQL processes' total PSS, every 2 s; keeps the peak."""

    def __init__(self, postmaster: int) -> None:
        super().__init__(daemon=True)
        self.postmaster, self.peak, self.stop = postmaster, 0, threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stop.wait(2):
            total = 0
            try:
                main = psutil.Process(self.postmaster)
                for proc in [main, *main.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += proc.memory_full_info().pss
            except psutil.Error:
                continue
            self.peak = max(self.peak, total)


def _hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def served(url: str, cert: Path, key: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bakhong", "province", "serve", "--db", url, "--cert", str(cert),
         "--key", str(key), "--port", str(port)], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(30)


def _baseline(engine: sa.Engine, made: list[tuple[str, Ed25519PrivateKey, Payload]],
              repeats: int) -> tuple[float, float]:
    """(seconds to COPY the rows, best seconds of the GROUP BY)."""
    columns = ["workshop", "position", "commune_code", "trained_at", "birth_year", *SURVEY]
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE flat (workshop text, position int, commune_code text, "
            "trained_at timestamptz, birth_year smallint, "
            + ", ".join(f"{n} smallint" for n in SURVEY) + ")")
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        t0 = time.perf_counter()
        with cursor.copy(f"COPY flat ({', '.join(columns)}) FROM STDIN") as copy:
            for workshop, _key, payload in made:
                for i, r in enumerate(payload.residents):
                    copy.write_row((workshop, i, r.commune, r.trained_at, r.birth_year,
                                    *(None if n not in r.survey else int(r.survey[n])
                                      for n in SURVEY)))
        raw.commit()
        copy_s = time.perf_counter() - t0
    finally:
        raw.close()
    marks = ", ".join(f"count(*) FILTER (WHERE trained_at <= :m{i}) AS c{i}" for i in range(5))
    survey = ", ".join(f"count({n}), count(*) FILTER (WHERE {n} = 1)" for n in SURVEY)
    query = sa.text(f"SELECT commune_code, count(*), count(trained_at), {marks}, {survey} "
                    "FROM flat GROUP BY commune_code")
    params = {f"m{i}": AS_OF - timedelta(weeks=4 - i) for i in range(5)}
    times = []
    for _ in range(repeats):
        with engine.connect() as conn:
            t0 = time.perf_counter()
            conn.execute(query, params).all()
            times.append(time.perf_counter() - t0)
    return copy_s, min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=166)
    parser.add_argument("--workshops", type=int, default=20, help="per commune")
    parser.add_argument("--residents", type=int, default=200, help="per workshop")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args(argv)

    _name, all_communes = ingest.official_communes("38")
    communes = sorted(all_communes.items())[:args.communes]
    t0 = time.perf_counter()
    made, distinct, rows = generate(communes, args.workshops, args.residents, args.seed)
    pkey = pseudonym.new_key()
    key_id = pseudonym.key_id(pkey)
    bodies = [package.seal(p, k, key_id) for _w, k, p in made]
    print(f"generated {len(bodies)} packages ({rows} enrolments, {distinct} distinct "
          f"residents, {sum(map(len, bodies)) / len(bodies) / 1024:.1f} kB each) in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)

    with pg_support.running_server() as pg, tempfile.TemporaryDirectory() as folder:
        url = pg.create_database("province_bench")
        engine = db.engine(url)
        workshops.init(engine, key_id)
        cert, tls_key = Path(folder) / "c.pem", Path(folder) / "k.pem"
        pem = certs.self_signed(["127.0.0.1"], cert, tls_key)
        port = free_port()
        tokens = {}
        t0 = time.perf_counter()
        for workshop, key, _p in made:
            public = package.public_bytes(key)
            found = workshops.register(engine, {
                "bakhong": "province-key-request", "workshop": workshop,
                "public_key": base64.b64encode(public).decode(),
                "fingerprint": package.fingerprint(public)}, label=workshop,
                url=f"https://127.0.0.1:{port}", certificate=pem, province="Thanh Hóa",
                now=datetime.now(UTC))
            tokens[workshop] = found["token"]
        print(f"registered {len(made)} workshops in {time.perf_counter() - t0:.1f} s",
              flush=True)
        postmaster = int((pg.datadir / "postmaster.pid").read_text().split()[0])
        sampler = Sampler(postmaster)
        sampler.start()
        with served(url, cert, tls_key, port) as server:
            def post(i: int) -> str:
                workshop = made[i][0]
                _status, answer = client.post_package(
                    f"https://127.0.0.1:{port}", bodies[i], tokens[workshop], certificate=pem)
                return str(answer.get("status"))

            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                answers = list(pool.map(post, range(len(bodies))))
            ingest_s = time.perf_counter() - t0
            server_peak = _hwm(server.pid)
        sampler.stop.set()
        sampler.join()
        accepted = answers.count("accepted")
        print(f"ingest: {accepted}/{len(bodies)} accepted in {ingest_s:.1f} s = "
              f"{len(bodies) / ingest_s:.1f} packages/s ({args.clients} clients)", flush=True)

        report_times, sql_times = [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            built = officials.province_report(engine, as_of=AS_OF)
            report_times.append(time.perf_counter() - t0)
            with engine.connect() as conn:
                t0 = time.perf_counter()
                figures.read(conn, AS_OF)
                sql_times.append(time.perf_counter() - t0)
        enrolled = sum(int(r[2]) for r in built.view("xa").rows)
        assert enrolled == distinct, (enrolled, distinct)
        copy_s, group_s = _baseline(engine, made, args.repeats)
        view_best = min(report_times)
        print(f"officials' view: best {view_best:.3f} s, median "
              f"{statistics.median(report_times):.3f} s (SQL alone best {min(sql_times):.3f} s)"
              f"; {len(built.view('xa').rows)} communes, {enrolled} residents counted once")
        print(f"baseline: COPY {rows} rows {copy_s:.1f} s ({rows / copy_s:,.0f} rows/s); "
              f"GROUP BY best {group_s:.3f} s")
        print(f"ratios (ours / baseline): ingest {ingest_s / copy_s:.1f}×, "
              f"view {view_best / group_s:.1f}×")
        print(f"memory: server peak RSS {server_peak / 2**20:.0f} MB; PostgreSQL peak PSS "
              f"{sampler.peak / 2**20:.0f} MB")
        with engine.connect() as conn:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        print(f"database size {int(size or 0) / 2**20:.0f} MB")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
