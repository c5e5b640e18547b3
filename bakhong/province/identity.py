"""A workshop's identity towards the province, kept on the laptop beside its other keys.

In ``$BAKHONG_HOME/keys`` (:func:`bakhong.grading.keys.home`), readable by the trainer only:

``<workshop>-province.key``
    the workshop's Ed25519 signing key (PKCS#8 PEM), made on first use;
``<workshop>-province.json``
    the registration the province issued (:class:`Registration`): the province's address,
    the workshop's token, the province's certificate when it is self-signed (pinned), the
    workshop's label and the province's pseudonym key identifier;
``<workshop>-pseudonym.key``
    the province's pseudonym key (:mod:`.pseudonym`), from the province's coordinator;
``<workshop>-province-seq``
    the number of the last package made. Numbers only grow: the next is the larger of the
    last one plus one and the current Unix time in seconds, so a laptop restored from a
    backup (which leaves this file out) still numbers above what it sent before.

The first three go into ``bakhong backup``; the last is not needed there.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bakhong.grading import keys
from bakhong.simulators.errors import N_, SandboxError

from .package import fingerprint, public_bytes
from .pseudonym import key_id, read_key

__all__ = ["NotRegistered", "Registration", "RegistrationMismatch", "install",
           "key_request", "next_seq", "pseudonym_key", "registration", "signing_key"]

REQUEST_FORMAT, REGISTRATION_FORMAT = "province-key-request", "province-registration"


class NotRegistered(SandboxError):
    code = "province.not_registered"
    message = N_("Lớp học này chưa đăng ký với tỉnh. Gửi khóa của lớp cho tỉnh (bakhong sync "
                 "LỚP --key-request TỆP), rồi cài tệp đăng ký tỉnh gửi lại (bakhong sync LỚP "
                 "--register TỆP --pseudonym-key TỆP).")


class RegistrationMismatch(SandboxError):
    code = "province.registration_mismatch"
    message = N_("Tệp đăng ký hoặc khóa bí danh không dùng được cho lớp học này: {why}.")


@dataclass(frozen=True)
class Registration:
    workshop: str
    label: str
    url: str
    token: str
    certificate: str | None  # PEM of a self-signed province certificate, pinned
    pseudonym_key_id: str
    province: str


def _folder() -> Path:
    return keys.home() / "keys"


def _path(workshop_id: str, suffix: str) -> Path:
    return _folder() / f"{workshop_id}{suffix}"


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` readable by the owner only, replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    spare = path.with_name(path.name + ".new")
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(spare, path)


def signing_key(workshop_id: str) -> Ed25519PrivateKey:
    """The workshop's signing key, made (and kept) on first use."""
    path = _path(workshop_id, "-province.key")
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise RegistrationMismatch(str(path), why="not an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    _write_private(path, key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return key


def key_request(workshop_id: str) -> dict[str, Any]:
    """What the trainer gives the province to register the workshop: its public key."""
    public = public_bytes(signing_key(workshop_id))
    return {"bakhong": REQUEST_FORMAT, "workshop": workshop_id,
            "public_key": base64.b64encode(public).decode("ascii"),
            "fingerprint": fingerprint(public)}


def install(workshop_id: str, registration_file: Path, pseudonym_key_file: Path,
            ) -> Registration:
    """Keep the province's registration and pseudonym key for this workshop."""
    try:
        data = json.loads(Path(registration_file).read_text(encoding="utf-8"))
        if data.pop("bakhong") != REGISTRATION_FORMAT:
            raise ValueError("not a registration")
        found = Registration(**data)
    except (ValueError, TypeError, KeyError, AttributeError) as err:
        raise RegistrationMismatch(str(registration_file),
                                   why="không phải tệp đăng ký của tỉnh / not a registration "
                                       "file") from err
    if found.workshop != workshop_id:
        raise RegistrationMismatch(str(registration_file),
                                   why=f"tệp dành cho lớp {found.workshop} / it is for "
                                       f"workshop {found.workshop}")
    secret = read_key(Path(pseudonym_key_file))
    if key_id(secret) != found.pseudonym_key_id:
        raise RegistrationMismatch(str(pseudonym_key_file),
                                   why="khóa bí danh không phải khóa tỉnh đã ghi / not the "
                                       "pseudonym key the province recorded")
    signing_key(workshop_id)
    _write_private(_path(workshop_id, "-pseudonym.key"), secret.hex().encode() + b"\n")
    _write_private(_path(workshop_id, "-province.json"),
                   json.dumps({"bakhong": REGISTRATION_FORMAT, **asdict(found)},
                              ensure_ascii=False, indent=1).encode("utf-8"))
    return found


def registration(workshop_id: str) -> Registration:
    path = _path(workshop_id, "-province.json")
    if not path.exists():
        raise NotRegistered(workshop_id)
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("bakhong", None)
    return Registration(**data)


def pseudonym_key(workshop_id: str) -> bytes:
    path = _path(workshop_id, "-pseudonym.key")
    if not path.exists():
        raise NotRegistered(workshop_id)
    return read_key(path)


def last_seq(workshop_id: str) -> int:
    path = _path(workshop_id, "-province-seq")
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return 0


def next_seq(workshop_id: str, now: datetime, *, above: int = 0) -> int:
    """The next package number, kept (see the module's notes); ``above`` the province's."""
    seq = max(last_seq(workshop_id) + 1, int(now.timestamp()), above + 1)
    _write_private(_path(workshop_id, "-province-seq"), f"{seq}\n".encode())
    return seq
