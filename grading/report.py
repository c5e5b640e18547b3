"""The completion report: trained residents per post-2025 commune, merged over workshops.

One row per (province, commune) where at least one resident is enrolled:

* ``enrolled`` — distinct residents enrolled in any of the workshops;
* ``trained`` — those of them who passed every core lesson in at least one workshop, where
  *passed* means nbgrader's gradebook holds a submission scoring at least
  ``pass_mark × max_score`` (a missing submission or lesson counts as not passed);
* ``rate_enrolled`` = trained / enrolled;
* ``population`` — adults of the commune from the optional communes file, and
  ``rate_population`` = trained / population; ``meets_target`` compares ``rate_population``
  (never ``rate_enrolled``) with ``target``. All three stay empty (``None``) when the
  population is unknown or zero.

A resident enrolled in several workshops counts once. Two enrolments are the same resident
when they share the ``learner_id``, or when their full names (NFC, case-folded, spaces
collapsed), province, commune and birth year agree. The birth year is optional: when either
enrolment has none (``birth_year`` missing or empty), name, province and commune alone decide.
Matching is transitive: enrolments linked through one another form one resident, who is
counted in the province and commune of the first enrolment seen (workshops in the order
given, learners by id).

The report holds counts only: no name, learner id, ID number or phone number is written.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bakhong.simulators import learners as learners_mod
from bakhong.simulators import registry
from bakhong.simulators.learners import Learner

from . import course, settings
from .workshop import open_sandbox

__all__ = [
    "CSV_HEADER",
    "CommuneRow",
    "PopulationFileError",
    "completion",
    "read_population",
    "write_csv",
]

CSV_HEADER = ("province", "commune", "enrolled", "trained", "rate_enrolled", "population",
              "rate_population", "target", "meets_target")
RATE_PLACES = 4
_EPSILON = 1e-9  # scores are sums of floats


@dataclass(frozen=True)
class CommuneRow:
    province: str
    commune: str
    enrolled: int
    trained: int
    rate_enrolled: float
    population: int | None
    rate_population: float | None
    target: float
    meets_target: bool | None


class PopulationFileError(ValueError):
    """A communes file that cannot be read; the message names the row and the reason."""


@dataclass(frozen=True)
class _Enrolment:
    learner_id: str
    full_name: str
    province: str
    commune: str
    birth_year: int | None
    trained: bool


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _key(text: str) -> str:
    """Text as compared: NFC, case-folded, runs of spaces collapsed."""
    return " ".join(_nfc(text).casefold().split())


def _birth_year(learner: Learner) -> int | None:
    value = getattr(learner, "birth_year", None)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _passed(gradebook: object, lesson: str, learner_id: str, pass_mark: float) -> bool:
    from nbgrader.api import MissingEntry

    try:
        submission = gradebook.find_submission(lesson, learner_id)  # type: ignore[attr-defined]
    except MissingEntry:
        return False
    score, max_score = submission.score, submission.max_score
    if score is None or not max_score:
        return False
    return float(score) + _EPSILON >= pass_mark * float(max_score)


def _enrolments(root: Path, pass_mark: float, core_lessons: Sequence[str]) -> list[_Enrolment]:
    """Every learner of one workshop, with province, post-2025 commune and trained flag."""
    from nbgrader.api import Gradebook

    box = open_sandbox(root)
    try:
        found = []
        gradebook_file = root / "gradebook.db"
        with (Gradebook(course.gradebook_url(root)) if gradebook_file.exists()
              else _NoGradebook()) as gradebook:
            for learner in learners_mod.all_learners(box.store):
                province = getattr(learner, "province", None) or \
                    registry.persona_of_learner(box.store, learner.learner_id).province_name
                trained = bool(core_lessons) and all(
                    _passed(gradebook, lesson, learner.learner_id, pass_mark)
                    for lesson in core_lessons)
                found.append(_Enrolment(learner.learner_id, _nfc(learner.full_name),
                                        _nfc(province), _nfc(learner.commune),
                                        _birth_year(learner), trained))
        return found
    finally:
        box.close()


class _NoGradebook:
    """A workshop never graded: nobody passed anything."""

    def __enter__(self) -> _NoGradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def find_submission(self, lesson: str, learner_id: str) -> object:
        from nbgrader.api import MissingEntry

        raise MissingEntry()


def _same_resident(a: _Enrolment, b: _Enrolment) -> bool:
    if a.learner_id == b.learner_id:
        return True
    if (_key(a.full_name), _key(a.province), _key(a.commune)) != \
            (_key(b.full_name), _key(b.province), _key(b.commune)):
        return False
    return a.birth_year is None or b.birth_year is None or a.birth_year == b.birth_year


def _residents(enrolments: list[_Enrolment]) -> list[list[_Enrolment]]:
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
        candidates = [by_id[item.learner_id]] if item.learner_id in by_id else []
        candidates += by_name.get((_key(item.full_name), _key(item.province),
                                   _key(item.commune)), [])
        for j in candidates:
            if _same_resident(enrolments[j], item):
                a, b = find(j), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        by_id.setdefault(item.learner_id, i)
        by_name.setdefault((_key(item.full_name), _key(item.province), _key(item.commune)),
                           []).append(i)
    groups: dict[int, list[_Enrolment]] = {}
    for i, item in enumerate(enrolments):
        groups.setdefault(find(i), []).append(item)
    return [groups[root] for root in sorted(groups)]


def _common_target(roots: Sequence[Path]) -> float:
    """The ``targets.trained`` the workshops' settings agree on."""
    found = {settings.load(root).targets["trained"] for root in roots}
    if len(found) > 1:
        raise settings.InvalidSettings(
            "targets.trained", "các lớp học gộp chung phải có cùng chỉ tiêu «trained»")
    return found.pop() if found else settings.DEFAULT_TARGETS["trained"]


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
    if pass_mark is not None and not 0 <= pass_mark <= 1:
        raise ValueError(f"pass_mark: must be between 0 and 1, got {pass_mark!r}")
    if target is None:
        target = _common_target(roots)
    if not 0 <= target <= 1:
        raise ValueError(f"target: must be between 0 and 1, got {target!r}")
    enrolments: list[_Enrolment] = []
    for root in roots:
        chosen = settings.load(root)
        enrolments.extend(_enrolments(
            root, chosen.pass_mark if pass_mark is None else pass_mark,
            tuple(chosen.core_lessons if core_lessons is None else core_lessons)))
    adults = {(_key(p), _key(c)): n for (p, c), n in (population or {}).items()}
    counts: dict[tuple[str, str], list[int]] = {}
    names: dict[tuple[str, str], tuple[str, str]] = {}
    for group in _residents(enrolments):
        first = group[0]
        key = (_key(first.province), _key(first.commune))
        names.setdefault(key, (first.province, first.commune))
        tally = counts.setdefault(key, [0, 0])
        tally[0] += 1
        tally[1] += any(item.trained for item in group)
    rows = []
    for key, (enrolled, trained) in counts.items():
        province, commune = names[key]
        people = adults.get(key)
        rate_population = trained / people if people else None
        rows.append(CommuneRow(
            province=province, commune=commune, enrolled=enrolled, trained=trained,
            rate_enrolled=trained / enrolled, population=people,
            rate_population=rate_population, target=target,
            meets_target=None if rate_population is None
            else rate_population + _EPSILON >= target))
    return sorted(rows, key=lambda row: (_key(row.province), _key(row.commune)))


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
        key = (_key(canonical), _key(commune), _key(cell(row, "district")))
        if key in seen:
            raise PopulationFileError(
                f"{path}: row {number}: {commune}, {province} repeated (row {seen[key]})")
        seen[key] = number
        found[(canonical, unit.name)] = found.get((canonical, unit.name), 0) + adults
    return found


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.{RATE_PLACES}f}"
    return str(value)


def write_csv(rows: Iterable[CommuneRow], path: Path) -> None:
    """Write the report UTF-8 with BOM, so Excel shows Vietnamese."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for row in rows:
            writer.writerow([_cell(getattr(row, name)) for name in CSV_HEADER])
