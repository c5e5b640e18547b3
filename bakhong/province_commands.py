"""``bakhong province …``: the provincial server and its officers' commands.

``bakhong province pseudonym-key --out FILE``
    Makes the province's pseudonym key (on the coordinator's machine, not the server) and
    prints its identifier; trainers install the file with ``bakhong sync --register``.
``bakhong province init --pseudonym-key-id ID``
    Creates (or migrates, Alembic) the provincial database and records the key identifier.
``bakhong province cert --host H [--host H …] --cert FILE --key FILE``
    A self-signed TLS certificate for a test set-up (pinned in every registration).
``bakhong province register REQUEST --label TEXT --url https://… --out FILE [--certificate PEM]``
    Registers a workshop from its ``sync --key-request`` file and writes its registration.
``bakhong province revoke WORKSHOP --reason TEXT``
    Every later package of the workshop is refused.
``bakhong province import FILE [FILE …]``
    Receives packages brought on a USB stick or by message; exit 0 if all were accepted (or
    already held), 1 if any was refused (each reason printed, Vietnamese then English).
``bakhong province serve --cert FILE --key FILE [--host 0.0.0.0] [--port 8443]``
    The HTTPS server the laptops post to (:mod:`bakhong.province.server`).
``bakhong province dashboard [--public] [--host 127.0.0.1] [--port 8869]``
    The officials' Voila dashboard over the province's data.
``bakhong province report [--out FILE.xlsx|.csv|.html|.png] [--public]``
    The same views as files (every format into the current folder without ``--out``).
``bakhong province population FILE``
    Keeps the adults per commune (the report's population file).
``bakhong province workshops`` lists the registrations and their last sync;
``bakhong province rebuild`` derives the current state again from the packages kept.

Every command takes ``--db URL`` (default: ``$BAKHONG_PROVINCE_DB``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["DEFAULT_DASHBOARD_PORT", "DEFAULT_PORT", "add_parser"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()
DEFAULT_PORT, DEFAULT_DASHBOARD_PORT = 8443, 8869


def _engine(args: argparse.Namespace) -> Engine:
    from bakhong.province import db

    return db.engine(args.db)


def _now() -> datetime:
    return datetime.now(UTC)


def _pseudonym_key(args: argparse.Namespace) -> int:
    from bakhong.province import pseudonym

    key = pseudonym.new_key()
    pseudonym.write_key(Path(args.out), key)
    print(f"Khóa bí danh của tỉnh / the province's pseudonym key: {args.out}\n"
          f"Mã khóa / key id: {pseudonym.key_id(key)}  (bakhong province init "
          f"--pseudonym-key-id {pseudonym.key_id(key)})\n"
          f"Giữ tệp này ngoài máy chủ của tỉnh; trao cho người hướng dẫn cùng tệp đăng ký. / "
          f"Keep it off the province's server; give it to trainers with their registration.")
    return 0


def _init(args: argparse.Namespace) -> int:
    from bakhong.province import workshops

    revision = workshops.init(_engine(args), args.pseudonym_key_id)
    print(f"Cơ sở dữ liệu của tỉnh sẵn sàng / the province's database is ready "
          f"(schema {revision}, khóa bí danh / pseudonym key {args.pseudonym_key_id})")
    return 0


def _cert(args: argparse.Namespace) -> int:
    from bakhong.province import certs

    pem = certs.self_signed(args.host, Path(args.cert), Path(args.key))
    print(f"Chứng chỉ tự ký / self-signed certificate: {args.cert} (SHA-256 "
          f"{certs.der_sha256(pem)}); khóa / key: {args.key}")
    return 0


def _register(args: argparse.Namespace) -> int:
    from bakhong.province import workshops

    request = json.loads(Path(args.request).read_text(encoding="utf-8"))
    certificate = Path(args.certificate).read_text(encoding="ascii") if args.certificate \
        else None
    found = workshops.register(_engine(args), request, label=args.label, url=args.url,
                               certificate=certificate, province=args.province, now=_now())
    out = Path(args.out)
    out.touch(mode=0o600)
    out.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Đã đăng ký lớp / workshop registered: {found['label']} ({found['workshop']}). "
          f"Tệp đăng ký (có mã bí mật) / registration file (holds a secret token): {out}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from bakhong.province import workshops

    workshops.revoke(_engine(args), args.workshop, reason=args.reason, now=_now())
    print(f"Đã thu hồi / revoked: {args.workshop}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from bakhong.province import ingest

    engine = _engine(args)
    refused = 0
    for name in args.files:
        verdict = ingest.receive(engine, Path(name).read_bytes(), via=ingest.FILE, now=_now())
        refused += not verdict.ok
        print(f"{name}: {verdict.text()}", file=sys.stdout if verdict.ok else sys.stderr)
    return 1 if refused else 0


def _serve(args: argparse.Namespace) -> int:
    import logging

    from bakhong.province import server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    print(f"Máy chủ của tỉnh / province server: https://{args.host}:{args.port}/", flush=True)
    server.serve(_engine(args), host=args.host, port=args.port, cert=Path(args.cert),
                 key=Path(args.key), workers=args.workers)
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    from bakhong.province import db
    from bakhong.report_commands import serve_page

    serve_page({"db": db.engine_url(args.db), "public": args.public}, public=args.public,
               host=args.host, port=args.port, module="bakhong.province.dashboard",
               title=("Phổ cập kỹ năng số toàn tỉnh", "Digital skills across the province"))
    return 0


def _report(args: argparse.Namespace) -> int:
    from bakhong.grading import report_output
    from bakhong.province import officials

    built = officials.province_report(_engine(args), public=args.public)
    written = officials.write(built, Path(args.out) if args.out else None, Path("."))
    print("Đã ghi các tệp / files written:")
    print(report_output.paths_text(written))
    return 0


def _population(args: argparse.Namespace) -> int:
    from bakhong.grading import report
    from bakhong.province import officials

    try:
        adults = report.read_population(Path(args.file))
    except report.PopulationFileError as err:
        print(f"Lỗi / Error: {err}", file=sys.stderr)
        return 2
    kept = officials.set_population(_engine(args), adults)
    print(f"Đã lưu số người trưởng thành của {kept} xã, phường / adults of {kept} communes kept")
    return 0


def _workshops(args: argparse.Namespace) -> int:
    from bakhong.province import figures

    with _engine(args).connect() as conn:
        rows = figures.read_workshops(conn)
    for row in rows:
        state = "thu hồi / revoked" if row.revoked_at else (
            f"gói / package {row.last_seq}, {row.last_received_at:%d/%m/%Y %H:%M}"
            if row.last_received_at else "chưa gửi / never synced")
        print(f"{row.workshop_id}  {row.label}  {row.residents}  {state}")
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    from bakhong.province import ingest

    count = ingest.rebuild(_engine(args))
    print(f"Đã dựng lại từ gói của {count} lớp / rebuilt from {count} workshops' packages")
    return 0


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    text = "Máy chủ và số liệu của tỉnh / the province's server and figures"
    province = commands.add_parser("province", help=text, description=text)
    sub = province.add_subparsers(dest="province_command", required=True)

    def add(name: str, help_text: str, func: object, *, database: bool = True,
            ) -> argparse.ArgumentParser:
        item = sub.add_parser(name, help=help_text, description=help_text)
        item.set_defaults(func=func)
        if database:
            item.add_argument("--db", help="cơ sở dữ liệu PostgreSQL của tỉnh (mặc định: "
                                           "$BAKHONG_PROVINCE_DB) / the province's PostgreSQL "
                                           "database")
        return item

    item = add("pseudonym-key", "Tạo khóa bí danh của tỉnh / make the province's pseudonym "
                                "key", _pseudonym_key, database=False)
    item.add_argument("--out", required=True, help="tệp khóa / key file")
    item = add("init", "Tạo hoặc nâng cấp cơ sở dữ liệu / create or migrate the database",
               _init)
    item.add_argument("--pseudonym-key-id", required=True,
                      help="mã khóa bí danh (pseudonym-key in ra) / the key id")
    item = add("cert", "Chứng chỉ TLS tự ký cho thử nghiệm / a self-signed TLS certificate",
               _cert, database=False)
    item.add_argument("--host", action="append", required=True,
                      help="tên hoặc địa chỉ máy chủ / server name or address")
    item.add_argument("--cert", required=True, help="tệp chứng chỉ / certificate file")
    item.add_argument("--key", required=True, help="tệp khóa / key file")
    item = add("register", "Đăng ký một lớp học / register a workshop", _register)
    item.add_argument("request", help="tệp «sync --key-request» của lớp / the key request")
    item.add_argument("--label", required=True, help="tên lớp cho cán bộ / workshop label")
    item.add_argument("--url", required=True, help="địa chỉ https:// của tỉnh / the "
                                                   "province's https:// address")
    item.add_argument("--certificate", help="chứng chỉ tự ký để ghim / self-signed "
                                            "certificate to pin")
    item.add_argument("--province", default="Thanh Hóa", help="tỉnh / province")
    item.add_argument("--out", required=True, help="tệp đăng ký / registration file")
    item = add("revoke", "Thu hồi đăng ký của lớp / revoke a workshop", _revoke)
    item.add_argument("workshop", help="mã lớp học / workshop id")
    item.add_argument("--reason", default="", help="lý do / reason")
    item = add("import", "Nhập gói từ tệp / import package files", _import)
    item.add_argument("files", nargs="+", metavar="FILE", help="tệp gói / package files")
    item = add("serve", "Mở máy chủ HTTPS của tỉnh / serve the HTTPS endpoint", _serve)
    item.add_argument("--host", default="127.0.0.1", help="địa chỉ / address (127.0.0.1)")
    item.add_argument("--port", type=int, default=DEFAULT_PORT,
                      help=f"cổng / port ({DEFAULT_PORT})")
    item.add_argument("--cert", required=True, help="chứng chỉ TLS / TLS certificate")
    item.add_argument("--key", required=True, help="khóa TLS / TLS key")
    item.add_argument("--workers", type=int, default=4, help="luồng xử lý gói / threads")
    for name, func in (("dashboard", _dashboard), ("report", _report)):
        item = add(name, "Bảng điều khiển cho cán bộ tỉnh / the officials' dashboard"
                   if name == "dashboard" else "Báo cáo toàn tỉnh ra tệp / the province's "
                   "report as files", func)
        item.add_argument("--public", action="store_true",
                          help="bản công khai: ẩn số dưới 5 người / counts under 5 hidden")
        if name == "dashboard":
            item.add_argument("--host", default="127.0.0.1", help="địa chỉ / address")
            item.add_argument("--port", type=int, default=DEFAULT_DASHBOARD_PORT,
                              help=f"cổng / port ({DEFAULT_DASHBOARD_PORT})")
        else:
            item.add_argument("--out", metavar="FILE.xlsx|FILE.csv|FILE.html|FILE.png",
                              help="tệp báo cáo / report file")
    item = add("population", "Số người trưởng thành theo xã / adults per commune",
               _population)
    item.add_argument("file", help=".xlsx hoặc CSV, như báo cáo / .xlsx or CSV, as the report's")
    add("workshops", "Các lớp đã đăng ký / registered workshops", _workshops)
    add("rebuild", "Dựng lại số liệu từ các gói đã nhận / derive the state again", _rebuild)
