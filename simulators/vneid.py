"""The VNeID simulator: level 1 registration and account activation up to level 2.

Each step is a screen of the real app (``domain.md`` §1, "Activation steps
after approval", and Decree 69/2024 for level 1 in the app):

=================  ====================================================  ==========
step               real screen                                           domain §1
=================  ====================================================  ==========
``INTRO``          «Kích hoạt tài khoản định danh điện tử» / «Đăng ký»    step 1
``REGISTER``       level 1: ID number, own-name phone, face capture        Decree 69
``ACTIVATE``       ID number + phone, «Gửi yêu cầu»                        step 2
``OTP``            the SMS code                                            step 3
``PASSWORD``       8-20 characters, digit, upper, lower, special           step 4
``PASSCODE``       6 digits                                                step 5
``SECURITY``       2 security questions                                    step 6
``LOGIN``          log in again                                            step 7
``DEVICE``         new device: confirm on the old one, or NFC chip read    "one device"
``HOME``           the account and its level                               step 7
``RESET_PASSCODE`` «Quên passcode» → OTP → new passcode → «Đã hiểu»        "forgot passcode"
=================  ====================================================  ==========

Level 2 has two ways (``docs/facts.md``). In the app (Decree 69/2024, as widely
reported [U]): the phone reads the chip of the card by NFC and captures the face,
played by :meth:`VneidSimulator.upgrade_with_chip`. At the police office (Decree
59/2022, Art. 14: the officer checks the chip card and takes a portrait and
fingerprints), played by :meth:`VneidSimulator.visit_police`; only the officer can
also put the phone number into the citizen's own name. State lives in the store, so a reloaded
page, a culled kernel or a phone that slept resumes at the last completed step.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import faults, registry
from .errors import N_, SandboxError
from .evidence import OK, Event, record
from .flow import LearnerFlow
from .store import load_flow_state, sms_inbox

LESSON = "vneid"
FLOW = "vneid"

OTP_LIFETIME = timedelta(minutes=3)  # forgot-password flow, domain §1; activation [U]
MAX_OTP_TRIES = 5
MAX_PASSCODE_TRIES = 5  # [U] the real number of tries is not published
LOCKOUT = timedelta(minutes=30)  # [U]
SMS_SENDER = "BoCongAn"
HOTLINE = "19000368"

#: Task names the lesson's hidden tests check.
TASK_REGISTER = "register"
TASK_ACTIVATE = "activate"
TASK_LEVEL2 = "login_level2"
LESSON_TASKS = (TASK_REGISTER, TASK_ACTIVATE, TASK_LEVEL2)

SECURITY_QUESTIONS = (
    N_("Tên trường tiểu học đầu tiên của bạn là gì?"),
    N_("Tên người bạn thân nhất thời thơ ấu của bạn là gì?"),
    N_("Món ăn bạn thích nhất là gì?"),
    N_("Tên con vật nuôi đầu tiên của bạn là gì?"),
    N_("Bạn sinh ra ở thôn/xóm nào?"),
)

APPROVAL_SMS = (
    "Cuc Canh sat QLHC ve TTXH thong bao: Ho so dang ky tai khoan dinh danh dien tu "
    "cua cong dan {name} da duoc phe duyet. De nghi truy cap ung dung VNeID hoac dia chi "
    "https://vneid.gov.vn de kich hoat tai khoan"
)
#: After level 2 is registered (in the app or at the police). No source gives this SMS's
#: text (domain §1 quotes the level-1 approval only): worded like the level-1 one, with the
#: same sender, and asking to log in again, which the app needs to show level 2. A
#: simplification [U] (docs/facts.md).
LEVEL2_SMS = (
    "Cuc Canh sat QLHC ve TTXH thong bao: Ho so dang ky tai khoan dinh danh dien tu "
    "muc do 2 cua cong dan {name} da duoc phe duyet. De nghi dang nhap lai ung dung VNeID "
    "de su dung tai khoan dinh danh dien tu muc do 2"
)
OTP_SMS = (
    "Ma OTP cua ban la {code}. Ma co hieu luc trong 3 phut. "
    "Khong cung cap ma nay cho bat ky ai."
)


class Step(StrEnum):
    INTRO = "intro"
    REGISTER = "register"
    ACTIVATE = "activate"
    OTP = "otp"
    PASSWORD = "password"
    PASSCODE = "passcode"
    SECURITY = "security"
    LOGIN = "login"
    DEVICE = "device"
    HOME = "home"
    RESET_PASSCODE = "reset_passcode"


# --- the refusals a learner meets, with the app's words where the sources give them -----

class VneidError(SandboxError):
    code = "vneid.error"


class Maintenance(VneidError):
    code = "vneid.maintenance"
    message = N_("Hệ thống đang bảo trì. Vui lòng thử lại sau.")


class ConnectionFailed(VneidError):
    code = "vneid.connection_failed"
    message = N_("Kết nối tới hệ thống thất bại. Vui lòng thử lại.")


class NotOwnPersona(VneidError):
    code = "vneid.not_own_persona"
    message = N_("Đây không phải số định danh trên thẻ nhân vật của bạn. Hãy xem lại thẻ.")


class PhoneMismatch(VneidError):
    code = "vneid.phone_mismatch"
    message = N_("Số điện thoại không khớp với số đã đăng ký cho số định danh này.")


class PhoneNotOwnName(VneidError):
    code = "vneid.phone_not_own_name"
    message = N_(
        "Số thuê bao không chính chủ: số điện thoại này không đứng tên bạn. Hãy đến Công an "
        "xã/phường để cập nhật số điện thoại, hoặc gọi tổng đài 19000368 (nhánh 4), rồi kích "
        "hoạt lại."
    )


class NotApproved(VneidError):
    code = "vneid.not_approved"
    message = N_(
        "Hồ sơ đăng ký tài khoản định danh điện tử của bạn chưa được phê duyệt. Hãy đăng ký "
        "trước, hoặc đến Công an xã/phường."
    )


class ChipNotRead(VneidError):
    code = "vneid.chip_not_read"
    message = N_(
        "Chưa đọc được chip trên thẻ Căn cước. Đặt thẻ sát mặt sau điện thoại, giữ yên, rồi "
        "bấm «Đọc chip thẻ Căn cước (NFC)» lần nữa."
    )


class FaceNotCaptured(VneidError):
    code = "vneid.face_missing"
    message = N_("Hãy chụp ảnh khuôn mặt (nhìn thẳng, đủ sáng, trong khung hình).")


class OtpExpired(VneidError):
    code = "vneid.otp_expired"
    message = N_("Mã OTP đã hết hạn. Hãy bấm «Gửi lại mã» để nhận mã mới.")


class WrongOtp(VneidError):
    code = "vneid.otp_wrong"
    message = N_("Mã OTP không đúng. Hãy xem lại tin nhắn.")


class TooManyOtpTries(VneidError):
    code = "vneid.otp_too_many"
    message = N_("Bạn đã nhập sai mã OTP quá nhiều lần. Hãy bấm «Gửi lại mã».")


class WeakPassword(VneidError):
    code = "vneid.password_weak"
    message = N_(
        "Mật khẩu phải có từ 8 đến 20 ký tự, gồm chữ số, chữ in hoa, chữ thường và ký tự "
        "đặc biệt."
    )


class Mismatch(VneidError):
    code = "vneid.mismatch"
    message = N_("Hai lần nhập không giống nhau. Hãy nhập lại.")


class InvalidPasscode(VneidError):
    code = "vneid.passcode_invalid"
    message = N_("Passcode phải gồm đúng 6 chữ số (0-9).")


class QuestionsInvalid(VneidError):
    code = "vneid.questions_invalid"
    message = N_("Hãy chọn 2 câu hỏi khác nhau và trả lời cả hai câu.")


class WrongCredentials(VneidError):
    code = "vneid.login_wrong"
    message = N_("Số định danh hoặc mật khẩu không đúng.")


class WrongPasscode(VneidError):
    code = "vneid.passcode_wrong"
    message = N_("Passcode không đúng. Bạn còn {remaining} lần thử.")


class PasscodeLocked(VneidError):
    code = "vneid.passcode_locked"
    message = N_(
        "Bạn đã nhập sai passcode quá nhiều lần. Tài khoản tạm khóa đến {until}. "
        "Hãy dùng «Quên passcode» để đặt lại."
    )


class WrongStep(VneidError):
    """A request that the current screen does not offer (a crafted widget message)."""

    code = "vneid.wrong_step"
    message = N_("Thao tác này chưa thực hiện được ở bước hiện tại. Hãy làm theo màn hình.")


class NotActivated(VneidError):
    code = "vneid.not_activated"
    message = N_(
        "Tài khoản định danh điện tử chưa được kích hoạt. Hãy kích hoạt tài khoản trong ứng "
        "dụng VNeID (Bài 1) rồi đăng nhập lại."
    )


class LevelTooLow(VneidError):
    code = "vneid.level_too_low"
    message = N_(
        "Thủ tục này cần tài khoản định danh điện tử mức {level}. Hãy lên mức {level} trong "
        "ứng dụng VNeID (đọc chip thẻ Căn cước và chụp khuôn mặt) hoặc tại Công an xã/phường, "
        "rồi đăng nhập lại."
    )


# --- state and status ------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    """What the app shows now: a value, read from the store."""

    step: Step
    level: int  # level of the activated account (0 before activation)
    approved_level: int  # level approved by the authority, activated or not
    logged_in: bool
    otp_expires_at: str | None
    locked_until: str | None
    card_shown: bool
    #: Decided here, on the simulator's clock, not by a view: the OTP sent has expired; the
    #: passcode is locked after too many wrong tries.
    otp_expired: bool = False
    passcode_locked: bool = False


def _hash(secret: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), 20_000).hex()


_PASSWORD_RULES = (r"\d", r"[A-Z]", r"[a-z]", r"[^A-Za-z0-9]")


def password_is_strong(password: str) -> bool:
    """The app's rule: 8-20 characters with a digit, upper case, lower case and a special one.

    >>> password_is_strong("Matkhau@2026"), password_is_strong("matkhau2026")
    (True, False)
    """
    return 8 <= len(password) <= 20 and all(re.search(rule, password) for rule in _PASSWORD_RULES)


class VneidSimulator(LearnerFlow):
    """One learner's VNeID app, over the store (plumbing: :class:`~.flow.LearnerFlow`)."""

    flow = FLOW
    lesson = LESSON
    steps = Step
    wrong_step = WrongStep

    def _fresh(self) -> dict[str, Any]:
        return {"step": Step.INTRO.value, "level": 0, "approved_level": 0,
                "logged_in": False, "passcode_fails": 0, "card_shown": False}

    def _sms(self, conn: Connection, body: str, at: datetime | None = None) -> None:
        conn.execute(sms_inbox.insert().values(
            learner_id=self.learner_id, sender=SMS_SENDER, body=body,
            at=(at or self.clock.now()).isoformat()))

    def _own_identity(self, conn: Connection, id_number: str, phone: str) -> None:
        """The typed ID and phone must be this learner's persona's; nothing typed is stored."""
        typed = registry.lookup_id_number(conn, id_number)
        if typed.persona_id != self.persona.persona_id:
            raise NotOwnPersona()
        number = registry.check_phone(phone)
        if number == self.persona.relative_phone:
            raise PhoneNotOwnName()
        if number != self.persona.phone:
            raise PhoneMismatch()

    def _phone_fault(self, conn: Connection, state: dict[str, Any]) -> None:
        if not state.get("phone_fixed") and faults.fire(
                conn, self.learner_id, "vneid.phone_not_own_name"):
            state["phone_blocked"] = True
        if state.get("phone_blocked"):
            raise PhoneNotOwnName()

    def _send_otp(self, conn: Connection, state: dict[str, Any], purpose: str) -> None:
        code = f"{self.rng.randrange(10**6):06d}"
        sent = self.clock.now()
        if faults.fire(conn, self.learner_id, "vneid.otp_late"):
            sent -= OTP_LIFETIME + timedelta(seconds=30)  # the SMS arrives after expiry
        state["otp"] = {"hash": _hash(code, self.learner_id), "sent_at": sent.isoformat(),
                        "purpose": purpose, "tries": 0}
        if not faults.fire(conn, self.learner_id, "vneid.otp_not_delivered"):
            self._sms(conn, OTP_SMS.format(code=code))

    def _check_otp(self, state: dict[str, Any], code: str) -> str:
        otp = state.get("otp")
        if not otp:
            raise OtpExpired()
        if self.clock.now() - datetime.fromisoformat(otp["sent_at"]) > OTP_LIFETIME:
            raise OtpExpired()
        if otp["tries"] >= MAX_OTP_TRIES:
            raise TooManyOtpTries()
        if _hash(code.strip(), self.learner_id) != otp["hash"]:
            otp["tries"] += 1
            raise WrongOtp()
        purpose: str = otp["purpose"]
        state.pop("otp")
        return purpose

    # -- reading -----------------------------------------------------------------------

    def status(self) -> Status:
        with self.store.engine.connect() as conn:
            state = self._load(conn)
        otp = state.get("otp")
        expires = None
        now = self.clock.now()
        if otp:
            expires = (datetime.fromisoformat(otp["sent_at"]) + OTP_LIFETIME).isoformat()
        locked: str | None = state.get("locked_until")
        return Status(Step(state["step"]), state["level"], state["approved_level"],
                      state["logged_in"], expires, locked, state.get("card_shown", False),
                      otp_expired=expires is not None and now > datetime.fromisoformat(expires),
                      passcode_locked=bool(locked) and now < datetime.fromisoformat(locked or ""))

    def _sms_after(self) -> int:
        """The inbox shows the messages after this one (all of them here; a check's app
        starts with an empty inbox, :class:`.checks.VneidCheckSimulator`)."""
        return 0

    def inbox(self) -> list[tuple[str, str, str]]:
        """The simulated SMS inbox, newest first: (sender, time, text)."""
        rows = self.store.read(sa.select(sms_inbox.c.sender, sms_inbox.c.at, sms_inbox.c.body)
                               .where((sms_inbox.c.learner_id == self.learner_id)
                                      & (sms_inbox.c.seq > self._sms_after()))
                               .order_by(sms_inbox.c.seq.desc()))
        return [(str(r.sender), str(r.at), str(r.body)) for r in rows]

    # -- the screens ---------------------------------------------------------------------

    def go(self, step: Step) -> Status:
        """Navigate between the screens the app lets a learner choose."""
        moves = {Step.INTRO: {Step.REGISTER, Step.ACTIVATE, Step.LOGIN},
                 Step.REGISTER: {Step.INTRO}, Step.ACTIVATE: {Step.INTRO},
                 Step.LOGIN: {Step.INTRO, Step.ACTIVATE}, Step.OTP: {Step.INTRO}}

        def move(conn: Connection, state: dict[str, Any]) -> None:
            if step not in moves.get(Step(state["step"]), set()):
                raise WrongStep(f"{state['step']} -> {step}")
            if step is Step.LOGIN and state["level"] == 0:
                raise NotApproved()
            state["step"] = step.value
        self._act("go." + step.value, move)
        return self.status()

    def register(self, id_number: str, phone: str, face_captured: bool) -> Status:
        """Level 1 in the app: own ID, own-name phone, face; the authority approves."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._own_identity(conn, id_number, phone)
            self._phone_fault(conn, state)
            if not face_captured:
                raise FaceNotCaptured()
            if faults.fire(conn, self.learner_id, "vneid.maintenance"):
                raise Maintenance()
            state["approved_level"] = max(state["approved_level"], 1)
            state["step"] = Step.INTRO.value
            self._sms(conn, APPROVAL_SMS.format(name=self.persona.name_without_diacritics))
        self._act(TASK_REGISTER, act, Step.REGISTER)
        return self.status()

    def visit_police(self) -> Status:
        """The commune police register level 2 (chip card, portrait, fingerprints).

        Played by the simulator: no photo or fingerprint is ever captured. The officer
        also updates the phone number into the citizen's own name.
        """
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["phone_fixed"] = True
            state.pop("phone_blocked", None)
            self._level2(conn, state)
        self._act("police_visit", act, Step.INTRO, Step.REGISTER, Step.ACTIVATE, Step.LOGIN,
                  Step.HOME)
        return self.status()

    def upgrade_with_chip(self, chip_read: bool, face_captured: bool) -> Status:
        """Level 2 in the app: the phone reads the card's chip by NFC and captures the face.

        Played by the simulator: no chip is read and no photo is kept. A phone number not in
        the citizen's own name still needs the police office (or the hotline) first.
        """
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if state.get("phone_blocked"):
                raise PhoneNotOwnName()
            if not chip_read or faults.fire(conn, self.learner_id, "vneid.chip_read_failed"):
                raise ChipNotRead()
            if not face_captured:
                raise FaceNotCaptured()
            self._level2(conn, state)
        self._act("chip_level2", act, Step.INTRO, Step.REGISTER, Step.ACTIVATE, Step.LOGIN,
                  Step.HOME)
        return self.status()

    def _level2(self, conn: Connection, state: dict[str, Any]) -> None:
        state["approved_level"] = 2
        if state["level"] >= 1:  # approved: the app asks to log in again to see level 2
            state["level"] = 2
            state["logged_in"] = False
            state["card_shown"] = False
            state["step"] = Step.LOGIN.value
        else:  # approved before activation: back to the intro, to «Kích hoạt»
            state["step"] = Step.INTRO.value
        self._sms(conn, LEVEL2_SMS.format(name=self.persona.name_without_diacritics))

    def request_otp(self, id_number: str, phone: str) -> Status:
        """«Gửi yêu cầu»: check the ID and phone and send an OTP by SMS."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._own_identity(conn, id_number, phone)
            if faults.fire(conn, self.learner_id, "vneid.maintenance"):
                raise Maintenance()
            self._phone_fault(conn, state)
            if state["approved_level"] == 0:
                raise NotApproved()
            self._send_otp(conn, state, "activate")
            state["step"] = Step.OTP.value
        self._act("request_otp", act, Step.ACTIVATE)
        return self.status()

    def resend_otp(self) -> Status:
        """«Gửi lại mã»: a new code; the old one stops working."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            purpose = (state.get("otp") or {}).get("purpose") or state.get("otp_purpose")
            self._send_otp(conn, state, purpose or "activate")
        self._act("resend_otp", act, Step.OTP)
        return self.status()

    def submit_otp(self, code: str) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            purpose = self._check_otp(state, code)
            state["otp_purpose"] = purpose
            if purpose == "activate":
                state["step"] = (Step.PASSCODE if state.get("password") else Step.PASSWORD).value
            elif purpose == "device":
                state["step"] = Step.HOME.value
                state["logged_in"] = True
            else:  # forgotten passcode
                state["step"] = Step.RESET_PASSCODE.value
        self._act("otp", act, Step.OTP)
        self._record_level()  # a new device confirmed by OTP is a login too
        return self.status()

    def set_password(self, password: str, again: str) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if not password_is_strong(password):
                raise WeakPassword()
            if password != again:
                raise Mismatch()
            state["password"] = _hash(password, self.learner_id)
            state["step"] = Step.PASSCODE.value
        self._act("password", act, Step.PASSWORD)
        return self.status()

    def _new_passcode(self, passcode: str, again: str, state: dict[str, Any]) -> None:
        if not re.fullmatch(r"[0-9]{6}", passcode):
            raise InvalidPasscode()
        if passcode != again:
            raise Mismatch()
        state["passcode"] = _hash(passcode, self.learner_id)
        state["passcode_fails"] = 0
        state.pop("locked_until", None)

    def set_passcode(self, passcode: str, again: str) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._new_passcode(passcode, again, state)
            if faults.fire(conn, self.learner_id, "vneid.connection_failed"):
                state.pop("passcode")
                raise ConnectionFailed()
            state["step"] = Step.SECURITY.value
        self._act("passcode", act, Step.PASSCODE)
        return self.status()

    def set_security_questions(self, answers: dict[str, str]) -> Status:
        """Two different questions from :data:`SECURITY_QUESTIONS`, both answered."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            chosen = {q: a.strip() for q, a in answers.items() if a and a.strip()}
            if len(chosen) != 2 or len(answers) != 2 or not set(chosen) <= set(SECURITY_QUESTIONS):
                raise QuestionsInvalid()
            state["questions"] = {
                q: _hash(a.casefold(), self.learner_id) for q, a in chosen.items()}
            state["level"] = state["approved_level"]
            state["step"] = Step.LOGIN.value
        self._act(TASK_ACTIVATE, act, Step.SECURITY)
        return self.status()

    def login(self, id_number: str, password: str, *, new_device: bool = False) -> Status:
        """Log in; on a new device the app asks to confirm on the old one (or by NFC)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            typed = registry.lookup_id_number(conn, id_number)
            if (typed.persona_id != self.persona.persona_id or not state.get("password")
                    or _hash(password, self.learner_id) != state["password"]):
                raise WrongCredentials()
            if new_device or faults.fire(conn, self.learner_id, "vneid.new_device"):
                state["step"] = Step.DEVICE.value
                return
            state["step"] = Step.HOME.value
            state["logged_in"] = True
        self._act("login", act, Step.LOGIN)
        self._record_level()
        return self.status()

    def confirm_with_nfc(self) -> Status:
        """«Xác thực NFC bằng thẻ Căn cước công dân gắn chíp», then an OTP to this device."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._send_otp(conn, state, "device")
            state["step"] = Step.OTP.value
        self._act("nfc", act, Step.DEVICE)
        return self.status()

    def _record_level(self) -> None:
        status = self.status()
        if status.step is Step.HOME and status.logged_in and status.level == 2:
            with self.store.transaction() as conn:
                record(conn, self.clock, self.learner_id, self.lesson, TASK_LEVEL2, OK, level=2)

    def open_card(self, passcode: str) -> Status:
        """Open the electronic ID card (level 2) with the passcode."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            now = self.clock.now()
            locked = state.get("locked_until")
            if locked and now < datetime.fromisoformat(locked):
                raise PasscodeLocked(until=datetime.fromisoformat(locked).strftime("%H:%M"))
            if _hash(passcode, self.learner_id) != state.get("passcode"):
                state["passcode_fails"] += 1
                remaining = MAX_PASSCODE_TRIES - state["passcode_fails"]
                if remaining <= 0:
                    until = now + LOCKOUT
                    state["locked_until"] = until.isoformat()
                    raise PasscodeLocked(until=until.strftime("%H:%M"))
                raise WrongPasscode(remaining=remaining)
            state["passcode_fails"] = 0
            if state["level"] < 2:
                raise NotApproved()
            state["card_shown"] = True
        self._act("open_card", act, Step.HOME)
        return self.status()

    def forgot_passcode(self) -> Status:
        """«Quên passcode»: «Hệ thống sẽ gửi mã OTP đến số điện thoại đã đăng ký để xác thực»."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._send_otp(conn, state, "passcode")
            state["step"] = Step.OTP.value
        self._act("forgot_passcode", act, Step.HOME)
        return self.status()

    def reset_passcode(self, passcode: str, again: str) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._new_passcode(passcode, again, state)
            state["step"] = Step.HOME.value
        self._act("reset_passcode", act, Step.RESET_PASSCODE)
        return self.status()

    def card(self) -> registry.Persona:
        """The person whose account this app activates: the learner's persona."""
        return self.persona

    def logout(self) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["logged_in"] = False
            state["card_shown"] = False
            state["step"] = Step.LOGIN.value
        self._act("logout", act, Step.HOME)
        return self.status()


