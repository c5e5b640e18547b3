"""Issue 16: every screen of every app at 360 px, in four looks, with nothing cut off.

A resident on a cheap 360x800 Android phone (device scale 2, touch) goes through each
lesson's screens by tapping, as in the classroom. On every screen the walk checks the
page in four looks: Vietnamese; Vietnamese with «Chữ to» and «Tương phản cao»; English
with both (the widest words in the largest type); English in the usual look. In each it
fails on any control or label whose text is cut («…»), clipped or wider than its box, a
dropdown whose chosen option does not fit, a placeholder cut in its field
(:data:`browser_support.TRUNCATED_JS`), and on a page that scrolls sideways.

Switching the language is done *on* every screen, so the walk also checks that a switch
keeps the learner where they are (the screen, and what they typed): a class that only
that screen shows must still be there after each switch.

Screenshots: ``test-artifacts/screenshots/walk-<lesson>-<nn>-<screen>-<look>.png`` (the
Vietnamese and the English large-text look of every screen, and any look with a problem).

Each walk also estimates the lesson's length for a first-timer over 55 (issue 20): the
resident's own path at :data:`PACE`, leaving out what the walk visits only to check its
screens (:meth:`Walk.aside`).

Run: ``.venv/bin/python -m pytest -q -m browser tests/test_browser_walk.py`` (about 20
minutes on two busy cores: six lessons, some 80 screens, four looks each).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from browser_support import (
    CHROMIUM,
    LONG,
    DemoLearner,
    DemoServer,
    choose,
    demo_server_fixture,
    messages,
    screenshot,
    truncated,
    wait_visible,
    width_problem,
)
from conftest import PASSCODE, PASSWORD, reach_level2

from bakhong.grading import workshop
from bakhong.grading.course import PRACTICE
from bakhong.simulators import learners, registry
from bakhong.simulators.store import sms_inbox
from bakhong.widgets.i18n import translator
from bakhong.widgets.lesson_text import lesson_plain

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

if not __import__("os").path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

PIN = "135790"
#: ms: the simulated officials take 30 s a step (three steps to wait for); a busy machine
#: is slower. Their steps arrive on the phone by themselves (the page's poller).
OFFICIALS = 240_000
ANSWERS = ("Trường Thọ Long", "Bánh chưng")
#: The four looks: (name, language, large text and high contrast on).
LOOKS = (("vi", "vi", False), ("vi-large-contrast", "vi", True),
         ("en-large-contrast", "en", True), ("en", "en", False))
#: Looks always photographed (the others only when they show a problem).
PHOTOGRAPHED = ("vi", "en-large-contrast")


server = demo_server_fixture("browser-walk")


# -- the walker --------------------------------------------------------------------------

@dataclass(frozen=True)
class Pace:
    """Seconds a first-time learner over 55 takes (a deliberately slow reading of the
    classroom: hunting each key on a phone keyboard, reading every screen twice)."""

    goal: float = 90  # reading (and listening to) a check's goal, its only instruction
    word: float = 1.0  # a word (a syllable) of a practice lesson's text, read or heard
    listen: float = 15  # finding «🔊 Nghe» and starting it
    screen: float = 25  # reading a new screen before acting
    tap: float = 4
    char: float = 2.0  # one character on the phone keyboard
    refusal: float = 45  # reading a refusal and working out what to do
    slips: int = 1  # refusals a first-timer meets at least, on a path that has none
    review: float = 60  # reading a check's review at the end


PACE = Pace()


@dataclass
class Walk:
    """One resident's walk through a lesson: taps, and the four-look check of each screen.

    It also counts what the resident does (screens read, taps, characters typed, refusals
    met: the walk adds those) for :meth:`minutes`, issue 20's estimate of a lesson's length.
    """

    page: Any
    server: DemoServer
    lesson: str
    learner: DemoLearner
    problems: list[str] = field(default_factory=list)
    screens: list[str] = field(default_factory=list)
    taps: int = 0
    chars: int = 0
    refusals: int = 0
    waited: float = 0  # seconds the lesson itself makes the resident wait (its officials)
    #: what the walk did :meth:`aside` (screens, taps, characters, refusals)
    off_path: Counter[str] = field(default_factory=Counter)

    def _tally(self) -> Counter[str]:
        return Counter(screens=len(self.screens), taps=self.taps, chars=self.chars,
                       refusals=self.refusals)

    @contextmanager
    def aside(self) -> Iterator[None]:
        """What the walk visits to check its screens but a resident need not: a deliberate
        mistake, the other way to the same goal, a screen no task asks for. It is checked
        in the four looks like the rest, and left out of :meth:`minutes`."""
        before = self._tally()
        try:
            yield
        finally:
            self.off_path.update(self._tally() - before)

    def reading(self) -> float:
        """Seconds to take in the instruction: a practice lesson's text at :data:`PACE`'s
        words (heard with «🔊 Nghe»); a check's goal, its only instruction, at ``goal``."""
        if self.lesson not in PRACTICE:
            return PACE.goal
        words = len(lesson_plain(self.lesson, translator("vi")).split())
        return PACE.listen + PACE.word * words

    def minutes(self, *, review: bool = False, whole: bool = False) -> float:
        """A resident's path through the lesson at :data:`PACE`, in minutes: the walk less
        what it did :meth:`aside` (``whole``: all of it), with at least ``PACE.slips``
        refusals and the lesson's own waits (``review``: a check's, read at the end)."""
        tally = self._tally() - (Counter() if whole else self.off_path)
        seconds = (self.reading() + PACE.screen * tally["screens"] + PACE.tap * tally["taps"]
                   + PACE.char * tally["chars"]
                   + PACE.refusal * max(tally["refusals"], PACE.slips)
                   + self.waited + (PACE.review if review else 0))
        return seconds / 60

    def estimate(self) -> str:
        """The line the walks print: the counts, a resident's path, and the whole walk."""
        tally = self._tally() - self.off_path
        return (f"{self.lesson}: a resident's path of {tally['screens']} screens, "
                f"{tally['taps']} taps, {tally['chars']} characters, {tally['refusals']} "
                f"refusal(s): about {self.minutes():.1f} min at a first-timer's pace "
                f"(the whole walk, {len(self.screens)} screens: "
                f"{self.minutes(whole=True):.1f} min)")

    # taps and typing
    def tap(self, cls: str, has_text: str | None = None) -> None:
        self.taps += 1
        locator = self.page.locator(f".{cls}", has_text=has_text) if has_text \
            else self.page.locator(f".{cls}")
        locator.first.click()

    def unfold(self, cls: str) -> None:
        """Open a folding panel (a tap on its header) unless it is open."""
        panel = self.page.locator(f".{cls}").first
        if not panel.locator(".jupyter-widget-Collapse-open").count():
            self.taps += 1
            panel.locator(".jupyter-widget-Collapse-header").first.click()

    def type(self, cls: str, value: str) -> None:
        self.chars += len(value)
        self.page.locator(f".{cls} input").first.fill(value)

    def choose(self, cls: str, index: int = 0, label: str | None = None) -> None:
        """Tap an option of the choice list ``cls``: the first holding ``label``, or the
        ``index``-th."""
        self.taps += 1
        buttons = self.page.locator(f".{cls}").first.locator(".widget-toggle-button")
        (buttons.filter(has_text=label).first if label else buttons.nth(index)).click()

    def see(self, selector: str, what: str, has_text: str | None = None,
            timeout: float = LONG) -> Any:
        return wait_visible(self.page, selector, f"{self.lesson}: {what}", has_text=has_text,
                            timeout=timeout)

    def sms_code(self, pattern: str = r"(\d{6})") -> str:
        """The code in the resident's newest SMS (read from the sandbox, as they read it)."""
        box = workshop.open_sandbox(self.server.workshop)
        try:
            rows = box.store.read(sa.select(sms_inbox.c.body).where(
                sms_inbox.c.learner_id == self.learner.learner_id)
                .order_by(sms_inbox.c.seq.desc()))
        finally:
            box.close()
        for (body,) in rows:
            found = re.search(pattern, body)
            if found:
                return found.group(1)
        raise AssertionError(f"no code in the SMS of {self.learner.learner_id}")

    # the four looks
    def _look(self, name: str, lang: str, big: bool) -> None:
        page = self.page
        if page.locator(f".bk-phone.bk-lang-{lang}").count() == 0:
            self.tap(f"bk-common-lang-{lang}")
            page.locator(f".bk-phone.bk-lang-{lang}").first.wait_for()
        for cls, page_cls in (("bk-common-large-text", "bk-large-text"),
                              ("bk-common-contrast", "bk-high-contrast")):
            on = page.locator(f".bk-phone.{page_cls}").count() > 0
            if on != big:
                self.tap(cls)
                selector = f".bk-phone.{page_cls}" if big else f".bk-phone:not(.{page_cls})"
                page.locator(selector).first.wait_for(state="attached")

    def screen(self, name: str, here: str) -> None:
        """Check the screen on show in the four looks; ``here`` is a selector only this
        screen shows (it must survive every language switch). The looks' switches are the
        test's taps, not the resident's."""
        taps = self.taps
        try:
            self._four_looks(name, here)
        finally:
            self.taps = taps

    def _four_looks(self, name: str, here: str) -> None:
        number = len(self.screens) + 1
        self.screens.append(name)
        shot = f"walk-{self.lesson}"
        self.see(here, f"the screen {name!r}")
        for look, lang, big in LOOKS:
            self._look(look, lang, big)
            try:
                self.page.locator(here).first.wait_for(state="visible", timeout=20_000)
            except Exception:
                self.problems.append(f"{name} [{look}]: the screen was lost switching the "
                                     f"look ({here} gone); messages: {messages(self.page)}")
                screenshot(self.page, shot, f"{number:02d}-{name}-{look}-lost")
                continue
            self.page.wait_for_timeout(250)  # fonts and pictures settle
            found = [f"{name} [{look}]: {problem}" for problem in truncated(self.page)]
            wide = width_problem(self.page)
            if wide:
                found.append(f"{name} [{look}]: {wide}")
            self.problems += found
            if look in PHOTOGRAPHED or found:
                screenshot(self.page, shot, f"{number:02d}-{name}-{look}")
        self._look("vi", "vi", False)
        self.page.locator(here).first.wait_for(state="visible")

    def open(self) -> None:
        self.page.goto(self.server.lesson_url(self.learner.code, lesson=self.lesson),
                       wait_until="domcontentloaded")
        self.see(".bk-phone .bk-common-lang-vi", "the course page")

    def consent(self) -> None:
        self.see(".bk-common-consent-accept", "the consent screen")
        self.screen("consent", ".bk-common-consent-accept")
        self.tap("bk-common-consent-accept")

    def report(self) -> None:
        assert len(self.screens) >= 5, self.screens
        assert not self.problems, (f"{len(self.problems)} problem(s) on {len(self.screens)} "
                                   "screens:\n" + "\n".join(self.problems))


