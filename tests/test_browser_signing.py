"""The signing lesson in headless Chromium at 360x800, scored by the grading worker.

The resident enrols (identity from the VNeID account set up beforehand through the
simulator, as lesson 1 would), loses the connection after accepting the contract as the
lesson's scenario does, resumes the pending request, signs the CT01 form with the PIN pad,
checks the commune's notice (valid: trusted) and the contract «received over Zalo»
(modified: not trusted), downloads the signed form, and is scored 9/9. The downloaded
signed PDF is then checked by poppler's ``pdfsig`` with the workshop's sandbox root in an
NSS database: valid and trusted; the same file with one byte changed: a digest mismatch.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfsig_support
import pytest
from browser_support import (
    CHROMIUM,
    DemoLearner,
    DemoServer,
    axe_violations,
    click,
    demo_learners,
    describe_violations,
    fill,
    gradebook_score,
    messages,
    phone_page,
    score_shown,
    screenshot,
    submit,
    vietnamese_screen_problems,
    wait_visible,
)
from conftest import PASSWORD
from test_browser_portal import level2_account

from bakhong.grading import workshop
from bakhong.simulators import pki, signing

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not Path(CHROMIUM).exists():  # `make test` installs it (Makefile: system-packages)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

PIN = "864213"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    demo = DemoServer(tmp_path_factory.mktemp("browser-signing"))
    with demo:
        yield demo


@pytest.fixture(scope="module")
def phone(server: DemoServer) -> Iterator[Any]:
    with phone_page("signing", accept_downloads=True) as page:
        yield page


def pick(page: Any, cls: str, text: str) -> None:
    """Tap the document of the ``cls`` choice list whose label holds ``text``."""
    page.locator(f".{cls} .widget-toggle-button", has_text=text).first.click()


def test_enrol_sign_and_verify_on_a_phone(server: DemoServer, phone: Any,
                                          tmp_path: Path) -> None:
    page = phone
    learner: DemoLearner = next(le for le in demo_learners(server.workshop)
                                if le.learner_id == "hv003")
    level2_account(server, learner.learner_id)
    problems: list[str] = []

    def visit(screen: str) -> None:
        page.wait_for_timeout(300)
        screenshot(page, "signing", screen)
        problems.extend(vietnamese_screen_problems(page, screen))
        violations = axe_violations(page)
        if violations:
            problems.append(describe_violations(violations, screen))

    page.goto(server.lesson_url(learner.code, lesson="signing"), wait_until="domcontentloaded")
    wait_visible(page, ".bk-sign-begin", "the signing app's intro")
    visit("01-intro")
    click(page, "bk-sign-begin")
    wait_visible(page, ".bk-sign-link-vneid", "the identity screen")
    fill(page, "bk-sign-id-number", learner.id_number)
    fill(page, "bk-sign-password", PASSWORD)
    click(page, "bk-sign-link-vneid")
    wait_visible(page, ".bk-sign-confirm-identity", "the identity from VNeID")
    visit("02-identity")
    click(page, "bk-sign-confirm-identity")
    wait_visible(page, ".bk-sign-submit-ekyc", "the eKYC screen")
    for name in ("card-front", "card-back", "face"):
        click(page, f"bk-sign-{name}")
    visit("03-ekyc")
    click(page, "bk-sign-submit-ekyc")
    wait_visible(page, ".bk-sign-submit-contract", "the contract")
    page.locator(".bk-sign-agree input").check()
    visit("04-contract")
    click(page, "bk-sign-submit-contract")  # the lesson's dropped connection
    wait_visible(page, ".bk-sign-resume", "the pending request after the drop")
    # the screen is redrawn before the refusal is said (two widget messages): wait for both
    wait_visible(page, ".bk-msg", "the dropped connection's message", has_text="Mất kết nối")
    visit("05-pending")
    click(page, "bk-sign-resume")
    wait_visible(page, ".bk-sign-finish", "the PIN screen")
    fill(page, "bk-sign-new-pin", PIN)
    fill(page, "bk-sign-new-pin-again", PIN)
    visit("06-pin")
    click(page, "bk-sign-finish")
    wait_visible(page, ".bk-sign-go-sign", "the home screen with the certificate")
    visit("07-home")

    # sign the form with the PIN pad
    click(page, "bk-sign-go-sign")
    wait_visible(page, ".bk-sign-sign", "the sign screen")
    pick(page, "bk-sign-sign-doc", "CT01")
    click(page, "bk-sign-sign")
    wait_visible(page, ".bk-sign-pin-1", "the signing app's PIN pad")
    visit("08-confirm")
    for digit in PIN:
        click(page, f"bk-sign-pin-{digit}")
    click(page, "bk-sign-confirm")
    wait_visible(page, ".bk-sign-download", "the signed document")
    visit("09-signed")
    click(page, "bk-sign-download")
    link = wait_visible(page, ".bk-sign-save-link a", "the link to save the signed form")
    with page.expect_download() as download:
        link.click()
    signed = tmp_path / "to-khai-da-ky.pdf"
    download.value.save_as(signed)

    # verify the notice (trust it) and the contract from Zalo (do not)
    for document, verdict, judge in (("Thông báo", "Chữ ký hợp lệ", "bk-sign-trust"),
                                     ("Hợp đồng", "đã bị sửa", "bk-sign-distrust")):
        if page.locator(".bk-sign-back").count():
            click(page, "bk-sign-back")
        wait_visible(page, ".bk-sign-go-verify", "the home screen")
        click(page, "bk-sign-go-verify")
        wait_visible(page, ".bk-sign-verify", "the verify screen")
        pick(page, "bk-sign-verify-doc", document)
        click(page, "bk-sign-verify")
        found = wait_visible(page, ".bk-sign-verdicts", "the verdict", has_text=verdict)
        assert verdict in found.inner_text()
        visit(f"10-verified-{document[:4]}")
        click(page, judge)
        wait_visible(page, ".bk-msg-info", "the judgment noted", has_text="Đã ghi nhận")

    submit(page)
    deadline = time.monotonic() + 240
    while "9/9" not in (shown := score_shown(page)):
        assert time.monotonic() < deadline, f"no score in the app: {shown!r} {messages(page)}"
        page.wait_for_timeout(2000)
    visit("11-score")
    assert gradebook_score(server.workshop, learner.learner_id, "signing") == 9.0
    assert not problems, "\n".join(problems)

    # the independent verifier agrees on what the resident signed on the phone
    box = workshop.open_sandbox(server.workshop)
    try:
        with box.store.transaction() as conn:
            authority = signing.workshop_pki(conn, box.clock.now(), box.random("x"),
                                             box.workshop_id)
    finally:
        box.close()
    root, issuer = tmp_path / "root.pem", tmp_path / "issuer.pem"
    root.write_bytes(pki.certificate_pem(authority.root.certificate))
    issuer.write_bytes(pki.certificate_pem(authority.issuer.certificate))
    nss = pdfsig_support.nss_database(tmp_path / "nss", roots=[root], intermediates=[issuer])
    report = pdfsig_support.pdfsig(signed, nss)
    last = report.signatures[-1]
    assert last.fields.get("Signature Validation") == "Signature is Valid.", report.text
    assert last.fields.get("Certificate Validation") == "Certificate is Trusted.", report.text
    data = bytearray(signed.read_bytes())
    middle = data.index(b"stream") + 20  # inside the first page's content, signed
    data[middle] ^= 0x01
    tampered = tmp_path / "to-khai-sua.pdf"
    tampered.write_bytes(bytes(data))
    after = pdfsig_support.pdfsig(tampered, nss)
    assert any(s.fields.get("Signature Validation") == "Digest Mismatch."
               for s in after.signatures), after.text
