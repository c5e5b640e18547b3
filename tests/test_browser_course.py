"""Every lesson of the course in headless Chromium on a 360x800 touch phone, three ways.

For each of the six lessons one demo learner opens the lesson's first screen:

1. in Vietnamese: the badge, no sideways scroll, no English word, no serious or critical
   axe-core violation, every control at least 44x44 px, the help bar's hint and its
   spoken instruction (an ``<audio>`` that plays), the lesson's own text;
2. with «Chữ to» (large text): the page really is bigger, still fits 360 px, still passes
   axe; then «Tương phản cao» (high contrast), axe's colour-contrast rule included;
3. in English (``?lang=en``; the display modes are remembered): no Vietnamese outside the
   persona's data, ``<html lang="en">``, axe again;
4. in the pseudo-locale: every visible string, the hint and the lesson's text marked.

Screenshots of every screen go to ``test-artifacts/screenshots/course-<lesson>-*.png``.

Run: ``.venv/bin/python -m pytest -q -m browser tests/test_browser_course.py``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import (
    CHROMIUM,
    LONG,
    UNTRANSLATED_JS,
    DemoLearner,
    DemoServer,
    axe_violations,
    click,
    demo_learners,
    describe_violations,
    launch_chromium,
    new_phone_context,
    screenshot,
    vietnamese_screen_problems,
    wait_visible,
    width_problem,
)

from bakhong.grading.course import LESSONS, PRACTICE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

if not __import__("os").path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

MIN_TARGET = 44  # px: the touch target (WCAG 2.5.5 AAA)

#: Controls smaller than 44x44 px inside the phone (a checkbox counts by its row).
SMALL_TARGETS_JS = """(min) => {
  const out = [];
  const root = document.querySelector('.bk-phone');
  if (!root) return ['(no .bk-phone)'];
  const targets = root.querySelectorAll(
    'button, a[href], select, input:not([type=checkbox]):not([type=file]), '
    + '.widget-checkbox, .jupyter-widget-Collapse-header');
  for (const el of targets) {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.height < min - 0.5 || r.width < min - 0.5) {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} `
               + `${Math.round(r.width)}x${Math.round(r.height)}: `
               + (el.innerText || el.value || '').trim().slice(0, 40));
    }
  }
  return out.slice(0, 12);
}"""

#: Visible text in the phone, except the persona's data, SMS bodies and the language names.
PHONE_TEXTS_JS = """() => {
  const root = document.querySelector('.bk-phone');
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.nodeValue.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('style, script')) continue;
    if (el.closest('.bk-persona .bk-value, .bk-persona dd, .bk-sms, .bk-langbar, '
                   + '.bk-value, .bk-payee')) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    out.push(text);
  }
  for (const el of root.querySelectorAll('input[placeholder], button[title]')) {
    if (el.checkVisibility() && !el.closest('.bk-langbar')) {
      out.push(el.getAttribute('placeholder') || el.getAttribute('title') || '');
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    demo = DemoServer(tmp_path_factory.mktemp("browser-course"))
    with demo:
        yield demo


@pytest.fixture(scope="module")
def learners(server: DemoServer) -> list[DemoLearner]:
    found = demo_learners(server.workshop)
    assert len(found) >= len(LESSONS), found
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = new_phone_context(browser)
    page = context.new_page()
    page.set_default_timeout(LONG)
    yield page
    context.close()


def open_lesson(page: Any, server: DemoServer, learner: DemoLearner, lesson: str,
                lang: str | None = None) -> None:
    page.goto(server.lesson_url(learner.code, lang, lesson), wait_until="domcontentloaded")
    wait_visible(page, ".bk-phone .bk-common-lang-vi", "the course page")
    consent = page.locator(".bk-common-consent-accept")
    if consent.count() and consent.first.is_visible():
        click(page, "bk-common-consent-accept")
    wait_visible(page, ".bk-phone .bk-screen", f"the {lesson} app")
    wait_visible(page, ".bk-common-hint", "the help bar")


def serious(page: Any, where: str) -> list[str]:
    found = axe_violations(page)
    return [describe_violations(found, where)] if found else []


#: Proper names kept as they are in English (the sandbox bank is named after a river).
PROPER_NAMES = ("Sông Mã",)


def vietnamese_in(texts: list[str]) -> list[str]:
    def has_vietnamese(word: str) -> bool:
        decomposed = unicodedata.normalize("NFD", word)
        return any(unicodedata.combining(c) for c in decomposed) or "đ" in word.lower()
    def without_names(text: str) -> str:
        for name in PROPER_NAMES:
            text = text.replace(name, " ")
        return text
    return [t for t in texts if any(has_vietnamese(w) for w in without_names(t).split())]


def font_size(page: Any, selector: str) -> float:
    """The rendered size of the first ``selector``'s text, zoom included."""
    return float(page.evaluate(
        """(sel) => { const el = document.querySelector(sel);
           const zoom = parseFloat(getComputedStyle(el.closest('.bk-phone')).zoom || '1');
           return parseFloat(getComputedStyle(el).fontSize) * zoom; }""", selector))


@pytest.mark.parametrize("lesson", PRACTICE)  # the checks, unaided: tests/test_browser_checks.py
def test_each_lesson_on_a_phone_in_both_languages_and_large_text(
        server: DemoServer, learners: list[DemoLearner], phone: Any, lesson: str) -> None:
    page, shot = phone, f"course-{lesson}"
    learner = learners[PRACTICE.index(lesson)]
    problems: list[str] = []

    # 1. Vietnamese
    open_lesson(page, server, learner, lesson)
    screenshot(page, shot, "1-vi")
    problems += vietnamese_screen_problems(page, f"{lesson} vi")
    problems += [f"{lesson} vi: {p}" for p in [width_problem(page)] if p]
    problems += [f"{lesson} vi: small target {t}" for t in
                 page.evaluate(SMALL_TARGETS_JS, MIN_TARGET)]
    problems += serious(page, f"{lesson} vi")
    assert page.evaluate("document.documentElement.lang") == "vi"

    click(page, "bk-common-hint")
    panel = wait_visible(page, ".bk-common-hint-panel .bk-hint-box", "the hint")
    assert "Gợi ý" in panel.inner_text()
    click(page, "bk-common-speak")
    audio = wait_visible(page, ".bk-common-audio audio", "the spoken instruction")
    assert audio.evaluate("a => !!(a.currentSrc || a.src)")
    problems += serious(page, f"{lesson} vi, hint open")
    screenshot(page, shot, "2-vi-hint")

    click(page, "bk-common-lesson-text")
    wait_visible(page, ".bk-lesson-text", "the lesson's own text")
    assert page.locator(".jp-MarkdownCell").first.is_hidden()  # the notebook's copy
    screenshot(page, shot, "3-vi-lesson-text")

    # 2. large text, then high contrast
    normal = font_size(page, ".bk-common-submit")
    click(page, "bk-common-large-text")
    wait_visible(page, ".bk-phone.bk-large-text", "large text")
    assert font_size(page, ".bk-common-submit") > 1.2 * normal
    screenshot(page, shot, "4-vi-large-text")
    problems += [f"{lesson} large text: {p}" for p in [width_problem(page)] if p]
    problems += [f"{lesson} large text: small target {t}" for t in
                 page.evaluate(SMALL_TARGETS_JS, MIN_TARGET)]
    problems += serious(page, f"{lesson} large text")
    click(page, "bk-common-contrast")
    wait_visible(page, ".bk-phone.bk-high-contrast", "high contrast")
    screenshot(page, shot, "5-vi-large-contrast")
    problems += serious(page, f"{lesson} high contrast")

    # 3. English: the modes were remembered
    open_lesson(page, server, learner, lesson, "en")
    wait_visible(page, ".bk-phone.bk-large-text.bk-high-contrast", "the remembered modes")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator(".bk-badge").first.is_visible()
    left = vietnamese_in(page.evaluate(PHONE_TEXTS_JS))
    problems += [f"{lesson} en: Vietnamese left: {t!r}" for t in left]
    problems += [f"{lesson} en: {p}" for p in [width_problem(page)] if p]
    problems += serious(page, f"{lesson} en")
    click(page, "bk-common-hint")
    wait_visible(page, ".bk-common-hint-panel .bk-hint-box", "the hint in English",
                 has_text="What to do")
    screenshot(page, shot, "6-en-large-contrast-hint")
    click(page, "bk-common-contrast")
    click(page, "bk-common-large-text")
    page.wait_for_function("!document.querySelector('.bk-phone.bk-large-text')")
    screenshot(page, shot, "7-en")
    problems += [f"{lesson} en: small target {t}" for t in
                 page.evaluate(SMALL_TARGETS_JS, MIN_TARGET)]
    problems += serious(page, f"{lesson} en, usual look")

    # 4. the pseudo-locale: every visible string of the app and the page is translated
    open_lesson(page, server, learner, lesson, "pseudo")
    click(page, "bk-common-hint")
    click(page, "bk-common-lesson-text")
    wait_visible(page, ".bk-lesson-text", "the lesson's own text (pseudo)")
    problems += [f"{lesson} pseudo: untranslated {t}" for t in page.evaluate(UNTRANSLATED_JS)]
    screenshot(page, shot, "8-pseudo")
    assert not problems, "\n".join(problems)
