"""Certificates of completion: issued from a really graded workshop, checked like an official.

The workshop is graded through the real queue (nbgrader autograde): one learner reaches
level 2 in VNeID and passes the core lesson, the other submits without practising. The
PDF is then read with poppler (``pdftotext``, ``pdffonts``, ``pdftoppm``) and zbar
(``zbarimg``), and checked with ``bakhong certificate verify`` through the console script.
"""

from __future__ import annotations

import doctest
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
import uuid
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import reach_level2, trained_by_vneid

from bakhong.grading import certificate_codes, certificates, grader, workshop
from bakhong.grading.certificates import Achievement, Claims, PassedLesson
from bakhong.simulators import learners, pades, pki, registry, signing, submissions
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.learners import Learner
from bakhong.simulators.store import Store

CONSOLE_SCRIPT = Path(sys.executable).with_name("bakhong")  # .venv/bin/bakhong
NOW = datetime(2026, 11, 28, 9, tzinfo=VN_TZ)
THO_LONG = "Xã Thọ Long"
ROSTER = [
    ("hv001", "Lê Thị Hoa", THO_LONG),            # passes the core lesson
    ("hv002", "Trần Văn Nam", "Phường Hạc Thành"),  # submits without practising: 0
]
LONG_NAME = "Nguyễn Hoàng Thị Phương Thảo Uyên"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CONSOLE_SCRIPT), *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_doctests() -> None:
    result = doctest.testmod(certificate_codes, optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed


# --- the QR payload, without a workshop ----------------------------------------------------

@pytest.fixture
def issuer() -> pki.Credential:
    return certificates.issuer_credential(str(uuid.uuid4()), workshop_name="lop-thu",
                                          now=NOW, store=Store.open("sqlite://"))


def claims_of(credential: pki.Credential, name: str = "Lê Thị Hoa",
              lessons: tuple[str, ...] = ("vneid",)) -> Claims:
    workshop_id = certificates.workshop_of(credential.certificate)
    return Claims(workshop_id, certificates.certificate_number(workshop_id, "hv001"), name,
                  THO_LONG, lessons, NOW.date())


def test_payload_round_trips_and_fits_a_qr_code(issuer: pki.Credential) -> None:
    claims = claims_of(issuer, LONG_NAME, ("vneid", "payment", "portal", "signing"))
    payload = certificates.encode_payload(claims, issuer.key)
    assert len(payload) <= 350, len(payload)
    assert payload.isascii() and payload.count(".") == 2
    assert certificates.decode_payload(payload)[0] == claims
    check = certificates.check_payload(payload, issuer.certificate)
    assert (check.verdict, check.claims) == ("valid", claims)
    assert certificates.check_payload(payload).verdict == "valid"  # found in BAKHONG_HOME
    nfd = replace(claims, name=unicodedata.normalize("NFD", LONG_NAME))
    assert certificates.decode_payload(certificates.encode_payload(nfd, issuer.key))[0] == claims


def test_any_changed_character_is_refused(issuer: pki.Credential) -> None:
    payload = certificates.encode_payload(claims_of(issuer), issuer.key)
    for index, char in enumerate(payload):
        for other in {"A", "B", "_", "."} - {char}:
            changed = payload[:index] + other + payload[index + 1:]
            check = certificates.check_payload(changed, issuer.certificate)
            assert check.verdict in ("damaged", "tampered", "wrong_issuer"), (index, other)


def test_issuer_is_made_once_and_kept_private(issuer: pki.Credential) -> None:
    workshop_id = certificates.workshop_of(issuer.certificate)
    again = certificates.issuer_credential(workshop_id, workshop_name="khac", now=NOW,
                                           store=Store.open("sqlite://"))
    assert again.certificate == issuer.certificate
    for path in certificates.issuer_paths(workshop_id):
        assert path.stat().st_mode & 0o777 == 0o600
    certificate = issuer.certificate
    assert pki.common_name(certificate) == "bakhong – Đơn vị tổ chức lớp học lop-thu"
    assert certificate.issuer == certificate.subject  # self-signed
    assert certificates.is_issuer_certificate(certificate, workshop_id)
    assert not certificates.is_issuer_certificate(certificate, str(uuid.uuid4()))


def test_workshop_id_never_becomes_a_path_unchecked() -> None:
    with pytest.raises(ValueError):
        certificates.issuer_paths("../../etc/passwd")


def test_another_workshops_issuer_does_not_verify_the_code(issuer: pki.Credential) -> None:
    other = certificates.issuer_credential(str(uuid.uuid4()), workshop_name="lop-khac",
                                           now=NOW, store=Store.open("sqlite://"))
    payload = certificates.encode_payload(claims_of(issuer), issuer.key)
    assert certificates.check_payload(payload, other.certificate).verdict == "wrong_issuer"
    forged = certificates.encode_payload(claims_of(issuer), other.key)  # right id, wrong key
    assert certificates.check_payload(forged).verdict == "tampered"
    unknown = replace(claims_of(issuer), workshop_id=str(uuid.uuid4()))
    assert certificates.check_payload(
        certificates.encode_payload(unknown, issuer.key)).verdict == "unknown_issuer"


def test_birth_year_is_printed_when_known(issuer: pki.Credential, tmp_path: Path) -> None:
    learner = Learner("hv009", "K7M2QX9P", "Lê Văn An", THO_LONG, "p-1", "vi",
                      province="Thanh Hóa", birth_year=1961)
    passed = (PassedLesson("vneid", "Bài 1: VNeID", date(2026, 11, 27)),)
    claims = claims_of(issuer, "Lê Văn An")
    pdf = certificates.certificate_pdf(
        Achievement(learner, "Thanh Hóa", passed), claims,
        payload=certificates.encode_payload(claims, issuer.key), workshop_name="lop-thu",
        issuer_name=pki.common_name(issuer.certificate), issued=NOW, trainer="Phạm Thu Hà")
    (tmp_path / "c.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Năm sinh: 1961" in text and "Phạm Thu Hà" in text and "27/11/2026" in text
    assert "K7M2QX9P" not in text  # the card's login code is never printed


# --- a graded workshop ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("certificates") / "lop-tho-long"
    box, _ = workshop.create(root, ROSTER, clock=FixedClock(NOW), seed="certificates-1")
    trained_by_vneid(root)
    try:
        for learner_id, _, _ in ROSTER:
            learners.record_consent(box.store, box.clock, learner_id)
        reach_level2(box.vneid("hv001"), registry.persona_of_learner(box.store, "hv001"))
        for learner_id, _, _ in ROSTER:
            submissions.request(box.store, box.clock, learner_id, "vneid")
        scores = {s.learner_id: s.score for s in grader.grade_pending(root, box)}
    finally:
        box.close()
    assert scores["hv001"] > 0 and scores["hv002"] == 0
    return root


@pytest.fixture(scope="module")
def issued(graded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``bakhong certificate WORKSHOP --out DIR``: the folder of certificates."""
    out = tmp_path_factory.mktemp("out")
    made = run("certificate", str(graded), "--out", str(out), "--trainer", "Phạm Thu Hà")
    assert made.returncode == 0, made.stderr
    assert re.search(r"issued: 1 ", made.stdout) and re.search(r"not trained yet: 1 ", made.stdout)
    return out


def the_pdf(out: Path) -> Path:
    [pdf] = out.glob("*.pdf")
    return pdf


def the_issuer(out: Path) -> Path:
    [crt] = out.glob("*-issuer.crt")
    return crt


def zbar(pdf: Path, tmp_path: Path) -> str:
    """The QR code of the first page, as zbar reads it from a 200 dpi rendering."""
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(tmp_path / "page")], check=True)
    found = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "page.png")],
                           capture_output=True, text=True, check=True)
    return found.stdout.strip()


def verify(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    done = run("certificate", "verify", *args, "--json", env=env)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.mark.slow
def test_only_trained_learners_are_certified(graded: Path) -> None:
    done, waiting = certificates.achievements(graded)
    assert [a.learner.learner_id for a in done] == ["hv001"]
    assert [le.learner_id for le in waiting] == ["hv002"]
    [lesson] = done[0].lessons
    assert lesson.lesson == "vneid" and lesson.title.startswith("Bài 1: ")
    assert lesson.passed_on is not None


@pytest.mark.slow
def test_the_pdf_prints_the_roster_name_in_an_embedded_font(graded: Path, issued: Path) -> None:
    pdf = the_pdf(issued)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = unicodedata.normalize("NFC", text)
    for expected in ("Lê Thị Hoa", "GIẤY CHỨNG NHẬN", 'KỸ NĂNG SỐ CƠ BẢN "3 KHÔNG"', THO_LONG,
                     "Thanh Hóa", "Bài 1: Kích hoạt tài khoản định danh điện tử VNeID",
                     "lop-tho-long", "NGƯỜI HƯỚNG DẪN LỚP HỌC", "Phạm Thu Hà",
                     "không phải văn bằng, chứng chỉ của Nhà nước"):
        assert expected in text, expected
    box = workshop.open_sandbox(graded)
    try:
        persona = registry.persona_of_learner(box.store, "hv001")
        code = learners.by_id(box.store, "hv001").code
    finally:
        box.close()
    assert persona.full_name not in text and code not in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    dejavu = [line for line in fonts.splitlines() if "DejaVuSans" in line]
    assert dejavu and all(" yes " in line for line in dejavu), fonts


@pytest.mark.slow
def test_zbar_reads_the_signed_code_from_a_print(issued: Path, tmp_path: Path) -> None:
    payload = zbar(the_pdf(issued), tmp_path)
    check = certificates.check_payload(payload)
    assert check.verdict == "valid"
    assert check.claims is not None and check.claims.name == "Lê Thị Hoa"
    assert check.claims.lessons == ("vneid",)
    done = run("certificate", "verify", payload)
    assert done.returncode == 0, done.stdout + done.stderr
    assert run("certificate", "verify", str(tmp_path / "page.png")).returncode == 0  # a scan


@pytest.mark.slow
def test_verify_says_who_what_when(issued: Path) -> None:
    done = run("certificate", "verify", str(the_pdf(issued)))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HỢP LỆ / VALID" in done.stdout and "Lê Thị Hoa" in done.stdout
    assert "Bài 1: " in done.stdout
    code, report = verify(str(the_pdf(issued)))
    assert code == 0 and report["verdict"] == "valid" and report["text_matches"] is True
    assert report["certificate"]["name"] == "Lê Thị Hoa"  # type: ignore[index]
    assert [s["verdict"] for s in report["signatures"]] == ["valid"]  # type: ignore[attr-defined]


@pytest.mark.slow
def test_an_official_needs_only_the_issuer_certificate(issued: Path, tmp_path: Path) -> None:
    elsewhere = {**os.environ, "BAKHONG_HOME": str(tmp_path / "another-computer")}
    code, report = verify(str(the_pdf(issued)), env=elsewhere)
    assert (code, report["verdict"]) == (1, "unknown_issuer")
    code, report = verify(str(the_pdf(issued)), "--issuer", str(the_issuer(issued)),
                          env=elsewhere)
    assert (code, report["verdict"]) == (0, "valid")


@pytest.mark.slow
def test_a_changed_byte_is_a_modified_certificate(issued: Path, tmp_path: Path) -> None:
    data = bytearray(the_pdf(issued).read_bytes())
    at = data.index(b"/CreationDate (D:") + len(b"/CreationDate (D:") + 3  # the year's last digit
    data[at] = ord("5") if data[at] != ord("5") else ord("4")
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    code, report = verify(str(changed))
    assert (code, report["verdict"]) == (1, "modified")


@pytest.mark.slow
def test_a_changed_character_of_the_code_fails(issued: Path, tmp_path: Path) -> None:
    payload = zbar(the_pdf(issued), tmp_path)
    middle = len(payload) // 2
    changed = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1:]
    code, report = verify(changed)
    assert code == 1 and report["verdict"] in ("damaged", "tampered")


@pytest.mark.slow
def test_another_workshops_issuer_is_untrusted(graded: Path, issued: Path,
                                               tmp_path: Path) -> None:
    other = certificates.issuer_credential(str(uuid.uuid4()), workshop_name="lop-khac",
                                           now=NOW, store=Store.open("sqlite://"))
    forged = certificates.issue(graded, now=NOW, issuer=other)
    [path] = certificates.write(forged, tmp_path)
    code, report = verify(str(path))
    assert (code, report["verdict"]) == (1, "untrusted")
    other_crt = tmp_path / "other.crt"
    other_crt.write_bytes(pki.certificate_pem(other.certificate))
    code, report = verify(str(the_pdf(issued)), "--issuer", str(other_crt))
    assert (code, report["verdict"]) == (1, "untrusted")


@pytest.mark.slow
def test_the_practice_ca_and_the_issuer_do_not_trust_each_other(graded: Path, issued: Path,
                                                                tmp_path: Path) -> None:
    box = workshop.open_sandbox(graded)
    try:
        with box.store.transaction() as conn:
            practice = signing.workshop_pki(conn, NOW, random.Random(7), box.workshop_id)
    finally:
        box.close()
    certificate = the_pdf(issued).read_bytes()
    issuer = pki.load_certificate(the_issuer(issued).read_bytes())
    assert [v.verdict for v in pades.verify_pdf(certificate, roots=[issuer])] == ["valid"]
    assert [v.verdict for v in pades.verify_pdf(
        certificate, roots=[practice.root.certificate])] == ["untrusted"]
    root_pem = tmp_path / "practice-root.pem"
    root_pem.write_bytes(pki.certificate_pem(practice.root.certificate))
    code, report = verify(str(the_pdf(issued)), "--issuer", str(root_pem))
    assert (code, report["verdict"]) == (1, "untrusted")
    # and the other way round: a paper signed under the practice CA is no certificate
    hoa = practice.issue(full_name="Lê Thị Hoa", id_number="000185012345",
                         province="Thanh Hóa", now=NOW, rng=random.Random(8))
    paper = pades.sign_pdf(certificate, key=hoa.key, cert=hoa.certificate,
                           chain=practice.chain, when=NOW, field_name="Hoa")
    verdicts = pades.verify_pdf(paper, roots=[issuer])
    assert [v.verdict for v in verdicts] == ["valid", "untrusted"]
    assert certificates.verify_pdf(paper, issuer).verdict == "untrusted"
    assert not certificates.is_issuer_certificate(practice.root.certificate)
    assert not certificates.is_issuer_certificate(practice.issuer.certificate)


@pytest.mark.slow
def test_a_learner_not_trained_yet_gets_nothing(graded: Path, tmp_path: Path) -> None:
    box = workshop.open_sandbox(graded)
    try:
        code = learners.by_id(box.store, "hv002").code
    finally:
        box.close()
    done = run("certificate", str(graded), "--learner", code, "--out", str(tmp_path / "o"))
    assert done.returncode == 1 and "not trained yet: 1 " in done.stdout
    assert not list((tmp_path / "o").glob("*.pdf"))


@pytest.mark.slow
def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("xin chào", encoding="utf-8")
    assert run("certificate", "verify", str(text)).returncode == 2
    assert run("certificate", "verify", str(tmp_path / "missing.pdf")).returncode == 2
    (tmp_path / "fake.pdf").write_bytes(b"%PDF-1.7\nnot really")
    assert run("certificate", "verify", str(tmp_path / "fake.pdf")).returncode == 2
