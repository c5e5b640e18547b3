"""Lesson 7 (everyday VNeID) on a 360x800 phone, in the four looks, walked as a resident.

The walker of ``tests/test_browser_walk.py`` (:class:`Walk`): every screen is checked in
Vietnamese and English, with and without large text and high contrast, for text cut off or
wider than its box and for a screen lost when the language is switched; screenshots go to
``test-artifacts/screenshots/walk-vneid_daily-*.png``. The resident makes the lesson's two
mistakes on the way (a driving licence number mistyped, a screenshot shown at the clinic),
and the walk's estimate at a first-timer's pace (issue 20) must be at most 15 minutes.

Run: ``.venv/bin/python -m pytest -q -p no:randomly -m browser tests/test_browser_vneid_daily.py``
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import CHROMIUM, DemoLearner, DemoServer, demo_server_fixture

from bakhong.grading import workshop
from bakhong.simulators import vneid_daily

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

if not __import__("os").path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

from test_browser_walk import PACE, Walk  # noqa: E402  (after the skip: it needs Chromium)

server = demo_server_fixture("browser-vneid-daily")
#: The demo's learners the browser tests start from nothing: this one does lesson 7.
LEARNER = "hv006"
#: At most this many minutes for a first-timer over 55 (issue 20).
LIMIT = 15


def card(w: Walk) -> tuple[str, str]:
    """The passcode and the driving licence number on the persona card, read from the
    sandbox as the resident reads them on the card."""
    box = workshop.open_sandbox(w.server.workshop)
    try:
        sim = box.vneid_daily(w.learner.learner_id)
        return sim.card_passcode(), sim.papers()[vneid_daily.GPLX].number
    finally:
        box.close()


def walk_vneid_daily(w: Walk) -> None:
    w.open()
    w.consent()
    w.screen("login", ".bk-vneid-daily-login")
    passcode, licence = card(w)
    w.type("bk-vneid-daily-passcode", passcode)
    w.tap("bk-vneid-daily-login")
    w.see(".bk-vneid-daily-go-wallet", "the home screen")
    w.screen("home", ".bk-vneid-daily-go-wallet")
    # 1. the wallet: the driving licence (its number mistyped first), then the health card
    w.tap("bk-vneid-daily-go-wallet")
    w.screen("wallet", ".bk-vneid-daily-go-add-paper")
    w.tap("bk-vneid-daily-go-add-paper")
    w.see(".bk-vneid-daily-find-paper", "«Tích hợp thông tin»")
    w.screen("add-paper", ".bk-vneid-daily-find-paper")
    w.choose("bk-vneid-daily-paper-kind", label="Giấy phép lái xe")
    w.type("bk-vneid-daily-paper-number", licence[:-2] + licence[-1] + licence[-2])
    w.tap("bk-vneid-daily-find-paper")
    w.see(".bk-msg-error", "the refusal: a number not on the card")
    w.refusals += 1
    w.screen("not-on-card", ".bk-vneid-daily-find-paper")
    w.type("bk-vneid-daily-paper-number", licence)
    w.tap("bk-vneid-daily-find-paper")
    w.see(".bk-vneid-daily-confirm-paper", "the licence found")
    w.screen("confirm-licence", ".bk-vneid-daily-found-paper")
    w.tap("bk-vneid-daily-confirm-paper")
    w.see(".bk-vneid-daily-open-gplx", "the licence in the wallet")
    w.tap("bk-vneid-daily-go-add-paper")
    w.see(".bk-vneid-daily-find-paper", "«Tích hợp thông tin» again")
    w.tap("bk-vneid-daily-find-paper")  # the health card, the one left, chosen already
    w.see(".bk-vneid-daily-confirm-paper", "the health card found")
    w.tap("bk-vneid-daily-confirm-paper")
    w.see(".bk-vneid-daily-open-bhyt", "the health card in the wallet")
    w.screen("wallet-full", ".bk-vneid-daily-open-bhyt")
    w.tap("bk-vneid-daily-back")
    # 2. the clinic: a screenshot first (the mistake), then the card opened in the app
    w.see(".bk-vneid-daily-go-clinic", "back home")
    w.tap("bk-vneid-daily-go-clinic")
    w.see(".bk-vneid-daily-clinic-show-qr", "the clinic's counter")
    w.screen("clinic", ".bk-vneid-daily-clinic-show-qr")
    w.tap("bk-vneid-daily-clinic-screenshot")
    w.see(".bk-msg-error", "the refusal: a screenshot")
    w.refusals += 1
    w.tap("bk-vneid-daily-go-wallet")
    w.see(".bk-vneid-daily-open-bhyt", "the wallet at the clinic")
    w.tap("bk-vneid-daily-open-bhyt")
    w.see(".bk-vneid-daily-paper-card", "the health card open")
    w.screen("health-card", ".bk-vneid-daily-paper-card")
    w.tap("bk-vneid-daily-clinic-show-qr")
    w.see(".bk-msg-info", "the card scanned")
    # 3. the newborn bundle among the procedures
    w.tap("bk-vneid-daily-back")
    w.see(".bk-vneid-daily-open-bhyt", "the wallet")
    w.tap("bk-vneid-daily-back")
    w.see(".bk-vneid-daily-go-procedures", "home again")
    w.tap("bk-vneid-daily-go-procedures")
    w.see(".bk-vneid-daily-procedure-newborn", "the procedures")
    w.screen("procedures", ".bk-vneid-daily-procedure-newborn")
    w.tap("bk-vneid-daily-procedure-newborn")
    w.see(".bk-vneid-daily-go-home", "the newborn bundle")
    w.screen("newborn", ".bk-vneid-daily-go-home")
    w.unfold("bk-vneid-daily-tasks")
    w.screen("all-done", ".bk-vneid-daily-tasks")


def test_vneid_daily_fits_in_four_looks_and_takes_at_most_15_minutes(
        server: DemoServer, residents: dict[str, DemoLearner], phone: Any) -> None:
    w = Walk(phone, server, "vneid_daily", residents[LEARNER])
    walk_vneid_daily(w)
    minutes = w.minutes()
    print(f"vneid_daily: {len(w.screens)} screens, {w.taps} taps, {w.chars} characters, "
          f"{w.refusals} refusal(s): about {minutes:.1f} min at a first-timer's pace "
          f"({PACE.screen:g} s a screen)")
    w.report()
    assert minutes <= LIMIT, f"about {minutes:.1f} min: more than {LIMIT}"
