# JupyterHub for bakhong on one VM (docs/hosting.md): one hub "server" is one workshop.
#
# A trainer signs in to the hub and starts a *named server* whose name is the workshop's
# folder name: the hub runs `bakhong serve WORKSHOP --hub` as the trainer's account, on a
# port of its choosing, under the prefix /user/<trainer>/<workshop>/. Residents open that
# address with the code on their card: the workshop's pages have no hub login (the proxy
# routes the prefix straight to `bakhong serve`, which checks learner codes itself), so they
# need no hub account. The hub's own pages and API stay behind the trainer's login.
#
#   jupyterhub -f /etc/bakhong/jupyterhub_config.py      (as root, from /srv/jupyterhub)
#
# Settings read from the environment (all optional):
#   BAKHONG_HUB_URL          where the proxy listens (default http://:8000; https://… with
#                            BAKHONG_HUB_SSL_CERT/_KEY, or TLS at a reverse proxy in front)
#   BAKHONG_HUB_ADMINS       trainers who administer the hub, comma-separated
#   BAKHONG_WORKSHOPS        where a workshop lives, default "{home}/workshops/{servername}"
#                            ({home}: the trainer's home, {username}, {servername})
#   BAKHONG_HUB_MEM_LIMIT    memory per workshop (default 6G), enforced by SystemdSpawner
#   BAKHONG_HUB_CPU_LIMIT    cores per workshop (default 2), enforced by SystemdSpawner
#   BAKHONG_MAX_KERNELS      learner pages per workshop at once (default 64)
#   BAKHONG_POOL_SIZE        preheated kernels per lesson (default 2)
#   BAKHONG_CULL_AFTER       seconds without traffic before a workshop is stopped (3600)
#   BAKHONG_DOOR_PORT        where the workshops' door listens on 127.0.0.1 (10101)
#
# c is JupyterHub's configuration object (traitlets loads this file with it defined).
# ruff: noqa: F821

import os
import pwd
import shutil
import sys
from pathlib import Path

c = get_config()  # type: ignore[name-defined]

# --- the hub and its proxy ------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("BAKHONG_HUB_URL", "http://:8000")
if os.environ.get("BAKHONG_HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["BAKHONG_HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["BAKHONG_HUB_SSL_KEY"]
# The hub's own state (users, servers, tokens); small. Workshops' stores are elsewhere.
c.JupyterHub.db_url = os.environ.get("BAKHONG_HUB_DB", "sqlite:///jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.environ.get("BAKHONG_HUB_COOKIE_SECRET",
                                                 "jupyterhub_cookie_secret")
# Workshops keep running when the hub restarts (an upgrade does not end a class).
c.JupyterHub.cleanup_servers = False

# --- trainers: who may sign in ------------------------------------------------------------
# NativeAuthenticator: a trainer signs up at /hub/signup, an admin approves at /hub/authorize.
c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 600
c.Authenticator.admin_users = {name.strip() for name in
                               os.environ.get("BAKHONG_HUB_ADMINS", "").split(",") if name.strip()}

# --- workshops: one named server each -----------------------------------------------------
# SystemdSpawner runs each workshop as a transient systemd unit of the trainer's account,
# with the memory and CPU limits below enforced by the kernel's cgroups.
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.JupyterHub.allow_named_servers = True
c.JupyterHub.named_server_limit_per_user = 5
c.Spawner.mem_limit = os.environ.get("BAKHONG_HUB_MEM_LIMIT", "6G")
c.Spawner.cpu_limit = float(os.environ.get("BAKHONG_HUB_CPU_LIMIT", "2"))
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True
# systemd counts threads: about ten per kernel (tests/test_issue19_hub.py records them)
c.SystemdSpawner.unit_extra_properties = {"TasksMax": "4096"}
# Opening the workshop's store and starting the sandbox service take a few seconds.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# Nothing of the hub's environment but these reaches `bakhong serve` (no database password:
# libpq reads it from the trainer's ~/.pgpass, docs/postgres.md).
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "TZ"]

BAKHONG = shutil.which("bakhong") or str(Path(sys.executable).with_name("bakhong"))
WORKSHOPS = os.environ.get("BAKHONG_WORKSHOPS", "{home}/workshops/{servername}")


def _home(spawner) -> str:
    home = getattr(spawner, "home_dir", "")  # SimpleLocalProcessSpawner (tests)
    return home or pwd.getpwnam(spawner.user.name).pw_dir


def workshop_command(spawner) -> None:
    """A named server is a workshop, its name the workshop's folder name: `bakhong serve
    <its folder> --hub`. The trainer's default server is JupyterLab (jupyterhub-singleuser,
    behind the hub's login): its terminal runs `bakhong init`, `cards`, `grade`, `report`
    and `sync` on the trainer's workshops."""
    name = spawner.name
    if not name:
        return  # JupyterLab for the trainer
    if "/" in name or name.startswith("."):
        raise ValueError(f"«{name}» cannot be a workshop's folder name.")
    folder = Path(WORKSHOPS.format(home=_home(spawner), username=spawner.user.name,
                                   servername=name))
    if not (folder / "bakhong.toml").is_file():
        raise ValueError(f"No workshop at {folder}: make it first with `bakhong init`.")
    spawner.cmd = [BAKHONG, "serve", str(folder), "--hub",
                   "--max-kernels", os.environ.get("BAKHONG_MAX_KERNELS", "64"),
                   "--pool-size", os.environ.get("BAKHONG_POOL_SIZE", "2")]


c.Spawner.pre_spawn_hook = workshop_command
c.Spawner.default_url = "/lab"  # the trainer's JupyterLab; ignored by `bakhong serve`

# --- the idle culler: a workshop nobody has visited for an hour is stopped ----------------
# The hub learns a workshop's last activity from the proxy (any request or websocket message
# on its prefix), every `last_activity_interval` seconds.
c.JupyterHub.last_activity_interval = 120
CULL_AFTER = os.environ.get("BAKHONG_CULL_AFTER", "3600")
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={CULL_AFTER}", "--cull-every=300", "--concurrency=2"],
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]

# --- the workshops' door: the address on the learner cards --------------------------------
# /services/lop/<trainer>/<workshop>/join?code=… sends a phone on to the running workshop,
# or starts a stopped (culled) one and shows «Lớp học đang mở lại» until it is ready; a
# workshop deleted on the hub's home page is «Không tìm thấy lớp học» (bakhong/hub_door.py).
# Cards: bakhong cards WORKSHOP --base-url https://HUB/services/lop/<trainer>/<workshop>
DOOR_PORT = int(os.environ.get("BAKHONG_DOOR_PORT", "10101"))
c.JupyterHub.services.append({
    "name": "lop",
    "url": f"http://127.0.0.1:{DOOR_PORT}",
    "command": [sys.executable, "-m", "bakhong.hub_door"],
})
c.JupyterHub.load_roles.append({
    "name": "bakhong-door",
    # read the trainers' servers, start a stopped one; never access:servers (open a
    # workshop), admin or tokens
    "scopes": ["read:users:name", "read:servers", "servers"],
    "services": ["lop"],
})
