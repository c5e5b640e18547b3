"""A workshop's backup, and its restore on another laptop.

``bakhong backup WORKSHOP --out FILE`` writes one file holding everything a workshop needs to
go on elsewhere: a consistent copy of the sandbox store and of nbgrader's gradebook (taken
while ``serve`` runs: :func:`bakhong.simulators.store.snapshot`, SQLite's online backup
API), the rest of the workshop folder (settings, the course, submissions, certificates,
reports), and the workshop's keys, which live outside the folder
(``$BAKHONG_HOME/keys``: the evidence key, the trainer's password hash, the certificate
issuer's key and certificate, and the workshop's province signing key, registration and
pseudonym key). Live files that are rebuilt on their own are left out (the
grading worker's copies in ``.grading/``, the audio cache, lock files).

The file is encrypted with a passphrase the trainer chooses: scrypt derives a key, and the
archive is sealed with AES-256-GCM in chunks (each chunk's nonce holds its number and
whether it is the last, so a chunk cut off, dropped, reordered or edited is refused). A
wrong passphrase and a damaged file are refused the same way, before anything is written.

``bakhong restore FILE WORKSHOP`` puts the workshop in a new folder (built beside it, then
renamed into place) and the keys into this laptop's ``$BAKHONG_HOME/keys``; a key already
there for the same workshop must be the same one. The store is restored as
``WORKSHOP/sandbox.db`` unless ``store_url`` names another (a PostgreSQL database on a hub,
which must be empty).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import struct
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from bakhong.simulators import store_copies
from bakhong.simulators.clock import Clock, SystemClock
from bakhong.simulators.errors import N_, SandboxError

from . import keys, settings

__all__ = ["BackupError", "Manifest", "WrongPassphrase", "backup", "read_manifest",
           "restore"]

MAGIC = b"BAKHONG-BACKUP-1\n"
CHUNK = 1 << 20
#: scrypt's cost: about 0.1 s and 16 MB on a trainer's laptop, per backup or restore.
SCRYPT = {"n": 1 << 14, "r": 8, "p": 1}
MIN_PASSPHRASE = 8
#: Under the workshop folder, never in a backup: rebuilt on their own.
SKIPPED = (".grading", "audio", ".gradebook.lock", "__pycache__")
#: The workshop's files under ``$BAKHONG_HOME/keys``.
KEY_SUFFIXES = (".key", "-trainer", "-issuer.pem", "-issuer.crt", "-revoked.txt",
                # the workshop's identity towards the province (bakhong.province.identity);
                # its package counter is left out: numbers go on above it anyway
                "-province.key", "-province.json", "-pseudonym.key")
DATABASES = ("sandbox.db", "gradebook.db")


class BackupError(SandboxError):
    code = "backup.error"
    message = N_("Không sao lưu hoặc khôi phục được: {why}")


class WrongPassphrase(BackupError):
    code = "backup.wrong_passphrase"
    message = N_("Mật khẩu sao lưu không đúng, hoặc tệp sao lưu đã bị hỏng hay bị sửa.")


class WeakPassphrase(BackupError):
    code = "backup.weak_passphrase"
    message = N_("Mật khẩu sao lưu cần ít nhất {min} ký tự.")


@dataclass(frozen=True)
class Manifest:
    """What a backup holds: the workshop, when, and a SHA-256 of every file."""

    workshop_id: str
    created_at: str
    kit_version: str
    files: dict[str, str]

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True).encode()


# -- the sealed file -----------------------------------------------------------------------

def _derive(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    import unicodedata

    secret = unicodedata.normalize("NFC", passphrase).encode()
    return hashlib.scrypt(secret, salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **params)


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


def seal_file(source: IO[bytes], target: IO[bytes], passphrase: str) -> None:
    """Encrypt ``source`` into ``target`` (the format in the module's notes)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(passphrase) < MIN_PASSPHRASE:
        raise WeakPassphrase(min=MIN_PASSPHRASE)
    salt, prefix = secrets.token_bytes(16), secrets.token_bytes(7)
    header = json.dumps({"salt": salt.hex(), "prefix": prefix.hex(), "scrypt": SCRYPT,
                         "chunk": CHUNK}).encode()
    cipher = AESGCM(_derive(passphrase, salt, SCRYPT))
    target.write(MAGIC + struct.pack(">I", len(header)) + header)
    number, chunk = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        target.write(cipher.encrypt(_nonce(prefix, number, last), chunk, header))
        if last:
            return
        number, chunk = number + 1, following


def open_sealed(source: IO[bytes], target: IO[bytes], passphrase: str) -> None:
    """Decrypt a file made by :func:`seal_file` into ``target``; :class:`WrongPassphrase`
    for a wrong passphrase or any change to the file."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError(why="đây không phải tệp sao lưu của bakhong / not a bakhong backup")
    try:
        (size,) = struct.unpack(">I", source.read(4))
        header = source.read(size)
        fields = json.loads(header)
        params = {k: int(fields["scrypt"][k]) for k in ("n", "r", "p")}
        if params["n"] > 1 << 20 or params["r"] > 32 or params["p"] > 16:
            raise ValueError("scrypt parameters out of range")
        salt, prefix = bytes.fromhex(fields["salt"]), bytes.fromhex(fields["prefix"])
        chunk = int(fields["chunk"])
        if not 0 < chunk <= 16 * CHUNK or len(prefix) != 7:
            raise ValueError("bad chunk size or nonce")
    except (ValueError, KeyError, TypeError, struct.error) as err:
        raise WrongPassphrase(f"header: {err}") from err
    cipher = AESGCM(_derive(passphrase, salt, params))
    number, sealed = 0, source.read(chunk + 16)
    while True:
        following = source.read(chunk + 16)
        last = not following
        try:
            target.write(cipher.decrypt(_nonce(prefix, number, last), sealed, header))
        except InvalidTag as err:
            raise WrongPassphrase(f"chunk {number}") from err
        if last:
            return
        number, sealed = number + 1, following


# -- backup ------------------------------------------------------------------------------

def key_files(workshop_id: str) -> list[Path]:
    """The workshop's files in ``$BAKHONG_HOME/keys`` that exist on this laptop."""
    folder = keys.home() / "keys"
    return [folder / f"{workshop_id}{suffix}" for suffix in KEY_SUFFIXES
            if (folder / f"{workshop_id}{suffix}").is_file()]


def _workshop_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in SKIPPED or path.is_symlink() or not path.is_file():
            continue
        if relative.parts[0].startswith(DATABASES):  # live files: copied by snapshot
            continue
        yield path


def _snapshot_gradebook(root: Path, target: Path) -> None:
    """A consistent SQLite copy of the gradebook, taken while grading may write: SQLite's
    online backup of ``gradebook.db``, or a hosted workshop's PostgreSQL gradebook copied
    table by table in one read (:func:`.course.snapshot_gradebook`)."""
    from . import course

    if not course.gradebook_is_file(root):
        course.snapshot_gradebook(root, target)
        return
    source = sqlite3.connect(f"file:{root / 'gradebook.db'}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(root: Path, out: Path, passphrase: str, *, clock: Clock | None = None) -> Manifest:
    """Write the sealed backup of the workshop at ``root`` to ``out`` (atomically)."""
    from bakhong import __version__

    from .workshop import open_sandbox

    root = Path(root)
    settings.require_workshop(root)
    if len(passphrase) < MIN_PASSPHRASE:
        raise WeakPassphrase(min=MIN_PASSPHRASE)
    box = open_sandbox(root)
    workshop_id = box.workshop_id
    with tempfile.TemporaryDirectory(prefix="bakhong-backup-") as scratch:
        work = Path(scratch)
        try:
            store_copies.snapshot(box.store, work / "sandbox.db")
        finally:
            box.close()
        if (root / "gradebook.db").exists():
            _snapshot_gradebook(root, work / "gradebook.db")
        members: dict[str, Path] = {f"workshop/{p.relative_to(root).as_posix()}": p
                                    for p in _workshop_files(root)}
        for name in DATABASES:
            if (work / name).exists():
                members[f"workshop/{name}"] = work / name
        for path in key_files(workshop_id):
            members[f"keys/{path.name}"] = path
        manifest = Manifest(workshop_id, (clock or SystemClock()).now().isoformat(),
                            __version__, {name: _sha256(path) for name, path in members.items()})
        archive = work / "backup.tar"
        with tarfile.open(archive, "w") as tar:
            info = tarfile.TarInfo("manifest.json")
            data = manifest.to_json()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            for name, path in members.items():
                tar.add(path, arcname=name, recursive=False)
        _write_sealed(archive, Path(out), passphrase)
    return manifest


def _write_sealed(archive: Path, out: Path, passphrase: str) -> None:
    """The sealed archive at ``out``, whole or not at all (:func:`bakhong.atomic.files`:
    a full disk is a plain message naming the folder)."""
    from bakhong import atomic

    with atomic.files() as batch:
        temporary = batch.path(out)
        with archive.open("rb") as source, temporary.open("wb") as target:
            seal_file(source, target, passphrase)
        temporary.chmod(0o600)


# -- restore -----------------------------------------------------------------------------

def _open_archive(archive: Path, passphrase: str, scratch: Path) -> Path:
    plain = scratch / "backup.tar"
    with archive.open("rb") as source, plain.open("wb") as target:
        open_sealed(source, target, passphrase)
    return plain


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    member = tar.extractfile("manifest.json")
    if member is None:
        raise BackupError(why="thiếu manifest.json / no manifest")
    fields: dict[str, Any] = json.loads(member.read())
    return Manifest(**fields)


def _extract(tar: tarfile.TarFile, manifest: Manifest, into: Path) -> None:
    """Every file the manifest names, checked against its hash; nothing else, no links."""
    for name, digest in manifest.files.items():
        parts = Path(name).parts
        if parts[0] not in ("workshop", "keys") or ".." in parts or Path(name).is_absolute():
            raise BackupError(why=f"tên tệp không hợp lệ / bad name in the backup: {name}")
        member = tar.getmember(name)
        if not member.isfile():
            raise BackupError(why=f"không phải tệp / not a file: {name}")
        source = tar.extractfile(member)
        assert source is not None
        path = into / name
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        if _sha256(path) != digest:
            raise BackupError(why=f"tệp bị hỏng / damaged file: {name}")


def _install_keys(found: Path, workshop_id: str) -> list[Path]:
    """Put the backup's keys into this laptop's key folder; a different key already there
    for the same workshop stops the restore (nothing is overwritten)."""
    folder = keys.home() / "keys"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    pending = []
    for path in sorted(found.glob("*")) if found.exists() else []:
        if not path.name.startswith(workshop_id):
            raise BackupError(why=f"khóa lạ trong bản sao lưu / a foreign key: {path.name}")
        target = folder / path.name
        if target.exists():
            if target.read_bytes() != path.read_bytes():
                raise BackupError(why=f"máy này đã có khóa khác cho lớp học này / this laptop "
                                      f"already holds another key for this workshop: {target}")
            continue
        pending.append((path, target))
    for path, target in pending:
        shutil.copyfile(path, target)
        target.chmod(0o600)
    return [target for _path, target in pending]


def restore(archive: Path, root: Path, passphrase: str, *,
            store_url: str | None = None,
            progress: Callable[[str], None] | None = None) -> Manifest:
    """Restore the backup ``archive`` into the new folder ``root`` (see the module's notes)."""
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise BackupError(why=f"thư mục «{root}» đã có dữ liệu; hãy chọn thư mục mới / the "
                              f"folder is not empty")
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".bakhong-restore-", dir=root.parent) as scratch:
        work = Path(scratch)
        plain = _open_archive(Path(archive), passphrase, work)
        with tarfile.open(plain) as tar:
            manifest = read_manifest(tar)
            _extract(tar, manifest, work / "out")
        plain.unlink()
        built = work / "out" / "workshop"
        chosen = settings.load(built)
        if store_url:
            _restore_store(built / "sandbox.db", store_url)
            (built / "sandbox.db").unlink()
        chosen = settings.CourseSettings(**{**chosen.__dict__, "store_url": store_url or ""})
        settings.save(built, chosen)
        installed = _install_keys(work / "out" / "keys", manifest.workshop_id)
        try:
            if root.exists():
                root.rmdir()
            os.replace(built, root)
        except BaseException:
            for path in installed:
                path.unlink(missing_ok=True)
            raise
    if progress:
        progress(f"{len(manifest.files)} tệp / files")
    return manifest


def _restore_store(snapshot: Path, url: str) -> None:
    """Copy a restored SQLite store into the (empty) store at ``url``."""
    if not store_copies.restore(snapshot, url):
        raise BackupError(why=f"kho dữ liệu {url} không trống / the store is not empty")


def stamp(moment: datetime) -> str:
    """A file name's date part: ``2026-12-06-0930``."""
    return moment.strftime("%Y-%m-%d-%H%M")


#: How many of ``serve``'s own backups are kept in their folder.
KEEP = 6


def keep_backing_up(root: Path, folder: Path, passphrase: str, minutes: float,
                    stop: Any, *, clock: Clock | None = None,
                    log: Callable[[str], None] = print) -> None:
    """``serve --backup-every``: a backup into ``folder`` every ``minutes`` until ``stop``
    (a ``threading.Event``) is set, the newest :data:`KEEP` kept. A backup that fails
    (a full disk) is said and tried again at the next turn; serving goes on."""
    clock = clock or SystemClock()
    name = Path(root).resolve().name
    while not stop.wait(minutes * 60):
        out = Path(folder) / f"{name}-{stamp(clock.now())}.bkb"
        try:
            backup(root, out, passphrase, clock=clock)
        except Exception as err:  # the class goes on; the trainer is told
            log(f"Sao lưu không được / backup failed: {err}")
            continue
        log(f"Đã sao lưu / backed up: {out}")
        for old in sorted(Path(folder).glob(f"{name}-*.bkb"))[:-KEEP]:
            old.unlink(missing_ok=True)
