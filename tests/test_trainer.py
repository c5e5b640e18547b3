"""The trainer password (hashed, 0600, outside the course) and resetting a learner's attempt."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PASSWORD as VNEID_PASSWORD
from conftest import reach_level2

from bakhong.grading import grader, keys, trainer, workshop
from bakhong.grading.hidden_tests import EVIDENCE_FILE
from bakhong.simulators import evidence, learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.errors import UnknownLearner
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.store import credentials, flow_states
from bakhong.simulators.vneid import Step

PASSWORD = "Lớp học Thọ Long 2026"


# -- the password ---------------------------------------------------------------------

def test_the_password_is_checked_and_kept_hashed_beside_the_keys() -> None:
    path = trainer.set_password("ws-1", PASSWORD)
    assert path == keys.home() / "keys" / "ws-1-trainer"
    assert trainer.has_password("ws-1")
    assert trainer.check_password("ws-1", PASSWORD)
    assert not trainer.check_password("ws-1", PASSWORD + " ")
    assert not trainer.check_password("ws-1", "")
    assert not trainer.check_password("ws-2", PASSWORD)  # another workshop
    text = path.read_text()
    assert PASSWORD not in text and PASSWORD.encode().hex() not in text
    assert text.startswith("scrypt$16384$8$1$")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_salt_is_random_and_a_new_password_replaces_the_old() -> None:
    first = trainer.set_password("ws-salt", PASSWORD).read_text()
    second = trainer.set_password("ws-salt", PASSWORD).read_text()
    assert first != second  # same password, another salt
    trainer.set_password("ws-salt", "mật khẩu mới hơn")
    assert not trainer.check_password("ws-salt", PASSWORD)
    assert trainer.check_password("ws-salt", "mật khẩu mới hơn")
    leftovers = [p.name for p in keys.home().joinpath("keys").iterdir()
                 if p.name.startswith(".ws-salt")]
    assert leftovers == []


def test_accents_typed_decomposed_are_the_same_password() -> None:
    trainer.set_password("ws-nfc", unicodedata.normalize("NFC", PASSWORD))
    assert trainer.check_password("ws-nfc", unicodedata.normalize("NFD", PASSWORD))


def test_refusals() -> None:
    with pytest.raises(trainer.PasswordTooShort) as short:
        trainer.set_password("ws-short", "1234567")
    assert "8 ký tự" in str(short.value)
    assert not trainer.has_password("ws-short")
    with pytest.raises(ValueError):
        trainer.set_password("../evil", PASSWORD)
    assert not trainer.check_password("../evil", PASSWORD)
    assert not trainer.check_password("no-password-yet", PASSWORD)
    assert not trainer.check_password("ws-1", "x" * 10_000)


@pytest.mark.parametrize("content", [
    "", "plain text", "scrypt$16384$8$1$zz$00",
    "scrypt$1073741824$8$1$00$00",  # would ask for 1 TiB: refused, not computed
    "bcrypt$16384$8$1$00$00"])
def test_a_damaged_file_never_admits(content: str) -> None:
    path = trainer.set_password("ws-damaged", PASSWORD)
    path.write_text(content)
    assert not trainer.check_password("ws-damaged", PASSWORD)


# -- resetting an attempt --------------------------------------------------------------

def flows(box: Sandbox, learner_id: str) -> set[str]:
    rows = box.store.read(sa.select(flow_states.c.flow)
                          .where(flow_states.c.learner_id == learner_id))
    return {r[0] for r in rows}


def exported(box: Sandbox, learner_id: str = "hv001", lesson: str = "vneid"
             ) -> evidence.EvidenceExport:
    key = b"k" * 32
    data = json.loads(json.dumps(evidence.export(
        box.store, box.clock, key, workshop=box.workshop_id, learner_id=learner_id,
        lesson=lesson)))
    return evidence.verify_export(data, key, workshop=box.workshop_id, learner=learner_id,
                                  lesson=lesson)


def test_a_reset_clears_the_app_keeps_history_and_grades_the_new_attempt_only(
        box: Sandbox, persona: registry.Persona, clock: FixedClock) -> None:
    reach_level2(box.vneid("hv001"), persona)
    box.bank("hv001").status()  # another lesson's app: untouched
    before = evidence.learner_events(box.store, "hv001", "vneid")
    assert exported(box).done("login_level2")
    assert flows(box, "hv001") == {"vneid", "bank"}

    clock.advance(minutes=5)
    done = trainer.reset_attempt(box.store, clock, "hv001", "vneid")
    assert done == trainer.Reset("hv001", "vneid", ("vneid",), 0, True)
    assert flows(box, "hv001") == {"bank"}
    kept = evidence.learner_events(box.store, "hv001", "vneid")
    assert kept[:len(before)] == before  # history is kept …
    assert kept[-1].task == evidence.RESET and kept[-1].detail["by"] == "trainer"
    after = exported(box)
    assert after.events == () and not after.done("register")  # … but no longer graded

    sim = box.vneid("hv001")
    assert sim.status().step is Step.INTRO and sim.status().level == 0
    sim.go(Step.REGISTER)
    sim.register(persona.id_number, persona.phone, face_captured=True)
    again = exported(box)
    assert again.done("register") and not again.done("activate")
    assert [e.task for e in again.events] == ["go.register", "register"]


def test_a_second_reset_counts_from_the_last_marker(
        box: Sandbox, persona: registry.Persona, clock: FixedClock) -> None:
    sim = box.vneid("hv001")
    sim.go(Step.REGISTER)
    trainer.reset_attempt(box.store, clock, "hv001", "vneid")
    box.vneid("hv001").go(Step.REGISTER)
    trainer.reset_attempt(box.store, clock, "hv001", "vneid")
    assert exported(box).events == ()
    markers = [e for e in evidence.learner_events(box.store, "hv001", "vneid")
               if e.task == evidence.RESET]
    assert len(markers) == 2


def test_resetting_lesson_3b_starts_the_portal_over(
        box: Sandbox, persona: registry.Persona, clock: FixedClock) -> None:
    """Lesson 3b (``portal_result``) has no evidence of its own: it shares the portal app
    of lesson 3, so its reset clears that app and marks the portal's evidence."""
    reach_level2(box.vneid("hv001"), persona)
    box.portal("hv001").login(persona.id_number, VNEID_PASSWORD)
    assert "portal" in flows(box, "hv001")
    done = trainer.reset_attempt(box.store, clock, "hv001", "portal_result")
    assert done == trainer.Reset("hv001", "portal_result", ("portal",), 0, True)
    assert "portal" not in flows(box, "hv001")
    marker = evidence.learner_events(box.store, "hv001", "portal")[-1]
    assert marker.task == evidence.RESET
    assert evidence.learner_events(box.store, "hv001", "portal_result") == []


