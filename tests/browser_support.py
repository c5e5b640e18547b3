"""Helpers for the browser tests: a demo server, headless Chromium, screenshots, axe-core.

Nothing here is a test. ``tests/test_browser.py`` builds its fixtures from these
pieces:

* :class:`DemoServer` runs ``bakhong demo <tmp>/ws --port <free port> --no-history`` (the
  demo class with nobody started: no queue for the grading worker to drain first) as a
  subprocess in its own process group (Voila starts kernels, which must die with
  it), with ``BAKHONG_HOME`` in a temporary folder so no key lands in the real
  user's data directory, and stops it with one SIGTERM (stack-notes: two SIGINTs
  interrupt the kernels' shutdown), then SIGKILL after 15 s.
* :func:`launch_chromium` / :func:`new_phone_page`: Debian's Chromium, with the
  flags stack-notes lists (Playwright cannot download its own browser here), and a
  360x800 touch phone.
* :func:`screenshot`: ``test-artifacts/screenshots/<test>-<step>.png``.
* :func:`assert_no_serious_axe_violations`: axe-core through ``axe_playwright_python``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ports import free_port

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BAKHONG = VENV_BIN / "bakhong"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 360, "height": 800}
SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"
START_TIMEOUT = 120.0
STOP_GRACE = 15.0
PORT_TRIES = 3
LONG = 60_000  # ms: Voila kernels start slowly on 2 cores


def server_env(home: Path) -> dict[str, str]:
    """The environment of every ``bakhong`` subprocess of a test: keys under ``home``."""
    env = dict(os.environ)
    env["BAKHONG_HOME"] = str(home)
    # The venv's scripts first, as an activated venv would have them (nbgrader runs
    # `alembic` by name; stack-notes).
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


class _PortTaken(Exception):
    """Something other than our server holds, or took, the port."""


@dataclass
class DemoServer:
    """``bakhong demo`` on a free port; use as a context manager or call start/stop."""

    workdir: Path
    port: int = 0
    host: str = "127.0.0.1"
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)
    first_link: str = ""

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.home = self.workdir / "bakhong-home"
        self.home.mkdir(exist_ok=True)
        self.workshop = self.workdir / "ws"
        self.log_path = self.workdir / "server.log"
        if not self.port:
            self.port = free_port()

    @property
    def env(self) -> dict[str, str]:
        return server_env(self.home)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def lesson_url(self, code: str, lang: str | None = None, lesson: str = "vneid") -> str:
        url = self.url(f"/voila/render/{lesson}/{lesson}.ipynb?code={code}")
        return f"{url}&lang={lang}" if lang else url

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def start(self, timeout: float = START_TIMEOUT) -> DemoServer:
        """Start the demo and wait for its home page; on a port taken meanwhile, move on.

        :func:`ports.free_port` keeps clear of the ports kernels take, but a port can
        still be taken between the check and Voila's bind; then the server either exits
        ("Address already in use") or something else answers. Either way the demo is
        started again on another port, up to :data:`PORT_TRIES` times.
        """
        for attempt in range(1, PORT_TRIES + 1):
            try:
                return self._start_once(timeout)
            except _PortTaken as taken:
                self.stop()
                if attempt == PORT_TRIES:
                    raise RuntimeError(f"no port could be used: {taken}") from taken
                self.port = free_port()
        raise AssertionError("unreachable")

    def _start_once(self, timeout: float) -> DemoServer:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(BAKHONG), "demo", str(self.workshop), "--host", self.host,
             "--port", str(self.port), "--no-history"],
            cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                if "address already in use" in self.log().lower():
                    raise _PortTaken(f"port {self.port} was taken before the demo bound it")
                raise RuntimeError(f"bakhong demo exited with {self.process.returncode}:\n"
                                   f"{self.log()[-4000:]}")
            if self._answers():
                break
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"bakhong demo did not answer on {self.base_url}/ within "
                                   f"{timeout:.0f} s:\n{self.log()[-4000:]}")
            time.sleep(0.5)
        found = re.search(r"(/voila/render/\S+\?code=\w+)", self.log())
        self.first_link = self.url(found.group(1)) if found else ""
        return self

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url("/"), timeout=5) as response:
                return bool(response.status == 200)
        except http.client.RemoteDisconnected:  # closed before answering: starting up
            return False
        except http.client.HTTPException as foreign:  # not an HTTP server: a kernel's port
            raise _PortTaken(f"port {self.port} answers as {foreign!r}") from foreign
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        """One SIGTERM, SIGKILL after 15 s; then whatever it started that is still alive.

        The server runs in its own process group (killed as a group), but Jupyter starts
        each kernel in a new session of its own, so the kernels are found as the server's
        descendants (taken before the SIGTERM) and killed if Voila left any behind.
        """
        process = self.process
        if process is None:
            return
        self.process = None
        descendants = _descendants(process.pid)
        try:
            pgid: int | None = os.getpgid(process.pid)
        except ProcessLookupError:
            pgid = None
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                process.wait(timeout=10)
        if pgid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        _reap(descendants)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the workshop, read from the sandbox (never through the UI) ----------------------

    def run_bakhong(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Another ``bakhong`` command against this server's workshop, same environment."""
        return subprocess.run([str(BAKHONG), *args], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)