def consent_and_level2(server: DemoServer, learner_id: str) -> None:
    """Lesson 1 done through the simulator: consent, and the VNeID account at level 2."""
    box = workshop.open_sandbox(server.workshop)
    try:
        learners.record_consent(box.store, box.clock, learner_id)
        reach_level2(box.vneid(learner_id), registry.persona_of_learner(box.store, learner_id))
    finally:
        box.close()


# -- the lessons -------------------------------------------------------------------------

def walk_vneid(w: Walk) -> None:
    le = w.learner
    w.open()
    w.consent()
    w.see(".bk-vneid-go-register", "the intro")
    w.screen("intro", ".bk-vneid-go-register")
    with w.aside():
        w.unfold("bk-vneid-police-panel")  # the folded police office, under the message
        w.screen("intro-police", ".bk-vneid-visit-police")
    w.tap("bk-vneid-go-register")
    w.screen("register", ".bk-vneid-register")
    with w.aside():
        w.tap("bk-vneid-register")  # nothing typed: a refusal in the message area
        w.see(".bk-msg-error", "the refusal")
        w.refusals += 1
        w.screen("register-error", ".bk-vneid-register")
    w.type("bk-vneid-id-number", le.id_number)
    w.type("bk-vneid-phone", le.phone)
    w.tap("bk-vneid-face")
    w.see(".bk-vneid-face.mod-active", "the face toggle")
    w.tap("bk-vneid-register")
    w.see(".bk-vneid-go-activate.bk-primary", "the intro, approved")
    w.screen("intro-approved", ".bk-vneid-go-activate.bk-primary")
    w.tap("bk-vneid-go-activate")
    w.screen("activate", ".bk-vneid-send-request")
    w.type("bk-vneid-id-number", le.id_number)
    w.type("bk-vneid-phone", le.phone)
    w.tap("bk-vneid-send-request")
    w.screen("otp", ".bk-vneid-submit-otp")
    w.type("bk-vneid-otp", w.sms_code(r"Ma OTP cua ban la (\d{6})"))
    w.tap("bk-vneid-submit-otp")
    w.screen("password", ".bk-vneid-save-password")
    w.type("bk-vneid-password", PASSWORD)
    w.type("bk-vneid-password-again", PASSWORD)
    w.tap("bk-vneid-save-password")
    w.screen("passcode", ".bk-vneid-save-passcode")
    w.type("bk-vneid-new-passcode", PASSCODE)
    w.type("bk-vneid-new-passcode-again", PASSCODE)
    w.tap("bk-vneid-save-passcode")
    w.screen("security", ".bk-vneid-save-questions")
    w.type("bk-vneid-answer-1", ANSWERS[0])
    w.type("bk-vneid-answer-2", ANSWERS[1])
    w.tap("bk-vneid-save-questions")
    w.screen("login", ".bk-vneid-login")
    w.type("bk-vneid-id-number", le.id_number)
    w.type("bk-vneid-login-password", PASSWORD)
    w.tap("bk-vneid-login")
    w.see(".bk-vneid-level", "home at level 1", has_text="Mức 1")
    w.screen("home-level-1", ".bk-vneid-visit-police")
    w.tap("bk-vneid-visit-police")
    w.see(".bk-vneid-login", "the login after the police office")
    w.type("bk-vneid-id-number", le.id_number)
    w.type("bk-vneid-login-password", PASSWORD)
    w.tap("bk-vneid-login")
    w.screen("home-level-2", ".bk-vneid-open-card")
    with w.aside():  # a forgotten passcode, and a new one by OTP
        w.type("bk-vneid-passcode", "000000")
        w.tap("bk-vneid-open-card")
        w.see(".bk-msg-error", "a wrong passcode")
        w.refusals += 1
        w.screen("home-wrong-passcode", ".bk-vneid-open-card")
        w.tap("bk-vneid-forgot-passcode")
        w.see(".bk-vneid-submit-otp", "the OTP for a new passcode")
        w.type("bk-vneid-otp", w.sms_code(r"Ma OTP cua ban la (\d{6})"))
        w.tap("bk-vneid-submit-otp")
        w.screen("reset-passcode", ".bk-vneid-reset-passcode")
        w.type("bk-vneid-new-passcode", PASSCODE)
        w.type("bk-vneid-new-passcode-again", PASSCODE)
        w.tap("bk-vneid-reset-passcode")
        w.see(".bk-vneid-open-card", "home again")
    w.type("bk-vneid-passcode", PASSCODE)
    w.tap("bk-vneid-open-card")
    w.screen("home-card", ".bk-vneid-eid-card")
    with w.aside():
        w.unfold("bk-vneid-sms-inbox")
        w.screen("sms-inbox-open", ".bk-vneid-sms-inbox .bk-sms-new")


