"""Lesson 10's app driven headless in vi, en and the pseudo-locale: every scene by clicks."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pytest

from bakhong.simulators import evidence, secrets
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.secrets import Step
from bakhong.widgets.course import course_screen
from bakhong.widgets.glossary import terms_in
from bakhong.widgets.i18n import translator
from bakhong.widgets.phone import walk
from bakhong.widgets.secrets_app import (
    STEP_HELP,
    SecretsAppHandles,
    secrets_app,
    secrets_factory,
)
from bakhong.widgets.secrets_screens import DRILL_KEYS, SCREENS

ALL = set(secrets.TASKS)
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


def tap(app: SecretsAppHandles, name: str) -> None:
    app.controls[name].click()


def data_of(app: SecretsAppHandles) -> list[str]:
    """What the scenes show as is (names, the shop's name), longest first."""
    values = [app.sim.persona.full_name, secrets.SHOP, secrets.SHOP_OWNER, secrets.NEPHEW,
              secrets.GRANDSON, "PIN", "OTP", "SIM", "Zalo", "VNeID", "ATM", "✓", "○", "·"]
    return sorted(values, key=len, reverse=True)


def do_the_lesson(app: SecretsAppHandles, seen: Callable[[str], None] = lambda _: None) -> None:
    """Every scene, with its mistakes first, then right."""
    def go(name: str) -> None:
        tap(app, name)
        seen(name)

    seen("home")
    go("start-notebook")
    go("sticky")
    assert app.message.kind == "error"
    go("retry")
    go("photo")
    go("retry")
    go("same-password")
    go("retry")
    go("notebook")
    go("home")
    go("start-own-name")
    go("sim-other")
    go("retry")
    go("wallet-other")
    go("retry")
    go("own-name")
    go("home")
    go("start-help")
    go("grandson-types")
    go("retry")
    go("stranger")
    go("retry")
    go("ask-team")
    go("home")
    go("start-lend")
    go("let-go-on")
    go("retry")
    go("tell-pin")
    go("retry")
    go("take-back")
    go("home")


@pytest.fixture
def app(box: Sandbox) -> SecretsAppHandles:
    return secrets_app(box.secrets("hv001"), translator("vi"))


def done(box: Sandbox) -> set[str]:
    return secrets.completed_tasks(evidence.learner_events(box.store, "hv001", secrets.LESSON))


def test_the_whole_lesson_by_clicks(box: Sandbox, app: SecretsAppHandles) -> None:
    steps: set[str] = set()
    do_the_lesson(app, lambda _name: steps.add(app.sim.status().step.value))
    assert done(box) == ALL
    assert steps == {s.value for s in Step}
    for drill in secrets.DRILLS:
        assert app.controls[f"start-{DRILL_KEYS[drill.task]}"].description.startswith("✓")
    codes = {e.outcome for e in evidence.learner_events(box.store, "hv001", secrets.LESSON)}
    assert {"secrets.sticky_note", "secrets.photo_in_gallery", "secrets.same_password",
            "secrets.sim_in_other_name", "secrets.account_in_other_name",
            "secrets.helper_typed_pin", "secrets.stranger_helped",
            "secrets.let_borrower_go_on", "secrets.told_borrower_pin"} <= codes


def test_a_mistake_explains_what_would_happen(app: SecretsAppHandles) -> None:
    tap(app, "start-notebook")
    tap(app, "photo")
    assert app.message.kind == "error" and "thư viện ảnh" in app.message.text
    explanation = app.controls["explanation"].value
    assert "bk-wrong" in explanation and "Nếu đây là thật" in explanation
    tap(app, "home")
    assert app.controls["start-notebook"].description.startswith("○")


def test_the_right_choice_is_explained(app: SecretsAppHandles) -> None:
    tap(app, "start-help")
    tap(app, "type-myself")
    explanation = app.controls["explanation"].value
    assert "bk-right" in explanation and "tự gõ mã PIN" in explanation
    assert "tổ công nghệ số cộng đồng của xã mỗi khi cần" not in explanation
    tap(app, "retry")
    tap(app, "ask-team")
    assert "mỗi khi cần" in app.controls["explanation"].value


def test_the_scenes_name_their_hard_words(app: SecretsAppHandles) -> None:
    tap(app, "start-own-name")
    words = {t.key for t in terms_in(" ".join(texts_of(app.root)).lower())}
    assert {"own_name", "e_wallet", "sim"} <= words
    tap(app, "home")
    tap(app, "start-help")
    assert "digital_team" in {t.key for t in terms_in(" ".join(texts_of(app.root)).lower())}


def test_nothing_is_a_link(app: SecretsAppHandles) -> None:
    seen: list[str] = []
    do_the_lesson(app, lambda _n: seen.extend(
        x.value for x in walk(app.root) if isinstance(x, w.HTML)))
    assert seen and not any("<a " in markup or "href=" in markup for markup in seen)


def test_every_step_has_help() -> None:
    assert set(STEP_HELP) == {s.value for s in Step} == {s.value for s in SCREENS}
    for help_ in STEP_HELP.values():
        assert help_.instruction and help_.hint


def test_the_pseudo_locale_wraps_every_string(box: Sandbox) -> None:
    app = secrets_app(box.secrets("hv001"), translator("pseudo"))
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
    app = secrets_app(box.secrets("hv001"), translator("en"))
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


def test_course_page_runs_the_secrets_app(box: Sandbox) -> None:
    page = course_screen(LearnerDesk(box, "hv001"), secrets_factory, lang="vi",
                         on_submit=lambda: None)
    assert page.app is not None and "start-notebook" in page.app.controls
