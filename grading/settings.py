"""The settings of one workshop, kept in ``WORKSHOP/bakhong.toml``.

Every field has a default, so a workshop needs no settings file at all. The
file is parsed strictly: an unknown key, a wrong type or an out-of-range value
raises :class:`InvalidSettings` naming the field.

>>> s = CourseSettings()
>>> s.province, s.pass_mark, s.core_lessons, s.port
('Thanh Hóa', 0.8, ('vneid',), 8866)
>>> try:
...     parse({"pass_mark": 1.5})
... except InvalidSettings as error:
...     print(error)
Cài đặt khóa học không hợp lệ ở mục «pass_mark»: phải nằm trong khoảng 0 đến 1.
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

__all__ = [
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
_LESSON_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class InvalidSettings(SandboxError):
    """A workshop's settings file holds a value bakhong cannot use."""

    code = "settings.invalid"
    message = N_("Cài đặt khóa học không hợp lệ ở mục «{field}»: {reason}.")

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field=field, reason=reason)
        self.field = field
        self.reason = reason


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
    core_lessons: tuple[str, ...] = ("vneid",)
    targets: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    language: str = "vi"
    store_url: str = ""
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
        raise InvalidSettings(name, "phải là một số từ 0 đến 1")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise InvalidSettings(name, "phải nằm trong khoảng 0 đến 1")
    return number


def _validate(s: CourseSettings) -> None:
    if not isinstance(s.province, str):
        raise InvalidSettings("province", "phải là tên tỉnh/thành phố")
    canonical = canonical_province(s.province)
    if canonical is None:
        raise InvalidSettings(
            "province", f"không có tỉnh/thành phố «{s.province}» trong danh mục sau 1/7/2025"
        )
    object.__setattr__(s, "province", canonical)
    object.__setattr__(s, "pass_mark", _fraction("pass_mark", s.pass_mark))

    lessons = s.core_lessons
    if isinstance(lessons, str) or not isinstance(lessons, list | tuple):
        raise InvalidSettings("core_lessons", "phải là danh sách tên bài học")
    for lesson in lessons:
        if not isinstance(lesson, str) or not _LESSON_NAME.match(lesson):
            raise InvalidSettings("core_lessons", f"tên bài học «{lesson}» không hợp lệ")
    if not lessons:
        raise InvalidSettings("core_lessons", "cần ít nhất một bài học")
    if len(set(lessons)) != len(lessons):
        raise InvalidSettings("core_lessons", "có bài học bị lặp")
    object.__setattr__(s, "core_lessons", tuple(lessons))

    if not isinstance(s.targets, Mapping):
        raise InvalidSettings("targets", "phải là bảng chỉ tiêu theo từng chỉ số")
    targets = dict(DEFAULT_TARGETS)
    for key, value in s.targets.items():
        if key not in DEFAULT_TARGETS:
            raise InvalidSettings(f"targets.{key}", "không có chỉ số này")
        targets[key] = _fraction(f"targets.{key}", value)
    object.__setattr__(s, "targets", MappingProxyType(targets))

    if s.language not in LANGUAGES:
        raise InvalidSettings("language", "chỉ nhận «vi» hoặc «en»")
    if not isinstance(s.store_url, str):
        raise InvalidSettings("store_url", "phải là một chuỗi")
    if not isinstance(s.host, str) or not s.host.strip() or any(c.isspace() for c in s.host):
        raise InvalidSettings("host", "phải là một địa chỉ, ví dụ 127.0.0.1")
    if not isinstance(s.port, int) or isinstance(s.port, bool):
        raise InvalidSettings("port", "phải là một số nguyên")
    if not 1 <= s.port <= 65535:
        raise InvalidSettings("port", "phải nằm trong khoảng 1 đến 65535")


_FIELDS = {f.name for f in dataclasses.fields(CourseSettings)}


def parse(data: Mapping[str, Any]) -> CourseSettings:
    """Settings from a parsed TOML table; raises :class:`InvalidSettings`."""
    for key in data:
        if key not in _FIELDS:
            raise InvalidSettings(key, "không có mục cài đặt này")
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


def load(workshop_dir: Path | str) -> CourseSettings:
    """The workshop's settings; the defaults when it has no settings file."""
    path = settings_path(workshop_dir)
    if not path.exists():
        return CourseSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidSettings(SETTINGS_FILE, f"tệp không đúng định dạng TOML ({exc})") from exc
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
