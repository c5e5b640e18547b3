"""The trainer's dashboard, served by Voila on its own port (8867) behind a password.

``run(workshop)`` writes one dashboard notebook (its only cell calls
:func:`bakhong.widgets.dashboard.dashboard_app`) to a temporary folder and serves it with
the lessons' Voila settings (``bakhong.serving.voila_config``: Unix-socket kernels, no
tracebacks, no sources, no CDN) and their light page (:mod:`bakhong.light_page`), except:
no preheated pool (one trainer, one kernel), and idle kernels are culled only once their tab
is closed, so a dashboard left open is not.

The gate (:class:`TrainerGate`):

* ``/login`` shows a Vietnamese password form; a right password
  (:func:`bakhong.grading.trainer.check_password`, scrypt, checked off the server's event
  loop) opens a session: a random session id kept by the server, valid 12 hours, sent as a
  signed cookie (tornado's ``cookie_secret``: 32 random bytes drawn at every start, so a
  restart logs everyone out), ``HttpOnly``, ``SameSite=Strict``, ``Secure`` when served
  over HTTPS. ``/logout`` (POST) ends the session on the server: the old cookie, replayed,
  no longer opens anything.
* Every other handler Voila has (the page, ``/api/kernels/…`` and its websocket, static
  files, templates, labextensions, shutdown) is subclassed with
  :class:`~bakhong.dashboard_handlers.TrainerOnly` (the handlers' module),
  whose ``prepare`` refuses a request without the cookie before Voila sees it: the page
  redirects to ``/login``, anything else answers 403. Voila's own ``/login``/``/logout``
  are replaced.
* Wrong passwords are rate-limited per address (:class:`LoginLimiter`): 5 per minute from
  one address; beyond, the form answers 429 with ``Retry-After`` and does not even check
  the password. An attempt counts from the moment it arrives, so a burst of parallel
  guesses is held too. There is no limit over all addresses (a guesser would lock the
  trainer out with it), and the laptop itself (127.0.0.1, ::1) is never held: whoever sits
  at it can run ``bakhong trainer-password`` anyway.
* Nothing shows a traceback: Voila's own setting, and every error is a Vietnamese page with
  English below (:func:`bakhong.pages.error_page`), an unknown address included.
"""

from __future__ import annotations

import html
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bakhong.limits import AttemptLimiter, on_this_laptop
from bakhong.simulators.errors import N_, SandboxError

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "LoginLimiter", "TrainerGate", "dashboard_config",
           "login_page", "on_this_laptop", "refuse", "run", "write_notebook"]


DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8867
COOKIE = "bakhong_trainer"
SESSION_DAYS = 0.5
NOTEBOOK = "Bảng theo dõi lớp học.ipynb"
CULL_IDLE_SECONDS = 1800
PER_CLIENT, WINDOW_SECONDS = 5, 60.0


class LoginLimiter(AttemptLimiter):
    """Wrong trainer passwords: at most :data:`PER_CLIENT` a minute from one address
    (:class:`bakhong.limits.AttemptLimiter`)."""

    def __init__(self, per_client: int = PER_CLIENT, window: float = WINDOW_SECONDS) -> None:
        super().__init__(per_client, window)


class NoTrainerPassword(SandboxError):
    code = "dashboard.no_password"
    message = N_("Lớp học này chưa có mật khẩu người hướng dẫn. Hãy đặt bằng lệnh "
                 "«bakhong trainer-password {workshop}».")


_STYLE = """body{font:18px/1.5 system-ui,sans-serif;max-width:420px;margin:40px auto;padding:12px;
color:#111}.bk-mark{background:#c62828;color:#fff;padding:4px 8px;border-radius:6px;
font-weight:700}label{display:block;font-weight:700;margin-top:16px}
input{font:22px/1.2 system-ui,sans-serif;width:100%;box-sizing:border-box;min-height:52px;
padding:6px 10px;border:2px solid #333;border-radius:8px}
button{font:inherit;font-weight:700;width:100%;min-height:52px;margin-top:14px;border:0;
border-radius:8px;background:#0b4f9c;color:#fff}
.bk-error{border:2px solid #c62828;background:#fdecea;padding:8px 12px;border-radius:8px}"""


def login_page(error: str | None = None) -> str:
    """The password form (Vietnamese, no JavaScript, nothing loaded from elsewhere).

    >>> "bk-dash-password" in login_page() and "role=\\"alert\\"" in login_page("Sai")
    True
    """
    problem = f'<p class="bk-error" role="alert">{html.escape(error)}</p>' if error else ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập – Bảng theo dõi lớp học</title><style>{_STYLE}</style></head><body>
