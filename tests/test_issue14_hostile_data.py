"""Issue 14 (data side): hostile learner ids, a forget that forgets, roster privacy, private files.

Through the ``bakhong`` console script wherever a trainer would type a command; each test
names what it guards. The byte searches read every file of the workshop folder as bytes
(databases included, so their free pages and ``-wal`` files too), plus what compression
hides: the members of a zip (``.xlsx``) and the text of a PDF (``pdftotext``).
"""

from __future__ import annotations

import hashlib
import html
import os
import shutil
import stat
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import reach_level2, trained_by_vneid
from test_roster import write_csv

from bakhong.grading import grader, trainer, workshop
from bakhong.simulators import learners, registry, submissions
from bakhong.simulators.errors import SandboxError, UnknownLearner
from bakhong.simulators.sandbox import enrolments

pytestmark = pytest.mark.slow

CONSOLE_SCRIPT = Path(sys.executable).with_name("bakhong")  # .venv/bin/bakhong
HEADER = ["Mã học viên", "Họ và tên", "Xã/Phường"]
HOSTILE_IDS = ["..", "../..", "TL/01", "/etc", "a\x00b", "x" * 10_000]
PASSWORD = "mat-khau-lop-hoc\n"


def run(*args: str, stdin: str | None = None, timeout: float = 300
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CONSOLE_SCRIPT), *args], capture_output=True, text=True,
                          input=stdin, timeout=timeout, check=False)


