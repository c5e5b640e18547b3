"""Files written whole or not at all, and a plain answer when the disk is full or read-only.

Every command that writes a file the trainer keeps (reports, cards, certificates, posters,
the signed sample, ``bakhong.toml``) writes it through :func:`files`: each file goes to a
temporary file in its own folder (``.NAME.<random>.tmp``), and only when every file of the
batch is written are they flushed to the disk (``fsync``) and moved into place
(``os.replace``, atomic on one file system), the folders flushed after them. Until then the
old files, if any, are untouched; if anything fails, every temporary file is removed. So a
full disk half-way through a report leaves the folder as it was: no half-written file, no
temporary file.

A full disk (``ENOSPC``, ``EDQUOT``), a read-only disk (``EROFS``) or a folder without the
right to write (``EACCES``, ``EPERM``; on Windows also a file open in Excel) becomes
:class:`CannotWrite`, which names the folder and says what to do, in Vietnamese then
English; ``bakhong``'s front door prints it without a traceback. Any other error is raised
as it is, after the same clean-up.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> with files() as batch:
...     _ = batch.write_text(folder / "a.txt", "một")
...     _ = batch.write_bytes(folder / "b.bin", b"hai")
>>> sorted(p.name for p in folder.iterdir())
['a.txt', 'b.bin']
>>> try:
...     with files() as batch:
...         _ = batch.write_text(folder / "a.txt", "đổi")
...         raise OSError(errno.ENOSPC, "No space left on device")
... except CannotWrite as err:
...     print(err.code, err.errno == errno.ENOSPC, err.folder == folder.absolute())
files.cannot_write True True
>>> (folder / "a.txt").read_text(encoding="utf-8"), sorted(p.name for p in folder.iterdir())
('một', ['a.txt', 'b.bin'])
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bakhong.simulators.errors import N_, SandboxError

__all__ = ["Batch", "CannotWrite", "cannot_write", "files", "write_bytes", "write_text"]

_FULL = ("ổ đĩa đã đầy", "the disk is full")
_QUOTA = ("đã dùng hết hạn mức dung lượng", "the disk quota is used up")
_READ_ONLY = ("ổ đĩa chỉ cho phép đọc", "the disk is read-only")
_DENIED = ("không có quyền ghi vào thư mục này, hoặc tệp đang mở trong chương trình khác "
           "(như Excel)",
           "no permission to write there, or the file is open in another program (such as "
           "Excel)")
_FREE_SPACE = ("Hãy xóa bớt tệp cho ổ đĩa trống hơn, hoặc chọn thư mục trên ổ khác, rồi chạy "
               "lại lệnh",
               "Free some space, or choose a folder on another disk, then run the command again")
_ELSEWHERE = ("Hãy chọn thư mục trên ổ khác, rồi chạy lại lệnh",
              "Choose a folder on another disk, then run the command again")
_CLOSE_OR_ELSEWHERE = ("Hãy đóng tệp nếu nó đang mở, hoặc chọn thư mục khác, rồi chạy lại lệnh",
                       "Close the file if it is open, or choose another folder, then run the "
                       "command again")

REASONS: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {
    errno.ENOSPC: (_FULL, _FREE_SPACE),
    errno.EROFS: (_READ_ONLY, _ELSEWHERE),
    errno.EACCES: (_DENIED, _CLOSE_OR_ELSEWHERE),
    errno.EPERM: (_DENIED, _CLOSE_OR_ELSEWHERE),
}
"""The errors answered with :class:`CannotWrite`: errno → ((reason), (advice)), vi and en."""
if hasattr(errno, "EDQUOT"):  # not on Windows
    REASONS[errno.EDQUOT] = (_QUOTA, _FREE_SPACE)


class CannotWrite(SandboxError):
    """A file could not be written into ``folder``: the disk is full or read-only, or the
    folder cannot be written to. Nothing was left half-written."""

    code = "files.cannot_write"
    message = N_("Không ghi được tệp vào thư mục «{folder}»: {reason}. Không có tệp nào bị ghi "
                 "dở. {advice}. / Cannot write into the folder «{folder}»: {reason_en}. No "
                 "file was left half-written. {advice_en}.")

    def __init__(self, folder: Path | str, error_number: int, detail: str = "") -> None:
        (reason, reason_en), (advice, advice_en) = REASONS[error_number]
        folder = Path(folder).absolute()  # «.» would tell the trainer nothing
        super().__init__(detail, folder=str(folder), reason=reason, reason_en=reason_en,
                         advice=advice, advice_en=advice_en)
        self.folder = folder
        self.errno = error_number


def cannot_write(error: OSError, folder: Path | str | None = None) -> CannotWrite | None:
    """``error`` as :class:`CannotWrite` when it is a full or read-only disk, else ``None``.

    The folder is ``folder``, else the one holding the file the error names.
    """
    if error.errno not in REASONS:
        return None
    if folder is None:
        named = error.filename if isinstance(error.filename, str | os.PathLike) else None
        folder = Path(named).parent if named else Path.cwd()
    return CannotWrite(folder, error.errno, f"{error.strerror or error}")


class Batch:
    """The files of one :func:`files` block: where each is being written, until committed."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []  # (temporary, target)
        self.folder: Path | None = None  # the folder of the last file begun

    def path(self, target: Path | str) -> Path:
        """A new empty temporary file for ``target``, in ``target``'s folder (made if missing).

        Write the file's content there (any library that takes a file name will do); it is
        moved onto ``target`` when the block ends without an error.
        """
        target = Path(target)
        self.folder = target.parent
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        os.close(os.open(temporary, flags, 0o666))  # the umask applies, as for open()
        self._pending.append((temporary, target))
        return temporary

    def write_bytes(self, target: Path | str, data: bytes) -> Path:
        """``data`` as the content of ``target``; returns ``target``."""
        with self.path(target).open("wb") as handle:
            handle.write(data)
        return Path(target)

    def write_text(self, target: Path | str, text: str, encoding: str = "utf-8") -> Path:
        """``text`` as the content of ``target`` (newlines as given); returns ``target``."""
        with self.path(target).open("w", encoding=encoding, newline="") as handle:
            handle.write(text)
        return Path(target)

    def _commit(self) -> None:
        for temporary, _target in self._pending:
            self.folder = temporary.parent
            fd = os.open(temporary, os.O_RDWR | getattr(os, "O_BINARY", 0))
            try:
                os.fsync(fd)  # a full disk may only show here (delayed allocation)
            finally:
                os.close(fd)
        for temporary, target in self._pending:
            self.folder = target.parent
            os.replace(temporary, target)
        for folder in dict.fromkeys(target.parent for _t, target in self._pending):
            _sync_folder(folder)
        self._pending.clear()

    def _discard(self) -> None:
        for temporary, _target in self._pending:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:  # pragma: no cover - the folder vanished or turned read-only
                pass
        self._pending.clear()


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entries (the renames) to the disk; POSIX only, best effort."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot flush a folder; the files are in place
        pass
    finally:
        os.close(fd)


