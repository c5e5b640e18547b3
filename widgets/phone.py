"""The phone frame and the controls every screen is built from.

A screen is 360 px wide at most, uses the system font at 18 px, has touch targets
at least 48 px tall (``bakhong.css``), and starts with the «MÔ PHỎNG» badge, so
no screen can pass for the real app. Every control a learner operates carries a
stable class ``bk-<app>-<control>`` (listed in ``docs/css-classes.md``) and a
label a screen reader can read.

Button handlers go through :func:`on_click`, which ignores a click on a disabled
button (Voila passes widget messages, so a crafted one can click it), disables the
button while the call runs, catches every exception and shows it as a Vietnamese (or
English) message: Voila would otherwise show an English traceback banner.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache, partial
from importlib import resources
from typing import Any

import ipywidgets as w

from .i18n import N_, Translator, error_text, recording, relocalizer

__all__ = [
    "MessageArea",
    "action_button",
    "badge",
    "choice_list",
    "clock_time",
    "close_tree",
    "facts",
    "format_phone",
    "html_block",
    "inbox_panel",
    "language_bar",
    "on_click",
    "page_script",
    "paragraph",
    "phone_frame",
    "run_safely",
    "screen_title",
    "show_sms",
    "stylesheet",
    "text_input",
    "vn_date",
    "walk",
    "zoom_button",
]

log = logging.getLogger(__name__)

#: Languages offered by the switch, in order, each named in its own language, with its class.
LANGUAGE_NAMES = (("vi", N_("Tiếng Việt"), "bk-common-lang-vi"),
                  ("en", N_("English"), "bk-common-lang-en"))


@lru_cache(maxsize=1)
def _css() -> str:
    return resources.files(__package__ or "bakhong.widgets").joinpath("bakhong.css").read_text(
        encoding="utf-8")


def stylesheet() -> w.HTML:
    """The one stylesheet, read once per process, as a widget to put in a frame."""
    return w.HTML(f"<style>{_css()}</style>", layout=w.Layout(display="none"))


def phone_frame(children: Iterable[w.Widget]) -> w.VBox:
    """A phone-sized column holding the stylesheet and ``children``."""
    frame = w.VBox([stylesheet(), *children])
    frame.add_class("bk-phone")
    return frame


def html_block(markup: str, *classes: str) -> w.HTML:
    """An HTML widget; ``markup`` must already be escaped."""
    block = w.HTML(markup, layout=w.Layout(width="100%"))
    for cls in classes:
        block.add_class(cls)
    return block


def audio_player(data: bytes) -> w.Audio:
    """A WAV read aloud (:mod:`.speech`), playing at once, with its controls to replay it."""
    audio = w.Audio(value=data, format="wav", autoplay=True, loop=False, controls=True,
                    layout=w.Layout(width="100%"))
    audio.add_class("bk-common-audio-player")
    return audio


def paragraph(text: str, css: str = "") -> w.HTML:
    return html_block(f'<p class="{css}">{html.escape(text)}</p>' if css
                      else f"<p>{html.escape(text)}</p>")


def screen_title(text: str) -> w.HTML:
    return html_block(f'<h2 class="bk-title">{html.escape(text)}</h2>')


def badge(tr: Translator) -> w.HTML:
    """The «MÔ PHỎNG» mark and its short line; the first thing on every screen."""
    _ = tr
    mark = html.escape(_("MÔ PHỎNG"))
    note = html.escape(_("Ứng dụng luyện tập – không phải ứng dụng thật"))
    block = html_block(f'<div class="bk-badge-row" role="note"><span class="bk-badge">{mark}'
                       f'</span><span class="bk-badge-note">{note}</span></div>')
    block.add_class("bk-common-badge")
    return block


def action_button(cls: str, label: str, *, primary: bool = False, icon: str = "") -> w.Button:
    """A full-width button, 48 px tall or more; ``primary`` for the screen's main action."""
    button = w.Button(description=label, tooltip=label, icon=icon,
                      button_style="primary" if primary else "",
                      layout=w.Layout(width="100%", height="auto"))
    button.add_class(cls)
    if primary:
        button.add_class("bk-primary")
    return button


