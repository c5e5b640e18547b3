"""The demo workshop: forty fictional residents, five weeks of a class, ready to show.

``bakhong demo`` builds it with :func:`build` from ``bakhong/data/demo-roster.csv`` and puts
``bakhong/data/demo-population.csv`` beside it as ``WORKSHOP/population.csv``, which
``bakhong report`` reads when no ``--population`` is given. The class met twice a week for
five weeks (:data:`SESSIONS_DAYS_AGO`, 08:00 each time) and is meeting now: today's session
began :data:`TODAY_STARTED` before ``now``. Each resident beyond the first
six (the learners the browser tests start from nothing) has a :class:`Stage` drawn from
:data:`STAGES` with a fixed seed, and goes through it one lesson per session with the
scripted residents of :mod:`bakhong.simulators.walkthrough`, on the workshop's
:class:`~bakhong.simulators.clock.FixedClock`:

* a lesson finished is submitted at once («Nộp bài», its evidence event at that moment);
* a lesson left part-way, and the three residents who keep mistyping the activation OTP
  (:func:`~bakhong.simulators.walkthrough.stuck_at_otp`), belong to today's session, a few
  minutes before ``now``: the trainer's dashboard shows them working and stuck.

**Grading.** The core lessons' submissions older than :data:`GRADED_WHEN_BUILT` are graded
while building, each session's at its end (the clock set there), so the report's four-week
trend and projected date have real dates (``report.py``: a resident is trained when the last
core lesson was first graded as passed; the trend reads the trained count at weekly marks,
so a submission of the last week counts the same whether it was graded then or now). Every
other submission is left in the queue for the grading worker that ``bakhong serve`` starts:
the dashboard shows those scores arriving in the first minutes. Their queue rows are added
after the build's grading (``grade_pending`` takes all that is queued), each with the moment
of its «Nộp bài»; the learner's ``submit`` evidence event is recorded at that moment, as
:func:`~bakhong.simulators.submissions.request` records it. Grading runs in this process
(``workers=1``): a session has a handful of rows, too few to pay for a pool's start.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from bakhong.quiet import quiet
from bakhong.simulators import learners, submissions, walkthrough
from bakhong.simulators.clock import VN_TZ, FixedClock, seeded_random
from bakhong.simulators.evidence import record
from bakhong.simulators.sandbox import Sandbox

from . import grader, keys, lesson_variants, settings, workshop
from .report import POPULATION_FILE

if TYPE_CHECKING:
    from .kernel_pool import KernelPool

__all__ = ["KEPT", "SESSIONS_DAYS_AGO", "STAGES", "Stage", "Summary", "build",
           "population_path", "roster_path"]

#: Days before ``now`` of the past sessions (two a week), oldest first; then today's.
SESSIONS_DAYS_AGO = (34, 31, 27, 24, 20, 17, 13, 10, 6, 3)
SESSION_HOUR = 8
TODAY_STARTED = timedelta(minutes=30)
#: The demo learners the browser tests start from nothing: never touched here.
KEPT = 6
SEED = "bakhong-demo"
#: Core-lesson submissions older than this are graded while building (see the module): all
#: but today's, so that residents who finished the four checks and safety count as trained
#: (a resident takes six sessions to be trained, ten for the whole course, and those who
#: finished at the session three days ago were left in the queue with five days).
GRADED_WHEN_BUILT = timedelta(days=2)
#: What a resident does at each session they come to: a practice lesson and its check
#: («Tự làm») in the same session, safety before the portal and signing, so that residents
#: count as trained (the four checks and safety, ``settings.DEFAULT_CORE_LESSONS``) in six;
#: receiving money (lesson 6) and its check come at a seventh, everyday VNeID (lesson 7) and
#: its check at an eighth, scams aimed at older people (lesson 8) and its check at a ninth, the
#: monthly bills (lesson 9) and its check at a tenth and keeping one's secrets (lesson 10)
#: and its check last, at an eleventh (today's).
SESSION_LESSONS: tuple[tuple[str, ...], ...] = (
    ("first_steps",), ("vneid", "vneid_check"), ("payment", "payment_check"), ("safety",),
    ("portal", "portal_result", "portal_check"), ("signing", "signing_check"),
    ("receiving", "receiving_check"), ("vneid_daily", "vneid_daily_check"),
    ("scams", "scams_check"), ("bills", "bills_check"), ("secrets", "secrets_check"))
#: The lessons in the order the demo's residents take them.
ORDER = tuple(lesson for group in SESSION_LESSONS for lesson in group)
#: Grading processes while building: the sessions' batches are too small for a pool.
WORKERS = 1
#: The workshop's own lesson (:mod:`.lesson_variants`): the trainer released a variant of
#: the payment lesson with the class's note before the session of index
#: :data:`VARIANT_SESSION`; from then on a resident who has done the payment lesson hands it
#: in at a session they come to (graded from the same evidence, by ``serve``'s worker).
VARIANT = ("payment", "payment_mot_cua", "Bài 2 (lớp Thanh Hóa): Trả lệ phí bằng mã QR",
           "Ghi chú của lớp: bộ phận một cửa của xã (mô phỏng) nhận lệ phí bằng mã QR từ 7 giờ "
           "30 đến 17 giờ, thứ Hai đến thứ Sáu; mã QR dán ở quầy, đọc tên người nhận trước khi "
           "trả.")
VARIANT_SESSION = 6


@dataclass(frozen=True)
class Stage:
    """Where a resident stands: ``lessons`` complete (of :data:`ORDER`), ``tasks`` of the
    next one, or ``stuck`` at the activation OTP of lesson 1; ``submit_partial``: pressed
    «Nộp bài» on the part-done lesson too (a score below the pass mark). ``Stage()`` opened
    the link and agreed to the notice, nothing more."""

    lessons: int = 0
    tasks: int = 0
    stuck: bool = False
    submit_partial: bool = False


#: The stages of the 34 residents after the first six, before the seeded shuffle.
STAGES: tuple[Stage, ...] = (
    Stage(),  # consented, nothing done yet
    Stage(0, 2), Stage(0, 5),  # in lesson 0
    Stage(1),  # lesson 0 done
    Stage(1, 1), Stage(1, 2), Stage(1, 2, submit_partial=True),  # in lesson 1
    *[Stage(1, stuck=True)] * 3,  # stuck at the activation OTP, today
    Stage(2),  # VNeID practised, its check not taken
    Stage(2, 2, submit_partial=True),  # the VNeID check handed in short of level 2
    Stage(3),  # passed the VNeID check
    Stage(3, 2),  # in lesson 2
    Stage(4, 2, submit_partial=True),  # the payment check handed in, paid the swapped code
    Stage(5),  # passed the payment check
    Stage(5, 3),  # in the safety drills
    Stage(6, 2),  # safety done, on the portal
    Stage(7, 1),  # the bundle filed (lesson 3), its fee paid in lesson 3b, the officials next
    Stage(8, 2, submit_partial=True),  # the portal check handed in: a field retyped, the old
    #                                    contract attached
    Stage(9),  # passed the portal check, signing not started
    Stage(10),  # signing practised, its check not taken
    Stage(10, 2, submit_partial=True),  # the signing check handed in, the good and bad untold
    Stage(11),  # the four checks and safety, trained; lesson 6 not started (the portal and
    #             signing lessons cost the most to build)
    Stage(11, 2, submit_partial=True),  # lesson 6 handed in before the faked screenshot
    Stage(12, 2, submit_partial=True),  # the receiving check handed in: the goods handed on
    #                                     the faked screenshot
    Stage(13, 1),  # in lesson 7: the health card and the driving licence in the wallet
    Stage(14, 2, submit_partial=True),  # the everyday VNeID check handed in: the papers and
    #                                     the counter right, the practice's procedure picked
    Stage(16, 4, submit_partial=True),  # the scams check handed in: reported before locking
    Stage(17, 2, submit_partial=True),  # lesson 9 handed in before the phone top-up
    Stage(18, 2, submit_partial=True),  # the bills check handed in: the stranger's number
    #                                     topped up (refused without the reason), not her own
    Stage(19, 2),  # in lesson 10: the passwords' notebook and her own name, not yet who may
    #                help or the borrowed phone
    Stage(20, 3, submit_partial=True),  # the secrets check handed in: the PIN told to the
    #                                     stranger who borrowed the phone
    Stage(21),  # the whole course: receiving money, everyday VNeID, the scams, the monthly
    #             bills and keeping one's secrets, and their checks
)


@dataclass
class Summary:
    """What the build did, for ``bakhong demo`` to print."""

    learners: int = 0
    staged: int = 0  # residents put at a stage (the others have done nothing)
    graded: int = 0  # submissions graded while building
    queued: int = 0  # left for the grading worker of ``serve``


def roster_path() -> Path:
    return Path(str(resources.files("bakhong") / "data" / "demo-roster.csv"))


def population_path() -> Path:
    return Path(str(resources.files("bakhong") / "data" / "demo-population.csv"))


@dataclass(frozen=True)
class _Sitting:
    """One resident at one session: a whole lesson (submitted), part of one, or the OTP."""

    learner_id: str
    lesson: str | None  # None: consent only
    tasks: int | None = None  # None: the whole lesson
    stuck: bool = False
    submit: bool = True


def _sittings(learner_id: str, stage: Stage) -> list[list[_Sitting]]:
    """The resident's visits, oldest first: the sittings of each session they came to."""
    found = [_Sitting(learner_id, lesson) for lesson in ORDER[:stage.lessons]]
    if stage.stuck:
        found.append(_Sitting(learner_id, "vneid", stuck=True, submit=False))
    elif stage.tasks:
        found.append(_Sitting(learner_id, ORDER[stage.lessons], stage.tasks,
                              submit=stage.submit_partial))
    if not found:
        return [[_Sitting(learner_id, None, submit=False)]]
    visits: dict[int, list[_Sitting]] = {}
    for sitting in found:
        group = next(i for i, lessons in enumerate(SESSION_LESSONS) if sitting.lesson in lessons)
        visits.setdefault(group, []).append(sitting)
    return list(visits.values())