def test_a_lesson_without_evidence_needs_no_marker(box: Sandbox, clock: FixedClock) -> None:
    done = trainer.reset_attempt(box.store, clock, "hv002", "payment")  # hv002 never consented
    assert done == trainer.Reset("hv002", "payment", (), 0, False)
    assert evidence.learner_events(box.store, "hv002") == []
    with pytest.raises(trainer.UnknownLesson):
        trainer.reset_attempt(box.store, clock, "hv001", "chemistry")
    with pytest.raises(UnknownLearner):
        trainer.reset_attempt(box.store, clock, "hv999", "vneid")


def test_the_signing_lesson_also_retires_the_certificate(box: Sandbox, clock: FixedClock) -> None:
    with box.store.transaction() as conn:
        conn.execute(credentials.insert().values(
            serial="abc", learner_id="hv001", request_id="r1", certificate="-", private_key="-",
            issued_at=clock.now().isoformat()))
        evidence.record(conn, clock, "hv001", "signing", "begin")
    done = trainer.reset_attempt(box.store, clock, "hv001", "signing")
    assert done.certificates == 1 and done.marked
    row = box.store.read(sa.select(credentials.c.revoked_at))[0]
    assert row.revoked_at == clock.now().isoformat()
    assert trainer.reset_attempt(box.store, clock, "hv001", "signing").certificates == 0