def init(root: Path, rows: list[list[str]], header: list[str] = HEADER
         ) -> subprocess.CompletedProcess[str]:
    roster = write_csv(root.parent / f"{root.name}-roster.csv", [header, *rows])
    return run("init", str(root), "--roster", str(roster), "--trainer-password-stdin",
               stdin=PASSWORD)


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` with a digest of its content: to prove nothing changed."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        seen[key] = (hashlib.sha256(path.read_bytes()).hexdigest()
                     if path.is_file() and not path.is_symlink() else "dir")
    return seen


def readable(path: Path) -> Iterable[bytes]:
    """The file's bytes, and what compression hides (zip members, PDF text)."""
    data = path.read_bytes()
    yield data
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(path) as zipped:
            for member in zipped.namelist():  # XML, with «ệ» written &#7879;
                yield html.unescape(zipped.read(member).decode("utf-8", "replace")).encode()
    if data.startswith(b"%PDF-"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              check=True).stdout
        yield unicodedata.normalize("NFC", text.decode("utf-8", "replace")).encode("utf-8")


def byte_search(root: Path, texts: Iterable[str]) -> dict[str, list[str]]:
    """Files under ``root`` whose name or content holds one of ``texts`` (NFC and NFD)."""
    needles = {unicodedata.normalize(form, text).encode("utf-8")
               for text in texts for form in ("NFC", "NFD")}
    hits: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        name = str(path.relative_to(root)).encode("utf-8")
        found = {needle.decode() for needle in needles
                 if needle in name or any(needle in blob for blob in readable(path))}
        if found:
            hits[str(path.relative_to(root))] = sorted(found)
    return hits


# --- learner ids that are never paths -------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workshop two levels down, so that ``..`` and ``../..`` land on folders we watch.

    The hostile ids are enrolled under the workshop layer, straight into the sandbox, as a
    workshop made before they were refused would hold them; and the grading folders exist.
    """
    outer = tmp_path_factory.mktemp("outer")
    (outer / "someone-elses.txt").write_text("không được xóa", encoding="utf-8")
    root = outer / "parent" / "ws"
    root.parent.mkdir()
    (root.parent / "neighbour.txt").write_text("không được xóa", encoding="utf-8")
    done = init(root, [["hv001", "Lê Thị Hoa", "Xã Thọ Long"],
                       ["hv002", "Trần Văn Nam", "Phường Hạc Thành"]])
    assert done.returncode == 0, done.stderr
    box = workshop.open_sandbox(root)
    try:
        box.enrol(enrolments([(hostile, "Kẻ Xấu", "Xã Thọ Long") for hostile in HOSTILE_IDS],
                             "Thanh Hóa"))
    finally:
        box.close()
    for stage in ("submitted", "autograded", "feedback"):
        (root / stage).mkdir(exist_ok=True)
    return root


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=lambda s: repr(s[:12]))
def test_init_refuses_an_id_that_is_a_path_with_its_row(tmp_path: Path, hostile: str) -> None:
    root = tmp_path / "ws"
    before = snapshot(tmp_path)
    done = init(root, [["hv001", "Lê Thị Hoa", "Xã Thọ Long"],
                       [hostile, "Trần Văn Nam", "Phường Hạc Thành"]])
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Dòng 3" in done.stderr and "Mã học viên" in done.stderr, done.stderr
    assert len(done.stderr) < 2000  # the 10,000-character id is not printed back
    assert not root.exists()
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if not k.endswith("-roster.csv")} == before


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=lambda s: repr(s[:12]))
def test_forget_refuses_a_path_and_touches_nothing(built: Path, hostile: str) -> None:
    outer = built.parent.parent
    before = snapshot(outer)
    if "\x00" in hostile:  # no command line can hold a NUL byte: the function itself
        with pytest.raises(SandboxError, match="Mã học viên"):
            workshop.forget(built, hostile)
    else:
        done = run("forget", str(built), hostile)
        assert done.returncode != 0, done.stdout
        assert "Đã xóa" not in done.stdout and "Mã học viên" in done.stderr, done.stderr
        assert len(done.stderr) < 2000
    assert snapshot(outer) == before


def test_forget_never_follows_a_link_out_of_the_workshop(built: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "hv002").mkdir(parents=True)
    (outside / "hv002" / "keep.txt").write_text("không được xóa", encoding="utf-8")
    link = built / "feedback"
    link.rmdir()
    link.symlink_to(outside, target_is_directory=True)
    try:
        done = run("forget", str(built), "hv002")
        assert done.returncode == 2 and "ngoài thư mục lớp học" in done.stderr, done.stderr
        assert (outside / "hv002" / "keep.txt").exists()
    finally:
        link.unlink()
        link.mkdir()
    box = workshop.open_sandbox(built)
    try:
        assert learners.by_id(box.store, "hv002")  # refused before anything was removed
    finally:
        box.close()


@pytest.mark.parametrize("command", [["revoke", "{ws}", "{code}"],
                                     ["cards", "{ws}", "--out", "{out}", "--learner", "{code}"],
                                     ["certificate", "{ws}", "--learner", "{code}"]])
def test_a_card_code_argument_is_checked_before_any_lookup(
        built: Path, tmp_path: Path, command: list[str]) -> None:
    outer = built.parent.parent
    for hostile in ["../..", "/etc", "Ư" * 40]:  # 40 «Ư»: 2⁴⁰ ways to have typed it
        before = snapshot(outer)
        args = [a.format(ws=built, code=hostile, out=tmp_path / "the.pdf") for a in command]
        done = run(*args, timeout=60)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "không phải mã thẻ" in done.stderr, done.stderr
        assert snapshot(outer) == before and not (tmp_path / "the.pdf").exists()


def test_the_dashboards_reset_and_the_grader_refuse_a_path(built: Path) -> None:
    box = workshop.open_sandbox(built)
    try:
        for hostile in ("../hv001", "hv001/../..", ".."):
            with pytest.raises(SandboxError, match="Mã học viên"):
                trainer.reset_attempt(box.store, box.clock, hostile, "vneid")
            with pytest.raises(SandboxError, match="Mã học viên"):
                grader.write_submission(built, box, b"k" * 32, hostile, "vneid")
        assert not (built.parent / "vneid").exists() and not (built / "vneid").exists()
    finally:
        box.close()


def test_workshop_create_refuses_a_path_before_writing(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="Mã học viên"):
        workshop.create(tmp_path / "ws", [("TL/01", "Lê Thị Hoa", "Xã Thọ Long")])
    assert not (tmp_path / "ws").exists()


# --- forget forgets -----------------------------------------------------------------------

FORGOTTEN = ("hvquyen7", "Nguyễn Thị Quyến")
KEPT = ("hvhai", "Lê Văn Hải")
CARD_ONLY = ("hvbon", "Đỗ Thị Bốn")


@pytest.fixture(scope="module")
def lived_in(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """A workshop where two learners practised, were graded and got certificates; a report
    and one card inside; and the gradebook copies and executed notebooks that grading left
    in ``.grading/`` before issue 21 (a workshop graded by an older kit)."""
    root = tmp_path_factory.mktemp("forget") / "lop-tho-long"
    done = init(root, [[*FORGOTTEN, "Xã Thọ Long"], [*KEPT, "Xã Thọ Long"],
                       [*CARD_ONLY, "Phường Hạc Thành"]])
    assert done.returncode == 0, done.stderr
    trained_by_vneid(root)  # certificates for the VNeID practice, as before issue 20
    box = workshop.open_sandbox(root)
    try:
        codes = {le.learner_id: le.code for le in learners.all_learners(box.store)}
        for learner_id in codes:
            learners.record_consent(box.store, box.clock, learner_id)
        for learner_id in (FORGOTTEN[0], KEPT[0]):
            reach_level2(box.vneid(learner_id), registry.persona_of_learner(box.store,
                                                                            learner_id))
            submissions.request(box.store, box.clock, learner_id, "vneid")
        submissions.request(box.store, box.clock, CARD_ONLY[0], "vneid")
    finally:
        box.close()
    graded = run("grade", str(root), "--workers", "2")
    assert graded.returncode == 0, graded.stderr
    shutil.copyfile(root / "gradebook.db", root / ".grading" / "gradebook-4242.db")
    shutil.copytree(root / "autograded", root / grader.EXECUTED)
    issued = run("certificate", str(root))
    assert issued.returncode == 0 and "issued: 2 " in issued.stdout, issued.stdout
    kept_copies = tmp_path_factory.mktemp("handed-out")  # what the learners took home
    for pdf in (root / "giay-chung-nhan").glob("*.pdf"):
        (kept_copies / pdf.name).write_bytes(pdf.read_bytes())
    report = run("report", str(root), "--out", str(root / "reports" / "bao-cao.xlsx"))
    assert report.returncode == 0, report.stderr
    cards = run("cards", str(root), "--out", str(root / "the-bon.pdf"), "--learner",
                codes[CARD_ONLY[0]])
    assert cards.returncode == 0, cards.stderr
    return root, codes, kept_copies


def assert_the_workshop_names_the_learner(
        lived_in: tuple[Path, dict[str, str], Path]) -> None:
    """Before forgetting, the search finds the learner everywhere: it is not vacuous."""
    root, codes, _ = lived_in
    hits = byte_search(root, [FORGOTTEN[1], codes[FORGOTTEN[0]], FORGOTTEN[0]])
    assert "sandbox.db" in hits and "gradebook.db" in hits
    assert any(k.startswith(".grading/gradebook-") for k in hits)
    assert any(k.startswith(".grading/executed/hvquyen7/") for k in hits)
    assert any(k.startswith("giay-chung-nhan/") for k in hits)


@pytest.fixture(scope="module")
def forgotten(lived_in: tuple[Path, dict[str, str], Path]
              ) -> tuple[Path, dict[str, str], Path, subprocess.CompletedProcess[str]]:
    root, codes, kept_copies = lived_in
    assert_the_workshop_names_the_learner(lived_in)
    done = run("forget", str(root), FORGOTTEN[0])
    return root, codes, kept_copies, done


def test_forget_leaves_no_byte_of_the_learner(
        forgotten: tuple[Path, dict[str, str], Path, subprocess.CompletedProcess[str]]) -> None:
    root, codes, _, done = forgotten
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Đã xóa toàn bộ dữ liệu của {FORGOTTEN[0]}" in done.stdout
    assert byte_search(root, [FORGOTTEN[1], codes[FORGOTTEN[0]], FORGOTTEN[0]]) == {}
    for folder in ("submitted", "autograded", "feedback", ".grading/executed"):
        assert not (root / folder / FORGOTTEN[0]).exists()
    assert not list((root / ".grading").glob("gradebook-*.db*"))
    box = workshop.open_sandbox(root)
    try:
        with pytest.raises(UnknownLearner):
            learners.by_id(box.store, FORGOTTEN[0])
    finally:
        box.close()
    again = run("forget", str(root), FORGOTTEN[0])  # nothing of it left: said so, exit 2
    assert again.returncode == 2 and "Không tìm thấy học viên" in again.stderr, again.stderr
    # and the others stay
    hits = byte_search(root, [KEPT[1], codes[KEPT[0]], KEPT[0]])
    assert "sandbox.db" in hits and "gradebook.db" in hits
    assert [p.name for p in (root / "giay-chung-nhan").glob("*.pdf")] != []
    assert (root / "submitted" / KEPT[0]).is_dir()


def test_a_certificate_of_a_forgotten_learner_verifies_as_revoked(
        forgotten: tuple[Path, dict[str, str], Path, subprocess.CompletedProcess[str]],
        tmp_path: Path) -> None:
    root, _, kept_copies, done = forgotten
    assert done.returncode == 0
    [theirs] = [p for p in kept_copies.glob("*.pdf") if "quyen" in p.name]
    [other] = [p for p in kept_copies.glob("*.pdf") if "hai" in p.name]
    check = run("certificate", "verify", str(theirs))
    assert check.returncode == 1 and "ĐÃ THU HỒI / REVOKED" in check.stdout, check.stdout
    assert run("certificate", "verify", str(other)).returncode == 0
    # on another computer, with the issuer certificate and the list handed out beside it
    [crt] = (root / "giay-chung-nhan").glob("*-issuer.crt")
    [listed] = (root / "giay-chung-nhan").glob("*-revoked.txt")
    assert FORGOTTEN[1].encode() not in listed.read_bytes()
    env = {**os.environ, "BAKHONG_HOME": str(tmp_path / "another-computer")}
    elsewhere = subprocess.run([str(CONSOLE_SCRIPT), "certificate", "verify", str(theirs),
                                "--issuer", str(crt), "--json"], capture_output=True,
                               text=True, env=env, timeout=120, check=False)
    assert elsewhere.returncode == 1 and '"verdict": "revoked"' in elsewhere.stdout


def test_forget_names_a_file_it_could_not_clean(
        forgotten: tuple[Path, dict[str, str], Path, subprocess.CompletedProcess[str]]) -> None:
    """The cards sheet the trainer printed into the folder still names the learner: no
    «Đã xóa toàn bộ», exit 1, the file listed."""
    root, _, _, first = forgotten
    assert first.returncode == 0
    done = run("forget", str(root), CARD_ONLY[0])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Đã xóa toàn bộ" not in done.stdout and "the-bon.pdf" in done.stderr


def test_deleted_rows_leave_no_trace_in_free_pages(tmp_path: Path) -> None:
    """Many learners, one forgotten in the middle, on an SQLite that does not overwrite what
    it deletes (Debian's is built with SECURE_DELETE on; Python's own builds are not): the
    name stays neither in a free page of sandbox.db or gradebook.db nor in the -wal, even
    with another connection open, as a serving laptop has."""
    import sqlite3

    import sqlalchemy as sa

    def insecure(dbapi_connection: object, _record: object) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute("PRAGMA secure_delete = OFF")

    rows = [(f"hv{i:03d}", f"Nguyễn Thị Học Viên Số {i:03d} " + "Dài" * 40, "Xã Thọ Long")
            for i in range(60)]
    root = tmp_path / "ws"
    sa.event.listen(sa.engine.Engine, "connect", insecure)
    try:
        box, _ = workshop.create(root, rows, lessons=("vneid",))
        try:
            for learner_id, *_ in rows:
                learners.record_consent(box.store, box.clock, learner_id)
            workshop.forget(root, "hv030")
            assert byte_search(root, ["Học Viên Số 030", "hv030"]) == {}
        finally:
            box.close()
    finally:
        sa.event.remove(sa.engine.Engine, "connect", insecure)
    assert byte_search(root, ["Học Viên Số 030", "hv030"]) == {}
    assert byte_search(root, ["Học Viên Số 031", "hv031"]) != {}


# --- roster privacy -----------------------------------------------------------------------

NUMBERS = {  # as typed in the cells, and the digits alone
    "0912345678": "0912345678", "091.234.5679": "0912345679", "+84 912 345 670": "84912345670",
    "038090001234": "038090001234", "038 1 90 001235": "038190001235", "171234567": "171234567",
}


def test_a_roster_full_of_real_numbers_stores_none(tmp_path: Path) -> None:
    header = ["Họ và tên", "Xã/Phường", "Năm sinh", "Số CCCD", "Số điện thoại", "Ghi chú"]
    rows = [
        ["Phạm 0912345678", "Xã Thọ Long", "1965", "038090001234", "0912345678", "gọi 0912345678"],
        ["Lê Thị Hoa (SĐT: 091.234.5679)", "Xã Thọ Long", "", "038 1 90 001235", "", ""],
        ["Trần Văn Nam - CCCD 038 1 90 001235", "Phường Hạc Thành", "1958", "", "+84 912 345 670",
         ""],
        ["Đỗ Văn Tâm +84 912 345 670 / CMND 171234567", "Xã Thọ Long", "", "", "", ""],
    ]
    root = tmp_path / "ws"
    done = init(root, rows, header)
    assert done.returncode == 0, done.stderr
    for row in (2, 3, 4, 5):
        assert f"Dòng {row}:" in done.stderr, done.stderr
    assert not any(number in done.stdout + done.stderr for number in NUMBERS)
    assert byte_search(root, [*NUMBERS, *NUMBERS.values()]) == {}
    box = workshop.open_sandbox(root)
    try:
        names = sorted(le.full_name for le in learners.all_learners(box.store))
    finally:
        box.close()
    assert names == ["Lê Thị Hoa", "Phạm", "Trần Văn Nam", "Đỗ Văn Tâm"]


def test_a_real_number_as_an_id_or_in_a_read_cell_stops_init_with_its_row(tmp_path: Path) -> None:
    header = ["Mã học viên", "Họ và tên", "Xã/Phường", "Năm sinh"]
    rows = [["hv001", "Lê Thị Hoa", "Xã Thọ Long", "1965"],
            ["038090001234", "Trần Văn Nam", "Xã Thọ Long", ""],
            ["0912-345-678", "Phạm Văn Ba", "Xã Thọ Long", ""],
            ["hv004", "Đỗ Thị Bốn", "Xã Thọ Long", "038090001234"]]
    done = init(tmp_path / "ws", rows, header)
    assert done.returncode == 2, done.stdout
    for row in (3, 4, 5):
        assert f"Dòng {row}:" in done.stderr, done.stderr
    assert "038090001234" not in done.stderr and "0912" not in done.stderr
    assert not (tmp_path / "ws").exists()


# --- private files ------------------------------------------------------------------------

def loose_modes(root: Path) -> list[str]:
    """Entries under ``root`` (itself included) that anyone but the owner may read."""
    loose = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if not path.is_symlink() and mode & 0o077:
            loose.append(f"{oct(mode)} {path.relative_to(root)}")
    return loose


def test_every_workshop_file_is_private_after_init_and_grading(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert init(root, [["hv001", "Lê Thị Hoa", "Xã Thọ Long"],
                       ["hv002", "Trần Văn Nam", "Xã Thọ Long"]]).returncode == 0
    assert loose_modes(root) == []
    before = os.umask(0o022)  # a careless caller: the database files keep their own mode
    box = workshop.open_sandbox(root)
    try:
        for learner_id in ("hv001", "hv002"):
            learners.record_consent(box.store, box.clock, learner_id)
        reach_level2(box.vneid("hv001"), registry.persona_of_learner(box.store, "hv001"))
        for learner_id in ("hv001", "hv002"):  # two: graded by two processes
            submissions.request(box.store, box.clock, learner_id, "vneid")
        assert (root / "sandbox.db-wal").exists() and (root / "sandbox.db-shm").exists()
        assert loose_modes(root) == []
    finally:
        box.close()
        os.umask(before)
    done = run("grade", str(root), "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert (root / "autograded" / "hv001").is_dir() and (root / ".grading").is_dir()
    assert run("certificate", str(root)).returncode == 0
    assert run("report", str(root)).returncode == 0
    assert run("cards", str(root), "--out", str(root / "the.pdf")).returncode == 0
    assert loose_modes(root) == []
