"""Step instructions read aloud, offline: espeak-ng's voices, cached as WAV files.

A learner who reads with difficulty taps «🔊 Đọc hướng dẫn» and hears the step's
instruction in the page's language: Vietnamese with espeak-ng's Northern voice (``vi``,
Debian's ``espeak-ng-data``), English with ``en``. Nothing leaves the laptop: the
speech is synthesised here, once per text, and kept as a file named by the hash of the
voice, the rate and the text, so the next learner at the same step is served from the
cache (a sentence takes about 20 ms to make and 100-250 kB as 22 kHz mono WAV, which
every phone browser plays).

The cache lives in ``$BAKHONG_AUDIO_CACHE``, else ``WORKSHOP/audio`` under a served
workshop (``BAKHONG_WORKSHOP``), else ``~/.cache/bakhong/audio``. :func:`prepare` fills
it ahead of a workshop (``bakhong serve`` calls it for every step's instruction).

>>> import tempfile
>>> cache = Path(tempfile.mkdtemp())
>>> if available():
...     data = audio_for("Bấm «Tiếp tục».", "vi", cache)
...     assert data[:4] == b"RIFF" and len(list(cache.glob("*.wav"))) == 1
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from bakhong.simulators.errors import N_, SandboxError

__all__ = ["RATE", "VOICES", "SpeechUnavailable", "audio_for", "available", "cache_dir",
           "prepare", "speakable"]

#: espeak-ng voice per page language.
VOICES = {"vi": "vi", "en": "en"}
#: Words per minute: slower than espeak-ng's 175, for older listeners.
RATE = 135
_TIMEOUT_S = 30
_CACHE_ENV = "BAKHONG_AUDIO_CACHE"


class SpeechUnavailable(SandboxError):
    """No speech engine on this laptop, or it failed on the text."""

    code = "speech.unavailable"
    message = N_("Máy của lớp học chưa đọc được hướng dẫn. Bạn hãy nhờ người hướng dẫn "
                 "đọc giúp.")


def available() -> bool:
    """Whether espeak-ng is installed (Debian's ``espeak-ng`` package)."""
    return shutil.which("espeak-ng") is not None


def cache_dir() -> Path:
    """Where spoken instructions are kept (see the module's docstring)."""
    if os.environ.get(_CACHE_ENV):
        return Path(os.environ[_CACHE_ENV])
    if os.environ.get("BAKHONG_WORKSHOP"):
        return Path(os.environ["BAKHONG_WORKSHOP"]) / "audio"
    return Path.home() / ".cache" / "bakhong" / "audio"


def speakable(text: str) -> str:
    """The text as the engine should read it: guillemets and arrows are not read out.

    >>> speakable("Bấm «Quét QR» → chọn ảnh.")
    'Bấm Quét QR, chọn ảnh.'
    """
    for mark, said in (("«", ""), ("»", ""), (" → ", ", "), ("→", ", "), ("💡", ""),
                       ("🔊", ""), ("✓", "")):
        text = text.replace(mark, said)
    return " ".join(text.split())


def _path(text: str, voice: str, cache: Path) -> Path:
    key = hashlib.sha256(f"espeak-ng|{voice}|{RATE}|{text}".encode()).hexdigest()[:32]
    return cache / f"{voice}-{key}.wav"


#: this process's own audio folder, once made (:func:`_own_folder`)
_OWN: list[Path] = []


def _own_folder() -> Path:
    """A private folder of this process (``tempfile.mkdtemp``: mode 0700; in a page kernel,
    inside its own temporary folder) for audio the shared cache would not take."""
    if not _OWN:
        _OWN.append(Path(tempfile.mkdtemp(prefix="bakhong-audio-")))
    return _OWN[0]


def audio_for(text: str, lang: str, cache: Path | None = None) -> bytes:
    """The WAV bytes of ``text`` read in ``lang``, from the cache or made now.

    Raises :class:`SpeechUnavailable` when espeak-ng is missing or fails.
    """
    voice = VOICES.get(lang, VOICES["vi"])
    spoken = speakable(text)
    folder = cache if cache is not None else cache_dir()
    # a page kernel under serve reads the shared cache only (bakhong.page_kernel): what is
    # not there yet it makes in a folder of its own (:func:`_own_folder`), never where
    # others would hear it
    for place in (folder, *_OWN):
        path = _path(spoken, voice, place)
        try:
            return path.read_bytes()
        except OSError:  # not there, or not this process's to read
            continue
    engine = shutil.which("espeak-ng")
    if engine is None or not spoken:
        raise SpeechUnavailable()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=folder, suffix=".part")
    except PermissionError:
        folder = _own_folder()
        handle, partial = tempfile.mkstemp(dir=folder, suffix=".part")
    path = _path(spoken, voice, folder)
    os.close(handle)
    try:
        # the text goes on stdin: never parsed as options, whatever it starts with
        subprocess.run([engine, "-v", voice, "-s", str(RATE), "-w", partial, "--stdin"],
                       input=spoken.encode("utf-8"), check=True, timeout=_TIMEOUT_S,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        data = Path(partial).read_bytes()
        if not data.startswith(b"RIFF"):
            raise SpeechUnavailable()
        os.replace(partial, path)  # atomic: two learners at once never read half a file
    except (OSError, subprocess.SubprocessError) as err:
        raise SpeechUnavailable() from err
    finally:
        Path(partial).unlink(missing_ok=True)
    return data


def prepare(texts: Iterable[tuple[str, str]], cache: Path | None = None) -> int:
    """Make the audio of every ``(text, lang)`` not cached yet; returns how many were made.

    Does nothing without espeak-ng (the button then says so to the learner).
    """
    if not available():
        return 0
    folder = cache if cache is not None else cache_dir()
    made = 0
    for text, lang in dict.fromkeys(texts):
        voice = VOICES.get(lang, VOICES["vi"])
        if not _path(speakable(text), voice, folder).exists():
            audio_for(text, lang, folder)
            made += 1
    return made
