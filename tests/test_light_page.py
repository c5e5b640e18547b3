"""Issue 16: the light learner page (a Voila template of ours over a small front-end).

* The bundle shipped in ``bakhong/page`` is the one its sources build: ``manifest.json``
  records the SHA-256 of ``frontend/``'s sources (checked here without node), and a rebuild
  from the lockfile (``npm ci``, esbuild) gives the same bytes (skipped without node, except
  in CI, where it must run).
* What the bundle leaves out stays out of the lessons: sliders, Output widgets, icons other
  than those the bundle draws.
* The page is served with its files immutable and gzipped ahead, the websocket compressed,
  and Voila's lab page stays one setting away (``BAKHONG_PAGE=lab``), never a page's query.
* The sanitizer that stands in for sanitize-html keeps what sanitize-html would keep.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, DemoServer, launch_chromium

from bakhong import light_page
from bakhong.static_caching import IMMUTABLE

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
WIDGETS = ROOT / "widgets"
#: Under CI (``CI`` set, as .ci/run's ``make frontend-check`` does) the rebuild must run.
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
#: What a phone downloads once, gzipped: the script and the page's stylesheet. Measured at
#: 165 KB when the page was made (bench/README.md); this keeps it from creeping back up.
BUNDLE_BUDGET = 190 * 1024


def source_hash() -> str:
    """What ``frontend/build.mjs``'s ``sourceHash()`` computes, in Python."""
    files = ["build.mjs", "package-lock.json", "package.json",
             *(p.relative_to(FRONTEND).as_posix()
               for p in (FRONTEND / "src").rglob("*") if p.is_file())]
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + (FRONTEND / name).read_bytes() + b"\0")
    return digest.hexdigest()


def test_the_shipped_bundle_was_built_from_these_sources() -> None:
    manifest = light_page.manifest()
    assert manifest["source"] == source_hash(), (
        "frontend/ changed since bakhong/page was built: run `make frontend` and commit")
    for kind in ("js", "css"):
        body = (light_page.BUNDLE / manifest[kind]).read_bytes()
        assert manifest[kind] == f"page.{hashlib.sha256(body).hexdigest()[:16]}.{kind}"
    shipped = {p.name for p in light_page.BUNDLE.iterdir()}
    assert shipped == {manifest["js"], manifest["css"], "manifest.json",
                       "THIRD-PARTY-NOTICES.txt"}, "an old bundle was left beside the new one"


def test_the_bundle_stays_light() -> None:
    size = sum(len(a.gzipped) for name, a in light_page.assets().items()
               if name.startswith("page."))
    assert size <= BUNDLE_BUDGET, f"{size / 1024:.0f} KB gzipped"


@pytest.mark.slow
def test_a_rebuild_from_the_lockfile_gives_the_same_bytes(tmp_path: Path) -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        if IN_CI:
            pytest.fail("CI must rebuild the front-end: node and npm are missing")
        pytest.skip("node/npm missing: the source hash above still checks the bundle")
    copy = tmp_path / "frontend"
    shutil.copytree(FRONTEND, copy, ignore=shutil.ignore_patterns("node_modules"))
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=copy,
                   check=True, capture_output=True, timeout=600)
    subprocess.run([node, "build.mjs"], cwd=copy, check=True, capture_output=True,
                   timeout=300)
    built = tmp_path / "bakhong" / "page" / "voila" / "templates" / "bakhong" / "static"
    assert sorted(p.name for p in built.iterdir()) == sorted(
        p.name for p in light_page.BUNDLE.iterdir())
    for shipped in light_page.BUNDLE.iterdir():
        assert (built / shipped.name).read_bytes() == shipped.read_bytes(), shipped.name


def widget_sources() -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in WIDGETS.glob("*.py")}


def test_every_icon_the_lessons_name_is_drawn() -> None:
    build = (FRONTEND / "build.mjs").read_text("utf-8")
    drawn = set(re.findall(r"""['"]?([\w-]+)['"]?:""",
                           build[build.index("ICONS = {"):].split("}")[0]))
    named = {"upload", "caret-right", "caret-down"}  # FileUpload's own, the Accordion's
    for text in widget_sources().values():
        named |= set(re.findall(r"""\bicon=["']([\w-]+)["']""", text))
    assert named <= drawn, f"add to ICONS in frontend/build.mjs: {sorted(named - drawn)}"


def test_the_lessons_use_no_widget_the_bundle_leaves_out() -> None:
    """Sliders (nouislider is stubbed out) and Output widgets (no rendermime) are not on
    the page; the trainer's dashboard is on it too, the report's is served with Voila's lab
    page (``bakhong report``)."""
    left_out = re.compile(r"\bw\.(\w*Slider|Output|interact\w*)\(")
    found = {name: left_out.findall(text) for name, text in widget_sources().items()
             if name != "report_dashboard.py"}
    assert not {k: v for k, v in found.items() if v}


