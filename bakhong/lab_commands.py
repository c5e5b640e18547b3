"""The trainer's JupyterLab on a workshop: ``bakhong lab WORKSHOP [--host] [--port]``.

Issue 20 asks that trainers adapt and review the course in JupyterLab, on the design card and
installed, in Vietnamese, with nbgrader's formgrader. ``bakhong lab`` opens JupyterLab (its
own server, its token login, on this laptop only unless ``--host`` says otherwise) on the
workshop's folder, which is nbgrader's course (``source/``, ``release/``, ``submitted/``,
``autograded/``, the workshop's ``nbgrader_config.py`` with its gradebook):

* **in Vietnamese**: the JupyterLab language pack (``jupyterlab-language-pack-vi-VN``) is
  chosen in the user settings kept in ``WORKSHOP/.jupyterlab/`` the first time; a trainer
  who picks another language in JupyterLab's menu keeps it;
* **formgrader** at ``/formgrader``: every lesson with its submissions, each resident's
  autograded notebook and scores, from the same gradebook the grading worker writes.
  Where a resident was judged wrongly, the trainer gives the task's cell a manual score
  there and then the reason with ``bakhong override WORKSHOP LEARNER LESSON --reason "…"``
  (:mod:`bakhong.grading.overrides`): from then on the override counts everywhere, under the
  grader's seal, and ``grade``, ``report`` and the report's notes show it. A manual score
  without a reason is not counted, and ``grade`` says so.

Run from the workshop's folder so that formgrader reads its ``nbgrader_config.py`` (nbgrader
looks in the current folder). JupyterLab prints its address with the login token.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

__all__ = ["LOCALE", "add_parser", "choose_vietnamese"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()

LOCALE = "vi_VN"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8888
_TRANSLATION = Path("@jupyterlab") / "translation-extension" / "plugin.jupyterlab-settings"


def choose_vietnamese(settings_dir: Path) -> Path:
    """JupyterLab's language set to Vietnamese in ``settings_dir`` (its user settings),
    unless the trainer already chose one there; returns the settings file."""
    path = settings_dir / _TRANSLATION
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"locale": LOCALE}), encoding="utf-8")
    return path


def _lab(args: argparse.Namespace) -> int:
    from bakhong.grading import course, workshop

    root = Path(args.workshop).resolve()
    box = workshop.open_sandbox(root)  # refuses a folder that holds no workshop
    box.close()
    lab = root / ".jupyterlab"
    choose_vietnamese(lab / "user-settings")
    course.put_environment_on_path()  # nbgrader runs `alembic` by name
    os.chdir(root)  # formgrader reads the workshop's nbgrader_config.py from here
    print(f"JupyterLab cho lớp học / for the workshop {root}: chấm và xem bài nộp / "
          "review submissions at …/formgrader", file=sys.stderr)
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=[
        f"--ServerApp.root_dir={root}", f"--ServerApp.ip={args.host}",
        f"--ServerApp.port={args.port}", "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--LabApp.user_settings_dir={lab / 'user-settings'}",
        f"--LabApp.workspaces_dir={lab / 'workspaces'}",
        # a container's only account (CI) is root; JupyterLab otherwise refuses it
        *(["--ServerApp.allow_root=True"] if os.geteuid() == 0 else [])])
    return 0


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    """Add ``lab`` to the ``bakhong`` command."""
    help_text = ("JupyterLab tiếng Việt cho lớp học, với formgrader của nbgrader / the "
                 "workshop in JupyterLab, in Vietnamese, with nbgrader's formgrader")
    lab = commands.add_parser("lab", help=help_text, description=help_text)
    lab.add_argument("workshop", help="thư mục lớp học / workshop folder")
    lab.add_argument("--host", default=DEFAULT_HOST,
                     help=f"địa chỉ phục vụ / address to serve on (mặc định: {DEFAULT_HOST})")
    lab.add_argument("--port", type=int, default=DEFAULT_PORT,
                     help=f"cổng / port (mặc định: {DEFAULT_PORT})")
    lab.set_defaults(func=_lab)
