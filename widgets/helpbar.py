"""The help bar under every practice app's screen: the step's hint, and the step read aloud.

Three buttons, always in the same place under the message: «💡 Gợi ý» opens (and closes)
a panel with what the step asks and its hint; «❓ Từ khó» opens the plain words for the hard
words on the screen (:mod:`.glossary`: OTP, passcode, mã QR, an error code…; the view
tells the bar what is on show through :attr:`HelpBar.screen_text`); «🔊 Đọc hướng dẫn»
reads the instruction aloud (and the hint and the hard words too while their panels are
open) with the offline voice of
:mod:`.speech`. After two refused tries at the same step the app opens the panel by
itself with «Bạn đã thử 2 lần …» (:meth:`HelpBar.offer`), and the view records it so
that the trainer's dashboard flags the learner (``grading.progress``, kind ``hint``).

The bar knows nothing of the apps: the view tells it the step on show
(:meth:`HelpBar.set_step`) and what to record (``on_event``).

>>> from bakhong.widgets.appview import StepHelp
>>> from bakhong.widgets.i18n import translator
>>> seen = []
>>> bar = HelpBar(translator("vi"), lambda task, key: seen.append((task, key)))
>>> bar.set_step("otp", StepHelp("Nhập mã OTP.", "Mã ở trong tin nhắn SMS."))
>>> bar.controls["hint"].click()
>>> bar.is_open, "Mã ở trong tin nhắn SMS." in bar.panel.value, seen
(True, True, [('help_hint_opened', 'otp')])
>>> bar.screen_text = lambda: "Nhập mã OTP"
>>> bar.controls["glossary"].click()
>>> bar.glossary_open, "Mã số dùng một lần" in bar.glossary.value
(True, True)
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators.evidence import HINT_OFFERED, HINT_OPENED, READ_ALOUD

from . import glossary, speech
from .i18n import Translator
from .phone import MessageArea, action_button, audio_player, close_tree, on_click

if TYPE_CHECKING:
    from .appview import StepHelp

__all__ = ["OFFER_AFTER", "HelpBar"]

#: Refused tries at one step after which the hint opens by itself.
OFFER_AFTER = 2

#: Records a help event: (task in ``evidence.HELP_TASKS``, help key of the step).
HelpEvent = Callable[[str, str], None]


class HelpBar:
    """The bar and its panel; ``root`` goes under the app's message area."""

    def __init__(self, tr: Translator, on_event: HelpEvent) -> None:
        _ = tr
        self.tr, self.on_event = tr, on_event
        self.key = ""
        self.help: StepHelp | None = None
        self.is_open = False
        self.offered = False
        self.message = MessageArea(tr)  # the bar's own failures (no voice on this laptop)
        self.hint_button = action_button("bk-common-hint", "💡 " + _("Gợi ý"))
        self.hint_button.tooltip = _("Mở gợi ý cho bước này")
        self.speak_button = action_button("bk-common-speak", "🔊 " + _("Đọc hướng dẫn"))
        self.speak_button.tooltip = _("Nghe đọc hướng dẫn của bước này")
        self.glossary_button = action_button("bk-common-glossary", "❓ " + _("Từ khó"))
        self.glossary_button.tooltip = _("Giải thích các từ khó trên màn hình này")
        #: What the screen shows now, as text (set by the view); the glossary's words are
        #: looked for in it when the learner opens the panel.
        self.screen_text: Callable[[], str] = lambda: ""
        self.glossary_open = False
        self.found: list[glossary.Term] = []  # the hard words of the open glossary
        self.glossary = w.HTML("", layout=w.Layout(width="100%", display="none"))
        self.glossary.add_class("bk-common-glossary-panel")
        on_click(self.glossary_button, self.toggle_glossary, self.message, tr)
        on_click(self.hint_button, self.toggle, self.message, tr)
        on_click(self.speak_button, self.speak, self.message, tr)
        self.panel = w.HTML("", layout=w.Layout(width="100%", display="none"))
        self.panel.add_class("bk-common-hint-panel")
        self.player = w.Box([], layout=w.Layout(width="100%"))
        self.player.add_class("bk-common-audio")
        buttons = w.HBox([self.hint_button, self.glossary_button, self.speak_button],
                         layout=w.Layout(width="100%"))
        buttons.add_class("bk-helpbar-buttons")
        self.root = w.VBox([buttons, self.panel, self.glossary, self.player, self.message.root],
                           layout=w.Layout(width="100%", display="none"))
        self.root.add_class("bk-helpbar")
        self.controls: dict[str, w.Widget] = {
            "hint": self.hint_button, "speak": self.speak_button,
            "glossary": self.glossary_button, "glossary-panel": self.glossary,
            "hint-panel": self.panel, "audio": self.player, "help-message": self.message.html}

    # -- what the view tells the bar -----------------------------------------------------

    def set_step(self, key: str, help: StepHelp | None) -> None:
        """A new step is on show: the panel closes, the player empties, the count restarts."""
        if key == self.key and help == self.help:
            return
        self.key, self.help, self.offered = key, help, False
        self.root.layout.display = "none" if help is None else ""
        self._close()
        self._close_glossary()
        self._stop()
        self.message.clear()

    def offer(self) -> None:
        """Open the hint by itself (two refused tries), once per visit of the step."""
        if self.help is None or self.offered:
            return
        self.offered = True
        self._open(offered=True)
        self.on_event(HINT_OFFERED, self.key)

    def reopen(self) -> None:
        """Open the hint again on a page rebuilt in another language (no event: the learner
        opened it already)."""
        if self.help is not None and not self.is_open:
            self._open(offered=False)

    # -- what the learner does -----------------------------------------------------------

    def toggle(self) -> None:
        if self.is_open:
            self._close()
            return
        if self.help is not None:
            self._open(offered=False)
            self.on_event(HINT_OPENED, self.key)

    def toggle_glossary(self) -> None:
        """Open (or close) the plain words for the hard words on the screen now."""
        if self.glossary_open:
            self._close_glossary()
            return
        self.found = found = glossary.terms_in(self.screen_text())
        self.glossary.value = glossary.glossary_html(self.tr, found)
        self.glossary.layout.display = ""
        self.glossary_open = True
        self.glossary_button.add_class("bk-selected")

    def speak(self) -> None:
        """Play the step's instruction (and the hint when it is open) in the page's language."""
        if self.help is None:
            return
        _ = self.tr
        text = _(self.help.instruction)
        if self.is_open:
            text = f"{text} {_('Gợi ý')}: {_(self.help.hint)}"
        if self.glossary_open:  # the hard words on the screen, read after the instruction
            text += "".join(f" {t.heading(self.tr)}: {_(t.text)}" for t in self.found)
        data = speech.audio_for(text, self.tr.lang)
        self._stop()
        self.player.children = (audio_player(data),)
        self.on_event(READ_ALOUD, self.key)

    # -- drawing -------------------------------------------------------------------------

    def _open(self, *, offered: bool) -> None:
        assert self.help is not None
        _ = self.tr
        offer = html.escape(_("Bạn đã thử 2 lần mà chưa được. Đây là gợi ý cho bạn:"))
        intro = f'<p class="bk-hint-offer"><b>{offer}</b></p>' if offered else ""
        title, todo = html.escape(_("Gợi ý")), html.escape(_("Việc cần làm"))
        instruction, hint = html.escape(_(self.help.instruction)), html.escape(_(self.help.hint))
        self.panel.value = (
            f'<section class="bk-hint-box" role="region" aria-live="polite" aria-label="{title}">'
            f"{intro}<p><b>{todo}:</b> {instruction}</p><p><b>{title}:</b> {hint}</p></section>")
        self.panel.layout.display = ""
        self.is_open = True
        self.hint_button.add_class("bk-selected")

    def _close(self) -> None:
        self.panel.layout.display = "none"
        self.is_open = False
        self.hint_button.remove_class("bk-selected")

    def _close_glossary(self) -> None:
        self.glossary.layout.display = "none"
        self.glossary_open = False
        self.glossary_button.remove_class("bk-selected")

    def _stop(self) -> None:
        old = self.player.children
        self.player.children = ()
        for widget in old:
            close_tree(widget)
