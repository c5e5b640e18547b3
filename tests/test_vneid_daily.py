"""Lesson 7's simulator: everyday VNeID (``simulators/vneid_daily.py``)."""

from __future__ import annotations

import pytest

from bakhong.simulators import evidence, vneid_daily, walkthrough
from bakhong.simulators.desk import LearnerDesk, NotAllowed, allowed
from bakhong.simulators.errors import ConsentRequired
from bakhong.simulators.evidence import OK
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.vneid_daily import (
    BHYT,
    CCCD,
    GPLX,
    NEWBORN_PROCEDURE,
    SCREENSHOT,
    SHOW_QR,
    TELL_PASSCODE,
    Step,
    VneidDailySimulator,
)


@pytest.fixture
def sim(box: Sandbox) -> VneidDailySimulator:
    return box.vneid_daily("hv001")


def events(box: Sandbox, task: str) -> list[evidence.Event]:
    return [e for e in evidence.learner_events(box.store, "hv001", vneid_daily.LESSON)
            if e.task == task]


def done(box: Sandbox) -> set[str]:
    return vneid_daily.completed_tasks(
        evidence.learner_events(box.store, "hv001", vneid_daily.LESSON))


def logged_in(sim: VneidDailySimulator) -> VneidDailySimulator:
    sim.login(sim.card_passcode())
    return sim


def test_the_app_opens_at_the_passcode_and_the_cards_passcode_logs_in(
        box: Sandbox, sim: VneidDailySimulator) -> None:
    status = sim.status()
    assert status.step is Step.LOGIN and status.wallet == (CCCD,) and not status.own_account
    with pytest.raises(vneid_daily.WrongPasscode):
        sim.login("000000" if sim.card_passcode() != "000000" else "111111")
    assert sim.login(f" {sim.card_passcode()} ").step is Step.HOME
    assert [e.outcome for e in events(box, vneid_daily.LOGIN)] == [
        vneid_daily.WrongPasscode.code, OK]
    assert not any(sim.card_passcode() in str(e.detail)
                   for e in evidence.learner_events(box.store, "hv001"))


