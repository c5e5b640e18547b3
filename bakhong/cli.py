"""The ``bakhong`` command: the front door. Each command is a thin call into the package.

Help is Vietnamese first, with English after a slash.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bakhong.simulators.errors import SandboxError


def _init(args: argparse.Namespace) -> int:
    import dataclasses
    from collections import Counter

    from bakhong.grading import keys, roster, settings, workshop

    root = Path(args.workshop)
    chosen = settings.load(root)
    if args.province:
        chosen = dataclasses.replace(chosen, province=args.province)  # validated again
    password = _trainer_password(args)  # asked before anything is written
    import signal

    # a stopped init (Ctrl-C, SIGTERM) removes what it built: the folder can be used again
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    box, added = workshop.init(root, Path(args.roster), course_settings=chosen,
                               warn=lambda note: print(f"Cảnh báo / Warning: {note}",
                                                       file=sys.stderr),
                               progress=_enrolled)
    shown = _set_trainer_password(box.workshop_id, password)
    box.close()
    print(f"Đã tạo lớp học / workshop created: {root}  ({len(added)} học viên / learners, "
          f"{chosen.province})")
    for commune, count in sorted(Counter(le.commune for le in added).items()):
        print(f"  {commune}: {count}")
    skipped = roster.ignored_columns(Path(args.roster))
    if skipped:
        print(f"Không đọc và không lưu các cột / columns neither read nor stored: "
              f"{', '.join(skipped)}")
    print("\nMã học viên (in lên thẻ) / learner codes (for the cards):")
    for le in added:
        legacy = f"  (cũ / formerly {le.legacy_commune})" if le.legacy_commune else ""
        print(f"  {le.code}  {le.learner_id}  {le.full_name} — {le.commune}{legacy}")
    print(f"\nCài đặt / settings: {settings.settings_path(root)}")
    print(shown)
    print(f"Khóa của lớp học (bằng chứng, mật khẩu người hướng dẫn, giấy chứng nhận) nằm ngoài "
          f"thư mục lớp học, ở {keys.home() / 'keys'}: hãy sao lưu cả hai bằng «bakhong backup "
          f"{root} --out TỆP» (hoặc «bakhong serve {root} --backup-every 30»). / The workshop's "
          f"keys are outside its folder, in {keys.home() / 'keys'}: back both up with «bakhong "
          f"backup {root} --out FILE».")
    print(f"Tiếp theo / next: bakhong serve {root}   "
          f"(http://{chosen.host}:{chosen.port}/)")
    return 0


def _trainer_password(args: argparse.Namespace) -> str | None:
    """The dashboard's password: from stdin (--trainer-password-stdin), asked twice on a
    terminal, or ``None`` (a random one is made and printed)."""
    import getpass

    from bakhong.grading import trainer

    if getattr(args, "trainer_password_stdin", False):
        given = sys.stdin.readline().rstrip("\r\n")
        if len(given) < trainer.MIN_LENGTH:
            raise trainer.PasswordTooShort(length=trainer.MIN_LENGTH)
        return given
    if not sys.stdin.isatty():
        return None
    while True:
        first = getpass.getpass("Mật khẩu người hướng dẫn (bảng theo dõi) / trainer password "
                                f"(at least {trainer.MIN_LENGTH} characters, empty: make one): ")
        if not first:
            return None
        if len(first) < trainer.MIN_LENGTH:
            print(f"Ít nhất {trainer.MIN_LENGTH} ký tự / at least {trainer.MIN_LENGTH} "
                  "characters", file=sys.stderr)
            continue
        if first == getpass.getpass("Nhập lại / again: "):
            return first
        print("Hai lần không giống nhau / they differ", file=sys.stderr)


def _set_trainer_password(workshop_id: str, password: str | None) -> str:
    """Store it hashed (grading.trainer); a made one is printed once, to write down."""
    import secrets

    from bakhong.grading import trainer

    made = password is None
    chosen = password if password is not None else "-".join(
        secrets.token_hex(2) for _ in range(3))
    trainer.set_password(workshop_id, chosen)
    if made:
        return (f"Mật khẩu bảng theo dõi / dashboard password: {chosen}  (ghi lại / write it "
                f"down; đổi / change: bakhong trainer-password WORKSHOP)")
    return "Đã đặt mật khẩu bảng theo dõi / dashboard password set."


def _address(args: argparse.Namespace, root: Path) -> tuple[str, int]:
    """--host/--port, else the workshop's settings."""
    from bakhong.grading import settings

    chosen = settings.load(root)
    return args.host or chosen.host, args.port or chosen.port


