"""The course page a learner opens: consent first, then the practice app, then «Nộp bài».

The language switch rebuilds every screen in the other language and remembers the
choice for the learner; so do the display switches («Chữ to», «Tương phản cao»), which
only change the page's classes (``bk-large-text``, ``bk-high-contrast`` in
``bakhong.css``), so what the learner typed stays. Nothing about the flow is kept here:
consent is asked of the learner's desk (:class:`bakhong.simulators.desk.Desk`: the
sandbox service in a workshop), the app renders from its simulator.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import ipywidgets as w

from .consent import ConsentHandles, consent_screen
from .i18n import LANGUAGES, N_, Translator, error_text, translator
from .phone import (
    MessageArea,
    action_button,
    badge,
    close_tree,
    html_block,
    language_bar,
    on_click,
    phone_frame,
)

if TYPE_CHECKING:
    from bakhong.simulators.desk import Desk

__all__ = ["AppFactory", "CourseHandles", "course_screen"]


class AppHandles(Protocol):
    """What an app factory returns: at least the root widget and the controls by name."""

    root: Any
    controls: dict[str, Any]


#: Builds a practice app for one learner in one language, e.g. ``vneid_app.vneid_factory``.
AppFactory = Callable[["Desk", Translator], AppHandles]

#: Returns a Vietnamese source string to show (translated here), or raises a SandboxError.
SubmitAction = Callable[[], str | None]
#: Returns the learner's latest score as text, already in the page's language.
ScoreAction = Callable[[Translator], str]
#: The course's lessons for the menu: (lesson, title as a source string, link).
LessonMenu = list[tuple[str, str, str]]

#: The page's class per language.
PAGE_LANGUAGE = {"vi": "bk-lang-vi", "en": "bk-lang-en", "pseudo": "bk-lang-pseudo"}
#: The display switches: mode, label, the control's class, the page's class when on.
DISPLAY_SWITCHES = (
    ("large_text", N_("Chữ to"), "bk-common-large-text", "bk-large-text"),
    ("high_contrast", N_("Tương phản cao"), "bk-common-contrast", "bk-high-contrast"),
)


class CourseHandles:
    """The course page. Its attributes follow the screen shown now (they change on rebuild).

    ``controls`` holds the page's own controls (``lang-vi``, ``lang-en``, ``submit``,
    ``retry``); the app's are in ``app.controls``, the consent screen's in
    ``consent.controls``.
    """

    def __init__(self, desk: Desk, app_factory: AppFactory,
                 lang: str, on_submit: SubmitAction,
                 on_score: ScoreAction | None = None, lessons: LessonMenu | None = None,
                 current: str = "") -> None:
        self.desk, self.learner_id = desk, desk.learner_id
        self.lessons, self.current = lessons or [], current
        self.app_factory, self.on_submit, self.on_score = app_factory, on_submit, on_score
        self.lang = lang
        self.tr = translator(lang)
        self.root = phone_frame([])
        self.controls: dict[str, w.Widget] = {}
        self.message = MessageArea(self.tr)
        self.consent: ConsentHandles | None = None
        self.app: AppHandles | None = None
        try:
            self.modes = set(desk.display_modes())
        except Exception:  # a busy store: the page still opens, in the usual look
            self.modes = set()

    # -- what the learner does ----------------------------------------------------------

    def _accept(self) -> None:
        self.desk.consent()
        self.render()

    def _submit(self) -> str | None:
        result = self.on_submit()
        return self.tr(result) if result else None

    def set_language(self, lang: str) -> None:
        """Rebuild everything in ``lang`` and remember it for the learner."""
        if lang == self.lang:
            return
        previous, self.lang = self.lang, lang
        try:
            self.render()
        except Exception:
            self.lang = previous
            raise
        try:
            self.desk.set_language(lang)
        except Exception as err:
            self.message.show_error(error_text(err, self.tr))

    def set_display(self, mode: str, on: bool) -> None:
        """Switch a display mode for this page and remember it for the learner."""
        modes = (self.modes | {mode}) if on else (self.modes - {mode})
        self.desk.set_display_modes(modes)
        self.modes = modes
        self._apply_display()

    def _apply_display(self) -> None:
        _ = self.tr
        for mode, label, cls, page_class in DISPLAY_SWITCHES:
            on = mode in self.modes
            (self.root.add_class if on else self.root.remove_class)(page_class)
            button = self.controls.get(cls.removeprefix("bk-common-"))
            if button is not None:
                state = _("bật") if on else _("tắt")
                button.description = f"{_(label)}: {state}"
                (button.add_class if on else button.remove_class)("bk-selected")

    def _display_bar(self, tr: Translator, message: MessageArea,
                     controls: dict[str, w.Widget]) -> w.HBox:
        _ = tr
        buttons = []
        for mode, _label, cls, _page_class in DISPLAY_SWITCHES:
            button = action_button(cls, "")
            button.tooltip = _("Bật hoặc tắt")

            def toggle(mode: str = mode) -> None:
                self.set_display(mode, mode not in self.modes)
            on_click(button, toggle, message, tr)
            controls[cls.removeprefix("bk-common-")] = button
            buttons.append(button)
        bar = w.HBox(buttons, layout=w.Layout(width="100%"))
        bar.add_class("bk-displaybar")
        return bar

    # -- building -----------------------------------------------------------------------

    def _consented(self) -> bool:
        return self.desk.consented()

    def render(self) -> None:
        """Build the page for the current language and consent; swap it in when complete."""
        tr = translator(self.lang)
        _ = tr
        message = MessageArea(tr)
        bar, langs = language_bar(self.lang, self.set_language, tr, message)
        controls: dict[str, w.Widget] = {f"lang-{k}": b for k, b in langs.items()}
        display = self._display_bar(tr, message, controls)
        consent, app = None, None
        if self._consented():
            app = self.app_factory(self.desk, tr)
            body = self._lesson_text(tr, controls)
            submit = action_button("bk-common-submit", _("Nộp bài"), primary=True)
            on_click(submit, self._submit, message, tr)
            controls["submit"] = submit
            body += [app.root, submit]
            if self.on_score is not None:
                on_score = self.on_score
                score = action_button("bk-common-score", _("Xem điểm"))
                on_click(score, lambda: on_score(tr), message, tr)
                controls["score"] = score
                body.append(score)
        else:
            consent = consent_screen(self._accept, tr)
            body = [consent.root]
        self._swap(tr, message, controls, [bar, display, *body, message.root, *self._menu(tr)])
        self.consent, self.app = consent, app
        self._apply_display()

    def _lesson_text(self, tr: Translator, controls: dict[str, w.Widget]) -> list[w.Widget]:
        """The lesson's own text in the page's language, folded (``.lesson_text``)."""
        from . import lesson_text

        if not self.current:
            return []
        try:
            text = lesson_text.lesson_html(self.current, tr)
        except FileNotFoundError:  # a lesson without text of its own
            return []
        panel = w.Accordion([html_block(lesson_text.hide_notebook_text() + text)],
                            selected_index=None, layout=w.Layout(width="100%"))
        panel.titles = ("📖 " + tr(lesson_text.TITLE),)
        panel.add_class("bk-common-lesson-text")
        controls["lesson-text"] = panel
        return [panel]

    def _menu(self, tr: Translator) -> list[w.Widget]:
        """Links to the other lessons, the current one marked (plain links: no kernel call)."""
        if len(self.lessons) < 2:
            return []
        _ = tr
        here = html.escape(_("đang học"))
        items = []
        for lesson, title, url in self.lessons:
            if lesson == self.current:
                items.append(f'<li aria-current="page"><b>{html.escape(_(title))}</b> '
                             f"({here})</li>")
            else:
                items.append(f'<li><a class="bk-common-lesson-link" href="{html.escape(url)}">'
                             f"{html.escape(_(title))}</a></li>")
        label = html.escape(_("Các bài học"))
        menu = html_block(f'<nav aria-label="{label}"><h3>{label}</h3>'
                          f'<ul class="bk-lessons">{"".join(items)}</ul></nav>')
        menu.add_class("bk-common-lessons")
        return [menu]

    def _swap(self, tr: Translator, message: MessageArea, controls: dict[str, w.Widget],
              children: list[w.Widget]) -> None:
        style, *old = self.root.children
        self.root.children = (style, *children)
        for lang, cls in PAGE_LANGUAGE.items():  # <html lang> follows it (bakhong.serving)
            (self.root.add_class if lang == tr.lang else self.root.remove_class)(cls)
        self.tr, self.message, self.controls = tr, message, controls
        for widget in old:
            close_tree(widget)

    def render_failure(self, err: BaseException) -> None:
        """A page that says what went wrong and offers «Thử lại» (never a traceback)."""
        tr = translator(self.lang)
        _ = tr
        message = MessageArea(tr)
        retry = action_button("bk-common-retry", _("Thử lại"), primary=True)
        on_click(retry, self.render, message, tr)
        self._swap(tr, message, {"retry": retry}, [badge(tr), retry, message.root])
        message.show_error(error_text(err, tr))


def course_screen(desk: Desk, app_factory: AppFactory, *,
                  lang: str | None = None, on_submit: SubmitAction,
                  on_score: ScoreAction | None = None, display: bool = False,
                  lessons: LessonMenu | None = None, current: str = "") -> CourseHandles:
    """The learner's page: consent if not given yet, then ``app_factory``'s app and «Nộp bài».

    ``lang`` defaults to the language saved for the learner. Never raises for a
    sandbox failure: the page then shows the message and a «Thử lại» button.
    """
    if lang is None:
        try:
            lang = desk.learner().language
        except Exception:
            lang = "vi"
    course = CourseHandles(desk, app_factory,
                           lang if lang in LANGUAGES else "vi", on_submit, on_score,
                           lessons, current)
    try:
        course.render()
    except Exception as err:
        course.render_failure(err)
    if display:
        from IPython.display import display as show

        show(course.root)  # type: ignore[no-untyped-call]
    return course