def pin_pad(w: Walk, prefix: str, pin: str) -> None:
    for digit in pin:
        w.tap(f"{prefix}-pin-{digit}")


def walk_payment(w: Walk) -> None:
    w.open()
    w.consent()
    w.screen("setup", ".bk-bank-save-pin")
    w.type("bk-bank-new-pin", PIN)
    w.type("bk-bank-new-pin-again", PIN)
    w.tap("bk-bank-save-pin")
    w.screen("home", ".bk-bank-go-scan")
    w.tap("bk-bank-go-scan")
    w.screen("scan", ".bk-bank-photo")
    w.tap("bk-bank-pick-stall")
    w.screen("confirm-static", ".bk-bank-amount")
    w.type("bk-bank-amount", "35000")
    w.tap("bk-bank-continue")
    w.screen("pin", ".bk-bank-pin-1")
    pin_pad(w, "bk-bank", PIN)
    w.tap("bk-bank-authorise")
    w.screen("receipt", ".bk-bank-receipt")
    w.tap("bk-bank-done")
    w.see(".bk-bank-go-scan", "home")
    w.tap("bk-bank-go-scan")
    w.tap("bk-bank-pick-fruit")
    w.screen("confirm-swapped", ".bk-bank-cancel")
    w.tap("bk-bank-cancel")
    w.see(".bk-msg-info", "the cancellation")
    # the electricity bill, then its receipt checked by its reference
    w.tap("bk-bank-go-scan")
    w.tap("bk-bank-pick-power")
    w.screen("confirm-bill", ".bk-bank-continue")
    w.tap("bk-bank-continue")
    w.see(".bk-bank-pin-1", "the PIN pad")
    pin_pad(w, "bk-bank", PIN)
    w.tap("bk-bank-authorise")
    w.see(".bk-bank-receipt", "the bill's receipt")
    box = workshop.open_sandbox(w.server.workshop)
    try:
        reference = box.bank(w.learner.learner_id).history()[0].reference
    finally:
        box.close()
    w.tap("bk-bank-done")
    w.tap("bk-bank-go-check")
    w.screen("check", ".bk-bank-check-reference")
    w.type("bk-bank-reference", reference)
    w.tap("bk-bank-check-reference")
    w.see(".bk-msg-info", "the receipt found")
    w.tap("bk-bank-back")
    with w.aside():
        w.tap("bk-bank-go-history")
        w.screen("history", ".bk-bank-history")
        w.tap("bk-bank-back")
        w.tap("bk-bank-go-transfer")
        w.screen("transfer", ".bk-bank-find-payee")
        w.tap("bk-bank-back")
        w.unfold("bk-bank-tasks")
        w.screen("home-tasks-open", ".bk-bank-tasks .bk-tasklist")
        # Smart OTP locked after five wrong PINs, then «Quên mã PIN»
        w.tap("bk-bank-go-scan")
        w.tap("bk-bank-pick-stall")
        w.type("bk-bank-amount", "20000")
        w.tap("bk-bank-continue")
        for left in (4, 3, 2, 1, 0):
            w.see(".bk-bank-pin-1", "the PIN pad")
            pin_pad(w, "bk-bank", "000000")
            w.tap("bk-bank-authorise")
            w.refusals += 1
            if left:  # as a resident does, the next try after the refusal: a tap on
                # «Xác nhận» while it is still disabled by the try before is not a tap
                w.see(".bk-msg", f"the refusal with {left} tries left",
                      has_text=f"còn {left} lần")
        w.screen("locked", ".bk-bank-forgot-pin")
        w.tap("bk-bank-forgot-pin")
        w.see(".bk-msg-info", "the reset code sent")
        w.screen("locked-code-sent", ".bk-bank-reset-pin")


