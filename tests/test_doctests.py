"""Every module's doctests run as tests: the simulators, the widgets, grading and the
front door (a module without doctests passes trivially)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bakhong
import bakhong.grading
import bakhong.province
import bakhong.simulators
import bakhong.widgets

PACKAGES = (bakhong, bakhong.simulators, bakhong.widgets, bakhong.grading, bakhong.province)
MODULES = [f"{package.__name__}.{m.name}" for package in PACKAGES
           for m in pkgutil.iter_modules(package.__path__)
           if not m.ispkg and m.name != "__main__"]  # __main__ runs the command line


def test_every_package_is_collected() -> None:
    assert {"bakhong.grading.results", "bakhong.grading.settings", "bakhong.pages",
            "bakhong.widgets.entry", "bakhong.simulators.vietqr"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