def _plan(learner_ids: list[str]) -> list[list[_Sitting]]:
    """The sittings of every session (the last one is today's), each resident's stage drawn.

    A resident comes to consecutive sessions, one lesson each. One whose last sitting is
    part of a lesson (or stuck) is in today's session; the others finished at a session
    drawn from those their lessons leave room for (today's included).
    """
    rng = seeded_random(SEED, "stages")
    stages = list(STAGES)[:len(learner_ids)]
    stages += [Stage()] * (len(learner_ids) - len(stages))
    rng.shuffle(stages)
    today = len(SESSIONS_DAYS_AGO)
    sessions: list[list[_Sitting]] = [[] for _ in range(today + 1)]
    people = list(zip(learner_ids, stages, strict=True))
    people.sort(key=lambda item: not (item[1].stuck or item[1].tasks))  # today's first
    for learner_id, stage in people:
        mine = _sittings(learner_id, stage)
        room = [today] if (stage.stuck or stage.tasks) else list(range(len(mine) - 1, today + 1))
        last = rng.choice(room)
        for index, visit in enumerate(mine):
            sessions[last - (len(mine) - 1 - index)].extend(visit)
    return sessions


def _session_start(now: datetime, index: int) -> datetime:
    if index == len(SESSIONS_DAYS_AGO):
        return now - TODAY_STARTED
    day = (now - timedelta(days=SESSIONS_DAYS_AGO[index])).astimezone(VN_TZ)
    return day.replace(hour=SESSION_HOUR, minute=0, second=0, microsecond=0)