def _demo(args: argparse.Namespace) -> int:
    from bakhong import serving
    from bakhong.grading import workshop
    from bakhong.grading.course import LESSONS
    from bakhong.simulators.learners import all_learners

    root = Path(args.workshop)
    if not args.build_only:  # before a minute of building: the class may already be running
        serving.check_port(*_address(args, root))
    if not root.exists():
        _build_demo(root, history=not args.no_history)
    box = workshop.open_sandbox(root)
    first = all_learners(box.store)[0]
    box.close()
    host, port = _address(args, root)
    url = f"http://{host}:{port}"
    print(f"Mở / Open: {url}/  —  học viên mẫu / demo learner {first.full_name}: "
          f"{url}{serving.lesson_url(LESSONS[0], first.code)}", flush=True)
    if args.build_only:
        return 0
    serving.run(root, host=host, port=port, demo_links=True)
    return 0


def _build_demo(root: Path, *, history: bool) -> None:
    """The demo workshop as of now (``grading.demo``), and a dashboard password, printed."""
    import time
    from datetime import datetime

    from bakhong.grading import demo, workshop
    from bakhong.simulators.clock import VN_TZ

    print(f"Đang tạo lớp học mẫu tại {root} … / Building the demo workshop …", flush=True)
    began = time.monotonic()
    built = demo.build(root, now=datetime.now(VN_TZ).replace(microsecond=0), history=history,
                       say=lambda text: print(f"  {text}", flush=True))
    box = workshop.open_sandbox(root)
    print(_set_trainer_password(box.workshop_id, None), flush=True)
    box.close()
    took = time.monotonic() - began
    print(f"Xong sau {took:.0f} giây / built in {took:.0f} s: {built.learners} học viên / "
          f"residents, {built.staged} đã luyện tập bốn tuần / practised over four weeks; "
          f"{built.graded} bài đã chấm / graded, {built.queued} bài chờ chấm khi mở lớp / "
          "left for the grading worker", flush=True)


#: Where ``serve --backup-every`` finds the backup passphrase when not asked for it.
BACKUP_PASSPHRASE_ENV = "BAKHONG_BACKUP_PASSPHRASE"