def _descendants(pid: int) -> list[Any]:
    try:
        import psutil

        return list(psutil.Process(pid).children(recursive=True))
    except Exception:  # psutil missing, or the process already gone
        return []


def _reap(processes: list[Any], timeout: float = 5.0) -> None:
    """Wait a little for the kernels to leave by themselves, then SIGKILL the rest."""
    if not processes:
        return
    import psutil

    _gone, alive = psutil.wait_procs(processes, timeout=timeout)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=timeout)


# --- the sandbox, read directly --------------------------------------------------------

@dataclass(frozen=True)
class DemoLearner:
    learner_id: str
    code: str
    full_name: str
    id_number: str
    phone: str
    persona_name: str


@contextlib.contextmanager
def opened_sandbox(workshop: Path) -> Iterator[Any]:
    """The served workshop's sandbox, opened for a look behind the page, closed after."""
    from bakhong.grading.workshop import open_sandbox

    box = open_sandbox(workshop)
    try:
        yield box
    finally:
        box.close()


def demo_learners(workshop: Path) -> list[DemoLearner]:
    """Every learner of the workshop with their persona (what the persona card shows)."""
    from bakhong.grading.workshop import open_sandbox
    from bakhong.simulators import learners, registry

    box = open_sandbox(workshop)
    try:
        found = []
        for learner in learners.all_learners(box.store):
            persona = registry.persona_of_learner(box.store, learner.learner_id)
            found.append(DemoLearner(learner.learner_id, learner.code, learner.full_name,
                                     persona.id_number, persona.phone, persona.full_name))
        return found
    finally:
        box.close()


def latest_otp(workshop: Path, learner_id: str, *, not_in: Iterable[str] = ()) -> str:
    """The newest OTP in the learner's simulated SMS inbox (read from the sandbox)."""
    from bakhong.grading.workshop import open_sandbox

    box = open_sandbox(workshop)
    try:
        skip = set(not_in)
        for _sender, _at, body in box.vneid(learner_id).inbox():
            found = re.search(r"Ma OTP cua ban la (\d{6})", body)
            if found and found.group(1) not in skip:
                return found.group(1)
    finally:
        box.close()
    raise AssertionError(f"no OTP in the inbox of {learner_id}")


def sms_bodies(workshop: Path, learner_id: str) -> list[str]:
    from bakhong.grading.workshop import open_sandbox

    box = open_sandbox(workshop)
    try:
        return [body for _s, _a, body in box.vneid(learner_id).inbox()]
    finally:
        box.close()


def vneid_step(workshop: Path, learner_id: str) -> str:
    from bakhong.grading.workshop import open_sandbox

    box = open_sandbox(workshop)
    try:
        return str(box.vneid(learner_id).status().step.value)
    finally:
        box.close()


