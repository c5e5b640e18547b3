"""``bakhong lesson new | check | release``: a workshop's own variant of a lesson.

``bakhong lesson new WORKSHOP BASE NAME [--ipynb]``
    Copies lesson BASE into ``WORKSHOP/variants/NAME.py`` (jupytext; ``.ipynb`` with
    ``--ipynb``), the parts to change marked «SỬA» (:mod:`bakhong.grading.lesson_variants`).
``bakhong lesson check FILE``
    Says «Bài hợp lệ» / "Lesson is valid", or names the cell that is refused and why.
``bakhong lesson release WORKSHOP FILE``
    Checks FILE, then releases it into the workshop's course (nbgrader's API); releasing
    the same name again replaces it.

Exit codes: 0 done; 1 the lesson is refused (``check`` and ``release``); 2 another error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bakhong.simulators.errors import SandboxError

__all__ = ["add_parser"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()


def _refused(err: SandboxError) -> int:
    from bakhong.cli import _english

    print(f"Bài chưa hợp lệ / Lesson refused: {err}", file=sys.stderr)
    english = _english(err)
    if english:
        print(f"  {english}", file=sys.stderr)
    return 1


def _new(args: argparse.Namespace) -> int:
    from bakhong.grading import lesson_variants

    root = Path(args.workshop)
    path = lesson_variants.new(root, args.base, args.name, ipynb=args.ipynb)
    print(f"Đã tạo bài «{args.name}» từ bài «{args.base}» / variant created: {path}")
    print("Tiếp theo / next:\n"
          f"  1. Mở tệp và sửa những chỗ có dấu «SỬA»: tên bài (title), đoạn hướng dẫn "
          f"(giờ làm việc, lệ phí, ghi chú của xã); nếu muốn, bỏ ô chấm điểm hoặc đổi điểm "
          f"(points). Giữ nguyên ô lesson_app và các dòng task_done.\n"
          f"     Open the file and change what is marked «SỬA»: the title and the text; "
          f"remove graded cells or change their points if you wish.\n"
          f"  2. bakhong lesson check {path}\n"
          f"  3. bakhong lesson release {root} {path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from bakhong.grading import lesson_variants

    try:
        variant = lesson_variants.check(Path(args.file))
    except lesson_variants.VariantRefused as err:
        return _refused(err)
    print(f"Bài hợp lệ / Lesson is valid: «{variant.title}» ({variant.name}, bài gốc / "
          f"base {variant.base}; {_tasks(variant)})")
    return 0


def _tasks(variant: object) -> str:
    tasks = getattr(variant, "tasks", ())
    points = sum(p for _, _, p in tasks)
    return f"{len(tasks)} việc chấm điểm / graded tasks, {points:g} điểm / points"


def _release(args: argparse.Namespace) -> int:
    from bakhong.grading import lesson_variants

    root = Path(args.workshop)
    try:
        variant, replaced = lesson_variants.release(root, Path(args.file))
    except lesson_variants.VariantRefused as err:
        return _refused(err)
    did = ("Đã thay bài cùng tên / replaced the variant of the same name" if replaced
           else "Đã phát bài / released")
    print(f"{did}: «{variant.title}» ({variant.name}, bài gốc / base {variant.base}; "
          f"{_tasks(variant)})")
    print("Học viên thấy bài này trong danh sách bài khi mở lại trang; bài này không tính vào "
          "«Đã học» (core_lessons). / Residents see it in the lesson menu when they open a "
          "page again; it does not count for 'trained' (core_lessons).")
    return 0


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    text = ("Bài riêng của xã (từ một bài có sẵn): tạo, kiểm tra, phát / a workshop's own "
            "variant of a lesson: make, check, release")
    lesson = commands.add_parser("lesson", help=text, description=text)
    actions = lesson.add_subparsers(dest="action", required=True)

    text = "Chép một bài có sẵn thành bài riêng để sửa / copy a lesson into a variant to edit"
    sub = actions.add_parser("new", help=text, description=text)
    sub.set_defaults(func=_new)
    sub.add_argument("workshop", help="thư mục lớp học / workshop folder")
    sub.add_argument("base", help="bài gốc, ví dụ payment / the base lesson, e.g. payment")
    sub.add_argument("name", help="tên bài riêng: chữ thường không dấu, chữ số, «_», 3–32 ký "
                                  "tự / the variant's name: a-z, 0-9, _, 3-32 characters")
    sub.add_argument("--ipynb", action="store_true",
                     help="tạo tệp .ipynb thay cho .py / write an .ipynb instead of a .py")

    text = "Kiểm tra một bài riêng / check a lesson variant"
    sub = actions.add_parser("check", help=text, description=text)
    sub.set_defaults(func=_check)
    sub.add_argument("file", help="tệp bài riêng (.py hoặc .ipynb) / the variant's file")

    text = "Kiểm tra rồi phát bài riêng cho lớp học / check and release a variant"
    sub = actions.add_parser("release", help=text, description=text)
    sub.set_defaults(func=_release)
    sub.add_argument("workshop", help="thư mục lớp học / workshop folder")
    sub.add_argument("file", help="tệp bài riêng (.py hoặc .ipynb) / the variant's file")
