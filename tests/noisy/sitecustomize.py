"""A deliberately noisy library, loaded into every Python process started with this folder
on ``PYTHONPATH`` (the grading kernels among them): issue 13's test that nothing a library
prints can move a score.

When a library the simulators use is first imported (SQLAlchemy, pyHanko, cryptography,
qrcode, Pillow, …: as pyHanko did with cryptography 51's DSA deprecation) it warns (a
``UserWarning`` subclass, as ``CryptographyDeprecationWarning`` is), logs a warning through a
handler bound to the stderr the process started with, prints to ``sys.stderr`` and writes to
file descriptor 2; and every call of an evidence judge (each lesson's ``completed_tasks``) or
of ``verify_export`` does the same.
"""

from __future__ import annotations

import functools
import importlib.abc
import logging
import os
import sys
import warnings
from typing import Any

_LOG = logging.getLogger("noisy")
_LOG.addHandler(logging.StreamHandler())  # bound to the stderr this process started with
_WRAPPED = ("completed_tasks", "verify_export")
#: Libraries that make noise when first imported.
_NOISY = frozenset({"sqlalchemy", "pyhanko", "cryptography", "qrcode", "PIL", "faker",
                    "babel", "zxingcpp", "holidays", "fpdf", "pypdfium2", "vietnam_provinces"})


class NoisyWarning(UserWarning):
    """Like cryptography's deprecation warnings: shown by default."""


def noise(where: str) -> None:
    warnings.warn(f"noisy: {where}", NoisyWarning, stacklevel=2)
    _LOG.warning("noisy log line: %s", where)
    print(f"noisy print: {where}", file=sys.stderr)
    os.write(2, f"noisy fd 2: {where}\n".encode())


def _noisy_call(function: Any) -> Any:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        noise(f"call {function.__qualname__}")
        return function(*args, **kwargs)
    return wrapper


class _Loader(importlib.abc.Loader):
    def __init__(self, real: Any) -> None:
        self.real = real

    def create_module(self, spec: Any) -> Any:
        return self.real.create_module(spec)

    def exec_module(self, module: Any) -> None:
        if module.__name__ in _NOISY:
            noise(f"import {module.__name__}")
        self.real.exec_module(module)
        for name in _WRAPPED:
            if callable(module.__dict__.get(name)):
                module.__dict__[name] = _noisy_call(module.__dict__[name])


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in _NOISY and not name.startswith("bakhong.simulators."):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Loader(spec.loader)
                return spec
        return None


sys.meta_path.insert(0, _Finder())
