"""Remote signing («ký số từ xa») as one learner uses it: enrolment, signing, verifying.

The flows follow the real remote-signing apps (``domain.md`` §5, VNPT SmartCA as the
reference), in a sandbox that issues real certificates from the workshop's sandbox PKI
(:mod:`bakhong.simulators.pki`) and makes real PAdES signatures
(:mod:`bakhong.simulators.pades`):

=============  ==========================================================================
step           screen
=============  ==========================================================================
``INTRO``      «Đăng ký chứng thư số cá nhân», or «Tiếp tục yêu cầu» for a pending one
``IDENTITY``   identity from the VNeID level-2 account, prefilled (once-only): confirm it
``EKYC``       the simulated eKYC: card front, card back, face (nothing is captured)
``CONTRACT``   the service contract: read and accept
``PIN``        the 6-digit signing PIN; then the certificate is issued
``ACTIVE``     sign a PDF (a signing transaction confirmed with the PIN); verify a PDF
``LOCKED``     5 wrong PINs (SmartCA code 5): «Kích hoạt lại tài khoản» with an SMS code
=============  ==========================================================================

**Enrolment is idempotent.** One enrolment request (its ``request_id``) carries the steps;
a step done twice changes nothing, and the certificate is issued once per request (the
``credentials`` table is unique on the request). **A dropped connection** (the lesson's
scenario drops it once, after the contract is accepted; the fault ``sign.network_drop``
does it again) saves the step on the server and loses the answer: the app restarts at the
intro with the request pending. By default it offers «Tiếp tục yêu cầu» (resume). With
the trainer's switch ``sign.real_world`` on, it answers like the real apps after a drop
(the seed's complaint): «Yêu cầu mua chứng thư đã tồn tại» (SmartCA 64002), and the way
out is «Quản lý yêu cầu» → the pending request → «Tiếp tục». Either way, no second
request and no second certificate is ever made.

**Signing** creates a transaction (``tranId``) that waits in the signing app until it is
confirmed with the PIN within :data:`TRANSACTION_LIFETIME` (62002 «Giao dịch ký đã hết
hạn» after that), or refused (1 «Người dùng từ chối»). Only PDF files are signed (64000).
After a reinstall on Android (the fault ``sign.reinstalled``) the account must be
re-activated (60000 «Tài khoản không tồn tại trên thiết bị này»).

**Verifying** gives a verdict per signature as a value (valid, modified, untrusted,
expired, revoked, invalid), judged against the workshop's sandbox root and CRL; the
learner then says whether they trust the document, which is the lesson's evidence.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import faults, idnumber, pades, pki, vneid
from .clock import Clock
from .errors import N_, SandboxError
from .evidence import OK, Event, record
from .flow import LearnerFlow
from .store import Store, credentials, documents, load_flow_state, meta, sms_inbox

__all__ = [
    "LESSON", "Identity", "SigningSimulator", "SigningStatus", "Step", "Transaction",
    "completed_tasks", "workshop_pki",
]

LESSON = "signing"
FLOW = "signing"
APP_NAME = N_("Ký số từ xa (mô phỏng)")
SMS_SENDER = "KySoTuXa"
TRANSACTION_LIFETIME = timedelta(minutes=2)  # [U]: the real apps' limits are unpublished
MAX_PIN_TRIES = 5
OTP_LIFETIME = timedelta(minutes=3)
PIN_HASH_ROUNDS = 20_000
#: Where the visible signature goes (x1, y1, x2, y2 in PDF points on the first page).
POSITIONS = {"bottom": (330, 60, 560, 140), "top": (330, 700, 560, 780)}

TASK_ENROL = "enrol"
TASK_RECOVER = "recover"
TASK_SIGN_FORM = "sign_form"
TASK_TRUST_VALID = "trust_valid"
TASK_SPOT_TAMPERED = "spot_tampered"
LESSON_TASKS = (TASK_ENROL, TASK_RECOVER, TASK_SIGN_FORM, TASK_TRUST_VALID, TASK_SPOT_TAMPERED)


class Step(StrEnum):
    INTRO = "intro"
    IDENTITY = "identity"
    EKYC = "ekyc"
    CONTRACT = "contract"
    PIN = "pin"
    ACTIVE = "active"
    LOCKED = "locked"


ENROLMENT = (Step.IDENTITY, Step.EKYC, Step.CONTRACT, Step.PIN)


# -- refusals, with SmartCA's codes where they exist (domain.md §5) --------------------------

class SigningError(SandboxError):
    code = "sign.error"


class ConnectionLost(SigningError):
    code = "sign.connection_lost"
    message = N_("Mất kết nối. Yêu cầu của bạn đã được lưu; hãy mở lại ứng dụng để tiếp tục.")


class RequestExists(SigningError):
    code = "sign.request_exists"  # SmartCA 64002: Credential acceptance transaction exist
    message = N_("Yêu cầu mua chứng thư đã tồn tại. (Mã lỗi 64002: yêu cầu lần trước của bạn "
                 "vẫn còn, không mất. Mở «Quản lý yêu cầu» để làm tiếp, không đăng ký lại.)")


class NoPendingRequest(SigningError):
    code = "sign.no_pending_request"
    message = N_("Không có yêu cầu nào đang chờ. Hãy bấm «Đăng ký chứng thư số cá nhân».")


class EkycIncomplete(SigningError):
    code = "sign.ekyc_incomplete"
    message = N_("Hãy chụp mặt trước, mặt sau thẻ Căn cước và quay khuôn mặt (mô phỏng).")


class ContractNotAccepted(SigningError):
    code = "sign.contract_not_accepted"
    message = N_("Hãy đọc và đánh dấu «Tôi đồng ý với hợp đồng» trước khi tiếp tục.")


class InvalidPin(SigningError):
    code = "sign.pin_invalid"
    message = N_("Mã PIN ký số gồm đúng 6 chữ số.")


class PinMismatch(SigningError):
    code = "sign.pin_mismatch"
    message = N_("Hai lần nhập mã PIN không giống nhau. Hãy nhập lại.")


class WrongPin(SigningError):
    code = "sign.pin_wrong"
    message = N_("Mã PIN không đúng. Bạn còn {remaining} lần thử.")


class PinLocked(SigningError):
    code = "sign.pin_locked"  # SmartCA 5: PIN fail count
    message = N_("Bạn đã nhập sai mã PIN 5 lần, tài khoản ký số bị khóa. Hãy chọn «Kích hoạt "
                 "lại tài khoản». (Mã lỗi 5)")


class WrongOtp(SigningError):
    code = "sign.otp_wrong"
    message = N_("Mã xác thực (OTP) không đúng hoặc đã hết hạn. Hãy bấm «Gửi lại mã».")


class NotOnThisDevice(SigningError):
    code = "sign.credential_not_on_device"  # SmartCA 60000: Credential not exist
    message = N_("Tài khoản không tồn tại trên thiết bị này (ứng dụng đã được cài lại). Hãy "
                 "chọn «Kích hoạt lại tài khoản». (Mã lỗi 60000)")


class NotAPdf(SigningError):
    code = "sign.not_pdf"  # SmartCA 64000: Credential sign file not support file type
    message = N_("Chỉ ký được tệp PDF. Hãy chọn tệp PDF. (Mã lỗi 64000)")


class TransactionExpired(SigningError):
    code = "sign.transaction_expired"  # SmartCA 62002
    message = N_("Giao dịch ký đã hết hạn vì chưa được xác nhận kịp. Hãy ký lại. "
                 "(Mã lỗi 62002)")


class TransactionNotWaiting(SigningError):
    code = "sign.transaction_not_waiting"  # SmartCA 62003
    message = N_("Giao dịch này không còn chờ xác nhận: nó đã được xác nhận, bị từ chối hoặc "
                 "đã hết hạn. Không cần làm gì thêm. (Mã lỗi 62003)")


class UnknownDocument(SigningError):
    code = "sign.unknown_document"
    message = N_("Không tìm thấy văn bản này trong Kho dữ liệu của bạn.")


class WrongStep(SigningError):
    code = "sign.wrong_step"
    message = N_("Thao tác này chưa thực hiện được ở bước hiện tại. Hãy làm theo màn hình.")


# -- values shown ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """What the VNeID level-2 account gives the enrolment (prefilled; once-only)."""

    full_name: str
    id_number: str
    birth_date: str
    phone: str
    address: str
    source: str = N_("Tài khoản định danh điện tử mức 2 (VNeID)")


@dataclass(frozen=True)
class Transaction:
    tran_id: str
    doc_id: str
    title: str
    created_at: str
    expires_at: str
    status: str  # waiting, confirmed, rejected, expired
    position: str = "bottom"
    signed_doc: str | None = None  # the signed copy, once confirmed


@dataclass(frozen=True)
class SigningStatus:
    step: Step
    pending: bool  # an enrolment request waits (after a drop)
    pending_step: Step | None
    identity: Identity | None  # once linked to VNeID
    ekyc: dict[str, bool]
    certificate: dict[str, str] | None  # subject, serial, valid until
    pin_tries_left: int
    waiting: tuple[Transaction, ...]
    real_world: bool


def completed_tasks(events: list[Event]) -> set[str]:
    """The signing lesson's tasks done, as its hidden tests judge them.

    A task is done once it succeeded: ``enrol`` (the certificate issued), ``recover`` (the
    pending request resumed after the dropped connection), ``sign_form`` (the lesson's
    form signed, confirmed with the PIN), ``trust_valid`` (a document whose signatures are
    all valid judged trustworthy) and ``spot_tampered`` (the altered contract, checked,
    judged untrustworthy). Mistakes before (a wrong PIN, a lock, an expired transaction,
    the valid notice distrusted or the altered contract trusted) stay in the evidence and
    block nothing: the app lets the learner sign again, and check and judge a document
    again.

    >>> judged = Event(LESSON, "judge", OK, "", {"verdict": "modified", "trusted": True,
    ...                                          "scenario": "tampered"})
    >>> completed_tasks([judged])
    set()
    >>> sorted(completed_tasks([Event(LESSON, TASK_ENROL, OK, "", {}),
    ...                         Event(LESSON, "judge", OK, "", {"verdict": "modified",
    ...                                                           "trusted": False,
    ...                                                           "scenario": "tampered"})]))
    ['enrol', 'spot_tampered']
    """
    done: set[str] = set()
    for event in events:
        if event.lesson != LESSON or event.outcome != OK:
            continue
        if event.task == "judge":
            valid = event.detail.get("verdict") == "valid"
            if valid and event.detail.get("trusted"):
                done.add(TASK_TRUST_VALID)
            if not valid and event.detail.get("trusted") is False and \
                    event.detail.get("scenario") == "tampered":
                done.add(TASK_SPOT_TAMPERED)
        elif event.task in LESSON_TASKS:
            done.add(event.task)
    return done


def _hash(secret: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(),
                               PIN_HASH_ROUNDS).hex()


def _pin(pin: str) -> str:
    pin = pin.strip()
    if len(pin) != 6 or not pin.isascii() or not pin.isdigit():
        raise InvalidPin()
    return pin


def workshop_pki(conn: Connection, now: datetime, rng: random.Random,
                 workshop: str) -> pki.SandboxPKI:
    """The workshop's sandbox PKI, made on first use and kept in ``meta``."""
    row = conn.execute(sa.select(meta.c.value).where(meta.c.key == "pki")).first()
    if row is not None:
        return pki.SandboxPKI.from_bytes(str(row[0]).encode())
    # dated 90 days back: the CA was there before the class (the lesson's papers are older)
    made = pki.SandboxPKI.create(workshop, now=now - timedelta(days=90), rng=rng)
    conn.execute(meta.insert().values(key="pki", value=made.to_bytes().decode()))
    return made


