"""The course page a learner opens: consent first, then the practice app, then «Nộp bài».

The language switch rebuilds every screen in the other language and remembers the
choice for the learner; the app's view hands what it shows to the new one
(:class:`.appview.ViewState`: the screen, what was typed, the result on show, the open
hint), so the learner stays where they were. The display switches («Chữ to», «Tương phản
cao») are remembered too, and only change the page's classes (``bk-large-text``,
``bk-high-contrast`` in ``bakhong.css``): nothing is rebuilt. Nothing about the flow is kept
here: consent is asked of the learner's desk (:class:`bakhong.simulators.desk.Desk`: the
sandbox service in a workshop), the app renders from its simulator.

While the page is open, a poller in its kernel (:mod:`.live`) renders the app again when
something changes without the learner (an official acts on a dossier, an SMS arrives), and
shows the score once the grader has marked a «Nộp bài». It only asks the desk and the
simulators' public methods, like every view.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import ipywidgets as w

from .appview import ViewState, restoring, screen_start, unaided
from .check_mode import LISTEN, CheckPanels
from .consent import ConsentHandles, consent_screen
from .i18n import LANGUAGES, N_, Translator, error_text, translator
from .live import Poller
from .phone import (
    MessageArea,
    action_button,
    audio_player,
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
#: Whether the learner's latest «Nộp bài» is still queued or being graded (one small read).
GradingAction = Callable[[], bool]
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
                 current: str = "", is_grading: GradingAction | None = None,
                 check: str = "", base: str = "", text: str | None = None) -> None:
        self.desk, self.learner_id = desk, desk.learner_id
        #: the course lesson whose app this is (``current`` unless a workshop's variant), and
        #: a variant's own text (markdown), shown instead of the base lesson's
        self.base, self.text = base or current, text
        #: a check's page («Tự làm», :mod:`.check_mode`): the desk's name of its app
        self.check = check
        self.check_panels: CheckPanels | None = None
        self.lessons, self.current = lessons or [], current
        self.app_factory, self.on_submit, self.on_score = app_factory, on_submit, on_score
        self.is_grading = is_grading
        self.poller = Poller()
        self._from_consent = False  # the app replaces the consent screen: it opens at its top
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
        self._from_consent = True
        try:
            self.render()
        finally:
            self._from_consent = False

    def _submit(self) -> str | None:
        result = self.on_submit()
        self.watch_score()
        if self.check_panels is not None:  # a check: what went wrong, now, and no more tries
            self.check_panels.show_review()
            self.controls["submit"].layout.display = "none"
        return self.tr(result) if result else None

    def set_language(self, lang: str) -> None:
        """Rebuild everything in ``lang`` and remember it for the learner; the learner stays
        on the same screen, with what they typed and the result on show."""
        if lang == self.lang:
            return
        state = self.page_state()
        previous, self.lang = self.lang, lang
        try:
            self.render(state)
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

    # -- what changes while the learner does nothing ---------------------------------------

    def start_live(self) -> bool:
        """Start the page's poller (:mod:`.live`): the app renders again when its simulator
        says something changed (:meth:`.appview.AppView.poll_key`), and a «Nộp bài» being
        graded shows its score when the desk says it is done.
        ``False`` without a running event loop (not in a kernel)."""
        self.poller.watch("app", self._app_key, self._app_changed)
        if self.is_grading is not None and self.is_grading():
            self.watch_score()
        return self.poller.start()

    def _app_key(self) -> object:
        view = getattr(self.app, "view", None)
        return None if view is None else view.poll_key()

    def _app_changed(self) -> None:
        view = getattr(self.app, "view", None)
        if view is not None:
            view.render_quietly()

    def watch_score(self) -> None:
        """Show the score by itself once the grader has marked the latest «Nộp bài»."""
        if self.is_grading is None or self.on_score is None:
            return
        grading = self.is_grading
        self.poller.watch("score", grading, self._score_changed)

    def _score_changed(self) -> None:
        if self.is_grading is None or self.is_grading() or self.on_score is None:
            return  # graded, then asked for again: keep watching
        self.poller.unwatch("score")
        on_score = self.on_score
        self.message.show_info(on_score(self.tr), again=on_score)

    # -- what a rebuilt page takes over --------------------------------------------------------

    def page_state(self) -> ViewState:
        """What the page shows that the store does not keep: the app's view state, with the
        page's message and whether the lesson's text is open."""
        view = getattr(self.app, "view", None)
        state = view.view_state() if view is not None else ViewState()
        panel = self.controls.get("lesson-text")
        state.extra["course"] = (self.message.snapshot(),
                                 getattr(panel, "selected_index", None))
        return state

    # -- building -----------------------------------------------------------------------

    def _consented(self) -> bool:
        return self.desk.consented()

    def render(self, state: ViewState | None = None) -> None:
        """Build the page for the current language and consent; swap it in when complete.

        ``state`` (:meth:`page_state` of the page it replaces) is given to the new app."""
        tr = translator(self.lang)
        _ = tr
        message = MessageArea(tr)
        bar, langs = language_bar(self.lang, self.set_language, tr, message)
        controls: dict[str, w.Widget] = {f"lang-{k}": b for k, b in langs.items()}
        display = self._display_bar(tr, message, controls)
        consent, app, panels = None, None, None
        body = [] if self.check else self._lesson_text(tr, controls, message)
        if self._consented():
            with restoring(state), unaided(bool(self.check)):
                app = self.app_factory(self.desk, tr)
            if self.check:
                panels = CheckPanels(self.base, self.desk.app(self.check), tr, controls)
                body.append(panels.goal)
            if self._from_consent:  # the page goes to the app's first screen
                body.insert(0, screen_start())
            submit = action_button("bk-common-submit", _("Nộp bài"), primary=True)
            on_click(submit, self._submit, message, tr)
            controls["submit"] = submit
            body += [app.root, submit]
            if panels is not None:
                body.append(panels.review)
                if panels.sim.finished():  # handed in: the review, and no second «Nộp bài»
                    panels.show_review()
                    submit.layout.display = "none"
            if self.on_score is not None:
                on_score = self.on_score
                score = action_button("bk-common-score", _("Xem điểm"))
                on_click(score, lambda: on_score(tr), message, tr)
                controls["score"] = score
                body.append(score)
        else:
            consent = consent_screen(self._accept, tr)
            body.append(consent.root)
        self._swap(tr, message, controls, [bar, display, *body, message.root, *self._menu(tr)])
        self.consent, self.app, self.check_panels = consent, app, panels
        self._apply_display()
        if state is not None and "course" in state.extra:
            shown, text_open = state.extra["course"]
            message.restore(shown, tr)
            panel = controls.get("lesson-text")
            if isinstance(panel, w.Accordion):
                panel.selected_index = text_open

    def _lesson_text(self, tr: Translator, controls: dict[str, w.Widget],
                     message: MessageArea) -> list[w.Widget]:
        """The lesson's own text in the page's language (3-4 short sentences), folded above
        the app, with «🔊 Nghe» to hear it read (``.lesson_text``, ``.speech``)."""
        from . import lesson_text, speech

        if not self.current:
            return []
        lesson, own = self.current, self.text
        try:
            text = (lesson_text.lesson_html(lesson, tr) if own is None
                    else lesson_text.markdown_html(own, escape=True))
        except FileNotFoundError:  # a lesson without text of its own
            return []
        player = w.Box([], layout=w.Layout(width="100%"))
        player.add_class("bk-common-audio")
        listen = action_button("bk-common-lesson-listen", "🔊 " + tr(LISTEN))

        def speak() -> None:
            plain = (lesson_text.lesson_plain(lesson, tr) if own is None
                     else lesson_text.markdown_plain(own))
            data = speech.audio_for(plain, tr.lang if own is None else "vi")
            player.children = (audio_player(data),)
        on_click(listen, speak, message, tr)
        controls["lesson-listen"] = listen
        panel = w.Accordion([w.VBox([html_block(lesson_text.hide_notebook_text() + text),
                                     listen, player], layout=w.Layout(width="100%"))],
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
                  lessons: LessonMenu | None = None, current: str = "",
                  is_grading: GradingAction | None = None, check: str = "", base: str = "",
                  text: str | None = None) -> CourseHandles:
    """The learner's page: consent if not given yet, then ``app_factory``'s app and «Nộp bài».

    ``lang`` defaults to the language saved for the learner. Never raises for a
    sandbox failure: the page then shows the message and a «Thử lại» button. Displayed
    (``display=True``, in a kernel), the page's poller starts (:meth:`CourseHandles.start_live`);
    ``is_grading`` lets it show the score by itself after «Nộp bài». ``check`` (the desk's
    name of a check's app) makes it a check's page (:mod:`.check_mode`). A workshop's
    variant of a lesson is ``current``, its ``base`` the course lesson whose app it shows, and
    ``text`` its own text (Vietnamese markdown, in every language: it has no translation).
    """
    if lang is None:
        try:
            lang = desk.learner().language
        except Exception:
            lang = "vi"
    course = CourseHandles(desk, app_factory,
                           lang if lang in LANGUAGES else "vi", on_submit, on_score,
                           lessons, current, is_grading, check, base, text)
    try:
        course.render()
    except Exception as err:
        course.render_failure(err)
    if display:
        from IPython.display import display as show

        show(course.root)  # type: ignore[no-untyped-call]
        course.start_live()
    return course
