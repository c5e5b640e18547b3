"""What a workshop sends the province, read from the workshop: a :class:`~.package.Payload`.

Each learner becomes a :class:`~.package.ResidentRecord`: the two pseudonyms of
:mod:`.pseudonym` (over the learner id, and over name, province and commune as ``bakhong
report`` matches them), the post-2025 commune code, birth year, sex, the passed lessons with
the moment each was first passed and the moment the resident became trained (the one rule
of :mod:`bakhong.grading.results`: sealed results, the course's pass mark and core lessons),
and the roster's survey answers. Steps are counted over the workshop's evidence: per lesson
and step, the residents refused there at least once (an event whose outcome is not ``ok``)
and those for whom its hint was opened or offered. Residents come in learner-id order, the
order in which ``bakhong report`` meets them.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from vietnam_provinces import Province

from bakhong.grading import course, results, settings
from bakhong.grading.workshop import open_sandbox
from bakhong.simulators import evidence, registry
from bakhong.simulators import learners as learners_mod
from bakhong.simulators.learners import Learner
from bakhong.simulators.sandbox import Store

from .package import SEXES, SURVEY, Payload, ResidentRecord, StepCount
from .pseudonym import ID, WHO, pseudonym, who_text

__all__ = ["collect", "province_code", "step_counts"]

_HINTS = (evidence.HINT_OFFERED, evidence.HINT_OPENED)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def province_code(name: str) -> str:
    wanted = _nfc(name)
    for item in Province.iter_all():
        if _nfc(item.name) == wanted:
            return str(item.code.value)
    raise KeyError(name)


def _birth_year(learner: Learner) -> int | None:
    value: object = learner.birth_year  # as the report reads it: blank or junk is unknown
    try:
        return None if value is None or value == "" else int(str(value))
    except ValueError:
        return None


def _surveys(store: Store) -> dict[str, dict[str, bool]]:
    return {learner: {k: v for k, v in answers.items() if k in SURVEY}
            for learner, answers in learners_mod.survey_answers(store).items()}


def step_counts(store: Store) -> tuple[StepCount, ...]:
    """Per (lesson, step): residents refused there, residents whose hint opened."""
    refused: dict[tuple[str, str], set[str]] = defaultdict(set)
    hinted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for learner, found in evidence.refusals(store).items():
        for lesson, task, _outcome in found:
            if task not in evidence.HELP_TASKS and task != evidence.RESET:
                refused[(lesson, task)].add(learner)
    for learner, lesson, step in evidence.help_steps(store, _HINTS):
        hinted[(lesson, step)].add(learner)
    return tuple(StepCount(lesson, step, len(refused.get((lesson, step), ())),
                           len(hinted.get((lesson, step), ())))
                 for lesson, step in sorted(set(refused) | set(hinted)))


def collect(root: Path, *, pseudonym_key: bytes, seq: int, now: datetime, label: str,
            ) -> Payload:
    """The package payload of the workshop at ``root`` (read-only)."""
    chosen = settings.load(root)
    lessons = tuple(dict.fromkeys((*course.LESSONS, *chosen.core_lessons)))
    box = open_sandbox(root)
    try:
        graded = results.read_workshop(root, box.store, box.workshop_id)
        surveys = _surveys(box.store)
        codes = dict(registry.communes(chosen.province))
        by_name = {_nfc(name).casefold(): code for code, name in codes.items()}
        residents = []
        for learner in learners_mod.all_learners(box.store):
            me = learner.learner_id
            province = _nfc(learner.province or
                            registry.persona_of_learner(box.store, me).province_name)
            commune = _nfc(learner.commune)
            code = learner.commune_code or by_name[commune.casefold()]
            codes.setdefault(code, commune)
            passed = {lesson: at for lesson in lessons
                      if (at := graded.passed_at(me, lesson)) is not None}
            residents.append(ResidentRecord(
                pseudonym(pseudonym_key, ID, learner.match_id(box.workshop_id)),
                pseudonym(pseudonym_key, WHO, who_text(learner.full_name, province, commune)),
                str(code), _birth_year(learner),
                learner.sex if learner.sex in SEXES else None, MappingProxyType(passed),
                graded.trained_at(me), MappingProxyType(surveys.get(me, {}))))
        met = {item.commune for item in residents}
        return Payload(
            box.workshop_id, seq, now, label, province_code(chosen.province),
            _nfc(chosen.province), MappingProxyType({c: codes[c] for c in sorted(met)}),
            chosen.pass_mark, tuple(chosen.core_lessons), lessons, tuple(residents),
            step_counts(box.store))
    finally:
        box.close()