def _sit(box: Sandbox, clock: FixedClock, sitting: _Sitting) -> None:
    me = sitting.learner_id
    if sitting.stuck:
        walkthrough.stuck_at_otp(box, me, clock=clock)
    elif sitting.lesson is None:
        learners.record_consent(box.store, clock, me)
    else:
        walkthrough.walk(box, me, sitting.lesson, tasks=sitting.tasks, clock=clock)


@dataclass
class _History:
    """The five weeks replayed on the workshop's clock, session by session."""

    root: Path
    box: Sandbox
    clock: FixedClock
    now: datetime
    workers: int
    core: frozenset[str]
    later: list[tuple[datetime, str, str]] = field(default_factory=list)
    pool: KernelPool | None = None
    #: residents who finished the variant's base lesson, and those who handed the variant in
    based: set[str] = field(default_factory=set)
    handed: set[str] = field(default_factory=set)

    def session(self, index: int, sittings: list[_Sitting]) -> int:
        """Every sitting of one session, then its grading; the count graded."""
        begins = _session_start(self.now, index)
        offsets = seeded_random(SEED, "offsets", index)
        if index == VARIANT_SESSION:
            self.clock.set(begins - timedelta(hours=1))
            release_variant(self.root)
        for sitting in sittings:
            self.clock.set(begins + timedelta(minutes=offsets.randint(0, 15)))
            if sitting.stuck:  # the last minutes before ``now``: stuck right now
                self.clock.set(self.now - timedelta(minutes=offsets.randint(4, 6)))
            _sit(self.box, self.clock, sitting)
            if self.clock.now() > self.now:
                raise RuntimeError(f"{sitting}: the demo's history passed {self.now}")
            if sitting.submit and sitting.lesson is not None:
                self.submit(sitting.learner_id, sitting.lesson,
                            graded_now=self.now - begins > GRADED_WHEN_BUILT)
            me = sitting.learner_id
            if sitting.lesson == VARIANT[0] and sitting.tasks is None:
                self.based.add(me)
            if index >= VARIANT_SESSION and me in self.based and me not in self.handed:
                self.handed.add(me)
                self.submit(me, VARIANT[1], graded_now=False)
        self.clock.set(begins + timedelta(hours=3))  # graded as the session ends
        return self.grade()

    def submit(self, learner_id: str, lesson: str, *, graded_now: bool) -> None:
        """«Nộp bài»: queued now for a core lesson graded while building, else recorded now
        and queued after the build's grading (see the module's notes)."""
        if lesson in self.core and graded_now:
            submissions.request(self.box.store, self.clock, learner_id, lesson)
            return
        with self.box.store.transaction() as conn:
            record(conn, self.clock, learner_id, lesson, "submit")
        self.later.append((self.clock.now(), learner_id, lesson))

    def grade(self) -> int:
        if not submissions.pending(self.box.store):
            return 0
        if self.pool is None and self.workers > 1:
            self.pool = grader.grading_pool(self.workers)
        with quiet():  # nbgrader's deprecations, the kernels' start-up lines
            done = grader.grade_pending(self.root, self.box, workers=self.workers,
                                        pool=self.pool)
        failed = [f"{row.learner_id}/{row.lesson}" for row in
                  submissions.latest_all(self.box.store) if row.status == submissions.FAILED]
        if failed:
            raise RuntimeError(f"the demo's grading failed: {', '.join(failed)}")
        return len(done)

    def queue_the_rest(self) -> int:
        """The submissions left for ``serve``'s worker, each dated by its «Nộp bài»."""
        for moment, learner_id, lesson in sorted(self.later):
            self.clock.set(moment)
            submissions.enqueue(self.box.store, self.clock, learner_id, lesson)
        self.clock.set(self.now)
        return len(self.later)