@contextmanager
def files() -> Iterator[Batch]:
    """Write several files together: all of them are in place at the end, or none changed.

    Raises :class:`CannotWrite` for a full or read-only disk (naming the folder of the file
    being written), and whatever else the block raises, after removing the temporary files.
    """
    batch = Batch()
    try:
        yield batch
        batch._commit()
    except OSError as error:
        batch._discard()
        translated = cannot_write(error, _folder_of(error, batch))
        if translated is None:
            raise
        raise translated from error
    except BaseException:
        batch._discard()
        raise


def _folder_of(error: OSError, batch: Batch) -> Path | None:
    """The folder a write error is about: its file's, when it names one of ours."""
    named = error.filename if isinstance(error.filename, str | os.PathLike) else None
    if named is not None:
        for temporary, target in batch._pending:
            if Path(named) in (temporary, target):
                return target.parent
    return batch.folder if batch.folder is not None else (
        Path(named).parent if named is not None else None)


def write_bytes(target: Path | str, data: bytes) -> Path:
    """``target`` holds ``data`` afterwards, or is unchanged; returns ``target``."""
    with files() as batch:
        return batch.write_bytes(target, data)


def write_text(target: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """``target`` holds ``text`` afterwards, or is unchanged; returns ``target``."""
    with files() as batch:
        return batch.write_text(target, text, encoding)
