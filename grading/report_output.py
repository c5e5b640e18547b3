"""The report's files: XLSX, CSV, HTML and PNG charts of one :class:`~.report_model.Report`.

:func:`write` chooses by the extension of ``out``:

``.xlsx``
    one sheet per view (Vietnamese titles and headers, rates as percentages, widths set, the
    header frozen) and a «Ghi chú» sheet with the report's notes (openpyxl).
``.csv``
    UTF-8 with BOM. ``FILE.csv`` is the per-commune view with today's columns first
    (:data:`~.report_views.CSV_HEADER`, same keys and formats, so existing readers keep
    working) and ``gap``, ``per_week``, ``projected`` after them; the other views go to
    sibling files ``FILE-bai-hoc.csv``, ``FILE-buoc-kho.csv`` and ``FILE-chi-so.csv``.
``.html``
    one self-contained Vietnamese page: the tables and every chart as an inline PNG
    (``data:`` URI); no script, no stylesheet or font from elsewhere, no external address.
``.png``
    one chart per view, ``FILE-<view>.png`` (matplotlib's Agg renderer, DejaVu Sans, which
    has every Vietnamese letter).

:func:`default_outputs` writes all of them into a folder, named after the report's date
(``bao-cao-2026-11-28.xlsx``; ``bao-cao-cong-khai-…`` for the public version).
"""

from __future__ import annotations

import base64
import csv
import html
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bakhong import atomic
from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.errors import N_, SandboxError

from .report_model import LABELS, NO_DATA, PUBLIC_TITLE, REPORT_TITLE, Column, Hidden, Report, View
from .report_views import CSV_HEADER

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["UnknownFormat", "chart_png", "csv_cell", "default_outputs", "format_cell",
           "html_page", "html_table", "paths_text", "report_name", "sibling", "write",
           "write_csvs", "write_xlsx"]

RATE_PLACES = 4
FORMATS = (".xlsx", ".csv", ".html", ".png")
Translate = Callable[[str], str]
#: What draws a view: :func:`chart_png`, or another with its signature (the province's).
Chart = Callable[[View, Translate, str], bytes]


class UnknownFormat(SandboxError):
    code = "report.unknown_format"
    message = N_("Không ghi được báo cáo dạng «{suffix}»: hãy chọn tệp .xlsx, .csv, .html "
                 "hoặc .png.")


def _identity(text: str) -> str:
    return text


# ------------------------------------------------------------------ cells as text


