"""Issue 15: a workshop backed up while it runs, and restored on another laptop."""

from __future__ import annotations

import io
import json
import threading
from datetime import datetime
from pathlib import Path

import pytest
from conftest import trained_by_vneid
from cryptography.hazmat.primitives import hashes

from bakhong import cli
from bakhong.grading import backup, certificates, grader, keys, report, results, workshop
from bakhong.simulators import evidence, learners, submissions, walkthrough
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.store import Store, events

pytestmark = pytest.mark.slow

PASSPHRASE = "cau-mat-khau-sao-luu"
ROSTER = [(f"hv{i:03d}", f"Học Viên {i}", "Xã Thọ Long") for i in range(1, 51)]


def test_the_sealed_file_refuses_a_wrong_passphrase_and_any_change() -> None:
    plain = bytes(range(256)) * 9000  # three chunks
    sealed = io.BytesIO()
    backup.seal_file(io.BytesIO(plain), sealed, PASSPHRASE)
    back = io.BytesIO()
    backup.open_sealed(io.BytesIO(sealed.getvalue()), back, PASSPHRASE)
    assert back.getvalue() == plain
    with pytest.raises(backup.WrongPassphrase):
        backup.open_sealed(io.BytesIO(sealed.getvalue()), io.BytesIO(), "mat-khau-khac")
    data = sealed.getvalue()
    for cut in (len(data) - 10, len(data) - backup.CHUNK - 16):  # truncated, last chunk dropped
        with pytest.raises(backup.WrongPassphrase):
            backup.open_sealed(io.BytesIO(data[:cut]), io.BytesIO(), PASSPHRASE)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 1
    with pytest.raises(backup.WrongPassphrase):
        backup.open_sealed(io.BytesIO(bytes(flipped)), io.BytesIO(), PASSPHRASE)
    with pytest.raises(backup.WeakPassphrase):
        backup.seal_file(io.BytesIO(b""), io.BytesIO(), "ngan")


