"""Learners, their codes and their consent.

A learner is a roster entry (the name and commune as the trainer typed them)
paired with one fictional persona. The learner code printed on the card is 8
characters from an alphabet without look-alikes (no 0/O/1/I), drawn from the
injected random source (``random.SystemRandom`` when serving).

Codes are typed on Vietnamese phone keyboards, which compose as one types: in Telex
``AS`` becomes ``Á``, ``DD`` becomes ``Đ`` and ``W`` becomes ``Ư``; in VNI ``A1``
becomes ``Á``. New codes therefore hold no vowel, no D and no W, so nothing in them can
compose; a code of an older workshop that has composed is read back both ways
(:func:`code_candidates`).

Whatever is typed (or sent in a link), reading it back is bounded: a composed letter
stands for one to three keys, so a code of 8 keys is at most 8 letters, and at most
:data:`MAX_TYPED` characters with its spaces and marks; anything longer is no code and is
refused before any reading is made. Only «Ư» has two Telex readings (``UW`` or ``W``), so
there are at most 2**8 + 1 readings, and only the card-shaped ones
(:func:`card_readings`) are looked up.

>>> code_is_well_formed("K7M2-QX9P")
True
>>> compact_code(" k7m2 qx9p ")
'K7M2QX9P'
>>> sorted(code_candidates("k7á2đx9"))  # K7AS2DDX9 typed with Telex
['K7A12D9X9', 'K7AS2DDX9']
>>> code_candidates("Ư" * 22), code_candidates("Z" * 10_000)  # no card holds these
(set(), set())
"""

from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .clock import Clock
from .errors import N_, ConsentRequired, SandboxError, UnknownLearner
from .store import (
    LEARNER_TABLES,
    Store,
    consents,
    dumps,
    flow_states,
    learners,
    personas,
    save_flow_state,
)

#: The characters of new codes: no look-alikes (0/O, 1/I) and nothing a Telex or VNI
#: keyboard composes (the vowels A E U Y, D, W): 26 characters, 8 of them about 37 bits.
CODE_ALPHABET = "23456789BCFGHJKLMNPQRSTVXZ"
#: The characters codes may hold: those of the first workshops too (with vowels, D and W).
READ_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
#: The most characters a typed code may hold before it is read: 8 letters of up to three
#: code points each (a base and two combining marks when not composed), with spaces or
#: dashes between them and around. Anything longer is refused unread.
MAX_TYPED = 64

# What a keyboard composed, as the keys that made it: Telex, then VNI.
_TONES = {"\u0301": ("S", "1"), "\u0300": ("F", "2"), "\u0309": ("R", "3"),
          "\u0303": ("X", "4"), "\u0323": ("J", "5")}
_SHAPES = {"\u0302": (None, "6"), "\u0306": ("W", "8"), "\u031b": ("W", "7")}

#: Version of the privacy notice a learner consents to; bump it when the text changes.
NOTICE_VERSION = "2026-11.1"


@dataclass(frozen=True)
class Learner:
    learner_id: str
    code: str
    full_name: str
    commune: str
    persona_id: str
    language: str
    province: str | None = None
    commune_code: str | None = None
    birth_year: int | None = None
    sex: str | None = None
    legacy_commune: str | None = None
    legacy_district: str | None = None
    #: Whether the roster gave the id (True), or ``init`` numbered the learner (False: hv001
    #: of one workshop is not hv001 of another); None for a learner enrolled before it was
    #: recorded (:attr:`matches_across_workshops` then judges by the id's form).
    id_given: bool | None = None

    @property
    def matches_across_workshops(self) -> bool:
        """Whether the id names the same resident in another workshop: only an id the
        roster gave (an id ``init`` made, ``hv`` and digits, names nobody outside).

        >>> def learner(learner_id: str) -> Learner:
        ...     return Learner(learner_id, "K7M2QX9P", "Hoa", "Xã Thọ Long", "p1", "vi")
        >>> learner("hv001").matches_across_workshops, learner("TL-0042").matches_across_workshops
        (False, True)
        """
        if self.id_given is not None:
            return bool(self.id_given)
        return AUTOMATIC_ID.fullmatch(self.learner_id) is None

    def match_id(self, workshop_id: str) -> str:
        """The id enrolments of several workshops are matched on: the roster's id, or, for an
        id ``init`` made, that id within its workshop (which matches nothing outside)."""
        if self.matches_across_workshops:
            return self.learner_id
        return f"{workshop_id}/{self.learner_id}"


