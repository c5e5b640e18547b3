"""Course settings: defaults, round trip through bakhong.toml, strict validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bakhong.grading.settings import (
    CourseSettings,
    InvalidSettings,
    load,
    parse,
    save,
    settings_path,
)
from bakhong.simulators.errors import SandboxError


def test_defaults_when_file_missing(tmp_path: Path) -> None:
    settings = load(tmp_path)
    assert settings == CourseSettings()
    assert settings.province == "Thanh Hóa"
    assert settings.pass_mark == 0.8
    assert settings.core_lessons == ("vneid_check", "payment_check", "portal_check",
                                     "signing_check", "safety")
    assert dict(settings.targets) == {
        "trained": 0.8,
        "smartphone": 0.8,
        "bank_account": 0.75,
        "eid_account": 0.8,
        "digital_signature": 0.8,
        "digital_platforms": 0.8,
    }
    assert (settings.language, settings.store_url, settings.host, settings.port) == (
        "vi",
        "",
        "127.0.0.1",
        8866,
    )
    assert settings.store_url_for(tmp_path).endswith("/sandbox.db")


def test_round_trip(tmp_path: Path) -> None:
    settings = CourseSettings(
        province="Thành phố Hà Nội",
        pass_mark=0.5,
        core_lessons=("vneid", "portal"),
        targets={"trained": 0.9},
        language="en",
        store_url='postgresql+psycopg://u@h/db?x="1"',
        host="0.0.0.0",
        port=9000,
    )
    path = save(tmp_path, settings)
    assert path == settings_path(tmp_path)
    loaded = load(tmp_path)
    assert loaded == settings
    assert loaded.targets["trained"] == 0.9
    assert loaded.targets["bank_account"] == 0.75
    assert loaded.store_url_for(tmp_path) == 'postgresql+psycopg://u@h/db?x="1"'


def test_partial_file_and_province_spelling(tmp_path: Path) -> None:
    settings_path(tmp_path).write_text('province = "thanh hóa"\nport = 9001\n', encoding="utf-8")
    settings = load(tmp_path)
    assert settings.province == "Thanh Hóa"
    assert settings.port == 9001
    assert settings.pass_mark == 0.8


def test_frozen() -> None:
    with pytest.raises(AttributeError):
        CourseSettings().port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"province": "Hà Tây"}, "province"),
        ({"province": "Thanh Hoá Mới"}, "province"),
        ({"province": 38}, "province"),
        ({"pass_mark": 1.5}, "pass_mark"),
        ({"pass_mark": -0.1}, "pass_mark"),
        ({"pass_mark": "80%"}, "pass_mark"),
        ({"pass_mark": True}, "pass_mark"),
        ({"core_lessons": "vneid"}, "core_lessons"),
        ({"core_lessons": []}, "core_lessons"),
        ({"core_lessons": ["vneid", "vneid"]}, "core_lessons"),
        ({"core_lessons": ["VNeID bài 1"]}, "core_lessons"),
        ({"targets": {"wifi": 0.5}}, "targets.wifi"),
        ({"targets": {"trained": 2}}, "targets.trained"),
        ({"targets": 0.8}, "targets"),
        ({"language": "fr"}, "language"),
        ({"store_url": 5}, "store_url"),
        ({"host": ""}, "host"),
        ({"port": 0}, "port"),
        ({"port": 70000}, "port"),
        ({"port": "8866"}, "port"),
        ({"port": 8866.0}, "port"),
    ],
)
def test_invalid_values_name_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidSettings) as info:
        parse(data)
    assert isinstance(info.value, SandboxError)
    assert info.value.field == field
    assert f"«{field}»" in str(info.value)
    assert info.value.params["field"] == field


def test_invalid_file(tmp_path: Path) -> None:
    settings_path(tmp_path).write_text("pass_mark = 2\n", encoding="utf-8")
    with pytest.raises(InvalidSettings, match="pass_mark"):
        load(tmp_path)
    settings_path(tmp_path).write_text("pass_mark = \n", encoding="utf-8")
    with pytest.raises(InvalidSettings, match=r"bakhong\.toml"):
        load(tmp_path)
    settings_path(tmp_path).write_text("[targets]\nsmartphone = 1.2\n", encoding="utf-8")
    with pytest.raises(InvalidSettings, match=r"targets\.smartphone"):
        load(tmp_path)


def test_message_is_vietnamese_template() -> None:
    assert "{field}" in InvalidSettings.message
    assert "{reason}" in InvalidSettings.message
    assert InvalidSettings.code == "settings.invalid"
