"""``make bundle``: the offline folder installs the kit with ``pip --no-index``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def test_the_bundle_installs_without_an_index(tmp_path: Path) -> None:
    out = tmp_path / "bakhong-offline"
    subprocess.run([sys.executable, str(ROOT / "tools" / "bundle.py"), str(out),
                    "--platforms", "linux"], check=True, capture_output=True)
    wheels = out / "wheels" / "linux"
    assert list(wheels.glob("bakhong-*.whl"))
    assert not [p for p in wheels.iterdir() if not p.name.endswith(".whl")]  # no sdists
    for name in ("install.sh", "install.bat", "README-offline.md", "SHA256SUMS"):
        assert (out / name).is_file(), name
    readme = (out / "README-offline.md").read_text(encoding="utf-8")
    assert "router" in readme and "Wi-Fi" in readme
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out)
    assert check.returncode == 0
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # no index at all: a package missing from the folder fails the install
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--no-index", "--find-links", str(wheels), "bakhong[postgres]"],
                   check=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                    "PIP_CONFIG_FILE": "/dev/null"})
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "BAKHONG_HOME": str(tmp_path / "h")}
    subprocess.run([str(venv / "bin" / "bakhong"), "demo", str(tmp_path / "ws"),
                    "--build-only"], check=True, env=env, capture_output=True)
    assert (tmp_path / "ws" / "release" / "vneid" / "vneid.ipynb").is_file()