def test_page_choice_and_template(monkeypatch: pytest.MonkeyPatch) -> None:
    from traitlets.config import Config

    monkeypatch.setenv("JUPYTER_PATH", os.environ.get("JUPYTER_PATH", ""))  # restored after
    config = Config()
    light_page.configure(config, light_page.LAB)
    assert config.VoilaConfiguration.template == "lab"
    light_page.configure(config, light_page.LIGHT)
    assert config.VoilaConfiguration.template == "bakhong"
    assert os.environ["JUPYTER_PATH"].split(os.pathsep)[0] == str(light_page.DATA_ROOT)
    assert config.VoilaConfiguration.resources["bakhong"]["js"] == light_page.manifest()["js"]


# --- served ----------------------------------------------------------------------------

def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with DemoServer(tmp_path_factory.mktemp("light-page")) as demo:
        yield demo


@pytest.mark.slow
def test_the_light_page_and_its_files(server: DemoServer) -> None:
    code = server.first_link.rsplit("code=", 1)[1]
    _, headers, body = fetch(server.lesson_url(code))
    page = body.decode()
    assert "no-store" in headers["cache-control"]
    assert re.search(r'data-bk-view="[0-9a-f]{32}"', page), page[-2000:]
    assert 'id="jupyter-config-data"' not in page and "voila.js" not in page
    names = re.findall(r'/voila/bakhong/([\w.]+)"', page)
    assert set(names) == {light_page.manifest()["js"], light_page.manifest()["css"],
                          light_page.widgets_css_name()}
    for name in names:
        status, headers, body = fetch(server.url(f"/voila/bakhong/{name}"),
                                      **{"Accept-Encoding": "gzip, deflate"})
        assert (status, headers["cache-control"]) == (200, IMMUTABLE)
        assert headers["content-encoding"] == "gzip"
        assert gzip.decompress(body) == light_page.assets()[name].body
    # the language script still reaches the page's head (bakhong.serving._LANG_SCRIPT)
    assert page.index("bk-lang-") < page.index("</head>")


@pytest.mark.slow
def test_the_websocket_is_compressed(server: DemoServer) -> None:
    from websockets.sync.client import connect

    code = server.first_link.rsplit("code=", 1)[1]
    page = fetch(server.lesson_url(code))[2].decode()
    kernel = re.search(r'"kernelId": ?"([0-9a-f-]{36})"', page)
    assert kernel, page[-2000:]
    url = server.url(f"/api/kernels/{kernel[1]}/channels").replace("http", "ws", 1)
    with connect(url, compression="deflate") as socket:
        offered = socket.response.headers.get("Sec-WebSocket-Extensions", "")
    assert "permessage-deflate" in offered


@pytest.mark.slow
def test_a_page_cannot_ask_for_voilas_lab_page(server: DemoServer) -> None:
    """``?template=lab`` would start a kernel beside the preheated pool (bakhong.lesson_server
    drops it): the page stays the light one; the lab page is the trainer's setting,
    ``BAKHONG_PAGE=lab``."""
    code = server.first_link.rsplit("code=", 1)[1]
    page = fetch(server.lesson_url(code) + "&template=lab")[2].decode()
    assert 'id="jupyter-config-data"' not in page
    assert re.search(r'data-bk-view="[0-9a-f]{32}"', page), page[-2000:]


# --- the sanitizer ---------------------------------------------------------------------

#: (input, what sanitize-html keeps with base-manager's options, as the browser writes it)
SANITIZED = [
    ("<b>đậm</b> <i>nghiêng</i>", "<b>đậm</b> <i>nghiêng</i>"),
    ("<script>alert(1)</script>x", "x"),
    ("<img src=x onerror=alert(1)>", '<img src="x">'),
    ('<a href="javascript:alert(1)">a</a>', "<a>a</a>"),
    ('<a href=" jav&#x09;ascript:alert(1)">a</a>', "<a>a</a>"),
    ('<a href="https://vneid.gov.vn" target="_blank">a</a>', '<a href="https://vneid.gov.vn">a</a>'),
    ('<span class="bk" style="color:red" aria-label="x" onclick="y">s</span>',
     '<span class="bk" style="color:red" aria-label="x">s</span>'),
    ("<div><p>đoạn</p></div>", "đoạn"),
    ("<style>*{}</style><textarea>t</textarea>ok", "ok"),
    ("<svg><g onload=alert(1)><a>x</a></g></svg>", "x"),
    ("<!-- c -->1 &lt; 2", "1 &lt; 2"),
]


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing")
def test_the_sanitizer_keeps_what_sanitize_html_keeps() -> None:
    options = {"allowedTags": ["a", "abbr", "b", "code", "em", "i", "img", "li", "ol", "span",
                               "strong", "ul"],
               "allowedAttributes": {"*": ["aria-*", "class", "style", "title"], "a": ["href"],
                                     "img": ["src"], "style": ["media", "type"]}}
    script = light_page.assets()[light_page.manifest()["js"]].body.decode()
    with launch_chromium() as browser:
        page = browser.new_page()
        page.set_content("<html><body></body></html>")
        page.add_script_tag(content=script)
        got = [page.evaluate("([h, o]) => window.bakhongSanitize(h, o)", [html, options])
               for html, _ in SANITIZED]
    assert got == [want for _, want in SANITIZED], json.dumps(got, ensure_ascii=False)