def test_lesson_1s_passcode_opens_it_once_lesson_1_reached_level_2(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", "vneid")
    sim = box.vneid_daily("hv001")
    assert sim.status().own_account
    assert sim.login(walkthrough.PASSCODE).step is Step.HOME


def test_the_wallet_takes_her_own_papers_after_mistakes(box: Sandbox,
                                                        sim: VneidDailySimulator) -> None:
    logged_in(sim).go(Step.WALLET)
    with pytest.raises(vneid_daily.WrongStep):
        sim.find_paper(BHYT)  # «Tích hợp thông tin» first
    sim.go(Step.ADD_PAPER)
    mine = sim.papers()
    with pytest.raises(vneid_daily.NotOnCard):
        sim.find_paper(GPLX, "038012345678")
    with pytest.raises(vneid_daily.UnknownPaper):
        sim.find_paper("passport")
    status = sim.find_paper(GPLX, " ".join(mine[GPLX].number[i:i + 4] for i in (0, 4, 8)))
    assert status.step is Step.CONFIRM_PAPER and status.paper == GPLX
    assert sim.confirm_paper().wallet == (CCCD, GPLX)
    assert done(box) == set()  # one paper of two
    sim.go(Step.ADD_PAPER)
    with pytest.raises(vneid_daily.AlreadyInWallet):
        sim.find_paper(GPLX, mine[GPLX].number)
    sim.find_paper(BHYT)
    assert sim.confirm_paper().wallet == (CCCD, BHYT, GPLX)
    assert done(box) == {vneid_daily.TASK_WALLET}
    outcomes = [e.outcome for e in events(box, vneid_daily.TASK_WALLET)]
    assert vneid_daily.NotOnCard.code in outcomes and outcomes[-1] == OK
    assert not any("038012345678" in str(e.detail)
                   for e in evidence.learner_events(box.store, "hv001"))


def test_the_papers_are_the_personas(sim: VneidDailySimulator) -> None:
    papers = sim.papers()
    assert papers[CCCD].number == sim.persona.id_number
    assert {p.holder for p in papers.values()} == {sim.persona.full_name}
    assert papers[BHYT].number[:2] == sim.persona.id_number[1:3]
    assert len(papers[GPLX].number) == 12 and papers[GPLX].number.isdigit()


def test_the_clinic_scans_the_health_card_and_refuses_the_rest(
        box: Sandbox, sim: VneidDailySimulator) -> None:
    logged_in(sim)
    with pytest.raises(vneid_daily.ClinicNotStarted):
        sim.clinic_answer(SHOW_QR)
    sim.start_clinic()
    with pytest.raises(vneid_daily.NotShown):
        sim.clinic_answer(SHOW_QR)
    with pytest.raises(vneid_daily.ScreenshotShown):
        sim.clinic_answer(SCREENSHOT)
    with pytest.raises(vneid_daily.PasscodeShared):
        sim.clinic_answer(TELL_PASSCODE)
    sim.go(Step.WALLET)
    with pytest.raises(vneid_daily.NotInWallet):
        sim.open_paper(BHYT)
    sim.go(Step.ADD_PAPER)
    sim.find_paper(GPLX, sim.papers()[GPLX].number)
    sim.confirm_paper()
    sim.open_paper(GPLX)
    with pytest.raises(vneid_daily.WrongPaperShown):
        sim.clinic_answer(SHOW_QR)
    sim.go(Step.WALLET)
    sim.open_paper(CCCD)  # the e-ID card serves the insurance check too
    assert sim.qr_payload().endswith(f"CCCD|{sim.persona.id_number}")
    sim.clinic_answer(SHOW_QR)
    assert done(box) == {vneid_daily.TASK_CLINIC}
    assert [e.outcome for e in events(box, vneid_daily.TASK_CLINIC)] == [
        vneid_daily.ClinicNotStarted.code, vneid_daily.NotShown.code,
        vneid_daily.ScreenshotShown.code, vneid_daily.PasscodeShared.code,
        vneid_daily.WrongPaperShown.code, OK]


def test_the_newborn_bundle_among_other_procedures(box: Sandbox,
                                                   sim: VneidDailySimulator) -> None:
    logged_in(sim).go(Step.PROCEDURES)
    with pytest.raises(vneid_daily.WrongProcedure) as refused:
        sim.choose_procedure("permanent")
    assert "Đăng ký thường trú" in str(refused.value.params)
    with pytest.raises(vneid_daily.WrongStep):
        sim.choose_procedure("<script>")
    status = sim.choose_procedure(NEWBORN_PROCEDURE)
    assert status.step is Step.PROCEDURE and status.procedure == NEWBORN_PROCEDURE
    assert done(box) == {vneid_daily.TASK_NEWBORN}
    assert [e.detail["procedure"] for e in events(box, vneid_daily.TASK_NEWBORN)] == [
        "permanent", "other", NEWBORN_PROCEDURE]


def test_the_screens_are_checked_on_the_server(sim: VneidDailySimulator) -> None:
    with pytest.raises(vneid_daily.WrongStep):
        sim.go(Step.WALLET)  # not logged in
    logged_in(sim)
    with pytest.raises(vneid_daily.WrongStep):
        sim.go("nowhere")
    with pytest.raises(vneid_daily.WrongStep):
        sim.confirm_paper()
    with pytest.raises(vneid_daily.NotShown):
        sim.qr_payload()


def test_the_walk_earns_every_task_and_consent_comes_first(box: Sandbox) -> None:
    walkthrough.walk(box, "hv001", "vneid_daily")
    assert done(box) == set(vneid_daily.TASKS)
    with pytest.raises(ConsentRequired):
        box.vneid_daily("hv002").login("123456")


def test_the_desk_allows_the_lessons_calls(box: Sandbox) -> None:
    calls = allowed("vneid_daily")
    assert {"status", "login", "go", "find_paper", "confirm_paper", "open_paper",
            "start_clinic", "clinic_answer", "choose_procedure", "papers", "qr_payload",
            "card_passcode"} <= calls
    desk = LearnerDesk(box, "hv001")
    assert desk.call("vneid_daily", "status").step is Step.LOGIN
    with pytest.raises(NotAllowed):
        desk.call("vneid_daily", "_lesson1")


def test_errors_are_vietnamese_with_an_english_translation() -> None:
    from bakhong.widgets.i18n import translator

    en = translator("en")
    kinds = [k for k in vars(vneid_daily).values()
             if isinstance(k, type) and issubclass(k, vneid_daily.DailyMistake)
             and k is not vneid_daily.DailyMistake]
    assert len(kinds) >= 10
    for kind in kinds:
        assert en(kind.message) != kind.message, kind