def walk_portal(w: Walk) -> None:
    consent_and_level2(w.server, w.learner.learner_id)
    le = w.learner
    w.open()
    w.screen("login", ".bk-portal-login")
    w.type("bk-portal-id-number", le.id_number)
    w.type("bk-portal-password", PASSWORD)
    w.tap("bk-portal-login")
    w.screen("home", ".bk-portal-search")
    w.type("bk-portal-search", "khai sinh")
    w.tap("bk-portal-search-go")
    w.see(".bk-phone", "the search results", has_text="Kết quả tìm kiếm")
    w.screen("search", ".bk-portal-open-procedure")
    w.tap("bk-portal-open-procedure")
    w.screen("procedure", ".bk-portal-start")
    w.tap("bk-portal-start")
    w.screen("form-1", ".bk-portal-prefilled")
    with w.aside():
        w.tap("bk-portal-edit")  # «Sửa» opens a prefilled value
        w.screen("form-1-edit", ".bk-portal-field")
        w.tap("bk-portal-edit")  # «Giữ nguyên»: the registry's value again
        w.see(".bk-portal-edit", "the value kept", has_text="Sửa")
    w.tap("bk-portal-continue")
    w.see("h2.bk-title", "step 2", has_text="2/5")
    with w.aside():
        w.tap("bk-portal-continue")  # nothing typed: a red line under each field
        w.see(".bk-portal-field-error .bk-error-line", "the errors of step 2")
        w.refusals += 1
        w.screen("form-2-errors", ".bk-portal-field-error .bk-error-line")
    card = w.page.locator(".bk-portal-persona-card").inner_text()

    def card_value(label: str) -> str:
        found = re.search(rf"{re.escape(label)}:\s*(.+)", card)
        assert found, card
        return found.group(1).strip()

    def fill(label: str, value: str) -> None:
        w.chars += len(value)
        w.page.get_by_label(label).fill(value)

    def pick(label: str, *args: Any, **kwargs: Any) -> None:
        w.taps += 2  # open the list, tap the option
        choose(w.page, label, *args, **kwargs)
    fill("Họ, chữ đệm và tên của trẻ", card_value("Họ, chữ đệm và tên của trẻ"))
    fill("Ngày, tháng, năm sinh", card_value("Ngày, tháng, năm sinh"))
    pick("Giới tính", card_value("Giới tính"))
    fill("Nơi sinh", card_value("Nơi sinh"))
    pick("Quan hệ của người nộp với trẻ", card_value("Bạn là").split()[0])
    w.tap("bk-portal-continue")
    for step in (3, 4):
        w.see("h2.bk-title", f"step {step}", has_text=f"{step}/5")
        w.screen(f"form-{step}", ".bk-portal-continue")
        w.tap("bk-portal-continue")
    w.see("h2.bk-title", "step 5", has_text="5/5")
    pick("Nơi đăng ký khám chữa bệnh ban đầu", index=0)
    fill("Số bản sao Trích lục khai sinh", "1")
    w.screen("form-5", ".bk-portal-field")
    w.tap("bk-portal-continue")
    w.see(".bk-portal-submit", "the review")
    w.screen("review", ".bk-portal-submit")
    pick("Chọn giấy tờ trong Kho dữ liệu cá nhân", index=0)
    w.tap("bk-portal-attach")
    w.see(".bk-portal-attached img", "the attached paper")
    w.screen("review-attached", ".bk-portal-attached img")
    w.tap("bk-common-zoom")  # «Phóng to»: the photo twice as large, in its own frame
    w.screen("review-zoomed", ".bk-portal-attached.bk-zoomed img")
    w.tap("bk-portal-submit")
    w.screen("dossier-filed", ".bk-portal-pay")