def sso_level(conn: Connection, learner_id: str, id_number: str, password: str) -> int:
    """Single sign-on for the other sandbox services: the level of the learner's VNeID account.

    The typed ID number must be the learner's persona's and the password the one set in the
    VNeID app; nothing typed is stored. Raises :class:`WrongCredentials` or
    :class:`NotActivated`.
    """
    typed = registry.lookup_id_number(conn, id_number)
    state = load_flow_state(conn, learner_id, FLOW) or {}
    owner = registry.persona_of_learner_conn(conn, learner_id)
    if typed.persona_id != owner.persona_id:
        raise WrongCredentials()
    if not state.get("password") or int(state.get("level", 0)) < 1:
        raise NotActivated()
    if _hash(password, learner_id) != state["password"]:
        raise WrongCredentials()
    return int(state["level"])


def _level2_passcode(conn: Connection, learner_id: str) -> str | None:
    """The saved passcode (hashed) of the learner's account once it reached level 2."""
    state = load_flow_state(conn, learner_id, FLOW) or {}
    saved = state.get("passcode")
    return str(saved) if saved and int(state.get("level", 0)) >= 2 else None


def has_level2_passcode(conn: Connection, learner_id: str) -> bool:
    """Whether the learner's account in this app reached level 2 with a passcode set (lesson
    7, :mod:`.vneid_daily`, then accepts that passcode; nothing is changed here)."""
    return _level2_passcode(conn, learner_id) is not None