<p><span class="bk-mark">MÔ PHỎNG</span> Lớp học luyện tập – dữ liệu hư cấu</p>
<h1>Bảng theo dõi lớp học</h1>
<p>Dành cho người hướng dẫn. Học viên không cần trang này.</p>
<form method="post" action="login">
<label for="password">Mật khẩu người hướng dẫn</label>
<input id="password" class="bk-dash-password" name="password" type="password"
 autocomplete="current-password" required autofocus>
{problem}
<button class="bk-dash-login" type="submit">Đăng nhập</button>
</form>
<p lang="en"><small>Trainer dashboard: type the trainer password set with
<code>bakhong trainer-password</code>.</small></p></body></html>"""


WRONG_PASSWORD = "Mật khẩu không đúng."
TOO_MANY = "Sai mật khẩu quá nhiều lần. Vui lòng đợi {seconds} giây rồi thử lại."
REFUSED = "Cần đăng nhập: /login (403)\n"


def write_notebook(folder: Path) -> Path:
    """The dashboard notebook: one cell, run with the ``bakhong`` kernel."""
    import nbformat

    notebook = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    notebook.cells.append(nbformat.v4.new_code_cell(  # type: ignore[no-untyped-call]
        "from bakhong.widgets.dashboard import dashboard_app\n\ndashboard_app()"))
    notebook.metadata["kernelspec"] = {"name": "bakhong", "display_name": "bakhong",
                                       "language": "python"}
    path = folder / NOTEBOOK
    nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
    return path


def dashboard_config(*, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> Any:
    """The lessons' Voila settings, for one trainer: no preheated pool, no culling of a
    dashboard still open in a tab."""
    from bakhong.serving import voila_config

    config = voila_config(host=host, port=port)
    config.VoilaConfiguration.preheat_kernel = False
    config.VoilaKernelManager.kernel_pools_config = {}
    config.MappingKernelManager.cull_idle_timeout = CULL_IDLE_SECONDS
    config.MappingKernelManager.cull_connected = False
    return config


class TrainerGate:
    """The sessions and the login limiter of one dashboard start.

    A session is a random id the server keeps until it ends (logout) or expires (12 hours);
    the cookie carries the id, signed. A cookie whose session ended opens nothing.
    """

    def __init__(self, workshop_id: str, limiter: LoginLimiter | None = None,
                 clock: Any = time.monotonic) -> None:
        self.workshop_id = workshop_id
        self.limiter = limiter or LoginLimiter()
        self.clock = clock
        self._sessions: dict[str, float] = {}  # session id -> when it expires (clock)

    def _session(self, handler: Any) -> str | None:
        try:
            value = handler.get_signed_cookie(COOKIE, max_age_days=SESSION_DAYS)
        except Exception:  # a malformed cookie is no cookie
            return None
        return value.decode("ascii", "replace") if value else None

    def admits(self, handler: Any) -> bool:
        session = self._session(handler)
        expires = self._sessions.get(session or "")
        if expires is None:
            return False
        if expires <= self.clock():
            self._sessions.pop(session or "", None)
            return False
        return True

    def admit(self, handler: Any) -> None:
        now = self.clock()
        for ended in [s for s, expires in self._sessions.items() if expires <= now]:
            del self._sessions[ended]
        session = secrets.token_urlsafe(32)
        self._sessions[session] = now + SESSION_DAYS * 86400
        handler.set_signed_cookie(
            COOKIE, session, expires_days=None, httponly=True, samesite="Strict",
            secure=handler.request.protocol == "https", path=handler.settings.get(
                "base_url", "/"))

    def end(self, handler: Any) -> None:
        """Logout: the session ends here, whatever the browser does with its cookie."""
        self._sessions.pop(self._session(handler) or "", None)


def refuse(handler: Any, status: int, text: str) -> None:
    """Answer ``text`` with ``status``, nothing cached."""
    handler.clear()
    handler.set_status(status)
    handler.set_header("Content-Type", "text/plain; charset=utf-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(text)


def run(workshop: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve the workshop's dashboard until stopped (one SIGTERM stops Voila cleanly); its
    handlers are in :mod:`bakhong.dashboard_handlers`."""
    from bakhong import light_page
    from bakhong.dashboard_handlers import DashboardVoila
    from bakhong.grading import settings, trainer
    from bakhong.grading.course import put_environment_on_path
    from bakhong.grading.workshop import open_sandbox
    from bakhong.kernelspec import ensure_installed
    from bakhong.serving import check_port
    from bakhong.widgets.entry import STORE_ENV, WORKSHOP_ENV

    check_port(host, port)
    page = light_page.page_choice()
    root = workshop.resolve()
    box = open_sandbox(root)
    workshop_id = box.workshop_id
    box.close()
    if not trainer.has_password(workshop_id):
        raise NoTrainerPassword(workshop=str(workshop))
    print(f"Bảng theo dõi / dashboard: http://{host}:{port}/", flush=True)
    ensure_installed()
    put_environment_on_path()
    os.environ[WORKSHOP_ENV] = str(root)
    os.environ[STORE_ENV] = settings.load(root).store_url_for(root)
    DashboardVoila.gate = TrainerGate(workshop_id)

    folder = Path(tempfile.mkdtemp(prefix="bakhong-dashboard-"))
    try:
        notebook = write_notebook(folder)
        config = dashboard_config(host=host, port=port)
        light_page.configure(config, page)  # the lessons' page (BAKHONG_PAGE=lab: Voila's)
        DashboardVoila.launch_instance([str(notebook)], config=config)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:  # python -m bakhong.dashboard WORKSHOP [PORT]
    args = sys.argv[1:] if argv is None else argv
    run(Path(args[0]), port=int(args[1]) if len(args) > 1 else DEFAULT_PORT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
