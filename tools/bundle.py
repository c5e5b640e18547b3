"""``make bundle``: a folder that installs bakhong on a laptop with no internet.

    .venv/bin/python tools/bundle.py [OUT] [--platforms linux,windows] [--python 3.11]

OUT (default ``dist/bakhong-offline``) gets:

* ``wheels/linux/`` and ``wheels/windows/``: bakhong's own wheel (the lessons, the English
  catalogue and the stylesheet are inside it) and a wheel of exactly the version locked in
  ``requirements/lock.txt`` of every dependency, checked against the lock's hashes as it is
  downloaded (``pip download --only-binary=:all: --require-hashes``: no compiler is needed
  on the laptop). The lock's environment markers are evaluated for the target platform
  here (:mod:`lockfile`), not by ``pip download``, which would evaluate them against this
  machine (and leave out Windows' ``pywinpty`` and ``colorama``);
* ``requirements.txt``: the lock, plus bakhong's own wheel with its hash;
* ``install.sh`` / ``install.bat``: make ``.venv`` and ``pip install --no-index
  --require-hashes -r requirements.txt`` from the folder, then install the Jupyter kernel;
* ``README-offline.md``: the steps, in Vietnamese first, and the workshop Wi-Fi note;
* ``SHA256SUMS``: the checksum of every file, to copy the folder safely to a USB stick.

The Linux set is for x86_64 (manylinux 2.17+, Debian 10 and later); the Windows set for
64-bit Windows 10/11. Both for one CPython version (3.11 by default: the version tested).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lockfile  # tools/lockfile.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
PLATFORMS = {
    "linux": ["manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64",
              "linux_x86_64"],
    "windows": ["win_amd64"],
}
MARKERS = {"linux": lockfile.LINUX, "windows": lockfile.WINDOWS}

INSTALL_SH = """#!/bin/sh
# Cài bakhong không cần internet / install bakhong without internet (Linux).
set -e
cd "$(dirname "$0")"
PYTHON=$(command -v python3.{minor} || command -v python3)
"$PYTHON" -m venv .venv
echo "Đang cài / installing (wheels/linux, requirements.txt) …"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-index \\
  --find-links wheels/linux --require-hashes -r requirements.txt
.venv/bin/bakhong kernel
echo "Xong / done: .venv/bin/bakhong demo demo-workshop"
"""

INSTALL_BAT = """@echo off
rem Cài bakhong không cần internet / install bakhong without internet (Windows).
cd /d "%~dp0"
py -3.{minor} -m venv .venv || exit /b 1
echo Dang cai / installing (wheels\\windows, requirements.txt) ...
.venv\\Scripts\\python -m pip install --quiet --disable-pip-version-check --no-index ^
  --find-links wheels\\windows --require-hashes -r requirements.txt || exit /b 1
.venv\\Scripts\\bakhong kernel
echo Xong / done: set BAKHONG_KERNEL_TRANSPORT=tcp, then .venv\\Scripts\\bakhong demo demo-workshop
"""

README = """# bakhong – bộ cài không cần internet / offline install

## Tiếng Việt

1. Chép cả thư mục này sang máy tính xách tay của lớp học (USB, ổ cứng ngoài).
   Kiểm tra tệp: `sha256sum -c SHA256SUMS` (Linux).
2. Cần Python {python} 64-bit đã cài sẵn trên máy (Linux: gói `python3`, `python3-venv`;
   Windows: cài từ python.org, chọn «Add python.exe to PATH»).
3. Linux: `sh install.sh`. Windows: bấm đúp `install.bat`.
4. Chạy thử: `.venv/bin/bakhong demo demo-workshop` rồi mở http://127.0.0.1:8866/.
   Lớp học thật: `.venv/bin/bakhong init lop-hoc --roster danh-sach.xlsx`, rồi
   `.venv/bin/bakhong serve lop-hoc --host 0.0.0.0`.

**Wi-Fi của lớp học.** Điện thoại của học viên và máy tính phải cùng một mạng Wi-Fi. Phát
Wi-Fi từ máy tính (hotspot) thường chỉ nhận tối đa khoảng 8 thiết bị: với lớp đông hơn,
hãy dùng một bộ phát Wi-Fi (router) riêng, không cần nối internet. Địa chỉ lớp học hiện ở
trang đầu (/) kèm mã QR để chiếu lên màn hình.

## English

1. Copy this whole folder to the workshop laptop (USB stick, external disk); check it with
   `sha256sum -c SHA256SUMS` on Linux.
