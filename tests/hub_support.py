"""A real JupyterHub with configurable-http-proxy, for the hub test and the capacity bench.

Nothing here is a test. :func:`running_hub` starts ``jupyterhub`` with
``deploy/jupyterhub/jupyterhub_config.py`` loaded as deployed, changing only what a test on
one machine must: the dummy authenticator, the local spawner that needs no Unix account per
trainer (``SimpleLocalProcessSpawner``, homes under ``<folder>/homes``), the ports (each
named server its own, below the kernels' ephemeral range: ``tests/ports.py``) and an admin
token for the REST API. ``tests/test_issue19_hub.py`` runs one workshop through it;
``bench/hub_capacity.py`` several. When the block ends the workshops are stopped through the
API and the hub with one SIGTERM; every process it started must end by itself within 20 s.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from browser_support import VENV_BIN, _descendants, _reap, server_env
from ports import free_port

REPO = Path(__file__).resolve().parent.parent
DEPLOY_CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
CHP = shutil.which("configurable-http-proxy")
TRAINER = "thao"
START_S = 120.0

TEST_CONFIG = """\
import os
c = get_config()  # noqa: F821
load_subconfig({deploy!r})  # noqa: F821  (the single-VM config, as deployed)
# What a test changes: who signs in, how a workshop is spawned, the ports, an admin token.
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"  # no Unix account per trainer
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.env_keep = [*c.Spawner.env_keep, "BAKHONG_HOME"]
# each server its own port below the kernels' ephemeral range (tests/ports.py)
_ports = {ports!r}
_deployed_hook = c.Spawner.pre_spawn_hook
def _hook(spawner):
    spawner.port = _ports[spawner.name]
    if not spawner.name and os.geteuid() == 0:  # CI runs as root; trainers never do
        spawner.args = ["--allow-root"]
    _deployed_hook(spawner)
c.Spawner.pre_spawn_hook = _hook
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.cleanup_servers = True  # the hub stops the workshops it started when it stops
c.JupyterHub.services = [*c.JupyterHub.services, {{"name": "bakhong-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [*c.JupyterHub.load_roles, {{
    "name": "bakhong-test", "services": ["bakhong-test"],
    "scopes": ["admin:users", "admin:servers", "list:users", "read:users", "read:servers",
               "list:services", "read:services", "access:servers"]}}]
"""


@dataclass
class Hub:
    url: str  # the proxy: what phones open
    token: str
    process: subprocess.Popen[bytes]
    log_path: Path
    workshops: tuple[str, ...]  # the named servers the config gives a port
    # the hub test's one workshop, its PostgreSQL store and gradebook
    workshop: Path = field(default_factory=Path)
    store_url: str = ""
    gradebook_url: str = ""
    spawn_seconds: float = 0.0
    cafile: str | None = None  # an HTTPS hub's own certificate, which the test trusts

    def api(self, method: str, path: str, body: object | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/hub/api{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30,
                                        context=trusting(self.cafile)) as response:
                text = response.read()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def prefix(workshop: str, trainer: str = TRAINER) -> str:
    """Where the proxy serves a workshop: ``/user/<trainer>/<workshop>/``."""
    return f"/user/{trainer}/{workshop}/"


def workshop_folder(folder: Path, workshop: str, trainer: str = TRAINER) -> Path:
    """Where the deployed config looks for a named server's workshop (``{home}/workshops/
    {servername}``), the trainer's home being ``<folder>/homes/<trainer>``."""
    return folder / "homes" / trainer / "workshops" / workshop


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def trusting(cafile: str | None) -> ssl.SSLContext | None:
    """An SSL context that trusts ``cafile`` (an HTTPS hub's self-signed certificate)."""
    return ssl.create_default_context(cafile=cafile) if cafile else None


def self_signed(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate and key for ``host`` (an IP address), as a hub's TLS needs them."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(
                ipaddress.ip_address(host))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "hub.crt", folder / "hub.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def anonymous_get(url: str, cafile: str | None = None) -> tuple[int, dict[str, str], str]:
    """A phone with no hub cookie: status, headers (lower-case names), body; redirects not
    followed; ``cafile``: an HTTPS hub's certificate."""
    handlers: list[Any] = [_NoRedirect]
    if cafile:
        handlers.append(urllib.request.HTTPSHandler(context=trusting(cafile)))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=120) as response:
            return (response.status, {k.lower(): v for k, v in response.headers.items()},
                    response.read().decode())
    except urllib.error.HTTPError as err:
        return (err.code, {k.lower(): v for k, v in err.headers.items()},
                err.read().decode(errors="replace"))


