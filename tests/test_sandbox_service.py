"""Issue 17: the sandbox service answers a learner's page over a Unix socket, for the pass's
learner only, with the simulators' own values and typed refusals."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bakhong import page_pass, sandbox_service
from bakhong.grading import workshop
from bakhong.sandbox_client import RemoteDesk, ServiceClient, ServiceUnavailable
from bakhong.simulators import evidence, learners, registry
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import NotAllowed
from bakhong.simulators.vneid import Step, WrongOtp

KEY = bytes(range(32))
ROSTER = [("hv001", "Lê Thị Hoa", "Xã Thọ Long"), ("hv002", "Trần Văn Nam", "Xã Thọ Long"),
          ("hv003", "Phạm Thị Lan", "Xã Thọ Long")]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("service") / "lop"
    box, _ = workshop.create(root, ROSTER, clock=FixedClock(datetime(2026, 12, 1, 9,
                                                                     tzinfo=VN_TZ)),
                             seed="service", lessons=("vneid",))
    box.close()
    socket_path = root.parent / "sandbox.sock"
    stop = threading.Event()
    thread = threading.Thread(target=sandbox_service.run, args=(root, socket_path, KEY, stop),
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not socket_path.exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    yield root, socket_path
    stop.set()
    thread.join(10)


def desk_for(socket_path: Path, learner_id: str, key: bytes = KEY) -> RemoteDesk:
    return RemoteDesk(ServiceClient(str(socket_path), page_pass.mint(key, learner_id)),
                      learner_id)


def test_a_page_practises_through_the_service(service: tuple[Path, Path]) -> None:
    root, socket_path = service
    desk = desk_for(socket_path, "hv001")
    assert not desk.consented()
    desk.consent()
    app = desk.app("vneid")
    persona = app.persona
    assert persona.id_number.startswith("000")
    assert app.status().step is Step.INTRO
    app.go(Step.REGISTER)
    status = app.register(persona.id_number, persona.phone, face_captured=True)
    assert status.step is not Step.REGISTER
    app.go(Step.ACTIVATE)
    app.request_otp(persona.id_number, persona.phone)
    with pytest.raises(WrongOtp) as refused:  # the simulator's own refusal, typed
        app.submit_otp("000000")
    assert refused.value.code == "vneid.otp_wrong" and "OTP" in str(refused.value)
    box = workshop.open_sandbox(root)
    try:
        outcomes = [e.outcome for e in evidence.learner_events(box.store, "hv001", "vneid")]
        assert "vneid.otp_wrong" in outcomes  # recorded by the service before it answered
        assert registry.persona_of_learner(box.store, "hv001") == persona
    finally:
        box.close()
    assert desk.submit("vneid").status == "queued"
    assert desk.latest_submission("vneid").status == "queued"
    desk.set_display_modes({"large_text"})
    assert desk.display_modes() == {"large_text"}


def test_a_pass_acts_for_its_learner_only(service: tuple[Path, Path]) -> None:
    _root, socket_path = service
    forged = RemoteDesk(ServiceClient(str(socket_path), page_pass.mint(b"x" * 32, "hv001")),
                        "hv001")
    with pytest.raises(ServiceUnavailable):
        forged.consented()
    other = desk_for(socket_path, "hv002")
    assert not other.consented()  # hv001 consented above: hv002's pass sees hv002
    with pytest.raises(NotAllowed):
        other.app("portal").hooks()
    with pytest.raises(NotAllowed):
        other.client.call("desk", "box")
    with pytest.raises(NotAllowed):
        other.client.call("store", "read")
    tampered = page_pass.mint(KEY, "hv002").replace("hv002", "hv001")
    with pytest.raises(ServiceUnavailable):
        ServiceClient(str(socket_path), tampered).call("desk", "consented")


def test_consent_is_still_required(service: tuple[Path, Path]) -> None:
    _root, socket_path = service
    app = desk_for(socket_path, "hv002").app("vneid")
    with pytest.raises(learners.ConsentRequired):
        app.go(Step.REGISTER)


def test_evidence_written_outside_the_sandbox_is_refused_and_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's finding: a raw sqlite3 insert into sandbox.db (no key needed) was graded
    5/5. With the chain, such rows are left out of grading and `bakhong grade` names them."""
    import json
    import sqlite3

    from bakhong import cli
    from bakhong.simulators import evidence, submissions, walkthrough

    root = tmp_path / "lop"
    box, _ = workshop.create(root, ROSTER, clock=FixedClock(datetime(2026, 12, 1, 9,
                                                                     tzinfo=VN_TZ)),
                             seed="chain", lessons=("vneid",))
    evidence.start_chain(box.store)  # as the sandbox service does when it starts
    walkthrough.walk(box, "hv001", "vneid")  # genuine, through the simulators
    learners.record_consent(box.store, box.clock, "hv002")
    box.close()
    with sqlite3.connect(root / "sandbox.db") as db:  # hv002 "does" the lesson by hand
        for task in ("register", "activate", "login_level2"):
            db.execute("INSERT INTO events (learner_id, lesson, task, outcome, at, detail) "
                       "VALUES ('hv002', 'vneid', ?, 'ok', '2026-12-01T09:30:00+07:00', ?)",
                       (task, json.dumps({"step": "home"})))
    box = workshop.open_sandbox(root)
    for learner_id in ("hv001", "hv002"):
        submissions.request(box.store, box.clock, learner_id, "vneid")
    box.close()
    assert cli.main(["grade", str(root)]) == 1
    captured = capsys.readouterr()
    assert "hv001\tvneid\t5/5" in captured.out and "hv002\tvneid\t0/5" in captured.out
    assert "hv002" in captured.err and "3 dòng" in captured.err and "không được tính" in captured.err


