"""Keep a library's chatter out of a notebook cell's output.

nbgrader scores a graded cell 0 when anything reaches its stderr, a warning or a log
line included (``nbgrader.utils.determine_grade``), and Voila shows a cell's stderr to
the resident as a red box. What a dependency prints must move neither: :func:`quiet`
is the one place that decides it, for the hidden tests (:mod:`bakhong.grading.hidden_tests`)
and for the lesson page's app cell (:func:`bakhong.widgets.entry.lesson_app`).

Inside it, warnings are ignored, logging is switched off, and the process's standard
output and error go nowhere: the Python streams and file descriptors 1 and 2 alike (a
library can write to ``sys.__stderr__`` or from C code). On leaving, everything is as it
was, and an exception raised inside passes through unchanged, so a real error still
shows. This module imports the standard library only: importing it cannot warn.

>>> import sys, warnings
>>> with quiet():
...     print("hidden")
...     print("hidden too", file=sys.stderr)
...     warnings.warn("hidden as well")
>>> print("shown")
shown
"""

from __future__ import annotations

import io
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout

__all__ = ["quiet"]


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass


@contextmanager
def _descriptors_to_nowhere() -> Iterator[None]:
    """File descriptors 1 and 2 point at the null device until the block ends."""
    saved: list[tuple[int, int]] = []
    try:
        sink = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        yield
        return
    try:
        for fd in (1, 2):
            try:
                saved.append((fd, os.dup(fd)))
                os.dup2(sink, fd)
            except OSError:
                continue
        yield
    finally:
        _flush()
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(sink)


@contextmanager
def quiet() -> Iterator[None]:
    """Run a block with warnings, logging, stdout and stderr all silenced."""
    _flush()
    disabled = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        with _descriptors_to_nowhere(), warnings.catch_warnings(), \
                redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(disabled)
