"""What every practice app's view shares: named controls, safe buttons, one screen at a time.

An app view (VNeID, the bank) keeps no flow state of its own: its ``refresh`` reads
the simulator's status and calls :meth:`AppView.show` with a *signature* of what the
screen displays and a function that builds it. The screen is rebuilt only when the
signature changes, so a refused click keeps what the learner typed.

Controls of the current screen are registered by their stable class
(``bk-<app>-<control>``, ``docs/css-classes.md``) under the name without the prefix,
so tests and lessons reach them as ``view.controls["pay"]``.

A new screen (another step, or another panel of a step) starts with a hidden marker,
``bk-screen-start``: the page script (:mod:`.page_script`) then scrolls the phone to the
app's top, or to the screen's title, and moves the focus to the title. A rebuild of the
same screen (a refused PIN, a new status) keeps the learner where they are.

What the view knows besides the simulator (the panel on show, what was typed or picked,
the result on show, the open hint) is a :class:`ViewState`: the course page hands it from
the old view to the new one when it is rebuilt in another language (:func:`restoring`).

:meth:`AppView.poll_key` is one small read of what may change while the learner does
nothing (an SMS, an official acting on a dossier): the course page's poller
(:mod:`.live`) renders the app again when it changes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Self, TypeVar

import ipywidgets as w

from bakhong.simulators.errors import SandboxError

from . import glossary
from .helpbar import OFFER_AFTER, HelpBar
from .i18n import Translator, error_text
from .phone import (
    MessageArea,
    action_button,
    close_tree,
    html_block,
    on_click,
    phone_frame,
    show_sms,
    text_input,
)

__all__ = ["AppHandles", "AppView", "StepHelp", "ViewState", "keeping_tasks", "restoring",
           "screen_start", "unaided"]

#: The values a screen's controls hold that a rebuilt screen can be given back.
TYPED = (w.Text, w.Password, w.Textarea, w.Dropdown, w.Checkbox, w.ToggleButton,
         w.ToggleButtons)


@dataclass(frozen=True)
class StepHelp:
    """What a step asks of the learner, in one or two short sentences, and a hint.

    Both are Vietnamese source strings (``N_``); the help bar under the screen shows
    the instruction, reads it aloud on request and opens the hint (by itself after two
    refused tries at the same step).
    """

    instruction: str
    hint: str


@dataclass
class ViewState:
    """What a view shows that its simulator does not keep: given to the view that replaces
    it (:func:`restoring`). ``attrs`` are the view's own (:attr:`AppView.remembered`),
    ``typed`` the values of the screen's controls by name, ``panels`` the open state of
    its folding panels, ``extra`` what a subclass adds (an app handed over to)."""

    attrs: dict[str, Any] = field(default_factory=dict)
    typed: dict[str, Any] = field(default_factory=dict)
    panels: dict[str, int | None] = field(default_factory=dict)
    message: tuple[str, str, Any] = ("", "", None)
    hint_open: bool = False
    refused: dict[str, int] = field(default_factory=dict)
    sms_count: int = -1
    extra: dict[str, Any] = field(default_factory=dict)


_PENDING: ContextVar[ViewState | None] = ContextVar("bakhong_view_state", default=None)
_UNAIDED: ContextVar[bool] = ContextVar("bakhong_unaided", default=False)
_KEPT_TASKS: ContextVar[frozenset[str] | None] = ContextVar("bakhong_kept_tasks", default=None)


@contextmanager
def unaided(on: bool = True) -> Iterator[None]:
    """The app views built meanwhile are a check's («Tự làm», :mod:`.check_mode`): no help
    bar (no step instruction, no hint, none offered after refusals) and no task list."""
    token = _UNAIDED.set(on)
    try:
        yield
    finally:
        _UNAIDED.reset(token)


@contextmanager
def keeping_tasks(tasks: Iterable[str]) -> Iterator[None]:
    """The app views built meanwhile are a workshop's variant of their lesson, which grades
    ``tasks`` of it only: a task list the view shows lists those alone."""
    token = _KEPT_TASKS.set(frozenset(tasks))
    try:
        yield
    finally:
        _KEPT_TASKS.reset(token)


@contextmanager
def restoring(state: ViewState | None) -> Iterator[None]:
    """The next app view built (:meth:`AppHandles.build`) takes ``state`` over."""
    token = _PENDING.set(state)
    try:
        yield
    finally:
        _PENDING.reset(token)


def screen_start() -> w.HTML:
    """The hidden first part of a new screen: the page script scrolls to it and focuses the
    title after it (:mod:`.page_script`)."""
    marker = html_block("", "bk-screen-start")
    marker.layout.display = "none"
    return marker


class AppView:
    """Base of the apps' views; subclasses set :attr:`prefix` and write :meth:`refresh`."""

    #: The class prefix of the app's controls, e.g. ``"bk-bank-"``.
    prefix: ClassVar[str] = "bk-"
    #: Help for each step, keyed by ``str(signature[0])`` of the screen on show, or by
    #: ``"<step>.<panel>"`` for a panel of the step (a view with a ``panel`` attribute).
    step_help: ClassVar[Mapping[str, StepHelp]] = {}
    #: The lesson whose evidence the help bar's events join (none recorded when empty);
    #: the view's ``sim`` (the simulator, or the service's client of it) records them.
    lesson: ClassVar[str] = ""
    #: The view's own attributes a rebuilt view takes over (:class:`ViewState`).
    remembered: ClassVar[tuple[str, ...]] = ()
    #: The app's whole phone screen; the subclass's constructor builds it.
    root: w.VBox
    #: The phone's SMS inbox, for the apps that have one (:meth:`show_inbox`).
    inbox: w.Accordion | None = None

    def __init__(self, tr: Translator) -> None:
        self.tr = tr
        self.message = MessageArea(tr)
        self.controls: dict[str, w.Widget] = {"dismiss": self.message.dismiss}
        self.screen = w.VBox([], layout=w.Layout(width="100%"))
        self.below = w.VBox([], layout=w.Layout(width="100%"))  # help panels, under the message
        self._below: list[w.Widget] = []
        self._screen_names: list[str] = []
        self._shown: tuple[Any, ...] | None = None
        self._refused: dict[str, int] = {}  # refused tries per help key, this visit
        self._sms_count = -1
        self._sms_arrived = False  # in this render: the inbox stays open on a new screen
        self._unread = False  # an SMS came while the learner did nothing: 🔔 on the inbox
        self.quiet = False  # a render the learner did not ask for (the poller): nothing moves
        #: a check's view (:func:`unaided`): the help bar stays hidden on every step
        self.unaided = _UNAIDED.get()
        #: a variant's view (:func:`keeping_tasks`): the graded tasks its task list shows
        self.kept_tasks = _KEPT_TASKS.get()
        self.helpbar = HelpBar(tr, self._help_event)
        self.helpbar.screen_text = self._screen_text
        self.controls.update(self.helpbar.controls)

    def _screen_text(self) -> str:
        """What the learner reads now (the SMS inbox, the screen, the message, the panels
        under it): where the help bar's glossary looks for hard words."""
        below = [c for c in self.below.children if c is not self.helpbar.root]
        inbox = [self.inbox] if self.inbox is not None else []
        return glossary.screen_text([*inbox, self.screen, self.message.root, *below])

    # -- building blocks for the screens -------------------------------------------------

    def keep(self, cls: str, widget: w.Widget) -> w.Widget:
        """Register a control of the current screen under its class name."""
        if cls not in widget._dom_classes:
            widget.add_class(cls)
        name = cls.removeprefix(self.prefix)
        self.controls[name] = widget
        self._screen_names.append(name)
        return widget

    def button(self, cls: str, label: str, action: Callable[[], str | None], *,
               primary: bool = False) -> w.Button:
        """A button that calls ``action`` safely, then refreshes the screen."""
        button = action_button(cls, label, primary=primary)
        on_click(button, action, self.message, self.tr, after=self.refresh,
                 on_error=self.on_error)
        self.keep(cls, button)
        return button

    def field(self, cls: str, label: str, placeholder: str = "", *,
              secret: bool = False, keypad: str = "") -> w.Text | w.Password:
        """A labelled input (:func:`.phone.text_input`); ``keypad="numeric"`` or ``"otp"``
        brings up the phone's number pad."""
        field = text_input(cls, label, placeholder, secret=secret, keypad=keypad)
        self.keep(cls, field)
        return field

    def below_message(self, widget: w.Widget) -> None:
        """Put a help panel of the current screen under the message, out of the main column."""
        self._below.append(widget)

    def on_error(self, err: BaseException) -> None:
        """Called with a click's failure before it is shown: the second refused try at a
        step opens its hint. Apps that open a help panel of their own call this too."""
        key = self.help_key()
        self._refused[key] = self._refused.get(key, 0) + 1
        if self._refused[key] >= OFFER_AFTER:
            self.helpbar.offer()

    # -- the help bar --------------------------------------------------------------------

    def help_key(self) -> str:
        """The key of :attr:`step_help` for the screen on show (``""`` before the first)."""
        if self._shown is None:
            return ""
        step = self._step()
        panel = getattr(self, "panel", "home")
        if isinstance(panel, str) and panel not in ("", "home") \
                and f"{step}.{panel}" in self.step_help:
            return f"{step}.{panel}"
        return step

    def _step(self) -> str:
        """The step on show: the signature's first element (of the portal's page key)."""
        assert self._shown is not None
        first = self._shown[0]
        return str(first[0] if isinstance(first, tuple) else first)

    def _help_event(self, task: str, key: str) -> None:
        sim = getattr(self, "sim", None)
        if not self.lesson or sim is None or self._shown is None:
            return
        try:
            sim.record_help(self.lesson, task, self._step(), help=key)
        except SandboxError:  # no consent yet: the bar still helps, nothing is recorded
            pass

    # -- the SMS inbox -------------------------------------------------------------------

    def show_inbox(self, messages: list[tuple[str, str, str]]) -> None:
        """Fill the inbox with ``(sender, body, at)`` messages, oldest first. A new one opens
        it, unless the learner did nothing (:attr:`quiet`): then its title rings (🔔)."""
        if self.inbox is None:
            return
        inbox = self.inbox
        seen = self._sms_count
        self._sms_count = show_sms(inbox, messages, self.tr, seen, notify=not self.quiet)
        arrived = 0 <= seen < self._sms_count
        self._sms_arrived = self._sms_arrived or (arrived and not self.quiet)
        if arrived and self.quiet and inbox.selected_index is None:
            self._unread = True
        if inbox.selected_index is not None:
            self._unread = False
        if self._unread:
            inbox.titles = ("🔔 " + inbox.titles[0],)
            inbox.observe(self._inbox_opened, names="selected_index")

    def _inbox_opened(self, change: dict[str, Any]) -> None:
        if change["new"] is not None and self.inbox is not None and self._unread:
            self._unread = False
            self.inbox.titles = (self.inbox.titles[0].removeprefix("🔔 "),)
            self.inbox.unobserve(self._inbox_opened, names="selected_index")

    # -- rendering -----------------------------------------------------------------------

    @property
    def shown(self) -> tuple[Any, ...] | None:
        """The signature of the screen on show (``None`` before the first one)."""
        return self._shown

    def screen_key(self, signature: tuple[Any, ...]) -> Hashable:
        """Which screen ``signature`` is: its step (the first element) and the view's panel.
        A change is a new screen: it opens at its top (:func:`screen_start`)."""
        return (signature[0], getattr(self, "panel", None))

    def show(self, signature: tuple[Any, ...], build: Callable[[], list[w.Widget]]) -> bool:
        """Swap in the screen ``build`` makes, unless ``signature`` is the one on show.

        Returns whether the screen was rebuilt. The old screen's widgets are closed. A new
        screen (:meth:`screen_key`) starts with :func:`screen_start`, and closes the SMS
        inbox unless a message just came.
        """
        arrived, self._sms_arrived = self._sms_arrived, False
        if signature == self._shown:
            return False
        new_screen = (self._shown is not None and not self.quiet
                      and self.screen_key(signature) != self.screen_key(self._shown))
        for name in self._screen_names:
            self.controls.pop(name, None)
        self._screen_names = []
        self._below = []
        old = (*self.screen.children,
               *(c for c in self.below.children if c is not self.helpbar.root))
        children = build()
        self.screen.children = tuple([screen_start(), *children] if new_screen else children)
        self.below.children = (*self._below, self.helpbar.root)
        for widget in old:
            close_tree(widget)
        self._shown = signature
        if new_screen and self.inbox is not None and not arrived:
            self.inbox.selected_index = None  # read: it must not push the next screen down
        key = self.help_key()
        if key != self.helpbar.key:
            self._refused = {}
        self.helpbar.set_step(key, None if self.unaided else self.step_help.get(key))
        return True

    # -- what changes while the learner does nothing ------------------------------------------

    def poll_key(self) -> Hashable:
        """One small read of what may change without the learner: here, the newest SMS
        of the learner (every app with an inbox shows some of them)."""
        sim = getattr(self, "sim", None)
        if self.inbox is None or sim is None:
            return None
        newest: Hashable = sim.newest_sms()
        return newest

    def render_quietly(self) -> None:
        """Render because the world changed (:meth:`poll_key`), not because the learner
        tapped: the screen is updated in place, no panel opens, nothing scrolls."""
        self.quiet = True
        try:
            self.render()
        finally:
            self.quiet = False

    # -- a rebuilt view takes over ----------------------------------------------------------

    def view_state(self) -> ViewState:
        """What this view shows that the simulator does not keep (:class:`ViewState`)."""
        typed = {name: widget.value for name in self._screen_names
                 if isinstance(widget := self.controls.get(name), TYPED)
                 and not getattr(widget, "disabled", False)}
        panels = {name: widget.selected_index for name, widget in self.controls.items()
                  if isinstance(widget, w.Accordion)}  # the folding panels: open or not
        attrs = {name: copy.copy(getattr(self, name)) for name in self.remembered}
        return ViewState(attrs, typed, panels, self.message.snapshot(), self.helpbar.is_open,
                         dict(self._refused), self._sms_count)

    def restore_before(self, state: ViewState) -> None:
        """Take over ``state``'s attributes, before the first render."""
        for name, value in state.attrs.items():
            setattr(self, name, value)
        self._sms_count = state.sms_count

    def restore_after(self, state: ViewState) -> None:
        """Give the first screen back what was typed, the open panels, the message, the hint."""
        for name, value in state.typed.items():
            widget = self.controls.get(name)
            if not isinstance(widget, TYPED):
                continue
            if isinstance(widget, w.Dropdown | w.ToggleButtons) \
                    and value not in widget._options_values:
                continue
            try:
                widget.value = value
            except Exception:  # a value the new screen does not take: it keeps its own
                continue
        for name, index in state.panels.items():
            panel = self.controls.get(name)
            if isinstance(panel, w.Accordion):
                panel.selected_index = index
        self.message.restore(state.message, self.tr)
        self._refused = dict(state.refused)
        if state.hint_open:
            self.helpbar.reopen()

    def refresh(self) -> None:
        """Show the current step; raises what the simulator raises (the click shows it)."""
        raise NotImplementedError

    def render(self) -> None:
        """Like :meth:`refresh`, but shows a failure in the message area instead of raising."""
        try:
            self.refresh()
        except Exception as err:
            self.message.show_error(error_text(err, self.tr))


S = TypeVar("S")
V = TypeVar("V", bound=AppView)


@dataclass
class AppHandles(Generic[S, V]):
    """What a test or a lesson needs of an app: the root widget, the controls by name, the
    messages, a re-render, the simulator and the view (each app names its own subclass)."""

    root: w.VBox
    controls: dict[str, w.Widget]
    message: MessageArea
    render: Callable[[], None]
    sim: S
    view: V

    @classmethod
    def build(cls, view: V, sim: S, *, display: bool = False) -> Self:
        """Render ``view`` (shown in a phone frame when ``display``) and hand out its parts.

        Inside :func:`restoring`, the view first takes over the state it was given (once: an
        app the view hands over to is built without it).
        """
        state = _PENDING.get()
        _PENDING.set(None)
        if state is not None:
            view.restore_before(state)
        view.render()
        if state is not None:
            view.restore_after(state)
        if display:
            from IPython.display import display as show

            show(phone_frame([view.root]))  # type: ignore[no-untyped-call]
        return cls(view.root, view.controls, view.message, view.render, sim, view)
