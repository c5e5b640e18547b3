"""Issue 17: under ``bakhong serve`` a learner's kernel is only a view.

A phone opens a lesson of the served demo and takes its first step (consent, through the
sandbox service); then every live kernel of the server is read from outside, as an
attacker inside one would see itself: ``/proc/<pid>/environ`` names no store, password or
key (the service's socket is all it has; the page's pass arrives later, in the
request-info message), and ``/proc/<pid>/fd``
holds no file of the workshop's store, gradebook or keys. The old ``serve`` put
``BAKHONG_STORE_URL`` into every kernel's environment and each kernel opened
``sandbox.db`` itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    LONG,
    DemoLearner,
    DemoServer,
    click,
    demo_learners,
    phone_page,
    wait_visible,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    server = DemoServer(tmp_path_factory.mktemp("kernels-are-views"))
    with server:
        yield server


def _kernels(server: DemoServer) -> list[int]:
    import psutil

    assert server.process is not None
    found = []
    for proc in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if any("ipykernel" in part or "page_kernel" in part for part in proc.cmdline()):
                found.append(proc.pid)
        except psutil.Error:
            continue
    return found


def _secrets(server: DemoServer) -> list[bytes]:
    """What no kernel may hold: the keys' bytes (raw and hex), the store's addresses."""
    found = [b"BAKHONG_STORE_URL", b"sqlite:", b"postgresql", b"sandbox.db"]
    for key_file in (server.home / "keys").rglob("*"):
        if key_file.is_file():
            data = key_file.read_bytes().strip()
            if len(data) >= 16:
                found += [data, data.hex().encode()]
    return found


def test_a_live_kernel_holds_no_store_and_no_key(demo: DemoServer) -> None:
    learner = _newcomer(demo)
    with phone_page("issue17-view") as page:
        page.goto(demo.lesson_url(learner.code), timeout=LONG)
        wait_visible(page, ".bk-common-consent-accept", "the consent screen")
        click(page, "bk-common-consent-accept")  # the desk's consent, kept by the service
        wait_visible(page, ".bk-vneid-go-register", "the app's first screen")
        click(page, "bk-vneid-go-register")  # an action: evidence, written by the service
        wait_visible(page, ".bk-vneid-register", "the register screen")

        kernels = _kernels(demo)
        assert kernels, "no kernel found under the server"
        secrets = _secrets(demo)
        private = [demo.workshop / "sandbox.db", demo.workshop / "gradebook.db",
                   demo.home / "keys"]
        checked = 0
        for pid in kernels:
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes()
                fds = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            except (FileNotFoundError, ProcessLookupError):
                continue  # a kernel that left meanwhile
            leaked = [s[:24] for s in secrets if s in environ]
            assert not leaked, f"kernel {pid}'s environment holds {leaked}"
            opened = [fd for fd in fds
                      if any(fd.startswith(str(p.resolve())) for p in private)]
            assert not opened, f"kernel {pid} has open {opened}"
            assert b"BAKHONG_SANDBOX_SOCKET=" in environ
            checked += 1
        assert checked >= 1

    from bakhong.grading.workshop import open_sandbox
    from bakhong.simulators.store import events

    box = open_sandbox(demo.workshop)
    try:
        rows = box.store.read(events.select().where(events.c.learner_id == learner.learner_id))
    finally:
        box.close()
    assert rows, "the taps left no evidence"


#: run inside a live page kernel: what it can open of the paths it is given
_PROBE = """
import json as _j, os as _o
def _try(path):
    try:
        if _o.path.isdir(path):
            _o.listdir(path)
        else:
            with open(path, "rb") as f:
                f.read(1)
        return "read"
    except PermissionError:
        return "denied"
    except OSError as err:
        return type(err).__name__
import bakhong.widgets.bank_app  # a lesson's app still imports
print(_j.dumps({p: _try(p) for p in %r}))
"""


def _connection_file(pid: int) -> str | None:
    import psutil

    line = psutil.Process(pid).cmdline()
    return line[line.index("-f") + 1] if "-f" in line else None


def test_a_live_kernel_cannot_open_the_workshop(demo: DemoServer) -> None:
    """Issue 17: "a kernel that tries to read the store, the keys or another learner's state
    finds nothing to read". A kernel ran as the trainer's account and could open
    ``sandbox.db`` by its path. Page kernels now start shut in by Landlock
    (``bakhong/page_kernel.py``): code run inside a live page's kernel (here through the
    kernel's own connection file, as the test's account can) is refused the store, the
    gradebook, the keys, the workshop's folder and the other kernels' connection files,
    and still imports the apps."""
    from jupyter_client.blocking.client import BlockingKernelClient

    from bakhong.page_kernel import landlock_abi

    if landlock_abi() == 0:
        pytest.skip("this Linux has no Landlock")
    learner = _newcomer(demo)
    with phone_page("issue17-shut-in") as page:
        page.goto(demo.lesson_url(learner.code), timeout=LONG)
        wait_visible(page, ".bk-common-consent-accept", "the consent screen")
        kernels = {pid: _connection_file(pid) for pid in _kernels(demo)}
        files = [f for f in kernels.values() if f]
        private = [demo.workshop / "sandbox.db", demo.workshop / "gradebook.db",
                   demo.workshop, demo.workshop / "release", demo.home / "keys",
                   *(f for f in (demo.home / "keys").rglob("*") if f.is_file())]
        answered = 0
        for pid, own in kernels.items():
            if own is None:
                continue
            targets = [str(p) for p in private] + [f for f in files if f != own]
            client = BlockingKernelClient(connection_file=own)
            client.load_connection_file()
            client.start_channels()
            lines: list[str] = []

            def hook(msg: dict, lines: list[str] = lines) -> None:  # type: ignore[type-arg]
                if msg["msg_type"] == "stream":
                    lines.append(msg["content"]["text"])
            try:
                reply = client.execute_interactive(_PROBE % (targets,), timeout=20,
                                                   output_hook=hook)
            except TimeoutError:
                continue  # a preheated kernel still waiting for its page
            finally:
                client.stop_channels()
            assert reply["content"]["status"] == "ok", reply["content"]
            import json

            found = json.loads("".join(lines))
            opened = {path: how for path, how in found.items() if how != "denied"}
            assert not opened, f"kernel {pid} could open {opened}"
            answered += 1
        assert answered >= 1, "no live kernel answered"


def _newcomer(server: DemoServer) -> DemoLearner:
    """A demo resident who has not consented yet (the demo keeps the first few so)."""
    from bakhong.grading.workshop import open_sandbox
    from bakhong.simulators.store import consents

    box = open_sandbox(server.workshop)
    try:
        given = {r.learner_id for r in box.store.read(consents.select())}
    finally:
        box.close()
    return next(le for le in demo_learners(server.workshop) if le.learner_id not in given)
