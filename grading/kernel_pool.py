"""Kernels started ahead for autograde: a fresh kernel for each submission, already running,
with the check code imported, and shut down once its score is recorded.

nbgrader's ``Execute`` preprocessor is an nbclient ``NotebookClient``: it makes a kernel
manager of its ``kernel_manager_class``, starts a kernel, runs the cells and shuts the
kernel down, which costs a submission about 1.5 s (a new Python, ipykernel, then the
first import of the checks in the first hidden cell, then a polite shutdown). Here
``kernel_manager_class`` is :class:`PooledKernelManager` (see
:class:`.autograde_batch.PooledExecute`), whose ``start_kernel`` takes a kernel that a
:class:`KernelPool` started ahead:

* **One kernel per submission, never reused.** A kernel is taken once, moved into the
  submission's folder before its first cell (``os.chdir``: autograde runs a notebook in
  ``autograded/<learner>/<lesson>/`` and the hidden tests read the learner from the
  folder's parent; a start without that folder is refused), and after its cells ran it is
  parked, then killed in the pool's thread once the score is recorded
  (:meth:`KernelPool.release`). The pool starts another meanwhile.
* **Started ahead, checks imported.** Where ``fork`` exists, the pool's kernels are forked
  from the template of :mod:`.kernel_template`, which imported ipykernel and the checks
  once: :class:`ForkedProvisioner` is jupyter_client's ``LocalProvisioner`` with a launch
  that asks the template (about 0.1 s of CPU per kernel, against 1.1 s for a kernel that
  imports everything itself). Elsewhere (Windows) the kernels are launched as usual and
  run :func:`.kernel_template.preload` at start (``exec_lines``).
* **The environment.** The pool's kernels get the environment the pool was given: the
  evidence key and workshop id (``grader.grading_environment``) and
  ``NBGRADER_EXECUTION=autograde``, which autograde sets for its own kernels. The template
  itself is started without the key or the workshop id. They talk over Unix sockets
  (``ipc``: no TCP port race; ``BAKHONG_KERNEL_TRANSPORT=tcp`` where there are none).
* **Nothing is left running** when the grading process ends, however it ends (see
  :mod:`.kernel_template`).
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import os
import queue
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import Any

import zmq.asyncio
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Float, default

from bakhong.kernelspec import KERNEL_NAME

from .hidden_tests import KEY_ENV, WORKSHOP_ENV

__all__ = ["ForkedProvisioner", "KernelPool", "KernelPoolError", "PooledKernelManager",
           "ReadyKernel", "ReadyKernelClient", "active_pool", "close_templates"]

LOG = logging.getLogger("bakhong.grading")
#: what every pool kernel is started with: IPython's history in memory only (nothing of one
#: learner's kernel is written where the next could read it)
KERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)
#: without fork: the kernel imports the checks itself while it starts
PRELOAD_ARGUMENT = ("--IPKernelApp.exec_lines=import bakhong.grading.kernel_template as _t; "
                    "_t.preload(); del _t")
#: consecutive failed starts after which take() gives up instead of waiting
GIVE_UP_AFTER = 3
_TEMPLATE_MODULE = "bakhong.grading.kernel_template"
_LAUNCHERS = ("ipykernel_launcher", "ipykernel")


class KernelPoolError(RuntimeError):
    """No kernel could be had: the pool is closed, or kernels do not start."""


def can_fork() -> bool:
    return hasattr(os, "fork") and hasattr(os, "setsid")


def kernel_transport() -> str:
    """``ipc`` (Unix sockets) where they exist; ``BAKHONG_KERNEL_TRANSPORT`` overrides."""
    return os.environ.get("BAKHONG_KERNEL_TRANSPORT", "ipc" if os.name == "posix" else "tcp")


def _shared_context() -> zmq.asyncio.Context:
    return zmq.asyncio.Context.instance()


# --- the template processes -------------------------------------------------------------

class Template:
    """A running :mod:`.kernel_template` process and its pipe."""

    def __init__(self, interpreter: list[str], env: Mapping[str, str]) -> None:
        self.folder = tempfile.mkdtemp(prefix="bakhong-template-")
        self.process = subprocess.Popen(
            [*interpreter, "-m", _TEMPLATE_MODULE], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=dict(env), cwd=self.folder, text=True,
            encoding="utf-8")
        self._lock = threading.Lock()
        ready = self._read()
        if "ready" not in ready:
            raise KernelPoolError(f"the kernel template did not start: {ready}")
        self.pid = int(ready["ready"])

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise KernelPoolError("the kernel template has exited")
        found: dict[str, Any] = json.loads(line)
        return found

    def fork(self, argv: list[str], cwd: str, env: Mapping[str, str]) -> int:
        """A new kernel process: ``ipykernel_launcher argv`` in ``cwd`` with ``env``."""
        assert self.process.stdin is not None
        with self._lock:
            try:
                self.process.stdin.write(json.dumps(
                    {"argv": argv, "cwd": cwd, "env": dict(env)}) + "\n")
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError) as err:
                raise KernelPoolError("the kernel template has exited") from err
            reply = self._read()
        if "pid" not in reply:
            raise KernelPoolError(f"the kernel template could not fork: {reply.get('error')}")
        return int(reply["pid"])

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Close its pipe: it kills the kernels it forked and exits."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_TEMPLATES: dict[tuple[Any, ...], Template] = {}
_TEMPLATES_LOCK = threading.Lock()


def template_for(interpreter: list[str], env: Mapping[str, str]) -> Template:
    """The template for kernels run by ``interpreter`` with ``env``: one per process and per
    interpreter set-up (the command and the ``PYTHON*`` variables, read when Python
    starts), started on first use. It holds neither the key nor the workshop id: those
    reach each kernel at its fork."""
    startup = tuple(sorted((k, v) for k, v in env.items() if k.startswith("PYTHON")))
    key = (tuple(interpreter), startup)
    with _TEMPLATES_LOCK:
        found = _TEMPLATES.get(key)
        if found is not None and found.alive():
            return found
        if found is not None:
            found.close()
        clean = {k: v for k, v in env.items() if k not in (KEY_ENV, WORKSHOP_ENV)}
        template = _TEMPLATES[key] = Template(interpreter, clean)
        return template


def template_pids() -> list[int]:
    """The template processes of this process (for measurements)."""
    with _TEMPLATES_LOCK:
        return [template.pid for template in _TEMPLATES.values() if template.alive()]


def close_templates() -> None:
    """Close every template of this process (their kernels go with them)."""
    with _TEMPLATES_LOCK:
        for template in _TEMPLATES.values():
            template.close()
        _TEMPLATES.clear()


atexit.register(close_templates)


def split_kernel_command(cmd: list[str]) -> tuple[list[str], list[str]] | None:
    """``[python, *options, -m, ipykernel_launcher, *argv]`` as (interpreter, argv); None
    for a kernel command of another shape (it is launched as usual)."""
    for index in range(len(cmd) - 1):
        if cmd[index] == "-m" and cmd[index + 1] in _LAUNCHERS:
            return cmd[:index], cmd[index + 2:]
    return None


class ForkedProcess:
    """A kernel forked by the template, with the part of ``subprocess.Popen`` that
    ``LocalProvisioner`` uses. It is the template's child, not ours: its end is seen through
    a pidfd (Linux) or signal 0, and its exit status stays with the template (``returncode``
    is 0 once it has ended)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd: int | None = None
        if hasattr(os, "pidfd_open"):
            try:
                self._pidfd = os.pidfd_open(pid)
            except ProcessLookupError:
                self._ended()
            except OSError:
                pass

    def _ended(self) -> None:
        self.returncode = 0
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is None:
            if self._pidfd is not None:
                gone = bool(select.select([self._pidfd], [], [], 0)[0])
            else:
                try:
                    os.kill(self.pid, 0)
                    gone = False
                except ProcessLookupError:
                    gone = True
            if gone:
                self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):  # type: ignore[misc]
    """jupyter_client's ``LocalProvisioner`` (connection file, kernel command, signals to
    the kernel's process group) with a launch that forks the template instead of starting
    a new Python. A kernel command it cannot split is launched as usual."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        split = split_kernel_command(cmd)
        if split is None:
            return await super().launch_kernel(cmd, **kwargs)
        interpreter, argv = split
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = template_for(interpreter, env).fork(argv, cwd, env)
        self.process = ForkedProcess(pid)  # type: ignore[assignment]  # a Popen look-alike
        self.pid = self.pgid = pid  # the fork calls setsid(): its group is its pid
        self.cwd = cwd
        return self.connection_info


# --- the pool ---------------------------------------------------------------------------

@dataclass
class ReadyKernel:
    """A started kernel that has answered ``kernel_info``, waiting for its submission."""

    kernel_id: str
    connection_info: KernelConnectionInfo
    connection_file: str
    provisioner: Any  # a LocalProvisioner (or ForkedProvisioner) holding the process
    generation: int

    def alive(self) -> bool:
        process = self.provisioner.process
        return process is not None and process.poll() is None

    @property
    def pid(self) -> int:
        return int(self.provisioner.pid)


_ACTIVE: list[KernelPool] = []


def active_pool() -> KernelPool:
    """The pool autograde takes kernels from now (:meth:`KernelPool.lent`)."""
    if not _ACTIVE:
        raise KernelPoolError("no kernel pool is lent to autograde")
    return _ACTIVE[-1]


class KernelPool:
    """``size`` kernels kept started for one grading environment, refilled in a thread of
    its own; see the module's notes. Use it as a context manager, or :meth:`close` it."""

    def __init__(self, size: int, environment: Mapping[str, str] | None, folder: Path, *,
                 kernel_name: str = KERNEL_NAME, fork: bool | None = None,
                 startup_timeout: float = 60.0) -> None:
        self.size = max(1, size)
        #: the kernels' environment; none start before there is one (:meth:`use_environment`)
        self.environment = None if environment is None else dict(environment)
        self.folder = folder.resolve()  # where kernels wait: an empty private folder
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.kernel_name = kernel_name
        self.fork = can_fork() if fork is None else fork
        self.transport = kernel_transport()
        self.startup_timeout = startup_timeout
        # connection files and Unix sockets: private, and a short path (sockets' limit)
        self.runtime = Path(tempfile.mkdtemp(prefix="bakhong-kernels-"))
        self.started = 0
        self.taken = 0
        self._generation = 0
        self._ready: queue.Queue[ReadyKernel] = queue.Queue()
        self._retired: dict[int, list[Any]] = {}  # by thread: each lane releases its own
        self._lock = threading.Lock()
        self._failures = 0
        self._failure: BaseException | None = None
        self._closed = False
        self._wake: asyncio.Event | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="bakhong-kernel-pool",
                                        daemon=True)
        self._thread.start()

    # -- the grading side (any thread) ---------------------------------------------------

    def take(self, timeout: float = 120.0) -> ReadyKernel:
        """A ready kernel, never handed out before; waits for one if none is ready."""
        deadline = time.monotonic() + timeout
        while True:
            if self._closed:
                raise KernelPoolError("the kernel pool is closed")
            try:
                ready = self._ready.get(timeout=0.25)
            except Empty:
                if self._failures >= GIVE_UP_AFTER:
                    raise KernelPoolError(
                        f"grading kernels do not start: {self._failure}") from self._failure
                if time.monotonic() > deadline:
                    raise KernelPoolError(f"no grading kernel within {timeout:g} s") from None
                continue
            self._poke()
            if ready.generation == self._generation and ready.alive():
                self.taken += 1
                return ready
            self._stop_soon(ready.provisioner)

    def retire(self, provisioner: Any) -> None:
        """A kernel that has served: parked until this thread calls :meth:`release`."""
        with self._lock:
            self._retired.setdefault(threading.get_ident(), []).append(provisioner)

    def release(self, *, every_thread: bool = False) -> None:
        """Kill the kernels this thread parked (or every thread's), in the pool's thread:
        off the grading path."""
        with self._lock:
            if every_thread:
                retired = [p for parked in self._retired.values() for p in parked]
                self._retired.clear()
            else:
                retired = self._retired.pop(threading.get_ident(), [])
        for provisioner in retired:
            self._stop_soon(provisioner)

    def _stop_soon(self, provisioner: Any) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._stop(provisioner), self._loop)
        except RuntimeError:  # the loop has ended (a closed pool): kill it here
            process = provisioner.process
            if process is not None:
                process.kill()

    def use_environment(self, environment: Mapping[str, str]) -> None:
        """Kernels for another environment (another workshop): those started for the old one
        are never handed out."""
        wanted = dict(environment)
        if wanted == self.environment:
            return
        old, self.environment = self.environment, wanted
        if old is None:
            self._poke()
            return
        self._generation += 1
        while True:
            try:
                self._stop_soon(self._ready.get_nowait().provisioner)
            except Empty:
                break
        self._poke()

    def kernel_pids(self) -> list[int]:
        """The processes of the kernels ready now (for measurements)."""
        return [ready.pid for ready in list(self._ready.queue)]

    def wait_ready(self, timeout: float = 120.0, *,
                   stop: threading.Event | None = None) -> bool:
        """Wait until ``size`` kernels are ready (a worker that starts); False on timeout, if
        kernels do not start, or once ``stop`` is set (a worker told to stop meanwhile)."""
        deadline = time.monotonic() + timeout
        while self._ready.qsize() < self.size:
            if (time.monotonic() > deadline or self._closed or self._failures >= GIVE_UP_AFTER
                    or (stop is not None and stop.is_set())):
                return False
            time.sleep(0.05)
        return True

    def close(self) -> None:
        """Stop refilling and kill every kernel of the pool, ready or parked."""
        if self._closed:
            return
        self._closed = True
        self.release(every_thread=True)
        self._poke()
        self._thread.join(timeout=120)
        shutil.rmtree(self.runtime, ignore_errors=True)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """:meth:`close`, under the name an executor's owner calls."""
        self.close()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def lent(self) -> Iterator[KernelPool]:
        """Make this the pool :class:`PooledKernelManager` takes kernels from."""
        _ACTIVE.append(self)
        try:
            yield self
        finally:
            _ACTIVE.remove(self)

    def _poke(self) -> None:
        wake = self._wake
        if wake is not None:
            try:
                self._loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # the loop has ended
                pass

    # -- the pool's thread ---------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._keep_filled())
        finally:
            self._loop.close()

    async def _keep_filled(self) -> None:
        self._wake = wake = asyncio.Event()
        starting: set[asyncio.Task[None]] = set()
        while not self._closed:
            while (self._ready.qsize() + len(starting) < self.size and not self._closed
                   and self.environment is not None):
                task = asyncio.create_task(self._start_one())
                starting.add(task)
                task.add_done_callback(starting.discard)
            await wake.wait()
            wake.clear()
        await asyncio.gather(*starting, return_exceptions=True)
        while True:
            try:
                await self._stop(self._ready.get_nowait().provisioner)
            except Empty:
                break
        this = asyncio.current_task()
        await asyncio.gather(*(t for t in asyncio.all_tasks() if t is not this),
                             return_exceptions=True)

    async def _start_one(self) -> None:
        generation = self._generation
        try:
            ready = await self._launch(generation)
        except Exception as err:
            self._failures += 1
            self._failure = err
            LOG.warning("a grading kernel did not start: %s", err)
            await asyncio.sleep(min(10.0, 0.5 * 2 ** self._failures))
        else:
            self._failures = 0
            if self._closed or generation != self._generation:
                await self._stop(ready.provisioner)
            else:
                self.started += 1
                self._ready.put(ready)
        finally:
            if self._wake is not None:
                self._wake.set()

    async def _launch(self, generation: int) -> ReadyKernel:
        kernel_id = str(uuid.uuid4())
        manager = AsyncKernelManager(
            kernel_name=self.kernel_name, transport=self.transport, context=_shared_context(),
            connection_file=str(self.runtime / f"kernel-{kernel_id}.json"))
        manager.kernel_id = kernel_id
        kind = ForkedProvisioner if self.fork else LocalProvisioner
        manager.provisioner = kind(kernel_id=kernel_id, kernel_spec=manager.kernel_spec,
                                   parent=manager)
        arguments = [*KERNEL_ARGUMENTS] + ([] if self.fork else [PRELOAD_ARGUMENT])
        assert self.environment is not None
        await manager.start_kernel(cwd=str(self.folder), env=dict(self.environment),
                                   extra_arguments=arguments)
        client = manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=self.startup_timeout)
        except BaseException:
            await manager.shutdown_kernel(now=True)
            raise
        finally:
            client.stop_channels()
        manager._close_control_socket()  # the manager that takes it connects its own
        return ReadyKernel(kernel_id, manager.get_connection_info(), manager.connection_file,
                           manager.provisioner, generation)

    async def _stop(self, provisioner: Any) -> None:
        try:
            await provisioner.kill()
            await asyncio.wait_for(provisioner.wait(), timeout=10)
            await provisioner.cleanup()
        except Exception as err:
            LOG.warning("a grading kernel did not stop: %s", err)


