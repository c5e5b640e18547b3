"""Run mypy on the package as it is installed (``bakhong.simulators`` = ``simulators/`` …).

mypy cannot follow setuptools' editable mapping, so this lays a tree of symlinks
under ``build/typecheck/bakhong`` that mirrors the installed layout and checks it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = {"": "bakhong", "simulators": "simulators", "widgets": "widgets", "grading": "grading"}


def main() -> int:
    tree = ROOT / "build" / "typecheck"
    shutil.rmtree(tree, ignore_errors=True)
    package = tree / "bakhong"
    package.mkdir(parents=True)
    for item in (ROOT / "bakhong").iterdir():
        if item.suffix == ".py" or (item.is_dir() and (item / "__init__.py").exists()):
            (package / item.name).symlink_to(item, target_is_directory=item.is_dir())
    for name, folder in PARTS.items():
        if name:
            (package / name).symlink_to(ROOT / folder, target_is_directory=True)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "-p", "bakhong"], cwd=tree, check=False)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