def build(root: Path, *, now: datetime, history: bool = True, roster: Path | None = None,
          population: Path | None = None, workers: int = WORKERS,
          say: Callable[[str], None] = lambda _text: None) -> Summary:
    """Build the demo workshop at ``root`` as it stands at ``now`` (see the module's notes).

    ``root`` must be new (``workshop.init``'s rule). Without ``history`` nobody has started
    (the browser tests' class). Returns what was done; ``say`` is told each session.
    """
    clock = FixedClock(_session_start(now, 0) - timedelta(days=1))  # the roster's import
    before = set(root.iterdir()) if root.is_dir() else None  # init accepts a bakhong.toml
    box, added = workshop.init(root, roster or roster_path(), clock=clock)
    summary = Summary(learners=len(added))
    try:
        shutil.copyfile(population or population_path(), root / POPULATION_FILE)
        if history:
            _replay(root, box, clock, now, [le.learner_id for le in added[KEPT:]], workers,
                    say, summary)
    except BaseException:  # a half-built demo would be served as it is the next time
        keys.key_path(box.workshop_id).unlink(missing_ok=True)
        box.close()
        for path in set(root.iterdir()) - (before or set()):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        if before is None:
            root.rmdir()
        raise
    box.close()
    return summary


def release_variant(root: Path) -> str:
    """The trainer's variant of :data:`VARIANT`, made, edited and released as ``bakhong lesson
    new``, an editor and ``bakhong lesson release`` would; returns its name."""
    base, name, title, note = VARIANT
    path = lesson_variants.new(root, base, name)
    text = re.sub(r'#   title: ".*"', f'#   title: "{title}"', path.read_text(encoding="utf-8"),
                  count=1)
    text = re.sub(rf"# {lesson_variants.EDIT_MARK}: ghi chú.*", f"# {note}", text, count=1)
    path.write_text(text, encoding="utf-8")
    with quiet():  # nbgrader's generate_assignment lines
        lesson_variants.release(root, path)
    return name


def _replay(root: Path, box: Sandbox, clock: FixedClock, now: datetime, staged: list[str],
            workers: int, say: Callable[[str], None], summary: Summary) -> None:
    summary.staged = len(staged)
    replay = _History(root, box, clock, now, workers,
                      frozenset(settings.load(root).core_lessons))
    try:
        for index, sittings in enumerate(_plan(staged)):
            say(f"{_session_start(now, index):%d/%m %H:%M}: {len(sittings)} học viên / "
                "residents")
            graded = replay.session(index, sittings)
            summary.graded += graded
            if graded:
                say(f"  {graded} bài đã chấm / graded")
    finally:
        if replay.pool is not None:
            replay.pool.shutdown(wait=True, cancel_futures=True)
    summary.queued = replay.queue_the_rest()