@pytest.mark.slow
def test_nbgrader_grades_only_the_attempt_after_the_reset(tmp_path: Path) -> None:
    """The whole chain: 5/5, reset, resubmitted untouched 0/5, redone 5/5."""
    clock = FixedClock(datetime(2026, 11, 28, 9, tzinfo=VN_TZ))
    root = tmp_path / "ws"
    box, _ = workshop.create(root, [("hv001", "Lê Thị Hoa", "Xã Thọ Long")], clock=clock,
                             seed="reset", lessons=("vneid",))
    me = registry.persona_of_learner(box.store, "hv001")
    learners.record_consent(box.store, clock, "hv001")

    def grade() -> float:
        submissions.request(box.store, clock, "hv001", "vneid")
        (score,) = grader.grade_pending(root, box)
        return score.score

    reach_level2(box.vneid("hv001"), me)
    assert grade() == 5
    trainer.reset_attempt(box.store, clock, "hv001", "vneid")
    clock.advance(minutes=1)
    assert grade() == 0
    written = json.loads((root / "submitted" / "hv001" / "vneid" / EVIDENCE_FILE).read_text())
    assert written["events"][0]["task"] == "submit"  # nothing from before the reset
    reach_level2(box.vneid("hv001"), me)
    assert grade() == 5
    box.close()


def test_the_command_sets_the_password_from_stdin(tmp_path: Path) -> None:
    box, _ = workshop.create(tmp_path / "ws", [("hv001", "Lê Thị Hoa", "Xã Thọ Long")],
                             seed="cmd", lessons=())
    workshop_id = box.workshop_id
    box.close()

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bakhong", *args],
                              input=stdin, capture_output=True, text=True, check=False)

    done = run("trainer-password", str(tmp_path / "ws"), "--password-stdin",
               stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert trainer.check_password(workshop_id, PASSWORD)
    short = run("trainer-password", str(tmp_path / "ws"), "--password-stdin", stdin="ngắn\n")
    assert short.returncode == 2 and "8 ký tự" in short.stderr
    assert trainer.check_password(workshop_id, PASSWORD)  # unchanged
    missing = run("trainer-password", str(tmp_path / "nowhere"), "--password-stdin",
                  stdin=PASSWORD)
    assert missing.returncode == 2 and "nowhere" in missing.stderr
    assert not (tmp_path / "nowhere").exists()


def test_doctests() -> None:
    import doctest

    assert doctest.testmod(trainer).failed == 0


@pytest.mark.slow
def test_init_sets_the_dashboard_password(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from bakhong import cli
    from bakhong.grading import trainer, workshop

    roster = tmp_path / "ds.csv"
    roster.write_text("Họ và tên,Xã/Phường\nLê Thị Hoa,Xã Thọ Long\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-lop-hoc\n"))
    assert cli.main(["init", str(tmp_path / "ws"), "--roster", str(roster),
                     "--trainer-password-stdin"]) == 0
    box = workshop.open_sandbox(tmp_path / "ws")
    try:
        assert trainer.check_password(box.workshop_id, "mat-khau-lop-hoc")
        assert not trainer.check_password(box.workshop_id, "sai-mat-khau")
    finally:
        box.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))  # too short: nothing is built
    assert cli.main(["init", str(tmp_path / "ws2"), "--roster", str(roster),
                     "--trainer-password-stdin"]) == 2
    assert not (tmp_path / "ws2" / "sandbox.db").exists()


def test_a_reset_marker_is_linked_into_the_learners_evidence_chain(
        box: Sandbox, clock: FixedClock) -> None:
    """The trainer's marker is evidence like any other: once the chain is on (the sandbox
    service started), a reset must not make the learner's evidence look forged. The first
    version inserted the marker unlinked, and 'bakhong grade' named it as edited."""
    key = bytes(range(32))
    box.store.chain_key = key
    evidence.start_chain(box.store)
    box.vneid("hv001").go(Step.REGISTER)
    trainer.reset_attempt(box.store, clock, "hv001", "vneid")
    assert evidence.learner_events(box.store, "hv001", "vneid")[-1].task == evidence.RESET
    assert evidence.unlinked(box.store, key) == []
