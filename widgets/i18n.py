"""Translations for the widgets: Vietnamese source strings, an English catalogue, a pseudo-locale.

Every string a learner sees is written in Vietnamese in the code, marked with ``_``
(a local alias of the translator) or ``N_`` (a module-level constant), and
translated through :func:`translator`. The English catalogue is the ``.po`` file
beside this module; it is compiled in memory with Babel the first time it is
needed, so no ``.mo`` file is built or committed.

>>> tr = translator("vi")
>>> tr("Gửi yêu cầu")
'Gửi yêu cầu'
>>> translator("en")("Gửi yêu cầu")
'Send request'
>>> translator("en")("Một câu chưa có bản dịch")  # falls back to the Vietnamese source
'Một câu chưa có bản dịch'
>>> translator("pseudo")("Còn {remaining} lần")
'⟦Còn {remaining} lần⟧'
>>> from bakhong.simulators.vneid import WrongPasscode
>>> error_text(WrongPasscode(remaining=2), translator("en"))
'Wrong passcode. You have 2 tries left.'
>>> error_text(RuntimeError("boom"), tr)
'Đã có lỗi bất ngờ. Vui lòng thử lại, hoặc nhờ người hướng dẫn giúp.'
"""

from __future__ import annotations

import gettext
import io
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from bakhong.simulators.errors import N_, SandboxError

__all__ = ["LANGUAGES", "N_", "Translator", "error_text", "recording", "relocalizer", "translator"]

DOMAIN: Final = "bakhong"
LANGUAGES: Final = ("vi", "en", "pseudo")
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"

#: Shown for a failure that is not one of the sandbox's typed refusals (a bug).
UNEXPECTED: Final = N_("Đã có lỗi bất ngờ. Vui lòng thử lại, hoặc nhờ người hướng dẫn giúp.")

log = logging.getLogger(__name__)

#: While :func:`recording` runs: every (source, translation) a translator gave, in order.
_RECORDING: ContextVar[list[tuple[str, str]] | None] = ContextVar("bakhong_recording",
                                                                  default=None)


class UnknownLanguage(ValueError):
    pass


@dataclass(frozen=True)
class Translator:
    """Turns a Vietnamese source string into the learner's language."""

    lang: str
    _catalogue: gettext.NullTranslations

    def __call__(self, message: str) -> str:
        if self.lang == "pseudo":
            said = f"{PSEUDO_OPEN}{message}{PSEUDO_CLOSE}"
        else:
            said = self._catalogue.gettext(message)
            if said == message and TITLED in message:
                said = self._titled(message)
        calls = _RECORDING.get()
        if calls is not None:
            calls.append((message, said))
        return said


    def _titled(self, message: str) -> str:
        """A title the simulators stored with its particular filled in, from a catalogued
        ``"<name> – {x}"`` (a contract's address): translated by its template.

        >>> translator("en")("Hợp đồng thuê nhà – Số 27, tổ dân phố 4, phường Hàm Rồng")
        'Rental contract – Số 27, tổ dân phố 4, phường Hàm Rồng'
        >>> translator("en")("Chưa có trong danh mục – gì đó")
        'Chưa có trong danh mục – gì đó'
        """
        head, tail = message.split(TITLED, 1)
        for template in _templates(self.lang).get(head, ()):
            said = self._catalogue.gettext(template)
            if said != template:
                return said.replace(template[len(head) + len(TITLED):], tail, 1)
        return message


#: What joins a stored title's name and its particular (``"Hợp đồng thuê nhà – {address}"``).
TITLED = " – "


@cache
def _templates(lang: str) -> dict[str, tuple[str, ...]]:
    """The catalogue's ``"<name> – {placeholder}"`` messages of ``lang``, by name."""
    found: dict[str, list[str]] = {}
    catalogue = _catalogue(lang)
    for message in getattr(catalogue, "_catalog", {}):
        if isinstance(message, str) and TITLED in message:
            head, tail = message.split(TITLED, 1)
            if tail.startswith("{") and tail.endswith("}") and tail.count("{") == 1:
                found.setdefault(head, []).append(message)
    return {head: tuple(messages) for head, messages in found.items()}


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``, read once per process."""
    if lang in ("vi", "pseudo"):
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = resources.files(__package__).joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po")
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translator(lang: str) -> Translator:
    """The translator for ``lang``: ``"vi"`` (identity), ``"en"`` or ``"pseudo"`` (for tests)."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)
    return Translator(lang, _catalogue(lang))


def error_text(err: BaseException, tr: Translator, *, log_unexpected: bool = True) -> str:
    """What the learner reads for ``err``: the typed refusal's message, or a generic one.

    Never a traceback: an unexpected exception is logged for the trainer (once: not when
    the message is only said again in another language) and the learner sees
    :data:`UNEXPECTED`.
    """
    if isinstance(err, SandboxError):
        # a parameter may itself be a source string (the reason a QR code was refused)
        params = {key: tr(value) if isinstance(value, str) else value
                  for key, value in (getattr(err, "params", {}) or {}).items()}
        text = tr(err.message)
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            log.warning("message %r does not take params %r", err.message, params)
            return text
    if log_unexpected:
        log.error("unexpected error in a widget", exc_info=err)
    return tr(UNEXPECTED)


@contextmanager
def recording() -> Iterator[list[tuple[str, str]]]:
    """Note every string translated meanwhile, as (source, translation), to say a line built
    from them again in another language (:func:`relocalizer`)."""
    calls: list[tuple[str, str]] = []
    token = _RECORDING.set(calls)
    try:
        yield calls
    finally:
        _RECORDING.reset(token)


_FIELD = re.compile(r"\{(\w+)\}")


def relocalizer(text: str, calls: list[tuple[str, str]]) -> Callable[[Translator], str] | None:
    """How to say ``text`` in another language, when it was made from the translations
    ``calls`` recorded (:func:`recording`): one of them, or one of them with its
    ``{fields}`` filled (a field that was itself a translation is translated again).
    ``None`` when ``text`` is not one of those.

    >>> en, vi = translator("en"), translator("vi")
    >>> with recording() as calls:
    ...     said = en("Còn {remaining} lần nhập mã PIN.").format(remaining=2)
    >>> relocalizer(said, calls)(vi)
    'Còn 2 lần nhập mã PIN.'
    >>> relocalizer("something else", calls) is None
    True
    """
    source_of: dict[str, str] = {}
    for source, said in calls:
        source_of.setdefault(said, source)
    if text in source_of:
        source = source_of[text]
        return lambda tr: tr(source)
    for source, said in reversed(calls):
        pattern = _template(said)
        found = re.fullmatch(pattern, text, flags=re.S) if pattern else None
        if found is None:
            continue
        params = found.groupdict()

        def again(tr: Translator, source: str = source,
                  params: dict[str, str] = params) -> str:
            values = {key: tr(source_of[value]) if value in source_of else value
                      for key, value in params.items()}
            try:
                return tr(source).format(**values)
            except (KeyError, IndexError, ValueError):
                return text
        return again
    return None


def _template(said: str) -> str | None:
    """A translation with ``{fields}`` as a pattern that captures them (``None`` without)."""
    parts = re.split(r"(\{\w+\})", said)
    if len(parts) == 1 or "{" in "".join(parts[::2]) or "}" in "".join(parts[::2]):
        return None
    seen: set[str] = set()
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(re.escape(part))
            continue
        name = part[1:-1]
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
    return "".join(out)
