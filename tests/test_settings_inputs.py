"""Issue 15, item 5: settings that slipped through ``WORKSHOP/bakhong.toml``.

A store URL bakhong cannot open (``mysql://…``, ``foo://x``) gave a traceback, and a relative
one (``relative.db``, ``sqlite:///relative.db``) silently made an empty store in the current
folder; an unknown lesson in ``core_lessons`` was accepted; a file saved by Notepad with a
byte-order mark got a cryptic TOML error, and one saved as UTF-16 or Windows-1258 an error
that named neither the file nor the encoding to use.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from bakhong import cli
from bakhong.grading import settings
from bakhong.grading.course import LESSONS
from bakhong.grading.settings import CourseSettings, InvalidSettings


def write_settings(root: Path, text: str, encoding: str = "utf-8") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = settings.settings_path(root)
    path.write_bytes(text.encode(encoding))
    return path


def refusal(root: Path) -> InvalidSettings:
    with pytest.raises(InvalidSettings) as info:
        settings.load(root)
    return info.value


def bilingual(error: InvalidSettings) -> str:
    text = str(error)
    assert " / Invalid course setting «" in text, text  # English after the Vietnamese
    return text


# --- store_url -------------------------------------------------------------------------------

REFUSED_URLS = [
    "mysql://lop:bi-mat@may-chu/lop",
    "foo://x",
    "relative.db",
    "sqlite:///relative.db",
    "sqlite:///./lop/sandbox.db",
    "sqlite://",
    "sqlite:///:memory:",
    "postgresql://lop@may-chu/lop",  # psycopg2's dialect: not installed, not meant
    "postgresql+psycopg://",
    "/srv/lop/sandbox.db",  # a path, not a URL
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_store_url_bakhong_cannot_use_is_refused_naming_the_field(url: str,
                                                                    tmp_path: Path) -> None:
    write_settings(tmp_path, f'store_url = "{url}"\n')
    error = refusal(tmp_path)
    assert error.field == "store_url"
    text = bilingual(error)
    assert "«store_url»" in text
    assert "sqlite:///" in text and "postgresql+psycopg://" in text  # what is accepted
    assert "bi-mat" not in text  # a password is never echoed


def test_postgres_without_the_driver_gets_a_hint() -> None:
    with pytest.raises(InvalidSettings) as info:
        settings.parse({"store_url": "postgresql://lop@may-chu/lop"})
    text = str(info.value)
    assert "với PostgreSQL hãy viết «postgresql+psycopg://…»" in text
    assert "for PostgreSQL write «postgresql+psycopg://…»" in text


@pytest.mark.parametrize("url", ["", "sqlite:////srv/lop/sandbox.db",
                                 "sqlite:////srv/lop/sandbox.db?timeout=5",
                                 "postgresql+psycopg://lop:bi-mat@may-chu:5432/lop"])
def test_the_store_urls_that_work_are_accepted(url: str) -> None:
    assert settings.parse({"store_url": url}).store_url == url


def test_the_default_store_url_is_accepted_back(tmp_path: Path) -> None:
    filled = CourseSettings().store_url_for(tmp_path / "lop")
    assert settings.parse({"store_url": filled}).store_url == filled


@pytest.mark.parametrize("url", ["mysql://lop@may-chu/lop", "foo://x", "relative.db",
                                 "sqlite:///relative.db"])
def test_a_command_refuses_it_plainly_and_makes_no_store(
        url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "lop"
    write_settings(root, f'store_url = "{url}"\n')
    elsewhere = tmp_path / "dang-dung"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert cli.main(["faults", str(root), "--list"]) == 2
    err = capsys.readouterr().err
    assert "«store_url»" in err and "Traceback" not in err
    assert list(elsewhere.iterdir()) == []  # no empty store in the current folder
    assert sorted(p.name for p in root.iterdir()) == ["bakhong.toml"]


# --- core_lessons ------------------------------------------------------------------------------

@pytest.mark.parametrize("lessons", [["vneid", "dichvucong"], ["VNeID"], ["vneid", 5]])
def test_an_unknown_core_lesson_is_refused_listing_the_known_ones(lessons: list[object],
                                                                  tmp_path: Path) -> None:
    unknown = next(str(le) for le in lessons if le not in LESSONS)
    listed = ", ".join(f'"{le}"' if isinstance(le, str) else str(le) for le in lessons)
    write_settings(tmp_path, f"core_lessons = [{listed}]\n")
    error = refusal(tmp_path)
    assert error.field == "core_lessons"
    text = bilingual(error)
    assert f"«{unknown}»" in text
    assert all(lesson in text for lesson in LESSONS)


def test_every_lesson_of_the_course_may_be_core() -> None:
    assert settings.parse({"core_lessons": list(LESSONS)}).core_lessons == LESSONS


# --- the file's encoding -----------------------------------------------------------------------

TEXT = 'province = "Thanh Hóa"\ncore_lessons = ["vneid", "payment"]\nport = 9001\n'


def test_a_byte_order_mark_from_notepad_is_ignored(tmp_path: Path) -> None:
    write_settings(tmp_path, "\ufeff" + TEXT)
    loaded = settings.load(tmp_path)
    assert (loaded.province, loaded.core_lessons, loaded.port) == (
        "Thanh Hóa", ("vneid", "payment"), 9001)


@pytest.mark.parametrize(("encoding", "named"), [
    ("utf-16", "UTF-16"),  # Notepad's «Unicode»: little-endian with a BOM
    ("utf-16-be", "UTF-16"),  # «Unicode big endian»
    ("utf-16-le", "UTF-16"),  # without a BOM
    ("cp1258", "Windows-1258"),  # Notepad's «ANSI» on a Vietnamese Windows
])
def test_a_file_not_in_utf8_names_the_file_and_the_encoding_to_use(
        encoding: str, named: str, tmp_path: Path) -> None:
    path = write_settings(tmp_path, TEXT, encoding)
    if encoding == "utf-16":  # Python's utf-16 writes the BOM, as Notepad does
        assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    error = refusal(tmp_path)
    assert error.field == "bakhong.toml"
    message = bilingual(error)
    assert str(path) in message and named in message
    assert "«UTF-8»" in message  # what to save it as


def test_a_file_that_is_not_toml_names_the_file(tmp_path: Path) -> None:
    path = write_settings(tmp_path, "pass_mark = \n")
    message = bilingual(refusal(tmp_path))
    assert str(path) in message and "TOML" in message
