"""A workshop's own variants of a lesson (issue 20, point 6): the commune's note, fee or hours.

A trainer copies one of the course's lessons (:data:`.course.LESSONS`, the *base*) into the
workshop (``bakhong lesson new``), edits it in any editor or JupyterLab, checks it
(``bakhong lesson check``) and releases it into the workshop's course (``bakhong lesson
release``). What a variant may change, and nothing else:

* its **title** (the jupytext header's ``title:``), which the lesson menu shows;
* its **text** (the markdown cells: the commune's office hours, fee, local notes), which the
  page shows in every language (a variant has no English translation of its own);
* **which of the base lesson's graded tasks count, and their points**: graded cells may be
  removed, their ``points`` changed, and their ``grade_id`` renamed.

Its app cell stays exactly the base's (``lesson_app("<base>")``: the function takes no
option), so a resident gets the base lesson's app and evidence; each graded cell stays
exactly the hidden-test form (``assert task_done("<base>", "<task>")`` between nbgrader's
``### BEGIN/END HIDDEN TESTS``), with a task the base lesson's simulator has
(:data:`bakhong.simulators.walkthrough.LESSON_TASKS`). :func:`check` refuses anything else,
naming the cell, without executing anything (``ast``, nbgrader's own validator and its
``ClearSolutions``/``ClearHiddenTests`` on a copy).

The released variants are listed in the workshop (:data:`REGISTRY`, ``variants.json``),
which the course reads (:func:`released`): the lesson server, the page's menu, «Nộp bài»
and the grader. A variant never counts towards "trained" (``core_lessons`` names the
course's own lessons only), so the rule stays the same from commune to commune.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bakhong.simulators.errors import N_, SandboxError

from . import course

if TYPE_CHECKING:
    from bakhong.simulators.desk import VariantEntry

__all__ = ["DRAFTS", "EDIT_MARK", "MAX_BYTES", "MAX_CELLS", "REGISTRY", "ReleasedVariant",
           "Variant", "VariantRefused", "check", "new", "page_entries", "release", "released",
           "titles", "validate_name"]

#: The released variants of a workshop, under its folder.
REGISTRY = "variants.json"
#: Where ``lesson new`` writes the trainer's copies, under the workshop's folder.
DRAFTS = "variants"
#: A variant's name: a short ASCII slug (it names a folder and a page address).
NAME = re.compile(r"[a-z][a-z0-9_]{2,31}")
MAX_BYTES = 256 * 1024
MAX_CELLS = 40
MAX_TITLE = 100
MAX_POINTS = 100
#: The mark ``lesson new`` puts on the parts to change; ``check`` refuses it left in.
EDIT_MARK = "«SỬA"
APP_IMPORT = ("bakhong.widgets.entry", "lesson_app")
TEST_IMPORT = ("bakhong.grading.hidden_tests", "task_done")
BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


class VariantRefused(SandboxError):
    """A lesson variant ``check`` refuses (``bakhong lesson check``: exit code 1)."""

    code = "variant.refused"
    message = N_("Bài này chưa hợp lệ.")


class BadVariantName(VariantRefused):
    code = "variant.bad_name"
    message = N_("Tên bài «{name}» không dùng được: chỉ chữ thường không dấu, chữ số và «_», "
                 "bắt đầu bằng một chữ, từ 3 đến 32 ký tự.")


class NameTaken(VariantRefused):
    code = "variant.name_taken"
    message = N_("«{name}» là tên một bài có sẵn của khóa học: hãy chọn tên khác.")


class UnknownBase(VariantRefused):
    code = "variant.unknown_base"
    message = N_("Không có bài «{base}» trong khóa học. Các bài: {lessons}.")


class DraftExists(VariantRefused):
    code = "variant.draft_exists"
    message = N_("Đã có tệp «{path}»: sửa tệp đó, hoặc xóa nó rồi tạo lại.")


class BadVariantFile(VariantRefused):
    code = "variant.bad_file"
    message = N_("Không đọc được tệp bài học «{path}»: {reason}.")


class TooLarge(VariantRefused):
    code = "variant.too_large"
    message = N_("Tệp bài học quá lớn: {found} (tối đa {limit}).")


class CellRefused(VariantRefused):
    """A refusal about one cell: ``cell`` names it (its number and ``grade_id``)."""

    code = "variant.cell"
    message = N_("Ô {cell}: {reason}")


class CellLogic(CellRefused):
    code = "variant.cell_logic"
    message = N_("Ô {cell}: ô mã chỉ được là ô ứng dụng «lesson_app(\"{base}\")» hoặc ô kiểm "
                 "tra ẩn «assert task_done(...)»; ô này có mã khác ({reason}).")


class GradedWithoutTests(CellRefused):
    code = "variant.graded_without_tests"
    message = N_("Ô {cell}: ô chấm điểm không có mã kiểm tra ẩn (### BEGIN HIDDEN TESTS … "
                 "### END HIDDEN TESTS).")


class HiddenTestsLeak(CellRefused):
    code = "variant.tests_leak"
    message = N_("Ô {cell}: bài phát cho học viên sẽ lộ mã kiểm tra ẩn: {reason}.")


class TaskNameShown(CellRefused):
    code = "variant.task_name_shown"
    message = N_("Ô {cell}: bài phát cho học viên sẽ lộ tên việc «{task}» của mã kiểm tra ẩn: "
                 "đổi grade_id hoặc chữ trong ô.")


class UnknownTask(CellRefused):
    code = "variant.unknown_task"
    message = N_("Ô {cell}: bài gốc «{base}» không có việc «{task}». Các việc: {tasks}.")


class BadMetadata(CellRefused):
    code = "variant.bad_metadata"
    message = N_("Ô {cell}: thông tin chấm điểm (nbgrader) sai: {reason}.")


class Unedited(VariantRefused):
    code = "variant.unedited"
    message = N_("Phần «{part}» vẫn còn dấu «SỬA»: hãy sửa nó (và xóa dấu) trước.")


class BadTitle(VariantRefused):
    code = "variant.bad_title"
    message = N_("Tiêu đề bài (title) phải có, trên một dòng, tối đa {limit} ký tự.")


class CellsFixed(VariantRefused):
    code = "variant.cells_fixed"
    message = N_("Đã có học viên nộp bài «{name}»: khi phát lại chỉ được đổi tiêu đề, chữ và "
                 "điểm, không được thêm, bỏ hay đổi tên ô ({cells}). Muốn vậy, hãy tạo bài "
                 "với tên khác.")


class NoGradedTask(VariantRefused):
    code = "variant.no_task"
    message = N_("Bài không có ô chấm điểm nào: giữ ít nhất một việc của bài gốc.")


@dataclass(frozen=True)
class Variant:
    """A checked variant: its name, base lesson, title, text and graded tasks."""

    name: str
    base: str
    title: str
    text: str
    #: (grade_id, task, points) of each graded cell, in order
    tasks: tuple[tuple[str, str, float], ...]
    notebook: Any  # the nbgrader source notebook (nbformat)


@dataclass(frozen=True)
class ReleasedVariant:
    """A variant as the workshop lists it once released (:data:`REGISTRY`)."""

    name: str
    base: str
    title: str
    text: str
    #: the base lesson's graded tasks it keeps, in its cells' order (none listed: a registry
    #: written before they were, read as all of them)
    tasks: tuple[str, ...] = ()


def validate_name(name: str) -> str:
    """A variant's name, refused unless a short ASCII slug that no course lesson has.

    >>> validate_name("payment_tho_long")
    'payment_tho_long'
    >>> validate_name("../x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bakhong.grading.lesson_variants.BadVariantName: Tên bài «../x» không dùng được: ...
    >>> validate_name("payment")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bakhong.grading.lesson_variants.NameTaken: «payment» là tên một bài có sẵn ...
    """
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise BadVariantName(name=str(name)[:40])
    if name in course.LESSONS or name + ".ipynb" == course.PAGE_NOTEBOOK:
        raise NameTaken(name=name)
    return name


def _base(base: str) -> str:
    if base not in course.LESSONS:
        raise UnknownBase(base=str(base)[:40], lessons=", ".join(course.LESSONS))
    return base


# -- new ---------------------------------------------------------------------------------------

_HEADER_NOTE = (
    "#   # «SỬA» / EDIT: đổi «title» (tên bài trong danh sách bài), đoạn chữ «[markdown]» (giờ\n"
    "#   # làm việc, lệ phí, ghi chú của xã) và, nếu muốn, bỏ ô chấm điểm hoặc đổi «points».\n"
    "#   # Giữ nguyên ô «lesson_app» và các dòng «task_done». Xong: bakhong lesson check TỆP\n"
    "#   # Change the title, the markdown text, and which graded cells count and their points;\n"
    "#   # keep the lesson_app cell and the task_done lines as they are.\n"
)


def new(root: Path, base: str, name: str, *, ipynb: bool = False) -> Path:
    """Copy lesson ``base`` into workshop ``root`` as variant ``name``; returns the file.

    The copy is the base's jupytext text with the parts to change marked «SỬA» (its title,
    a line of local notes after its text), in ``root/variants/<name>.py`` (``.ipynb`` with
    ``ipynb``). An existing file is never overwritten.
    """
    from . import settings

    name, base = validate_name(name), _base(base)
    settings.require_workshop(root)
    text = course.lesson_text(base)
    title = course.lesson_title(base)
    text = text.replace(f'#   title: "{title}"', _HEADER_NOTE
                        + f'#   title: "{EDIT_MARK}: tên bài của xã» {title}"', 1)
    text = _mark_text(text)
    folder = root / DRAFTS
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{name}.{'ipynb' if ipynb else 'py'}"
    if path.exists():
        raise DraftExists(path=str(path))
    if ipynb:
        import jupytext

        text = jupytext.writes(jupytext.reads(text, fmt="py:percent"), fmt="ipynb")
    from bakhong.atomic import write_text

    write_text(path, text)
    return path


def _mark_text(text: str) -> str:
    """The lesson's first markdown cell with a last line to change (the commune's notes)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# %% [markdown]"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("# %%")),
               len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    note = ["#", f"# {EDIT_MARK}: ghi chú của xã — giờ làm việc của bộ phận một cửa, lệ phí, "
                 "địa chỉ; hoặc xóa dòng này»"]
    return "\n".join([*lines[:end], *note, *lines[end:]]) + "\n"


