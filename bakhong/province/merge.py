"""One resident per person: the report's rule (:mod:`bakhong.grading.report`), on pseudonyms.

Two enrolments are the same resident when they share the ``id`` pseudonym (the learner
id), or share the ``who`` pseudonym (name, province and commune) and their birth years
agree (either one unknown agrees with anything). Matching is transitive. A merged resident
lives in the commune of their first enrolment (workshops in the order they were registered,
residents in the order of their package, which is learner-id order), is trained if trained
in any enrolment, at the earliest such moment, keeps the first known birth year and sex, a
"yes" to a survey question anywhere (then a "no"), and every passed lesson.

Equal ``who`` pseudonyms connect pairwise, so within one ``who`` the components are simple:
all of them when any birth year is unknown, else one per birth year.

>>> from datetime import datetime, timezone
>>> at = datetime(2026, 12, 1, tzinfo=timezone.utc)
>>> a = Enrolment((1, 0), b"i1", b"w", "38", "15505", 1960, "nữ", None, {}, {"smartphone": False})
>>> b = Enrolment((2, 0), b"i2", b"w", "38", "14797", None, None, at, {"vneid": at}, {})
>>> c = Enrolment((2, 1), b"i3", b"w", "38", "14797", 1975, None, None, {}, {"smartphone": True})
>>> [len(g) for g in groups([a, b, c])]  # b's unknown year joins a and c
[3]
>>> one = merged(groups([a, b, c])[0])
>>> one.commune_code, one.trained_at == at, one.birth_year, one.survey, one.passed
('15505', True, 1960, {'smartphone': True}, ('vneid',))
>>> [len(g) for g in groups([a, c])]
[1, 1]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Enrolment", "Merged", "groups", "merged"]


@dataclass(frozen=True)
class Enrolment:
    order: tuple[int, int]  # (workshop's registration serial, position in its package)
    p_id: bytes
    p_who: bytes
    province_code: str
    commune_code: str
    birth_year: int | None
    sex: str | None
    trained_at: datetime | None
    passed: Mapping[str, object]
    survey: Mapping[str, bool]


@dataclass(frozen=True)
class Merged:
    province_code: str
    commune_code: str
    trained_at: datetime | None
    birth_year: int | None
    sex: str | None
    passed: tuple[str, ...]
    survey: dict[str, bool]


def groups(items: Sequence[Enrolment]) -> list[list[Enrolment]]:
    """The enrolments of each resident, in ``order``; residents by their first enrolment."""
    ordered = sorted(items, key=lambda item: item.order)
    parent = list(range(len(ordered)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_id: dict[bytes, int] = {}
    by_who: dict[bytes, list[int]] = {}
    for i, item in enumerate(ordered):
        if item.p_id in by_id:
            union(by_id[item.p_id], i)
        else:
            by_id[item.p_id] = i
        by_who.setdefault(item.p_who, []).append(i)
    for members in by_who.values():
        if len(members) < 2:
            continue
        if any(ordered[i].birth_year is None for i in members):
            for i in members[1:]:
                union(members[0], i)
            continue
        first_of_year: dict[int | None, int] = {}
        for i in members:
            year = ordered[i].birth_year
            if year in first_of_year:
                union(first_of_year[year], i)
            else:
                first_of_year[year] = i
    found: dict[int, list[Enrolment]] = {}
    for i, item in enumerate(ordered):
        found.setdefault(find(i), []).append(item)
    return [found[root] for root in sorted(found)]


def merged(group: Sequence[Enrolment]) -> Merged:
    """One resident's facts from their enrolments (``group`` in ``order``)."""
    first = group[0]
    moments = [item.trained_at for item in group if item.trained_at is not None]
    survey: dict[str, bool] = {}
    for item in group:
        for name, answer in item.survey.items():
            survey[name] = survey.get(name, False) or answer
    passed = sorted({lesson for item in group for lesson in item.passed})
    return Merged(
        first.province_code, first.commune_code, min(moments) if moments else None,
        next((i.birth_year for i in group if i.birth_year is not None), None),
        next((i.sex for i in group if i.sex is not None), None), tuple(passed), survey)
