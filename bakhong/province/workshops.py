"""Registrations: a workshop is registered once, gets a token, and can be revoked.

``bakhong sync WORKSHOP --key-request FILE`` on the laptop writes the workshop's public
signing key (:func:`bakhong.province.identity.key_request`); the province's officer runs
``bakhong province register FILE`` (:func:`register`), which records the key and the label,
issues a token (only its SHA-256 is stored) and writes the registration file the trainer
installs: the province's address, the token, the province's certificate when it is
self-signed (the laptop pins it), and the pseudonym key identifier. A revoked workshop
(:func:`revoke`) has every later package refused, whatever it carries.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bakhong.simulators.errors import N_, SandboxError

from . import db
from .identity import REGISTRATION_FORMAT, REQUEST_FORMAT, Registration
from .package import fingerprint
from .schema import settings, workshops

__all__ = ["AlreadyRegistered", "BadKeyRequest", "PseudonymKeyClash", "UnknownWorkshop",
           "by_token", "init", "pseudonym_key_id", "register", "revoke", "token_hash"]

PSEUDONYM_KEY_ID = "pseudonym_key_id"


class AlreadyRegistered(SandboxError):
    code = "province.already_registered"
    message = N_("Lớp học {workshop} đã đăng ký với tỉnh từ {when}. Một lớp chỉ đăng ký một "
                 "lần; nếu máy bị mất, hãy thu hồi lớp cũ và tạo lớp mới.")


class UnknownWorkshop(SandboxError):
    code = "province.unknown_workshop"
    message = N_("Tỉnh không có lớp học {workshop}.")


class BadKeyRequest(SandboxError):
    code = "province.bad_key_request"
    message = N_("Tệp khóa của lớp học không hợp lệ: {why}.")


class PseudonymKeyClash(SandboxError):
    code = "province.pseudonym_key_clash"
    message = N_("Cơ sở dữ liệu của tỉnh đã ghi khóa bí danh {known}, không phải {given}: đổi "
                 "khóa sẽ đếm mỗi người hai lần.")


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def init(engine: Engine, pseudonym_key: str) -> str:
    """Create or migrate the database and record the pseudonym key identifier."""
    revision = db.migrate(engine)
    with engine.begin() as conn:
        db.lock_writers(conn)
        known = pseudonym_key_id(conn)
        if known is None:
            conn.execute(settings.insert().values(name=PSEUDONYM_KEY_ID, value=pseudonym_key))
        elif known != pseudonym_key:
            raise PseudonymKeyClash(known=known, given=pseudonym_key)
    return revision


def pseudonym_key_id(conn: Connection) -> str | None:
    value = conn.execute(sa.select(settings.c.value)
                         .where(settings.c.name == PSEUDONYM_KEY_ID)).scalar()
    return None if value is None else str(value)


def _public_key(request: dict[str, Any]) -> bytes:
    if request.get("bakhong") != REQUEST_FORMAT or not isinstance(request.get("workshop"), str):
        raise BadKeyRequest(why="không phải tệp «--key-request» / not a key request")
    try:
        public = base64.b64decode(str(request.get("public_key")), validate=True)
    except (binascii.Error, ValueError):
        raise BadKeyRequest(why="khóa công khai hỏng / damaged public key") from None
    if len(public) != 32 or fingerprint(public) != request.get("fingerprint"):
        raise BadKeyRequest(why="khóa và vân tay không khớp / key and fingerprint differ")
    return public


def register(engine: Engine, request: dict[str, Any], *, label: str, url: str,
             certificate: str | None, province: str, now: datetime,
             ) -> dict[str, Any]:
    """Register the workshop of ``request``; returns the registration file's content."""
    public = _public_key(request)
    workshop = str(request["workshop"])
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        db.lock_writers(conn)
        known = conn.execute(sa.select(workshops.c.registered_at)
                             .where(workshops.c.workshop_id == workshop)).scalar()
        if known is not None:
            raise AlreadyRegistered(workshop=workshop, when=known.isoformat())
        key = pseudonym_key_id(conn)
        if key is None:
            raise db.NoDatabase("bakhong province init")
        conn.execute(workshops.insert().values(
            workshop_id=workshop, label=label, public_key=public, token_hash=token_hash(token),
            registered_at=now))
    found = Registration(workshop, label, url, token, certificate, key, province)
    return {"bakhong": REGISTRATION_FORMAT, **asdict(found)}


def revoke(engine: Engine, workshop: str, *, reason: str, now: datetime) -> None:
    with engine.begin() as conn:
        db.lock_writers(conn)
        done = conn.execute(workshops.update().where(workshops.c.workshop_id == workshop)
                            .values(revoked_at=now, revoked_reason=reason))
        if done.rowcount == 0:
            raise UnknownWorkshop(workshop=workshop)


def by_token(conn: Connection, token: str) -> str | None:
    """The workshop a token belongs to (revoked or not), or None."""
    found = conn.execute(sa.select(workshops.c.workshop_id)
                         .where(workshops.c.token_hash == token_hash(token))).scalar()
    return None if found is None else str(found)
