"""``bakhong backup`` and ``bakhong restore``: a workshop moved or kept safe in one file.

``bakhong backup WORKSHOP --out FILE [--passphrase-stdin]``
    Writes the sealed backup (:mod:`bakhong.grading.backup`), safe while ``serve`` runs. The
    passphrase is asked twice (or read from the first line of stdin); it is not kept
    anywhere: without it the backup cannot be opened.
``bakhong restore FILE WORKSHOP [--store-url URL] [--passphrase-stdin]``
    Restores it into a new folder, and the keys into this laptop's ``$BAKHONG_HOME/keys``.

Exit codes: 0 done; 2 an error (a wrong passphrase, a folder in use, a key clash).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

__all__ = ["add_parser", "read_passphrase"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()


def read_passphrase(*, from_stdin: bool, confirm: bool) -> str:
    """The backup passphrase: the first line of stdin, or asked at the terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu sao lưu / backup passphrase: ")
    if confirm and getpass.getpass("Nhập lại / again: ") != first:
        from bakhong.grading.backup import BackupError

        raise BackupError(why="hai lần nhập không giống nhau / the two entries differ")
    return first


def _backup(args: argparse.Namespace) -> int:
    from bakhong.grading import backup

    passphrase = read_passphrase(from_stdin=args.passphrase_stdin, confirm=True)
    manifest = backup.backup(Path(args.workshop), Path(args.out), passphrase)
    print(f"Đã sao lưu / backed up: {args.workshop} → {args.out} "
          f"({len(manifest.files)} tệp / files). Giữ mật khẩu cẩn thận: không có nó thì không "
          f"mở được bản sao lưu. / Keep the passphrase safe: without it the backup cannot be "
          f"opened.")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from bakhong.grading import backup, keys

    passphrase = read_passphrase(from_stdin=args.passphrase_stdin, confirm=False)
    manifest = backup.restore(Path(args.backup), Path(args.workshop), passphrase,
                              store_url=args.store_url)
    print(f"Đã khôi phục / restored: {args.workshop} (lớp học / workshop "
          f"{manifest.workshop_id}, sao lưu lúc / taken {manifest.created_at}); khóa / keys: "
          f"{keys.home() / 'keys'}")
    return 0


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    text = "Sao lưu một lớp học vào một tệp / back a workshop up into one file"
    sub = commands.add_parser("backup", help=text, description=text)
    sub.set_defaults(func=_backup)
    sub.add_argument("workshop", help="thư mục lớp học / workshop folder")
    sub.add_argument("--out", required=True, help="tệp sao lưu / backup file")
    sub.add_argument("--passphrase-stdin", action="store_true",
                     help="đọc mật khẩu sao lưu từ dòng đầu của stdin / read the passphrase "
                          "from the first line of stdin")
    text = "Khôi phục lớp học từ tệp sao lưu / restore a workshop from a backup"
    sub = commands.add_parser("restore", help=text, description=text)
    sub.set_defaults(func=_restore)
    sub.add_argument("backup", help="tệp sao lưu / backup file")
    sub.add_argument("workshop", help="thư mục mới cho lớp học / new workshop folder")
    sub.add_argument("--store-url", default=None,
                     help="kho dữ liệu PostgreSQL (trống) để khôi phục vào, thay cho sandbox.db / "
                          "an empty PostgreSQL store to restore into instead of sandbox.db")
    sub.add_argument("--passphrase-stdin", action="store_true",
                     help="đọc mật khẩu sao lưu từ dòng đầu của stdin / read the passphrase "
                          "from the first line of stdin")
