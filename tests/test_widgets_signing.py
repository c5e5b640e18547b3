"""The signing app driven headless on a fixed clock: the whole lesson, through the widget.

Every tap goes through the handler a phone's tap reaches in Voila (``.click()``, a
FileUpload's state); the lesson's evidence is then judged as its hidden tests judge it.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest
from babel.messages.extract import extract_from_file
from conftest import PASSWORD, reach_level2
from PIL import Image
from test_signing import PIN, enrol, form_doc
from test_widgets_portal import catalogue, texts_of, unwrapped, upload

from bakhong.simulators import civil_papers, evidence, faults, idnumber, learners, registry, signing
from bakhong.simulators.clock import VN_TZ, FixedClock
from bakhong.simulators.desk import LearnerDesk
from bakhong.simulators.portal import NotLoggedIn
from bakhong.simulators.sandbox import Sandbox
from bakhong.simulators.signing import (
    ConnectionLost,
    NotAPdf,
    NotOnThisDevice,
    PinLocked,
    RequestExists,
    SigningSimulator,
    Step,
    TransactionExpired,
    WrongPin,
)
from bakhong.widgets.course import course_screen
from bakhong.widgets.i18n import Translator, translator
from bakhong.widgets.phone import walk
from bakhong.widgets.portal_app import PortalAppHandles, portal_app
from bakhong.widgets.portal_signing import FormNotSigned, signing_on_show
from bakhong.widgets.signing_app import (
    SigningAppHandles,
    UploadNeedsPortal,
    signing_app,
    signing_factory,
)
from bakhong.widgets.signing_home_screens import NothingPicked

ROOT = Path(__file__).resolve().parents[1]
SIGNING_MODULES = ("signing_app.py", "signing_screens.py", "signing_home_screens.py",
                   "portal_signing.py")
RESIDENCE = "1.004222"
FORM = "residence_form"
ALL_TASKS = set(signing.LESSON_TASKS)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=VN_TZ))


@pytest.fixture
def box(tmp_path: Path, clock: FixedClock) -> Iterator[Sandbox]:
    sandbox = Sandbox.open(tmp_path / "sandbox.db", clock=clock, seed="signing-widget-tests")
    sandbox.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long"),
                          ("hv002", "Trần Văn Nam", "Xã Thọ Long")])
    for learner_id in ("hv001", "hv002"):
        learners.record_consent(sandbox.store, clock, learner_id)
    reach_level2(sandbox.vneid("hv001"), persona(sandbox))
    yield sandbox
    sandbox.close()


def persona(box: Sandbox, learner_id: str = "hv001") -> registry.Persona:
    return registry.persona_of_learner(box.store, learner_id)


def make_app(box: Sandbox, tr: Translator | None = None) -> SigningAppHandles:
    return signing_app(box.signing("hv001"), tr or translator("vi"),
                       portal_sim_factory=lambda: box.portal("hv001"))


@pytest.fixture
def app(box: Sandbox) -> SigningAppHandles:
    return make_app(box)


# -- driving the app ---------------------------------------------------------------------------

def tap(app: SigningAppHandles | PortalAppHandles, name: str) -> None:
    app.controls[name].click()


def ok(app: SigningAppHandles | PortalAppHandles) -> None:
    assert app.message.kind != "error", app.message.text


def step(app: SigningAppHandles) -> Step:
    return app.sim.status().step


def type_pin(app: SigningAppHandles, pin: str) -> None:
    for digit in pin:
        tap(app, f"pin-{digit}")


def tasks(box: Sandbox) -> set[str]:
    return signing.completed_tasks(evidence.learner_events(box.store, "hv001", "signing"))


def scenario(sim: SigningSimulator) -> dict[str, Any]:
    """The lesson's documents: the form, the commune's notice, the altered contract."""
    titles = {"Thông báo của UBND xã (đã ký số)": "notice",
              "Hợp đồng đặt cọc (nhận qua Zalo)": "tampered"}
    found = {titles[title]: doc for doc, title, _s in sim.pdfs() if title in titles}
    return {**found, "form": form_doc(sim)}


def enrol_through(app: SigningAppHandles, box: Sandbox,
                  seen: Callable[[str], None] = lambda _n: None) -> None:
    """The whole enrolment through the screens, recovering from the lesson's dropped connection
    the way the app offers (the box «Tiếp tục yêu cầu», or «Quản lý yêu cầu» in real-world
    mode)."""
    seen("intro")
    tap(app, "begin")
    ok(app)
    seen("identity")
    app.controls["id-number"].value = idnumber.format(persona(box).id_number)
    app.controls["password"].value = PASSWORD
    tap(app, "link-vneid")
    ok(app)
    seen("identity, linked")
    tap(app, "confirm-identity")
    ok(app)
    seen("ekyc")
    for name in ("card-front", "card-back", "face"):
        app.controls[name].value = True
    tap(app, "submit-ekyc")
    ok(app)
    seen("contract")
    app.controls["agree"].value = True
    tap(app, "submit-contract")  # the lesson drops the connection here, once
    assert app.message.text == app.view.tr(ConnectionLost.message)
    assert step(app) is Step.INTRO
    seen("intro, pending")
    if app.sim.status().real_world:
        assert "resume" not in app.controls  # the real apps do not offer it
        tap(app, "begin")
        assert app.message.text == app.view.tr(RequestExists.message)
        seen("intro, request exists")
        tap(app, "manage-requests")
        seen("requests")
        tap(app, "continue-request")
    else:
        tap(app, "resume")
    ok(app)
    assert step(app) is Step.PIN
    seen("pin")
    app.controls["new-pin"].value = app.controls["new-pin-again"].value = PIN
    tap(app, "finish")
    ok(app)
    assert step(app) is Step.ACTIVE
    seen("home")


def sign_document(app: SigningAppHandles, doc_id: str, position: str = "bottom") -> None:
    if "back" in app.controls:
        tap(app, "back")
    tap(app, "go-sign")
    app.controls["sign-doc"].value = doc_id
    app.controls["position"].value = position
    tap(app, "sign")
    ok(app)
    assert "pin-dots" in app.controls, "the transaction is not on show"


def confirm_with(app: SigningAppHandles, pin: str) -> None:
    type_pin(app, pin)
    tap(app, "confirm")


def verify(app: SigningAppHandles, doc_id: str) -> None:
    if "go-verify" not in app.controls:
        tap(app, "back")
    tap(app, "go-verify")
    app.controls["verify-doc"].value = doc_id
    tap(app, "verify")
    ok(app)


def do_the_lesson(app: SigningAppHandles, box: Sandbox,
                  seen: Callable[[str], None] = lambda _n: None) -> None:
    """The whole lesson, in any language; ``seen`` is called on each screen."""
    enrol_through(app, box, seen)
    docs = scenario(app.sim)
    sign_document(app, docs["form"])
    seen("waiting")
    confirm_with(app, PIN)
    ok(app)
    seen("signed")
    tap(app, "download")
    seen("signed, download")
    verify(app, docs["notice"])
    seen("verified notice")
    tap(app, "trust")
    ok(app)
    verify(app, docs["tampered"])
    seen("verified contract")
    tap(app, "distrust")
    ok(app)
    tap(app, "back")
    seen("home again")


def shown(app: SigningAppHandles, name: str | None = None) -> str:
    return " ".join(texts(app.controls[name] if name else app.root))


def texts(root: Any) -> list[str]:
    """``texts_of`` (the portal's), and the checkbox the contract screen has."""
    found = texts_of(root)
    for widget in walk(root):
        if isinstance(widget, w.Checkbox) and widget.layout.display != "none":
            found.append(widget.description)
    return found


# -- the whole lesson ---------------------------------------------------------------------------

def test_the_whole_lesson_through_the_widget(box: Sandbox, app: SigningAppHandles) -> None:
    me = persona(box)
    checks: dict[str, Callable[[], None]] = {}

    def on_intro() -> None:
        assert app.root.children[0] is app.view.badge  # «MÔ PHỎNG» first
        assert "Ký số từ xa (mô phỏng)" in shown(app)
        assert app.controls["persona-card"].selected_index == 0
        card = shown(app, "persona-card")
        assert idnumber.format(me.id_number) in card and "Bài 1" in card
        assert "resume" not in app.controls and "manage-requests" not in app.controls

    def on_linked() -> None:
        identity = shown(app, "identity")
        assert me.full_name in identity and idnumber.format(me.id_number) in identity
        assert "Nguồn: Tài khoản định danh điện tử mức 2 (VNeID)" in identity
        assert "id-number" not in app.controls  # nothing is retyped

    def on_ekyc() -> None:
        assert "không chụp ảnh" in shown(app)
        assert app.controls["persona-card"].selected_index is None

    def on_contract() -> None:
        summary = shown(app, "contract")
        assert "mã PIN" in summary and "không có giá trị pháp lý" in summary
        assert "Tôi đồng ý với hợp đồng" in shown(app)

    def on_pending() -> None:
        assert "Bạn có một yêu cầu đang chờ xử lý" in shown(app, "pending")
        assert app.controls["resume"].description == "Tiếp tục yêu cầu"

    def on_home() -> None:
        assert app.message.text.startswith("Đăng ký thành công.")
        cert = app.sim.status().certificate
        assert cert is not None and cert["serial"] in app.message.text
        assert me.full_name in app.message.text
        card = shown(app, "certificate")
        assert me.full_name in card and cert["serial"] in card and "Có hiệu lực đến" in card
        assert app.controls["go-waiting"].description == "Giao dịch chờ xác nhận (0)"

    def on_waiting() -> None:
        transaction = shown(app, "transaction")
        assert "Tờ khai thay đổi thông tin cư trú (CT01)" in transaction
        assert "Hết hạn lúc 09:02:00" in transaction and "Cuối trang" in transaction
        assert "<img" in app.controls["preview"].children[0].children[1].value

    def on_signed() -> None:
        assert "sign_form" in tasks(box)
        signed = app.controls["signed"].value
        assert 'alt="Trang 1 của «Tờ khai thay đổi thông tin cư trú (CT01)»"' in signed
        assert "save-link" not in app.controls

    def on_download() -> None:
        link = app.controls["save-link"].value
        assert 'download="to-khai-ct01-da-ky.pdf"' in link
        assert 'href="data:application/pdf;base64,' in link

    def on_notice() -> None:
        verdicts = app.controls["verdicts"].value
        assert "bk-verdict-valid" in verdicts and "bk-verdict-invalid" not in verdicts
        text = shown(app, "verdicts")
        assert "Chữ ký hợp lệ" in text and "Ký trên toàn bộ văn bản: Có" in text
        assert "UBND Xã Thọ Long" in text and "Bạn có tin văn bản này không?" in shown(app)

    def on_contract_checked() -> None:
        verdicts = app.controls["verdicts"].value
        assert "bk-verdict-invalid" in verdicts and 'role="alert"' in verdicts
        assert "Văn bản đã bị sửa sau khi ký" in shown(app, "verdicts")

    def on_home_again() -> None:
        assert tasks(box) == ALL_TASKS

    checks.update({"intro": on_intro, "identity, linked": on_linked, "ekyc": on_ekyc,
                   "contract": on_contract, "intro, pending": on_pending, "home": on_home,
                   "waiting": on_waiting, "signed": on_signed, "signed, download": on_download,
                   "verified notice": on_notice, "verified contract": on_contract_checked,
                   "home again": on_home_again})
    visited: list[str] = []

    def seen(name: str) -> None:
        visited.append(name)
        checks.get(name, lambda: None)()

    do_the_lesson(app, box, seen)
    assert set(checks) <= set(visited)
    assert tasks(box) == ALL_TASKS


def test_the_real_world_answer_and_the_way_out(box: Sandbox, app: SigningAppHandles) -> None:
    faults.switch_on(box.store, "hv001", "sign.real_world")
    checks = {
        "intro, request exists": lambda: shown(app, "way-out").endswith(
            'Vào "Quản lý yêu cầu" để tiếp tục yêu cầu đang chờ.'),
        "requests": lambda: "Đặt mã PIN ký số" in shown(app, "request"),
    }
    results: dict[str, bool] = {}
    enrol_through(app, box, lambda name: results.update(
        {name: checks[name]()} if name in checks else {}))
    assert results == {"intro, request exists": True, "requests": True}
    assert {"enrol", "recover"} <= tasks(box)
    assert "way-out" not in app.controls


def test_a_refused_step_keeps_what_was_typed(box: Sandbox, app: SigningAppHandles) -> None:
    tap(app, "begin")
    app.controls["id-number"].value = persona(box).id_number
    app.controls["password"].value = "Sai@2026x"
    tap(app, "link-vneid")
    assert app.message.kind == "error"
    assert app.controls["id-number"].value == persona(box).id_number
    app.controls["password"].value = PASSWORD
    tap(app, "link-vneid")
    tap(app, "confirm-identity")
    app.controls["card-front"].value = True
    tap(app, "submit-ekyc")
    assert app.message.text == signing.EkycIncomplete.message
    assert app.controls["card-front"].value is True and step(app) is Step.EKYC
    for name in ("card-back", "face"):
        app.controls[name].value = True
    tap(app, "submit-ekyc")
    tap(app, "submit-contract")  # not ticked
    assert app.message.text == signing.ContractNotAccepted.message


def test_level_1_is_refused_with_the_vneid_message(box: Sandbox) -> None:
    from conftest import activate

    from bakhong.simulators.vneid import LevelTooLow

    activate(box.vneid("hv002"), persona(box, "hv002"))
    app = signing_app(box.signing("hv002"), translator("vi"))
    tap(app, "begin")
    app.controls["id-number"].value = persona(box, "hv002").id_number
    app.controls["password"].value = PASSWORD
    tap(app, "link-vneid")
    assert app.message.text.startswith(LevelTooLow.message.split("{")[0])


# -- signing: refusals, expiry, lock and re-activation ------------------------------------------

def test_a_rejected_transaction_signs_nothing(box: Sandbox, app: SigningAppHandles) -> None:
    enrol_through(app, box)
    before = len(app.sim.pdfs())
    sign_document(app, form_doc(app.sim), "top")
    assert "Đầu trang" in shown(app, "transaction")
    tap(app, "reject")
    ok(app)
    assert app.message.text.startswith("Đã từ chối")
    assert len(app.sim.pdfs()) == before and "confirm" not in app.controls
    assert "Không có giao dịch nào đang chờ." in shown(app)


def test_an_expired_transaction_shows_62002(box: Sandbox, app: SigningAppHandles,
                                            clock: FixedClock) -> None:
    enrol_through(app, box)
    sign_document(app, form_doc(app.sim))
    clock.advance(minutes=3)
    confirm_with(app, PIN)
    assert app.message.text == TransactionExpired.message and "62002" in app.message.text
    assert TransactionExpired.message in shown(app, "expired")
    tap(app, "sign-again")  # a new transaction for the same document
    ok(app)
    confirm_with(app, PIN)
    ok(app)
    assert "sign_form" in tasks(box)


def test_a_transaction_expired_on_arrival_says_so(box: Sandbox, app: SigningAppHandles) -> None:
    enrol_through(app, box)
    faults.switch_on(box.store, "hv001", "sign.expired")
    tap(app, "go-sign")
    app.controls["sign-doc"].value = form_doc(app.sim)
    tap(app, "sign")
    assert "confirm" not in app.controls
    assert "62002" in shown(app, "expired")


def test_waiting_transactions_are_listed_and_chosen(box: Sandbox,
                                                    app: SigningAppHandles) -> None:
    enrol_through(app, box)
    docs = scenario(app.sim)
    sign_document(app, docs["form"])
    first = app.view.tran
    sign_document(app, docs["notice"])
    assert app.sim.status().waiting[0].tran_id == first
    assert f"open-{first}" in app.controls  # the other one, below
    tap(app, "back")
    assert app.controls["go-waiting"].description == "Giao dịch chờ xác nhận (2)"
    tap(app, "go-waiting")
    tap(app, f"open-{first}")
    assert "Tờ khai thay đổi thông tin cư trú (CT01)" in shown(app, "transaction")


def test_the_pin_pad_keeps_six_digits_and_deletes(box: Sandbox, app: SigningAppHandles) -> None:
    enrol_through(app, box)
    sign_document(app, form_doc(app.sim))
    type_pin(app, "1234567")
    assert app.controls["pin-dots"].value.count("●") == 6
    tap(app, "pin-del")
    assert app.controls["pin-dots"].value.count("●") == 5
    tap(app, "confirm")  # 5 digits: refused, nothing signed, no try counted
    assert app.message.text == signing.InvalidPin.message
    assert app.sim.status().pin_tries_left == signing.MAX_PIN_TRIES


def test_a_pin_key_is_never_disabled_so_a_quick_second_tap_counts(
        box: Sandbox, app: SigningAppHandles) -> None:
    """«000000» is six quick taps of one key. A key disabled while its tap runs made the
    browser drop a tap that landed before the «enabled again» came back (CI lost a digit:
    «Mã PIN gồm đúng 6 chữ số»); the pad's keys stay enabled."""
    enrol_through(app, box)
    sign_document(app, form_doc(app.sim))
    key = app.controls["pin-0"]
    seen: list[bool] = []
    key.observe(lambda change: seen.append(change["new"]), names="disabled")
    type_pin(app, "000000")
    assert seen == []
    assert app.controls["pin-dots"].value.count("●") == 6


def test_wrong_pins_lock_and_the_sms_code_reactivates(box: Sandbox,
                                                      app: SigningAppHandles) -> None:
    enrol_through(app, box)
    sign_document(app, form_doc(app.sim))
    for tries in range(signing.MAX_PIN_TRIES - 1):
        confirm_with(app, "000000")
        assert app.message.text == WrongPin.message.format(
            remaining=signing.MAX_PIN_TRIES - tries - 1)
    assert f"Còn {signing.MAX_PIN_TRIES - 4} lần nhập mã PIN." in shown(app)
    confirm_with(app, "000000")
    assert app.message.text == PinLocked.message and step(app) is Step.LOCKED
    assert "Kích hoạt lại tài khoản" in shown(app)
    assert app.controls["sms-inbox"].titles[0] == "Tin nhắn SMS (0)"
    tap(app, "send-code")
    ok(app)
    assert app.controls["sms-inbox"].titles[0] == "Tin nhắn SMS (1)"
    assert app.controls["sms-inbox"].selected_index == 0  # the new SMS opened the inbox
    assert signing.SMS_SENDER in shown(app, "sms-inbox")
    code = re.search(r"\b(\d{6})\b", app.sim.inbox()[-1][1])
    assert code
    app.controls["otp"].value = "999999" if code.group(1) != "999999" else "111111"
    app.controls["new-pin"].value = app.controls["new-pin-again"].value = "135246"
    tap(app, "reactivate")
    assert app.message.text == signing.WrongOtp.message
    app.controls["otp"].value = code.group(1)
    tap(app, "reactivate")
    ok(app)
    assert step(app) is Step.ACTIVE
    sign_document(app, form_doc(app.sim))
    confirm_with(app, "135246")
    ok(app)
    assert "signed" in app.controls


def test_a_reinstalled_app_needs_reactivation(box: Sandbox, app: SigningAppHandles) -> None:
    enrol_through(app, box)
    faults.switch_on(box.store, "hv001", "sign.reinstalled")
    tap(app, "go-sign")
    app.controls["sign-doc"].value = form_doc(app.sim)
    tap(app, "sign")
    assert app.message.text == NotOnThisDevice.message and "60000" in app.message.text
    assert step(app) is Step.LOCKED and "send-code" in app.controls


def test_signing_without_a_pick_says_so(box: Sandbox, app: SigningAppHandles) -> None:
    enrol_through(app, box)
    tap(app, "go-sign")
    tap(app, "sign")
    assert app.message.text == NothingPicked.message
    tap(app, "back")
    tap(app, "go-verify")
    tap(app, "verify")
    assert app.message.text == NothingPicked.message


# -- uploads ---------------------------------------------------------------------------------------

def a_pdf() -> bytes:
    return civil_papers.simple_paper(title="GIẤY MỜI", agency=("TỔ DÂN PHỐ (MÔ PHỎNG)",),
                               rows=[("Nội dung", "Họp tổ dân phố")],
                               issued=datetime(2026, 11, 30, 9, tzinfo=VN_TZ))


def test_an_uploaded_pdf_is_signed_and_verified(box: Sandbox, app: SigningAppHandles) -> None:
    enrol_through(app, box)
    tap(app, "go-sign")
    assert app.controls["sign-upload"].accept == "application/pdf"
    upload(app.controls["sign-upload"], "giay-moi.pdf", "application/pdf", a_pdf())
    assert app.message.text == UploadNeedsPortal.message  # the store is the portal's
    box.portal("hv001").login(persona(box).id_number, PASSWORD)
    upload(app.controls["sign-upload"], "giay-moi.pdf", "application/pdf", a_pdf())
    ok(app)
    picked = app.controls["sign-doc"].value
    assert picked and app.view.document(picked).filename == "giay-moi.pdf"
    tap(app, "sign")
    confirm_with(app, PIN)
    ok(app)
    signed = app.view.confirmed[app.view.tran]
    verify(app, signed)
    assert "bk-verdict-valid" in app.controls["verdicts"].value
    assert persona(box).full_name in shown(app, "verdicts")
    assert "sign_form" not in tasks(box)  # an upload is no form of the portal


def test_a_photo_is_not_signed(box: Sandbox, app: SigningAppHandles) -> None:
    enrol_through(app, box)
    box.portal("hv001").login(persona(box).id_number, PASSWORD)
    tap(app, "go-verify")
    photo = io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(photo, format="JPEG")
    upload(app.controls["verify-upload"], "anh.jpg", "image/jpeg", photo.getvalue())
    assert app.message.text == NotAPdf.message and "64000" in app.message.text
    assert not [d for d in box.portal("hv001").documents() if d.filename == "anh.jpg"]


def test_an_unsigned_pdf_says_it_has_no_signature(box: Sandbox, app: SigningAppHandles) -> None:
    enrol_through(app, box)
    verify(app, form_doc(app.sim))
    assert "Văn bản này không có chữ ký số nào." in shown(app, "verdicts")
    tap(app, "distrust")
    ok(app)


def test_an_unexpected_failure_is_a_message_not_a_traceback(
        box: Sandbox, app: SigningAppHandles, monkeypatch: pytest.MonkeyPatch) -> None:
    from bakhong.widgets.i18n import UNEXPECTED

    def broken(self: SigningSimulator) -> None:
        raise RuntimeError("database exploded: /secret/path")

    monkeypatch.setattr(SigningSimulator, "begin", broken)
    tap(app, "begin")  # must not raise
    assert app.message.text == UNEXPECTED and "begin" in app.controls


def test_course_page_runs_the_signing_app(box: Sandbox) -> None:
    page = course_screen(LearnerDesk(box, "hv001"), signing_factory, lang="vi", on_submit=lambda: None)
    assert page.app is not None and "begin" in page.app.controls


# -- the portal: «Ký số tờ khai» and the signed copy attached ------------------------------------

def portal_with_signing(box: Sandbox, tr: Translator | None = None) -> PortalAppHandles:
    return portal_app(box.portal("hv001"), tr or translator("vi"),
                      bank_sim_factory=lambda: box.bank("hv001"),
                      signing_sim_factory=lambda: box.signing("hv001"))


def residence_review(portal: PortalAppHandles, box: Sandbox) -> None:
    portal.controls["id-number"].value = persona(box).id_number
    portal.controls["password"].value = PASSWORD
    tap(portal, "login")
    portal.controls["search"].value = "thuong tru"
    tap(portal, "search-go")
    tap(portal, f"open-{RESIDENCE}")
    tap(portal, "start")
    for _step in range(2):  # everything prefilled from the residence database
        tap(portal, "continue")
        ok(portal)
    assert "Kiểm tra và nộp hồ sơ" in " ".join(texts_of(portal.root))


def test_the_residence_form_is_signed_through_the_hand_off(box: Sandbox) -> None:
    enrol(box.signing("hv001"), box)
    portal = portal_with_signing(box)
    residence_review(portal, box)
    assert "Chưa đính kèm" in " ".join(texts_of(portal.controls[f"attached-{FORM}"]))
    tap(portal, f"sign-form-{FORM}")
    ok(portal)
    signing_app_on_show = signing_on_show(portal.view)
    assert signing_app_on_show is not None
    assert portal.root.children[0] is portal.view.badge
    assert portal.controls["back-from-signing"].description == "⟵ Quay lại Cổng Dịch vụ công"
    assert signing_app_on_show.root in portal.root.children
    transaction = " ".join(texts(signing_app_on_show.controls["transaction"]))
    assert "Tờ khai (để ký số)" in transaction  # the signature is started already
    for digit in PIN:
        signing_app_on_show.controls[f"pin-{digit}"].click()
    signing_app_on_show.controls["confirm"].click()
    ok(signing_app_on_show)
    tap(portal, "back-from-signing")
    ok(portal)
    assert portal.message.text == "Đã đính kèm tờ khai đã ký số."
    assert signing_on_show(portal.view) is None and "back-from-signing" not in portal.controls
    assert portal.root.children[1] is portal.view.appbar
    draft = portal.sim.draft(RESIDENCE)
    assert draft is not None and FORM in draft.files
    info, _content = portal.sim.document(draft.files[FORM])
    assert info.source == "signed"
    assert [v.verdict for v in box.signing("hv001").verify(info.doc_id)] == ["valid"]
    assert "<img" in portal.controls[f"attached-{FORM}"].value
    assert "sign_form" in tasks(box)  # the portal's form counts for the signing lesson
    tap(portal, "submit")
    ok(portal)
    assert portal.sim.my_dossiers()[0].procedure == RESIDENCE


def test_without_a_certificate_the_hand_off_asks_to_enrol_first(box: Sandbox) -> None:
    portal = portal_with_signing(box)
    residence_review(portal, box)
    tap(portal, f"sign-form-{FORM}")
    signing_app_on_show = signing_on_show(portal.view)
    assert signing_app_on_show is not None and "begin" in signing_app_on_show.controls
    assert signing_app_on_show.message.text.startswith("Hãy đăng ký chứng thư số trước.")
    tap(portal, "back-from-signing")
    assert portal.message.text == FormNotSigned.message
    draft = portal.sim.draft(RESIDENCE)
    assert draft is not None and FORM not in draft.files


def test_the_bundle_has_no_form_to_sign(box: Sandbox) -> None:
    from test_widgets_portal import log_in, open_the_bundle

    portal = portal_with_signing(box)
    log_in(portal, box)
    open_the_bundle(portal)
    assert not [name for name in portal.controls if name.startswith("sign-form-")]


def test_a_form_is_printed_only_at_review(box: Sandbox) -> None:
    from bakhong.simulators.portal import FormIncomplete

    sim = box.portal("hv001")
    with pytest.raises(NotLoggedIn):
        sim.form_pdf(RESIDENCE)
    sim.login(persona(box).id_number, PASSWORD)
    sim.start(RESIDENCE)
    with pytest.raises(FormIncomplete):
        sim.form_pdf(RESIDENCE)


# -- languages -----------------------------------------------------------------------------------

def signing_strings() -> set[str]:
    found: set[str] = set()
    for name in SIGNING_MODULES:
        for _line, message, _comments, _context in extract_from_file(
                "python", ROOT / "widgets" / name, keywords={"_": None, "N_": None}):
            if isinstance(message, str):
                found.add(message)
    return found


def data_of(box: Sandbox, app: SigningAppHandles) -> list[str]:
    """What is shown as it is in every language: people, numbers, codes, files, SMS."""
    me = persona(box)
    status = app.sim.status()
    values = [me.full_name, me.address, idnumber.format(me.id_number), me.id_number, me.phone,
              f"{me.phone[:4]} {me.phone[4:7]} {me.phone[7:]}",
              *(t.tran_id for t in app.view.known.values())]
    if status.certificate:
        values += [status.certificate["subject"], status.certificate["serial"]]
    if app.view.checked:
        for verdict in app.view.checked[1]:
            values += [verdict.signer, idnumber.format(verdict.id_number)]
    for doc_id, _title, _source in app.sim.pdfs():
        values.append(app.view.document(doc_id).filename)
    for sender, body, _at in app.sim.inbox():
        values += [body, sender]
    return sorted({v for v in values if len(v) > 2}, key=len, reverse=True)


def test_the_pseudo_locale_wraps_every_string(box: Sandbox) -> None:
    app = make_app(box, translator("pseudo"))
    leftovers: dict[str, list[str]] = {}
    screens: list[str] = []

    def seen(name: str) -> None:
        screens.append(name)
        data = data_of(box, app)
        rest = [left for text in texts(app.root) if (left := unwrapped(text, data))]
        if rest:
            leftovers[name] = rest

    do_the_lesson(app, box, seen)
    assert len(screens) > 12
    assert not leftovers, leftovers
    assert tasks(box) == ALL_TASKS  # the pseudo-locale drives the same lesson


def test_the_pseudo_locale_wraps_the_portal_hand_off(box: Sandbox) -> None:
    enrol(box.signing("hv001"), box)
    portal = portal_with_signing(box, translator("pseudo"))
    residence_review(portal, box)
    review = [t for t in texts_of(portal.controls[f"sign-form-{FORM}"]) if unwrapped(t, [])]
    assert not review, review
    tap(portal, f"sign-form-{FORM}")
    bar = [t for t in texts_of(portal.root.children[1]) if unwrapped(t, [])]
    assert not bar, bar


#: A few labels and their English (used until the catalogue has them).
ENGLISH = {"Đăng ký chứng thư số cá nhân": "Apply for a personal digital certificate",
           "Tiếp tục yêu cầu": "Continue the request",
           "Quản lý yêu cầu": "Manage requests",
           "Ký văn bản": "Sign a document",
           "Kiểm tra chữ ký": "Check signatures",
           "Xác nhận": "Confirm", "Từ chối": "Refuse",
           "Tin văn bản này": "Trust this document", "Không tin": "Do not trust",
           "Ký số tờ khai": "Sign the form digitally"}


class _Overlay(gettext.NullTranslations):
    def __init__(self, extra: dict[str, str]) -> None:
        super().__init__()
        self.extra, self.english = extra, translator("en")

    def gettext(self, message: str) -> str:
        real = self.english(message)
        return real if real != message else self.extra.get(message, message)


def test_english_button_labels(box: Sandbox) -> None:
    known = catalogue()
    for source, english in ENGLISH.items():  # once in the catalogue, the same words
        assert known.get(source, english) == english, source
    app = make_app(box, Translator("en", _Overlay(ENGLISH)))
    assert app.controls["begin"].description == ENGLISH["Đăng ký chứng thư số cá nhân"]
    enrol_through(app, box)
    assert app.controls["go-sign"].description == "Sign a document"
    assert app.controls["go-verify"].description == "Check signatures"
    sign_document(app, form_doc(app.sim))
    assert app.controls["confirm"].description == "Confirm"
    assert app.controls["reject"].description == "Refuse"
    labels = [b.description for b in walk(app.root) if isinstance(b, w.Button)]
    assert not set(labels) & set(ENGLISH), labels


def test_english_shows_no_vietnamese(box: Sandbox) -> None:
    missing = signing_strings() - set(catalogue())
    if missing:
        pytest.skip(f"{len(missing)} signing strings are not in the English catalogue yet")
    app = make_app(box, translator("en"))
    letters = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụ"
                         r"ừứửữựỳýỷỹỵ]", re.I)
    leftovers: dict[str, list[str]] = {}

    def seen(name: str) -> None:
        data = data_of(box, app)
        found = []
        for text in texts(app.root):
            for value in data:
                text = text.replace(value, " ")
            if letters.search(text):
                found.append(text)
        if found:
            leftovers[name] = found

    do_the_lesson(app, box, seen)
    assert not leftovers, leftovers
