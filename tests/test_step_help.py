"""Every screen of the four practice apps has its step help, and only screens that exist.

The help bar under an app's screen looks up ``step_help`` by the step on show (and
``"<step>.<panel>"`` first when the view has a panel other than ``home``). These tests
fail when a step or a panel is added without help, or when help is left for a step that
is gone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from bakhong.simulators import bank, signing, vneid
from bakhong.widgets import (
    bank_app,
    bank_help,
    portal_app,
    portal_help,
    signing_app,
    signing_help,
    vneid_help,
)
from bakhong.widgets.appview import StepHelp

ROOT = Path(__file__).resolve().parents[1]
WIDGETS = ROOT / "widgets"
SENTENCE_END = (".", "?", "!")
#: What a speech engine would read out as a symbol, or spell: not in the help.
UNSPEAKABLE = re.compile(r"[0-9/\\@#%&*+=<>|~^_\[\]{}→⟵←✓✅⬜⛔💡🔊]|[\U0001F000-\U0001FFFF]")
PAGE_CALL = re.compile(r"\bPage\(\(")
PAGE_NAME = re.compile(r"\bPage\(\(\s*\"([a-z_]+)\"")
PORTAL_PAGE_IMPORT = re.compile(r"from \.portal_screens import[^)]*\bPage\b", re.S)


def panel_keys(panels: Mapping[str, tuple[str, ...]]) -> set[str]:
    """``step.panel`` for each panel but a step's own screen (``home``)."""
    return {f"{step}.{panel}" for step, names in panels.items() for panel in names
            if panel != "home"}


def portal_sources() -> list[Path]:
    """The portal's widget modules: ``portal*.py``, and any other that builds its pages."""
    return [path for path in sorted(WIDGETS.glob("*.py"))
            if path.name.startswith("portal")
            or PORTAL_PAGE_IMPORT.search(path.read_text(encoding="utf-8"))]


def portal_pages() -> set[str]:
    """The page names of the portal: the first element of every ``Page((…`` key."""
    names: set[str] = set()
    calls = 0
    for path in portal_sources():
        text = path.read_text(encoding="utf-8")
        calls += len(PAGE_CALL.findall(text))
        names.update(PAGE_NAME.findall(text))
        # a page whose name is not a literal would escape the scan: refuse it
        assert len(PAGE_CALL.findall(text)) == len(PAGE_NAME.findall(text)), path.name
    assert calls >= 8
    return names


def expected_keys() -> dict[str, tuple[Mapping[str, StepHelp], set[str]]]:
    vneid_steps = {step.value for step in vneid.Step}
    bank_steps = {step.value for step in bank.Step}
    bank_panels = panel_keys({bank.Step.HOME.value: bank_app.PANELS})
    signing_steps = {step.value for step in signing.Step}
    signing_panels = panel_keys({step.value: names
                                 for step, names in signing_app.PANELS.items()})
    return {
        "vneid": (vneid_help.STEP_HELP, vneid_steps),
        "bank": (bank_help.STEP_HELP, bank_steps | bank_panels),
        "portal": (portal_help.STEP_HELP, portal_pages()),
        "signing": (signing_help.STEP_HELP, signing_steps | signing_panels),
    }


APPS = ("vneid", "bank", "portal", "signing")
MODULES = {"vneid": vneid_help, "bank": bank_help, "portal": portal_help,
           "signing": signing_help}


@pytest.mark.parametrize("app", APPS)
def test_every_screen_has_help_and_no_help_is_left_over(app: str) -> None:
    help_, expected = expected_keys()[app]
    keys = set(help_)
    assert expected - keys == set(), f"{app}: screens without help"
    assert keys - expected == set(), f"{app}: help for screens that do not exist"


def test_the_known_screens_are_all_there() -> None:
    """The scans find what the apps show today (a scan that finds nothing passes nothing)."""
    assert portal_pages() == {"login", "home", "procedure", "form", "dossiers", "dossier",
                              "payment", "store"}
    assert set(portal_app.PANELS) <= portal_pages()
    assert {"home.scan", "home.transfer", "home.history", "home.check"} <= set(
        bank_help.STEP_HELP)
    assert {"intro.requests", "active.sign", "active.waiting", "active.verify"} <= set(
        signing_help.STEP_HELP)


@pytest.mark.parametrize("app", APPS)
def test_entries_are_short_sentences(app: str) -> None:
    help_, _expected = expected_keys()[app]
    for key, entry in help_.items():
        assert isinstance(entry, StepHelp), key
        for text in (entry.instruction, entry.hint):
            assert text.strip() == text and text, key
            assert text.endswith(SENTENCE_END), f"{app}/{key}: {text!r}"
            assert "  " not in text, f"{app}/{key}: {text!r}"
        assert entry.instruction != entry.hint, key


@pytest.mark.parametrize("app", APPS)
def test_the_help_can_be_read_aloud(app: str) -> None:
    """The help bar reads the instruction aloud, and the hint too while it is open."""
    help_, _expected = expected_keys()[app]
    for key, entry in help_.items():
        for text in (entry.instruction, entry.hint):
            found = UNSPEAKABLE.findall(text)
            assert not found, f"{app}/{key}: {found} in {text!r}"


@pytest.mark.parametrize("app", APPS)
def test_every_string_is_marked_for_translation(app: str) -> None:
    """Each string is an ``N_`` literal, so the catalogue's extraction finds it."""
    help_, _expected = expected_keys()[app]
    path = WIDGETS / f"{app}_help.py"
    with path.open("rb") as source:
        marked = {message for _line, message, _comments, _context
                  in extract_from_file("python", source.name, keywords={"N_": None})}
    for key, entry in help_.items():
        assert {entry.instruction, entry.hint} <= marked, key
    assert MODULES[app].__doc__
