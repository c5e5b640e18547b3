"""The kernel a learner's page runs in, shut in before it starts: it can read Python and the
kit, and nothing of the workshop.

A page's kernel is only a view (issue 17): it reaches the sandbox through the service's
socket with the pass of its page, and needs no file of the workshop. Yet it runs as the
trainer's account, which owns the store (``sandbox.db``), the gradebook, the keys and the
other kernels' connection files. So ``bakhong serve`` starts its page kernels through this
module (:class:`PageKernelSpecs` gives the ``bakhong`` kernel this launcher), which, before
ipykernel starts a thread, asks Linux's **Landlock** (unprivileged, since Linux 5.13) to
allow this process and everything it starts only:

* reading (and running) the Python installation, the kit's own packages and the system's
  libraries and settings (``/usr``, ``/lib*``, ``/etc``, ``/dev``);
* reading the spoken instructions ``serve`` made ahead (``WORKSHOP/audio``; one not made
  yet the kernel makes in its own folder, see :func:`bakhong.widgets.speech.audio_for`);
* reading its own connection file, and making (and removing) its sockets beside it, not
  reading the other kernels' files there;
* a private temporary folder of its own (``TMPDIR``, IPython's folder, its working folder)
  inside the connection folder: removed when the kernel ends, and with the whole
  connection folder when Voila stops.

Anything else, the workshop's folder above all, answers "permission denied", even to code
that knows the path. The rules hold for every thread, since none exists yet when they are
set, and for every process the kernel starts. Connecting to a Unix socket is not a file
access: the service's socket stays reachable, and the service checks the pass.

Where Landlock is missing (another system, an old Linux, a container that forbids it) the
kernel runs as before and the server's log says so once (:func:`landlock_abi`); where a rule
is refused, the kernel says so in the server's log and runs as before: a class whose pages
do not open would be worse than a kernel that is not shut in.

    python -m bakhong.page_kernel -f CONNECTION_FILE
"""

from __future__ import annotations

import atexit
import ctypes
import importlib.util
import os
import shutil
import struct
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from bakhong.kernelspec import KERNEL_NAME

__all__ = ["LAUNCHER", "PageKernelSpecs", "confine", "kit_folders", "landlock_abi", "main"]

LAUNCHER = "bakhong.page_kernel"
#: the system's folders a kernel reads: shared libraries, settings (certificates, time
#: zones, locales), devices (``/dev/null``, ``/dev/urandom``)
SYSTEM = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/opt")
#: the kit's packages (their folders, wherever an editable install maps them)
PACKAGES = ("bakhong", "bakhong.widgets", "bakhong.simulators", "bakhong.grading",
            "bakhong.lessons")

# Linux's Landlock interface (include/uapi/linux/landlock.h); the system call numbers are
# the same on every architecture (the unified table).
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_SOCK = 1 << 4, 1 << 5, 1 << 9
_ABI_1 = (1 << 13) - 1  # execute … make_sym
REFER, TRUNCATE = 1 << 13, 1 << 14
#: what a rule on a file (not a folder) may allow
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE
READ = EXECUTE | READ_FILE | READ_DIR
DEVICES = READ | WRITE_FILE


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def landlock_abi() -> int:
    """The Landlock version this Linux offers; 0 where there is none."""
    if not sys.platform.startswith("linux"):
        return 0
    found = _libc().syscall(_CREATE_RULESET, None, ctypes.c_size_t(0),
                            ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(0, int(found))


def _handled(abi: int) -> int:
    return _ABI_1 | (REFER if abi >= 2 else 0) | (TRUNCATE if abi >= 3 else 0)


def confine(rules: Iterable[tuple[str, int]]) -> bool:
    """Allow this process (every thread started after, every child) only ``rules``: pairs
    of a path and the rights under it; a path that does not exist is left out. False, and
    nothing changed, where Landlock is missing."""
    abi = landlock_abi()
    if abi == 0:
        return False
    libc = _libc()
    handled = _handled(abi)
    attr = ctypes.create_string_buffer(struct.pack("=Q", handled))
    ruleset = int(libc.syscall(_CREATE_RULESET, attr, ctypes.c_size_t(len(attr.raw)),
                               ctypes.c_uint32(0)))
    if ruleset < 0:
        return False
    try:
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                allowed = rights & handled
                if not os.path.isdir(path):
                    allowed &= _FILE_RIGHTS
                rule = ctypes.create_string_buffer(struct.pack("=Qi", allowed, fd))
                if libc.syscall(_ADD_RULE, ctypes.c_int(ruleset),
                                ctypes.c_int(_RULE_PATH_BENEATH), rule, ctypes.c_uint32(0)):
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule {path}")
            finally:
                os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0):
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
        if libc.syscall(_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)):
            raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return True


def kit_folders() -> list[str]:
    """The Python installation and the kit's package folders: what a kernel reads."""
    folders = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            folders.update(spec.submodule_search_locations)
    return sorted(str(Path(f).resolve()) for f in folders)


def kernel_rules(connection_file: str, private: str) -> list[tuple[str, int]]:
    """What a page kernel may do: see the module's notes."""
    from bakhong.widgets.speech import cache_dir

    folder = str(Path(connection_file).resolve().parent)
    return [*((path, READ) for path in (*SYSTEM, *kit_folders())),
            (str(cache_dir()), READ),  # the spoken instructions serve made ahead
            ("/dev", DEVICES),
            (str(Path(connection_file).resolve()), READ_FILE),
            (folder, MAKE_SOCK | REMOVE_FILE),
            (private, _ABI_1 | REFER | TRUNCATE)]


def _connection_file(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "-f" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--f=") or arg.startswith("-f="):
            return arg.split("=", 1)[1]
    return None


def main() -> None:
    """Confine this process, then run ipykernel as ``python -m ipykernel_launcher`` would."""
    connection_file = _connection_file(sys.argv[1:])
    if connection_file is not None:
        private = tempfile.mkdtemp(prefix="page-", dir=Path(connection_file).resolve().parent)
        atexit.register(shutil.rmtree, private, ignore_errors=True)
        os.environ.update(TMPDIR=private, IPYTHONDIR=private)
        tempfile.tempdir = private
        os.chdir(private)  # its folder is not the workshop's
        try:
            confined = confine(kernel_rules(connection_file, private))
        except OSError as err:  # a Linux that refuses a rule: the page still opens (logged)
            print(f"[bakhong page kernel] not shut in: {err}", file=sys.stderr, flush=True)
            confined = False
        if confined:
            # psutil is optional to ipykernel, which uses it to find the kernel's children
            # at shutdown by listing /proc: a page kernel has none, and /proc is shut (the
            # server's environment is there), so ipykernel is told there is no psutil
            sys.modules["psutil"] = None  # type: ignore[assignment]
    from ipykernel import kernelapp

    sys.argv[0] = "ipykernel_launcher"
    kernelapp.launch_new_instance()


class PageKernelSpecs(KernelSpecManager):  # type: ignore[misc]
    """Voila's kernelspec manager under ``bakhong serve``: the ``bakhong`` kernel is started
    through :mod:`bakhong.page_kernel` (``VoilaConfiguration.kernel_spec_manager_class``)."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        if kernel_name == KERNEL_NAME:
            argv = list(spec.argv)
            for index in range(len(argv) - 1):
                if argv[index] == "-m" and argv[index + 1] == "ipykernel_launcher":
                    argv[index + 1] = LAUNCHER
                    spec.argv = argv
                    break
        return spec


if __name__ == "__main__":
    main()
