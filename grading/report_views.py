"""The report's views: residents aggregated per commune, per lesson and per indicator.

:func:`build_report` reads the workshops (:func:`bakhong.grading.report.residents`) and lays
out four :class:`View` tables, the same for every output (XLSX, CSV, HTML, PNG, dashboard):

``xa``
    per commune: the columns of :func:`~bakhong.grading.report.completion`, then ``gap`` (how
    many more trained residents the commune needs: ``ceil(target × adults) − trained``, when
    the adults are known), ``per_week`` and ``projected`` (below).
``bai-hoc``
    per lesson of :data:`~bakhong.grading.course.LESSONS`, then per variant the workshops
    released (:mod:`~bakhong.grading.lesson_variants`): residents enrolled (for a variant,
    those of the workshops that have it), with a graded submission, passed; pass rate
    (passed / submitted) and average best score.
``buoc-kho``
    per lesson, the 3 steps (evidence tasks) whose refusals touch the most residents, with the
    refusal code most of them met and the number of residents refused at that step.
``chi-so``
    per commune and indicator: «trained» (the ``xa`` figures, over adults) and the roster's
    survey answers: the share of "yes" among those who answered, against ``[targets]``.
    *Bank account* counts only residents aged 15 or more in the report's year (year of the
    report − birth year ≥ 15); an answer without a birth year is left out of the share and
    counted in ``no_age``. No answer at all leaves the share unknown («Chưa rõ»).

**Projection.** Cumulative trained residents are counted at five weekly marks ending at
``as_of`` (``as_of`` − 4 weeks, … , ``as_of``); ``per_week`` is the least-squares slope of
those five counts, ``(−2·c₀ − c₁ + c₃ + 2·c₄) / 10``; ``projected`` is ``as_of`` + ``gap`` /
``per_week`` weeks (a date, Vietnam time). Empty when there is no progress (slope ≤ 0), when the
target is met, when the adults are unknown, or beyond :data:`HORIZON_WEEKS`. Residents trained
at an unknown moment count at every mark (they do not change the slope).

**Public version**: :func:`~.report_model.suppress` (the rule is described there).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bakhong.simulators.clock import VN_TZ

from . import course, settings
from .report_model import (
    BANK_NOTE,
    LABELS,
    LESSON_NOTE,
    METHOD_NOTE,
    NO_RULE_NOTE,
    PUBLIC_NOTE,
    RULE_NOTE,
    SCOPE_NOTE,
    STEPS_NOTE,
    SURVEY_NOTE,
    TRAINER_NOTE,
    VARIANT_NOTE,
    Column,
    CommuneRow,
    Note,
    Report,
    Resident,
    View,
    hide_columns,
    indicator_label,
    lesson_label,
    step_label,
    suppress,
    text_key,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CSV_HEADER", "RESULT_COLUMNS", "SURVEY", "aggregate",
    "build_views", "commune_rows", "commune_view", "indicator_view", "lesson_view", "projection",
    "read_results", "results_frame", "steps_view", "write_results",
]

CSV_HEADER = ("province", "commune", "enrolled", "trained", "rate_enrolled", "population",
              "rate_population", "target", "meets_target")
#: The survey indicators, in the order of the course settings' targets.
SURVEY = tuple(name for name in settings.INDICATORS if name != "trained")
RESULT_COLUMNS = ("resident", "province", "commune", "trained", "trained_at", "birth_year",
                  *SURVEY)
BANK_MIN_AGE = 15
WINDOW_WEEKS = 4
HORIZON_WEEKS = 520  # a projection further than ten years away is no trend worth printing
TOP_STEPS = 3
_WEEK = 7 * 24 * 3600
_EPSILON = 1e-9
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_NO_VARIANTS: Mapping[str, str] = MappingProxyType({})



# ----------------------------------------------------------- the aggregation step


def results_frame(residents: Iterable[Resident]) -> pd.DataFrame:
    """The intermediate form the aggregation reads: one row per resident, no name.

    ``trained`` is 1 or 0; ``trained_at`` Unix seconds, ``birth_year`` and the survey answers
    (1 yes, 0 no) are NaN when unknown. :func:`write_results` writes it as CSV, which
    :func:`read_results` reads back.
    """
    import pandas as pd

    rows = [(r.key, r.province, r.commune, int(r.trained),
             r.trained_at.timestamp() if r.trained and r.trained_at else None,
             r.birth_year, *(r.survey.get(name) for name in SURVEY)) for r in residents]
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    return frame.astype(_DTYPES)


#: Compact and quick to parse: numbers only, NaN for unknown.
_DTYPES = {"resident": "int64", "province": "category", "commune": "category",
           "trained": "int8", "trained_at": "float64", "birth_year": "float32",
           **dict.fromkeys(SURVEY, "float32")}


def write_results(frame: pd.DataFrame, path: Path) -> None:
    """The results as CSV (UTF-8): whole numbers, blank for unknown."""
    frame.to_csv(path, index=False, float_format="%.0f")


def read_results(paths: Iterable[Path]) -> pd.DataFrame:
    """Per-workshop results files (CSV, :data:`RESULT_COLUMNS`), in the order given."""
    import pandas as pd
    from pandas.api.types import union_categoricals

    frames = [pd.read_csv(path, dtype=_DTYPES, usecols=list(RESULT_COLUMNS)) for path in paths]
    if len(frames) == 1:
        return frames[0]
    for name in ("province", "commune"):  # one set of categories, or concat makes objects
        union = union_categoricals([frame[name] for frame in frames]).categories
        for frame in frames:
            frame[name] = frame[name].cat.set_categories(union)
    return pd.concat(frames, ignore_index=True)


def _merged(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per resident key: first place seen, trained anywhere, earliest moment, first
    known birth year, a "yes" anywhere (NaN is skipped, 1 beats 0)."""
    named = {"province": ("province", "first"), "commune": ("commune", "first"),
             "trained": ("trained", "max"), "trained_at": ("trained_at", "min"),
             "birth_year": ("birth_year", "first"), **{n: (n, "max") for n in SURVEY}}
    return frame.groupby("resident", sort=False, observed=True).agg(**named).reset_index()


