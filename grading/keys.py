"""The evidence key of a workshop, kept outside the course directory.

Keys live in ``$BAKHONG_HOME/keys/<workshop id>.key`` (default: the user's data
directory, e.g. ``~/.local/share/bakhong``), readable by the trainer's account
only. Nothing under the course directory, and so nothing Voila or nbgrader's
release step can publish, holds a key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bakhong.simulators.errors import N_, SandboxError


class MissingKey(SandboxError):
    code = "grading.missing_key"
    message = N_("Không tìm thấy khóa bảo vệ bằng chứng của lớp học này trên máy. Nếu lớp học "
                 "được chuyển từ máy khác, hãy khôi phục từ bản sao lưu: bakhong restore TỆP "
                 "THƯ-MỤC.")


def home() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("BAKHONG_HOME") or user_data_dir("bakhong"))


def key_path(workshop_id: str) -> Path:
    return home() / "keys" / f"{workshop_id}.key"


def create_key(workshop_id: str) -> bytes:
    path = key_path(workshop_id)
    if path.exists():
        return load_key(workshop_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex())
    return key


def load_key(workshop_id: str) -> bytes:
    try:
        return bytes.fromhex(key_path(workshop_id).read_text().strip())
    except (OSError, ValueError) as exc:
        raise MissingKey(str(key_path(workshop_id))) from exc


def forget_key(workshop_id: str) -> None:
    key_path(workshop_id).unlink(missing_ok=True)
