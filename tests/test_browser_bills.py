"""Lesson 9 (monthly bills) on a 360x800 phone, in the four looks, walked as a resident.

The walker of ``tests/test_browser_walk.py`` (:class:`Walk`): every screen is checked in
Vietnamese and English, with and without large text and high contrast, for text cut off or
wider than its box and for a screen lost when the language is switched; screenshots go to
``test-artifacts/screenshots/walk-bills-*.png``. The resident makes the lesson's two usual
mistakes on the way (the neighbour's electricity bill looked up and paid, the stranger's
number topped up), and the walk's estimate at a first-timer's pace (issue 20) must be at
most 15 minutes.

Run: ``.venv/bin/python -m pytest -q -p no:randomly -m browser tests/test_browser_bills.py``
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import CHROMIUM, DemoLearner, DemoServer, demo_server_fixture

from bakhong.grading import workshop
from bakhong.simulators import bills
from bakhong.simulators.bills import Bill

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

if not __import__("os").path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from test_browser_walk import PACE, Walk  # noqa: E402  (after the skip: it needs Chromium)

server = demo_server_fixture("browser-bills")
#: The demo's learners the browser tests start from nothing: this one does lesson 9.
LEARNER = "hv006"
#: At most this many minutes for a first-timer over 55 (issue 20).
LIMIT = 15
PIN = "135790"


def paper(w: Walk) -> tuple[list[Bill], str]:
    """The learner's paper bills and own phone, read from the sandbox as the resident reads
    them on the screen."""
    box = workshop.open_sandbox(w.server.workshop)
    try:
        app = box.bills(w.learner.learner_id)
        return app.paper_bills(), app.my_phone()
    finally:
        box.close()


def walk_bills(w: Walk) -> None:
    w.open()
    w.consent()
    # the bank's own Smart OTP setup
    w.screen("setup", ".bk-bank-save-pin")
    w.type("bk-bank-new-pin", PIN)
    w.type("bk-bank-new-pin-again", PIN)
    w.tap("bk-bank-save-pin")
    w.see(".bk-bank-go-bill", "the home screen")
    w.screen("home", ".bk-bank-go-bill")
    (power, other_power, water, _other_water), mine = paper(w)
    # 1. the electricity bill: the neighbour's looked up and paid first (the mistake)
    w.tap("bk-bank-go-bill")
    w.screen("bill", ".bk-bank-paper-power")
    w.choose("bk-bank-bill-company", label="Điện lực")
    w.type("bk-bank-bill-code", other_power.customer_code)
    w.tap("bk-bank-bill-lookup")
    w.see(".bk-bank-bill-found", "the neighbour's bill", has_text=bills.NEIGHBOUR)
    w.screen("bill-neighbour", ".bk-bank-bill-found")
    w.type("bk-bank-bill-pin", PIN)
    w.tap("bk-bank-bill-pay")
    w.see(".bk-msg-error", "the refusal: not her bill")
    w.refusals += 1
    w.screen("bill-not-hers", ".bk-bank-bill-lookup")
    w.choose("bk-bank-bill-company", label="Điện lực")
    w.type("bk-bank-bill-code", power.customer_code)
    w.tap("bk-bank-bill-lookup")
    w.see(".bk-bank-bill-found", "her own bill", has_text=power.customer_name)
    w.type("bk-bank-bill-pin", PIN)
    w.tap("bk-bank-bill-pay")
    w.see(".bk-msg-info", "the bill paid")
    w.screen("bill-paid", ".bk-bank-back")
    w.tap("bk-bank-back")
    # 2. the water bill's automatic payment
    w.tap("bk-bank-go-auto")
    w.screen("auto", ".bk-bank-auto-register")
    w.choose("bk-bank-auto-company", label="Cấp nước")
    w.type("bk-bank-auto-code", water.customer_code)
    w.type("bk-bank-auto-limit", "300000")
    w.type("bk-bank-auto-pin", PIN)
    w.tap("bk-bank-auto-register")
    w.see(".bk-bank-auto-confirmation", "the confirmation")
    w.screen("auto-done", ".bk-bank-auto-confirmation")
    w.tap("bk-bank-back")
    # 3. the phone: the stranger's SMS read, the stranger topped up first (the mistake)
    w.unfold("bk-bank-sms-inbox")
    w.screen("sms-stranger", ".bk-bank-sms-inbox .bk-sms-new")
    w.tap("bk-bank-go-topup")
    w.screen("topup", ".bk-bank-topup-card")
    w.type("bk-bank-topup-number", bills.STRANGER_PHONE)
    w.choose("bk-bank-topup-amount", label="100.000")
    w.type("bk-bank-topup-pin", PIN)
    w.tap("bk-bank-topup-pay")
    w.see(".bk-msg-error", "the refusal: a stranger's number")
    w.refusals += 1
    w.screen("topup-stranger", ".bk-bank-topup-pay")
    w.type("bk-bank-topup-number", mine)
    w.choose("bk-bank-topup-amount", label="50.000")
    w.type("bk-bank-topup-pin", PIN)
    w.tap("bk-bank-topup-pay")
    w.see(".bk-msg-info", "the phone topped up")
    w.tap("bk-bank-back")
    w.unfold("bk-bank-tasks")
    w.screen("all-done", ".bk-bank-tasks")


def test_bills_fits_in_four_looks_and_takes_at_most_15_minutes(
        server: DemoServer, residents: dict[str, DemoLearner], phone: Any) -> None:
    w = Walk(phone, server, "bills", residents[LEARNER])
    walk_bills(w)
    minutes = w.minutes()
    print(f"bills: {len(w.screens)} screens, {w.taps} taps, {w.chars} characters, "
          f"{w.refusals} refusal(s): about {minutes:.1f} min at a first-timer's pace "
          f"({PACE.screen:g} s a screen)")
    w.report()
    assert minutes <= LIMIT, f"about {minutes:.1f} min: more than {LIMIT}"