def walk_portal_result(w: Walk) -> None:
    """Lesson 3b, after lesson 3's walk (the same resident): the dossier she filed, its fee,
    the officials' request for another paper, and the result."""
    w.open()
    if w.page.locator(".bk-portal-login").count():  # the portal's session ended: log in
        w.screen("login", ".bk-portal-login")
        w.type("bk-portal-id-number", w.learner.id_number)
        w.type("bk-portal-password", PASSWORD)
        w.tap("bk-portal-login")
    if not w.page.locator(".bk-portal-pay").count():  # on the home screen: «Hồ sơ của tôi»
        w.screen("home", ".bk-portal-go-dossiers")
        w.tap("bk-portal-go-dossiers")
        w.screen("my-dossiers", ".bk-portal-open-dossier")
        w.tap("bk-portal-open-dossier")
    w.screen("dossier-filed", ".bk-portal-pay")

    def pick(label: str, *args: Any, **kwargs: Any) -> None:
        w.taps += 2  # open the list, tap the option
        choose(w.page, label, *args, **kwargs)
    w.tap("bk-portal-pay")
    w.screen("payment", ".bk-portal-open-bank")
    w.tap("bk-portal-open-bank")
    w.screen("bank-setup", ".bk-bank-save-pin")
    w.type("bk-bank-new-pin", PIN)
    w.type("bk-bank-new-pin-again", PIN)
    w.tap("bk-bank-save-pin")
    w.see(".bk-portal-scan-qr", "the fee's code in the hand-off bar")
    w.screen("bank-home", ".bk-portal-scan-qr")
    w.tap("bk-portal-scan-qr")
    w.screen("bank-confirm", ".bk-bank-continue")
    w.tap("bk-bank-continue")
    w.screen("bank-pin", ".bk-bank-pin-1")
    pin_pad(w, "bk-bank", PIN)
    w.tap("bk-bank-authorise")
    w.screen("bank-receipt", ".bk-bank-receipt")
    w.tap("bk-portal-back-to-portal")
    w.see(".bk-portal-fee-box", "the dossier, paid", has_text="Đã thanh toán")
    w.screen("dossier-paid", ".bk-portal-timeline")
    # the simulated officials: their steps come by themselves (30 s each, poller); the
    # resident waits for them as the walk does
    started = time.monotonic()
    w.see(".bk-portal-supplement", "the supplement request, without «Làm mới»",
          timeout=OFFICIALS)
    w.waited += time.monotonic() - started
    w.screen("dossier-supplement", ".bk-portal-send-supplement")
    pick("Chọn giấy tờ trong Kho dữ liệu cá nhân", "bản điện tử của cơ sở y tế")
    w.tap("bk-portal-send-supplement")
    started = time.monotonic()
    w.see(".bk-portal-status", "the result, without «Làm mới»", has_text="Đã trả kết quả",
          timeout=OFFICIALS)
    w.waited += time.monotonic() - started
    w.screen("dossier-result", ".bk-portal-download-doc")
    w.tap("bk-portal-view-doc")
    w.see(".bk-portal-doc-pages img", "the result's pages")
    w.screen("dossier-result-view", ".bk-portal-doc-pages img")
    w.tap("bk-portal-download-doc")
    w.screen("dossier-saved", ".bk-portal-save-link")
    with w.aside():
        w.tap("bk-portal-back", has_text="Hồ sơ của tôi")
        w.screen("my-dossiers", ".bk-portal-open-dossier")
        w.tap("bk-portal-back")
        w.see(".bk-portal-go-store", "home")
        w.tap("bk-portal-go-store")
        w.screen("store", ".bk-portal-document")


