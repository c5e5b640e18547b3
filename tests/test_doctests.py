"""Every module's doctests run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bakhong.simulators

MODULES = [f"bakhong.simulators.{m.name}" for m in pkgutil.iter_modules(bakhong.simulators.__path__)]
MODULES += ["bakhong.serving"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
