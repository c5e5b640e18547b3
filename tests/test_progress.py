"""The dashboard's queries on a fixed clock: current lesson and step, time on step, stuck, scores,
per-commune progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import PASSWORD, last_otp, reach_level2

from bakhong.grading import course, progress, results, trainer
from bakhong.grading.progress import REPEATED, SLOW, class_progress, commune_progress
from bakhong.simulators import (
    bank,
    bills,
    checks,
    first_steps,
    learners,
    portal,
    receiving,
    registry,
    safety,
    scams,
    secrets,
    signing,
    submissions,
    vneid,
    vneid_daily,
)
from bakhong.simulators.clock import FixedClock
from bakhong.simulators.procedures import NEWBORN_BUNDLE
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.store import dumps, events
from bakhong.simulators.store import submissions as submissions_table
from bakhong.simulators.vneid import Step, VneidSimulator, WrongOtp


def at_otp(sim: VneidSimulator, persona: registry.Persona) -> None:
    sim.go(Step.REGISTER)
    sim.register(persona.id_number, persona.phone, face_captured=True)
    sim.go(Step.ACTIVATE)
    sim.request_otp(persona.id_number, persona.phone)


def wrong_otps(sim: VneidSimulator, clock: FixedClock, count: int, every: timedelta) -> None:
    for _ in range(count):
        clock.advance(seconds=every.total_seconds())
        with pytest.raises(vneid.VneidError):
            sim.submit_otp("000000")


def one(box: Sandbox, clock: FixedClock, learner_id: str = "hv001") -> progress.LearnerProgress:
    found = class_progress(box.store, clock.now(), learner_id=learner_id)
    assert len(found) == 1
    return found[0]


def test_flows_are_the_simulators_and_lessons_the_course() -> None:
    assert tuple(progress.LESSON_FLOWS) == course.LESSONS
    assert progress.LESSON_FLOWS == {
        "first_steps": (first_steps.FLOW,), "vneid": (vneid.FLOW,), "payment": (bank.FLOW,),
        "portal": (portal.FLOW,), "portal_result": (portal.FLOW,), "signing": (signing.FLOW,),
        "safety": (safety.FLOW,), "receiving": (receiving.FLOW,),
        "vneid_daily": (vneid_daily.FLOW,), "scams": (scams.FLOW,), "bills": (bills.FLOW,),
        "secrets": (secrets.FLOW,), **{c.lesson: (c.flow,) for c in checks.CHECKS.values()}}
    assert (first_steps.LESSON, vneid.LESSON, bank.LESSON, portal.LESSON, "portal_result",
            signing.LESSON, safety.LESSON, receiving.LESSON, vneid_daily.LESSON,
            scams.LESSON, bills.LESSON, secrets.LESSON) == course.PRACTICE
    assert tuple(checks.CHECKS) == course.CHECKS


def test_a_learner_who_did_nothing(box: Sandbox, clock: FixedClock) -> None:
    rows = {p.learner_id: p for p in class_progress(box.store, clock.now())}
    assert set(rows) == {"hv001", "hv002"}
    assert rows["hv001"].consented and not rows["hv002"].consented
    fresh = rows["hv002"]
    assert (fresh.lesson, fresh.step, fresh.on_step, fresh.stuck, fresh.active) == (
        None, None, None, None, False)
    assert rows["hv001"].code == learners.by_id(box.store, "hv001").code


def test_three_wrong_otps_within_ten_minutes_is_stuck(
        box: Sandbox, sim: VneidSimulator, persona: registry.Persona, clock: FixedClock) -> None:
    at_otp(sim, persona)
    reached = clock.now()
    wrong_otps(sim, clock, 2, timedelta(seconds=40))
    assert one(box, clock).stuck is None  # twice is not yet stuck
    wrong_otps(sim, clock, 1, timedelta(seconds=40))
    mine = one(box, clock)
    assert (mine.lesson, mine.step, mine.active) == ("vneid", "otp", True)
    assert mine.stuck == progress.Stuck(REPEATED, WrongOtp.code, 3, "otp")
    assert mine.step_since == reached and mine.on_step == timedelta(seconds=120)


def test_a_right_otp_after_the_wrong_ones_clears_it(
        box: Sandbox, sim: VneidSimulator, persona: registry.Persona, clock: FixedClock) -> None:
    at_otp(sim, persona)
    wrong_otps(sim, clock, 3, timedelta(seconds=30))
    sim.submit_otp(last_otp(sim))
    mine = one(box, clock)
    assert (mine.step, mine.stuck, mine.on_step) == ("password", None, timedelta(0))


def test_refusals_spread_out_are_stuck_for_the_time_on_the_step(
        box: Sandbox, sim: VneidSimulator, persona: registry.Persona, clock: FixedClock) -> None:
    at_otp(sim, persona)
    wrong_otps(sim, clock, 3, timedelta(minutes=6))  # only two inside the last ten minutes
    mine = one(box, clock)
    assert mine.on_step == timedelta(minutes=18)
    assert mine.stuck is not None and mine.stuck.kind == SLOW and mine.stuck.count == 3
    assert mine.stuck.step == "otp"


def test_a_long_quiet_step_is_not_stuck(
        box: Sandbox, sim: VneidSimulator, persona: registry.Persona, clock: FixedClock) -> None:
    at_otp(sim, persona)
    clock.advance(minutes=25)
    mine = one(box, clock)
    assert (mine.step, mine.on_step, mine.stuck, mine.active) == (
        "otp", timedelta(minutes=25), None, False)


def test_old_repeats_fall_out_of_the_window(
        box: Sandbox, sim: VneidSimulator, persona: registry.Persona, clock: FixedClock) -> None:
    at_otp(sim, persona)
    wrong_otps(sim, clock, 3, timedelta(seconds=20))
    sim.go(Step.INTRO)  # a move: the step changes, the refusals stay in the window
    assert one(box, clock).stuck is not None
    clock.advance(minutes=11)
    assert one(box, clock).stuck is None


def test_a_reset_starts_the_lesson_afresh(
        box: Sandbox, sim: VneidSimulator, persona: registry.Persona, clock: FixedClock) -> None:
    at_otp(sim, persona)
    wrong_otps(sim, clock, 3, timedelta(seconds=20))
    trainer.reset_attempt(box.store, clock, "hv001", "vneid")
    mine = one(box, clock)
    assert (mine.lesson, mine.step, mine.stuck) == ("vneid", None, None)
    again = box.vneid("hv001")
    assert again.status().step is Step.INTRO
    at_otp(again, persona)
    wrong_otps(again, clock, 2, timedelta(seconds=20))
    assert one(box, clock).stuck is None  # the two wrong OTPs before the reset do not count


def test_the_current_lesson_is_the_newest_event_and_the_portal_step_is_derived(
        box: Sandbox, persona: registry.Persona, clock: FixedClock) -> None:
    reach_level2(box.vneid("hv001"), persona)
    assert one(box, clock).lesson == "vneid"
    clock.advance(minutes=1)
    sim = box.portal("hv001")
    sim.login(persona.id_number, PASSWORD)
    logged = clock.now()
    mine = one(box, clock)
    assert (mine.lesson, mine.step, mine.step_since) == ("portal", "home", logged)
    clock.advance(minutes=2)
    sim.start(NEWBORN_BUNDLE)
    mine = one(box, clock)
    assert (mine.step, mine.on_step) == ("form 1", timedelta(0))
    clock.advance(minutes=3)
    assert one(box, clock).on_step == timedelta(minutes=3)


KEY = b"k" * 32


def grade(box: Sandbox, clock: FixedClock, seq: int, learner_id: str, score: float,
          max_score: float, lesson: str = "vneid") -> None:
    """What the grader records once nbgrader has scored a submission."""
    results.record(box.store, clock, KEY, box.workshop_id, seq, learner_id, lesson, score,
                   max_score, ())


def sealed(box: Sandbox, pass_mark: float = 0.8,
           core_lessons: tuple[str, ...] = ("vneid",)) -> results.Results:
    return results.read(box.store, KEY, box.workshop_id, pass_mark=pass_mark,
                        core_lessons=core_lessons)


def test_scores_as_they_arrive(box: Sandbox, clock: FixedClock) -> None:
    def score(pass_mark: float = 0.8) -> progress.LessonScore:
        return class_progress(box.store, clock.now(), learner_id="hv001",
                              results=sealed(box, pass_mark))[0].scores["vneid"]

    assert one(box, clock).scores == {}
    queued = submissions.request(box.store, clock, "hv001", "vneid")
    assert score().status == submissions.QUEUED
    grade(box, clock, queued.seq, "hv001", 4.0, 5.0)
    assert (score().status, score().score, score().max_score) == (submissions.GRADED, 4.0, 5.0)
    assert score(0.8).passed and not score(0.9).passed


def test_a_score_edited_in_the_store_is_not_shown_as_a_score(box: Sandbox,
                                                             clock: FixedClock) -> None:
    queued = submissions.request(box.store, clock, "hv001", "vneid")
    grade(box, clock, queued.seq, "hv001", 1.0, 5.0)
    with box.store.transaction() as conn:  # by hand, as sqlite3 would
        conn.execute(submissions_table.update().values(score=5.0))
    found = class_progress(box.store, clock.now(), learner_id="hv001", results=sealed(box))
    assert found[0].scores["vneid"].status == progress.UNSEALED
    assert not found[0].scores["vneid"].passed


def test_commune_progress(tmp_path: object, clock: FixedClock) -> None:
    box = Sandbox.open("sqlite://", clock=clock, seed="communes")
    box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long"),
                      ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
                      ("hv003", "Phạm Thị Lan", "Xã Thọ Long"),
                      ("hv004", "Đỗ Văn Hùng", "Phường Hạc Thành")])
    for learner_id in ("hv001", "hv002", "hv004"):
        learners.record_consent(box.store, clock, learner_id)
    first = submissions.request(box.store, clock, "hv001", "vneid")
    grade(box, clock, first.seq, "hv001", 5.0, 5.0)
    again = submissions.enqueue(box.store, clock, "hv001", "vneid")  # a regrade on its way
    failed = submissions.request(box.store, clock, "hv002", "vneid")
    grade(box, clock, failed.seq, "hv002", 2.0, 5.0)
    assert again.status == submissions.QUEUED
    rows = {c.commune: c for c in commune_progress(box.store, sealed(box))}
    assert rows["Xã Thọ Long"] == progress.CommuneProgress("Xã Thọ Long", 3, 2, 2, 1)
    assert rows["Phường Hạc Thành"] == progress.CommuneProgress("Phường Hạc Thành", 1, 1, 0, 0)
    both = commune_progress(box.store, sealed(box, core_lessons=("vneid", "payment")))
    assert sum(c.trained for c in both) == 0
    assert sum(c.trained for c in commune_progress(box.store, sealed(box, core_lessons=()))) == 0


@pytest.mark.slow
def test_two_hundred_learners_are_read_in_a_fixed_number_of_queries(clock: FixedClock) -> None:
    box = Sandbox.open("sqlite://", clock=clock, seed="scale")
    communes = [name for _code, name in registry.communes("Thanh Hóa")][:10]
    box.add_learners([(f"hv{i:03d}", f"Học viên {i}", communes[i % 10]) for i in range(200)])
    start = clock.now()
    rows = [{"learner_id": f"hv{i:03d}", "lesson": ("vneid", "payment")[j // 80], "task": "t",
             "outcome": "ok" if j % 3 else "x.refused",
             "at": (start + timedelta(seconds=10 * j)).isoformat(),
             "detail": dumps({"step": f"s{j // 5}"})} for i in range(200) for j in range(150)]
    with box.store.transaction() as conn:
        conn.execute(events.insert(), rows)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))
    graded = sealed(box)
    sa.event.listen(box.store.engine, "before_cursor_execute", count)
    try:
        found = class_progress(box.store, start + timedelta(minutes=30), results=graded)
        commune_progress(box.store, graded)
    finally:
        sa.event.remove(box.store.engine, "before_cursor_execute", count)
    assert len(found) == 200 and all(p.lesson == "payment" for p in found)
    # a fixed number of queries, never one per learner (the time is bench/report_scale's)
    assert len(statements) < 20, f"{len(statements)} queries for 200 learners"


def test_doctests() -> None:
    import doctest

    assert doctest.testmod(progress).failed == 0


def test_lesson_0_shows_its_step_and_who_is_stuck_there(box: Sandbox, clock: FixedClock) -> None:
    sim = box.first_steps("hv001")
    clock.advance(seconds=10)
    sim.open_part("tap")  # its event carries the step it led to, as the other apps' do
    wrong = next(t.key for t in first_steps.TAP_TARGETS if t.key != sim.status().tap_next)
    for _ in range(3):
        clock.advance(seconds=20)
        with pytest.raises(first_steps.WrongTarget):
            sim.tap(wrong)
    found = one(box, clock)
    assert (found.lesson, found.step) == ("first_steps", "tap")
    assert found.on_step == timedelta(seconds=60)
    assert found.stuck is not None and found.stuck.kind == REPEATED
    assert (found.stuck.code, found.stuck.step) == ("first_steps.tap_wrong", "tap")
