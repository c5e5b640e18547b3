"""Lesson 10 (keeping one's secrets) on a 360x800 phone, in the four looks, walked as a
resident.

The walker of ``tests/test_browser_walk.py`` (:class:`Walk`): every screen is checked in
Vietnamese and English, with and without large text and high contrast, for text cut off or
wider than its box and for a screen lost when the language is switched; screenshots go to
``test-artifacts/screenshots/walk-secrets-*.png``. The resident makes two mistakes on the way
(a photo of the passwords in the gallery, the PIN told to the grandson), and the walk's
estimate at a first-timer's pace (issue 20) must be at most 15 minutes.

Run: ``.venv/bin/python -m pytest -q -p no:randomly -m browser tests/test_browser_secrets.py``
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import CHROMIUM, DemoLearner, DemoServer, demo_server_fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

if not __import__("os").path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from test_browser_walk import PACE, Walk  # noqa: E402  (after the skip: it needs Chromium)

server = demo_server_fixture("browser-secrets")
#: The demo's learners the browser tests start from nothing: this one does lesson 10.
LEARNER = "hv006"
#: At most this many minutes for a first-timer over 55 (issue 20).
LIMIT = 15


def walk_secrets(w: Walk) -> None:
    w.open()
    w.consent()
    w.screen("home", ".bk-secrets-start-notebook")
    # 1. where the passwords are kept: a photo in the gallery first (the mistake)
    w.tap("bk-secrets-start-notebook")
    w.screen("password-notebook", ".bk-secrets-notebook")
    w.tap("bk-secrets-photo")
    w.see(".bk-msg-error", "the mistake explained")
    w.refusals += 1
    w.screen("outcome-wrong", ".bk-secrets-retry")
    w.tap("bk-secrets-retry")
    w.tap("bk-secrets-notebook")
    w.see(".bk-secrets-explanation", "the notebook scene's outcome")
    w.screen("outcome-right", ".bk-secrets-explanation")
    w.tap("bk-secrets-home")
    # 2. in her own name
    w.tap("bk-secrets-start-own-name")
    w.screen("shop-counter", ".bk-secrets-own-name")
    w.tap("bk-secrets-own-name")
    w.see(".bk-secrets-explanation", "the shop scene's outcome")
    w.tap("bk-secrets-home")
    # 3. who may help: the PIN told to the grandson first (the mistake)
    w.tap("bk-secrets-start-help")
    w.screen("who-may-help", ".bk-secrets-ask-team")
    w.tap("bk-secrets-grandson-types")
    w.see(".bk-msg-error", "the mistake explained")
    w.refusals += 1
    w.tap("bk-secrets-retry")
    w.tap("bk-secrets-type-myself")
    w.see(".bk-secrets-explanation", "the helper scene's outcome")
    w.tap("bk-secrets-home")
    # 4. the stranger borrowing the phone
    w.tap("bk-secrets-start-lend")
    w.screen("lend-phone", ".bk-secrets-take-back")
    w.tap("bk-secrets-take-back")
    w.see(".bk-secrets-explanation", "the borrowed phone's outcome")
    w.tap("bk-secrets-home")
    w.screen("home-done", ".bk-secrets-start-lend")


def test_secrets_fits_in_four_looks_and_takes_at_most_15_minutes(
        server: DemoServer, residents: dict[str, DemoLearner], phone: Any) -> None:
    w = Walk(phone, server, "secrets", residents[LEARNER])
    walk_secrets(w)
    minutes = w.minutes()
    print(f"secrets: {len(w.screens)} screens, {w.taps} taps, {w.chars} characters, "
          f"{w.refusals} refusal(s): about {minutes:.1f} min at a first-timer's pace "
          f"({PACE.screen:g} s a screen)")
    w.report()
    assert minutes <= LIMIT, f"about {minutes:.1f} min: more than {LIMIT}"
