"""Issue 18: results reach the province.

Three workshops are synced into a real provincial server (``bakhong province serve``:
tornado over TLS with a self-signed certificate pinned at registration, PostgreSQL started
by the tests): one offline by file, one twice, and one sharing a resident with another. The
province's figures per commune equal ``bakhong report`` over the same folders; tampered,
replayed, unregistered, revoked, unsigned and truncated packages, another pseudonym key and
another workshop's token are refused with their reason, and change nothing.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import os
import socket
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pg_support
import pytest
import sqlalchemy as sa
from conftest import trained_by_vneid
from ports import free_port

from bakhong import cli
from bakhong.grading import grader, report, workshop
from bakhong.province import (
    client,
    db,
    identity,
    ingest,
    officials,
    package,
    pseudonym,
    sync,
)
from bakhong.province.schema import packages
from bakhong.simulators import evidence, learners, registry, submissions, walkthrough
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.sandbox import Sandbox

pytestmark = pytest.mark.slow

AS_OF = datetime(2026, 12, 20, 9, tzinfo=VN_TZ)
HEADER = ("Mã học viên,Họ và tên,Xã/Phường,Năm sinh,Giới tính,Có điện thoại thông minh,"
          "Có tài khoản ngân hàng\n")
#: (learner id, name, commune, birth year, sex, smartphone, bank account)
ONE = [  # synced online twice
    ("a-001", "Lê Thị Hoa", "Xã Thọ Long", "1970", "Nữ", "Có", "Không"),
    ("a-002", "Trần Văn Nam", "Xã Thọ Long", "1965", "Nam", "Không", ""),
    ("a-003", "Phạm Thị Lụa", "Phường Hạc Thành", "1980", "Nữ", "Có", "Có"),
    ("a-004", "Đỗ Văn Tâm", "Phường Hạc Thành", "", "Nam", "", ""),
    ("a-005", "Vũ Thị Mai", "Xã Hồ Vương", "1990", "Nữ", "Có", "Có"),
    ("a-006", "Ngô Văn Bình", "Xã Hồ Vương", "2012", "Nam", "Có", "Có"),
]
TWO = [  # offline, by file: Lê Thị Hoa again (same name, commune and year, typed otherwise)
    ("b-001", unicodedata.normalize("NFD", "LÊ THỊ  HOA"), "xã thọ long", "1970", "Nữ", "",
     "Có"),
    ("b-002", "Hoàng Văn Long", "Xã Hồ Vương", "1975", "Nam", "Có", ""),
    ("b-003", "Phạm Thị Lụa", "Xã Hồ Vương", "1980", "Nữ", "Không", "Không"),  # a namesake
    ("b-004", "Trần Văn Nam", "Xã Thọ Long", "1966", "Nam", "", ""),  # another year: another
]
THREE = [  # online once: a-005 again, by the roster's learner id, moved to another commune
    ("a-005", "Vũ Thị Mai", "Phường Hạc Thành", "1990", "Nữ", "Có", "Có"),
    ("c-002", "Lò Văn Páo", "Xã Mường Lát", "1988", "Nam", "Không", "Không"),
    ("c-003", "Hà Thị Xuân", "Xã Mường Lát", "1999", "Nữ", "Có", "Có"),
]
POPULATION = ("Tỉnh,Xã/Phường,Số người trưởng thành\nThanh Hóa,Xã Thọ Long,40\n"
              "Thanh Hóa,Phường Hạc Thành,12\nThanh Hóa,Xã Hồ Vương,6\n")


def _roster(path: Path, rows: list[tuple[str, ...]]) -> Path:
    path.write_text(HEADER + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _build(root: Path, rows: list[tuple[str, ...]], start: datetime, seed: str) -> Sandbox:
    box, _ = workshop.init(root, _roster(root.parent / f"{root.name}.csv", rows),
                           clock=FixedClock(start), seed=seed, lessons=("vneid",),
                           current_year=2026)
    trained_by_vneid(root)
    return box


def _pass(root: Path, box: Sandbox, learner_ids: list[str], failing: list[str] = ()) -> None:
    """Walk the VNeID lesson for ``learner_ids``, submit them and ``failing``, grade all."""
    for learner_id in learner_ids:
        walkthrough.walk(box, learner_id, "vneid")
    for learner_id in failing:
        learners.record_consent(box.store, box.clock, learner_id)
    for learner_id in [*learner_ids, *failing]:
        submissions.request(box.store, box.clock, learner_id, "vneid")
    grader.grade_pending(root, box)


@dataclass
class Province:
    url: str  # the database
    https: str  # the server
    cert: Path
    key_file: Path
    folder: Path
    roots: dict[str, Path]
    first_of_one: bytes  # WS1's first package, for the replay


@contextlib.contextmanager
def _server(url: str, cert: Path, key: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bakhong", "province", "serve", "--db", url, "--cert", str(cert),
         "--key", str(key), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(30)


def _register(province_db: str, root: Path, folder: Path, label: str, https: str,
              cert: Path, key_file: Path) -> None:
    request, answer = folder / f"{label}-key.json", folder / f"{label}-registration.json"
    assert cli.main(["sync", str(root), "--key-request", str(request)]) == 0
    assert cli.main(["province", "register", str(request), "--label", label, "--url", https,
                     "--certificate", str(cert), "--out", str(answer),
                     "--db", province_db]) == 0
    assert cli.main(["sync", str(root), "--register", str(answer), "--pseudonym-key",
                     str(key_file)]) == 0


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Province]:
    folder = tmp_path_factory.mktemp("province")
    with pg_support.running_server() as pg:
        url = pg.create_database("province")
        key_file = folder / "pseudonym.key"
        assert cli.main(["province", "pseudonym-key", "--out", str(key_file)]) == 0
        key_id = pseudonym.key_id(pseudonym.read_key(key_file))
        assert cli.main(["province", "init", "--db", url, "--pseudonym-key-id", key_id]) == 0
        cert, tls_key = folder / "province.crt", folder / "province.key"
        assert cli.main(["province", "cert", "--host", "127.0.0.1", "--cert", str(cert),
                         "--key", str(tls_key)]) == 0
        port = free_port()
        https = f"https://127.0.0.1:{port}"
        roots = {name: folder / name for name in ("one", "two", "three")}
        boxes = {"one": _build(roots["one"], ONE, datetime(2026, 11, 23, 8, tzinfo=VN_TZ), "p1"),
                 "two": _build(roots["two"], TWO, datetime(2026, 12, 2, 8, tzinfo=VN_TZ), "p2"),
                 "three": _build(roots["three"], THREE, datetime(2026, 12, 9, 8, tzinfo=VN_TZ),
                                 "p3")}
        for name in ("one", "two", "three"):  # the order the report is given them
            _register(url, roots[name], folder, name, https, cert, key_file)
        with _server(url, cert, tls_key, port):
            one, two, three = boxes["one"], boxes["two"], boxes["three"]
            # WS1, first session: two pass, one is stuck at the OTP and opens the hint
            _pass(roots["one"], one, ["a-001", "a-003"], failing=["a-002"])
            walkthrough.stuck_at_otp(one, "a-002")
            evidence.record_help(one.store, one.clock, "a-002", "vneid",
                                 evidence.HINT_OPENED, step="otp")
            assert cli.main(["sync", str(roots["one"])]) == 0
            first = _captured_first(roots["one"])
            # WS1, a week later: two more pass; synced again (the later package replaces)
            one.clock.advance(days=9)
            _pass(roots["one"], one, ["a-002", "a-005"], failing=["a-006"])
            assert cli.main(["sync", str(roots["one"])]) == 0
            # WS2 is offline: its package travels as a file
            _pass(roots["two"], two, ["b-001", "b-002"], failing=["b-003"])
            out = folder / "two.json"
            assert cli.main(["sync", str(roots["two"]), "--out", str(out)]) == 0
            assert cli.main(["province", "import", str(out), "--db", url]) == 0
            # WS3: the resident of WS1 (same learner id), trained here first
            _pass(roots["three"], three, ["a-005", "c-003"])
            assert cli.main(["sync", str(roots["three"])]) == 0
            for box in boxes.values():
                box.close()
            (folder / "population.csv").write_text(POPULATION, encoding="utf-8")
            assert cli.main(["province", "population", str(folder / "population.csv"),
                             "--db", url]) == 0
            yield Province(url, https, cert, key_file, folder, roots, first)


def _captured_first(root: Path) -> bytes:
    """A package of WS1's state as first sent, numbered after it (for the replay test)."""
    workshop_id = sync.workshop_id(root)
    last = identity.last_seq(workshop_id)
    _w, seq, data = sync.make_package(root, above=last)  # a package the province never saw
    assert seq == last + 1
    return data


