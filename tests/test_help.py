"""The help bar under every app, the spoken instructions and the display modes.

Driven through the VNeID app on the course page, as a learner taps it: two wrong OTPs open
the hint by itself and the trainer's dashboard sees the learner as stuck; «Gợi ý» and
«Đọc hướng dẫn» work on request; «Chữ to» and «Tương phản cao» change the page's classes
and are remembered for the learner.
"""

from __future__ import annotations

import html
import wave
from io import BytesIO
from pathlib import Path

import ipywidgets as w
import pytest
from conftest import last_otp

from bakhong.grading import progress
from bakhong.simulators import evidence, learners
from bakhong.simulators.attempts import evidence_lesson
from bakhong.simulators.clock import FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.vneid import Step, VneidSimulator
from bakhong.widgets import speech
from bakhong.widgets.course import CourseHandles, course_screen
from bakhong.widgets.entry import CHECK_APPS, _apps
from bakhong.widgets.helpbar import HelpBar
from bakhong.widgets.i18n import translator
from bakhong.widgets.vneid_app import VneidAppHandles, VneidView, vneid_factory

needs_voice = pytest.mark.skipif(not speech.available(), reason="espeak-ng is not installed "
                                 "(make test installs it)")


@pytest.fixture(autouse=True)
def audio_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "audio"
    monkeypatch.setenv("BAKHONG_AUDIO_CACHE", str(cache))
    return cache


def page_at_otp(box: Sandbox, lang: str = "vi") -> tuple[CourseHandles, VneidAppHandles]:
    page = course_screen(LearnerDesk(box, "hv001"), vneid_factory, lang=lang, on_submit=lambda: None)
    if page.consent is not None:
        page.consent.controls["consent-accept"].click()
    app = page.app
    assert isinstance(app, VneidAppHandles)
    sim, p = app.sim, app.sim.persona
    sim.go(Step.REGISTER)
    sim.register(p.id_number, p.phone, face_captured=True)
    sim.go(Step.ACTIVATE)
    sim.request_otp(p.id_number, p.phone)
    app.render()
    return page, app


def wrong_code(sim: VneidSimulator) -> str:
    return "000000" if last_otp(sim) != "000000" else "111111"


def help_events(box: Sandbox) -> list[evidence.Event]:
    return [e for e in evidence.learner_events(box.store, "hv001", "vneid")
            if e.task in evidence.HELP_TASKS]


def test_every_app_step_has_help_in_both_languages() -> None:
    """The bar is shown only where a step has help: every VNeID step has it, translated."""
    en = translator("en")
    for step in Step:
        found = VneidView.step_help.get(step.value)
        assert found is not None, step
        assert en(found.instruction) != found.instruction and en(found.hint) != found.hint


def test_two_refused_tries_open_the_hint_and_tell_the_trainer(box: Sandbox,
                                                              clock: FixedClock) -> None:
    _page, app = page_at_otp(box)
    panel = app.controls["hint-panel"]
    assert panel.layout.display == "none"
    app.controls["otp"].value = wrong_code(app.sim)
    app.controls["submit-otp"].click()
    assert panel.layout.display == "none"  # one wrong try: the learner tries again alone
    assert progress.class_progress(box.store, clock.now(), learner_id="hv001")[0].stuck is None
    app.controls["submit-otp"].click()
    assert panel.layout.display == ""  # the second: the hint opens by itself
    assert "Bạn đã thử 2 lần" in panel.value
    assert VneidView.step_help["otp"].hint in panel.value
    assert app.message.kind == "error"  # the refusal is still said in the message area
    assert [(e.task, e.detail["step"]) for e in help_events(box)] == [
        (evidence.HINT_OFFERED, "otp")]
    found = progress.class_progress(box.store, clock.now(), learner_id="hv001")[0].stuck
    assert found is not None and found.kind == progress.HINT and found.step == "otp"
    assert found.code == "vneid.otp_wrong" and found.count == 2
    app.controls["submit-otp"].click()  # a third: offered once per visit, not again
    assert len(help_events(box)) == 1
    # the right code: no longer stuck, and the next step starts with the panel closed
    app.controls["otp"].value = last_otp(app.sim)
    app.controls["submit-otp"].click()
    assert app.sim.status().step is Step.PASSWORD
    assert app.controls["hint-panel"].layout.display == "none"
    assert progress.class_progress(box.store, clock.now(), learner_id="hv001")[0].stuck is None


def test_the_learner_opens_and_closes_the_hint(box: Sandbox) -> None:
    _page, app = page_at_otp(box)
    hint = app.controls["hint"]
    hint.click()
    assert app.controls["hint-panel"].layout.display == ""
    assert "bk-selected" in hint._dom_classes
    assert "Bạn đã thử" not in app.controls["hint-panel"].value
    hint.click()
    assert app.controls["hint-panel"].layout.display == "none"
    assert [e.task for e in help_events(box)] == [evidence.HINT_OPENED]


def test_the_hint_in_english(box: Sandbox) -> None:
    _page, app = page_at_otp(box, "en")
    app.controls["hint"].click()
    text = app.controls["hint-panel"].value
    en = translator("en")
    assert en(VneidView.step_help["otp"].hint).replace("'", "&#x27;") in text
    assert "What to do" in text and app.controls["hint"].description.endswith("Hint")


