"""The widgets' doctests run as tests (``tests/test_doctests.py`` covers the simulators)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bakhong.widgets

MODULES = [f"bakhong.widgets.{m.name}" for m in pkgutil.iter_modules(bakhong.widgets.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