def wait_for(what: str, check: Any, timeout: float, hub: Hub | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if hub is not None and hub.process.poll() is not None:
            raise AssertionError(f"jupyterhub exited while waiting for {what}:\n"
                                 f"{hub.log()[-5000:]}")
        if time.monotonic() > deadline:
            tail = hub.log()[-5000:] if hub else ""
            raise AssertionError(f"{what}: not within {timeout:.0f} s\n{tail}")
        time.sleep(0.5)


def answers(url: str, cafile: str | None = None) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5, context=trusting(cafile)) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def server(hub: Hub, name: str) -> dict[str, Any] | None:
    """The trainer's server ``name`` ("" the default one) as the REST API lists it: only a
    running or starting server is listed."""
    _, user = hub.api("GET", f"/users/{TRAINER}")
    servers = user.get("servers", {}) if isinstance(user, dict) else {}
    found = servers.get(name)
    return found if isinstance(found, dict) else None


def ready(hub: Hub, name: str) -> bool:
    return bool((server(hub, name) or {}).get("ready"))


def start_workshop(hub: Hub, name: str) -> float:
    """Start the trainer's named server ``name`` through the REST API (the trainer made
    first if needed); returns the seconds from the POST to ready."""
    status, body = hub.api("POST", f"/users/{TRAINER}")
    assert status in (201, 409), body
    t0 = time.monotonic()  # the POST itself waits up to the hub's slow_spawn_timeout (10 s)
    status, body = hub.api("POST", f"/users/{TRAINER}/servers/{name}")
    assert status in (201, 202), body
    wait_for(f"the workshop {name} to be ready", lambda: ready(hub, name), START_S, hub)
    return time.monotonic() - t0


def line(proc: Any) -> str:
    try:
        return " ".join(proc.cmdline())
    except Exception:  # gone meanwhile, or not ours to read
        return ""


@contextlib.contextmanager
def running_hub(folder: Path, home: Path, workshops: Sequence[str],
                env: dict[str, str] | None = None, *, https: bool = False) -> Iterator[Hub]:
    """The hub on a free port, its proxy, its culler; ``workshops`` are the named servers
    it may start (each given a port); ``env`` adds to the hub's environment (e.g.
    ``BAKHONG_POOL_SIZE``, which the deployed config passes to ``bakhong serve``);
    ``https``: the proxy serves TLS with a self-signed certificate (the deployed config's
    ``BAKHONG_HUB_SSL_CERT``/``_KEY``), which :attr:`Hub.cafile` trusts."""
    token = secrets.token_hex(24)
    port = free_port()
    config = folder / "hub_config.py"
    ports = {"": free_port(), **{name: free_port() for name in workshops}}
    config.write_text(TEST_CONFIG.format(
        deploy=str(DEPLOY_CONFIG), homes=str(folder / "homes"), ports=ports,
        hub_port=free_port(), proxy_api_port=free_port(), chp=CHP or "configurable-http-proxy",
        token=token), encoding="utf-8")
    hub_env = server_env(home)
    scheme, cafile = "http", None
    if https:
        cert, key = self_signed(folder)
        scheme, cafile = "https", str(cert)
        hub_env.update({"BAKHONG_HUB_SSL_CERT": str(cert), "BAKHONG_HUB_SSL_KEY": str(key)})
    hub_env.update({"BAKHONG_HUB_URL": f"{scheme}://127.0.0.1:{port}",
                    "BAKHONG_DOOR_PORT": str(free_port()), **(env or {})})
    for name in [n for n in hub_env if n.startswith(("JUPYTERHUB_", "JPY_"))]:
        del hub_env[name]
    log_path = folder / "jupyterhub.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)],
                                   cwd=folder, env=hub_env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    hub = Hub(f"{scheme}://127.0.0.1:{port}", token, process, log_path, tuple(workshops),
              cafile=cafile)
    try:
        wait_for("the hub's API", lambda: answers(f"{hub.url}/hub/api/", cafile), START_S, hub)
        yield hub
    finally:
        left = stop(hub)
    assert not left, f"processes left running after the hub stopped: {left}"


def stop(hub: Hub) -> list[str]:
    """Stop the workshops through the API, then the hub (one SIGTERM); returns what was
    still running 60 s later (then killed): the proxy, the culler, ``bakhong serve``, its
    sandbox service, grading worker and kernels must all have ended by themselves."""
    import psutil

    process = hub.process
    seen = _descendants(process.pid)  # the proxy, the culler, the workshops and kernels
    for name in hub.workshops:
        with contextlib.suppress(Exception):
            hub.api("DELETE", f"/users/{TRAINER}/servers/{name}")
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    _gone, alive = psutil.wait_procs(seen, timeout=60)  # a loaded CI machine is slow
    left = []
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            left.append(" ".join(proc.cmdline())[:200])
    _reap(alive, timeout=5)
    return left
