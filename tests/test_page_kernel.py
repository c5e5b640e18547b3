"""Page kernels shut in by Landlock (``bakhong/page_kernel.py``, issue 17).

A process confined with a page kernel's rules, as ``python -m bakhong.page_kernel`` does
before ipykernel starts, still imports the apps and reads the spoken instructions made
ahead, and is refused the workshop's files; an instruction not made yet is made in its own
folder, never in the shared cache others hear. The served end to end is in
``test_issue17_kernels_are_views.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bakhong.kernelspec import KERNEL_NAME, ensure_installed
from bakhong.page_kernel import LAUNCHER, PageKernelSpecs, landlock_abi

pytestmark = pytest.mark.skipif(landlock_abi() == 0, reason="this Linux has no Landlock")

_CHILD = """
import json, os, sys, tempfile
from pathlib import Path
from bakhong import page_kernel
connection, private, targets = sys.argv[1], sys.argv[2], sys.argv[3:]
os.environ["TMPDIR"] = private
tempfile.tempdir = private
assert page_kernel.confine(page_kernel.kernel_rules(connection, private))
found = {}
for path in targets:
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            Path(path).read_bytes()
        found[path] = "read"
    except PermissionError:
        found[path] = "denied"
import bakhong.widgets.bank_app  # an app still imports
from bakhong.widgets import speech
found["cached"] = speech.audio_for("Bấm «Đăng ký».", "vi")[:4].decode()
if speech.available():
    found["new"] = speech.audio_for("Một câu chưa có trong bộ nhớ.", "vi")[:4].decode()
print(json.dumps(found))
"""


def test_a_confined_process_reads_the_kit_and_not_the_workshop(tmp_path: Path) -> None:
    workshop = tmp_path / "ws"
    audio = workshop / "audio"
    audio.mkdir(parents=True)
    (workshop / "sandbox.db").write_bytes(b"SQLite format 3\0")
    keys = tmp_path / "home" / "keys"
    keys.mkdir(parents=True)
    (keys / "ws.key").write_text("0123456789abcdef0123456789abcdef")
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    connection = runtime / "kernel-1.json"
    connection.write_text("{}")
    other = runtime / "kernel-2.json"
    other.write_text('{"key": "another learner"}')
    private = runtime / "page-1"
    private.mkdir()
    from bakhong.widgets import speech

    if speech.available():
        speech.prepare([("Bấm «Đăng ký».", "vi")], audio)
    else:  # what serve would have made ahead
        (audio / speech._path("Bấm Đăng ký.", "vi", audio).name).write_bytes(b"RIFF....")
    before = sorted(audio.iterdir())
    targets = [workshop / "sandbox.db", workshop, keys / "ws.key", keys, other]
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(connection), str(private), *map(str, targets)],
        capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "BAKHONG_AUDIO_CACHE": str(audio)})
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert {str(t): found[str(t)] for t in targets} == {str(t): "denied" for t in targets}
    assert found["cached"] == "RIFF"
    if speech.available():
        assert found["new"] == "RIFF"
        assert sorted(audio.iterdir()) == before, "the kernel wrote into the shared cache"
        assert list(private.glob("bakhong-audio-*/*.wav")), "made in its own folder"


def test_serve_starts_the_bakhong_kernel_through_the_launcher() -> None:
    ensure_installed()
    spec = PageKernelSpecs().get_kernel_spec(KERNEL_NAME)
    assert spec.argv[spec.argv.index("-m") + 1] == LAUNCHER
    assert "{connection_file}" in spec.argv