#: The ids ``init`` gives learners a roster does not number (``grading.roster``).
AUTOMATIC_ID = re.compile(r"hv\d{3,}")


def nfc(text: str) -> str:
    """Vietnamese text in one normal form, so that comparisons are fair."""
    return unicodedata.normalize("NFC", text).strip()


def compact_code(code: str) -> str:
    """The code without spaces, dashes or case; composed letters kept (NFC)."""
    return "".join(ch for ch in unicodedata.normalize("NFC", code).upper() if ch.isalnum())


def _keys(letter: str, vni: bool) -> tuple[str, ...]:
    """The keys that may have made one letter: ``Ấ`` → ``AAS`` (Telex) or ``A61`` (VNI);
    ``Ư`` is ``UW`` or a lone ``W`` in Telex."""
    if letter.isascii():
        return (letter,)
    if letter == "Đ":
        return ("D9",) if vni else ("DD",)
    decomposed = unicodedata.normalize("NFD", letter)
    base, marks = decomposed[0], decomposed[1:]
    shape = "".join((s[1] if vni else (s[0] or base)) for m in marks if (s := _SHAPES.get(m)))
    tone = "".join(t[1 if vni else 0] for m in marks if (t := _TONES.get(m)))
    keys = base + shape + tone
    return (keys, keys[1:]) if not vni and keys.startswith("UW") else (keys,)


def code_candidates(code: str) -> set[str]:
    """What the learner meant by ``code``: itself, or its composed letters typed back as
    Telex or as VNI keys (only the plain code when nothing composed).

    Empty when ``code`` cannot be a card code typed on any keyboard: longer than
    :data:`MAX_TYPED` characters, or more than :data:`CODE_LENGTH` letters once compacted
    (no letter stands for fewer keys than one). At most ``2**8 + 1`` readings.
    """
    if len(code) > MAX_TYPED:
        return set()
    plain = compact_code(code)
    if len(plain) > CODE_LENGTH:
        return set()
    if plain.isascii():
        return {plain}
    return {"".join(parts) for vni in (False, True)
            for parts in itertools.product(*(_keys(ch, vni) for ch in plain))}


def card_readings(code: str) -> set[str]:
    """The readings of ``code`` a card could carry (:data:`CODE_LENGTH` characters of
    :data:`READ_ALPHABET`): the only ones worth a look in the store.

    >>> sorted(code_candidates("K7Â2ĐƯ"))
    ['K7A62D9U7', 'K7AA2DDUW', 'K7AA2DDW']
    >>> sorted(card_readings("K7Â2ĐƯ"))  # the other two are 9 keys long
    ['K7AA2DDW']
    """
    return {reading for reading in code_candidates(code)
            if len(reading) == CODE_LENGTH and all(ch in READ_ALPHABET for ch in reading)}


def code_is_well_formed(code: str) -> bool:
    return bool(card_readings(code))