#: What a field holds, and the class that brings up the phone's number pad for it
#: (:data:`.page_script.SCRIPT` sets ``inputmode`` from it: ipywidgets' Text has no such trait).
KEYPADS = {"": "", "numeric": "bk-numeric", "otp": "bk-otp"}


def text_input(cls: str, label: str, placeholder: str = "", *,
               secret: bool = False, keypad: str = "") -> w.Text | w.Password:
    """A labelled input, label above the field; ``secret`` hides what is typed.

    ``keypad="numeric"`` for a number (ID number, phone, PIN, passcode, amount, count):
    the phone shows its number pad; ``"otp"`` for a code from an SMS, which the phone may
    also offer to fill in from the message.
    """
    kind = w.Password if secret else w.Text
    field = kind(description=label, placeholder=placeholder, description_allow_html=False,
                 style={"description_width": "initial"}, layout=w.Layout(width="100%"))
    field.add_class(cls)
    field.add_class("bk-field")
    if KEYPADS[keypad]:
        field.add_class(KEYPADS[keypad])
    return field


def choice_list(cls: str, label: str, options: Iterable[tuple[str, Any]],
                value: Any = None) -> w.ToggleButtons:
    """A choice as a list of full-width buttons, the chosen one filled (``bk-choices``).

    A dropdown shows its chosen option on one line and cuts a long one on a 360 px phone
    (and more so with large text); here every option is whole and a large target. The
    options are ``(label, value)``; ``value`` not among them chooses none (``None``).
    """
    pairs = list(options)
    values = [v for _label, v in pairs]
    choice = w.ToggleButtons(options=pairs, value=value if value in values else None,
                             description=label, description_allow_html=False,
                             style={"description_width": "initial", "button_width": "100%"},
                             layout=w.Layout(width="100%"))
    choice.add_class(cls)
    choice.add_class("bk-field")
    choice.add_class("bk-choices")
    return choice


def zoom_button(pictures: w.HTML, tr: Translator) -> w.ToggleButton:
    """«🔍 Phóng to» over a document's page pictures: twice as large, moved sideways with a
    finger inside their frame (the page itself never scrolls sideways); «Thu nhỏ» back."""
    _ = tr
    bigger, smaller = "🔍 " + _("Phóng to"), _("Thu nhỏ")
    button = w.ToggleButton(value=False, description=bigger, tooltip=_("Phóng to trang giấy tờ"),
                            layout=w.Layout(width="100%"))
    button.add_class("bk-common-zoom")

    def changed(change: dict[str, Any]) -> None:
        (pictures.add_class if change["new"] else pictures.remove_class)("bk-zoomed")
        button.description = smaller if change["new"] else bigger
    button.observe(changed, names="value")
    return button


