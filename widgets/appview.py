"""What every practice app's view shares: named controls, safe buttons, one screen at a time.

An app view (VNeID, the bank) keeps no flow state of its own: its ``refresh`` reads
the simulator's status and calls :meth:`AppView.show` with a *signature* of what the
screen displays and a function that builds it. The screen is rebuilt only when the
signature changes, so a refused click keeps what the learner typed.

Controls of the current screen are registered by their stable class
(``bk-<app>-<control>``, ``docs/css-classes.md``) under the name without the prefix,
so tests and lessons reach them as ``view.controls["pay"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar

import ipywidgets as w

from bakhong.simulators.errors import SandboxError

from .helpbar import OFFER_AFTER, HelpBar
from .i18n import Translator, error_text
from .phone import MessageArea, action_button, close_tree, on_click, phone_frame, text_input

__all__ = ["AppHandles", "AppView", "StepHelp"]


@dataclass(frozen=True)
class StepHelp:
    """What a step asks of the learner, in one or two short sentences, and a hint.

    Both are Vietnamese source strings (``N_``); the help bar under the screen shows
    the instruction, reads it aloud on request and opens the hint (by itself after two
    refused tries at the same step).
    """

    instruction: str
    hint: str


class AppView:
    """Base of the apps' views; subclasses set :attr:`prefix` and write :meth:`refresh`."""

    #: The class prefix of the app's controls, e.g. ``"bk-bank-"``.
    prefix: ClassVar[str] = "bk-"
    #: Help for each step, keyed by ``str(signature[0])`` of the screen on show, or by
    #: ``"<step>.<panel>"`` for a panel of the step (a view with a ``panel`` attribute).
    step_help: ClassVar[Mapping[str, StepHelp]] = {}
    #: The lesson whose evidence the help bar's events join (none recorded when empty);
    #: the view's ``sim`` attribute gives the store, the clock and the learner.
    lesson: ClassVar[str] = ""
    #: The app's whole phone screen; the subclass's constructor builds it.
    root: w.VBox

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
        self.helpbar = HelpBar(tr, self._help_event)
        self.controls.update(self.helpbar.controls)

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
              secret: bool = False) -> w.Text | w.Password:
        field = text_input(cls, label, placeholder, secret=secret)
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

    # -- rendering -----------------------------------------------------------------------

    @property
    def shown(self) -> tuple[Any, ...] | None:
        """The signature of the screen on show (``None`` before the first one)."""
        return self._shown

    def show(self, signature: tuple[Any, ...], build: Callable[[], list[w.Widget]]) -> bool:
        """Swap in the screen ``build`` makes, unless ``signature`` is the one on show.

        Returns whether the screen was rebuilt. The old screen's widgets are closed.
        """
        if signature == self._shown:
            return False
        for name in self._screen_names:
            self.controls.pop(name, None)
        self._screen_names = []
        self._below = []
        old = (*self.screen.children,
               *(c for c in self.below.children if c is not self.helpbar.root))
        self.screen.children = tuple(build())
        self.below.children = (*self._below, self.helpbar.root)
        for widget in old:
            close_tree(widget)
        self._shown = signature
        key = self.help_key()
        if key != self.helpbar.key:
            self._refused = {}
        self.helpbar.set_step(key, self.step_help.get(key))
        return True

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
        """Render ``view`` (shown in a phone frame when ``display``) and hand out its parts."""
        view.render()
        if display:
            from IPython.display import display as show

            show(phone_frame([view.root]))  # type: ignore[no-untyped-call]
        return cls(view.root, view.controls, view.message, view.render, sim, view)
