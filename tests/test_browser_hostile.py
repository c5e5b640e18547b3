"""Issue 14 in headless Chromium: pages left free their kernels, made-up codes take none.

A lesson server (``bakhong.serving.run``, a pool of one kernel per lesson, a class of 12)
over the demo workshop and 14 more fictional learners (``test_hostile_serving``'s
fixtures); phones are 360x800 Chromium contexts.

Run: ``.venv/bin/python -m pytest -q tests/test_browser_hostile.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, launch_chromium, new_phone_context, screenshot
from test_hostile_serving import (
    POOL_SIZE,
    LessonServer,
    serve,
    wait_until,
    workshop,  # noqa: F401 (the module's fixture, used by name)
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not Path(CHROMIUM).exists():  # `make test` installs it (Makefile: system-packages)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

#: The page's config: the light page's (bakhong.light_page), or Voila's lab page's.
CONFIG = ("(document.getElementById('bk-page-config')"
          " || document.getElementById('jupyter-config-data'))")
CONFIG_KERNEL = f"() => JSON.parse({CONFIG}.textContent).kernelId"


@pytest.fixture(scope="module")
def server(workshop: tuple[Path, Path, list[str]]) -> Iterator[LessonServer]:  # noqa: F811
    root, home, _ = workshop
    with serve(root, home, max_kernels=12) as lessons:
        yield lessons


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


def open_lesson(browser: Any, server: LessonServer, code: str, lesson: str = "vneid"
                ) -> tuple[Any, str]:
    """A phone on the learner's lesson page, the app shown; the page and its kernel."""
    context = new_phone_context(browser)
    page = context.new_page()
    page.goto(f"{server.base}/voila/render/{lesson}/{lesson}.ipynb?code={code}",
              wait_until="domcontentloaded")
    page.locator(".bk-phone").first.wait_for(state="visible")
    return page, str(page.evaluate(CONFIG_KERNEL))


def test_ten_pages_opened_and_closed_are_back_to_the_pool_within_ten_seconds(
        server: LessonServer, browser: Any, workshop: tuple[Path, Path, list[str]],  # noqa: F811
) -> None:
    """Seen: one phone walking five lessons took the demo from 24 to 36 kernels."""
    opened = [open_lesson(browser, server, code) for code in workshop[2][:10]]
    kernels = [kernel for _, kernel in opened]
    assert len(set(kernels)) == 10 and all(server.alive(k) for k in kernels)
    screenshot(opened[0][0], "hostile", "01-page-open")
    start = time.monotonic()
    for page, _ in opened[:5]:  # the learner leaves: the browser runs the page's unload
        context = page.context
        page.close(run_before_unload=True)
        context.close()
    for page, _ in opened[5:]:  # the tab is killed: only the websocket closes
        page.context.close()
    wait_until(lambda: not any(server.alive(k) for k in kernels), 10 - (time.monotonic() - start),
               lambda: f"alive: {[k for k in kernels if server.alive(k)]}")
    print(f"10 pages closed: every kernel gone {time.monotonic() - start:.1f} s after the first")
    server.settle(POOL_SIZE, limit=60)


def test_walking_to_the_next_lesson_frees_the_last_ones_kernel(
        server: LessonServer, browser: Any, workshop: tuple[Path, Path, list[str]],  # noqa: F811
) -> None:
    page, first = open_lesson(browser, server, workshop[2][10])
    page.locator(".bk-common-lesson-link").first.click()  # the lesson menu, at the bottom
    page.locator(".bk-phone").first.wait_for(state="visible")
    second = str(page.evaluate(CONFIG_KERNEL))
    assert second != first
    wait_until(lambda: not server.alive(first), 10)
    assert server.alive(second)
    page.context.close()


def test_a_page_whose_kernel_was_freed_comes_back_by_itself(
        server: LessonServer, browser: Any, workshop: tuple[Path, Path, list[str]],  # noqa: F811
) -> None:
    """A phone that comes back (unlocked, Wi-Fi back) to a page whose kernel was freed
    reloads it, and the server gives it a new kernel."""
    page, kernel = open_lesson(browser, server, workshop[2][11])
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf")
    reply = page.request.post(f"{server.base}/voila/api/shutdown/{kernel}",
                              multipart={"_xsrf": xsrf})
    assert reply.status == 204
    wait_until(lambda: not server.alive(kernel), 10)
    page.evaluate("() => dispatchEvent(new Event('online'))")  # the Wi-Fi is back
    page.wait_for_function(f"() => {{ const e = {CONFIG};"
                           f" return e && JSON.parse(e.textContent).kernelId !== '{kernel}'; }}")
    page.locator(".bk-phone").first.wait_for(state="visible")
    assert server.alive(str(page.evaluate(CONFIG_KERNEL)))
    screenshot(page, "hostile", "02-page-back")
    page.context.close()


def test_a_made_up_code_goes_to_the_join_page_without_a_kernel(
        server: LessonServer, browser: Any) -> None:
    server.settle(POOL_SIZE, limit=60)
    before = server.kernel_ids()
    context = new_phone_context(browser)
    page = context.new_page()
    page.goto(f"{server.base}/voila/render/vneid/vneid.ipynb?code=ZZZZZZZZ")
    error = page.locator(".bk-error")
    error.wait_for(state="visible")
    assert "Không tìm thấy học viên với mã này" in error.inner_text()
    assert page.locator(".bk-join-code").input_value() == "ZZZZZZZZ"
    screenshot(page, "hostile", "03-made-up-code")
    assert server.kernel_ids() == before
    reply = page.goto(f"{server.base}/voila/templates/..%2f..%2fetc%2fpasswd")
    assert reply is not None and reply.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang này"
    page.locator(".bk-home").wait_for(state="visible")
    screenshot(page, "hostile", "04-not-found")
    context.close()
