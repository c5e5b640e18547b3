"""A workshop on disk: settings, the nbgrader course, the sandbox and the evidence key.

``init`` is what a trainer runs: it reads the roster and checks everything
first, so a bad row, an unusable settings file or a folder already in use
writes nothing; if building fails half-way, what it wrote is removed again.

**Private files.** Everything in a workshop folder is its owner's alone: folders 0700,
files 0600 (:func:`private_files` while building, :func:`make_private` after), the
databases included; SQLite gives a database's ``-wal``, ``-shm`` and journal the mode of
the database. The ``bakhong`` command sets the umask 077 for everything it writes
afterwards (grading, reports, cards, certificates).

**Forgetting** (:func:`forget`) removes a learner from the sandbox and the gradebook,
overwrites the freed space (SQLite ``secure_delete``, then ``VACUUM`` and a ``TRUNCATE``
checkpoint of ``sandbox.db`` and ``gradebook.db``), deletes the grading worker's
gradebook copies and every folder named after the learner, removes the certificates
issued to them and lists their numbers as revoked, removes the reports that name them,
and finally searches every file of the workshop for the name (NFC and NFD), the id and
the card code: what still holds one is returned, never claimed forgotten. Nothing outside
the workshop folder is touched: every path removed is checked to resolve inside it.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import sqlite3
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bakhong.simulators import learnerid
from bakhong.simulators import learners as learners_mod
from bakhong.simulators.clock import Clock
from bakhong.simulators.errors import N_, SandboxError, UnknownLearner
from bakhong.simulators.learners import Learner
from bakhong.simulators.sandbox import Enrolment, Sandbox, enrolments

from . import course, grader, keys, settings
from .roster import read_roster
from .settings import CourseSettings

FILE_MODE = 0o600
FOLDER_MODE = 0o700


class WorkshopExists(SandboxError):
    code = "workshop.exists"
    message = N_("Thư mục «{path}» đã có một lớp học hoặc tệp khác; hãy chọn một thư mục mới.")


class OutsideWorkshop(SandboxError):
    """A path to remove resolves outside the workshop folder (a symbolic link, say)."""

    code = "workshop.outside"
    message = N_("«{path}» nằm ngoài thư mục lớp học nên không bị xóa; không xóa gì thêm. / "
                 "«{path}» is outside the workshop folder: not removed, nothing more removed.")


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Files and folders made inside are their owner's only (umask 077), then as before."""
    before = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(before)


def make_private(root: Path) -> None:
    """Folders 0700 and files 0600 under ``root`` (itself included); links are left alone."""
    root = Path(root)
    os.chmod(root, FOLDER_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, FOLDER_MODE)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, FILE_MODE)


def open_sandbox(root: Path, *, clock: Clock | None = None, seed: str | None = None) -> Sandbox:
    """The workshop's sandbox, in the store its settings name (``WORKSHOP/sandbox.db``).

    Raises :class:`~.settings.NotAWorkshop` for a folder ``init`` did not make. On a
    laptop holding the workshop's key, the evidence written links each event to the
    learner's previous one (:func:`bakhong.simulators.evidence.record`).
    """
    settings.require_workshop(root)
    url = settings.load(root).store_url_for(root)
    box = Sandbox.open(url, clock=clock, seed=seed)
    if keys.key_path(box.workshop_id).exists():
        box.store.chain_key = keys.load_key(box.workshop_id)
    return box


def _check_unused(root: Path) -> None:
    """Refuse a folder holding anything but a settings file the trainer wrote beforehand."""
    if root.exists() and (not root.is_dir() or any(
            p.name != settings.SETTINGS_FILE for p in root.iterdir())):
        raise WorkshopExists(path=str(root))


#: The hidden folder ``init`` builds a workshop in, beside where it will be.
STAGING = ".{name}.dang-tao-{pid}"


def _staging(root: Path) -> Path:
    return root.parent / STAGING.format(name=root.name, pid=os.getpid())


def _remove_stale_staging(root: Path) -> None:
    """Folders an ``init`` killed with SIGKILL left beside ``root`` (their process is gone)."""
    for path in root.parent.glob(STAGING.format(name=root.name, pid="*")):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _make_issuer(box: Sandbox, name: str) -> None:
    """The workshop's certificate issuer, made with its other keys (so the first backup
    holds it, and a copied folder without it is refused rather than given a new one)."""
    from .certificates import issuer_credential

    issuer_credential(box.workshop_id, workshop_name=name, now=box.clock.now(),
                      store=box.store)