def new_code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class FreeCodes:
    """The learner codes in use, read once: a batch draws new codes against them in memory
    (use one inside one transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.taken = {row[0] for row in conn.execute(sa.select(learners.c.code))}

    def draw(self, rng: random.Random) -> str:
        code = new_code(rng)
        while code in self.taken:
            code = new_code(rng)
        self.taken.add(code)
        return code


def enrol(
    conn: Connection, clock: Clock, rng: random.Random, *,
    learner_id: str, full_name: str, commune: str, persona_id: str, language: str = "vi",
    survey: Mapping[str, bool] | None = None, codes: FreeCodes | None = None,
    **roster: str | int | None,
) -> Learner:
    """Add a learner; ``roster`` holds the optional details (province, birth_year, …).

    ``survey`` holds the roster's answered survey questions (``{"smartphone": True}``), kept
    as JSON for the reports; none answered leaves the column empty.
    """
    code = (codes or FreeCodes(conn)).draw(rng)
    details = {k: nfc(v) if isinstance(v, str) else v for k, v in roster.items()}
    learner = Learner(learner_id, code, nfc(full_name), nfc(commune), persona_id, language,
                      **details)  # type: ignore[arg-type]
    conn.execute(learners.insert().values(
        learner_id=learner.learner_id, code=code, full_name=learner.full_name,
        commune=learner.commune, persona_id=persona_id, language=language,
        created_at=clock.now().isoformat(),
        survey=dumps({k: bool(v) for k, v in survey.items()}) if survey else None, **details,
    ))
    return learner


def reissue_code(store: Store, clock: Clock, rng: random.Random, learner_id: str) -> Learner:
    """Give the learner a fresh code (a lost card): the old code stops working at once.

    Drawn like :func:`enrol`'s, from ``rng`` (``random.SystemRandom`` for a real workshop),
    never a code in use (the old one included), in one write transaction. Nothing else
    changes: the persona, the work done and the consent stay the learner's. ``clock`` is
    taken like the other writers here take it; the learners table records no time for a
    code yet (``created_at`` is the enrolment's). Raises :class:`UnknownLearner`.

    >>> from bakhong.simulators.sandbox import Sandbox
    >>> box = Sandbox.open("sqlite://", seed="reissue")
    >>> old = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])[0]
    >>> new = reissue_code(box.store, box.clock, random.Random(7), "hv001")
    >>> new.code != old.code and code_is_well_formed(new.code), new.full_name
    (True, 'Lê Thị Hoa')
    >>> by_code(box.store, new.code).learner_id
    'hv001'
    >>> by_code(box.store, old.code)
    Traceback (most recent call last):
    ...
    bakhong.simulators.errors.UnknownLearner: Không tìm thấy học viên với mã này. ...
    >>> box.close()
    """
    with store.transaction() as conn:
        code = FreeCodes(conn).draw(rng)
        changed = conn.execute(learners.update().where(learners.c.learner_id == learner_id)
                               .values(code=code)).rowcount
    if not changed:
        raise UnknownLearner(learner_id)
    return by_id(store, learner_id)


def _learner(row: sa.Row[Any] | None, key: str) -> Learner:
    if row is None:
        raise UnknownLearner(key)
    return Learner(**row._mapping)


_COLUMNS = (learners.c.learner_id, learners.c.code, learners.c.full_name,
            learners.c.commune, learners.c.persona_id, learners.c.language,
            learners.c.province, learners.c.commune_code, learners.c.birth_year, learners.c.sex,
            learners.c.legacy_commune, learners.c.legacy_district, learners.c.id_given)


def by_code(store: Store, code: str) -> Learner:
    """The learner whose card carries ``code``; typing mistakes in case and spaces are forgiven.

    A code no card can carry (no :func:`card_readings`: too long, a character no code
    holds) is refused at once, without a query; otherwise it is one query with at most 257
    readings. The refusal's detail is the start of what was typed, never all of it.
    """
    readings = card_readings(code)
    rows = (store.read(sa.select(*_COLUMNS).where(learners.c.code.in_(sorted(readings))))
            if readings else [])
    return _learner(rows[0] if rows else None, code[:MAX_TYPED // 4])


def by_id(store: Store, learner_id: str) -> Learner:
    rows = store.read(sa.select(*_COLUMNS).where(learners.c.learner_id == learner_id))
    return _learner(rows[0] if rows else None, learner_id)


def all_learners(store: Store) -> list[Learner]:
    rows = store.read(sa.select(*_COLUMNS).order_by(learners.c.learner_id))
    return [Learner(**row._mapping) for row in rows]


def survey_answers(store: Store) -> dict[str, dict[str, bool]]:
    """learner -> the optional survey's answers, for those who gave any."""
    rows = store.read(sa.select(learners.c.learner_id, learners.c.survey)
                      .where(learners.c.survey.is_not(None)))
    return {row.learner_id: {k: bool(v) for k, v in json.loads(row.survey).items()}
            for row in rows}


def set_language(store: Store, learner_id: str, language: str) -> None:
    with store.transaction() as conn:
        conn.execute(learners.update().where(learners.c.learner_id == learner_id)
                     .values(language=language))