# --- nbclient's side --------------------------------------------------------------------

#: the first thing a taken kernel runs, silently: the submission's folder
_ENTER = "import os as _bakhong_os; _bakhong_os.chdir({folder!r}); del _bakhong_os"


class ReadyKernelClient(AsyncKernelClient):  # type: ignore[misc]
    """A client for a kernel that is already running: ready as soon as the kernel answers
    ``kernel_info`` and that request's messages reach the iopub channel (so nothing a cell
    publishes can be missed), without jupyter_client's closing 0.2 s of draining iopub:
    nbclient reads only the messages of its own requests."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (60.0 if timeout is None else timeout)
        # ipykernel (6.29 on) greets each new iopub subscriber: once greeted, the messages
        # of the next request cannot be missed; a kernel that does not greet is asked again
        welcomed = await self._iopub_hears(None, wait=1.0)
        while True:
            msg_id = self.kernel_info()
            reply = await self._reply_to(msg_id, deadline)
            if reply is not None and await self._iopub_hears(msg_id,
                                                             wait=5.0 if welcomed else 0.2):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    wait_for_ready = _async_wait_for_ready

    async def _reply_to(self, msg_id: str, deadline: float) -> dict[str, Any] | None:
        while time.monotonic() < deadline:
            try:
                msg: dict[str, Any] = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                return None
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg
        return None

    async def _iopub_hears(self, msg_id: str | None, wait: float) -> bool:
        """Whether iopub brings a message of request ``msg_id`` (None: the greeting) in
        ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await self.iopub_channel.get_msg(timeout=left)
            except Empty:
                return False
            if msg_id is None and msg["header"].get("msg_type") == "iopub_welcome":
                return True
            if msg_id is not None and msg["parent_header"].get("msg_id") == msg_id:
                return True
        return False


