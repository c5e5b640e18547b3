"""Lesson 8's app driven headless in vi, en and the pseudo-locale: every drill by clicks."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pytest

from bakhong.simulators import bank, evidence, scams
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.scams import Step
from bakhong.widgets.course import course_screen
from bakhong.widgets.i18n import translator
from bakhong.widgets.phone import walk
from bakhong.widgets.scams_app import STEP_HELP, ScamsAppHandles, scams_app, scams_factory
from bakhong.widgets.scams_screens import BIOMETRIC_LINK, DRILL_KEYS, SCREENS

ALL = set(scams.TASKS)
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụ"
                        r"ừứửữựỳýỷỹỵ]", re.I)


NUMBERS = re.compile(r"[\d.,:/+•%-]+")


def texts_of(root: Any) -> list[str]:
    """Everything a learner can read or hear: button text and tooltips, HTML text, alts."""
    found: list[str] = []
    for widget in walk(root):
        layout = getattr(widget, "layout", None)
        if layout is not None and layout.display == "none":
            continue
        if isinstance(widget, w.Button):
            found += [widget.description, widget.tooltip or ""]
        elif isinstance(widget, w.HTML):
            markup = re.sub(r"<style.*?</style>", "", widget.value, flags=re.S)
            found += [html.unescape(a) for a in re.findall(r'(?:alt|aria-label)="([^"]*)"',
                                                           markup)]
            found.append(html.unescape(re.sub(r"<[^>]+>", " ", markup)))
    return [" ".join(t.split()) for t in found if t and t.strip()]


def unwrapped(text: str, data: list[str]) -> str:
    """What is left of ``text`` outside the pseudo-locale's ⟦…⟧ and the data shown as is."""
    while True:
        inner = re.sub(r"⟦[^⟦⟧]*⟧", " ", text)
        if inner == text:
            break
        text = inner
    for value in data:
        text = text.replace(value, " ")
    text = NUMBERS.sub(" ", text)
    return text if re.search(r"[^\W\d_]", text) else ""


def tap(app: ScamsAppHandles, name: str) -> None:
    app.controls[name].click()


def data_of(app: ScamsAppHandles) -> list[str]:
    """What the scenes show as is (names, codes, amounts, the SMS text), longest first."""
    scenario = app.sim.status().scenario
    values = [app.sim.persona.full_name, scams.zalo_sms(scenario["zalo_code"]),
              scenario["zalo_code"], scams.CALLER_NUMBER, scams.FRIEND, scams.GRANDSON,
              scams.ZALO_SENDER, BIOMETRIC_LINK, bank.money(scenario["hospital_amount"]),
              bank.money(scenario["lost_amount"]), "OTP", "156", "5656", "113", "✓", "○", "·"]
    return sorted(values, key=len, reverse=True)


def do_the_lesson(app: ScamsAppHandles, seen: Callable[[str], None] = lambda _: None) -> None:
    """Every drill, with its mistakes first, then right."""
    def go(name: str) -> None:
        tap(app, name)
        seen(name)

    seen("home")
    go("start-zalo")
    go("send-code")
    assert app.message.kind == "error"
    go("retry")
    go("ask-chat")
    go("retry")
    go("call-friend")
    go("home")
    go("start-hospital")
    go("send-hospital")
    go("retry")
    go("call-family")
    go("home")
    go("start-police")
    go("send-safe")
    go("retry")
    go("keep-secret")
    go("retry")
    go("refuse-report")
    go("home")
    go("start-biometric")
    go("open-link")
    go("retry")
    go("refuse-bank")
    go("home")
    go("start-after")
    go("report-156")
    go("retry")
    go("wait")
    go("retry")
    go("recovery")
    go("retry")
    go("lock-app")
    go("report-police")
    go("home")


@pytest.fixture
def app(box: Sandbox) -> ScamsAppHandles:
    return scams_app(box.scams("hv001"), translator("vi"))


def done(box: Sandbox) -> set[str]:
    return scams.completed_tasks(evidence.learner_events(box.store, "hv001", scams.LESSON))


def test_the_whole_lesson_by_clicks(box: Sandbox, app: ScamsAppHandles) -> None:
    steps: set[str] = set()
    do_the_lesson(app, lambda _name: steps.add(app.sim.status().step.value))
    assert done(box) == ALL
    assert steps == {s.value for s in Step}
    for drill in scams.DRILLS:
        assert app.controls[f"start-{DRILL_KEYS[drill.task]}"].description.startswith("✓")
    codes = {e.outcome for e in evidence.learner_events(box.store, "hv001", scams.LESSON)}
    assert {"scams.sent_zalo_code", "scams.asked_in_chat", "scams.sent_hospital_money",
            "scams.sent_safe_account", "scams.kept_secret", "scams.opened_biometric_link",
            "scams.reported_before_locking", "scams.waited", "scams.called_recovery"} <= codes


def test_a_mistake_explains_what_would_happen(app: ScamsAppHandles) -> None:
    tap(app, "start-zalo")
    code = app.sim.status().scenario["zalo_code"]
    assert code in app.controls["zalo-sms"].value and code in app.controls["send-code"].description
    tap(app, "send-code")
    assert app.message.kind == "error" and "Mã 6 số" in app.message.text
    explanation = app.controls["explanation"].value
    assert "bk-wrong" in explanation and "Nếu đây là thật" in explanation
    tap(app, "home")
    assert app.controls["start-zalo"].description.startswith("○")


def test_after_scam_lock_buttons_go_once_locked(app: ScamsAppHandles) -> None:
    tap(app, "start-after")
    assert "lock-hotline" in app.controls
    tap(app, "lock-hotline")
    assert "lock-app" not in app.controls and "lock-hotline" not in app.controls
    assert app.message.kind != "error"
    tap(app, "report-156")
    assert "bk-right" in app.controls["explanation"].value


def test_nothing_is_a_link(app: ScamsAppHandles) -> None:
    seen: list[str] = []
    do_the_lesson(app, lambda _n: seen.extend(
        x.value for x in walk(app.root) if isinstance(x, w.HTML)))
    assert seen and not any("<a " in markup or "href=" in markup for markup in seen)


def test_every_step_has_help() -> None:
    assert set(STEP_HELP) == {s.value for s in Step} == {s.value for s in SCREENS}
    for help_ in STEP_HELP.values():
        assert help_.instruction and help_.hint


def test_the_pseudo_locale_wraps_every_string(box: Sandbox) -> None:
    app = scams_app(box.scams("hv001"), translator("pseudo"))
    leftovers: dict[str, list[str]] = {}

    def seen(name: str) -> None:
        data = data_of(app)
        rest = [left for text in texts_of(app.root) if (left := unwrapped(text, data))]
        if rest:
            leftovers[name] = rest

    do_the_lesson(app, seen)
    assert not leftovers, leftovers
    assert done(box) == ALL


def test_english_shows_no_vietnamese(box: Sandbox) -> None:
    app = scams_app(box.scams("hv001"), translator("en"))
    leftovers: dict[str, list[str]] = {}

    def seen(name: str) -> None:
        data = data_of(app)
        found = []
        for text in texts_of(app.root):
            for value in data:
                text = text.replace(value, " ")
            if VIETNAMESE.search(text):
                found.append(text)
        if found:
            leftovers[name] = found

    do_the_lesson(app, seen)
    assert not leftovers, leftovers


def test_course_page_runs_the_scams_app(box: Sandbox) -> None:
    page = course_screen(LearnerDesk(box, "hv001"), scams_factory, lang="vi",
                         on_submit=lambda: None)
    assert page.app is not None and "start-zalo" in page.app.controls
