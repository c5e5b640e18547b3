"""The wheel carries the lessons and catalogues; the command works without an activated venv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def test_wheel_in_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--quiet", "-w", str(dist), str(ROOT)],
                           check=True, capture_output=True, text=True)
    # issue 13: a data folder missing from [tool.setuptools] packages made setuptools print
    # a 40-line warning per folder on every install
    assert "BuildBackendWarning" not in build.stderr, build.stderr
    assert "absent from the `packages` configuration" not in build.stderr, build.stderr
    [wheel] = dist.glob("bakhong-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", str(wheel)], check=True)
    # Dependencies come from the test environment's site-packages, added as a plain path:
    # its .pth files (the editable install's finder among them) are not processed.
    site = Path(subprocess.check_output(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    check = (
        "import bakhong, bakhong.simulators.vneid, bakhong.grading.course as c;"
        "from importlib import resources as r;"
        f"assert bakhong.__file__.startswith({str(venv)!r}), bakhong.__file__;"
        "assert r.files('bakhong.lessons').joinpath('vneid.py').is_file();"
        "po = r.files('bakhong.widgets').joinpath('locale/en/LC_MESSAGES/bakhong.po');"
        "assert po.is_file() and 'msgstr' in po.read_text('utf-8');"
        "assert r.files('bakhong.widgets').joinpath('bakhong.css').is_file();"
        "assert r.files('bakhong').joinpath('data/demo-roster.csv').is_file();"
        "m = r.files('bakhong.province').joinpath('migrations');"
        "assert m.joinpath('env.py').is_file() and m.joinpath('script.py.mako').is_file();"
        "assert m.joinpath('versions/0002_summaries.py').is_file();"
        # issue 16: the light page's template and bundle
        "assert r.files('bakhong').joinpath('page/voila/templates/bakhong/index.html.j2').is_file();"
        "from bakhong import light_page;"
        "assert all(a.body and a.gzipped for a in light_page.assets().values());"
        "assert c.lesson_notebook('vneid').cells"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "BAKHONG_HOME": str(tmp_path / "h")}
    subprocess.run([str(python), "-c", check], check=True, env=env, cwd=tmp_path)
    help_text = subprocess.run([str(venv / "bin" / "bakhong"), "--help"], check=True, env=env,
                               capture_output=True, text=True).stdout
    assert "demo" in help_text and "grade" in help_text
    subprocess.run([str(venv / "bin" / "bakhong"), "kernel"], check=True, env=env)
    spec = json.loads((venv / "share/jupyter/kernels/bakhong/kernel.json").read_text())
    assert spec["argv"][0] == str(python)


def test_command_by_path_without_activation(tmp_path: Path) -> None:
    """nbgrader runs `alembic` by name: building a course must work with a bare PATH."""
    command = Path(sys.executable).parent / "bakhong"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "BAKHONG_HOME": str(tmp_path / "h")}
    if "VIRTUAL_ENV" in os.environ:
        assert os.environ["VIRTUAL_ENV"] not in env["PATH"]
    subprocess.run([str(command), "demo", str(tmp_path / "ws"), "--build-only"], check=True,
                   env=env, capture_output=True)
    assert (tmp_path / "ws" / "release" / "vneid" / "vneid.ipynb").is_file()
    assert (tmp_path / "ws" / "gradebook.db").is_file()