@needs_voice
def test_read_aloud_plays_cached_speech(box: Sandbox, audio_cache: Path) -> None:
    _page, app = page_at_otp(box)
    app.controls["speak"].click()
    player = app.controls["audio"].children
    assert len(player) == 1 and isinstance(player[0], w.Audio) and player[0].autoplay
    with wave.open(BytesIO(player[0].value)) as sound:
        assert sound.getnchannels() == 1 and sound.getnframes() / sound.getframerate() > 1.0
    files = list(audio_cache.glob("vi-*.wav"))
    assert len(files) == 1
    app.controls["speak"].click()  # the same text again: from the cache
    assert list(audio_cache.glob("*.wav")) == files
    assert [e.task for e in help_events(box)] == [evidence.READ_ALOUD] * 2
    app.controls["hint"].click()  # with the hint open, it is read too: another text
    app.controls["speak"].click()
    assert len(list(audio_cache.glob("vi-*.wav"))) == 2


@needs_voice
def test_english_is_read_with_the_english_voice(box: Sandbox, audio_cache: Path) -> None:
    _page, app = page_at_otp(box, "en")
    app.controls["speak"].click()
    assert len(list(audio_cache.glob("en-*.wav"))) == 1


def test_without_a_voice_the_learner_is_told_plainly(box: Sandbox,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speech.shutil, "which", lambda _name: None)
    _page, app = page_at_otp(box)
    app.controls["speak"].click()  # must not raise
    shown = html.unescape(app.controls["help-message"].value)
    assert speech.SpeechUnavailable.message in shown and 'role="alert"' in shown
    assert app.controls["audio"].children == ()
    assert not help_events(box)


@needs_voice
def test_prepare_fills_the_cache_once(audio_cache: Path) -> None:
    texts = [(VneidView.step_help[s.value].instruction, "vi") for s in Step]
    made = speech.prepare([*texts, *texts])
    assert made == len({t for t, _ in texts}) == len(list(audio_cache.glob("*.wav")))
    assert speech.prepare(texts) == 0


def test_display_modes_change_the_page_and_are_remembered(box: Sandbox) -> None:
    page, app = page_at_otp(box)
    app.controls["otp"].value = "12"
    page.controls["large-text"].click()
    assert "bk-large-text" in page.root._dom_classes
    assert page.controls["large-text"].description == "Chữ to: bật"
    assert app.controls["otp"].value == "12"  # nothing rebuilt: the typing stays
    page.controls["contrast"].click()
    assert {"bk-large-text", "bk-high-contrast"} <= set(page.root._dom_classes)
    assert learners.display_modes(box.store, "hv001") == {"large_text", "high_contrast"}
    again = course_screen(LearnerDesk(box, "hv001"), vneid_factory, lang="en", on_submit=lambda: None)
    assert {"bk-large-text", "bk-high-contrast"} <= set(again.root._dom_classes)
    assert again.controls["large-text"].description == "Large text: on"
    again.controls["large-text"].click()
    assert "bk-large-text" not in again.root._dom_classes
    assert learners.display_modes(box.store, "hv001") == {"high_contrast"}


def test_unknown_display_mode_is_refused(box: Sandbox, clock: FixedClock) -> None:
    with pytest.raises(learners.UnknownDisplayMode):
        learners.set_display_modes(box.store, clock, "hv001", {"dark"})
    assert learners.display_modes(box.store, "hv001") == frozenset()


def test_the_bar_hides_where_a_step_has_no_help() -> None:
    bar = HelpBar(translator("vi"), lambda _task, _key: None)
    bar.set_step("unknown", None)
    assert bar.root.layout.display == "none"
    bar.offer()  # nothing to offer: no event, no panel
    assert not bar.is_open


def test_help_events_are_not_lesson_tasks(box: Sandbox, clock: FixedClock) -> None:
    """A hint opened does not count as a success of the step, nor as a refusal."""
    learners.record_consent(box.store, clock, "hv001")
    evidence.record_help(box.store, clock, "hv001", "vneid", evidence.HINT_OPENED, "otp")
    with pytest.raises(ValueError):
        evidence.record_help(box.store, clock, "hv001", "vneid", "register", "otp")
    (event,) = evidence.learner_events(box.store, "hv001", "vneid")
    assert event.outcome == evidence.OK and event.task not in {s.value for s in Step}


@pytest.mark.parametrize("lesson", [le for le in _apps() if le not in CHECK_APPS])
def test_every_app_has_the_bar_and_records_its_use(box: Sandbox, lesson: str) -> None:
    app = _apps()[lesson](LearnerDesk(box, "hv001"), translator("vi"))  # conftest: hv001 has consented
    app.controls["hint"].click()
    assert app.controls["hint-panel"].layout.display == ""
    # lesson 3b's page is the portal app: its help is the portal's evidence
    found = [e for e in evidence.learner_events(box.store, "hv001", evidence_lesson(lesson))
             if e.task == evidence.HINT_OPENED]
    assert len(found) == 1 and found[0].detail["step"] and found[0].detail["help"]
