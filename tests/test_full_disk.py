"""Issue 15, item 4: a full disk or a read-only folder under every command that writes files.

``report``, ``cards``, ``certificate``, ``qr poster`` and ``sign demo-pdf`` are run through
``bakhong.cli.main`` three times each: once to write their files, then twice more with the
disk failing (``ENOSPC``) half-way through the bytes the first run wrote, in ``fsync`` or in
``os.replace``. Every failing run must exit non-zero with the Vietnamese-then-English message
naming the folder, print no traceback, and leave the folder exactly as the first run left
it: no half-written file, no temporary file, the earlier files byte for byte.

Then the same on real file systems, when the tests run as root (``id -u`` is 0) and may
mount: a 16 KiB tmpfs (a real ``ENOSPC`` inside openpyxl, matplotlib and fpdf2's writes),
grown afterwards so that the same command then succeeds; and a read-only tmpfs (root ignores
``chmod``), or a ``chmod 0500`` folder when not root.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bakhong import atomic, cli
from bakhong.grading import certificates, settings, workshop
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.store import Store

ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Phường Hạc Thành"),
          ("hv003", "Phạm Thị Lụa", "Xã Hồ Vương")]
NOW = datetime(2026, 11, 28, 9, tzinfo=VN_TZ)
TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp$")  # bakhong.atomic's temporary files


# --- the workshops ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small workshop (no lessons built: no nbgrader needed) for report and cards."""
    root = tmp_path_factory.mktemp("full-disk") / "lop"
    box, _ = workshop.create(root, ROSTER, clock=FixedClock(NOW), seed="full-disk", lessons=())
    box.close()
    return root