def enrol_signing(w: Walk, *, dropped: bool = True) -> None:
    """The signing app's enrolment, from its intro to the home screen with the certificate
    (PIN :data:`PIN`); ``dropped``: the practice's lost connection after the contract, and
    the pending request resumed."""
    le = w.learner
    w.screen("intro", ".bk-sign-begin")
    w.tap("bk-sign-begin")
    w.screen("identity", ".bk-sign-link-vneid")
    w.type("bk-sign-id-number", le.id_number)
    w.type("bk-sign-password", PASSWORD)
    w.tap("bk-sign-link-vneid")
    w.screen("identity-found", ".bk-sign-confirm-identity")
    w.tap("bk-sign-confirm-identity")
    w.screen("ekyc", ".bk-sign-submit-ekyc")
    for name in ("card-front", "card-back", "face"):
        w.tap(f"bk-sign-{name}")
    w.screen("ekyc-done", ".bk-sign-face.mod-active")
    w.tap("bk-sign-submit-ekyc")
    w.screen("contract", ".bk-sign-submit-contract")
    w.page.locator(".bk-sign-agree input").check()
    w.tap("bk-sign-submit-contract")
    if dropped:  # the lesson's dropped connection
        w.screen("pending", ".bk-sign-resume")
        w.tap("bk-sign-resume")
    w.screen("pin", ".bk-sign-finish")
    w.type("bk-sign-new-pin", PIN)
    w.type("bk-sign-new-pin-again", PIN)
    w.tap("bk-sign-finish")
    w.screen("home", ".bk-sign-go-sign")