class MessageArea:
    """Where a screen tells the learner what happened: errors in red, information in green.

    ``kind`` and ``text`` hold what is shown, for tests. «Đã hiểu» closes it.
    """

    def __init__(self, tr: Translator) -> None:
        _ = tr
        self.kind = ""
        self.text = ""
        #: Says the message again in another language (``None``: it cannot be).
        self.again: Callable[[Translator], str] | None = None
        self.html = html_block("")
        self.html.add_class("bk-common-message")
        self.dismiss = action_button("bk-common-dismiss", _("Đã hiểu"))
        self.dismiss.on_click(lambda _b: self.clear())
        self.root = w.VBox([self.html, self.dismiss], layout=w.Layout(width="100%"))
        self.clear()

    def _show(self, kind: str, text: str,
              again: Callable[[Translator], str] | None = None) -> None:
        self.kind, self.text, self.again = kind, text, again
        role = 'role="alert" aria-live="assertive"' if kind == "error" else (
            'role="status" aria-live="polite"')
        icon = "⚠️ " if kind == "error" else "✅ "
        self.html.value = (f'<div class="bk-msg bk-msg-{kind}" {role}>'
                           f"{icon}{html.escape(text)}</div>")
        self.dismiss.layout.display = None

    def show_error(self, text: str, again: Callable[[Translator], str] | None = None) -> None:
        self._show("error", text, again)

    def show_info(self, text: str, again: Callable[[Translator], str] | None = None) -> None:
        self._show("info", text, again)

    def snapshot(self) -> tuple[str, str, Callable[[Translator], str] | None]:
        """What is shown, to show it again on a page rebuilt in another language."""
        return self.kind, self.text, self.again

    def restore(self, shown: tuple[str, str, Callable[[Translator], str] | None],
                tr: Translator) -> None:
        """Show ``shown`` (a :meth:`snapshot`) again, said in ``tr``'s language when it can be."""
        kind, text, again = shown
        if not kind:
            self.clear()
            return
        try:
            text = again(tr) if again is not None else text
        except Exception:  # the old words are better than none
            log.exception("could not say a message again")
        self._show(kind, text, again)

    def clear(self) -> None:
        self.kind, self.text, self.again = "", "", None
        self.html.value = '<div role="status" aria-live="polite"></div>'
        self.dismiss.layout.display = "none"