@dataclass(frozen=True)
class StoredPdf:
    """A document of the learner's store as the signing app shows it."""

    doc_id: str
    title: str
    filename: str
    mime: str
    source: str
    content: bytes


class SigningSimulator(LearnerFlow):
    """One learner's remote-signing app (plumbing: :class:`~.flow.LearnerFlow`)."""

    flow = FLOW
    lesson = LESSON
    steps = Step
    wrong_step = WrongStep
    #: The other app of the learner's certificate (the signing check, ``signing_check``): a
    #: certificate it issued opens here with the PIN set there.
    pin_source = "signing_check"

    def __init__(self, store: Store, clock: Clock, rng: random.Random, learner_id: str,
                 workshop: str = "") -> None:
        super().__init__(store, clock, rng, learner_id)
        self.workshop = workshop

    # -- plumbing ----------------------------------------------------------------------

    def _fresh(self) -> dict[str, Any]:
        return {"step": Step.INTRO.value, "request": None, "pin_fails": 0, "transactions": [],
                "drops": 0}

    def _prepare(self, conn: Connection, state: dict[str, Any]) -> None:
        self._adopt(conn, state)
        self._ensure_scenario(conn, state)

    def _adopt(self, conn: Connection, state: dict[str, Any]) -> None:
        """A certificate this app did not issue (one certificate a learner, issued in the
        practice or in the check, :mod:`.signing_check`) opens on the home screen with the PIN
        set in the other app; with no PIN known (the check retaken after the trainer's
        reset), at «Kích hoạt lại tài khoản», the real apps' way to set a new PIN."""
        if "pin_hash" in state or state.get("request") or self._credential(conn) is None:
            return
        other = load_flow_state(conn, self.learner_id, self.pin_source) or {}
        if other.get("pin_hash"):
            state["pin_hash"] = other["pin_hash"]
            state["step"] = Step.ACTIVE.value
        else:
            state["pin_hash"] = ""
            state["step"] = Step.LOCKED.value

    def _pki(self, conn: Connection) -> pki.SandboxPKI:
        return workshop_pki(conn, self.clock.now(), self.rng, self.workshop)

    # -- the lesson's documents ----------------------------------------------------------

    def _ensure_scenario(self, conn: Connection, state: dict[str, Any]) -> None:
        """A notice signed by the commune, and a contract «sent over Zalo» that was altered."""
        if "scenario" in state:
            return
        from . import civil_papers

        now = self.clock.now()
        authority = self._pki(conn)
        commune = self.persona.commune_name
        official = authority.issue(full_name=f"UBND {commune} (mô phỏng)",
                                   id_number=idnumber.make_sandbox_number(
                                       "nam", 1975, self.rng.randrange(10**6)),
                                   province=self.persona.province_name,
                                   now=now - timedelta(days=30), rng=self.rng)
        notice = civil_papers.simple_paper(
            title="THÔNG BÁO", agency=(f"UBND {commune.upper()}",),
            under_title="Về lịch tiêm chủng mở rộng tháng này",
            rows=[("Đối tượng", "Trẻ em dưới 6 tuổi trên địa bàn"),
                  ("Địa điểm", f"Trạm Y tế {commune}"),
                  ("Thời gian", "Sáng thứ Bảy và Chủ nhật, từ 7 giờ 30")],
            issued=now - timedelta(days=2), right=("TM. UBND", "(ký số – mô phỏng)"))
        notice = pades.sign_pdf(notice, key=official.key, cert=official.certificate,
                                chain=authority.chain, when=now - timedelta(days=2),
                                box=POSITIONS["bottom"], reason="Ban hành thông báo")
        seller = authority.issue(full_name="Trần Văn Bán (mô phỏng)",
                                 id_number=idnumber.make_sandbox_number(
                                     "nam", 1970, self.rng.randrange(10**6)),
                                 province=self.persona.province_name,
                                 now=now - timedelta(days=30), rng=self.rng)
        contract = civil_papers.simple_paper(
            title="HỢP ĐỒNG ĐẶT CỌC", agency=("GIẤY TỜ GIỮA CÁC BÊN",),
            under_title="Về việc mua bán thửa đất số 12, tờ bản đồ số 3",
            rows=[("Bên bán", "Trần Văn Bán"), ("Bên mua", self.persona.full_name),
                  ("Số tiền đặt cọc", "20.000.000 đồng (hai mươi triệu đồng)"),
                  ("Hạn đặt cọc", "30 ngày kể từ ngày ký")],
            issued=now - timedelta(days=1), left=("Bên bán", "(ký số – mô phỏng)"),
            right=("Bên mua", "(chưa ký)"))
        signed = pades.sign_pdf(contract, key=seller.key, cert=seller.certificate,
                                chain=authority.chain, when=now - timedelta(days=1),
                                box=POSITIONS["bottom"], reason="Bên bán ký")
        altered = signed.replace(b"20.000.000", b"80.000.000", 1)
        if altered == signed:  # the figure is in a compressed stream: change a byte instead
            middle = len(signed) // 3
            altered = signed[:middle] + bytes([signed[middle] ^ 1]) + signed[middle + 1:]
        p = self.persona
        form = civil_papers.simple_paper(
            title="TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", agency=("CỔNG DỊCH VỤ CÔNG (MÔ PHỎNG)",),
            under_title="Mẫu CT01 – đăng ký tạm trú",
            rows=[("Họ, chữ đệm và tên", p.full_name), ("Số định danh cá nhân", p.id_number),
                  ("Số điện thoại", p.phone), ("Nơi thường trú", p.address),
                  ("Nội dung đề nghị", "Đăng ký tạm trú tại nơi làm việc")],
            issued=now, left=("", ""), right=("Người kê khai", "(ký số)"))
        state["scenario"] = {
            "form": self._store(conn, N_("Tờ khai thay đổi thông tin cư trú (CT01)"),
                                "to-khai-ct01.pdf", form, "portal-form"),
            "notice": self._store(conn, N_("Thông báo của UBND xã (đã ký số)"),
                                  "thong-bao-ubnd.pdf", notice, "authority"),
            "tampered": self._store(conn, N_("Hợp đồng đặt cọc (nhận qua Zalo)"),
                                    "hop-dong-dat-coc.pdf", altered, "citizen"),
            "drop_at": Step.CONTRACT.value,
        }

    def _store(self, conn: Connection, title: str, filename: str, content: bytes,
               source: str, doc_id: str = "") -> str:
        doc_id = doc_id or f"D{self.rng.getrandbits(64):016x}"
        conn.execute(documents.insert().values(
            doc_id=doc_id, learner_id=self.learner_id, title=title, filename=filename,
            mime="application/pdf", content=content, source=source, legible=1, in_store=1,
            created_at=self.clock.now().isoformat()))
        return doc_id

    def _document(self, conn: Connection, doc_id: str) -> Any:
        row = conn.execute(sa.select(documents).where(
            (documents.c.doc_id == doc_id) & (documents.c.learner_id == self.learner_id))).first()
        if row is None:
            raise UnknownDocument(doc_id)
        return row

    # -- reading -------------------------------------------------------------------------

    def status(self) -> SigningStatus:
        with self._reading() as (conn, state):
            self._expire(state)
            credential = self._credential(conn)
            real_world = "sign.real_world" in faults.armed(conn, self.learner_id)
        request = state.get("request")
        identity = Identity(**request["identity"]) if request and request.get("identity") \
            else None
        certificate = None
        if credential is not None:
            cert = pki.load_certificate(credential.certificate.encode())
            certificate = {"subject": pki.common_name(cert), "serial": credential.serial,
                           "valid_until": cert.not_valid_after_utc.isoformat()}
        waiting = tuple(Transaction(**t) for t in state["transactions"]
                        if t["status"] == "waiting")
        pending = bool(request and Step(state["step"]) is Step.INTRO
                       and (not request.get("issued") or state.get("lost")))
        return SigningStatus(
            Step(state["step"]), pending,
            Step(request["step"]) if request and not request.get("issued") else None,
            identity, dict((request or {}).get("ekyc", {})), certificate,
            MAX_PIN_TRIES - int(state.get("pin_fails", 0)), waiting, real_world)

    def _credential(self, conn: Connection) -> Any:
        return conn.execute(sa.select(credentials).where(
            (credentials.c.learner_id == self.learner_id) & credentials.c.revoked_at.is_(None))
        ).first()

    def inbox(self) -> list[tuple[str, str, str]]:
        rows = self.store.read(sa.select(sms_inbox.c.sender, sms_inbox.c.body, sms_inbox.c.at)
                               .where((sms_inbox.c.learner_id == self.learner_id)
                                      & (sms_inbox.c.sender == SMS_SENDER))
                               .order_by(sms_inbox.c.seq))
        return [(r.sender, r.body, r.at) for r in rows]

    def document(self, doc_id: str) -> StoredPdf:
        """One document of the learner's «Kho dữ liệu», with its bytes."""
        with self.store.engine.connect() as conn:
            row = self._document(conn, doc_id)
        return StoredPdf(str(row.doc_id), str(row.title), str(row.filename), str(row.mime),
                         str(row.source), bytes(row.content))

    def pdfs(self) -> list[tuple[str, str, str]]:
        """(doc id, title, source) of the PDFs in the learner's store, newest first."""
        with self._reading() as (conn, _state):
            rows = conn.execute(sa.select(documents.c.doc_id, documents.c.title,
                                          documents.c.source)
                                .where((documents.c.learner_id == self.learner_id)
                                       & (documents.c.mime == "application/pdf")
                                       & (documents.c.in_store == 1))
                                .order_by(documents.c.created_at.desc(), documents.c.doc_id))
            return [(r.doc_id, r.title, r.source) for r in rows]

    # -- enrolment -----------------------------------------------------------------------

    def _drop(self, conn: Connection, state: dict[str, Any], done: Step) -> None:
        """The answer to a step is lost: the lesson's one drop, or the trainer's fault."""
        scheduled = state["scenario"].get("drop_at") == done.value and not state.get("drops")
        if scheduled or faults.fire(conn, self.learner_id, "sign.network_drop"):
            state["drops"] = int(state.get("drops", 0)) + 1
            state["lost"] = True
            state["step"] = Step.INTRO.value  # the learner reopens the app
            raise ConnectionLost(done.value)

    def _advance(self, state: dict[str, Any], to: Step) -> None:
        state["request"]["step"] = to.value
        state["step"] = to.value

    def begin(self) -> SigningStatus:
        """«Đăng ký chứng thư số cá nhân»: a new enrolment request, unless one is pending."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            request = state.get("request")
            if request and (not request.get("issued") or state.get("lost")):
                if "sign.real_world" in faults.armed(conn, self.learner_id):
                    raise RequestExists(request["request_id"])
                self._resume(conn, state)  # the app takes the learner back to the request
                return
            if self._credential(conn) is not None:
                raise WrongStep("already enrolled")
            state["request"] = {"request_id": f"{self.rng.getrandbits(128):032x}",
                                "created_at": self.clock.now().isoformat(),
                                "step": Step.IDENTITY.value, "ekyc": {}}
            state["step"] = Step.IDENTITY.value
        self._act("begin", act, Step.INTRO)
        return self.status()

    def _resume(self, conn: Connection, state: dict[str, Any]) -> None:
        request = state.get("request")
        if not request:
            raise NoPendingRequest()
        # an issued request (the answer to the PIN was lost) opens the app on its certificate
        state["step"] = Step.ACTIVE.value if request.get("issued") else request["step"]
        if state.pop("lost", False):
            record(conn, self.clock, self.learner_id, self.lesson, TASK_RECOVER, OK,
                   step=request["step"])

    def resume(self) -> SigningStatus:
        """«Quản lý yêu cầu» → the pending request → «Tiếp tục»."""
        self._act("resume", self._resume, Step.INTRO)
        return self.status()

    def link_vneid(self, id_number: str, password: str) -> SigningStatus:
        """Identity from the VNeID account (level 2 needed): prefilled, nothing retyped."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            level = vneid.sso_level(conn, self.learner_id, id_number, password)
            if level < 2:
                raise vneid.LevelTooLow(level=2)
            p = self.persona
            state["request"]["identity"] = Identity(
                p.full_name, p.id_number, p.birth_date, p.phone, p.address).__dict__
        self._act("link_vneid", act, Step.IDENTITY)
        return self.status()

    def confirm_identity(self) -> SigningStatus:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if not state["request"].get("identity"):
                raise WrongStep("identity not linked")
            self._advance(state, Step.EKYC)
            self._drop(conn, state, Step.IDENTITY)
        self._act("identity", act, Step.IDENTITY)
        return self.status()

    def ekyc(self, *, card_front: bool, card_back: bool, face: bool) -> SigningStatus:
        """The simulated eKYC: nothing is photographed or recorded, only that it was done."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["request"]["ekyc"] = {"card_front": bool(card_front),
                                        "card_back": bool(card_back), "face": bool(face)}
            if not (card_front and card_back and face):
                raise EkycIncomplete()
            self._advance(state, Step.CONTRACT)
            self._drop(conn, state, Step.EKYC)
        self._act("ekyc", act, Step.EKYC)
        return self.status()

    def accept_contract(self, accepted: bool) -> SigningStatus:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if not accepted:
                raise ContractNotAccepted()
            state["request"]["contract_at"] = self.clock.now().isoformat()
            self._advance(state, Step.PIN)
            self._drop(conn, state, Step.CONTRACT)
        self._act("contract", act, Step.CONTRACT)
        return self.status()

    def set_pin(self, pin: str, again: str) -> SigningStatus:
        """The signing PIN; then the certificate is issued, once for this request."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            new = _pin(pin)
            if new != again.strip():
                raise PinMismatch()
            request = state["request"]
            state["pin_hash"] = _hash(new, self.learner_id)
            state["pin_fails"] = 0
            self._issue(conn, request)
            request["issued"] = True
            state["step"] = Step.ACTIVE.value
            record(conn, self.clock, self.learner_id, self.lesson, TASK_ENROL, OK,
                   request=request["request_id"])
            self._drop(conn, state, Step.PIN)
            state["step"] = Step.ACTIVE.value
        self._act("pin", act, Step.PIN)
        return self.status()

    def _issue(self, conn: Connection, request: dict[str, Any]) -> None:
        taken = conn.execute(sa.select(credentials.c.serial).where(
            credentials.c.request_id == request["request_id"])).first()
        if taken is not None:
            return  # a retried request: its certificate exists already
        authority = self._pki(conn)
        p = self.persona
        made = authority.issue(full_name=p.full_name, id_number=p.id_number,
                               province=p.province_name, now=self.clock.now(), rng=self.rng)
        conn.execute(credentials.insert().values(
            serial=f"{made.serial:x}", learner_id=self.learner_id,
            request_id=request["request_id"],
            certificate=pki.certificate_pem(made.certificate).decode(),
            private_key=pki.private_key_pem(made.key).decode(),
            issued_at=self.clock.now().isoformat()))

    # -- signing -------------------------------------------------------------------------

    def _expire(self, state: dict[str, Any]) -> None:
        now = self.clock.now()
        for t in state["transactions"]:
            if t["status"] == "waiting" and datetime.fromisoformat(t["expires_at"]) < now:
                t["status"] = "expired"

    def sign(self, doc_id: str, position: str = "bottom") -> Transaction:
        """«Ký số» on a PDF of the store: a transaction waiting in the signing app."""
        def act(conn: Connection, state: dict[str, Any]) -> Transaction:
            if faults.fire(conn, self.learner_id, "sign.reinstalled"):
                state["reinstalled"] = True
            if state.get("reinstalled"):
                state["step"] = Step.LOCKED.value
                raise NotOnThisDevice()
            row = self._document(conn, doc_id)
            if row.mime != "application/pdf" or not bytes(row.content).startswith(b"%PDF"):
                raise NotAPdf(doc_id)
            if position not in POSITIONS:
                raise WrongStep(f"position {position}")
            now = self.clock.now()
            expires = now + TRANSACTION_LIFETIME
            if faults.fire(conn, self.learner_id, "sign.expired"):
                expires = now - timedelta(seconds=1)  # too late already when it shows up
            made = {"tran_id": f"T{self.rng.getrandbits(48):012x}", "doc_id": doc_id,
                    "title": row.title, "created_at": now.isoformat(),
                    "expires_at": expires.isoformat(), "status": "waiting",
                    "position": position}
            state["transactions"].append(made)
            return Transaction(**made)
        return self._act("sign_request", act, Step.ACTIVE, document=doc_id)

    def _transaction(self, state: dict[str, Any], tran_id: str) -> dict[str, Any]:
        self._expire(state)
        for t in state["transactions"]:
            if t["tran_id"] == tran_id:
                return t  # type: ignore[no-any-return]
        raise TransactionNotWaiting(tran_id)

    def confirm(self, tran_id: str, pin: str) -> str:
        """The signing app: «Xác nhận» with the PIN; returns the signed document's id."""
        def act(conn: Connection, state: dict[str, Any]) -> str:
            t = self._transaction(state, tran_id)
            if t["status"] == "expired":
                raise TransactionExpired(tran_id)
            if t["status"] != "waiting":
                raise TransactionNotWaiting(tran_id)
            if _hash(_pin(pin), self.learner_id) != state.get("pin_hash"):
                state["pin_fails"] = int(state.get("pin_fails", 0)) + 1
                if state["pin_fails"] >= MAX_PIN_TRIES:
                    state["step"] = Step.LOCKED.value
                    raise PinLocked()
                raise WrongPin(remaining=MAX_PIN_TRIES - state["pin_fails"])
            state["pin_fails"] = 0
            credential = self._credential(conn)
            if credential is None:
                raise WrongStep("no certificate")
            row = self._document(conn, t["doc_id"])
            authority = self._pki(conn)
            signed = pades.sign_pdf(
                bytes(row.content), key=pki.load_private_key(credential.private_key.encode()),
                cert=pki.load_certificate(credential.certificate.encode()),
                chain=authority.chain, when=self.clock.now(),
                field_name=f"KySo{tran_id}", box=POSITIONS[t["position"]],
                reason="Ký số (mô phỏng)")
            t["status"] = "confirmed"
            base = row.title if isinstance(row.title, str) else str(row.title)
            doc_id = self._store(conn, base, row.filename.replace(".pdf", "-da-ky.pdf"),
                                 signed, "signed")
            t["signed_doc"] = doc_id
            self._signed(conn, state, row, doc_id)
            return doc_id
        return self._act("sign_confirm", act, Step.ACTIVE, transaction=tran_id)

    def _signed(self, conn: Connection, state: dict[str, Any], row: Any, doc_id: str) -> None:
        """The evidence of a document signed: the lesson's form, its task."""
        if row.source == "portal-form":
            record(conn, self.clock, self.learner_id, self.lesson, TASK_SIGN_FORM, OK,
                   document=row.title, signed=doc_id)

    def reject(self, tran_id: str) -> None:
        """«Từ chối» in the signing app (SmartCA 1: User rejected): nothing is signed."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            t = self._transaction(state, tran_id)
            if t["status"] != "waiting":
                raise TransactionNotWaiting(tran_id)
            t["status"] = "rejected"
        self._act("sign_reject", act, Step.ACTIVE, transaction=tran_id)

    # -- re-activation -------------------------------------------------------------------

    def request_reactivation(self) -> SigningStatus:
        """«Kích hoạt lại tài khoản»: an SMS code to the registered phone."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            code = f"{self.rng.randrange(10**6):06d}"
            state["reactivation"] = {"hash": _hash(code, self.learner_id),
                                     "sent_at": self.clock.now().isoformat()}
            conn.execute(sms_inbox.insert().values(
                learner_id=self.learner_id, sender=SMS_SENDER, at=self.clock.now().isoformat(),
                body=f"Ma kich hoat lai tai khoan ky so cua ban la {code}. Khong cung cap ma "
                     "nay cho bat ky ai."))
        self._act("reactivation_request", act, Step.LOCKED, Step.ACTIVE)
        return self.status()

    def reactivate(self, otp: str, pin: str, again: str) -> SigningStatus:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            sent = state.get("reactivation") or {}
            fresh = bool(sent) and (self.clock.now() - datetime.fromisoformat(sent["sent_at"])
                                    <= OTP_LIFETIME)
            if not fresh or _hash(otp.strip(), self.learner_id) != sent["hash"]:
                raise WrongOtp()
            new = _pin(pin)
            if new != again.strip():
                raise PinMismatch()
            state.update(pin_hash=_hash(new, self.learner_id), pin_fails=0,
                         step=Step.ACTIVE.value)
            state.pop("reinstalled", None)
            state.pop("reactivation", None)
        self._act("reactivate", act, Step.LOCKED, Step.ACTIVE)
        return self.status()

    # -- verifying -----------------------------------------------------------------------

    def verify(self, doc_id: str) -> list[pades.SignatureVerdict]:
        """«Kiểm tra chữ ký» of a PDF of the store, against the sandbox root and its CRL."""
        def act(conn: Connection, state: dict[str, Any]) -> list[pades.SignatureVerdict]:
            row = self._document(conn, doc_id)
            authority = self._pki(conn)
            try:
                found = pades.verify_pdf(bytes(row.content), roots=[authority.root.certificate],
                                         crl=authority.crl(self.clock.now()))
            except pades.NotAPdf as err:
                raise NotAPdf(doc_id) from err
            state.setdefault("checked", {})[doc_id] = _overall(found)
            return found
        return self._act("verify", act, document=doc_id)

    def judge(self, doc_id: str, trusted: bool) -> None:
        """After checking, «Tin văn bản này» or «Không tin»: the lesson's evidence."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            verdict = state.get("checked", {}).get(doc_id)
            if verdict is None:
                raise WrongStep("judge before verify")
            self._judged(conn, state, doc_id, verdict, bool(trusted))
        self._act("judge_request", act, document=doc_id)

    def _judged(self, conn: Connection, state: dict[str, Any], doc_id: str, verdict: str,
                trusted: bool) -> None:
        """The evidence of a judgement: which of the lesson's documents, and the answer."""
        scenario = state["scenario"]
        kind = "tampered" if doc_id == scenario["tampered"] else (
            "notice" if doc_id == scenario["notice"] else "other")
        record(conn, self.clock, self.learner_id, self.lesson, "judge", OK, document=doc_id,
               verdict=verdict, trusted=trusted, scenario=kind)


def _overall(found: list[pades.SignatureVerdict]) -> str:
    """One word for a document: valid when every signature is, else the first problem."""
    if not found:
        return "unsigned"
    for verdict in found:
        if verdict.verdict != "valid":
            return verdict.verdict
    return "valid"