def passcode_matches(conn: Connection, learner_id: str, passcode: str) -> bool:
    """Whether ``passcode`` is the passcode of the learner's level-2 account (nothing typed
    is stored)."""
    saved = _level2_passcode(conn, learner_id)
    return saved is not None and _hash(passcode, learner_id) == saved


def completed_tasks(events: Iterable[Event], lesson: str = LESSON) -> set[str]:
    """The VNeID lesson's tasks done, judged from its evidence as the hidden tests judge it
    (``lesson``: the VNeID check's, ``vneid_check``, is judged the same way).

    A task is done once it succeeded (an ``ok`` event): ``register`` (level 1 in the app),
    ``activate`` (the security questions, the last activation step) and ``login_level2``
    (logged in with the account at level 2). Every refusal before it (a wrong or expired
    OTP, a weak password, a wrong login, a phone not in the learner's own name) stays in
    the evidence for the trainer and blocks nothing: doing the step right afterwards
    earns the task.

    >>> sorted(completed_tasks([Event(LESSON, TASK_REGISTER, OK, "", {}),
    ...                         Event(LESSON, TASK_ACTIVATE, "vneid.questions_invalid", "", {}),
    ...                         Event(LESSON, "otp", "vneid.otp_wrong", "", {}),
    ...                         Event(LESSON, TASK_ACTIVATE, OK, "", {}),
    ...                         Event("portal", TASK_LEVEL2, OK, "", {})]))
    ['activate', 'register']
    """
    return {e.task for e in events
            if e.lesson == lesson and e.outcome == OK and e.task in LESSON_TASKS}
