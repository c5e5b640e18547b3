"""The settings of one workshop, kept in ``WORKSHOP/bakhong.toml``.

Every field has a default, so a workshop needs no settings file at all. The
file is parsed strictly: an unknown key, a wrong type or an out-of-range value
raises :class:`InvalidSettings` naming the field, in Vietnamese then English.

The file is UTF-8, with or without the byte-order mark Windows Notepad writes; a file in
another encoding (Notepad's «Unicode», i.e. UTF-16, or «ANSI», i.e. Windows-1258) is
refused with a message naming the file and saying to save it as UTF-8. ``store_url`` is
empty (the workshop's own ``sandbox.db``), ``sqlite:///`` followed by an absolute path, or
a ``postgresql+psycopg://`` URL; ``core_lessons`` names lessons of
:data:`bakhong.grading.course.LESSONS`: a resident counts as trained («Đã học») once each of
them is passed. By default (:data:`DEFAULT_CORE_LESSONS`, issue 20) they are the unaided
checks of the "3 không" skills (VNeID, paying by QR, filing online and signing) and the
safety lesson; a course may choose otherwise.

>>> s = CourseSettings()
>>> s.province, s.pass_mark, s.core_lessons, s.port  # doctest: +NORMALIZE_WHITESPACE
('Thanh Hóa', 0.8, ('vneid_check', 'payment_check', 'portal_check', 'signing_check',
'safety'), 8866)
>>> try:
...     parse({"pass_mark": 1.5})
... except InvalidSettings as error:
...     print(*str(error).split(" / "), sep="\\n")
Cài đặt khóa học không hợp lệ ở mục «pass_mark»: phải nằm trong khoảng 0 đến 1.
Invalid course setting «pass_mark»: must be between 0 and 1.
>>> parse({"store_url": "sqlite:///sandbox.db"})  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
bakhong.grading.settings.InvalidSettings: ... «store_url»: ... / ... must be an absolute path...
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vietnam_provinces import Province

from bakhong.simulators.errors import N_, SandboxError

from .course import LESSONS

#: Who counts as trained by default: the unaided checks of the "3 không" skills, and safety
#: (the receiving and everyday VNeID checks, of lessons 6 and 7, are not among them: a course
#: may add them).
DEFAULT_CORE_LESSONS = ("vneid_check", "payment_check", "portal_check", "signing_check", "safety")

__all__ = [
    "DEFAULT_CORE_LESSONS",
    "DEFAULT_TARGETS",
    "INDICATORS",
    "LANGUAGES",
    "SETTINGS_FILE",
    "CourseSettings",
    "InvalidSettings",
    "NotAWorkshop",
    "load",
    "parse",
    "require_workshop",
    "save",
    "settings_path",
    "to_toml",
]

SETTINGS_FILE = "bakhong.toml"
LANGUAGES = ("vi", "en")
DEFAULT_TARGETS: Mapping[str, float] = MappingProxyType(
    {
        "trained": 0.8,
        "smartphone": 0.8,
        "bank_account": 0.75,
        "eid_account": 0.8,
        "digital_signature": 0.8,
        "digital_platforms": 0.8,
    }
)
INDICATORS = tuple(DEFAULT_TARGETS)
SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIX = "postgresql+psycopg://"


class InvalidSettings(SandboxError):
    """A workshop's settings file holds a value bakhong cannot use.

    ``reason`` is Vietnamese, ``reason_en`` the same in English (shown after it).
    """

    code = "settings.invalid"
    message = N_("Cài đặt khóa học không hợp lệ ở mục «{field}»: {reason}.{english}")

    def __init__(self, field: str, reason: str, reason_en: str = "") -> None:
        english = f" / Invalid course setting «{field}»: {reason_en}." if reason_en else ""
        super().__init__(field=field, reason=reason, english=english)
        self.field = field
        self.reason = reason
        self.reason_en = reason_en


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def canonical_province(name: str) -> str | None:
    """The ``vietnam_provinces`` (post-2025) name matching ``name``, or None."""
    wanted = _nfc(name).casefold()
    for province in Province.iter_all():
        full = province.name.casefold()
        short = full.removeprefix("thành phố ").strip()
        if wanted in (full, short, f"tỉnh {full}"):
            return province.name
    return None


@dataclass(frozen=True)
class CourseSettings:
    """One workshop's course settings; every field has a default."""

    province: str = "Thanh Hóa"
    pass_mark: float = 0.8
    core_lessons: tuple[str, ...] = DEFAULT_CORE_LESSONS
    targets: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    language: str = "vi"
    store_url: str = ""
    #: nbgrader's gradebook (``CourseDirectory.db_url``): empty for ``WORKSHOP/gradebook.db``,
    #: or a ``postgresql+psycopg://`` URL (a hosted workshop: one database per workshop).
    gradebook_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8866

    def __post_init__(self) -> None:
        _validate(self)

    def store_url_for(self, workshop_dir: Path | str) -> str:
        """The store URL, with the default ``sqlite:///WORKSHOP/sandbox.db`` filled in."""
        if self.store_url:
            return self.store_url
        return f"sqlite:///{(Path(workshop_dir) / 'sandbox.db').resolve()}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fraction(name: str, value: object) -> float:
    if not _is_number(value):
        raise InvalidSettings(name, "phải là một số từ 0 đến 1", "must be a number from 0 to 1")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise InvalidSettings(name, "phải nằm trong khoảng 0 đến 1", "must be between 0 and 1")
    return number