def _engine(province: Province) -> sa.Engine:
    return db.engine(province.url, pool_size=1)


def _report_rows(province: Province, *, public: bool = False,
                 as_of: datetime | None = AS_OF) -> dict[str, list[tuple[object, ...]]]:
    built = officials.province_report(_engine(province), as_of=as_of, public=public)
    return {view.name: list(view.rows) for view in built.views}


def _expected(province: Province, *, public: bool = False) -> dict[str, list[tuple[object, ...]]]:
    roots = [province.roots[name] for name in ("one", "two", "three")]
    built = report.build_report(
        roots, population=report.read_population(province.folder / "population.csv"),
        as_of=AS_OF, public=public)
    return {view.name: list(view.rows) for view in built.views}


# ------------------------------------------------------------------ the figures agree


def test_province_figures_equal_the_merged_report(province: Province) -> None:
    mine, theirs = _report_rows(province), _expected(province)
    assert mine["xa"] == theirs["xa"]
    assert mine["chi-so"] == theirs["chi-so"]
    communes = {row[1]: (row[2], row[3]) for row in mine["xa"]}
    # Lê Thị Hoa counted once (WS1 and WS2); Vũ Thị Mai once, in WS1's commune (learner id)
    assert communes == {"Xã Thọ Long": (3, 2), "Phường Hạc Thành": (2, 1),
                        "Xã Hồ Vương": (4, 2), "Xã Mường Lát": (2, 1)}
    per_lesson = {row[0]: row[1:3] for row in mine["bai-hoc"]}
    expected = {row[0]: (row[1], row[3]) for row in theirs["bai-hoc"]}
    assert per_lesson == expected
    # the second WS1 package replaced the first: trained a week later shows in the trend
    trend = mine["tuan"]
    assert trend[-1][2] == sum(t for _e, t in communes.values())