# -- check -------------------------------------------------------------------------------------

def _read(path: Path) -> Any:
    """The notebook in ``path`` (jupytext ``.py`` percent or ``.ipynb``), bounded first."""
    import jupytext
    import nbformat

    if path.suffix not in (".py", ".ipynb"):
        raise BadVariantFile(path=str(path), reason=N_("chỉ nhận tệp .py (jupytext) hoặc .ipynb"))
    try:
        size = path.stat().st_size
    except OSError as err:
        raise BadVariantFile(path=str(path), reason=err.strerror or "OSError") from err
    if size > MAX_BYTES:
        raise TooLarge(found=f"{size} bytes", limit=f"{MAX_BYTES} bytes")
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise TooLarge(found=f"> {MAX_BYTES} bytes", limit=f"{MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadVariantFile(path=str(path), reason=N_("không phải UTF-8")) from err
    if path.suffix == ".py":
        cells = sum(1 for line in text.splitlines() if line.startswith("# %%"))
    else:
        cells = text.count('"cell_type"')
    if cells > MAX_CELLS:
        raise TooLarge(found=f"{cells} ô / cells", limit=f"{MAX_CELLS} ô / cells")
    try:
        if path.suffix == ".py":
            notebook = jupytext.reads(text, fmt="py:percent")
        else:
            notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
            nbformat.validate(notebook)  # type: ignore[no-untyped-call]
    except Exception as err:  # jupytext and nbformat raise many kinds for a broken file
        raise BadVariantFile(path=str(path), reason=type(err).__name__) from err
    if len(notebook.cells) > MAX_CELLS:
        raise TooLarge(found=f"{len(notebook.cells)} ô / cells", limit=f"{MAX_CELLS} ô / cells")
    return notebook


def _cell_name(index: int, cell: Any) -> str:
    grade_id = _nbgrader(cell).get("grade_id")
    return f"{index + 1} ({grade_id})" if isinstance(grade_id, str) and grade_id else \
        f"{index + 1}"


def _nbgrader(cell: Any) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _is_import(node: ast.stmt, module: str, name: str) -> bool:
    return (isinstance(node, ast.ImportFrom) and node.module == module and node.level == 0
            and [(a.name, a.asname) for a in node.names] == [(name, None)])


def _call_args(node: ast.expr, function: str, count: int) -> list[str] | None:
    """The string arguments of ``function("…", …)`` with exactly ``count`` of them."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == function and not node.keywords and len(node.args) == count):
        return None
    values = [arg.value for arg in node.args
              if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    return values if len(values) == count else None


def _parse(source: str) -> list[ast.stmt] | None:
    try:
        return ast.parse(source).body
    except (SyntaxError, ValueError):
        return None


def app_lesson(source: str) -> str | None:
    """The lesson of an app cell (``from bakhong.widgets.entry import lesson_app`` then
    ``lesson_app("<lesson>")``, nothing else), else None.

    >>> app_lesson('from bakhong.widgets.entry import lesson_app\\n\\nlesson_app("vneid")')
    'vneid'
    >>> app_lesson('from bakhong.widgets.entry import lesson_app\\nlesson_app("vneid"); 1')
    """
    body = _parse(source)
    if body is None or len(body) != 2 or not _is_import(body[0], *APP_IMPORT):
        return None
    call = body[1]
    args = _call_args(call.value, "lesson_app", 1) if isinstance(call, ast.Expr) else None
    return args[0] if args else None


def hidden_test(source: str) -> tuple[str, str] | None:
    """(lesson, task) of the hidden test's code (its import and one ``assert task_done``).

    >>> hidden_test('from bakhong.grading.hidden_tests import task_done\\n'
    ...             'assert task_done("payment", "pay_bill")')
    ('payment', 'pay_bill')
    >>> hidden_test('import os\\nassert task_done("payment", "pay_bill")')
    """
    body = _parse(source)
    if body is None or len(body) != 2 or not _is_import(body[0], *TEST_IMPORT):
        return None
    test = body[1]
    if not isinstance(test, ast.Assert) or test.msg is not None:
        return None
    args = _call_args(test.test, "task_done", 2)
    return (args[0], args[1]) if args else None


def _between_markers(source: str) -> str | None:
    """The code between the hidden-test markers when they enclose the whole cell (nothing
    but blank lines outside), else None."""
    lines = source.strip().splitlines()
    if (len(lines) < 2 or lines[0].strip() != BEGIN or lines[-1].strip() != END
            or sum(BEGIN in line for line in lines) != 1
            or sum(END in line for line in lines) != 1):
        return None
    return "\n".join(lines[1:-1])


def _check_code(index: int, cell: Any, base: str | None) -> tuple[str, str] | str | None:
    """One code cell: the app's lesson (a str), a hidden test's (lesson, task), or None for a
    blank cell; refuses anything else."""
    name = _cell_name(index, cell)
    source = str(cell.get("source", ""))
    graded = _nbgrader(cell).get("grade") is True
    shown_base = base or "<bài gốc>"
    if not source.strip():
        if graded:
            raise GradedWithoutTests(cell=name)
        return None
    lesson = app_lesson(source)
    if lesson is not None:
        if graded:
            raise BadMetadata(cell=name, reason=N_("ô ứng dụng không được chấm điểm (grade)"))
        return lesson
    if BEGIN in source or END in source:
        inside = _between_markers(source)
        if inside is None:
            raise HiddenTestsLeak(cell=name, reason=N_("có dòng nằm ngoài ### BEGIN HIDDEN TESTS … "
                                              "### END HIDDEN TESTS"))
        found = hidden_test(inside)
        if found is None:
            raise CellLogic(cell=name, base=shown_base,
                            reason=N_("trong ô kiểm tra ẩn chỉ được có dòng import task_done và "
                                   "một dòng «assert task_done(\"bài\", \"việc\")»"))
        if not graded:
            raise BadMetadata(cell=name, reason=N_("ô kiểm tra ẩn phải là ô chấm điểm "
                                                "(\"grade\": true, có \"points\")"))
        return found
    if hidden_test(source) is not None or "task_done" in source:
        raise HiddenTestsLeak(cell=name, reason=N_(
            "mã kiểm tra không nằm giữa ### BEGIN HIDDEN TESTS và ### END HIDDEN TESTS"))
    if graded:
        raise GradedWithoutTests(cell=name)
    first = source.strip().splitlines()[0][:40]
    raise CellLogic(cell=name, base=shown_base, reason=first)


def _check_metadata(notebook: Any) -> None:
    """nbgrader's own validator, cell by cell, then the grade ids and points."""
    import jsonschema
    from nbgrader.nbgraderformat import (
        MetadataValidator,
        SchemaTooNewError,
        SchemaTooOldError,
        ValidationError,
    )

    validator = MetadataValidator()  # type: ignore[no-untyped-call]
    seen: set[str] = set()
    for index, cell in enumerate(notebook.cells):
        if "nbgrader" not in cell.metadata:
            continue
        name = _cell_name(index, cell)
        meta = cell.metadata["nbgrader"]
        if not isinstance(meta, dict):
            raise BadMetadata(cell=name, reason=N_("nbgrader không phải một bảng (dict)"))
        if meta.get("schema_version") != 3:
            raise BadMetadata(cell=name, reason=N_("schema_version phải là 3"))
        try:
            validator.validate_cell(cell)
        except (ValidationError, SchemaTooOldError, SchemaTooNewError,
                jsonschema.ValidationError, KeyError, TypeError) as err:
            reason = getattr(err, "message", None) or str(err)
            raise BadMetadata(cell=name, reason=str(reason).splitlines()[0][:120]) from err
        if meta.get("solution"):
            raise BadMetadata(cell=name, reason=N_("không ô nào được là ô lời giải (solution)"))
        if meta.get("task"):
            raise BadMetadata(cell=name, reason=N_("không ô nào được là ô nhiệm vụ (task)"))
        if cell.cell_type != "code" and meta.get("grade"):
            raise BadMetadata(cell=name, reason=N_("chỉ ô mã kiểm tra ẩn được chấm điểm"))
        grade_id = meta.get("grade_id")
        if grade_id in seen:
            raise BadMetadata(cell=name, reason=N_("grade_id trùng với một ô trước"))
        if isinstance(grade_id, str):
            seen.add(grade_id)
        if meta.get("grade"):
            points = meta.get("points")
            if (isinstance(points, bool) or not isinstance(points, int | float)
                    or not 0 < points <= MAX_POINTS):
                raise BadMetadata(cell=name, reason=N_("points phải là một số lớn hơn 0, tối "
                                                       "đa 100"))


def check(path: Path) -> Variant:
    """The variant in ``path``, or a refusal naming the cell and the reason (nothing run)."""
    path = Path(path)
    name = validate_name(path.stem)
    notebook = _read(path)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type not in ("code", "markdown"):
            raise CellLogic(cell=_cell_name(index, cell), base="<bài gốc>",
                            reason=f"ô loại {str(cell.cell_type)[:10]}")
    _check_metadata(notebook)
    base: str | None = None
    tasks: list[tuple[str, str, float]] = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        found = _check_code(index, cell, base)
        if isinstance(found, str):
            if base is not None:
                raise CellLogic(cell=_cell_name(index, cell), base=base,
                                reason=N_("chỉ được có một ô ứng dụng"))
            if any(c.cell_type == "code" and str(c.source).strip()
                   for c in notebook.cells[:index]):
                raise CellLogic(cell=_cell_name(index, cell), base=found,
                                reason=N_("ô ứng dụng phải là ô mã đầu tiên"))
            base = found
            if base not in course.LESSONS:
                raise UnknownBase(base=base[:40], lessons=", ".join(course.LESSONS))
        elif found is not None:
            cell_name = _cell_name(index, cell)
            if base is None:
                raise CellLogic(cell=cell_name, base="<bài gốc>",
                                reason=N_("ô ứng dụng phải là ô mã đầu tiên"))
            _check_task(cell_name, base, found, [t for _, t, _ in tasks])
            meta = _nbgrader(cell)
            tasks.append((str(meta["grade_id"]), found[1], float(meta["points"])))
    if base is None:
        raise CellLogic(cell="1", base="<bài gốc>",
                        reason=N_("không có ô ứng dụng «lesson_app(...)»"))
    if not tasks:
        raise NoGradedTask()
    _check_released(notebook, tasks)
    title = notebook.metadata.get("title")
    if not isinstance(title, str) or not title.strip() or "\n" in title \
            or len(title) > MAX_TITLE:
        raise BadTitle(limit=MAX_TITLE)
    if EDIT_MARK in title or "SỬA:" in title:
        raise Unedited(part="title")
    text = "\n\n".join(str(c.source).strip() for c in notebook.cells
                       if c.cell_type == "markdown" and str(c.source).strip())
    if EDIT_MARK in text:
        raise Unedited(part="markdown")
    return Variant(name, base, title.strip(), text, tuple(tasks), _source_notebook(notebook))


def _known_tasks(base: str) -> tuple[str, ...]:
    """The graded tasks of course lesson ``base``, in the order a resident earns them."""
    from bakhong.simulators.walkthrough import LESSON_TASKS

    return LESSON_TASKS[base]


def _check_task(cell: str, base: str, found: tuple[str, str], earlier: list[str]) -> None:
    from bakhong.simulators.attempts import evidence_lesson

    lesson, task = found
    known = _known_tasks(base)
    if lesson != evidence_lesson(base):  # a later part's tests ask for its app's lesson
        raise UnknownTask(cell=cell, base=base, task=f"{lesson[:40]}/{task[:40]}",
                          tasks=", ".join(known))
    if task not in known:
        raise UnknownTask(cell=cell, base=base, task=task[:40], tasks=", ".join(known))
    if task in earlier:
        raise BadMetadata(cell=cell, reason=N_("việc này đã được chấm ở một ô trước"))


def _check_released(notebook: Any, tasks: list[tuple[str, str, float]]) -> None:
    """What a resident's copy shows, made by nbgrader's own preprocessors on a copy: no test
    code, no hidden task name (the grade ids, the text and the title included)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    released = copy.deepcopy(notebook)
    resources: dict[str, Any] = {}
    released, resources = ClearSolutions().preprocess(released, resources)
    released, resources = ClearHiddenTests().preprocess(released, resources)
    words = [re.compile(rf"(?<![A-Za-z0-9_]){re.escape(task)}(?![A-Za-z0-9_])")
             for _, task, _ in tasks]
    title = str(notebook.metadata.get("title", ""))
    for index, cell in enumerate(released.cells):
        shown = str(cell.source) + "\n" + json.dumps(cell.metadata, ensure_ascii=False)
        name = _cell_name(index, notebook.cells[index])
        if "task_done" in shown or "HIDDEN TESTS" in shown:
            raise HiddenTestsLeak(cell=name, reason=N_("mã kiểm tra còn trong bài phát"))
        for (_, task, _), word in zip(tasks, words, strict=True):
            if word.search(shown):
                raise TaskNameShown(cell=name, task=task)
    for _, task, _ in tasks:
        if task in title:
            raise TaskNameShown(cell="title", task=task)


def _source_notebook(notebook: Any) -> Any:
    """The nbgrader source notebook, as :func:`.course.lesson_notebook` makes a lesson's."""
    made = copy.deepcopy(notebook)
    made.metadata["kernelspec"] = {
        "name": course.KERNEL_NAME, "display_name": "bakhong", "language": "python"}
    made.metadata.pop("jupytext", None)
    return made


# -- release -----------------------------------------------------------------------------------

def titles(root: Path) -> dict[str, str]:
    """The titles of the variants released into workshop ``root`` (name → title)."""
    return {name: variant.title for name, variant in released(root).items()}


def released(root: Path) -> dict[str, ReleasedVariant]:
    """The variants released into workshop ``root`` (name → variant), in release order; a
    registry a hand broke is read as far as it holds (each entry checked again)."""
    path = root / REGISTRY
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, ReleasedVariant] = {}
    entries = data.get("variants") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        try:
            base = _base(entry["base"])
            kept = entry.get("tasks", [])
            known = _known_tasks(base)
            variant = ReleasedVariant(validate_name(entry["name"]), base,
                                      str(entry["title"])[:MAX_TITLE], str(entry["text"]),
                                      tuple(t for t in known if t in kept)
                                      if isinstance(kept, list) else ())
        except (SandboxError, KeyError, TypeError):
            continue
        if (root / "release" / variant.name / f"{variant.name}.ipynb").is_file():
            found[variant.name] = variant
    return found