def _shown(url: str) -> str:
    """``url`` with any password hidden: ``postgresql://u:***@h/db``."""
    return re.sub(r"(//[^/:@]*:)[^/@]*@", r"\1***@", url)


shown_url = _shown


_STORE_URLS = ("để trống (tệp sandbox.db của lớp học), «sqlite:///» và một đường dẫn tuyệt "
               "đối (ví dụ sqlite:////home/lop/sandbox.db), hoặc «postgresql+psycopg://…»")
_STORE_URLS_EN = ("empty (the workshop's own sandbox.db), «sqlite:///» followed by an absolute "
                  "path (e.g. sqlite:////home/lop/sandbox.db), or «postgresql+psycopg://…»")


def _check_store_url(url: str, name: str = "store_url") -> None:
    """Refuse a store (or gradebook) URL that would open a database elsewhere than meant,
    or not at all; ``name`` is the setting's, for the message."""
    if url == "":
        return
    shown = _shown(url)
    default = "gradebook.db" if name == "gradebook_url" else "sandbox.db"
    accepted = _STORE_URLS.replace("sandbox.db", default)
    accepted_en = _STORE_URLS_EN.replace("sandbox.db", default)
    if url.startswith(SQLITE_PREFIX):
        path = url[len(SQLITE_PREFIX):].split("?", 1)[0]
        if path and Path(path).is_absolute():
            return
        raise InvalidSettings(
            name,
            f"«{shown}»: đường dẫn SQLite phải là đường dẫn tuyệt đối (một đường dẫn tương đối "
            f"tạo kho dữ liệu rỗng ở thư mục đang đứng); chỉ nhận {accepted}",
            f"«{shown}»: the SQLite path must be an absolute path (a relative one makes an "
            f"empty store in the current folder); accepted: {accepted_en}")
    if url.startswith(POSTGRES_PREFIX) and len(url) > len(POSTGRES_PREFIX):
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(url)
        except (ArgumentError, ValueError) as exc:
            raise InvalidSettings(
                name, f"«{shown}» không phải địa chỉ PostgreSQL hợp lệ",
                f"«{shown}» is not a valid PostgreSQL URL ({exc})") from exc
        return
    hint, hint_en = "", ""
    if url.startswith(("postgresql:", "postgres:", "postgresql+")):
        hint = "; với PostgreSQL hãy viết «postgresql+psycopg://…»"
        hint_en = "; for PostgreSQL write «postgresql+psycopg://…»"
    raise InvalidSettings(name, f"không nhận «{shown}»; chỉ nhận {accepted}{hint}",
                          f"«{shown}» is not accepted; accepted: {accepted_en}{hint_en}")


def _validate(s: CourseSettings) -> None:
    if not isinstance(s.province, str):
        raise InvalidSettings("province", "phải là tên tỉnh/thành phố",
                              "must be the name of a province")
    canonical = canonical_province(s.province)
    if canonical is None:
        raise InvalidSettings(
            "province", f"không có tỉnh/thành phố «{s.province}» trong danh mục sau 1/7/2025",
            f"no province «{s.province}» in the list in force since 1 July 2025")
    object.__setattr__(s, "province", canonical)
    object.__setattr__(s, "pass_mark", _fraction("pass_mark", s.pass_mark))

    lessons = s.core_lessons
    if isinstance(lessons, str) or not isinstance(lessons, list | tuple):
        raise InvalidSettings("core_lessons", "phải là danh sách tên bài học",
                              "must be a list of lesson names")
    known = ", ".join(LESSONS)
    for lesson in lessons:
        if not isinstance(lesson, str) or lesson not in LESSONS:
            raise InvalidSettings(
                "core_lessons", f"không có bài học «{lesson}»; các bài học: {known}",
                f"there is no lesson «{lesson}»; the lessons are: {known}")
    if not lessons:
        raise InvalidSettings("core_lessons", "cần ít nhất một bài học",
                              "needs at least one lesson")
    if len(set(lessons)) != len(lessons):
        raise InvalidSettings("core_lessons", "có bài học bị lặp", "a lesson is repeated")
    object.__setattr__(s, "core_lessons", tuple(lessons))

    if not isinstance(s.targets, Mapping):
        raise InvalidSettings("targets", "phải là bảng chỉ tiêu theo từng chỉ số",
                              "must be a table of targets, one per indicator")
    targets = dict(DEFAULT_TARGETS)
    for key, value in s.targets.items():
        if key not in DEFAULT_TARGETS:
            raise InvalidSettings(f"targets.{key}", "không có chỉ số này",
                                  f"no such indicator (known: {', '.join(INDICATORS)})")
        targets[key] = _fraction(f"targets.{key}", value)
    object.__setattr__(s, "targets", MappingProxyType(targets))

    if s.language not in LANGUAGES:
        raise InvalidSettings("language", "chỉ nhận «vi» hoặc «en»", "only «vi» or «en»")
    if not isinstance(s.store_url, str):
        raise InvalidSettings("store_url", "phải là một chuỗi", "must be a string")
    _check_store_url(s.store_url)
    if not isinstance(s.gradebook_url, str):
        raise InvalidSettings("gradebook_url", "phải là một chuỗi", "must be a string")
    _check_store_url(s.gradebook_url, "gradebook_url")
    if not isinstance(s.host, str) or not s.host.strip() or any(c.isspace() for c in s.host):
        raise InvalidSettings("host", "phải là một địa chỉ, ví dụ 127.0.0.1",
                              "must be an address, e.g. 127.0.0.1")
    if not isinstance(s.port, int) or isinstance(s.port, bool):
        raise InvalidSettings("port", "phải là một số nguyên", "must be a whole number")
    if not 1 <= s.port <= 65535:
        raise InvalidSettings("port", "phải nằm trong khoảng 1 đến 65535",
                              "must be between 1 and 65535")


