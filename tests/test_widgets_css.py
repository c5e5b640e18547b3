"""The ``bk-*`` classes: every one the widgets use is documented, every documented one is used."""

from __future__ import annotations

import re
from pathlib import Path

from bakhong.widgets import phone

ROOT = Path(__file__).resolve().parents[1]
WIDGETS = ROOT / "widgets"
DOC = ROOT / "docs" / "css-classes.md"

# A whole class name: not a prefix that code completes (``"bk-vneid-" + name``).
CLASS = re.compile(r"(?<![\w-])bk-[a-z0-9]+(?:-[a-z0-9]+)*(?![\w-])")


def classes_in_code() -> set[str]:
    sources = [*WIDGETS.glob("*.py"), WIDGETS / "bakhong.css"]
    return {name for path in sources for name in CLASS.findall(path.read_text("utf-8"))}


def classes_in_doc() -> list[str]:
    rows = re.findall(r"^\| `(bk-[^`]+)` \|", DOC.read_text("utf-8"), flags=re.M)
    return rows


def test_every_class_in_the_code_is_documented() -> None:
    missing = classes_in_code() - set(classes_in_doc())
    assert not missing, f"add to docs/css-classes.md: {sorted(missing)}"


def test_every_documented_class_is_used() -> None:
    unused = set(classes_in_doc()) - classes_in_code()
    assert not unused, f"not used in widgets/, remove from docs/css-classes.md: {sorted(unused)}"


def test_one_row_per_class() -> None:
    rows = classes_in_doc()
    assert len(rows) == len(set(rows)), [c for c in rows if rows.count(c) > 1]


def test_add_class_calls_use_literal_documented_names() -> None:
    """The brief's grep: ``add_class("bk-...")`` in widgets/ names a documented class."""
    documented = set(classes_in_doc())
    for path in WIDGETS.glob("*.py"):
        for name in re.findall(r'add_class\("(bk-[^"]*)"\)', path.read_text("utf-8")):
            assert name in documented, f"{path.name}: {name}"


def test_the_stylesheet_meets_the_phone_targets() -> None:
    css = (WIDGETS / "bakhong.css").read_text("utf-8")
    assert "max-width: 360px" in css
    assert "min(100vh, 800px)" in css
    assert re.search(r"\.bk-phone \{[^}]*font-size: 18px", css)
    assert "--jp-widgets-inline-height: 48px" in css
    assert "min-height: 48px" in css
    style = phone.stylesheet()
    assert style.value.startswith("<style>") and ".bk-phone" in style.value
    assert style.layout.display == "none"  # the style block takes no room on the screen
