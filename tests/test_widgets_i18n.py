"""The English catalogue covers every marked string; the translators behave."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bakhong.simulators import idnumber
from bakhong.simulators.errors import NotInSandbox
from bakhong.simulators.vneid import PasscodeLocked, WrongPasscode
from bakhong.widgets.i18n import UNEXPECTED, error_text, translator

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "widgets" / "locale" / "en" / "LC_MESSAGES" / "bakhong.po"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def marked_strings() -> dict[str, str]:
    """Every ``_()`` / ``N_()`` string of the package, with where it is: what residents see
    (simulators, widgets) and what trainers and officials see (grading, the commands)."""
    found: dict[str, str] = {}
    for folder in ("simulators", "widgets", "grading", "bakhong"):
        for filename, line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")],
                keywords={"_": None, "N_": None}):
            if isinstance(message, str):  # no plural forms are used
                found.setdefault(message, f"{folder}/{filename}:{line}")
    return found


def idnumber_messages() -> set[str]:
    """idnumber's errors are not N_-marked but reach the learner through error_text."""
    errors: list[type[idnumber.InvalidIdNumber]] = [
        obj for obj in vars(idnumber).values()
        if isinstance(obj, type) and issubclass(obj, idnumber.InvalidIdNumber)]
    return {cls.message for cls in errors}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, str]:
    with PO.open("rb") as source:
        catalog = read_po(source, locale="en")
    return {m.id: m.string for m in catalog
            if isinstance(m.id, str) and m.id and isinstance(m.string, str)}


def test_the_po_parses_and_has_no_fuzzy_entries() -> None:
    with PO.open("rb") as source:
        catalog = read_po(source, locale="en")
    assert len(catalog) > 100
    assert not [m.id for m in catalog if m.id and m.fuzzy]


def test_every_marked_string_has_an_english_translation(catalogue: dict[str, str]) -> None:
    strings = marked_strings()
    assert len(strings) > 100
    missing = {where: msg for msg, where in strings.items()
               if not catalogue.get(msg) and not _bilingual(msg)}
    assert not missing, f"translate in {PO.name}: {missing}"


def _bilingual(message: str) -> bool:
    """A trainer's message that carries its English after « / », or in an ``{english}``
    field (written for the command line, which prints both), needs no catalogue entry."""
    if message.endswith("{english}"):
        return True
    _vietnamese, _, english = message.partition(" / ")
    return bool(english) and not any(
        ch.isalpha() and "\u00c0" <= ch <= "\u1ef9" for ch in english)


def test_no_stale_entries(catalogue: dict[str, str]) -> None:
    known = set(marked_strings()) | idnumber_messages()
    stale = set(catalogue) - known
    assert not stale, f"no longer in the code, remove from {PO.name}: {sorted(stale)}"


def test_idnumber_messages_are_translated(catalogue: dict[str, str]) -> None:
    for message in idnumber_messages():
        assert catalogue.get(message), message


def test_translations_keep_their_placeholders(catalogue: dict[str, str]) -> None:
    for source, english in catalogue.items():
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(english)), source


def test_vietnamese_is_the_source_and_english_falls_back_to_it() -> None:
    assert translator("vi")("Gửi yêu cầu") == "Gửi yêu cầu"
    assert translator("en")("Gửi yêu cầu") == "Send request"
    assert translator("en")("Một câu mới chưa dịch") == "Một câu mới chưa dịch"
    assert translator("pseudo")("Còn {remaining} lần") == "⟦Còn {remaining} lần⟧"
    with pytest.raises(ValueError):
        translator("fr")


def test_error_text_translates_and_fills_params() -> None:
    en, vi = translator("en"), translator("vi")
    assert error_text(WrongPasscode(remaining=3), vi) == "Passcode không đúng. Bạn còn 3 lần thử."
    assert error_text(WrongPasscode(remaining=3), en) == "Wrong passcode. You have 3 tries left."
    assert "08:30" in error_text(PasscodeLocked(until="08:30"), en)
    assert error_text(NotInSandbox("real-looking phone"), vi) == NotInSandbox.message
    assert error_text(idnumber.InvalidLength("11 digits"), en) == (
        "A personal ID number has exactly 12 digits.")
    pseudo = error_text(WrongPasscode(remaining=1), translator("pseudo"))
    assert pseudo.startswith("⟦") and "1" in pseudo


def test_error_text_never_shows_an_unexpected_error() -> None:
    text = error_text(KeyError("/home/trainer/secret.db"), translator("vi"))
    assert text == UNEXPECTED
    assert error_text(ZeroDivisionError(), translator("en")).startswith("Something unexpected")
    # a message whose params do not match still gives the sentence, not a crash
    assert error_text(WrongPasscode(), translator("vi")).startswith("Passcode không đúng")
