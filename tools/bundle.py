"""``make bundle``: a folder that installs bakhong on a laptop with no internet.

    .venv/bin/python tools/bundle.py [OUT] [--platforms linux,windows] [--python 3.11]

OUT (default ``dist/bakhong-offline``) gets:

* ``wheels/linux/`` and ``wheels/windows/``: bakhong's own wheel (the lessons, the English
  catalogue and the stylesheet are inside it) and a wheel of every dependency, downloaded
  for that platform and Python version (``pip download --only-binary=:all:``: no compiler
  is needed on the laptop);
* ``install.sh`` / ``install.bat``: make ``.venv`` and ``pip install --no-index`` from the
  folder, then install the Jupyter kernel;
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

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = {
    "linux": ["manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64",
              "linux_x86_64"],
    "windows": ["win_amd64"],
}
#: Extras a workshop laptop may need: PostgreSQL's driver for a scaled-out course.
EXTRAS = "postgres"

INSTALL_SH = """#!/bin/sh
# Cài bakhong không cần internet / install bakhong without internet (Linux).
set -e
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/python -m pip install --no-index --find-links wheels/linux "bakhong[{extras}]"
.venv/bin/bakhong kernel
echo "Xong / done: .venv/bin/bakhong demo demo-workshop"
"""

INSTALL_BAT = """@echo off
rem Cài bakhong không cần internet / install bakhong without internet (Windows).
cd /d "%~dp0"
py -3.{minor} -m venv .venv || exit /b 1
.venv\\Scripts\\python -m pip install --no-index ^
  --find-links wheels\\windows "bakhong[{extras}]" || exit /b 1
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
`install.sh`, `install.bat`, `SHA256SUMS`.
"""


def run(*argv: str) -> None:
    subprocess.run(argv, check=True)


def own_wheel(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
        str(ROOT))
    [wheel] = sorted(out.glob("bakhong-*.whl"))
    return wheel


def download(wheel: Path, out: Path, platform: str, python: str) -> None:
    """Every dependency of ``wheel`` (with its extras) as wheels for ``platform``."""
    argv = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
            "--dest", str(out), "--python-version", python, "--implementation", "cp"]
    for tag in PLATFORMS[platform]:
        argv += ["--platform", tag]
    run(*argv, f"{wheel}[{EXTRAS}]")


def checksums(folder: Path) -> None:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}")
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def bundle(out: Path, platforms: list[str], python: str) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    minor = python.split(".")[1]
    for platform in platforms:
        folder = out / "wheels" / platform
        wheel = own_wheel(folder)
        download(wheel, folder, platform, python)
        print(f"{platform}: {len(list(folder.glob('*.whl')))} wheels, "
              f"{sum(p.stat().st_size for p in folder.iterdir()) / 2**20:.0f} MB")
    (out / "install.sh").write_text(INSTALL_SH.format(extras=EXTRAS), encoding="utf-8")
    (out / "install.bat").write_text(INSTALL_BAT.format(extras=EXTRAS, minor=minor),
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
