"""Lesson 0's practice phone driven headless: every part clicked through, in every language."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pytest

from bakhong.simulators import first_steps as fs
from bakhong.simulators.clock import FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.first_steps import Step
from bakhong.simulators.sandbox import Sandbox
from bakhong.widgets.course import course_screen
from bakhong.widgets.first_steps_app import (
    STEP_HELP,
    FirstStepsAppHandles,
    FirstStepsView,
    first_steps_app,
    first_steps_factory,
)
from bakhong.widgets.i18n import translator
from bakhong.widgets.phone import walk

NEW_GOOGLE = "Lua-Mua-2026"
NEW_APPLE = "LuaMua2026"


def tap(app: FirstStepsAppHandles, name: str) -> None:
    app.controls[name].click()


def step(app: FirstStepsAppHandles) -> Step:
    return app.sim.status().step


def last_code(app: FirstStepsAppHandles) -> str:
    found = re.search(r"(\d{6})", app.sim.inbox()[-1][1])
    assert found, app.sim.inbox()
    return found.group(1)


Seen = Callable[[str], None]


def _nothing(label: str) -> None:
    return None


def do_tap(app: FirstStepsAppHandles, seen: Seen = _nothing) -> None:
    tap(app, "open-tap")
    for target in fs.TAP_TARGETS:
        seen(f"tap {target.key}")
        tap(app, f"tap-{target.key}")
        assert app.message.kind == "info", app.message.text
    assert step(app) is Step.HOME


def do_type(app: FirstStepsAppHandles, seen: Seen = _nothing) -> None:
    tap(app, "open-type")
    seen("type")
    app.controls["typed"].value = unicodedata.normalize("NFD", app.sim.phrase) + "  "
    tap(app, "check-typed")
    assert app.message.kind == "info", app.message.text


def do_sms(app: FirstStepsAppHandles, seen: Seen = _nothing) -> None:
    tap(app, "open-sms")
    seen("sms")
    assert app.controls["sms-inbox"].selected_index == 0  # the new SMS opened the inbox
    app.controls["sms-code"].value = last_code(app)
    tap(app, "check-sms")
    assert app.message.kind == "info", app.message.text


def do_store(app: FirstStepsAppHandles, kind: str, seen: Seen = _nothing) -> None:
    tap(app, "open-store")
    seen("store pick")
    tap(app, f"pick-{kind}")
    seen("store app")
    tap(app, "install")
    seen("sign in")
    app.controls["password"].value = "toi-quen-roi"
    tap(app, "sign-in")
    assert app.message.kind == "error"
    tap(app, "forgot")
    if kind == fs.ANDROID:
        seen("google last password")
        tap(app, "try-another")
        seen("google send code")
        tap(app, "send-code")
        seen("google code")
        app.controls["recovery-code"].value = "G-" + last_code(app)
        new = NEW_GOOGLE
    else:
        seen("apple iforgot")
        tap(app, "apple-continue")
        seen("apple phone")
        app.controls["phone"].value = app.sim.persona.phone
        tap(app, "confirm-phone")
        seen("apple code")
        app.controls["recovery-code"].value = last_code(app)
        new = NEW_APPLE
    tap(app, "check-code")
    seen("new password")
    app.controls["new-password"].value = app.controls["new-password-again"].value = new
    tap(app, "save-password")
    assert step(app) is Step.STORE_APP, app.message.text
    tap(app, "install")
    assert step(app) is Step.INSTALLED, app.message.text
    seen("installed")
    tap(app, "home")


def do_privacy(app: FirstStepsAppHandles, seen: Seen = _nothing, *, one_wrong: bool = True
               ) -> None:
    tap(app, "open-privacy")
    for question in fs.QUESTIONS:
        seen(f"privacy {question.key}")
        if one_wrong:
            wrong = next(key for key, _label in question.options if key != question.right)
            tap(app, f"answer-{wrong.replace('_', '-')}")
            assert app.message.kind == "error"
        tap(app, f"answer-{question.right.replace('_', '-')}")
        assert app.message.kind == "info", app.message.text
    assert step(app) is Step.HOME


def do_the_lesson(app: FirstStepsAppHandles, kind: str = fs.ANDROID,
                  seen: Seen = _nothing) -> None:
    seen("home")
    do_tap(app, seen)
    do_type(app, seen)
    do_sms(app, seen)
    do_store(app, kind, seen)
    do_privacy(app, seen)
    seen("home, done")


@pytest.fixture
def app(box: Sandbox) -> FirstStepsAppHandles:
    return first_steps_app(box.first_steps("hv001"), translator("vi"))


@pytest.mark.parametrize("kind", [fs.ANDROID, fs.IPHONE])
def test_the_whole_lesson_ticks_every_part(box: Sandbox, kind: str) -> None:
    app = first_steps_app(box.first_steps("hv001"), translator("vi"))
    do_the_lesson(app, kind)
    assert app.sim.status().done == set(fs.TASKS)
    assert app.controls["progress"].value.count("5/5") == 1
    assert all(app.controls[f"open-{part}"].description.startswith("✅") for part in fs.PARTS)


def test_a_wrong_tap_says_which_button(app: FirstStepsAppHandles) -> None:
    tap(app, "open-tap")
    tap(app, "tap-orange")
    assert app.message.kind == "error"
    assert "màu xanh lá" in app.message.text
    assert "Bước 1/3" in app.controls["tap-instruction"].value


def test_a_refused_phrase_keeps_what_was_typed(app: FirstStepsAppHandles) -> None:
    tap(app, "open-type")
    app.controls["typed"].value = "Xax Thoj Long"
    tap(app, "check-typed")
    assert app.message.kind == "error" and "Telex" in app.message.text
    assert app.controls["typed"].value == "Xax Thoj Long"
    app.controls["typed"].value = "xã thọ long"
    tap(app, "check-typed")
    assert app.message.kind == "info" and "viết hoa" in app.message.text


def test_an_expired_sms_code_and_gui_lai_ma(app: FirstStepsAppHandles, clock: FixedClock
                                           ) -> None:
    tap(app, "open-sms")
    old = last_code(app)
    clock.advance(minutes=6)
    app.controls["sms-code"].value = old
    tap(app, "check-sms")
    assert app.message.kind == "error" and "hết hạn" in app.message.text
    tap(app, "resend-sms")
    assert len(app.sim.inbox()) == 2
    app.controls["sms-code"].value = last_code(app)
    tap(app, "check-sms")
    assert step(app) is Step.HOME and fs.TASK_SMS in app.sim.status().done


def test_a_reload_resumes_the_recovery(box: Sandbox, app: FirstStepsAppHandles) -> None:
    tap(app, "open-store")
    tap(app, "pick-android")
    tap(app, "install")
    tap(app, "forgot")
    tap(app, "home")
    again = first_steps_app(box.first_steps("hv001"), translator("vi"))
    tap(again, "open-store")
    assert step(again) is Step.GOOGLE_LAST_PASSWORD
    assert "try-another" in again.controls


def test_step_help_covers_every_step() -> None:
    assert set(STEP_HELP) == {s.value for s in Step}
    assert FirstStepsView.step_help is STEP_HELP
    for help_ in STEP_HELP.values():
        assert help_.instruction and help_.hint


def test_course_page_runs_the_app(box: Sandbox) -> None:
    page = course_screen(LearnerDesk(box, "hv001"), first_steps_factory, lang="vi", on_submit=lambda: None)
    assert page.app is not None and "open-tap" in page.app.controls


# -- every screen in every language -----------------------------------------------------------

def texts_of(root: Any) -> list[str]:
    """Everything a learner can read or hear: labels, button text, placeholders, titles."""
    found: list[str] = []
    for widget in walk(root):
        layout = getattr(widget, "layout", None)
        if layout is not None and layout.display == "none":
            continue
        if isinstance(widget, w.Button):
            found += [widget.description, widget.tooltip or ""]
        elif isinstance(widget, w.HTML):
            markup = re.sub(r"<style.*?</style>", "", widget.value, flags=re.S)
            found.append(html.unescape(re.sub(r"<[^>]+>", " ", markup)))
        elif isinstance(widget, w.Text | w.Password):
            found += [widget.description, widget.placeholder]
        elif isinstance(widget, w.Accordion):
            found += list(widget.titles)
    return found


#: Shown as they are in every language: the persona's data, the SMS, the app and site names,
#: the Telex keys and the Vietnamese letters they make.
TELEX = re.compile(r"(?<![\w])(aa|aw|ee|oo|ow|uw|dd|s|f|r|x|j|[âăêôơưđ])(?![\w])")


def data_of(app: FirstStepsAppHandles) -> list[str]:
    sim = app.sim
    values = [sim.phrase, sim.email, sim.persona.phone, "0100 " + sim.persona.phone[4:7],
              fs.APP_NAME, "iforgot.apple.com", "Xã", "Thọ", "á", "à", "ả", "ã", "ạ"]
    for sender, body, _at in sim.inbox():
        values += [body, sender]
    return sorted(values, key=len, reverse=True)


def screens(box: Sandbox, lang: str) -> list[tuple[str, list[str], list[str]]]:
    """Every screen of the lesson (both stores) as (label, texts, data values)."""
    seen: list[tuple[str, list[str], list[str]]] = []
    for learner, kind in (("hv001", fs.ANDROID), ("hv002", fs.IPHONE)):
        from bakhong.simulators import learners

        learners.record_consent(box.store, box.clock, learner)
        app = first_steps_app(box.first_steps(learner), translator(lang))

        def record(label: str, app: FirstStepsAppHandles = app, kind: str = kind) -> None:
            seen.append((f"{kind} {label}", texts_of(app.root), data_of(app)))
        do_the_lesson(app, kind, record)
    return seen


def test_pseudo_locale_leaves_no_string_untranslated(box: Sandbox) -> None:
    checked = 0
    for label, texts, data in screens(box, "pseudo"):
        for text in texts:
            rest = text
            while re.search(r"⟦[^⟦⟧]*⟧", rest):  # a translated string may hold another
                rest = re.sub(r"⟦[^⟦⟧]*⟧", " ", rest)
            for value in data:
                rest = rest.replace(value, " ")
            rest = TELEX.sub(" ", rest)
            letters = re.sub(r"[\W\d_]", "", rest)
            assert not letters, f"{label}: untranslated text {text!r}"
            checked += 1
    assert checked > 300


def test_english_shows_no_vietnamese(box: Sandbox) -> None:
    tr = translator("en")
    if tr(fs.TAP_TARGETS[0].instruction) == fs.TAP_TARGETS[0].instruction:
        pytest.skip("the English catalogue does not hold lesson 0's strings yet")
    for label, texts, data in screens(box, "en"):
        for text in texts:
            rest = text
            for value in [*data, "Tiếng Việt"]:
                rest = rest.replace(value, " ")
            rest = TELEX.sub(" ", rest)
            decomposed = unicodedata.normalize("NFD", rest)
            assert not any(unicodedata.combining(ch) for ch in decomposed) and "đ" not in (
                rest.lower()), f"{label}: Vietnamese left in English: {text!r}"
