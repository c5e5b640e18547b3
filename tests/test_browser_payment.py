"""The payment lesson in headless Chromium at 360x800: a resident pays by photographing a
printed code, pays a bill, refuses a swapped code, checks the receipt, and is scored by
nbgrader through the grading worker.

The printed code is the real thing: ``bakhong qr poster --merchant stall --out poster.pdf``,
rendered by poppler (``pdftoppm``) as a printer would, then "photographed": tilted 12°,
slightly warped, blurred (σ 1.2), a little darker on one side, and saved as a 60 % JPEG, the
way a cheap phone camera sends it. The browser uploads that file through the app's
«Chụp ảnh mã QR» button through the file chooser it opens, as Android's camera chooser does.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    BAKHONG,
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
from PIL import Image, ImageFilter

from bakhong.simulators import bank

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not Path(CHROMIUM).exists():  # `make test` installs it (Makefile: system-packages)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

PIN = "135790"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    demo = DemoServer(tmp_path_factory.mktemp("browser-payment"))
    with demo:
        yield demo


@pytest.fixture(scope="module")
def phone(server: DemoServer) -> Iterator[Any]:
    with phone_page("payment") as page:
        yield page


def photo_of_printed_poster(folder: Path) -> Path:
    """The stall's poster printed (PDF → 150 dpi page) and photographed with a phone."""
    pdf = folder / "poster.pdf"
    made = subprocess.run([str(BAKHONG), "qr", "poster", "--merchant", "stall", "--out",
                           str(pdf)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf),
                    str(folder / "printed")], check=True)
    page = Image.open(folder / "printed.png").convert("RGB")
    width, height = page.size
    tilted = page.rotate(12, resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor=(96, 88, 80))  # the wall behind the poster
    w, h = tilted.size
    warped = tilted.transform((w, h), Image.Transform.QUAD,
                              (0.03 * w, 0, 0, h, w, 0.97 * h, 0.98 * w, 0.02 * h),
                              resample=Image.Resampling.BICUBIC, fillcolor=(96, 88, 80))
    shade = Image.linear_gradient("L").rotate(90).resize((w, h))  # light from one side
    darker = Image.composite(warped, warped.point(lambda v: int(v * 0.7)), shade)
    blurred = darker.filter(ImageFilter.GaussianBlur(1.2))
    out = folder / "anh-chup-ma-qr.jpg"
    blurred.save(out, format="JPEG", quality=60)
    assert (width, height) != blurred.size and out.stat().st_size < 10 * 1024 * 1024
    return out


