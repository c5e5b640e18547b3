"""The trainer's commands: ``bakhong dashboard`` and ``bakhong trainer-password``.

``bakhong dashboard WORKSHOP [--host 127.0.0.1] [--port 8867]``
    Serves the trainer's dashboard (:func:`bakhong.dashboard.run`) on its own port, beside
    ``bakhong serve``; by default on this laptop only (``--host 0.0.0.0`` to open it to the
    Wi-Fi: the password still guards it). Exits 2 if the workshop has no trainer password.

``bakhong dashboard WORKSHOP --in-jupyterlab``
    On a hub (``docs/hosting.md``): writes the dashboard notebook into the workshop's folder
    and prints its address in the trainer's own JupyterLab, where Voila's server extension
    renders it behind the hub's login (the hub's sign-in is the dashboard's password; no
    port of its own). Run it in JupyterLab's terminal.

``bakhong trainer-password WORKSHOP [--password-stdin]``
    Sets the trainer password (:func:`bakhong.grading.trainer.set_password`): typed twice,
    hidden, or one line read from stdin. At least 8 characters; exits 2 otherwise, or when
    the two do not match.

Help is Vietnamese first, with English after a slash, like the other commands.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

__all__ = ["add_parser"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()


def _workshop_id(root: Path) -> str:
    from bakhong.grading.workshop import open_sandbox

    box = open_sandbox(root)  # refuses a folder that holds no workshop
    try:
        return box.workshop_id
    finally:
        box.close()


def _dashboard(args: argparse.Namespace) -> int:
    from bakhong import dashboard

    if args.in_jupyterlab:
        return _in_jupyterlab(Path(args.workshop))
    dashboard.run(Path(args.workshop), host=args.host, port=args.port)
    return 0


def _in_jupyterlab(root: Path) -> int:
    """The dashboard notebook in the workshop's folder, and where the trainer's JupyterLab
    on the hub renders it with Voila (``/user/<trainer>/voila/render/<path>``)."""
    from urllib.parse import quote

    from bakhong import dashboard

    _workshop_id(root)  # refuses a folder that holds no workshop
    path = dashboard.write_notebook(root.resolve())
    print(f"Đã ghi bảng theo dõi / dashboard notebook written: {path}")
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
    home = Path(os.environ.get("HOME") or Path.home()).resolve()
    if not prefix.startswith("/user/") or not path.is_relative_to(home):
        print("Mở tệp này bằng Voila trong JupyterLab của bạn trên hub / open it with Voila in "
              "your JupyterLab on the hub: …/user/<bạn/you>/voila/render/<đường dẫn/path>")
        return 0
    address = f"{prefix.rstrip('/')}/voila/render/{quote(path.relative_to(home).as_posix())}"
    print(f"Mở / open: {address}")
    print("(sau khi đăng nhập hub / after signing in to the hub)")
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu người hướng dẫn / trainer password: ")
    again = getpass.getpass("Nhập lại / again: ")
    return first if first == again else None


def _trainer_password(args: argparse.Namespace) -> int:
    from bakhong.grading import trainer

    workshop_id = _workshop_id(Path(args.workshop))
    password = _read_password(args.password_stdin)
    if password is None:
        print("Lỗi / Error: hai lần nhập không khớp / the two entries differ", file=sys.stderr)
        return 2
    try:
        path = trainer.set_password(workshop_id, password)
    except ValueError as err:
        print(f"Lỗi / Error: {err}", file=sys.stderr)
        return 2
    print(f"Đã lưu mật khẩu người hướng dẫn / trainer password saved: {path}")
    return 0


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    """Add ``dashboard`` and ``trainer-password`` to the ``bakhong`` command."""
    from bakhong.dashboard import DEFAULT_HOST, DEFAULT_PORT

    help_text = "Bảng theo dõi lớp học cho người hướng dẫn / the trainer's dashboard"
    dash = commands.add_parser("dashboard", help=help_text, description=help_text)
    dash.add_argument("workshop", help="thư mục lớp học / workshop folder")
    dash.add_argument("--host", default=DEFAULT_HOST,
                      help=f"địa chỉ phục vụ / address to serve on (mặc định: {DEFAULT_HOST})")
    dash.add_argument("--port", type=int, default=DEFAULT_PORT,
                      help=f"cổng / port (mặc định: {DEFAULT_PORT})")
    dash.add_argument("--in-jupyterlab", action="store_true",
                      help="trên hub: ghi bảng theo dõi để mở trong JupyterLab của bạn / on a "
                           "hub: write the dashboard to open in your JupyterLab")
    dash.set_defaults(func=_dashboard)
    help_text = "Đặt mật khẩu người hướng dẫn / set the trainer password"
    password = commands.add_parser("trainer-password", help=help_text, description=help_text)
    password.add_argument("workshop", help="thư mục lớp học / workshop folder")
    password.add_argument("--password-stdin", action="store_true",
                          help="đọc một dòng từ stdin / read one line from stdin")
    password.set_defaults(func=_trainer_password)

