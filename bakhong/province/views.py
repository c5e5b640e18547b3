"""The officials' province view: the report's tables over the province's figures.

:func:`build` lays out a :class:`~bakhong.grading.report_model.Report` from
:class:`~.figures.Figures`, reusing the report's own builders where the table is the same
(``xa``: :func:`~bakhong.grading.report_views.commune_view`, with the gap and the projected
date; ``chi-so``: :func:`~bakhong.grading.report_views.indicator_view`) and its public rules
(:func:`~bakhong.grading.report_model.suppress`: counts under 5 hidden, complementary
cells too). The province adds:

``xep-hang``
    communes ranked by the rate over adults (by the rate over enrolled where the adults are
    unknown), copied from ``xa`` after suppression; in the public version a commune whose
    rate is hidden is listed unranked, after the others;
``tuan``
    the province week by week: newly trained residents and the running total, and the rate
    over the adults of the communes whose adults are known;
``bai-hoc``
    per lesson: residents, those who passed it, the rate;
``buoc-kho``
    per lesson, the steps where most residents were refused or opened the hint, adding up
    the workshops' counts (a resident of two workshops counts in both: these are counts per
    step, not per person);
``lop-hoc``
    every registered workshop with its last sync, so that a silent laptop shows.

The strings are Vietnamese source strings; :mod:`bakhong.widgets.report_dashboard` and
:mod:`.dashboard` translate them through the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bakhong.grading.report_model import (
    LABELS,
    PUBLIC_NOTE,
    TITLES,
    Column,
    Note,
    Report,
    View,
    hide_columns,
    lesson_label,
    step_label,
    suppress,
    text_key,
)
from bakhong.grading.report_views import commune_view, indicator_view, trained_rules
from bakhong.simulators.clock import VN_TZ
from bakhong.simulators.errors import N_

from .figures import Figures

__all__ = ["PROVINCE_LABELS", "PROVINCE_TITLES", "SILENT_DAYS", "SOURCE_STRINGS",
           "STATUS", "build"]

#: A workshop that has not synced for this many days shows as silent.
SILENT_DAYS = 14
TOP_STEPS = 5

PROVINCE_TITLE = N_("Phổ cập kỹ năng số toàn tỉnh")
PROVINCE_PUBLIC_TITLE = N_("Phổ cập kỹ năng số toàn tỉnh (bản công khai)")
PROVINCE_TITLES: Mapping[str, str] = MappingProxyType({
    "xep-hang": N_("Xếp hạng xã, phường"),
    "tuan": N_("Theo tuần"),
    "lop-hoc": N_("Các lớp học gửi số liệu"),
})
PROVINCE_LABELS: Mapping[str, str] = MappingProxyType({
    "refused": N_("Số học viên bị từ chối ở bước này"),
    "hinted": N_("Số học viên mở gợi ý ở bước này"),
    "week": N_("Tuần kết thúc ngày"),
    "new_trained": N_("Đạt mới trong tuần"),
    "cumulative": N_("Đã đạt (cộng dồn)"),
    "adults_known": N_("Số người trưởng thành (các xã đã có số)"),
    "workshop": N_("Lớp học"),
    "registered": N_("Ngày đăng ký"),
    "last_sync": N_("Lần gửi gần nhất"),
    "days_silent": N_("Số ngày chưa gửi"),
    "package": N_("Số gói"),
    "status": N_("Tình trạng"),
})
STATUS: Mapping[str, str] = MappingProxyType({
    "ok": N_("Gửi đều"),
    "silent": N_("Im lặng quá {days} ngày"),
    "never": N_("Chưa gửi lần nào"),
    "revoked": N_("Đã thu hồi"),
})
SCOPE_NOTE = N_("Số liệu toàn tỉnh đến ngày {date}: {workshops} lớp học đã gửi, {residents} "
                "học viên (mỗi người chỉ tính một lần, nhận ra qua bí danh).")
PUBLIC_SCOPE_NOTE = N_("Số liệu toàn tỉnh đến ngày {date}, từ {workshops} lớp học; mỗi người "
                       "chỉ tính một lần.")
OFFICIAL_NOTE = N_("Bản đầy đủ cho cán bộ tỉnh: không có tên, mã học viên, số định danh hay số "
                   "điện thoại. Chỉ chia sẻ ra ngoài bản công khai.")
RANK_NOTE = N_("Xếp theo tỷ lệ đạt trên số người trưởng thành (xã chưa có số người trưởng "
               "thành: theo tỷ lệ trên số học viên, xếp sau).")
TREND_NOTE = N_("Số người đạt mới trong mỗi tuần (7 ngày kết thúc vào ngày ghi) của cả tỉnh.")
LESSON_NOTE = N_("Tỷ lệ đạt của mỗi bài tính trên số học viên (mỗi người một lần).")
STEPS_NOTE = N_("Mỗi bài học: {top} bước có nhiều học viên bị từ chối hoặc mở gợi ý nhất, cộng "
                "số của các lớp (đếm theo bước, không theo người).")
WORKSHOP_NOTE = N_("Lớp học im lặng: không gửi số liệu quá {days} ngày. Có {refused} gói bị từ "
                   "chối trong nhật ký nhận gói.")

#: Every source string here, for the catalogue (tests check each has an English entry).
SOURCE_STRINGS: tuple[str, ...] = (
    PROVINCE_TITLE, PROVINCE_PUBLIC_TITLE, *PROVINCE_TITLES.values(), *PROVINCE_LABELS.values(),
    *STATUS.values(), SCOPE_NOTE, PUBLIC_SCOPE_NOTE, OFFICIAL_NOTE, RANK_NOTE, TREND_NOTE,
    LESSON_NOTE, STEPS_NOTE, WORKSHOP_NOTE)


@dataclass(frozen=True)
class ProvinceColumn(Column):
    @property
    def label(self) -> str:
        return PROVINCE_LABELS.get(self.key) or LABELS[self.key]


@dataclass(frozen=True)
class ProvinceView(View):
    @property
    def title(self) -> str:
        return PROVINCE_TITLES.get(self.name) or TITLES[self.name]


C = ProvinceColumn
_RANK = (C("rank", "number"), C("province", "text"), C("commune", "text"),
         C("rate_population", "rate", ("trained", "population")),
         C("rate_enrolled", "rate", ("trained", "enrolled")), C("trained", "count"),
         C("enrolled", "count"), C("population", "count"),
         C("gap", "number", ("trained", "population")),
         C("projected", "date", ("trained", "population")))
_WEEK = (C("week", "date"), C("new_trained", "count"), C("cumulative", "count"),
         C("adults_known", "count"), C("rate_population", "rate", ("cumulative",
                                                                    "adults_known")))
_LESSON = (C("lesson", "label"), C("enrolled", "count"), C("passed", "count"),
           C("rate_enrolled", "rate", ("passed", "enrolled")))
_STEPS = (C("lesson", "label"), C("rank", "number"), C("step", "label"),
          C("refused", "count"), C("hinted", "count"))
_WORKSHOPS = (C("workshop", "text"), C("status", "label"), C("last_sync", "date"),
              C("days_silent", "number"), C("package", "number"), C("enrolled", "count"),
              C("registered", "date"))


def _adults(population: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    return {(text_key(p), text_key(c)): n for (p, c), n in population.items()}


def _as_province(view: View) -> ProvinceView:
    return ProvinceView(view.name, tuple(C(c.key, c.kind, c.uses, c.protect, c.empty)
                                         for c in view.columns), view.rows, view.notes)


def _rate_key(row: tuple[object, ...], view: View) -> tuple[int, float, str]:
    def number(key: str) -> float | None:
        value = row[view.index(key)]
        return float(value) if isinstance(value, int | float) and not isinstance(
            value, bool) else None
    population, enrolled = number("rate_population"), number("rate_enrolled")
    if population is not None:
        return (0, -population, text_key(str(row[view.index("commune")])))
    if enrolled is not None:
        return (1, -enrolled, text_key(str(row[view.index("commune")])))
    return (2, 0.0, text_key(str(row[view.index("commune")])))


def ranking_view(communes: View) -> ProvinceView:
    keys = [k.key for k in _RANK[1:]]
    ordered = sorted(communes.rows, key=lambda row: _rate_key(row, communes))
    rows = []
    for place, row in enumerate(ordered, start=1):
        shown = _rate_key(row, communes)[0] < 2
        rows.append((place if shown else None, *(row[communes.index(k)] for k in keys)))
    return ProvinceView("xep-hang", _RANK, tuple(rows), (Note(RANK_NOTE),))


def trend_view(figures: Figures, adults: Mapping[tuple[str, str], int]) -> ProvinceView:
    known = sum(adults.get((text_key(p), text_key(c)), 0) for p, c in figures.communes.index)
    rows = []
    total = figures.trained_before
    for end, new in figures.weeks:
        total += new
        rows.append((end, new, total, known or None,
                     total / known if known else None))
    return ProvinceView("tuan", _WEEK, tuple(rows), (Note(TREND_NOTE),))


def lesson_view(figures: Figures) -> ProvinceView:
    frame = figures.communes
    enrolled = int(frame["enrolled"].sum()) if len(frame) else 0
    rows = []
    for lesson in figures.lessons:
        column = f"passed_{lesson}"
        passed = int(frame[column].sum()) if column in frame and len(frame) else 0
        rows.append((lesson_label(lesson), enrolled, passed,
                     passed / enrolled if enrolled else None))
    return ProvinceView("bai-hoc", _LESSON, tuple(rows), (Note(LESSON_NOTE),))


def steps_view(figures: Figures) -> ProvinceView:
    rows = []
    for lesson in figures.lessons:
        mine = [(step, refused, hinted) for les, step, refused, hinted in figures.steps
                if les == lesson and refused + hinted > 0]
        mine.sort(key=lambda item: (-(item[1] + item[2]), -item[1], item[0]))
        for rank, (step, refused, hinted) in enumerate(mine[:TOP_STEPS], start=1):
            rows.append((lesson_label(lesson), rank, step_label(lesson, step), refused, hinted))
    return ProvinceView("buoc-kho", _STEPS, tuple(rows),
                        (Note(STEPS_NOTE, {"top": str(TOP_STEPS)}),))


def workshop_view(figures: Figures) -> ProvinceView:
    rows = []
    for item in figures.workshops:
        days = None if item.last_received_at is None else \
            (figures.as_of - item.last_received_at).days
        if item.revoked_at is not None:
            status = STATUS["revoked"]
        elif days is None:
            status = STATUS["never"]
        elif days > SILENT_DAYS:
            status = STATUS["silent"]
        else:
            status = STATUS["ok"]
        rows.append((item.label, status,
                     None if item.last_received_at is None
                     else item.last_received_at.astimezone(VN_TZ).date(),
                     days, item.last_seq, item.residents,
                     item.registered_at.astimezone(VN_TZ).date()))
    rank = {STATUS[k]: i for i, k in enumerate(("silent", "never", "ok", "revoked"))}
    rows.sort(key=lambda r: (rank[str(r[1])], -(r[3] if isinstance(r[3], int) else 10**6)))
    note = Note(WORKSHOP_NOTE, {"days": str(SILENT_DAYS), "refused": str(figures.refused_packages)})
    return ProvinceView("lop-hoc", _WORKSHOPS, tuple(rows), (note,))


def build(figures: Figures, *, targets: Mapping[str, float], public: bool = False) -> Report:
    """The officials' report over the province's figures."""
    adults = _adults(figures.population)
    as_of = figures.as_of
    communes: View = commune_view(figures.communes, adults=adults,
                                  target=targets["trained"], as_of=as_of)
    lessons: View = lesson_view(figures)
    steps: View = steps_view(figures)
    trend: View = trend_view(figures, figures.population)
    workshops: View = workshop_view(figures)
    if public:  # a total shown must not undo a column's suppression (report_model.suppress)
        communes, unsafe = suppress(communes)
        totals = {"enrolled": "enrolled", "trained": "passed"}
        lessons = hide_columns(suppress(lessons)[0], {totals[key] for key in unsafe})
        trend = suppress(trend)[0]
        if "trained" in unsafe:
            trend = hide_columns(trend, {"cumulative"})
        steps, workshops = suppress(steps)[0], suppress(workshops)[0]
    ranking = ranking_view(communes)
    indicators: View = indicator_view(figures.communes, communes, targets)
    if public:
        indicators = suppress(indicators)[0]
    views = (_as_province(communes), ranking, trend, lessons, steps, _as_province(indicators),
             workshops)
    sent = sum(1 for w in figures.workshops if w.last_received_at is not None)
    day = as_of.astimezone(VN_TZ).strftime("%d/%m/%Y")
    enrolled = int(figures.communes["enrolled"].sum()) if len(figures.communes) else 0
    scope = Note(PUBLIC_SCOPE_NOTE, {"date": day, "workshops": str(sent)}) if public else \
        Note(SCOPE_NOTE, {"date": day, "workshops": str(sent), "residents": str(enrolled)})
    rules = trained_rules((w.core_lessons, w.pass_mark) for w in figures.workshops
                          if w.core_lessons is not None and w.pass_mark is not None)
    notes = (scope, *rules,
             Note(PUBLIC_NOTE if public else OFFICIAL_NOTE),
             *(note for view in views for note in view.notes))
    return Report(as_of, public, sent, views, notes)

