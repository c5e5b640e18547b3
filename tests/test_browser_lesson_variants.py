"""A commune's own lesson under ``serve``, in headless Chromium on a 360x800 phone: released
while the class runs, it is in the lesson menu with its title, opens the payment app with its
own text, and its «Nộp bài» is graded by the worker with the variant's points.

Screenshots go to ``test-artifacts/screenshots/lesson-variant-*.png``.

Run: ``.venv/bin/python -m pytest -q -m browser tests/test_browser_lesson_variants.py``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import (
    CHROMIUM,
    DemoServer,
    click,
    demo_learners,
    launch_chromium,
    new_phone_context,
    score_shown,
    screenshot,
    submit,
    wait_visible,
    width_problem,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

NAME = "payment_tho_long"
TITLE = "Bài 2 (xã Thọ Long): Trả tiền lệ phí bằng mã QR"
NOTE = "Bộ phận một cửa xã Thọ Long mở từ 7 giờ 30 đến 17 giờ."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with DemoServer(tmp_path_factory.mktemp("browser-variant")) as demo:
        yield demo


def release_variant(server: DemoServer) -> None:
    """The trainer's commands, against the running demo (its own BAKHONG_HOME)."""
    path = server.workshop / "variants" / f"{NAME}.py"
    made = server.run_bakhong("lesson", "new", str(server.workshop), "payment", NAME)
    assert made.returncode == 0, made.stderr
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'#   title: ".*"', f'#   title: "{TITLE}"', text)
    text = re.sub(r"# «SỬA: ghi chú.*", f"# {NOTE}", text)
    text = text.replace('"grade_id": "stall", "locked": true, "points": 2',
                        '"grade_id": "stall", "locked": true, "points": 3')
    path.write_text(text, encoding="utf-8")
    done = server.run_bakhong("lesson", "release", str(server.workshop), str(path))
    assert done.returncode == 0, done.stderr


def test_a_released_variant_on_a_phone(server: DemoServer) -> None:
    release_variant(server)  # while serve runs: nothing restarted
    resident = demo_learners(server.workshop)[1]
    with launch_chromium() as browser:
        context = new_phone_context(browser, device_scale_factor=2)
        page: Any = context.new_page()
        page.goto(server.lesson_url(resident.code, lesson="payment"))
        wait_visible(page, ".bk-common-consent-accept", "the consent screen")
        click(page, "bk-common-consent-accept")
        # the course's payment lesson: its menu ends with the commune's own lesson
        link = wait_visible(page, f'.bk-lessons a[href*="{NAME}/{NAME}.ipynb"]',
                            "the variant in the lesson menu")
        assert link.inner_text().strip() == TITLE
        link.click()
        wait_visible(page, ".bk-phone", "the variant's page: the payment app")
        wait_visible(page, '.bk-lessons li[aria-current="page"]', "the variant, marked",
                     has_text=TITLE)
        assert page.title() == TITLE
        click(page, "bk-common-lesson-text")
        wait_visible(page, ".bk-lesson-text", "the variant's own text", has_text=NOTE)
        assert not width_problem(page), width_problem(page)
        screenshot(page, "lesson-variant", "01-opened")

        submit(page)  # nothing done yet: graded 0 of the variant's 3 + 2 + 2 + 1 points
        deadline = time.monotonic() + 180
        while "0/8" not in (shown := score_shown(page)):
            assert time.monotonic() < deadline, f"no score in the app: {shown!r}"
            page.wait_for_timeout(2000)
        screenshot(page, "lesson-variant", "02-score")
        context.close()
