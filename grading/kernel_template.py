"""The template the grading kernels are forked from: ipykernel and the checks imported once.

A kernel for autograde spends most of its start importing: Python and ipykernel (about
0.2 s of CPU), then, in its first hidden cell, the check code (:mod:`.hidden_tests`, the
simulators and what they import: about 0.85 s). The template process
(``python -m bakhong.grading.kernel_template``) does those imports once (:func:`preload`),
then forks one process per kernel asked for; each fork runs ipykernel's own
``IPKernelApp`` with the connection file it was given, in the folder and with the
environment it was given. The template never runs a cell: every kernel starts as a new
process that has run nothing but these imports, whoever it is for.

The protocol is one JSON object a line: the grading process writes
``{"argv": [...], "cwd": ..., "env": {...}}`` to the template's standard input and reads
``{"pid": N}`` (or ``{"error": ...}``) from its standard output; the first line the template
writes is ``{"ready": PID}``, once :func:`preload` is done.

**It goes with its grading process.** When its standard input closes (the grading process
closed it, or died, even with ``kill -9``), the template kills every kernel it forked and
exits; on Linux each kernel also gets SIGKILL as soon as the template is gone
(``PR_SET_PDEATHSIG``), and everywhere ipykernel's own parent poller (``JPY_PARENT_PID``)
ends a kernel whose parent changed.

This module imports the standard library only until :func:`preload` runs, and nothing of
jupyter_client's managers or nbgrader: a kernel carries only what a stock one would.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import sys
import traceback
from typing import IO, Any

__all__ = ["preload", "serve"]

#: what ipykernel imports while a kernel starts, runs its first cell and shows its first
#: traceback (a failed ``assert`` in a hidden cell)
KERNEL = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "faulthandler",
          "runpy", "tornado.platform.asyncio", "IPython.core.completerlib",
          "IPython.core.debugger", "IPython.core.logger", "IPython.core.oinspect",
          "IPython.extensions.storemagic", "stack_data", "pygments.console",
          "pygments.formatters.terminal256", "pygments.styles")
#: the check code every hidden cell runs, besides the lessons' judges
CHECKS = ("bakhong.grading.hidden_tests", "bakhong.simulators.evidence")
_PR_SET_PDEATHSIG = 1


def preload() -> None:
    """Import ipykernel (what a kernel imports as it starts: :data:`KERNEL`) and the check
    code: :mod:`.hidden_tests`, the evidence module and every lesson's judge
    (``hidden_tests.JUDGES``), inside :func:`bakhong.quiet.quiet`, so that whatever a
    library prints or warns on import goes nowhere. A module that fails to import is left
    out: the hidden cell that needs it imports it again and fails there, as it would in a
    kernel started without this. Importing starts no thread (a fork copies only the thread
    that forks)."""
    from bakhong.quiet import quiet

    with quiet():
        for name in (*KERNEL, *CHECKS):
            _try_import(name)
        from bakhong.grading.hidden_tests import JUDGES

        for name in JUDGES.values():
            _try_import(name)
        _format_a_traceback()


def _format_a_traceback() -> None:
    """IPython's first traceback in a process costs about 30 ms more than the next ones
    (pygments and stack_data set themselves up): a failed hidden ``assert`` is common, so
    the template formats one first."""
    try:
        from IPython.core.ultratb import AutoFormattedTB

        try:
            exec(compile("assert False\n", "<bakhong-template>", "exec"), {})
        except AssertionError:
            formatter = AutoFormattedTB(  # type: ignore[no-untyped-call]
                mode="Context", theme_name="neutral", tb_offset=1)  # as a kernel's
            formatter.structured_traceback(*sys.exc_info())
    except Exception:  # another IPython: the first traceback of each kernel costs more
        pass


def _try_import(name: str) -> None:
    try:
        importlib.import_module(name)
    except Exception:  # see preload: the hidden cell meets the same error
        pass


def _say(replies: IO[str], message: dict[str, Any]) -> None:
    replies.write(json.dumps(message) + "\n")
    replies.flush()


def serve() -> None:
    """The template's life: preload, then fork a kernel for each request line until the
    standard input closes; then kill the kernels still running."""
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)  # nothing imported may read the requests or write into the replies
    os.dup2(null, 1)
    os.close(null)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the grading process
    preload()
    gc.freeze()  # the kernels' collector leaves the template's objects (and pages) shared
    children: set[int] = set()

    def reap(_signum: int, _frame: Any) -> None:
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)

    signal.signal(signal.SIGCHLD, reap)
    _say(replies, {"ready": os.getpid()})
    for line in requests:
        request = json.loads(line)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})  # add before reaping
        try:
            pid = os.fork()
            if pid == 0:
                _become_kernel(request, (requests, replies))
            children.add(pid)
        except OSError as err:
            _say(replies, {"error": str(err)})
            continue
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        _say(replies, {"pid": pid})
    for pid in list(children):
        _kill_group(pid)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _die_with_parent(parent: int) -> None:
    """On Linux, SIGKILL as soon as the template is gone; elsewhere ipykernel's parent
    poller does it (``JPY_PARENT_PID``)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import ctypes.util

        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:  # pragma: no cover - no libc: the parent poller still watches
            pass
    if os.getppid() != parent:  # the template died before prctl: nobody to serve
        os._exit(1)


def _become_kernel(request: dict[str, Any], pipes: tuple[IO[str], IO[str]]) -> None:
    """In the fork: a kernel of its own (session, folder, environment), then ipykernel's
    ``IPKernelApp`` as ``python -m ipykernel_launcher`` would run it. Never returns."""
    code = 1
    try:
        template = os.getppid()
        os.setsid()  # its own process group, as jupyter_client launches kernels
        _die_with_parent(template)
        for pipe in pipes:
            os.close(pipe.fileno())
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # interrupts, as usual
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        started_in = os.getcwd()
        os.chdir(request["cwd"])
        if sys.path and sys.path[0] == started_in:  # what `python -m` put first
            sys.path[0] = os.getcwd()
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(template)
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=list(request["argv"]))
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    except BaseException:  # a kernel that cannot start says why, then exits
        traceback.print_exc()
    finally:
        os._exit(code)


if __name__ == "__main__":
    serve()
