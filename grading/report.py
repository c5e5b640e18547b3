"""The completion report: trained residents per post-2025 commune, merged over workshops.

This module collects; :mod:`.report_views` aggregates and lays out the views, and
:mod:`.report_output` writes them (XLSX, CSV, HTML, PNG). One row per (province, commune)
where at least one resident is enrolled (:func:`completion`):

* ``enrolled`` — distinct residents enrolled in any of the workshops;
* ``trained`` — those of them who passed every core lesson in at least one workshop, by the
  one rule of :mod:`.results` (the newest sealed result of the lesson scores at least
  ``pass_mark × max_score``; a lesson never graded counts as not passed);
* ``rate_enrolled`` = trained / enrolled;
* ``population`` — adults of the commune from the optional communes file, and
  ``rate_population`` = trained / population; ``meets_target`` compares ``rate_population``
  (never ``rate_enrolled``) with ``target``. All three stay empty (``None``) when the
  population is unknown or zero.

A resident enrolled in several workshops counts once. Two enrolments are the same resident
when they share a learner id their rosters gave (an id ``init`` numbered, ``hv001`` …, names
nobody outside its workshop: :meth:`~bakhong.simulators.learners.Learner.match_id`), or when
their full names (NFC, case-folded, spaces collapsed), province, commune and birth year
agree. The birth year is optional: when either enrolment has none (``birth_year`` missing or
empty), name, province and commune alone decide.
Matching is transitive: enrolments linked through one another form one resident, who is
counted in the province and commune of the first enrolment seen (workshops in the order
given, learners by id).

**When a resident became trained** (the projection's timeline): when the last core lesson
was first graded as passed, i.e. the ``graded_at`` (workshop clock) of the earliest sealed
passing result (:meth:`.results.Results.trained_at`), not nbgrader's submission timestamp,
which ``grader.write_submission`` restamps with the wall clock at every regrade
(``grade --all`` would move everyone to that day). Over several workshops the earliest moment
counts. A score bakhong did not record (a gradebook edited or filled by hand) counts for
nothing: ``bakhong report`` names it (:func:`.results.check`).

A merged resident also carries the roster's survey answers (a "yes" in any enrolment wins,
then a "no"; blank is unknown), the first known birth year, every lesson's best score (the
workshops' own variants of a lesson too, :mod:`.lesson_variants`, with those it was offered)
and the refusal codes met at each step (evidence events whose outcome is not ``ok``). The
report holds counts only: no name, learner id, ID number or phone number is written.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from bakhong.simulators import evidence, registry
from bakhong.simulators import learners as learners_mod
from bakhong.simulators.clock import Clock, SystemClock
from bakhong.simulators.learners import Learner

from . import course, lesson_variants, overrides, results, settings
from .report_model import OVERRIDE_NOTE, CommuneRow, Note, Report, Resident, text_key
from .report_output import csv_cell
from .report_views import CSV_HEADER, build_views, commune_rows, trained_rules
from .workshop import open_sandbox

__all__ = [
    "CSV_HEADER",
    "CommuneRow",
    "PopulationFileError",
    "Resident",
    "build_report",
    "common_targets",
    "completion",
    "read_population",
    "residents",
    "variant_titles",
    "write_csv",
]

class PopulationFileError(ValueError):
    """A communes file that cannot be read; the message names the row and the reason."""


@dataclass(frozen=True)
class _Enrolment:
    """One learner of one workshop: who (for matching only) and what (``facts``)."""

    match_id: str  # Learner.match_id: the roster's id, or one that matches no other workshop
    full_name: str
    facts: Resident


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()



def _birth_year(learner: Learner) -> int | None:
    value = getattr(learner, "birth_year", None)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _enrolments(root: Path, pass_mark: float, core_lessons: Sequence[str]) -> list[_Enrolment]:
    """Every learner of one workshop, with province, post-2025 commune, results and evidence.

    Scores are the sealed results of the grading queue (:mod:`.results`), judged by its rule.
    """
    variants = frozenset(lesson_variants.released(root))
    lessons = tuple(dict.fromkeys((*course.LESSONS, *sorted(variants), *core_lessons)))
    box = open_sandbox(root)
    try:
        found = []
        graded = results.read_workshop(root, box.store, box.workshop_id, pass_mark=pass_mark,
                                       core_lessons=core_lessons)
        surveys = learners_mod.survey_answers(box.store)
        refusals = evidence.refusals(box.store)
        for learner in learners_mod.all_learners(box.store):
            me = learner.learner_id
            province = getattr(learner, "province", None) or \
                registry.persona_of_learner(box.store, me).province_name
            scores = {lesson: grade.fraction for lesson in lessons
                      if (grade := graded.current(me, lesson)) is not None}
            found.append(_Enrolment(learner.match_id(box.workshop_id),
                                    _nfc(learner.full_name), Resident(
                -1, _nfc(province), _nfc(learner.commune), graded.trained(me),
                graded.trained_at(me), _birth_year(learner),
                MappingProxyType(surveys.get(me, {})), MappingProxyType(scores),
                frozenset(graded.passed_lessons(me, lessons)),
                frozenset(refusals.get(me, set())), variants)))
        return found
    finally:
        box.close()


def _who(item: _Enrolment) -> tuple[str, str, str]:
    return text_key(item.full_name), text_key(item.facts.province), text_key(item.facts.commune)


def _same_resident(a: _Enrolment, b: _Enrolment) -> bool:
    if a.match_id == b.match_id:
        return True
    if _who(a) != _who(b):
        return False
    x, y = a.facts.birth_year, b.facts.birth_year
    return x is None or y is None or x == y


def _groups(enrolments: list[_Enrolment]) -> list[list[_Enrolment]]:
    """Group enrolments of the same resident (union-find; first enrolment is the root)."""
    parent = list(range(len(enrolments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_id: dict[str, int] = {}
    by_name: dict[tuple[str, str, str], list[int]] = {}
    for i, item in enumerate(enrolments):
        candidates = [by_id[item.match_id]] if item.match_id in by_id else []
        candidates += by_name.get(_who(item), [])
        for j in candidates:
            if _same_resident(enrolments[j], item):
                a, b = find(j), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        by_id.setdefault(item.match_id, i)
        by_name.setdefault(_who(item), []).append(i)
    groups: dict[int, list[_Enrolment]] = {}
    for i, item in enumerate(enrolments):
        groups.setdefault(find(i), []).append(item)
    return [groups[root] for root in sorted(groups)]


def _merged(key: int, group: list[_Enrolment], names: dict[tuple[str, str], tuple[str, str]],
            ) -> Resident:
    facts = [item.facts for item in group]
    first = facts[0]
    place = names.setdefault((text_key(first.province), text_key(first.commune)),
                             (first.province, first.commune))
    trained = [item for item in facts if item.trained]
    moments = [item.trained_at for item in trained if item.trained_at is not None]
    survey: dict[str, bool] = {}
    scores: dict[str, float] = {}
    for item in facts:
        for name, answer in item.survey.items():
            survey[name] = survey.get(name, False) or answer  # a "yes" anywhere wins
        for lesson, score in item.scores.items():
            scores[lesson] = max(score, scores.get(lesson, 0.0))
    return Resident(
        key=key, province=place[0], commune=place[1], trained=bool(trained),
        trained_at=min(moments) if moments else None,
        birth_year=next((i.birth_year for i in facts if i.birth_year is not None), None),
        survey=MappingProxyType(survey), scores=MappingProxyType(scores),
        passed=frozenset().union(*(i.passed for i in facts)),
        refusals=frozenset().union(*(i.refusals for i in facts)),
        offered=frozenset().union(*(i.offered for i in facts)))


def residents(
    roots: Iterable[Path], *, pass_mark: float | None = None,
    core_lessons: Sequence[str] | None = None,
) -> list[Resident]:
    """The residents of the workshops at ``roots``, each once (see the module's rules).

    ``pass_mark`` and ``core_lessons`` default to each workshop's course settings;
    ``core_lessons`` empty means nobody counts as trained. Province and commune names are
    those of the first enrolment seen for the (case-folded) place.
    """
    if pass_mark is not None and not 0 <= pass_mark <= 1:
        raise ValueError(f"pass_mark: must be between 0 and 1, got {pass_mark!r}")
    enrolments: list[_Enrolment] = []
    for root in (Path(root) for root in roots):
        chosen = settings.load(root)
        enrolments.extend(_enrolments(
            root, chosen.pass_mark if pass_mark is None else pass_mark,
            tuple(chosen.core_lessons if core_lessons is None else core_lessons)))
    names: dict[tuple[str, str], tuple[str, str]] = {}
    return [_merged(key, group, names) for key, group in enumerate(_groups(enrolments))]


def variant_titles(roots: Iterable[Path]) -> dict[str, str]:
    """The workshops' own lessons (:mod:`.lesson_variants`), name → the label the report
    gives them, in release order workshop after workshop: the title, or the title and the
    name where two variants share a title; a name two workshops released keeps the first
    title met."""
    found: dict[str, str] = {}
    for root in roots:
        for name, title in lesson_variants.titles(Path(root)).items():
            found.setdefault(name, title)
    shared = Counter(found.values())
    return {name: f"{title} ({name})" if shared[title] > 1 else title
            for name, title in found.items()}


def common_targets(roots: Sequence[Path],
                   indicators: Sequence[str] = settings.INDICATORS) -> dict[str, float]:
    """The ``[targets]`` the workshops' settings agree on (the defaults for no workshop).

    Raises :class:`~.settings.InvalidSettings` naming the first of ``indicators`` they
    disagree on.
    """
    chosen = [settings.load(root).targets for root in roots]
    agreed = dict(settings.DEFAULT_TARGETS)
    for indicator in indicators:
        found = {targets[indicator] for targets in chosen}
        if len(found) > 1:
            raise settings.InvalidSettings(
                f"targets.{indicator}",
                f"các lớp học gộp chung phải có cùng chỉ tiêu «{indicator}»")
        if found:
            agreed[indicator] = found.pop()
    return agreed


def completion(
    roots: Iterable[Path], *, pass_mark: float | None = None,
    core_lessons: Sequence[str] | None = None, target: float | None = None,
    population: Mapping[tuple[str, str], int] | None = None,
) -> list[CommuneRow]:
    """One row per commune over the workshops at ``roots``, sorted by province and commune.

    ``pass_mark`` and ``core_lessons`` default to each workshop's course settings, ``target``
    to their common ``targets.trained``. ``population`` maps (province, commune) to adults;
    keys are matched after NFC and case folding. ``core_lessons`` empty means nobody counts
    as trained.
    """
    roots = [Path(root) for root in roots]
    if target is None:
        target = common_targets(roots, ("trained",))["trained"]
    if not 0 <= target <= 1:
        raise ValueError(f"target: must be between 0 and 1, got {target!r}")
    found = residents(roots, pass_mark=pass_mark, core_lessons=core_lessons)
    return commune_rows(found, population=population, target=target)


#: A workshop's own population file, read when no other is given (``bakhong demo`` puts one).
POPULATION_FILE = "population.csv"


def workshop_population(roots: Iterable[Path]) -> Path | None:
    """The population file kept in the first of the workshops that has one
    (``WORKSHOP/population.csv``), for ``bakhong report`` without ``--population``."""
    for root in roots:
        found = Path(root) / POPULATION_FILE
        if found.is_file():
            return found
    return None


POPULATION_COLUMNS = {
    "province": ("province", "tinh", "tinh thanh pho", "tinh thanh"),
    "commune": ("commune", "xa phuong", "xa", "phuong", "ward", "don vi"),
    "district": ("district", "huyen", "quan huyen", "huyen cu"),
    "adults": ("adults", "so nguoi truong thanh", "nguoi truong thanh", "dan so truong thanh",
               "so nguoi lon", "nguoi lon", "dan so tu 15 tuoi", "dan so"),
}


def read_population(path: Path) -> dict[tuple[str, str], int]:
    """Adults per (province, post-2025 commune) from a CSV or ``.xlsx`` file.

    Columns ``province``, ``commune``, ``adults`` (Vietnamese headers «Tỉnh», «Xã/Phường»,
    «Số người trưởng thành» too) and an optional ``district`` («Huyện»). The file is read like
    a roster (UTF-8 with or without BOM or Windows-1258; comma or semicolon), and communes
    resolve like a roster's: a current name with or without «Xã»/«Phường», or a pre-2025 name
    (with the old district when the name repeats) through the old-to-new table. Keys are the
    post-2025 names, NFC. A bad or repeated row raises :class:`PopulationFileError` with its
    row number (the header is row 1); two old units that merged into one new unit add up.
    """
    from .roster import RosterUnreadable, header_key, read_table, resolve_commune

    try:
        table = read_table(Path(path))
    except RosterUnreadable as err:
        raise PopulationFileError(f"{path}: {err.params.get('why', err)}") from err
    aliases = {alias: col for col, names in POPULATION_COLUMNS.items() for alias in names}
    header = table[0] if table else []
    columns = {aliases[header_key(t)]: i for i, t in enumerate(header) if header_key(t) in aliases}
    missing = [name for name in ("province", "commune", "adults") if name not in columns]
    if missing:
        raise PopulationFileError(f"{path}: row 1: missing column(s) {', '.join(missing)}")

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return _nfc(row[index]) if index is not None and index < len(row) else ""

    found: dict[tuple[str, str], int] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(table[1:], start=2):
        province, commune = cell(row, "province"), cell(row, "commune")
        raw = cell(row, "adults").replace(" ", "").replace(".", "").replace(",", "")
        if not province and not commune and not raw:
            continue
        if not province or not commune:
            raise PopulationFileError(f"{path}: row {number}: province and commune are required")
        try:
            adults = int(raw)
        except ValueError:
            raise PopulationFileError(
                f"{path}: row {number}: adults must be a whole number, got {raw!r}") from None
        if adults < 0:
            raise PopulationFileError(f"{path}: row {number}: adults must not be negative")
        canonical = settings.canonical_province(province)
        if canonical is None:
            raise PopulationFileError(f"{path}: row {number}: unknown province {province!r}")
        try:
            unit, _legacy = resolve_commune(canonical, commune, cell(row, "district") or None)
        except ValueError as err:
            raise PopulationFileError(f"{path}: row {number}: {err}") from None
        key = (text_key(canonical), text_key(commune), text_key(cell(row, "district")))
        if key in seen:
            raise PopulationFileError(
                f"{path}: row {number}: {commune}, {province} repeated (row {seen[key]})")
        seen[key] = number
        found[(canonical, unit.name)] = found.get((canonical, unit.name), 0) + adults
    return found


def write_csv(rows: Iterable[CommuneRow], path: Path) -> None:
    """Write the report UTF-8 with BOM, so Excel shows Vietnamese."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for row in rows:
            writer.writerow([csv_cell(getattr(row, name)) for name in CSV_HEADER])


def build_report(
    roots: Sequence[Path], *, population: Mapping[tuple[str, str], int] | None = None,
    as_of: datetime | None = None, clock: Clock | None = None, public: bool = False,
    pass_mark: float | None = None, core_lessons: Sequence[str] | None = None,
) -> Report:
    """The report over the workshops at ``roots``, as of ``as_of`` (default: ``clock``'s now,
    the system clock without one). Targets are the workshops' common ``[targets]``."""
    roots = [Path(root) for root in roots]
    for root in roots:
        settings.require_workshop(root)
    moment = as_of or (clock or SystemClock()).now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    found = residents(roots, pass_mark=pass_mark, core_lessons=core_lessons)
    rules = trained_rules(
        (chosen.core_lessons if core_lessons is None else core_lessons,
         chosen.pass_mark if pass_mark is None else pass_mark)
        for chosen in (settings.load(root) for root in roots))
    overridden = sum(len(overrides.recorded(root)) for root in roots)
    if overridden:
        rules = (*rules, Note(OVERRIDE_NOTE, {"count": str(overridden)}))
    return build_views(found, as_of=moment, targets=common_targets(roots),
                       population=population, public=public, workshops=len(roots),
                       rules=rules, variants=variant_titles(roots))