def page_entries(root: Path) -> dict[str, VariantEntry]:
    """What a lesson page is told of the workshop's variants: name -> (base, title, text,
    the graded tasks it keeps)."""
    return {v.name: (v.base, v.title, v.text, v.tasks) for v in released(root).values()}


def release(root: Path, path: Path) -> tuple[Variant, bool]:
    """Check ``path`` and release it into workshop ``root``'s course with nbgrader's API
    (``generate_assignment``, as :func:`.course.build` releases the course's lessons);
    returns the variant and whether it replaced one of the same name."""
    import nbformat

    from bakhong.atomic import write_text

    from . import settings

    variant = check(path)
    settings.require_workshop(root)
    _cells_kept_after_submissions(root, variant)
    before = released(root)
    folder = root / "source" / variant.name
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(variant.notebook, folder / f"{variant.name}.ipynb")  # type: ignore[no-untyped-call]
    with _kept_release(root, variant.name):
        api = course.nbgrader_api(root.resolve())
        course.checked(api.generate_assignment(variant.name, force=True, create=True))
    course.trust_released(root)
    entries = [v.__dict__ for v in before.values() if v.name != variant.name]
    entries.append(ReleasedVariant(variant.name, variant.base, variant.title, variant.text,
                                   tuple(task for _, task, _ in variant.tasks)).__dict__)
    write_text(root / REGISTRY, json.dumps({"version": 1, "variants": entries},
                                           ensure_ascii=False, indent=1))
    return variant, variant.name in before