def _measures(frame: pd.DataFrame, as_of: datetime | None) -> dict[str, Any]:
    """Per row, one boolean array per count of :func:`aggregate`."""
    import numpy as np

    trained = frame["trained"].to_numpy(dtype=bool)
    data: dict[str, Any] = {"enrolled": np.ones(len(frame), dtype=bool), "trained": trained}
    if as_of is None:
        return data
    moments = frame["trained_at"].to_numpy(dtype="float64")
    end = as_of.timestamp()
    for mark in range(WINDOW_WEEKS + 1):  # an unknown moment (NaN) counts at every mark
        data[f"c{mark}"] = trained & ~(moments > end - (WINDOW_WEEKS - mark) * _WEEK)
    born = frame["birth_year"].to_numpy(dtype="float64")
    aged = (as_of.astimezone(VN_TZ).year - born) >= BANK_MIN_AGE  # NaN compares False
    for name in SURVEY:
        answer = frame[name].to_numpy(dtype="float64")
        answered, yes = ~np.isnan(answer), answer == 1
        if name == "bank_account":
            data[f"{name}_no_age"] = answered & np.isnan(born)
            answered, yes = answered & aged, yes & aged
        data[f"{name}_base"], data[f"{name}_yes"] = answered, yes
    return data


def aggregate(frame: pd.DataFrame, *, as_of: datetime | None = None) -> pd.DataFrame:
    """Counts per (province, commune): enrolled, trained and, with ``as_of``, the weekly
    cumulative marks ``c0``…``c4`` and every survey indicator's ``*_base`` and ``*_yes``
    (``bank_account_no_age`` too).

    A resident key seen twice counts once (:func:`_merged`). Only those keys are grouped; the
    other rows are counted where they are, under a mask, so the frame is never copied.
    """
    import numpy as np
    import pandas as pd

    twice = frame["resident"].duplicated(keep=False).to_numpy()
    provinces, province_names = pd.factorize(frame["province"])
    communes, commune_names = pd.factorize(frame["commune"])
    width = len(commune_names)
    keys = [provinces.astype(np.int64) * width + communes]
    parts = [(frame, ~twice)]
    if twice.any():
        merged = _merged(frame[twice])
        keys.append(pd.Index(province_names).get_indexer(merged["province"]).astype(np.int64)
                    * width + pd.Index(commune_names).get_indexer(merged["commune"]))
        parts.append((merged, np.ones(len(merged), dtype=bool)))
    group, places = pd.factorize(np.concatenate(keys))
    counts: dict[str, Any] = {}
    start = 0
    for part, keep in parts:
        mine = group[start:start + len(part)]
        start += len(part)
        for key, mask in _measures(part, as_of).items():
            found = np.bincount(mine[mask & keep], minlength=len(places))
            counts[key] = counts[key] + found if key in counts else found
    index = pd.MultiIndex.from_arrays([np.asarray(province_names)[places // width],
                                       np.asarray(commune_names)[places % width]])
    return pd.DataFrame(counts, index=index)


def _places(figures: pd.DataFrame) -> list[tuple[str, str, dict[str, int]]]:
    """(province, commune, counts) sorted by province and commune, case-folded."""
    found = [(str(p), str(c), {k: int(v) for k, v in row.items()})
             for (p, c), row in figures.to_dict("index").items()]
    return sorted(found, key=lambda item: (text_key(item[0]), text_key(item[1])))


def _adults(population: Mapping[tuple[str, str], int] | None) -> dict[tuple[str, str], int]:
    return {(text_key(p), text_key(c)): n for (p, c), n in (population or {}).items()}


def commune_rows(residents: Iterable[Resident], *, target: float,
                 population: Mapping[tuple[str, str], int] | None = None) -> list[CommuneRow]:
    """:func:`~bakhong.grading.report.completion`'s rows, from merged residents."""
    adults = _adults(population)
    rows = []
    for province, commune, f in _places(aggregate(results_frame(residents))):
        people = adults.get((text_key(province), text_key(commune))) or None
        rate = f["trained"] / people if people else None
        rows.append(CommuneRow(province, commune, f["enrolled"], f["trained"],
                               f["trained"] / f["enrolled"], people, rate, target,
                               None if rate is None else rate + _EPSILON >= target))
    return rows


def projection(trained: int, marks: Sequence[int], adults: int | None, target: float,
               as_of: datetime) -> tuple[int | None, float, date | None]:
    """(gap in people, trained per week, projected date) for one commune.

    >>> from bakhong.simulators.clock import VN_TZ
    >>> projection(20, [0, 5, 10, 15, 20], 100, 0.8, datetime(2026, 12, 1, tzinfo=VN_TZ))
    (60, 5.0, datetime.date(2027, 2, 23))
    >>> projection(20, [20] * 5, 100, 0.8, datetime(2026, 12, 1, tzinfo=VN_TZ))
    (60, 0.0, None)
    """
    c0, c1, _c2, c3, c4 = marks
    per_week = (-2 * c0 - c1 + c3 + 2 * c4) / 10
    if not adults:
        return None, per_week, None
    gap = max(0, math.ceil((target - _EPSILON) * adults) - trained)
    if gap == 0 or per_week <= _EPSILON or gap / per_week > HORIZON_WEEKS:
        return gap, per_week, None
    return gap, per_week, (as_of + timedelta(weeks=gap / per_week)).astimezone(VN_TZ).date()


# ----------------------------------------------------------------------- the views

_COMMUNE = (Column("province", "text"), Column("commune", "text"),
            Column("enrolled", "count", protect=True), Column("trained", "count", protect=True),
            Column("rate_enrolled", "rate", ("trained", "enrolled")),
            Column("population", "count"),
            Column("rate_population", "rate", ("trained", "population")),
            Column("target", "rate"),
            Column("meets_target", "bool", ("trained", "population")),
            Column("gap", "number", ("trained", "population")),
            Column("per_week", "number", ("trained",)),
            Column("projected", "date", ("trained", "population")))
_LESSON = (Column("lesson", "label"), Column("enrolled", "count"),
           Column("submitted", "count"), Column("passed", "count"),
           Column("pass_rate", "rate", ("passed", "submitted")),
           Column("average_score", "rate", ("submitted",)))
_STEPS = (Column("lesson", "label"), Column("rank", "number"), Column("step", "label"),
          Column("code", "text"), Column("learners", "count"))
_INDICATOR = (Column("province", "text"), Column("commune", "text"),
              Column("indicator", "label"), Column("base", "count"), Column("yes", "count"),
              Column("share", "rate", ("yes", "base"), empty=LABELS["unknown"]),
              Column("target", "rate"), Column("meets", "bool", ("yes", "base")),
              Column("no_age", "count"))


def commune_view(figures: pd.DataFrame, *, adults: Mapping[tuple[str, str], int],
                 target: float, as_of: datetime) -> View:
    rows = []
    for province, commune, f in _places(figures):
        people = adults.get((text_key(province), text_key(commune))) or None
        rate = f["trained"] / people if people else None
        gap, per_week, when = projection(f["trained"], [f[f"c{i}"] for i in range(5)],
                                         people, target, as_of)
        rows.append((province, commune, f["enrolled"], f["trained"],
                     f["trained"] / f["enrolled"], people, rate, target,
                     None if rate is None else rate + _EPSILON >= target,
                     gap, per_week, when))
    method = Note(METHOD_NOTE, {"date": as_of.astimezone(VN_TZ).strftime("%d/%m/%Y")})
    return View("xa", _COMMUNE, tuple(rows), (method,))


def lesson_view(residents: Sequence[Resident], lessons: Sequence[str],
                variants: Mapping[str, str] = _NO_VARIANTS) -> View:
    """Per lesson of ``lessons`` (every resident enrolled), then per workshop variant of
    ``variants`` (name → title; enrolled: the residents it is open to, ``Resident.offered``)."""
    rows = []
    for lesson in (*lessons, *(name for name in variants if name not in lessons)):
        variant = lesson in variants
        enrolled = sum(lesson in r.offered for r in residents) if variant else len(residents)
        scores = [r.scores[lesson] for r in residents if lesson in r.scores]
        passed = sum(lesson in r.passed for r in residents)
        rows.append((variants[lesson] if variant else lesson_label(lesson), enrolled,
                     len(scores), passed, passed / len(scores) if scores else None,
                     sum(scores) / len(scores) if scores else None))
    notes = [Note(LESSON_NOTE)]
    if variants:
        notes.append(Note(VARIANT_NOTE, {"lessons": "; ".join(variants.values())}))
    return View("bai-hoc", _LESSON, tuple(rows), tuple(notes))


def steps_view(residents: Sequence[Resident], lessons: Sequence[str]) -> View:
    rows = []
    for lesson in lessons:
        at_task: Counter[str] = Counter()
        with_code: Counter[tuple[str, str]] = Counter()
        for resident in residents:
            mine = {(task, code) for les, task, code in resident.refusals if les == lesson}
            at_task.update({task for task, _code in mine})
            with_code.update(mine)
        ranked = sorted(at_task.items(), key=lambda item: (-item[1], item[0]))[:TOP_STEPS]
        for rank, (task, learners) in enumerate(ranked, start=1):
            code = min((c for t, c in with_code if t == task),
                       key=lambda c: (-with_code[(task, c)], c))
            rows.append((lesson_label(lesson), rank, step_label(lesson, task), code, learners))
    return View("buoc-kho", _STEPS, tuple(rows), (Note(STEPS_NOTE),))


def indicator_view(figures: pd.DataFrame, communes: View, targets: Mapping[str, float],
                   ) -> View:
    """Per commune: «trained» copied from ``communes`` (suppressed or not), then the survey."""
    trained = {(row[0], row[1]): row for row in communes.rows}
    pick = [communes.index(k) for k in ("population", "trained", "rate_population",
                                        "target", "meets_target")]
    rows: list[tuple[object, ...]] = []
    for province, commune, f in _places(figures):
        mine = trained[(province, commune)]
        base, yes, share, target, meets = (mine[i] for i in pick)
        rows.append((province, commune, indicator_label("trained"), base, yes, share, target,
                     meets, None))
        for name in SURVEY:
            base, yes = f[f"{name}_base"], f[f"{name}_yes"]
            share = yes / base if base else None
            rows.append((province, commune, indicator_label(name), base, yes, share,
                         targets[name], None if share is None
                         else share + _EPSILON >= targets[name],
                         f.get(f"{name}_no_age")))
    return View("chi-so", _INDICATOR, tuple(rows), (Note(SURVEY_NOTE), Note(BANK_NOTE)))


# --------------------------------------------------------------------- the report

def trained_rules(chosen: Iterable[tuple[Sequence[str], float]]) -> tuple[Note, ...]:
    """The rule(s) the report counts residents as trained by: one note per distinct
    (``core_lessons``, ``pass_mark``) of the workshops, in the order first met.

    >>> [n.render() for n in trained_rules([(("vneid_check", "safety"), 0.8)])]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['Đã học = đạt Tự làm 1: Kích hoạt VNeID mức 2; Bài 5: An toàn trên mạng: mỗi bài ít nhất
    80% số điểm (cài đặt core_lessons và pass_mark trong bakhong.toml của lớp).']
    >>> trained_rules([((), 0.8)])[0].text == NO_RULE_NOTE
    True
    """
    notes = []
    for lessons, mark in dict.fromkeys((tuple(lessons), mark) for lessons, mark in chosen):
        if not lessons:
            notes.append(Note(NO_RULE_NOTE))
            continue
        notes.append(Note(RULE_NOTE, {"lessons": "; ".join(lesson_label(le) for le in lessons),
                                      "mark": f"{mark * 100:g}"}))
    return tuple(notes)



def build_views(
    residents: Sequence[Resident], *, as_of: datetime, targets: Mapping[str, float],
    population: Mapping[tuple[str, str], int] | None = None, public: bool = False,
    lessons: Sequence[str] = course.LESSONS, workshops: int = 1,
    rules: Sequence[Note] = (), variants: Mapping[str, str] = _NO_VARIANTS,
) -> Report:
    """The four views over merged ``residents`` (no workshop is read here); ``rules`` say
    whom the report counts as trained («Đã học = đạt …», :func:`trained_rules`);
    ``variants`` (name → title), the workshops' own lessons, follow ``lessons`` in the
    per-lesson view (not in the steps': their refusals are their base lesson's)."""
    figures = aggregate(results_frame(residents), as_of=as_of)
    communes = commune_view(figures, adults=_adults(population), target=targets["trained"],
                            as_of=as_of)
    per_lesson = lesson_view(residents, lessons, variants)
    steps = steps_view(residents, lessons)
    unsafe: set[str] = set()
    if public:
        communes, unsafe = suppress(communes)
        totals = {"enrolled": "enrolled", "trained": "passed"}  # what adds up a commune column
        per_lesson = hide_columns(suppress(per_lesson)[0], {totals[key] for key in unsafe})
        steps = suppress(steps)[0]
    indicators = indicator_view(figures, communes, targets)
    if public:
        indicators = suppress(indicators)[0]
    day = as_of.astimezone(VN_TZ).strftime("%d/%m/%Y")
    notes = (Note(SCOPE_NOTE, {"date": day, "workshops": str(workshops)}), *rules,
             Note(PUBLIC_NOTE if public else TRAINER_NOTE),
             *communes.notes, *per_lesson.notes, *steps.notes, *indicators.notes)
    return Report(as_of, public, workshops, (communes, per_lesson, steps, indicators), notes)