@pytest.fixture
def one_certificate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A workshop folder whose ``issue`` makes one certificate (grading is tested elsewhere:
    here only the writing of the files matters)."""
    root = tmp_path / "lop-chung-nhan"
    settings.save(root, settings.CourseSettings())
    workshop_id = str(uuid.uuid4())
    issuer = certificates.issuer_credential(workshop_id, workshop_name=root.name, now=NOW,
                                            store=Store.open("sqlite://"))
    pdf = b"%PDF-1.7\n" + os.urandom(30_000)  # random: each run writes other bytes

    def issue(root: Path, **_: Any) -> certificates.Issuance:
        learner = SimpleNamespace(learner_id="hv001", full_name="Lê Thị Hoa")
        item = certificates.IssuedCertificate(
            SimpleNamespace(learner=learner), SimpleNamespace(number="BK-TEST-0001"),  # type: ignore[arg-type]
            "BKCERT1.x.y", pdf + os.urandom(8))
        return certificates.Issuance([item], [], issuer.certificate, workshop_id, root.name)

    monkeypatch.setattr(certificates, "issue", issue)
    return root


# --- a disk that fills -----------------------------------------------------------------------

class Disk:
    """Counts the bytes written into one folder; with ``left`` set, the write that goes past
    it writes what fits, then fails with ENOSPC (and so does every later one), as a full
    disk does."""

    def __init__(self, folder: Path, left: int | None = None) -> None:
        self.folder = folder.absolute()
        self.left = left
        self.written = 0

    def holds(self, file: object) -> bool:
        return isinstance(file, str | os.PathLike) and Path(file).absolute().parent == self.folder

    def write(self, real: Any, data: Any) -> int:
        if self.left is not None and len(data) > self.left:
            real.write(data[:self.left])
            real.flush()
            self.written += self.left
            self.left = 0
            raise OSError(errno.ENOSPC, "No space left on device", real.name)
        if self.left is not None:
            self.left -= len(data)
        self.written += len(data)
        written: int = real.write(data)
        return written


class OnDisk:
    """A file object whose writes go through :class:`Disk`."""

    def __init__(self, real: Any, disk: Disk) -> None:
        self._real, self._disk = real, disk

    def write(self, data: Any) -> int:
        return self._disk.write(self._real, data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> OnDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


def on_disk(monkeypatch: pytest.MonkeyPatch, disk: Disk) -> None:
    """Every ``open()`` for writing of a file in ``disk``'s folder writes through ``disk``
    (Python's own writes, openpyxl's and the csv module's included)."""
    real_open = io.open

    def opening(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        if set(mode) & set("wax+") and disk.holds(file):
            return OnDisk(handle, disk)
        return handle

    monkeypatch.setattr(io, "open", opening)
    monkeypatch.setattr(builtins, "open", opening)


def fail(error_number: int) -> Callable[..., None]:
    def failing(*_: object) -> None:
        raise OSError(error_number, os.strerror(error_number))
    return failing


def failing_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.replace`` of a temporary file onto its target fails with ENOSPC."""
    real = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if TEMPORARY.match(Path(src).name):
            raise OSError(errno.ENOSPC, "No space left on device", str(src))
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def assert_refused(code: int, err: str, folder: Path, message: tuple[str, str]) -> None:
    assert code != 0
    assert "Traceback" not in err
    assert str(folder.absolute()) in err, err
    vietnamese, english = message
    assert vietnamese in err and english in err, err
    assert err.index(vietnamese) < err.index(english)  # Vietnamese first


FULL = ("ổ đĩa đã đầy", "the disk is full")


# --- every command -----------------------------------------------------------------------------

Command = Callable[[Path, Path], tuple[list[str], Path]]


def report(lop: Path, out: Path) -> tuple[list[str], Path]:  # four CSV files
    return ["report", str(lop), "--out", str(out / "bao-cao.csv")], out


def report_default(lop: Path, out: Path) -> tuple[list[str], Path]:  # every format
    return ["report", str(lop)], lop / "reports"


def report_png(lop: Path, out: Path) -> tuple[list[str], Path]:
    return ["report", str(lop), "--out", str(out / "bao-cao.png")], out


def cards(lop: Path, out: Path) -> tuple[list[str], Path]:
    return ["cards", str(lop), "--out", str(out / "the.pdf")], out


def poster_png(lop: Path, out: Path) -> tuple[list[str], Path]:
    return ["qr", "poster", "--merchant", "stall", "--out", str(out / "ap-phich.png")], out


def poster_pdf(lop: Path, out: Path) -> tuple[list[str], Path]:
    return ["qr", "poster", "--merchant", "fruit", "--out", str(out / "ap-phich.pdf")], out


def demo_pdf(lop: Path, out: Path) -> tuple[list[str], Path]:
    return ["sign", "demo-pdf", "--out", str(out / "mau.pdf")], out


COMMANDS: dict[str, Command] = {
    "report-csv": report, "report-default": report_default, "report-png": report_png,
    "cards": cards, "poster-png": poster_png, "poster-pdf": poster_pdf, "demo-pdf": demo_pdf,
}


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    code = cli.main(argv)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("name", COMMANDS)
def test_a_full_disk_leaves_the_folder_as_it_was(
        name: str, lop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    argv, folder = COMMANDS[name](lop, tmp_path / "ra")
    shutil.rmtree(lop / "reports", ignore_errors=True)
    folder.mkdir(parents=True)
    counted = Disk(folder)
    with monkeypatch.context() as patch:
        on_disk(patch, counted)
        code, err = run(capsys, argv)
    assert code == 0, err
    before = snapshot(folder)
    assert before and counted.written > 0
    assert not [n for n in before if TEMPORARY.match(n)]

    for failing in ("write", "fsync", "replace"):
        with monkeypatch.context() as patch:
            if failing == "write":  # the disk fills half-way through the bytes
                on_disk(patch, Disk(folder, left=counted.written // 2))
            elif failing == "fsync":
                patch.setattr(os, "fsync", fail(errno.ENOSPC))
            else:
                failing_replace(patch)
            code, err = run(capsys, argv)
        assert_refused(code, err, folder, FULL)
        assert snapshot(folder) == before, f"{failing}: the folder changed"


def test_certificates_on_a_full_disk(one_certificate: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "giay"
    argv = ["certificate", str(one_certificate), "--out", str(out)]
    code, err = run(capsys, argv)
    assert code == 0, err
    before = snapshot(out)
    assert sorted(Path(n).suffix for n in before) == [".crt", ".pdf"]
    for failing in ("write", "fsync", "replace"):
        with monkeypatch.context() as patch:
            if failing == "write":
                on_disk(patch, Disk(out, left=20_000))  # inside the PDF
            elif failing == "fsync":
                patch.setattr(os, "fsync", fail(errno.ENOSPC))
            else:
                failing_replace(patch)
            code, err = run(capsys, argv)
        assert_refused(code, err, out, FULL)
        assert snapshot(out) == before, failing
    # the default folder, never made before: nothing is left in it either
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", fail(errno.EDQUOT))
        code, err = run(capsys, ["certificate", str(one_certificate)])
    assert_refused(code, err, one_certificate / "giay-chung-nhan",
                   ("hết hạn mức dung lượng", "quota is used up"))
    assert snapshot(one_certificate / "giay-chung-nhan") == {}


def test_settings_are_saved_whole_or_not_at_all(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    first = settings.CourseSettings(port=9000)
    settings.save(tmp_path, first)
    text = settings.settings_path(tmp_path).read_bytes()
    with monkeypatch.context() as patch:
        on_disk(patch, Disk(tmp_path, left=40))
        with pytest.raises(atomic.CannotWrite) as info:
            settings.save(tmp_path, settings.CourseSettings(port=9001))
    assert info.value.folder == tmp_path.absolute()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bakhong.toml"]
    assert settings.settings_path(tmp_path).read_bytes() == text
    assert settings.load(tmp_path) == first


def test_other_errors_are_raised_as_they_are_after_the_clean_up(tmp_path: Path) -> None:
    with pytest.raises(ValueError), atomic.files() as batch:
        batch.write_text(tmp_path / "a.txt", "một")
        raise ValueError("not a disk problem")
    with pytest.raises(OSError) as info, atomic.files() as batch:
        batch.write_text(tmp_path / "b.txt", "hai")
        raise OSError(errno.EIO, "Input/output error")
    assert not isinstance(info.value, atomic.CannotWrite) and info.value.errno == errno.EIO
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error_number", [errno.EACCES, errno.EPERM, errno.EROFS])
def test_a_folder_that_refuses_writes_is_named(error_number: int, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(os, "fsync", fail(error_number))
    code, err = run(capsys, ["qr", "poster", "--merchant", "stall",
                             "--out", str(tmp_path / "x.png")])
    assert code != 0 and "Traceback" not in err
    assert str(tmp_path.absolute()) in err and "Không ghi được" in err and "Cannot write" in err
    assert list(tmp_path.iterdir()) == []


# --- real file systems -------------------------------------------------------------------------

def _can_mount() -> bool:
    return os.name == "posix" and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """``tmpfs(size, read_only=False)``: a fresh tmpfs mounted in ``tmp_path`` (root only)."""
    if not _can_mount():
        pytest.skip("mounting a tmpfs needs root")
    mounted: list[Path] = []

    def mount(name: str, size: str, read_only: bool = False) -> Path:
        point = tmp_path / name
        point.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


def free_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


@pytest.mark.parametrize("name", ["report-png", "cards", "poster-pdf", "demo-pdf"])
def test_a_really_full_disk(name: str, lop: Path, tmpfs: Callable[..., Path],
                            capsys: pytest.CaptureFixture[str]) -> None:
    disk = tmpfs("disk", "16k")
    (disk / "cu.txt").write_text("đã có từ trước\n", encoding="utf-8")
    before, free = snapshot(disk), free_bytes(disk)
    argv, folder = COMMANDS[name](lop, disk)
    code, err = run(capsys, argv)
    assert_refused(code, err, folder, FULL)
    assert snapshot(disk) == before and free_bytes(disk) == free  # the space is given back
    subprocess.run(["mount", "-o", "remount,size=16m", str(disk)], check=True)
    code, err = run(capsys, argv)  # space freed: the same command now works
    assert code == 0, err
    assert len(snapshot(disk)) > len(before)
    assert not [n for n in snapshot(disk) if TEMPORARY.match(n)]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder that refuses writes: a read-only tmpfs as root (root ignores the mode bits),
    else a folder of mode 0500."""
    if _can_mount():
        point = tmp_path / "ro"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(point)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        yield point
        subprocess.run(["umount", "-l", str(point)], check=False)
        return
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("root ignores a folder's mode and cannot mount here")
    point = tmp_path / "ro"
    point.mkdir(mode=0o500)
    yield point
    point.chmod(0o700)


@pytest.mark.parametrize("name", ["report-csv", "cards", "poster-png", "demo-pdf"])
def test_a_read_only_folder(name: str, lop: Path, read_only: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    argv, folder = COMMANDS[name](lop, read_only)
    code, err = run(capsys, argv)
    reason = ("chỉ cho phép đọc", "read-only") if _can_mount() else ("không có quyền ghi",
                                                                      "no permission")
    assert_refused(code, err, folder, reason)
    assert list(read_only.iterdir()) == []
