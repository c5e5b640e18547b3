"""Where the servers and commands start: a taken port or an address not on this laptop is
refused in Vietnamese before any work, and so is a folder that holds no workshop; the tests' ports
keep clear of the range kernels bind to."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import server_env
from ports import LOWEST, _ephemeral_start, free_port

from bakhong.serving import AddressNotHere, PortInUse, check_port


@pytest.fixture
def taken() -> Iterator[socket.socket]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", free_port()))
    listener.listen()
    yield listener
    listener.close()


def test_a_taken_port_is_refused_with_a_vietnamese_message(taken: socket.socket) -> None:
    port = taken.getsockname()[1]
    with pytest.raises(PortInUse) as refused:
        check_port("127.0.0.1", port)
    assert f"Cổng {port} trên 127.0.0.1" in str(refused.value)
    assert "--port" in str(refused.value)


@pytest.mark.parametrize("host", ["192.0.2.1", "khong-co-may-nay.invalid"])
def test_an_address_not_on_this_laptop_is_refused(host: str) -> None:
    """192.0.2.1 is TEST-NET-1, never a local address: like yesterday's Wi-Fi address."""
    with pytest.raises(AddressNotHere) as refused:
        check_port(host, free_port())
    assert f"Máy này không có địa chỉ {host}" in str(refused.value)
    assert "--host 0.0.0.0" in str(refused.value)


def test_a_free_port_passes_and_stays_free() -> None:
    port = free_port()
    check_port("127.0.0.1", port)
    check_port("127.0.0.1", port)  # the probe let it go again


def test_the_demo_refuses_a_taken_port_before_building(taken: socket.socket,
                                                        tmp_path: Path) -> None:
    port = taken.getsockname()[1]
    root = tmp_path / "ws"
    done = subprocess.run([sys.executable, "-m", "bakhong", "demo", str(root),
                           "--port", str(port)], env=server_env(tmp_path / "home"),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert f"Cổng {port}" in done.stderr and "Traceback" not in done.stderr
    assert not root.exists()  # nothing built, no link printed for a server that never ran
    assert "voila/render" not in done.stdout


def test_test_ports_are_below_the_ephemeral_range() -> None:
    if _ephemeral_start() - LOWEST < 1000:
        pytest.skip("this machine's ephemeral range starts too low to keep clear of")
    ports = {free_port() for _ in range(50)}
    assert all(LOWEST <= port < _ephemeral_start() for port in ports)
    assert len(ports) > 1  # chosen at random, so parallel workers rarely meet


@pytest.mark.parametrize("command", [
    ["serve", "{ws}", "--port", "{port}"],
    ["dashboard", "{ws}", "--port", "{port}"],
    ["grade", "{ws}"],
    ["faults", "{ws}", "--list"],
    ["official", "{ws}"],
    ["forget", "{ws}", "hv001"],
    ["cards", "{ws}", "--out", "{ws}/the.pdf"],
    ["revoke", "{ws}", "ABCD2345"],
    ["certificate", "{ws}"],
    ["report", "{ws}"],
    ["trainer-password", "{ws}", "--password-stdin"],
])
def test_a_mistyped_workshop_is_refused_and_nothing_is_written(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in the folder must not become a new, empty workshop that phones are sent to."""
    from bakhong import cli

    monkeypatch.setenv("BAKHONG_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("mot-mat-khau-dai\n"))
    typo = tmp_path / "lop-hoc-thong-long"
    args = [part.format(ws=typo, port=free_port()) for part in command]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert f"Không tìm thấy lớp học ở «{typo}»" in err and "bakhong init" in err
    assert not typo.exists()