def test_a_backup_taken_while_fifty_writers_run_holds_every_committed_event(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "lop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER, clock=clock, seed="backup", lessons=("vneid",))
    for learner_id, _name, _commune in ROSTER:
        learners.record_consent(box.store, clock, learner_id)
    box.close()
    committed: list[str] = []  # ids of events whose transaction returned
    lock, stop = threading.Lock(), threading.Event()

    def writer(learner_id: str) -> None:
        store = Store.open(root / "sandbox.db")
        number = 0
        while not stop.is_set():
            with store.transaction() as conn:
                evidence.record(conn, clock, learner_id, "vneid", "tap", n=number)
            with lock:
                committed.append(f"{learner_id}/{number}")
            number += 1
        store.close()

    threads = [threading.Thread(target=writer, args=(learner_id,))
               for learner_id, _name, _commune in ROSTER]
    for thread in threads:
        thread.start()
    while len(committed) < 300:
        stop.wait(0.05)
    with lock:
        before = set(committed)
    backup.backup(root, tmp_path / "lop.bkb", PASSPHRASE)
    stop.set()
    for thread in threads:
        thread.join()
    assert len(committed) > len(before)  # the writers did go on during the backup

    monkeypatch.setenv("BAKHONG_HOME", str(tmp_path / "new-laptop"))  # no keys there
    backup.restore(tmp_path / "lop.bkb", tmp_path / "moved", PASSPHRASE)
    moved = Store.open(tmp_path / "moved" / "sandbox.db")
    rows = moved.read(events.select().where(events.c.task == "tap"))
    moved.close()
    found = {f"{row.learner_id}/{json.loads(row.detail)['n']}" for row in rows}
    assert before <= found
    assert len(found) == len(rows)  # nothing twice


@pytest.fixture(scope="module")
def graded_and_certified(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, bytes]:
    """A workshop where hv001 was trained and got a certificate, on the first laptop."""
    base = tmp_path_factory.mktemp("move")
    root = base / "lop"
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
    box, _ = workshop.create(root, ROSTER[:3], clock=clock, seed="move", lessons=("vneid",))
    trained_by_vneid(root)
    try:
        walkthrough.walk(box, "hv001", "vneid")
        learners.record_consent(box.store, clock, "hv002")
        for learner_id in ("hv001", "hv002"):
            submissions.request(box.store, clock, learner_id, "vneid")
        grader.grade_pending(root, box)
    finally:
        box.close()
    issued = certificates.issue(root)
    [pdf] = [p for p in certificates.write(issued, root / "giay-chung-nhan")
             if p.suffix == ".pdf"]
    return root, pdf, issued.issuer.fingerprint(hashes.SHA256())


def test_restored_on_another_laptop_everything_works(
        graded_and_certified: tuple[Path, Path, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    moved = _moved(graded_and_certified, tmp_path, monkeypatch, capsys, "new-laptop")
    assert (moved / "sandbox.db").exists()
    _goes_on(graded_and_certified, moved, capsys)


def test_restored_on_a_hub_into_postgresql_everything_works(
        graded_and_certified: tuple[Path, Path, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 19: a laptop's workshop moved to a hosted one, its store into PostgreSQL (a real
    server, started here); before, this way was written but never tried."""
    import pg_support

    with pg_support.running_server() as server:
        url = server.create_database("restored")
        moved = _moved(graded_and_certified, tmp_path, monkeypatch, capsys, "hub",
                       "--store-url", url)
        assert not (moved / "sandbox.db").exists()
        box = workshop.open_sandbox(moved)
        try:
            assert box.store.engine.dialect.name == "postgresql"
            assert len(learners.all_learners(box.store)) == 3  # ROSTER[:3]
        finally:
            box.close()
        _goes_on(graded_and_certified, moved, capsys)


def _moved(graded_and_certified: tuple[Path, Path, bytes], tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: str,
           *restore_options: str) -> Path:
    """The workshop backed up, then restored under another ``BAKHONG_HOME`` (a wrong
    passphrase refused first, nothing written)."""
    root, _pdf, _issuer = graded_and_certified
    archive = tmp_path / "lop.bkb"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert cli.main(["backup", str(root), "--out", str(archive), "--passphrase-stdin"]) == 0
    assert archive.exists() and PASSPHRASE.encode() not in archive.read_bytes()
    assert b"hv001" not in archive.read_bytes() and b"SQLite" not in archive.read_bytes()

    monkeypatch.setenv("BAKHONG_HOME", str(tmp_path / home))
    moved = tmp_path / "moved"
    monkeypatch.setattr("sys.stdin", io.StringIO("sai-mat-khau\n"))
    assert cli.main(["restore", str(archive), str(moved), "--passphrase-stdin",
                     *restore_options]) == 2
    assert "Mật khẩu sao lưu không đúng" in capsys.readouterr().err and not moved.exists()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert cli.main(["restore", str(archive), str(moved), "--passphrase-stdin",
                     *restore_options]) == 0
    return moved


def _goes_on(graded_and_certified: tuple[Path, Path, bytes], moved: Path,
             capsys: pytest.CaptureFixture[str]) -> None:
    """What a moved workshop must still do: the report, the sealed scores and the
    certificate issued before the move; grading with the same key; the same issuer."""
    _root, pdf, issuer = graded_and_certified
    assert sum(row.trained for row in report.completion([moved])) == 1
    assert results.workshop_mismatches(moved) == []
    copied = moved / "giay-chung-nhan" / pdf.name
    assert cli.main(["certificate", "verify", str(copied), "--json"]) == 0
    capsys.readouterr()
    # grading goes on with the same key: hv002 practises and submits again
    box = workshop.open_sandbox(moved)
    walkthrough.walk(box, "hv002", "vneid")
    submissions.request(box.store, box.clock, "hv002", "vneid")
    box.close()
    assert cli.main(["grade", str(moved)]) == 0
    assert sum(row.trained for row in report.completion([moved])) == 2
    # a second certificate run signs with the issuer of before the move
    assert certificates.issue(moved).issuer.fingerprint(hashes.SHA256()) == issuer


def test_a_copied_folder_without_keys_is_refused_not_reissued(
        graded_and_certified: tuple[Path, Path, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    root, _pdf, _issuer = graded_and_certified
    copy = tmp_path / "copied"
    shutil.copytree(root, copy)
    monkeypatch.setenv("BAKHONG_HOME", str(tmp_path / "empty-laptop"))
    box = workshop.open_sandbox(copy)
    workshop_id = box.workshop_id
    box.close()
    assert cli.main(["certificate", str(copy)]) == 2
    err = capsys.readouterr().err
    assert "bakhong restore" in err and "không tạo khóa mới" in err
    assert not any(p.exists() for p in certificates.issuer_paths(workshop_id))
    box = workshop.open_sandbox(copy)
    submissions.request(box.store, box.clock, "hv001", "vneid")
    box.close()
    assert cli.main(["grade", str(copy)]) == 2
    assert "bakhong restore" in capsys.readouterr().err
    assert not keys.key_path(workshop_id).exists()


def test_serve_backs_up_by_itself(graded_and_certified: tuple[Path, Path, bytes],
                                  tmp_path: Path) -> None:
    """``serve --backup-every``: the loop writes backups on its turn, keeps the newest and
    says (never stops the class) when one fails."""
    root, _pdf, _issuer = graded_and_certified
    stop, said = threading.Event(), []
    clock = FixedClock(datetime(2026, 12, 6, 9, tzinfo=VN_TZ))

    def tick(message: str) -> None:
        said.append(message)
        clock.advance(minutes=1)
        if len(said) >= backup.KEEP + 2:
            stop.set()

    backup.keep_backing_up(root, tmp_path / "sao-luu", PASSPHRASE, 0.0005, stop, clock=clock,
                           log=tick)
    kept = sorted((tmp_path / "sao-luu").glob("*.bkb"))
    assert len(kept) == backup.KEEP and all("backed up" in line for line in said)
    opened = io.BytesIO()
    backup.open_sealed(kept[-1].open("rb"), opened, PASSPHRASE)
    (tmp_path / "full").write_text("")
    stop.clear()
    said.clear()
    backup.keep_backing_up(root, tmp_path / "full" / "x", PASSPHRASE, 0.0005, stop,
                           clock=clock, log=lambda m: (said.append(m), stop.set()))
    assert said and "backup failed" in said[0]