def walk_signing(w: Walk) -> None:
    consent_and_level2(w.server, w.learner.learner_id)
    w.open()
    enrol_signing(w)
    w.tap("bk-sign-go-sign")
    w.screen("sign", ".bk-sign-sign")
    w.choose("bk-sign-sign-doc", label="CT01")
    w.tap("bk-sign-sign")
    w.screen("waiting", ".bk-sign-pin-1")
    w.unfold("bk-sign-preview")
    w.screen("waiting-preview", ".bk-sign-preview .bk-page")
    w.tap("bk-common-zoom")
    w.screen("waiting-preview-zoomed", ".bk-sign-preview .bk-zoomed .bk-page")
    pin_pad(w, "bk-sign", PIN)
    w.tap("bk-sign-confirm")
    w.screen("signed", ".bk-sign-download")
    w.tap("bk-sign-back")
    w.tap("bk-sign-go-verify")
    w.screen("verify", ".bk-sign-verify")
    for document, name in (("Thông báo", "valid"), ("Hợp đồng", "modified")):
        w.choose("bk-sign-verify-doc", label=document)
        w.tap("bk-sign-verify")
        w.see(".bk-sign-verdicts", "the verdict")
        w.screen(f"verify-{name}", ".bk-sign-verdicts")
    w.tap("bk-sign-trust")
    w.see(".bk-msg-info", "the judgment noted")
    w.screen("verify-judged", ".bk-sign-verdicts")
    w.tap("bk-sign-back")
    w.tap("bk-sign-go-waiting")
    w.screen("waiting-none", ".bk-sign-back")


def walk_first_steps(w: Walk) -> None:
    def home() -> None:  # a finished part goes back to the home screen by itself
        if w.page.locator(".bk-start-home").count():
            w.tap("bk-start-home")
        w.see(".bk-start-progress", "the home screen")

    w.open()
    w.consent()
    w.screen("home", ".bk-start-open-tap")
    w.tap("bk-start-open-tap")
    w.screen("tap", ".bk-start-tap-green")
    for _ in range(3):
        box = workshop.open_sandbox(w.server.workshop)
        try:
            key = box.first_steps(w.learner.learner_id).status().tap_next
        finally:
            box.close()
        w.tap(f"bk-start-tap-{key}")
        w.page.wait_for_timeout(400)
    w.see(".bk-msg-info", "the three taps done")
    home()
    w.tap("bk-start-open-type")
    w.screen("type", ".bk-start-check-typed")
    phrase = w.page.locator(".bk-start-phrase").inner_text().strip()
    w.type("bk-start-typed", phrase)
    w.tap("bk-start-check-typed")
    w.see(".bk-msg-info", "the phrase typed right")
    home()
    w.tap("bk-start-open-sms")
    w.screen("sms", ".bk-start-check-sms")
    w.type("bk-start-sms-code", w.sms_code())
    w.tap("bk-start-check-sms")
    w.see(".bk-msg-info", "the code typed right")
    home()
    w.tap("bk-start-open-store")
    w.screen("store-pick", ".bk-start-pick-android")
    # the iPhone's way to the new password, then «Đổi loại điện thoại» and Android's to the
    # end: a resident takes the way of their own phone
    with w.aside():
        w.tap("bk-start-pick-iphone")
        w.screen("store-app-iphone", ".bk-start-install")
        w.tap("bk-start-install")
        w.screen("apple-sign-in", ".bk-start-forgot")
        w.tap("bk-start-forgot")
        w.screen("apple-iforgot", ".bk-start-apple-continue")
        w.tap("bk-start-apple-continue")
        w.screen("apple-phone", ".bk-start-confirm-phone")
        w.type("bk-start-phone", w.learner.phone)
        w.tap("bk-start-confirm-phone")
        w.screen("apple-code", ".bk-start-check-code")
        w.type("bk-start-recovery-code", w.sms_code(r"là: (\d{6})"))
        w.tap("bk-start-check-code")
        w.screen("apple-new-password", ".bk-start-save-password")
        w.tap("bk-start-change-phone")
        w.see(".bk-start-pick-android", "the choice of phone again")
    w.tap("bk-start-pick-android")
    w.screen("store-app", ".bk-start-install")
    w.tap("bk-start-install")
    w.screen("google-sign-in", ".bk-start-forgot")
    w.tap("bk-start-forgot")
    w.screen("google-last-password", ".bk-start-try-another")
    w.tap("bk-start-try-another")
    w.screen("google-send-code", ".bk-start-send-code")
    w.tap("bk-start-send-code")
    w.screen("google-code", ".bk-start-check-code")
    w.type("bk-start-recovery-code", w.sms_code(r"G-(\d{6})"))
    w.tap("bk-start-check-code")
    w.screen("google-new-password", ".bk-start-save-password")
    w.type("bk-start-new-password", "Lua-Mua-2026")
    w.type("bk-start-new-password-again", "Lua-Mua-2026")
    w.tap("bk-start-save-password")
    w.see(".bk-start-install", "the store again")
    w.tap("bk-start-install")
    w.screen("installed", ".bk-start-installed")
    home()
    w.tap("bk-start-open-privacy")
    right = ("bk-start-answer-name", "bk-start-answer-progress", "bk-start-answer-made-up",
             "bk-start-answer-never", "bk-start-answer-trainer")
    for number in range(1, 6):
        w.see(".bk-start-question", f"question {number}", has_text=f"{number}/5")
        w.screen(f"privacy-{number}", f".bk-start-question:has-text('{number}/5')")
        answer = next(cls for cls in right if w.page.locator(f".{cls}").count())
        w.tap(answer)
        w.page.wait_for_timeout(500)
    home()
    w.screen("home-done", ".bk-start-progress")