def gradebook_score(workshop: Path, learner_id: str, lesson: str = "vneid") -> float:
    """The learner's score for ``lesson`` in the workshop's nbgrader gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{workshop / 'gradebook.db'}") as gradebook:
        return float(gradebook.find_submission(lesson, learner_id).score)


# --- the browser ---------------------------------------------------------------------

@contextlib.contextmanager
def launch_chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright's sync API; yields the Browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


def new_phone_context(browser: Any, **kwargs: Any) -> Any:
    """A phone: 360x800, touch, mobile viewport, Vietnamese locale."""
    context = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True,
                                  locale="vi-VN", **kwargs)
    context.set_default_timeout(LONG)
    return context


@contextlib.contextmanager
def phone_page(name: str, **context_options: Any) -> Iterator[Any]:
    """Chromium with one phone and its page; the page's last state is kept as the
    screenshot ``<name>-zz-last`` when the tests using it are done."""
    with launch_chromium() as browser:
        context = new_phone_context(browser, **context_options)
        page = context.new_page()
        page.set_default_timeout(LONG)
        try:
            yield page
        finally:
            with contextlib.suppress(Exception):  # it must not hide the tests' own failure
                screenshot(page, name, "zz-last")
            context.close()


# --- the fixtures of a browser test module --------------------------------------------

def demo_server_fixture(folder: str) -> Any:
    """A module-scoped ``server`` fixture: the demo workshop served from a fresh ``folder``
    (a module says ``server = demo_server_fixture("browser-walk")``)."""
    @pytest.fixture(scope="module")
    def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
        with DemoServer(tmp_path_factory.mktemp(folder)) as demo:
            yield demo
    return server


@pytest.fixture(scope="module")
def residents(server: DemoServer) -> dict[str, DemoLearner]:
    """The demo's learners by id (needs the module's ``server``)."""
    return {le.learner_id: le for le in demo_learners(server.workshop)}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A 360x800 touch phone at device scale 2, as the residents' phones."""
    context = new_phone_context(browser, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


# --- screenshots -----------------------------------------------------------------------

def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"


#: The height of everything there is to see: Voila's lab template scrolls inside
#: ``#rendered_cells``, not the document, so ``full_page=True`` alone shows one viewport.
CONTENT_HEIGHT_JS = """() => {
  let height = document.scrollingElement.scrollHeight;
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowY) && el.clientHeight >= 0.9 * innerHeight) {
      height = Math.max(height, el.scrollHeight + (document.scrollingElement.scrollHeight
                                                   - el.clientHeight));
    }
  }
  return Math.ceil(height);
}"""


def screenshot(page: Any, test: str, step: str) -> Path:
    """Save the whole screen at ``test-artifacts/screenshots/<test>-<step>.png``.

    The viewport is stretched to the content's height for the shot, then restored.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{_safe(test)}-{_safe(step)}.png"
    size = page.viewport_size or VIEWPORT
    height = int(page.evaluate(CONTENT_HEIGHT_JS))
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height, 8000)})
        try:
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
            page.screenshot(path=str(path), full_page=True)
        finally:
            page.set_viewport_size(size)
    else:
        page.screenshot(path=str(path), full_page=True)
    return path


# --- axe-core ------------------------------------------------------------------------

SERIOUS = ("serious", "critical")


def axe_violations(page: Any, *, context: Any = None, options: dict[str, Any] | None = None,
                   ignore_rules: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The serious or critical violations axe-core finds on ``page``."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, context=context,
                       options=options or {"resultTypes": ["violations"]})
    ignored = set(ignore_rules)
    return [v for v in result.response.get("violations", [])
            if v.get("impact") in SERIOUS and v.get("id") not in ignored]


def describe_violations(violations: list[dict[str, Any]], where: str = "") -> str:
    lines = [f"axe-core: {len(violations)} serious/critical violation(s){' on ' + where if where else ''}:"]
    for v in violations:
        lines.append(f"- [{v.get('impact')}] {v.get('id')}: {v.get('help')} ({v.get('helpUrl')})")
        for node in v.get("nodes", [])[:8]:
            target = node.get("target")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    target={target} html={node.get('html', '')[:160]!r}")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v.get("nodes", [])) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_no_serious_axe_violations(page: Any, where: str = "", **kwargs: Any) -> None:
    violations = axe_violations(page, **kwargs)
    assert not violations, describe_violations(violations, where)


#: Visible text in the phone not marked by the pseudo-locale (⟦…⟧): an untranslated string.
UNTRANSLATED_JS = """() => {
  const root = document.querySelector('.bk-phone');
  if (!root) return ['(no .bk-phone root)'];
  const out = [];
  const marked = (s) => s.includes('\\u27e6') || s.includes('\\u27e7');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.nodeValue.trim();
    if (!text || !/\\p{L}/u.test(text) || marked(text)) continue;
    const el = node.parentElement;
    if (!el || el.closest('style, script, noscript')) continue;
    // persona data (names, numbers, places), SMS bodies, the language switch
    if (el.closest('.bk-persona .bk-value, .bk-persona dd, .bk-sms, .bk-langbar')) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${text}`);
  }
  // what a screen reader or the keyboard shows too: placeholders and tooltips
  for (const el of root.querySelectorAll('input[placeholder], button[title]')) {
    if (!el.checkVisibility()) continue;
    if (el.closest('.bk-langbar')) continue;
    for (const name of ['placeholder', 'title']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value && /\\p{L}/u.test(value) && !marked(value)) {
        out.push(`${el.tagName.toLowerCase()}[${name}]: ${value}`);
      }
    }
  }
  return out;
}"""


# --- page helpers shared by the browser tests ---------------------------------------

#: English words that must never show in Vietnamese mode (the switch's «English» may).
ENGLISH_WORDS = ("Submit", "Error", "Traceback", "Password", "Next", "Back", "Cancel",
                 "Login")
BADGE = "MÔ PHỎNG"
VIEWPORT_WIDTH = 360

def wait_visible(page: Any, selector: str, what: str, *, has_text: str | None = None,
                 timeout: float = LONG) -> Any:
    """Wait (up to 60 s) for ``selector``; on timeout say what the page shows instead."""
    locator = page.locator(selector, has_text=has_text) if has_text else page.locator(selector)
    try:
        locator.first.wait_for(state="visible", timeout=timeout)
    except Exception as err:
        raise AssertionError(f"{what}: {selector!r} did not appear; messages on the page: "
                             f"{messages(page)!r}") from err
    return locator.first


def messages(page: Any) -> list[str]:
    """The texts in the message areas (errors red, information green)."""
    return [t.strip() for t in page.locator(".bk-msg").all_inner_texts() if t.strip()]


def fill(page: Any, cls: str, value: str) -> None:
    """Type into the <input> of an ipywidgets Text/Password (the class is on its wrapper)."""
    page.locator(f".{cls}").locator("input").fill(value)


def click(page: Any, cls: str) -> None:
    page.locator(f".{cls}").click()


def choose(page: Any, label: str, option: str | None = None, *, index: int = 0) -> None:
    """Tap an option of the choice list (``bk-choices``) whose label holds ``label``: the
    first option holding ``option``, or the ``index``-th (the apps' choices are lists of
    buttons, not dropdowns: a dropdown cuts a long option on a phone)."""
    field = page.locator(".bk-choices", has=page.locator(".widget-label", has_text=label)).first
    buttons = field.locator(".widget-toggle-button")
    (buttons.filter(has_text=option).first if option else buttons.nth(index)).click()


def visible_text(page: Any) -> str:
    return str(page.locator("body").inner_text())

def score_shown(page: Any) -> str:
    """Tap «Xem điểm» and read what the message area says."""
    click(page, "bk-common-score")
    page.wait_for_timeout(500)
    return " ".join(messages(page))


def submit(page: Any) -> None:
    click(page, "bk-common-submit")
    wait_visible(page, ".bk-msg-info", "the confirmation of «Nộp bài»", has_text="Đã nộp bài")

# --- checks made on every screen -----------------------------------------------------

def english_words(text: str) -> list[str]:
    return [word for word in ENGLISH_WORDS if re.search(rf"\b{word}\b", text, re.IGNORECASE)]


def badge_visible(page: Any) -> bool:
    """«MÔ PHỎNG» is on screen (the apps' ``.bk-badge``, the home page's own mark)."""
    return any(item.is_visible() for item in page.get_by_text(BADGE, exact=True).all())


WIDE_ELEMENTS_JS = """(limit) => {
  const out = [];
  // a page zoomed with «Phóng to» moves sideways inside its own frame, which must fit
  const framed = (el) => {
    const frame = el.parentElement && el.parentElement.closest('.bk-zoomed .widget-html-content');
    return !!frame && frame.getBoundingClientRect().right <= limit + 0.5;
  };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && (r.right > limit + 0.5 || r.left < -0.5)
        && !framed(el)) {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} `
               + `left=${Math.round(r.left)} right=${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 10);
}"""


def width_problem(page: Any) -> str | None:
    """The page must not scroll sideways: not the document, not Voila's ``#rendered_cells``
    (where the lab template really scrolls), and no element may stick out of the viewport."""
    width = page.evaluate("""() => Math.max(document.scrollingElement.scrollWidth,
        ...[...document.querySelectorAll('#rendered_cells')].map(e => e.scrollWidth))""")
    wide = page.evaluate(WIDE_ELEMENTS_JS, VIEWPORT_WIDTH)
    if width <= VIEWPORT_WIDTH and not wide:
        return None
    return f"page is {width}px wide (viewport {VIEWPORT_WIDTH}px); elements outside: {wide}"


def vietnamese_screen_problems(page: Any, screen: str) -> list[str]:
    problems = []
    text = visible_text(page)
    found = english_words(text)
    if found:
        problems.append(f"{screen}: English words visible in Vietnamese mode: {found}")
    if not badge_visible(page):
        problems.append(f"{screen}: the «{BADGE}» badge is not visible")
    wide = width_problem(page)
    if wide:
        problems.append(f"{screen}: {wide}")
    return problems


# --- text cut off (issue 16) -----------------------------------------------------------

#: Controls and labels in the phone whose text does not fit: cut with «…», clipped, or
#: spilling out of their box (``scrollWidth > clientWidth``, or taller than a box that
#: hides the rest), a dropdown whose chosen option is wider than the box, a placeholder
#: wider than its field. Each as ``kind: element: text``.
TRUNCATED_JS = """() => {
  const root = document.querySelector('.bk-phone');
  if (!root) return ['(no .bk-phone)'];
  const out = [];
  const canvas = document.createElement('canvas').getContext('2d');
  const textWidth = (el, text) => {
    const s = getComputedStyle(el);
    canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    return canvas.measureText(text).width;
  };
  const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 6).join('.')}`;
  const says = (el) => (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  const room = (el, s) => el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  for (const el of root.querySelectorAll('*')) {
    if (el.closest('style, script')) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const s = getComputedStyle(el);
    if (el.tagName === 'SELECT') {
      const chosen = el.options[el.selectedIndex];
      // the arrow sits in the box's right padding
      if (chosen && textWidth(el, chosen.text) > room(el, s) + 1) {
        out.push(`dropdown cut: ${name(el.closest('.widget-inline-hbox') || el)}: ${chosen.text}`);
      }
      continue;
    }
    if (el.tagName === 'INPUT') {
      const hint = el.getAttribute('placeholder');
      if (hint && !el.value && textWidth(el, hint) > room(el, s) + 1) {
        out.push(`placeholder cut: ${name(el.parentElement)}: ${hint}`);
      }
      continue;
    }
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim());
    if (!text) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const how = s.textOverflow === 'ellipsis' ? 'cut with …' : 'too wide';
      out.push(`${how} (${el.scrollWidth}>${el.clientWidth} px): ${name(el)}: ${says(el)}`);
    } else if (['hidden', 'clip'].includes(s.overflowY) && el.scrollHeight > el.clientHeight + 2) {
      out.push(`clipped (${el.scrollHeight}>${el.clientHeight} px tall): ${name(el)}: ${says(el)}`);
    }
  }
  return out;
}"""


def truncated(page: Any) -> list[str]:
    """What :data:`TRUNCATED_JS` finds on the page's phone."""
    return list(page.evaluate(TRUNCATED_JS))