def run_safely(action: Callable[[], str | None], message: MessageArea, tr: Translator, *,
               after: Callable[[], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
    """Run ``action`` (a learner's tap or upload) and show its outcome; never raises.

    ``action`` calls the simulator and returns an already translated line to show
    in green, or ``None``. ``after`` (usually the view's ``refresh``) runs whether
    the action succeeded or not, since a refusal may have changed the state.
    """
    failure: BaseException | None = None
    info: str | None = None
    with recording() as said:  # to say the outcome again after a language switch
        try:
            message.clear()
            info = action()
        except Exception as err:
            failure = err
    try:
        if after is not None:
            after()
    except Exception as err:
        failure = failure or err
    try:
        if failure is not None:
            if on_error is not None:
                on_error(failure)
            message.show_error(error_text(failure, tr), again=partial(say_error, failure))
        elif info:
            message.show_info(info, again=relocalizer(info, said))
    except Exception:
        log.exception("could not show the outcome of an action")


def say_error(err: BaseException, tr: Translator) -> str:
    """``err``'s message in ``tr``'s language, said again (:attr:`MessageArea.again`): the
    unexpected ones were logged the first time."""
    return error_text(err, tr, log_unexpected=False)


def on_click(button: w.Button, action: Callable[[], str | None], message: MessageArea,
             tr: Translator, *, after: Callable[[], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None,
             repeat: bool = False) -> None:
    """Run ``action`` safely (:func:`run_safely`) when ``button`` is clicked.

    The button is disabled while the call runs, so a double tap does not act twice. A
    click on a disabled button does nothing: the browser sends none, so it is a crafted
    widget message (the server side decides what may be clicked, never the page).

    ``repeat`` is for keys meant to be tapped again at once (a PIN pad's «0» for «000000»):
    they are never disabled, since the browser drops a tap that lands while the «disabled»
    of the tap before is on its way to the phone and back.
    """
    def handler(_button: object) -> None:
        if button.disabled:
            log.info("a click on the disabled button %s was ignored", button._dom_classes)
            return
        if repeat:
            run_safely(action, message, tr, after=after, on_error=on_error)
            return
        button.disabled = True
        try:
            run_safely(action, message, tr, after=after, on_error=on_error)
        finally:
            button.disabled = False
    button.on_click(handler)


def language_bar(current: str, on_change: Callable[[str], None], tr: Translator,
                 message: MessageArea) -> tuple[w.HBox, dict[str, w.Button]]:
    """«Tiếng Việt | English»; the current language is highlighted."""
    _ = tr
    buttons: dict[str, w.Button] = {}
    for lang, name, cls in LANGUAGE_NAMES:
        button = action_button(cls, _(name))
        button.tooltip = _("Chọn ngôn ngữ")
        if lang == current:
            button.add_class("bk-selected")
        on_click(button, partial(on_change, lang), message, tr)
        buttons[lang] = button
    bar = w.HBox(list(buttons.values()), layout=w.Layout(width="100%"))
    bar.add_class("bk-langbar")
    return bar, buttons



def inbox_panel(cls: str) -> w.Accordion:
    """The phone's SMS inbox, a folded panel above the screen; fill it with :func:`show_sms`."""
    inbox = w.Accordion([html_block("")], selected_index=None, layout=w.Layout(width="100%"))
    inbox.add_class(cls)
    return inbox


def _sms_html(sender: str, body: str, at: str, age: str) -> str:
    return (f'<div class="bk-sms {age}"><div class="bk-sms-head"><b>{html.escape(sender)}</b>'
            f" · {html.escape(clock_time(at))}</div>"
            f'<div class="bk-sms-body">{html.escape(body)}</div></div>')


def show_sms(inbox: w.Accordion, messages: Iterable[tuple[str, str, str]], tr: Translator,
             seen: int, *, notify: bool = True) -> int:
    """Show ``(sender, body, at)`` messages (oldest first) newest first in ``inbox``.

    The newest is shown whole; the older ones fold under «Tin nhắn cũ hơn», so the panel
    stays short above the screen. ``seen`` is how many were shown before (``-1``: none
    yet, the first render); a new one opens the panel, like a notification, unless
    ``notify`` is false (it came while the learner did nothing: the screen must not move).
    Returns how many are shown now.
    """
    _ = tr
    newest = list(reversed(list(messages)))
    if newest:
        content = _sms_html(*newest[0], age="bk-sms-new")
        if len(newest) > 1:
            older = html.escape(_("Tin nhắn cũ hơn ({count})").format(count=len(newest) - 1))
            content += (f'<details class="bk-sms-older"><summary>{older}</summary>'
                        + "".join(_sms_html(*sms, age="bk-sms-old") for sms in newest[1:])
                        + "</details>")
    else:
        content = "<p>" + html.escape(_("Chưa có tin nhắn.")) + "</p>"
    inbox.children[0].value = f'<div role="log">{content}</div>'
    inbox.titles = (_("Tin nhắn SMS ({count})").format(count=len(newest)),)
    if notify and 0 <= seen < len(newest):
        inbox.selected_index = 0
    return len(newest)


def page_script() -> bytes:
    """The script :mod:`bakhong.serving` puts in every lesson page (:mod:`.page_script`)."""
    from .page_script import SCRIPT

    return b"<script>" + SCRIPT.encode("utf-8") + b"</script>"


def format_phone(phone: str) -> str:
    """The number in groups of 4-3-3, easier to read and to copy.

    >>> format_phone("0100876995")
    '0100 876 995'
    """
    return f"{phone[:4]} {phone[4:7]} {phone[7:]}" if len(phone) == 10 else phone


def facts(rows: Iterable[tuple[str, str]]) -> str:
    """Label and value, one line each (a narrow screen has no room for two columns)."""
    def value_html(value: str) -> str:
        # a number, a date or an amount stays on one line («18.000 đ», «000 1 95 823249»)
        keep = ' style="white-space: nowrap"' if re.fullmatch(r"[\d /.,:]+(?: đ)?", value) \
            else ""
        return f'<span class="bk-value"{keep}>{html.escape(value)}</span>'
    return "".join(f'<p><span class="bk-key">{html.escape(key)}:</span> {value_html(value)}</p>'
                   for key, value in rows)


def clock_time(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M")


def vn_date(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def walk(widget: Any) -> Iterable[Any]:
    """``widget`` and every widget inside it, depth first."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def close_tree(widget: Any) -> None:
    """Close ``widget`` and everything inside it (their comms), once it is off the screen."""
    for item in list(walk(widget)):
        for part in (getattr(item, "layout", None), getattr(item, "style", None), item):
            if isinstance(part, w.Widget):
                part.close()
