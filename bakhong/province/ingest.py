"""Receiving a package: check it whole, keep it, and derive the current state from it.

:func:`receive` is the one way in, online (``via="https"``, with the workshop's token) and
offline (``bakhong province import FILE``, ``via="file"``). In order, a package is refused
(:class:`~.verdicts.Verdict`, the reason in Vietnamese then English) when it is too large,
not a package, cut short, unsigned, from a workshop that is not registered or is revoked,
sent with another workshop's token, not signed by the registered key or changed after
signing, made with another pseudonym key, when its content breaks the format
(:func:`~.package.read_payload`; a commune code not in the province's post-2025 list too),
and, under the writers' lock, when it is older than the newest accepted package of its
workshop (a replay) or numbered like it but different. Checking and decoding happen before
the lock, so several packages are decoded at once while one is applied. Nothing of a
refused package is applied; it is kept in the audit trail with its reason.

The same package received again is ``unchanged`` (noted, nothing applied). A newer one
replaces what its workshop sent before: in one transaction, behind the writers' lock, the
workshop's enrolments and step counts are replaced and the residents they touch are merged
again (:mod:`.merge`): those the workshop's old enrolments belonged to, and those sharing a
pseudonym with its new ones. Everything else stays as it was.

:func:`rebuild` derives the whole current state again from the audit trail (the newest
accepted package of every workshop, revoked ones too, in registration order: a revocation
refuses what comes later, not what was accepted before).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.engine import Connection, Engine
from vietnam_provinces import Province, Ward

from . import db, merge, summaries
from .package import Envelope, Payload, open_envelope, read_payload, verify
from .schema import (
    SURVEY_COLUMNS,
    enrolments,
    packages,
    places,
    residents,
    step_counts,
    workshops,
)
from .verdicts import ACCEPTED, UNCHANGED, Refused, Verdict
from .workshops import pseudonym_key_id, token_hash

__all__ = ["official_communes", "rebuild", "receive"]

HTTPS, FILE, REBUILD = "https", "file", "rebuild"


@functools.cache
def official_communes(province_code: str) -> tuple[str, dict[str, str]]:
    """(province name, {commune code: name}) of the post-2025 list."""
    for item in Province.iter_all():
        if str(item.code.value) == province_code:
            return item.name, {str(w.code.value): w.name
                               for w in Ward.iter_by_province(item.code)}
    return "", {}


def receive(engine: Engine, data: bytes, *, via: str, now: datetime,
            token: str | None = None) -> Verdict:
    """Check and apply one package (see the module's notes); never raises for a bad one."""
    envelope: Envelope | None = None
    try:
        envelope = open_envelope(data)
        with engine.connect() as conn:  # the work that needs no lock: checks, decoding
            _registered(conn, envelope, via=via, token=token)
            conn.rollback()
        payload = read_payload(envelope)
        _check_places(payload)
        with engine.begin() as conn:
            db.lock_writers(conn)
            return _receive(conn, envelope, payload, data, via=via, now=now, token=token)
    except Refused as err:
        workshop = envelope.workshop if envelope else None
        seq = envelope.seq if envelope else None
        _keep_refused(engine, data, envelope, err, via=via, now=now)
        return Verdict.refused(err, workshop, seq)


def _keep_refused(engine: Engine, data: bytes, envelope: Envelope | None, err: Refused, *,
                  via: str, now: datetime) -> None:
    import hashlib

    with engine.begin() as conn:
        conn.execute(packages.insert().values(
            received_at=now, via=via, workshop_id=envelope.workshop if envelope else None,
            seq=envelope.seq if envelope else None, digest=hashlib.sha256(data).digest(),
            size=len(data), status="refused", reason=err.reason.code, params=err.params,
            body=data))


def _registered(conn: Connection, envelope: Envelope, *, via: str, token: str | None,
                ) -> Any:
    """The workshop's row, once the package is known to be its own, signed, current key."""
    found = conn.execute(sa.select(workshops).where(
        workshops.c.workshop_id == envelope.workshop)).first()
    if found is None:
        raise Refused("unregistered", workshop=envelope.workshop)
    if via == HTTPS and (token is None or token_hash(token) != found.token_hash):
        raise Refused("wrong_token", workshop=envelope.workshop)
    if found.revoked_at is not None:
        raise Refused("revoked", workshop=envelope.workshop,
                      when=found.revoked_at.date().isoformat())
    verify(envelope, found.public_key)
    expected = pseudonym_key_id(conn)
    if envelope.header["pseudonym_key"] != expected:
        raise Refused("pseudonym_key", found=envelope.header["pseudonym_key"],
                      expected=expected)
    return found


def _receive(conn: Connection, envelope: Envelope, payload: Payload, data: bytes, *, via: str,
             now: datetime, token: str | None) -> Verdict:
    found = _registered(conn, envelope, via=via, token=token)  # again, under the lock
    seen = conn.execute(sa.select(packages.c.id).where(
        packages.c.digest == envelope.digest, packages.c.status == ACCEPTED)).first()
    if seen is not None:
        conn.execute(packages.insert().values(
            received_at=now, via=via, workshop_id=envelope.workshop, seq=envelope.seq,
            digest=envelope.digest, size=envelope.size, status=UNCHANGED))
        return Verdict(UNCHANGED, envelope.workshop, envelope.seq, residents=found.residents)
    if found.last_seq is not None and envelope.seq < found.last_seq:
        raise Refused("stale", seq=envelope.seq, last=found.last_seq)
    if found.last_seq is not None and envelope.seq == found.last_seq:
        raise Refused("conflict", seq=envelope.seq)
    package_id = conn.execute(packages.insert().values(
        received_at=now, via=via, workshop_id=envelope.workshop, seq=envelope.seq,
        digest=envelope.digest, size=envelope.size, status=ACCEPTED, body=data,
    ).returning(packages.c.id)).scalar_one()
    apply(conn, found.serial, payload)
    conn.execute(workshops.update().where(workshops.c.workshop_id == envelope.workshop).values(
        last_seq=envelope.seq, last_package=package_id, last_created_at=payload.created_at,
        last_received_at=now, residents=len(payload.residents)))
    return Verdict(ACCEPTED, envelope.workshop, envelope.seq, residents=len(payload.residents))


def _check_places(payload: Payload) -> None:
    name, communes = official_communes(payload.province_code)
    if not communes:
        raise Refused("content", field="province.code",
                      why=f"{payload.province_code} is not a province code")
    for code in payload.communes:
        if code not in communes:
            raise Refused("content", field="communes",
                          why=f"{code} is not a post-2025 commune of {name}")


# ------------------------------------------------------------------ the current state


def _enrolment(serial: int, position: int, province: str, item: Any) -> merge.Enrolment:
    return merge.Enrolment((serial, position), item.id, item.who, province, item.commune,
                           item.birth_year, item.sex, item.trained_at, item.passed,
                           item.survey)


def _stored(row: Any) -> merge.Enrolment:
    return merge.Enrolment((row.serial, row.position), bytes(row.p_id), bytes(row.p_who),
                           row.province_code, row.commune_code, row.birth_year, row.sex,
                           row.trained_at, row.passed, row.survey)


def _touched(conn: Connection, workshop: str, payload: Payload) -> set[int]:
    """Residents the workshop's old enrolments belong to, or that share a pseudonym with its
    new ones. The pseudonyms are joined as a table (``unnest``), so PostgreSQL looks each one
    up in its index: ``= ANY($1)`` with a prepared statement's generic plan compares every
    row with every pseudonym."""
    found = {int(r) for r in conn.execute(sa.select(enrolments.c.resident_id).where(
        enrolments.c.workshop_id == workshop)).scalars()}
    for column in ("p_id", "p_who"):
        keys = [getattr(item, "id" if column == "p_id" else "who")
                for item in payload.residents]
        found.update(int(r) for r in conn.execute(sa.text(
            f"SELECT e.resident_id FROM unnest(CAST(:keys AS bytea[])) AS k(key) "
            f"JOIN enrolments e ON e.{column} = k.key"), {"keys": keys}).scalars())
    return found


def _copy(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` with one COPY (psycopg), the fastest way PostgreSQL takes rows."""
    from psycopg.types.json import Jsonb

    if not rows:
        return
    names = list(rows[0])
    cursor = conn.connection.cursor()
    try:
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([Jsonb(v) if isinstance(v, dict) else v
                                for v in (row[n] for n in names)])
    finally:
        cursor.close()


def apply(conn: Connection, serial: int, payload: Payload) -> None:
    """Replace the workshop's part of the current state with ``payload``."""
    workshop = payload.workshop
    touched = sorted(_touched(conn, workshop, payload))
    others = [_stored(row) for row in conn.execute(sa.text(
        "SELECT e.*, w.serial FROM unnest(CAST(:ids AS bigint[])) AS t(id) "
        "JOIN enrolments e ON e.resident_id = t.id "
        "JOIN workshops w ON w.workshop_id = e.workshop_id WHERE e.workshop_id <> :me"),
        {"ids": touched, "me": workshop})]
    mine = [_enrolment(serial, i, payload.province_code, item)
            for i, item in enumerate(payload.residents)]
    found = merge.groups([*others, *mine])
    summaries.add(conn, touched, -1)
    conn.execute(sa.text("DELETE FROM residents r USING unnest(CAST(:ids AS bigint[])) AS t(id) "
                         "WHERE r.resident_id = t.id"), {"ids": touched})
    conn.execute(enrolments.delete().where(enrolments.c.workshop_id == workshop))
    conn.execute(step_counts.delete().where(step_counts.c.workshop_id == workshop))
    new_ids = _resident_ids(conn, len(found))
    owner = {}
    rows = []
    for key, group in zip(new_ids, found, strict=True):
        one = merge.merged(group)
        rows.append({"resident_id": key, "province_code": one.province_code,
                     "commune_code": one.commune_code, "trained_at": one.trained_at,
                     "birth_year": one.birth_year, "sex": one.sex, "passed": list(one.passed),
                     **{name: None if name not in one.survey else int(one.survey[name])
                        for name in SURVEY_COLUMNS}})
        for item in group:
            owner[item.order] = key
    _copy(conn, residents, rows)
    summaries.add(conn, new_ids, 1)
    conn.execute(workshops.update().where(workshops.c.workshop_id == workshop).values(
        core_lessons=list(payload.core_lessons), pass_mark=payload.pass_mark))
    moved = [{"w": w, "p": item.order[1], "r": owner[item.order]}
             for item, w in _workshop_of(conn, others)]
    if moved:
        conn.execute(enrolments.update().where(
            enrolments.c.workshop_id == sa.bindparam("w"),
            enrolments.c.position == sa.bindparam("p")).values(
            resident_id=sa.bindparam("r")), moved)
    _copy(conn, enrolments, [
        {"workshop_id": workshop, "position": item.order[1], "resident_id": owner[item.order],
         "p_id": item.p_id, "p_who": item.p_who, "province_code": item.province_code,
         "commune_code": item.commune_code, "birth_year": item.birth_year, "sex": item.sex,
         "trained_at": item.trained_at,
         "passed": {k: v.isoformat() for k, v in item.passed.items()},  # type: ignore[attr-defined]
         "survey": dict(item.survey)} for item in mine])
    _copy(conn, step_counts, [
        {"workshop_id": workshop, "lesson": s.lesson, "step": s.step,
         "refused": s.refused, "hinted": s.hinted} for s in payload.steps])
    _keep_places(conn, payload)


def _workshop_of(conn: Connection, items: Sequence[merge.Enrolment],
                 ) -> Iterable[tuple[merge.Enrolment, str]]:
    serials = sorted({item.order[0] for item in items})
    if not serials:
        return []
    names = {int(serial): str(name) for serial, name in conn.execute(sa.text(
        "SELECT w.serial, w.workshop_id FROM unnest(CAST(:ids AS bigint[])) AS t(id) "
        "JOIN workshops w ON w.serial = t.id"), {"ids": serials})}
    return [(item, names[item.order[0]]) for item in items]


def _resident_ids(conn: Connection, count: int) -> list[int]:
    if count == 0:
        return []
    return [int(v) for v in conn.execute(
        sa.text("SELECT nextval('resident_ids') FROM generate_series(1, :n)"),
        {"n": count}).scalars()]


def _keep_places(conn: Connection, payload: Payload) -> None:
    province, communes = official_communes(payload.province_code)
    rows = [{"province_code": payload.province_code, "commune_code": code,
             "province": province, "commune": communes[code]} for code in payload.communes]
    if rows:
        statement = pg.insert(places).values(rows)
        conn.execute(statement.on_conflict_do_nothing())


def rebuild(engine: Engine) -> int:
    """Derive the current state again from the audit trail; returns the workshops applied."""
    with engine.begin() as conn:
        db.lock_writers(conn)
        for table in (residents, enrolments, step_counts):
            conn.execute(table.delete())
        summaries.fill(conn)  # empty, as residents are
        chosen = conn.execute(
            sa.select(workshops.c.serial, packages.c.body)
            .join(packages, packages.c.id == workshops.c.last_package)
            .order_by(workshops.c.serial)).all()
        for serial, body in chosen:
            apply(conn, serial, read_payload(open_envelope(bytes(body))))
        return len(chosen)