def _rule_notes(built: object) -> list[str]:
    return [n.render() for n in built.notes if n.render().startswith("Đã học")]  # type: ignore[attr-defined]


def test_the_province_view_states_the_rule_its_workshops_count_by(province: Province) -> None:
    """Issue 20: the officials' view says what «đã học» means, as the laptops' report does
    (each workshop's rule travels in its package); before, the province view said nothing."""
    engine = _engine(province)
    mine = _rule_notes(officials.province_report(engine, as_of=AS_OF))
    roots = [province.roots[name] for name in ("one", "two", "three")]
    theirs = _rule_notes(report.build_report(roots, as_of=AS_OF))
    assert mine == theirs and len(mine) == 1, (mine, theirs)
    assert "Bài 1: Tài khoản định danh điện tử VNeID" in mine[0] and "80%" in mine[0]
    assert _rule_notes(officials.province_report(engine, as_of=AS_OF, public=True)) == mine
    # a province that received packages before the rule was kept: the upgrade fills it in
    assert db.migrate(engine, "0002") == "0002"
    assert db.migrate(engine) == "0003"
    assert _rule_notes(officials.province_report(engine, as_of=AS_OF)) == mine


def test_the_public_version_hides_what_the_report_hides(province: Province) -> None:
    mine, theirs = _report_rows(province, public=True), _expected(province, public=True)
    assert mine["xa"] == theirs["xa"]
    assert mine["chi-so"] == theirs["chi-so"]
    assert all(str(cell) != "2" for row in mine["xa"] for cell in row[2:4])