def _cells_kept_after_submissions(root: Path, variant: Variant) -> None:
    """Once a variant is handed in, nbgrader keeps its cells (``SaveCells``: "Cannot add or
    remove cells … because there are submissions"): refuse such a release before nbgrader
    removes the released copy."""
    from nbgrader.api import Gradebook, MissingEntry

    if not course.has_gradebook(root):
        return
    with Gradebook(course.gradebook_url(root)) as gradebook:
        try:
            notebook = gradebook.find_notebook(variant.name, variant.name)
        except MissingEntry:
            return
        if not notebook.submissions:
            return
        old = {cell.name for cell in notebook.source_cells} | {
            cell.name for cell in notebook.grade_cells}
    new = {str(meta["grade_id"]) for meta in map(_nbgrader, variant.notebook.cells)
           if meta.get("grade_id") and (meta.get("grade") or meta.get("solution")
                                        or meta.get("locked"))}
    if old != new:
        raise CellsFixed(name=variant.name, cells=", ".join(sorted(old ^ new)))


@contextmanager
def _kept_release(root: Path, name: str) -> Iterator[None]:
    """The released copy as it was if nbgrader fails (``force`` removes it first)."""
    import shutil
    import tempfile

    released_dir = root / "release" / name
    if not released_dir.is_dir():
        yield
        return
    with tempfile.TemporaryDirectory(dir=root, prefix=".release-") as kept:
        copy_dir = Path(kept) / name
        shutil.copytree(released_dir, copy_dir)
        try:
            yield
        except BaseException:
            if released_dir.exists():
                shutil.rmtree(released_dir)
            shutil.copytree(copy_dir, released_dir)
            raise
