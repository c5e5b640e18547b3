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
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from bakhong.simulators.errors import N_, SandboxError

__all__ = ["LANGUAGES", "N_", "Translator", "error_text", "translator"]

DOMAIN: Final = "bakhong"
LANGUAGES: Final = ("vi", "en", "pseudo")
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"

#: Shown for a failure that is not one of the sandbox's typed refusals (a bug).
UNEXPECTED: Final = N_("Đã có lỗi bất ngờ. Vui lòng thử lại, hoặc nhờ người hướng dẫn giúp.")

log = logging.getLogger(__name__)


class UnknownLanguage(ValueError):
    pass


@dataclass(frozen=True)
class Translator:
    """Turns a Vietnamese source string into the learner's language."""

    lang: str
    _catalogue: gettext.NullTranslations

    def __call__(self, message: str) -> str:
        if self.lang == "pseudo":
            return f"{PSEUDO_OPEN}{message}{PSEUDO_CLOSE}"
        return self._catalogue.gettext(message)


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


def error_text(err: BaseException, tr: Translator) -> str:
    """What the learner reads for ``err``: the typed refusal's message, or a generic one.

    Never a traceback: an unexpected exception is logged for the trainer and the
    learner sees :data:`UNEXPECTED`.
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
    log.error("unexpected error in a widget", exc_info=err)
    return tr(UNEXPECTED)