def _build(
    root: Path, chosen: CourseSettings, lines: list[Enrolment], *,
    clock: Clock | None, seed: str | None, lessons: tuple[str, ...],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Sandbox, list[Learner]]:
    """Build the workshop in a hidden folder beside ``root`` and rename it into place: a
    stopped ``init`` leaves no workshop behind (and one killed outright, a hidden folder
    the next ``init`` removes), so it can simply be run again."""
    for line in lines:  # every id becomes folder names: checked before anything is written
        if learnerid.validate(line.learner_id) != line.learner_id:
            raise learnerid.InvalidFormat(learnerid.shown(line.learner_id))
    root = Path(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(root)
    staging = _staging(root)
    box: Sandbox | None = None
    key_made = False
    try:
        with private_files():
            staging.mkdir()
            settings.save(staging, chosen)
            if course.gradebook_in_use(staging):  # a shared gradebook (PostgreSQL) in use
                raise WorkshopExists(path=settings.shown_url(chosen.gradebook_url))
            course.build(staging, lessons, final_root=root)
            box = open_sandbox(staging, clock=clock, seed=seed)
            if learners_mod.all_learners(box.store):  # a shared store (PostgreSQL) in use
                raise WorkshopExists(path=chosen.store_url_for(root))
            key_made = not keys.key_path(box.workshop_id).exists()
            box.store.chain_key = keys.create_key(box.workshop_id)
            _make_issuer(box, root.name)
            added = box.enrol(lines, progress=progress)
            course.add_students(staging, [(le.learner_id, le.full_name) for le in added])
            make_private(staging)
            box.close()
            placed = root.exists()  # holding only a settings file the trainer wrote first
            if placed:
                (root / settings.SETTINGS_FILE).unlink(missing_ok=True)
                root.rmdir()
            try:
                os.rename(staging, root)
            except BaseException:
                if placed:  # the trainer's file back as it was read
                    settings.save(root, chosen)
                raise
            box = open_sandbox(root, clock=clock, seed=seed)
    except BaseException:
        if box is not None:
            if key_made:  # a new workshop's keys (evidence, issuer): none stays behind
                for path in (keys.home() / "keys").glob(f"{box.workshop_id}*"):
                    path.unlink(missing_ok=True)
            box.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return box, added


def init(
    root: Path, roster_path: Path, *, course_settings: CourseSettings | None = None,
    clock: Clock | None = None, seed: str | None = None, current_year: int | None = None,
    lessons: tuple[str, ...] = course.LESSONS, warn: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Sandbox, list[Learner]]:
    """Build a workshop at ``root`` from a trainer's roster; all or nothing.

    Settings come from ``course_settings``, else from a ``bakhong.toml`` already in
    ``root``, else the defaults; they are saved to ``root/bakhong.toml``. Raises
    :class:`~bakhong.grading.roster.RosterError` (nothing written) on any bad row.
    ``warn`` is given each row's notes (a phone number taken out of a name, …).
    """
    root = Path(root)
    _check_unused(root)
    chosen = course_settings or settings.load(root)
    year = current_year or (clock.now().year if clock else None)
    rows = read_roster(roster_path, chosen.province, current_year=year)
    for note in (n for row in rows for n in row.notes):
        if warn is not None:
            warn(note)
    lines = [
        Enrolment(row.learner_id, row.full_name, str(row.commune_code), row.commune_name,
                  chosen.province, row.birth_year, row.sex, row.legacy_commune,
                  row.legacy_district, chosen.language, dict(row.survey) or None,
                  row.id_given)
        for row in rows]
    return _build(root, chosen, lines, clock=clock, seed=seed, lessons=lessons,
                  progress=progress)


def create(
    root: Path, entries: Iterable[tuple[str, str, str]], *,
    clock: Clock | None = None, seed: str | None = None,
    lessons: tuple[str, ...] = course.LESSONS,
) -> tuple[Sandbox, list[Learner]]:
    """Build a workshop from (learner id, name, post-2025 commune) entries (tests, benchmarks)."""
    chosen = settings.load(root)
    return _build(Path(root), chosen, enrolments(entries, chosen.province),
                  clock=clock, seed=seed, lessons=lessons)


@dataclass(frozen=True)
class Forgotten:
    """What :func:`forget` did, and what it could not."""

    learner_id: str
    removed: tuple[Path, ...]
    #: Numbers of the learner's certificate now on the issuer's revocation list.
    revoked: tuple[str, ...]
    #: Files of the workshop that still hold the name, id or code: not forgotten yet.
    leftovers: tuple[Path, ...]
    #: The name is still another learner's or a fictional persona's, so it was not searched.
    name_shared: bool = False
    #: Whether the sandbox still knew the learner (else only the id could be searched for).
    known: bool = True


class DatabaseBusy(SandboxError):
    """A database could not be rewritten: another program keeps writing to it."""

    code = "workshop.database_busy"
    message = N_("Chưa dọn xong «{path}»: chương trình khác (bakhong serve, bakhong dashboard) "
                 "đang ghi vào. Hãy dừng chúng rồi chạy lại đúng lệnh này. / «{path}» could "
                 "not be cleaned: another program (serve, dashboard) is writing to it; stop "
                 "them and run this command again.")


def _inside(base: Path, path: Path) -> Path:
    """``path`` if removing it (the entry itself, not what a link points to) stays inside
    ``base``; :class:`OutsideWorkshop` otherwise."""
    parent = path.parent.resolve()
    if path.name in ("", ".", "..") or not parent.is_relative_to(base):
        raise OutsideWorkshop(path=str(path))
    return parent / path.name


def _remove(base: Path, path: Path, removed: list[Path]) -> None:
    """Remove the file, link or folder ``path`` inside ``base`` (a link, not its target)."""
    target = _inside(base, path)
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    else:
        return
    removed.append(target)


def scrub_sqlite(path: Path, *, tries: int = 3) -> None:
    """Rewrite an SQLite database without its free pages (``VACUUM``) and empty its WAL
    (``TRUNCATE`` checkpoint): deleted rows leave no trace in either file. Each try waits
    up to 10 s for other writers; :class:`DatabaseBusy` when none succeeds."""
    if not path.exists():
        return
    for _ in range(tries):
        conn = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("VACUUM")
            wal = conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
            if not wal or conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0:
                return
        except sqlite3.OperationalError:
            pass
        finally:
            conn.close()
    raise DatabaseBusy(path=str(path))


def _sqlite_path(root: Path) -> Path | None:
    """The sandbox's SQLite file when it is one (PostgreSQL is vacuumed by its owner)."""
    url = make_url(settings.load(root).store_url_for(root))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _needles(learner_id: str, learner: Learner | None, *, with_name: bool = True
             ) -> list[re.Pattern[bytes]]:
    """What must not stay: the name in NFC and NFD UTF-8 (unless ``with_name`` is false:
    someone else still bears it), the card code (both unknown once the learner is gone
    from the sandbox), and the id as a whole word (``hv001`` is not inside ``hv0010``)."""
    texts: set[bytes] = set()
    if learner is not None:
        texts.add(learner.code.encode("ascii"))
        if with_name:
            texts |= {unicodedata.normalize(form, learner.full_name).encode("utf-8")
                      for form in ("NFC", "NFD")}
    plain = [re.compile(re.escape(text)) for text in texts]
    word = re.escape(learner_id.encode("ascii"))
    return [*plain, re.compile(rb"(?<![A-Za-z0-9_-])" + word + rb"(?![A-Za-z0-9_-])")]


def _readable_texts(path: Path) -> Iterator[bytes]:
    """The bytes of a file, and what a compressed format hides: each member of a zip
    (``.xlsx``, entities decoded), the text of each page of a PDF (NFC UTF-8)."""
    data = path.read_bytes()
    yield data
    if data.startswith(b"PK\x03\x04"):
        with contextlib.suppress(zipfile.BadZipFile, OSError), zipfile.ZipFile(path) as zipped:
            for member in zipped.namelist():  # XML, where «ệ» may be written &#7879;
                yield html.unescape(zipped.read(member).decode("utf-8", "replace")).encode()
    if data[:1024].find(b"%PDF-") >= 0:
        yield _pdf_text(data)


def _pdf_text(data: bytes) -> bytes:
    import pypdfium2 as pdfium

    from bakhong.simulators.attachments import _PDFIUM

    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return b""
        try:
            text = "\n".join(page.get_textpage().get_text_range() for page in document)
        finally:
            document.close()
    return unicodedata.normalize("NFC", text).encode("utf-8")


def naming(root: Path, needles: list[re.Pattern[bytes]]) -> list[Path]:
    """The files under ``root`` whose name or content matches one of ``needles``."""
    found = []
    for path in sorted(Path(root).rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        texts = [str(path.relative_to(root)).encode("utf-8")]
        if any(n.search(text) for n in needles for text in texts) or any(
                n.search(text) for text in _readable_texts(path) for n in needles):
            found.append(path)
    return found


def _remove_student(root: Path, learner_id: str) -> bool:
    """nbgrader's student and submissions gone; whether there was one."""
    from nbgrader.api import Gradebook, MissingEntry

    course.put_environment_on_path()
    with Gradebook(course.gradebook_url(root)) as gradebook:
        try:
            gradebook.remove_student(learner_id)
        except MissingEntry:
            return False
    return True


def forget(root: Path, learner_id: str) -> Forgotten:
    """Remove a learner's data everywhere in the workshop (see the module's notes).

    ``learner_id`` is checked first (:func:`bakhong.simulators.learnerid.validate`), and
    every path to remove must resolve inside ``root`` before any is removed. Run again
    after a failure (:class:`DatabaseBusy`, say), it finishes the job: a learner already
    gone from the sandbox is then looked for by id alone. Raises
    :class:`~bakhong.simulators.learnerid.InvalidLearnerId`, :class:`OutsideWorkshop`,
    :class:`DatabaseBusy`, or :class:`~bakhong.simulators.errors.UnknownLearner` when
    nothing of that id was found.
    """
    root = Path(root)
    settings.require_workshop(root)
    learner_id = learnerid.validate(learner_id)
    from . import certificates  # it builds on this module (and loads pyHanko: not before)

    base = root.resolve()
    box = open_sandbox(root)
    try:
        workshop_id = box.workshop_id
        try:
            learner: Learner | None = learners_mod.by_id(box.store, learner_id)
        except UnknownLearner:  # a mistyped id, or a forget that stopped half-way
            learner = None
    finally:
        box.close()
    removed: list[Path] = []
    work = root / grader.WORK_DIR
    number = certificates.certificate_number(workshop_id, learner_id)
    # the one writer of the gradebook and its copies
    with private_files(), grader.gradebook_writer(root):
        copies = sorted(work.glob("gradebook-*.db*")) if work.is_dir() else []
        folders = [root / stage / learner_id
                   for stage in ("submitted", "autograded", "feedback", grader.EXECUTED)]
        issued = sorted(root.rglob(f"{number}-*.pdf"))
        issuers = sorted(root.rglob(f"{workshop_id}-issuer.crt"))
        for path in (*copies, *folders, *issued, *issuers):
            _inside(base, path)  # OutsideWorkshop before anything is removed
        graded = _remove_student(root, learner_id)
        scrub_sqlite(root / "gradebook.db")
        for path in (*copies, *folders, *issued):  # copies: remade by the next grading
            _remove(base, path, removed)
        revoked: tuple[str, ...] = ()
        if learner is not None or issued:
            revoked = certificates.revoke_learner(workshop_id, learner_id)
        for issuer in issuers if revoked else ():
            certificates.publish_revocations(workshop_id, issuer.parent)
    shared = False
    box = open_sandbox(root)
    try:
        if learner is not None:
            learners_mod.forget(box.store, learner_id)
            # the name may be another learner's, or a fictional persona's: not searched then
            shared = learners_mod.name_in_use(box.store, learner.full_name)
    finally:
        box.close()
    database = _sqlite_path(root)
    if database is not None:
        scrub_sqlite(database)
    needles = _needles(learner_id, learner, with_name=not shared)
    for report in naming(root / "reports", needles) if (root / "reports").is_dir() else ():
        _remove(base, report, removed)  # made again by «bakhong report»
    leftovers = tuple(naming(root, needles))
    if learner is None and not (graded or removed or leftovers):
        raise UnknownLearner(learner_id)
    return Forgotten(learner_id, tuple(removed), revoked, leftovers, shared,
                     known=learner is not None)
