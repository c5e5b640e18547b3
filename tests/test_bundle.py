"""``make bundle``: the offline folder installs exactly the lock, hash-checked, with no index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lockfile  # noqa: E402  (tools/lockfile.py)

pytestmark = pytest.mark.slow


def wheel_version(path: Path) -> tuple[str, str]:
    name, version = path.name.split("-")[:2]
    return canonicalize_name(name), version


def test_the_bundle_installs_the_lock_without_an_index(tmp_path: Path) -> None:
    out = tmp_path / "bakhong-offline"
    subprocess.run([sys.executable, str(ROOT / "tools" / "bundle.py"), str(out),
                    "--platforms", "linux"], check=True, capture_output=True)
    wheels = out / "wheels" / "linux"
    assert list(wheels.glob("bakhong-*.whl"))
    assert not [p for p in wheels.iterdir() if not p.name.endswith(".whl")]  # no sdists
    for name in ("install.sh", "install.bat", "README-offline.md", "SHA256SUMS",
                 "requirements.txt"):
        assert (out / name).is_file(), name
    readme = (out / "README-offline.md").read_text(encoding="utf-8")
    assert "router" in readme and "Wi-Fi" in readme
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out)
    assert check.returncode == 0
    # exactly the locked versions: a wheel of each pin Linux' Python 3.11 may need, no other
    pins = lockfile.for_python(lockfile.read(ROOT / "requirements" / "lock.txt"),
                               lockfile.LINUX, "3.11")
    assert {wheel_version(p) for p in wheels.glob("*.whl")} - {("bakhong", "0.1.0")} \
        == {(p.name, p.version) for p in pins}
    requirements = lockfile.read(out / "requirements.txt")
    assert all(pin.hashes for pin in requirements)
    assert "--require-hashes" in (out / "install.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in (out / "install.bat").read_text(encoding="utf-8")
    # install.sh as a trainer runs it: no index at all, so a missing or changed file fails
    env = {"PATH": f"{Path(sys.base_prefix) / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
           "PIP_CONFIG_FILE": "/dev/null", "BAKHONG_HOME": str(tmp_path / "h")}
    subprocess.run(["sh", str(out / "install.sh")], check=True, env=env, capture_output=True)
    python = out / ".venv" / "bin" / "python"
    drift = subprocess.run([str(python), str(ROOT / "tools" / "lockfile.py"), "drift",
                            str(ROOT / "requirements" / "lock.txt")],
                           env=env, capture_output=True, text=True)
    assert drift.returncode == 0, drift.stdout
    subprocess.run([str(out / ".venv" / "bin" / "bakhong"), "demo", str(tmp_path / "ws"),
                    "--build-only"], check=True, env=env, capture_output=True)
    assert (tmp_path / "ws" / "release" / "vneid" / "vneid.ipynb").is_file()
    # a wheel changed on the USB stick is refused
    victim = next(wheels.glob("six-*.whl"))
    victim.write_bytes(victim.read_bytes() + b"\0")
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "v2")], check=True)
    refused = subprocess.run(
        [str(tmp_path / "v2" / "bin" / "python"), "-m", "pip", "install", "--no-index",
         "--find-links", str(wheels), "--require-hashes", "-r", str(out / "requirements.txt")],
        env=env, capture_output=True, text=True, cwd=out)
    assert refused.returncode != 0 and "HASH" in refused.stderr.upper()