def test_steps_and_workshops(province: Province) -> None:
    mine = _report_rows(province, as_of=None)  # the last syncs are on the server's clock
    steps = {(row[0], row[2]): row[3:] for row in mine["buoc-kho"]}
    assert steps[("Bài 1: Tài khoản định danh điện tử VNeID", "Nhập mã OTP")] == (1, 1)
    labels = {row[0]: row for row in mine["lop-hoc"]}
    assert set(labels) == {"one", "two", "three"}
    assert {row[1] for row in labels.values()} == {"Gửi đều"}
    assert labels["one"][5] == 6 and labels["two"][5] == 4


def test_the_dashboard_and_files(province: Province, tmp_path: Path) -> None:
    from bakhong.province.dashboard import province_dashboard

    built = officials.province_report(_engine(province), as_of=AS_OF)
    handles = province_dashboard(built)
    assert handles.tabs.titles[:3] == ("Theo xã, phường", "Xếp hạng xã, phường", "Theo tuần")
    handles.controls["commune"].value = ("Thanh Hóa", "Xã Thọ Long")
    assert "Xã Hồ Vương" not in handles.tables["xep-hang"].value
    handles.controls["language"].value = "en"
    assert "Workshops reporting" in handles.tabs.titles
    written = officials.write(built, None, tmp_path)
    assert {p.suffix for p in written} == {".xlsx", ".csv", ".html", ".png"}
    assert cli.main(["province", "report", "--db", province.url, "--public",
                     "--out", str(tmp_path / "tinh.csv")]) == 0


def test_nothing_that_names_leaves_the_laptop(province: Province) -> None:
    root = province.roots["one"]
    _w, _seq, data = sync.make_package(root)
    envelope = package.open_envelope(data)
    text = data.decode() + gzip.decompress(base64.b64decode(envelope.payload)).decode()
    box = workshop.open_sandbox(root)
    try:
        for learner in learners.all_learners(box.store):
            persona = registry.persona_of_learner(box.store, learner.learner_id)
            for secret in (learner.learner_id, learner.code, learner.full_name,
                           persona.id_number, persona.phone):
                assert secret not in text
    finally:
        box.close()


# ------------------------------------------------------------------------ refusals


def _post(province: Province, data: bytes, root: str = "one") -> tuple[int, dict[str, object]]:
    found = identity.registration(sync.workshop_id(province.roots[root]))
    return client.post_package(province.https, data, found.token,
                               certificate=found.certificate)


def _unchanged(province: Province) -> None:
    assert _report_rows(province)["xa"] == _expected(province)["xa"]


def test_the_same_package_twice_changes_nothing(province: Province) -> None:
    _w, _seq, data = sync.make_package(province.roots["three"])
    assert _post(province, data, "three")[1]["status"] == "accepted"
    status, answer = _post(province, data, "three")
    assert (status, answer["status"]) == (200, "unchanged")
    _unchanged(province)


def test_a_replay_of_an_older_state_is_refused(province: Province) -> None:
    status, answer = _post(province, province.first_of_one)
    assert (status, answer["code"]) == (409, "stale")
    assert "cũ hơn" in str(answer["message_vi"]) and "replay" in str(answer["message_en"])
    _unchanged(province)


def _tampered(data: bytes) -> bytes:
    found = json.loads(data)
    payload = json.loads(gzip.decompress(base64.b64decode(found["payload"])))
    payload["residents"][0]["trained_at"] = "2026-11-01T09:00:00+07:00"
    found["payload"] = base64.b64encode(gzip.compress(package.canonical(payload))).decode()
    return json.dumps(found).encode()


