from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

# the browser tests' shared fixtures: Chromium, a phone, the demo's learners by id
from browser_support import browser, phone, residents  # noqa: F401

from bakhong.simulators import learners, registry
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.vneid import SECURITY_QUESTIONS, Step, VneidSimulator

PASSWORD = "Matkhau@2026"
PASSCODE = "246810"


@pytest.fixture(autouse=True, scope="session")
def bakhong_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keys of test workshops never land in the real user's data directory."""
    home = tmp_path_factory.mktemp("bakhong-home")
    os.environ["BAKHONG_HOME"] = str(home)
    return home


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 28, 8, 30, tzinfo=VN_TZ))


@pytest.fixture
def box(tmp_path: Path, clock: FixedClock) -> Iterator[Sandbox]:
    sandbox = Sandbox.open(tmp_path / "sandbox.db", clock=clock, seed="tests")
    sandbox.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long"),
                          ("hv002", "Trần Văn Nam", "Phường Hạc Thành")])
    learners.record_consent(sandbox.store, clock, "hv001")
    yield sandbox
    sandbox.close()


@pytest.fixture
def persona(box: Sandbox) -> registry.Persona:
    return registry.persona_of_learner(box.store, "hv001")


@pytest.fixture
def sim(box: Sandbox) -> VneidSimulator:
    return box.vneid("hv001")


def last_otp(sim: VneidSimulator) -> str:
    for _sender, _at, body in sim.inbox():
        found = re.search(r"Ma OTP cua ban la (\d{6})", body)
        if found:
            return found.group(1)
    raise AssertionError("no OTP in the inbox")


def to_password_step(sim: VneidSimulator, persona: registry.Persona) -> None:
    """Approved at the police office, then «Gửi yêu cầu» and the OTP: the password screen."""
    sim.visit_police()
    sim.go(Step.ACTIVATE)
    sim.request_otp(persona.id_number, persona.phone)
    sim.submit_otp(last_otp(sim))


def activate(sim: VneidSimulator, persona: registry.Persona) -> None:
    """Register at level 1 and activate the account, ending at the login screen."""
    sim.go(Step.REGISTER)
    sim.register(persona.id_number, persona.phone, face_captured=True)
    sim.go(Step.ACTIVATE)
    sim.request_otp(persona.id_number, persona.phone)
    sim.submit_otp(last_otp(sim))
    sim.set_password(PASSWORD, PASSWORD)
    sim.set_passcode(PASSCODE, PASSCODE)
    sim.set_security_questions({SECURITY_QUESTIONS[0]: "Trường Thọ Long",
                                SECURITY_QUESTIONS[2]: "Bánh chưng"})


def reach_level2(sim: VneidSimulator, persona: registry.Persona) -> None:
    activate(sim, persona)
    sim.login(persona.id_number, PASSWORD)
    sim.visit_police()
    sim.login(persona.id_number, PASSWORD)


def trained_by_vneid(root: Path) -> None:
    """Count a workshop's residents as trained by the VNeID practice alone (the default rule
    before issue 20): the tests of the report's mechanics grade that one lesson only."""
    from dataclasses import replace

    from bakhong.grading import settings

    settings.save(root, replace(settings.load(root), core_lessons=("vneid",)))