#: How the learner's pages look, beside the language: bigger text, stronger contrast.
DISPLAY_MODES = ("large_text", "high_contrast")
_DISPLAY_FLOW = "display"


class UnknownDisplayMode(SandboxError):
    code = "learner.unknown_display_mode"
    message = N_("Chế độ hiển thị không có trong ứng dụng.")


def display_modes(store: Store, learner_id: str) -> frozenset[str]:
    """The display modes the learner switched on (kept like the language, per learner).

    >>> from bakhong.simulators.sandbox import Sandbox
    >>> box = Sandbox.open("sqlite://", seed="display")
    >>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
    >>> set_display_modes(box.store, box.clock, "hv001", {"large_text"})
    >>> sorted(display_modes(box.store, "hv001")), sorted(display_modes(box.store, "hv002"))
    (['large_text'], [])
    >>> box.close()
    """
    raw = store.read(sa.select(flow_states.c.state).where(
        (flow_states.c.learner_id == learner_id) & (flow_states.c.flow == _DISPLAY_FLOW)))
    if not raw:
        return frozenset()
    return frozenset(m for m in json.loads(raw[0][0]).get("modes", ()) if m in DISPLAY_MODES)


def set_display_modes(store: Store, clock: Clock, learner_id: str,
                      modes: Iterable[str]) -> None:
    """Keep the learner's display modes; raises :class:`UnknownDisplayMode` for another."""
    chosen = sorted(set(modes))
    if any(m not in DISPLAY_MODES for m in chosen):
        raise UnknownDisplayMode()
    by_id(store, learner_id)
    with store.transaction() as conn:
        save_flow_state(conn, learner_id, _DISPLAY_FLOW, {"modes": chosen},
                        clock.now().isoformat())


def record_consent(store: Store, clock: Clock, learner_id: str) -> None:
    """Record that the learner read notice ``NOTICE_VERSION`` and agreed, at this time."""
    by_id(store, learner_id)
    with store.transaction() as conn:
        conn.execute(sa.delete(consents).where(consents.c.learner_id == learner_id))
        conn.execute(consents.insert().values(
            learner_id=learner_id, notice_version=NOTICE_VERSION,
            consented_at=clock.now().isoformat(),
        ))


#: Asked in every action's transaction: built once (see ``store._FLOW_STATE``).
_CONSENT = sa.select(consents.c.notice_version).where(
    consents.c.learner_id == sa.bindparam("learner_id"))


def has_consented(conn: Connection, learner_id: str) -> bool:
    version = conn.execute(_CONSENT, {"learner_id": learner_id}).scalar()
    return version == NOTICE_VERSION


def require_consent(conn: Connection, learner_id: str) -> None:
    if not has_consented(conn, learner_id):
        raise ConsentRequired(learner_id)


def name_in_use(store: Store, full_name: str) -> bool:
    """Whether a learner or a fictional persona of the sandbox bears ``full_name`` (NFC)."""
    name = nfc(full_name)
    return bool(store.read(sa.select(learners.c.learner_id).where(learners.c.full_name == name)
                           .limit(1))
                or store.read(sa.select(personas.c.persona_id)
                              .where(personas.c.full_name == name).limit(1)))


def forget(store: Store, learner_id: str) -> None:
    """Remove the learner and everything the sandbox holds about them, persona included.

    On SQLite the deletion runs with ``secure_delete``, so the freed pages are overwritten
    with zeros rather than left holding the rows; what older writes left in free pages and
    in the ``-wal`` file goes with a ``VACUUM`` and a checkpoint
    (:func:`bakhong.grading.workshop.forget` runs them once the store is closed).
    """
    learner = by_id(store, learner_id)
    with store.transaction() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA secure_delete = ON")
        for table in LEARNER_TABLES:
            conn.execute(sa.delete(table).where(table.c.learner_id == learner_id))
        conn.execute(sa.delete(learners).where(learners.c.learner_id == learner_id))
        conn.execute(sa.delete(personas).where(personas.c.persona_id == learner.persona_id))
        if sqlite:
            conn.exec_driver_sql("PRAGMA secure_delete = OFF")
