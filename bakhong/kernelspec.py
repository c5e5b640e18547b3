"""The ``bakhong`` Jupyter kernel: this environment's Python, by absolute path.

Voila and autograde both ask for the kernel by this name, and the server and
grader set ``JUPYTER_PREFER_ENV_PATH=1``, so a user-level ``python3`` kernel
(Anaconda's, say) or another Python on PATH can never run a lesson.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KERNEL_NAME = "bakhong"


def kernel_dir() -> Path:
    return Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME


def is_installed() -> bool:
    spec = kernel_dir() / "kernel.json"
    try:
        return bool(json.loads(spec.read_text())["argv"][0] == sys.executable)
    except (OSError, ValueError, KeyError, IndexError):
        return False


def ensure_installed() -> Path:
    """Install (or repair) the kernelspec into this environment's prefix."""
    if not is_installed():
        from ipykernel.kernelspec import install

        install(kernel_name=KERNEL_NAME, display_name="bakhong (Python 3)", prefix=sys.prefix)
    return kernel_dir()
