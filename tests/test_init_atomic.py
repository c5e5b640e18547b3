"""Issue 15: a stopped ``init`` leaves no half-built workshop and can simply be run again;
a long roster shows its progress."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from browser_support import BAKHONG, server_env

from bakhong.grading import settings

pytestmark = pytest.mark.slow

COMMUNES = ("Xã Thọ Long", "Phường Hạc Thành", "Xã Hồ Vương", "Xã Quảng Bình")


def big_roster(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Họ và tên", "Xã/Phường", "Năm sinh"])
        for i in range(rows):
            writer.writerow([f"Học Viên Số {i}", COMMUNES[i % len(COMMUNES)], 1950 + i % 50])
    return path


def start_init(root: Path, roster: Path, home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([str(BAKHONG), "init", str(root), "--roster", str(roster)],
                            env=server_env(home), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def staging_of(root: Path) -> list[Path]:
    return sorted(root.parent.glob(f".{root.name}.dang-tao-*"))


def wait_for_enrolment(root: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 240
    while not any((folder / "sandbox.db").exists() for folder in staging_of(root)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "init never reached the enrolment"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_init_leaves_nothing_and_runs_again(tmp_path: Path, signum: int) -> None:
    root = tmp_path / "lop"
    for rows in (3000, 20000):  # a fast machine finished 3,000 before the signal (CI)
        roster = big_roster(tmp_path / "danh-sach.csv", rows)
        first = start_init(root, roster, tmp_path / "home")
        wait_for_enrolment(root, first)
        first.send_signal(signum)
        first.communicate(timeout=60)
        if not (first.returncode == 0 and root.exists()):
            break  # stopped part-way, the case under test
        shutil.rmtree(root)  # built whole before the signal came: again, with more to do
    assert first.returncode != 0
    assert not root.exists()  # no workshop a command could mistake for a built one
    if signum == signal.SIGTERM:
        assert staging_of(root) == []
    again = start_init(root, roster, tmp_path / "home")
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert settings.settings_path(root).exists() and f"{rows} học viên" in out
    assert staging_of(root) == []  # a killed run's hidden folder is gone too
    assert f"{rows}/{rows} học viên đã nhập / learners imported" in err


def test_a_settings_file_placed_first_is_kept_and_used(tmp_path: Path) -> None:
    roster = big_roster(tmp_path / "danh-sach.csv", 5)
    root = tmp_path / "lop"
    root.mkdir()
    (root / "bakhong.toml").write_text('pass_mark = 0.9\n', encoding="utf-8")
    done = start_init(root, roster, tmp_path / "home")
    _out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    assert settings.load(root).pass_mark == 0.9
    assert (root / "sandbox.db").exists() and os.stat(root).st_mode & 0o777 == 0o700


def test_personas_never_collide_in_a_large_roster(tmp_path: Path) -> None:
    """Persona ids dropped the ID number's sex digit: a man and a woman born the same year
    with the same six digits collided, and about one 2,000-row roster in three failed."""
    from bakhong.simulators.sandbox import Enrolment, Sandbox

    box = Sandbox.open("sqlite://", seed="many")
    lines = [Enrolment(f"hv{i:05d}", f"Học Viên {i}", "15772", "Xã Thọ Long", "Thanh Hóa")
             for i in range(4000)]
    added = box.enrol(lines)
    assert len(added) == 4000 and len({le.persona_id for le in added}) == 4000
    box.close()