def csv_cell(value: object) -> str:
    """A value as the CSV files write it: rates with 4 decimals, booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.{RATE_PLACES}f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _grouped(number: float, places: int, lang: str) -> str:
    text = f"{number:,.{places}f}"
    if lang == "en":
        return text
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")  # 1.234,5


def format_cell(column: Column, value: object, tr: Translate = _identity,
                lang: str = "vi") -> str:
    """A cell as people read it: «66,7 %», «1.250», «28/11/2026», «Đạt» (``tr`` translates)."""
    if isinstance(value, Hidden):
        return value.mark
    if value is None:
        return tr(column.empty) if column.empty else ""
    if isinstance(value, bool):
        return tr(LABELS["true" if value else "false"])
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if column.kind == "rate" and isinstance(value, float | int):
        return _grouped(100 * value, 1, lang) + " %"
    if isinstance(value, float):
        return _grouped(value, 1, lang)
    if isinstance(value, int):
        return _grouped(value, 0, lang)
    return tr(str(value)) if column.kind == "label" else str(value)


def _numeric(column: Column) -> bool:
    return column.kind in ("count", "rate", "number", "date")


# ----------------------------------------------------------------------- charts


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _draw_communes(figure: Figure, view: View, tr: Translate) -> None:
    names = [str(c) for c in view.values("commune")]
    ax = figure.add_subplot()
    y = list(range(len(names)))
    for offset, key, colour in ((-0.2, "rate_population", "#1b7837"),
                                (0.2, "rate_enrolled", "#9ecae1")):
        values = [_number(v) for v in view.values(key)]
        if any(v is not None for v in values):
            ax.barh([i + offset for i, v in zip(y, values, strict=True) if v is not None],
                    [100 * v for v in values if v is not None], height=0.4, color=colour,
                    label=tr(LABELS[key]))
    targets = [t for t in (_number(v) for v in view.values("target")) if t is not None]
    if targets:
        ax.axvline(100 * targets[0], color="#b2182b", linestyle="--",
                   label=tr(LABELS["target"]))
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    figure.legend(loc="outside lower center", ncols=3, fontsize="small")


def _draw_lessons(figure: Figure, view: View, tr: Translate) -> None:
    names = [tr(str(v)).split(":")[0] for v in view.values("lesson")]
    ax = figure.add_subplot()
    x = list(range(len(names)))
    for offset, key, colour in ((-0.2, "pass_rate", "#1b7837"),
                                (0.2, "average_score", "#9ecae1")):
        values = [_number(v) for v in view.values(key)]
        if any(v is not None for v in values):
            ax.bar([i + offset for i, v in zip(x, values, strict=True) if v is not None],
                   [100 * v for v in values if v is not None], width=0.4, color=colour,
                   label=tr(LABELS[key]))
    ax.set_xticks(x, names)
    ax.set_ylim(0, 100)
    ax.set_ylabel("%")
    if ax.get_legend_handles_labels()[0]:  # no lesson graded yet: nothing to label
        figure.legend(loc="outside lower center", ncols=2, fontsize="small")


def _draw_steps(figure: Figure, view: View, tr: Translate) -> None:
    ax = figure.add_subplot()
    labels = [f"{tr(str(lesson)).split(':')[0]} · {tr(str(step))}"
              for lesson, step in zip(view.values("lesson"), view.values("step"), strict=True)]
    counts = view.values("learners")
    y = list(range(len(labels)))
    ax.barh(y, [_number(v) or 0 for v in counts], color="#d6604d")
    for i, value in enumerate(counts):
        if isinstance(value, Hidden):
            ax.text(0, i, f" {value.mark}", va="center")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(tr(LABELS["learners"]))


def _draw_indicators(figure: Figure, view: View, tr: Translate, lang: str) -> None:
    import numpy as np

    places = list(dict.fromkeys(zip(view.values("province"), view.values("commune"),
                                    strict=True)))
    indicators = list(dict.fromkeys(view.values("indicator")))
    grid = np.full((len(places), len(indicators)), np.nan)
    share, meets = view.columns[view.index("share")], view.index("meets")
    ax = figure.add_subplot()
    for row in view.rows:
        i, j = places.index((row[0], row[1])), indicators.index(row[2])
        value = row[view.index("share")]
        if (number := _number(value)) is not None:
            grid[i, j] = number
        text = format_cell(share, value, tr, lang) + (" ✓" if row[meets] is True else "")
        ax.text(j, i, text, ha="center", va="center", fontsize="small")
    ax.imshow(grid, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto", alpha=0.55)
    ax.set_xticks(range(len(indicators)),
                  [_wrap(tr(str(name))) for name in indicators], fontsize="small")
    ax.set_yticks(range(len(places)), [str(commune) for _p, commune in places])


def _wrap(text: str, width: int = 16) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def chart_png(view: View, tr: Translate = _identity, lang: str = "vi") -> bytes:
    """The view's chart as PNG bytes (a «no data» picture for an empty view)."""
    import io

    from matplotlib import rc_context

    rows = max(1, len({(r[0], r[1]) for r in view.rows}) if view.name == "chi-so"
               else len(view.rows))
    tall = view.name in ("xa", "buoc-kho", "chi-so")
    width = 11.0 if view.name == "chi-so" else 9.0
    figure = _figure(width, max(3.0, 0.45 * rows + 1.8) if tall else 4.5)
    with rc_context({"font.family": "DejaVu Sans", "font.size": 10}):
        if not view.rows:
            figure.text(0.5, 0.5, tr(NO_DATA), ha="center", va="center")
        elif view.name == "xa":
            _draw_communes(figure, view, tr)
        elif view.name == "bai-hoc":
            _draw_lessons(figure, view, tr)
        elif view.name == "buoc-kho":
            _draw_steps(figure, view, tr)
        else:
            _draw_indicators(figure, view, tr, lang)
        figure.suptitle(tr(view.title))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --------------------------------------------------------------------- the files