def test_pay_by_photo_refuse_a_swapped_code_and_get_scored(
        server: DemoServer, phone: Any, tmp_path: Path) -> None:
    page = phone
    learner: DemoLearner = next(le for le in demo_learners(server.workshop)
                                if le.learner_id == "hv001")
    problems: list[str] = []

    def visit(screen: str) -> None:
        page.wait_for_timeout(300)
        screenshot(page, "payment", screen)
        problems.extend(vietnamese_screen_problems(page, screen))
        violations = axe_violations(page)
        if violations:
            problems.append(describe_violations(violations, screen))

    def pin_pad(pin: str, screen: str) -> None:
        wait_visible(page, ".bk-bank-pin-1", "the PIN pad")
        for digit in pin:
            click(page, f"bk-bank-pin-{digit}")
        wait_visible(page, ".bk-bank-pin-dots", "six dots", has_text="● ● ● ● ● ●")
        visit(screen)
        click(page, "bk-bank-authorise")

    page.goto(server.lesson_url(learner.code, lesson="payment"), wait_until="domcontentloaded")
    wait_visible(page, ".bk-common-consent-accept", "the consent screen")
    visit("01-consent")
    click(page, "bk-common-consent-accept")

    # first use: Smart OTP's PIN
    wait_visible(page, ".bk-bank-save-pin", "the Smart OTP set-up")
    visit("02-setup")
    fill(page, "bk-bank-new-pin", PIN)
    fill(page, "bk-bank-new-pin-again", PIN)
    click(page, "bk-bank-save-pin")
    wait_visible(page, ".bk-bank-go-scan", "the home screen")
    tasks = page.locator(".bk-bank-tasks").inner_text()
    asked = re.search(r"cô Hạnh: ([\d.]+) đ", tasks)
    assert asked, tasks  # the amount the stall asks for, as the resident reads it
    visit("03-home")

    # 1. the market stall, by a photo of its printed code
    click(page, "bk-bank-go-scan")
    wait_visible(page, ".bk-bank-photo", "the scan screen")
    visit("04-scan")
    photo = photo_of_printed_poster(tmp_path)
    with page.expect_file_chooser() as chooser:  # the phone's «Máy ảnh / Tệp» chooser
        click(page, "bk-bank-photo")
    assert chooser.value.element.get_attribute("accept") == "image/*"
    chooser.value.set_files(str(photo))
    wait_visible(page, ".bk-bank-payee-name", "the confirm screen after the photo")
    assert bank.STALL.holder in page.locator(".bk-bank-payee-name").inner_text()
    visit("05-confirm-stall")
    fill(page, "bk-bank-amount", asked.group(1))
    click(page, "bk-bank-continue")
    pin_pad(PIN, "05b-pin-stall")
    wait_visible(page, ".bk-bank-receipt", "the receipt of the stall")
    visit("06-receipt-stall")
    click(page, "bk-bank-done")

    # 2. the electricity bill, by its dynamic code
    wait_visible(page, ".bk-bank-go-scan", "the home screen")
    click(page, "bk-bank-go-scan")
    click(page, "bk-bank-pick-power")
    wait_visible(page, ".bk-bank-continue", "the confirm screen of the bill")
    assert not page.locator(".bk-bank-amount").count()  # the amount is in the code
    visit("07-confirm-bill")
    click(page, "bk-bank-continue")
    pin_pad(PIN, "07b-pin-bill")
    receipt = wait_visible(page, ".bk-bank-receipt", "the receipt of the bill").inner_text()
    reference = re.search(r"FT\d+", receipt)
    assert reference, receipt
    visit("08-receipt-bill")
    click(page, "bk-bank-done")

    # 3. the fruit stall's swapped sticker: the name is not Mrs Lụa's, so «Hủy»
    wait_visible(page, ".bk-bank-go-scan", "the home screen")
    click(page, "bk-bank-go-scan")
    wait_visible(page, ".bk-bank-pick-fruit", "the fruit stall's code")
    assert "PHAM THI LUA" in page.locator(".bk-merchant", has_text="Lụa").inner_text()
    click(page, "bk-bank-pick-fruit")
    payee = wait_visible(page, ".bk-bank-payee-name", "the confirm screen of the fruit stall")
    assert bank.SCAMMER.holder in payee.inner_text()
    visit("09-confirm-swapped")
    click(page, "bk-bank-cancel")
    wait_visible(page, ".bk-msg-info", "the cancellation", has_text="Đã hủy")
    visit("10-cancelled")

    # 4. the receipt checked by its reference
    click(page, "bk-bank-go-check")
    fill(page, "bk-bank-reference", reference.group().lower())
    click(page, "bk-bank-check-reference")
    wait_visible(page, ".bk-msg-info", "the receipt check", has_text="Đúng")
    visit("11-receipt-checked")
    assert "(4/4)" in page.locator(".bk-bank-tasks").inner_text()

    # «Nộp bài»: the worker started by `serve` grades it, «Xem điểm» shows it
    submit(page)
    deadline = time.monotonic() + 240
    while "7/7" not in (shown := score_shown(page)):
        assert time.monotonic() < deadline, f"no score in the app: {shown!r} {messages(page)}"
        page.wait_for_timeout(2000)
    visit("12-score")
    assert gradebook_score(server.workshop, learner.learner_id, "payment") == 7.0
    assert not problems, "\n".join(problems)
