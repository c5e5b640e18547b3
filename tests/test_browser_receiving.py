"""Lesson 6 (receiving money) on a 360x800 phone, in the four looks, walked as a resident.

The walker of ``tests/test_browser_walk.py`` (:class:`Walk`): every screen is checked in
Vietnamese and English, with and without large text and high contrast, for text cut off or
wider than its box and for a screen lost when the language is switched; screenshots go to
``test-artifacts/screenshots/walk-receiving-*.png``. The resident makes the lesson's two
mistakes on the way (the vegetables handed before the money arrived, the chicken handed on
the screenshot), and the walk's estimate at a first-timer's pace (issue 20) must be at most
15 minutes.

Run: ``.venv/bin/python -m pytest -q -p no:randomly -m browser tests/test_browser_receiving.py``
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import CHROMIUM, DemoLearner, DemoServer, demo_server_fixture

from bakhong.grading import workshop
from bakhong.simulators import receiving

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

if not __import__("os").path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from test_browser_walk import PACE, Walk  # noqa: E402  (after the skip: it needs Chromium)

server = demo_server_fixture("browser-receiving")
#: The demo's learners the browser tests start from nothing: this one does lesson 6.
LEARNER = "hv006"
#: At most this many minutes for a first-timer over 55 (issue 20).
LIMIT = 15


def scenario(w: Walk) -> dict[str, Any]:
    """The learner's drawn scenes (the price, the allowance), read from the sandbox as the
    resident reads them on the screen."""
    box = workshop.open_sandbox(w.server.workshop)
    try:
        return box.receiving(w.learner.learner_id).status().scenario
    finally:
        box.close()


def walk_receiving(w: Walk) -> None:
    w.open()
    w.consent()
    w.screen("home", ".bk-bank-go-my-qr")
    drawn = scenario(w)
    price, allowance = str(drawn["price"]), str(drawn["allowance_amount"])
    # 1. the own code, the buyer's transfer, the goods handed once the money is seen
    w.tap("bk-bank-go-my-qr")
    w.screen("my-qr", ".bk-bank-buyer-scan")
    w.type("bk-bank-qr-amount", price)
    w.tap("bk-bank-make-qr")
    w.see(".bk-msg-info", "the code with the amount")
    w.tap("bk-bank-buyer-scan")
    w.see(".bk-bank-hand-goods", "the sale's answer")
    w.screen("sale-scanned", ".bk-bank-hand-goods")
    w.type("bk-bank-sale-amount", price)
    w.choose("bk-bank-sale-sender", label=receiving.BUYER.holder)
    w.tap("bk-bank-hand-goods")  # before looking: the money has not arrived
    w.see(".bk-msg-error", "the refusal: not arrived")
    w.refusals += 1
    w.screen("sale-not-arrived", ".bk-bank-hand-goods")
    w.tap("bk-bank-go-history")
    w.see(".bk-bank-history", "the history", has_text=receiving.BUYER.holder)
    w.screen("history", ".bk-bank-history")
    w.tap("bk-bank-back")
    w.see(".bk-bank-hand-goods", "back at the sale")
    w.type("bk-bank-sale-amount", price)
    w.choose("bk-bank-sale-sender", label=receiving.BUYER.holder)
    w.tap("bk-bank-hand-goods")
    w.see(".bk-msg-info", "the goods handed")
    w.screen("sold", ".bk-bank-my-qr")
    w.tap("bk-bank-back")
    # 2. the allowance (the history was looked at already)
    w.unfold("bk-bank-sms-inbox")
    w.screen("sms-allowance", ".bk-bank-sms-inbox .bk-sms-new")
    w.tap("bk-bank-go-allowance")
    w.screen("allowance", ".bk-bank-answer-allowance")
    w.type("bk-bank-allowance-amount", allowance)
    w.choose("bk-bank-allowance-sender", label=receiving.ALLOWANCE.holder)
    w.tap("bk-bank-answer-allowance")
    w.see(".bk-msg-info", "the allowance answered")
    w.tap("bk-bank-back")
    # 3. the faked screenshot: handed on it first (the mistake), then checked
    w.tap("bk-bank-go-fake")
    w.screen("fake", ".bk-bank-screenshot")
    w.tap("bk-bank-give-goods")
    w.see(".bk-msg-error", "the refusal: a screenshot")
    w.refusals += 1
    w.screen("fake-handed", ".bk-bank-refuse-goods")
    w.tap("bk-bank-go-history")
    w.see(".bk-bank-history", "the history again")
    w.tap("bk-bank-back")
    w.see(".bk-bank-refuse-goods", "back at the faked sale")
    w.tap("bk-bank-refuse-goods")
    w.see(".bk-msg-info", "the faked sale refused")
    w.unfold("bk-bank-tasks")
    w.screen("all-done", ".bk-bank-tasks")


def test_receiving_fits_in_four_looks_and_takes_at_most_15_minutes(
        server: DemoServer, residents: dict[str, DemoLearner], phone: Any) -> None:
    w = Walk(phone, server, "receiving", residents[LEARNER])
    walk_receiving(w)
    minutes = w.minutes()
    print(f"receiving: {len(w.screens)} screens, {w.taps} taps, {w.chars} characters, "
          f"{w.refusals} refusal(s): about {minutes:.1f} min at a first-timer's pace "
          f"({PACE.screen:g} s a screen)")
    w.report()
    assert minutes <= LIMIT, f"about {minutes:.1f} min: more than {LIMIT}"