_FIELDS = {f.name for f in dataclasses.fields(CourseSettings)}


def parse(data: Mapping[str, Any]) -> CourseSettings:
    """Settings from a parsed TOML table; raises :class:`InvalidSettings`."""
    for key in data:
        if key not in _FIELDS:
            raise InvalidSettings(key, "không có mục cài đặt này",
                                  f"no such setting (known: {', '.join(sorted(_FIELDS))})")
    return CourseSettings(**data)


class NotAWorkshop(SandboxError):
    """A command was given a folder that holds no workshop (a typo, or the wrong folder)."""

    code = "workshop.not_found"
    message = N_("Không tìm thấy lớp học ở «{path}» (không có tệp bakhong.toml). Hãy kiểm tra "
                 "lại đường dẫn, hoặc tạo lớp học bằng «bakhong init».")


def settings_path(workshop_dir: Path | str) -> Path:
    return Path(workshop_dir) / SETTINGS_FILE


def require_workshop(workshop_dir: Path | str) -> None:
    """Refuse, with :class:`NotAWorkshop`, a folder that ``bakhong init`` did not make.

    Every command but ``init`` and ``demo`` opens an existing workshop: a mistyped path must
    not become a new, empty store that phones are then sent to.
    """
    if not settings_path(workshop_dir).is_file():
        raise NotAWorkshop(path=str(workshop_dir))


def _text(path: Path) -> str:
    """The settings file as text: UTF-8, a byte-order mark (Notepad's) dropped.

    Refuses another encoding with a message that names the file and the encoding to use.
    """
    raw = path.read_bytes()
    save_as = ("hãy mở tệp bằng Notepad, chọn «Lưu thành» (Save As) với mã hóa «UTF-8» rồi lưu "
               "lại")
    save_as_en = "open it in Notepad, choose Save As with the encoding «UTF-8», and save it"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:64]:
        raise InvalidSettings(
            SETTINGS_FILE, f"tệp {path} được lưu dạng UTF-16 («Unicode» của Notepad), không "
            f"phải UTF-8; {save_as}",
            f"the file {path} is saved as UTF-16 (Notepad's «Unicode»), not UTF-8; "
            f"{save_as_en}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidSettings(
            SETTINGS_FILE, f"tệp {path} không ở dạng UTF-8 (có lẽ là Windows-1258, «ANSI» của "
            f"Notepad); {save_as}",
            f"the file {path} is not UTF-8 (perhaps Windows-1258, Notepad's «ANSI», byte "
            f"{exc.start}); {save_as_en}") from exc


def load(workshop_dir: Path | str) -> CourseSettings:
    """The workshop's settings; the defaults when it has no settings file."""
    path = settings_path(workshop_dir)
    if not path.exists():
        return CourseSettings()
    try:
        data = tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidSettings(SETTINGS_FILE, f"tệp {path} không đúng định dạng TOML ({exc})",
                              f"the file {path} is not valid TOML ({exc})") from exc
    return parse(data)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def to_toml(settings: CourseSettings) -> str:
    """The TOML text of ``settings`` (scalars and arrays first, then ``[targets]``)."""
    lines = ["# bakhong course settings (see README)"]
    for f in dataclasses.fields(settings):
        if f.name != "targets":
            lines.append(f"{f.name} = {_toml_value(getattr(settings, f.name))}")
    lines += ["", "[targets]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in settings.targets.items()]
    return "\n".join(lines) + "\n"


def save(workshop_dir: Path | str, settings: CourseSettings) -> Path:
    """Write ``settings`` to ``WORKSHOP/bakhong.toml`` (atomically) and return its path."""
    from bakhong import atomic

    return atomic.write_text(settings_path(workshop_dir), to_toml(settings))
