"""The on-screen PIN pad of the bank and signing apps: ten digit keys, «Xóa», six dots.

The digits stay in the kernel (never a synced widget value a browser could read back) and
are sent once (:meth:`PinPad.take`). A view keeps one pad for its lifetime; each screen that
asks for the PIN calls :meth:`PinPad.widgets` for its dots and keys, and the view calls
:meth:`PinPad.detach` before a screen is rebuilt.

>>> from bakhong.widgets.i18n import translator
>>> pad = PinPad(translator("vi"))
>>> for key in "12x3":
...     pad.press(key)()
>>> pad.press("del")()
>>> pad.take(), pad.digits
('12', '')
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import ipywidgets as w

from .i18n import Translator
from .phone import action_button, html_block, on_click

if TYPE_CHECKING:
    from .appview import AppView

__all__ = ["LENGTH", "PinPad"]

LENGTH = 6


class PinPad:
    """One view's pad: the digits typed so far and the dots of the screen on show."""

    def __init__(self, tr: Translator) -> None:
        self.tr = tr
        self.digits = ""
        self.dots: w.HTML | None = None

    def press(self, key: str) -> Callable[[], None]:
        """A key of the pad: a digit, or ``"del"``; at most six digits are kept."""
        def act() -> None:
            if key == "del":
                self.digits = self.digits[:-1]
            elif key.isdigit() and len(self.digits) < LENGTH:
                self.digits += key
            self._draw()
        return act

    def take(self) -> str:
        """The typed PIN, cleared from the pad (it is sent once)."""
        pin, self.digits = self.digits, ""
        self._draw()
        return pin

    def clear(self) -> None:
        self.digits = ""
        self._draw()

    def redraw(self) -> None:
        """Draw the dots again (the digits were given back to a rebuilt view)."""
        self._draw()

    def detach(self) -> None:
        """The screen holding the dots is going: nothing more to draw on."""
        self.dots = None

    def widgets(self, view: AppView, keys: Sequence[tuple[str, str]],
                dots_cls: str) -> tuple[w.HTML, w.GridBox]:
        """The dots and the keys for the screen ``view`` is building, registered with it;
        ``keys`` are ``(key, class)`` pairs in the pad's order."""
        _ = self.tr
        self.dots = html_block("")
        view.keep(dots_cls, self.dots)
        self._draw()
        buttons = []
        for key, cls in keys:
            button = action_button(cls, _("Xóa") if key == "del" else key)
            button.add_class("bk-pin-key")
            on_click(button, self.press(key), view.message, view.tr, repeat=True)
            view.keep(cls, button)
            buttons.append(button)
        pad = w.GridBox(buttons, layout=w.Layout(
            grid_template_columns="repeat(3, 1fr)", grid_gap="8px", width="100%"))
        pad.add_class("bk-pin-pad")
        return self.dots, pad

    def _draw(self) -> None:
        if self.dots is None:
            return
        _ = self.tr
        dots = " ".join("●" if i < len(self.digits) else "○" for i in range(LENGTH))
        label = html.escape(_("Đã nhập {count} trên 6 số").format(count=len(self.digits)))
        self.dots.value = (f'<p class="bk-pin-dots" role="status" aria-live="polite" '
                           f'aria-label="{label}">{dots}</p>')
