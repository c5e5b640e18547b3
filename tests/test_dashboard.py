"""The trainer's dashboard, headless: the table, filters, one learner's controls, languages;
and the pieces of its server that need no browser (limiter, login page, notebook, commands)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PASSWORD, reach_level2
from test_portal import fill_bundle

from bakhong import cli, dashboard_commands
from bakhong import dashboard as server
from bakhong.grading import progress
from bakhong.simulators import dossiers, evidence, faults, learners, registry, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.procedures import NEWBORN_BUNDLE
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.store import flow_states
from bakhong.simulators.vneid import Step, WrongOtp
from bakhong.widgets import dashboard as view
from bakhong.widgets.dashboard import DashboardHandles, dashboard
from bakhong.widgets.i18n import UNEXPECTED

MORNING = datetime(2026, 12, 1, 9, 0, tzinfo=VN_TZ)  # a Tuesday: the officials work


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
def box(tmp_path: Path, clock: FixedClock) -> Iterator[Sandbox]:
    sandbox = Sandbox.open(tmp_path / "sandbox.db", clock=clock, seed="dashboard")
    sandbox.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long"),
                          ("hv002", "Trần Văn Nam", "Phường Hạc Thành"),
                          ("hv003", "Phạm Thị Lụa", "Xã Thọ Long")])
    for learner_id in ("hv001", "hv002"):
        learners.record_consent(sandbox.store, clock, learner_id)
    yield sandbox
    sandbox.close()


def persona(box: Sandbox, learner_id: str) -> registry.Persona:
    return registry.persona_of_learner(box.store, learner_id)


def stuck_at_otp(box: Sandbox, clock: FixedClock, learner_id: str = "hv001",
                 wrong: int = 3) -> None:
    """``wrong`` wrong OTPs at activation; three make «repeated errors»."""
    me, sim = persona(box, learner_id), box.vneid(learner_id)
    sim.go(Step.REGISTER)
    sim.register(me.id_number, me.phone, face_captured=True)
    sim.go(Step.ACTIVATE)
    sim.request_otp(me.id_number, me.phone)
    for _ in range(wrong):
        clock.advance(seconds=30)
        with pytest.raises(WrongOtp):
            sim.submit_otp("000000")


def a_dossier(box: Sandbox, learner_id: str = "hv002") -> str:
    me = persona(box, learner_id)
    reach_level2(box.vneid(learner_id), me)
    portal = box.portal(learner_id)
    portal.login(me.id_number, PASSWORD)
    fill_bundle(portal)
    return portal.submit(NEWBORN_BUNDLE).code


def code_of(box: Sandbox, learner_id: str) -> str:
    return learners.by_id(box.store, learner_id).code


def rows(handles: DashboardHandles) -> list[str]:
    """The learner codes of the table, in order."""
    return re.findall(r'data-code="([^"]+)"', handles.table.value)


def test_the_table_puts_stuck_learners_first(box: Sandbox, clock: FixedClock) -> None:
    stuck_at_otp(box, clock)
    h = dashboard(box)
    assert h.message.kind == ""
    assert rows(h)[0] == code_of(box, "hv001") and len(rows(h)) == 3
    first = h.table.value.split("<tbody>")[1].split("</tr>")[0]
    assert "bk-dash-row-stuck" in first and "⚠" in first
    assert "Nhập mã OTP" in first and "1:30" in first  # the step, and 90 s on it
    assert "3 lần «Mã OTP không đúng" in first
    assert "1 học viên gặp khó" in h.summary.value and "3 học viên" in h.summary.value
    assert "Xã Thọ Long" in h.commune_bars.value and 'aria-label="Đã đồng ý' in h.commune_bars.value


def test_filters(box: Sandbox, clock: FixedClock) -> None:
    stuck_at_otp(box, clock)
    h = dashboard(box)
    h.controls["commune"].value = "Phường Hạc Thành"
    assert rows(h) == [code_of(box, "hv002")]
    h.controls["commune"].value = view.ALL
    h.controls["stuck-only"].value = True
    assert rows(h) == [code_of(box, "hv001")]
    h.controls["stuck-only"].value = False
    h.controls["search"].value = "  lụa "
    assert rows(h) == [code_of(box, "hv003")]
    h.controls["search"].value = code_of(box, "hv002").lower()
    assert rows(h) == [code_of(box, "hv002")]
    h.controls["commune"].value = "Xã Thọ Long"
    assert rows(h) == [] and "Không có học viên nào khớp bộ lọc" in h.table.value


def test_refresh_by_button_and_by_the_timer(box: Sandbox, clock: FixedClock) -> None:
    h = dashboard(box)
    assert h.progress[0].stuck is None
    stuck_at_otp(box, clock)
    h.controls["refresh"].click()
    assert h.refreshed_at == clock.now() and h.progress[0].stuck is not None
    clock.advance(minutes=1)
    assert not h.controls["timer"].playing
    h.controls["auto"].value = True
    assert h.controls["timer"].playing
    h.controls["timer"].value += 1  # what the browser's timer sends
    assert h.refreshed_at == clock.now()
    assert "09:02:30" in h.updated.value


def test_a_failure_shows_a_message_never_a_traceback(
        box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    h = dashboard(box)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("/home/trainer/secret.db is locked")

    monkeypatch.setattr(progress, "class_progress", broken)
    h.controls["refresh"].click()
    assert h.message.kind == "error" and h.message.text == UNEXPECTED
    assert not h.controls["refresh"].disabled


def test_faults_switch_on_and_off_as_the_command_does(box: Sandbox, clock: FixedClock) -> None:
    h = dashboard(box)
    h.controls["learner"].value = "hv001"
    assert h.selected == "hv001" and "Lê Thị Hoa" in h.facts.value
    assert h.learner_box.layout.display is None
    box_ = h.controls["fault:vneid.otp_late"]
    box_.value = True
    assert faults.armed(box.store, "hv001") == ["vneid.otp_late"]
    assert faults.armed(box.store, "hv002") == []
    assert h.message.text == "Đã bật «Tin nhắn OTP đến muộn, mã đã hết hạn» cho Lê Thị Hoa."
    box_.value = False
    assert faults.armed(box.store, "hv001") == []
    faults.switch_on(box.store, "hv001", "bank.maintenance")  # from `bakhong faults`
    h.controls["refresh"].click()
    assert h.controls["fault:bank.maintenance"].value
    assert not h.controls["fault:vneid.otp_late"].value


def test_the_official_acts_on_the_learners_dossier(box: Sandbox, clock: FixedClock) -> None:
    code = a_dossier(box)
    h = dashboard(box)
    h.controls["learner"].value = "hv002"
    assert code in h.dossier_list.value and "Mới đăng ký" in h.dossier_list.value
    assert h.controls["dossier"].value == code
    h.controls["official:receive"].click()  # the fee is unpaid: refused, as the command does
    assert h.message.kind == "error" and "phí/lệ phí" in h.message.text
    h.controls["reason"].value = "Thiếu giấy tờ của người mẹ"
    h.controls["official:refuse"].click()
    assert h.message.kind == "info", h.message.text
    assert h.message.text == f"Hồ sơ {code}: 3 Không được tiếp nhận."
    with box.store.engine.connect() as conn:
        done = dossiers.load(conn, code)
    assert done.status == 3 and done.events[-1].params == {"reason": "Thiếu giấy tờ của người mẹ"}
    assert done.fee is not None and done.fee.state == "cancelled"
    assert "Không được tiếp nhận" in h.dossier_list.value


def test_no_dossier_to_act_on(box: Sandbox) -> None:
    h = dashboard(box)
    h.controls["learner"].value = "hv001"
    assert "chưa nộp hồ sơ nào" in h.dossier_list.value
    h.controls["official:approve"].click()
    assert h.message.kind == "error" and h.message.text == view.NoDossierChosen.message


def test_reset_asks_first_then_starts_the_lesson_over(box: Sandbox, clock: FixedClock) -> None:
    stuck_at_otp(box, clock)
    h = dashboard(box)
    h.controls["learner"].value = "hv001"
    assert h.controls["lesson"].value == "vneid"  # the learner's current lesson
    h.controls["reset"].click()
    assert h.confirm_box.layout.display is None and "Lê Thị Hoa" in h.confirm_text.value
    h.controls["reset-cancel"].click()
    assert h.confirm_box.layout.display == "none"
    assert box.vneid("hv001").status().step is Step.OTP  # nothing happened

    h.controls["reset"].click()
    h.controls["learner"].value = "hv002"  # the question was about hv001: it is withdrawn
    assert h.confirm_box.layout.display == "none"
    h.controls["learner"].value = "hv001"
    h.controls["reset"].click()
    h.controls["reset-confirm"].click()
    assert h.message.text == "Đã đặt lại bài «VNeID» cho Lê Thị Hoa."
    assert box.store.read(sa.select(flow_states).where(flow_states.c.learner_id == "hv001")) == []
    assert evidence.learner_events(box.store, "hv001", "vneid")[-1].task == evidence.RESET
    assert h.progress[0].stuck is None and "bk-dash-row-stuck" not in h.table.value


def test_regrade_queues_the_lesson(box: Sandbox, clock: FixedClock) -> None:
    h = dashboard(box)
    h.controls["regrade"].click()
    assert h.message.kind == "error" and h.message.text == view.NoLearnerChosen.message
    h.controls["learner"].value = "hv002"
    h.controls["lesson"].value = "portal"
    h.controls["regrade"].click()
    queued = submissions.latest(box.store, "hv002", "portal")
    assert queued is not None and queued.status == submissions.QUEUED
    assert evidence.learner_events(box.store, "hv002", "portal") == []  # not the learner's act
    assert "Hồ sơ trực tuyến" in h.message.text and "đang chấm" in h.table.value


def test_english_and_every_string_through_the_translator(box: Sandbox, clock: FixedClock) -> None:
    stuck_at_otp(box, clock)
    h = dashboard(box, lang="pseudo")
    h.controls["learner"].value = "hv001"
    for html in (h.table.value, h.summary.value, h.commune_bars.value, h.facts.value,
                 h.dossier_list.value, h.updated.value):
        text = re.sub(r"<[^>]+>", " ", html)
        while re.search(r"⟦[^⟦⟧]*⟧", text):  # translated, innermost first
            text = re.sub(r"⟦[^⟦⟧]*⟧", "", text)
        for name in ("Lê Thị Hoa", "Trần Văn Nam", "Phạm Thị Lụa", "Xã Thọ Long",
                     "Phường Hạc Thành"):  # data, not interface
            text = text.replace(name, "")
        bare = re.sub(r"\b[A-Z0-9]{8}\b|[\s—:/·.()⚠,]+|\d+", "", text)  # codes, times
        assert bare == "", text
    labels = [c.description for c in h.controls.values() if getattr(c, "description", "")]
    assert labels and all(label.startswith("⟦") for label in labels), labels
    h.controls["lang-en"].click()
    assert h.lang == "en" and h.selected == "hv001"
    assert h.controls["refresh"].description in ("Refresh", "Làm mới")  # catalogue pending


def test_helpers() -> None:
    assert view.clock_span(timedelta(seconds=59)) == "0:59"
    h = DashboardHandles.__new__(DashboardHandles)
    h.tr = view.translator("vi")
    assert h.step_name("form 2") == "Tờ khai, bước 2" and h.step_name("otp") == "Nhập mã OTP"
    assert h.step_name("something_new") == "something_new" and h.step_name(None) == "—"
    assert set(view.LESSON_NAMES) == set(progress.LESSON_FLOWS)
    assert set(view.OFFICIAL_LABELS) == set(dossiers.ACTIONS)
    assert {name.split(".")[0] for name in faults.CATALOGUE} == set(view.FAULT_GROUPS)


# -- the server's parts ----------------------------------------------------------------

def test_the_limiter_holds_five_per_minute_per_address() -> None:
    limiter = server.LoginLimiter()
    for second in range(5):
        assert limiter.retry_after("10.0.0.2", second) == 0
        limiter.begin("10.0.0.2", second)
    assert limiter.retry_after("10.0.0.2", 5) == 55
    assert limiter.retry_after("10.0.0.3", 5) == 0
    assert limiter.retry_after("10.0.0.2", 59) == 1 and limiter.retry_after("10.0.0.2", 60) == 0
    for client in range(30):
        limiter.begin(f"10.0.1.{client}", 100)
    # many addresses: each held apart, never a limit over all (it would hold the trainer too)
    assert limiter.retry_after("10.0.9.9", 100) == 0
    right = server.LoginLimiter(per_client=2)
    right.begin("a", 0)
    right.succeeded("a", 0)
    right.begin("a", 1)
    assert right.retry_after("a", 1) == 0  # a right password takes its attempt back


def test_the_login_page_is_vietnamese_and_self_contained() -> None:
    page = server.login_page(server.WRONG_PASSWORD)
    assert '<html lang="vi">' in page and "Mật khẩu người hướng dẫn" in page
    assert 'type="password"' in page and 'autocomplete="current-password"' in page
    assert 'role="alert">Mật khẩu không đúng.' in page
    assert "http" not in page.replace('http-equiv', '') and "<script" not in page


def test_the_notebook_and_the_config(tmp_path: Path) -> None:
    import nbformat

    notebook = nbformat.read(server.write_notebook(tmp_path), as_version=4)
    assert [c.source for c in notebook.cells] == [
        "from bakhong.widgets.dashboard import dashboard_app\n\ndashboard_app()"]
    assert notebook.metadata.kernelspec.name == "bakhong"
    config = server.dashboard_config(port=9999)
    assert config.Voila.port == 9999 and config.Voila.ip == "127.0.0.1"
    assert config.VoilaConfiguration.preheat_kernel is False
    assert config.VoilaConfiguration.show_tracebacks is False
    assert config.MappingKernelManager.cull_connected is False
    assert config.KernelManager.transport == "ipc"


def test_the_commands_parse() -> None:
    parser = argparse.ArgumentParser(prog="bakhong")
    dashboard_commands.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["dashboard", "ws"])
    assert (args.workshop, args.host, args.port) == ("ws", "127.0.0.1", 8867)
    args = parser.parse_args(["dashboard", "ws", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)
    args = parser.parse_args(["trainer-password", "ws", "--password-stdin"])
    assert args.password_stdin and args.func is dashboard_commands._trainer_password


def test_the_dashboard_refuses_to_start_without_a_password(tmp_path: Path) -> None:
    from bakhong.grading import workshop

    box, _ = workshop.create(tmp_path / "ws", [("hv001", "Lê Thị Hoa", "Xã Thọ Long")],
                             seed="nopass", lessons=())
    box.close()
    assert cli.main(["dashboard", str(tmp_path / "ws"), "--port", "1"]) == 2


def test_doctests() -> None:
    import doctest

    for module in (server, view):
        assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


def test_a_learner_offered_the_hint_shows_as_stuck(box: Sandbox, clock: FixedClock) -> None:
    """Two wrong OTPs: below the three of «repeated», but the app offered the hint."""
    stuck_at_otp(box, clock, wrong=2)
    assert dashboard(box).progress[0].stuck is None
    evidence.record_help(box.store, clock, "hv001", "vneid", evidence.HINT_OFFERED, "otp")
    h = dashboard(box)
    first = h.table.value.split("<tbody>")[1].split("</tr>")[0]
    assert "bk-dash-row-stuck" in first
    assert "Ứng dụng đã mở gợi ý ở bước «Nhập mã OTP» sau 2 lần lỗi" in unescape(first)


def test_a_resident_in_a_workshop_variant_shows_its_title(box: Sandbox, clock: FixedClock) -> None:
    """A resident who handed in the workshop's own lesson is in it: the table and the facts
    name it by its title (read again at each refresh), never by its code."""
    title = "Bài 2 (xã Thọ Long): Trả tiền lệ phí bằng mã QR"
    released: dict[str, str] = {}
    clock.advance(seconds=60)
    submissions.request(box.store, clock, "hv001", "payment_tho_long")
    h = dashboard(box, variant_titles=lambda: dict(released))
    assert "payment_tho_long" in h.table.value  # not released (any more): its code
    released["payment_tho_long"] = title
    h.refresh()
    h.controls["learner"].value = "hv001"
    assert title in unescape(h.table.value) and "payment_tho_long" not in h.table.value
    assert f"Bài đang học:</b> {title}" in unescape(h.facts.value)