2. Python {python} (64-bit) must be installed (Linux: `python3` and `python3-venv`; Windows:
   from python.org, with "Add python.exe to PATH").
3. Linux: `sh install.sh`. Windows: double-click `install.bat`.
4. Try it: `.venv/bin/bakhong demo demo-workshop`, then open http://127.0.0.1:8866/.

**The workshop Wi-Fi.** Phones and the laptop must be on one Wi-Fi network. A laptop's
hotspot usually takes about 8 devices at most: for a larger class use a separate Wi-Fi
router (it needs no internet). The class address is on the home page (/), with a QR code
for the projector.

Contents: `wheels/linux`, `wheels/windows` (every dependency as a wheel, Python {python}),
`requirements.txt` (the exact versions and their hashes: pip refuses any other file),
`install.sh`, `install.bat`, `SHA256SUMS`.
"""


def run(*argv: str) -> None:
    subprocess.run(argv, check=True)


def own_wheel(out: Path) -> Path:
    """bakhong's wheel, built by this environment's (locked) setuptools."""
    out.mkdir(parents=True, exist_ok=True)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
        "-w", str(out), str(ROOT))
    [wheel] = sorted(out.glob("bakhong-*.whl"))
    return wheel


def download(lock: Path, out: Path, platform: str, python: str) -> int:
    """The wheel of every pin of ``lock`` that ``platform``'s Python ``python`` may install,
    hash-checked; returns how many pins."""
    releases = lockfile.by_release(lockfile.read(lock), MARKERS[platform], python)
    for number, (release, pins) in enumerate(releases.items()):
        # one file per first release: a file names a package once, and a wheel's
        # Requires-Python is checked against that release (soupsieve 4 needs 3.11.5)
        requirements = out.parent / f".{platform}-{number}.txt"
        requirements.write_text("\n".join(pin.line() for pin in pins) + "\n",
                                encoding="utf-8")
        argv = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                "--only-binary=:all:", "--require-hashes", "--dest", str(out),
                "--python-version", release, "--implementation", "cp"]
        for tag in PLATFORMS[platform]:
            argv += ["--platform", tag]
        try:
            run(*argv, "-r", str(requirements))
        finally:
            requirements.unlink()
    return sum(len(pins) for pins in releases.values())


def requirements_file(lock: Path, wheel: Path) -> str:
    """The lock, and bakhong's own wheel by name, version and hash: one hash-checked install."""
    name, version = wheel.name.split("-")[:2]
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return (f"# {lock.name} of bakhong {version}, and bakhong's own wheel (tools/bundle.py)\n"
            f"{name}=={version} --hash=sha256:{digest}\n" + lock.read_text(encoding="utf-8"))


def checksums(folder: Path) -> None:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}")
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def bundle(out: Path, platforms: list[str], python: str, lock: Path = LOCK) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    minor = python.split(".")[1]
    wheel = own_wheel(out / "build")  # one pure-Python wheel, copied: one hash for both
    for platform in platforms:
        folder = out / "wheels" / platform
        folder.mkdir(parents=True)
        shutil.copy2(wheel, folder / wheel.name)
        pinned = download(lock, folder, platform, python)
        print(f"{platform}: {pinned} locked versions, {len(list(folder.glob('*.whl')))} wheels, "
              f"{sum(p.stat().st_size for p in folder.iterdir()) / 2**20:.0f} MB")
    (out / "requirements.txt").write_text(requirements_file(lock, wheel), encoding="utf-8")
    shutil.rmtree(out / "build")
    (out / "install.sh").write_text(INSTALL_SH.format(minor=minor), encoding="utf-8")
    (out / "install.bat").write_text(INSTALL_BAT.format(minor=minor),
                                     encoding="utf-8", newline="\r\n")
    (out / "README-offline.md").write_text(README.format(python=python), encoding="utf-8")
    checksums(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Bộ cài không cần internet / offline bundle")
    parser.add_argument("out", nargs="?", default=str(ROOT / "dist" / "bakhong-offline"))
    parser.add_argument("--platforms", default="linux,windows")
    parser.add_argument("--python", default="3.11")
    args = parser.parse_args()
    platforms = [p.strip() for p in args.platforms.split(",") if p.strip()]
    unknown = set(platforms) - set(PLATFORMS)
    if unknown:
        parser.error(f"unknown platform(s): {', '.join(sorted(unknown))}")
    print(bundle(Path(args.out), platforms, args.python))


if __name__ == "__main__":
    main()