def _at_least(least: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than ``least``."""
    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(
                f"cần một số nguyên từ {least} trở lên / a whole number from {least} up")
        return value
    return number


def _serve(args: argparse.Namespace) -> int:
    from bakhong import serving

    root = Path(args.workshop)
    host, port = _address(args, root)
    place = None
    if args.hub:  # the spawner's address and prefix; the hub's token kept from the kernels
        place = serving.hub_place()
        serving.forget_the_hub()
        host, port = place.host, place.port
    backups = None
    if args.backup_every:
        from bakhong.backup_commands import read_passphrase
        from bakhong.grading import backup

        passphrase = os.environ.get(BACKUP_PASSPHRASE_ENV) or read_passphrase(
            from_stdin=args.passphrase_stdin, confirm=True)
        if len(passphrase) < backup.MIN_PASSPHRASE:
            raise backup.WeakPassphrase(min=backup.MIN_PASSPHRASE)
        folder = Path(args.backup_dir or root.resolve().parent / f"{root.resolve().name}-sao-luu")
        backups = (folder, passphrase, float(args.backup_every))
        print(f"Sao lưu mỗi {args.backup_every} phút vào / backing up every "
              f"{args.backup_every} min into: {folder}", flush=True)
    serving.run(root, host=host, port=port, backups=backups,
                base_url=place.base_url if place else "/", behind_proxy=place is not None,
                max_kernels=args.max_kernels or serving.MAX_KERNELS,
                pool_size=serving.POOL_SIZE if args.pool_size is None else args.pool_size)
    return 0


def _enrolled(done: int, total: int) -> None:
    _bar(done, total, "học viên đã nhập / learners imported")


def _progress(done: int, total: int) -> None:
    _bar(done, total, "đã chấm / graded")


def _bar(done: int, total: int, what: str) -> None:
    filled = round(30 * done / total) if total else 30
    print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {what}",
          end="" if done < total else "\n", file=sys.stderr, flush=True)


def _grade(args: argparse.Namespace) -> int:
    from bakhong.grading import grader, keys, overrides, results, workshop
    from bakhong.simulators import submissions

    root = Path(args.workshop)
    box = workshop.open_sandbox(root)
    if args.all:  # every lesson a learner ever submitted, graded again from the evidence
        for item in submissions.latest_all(box.store):
            submissions.enqueue(box.store, box.clock, item.learner_id, item.lesson)
    workers = args.workers or grader.default_workers()
    scores = grader.grade_pending(root, box, progress=_progress, workers=workers)
    for score in scores:
        print(f"{score.learner_id}\t{score.lesson}\t{score.score:g}/{score.max_score:g}")
    found = overrides.find(root)  # a trainer's manual scores in formgrader, with reasons
    if found:
        applied, unexplained = overrides.apply(root, box.store, box.clock,
                                               keys.load_key(box.workshop_id), box.workshop_id,
                                               found)
        for grade in overrides.recorded(root):
            if any((o.learner_id, o.lesson) == (grade.learner_id, grade.lesson)
                   for o in applied):
                print(overrides.text(grade))
        for override in unexplained:
            print(overrides.unexplained_text(override, args.workshop), file=sys.stderr)
    failed = [s for s in submissions.latest_all(box.store) if s.status == submissions.FAILED]
    for item in failed:
        print(f"{item.learner_id}\t{item.lesson}\tlỗi chấm / grading failed", file=sys.stderr)
    box.close()
    edited = results.workshop_mismatches(root)
    for mismatch in edited:
        print(mismatch.text(args.workshop), file=sys.stderr)
    return 1 if failed or edited else 0


def _override(args: argparse.Namespace) -> int:
    """A trainer's manual scores in formgrader, recorded with their reason (issue 20)."""
    from bakhong.grading import keys, overrides, workshop

    root = Path(args.workshop)
    if not args.reason.strip():
        print("Lỗi / Error: hãy ghi lý do / give a reason (--reason \"…\")", file=sys.stderr)
        return 2
    box = workshop.open_sandbox(root)
    try:
        done = overrides.explain(root, box.store, box.clock, keys.load_key(box.workshop_id),
                                 box.workshop_id, args.learner, args.lesson, args.reason)
    finally:
        box.close()
    if done is None:
        print(f"Lỗi / Error: không có điểm sửa tay nào của {args.learner[:40]!r}, bài "
              f"{args.lesson[:40]!r} trong sổ điểm: hãy sửa điểm trong formgrader trước "
              f"(bakhong lab) / no manual score of this learner and lesson in the gradebook: "
              f"change it in formgrader first", file=sys.stderr)
        return 2
    grade = next(g for g in overrides.recorded(root)
                 if (g.learner_id, g.lesson) == (done.learner_id, done.lesson))
    print(overrides.text(grade))
    return 0


def _faults(args: argparse.Namespace) -> int:
    from bakhong.card_commands import card_code
    from bakhong.grading import workshop
    from bakhong.simulators import faults, learners

    code = card_code(args.learner) if args.learner else None
    box = workshop.open_sandbox(Path(args.workshop))
    chosen = ([learners.by_code(box.store, code)] if code
              else learners.all_learners(box.store))
    if args.list:
        for fault in faults.CATALOGUE.values():
            armed = [le.code for le in chosen
                     if fault.name in faults.armed(box.store, le.learner_id)]
            print(f"{fault.name}\t{fault.title}\t{', '.join(armed) or '-'}")
        return 0
    for learner in chosen:
        if args.on:
            faults.switch_on(box.store, learner.learner_id, args.on)
        else:
            faults.switch_off(box.store, learner.learner_id, args.off)
    state = "bật / on" if args.on else "tắt / off"
    print(f"{args.on or args.off}: {state} — {len(chosen)} học viên / learner(s)")
    return 0


def _official(args: argparse.Namespace) -> int:
    """The trainer plays the official: list dossiers, or act on one at once."""
    from bakhong.card_commands import card_code
    from bakhong.grading import workshop
    from bakhong.simulators import dossiers, learners

    box = workshop.open_sandbox(Path(args.workshop))
    try:
        codes = {le.learner_id: le.code for le in learners.all_learners(box.store)}
        if args.dossier is None:
            with box.store.engine.connect() as conn:
                found = [dossiers.load(conn, code) for code in dossiers.codes_of(conn)]
            if args.learner:
                wanted = learners.by_code(box.store, card_code(args.learner)).learner_id
                found = [d for d in found if d.learner_id == wanted]
            print("\t".join(("mã hồ sơ / dossier", "học viên / learner", "thủ tục / procedure",
                             "trạng thái / status", "phí / fee")))
            for d in found:
                fee = dossiers.FEE_STATE[d.fee.state] if d.fee else "-"
                print("\t".join((d.code, codes.get(d.learner_id, d.learner_id), d.procedure,
                                 f"{d.status} {d.status_title}", fee)))
            return 0
        if args.action not in dossiers.ACTIONS:
            print(f"Lỗi / Error: hành động / action: {' | '.join(dossiers.ACTIONS)}",
                  file=sys.stderr)
            return 2
        with box.store.engine.connect() as conn:
            owner = dossiers.load(conn, args.dossier).learner_id
        hooks = box.portal(owner).hooks()
        with box.store.transaction() as conn:
            done = dossiers.official_action(conn, box.clock, args.dossier, args.action, hooks,
                                            args.reason or "")
        print(f"{done.code}: {done.status} {done.status_title}")
        return 0
    finally:
        box.close()


def _forget(args: argparse.Namespace) -> int:
    """Forget a learner; «Đã xóa toàn bộ» only when no file of the workshop still holds the
    name, id or card code (exit 1 and the files otherwise)."""
    from bakhong.grading import workshop

    done = workshop.forget(Path(args.workshop), args.learner)
    who = done.learner_id
    for path in done.removed:
        print(f"  đã xóa / removed: {path}")
    for number in done.revoked:
        print(f"  giấy chứng nhận {number} (nếu đã cấp) đã bị thu hồi / certificate {number} "
              "(if issued) is revoked")
    if not done.known:
        print(f"  {who} không còn trong hộp cát (đã xóa trước đó): chỉ tìm theo mã học viên / "
              f"{who} was already gone from the sandbox: searched for by id only")
    if done.name_shared:
        print("  Tên này còn là tên của học viên khác hoặc nhân vật mô phỏng nên không tìm "
              "theo tên / the name is still another learner's or a fictional persona's: not "
              "searched for")
    if done.leftovers:
        print(f"Chưa xóa hết dữ liệu của {who}: các tệp sau vẫn còn tên, mã học viên hoặc mã "
              f"thẻ. Hãy xóa hoặc tạo lại chúng (ví dụ in lại thẻ), rồi kiểm tra lại. / Not all "
              f"data of {who} is removed: these files still hold the name, id or card code; "
              "delete or remake them (reprint the cards, say):", file=sys.stderr)
        for path in done.leftovers:
            print(f"  {path}", file=sys.stderr)
        return 1
    print(f"Đã xóa toàn bộ dữ liệu của {who}. / All data of {who} removed.")
    return 0


def _kernel(args: argparse.Namespace) -> int:
    from bakhong.kernelspec import ensure_installed

    print(ensure_installed())
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="bakhong",
        description="Lớp học kỹ năng số «3 không» / The '3 không' digital-skills course kit.")
    commands = root.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str, func: object) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(func=func)
        return sub

    def address(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--host", help="địa chỉ phục vụ / address to serve on "
                                        "(mặc định: bakhong.toml, 127.0.0.1)")
        sub.add_argument("--port", type=int, help="cổng / port (mặc định: bakhong.toml, 8866)")

    init = add("init", "Tạo lớp học từ danh sách học viên / build a workshop from a roster",
               _init)
    init.add_argument("workshop", help="thư mục lớp học mới / new workshop folder")
    init.add_argument("--roster", required=True,
                      help="danh sách .xlsx hoặc .csv / roster (.xlsx or CSV)")
    init.add_argument("--province", help="tỉnh/thành phố (mặc định: Thanh Hóa) / province")
    init.add_argument("--trainer-password-stdin", action="store_true",
                      help="đọc mật khẩu bảng theo dõi từ stdin / read the dashboard password "
                           "from stdin")
    demo = add("demo", "Tạo lớp học mẫu và mở / build the demo workshop and serve it", _demo)
    demo.add_argument("workshop", nargs="?", default="demo-workshop",
                      help="thư mục lớp học / workshop folder")
    demo.add_argument("--build-only", action="store_true",
                      help="chỉ tạo, không mở / build without serving")
    demo.add_argument("--no-history", action="store_true",
                      help="lớp mẫu chưa ai luyện tập (không có bốn tuần học) / the demo class "
                           "with nobody started (no four weeks of practice)")
    address(demo)
    serve = add("serve", "Mở các bài học cho học viên / serve the lessons to learners", _serve)
    serve.add_argument("workshop", help="thư mục lớp học / workshop folder")
    address(serve)
    serve.add_argument("--hub", action="store_true",
                       help="chạy dưới JupyterHub: địa chỉ và tiền tố đường dẫn do hub cấp "
                            "(docs/hosting.md) / run under JupyterHub: the address and path "
                            "prefix the hub gives")
    serve.add_argument("--max-kernels", type=_at_least(1), metavar="N",
                       help="số trang học viên mở cùng lúc (mặc định 64) / learner pages served "
                            "at once (default 64)")
    serve.add_argument("--pool-size", type=_at_least(0), metavar="N",
                       help="số kernel chuẩn bị sẵn cho mỗi bài (mặc định 4) / preheated kernels "
                            "per lesson (default 4)")
    serve.add_argument("--backup-every", type=float, metavar="PHÚT/MIN", default=0,
                       help="tự sao lưu mỗi chừng ấy phút / back up every so many minutes")
    serve.add_argument("--backup-dir", help="thư mục giữ bản sao lưu (mặc định: bên cạnh "
                                            "thư mục lớp học) / where the backups go")
    serve.add_argument("--passphrase-stdin", action="store_true",
                       help=f"đọc mật khẩu sao lưu từ stdin (hoặc biến {BACKUP_PASSPHRASE_ENV}) "
                            f"/ read the backup passphrase from stdin (or {BACKUP_PASSPHRASE_ENV})")
    grade = add("grade", "Chấm các bài đã nộp / grade submitted lessons", _grade)
    grade.add_argument("workshop", help="thư mục lớp học / workshop folder")
    grade.add_argument("--all", action="store_true",
                       help="chấm lại mọi bài đã nộp, từ bằng chứng / grade every "
                            "lesson ever submitted again, from its evidence")
    grade.add_argument("--workers", type=int, default=0,
                       help="số kernel chấm khởi động sẵn (mặc định: số lõi CPU) / grading "
                            "kernels started ahead (default: one per core)")
    override = add("override", "Ghi lý do cho điểm đã sửa tay trong formgrader / record the "
                   "reason for scores changed by hand in formgrader", _override)
    override.add_argument("workshop", help="thư mục lớp học / workshop folder")
    override.add_argument("learner", help="mã học viên (learner_id) / learner id")
    override.add_argument("lesson", help="bài học / lesson")
    override.add_argument("--reason", required=True,
                          help="lý do sửa điểm / why the score was changed")
    fault = add("faults", "Bật/tắt tình huống lỗi / switch simulator faults", _faults)
    fault.add_argument("workshop", help="thư mục lớp học / workshop folder")
    fault.add_argument("--learner", metavar="CODE",
                       help="mã trên thẻ học viên (mặc định: cả lớp) / learner code (default: all)")
    action = fault.add_mutually_exclusive_group(required=True)
    action.add_argument("--list", action="store_true", help="liệt kê / list the faults")
    action.add_argument("--on", metavar="NAME", help="bật / switch on")
    action.add_argument("--off", metavar="NAME", help="tắt / switch off")
    official = add("official", "Đóng vai cán bộ: xem và xử lý hồ sơ / play the official: "
                               "list dossiers, or act on one", _official)
    official.add_argument("workshop", help="thư mục lớp học / workshop folder")
    official.add_argument("dossier", nargs="?", help="mã hồ sơ / dossier code (bỏ trống: "
                                                       "liệt kê / empty: list)")
    official.add_argument("action", nargs="?",
                          help="receive | supplement | approve | refuse | stop")
    official.add_argument("--reason", help="lý do (bổ sung, từ chối, dừng) / reason")
    official.add_argument("--learner", metavar="CODE",
                          help="chỉ hồ sơ của học viên này / only this learner's dossiers")
    forget = add("forget", "Xóa mọi dữ liệu của một học viên / remove a learner's data", _forget)
    forget.add_argument("workshop", help="thư mục lớp học / workshop folder")
    forget.add_argument("learner", help="mã học viên (learner_id) / learner id")
    add("kernel", "Cài kernel «bakhong» / install the bakhong kernel", _kernel)
    from bakhong import qr_commands

    qr_commands.add_parser(commands)  # bakhong qr encode | decode | poster
    from bakhong import (
        backup_commands,
        card_commands,
        certificate_commands,
        dashboard_commands,
        lab_commands,
        lesson_commands,
        province_commands,
        report_commands,
        sign_commands,
        sync_commands,
    )

    sign_commands.add_parser(commands)  # bakhong sign demo-pdf | verify
    card_commands.add_parser(commands)  # bakhong cards | revoke
    certificate_commands.add_parser(commands)  # bakhong certificate WORKSHOP | verify FILE
    dashboard_commands.add_parser(commands)  # bakhong dashboard | trainer-password
    lab_commands.add_parser(commands)  # bakhong lab WORKSHOP
    report_commands.add_parser(commands)  # bakhong report WORKSHOP... [--out FILE | --serve]
    backup_commands.add_parser(commands)  # bakhong backup | restore
    sync_commands.add_parser(commands)  # bakhong sync WORKSHOP [--out FILE | --register …]
    province_commands.add_parser(commands)  # bakhong province init | serve | import | …
    lesson_commands.add_parser(commands)  # bakhong lesson new | check | release
    return root


def _english(err: SandboxError) -> str | None:
    """The error's English, from the catalogue (None when it has no translation yet)."""
    from bakhong.widgets.i18n import error_text, translator

    text = error_text(err, translator("en"))
    return None if text == error_text(err, translator("vi")) else text


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    before = os.umask(0o077)  # every file a command writes is the trainer's alone
    try:
        code: int = args.func(args)
    except SandboxError as err:
        print(f"Lỗi / Error: {err}", file=sys.stderr)
        english = _english(err)
        if english:
            print(f"  {english}", file=sys.stderr)
        return 2
    except FileNotFoundError as err:
        print(f"Lỗi / Error: không tìm thấy tệp / file not found: {err.filename}", file=sys.stderr)
        return 2
    except OSError as err:  # a full or read-only disk met outside bakhong.atomic's writers
        from bakhong.atomic import cannot_write

        plain = cannot_write(err)
        if plain is None:
            raise
        print(f"Lỗi / Error: {plain}", file=sys.stderr)
        return 2
    finally:
        os.umask(before)  # as it was, for a caller in the same process (tests)
    return code


if __name__ == "__main__":
    sys.exit(main())