class PooledKernelManager(AsyncKernelManager):  # type: ignore[misc]
    """nbclient's kernel manager for autograde: a kernel from the active pool, moved into the
    folder nbclient asks for (``cwd``, the submission's), and handed back to the pool to be
    killed when nbclient shuts it down. The pool's kernels were started with the pool's
    arguments: ``extra_arguments`` are not applied."""

    enter_timeout = Float(30.0, help="seconds for a taken kernel to enter its folder")
    _pool: KernelPool | None = None

    @default("client_factory")
    def _ready_client_default(self) -> type:
        return ReadyKernelClient

    @default("context")
    def _pooled_context_default(self) -> zmq.asyncio.Context:
        return _shared_context()  # not ours to destroy: _created_context stays False

    def client(self, **kwargs: Any) -> AsyncKernelClient:  # type: ignore[override]
        """A client on the shared zmq context (jupyter_client makes one per client)."""
        kwargs.setdefault("context", self.context)
        found: AsyncKernelClient = super().client(**kwargs)
        return found

    async def _async_start_kernel(self, **kw: Any) -> None:
        self._attempted_start = True
        self.shutting_down = False
        ready = asyncio.get_running_loop().create_future()
        self._ready = ready
        try:
            await self._adopt(kw)
        except Exception as err:
            ready.set_exception(err)
            ready.exception()  # retrieved: the error goes to nbclient by the raise
            raise
        ready.set_result(None)

    start_kernel = _async_start_kernel

    async def _adopt(self, kw: dict[str, Any]) -> None:
        if not kw.get("cwd"):
            raise KernelPoolError("autograde gave the kernel no folder to run in")
        folder = Path(kw["cwd"]).resolve(strict=True)
        pool = active_pool()
        taken = pool.take()
        self._pool = pool
        self.kernel_id = taken.kernel_id
        self._launch_args = dict(kw)
        self.connection_file = taken.connection_file
        self.load_connection_info(taken.connection_info)
        self._connection_file_written = True  # ours to remove when it is shut down
        self.provisioner = taken.provisioner
        try:
            await self._enter(folder)
        except BaseException:
            await self._async_shutdown_kernel()
            raise
        self._connect_control_socket()

    async def _enter(self, folder: Path) -> None:
        """``os.chdir`` into ``folder`` before anything else runs in the kernel."""
        client = self.client()
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            msg_id = client.execute(_ENTER.format(folder=str(folder)), silent=True,
                                    store_history=False, allow_stdin=False)
            reply = await client._async_recv_reply(msg_id, timeout=self.enter_timeout)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise KernelPoolError(f"the kernel could not enter {folder}: "
                                  f"{reply['content'].get('evalue')}")

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        provisioner, self.provisioner = self.provisioner, None
        if provisioner is not None and self._pool is not None:
            self._pool.retire(provisioner)
        await self._async_cleanup_resources(restart=restart)

    shutdown_kernel = _async_shutdown_kernel