def _title(report: Report) -> str:
    return PUBLIC_TITLE if report.public else REPORT_TITLE


def write_xlsx(report: Report, path: Path) -> None:
    """The XLSX file of ``report`` at ``path``, written whole or not at all."""
    with atomic.files() as batch:
        _xlsx_into(batch, report, path)


def _xlsx_into(batch: atomic.Batch, report: Report, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    formats = {"count": "#,##0", "rate": "0.0%", "date": "dd/mm/yyyy"}
    for view in report.views:
        sheet = book.create_sheet(view.title)
        sheet.append([column.label for column in view.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in view.rows:
            sheet.append([_xlsx_value(column, value) for column, value in
                          zip(view.columns, row, strict=True)])
        for j, column in enumerate(view.columns, start=1):
            letter = get_column_letter(j)
            texts = [format_cell(column, value) for value in view.values(column.key)]
            wide = max([len(t) for t in texts] + [min(len(column.label), 24), 6])
            sheet.column_dimensions[letter].width = min(wide + 2, 60)
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.number_format = formats.get(
                        column.kind, "0.0" if isinstance(cell.value, float) else "#,##0")
                elif isinstance(cell.value, date):
                    cell.number_format = formats["date"]
                if _numeric(column):
                    cell.alignment = Alignment(horizontal="right")
        sheet.freeze_panes = "C2" if view.name in ("xa", "chi-so") else "B2"
        sheet.auto_filter.ref = sheet.dimensions
    notes = book.create_sheet("Ghi chú")
    notes.column_dimensions["A"].width = 120
    for text in (_title(report), *(note.render() for note in report.notes)):
        notes.append([text])
        notes.cell(notes.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    notes["A1"].font = Font(bold=True, size=14)
    book.save(batch.path(path))


def _xlsx_value(column: Column, value: object) -> object:
    if isinstance(value, Hidden):
        return value.mark or None
    if value is None:
        return column.empty or None
    if isinstance(value, bool) or column.kind == "label":
        return format_cell(column, value)
    return value


def _csv_file(batch: atomic.Batch, path: Path, view: View, keys: Sequence[str]) -> None:
    indexes = [view.index(key) for key in keys]
    with batch.path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(keys)
        for row in view.rows:
            writer.writerow([csv_cell(row[i]) for i in indexes])


def sibling(path: Path, view: str, suffix: str) -> Path:
    """``FILE.csv`` → ``FILE-bai-hoc.csv``."""
    return path.with_name(f"{path.stem}-{view}{suffix}")


def write_csvs(report: Report, path: Path) -> list[Path]:
    """``FILE.csv`` and its siblings, written together: all of them, or none changed."""
    with atomic.files() as batch:
        return _csvs_into(batch, report, path)


def _csvs_into(batch: atomic.Batch, report: Report, path: Path) -> list[Path]:
    communes = report.view("xa")
    keys = [*CSV_HEADER, *(c.key for c in communes.columns if c.key not in CSV_HEADER)]
    _csv_file(batch, path, communes, keys)
    written = [path]
    for view in report.views[1:]:
        written.append(sibling(path, view.name, ".csv"))
        _csv_file(batch, written[-1], view, [column.key for column in view.columns])
    return written


def html_table(view: View, tr: Translate = _identity, lang: str = "vi") -> str:
    """The view as an HTML ``<table>`` (no style of its own beyond ``num`` cells)."""
    head = "".join(f'<th scope="col">{html.escape(tr(c.label))}</th>' for c in view.columns)
    body = []
    for row in view.rows:
        cells = "".join(
            f'<td{" class=num" if _numeric(c) else ""}>'
            f"{html.escape(format_cell(c, v, tr, lang))}</td>"
            for c, v in zip(view.columns, row, strict=True))
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(view.columns)}">{html.escape(tr(NO_DATA))}</td></tr>')
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


_STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #bbb;padding:.3em .5em}
th{background:#eef3ee;text-align:left;vertical-align:top}td.num{text-align:right}
img{max-width:100%;height:auto}.note{color:#444;max-width:60em}
"""


def html_page(report: Report, tr: Translate = _identity, lang: str = "vi",
              chart: Chart | None = None) -> str:
    """The whole report as one page: tables, inline PNG charts, notes; nothing fetched."""
    draw = chart or chart_png
    title = html.escape(tr(_title(report)))
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
             '<meta name="viewport" content="width=device-width, initial-scale=1">'
             f"<title>{title}</title><style>{_STYLE}</style></head><body><main>"
             f"<h1>{title}</h1>"]
    parts += [f'<p class="note">{html.escape(note.render(tr))}</p>' for note in report.notes[:3]]
    links = " · ".join(f'<a href="#{v.name}">{html.escape(tr(v.title))}</a>'
                       for v in report.views)
    parts.append(f"<nav>{links}</nav>")
    for view in report.views:
        picture = base64.b64encode(draw(view, tr, lang)).decode("ascii")
        parts.append(f'<section id="{view.name}"><h2>{html.escape(tr(view.title))}</h2>'
                     f'<img alt="{html.escape(tr(view.title))}" '
                     f'src="data:image/png;base64,{picture}">{html_table(view, tr, lang)}')
        parts += [f'<p class="note">{html.escape(n.render(tr))}</p>' for n in view.notes]
        parts.append("</section>")
    parts.append("</main></body></html>\n")
    return "".join(parts)


def write(report: Report, out: Path, *, chart: Chart | None = None) -> list[Path]:
    """Write ``report`` in the format of ``out``'s extension; the files written. ``chart``
    draws the views (default :func:`chart_png`).

    The files (several for CSV and PNG) are written together (:func:`bakhong.atomic.files`):
    all of them, or, on a full or read-only disk, none changed and
    :class:`~bakhong.atomic.CannotWrite` raised.
    """
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise UnknownFormat(str(out), suffix=out.suffix or out.name)
    with atomic.files() as batch:
        return _write_into(batch, report, out, chart or chart_png)


def _write_into(batch: atomic.Batch, report: Report, out: Path, draw: Chart) -> list[Path]:
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        _xlsx_into(batch, report, out)
        return [out]
    if suffix == ".csv":
        return _csvs_into(batch, report, out)
    if suffix == ".html":
        return [batch.write_text(out, html_page(report, chart=draw))]
    return [batch.write_bytes(sibling(out, view.name, ".png"), draw(view, _identity, "vi"))
            for view in report.views]


def report_name(report: Report) -> str:
    """``bao-cao-2026-11-28`` (``bao-cao-cong-khai-…`` for the public version)."""
    day = report.as_of.astimezone(VN_TZ).date().isoformat()
    return f"bao-cao-{'cong-khai-' if report.public else ''}{day}"


def default_outputs(report: Report, folder: Path, *, chart: Chart | None = None,
                    name: str | None = None) -> list[Path]:
    """Every format into ``folder`` (``WORKSHOP/reports``), named after the report's date
    (or ``name``); all the files together, or none (as :func:`write`)."""
    base = Path(folder) / (name or report_name(report))
    written: list[Path] = []
    with atomic.files() as batch:
        for suffix in FORMATS:
            written += _write_into(batch, report, base.with_suffix(suffix), chart or chart_png)
    return written


def paths_text(paths: Iterable[Path]) -> str:
    return "\n".join(f"  {path}" for path in paths)
