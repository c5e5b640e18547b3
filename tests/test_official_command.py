"""``bakhong official``: the trainer lists the dossiers and plays the official at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PASSWORD, reach_level2
from test_portal import fill_bundle, pay

from bakhong import cli
from bakhong.grading import workshop
from bakhong.simulators import learners, registry
from bakhong.simulators.clock import FixedClock, SystemClock
from bakhong.simulators.procedures import NEWBORN_BUNDLE


@pytest.mark.slow
def test_list_receive_and_refuse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    # the command reads the real clock: start now, so the simulated official (30 s a step)
    # has not acted yet when the trainer does
    clock = FixedClock(SystemClock().now())
    box, _ = workshop.create(root, [("hv001", "Lê Thị Hoa", "Xã Thọ Long")], clock=clock,
                             seed="official", lessons=("vneid",))
    learners.record_consent(box.store, clock, "hv001")
    me = registry.persona_of_learner(box.store, "hv001")
    reach_level2(box.vneid("hv001"), me)
    portal = box.portal("hv001")
    portal.login(me.id_number, PASSWORD)
    fill_bundle(portal)
    code = portal.submit(NEWBORN_BUNDLE).code
    box.close()

    assert cli.main(["official", str(root)]) == 0
    listing = capsys.readouterr().out
    assert code in listing and "1 Mới đăng ký" in listing and "Chưa thanh toán" in listing

    assert cli.main(["official", str(root), code, "receive"]) == 2  # the fee is unpaid
    assert "Hồ sơ có phí/lệ phí chờ thanh toán" in capsys.readouterr().err

    box = workshop.open_sandbox(root, clock=clock, seed="official")
    portal = box.portal("hv001")
    portal.login(me.id_number, PASSWORD)
    pay(box, portal, code)
    portal.confirm_payment(code)
    box.close()
    assert cli.main(["official", str(root), code, "receive"]) == 0
    assert "2 Được tiếp nhận" in capsys.readouterr().out
    assert cli.main(["official", str(root), code, "refuse", "--reason", "Thử"]) == 2
    assert "không ở trạng thái chờ tiếp nhận" in capsys.readouterr().err
    assert cli.main(["official", str(root), code, "stop", "--reason", "Trùng hồ sơ"]) == 0
    assert "8 Dừng xử lý" in capsys.readouterr().out
    assert cli.main(["official", str(root), code, "fly"]) == 2