def test_tampered_packages_are_refused(province: Province) -> None:
    _w, _seq, data = sync.make_package(province.roots["one"])
    assert _post(province, _tampered(data))[1]["code"] == "bad_signature"
    found = json.loads(data)
    found["header"]["seq"] += 1  # a newer number, without the key
    assert _post(province, json.dumps(found).encode())[1]["code"] == "bad_signature"
    del found["signature"]
    assert _post(province, json.dumps(found).encode())[1]["code"] == "unsigned"
    _unchanged(province)


def test_a_package_cut_short_is_refused_whole(province: Province, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _w, _seq, data = sync.make_package(province.roots["two"])
    for cut in (len(data) // 2, len(data) - 3, 100):
        (tmp_path / "cut.json").write_bytes(data[:cut])
        assert cli.main(["province", "import", str(tmp_path / "cut.json"),
                         "--db", province.url]) == 1
        err = capsys.readouterr().err
        assert "cắt ngắn" in err and "cut short" in err
    _unchanged(province)


def test_unregistered_revoked_and_foreign_packages_are_refused(
        province: Province, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key_id = pseudonym.key_id(pseudonym.read_key(province.key_file))
    stranger = package.seal(package.example_payload(), Ed25519PrivateKey.generate(), key_id)
    verdict = ingest.receive(_engine(province), stranger, via=ingest.FILE, now=AS_OF)
    assert verdict.code == "unregistered" and "chưa đăng ký" in verdict.text()
    # another workshop's token
    _w, _seq, data = sync.make_package(province.roots["two"])
    assert _post(province, data, "three")[1]["code"] == "wrong_token"
    # another pseudonym key
    other = pseudonym.key_id(pseudonym.new_key())
    payload = package.read_payload(package.open_envelope(data))
    signer = identity.signing_key(payload.workshop)
    verdict = ingest.receive(_engine(province), package.seal(payload, signer, other),
                             via=ingest.FILE, now=AS_OF)
    assert verdict.code == "pseudonym_key"
    # a revoked workshop: its later packages are refused, what it sent before stays
    assert cli.main(["province", "revoke", payload.workshop, "--reason", "máy bị mất",
                     "--db", province.url]) == 0
    _w, _seq, data = sync.make_package(province.roots["two"])
    verdict = ingest.receive(_engine(province), data, via=ingest.FILE, now=AS_OF)
    assert verdict.code == "revoked" and "thu hồi" in verdict.text()
    _unchanged(province)
    with _engine(province).connect() as conn:
        reasons = set(conn.execute(sa.select(packages.c.reason)
                                   .where(packages.c.status == "refused")).scalars())
    assert {"unregistered", "wrong_token", "pseudonym_key", "revoked"} <= reasons


def test_the_address_is_checked(province: Province, tmp_path: Path) -> None:
    from bakhong.province import certs

    other = certs.self_signed(["127.0.0.1"], tmp_path / "o.crt", tmp_path / "o.key")
    with pytest.raises(client.ProvinceNotTrusted):
        client.post_package(province.https, b"{}", "t", certificate=other)
    with pytest.raises(client.ProvinceNotTrusted):  # the system's store knows no such server
        client.post_package(province.https, b"{}", "t", certificate=None)
    with pytest.raises(client.ProvinceNotTrusted):
        client.post_package(province.https.replace("https", "http"), b"{}", "t",
                            certificate=province.cert.read_text())
    status, answer = client.post_package(province.https, b"{}", "no-such-token",
                                         certificate=province.cert.read_text())
    assert (status, answer["code"]) == (401, "no_token")


def test_rebuilt_from_the_audit_trail(province: Province) -> None:
    before = _report_rows(province)
    assert ingest.rebuild(_engine(province)) == 3
    assert _report_rows(province) == before


# ------------------------------------------------------------- without a server at all


def test_every_province_string_has_english() -> None:
    from bakhong.province import charts, views
    from bakhong.widgets.i18n import translator

    english = translator("en")
    for text in (*views.SOURCE_STRINGS, *charts.CHART_STRINGS):
        assert english(text) != text, text


def test_registration_file_for_another_workshop_is_refused(tmp_path: Path) -> None:
    key = pseudonym.new_key()
    pseudonym.write_key(tmp_path / "k", key)
    (tmp_path / "r.json").write_text(json.dumps({
        "bakhong": identity.REGISTRATION_FORMAT, "workshop": "someone-else", "label": "x",
        "url": "https://127.0.0.1:1", "token": "t", "certificate": None,
        "pseudonym_key_id": pseudonym.key_id(key), "province": "Thanh Hóa"}))
    with pytest.raises(identity.RegistrationMismatch):
        identity.install("w-mine", tmp_path / "r.json", tmp_path / "k")


def test_package_numbers_only_grow(tmp_path: Path) -> None:
    first = identity.next_seq("w-numbers", AS_OF)
    assert identity.next_seq("w-numbers", AS_OF) == first + 1
    (Path(os.environ["BAKHONG_HOME"]) / "keys" / "w-numbers-province-seq").unlink()
    assert identity.next_seq("w-numbers", datetime(2026, 12, 21, tzinfo=VN_TZ)) > first + 1
    assert identity.next_seq("w-numbers", AS_OF, above=10**12) == 10**12 + 1


def test_migrations_down_and_up_keep_the_figures(province: Province) -> None:
    """Alembic: down to the first schema (no summaries) and up again (filled from residents)."""
    engine = _engine(province)
    before = _report_rows(province)
    assert db.migrate(engine, "0001") == "0001"
    with engine.connect() as conn:
        assert not sa.inspect(conn).has_table("commune_counts")
    assert db.migrate(engine) == "0003"
    assert _report_rows(province) == before


#: Elements wider than the phone that are not inside a box that scrolls sideways (a wide
#: table scrolls inside its own box; the page itself must not).
SIDEWAYS_JS = """() => {
  const out = [];
  if (document.scrollingElement.scrollWidth > window.innerWidth) out.push('the page');
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= window.innerWidth + 1) continue;
    let box = el.parentElement, scrolls = false;
    while (box) {
      const style = getComputedStyle(box);
      if (['auto', 'scroll'].includes(style.overflowX) &&
          box.getBoundingClientRect().right <= window.innerWidth + 1) { scrolls = true; break; }
      box = box.parentElement;
    }
    if (!scrolls) out.push(`${el.tagName}.${el.className}`);
  }
  return out;
}"""


@pytest.mark.browser
def test_the_dashboard_on_a_phone(province: Province) -> None:
    """The officials' dashboard, served by Voila, on a 360 px phone: Vietnamese, no sideways
    scroll, no serious axe-core violation."""
    import signal
    import urllib.request

    from browser_support import (
        REPO_ROOT,
        assert_no_serious_axe_violations,
        phone_page,
        screenshot,
        server_env,
    )

    port = free_port()
    log = province.folder / "dashboard.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bakhong", "province", "dashboard", "--db", province.url,
             "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
            env=server_env(Path(os.environ["BAKHONG_HOME"])), start_new_session=True,
            cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
                break
            assert process.poll() is None, log.read_text()
            time.sleep(0.5)
        with phone_page("province-dashboard") as page:
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("Dự kiến ngày đạt chỉ tiêu").first.wait_for()  # a table's header
            screenshot(page, "province-dashboard", "communes")
            page.get_by_role("tab", name="Xếp hạng xã, phường").click()
            page.get_by_text("Thứ tự").first.wait_for()
            screenshot(page, "province-dashboard", "ranking")
            assert page.evaluate(SIDEWAYS_JS) == [], "sticks out of the phone"
            assert "Traceback" not in page.content()
            assert_no_serious_axe_violations(page, "the province dashboard")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_the_workshops_province_keys_go_into_its_backup() -> None:
    from bakhong.grading import backup

    identity.signing_key("w-backup")
    names = {path.name for path in backup.key_files("w-backup")}
    assert "w-backup-province.key" in names
    assert "w-backup-province-seq" not in names
