"""Charts of the province's views, PNG, phone-sized; the report's own where the view is.

:func:`chart_png` has the signature of :func:`bakhong.grading.report_output.chart_png` and is
passed to the report's writers and dashboard. A province has 166 communes: a bar per commune
would be a picture 7,000 pixels tall, so ``xa`` becomes the number of communes in each band
of the rate against the target, and ``chi-so`` the province's share per indicator; a view
with at most :data:`FEW` communes is drawn by the report as before. ``xep-hang`` shows the
communes furthest behind, ``tuan`` the weeks, ``bai-hoc`` the lessons, ``buoc-kho`` the steps
(refused and hint), ``lop-hoc`` the workshops silent the longest.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from bakhong.grading import report_output
from bakhong.grading.report_model import LABELS, NO_DATA, Hidden, View
from bakhong.simulators.errors import N_

from .views import PROVINCE_LABELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FEW", "chart_png"]

Translate = Callable[[str], str]
FEW = 30
SHOWN = 15
BANDS = N_("Số xã, phường theo tỷ lệ đạt (trên số người trưởng thành)")
LOWEST = N_("{n} xã, phường thấp nhất")
SILENT = N_("Các lớp lâu chưa gửi nhất (ngày)")
PROVINCE_SHARE = N_("Cả tỉnh")
CHART_STRINGS = (BANDS, LOWEST, SILENT, PROVINCE_SHARE)


def _identity(text: str) -> str:
    return text


def _wrap(text: str, width: int = 24) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _label(key: str) -> str:
    return PROVINCE_LABELS.get(key) or LABELS[key]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _figure(height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _bands(figure: Figure, view: View, tr: Translate) -> None:
    rates = [_number(v) for v in view.values("rate_population")]
    known = [100 * r for r in rates if r is not None]
    ax = figure.add_subplot()
    edges = list(range(0, 101, 10))
    ax.hist([min(r, 100) for r in known], bins=edges, color="#1b7837")
    targets = [t for t in (_number(v) for v in view.values("target")) if t is not None]
    if targets:
        ax.axvline(100 * targets[0], color="#b2182b", linestyle="--", label=tr(LABELS["target"]))
        figure.legend(loc="outside lower center", fontsize="small")
    ax.set_xlabel("%")
    ax.set_title(tr(BANDS), fontsize="small")


def _lowest(figure: Figure, view: View, tr: Translate) -> None:
    rows = [r for r in view.rows if r[view.index("rank")] is not None]
    rows = rows[-SHOWN:][::-1]
    key = "rate_population" if any(_number(r[view.index("rate_population")]) is not None
                                   for r in rows) else "rate_enrolled"
    ax = figure.add_subplot()
    names = [str(r[view.index("commune")]) for r in rows]
    values = [100 * (_number(r[view.index(key)]) or 0) for r in rows]
    ax.barh(range(len(names)), values, color="#d6604d")
    ax.set_yticks(range(len(names)), names, fontsize="small")
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"{tr(_label(key))} (%)", fontsize="small")
    ax.set_title(tr(LOWEST).format(n=len(names)), fontsize="small")


def _weeks(figure: Figure, view: View, tr: Translate) -> None:
    days = [v.strftime("%d/%m") if hasattr(v, "strftime") else "" for v in view.values("week")]
    ax = figure.add_subplot()
    ax.bar(range(len(days)), [_number(v) or 0 for v in view.values("new_trained")],
           color="#9ecae1", label=tr(_label("new_trained")))
    ax.set_xticks(range(len(days)), days, rotation=60, fontsize="x-small")
    total = [_number(v) for v in view.values("cumulative")]
    if any(v is not None for v in total):
        other = ax.twinx()
        other.plot(range(len(days)), [v if v is not None else float("nan") for v in total],
                   color="#1b7837", marker="o", label=tr(_label("cumulative")))
    figure.legend(loc="outside lower center", ncols=2, fontsize="x-small")


def _lessons(figure: Figure, view: View, tr: Translate) -> None:
    names = [tr(str(v)).split(":")[0] for v in view.values("lesson")]
    ax = figure.add_subplot()
    ax.bar(range(len(names)), [100 * (_number(v) or 0) for v in view.values("rate_enrolled")],
           color="#1b7837")
    ax.set_xticks(range(len(names)), names, fontsize="small")
    ax.set_ylim(0, 100)
    ax.set_ylabel("%")


def _steps(figure: Figure, view: View, tr: Translate) -> None:
    labels = [f"{tr(str(lesson)).split(':')[0]} · {tr(str(step))}"
              for lesson, step in zip(view.values("lesson"), view.values("step"), strict=True)]
    ax = figure.add_subplot()
    y = list(range(len(labels)))
    for offset, key, colour in ((-0.2, "refused", "#d6604d"), (0.2, "hinted", "#f4a582")):
        values = view.values(key)
        ax.barh([i + offset for i in y], [_number(v) or 0 for v in values], height=0.4,
                color=colour, label=tr(_label(key)))
        for i, value in enumerate(values):
            if isinstance(value, Hidden):
                ax.text(0, i + offset, f" {value.mark}", va="center", fontsize="x-small")
    ax.set_yticks(y, labels, fontsize="x-small")
    ax.invert_yaxis()
    figure.legend(loc="outside lower center", ncols=1, fontsize="x-small")


def _indicators(figure: Figure, view: View, tr: Translate) -> None:
    totals: dict[str, list[float]] = {}
    target: dict[str, float] = {}
    for row in view.rows:
        name = str(row[view.index("indicator")])
        base, yes = _number(row[view.index("base")]), _number(row[view.index("yes")])
        if base and yes is not None:
            found = totals.setdefault(name, [0.0, 0.0])
            found[0] += yes
            found[1] += base
        if (t := _number(row[view.index("target")])) is not None:
            target[name] = t
    names = list(dict.fromkeys(str(v) for v in view.values("indicator")))
    ax = figure.add_subplot()
    shares = [100 * totals[n][0] / totals[n][1] if n in totals else 0 for n in names]
    ax.barh(range(len(names)), shares, color="#1b7837", label=tr(PROVINCE_SHARE))
    ax.scatter([100 * target.get(n, 0) for n in names], range(len(names)), marker="|", s=400,
               color="#b2182b", label=tr(LABELS["target"]), zorder=3)
    ax.set_yticks(range(len(names)), [_wrap(tr(n)) for n in names],
                  fontsize="x-small")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    figure.legend(loc="outside lower center", ncols=2, fontsize="x-small")


def _silent(figure: Figure, view: View, tr: Translate) -> None:
    rows = [r for r in view.rows if _number(r[view.index("days_silent")]) is not None]
    rows.sort(key=lambda r: -(_number(r[view.index("days_silent")]) or 0))
    rows = rows[:SHOWN]
    ax = figure.add_subplot()
    ax.barh(range(len(rows)), [_number(r[view.index("days_silent")]) or 0 for r in rows],
            color="#878787")
    ax.set_yticks(range(len(rows)), [str(r[view.index("workshop")]) for r in rows],
                  fontsize="x-small")
    ax.invert_yaxis()
    ax.set_title(tr(SILENT), fontsize="small")


_DRAW = {"xep-hang": _lowest, "tuan": _weeks, "bai-hoc": _lessons, "buoc-kho": _steps,
         "lop-hoc": _silent}


def _communes(view: View) -> int:
    return len({(r[view.index("province")], r[view.index("commune")]) for r in view.rows})


def chart_png(view: View, tr: Translate = _identity, lang: str = "vi") -> bytes:
    """The view's chart as PNG bytes (a «no data» picture for an empty view)."""
    from matplotlib import rc_context

    many = view.name in ("xa", "chi-so") and _communes(view) > FEW
    if view.name not in _DRAW and not many:
        return report_output.chart_png(view, tr, lang)
    figure = _figure(4.8)
    with rc_context({"font.family": "DejaVu Sans", "font.size": 10}):
        if not view.rows:
            figure.text(0.5, 0.5, tr(NO_DATA), ha="center", va="center")
        elif view.name == "xa":
            _bands(figure, view, tr)
        elif view.name == "chi-so":
            _indicators(figure, view, tr)
        else:
            _DRAW[view.name](figure, view, tr)
        figure.suptitle(tr(view.title))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
