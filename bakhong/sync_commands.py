"""``bakhong sync``: a workshop's results to the province, online or as a file.

``bakhong sync WORKSHOP``
    Makes the workshop's package (what it holds: the README's «Gửi kết quả về tỉnh») and
    posts it to the province's address over HTTPS (:mod:`bakhong.province.sync`). Exit 0
    when the province accepted it (or already had it), 1 when it refused it (the reason is
    printed, Vietnamese then English), 2 on an error (not registered, no network: then use
    ``--out``).
``bakhong sync WORKSHOP --out FILE``
    Writes the same package to ``FILE`` (for a USB stick or a message); the province imports
    it with ``bakhong province import FILE``.
``bakhong sync WORKSHOP --key-request FILE``
    Writes the workshop's public signing key for the province to register (made on first
    use, kept in ``$BAKHONG_HOME/keys``).
``bakhong sync WORKSHOP --register FILE --pseudonym-key FILE``
    Installs the registration the province issued and the province's pseudonym key.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["add_parser"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()


def _sync(args: argparse.Namespace) -> int:
    from bakhong.province import identity, sync

    root = Path(args.workshop)
    if args.key_request:
        request = identity.key_request(sync.workshop_id(root))
        Path(args.key_request).write_text(json.dumps(request, indent=1) + "\n",
                                          encoding="utf-8")
        print(f"Đã ghi khóa công khai của lớp / public key written: {args.key_request} "
              f"(vân tay / fingerprint {request['fingerprint']}). Gửi tệp này cho tỉnh để "
              f"đăng ký / send it to the province to register.")
        return 0
    if args.register:
        if not args.pseudonym_key:
            print("Lỗi / Error: cần --pseudonym-key TỆP / --pseudonym-key FILE is needed",
                  file=sys.stderr)
            return 2
        found = identity.install(sync.workshop_id(root), Path(args.register),
                                 Path(args.pseudonym_key))
        print(f"Đã đăng ký với tỉnh / registered with the province: {found.label} → "
              f"{found.url}")
        return 0
    if args.out:
        workshop, seq, data = sync.make_package(root)
        Path(args.out).write_bytes(data)
        print(f"Đã ghi gói số {seq} của lớp {workshop} / package {seq} written: {args.out} "
              f"({len(data)} byte). Tỉnh nhập bằng / the province imports it with: "
              f"bakhong province import {Path(args.out).name}")
        return 0
    status, answer = sync.send(root)
    if answer.get("status") in ("accepted", "unchanged"):
        print(f"Tỉnh đã nhận gói số {answer.get('seq')} ({answer.get('residents')} học viên) / "
              f"the province has package {answer.get('seq')}: {answer.get('status')}")
        return 0
    print(f"Tỉnh không nhận gói (HTTP {status}) / the province refused the package:\n"
          f"{answer.get('message_vi', '')}\n  {answer.get('message_en', '')}", file=sys.stderr)
    return 1


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    text = ("Gửi kết quả của lớp học về tỉnh / send the workshop's results to the province")
    sub = commands.add_parser("sync", help=text, description=text)
    sub.set_defaults(func=_sync)
    sub.add_argument("workshop", help="thư mục lớp học / workshop folder")
    what = sub.add_mutually_exclusive_group()
    what.add_argument("--out", metavar="FILE",
                      help="ghi gói ra tệp thay vì gửi qua mạng / write the package to a file "
                           "instead of posting it")
    what.add_argument("--key-request", metavar="FILE",
                      help="ghi khóa công khai của lớp để tỉnh đăng ký / write the workshop's "
                           "public key for the province to register")
    what.add_argument("--register", metavar="FILE",
                      help="cài tệp đăng ký tỉnh gửi / install the province's registration")
    sub.add_argument("--pseudonym-key", metavar="FILE",
                     help="khóa bí danh của tỉnh (với --register) / the province's pseudonym "
                          "key (with --register)")