def walk_safety(w: Walk) -> None:
    w.open()
    w.consent()
    w.screen("home", ".bk-safe-start-police")
    w.tap("bk-safe-start-police")
    w.screen("call-ringing", ".bk-safe-answer")
    w.tap("bk-safe-answer")
    w.screen("call-talk", ".bk-safe-read-otp")
    w.tap("bk-safe-read-otp")  # the mistake, to see its explanation
    w.refusals += 1
    w.screen("outcome-wrong", ".bk-safe-retry")
    w.tap("bk-safe-retry")
    w.tap("bk-safe-answer")
    w.tap("bk-safe-refuse-report")
    w.screen("outcome-right", ".bk-safe-explanation")
    w.tap("bk-safe-home")
    w.tap("bk-safe-start-sms")
    w.screen("sms-inbox", ".bk-safe-open-link")
    w.tap("bk-safe-open-link")
    w.screen("apk", ".bk-safe-cancel-apk")
    w.tap("bk-safe-cancel-apk")
    w.tap("bk-safe-report-sms")
    w.screen("sms-report", ".bk-safe-send-report")
    w.tap("bk-safe-send-report")
    w.see(".bk-safe-delete-sms", "the inbox after the report")
    w.tap("bk-safe-delete-sms")
    w.see(".bk-safe-explanation", "the SMS drill's outcome")
    w.tap("bk-safe-home")
    w.tap("bk-safe-start-qr")
    w.screen("shop", ".bk-safe-scan")
    w.tap("bk-safe-scan")
    w.screen("qr-confirm", ".bk-safe-refuse-qr")
    w.tap("bk-safe-refuse-qr")
    w.see(".bk-safe-explanation", "the QR drill's outcome")
    w.tap("bk-safe-home")
    w.tap("bk-safe-start-portal")
    w.screen("browser", ".bk-safe-link-1")
    box = workshop.open_sandbox(w.server.workshop)
    try:
        portals = box.safety(w.learner.learner_id).status().portals()
    finally:
        box.close()
    fake = next(n for n, address in enumerate(portals, start=1) if not address.real)
    w.tap(f"bk-safe-link-{fake}")
    w.screen("fake-login", ".bk-safe-leave")
    w.tap("bk-safe-leave")
    w.see(".bk-safe-explanation", "the portal drill's outcome")
    w.tap("bk-safe-home")
    w.tap("bk-safe-start-refund")
    w.screen("refund-chat", ".bk-safe-check-official")
    w.tap("bk-safe-check-official")
    w.see(".bk-safe-explanation", "the refund drill's outcome")
    w.tap("bk-safe-home")
    w.screen("home-done", ".bk-safe-start-refund")


WALKS: dict[str, tuple[str, Callable[[Walk], None]]] = {
    "vneid": ("hv001", walk_vneid), "payment": ("hv002", walk_payment),
    "portal": ("hv003", walk_portal), "signing": ("hv004", walk_signing),
    "first_steps": ("hv005", walk_first_steps), "safety": ("hv006", walk_safety),
}
#: Lessons walked on by the same resident after the walk of another (lesson 3b after 3).
WALKED_ON: dict[str, tuple[str, Callable[[Walk], None]]] = {
    "portal": ("portal_result", walk_portal_result)}


#: Lessons whose resident's path is still over 15 minutes at :data:`PACE` (issue 20): none
#: since filing online (about 20 min) became lessons 3 and 3b.
LONGER_THAN_A_SITTING: frozenset[str] = frozenset()


@pytest.mark.parametrize("lesson", list(WALKS))
def test_every_screen_fits_in_four_looks_and_keeps_its_place(
        server: DemoServer, residents: dict[str, DemoLearner], phone: Any,
        lesson: str) -> None:
    learner_id, walk = WALKS[lesson]
    walks = [(lesson, walk), *([WALKED_ON[lesson]] if lesson in WALKED_ON else [])]
    for name, walk in walks:
        w = Walk(phone, server, name, residents[learner_id])
        walk(w)
        # issue 20: a lesson a first-timer over 55 finishes in one sitting (15 min): the
        # resident's path, at the walk's slow pace
        print(w.estimate())
        w.report()
        if name in LONGER_THAN_A_SITTING:
            assert w.minutes() > 15, f"{w.estimate()}: take it out of LONGER_THAN_A_SITTING"
        else:
            assert w.minutes() <= 15, w.estimate()
