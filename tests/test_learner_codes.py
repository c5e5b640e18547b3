"""Learner codes typed on a Vietnamese phone keyboard.

Telex and VNI compose as one types (``AS`` → ``Á``, ``DD`` → ``Đ``, ``W`` → ``Ư``,
``A1`` → ``Á``): new codes hold nothing that composes, and a code of an older workshop
that composed is still found.
"""

from __future__ import annotations

import random
import unicodedata

import pytest
import sqlalchemy as sa

from bakhong.simulators import learners
from bakhong.simulators.errors import UnknownLearner
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.store import learners as learners_table

#: What Telex and VNI make of the keys, as the keyboards do (one composed letter each).
TELEX = {"AS": "Á", "AA": "Â", "AAS": "Ấ", "AW": "Ă", "EE": "Ê", "EX": "Ẽ", "UW": "Ư",
         "W": "Ư", "DD": "Đ", "YJ": "Ỵ", "UF": "Ù"}
VNI = {"A1": "Á", "A6": "Â", "A61": "Ấ", "A8": "Ă", "E6": "Ê", "U7": "Ư", "D9": "Đ", "Y5": "Ỵ"}


def test_new_codes_hold_nothing_a_keyboard_composes() -> None:
    composing = set("AEIOUYDW")  # Telex vowels and D, W; VNI digits only act after a vowel
    assert not composing & set(learners.CODE_ALPHABET)
    assert not set("0O1I") & set(learners.CODE_ALPHABET)
    rng = random.Random(7)
    assert all(set(learners.new_code(rng)) <= set(learners.CODE_ALPHABET) for _ in range(500))
    assert len(learners.CODE_ALPHABET) ** learners.CODE_LENGTH > 2 ** 37  # still unguessable


@pytest.mark.parametrize(("keys", "composed"), [*TELEX.items(), *VNI.items()])
def test_a_composed_letter_is_read_back_as_its_keys(keys: str, composed: str) -> None:
    code = f"K7{keys}2QX"
    typed = f"k7{composed.lower()}2qx"
    assert code in learners.code_candidates(typed)
    assert code in learners.code_candidates(unicodedata.normalize("NFD", typed))


@pytest.fixture
def box() -> Sandbox:
    sandbox = Sandbox.open("sqlite://", seed="codes")
    sandbox.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long"),
                          ("hv002", "Trần Văn Nam", "Xã Thọ Long")])
    return sandbox


def test_an_older_workshops_code_that_composed_is_found(box: Sandbox) -> None:
    with box.store.transaction() as conn:  # codes of the first alphabet, with vowels, D, W
        conn.execute(sa.update(learners_table).where(learners_table.c.learner_id == "hv001")
                     .values(code="K7AS2DDW"))
    assert learners.by_code(box.store, "k7á2đư").learner_id == "hv001"  # Telex
    assert learners.by_code(box.store, "K7Á2Đ W").learner_id == "hv001"  # as typed, spaces
    assert learners.by_code(box.store, "K7AS2DDW").learner_id == "hv001"
    with pytest.raises(UnknownLearner):
        learners.by_code(box.store, "K7Â2ĐƯ")  # AA is another code
    box.close()


def test_a_new_code_is_found_as_typed(box: Sandbox) -> None:
    learner = learners.all_learners(box.store)[1]
    assert learners.code_is_well_formed(learner.code)
    spaced = f" {learner.code[:4].lower()} {learner.code[4:]} "
    assert learners.by_code(box.store, spaced).learner_id == learner.learner_id
    box.close()