def test_a_whole_class_connecting_at_once_is_answered(service: tuple[Path, Path]) -> None:
    """300 pages reaching the service in the same instant: the first version listened with
    tornado's backlog of 128 and the rest were refused at once (EAGAIN: «Ứng dụng luyện tập
    tạm thời không kết nối được»); now the backlog holds a class and a page waits its turn."""
    _root, socket_path = service
    pages = 300
    start = threading.Barrier(pages)
    failures: list[str] = []

    def page() -> None:
        desk = desk_for(socket_path, "hv002")
        start.wait()
        try:
            desk.consented()
        except Exception as err:
            failures.append(repr(err))
        finally:
            desk.client.close()

    threads = [threading.Thread(target=page) for _ in range(pages)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []


def test_what_a_page_poller_watches_comes_through_the_service(
        service: tuple[Path, Path]) -> None:
    """Issue 16: the page's poller only asks the simulators (the newest SMS, the
    portal's updates, the time), and their answers cross the socket."""
    _root, socket_path = service
    desk = desk_for(socket_path, "hv002")
    desk.consent()
    vneid = desk.app("vneid")
    before = vneid.newest_sms()
    persona = vneid.persona
    vneid.go(Step.REGISTER)
    vneid.register(persona.id_number, persona.phone, face_captured=True)
    after = vneid.newest_sms()
    assert isinstance(after, int) and after != before  # the level-1 SMS
    assert desk.app("portal").updates() == (after, 0)  # no dossier yet
    now = vneid.now()  # the sandbox's time, for «Làm mới»'s "updated at" (the laptop's clock)
    assert isinstance(now, datetime) and now.utcoffset() == VN_TZ.utcoffset(None)


def test_a_tap_is_one_round_trip(service: tuple[Path, Path],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17 «one call per tap»: the view draws the next screen from the status and SMS
    inbox the action answered with; before, every tap asked the service three times (the
    action, ``status()``, ``inbox()``)."""
    from bakhong.widgets.i18n import translator
    from bakhong.widgets.vneid_app import vneid_factory

    _root, socket_path = service
    desk = desk_for(socket_path, "hv003")
    desk.consent()
    app = vneid_factory(desk, translator("vi"))
    calls: list[str] = []
    post = ServiceClient._post

    def counted(client: ServiceClient, body: bytes) -> Any:
        calls.append(body.decode())
        return post(client, body)
    monkeypatch.setattr(ServiceClient, "_post", counted)
    app.controls["go-register"].click()
    assert app.view.status is not None and app.view.status.step is Step.REGISTER
    assert len(calls) == 1 and '"method": "go"' in calls[0], calls
    calls.clear()
    app.controls["back"].click()
    assert app.view.status.step is Step.INTRO and len(calls) == 1, calls
    # a reading is used once: the next one asks the service again
    assert app.sim.status().step is Step.INTRO and len(calls) == 2
    # a refusal comes with the readings too: the screen redraws without asking
    app.controls["go-register"].click()
    app.controls["register"].click()  # nothing typed: refused
    assert len(calls) == 4 and "register" in calls[3], calls
    assert app.view.status.step is Step.REGISTER and app.message.html.value
    # the page's poller asks for its one small reading only
    calls.clear()
    app.view.poll_key()
    assert len(calls) == 1 and '"then"' not in calls[0], calls
