"""The portal lesson in headless Chromium at 360x800: the newborn bundle, end to end.

The resident logs in with the VNeID account (set up beforehand through the simulator, as
lesson 1 would), files the bundle typing only the baby's data, attaches the photo of the
Giấy chứng sinh, pays the fee in the bank app through the hand-off, waits for the
simulated officials (about 30 s a step, real time), answers the supplement request with
the hospital's copy, downloads the result, and is scored by the grading worker: 5/5 for
lesson 3 (the filing) and 4/4 for lesson 3b (the rest), both from the same evidence.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    CHROMIUM,
    DemoLearner,
    DemoServer,
    axe_violations,
    choose,
    click,
    demo_learners,
    describe_violations,
    gradebook_score,
    messages,
    phone_page,
    score_shown,
    screenshot,
    submit,
    vietnamese_screen_problems,
    wait_visible,
)
from conftest import PASSWORD, reach_level2

from bakhong.grading import workshop
from bakhong.simulators import learners, registry

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not Path(CHROMIUM).exists():  # `make test` installs it (Makefile: system-packages)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

PIN = "135790"
OFFICIAL_WAIT = 240  # s: the schedule is 30 s a step; a busy 2-core machine is slower


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    demo = DemoServer(tmp_path_factory.mktemp("browser-portal"))
    with demo:
        yield demo


@pytest.fixture(scope="module")
def phone(server: DemoServer) -> Iterator[Any]:
    with phone_page("portal") as page:
        yield page


def level2_account(server: DemoServer, learner_id: str) -> None:
    """Lesson 1 done: consent given and the VNeID account at level 2 (through the simulator)."""
    box = workshop.open_sandbox(server.workshop)
    try:
        learners.record_consent(box.store, box.clock, learner_id)
        reach_level2(box.vneid(learner_id), registry.persona_of_learner(box.store, learner_id))
    finally:
        box.close()


def card_value(page: Any, label: str) -> str:
    """A value of the «Thẻ nhân vật mô phỏng» card, as the resident reads it."""
    text = page.locator(".bk-portal-persona-card").inner_text()
    found = re.search(rf"{re.escape(label)}:\s*(.+)", text)
    assert found, text
    return found.group(1).strip()


def test_the_newborn_bundle_on_a_phone(server: DemoServer, phone: Any) -> None:
    page = phone
    learner: DemoLearner = next(le for le in demo_learners(server.workshop)
                                if le.learner_id == "hv002")
    level2_account(server, learner.learner_id)
    problems: list[str] = []

    def visit(screen: str) -> None:
        page.wait_for_timeout(300)
        screenshot(page, "portal", screen)
        problems.extend(vietnamese_screen_problems(page, screen))
        violations = axe_violations(page)
        if violations:
            problems.append(describe_violations(violations, screen))

    def until(status: str, what: str) -> None:
        """Press «Làm mới» until the dossier shows ``status`` (the officials' schedule)."""
        deadline = time.monotonic() + OFFICIAL_WAIT
        while status not in page.locator(".bk-portal-status").inner_text():
            assert time.monotonic() < deadline, f"{what}: {messages(page)}"
            page.wait_for_timeout(3000)
            click(page, "bk-portal-refresh")

    page.goto(server.lesson_url(learner.code, lesson="portal"), wait_until="domcontentloaded")
    wait_visible(page, ".bk-portal-login", "the login screen")  # consent was given in lesson 1
    visit("01-login")
    page.get_by_label("Số định danh cá nhân").fill(learner.id_number)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    click(page, "bk-portal-login")

    wait_visible(page, ".bk-portal-search", "the home screen")
    visit("02-home")
    page.locator(".bk-portal-search input").fill("khai sinh")
    click(page, "bk-portal-search-go")
    page.get_by_text("Kết quả tìm kiếm: 2 thủ tục").wait_for()
    page.wait_for_timeout(500)
    page.locator(".bk-portal-open-procedure").first.click()  # the bundle comes first
    wait_visible(page, ".bk-portal-start", "the procedure page")
    assert "LT.296.KS-TT-BHYT" in page.locator(".bk-portal-procedure").inner_text()
    visit("03-procedure")
    click(page, "bk-portal-start")

    # step 1: the applicant, all from the registry: confirmed, nothing typed
    wait_visible(page, ".bk-portal-continue", "step 1")
    assert page.locator(".bk-portal-prefilled").count() >= 5
    visit("04-step-1")
    click(page, "bk-portal-continue")
    # step 2: the baby, typed from the card
    wait_visible(page, ".bk-portal-field", "step 2")
    name = card_value(page, "Họ, chữ đệm và tên của trẻ")
    page.get_by_label("Họ, chữ đệm và tên của trẻ").fill(name)
    page.get_by_label("Ngày, tháng, năm sinh").fill(card_value(page, "Ngày, tháng, năm sinh"))
    choose(page, "Giới tính", card_value(page, "Giới tính"))
    page.get_by_label("Nơi sinh").fill(card_value(page, "Nơi sinh"))
    relation = card_value(page, "Bạn là").split()[0]  # «Bà của trẻ» → «Bà»
    choose(page, "Quan hệ của người nộp với trẻ", relation)
    visit("05-step-2")
    click(page, "bk-portal-continue")
    for step in (3, 4):  # the mother, the father: from the registry
        wait_visible(page, ".bk-portal-continue", f"step {step}", has_text="Tiếp tục")
        page.wait_for_timeout(500)
        visit(f"06-step-{step}")
        click(page, "bk-portal-continue")
    wait_visible(page, ".bk-portal-field", "step 5")
    choose(page, "Nơi đăng ký khám chữa bệnh ban đầu", index=0)
    page.get_by_label("Số bản sao Trích lục khai sinh").fill("1")
    visit("07-step-5")
    click(page, "bk-portal-continue")

    # review: attach the photo from the store, file
    wait_visible(page, ".bk-portal-submit", "the review page")
    choose(page, "Chọn giấy tờ trong Kho dữ liệu cá nhân", index=0)
    click(page, "bk-portal-attach")
    wait_visible(page, ".bk-portal-attached img", "the attached paper's page")
    visit("08-review")
    click(page, "bk-portal-submit")
    wait_visible(page, ".bk-portal-pay", "the dossier with its fee")
    assert "Mới đăng ký" in page.locator(".bk-portal-status").inner_text()
    visit("09-filed")

    # the fee: the hand-off to the bank app and back
    click(page, "bk-portal-pay")
    wait_visible(page, ".bk-portal-open-bank", "the payment page")
    visit("10-payment")
    click(page, "bk-portal-open-bank")
    wait_visible(page, ".bk-bank-save-pin", "the bank app's first use")
    page.locator(".bk-bank-new-pin input").fill(PIN)
    page.locator(".bk-bank-new-pin-again input").fill(PIN)
    click(page, "bk-bank-save-pin")
    wait_visible(page, ".bk-portal-scan-qr", "the portal's code in the hand-off bar")
    click(page, "bk-portal-scan-qr")
    payee = wait_visible(page, ".bk-bank-payee-name", "the bank's confirm screen")
    assert "NEN TANG THANH TOAN DVC" in payee.inner_text()
    visit("11-bank-confirm")
    click(page, "bk-bank-continue")
    wait_visible(page, ".bk-bank-pin-1", "the PIN pad")
    for digit in PIN:
        click(page, f"bk-bank-pin-{digit}")
    click(page, "bk-bank-authorise")
    wait_visible(page, ".bk-bank-receipt", "the bank receipt")
    visit("12-bank-receipt")
    click(page, "bk-portal-back-to-portal")
    wait_visible(page, ".bk-portal-fee-box", "the dossier after paying", has_text="Đã thanh toán")
    visit("13-paid")

    # the officials: received, processing, then a supplement request
    until("Yêu cầu bổ sung giấy tờ", "the supplement request")
    visit("14-supplement")
    choose(page, "Chọn giấy tờ trong Kho dữ liệu cá nhân", "bản điện tử của cơ sở y tế")
    click(page, "bk-portal-send-supplement")
    wait_visible(page, ".bk-msg-info", "the supplement sent", has_text="Đã gửi bổ sung")
    until("Đã trả kết quả", "the result")
    visit("15-result")

    # the result, downloaded to the phone
    page.locator(".bk-portal-download-doc").first.click()
    link = wait_visible(page, ".bk-portal-save-link a", "the link to save the file")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    visit("16-downloaded")

    # lesson 3 grades the filing (5 points); lesson 3b, the same app's fee, supplement and
    # result (4 points), from the same evidence: a resident who went on in lesson 3's page
    # finds lesson 3b done
    for lesson, score, shot in (("portal", "5/5", "17-score"),
                                ("portal_result", "4/4", "18-score-3b")):
        if lesson != "portal":
            page.goto(server.lesson_url(learner.code, lesson=lesson),
                      wait_until="domcontentloaded")
            wait_visible(page, ".bk-common-submit", "lesson 3b's page")
        submit(page)
        deadline = time.monotonic() + 240
        while score not in (shown := score_shown(page)):
            assert time.monotonic() < deadline, f"no score in the app: {shown!r} {messages(page)}"
            page.wait_for_timeout(2000)
        visit(shot)
    assert gradebook_score(server.workshop, learner.learner_id, "portal") == 5.0
    assert gradebook_score(server.workshop, learner.learner_id, "portal_result") == 4.0
    assert not problems, "\n".join(problems)
