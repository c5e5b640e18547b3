"""The one place that finds the font for printed documents: DejaVu Sans from matplotlib.

DejaVu Sans covers every Vietnamese letter (precomposed, NFC), and matplotlib ships it in
its package data (``mpl-data/fonts/ttf``), so no system font is needed. The file is found
with :func:`importlib.util.find_spec`, *without importing matplotlib*: that import costs
a good part of a second in every kernel that only wants to print a PDF.

>>> path = dejavu()
>>> path.name, dejavu(bold=True).name
('DejaVuSans.ttf', 'DejaVuSans-Bold.ttf')
>>> path.read_bytes()[:4] == b"\\x00\\x01\\x00\\x00"  # a TrueType font
True
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from .errors import N_, SandboxError

__all__ = ["FontMissing", "dejavu"]


class FontMissing(SandboxError, FileNotFoundError):
    """matplotlib, or the DejaVu font in its package data, is not installed."""

    code = "fonts.missing"
    message = N_("Thiếu phông chữ để in giấy tờ. Hãy nhờ người hướng dẫn cài lại bakhong.")


@cache
def dejavu(bold: bool = False) -> Path:
    """The path of DejaVu Sans (``bold``: DejaVu Sans Bold) in matplotlib's package data.

    Raises :class:`FontMissing` (also a ``FileNotFoundError``) when it is not there.
    """
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    spec = importlib.util.find_spec("matplotlib")
    folders = (spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / name
        if path.is_file():
            return path
    raise FontMissing(f"{name} not found in matplotlib's mpl-data (searched {list(folders)}); "
                      "reinstall matplotlib")
