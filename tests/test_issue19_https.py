"""Issue 19: residents reach a hosted workshop over HTTPS («over HTTPS in a real deployment»).

The hub's proxy serves TLS as ``deploy/jupyterhub/jupyterhub_config.py`` sets it up from
``BAKHONG_HUB_SSL_CERT``/``_KEY`` (here a self-signed certificate for 127.0.0.1, which the
test trusts). A workshop on its default store (SQLite, no PostgreSQL needed) is started
through the REST API; then plain HTTP to the proxy's port gets no page, the join page says
the class address with ``https://`` (from the proxy's ``X-Forwarded-Proto``), the card's
link through the door redirects within HTTPS, and a phone in Chromium opens the lesson and
taps through the consent: the kernel's websocket works as ``wss://`` through the proxy.
"""

from __future__ import annotations

import http.client
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pg_support
import pytest
from browser_support import CHROMIUM, VENV_BIN, demo_learners, server_env
from hub_support import (
    CHP,
    TRAINER,
    Hub,
    anonymous_get,
    prefix,
    running_hub,
    start_workshop,
    workshop_folder,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]

if CHP is None and not pg_support.on_ci():
    pytest.skip("configurable-http-proxy is missing (make system-packages installs it from npm)",
                allow_module_level=True)

WORKSHOP = "lop-tho-long"
PREFIX = prefix(WORKSHOP)
DOOR_PATH = f"/services/lop/{TRAINER}/{WORKSHOP}/"
ROSTER = ("Mã học viên,Họ và tên,Xã/Phường,Năm sinh,Giới tính,Có điện thoại thông minh,"
          "Có tài khoản ngân hàng\n"
          "ab-001,Phạm Thị Lan,Xã Thọ Long,1962,Nữ,Có,Có\n")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, bakhong_home: Path) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("https-hub")
    workshop = workshop_folder(folder, WORKSHOP)
    workshop.parent.mkdir(parents=True)
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    made = subprocess.run(
        [str(VENV_BIN / "bakhong"), "init", str(workshop), "--roster", str(roster)],
        env=server_env(bakhong_home), capture_output=True, text=True, timeout=300, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    with running_hub(folder, bakhong_home, [WORKSHOP],
                     {"BAKHONG_POOL_SIZE": "1", "BAKHONG_MAX_KERNELS": "4"},
                     https=True) as running:
        running.workshop = workshop
        running.spawn_seconds = start_workshop(running, WORKSHOP)
        yield running


def test_the_proxy_speaks_only_https(hub: Hub) -> None:
    port = urlsplit(hub.url).port
    assert hub.url.startswith("https://")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", PREFIX)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException):
        status = None  # the TLS server closed the plain connection
    finally:
        connection.close()
    assert status is None or status >= 400, f"a plain HTTP request got {status}"


def test_a_card_opens_the_class_over_https(hub: Hub) -> None:
    # the join page shows the address to project with https, as the proxy's
    status, _, page = anonymous_get(f"{hub.url}{PREFIX}", hub.cafile)
    assert status == 200, page[:2000]
    assert f"{hub.url}{PREFIX}" in page, "the class address is not the https one"
    learner = demo_learners(hub.workshop)[0]
    status, headers, _ = anonymous_get(f"{hub.url}{DOOR_PATH}join?code={learner.code}",
                                       hub.cafile)
    assert status == 302, (status, headers)
    where = headers["location"]
    assert where.endswith(f"{PREFIX}join?code={learner.code}"), where
    assert not where.startswith("http:"), f"the door sent the phone to plain HTTP: {where}"
    status, headers, _ = anonymous_get(f"{hub.url}{PREFIX}join?code={learner.code}",
                                       hub.cafile)
    assert status == 302 and learner.code in headers["location"], headers
    assert not headers["location"].startswith("http:"), headers


def test_a_phone_works_its_lesson_over_https(hub: Hub) -> None:
    if not Path(CHROMIUM).exists():
        if pg_support.on_ci():
            pytest.fail(f"{CHROMIUM} is missing; CI must run the hub journey")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from browser_support import launch_chromium, new_phone_context, screenshot, wait_visible

    learner = demo_learners(hub.workshop)[0]
    with launch_chromium() as browser:
        # the certificate is self-signed: a real deployment's is a CA's (Let's Encrypt)
        context = new_phone_context(browser, ignore_https_errors=True)
        page = context.new_page()
        sockets: list[str] = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        try:
            page.goto(f"{hub.url}{DOOR_PATH}join?code={learner.code}",
                      wait_until="domcontentloaded")
            wait_visible(page, ".bk-common-consent-accept", "the consent, over HTTPS")
            assert page.url.startswith(f"{hub.url}{PREFIX}voila/render/"), page.url
            page.locator(".bk-common-consent-accept").first.click()
            page.locator(".bk-common-consent-accept").first.wait_for(state="detached")
            screenshot(page, "hub-https", "01-consented")
        finally:
            context.close()
    assert sockets and all(url.startswith("wss://") for url in sockets), sockets
