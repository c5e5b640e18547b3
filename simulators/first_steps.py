"""Lesson 0, «Làm quen với điện thoại»: tapping, typing Vietnamese, an SMS code, a store account.

The seed article names what stops older residents before any public service: many
fields to type, a forgotten iCloud or Google password that blocks installing an
app, and officials spending a long time explaining. :class:`FirstStepsSimulator`
is one learner's practice phone for those first steps; its home screen lists five
parts, done in any order:

=======================  ==============================================================
step                     screen
=======================  ==============================================================
``home``                 the parts, a ✓ beside each one done
``tap``                  three big buttons, tapped in a stated order (no double tap,
                         no long press, no hover)
``type``                 type the persona's commune with its diacritics; a card explains
                         Telex (Gboard, Laban Key) and the long press on a letter
``sms``                  an SMS with a 6-digit code arrives; type it back (5 minutes,
                         3 tries, «Gửi lại mã»)
``store_pick``           which phone: Android («CH Play») or iPhone («App Store»)
``store_app``            the store's page of the (sandbox) VNeID app: «Cài đặt» / «Nhận»
``google_sign_in``       «Nhập mật khẩu của bạn» for the Google account; «Quên mật khẩu?»
``google_last_password`` «Nhập mật khẩu cuối cùng bạn nhớ»; «Thử cách khác»
``google_send_code``     «Gửi» a code by SMS to the phone number on the account
``google_code``          «Nhập mã» (the SMS «G-123456 là mã xác minh Google của bạn.»)
``google_new_password``  «Tạo mật khẩu mạnh»: 8 characters or more
``apple_sign_in``        «Đăng nhập bằng Tài khoản Apple»; «Quên mật khẩu?»
``apple_iforgot``        iforgot.apple.com with the Apple Account's e-mail; «Tiếp tục»
``apple_phone``          «Xác nhận số điện thoại» of the account
``apple_code``           the 6-digit code SMS («Mã xác minh ID Apple của bạn là: …»)
``apple_new_password``   8+ characters, upper and lower case, a number
``installed``            «Đã cài đặt»: the app is on the phone
``privacy``              the course's privacy notice as five questions with big answers
=======================  ==============================================================

What is real and what is simplified (sources read 2026-11):

* Google account recovery follows the steps that Google's help and Vietnamese guides
  describe: «Quên mật khẩu?» on the sign-in page, «Nhập mật khẩu cuối cùng bạn nhớ»
  with «Thử cách khác», a verification code sent by SMS to the phone on the account,
  then a new password of at least 8 characters, any mix of letters, numbers and symbols,
  not too weak (support.google.com/accounts/answer/32040?hl=vi «Hãy đặt mật khẩu có 8
  ký tự trở lên»; support.google.com/mail/answer/41078?hl=vi; kiemvieclam.vn
  /huong-dan-lay-lai-mat-khau-gmail for «Thử cách khác»). The SMS shape «G-123456 là mã
  xác minh Google của bạn.» is Google's. Simplified: no captcha, no e-mail route, no
  «Tôi không có quyền truy cập» branch, no recovery contacts; the "too weak" check is
  ours (two kinds of characters, not a common password); the code lifetime is [U].
* Apple Account (Apple ID) recovery follows iforgot.apple.com as guides describe it
  (quantrimang.com/cong-nghe/reset-mat-khau-apple-id-202212, tungtang.com.vn/blog
  /cach-lay-lai-apple-id, asavvyweb.com/iphone-ios-fix/how-to-reset-apple-id-password):
  the account's e-mail, «Tiếp tục», confirm the phone number on the account, a 6-digit
  verification code, a new password of 8 or more characters with upper and lower case
  and a number. Simplified: no trusted-device prompt (the code comes by SMS only), no
  e-mail code, no account-recovery wait.
* The OTP SMS of the ``sms`` part has the real shape of Vietnamese OTP messages (no
  diacritics, the validity, «Tuyet doi KHONG cung cap ma nay cho bat ky ai»), from a
  sandbox sender (:data:`SMS_SENDER`).

Everything is fictional. The store accounts are the persona's: an e-mail under the
reserved ``.example`` domain (RFC 2606) and the persona's ``0100`` phone. The learner
"has forgotten" the store password, so any password typed at sign-in is refused and
never stored; the new password they make up is checked for the store's rules and not
stored at all (only that one was set). Text typed in the typing part is compared and
never stored either; evidence records only which kind of mistake it was.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import registry
from .clock import Clock
from .errors import N_, SandboxError
from .evidence import OK, Event, learner_events, record
from .flow import LearnerFlow
from .learners import nfc
from .store import Store, sms_inbox

__all__ = [
    "FLOW", "LESSON", "PARTS", "QUESTIONS", "TAP_TARGETS", "TASKS", "FirstStepsSimulator",
    "Status", "Step", "TypingVerdict", "completed_tasks", "telex_spellings",
]

LESSON = "first_steps"
FLOW = "first_steps"

#: The tasks the lesson grades.
TASK_TAP = "tap"
TASK_TYPE = "type_vietnamese"
TASK_SMS = "read_sms_code"
TASK_RECOVER = "recover_account"
TASK_INSTALL = "install_app"
TASK_PRIVACY = "privacy"
TASKS = (TASK_TAP, TASK_TYPE, TASK_SMS, TASK_RECOVER, TASK_INSTALL, TASK_PRIVACY)

#: The parts on the home screen, in the order it lists them.
PARTS = ("tap", "type", "sms", "store", "privacy")

SMS_SENDER = "LOPHOCSO"  # a sandbox brand name: no real sender uses it
GOOGLE_SENDER = "Google"
APPLE_SENDER = "Apple"
SMS_LIFETIME = timedelta(minutes=5)
SMS_TRIES = 3
RECOVERY_LIFETIME = timedelta(minutes=10)  # [U]: neither store publishes it
EMAIL_DOMAIN = "mophong.example"
APP_NAME = "VNeID"

ANDROID = "android"
IPHONE = "iphone"
STORES = (ANDROID, IPHONE)


class Step(StrEnum):
    HOME = "home"
    TAP = "tap"
    TYPE = "type"
    SMS = "sms"
    STORE_PICK = "store_pick"
    STORE_APP = "store_app"
    GOOGLE_SIGN_IN = "google_sign_in"
    GOOGLE_LAST_PASSWORD = "google_last_password"
    GOOGLE_SEND_CODE = "google_send_code"
    GOOGLE_CODE = "google_code"
    GOOGLE_NEW_PASSWORD = "google_new_password"
    APPLE_SIGN_IN = "apple_sign_in"
    APPLE_IFORGOT = "apple_iforgot"
    APPLE_PHONE = "apple_phone"
    APPLE_CODE = "apple_code"
    APPLE_NEW_PASSWORD = "apple_new_password"
    INSTALLED = "installed"
    PRIVACY = "privacy"


STORE_STEPS = (Step.STORE_PICK, Step.STORE_APP, Step.GOOGLE_SIGN_IN,
               Step.GOOGLE_LAST_PASSWORD, Step.GOOGLE_SEND_CODE, Step.GOOGLE_CODE,
               Step.GOOGLE_NEW_PASSWORD, Step.APPLE_SIGN_IN, Step.APPLE_IFORGOT,
               Step.APPLE_PHONE, Step.APPLE_CODE, Step.APPLE_NEW_PASSWORD, Step.INSTALLED)


# --- the tapping part -----------------------------------------------------------------------

@dataclass(frozen=True)
class TapTarget:
    key: str
    label: str  # the button's label (a source string)
    instruction: str  # what the screen asks (a source string)


TAP_TARGETS = (
    TapTarget("green", N_("Nút xanh lá"), N_("Bấm vào nút màu xanh lá.")),
    TapTarget("continue", N_("Tiếp tục"), N_("Bấm vào nút có chữ «Tiếp tục».")),
    TapTarget("orange", N_("Nút cam"), N_("Bấm vào nút màu cam.")),
)
_TARGETS = {t.key: t for t in TAP_TARGETS}


# --- the privacy part -----------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    key: str
    text: str
    options: tuple[tuple[str, str], ...]  # (key, label), all source strings
    right: str
    explanation: str


QUESTIONS = (
    Question("roster", N_("Danh sách lớp lưu gì về bạn?"),
             (("name", N_("Họ tên và xã/phường của bạn, do người hướng dẫn nhập")),
              ("ids", N_("Số định danh và số điện thoại thật của bạn")),
              ("face", N_("Ảnh khuôn mặt của bạn"))),
             "name", N_("Danh sách lớp chỉ có họ tên và xã/phường của bạn, do người hướng dẫn "
                        "nhập.")),
    Question("practice", N_("Khi bạn luyện tập, khóa học lưu những gì?"),
             (("contacts", N_("Tin nhắn và danh bạ trong điện thoại của bạn")),
              ("progress", N_("Bạn đã học bài nào, điểm, và các thao tác luyện tập")),
              ("nothing", N_("Không lưu gì cả"))),
             "progress", N_("Khóa học lưu bạn đã học bài nào, điểm các bài và các thao tác "
                            "bạn làm khi luyện tập, để người hướng dẫn giúp bạn.")),
    Question("fictional", N_("Tên, số và giấy tờ trong bài tập là của ai?"),
             (("mine", N_("Của bạn")),
              ("made_up", N_("Của nhân vật mô phỏng, không phải người thật")),
              ("neighbour", N_("Của hàng xóm"))),
             "made_up", N_("Mọi người, số định danh và giấy tờ ở đây là của nhân vật mô "
                           "phỏng, để bạn luyện tập mà không lộ thông tin thật.")),
    Question("never_real", N_("Có nên nhập số định danh, số tài khoản ngân hàng hay số thẻ "
                              "bảo hiểm y tế thật của bạn vào đây không?"),
             (("yes", N_("Có, nếu bài học hỏi")),
              ("never", N_("Không bao giờ"))),
             "never", N_("Không bao giờ nhập số thật của bạn. Chỉ dùng số trên thẻ nhân vật "
                         "mô phỏng.")),
    Question("delete", N_("Muốn xóa dữ liệu của mình, bạn làm gì?"),
             (("trainer", N_("Nói với người hướng dẫn")),
              ("cannot", N_("Không xóa được")),
              ("bank", N_("Gọi cho ngân hàng"))),
             "trainer", N_("Bạn chỉ cần nói với người hướng dẫn. Mọi dữ liệu của bạn sẽ được "
                           "xóa hết.")),
)
_QUESTIONS = {q.key: q for q in QUESTIONS}


# --- refusals ---------------------------------------------------------------------------------

class FirstStepsError(SandboxError):
    code = "first_steps.error"


class WrongStep(FirstStepsError):
    code = "first_steps.wrong_step"
    message = N_("Thao tác này chưa làm được ở bước này. Hãy làm theo màn hình.")


class UnknownChoice(FirstStepsError):
    code = "first_steps.unknown_choice"
    message = N_("Lựa chọn này không có trên màn hình. Hãy chọn lại.")


class WrongTarget(FirstStepsError):
    code = "first_steps.tap_wrong"
    message = N_("Chưa đúng nút. {instruction}")


class EmptyText(FirstStepsError):
    code = "first_steps.type_empty"
    message = N_("Bạn chưa gõ gì. Hãy gõ đúng như mẫu.")


class WrongWordCount(FirstStepsError):
    code = "first_steps.type_word_count"
    message = N_("Số chữ chưa đúng: mẫu có {count} chữ. Hãy gõ đúng như mẫu, mỗi chữ cách "
                 "nhau một dấu cách.")


class TelexLeftOver(FirstStepsError):
    code = "first_steps.type_telex"
    message = N_("Các phím Telex chưa thành dấu: {words}. Hãy bật kiểu gõ tiếng Việt "
                 "(Telex) trên bàn phím rồi gõ lại.")


class WrongLetters(FirstStepsError):
    code = "first_steps.type_letters"
    message = N_("Có chữ gõ chưa đúng: {words}. Hãy so lại với mẫu.")


class MissingDiacritics(FirstStepsError):
    code = "first_steps.type_missing_marks"
    message = N_("Bạn gõ thiếu dấu ở chữ: {words}.")


class WrongDiacritics(FirstStepsError):
    code = "first_steps.type_wrong_marks"
    message = N_("Bạn gõ sai dấu ở chữ: {words}.")


class InvalidCode(FirstStepsError):
    code = "first_steps.code_format"
    message = N_("Mã xác thực gồm 6 chữ số. Hãy xem lại tin nhắn.")


class WrongCode(FirstStepsError):
    code = "first_steps.code_wrong"
    message = N_("Mã xác thực không đúng. Bạn còn {remaining} lần thử.")


class CodeUsedUp(FirstStepsError):
    code = "first_steps.code_used_up"
    message = N_("Bạn đã nhập sai {tries} lần, mã này không dùng được nữa. Hãy bấm «Gửi lại "
                 "mã» để nhận mã mới.")


class CodeExpired(FirstStepsError):
    code = "first_steps.code_expired"
    message = N_("Mã xác thực đã hết hạn (mã chỉ dùng được trong 5 phút). Hãy bấm «Gửi lại "
                 "mã».")


class PasswordNeeded(FirstStepsError):
    code = "first_steps.password_empty"
    message = N_("Hãy nhập mật khẩu.")


class GoogleWrongPassword(FirstStepsError):
    code = "first_steps.google_wrong_password"
    message = N_("Sai mật khẩu. Hãy thử lại hoặc nhấp vào «Quên mật khẩu?» để đặt lại mật "
                 "khẩu.")


class GoogleWrongLastPassword(FirstStepsError):
    code = "first_steps.google_wrong_last_password"
    message = N_("Sai mật khẩu. Hãy thử lại hoặc nhấp vào «Thử cách khác».")


class AppleWrongPassword(FirstStepsError):
    code = "first_steps.apple_wrong_password"
    message = N_("Tài khoản Apple hoặc mật khẩu của bạn không đúng. Nếu quên mật khẩu, hãy "
                 "bấm «Quên mật khẩu?».")


class WrongPhone(FirstStepsError):
    code = "first_steps.phone_wrong"
    message = N_("Số điện thoại này không phải số của tài khoản. Hãy nhập số điện thoại trên "
                 "thẻ nhân vật của bạn.")


class WrongRecoveryCode(FirstStepsError):
    code = "first_steps.recovery_code_wrong"
    message = N_("Mã không đúng. Hãy thử lại.")


class RecoveryCodeExpired(FirstStepsError):
    code = "first_steps.recovery_code_expired"
    message = N_("Mã đã hết hạn. Hãy bấm «Gửi lại mã».")


class PasswordTooShort(FirstStepsError):
    code = "first_steps.password_short"
    message = N_("Hãy sử dụng 8 ký tự trở lên cho mật khẩu của bạn.")


class PasswordNotAscii(FirstStepsError):
    code = "first_steps.password_characters"
    message = N_("Mật khẩu chỉ dùng chữ cái không dấu, chữ số và ký hiệu (như ! @ # $).")


class GooglePasswordWeak(FirstStepsError):
    code = "first_steps.google_password_weak"
    message = N_("Hãy chọn một mật khẩu mạnh hơn. Hãy thử kết hợp chữ cái, số và ký hiệu.")


class ApplePasswordRules(FirstStepsError):
    code = "first_steps.apple_password_rules"
    message = N_("Mật khẩu phải có ít nhất 8 ký tự, gồm chữ hoa, chữ thường và ít nhất một "
                 "chữ số.")


class PasswordMismatch(FirstStepsError):
    code = "first_steps.password_mismatch"
    message = N_("Các mật khẩu đó không khớp. Hãy thử lại.")


class WrongAnswer(FirstStepsError):
    code = "first_steps.privacy_wrong"
    message = N_("Chưa đúng. {explanation} Hãy chọn lại.")


# --- typing Vietnamese ------------------------------------------------------------------------

_TONE_KEYS = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_SHAPE_KEYS = {"\u0302": "", "\u0306": "w", "\u031b": "w"}  # circumflex doubles the letter


def marks_of(word: str) -> str:
    """The combining marks of a word (and đ), the part the base letters leave.

    >>> marks_of("Thọ") != "", marks_of("Long")
    (True, '')
    """
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if unicodedata.combining(ch)) + (
        "đ" * word.casefold().count("đ"))


def base_letters(word: str) -> str:
    """The letters without any mark, folded: what a keyboard without Vietnamese gives.

    >>> base_letters("Xã Thọ Long")
    'xa tho long'
    """
    return registry.strip_diacritics(word).casefold()


def telex_spellings(word: str) -> set[str]:
    """What a word looks like typed in Telex when the keyboard did not convert it.

    Two habits are covered: the tone key at the end of the word and right after its vowel.

    >>> sorted(telex_spellings("Thọ"))
    ['thoj']
    >>> sorted(telex_spellings("Đường"))
    ['dduwowfng', 'dduwowngf']
    """
    letters: list[str] = []
    tone = ""
    tone_at = -1
    for ch in unicodedata.normalize("NFD", word.casefold()):
        if ch == "đ":
            letters.append("dd")
        elif ch in _TONE_KEYS:
            tone = _TONE_KEYS[ch]
            tone_at = len(letters)
        elif ch in _SHAPE_KEYS:
            letters[-1] = letters[-1] + (_SHAPE_KEYS[ch] or letters[-1])  # in place: a tone
            # read before the shape (NFD puts a dot below first) stays after the whole vowel
        else:
            letters.append(ch)
    plain = "".join(letters)
    if not tone:
        return {plain} if plain != word.casefold() else set()
    at_end = plain + tone
    after_vowel = "".join(letters[:tone_at]) + tone + "".join(letters[tone_at:])
    return {at_end, after_vowel}


@dataclass(frozen=True)
class TypingVerdict:
    """A phrase typed right; ``case_only`` when only capital letters differ (accepted)."""

    phrase: str
    case_only: bool


def _words(text: str) -> list[str]:
    return nfc(text).split()


def judge_typing(typed: str, phrase: str) -> TypingVerdict:
    """Compare what was typed with the phrase, after NFC and trimming; raise what is wrong.

    Capital letters are not what this part teaches: a phrase right but for case is
    accepted and the verdict says so.

    >>> judge_typing("  xã thọ  long ", "Xã Thọ Long").case_only
    True
    >>> judge_typing("Xax Thoj Long", "Xã Thọ Long")
    Traceback (most recent call last):
    ...
    bakhong.simulators.first_steps.TelexLeftOver: Các phím Telex chưa thành dấu: «Xax» → «Xã», ...
    """
    wanted, got = _words(phrase), _words(typed)
    if not got:
        raise EmptyText()
    if got == wanted:
        return TypingVerdict(phrase, False)
    if [w.casefold() for w in got] == [w.casefold() for w in wanted]:
        return TypingVerdict(phrase, True)
    if len(got) != len(wanted):
        raise WrongWordCount(f"{len(got)} words", count=len(wanted))
    kinds: dict[str, list[str]] = {"telex": [], "letters": [], "missing": [], "marks": []}
    for typed_word, word in zip(got, wanted, strict=True):
        if typed_word.casefold() == word.casefold():
            continue
        if typed_word.casefold() in telex_spellings(word):
            kinds["telex"].append(f"«{typed_word}» → «{word}»")
        elif base_letters(typed_word) != base_letters(word):
            kinds["letters"].append(f"«{typed_word}» → «{word}»")
        elif not marks_of(typed_word):
            kinds["missing"].append(f"«{typed_word}» → «{word}»")
        else:
            kinds["marks"].append(f"«{typed_word}» → «{word}»")
    errors: dict[str, type[FirstStepsError]] = {
        "telex": TelexLeftOver, "letters": WrongLetters, "missing": MissingDiacritics,
        "marks": WrongDiacritics}
    for kind, error in errors.items():
        if kinds[kind]:
            raise error(kind, words=", ".join(kinds[kind]))
    raise WrongLetters("unmatched", words=nfc(typed))  # pragma: no cover - unreachable


# --- what the app shows -------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    step: Step
    done: frozenset[str]
    tap_next: str | None  # the key of the button to tap next
    tap_order: tuple[str, ...]  # the buttons, in the order the screen shows them
    phrase: str
    sms_expires_at: str | None
    sms_tries_left: int
    store: str | None  # android, iphone
    signed_in: bool
    installed: bool
    email: str
    phone: str  # the persona's sandbox phone
    masked_phone: str
    question: str | None  # the privacy question on show
    answered: tuple[str, ...]  # privacy questions answered right


def mask_phone(phone: str) -> str:
    """The phone number as account pages show it, with the last two digits.

    >>> mask_phone("0100123456")
    '•••• ••• •56'
    """
    return "•••• ••• •" + phone[-2:]


def _hash(secret: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{secret}".encode()).hexdigest()


def _digits(text: str) -> str:
    return "".join(text.split())


class FirstStepsSimulator(LearnerFlow):
    """One learner's practice phone for lesson 0 (plumbing: :class:`~.flow.LearnerFlow`)."""

    flow = FLOW
    lesson = LESSON
    steps = Step
    wrong_step = WrongStep

    def __init__(self, store: Store, clock: Clock, rng: random.Random, learner_id: str) -> None:
        super().__init__(store, clock, rng, learner_id)
        slug = re.sub(r"[^a-z]", "", registry.strip_diacritics(self.persona.full_name).lower())
        self.email = f"{slug}.{self.persona.phone[-4:]}@{EMAIL_DOMAIN}"
        phrase = self.persona.commune_name
        if registry.strip_diacritics(phrase) == phrase:
            phrase = self.persona.full_name
        self.phrase = nfc(phrase)

    # -- plumbing ---------------------------------------------------------------------------

    def _fresh(self) -> dict[str, Any]:
        order = [t.key for t in TAP_TARGETS]
        self.rng.shuffle(order)
        return {"step": Step.HOME.value, "tap_order": order, "tap_next": 0,
                "store": {}, "answered": []}

    def _done(self, conn: Connection, state: dict[str, Any], task: str, **detail: Any) -> None:
        record(conn, self.clock, self.learner_id, LESSON, task, OK, step=state["step"],
               **detail)

    def _sms(self, conn: Connection, sender: str, body: str) -> None:
        conn.execute(sms_inbox.insert().values(learner_id=self.learner_id, sender=sender,
                                               at=self._now(), body=body))

    def _code(self) -> str:
        return f"{self.rng.randrange(10**6):06d}"

    # -- reading ----------------------------------------------------------------------------

    def status(self) -> Status:
        state = self._current()
        order = tuple(state["tap_order"])
        index = int(state.get("tap_next", 0))
        sms = state.get("sms") or {}
        store = state["store"]
        answered = tuple(state["answered"])
        question = next((q.key for q in QUESTIONS if q.key not in answered), None)
        return Status(
            step=Step(state["step"]),
            done=frozenset(completed_tasks(
                learner_events(self.store, self.learner_id, LESSON))),
            tap_next=TAP_TARGETS[index].key if index < len(TAP_TARGETS) else None,
            tap_order=order, phrase=self.phrase,
            sms_expires_at=sms.get("expires_at"),
            sms_tries_left=SMS_TRIES - int(sms.get("fails", 0)) if sms else 0,
            store=store.get("kind"), signed_in=bool(store.get("signed_in")),
            installed=bool(store.get("installed")), email=self.email,
            phone=self.persona.phone, masked_phone=mask_phone(self.persona.phone),
            question=question, answered=answered)

    def inbox(self) -> list[tuple[str, str, str]]:
        """(sender, body, time) of this phone's SMS, oldest first."""
        rows = self.store.read(
            sa.select(sms_inbox.c.sender, sms_inbox.c.body, sms_inbox.c.at)
            .where((sms_inbox.c.learner_id == self.learner_id)
                   & sms_inbox.c.sender.in_((SMS_SENDER, GOOGLE_SENDER, APPLE_SENDER)))
            .order_by(sms_inbox.c.seq))
        return [(r.sender, r.body, r.at) for r in rows]

    # -- the home screen --------------------------------------------------------------------

    def open_part(self, part: str) -> Status:
        """Open one part from the home screen; a part done before starts again."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if part not in PARTS:
                raise UnknownChoice(part)
            if part == "tap":
                state["tap_next"] = 0
                state["step"] = Step.TAP.value
            elif part == "type":
                state["step"] = Step.TYPE.value
            elif part == "sms":
                sms = state.get("sms")
                if not sms or sms.get("used") or self._expired(sms["expires_at"]):
                    self._send_sms(conn, state)
                state["step"] = Step.SMS.value
            elif part == "store":
                store = state["store"]
                state["step"] = (Step.INSTALLED.value if store.get("installed")
                                 else store.get("resume", Step.STORE_PICK.value))
            else:
                state["step"] = Step.PRIVACY.value

        self._act("open", act, Step.HOME, part=part)
        return self.status()

    def go_home(self) -> Status:
        """«Về trang chủ» from any part: where the learner stood in the store is kept."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if Step(state["step"]) in STORE_STEPS and state["step"] != Step.INSTALLED.value:
                state["store"]["resume"] = state["step"]
            state["step"] = Step.HOME.value

        self._act("home", act)
        return self.status()

    # -- 1. tapping ---------------------------------------------------------------------------

    def tap(self, key: str) -> Status:
        """One tap on a big button; the stated order is kept, a wrong one says which."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if key not in _TARGETS:
                raise UnknownChoice(key)
            index = int(state["tap_next"])
            expected = TAP_TARGETS[index]
            if key != expected.key:
                raise WrongTarget(key, instruction=expected.instruction)
            state["tap_next"] = index + 1
            if index + 1 == len(TAP_TARGETS):
                state["step"] = Step.HOME.value
                self._done(conn, state, TASK_TAP)

        self._act("tap_target", act, Step.TAP, target=key)
        return self.status()

    # -- 2. typing Vietnamese -----------------------------------------------------------------

    def type_phrase(self, text: str) -> TypingVerdict:
        """The phrase typed by the learner; what they typed is never stored."""
        def act(conn: Connection, state: dict[str, Any]) -> TypingVerdict:
            verdict = judge_typing(text, self.phrase)
            state["step"] = Step.HOME.value
            self._done(conn, state, TASK_TYPE, case_only=verdict.case_only)
            return verdict

        return self._act("type_try", act, Step.TYPE)

    # -- 3. an SMS code -------------------------------------------------------------------------

    def _expired(self, expires_at: str) -> bool:
        return self.clock.now() > datetime.fromisoformat(expires_at)

    def _send_sms(self, conn: Connection, state: dict[str, Any]) -> None:
        code = self._code()
        state["sms"] = {"hash": _hash(code, self.learner_id), "fails": 0,
                        "expires_at": (self.clock.now() + SMS_LIFETIME).isoformat()}
        self._sms(conn, SMS_SENDER,
                  f"Ma xac thuc cua ban la {code}. Ma co hieu luc trong 5 phut. "
                  "Tuyet doi KHONG cung cap ma nay cho bat ky ai.")

    def resend_sms_code(self) -> Status:
        """«Gửi lại mã»: a new code; the old one no longer works."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._send_sms(conn, state)

        self._act("sms_resend", act, Step.SMS)
        return self.status()

    def enter_sms_code(self, typed: str) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            code = _digits(typed)
            if len(code) != 6 or not code.isascii() or not code.isdigit():
                raise InvalidCode()
            sms = state["sms"]
            if sms["fails"] >= SMS_TRIES:
                raise CodeUsedUp(tries=SMS_TRIES)
            if self._expired(sms["expires_at"]):
                raise CodeExpired()
            if _hash(code, self.learner_id) != sms["hash"]:
                sms["fails"] += 1
                if sms["fails"] >= SMS_TRIES:
                    raise CodeUsedUp(tries=SMS_TRIES)
                raise WrongCode(remaining=SMS_TRIES - sms["fails"])
            sms["used"] = True
            state["step"] = Step.HOME.value
            self._done(conn, state, TASK_SMS)

        self._act("sms_code", act, Step.SMS)
        return self.status()

    # -- 4. the app store: sign in, recover the account, install -----------------------------

    def pick_store(self, kind: str) -> Status:
        """Android («CH Play») or iPhone («App Store»)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if kind not in STORES:
                raise UnknownChoice(kind)
            state["store"] = {"kind": kind}
            state["step"] = Step.STORE_APP.value

        self._act("store_pick", act, Step.STORE_PICK, kind=kind)
        return self.status()

    def change_phone(self) -> Status:
        """«Đổi loại điện thoại»: back to the choice; the recovery starts again."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["store"] = {}
            state["step"] = Step.STORE_PICK.value

        self._act("store_change", act, *(s for s in STORE_STEPS
                                          if s not in (Step.STORE_PICK, Step.INSTALLED)))
        return self.status()

    def install(self) -> Status:
        """«Cài đặt» (CH Play) / «Nhận» (App Store): the store asks for its account first."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            store = state["store"]
            if not store.get("signed_in"):
                state["step"] = (Step.GOOGLE_SIGN_IN if store["kind"] == ANDROID
                                 else Step.APPLE_SIGN_IN).value
                return
            store["installed"] = True
            state["step"] = Step.INSTALLED.value
            self._done(conn, state, TASK_INSTALL, store=store["kind"], app=APP_NAME)

        self._act("install", act, Step.STORE_APP)
        return self.status()

    def sign_in(self, password: str) -> Status:
        """The store's password: the learner has forgotten it, so whatever is typed is wrong.

        Nothing typed here is stored or compared with anything.
        """
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if not password.strip():
                raise PasswordNeeded()
            if state["step"] == Step.GOOGLE_SIGN_IN.value:
                raise GoogleWrongPassword()
            raise AppleWrongPassword()

        self._act("sign_in", act, Step.GOOGLE_SIGN_IN, Step.APPLE_SIGN_IN)
        return self.status()

    def forgot_password(self) -> Status:
        """«Quên mật khẩu?»."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["step"] = (Step.GOOGLE_LAST_PASSWORD if state["step"] == Step.GOOGLE_SIGN_IN
                             else Step.APPLE_IFORGOT).value

        self._act("forgot_password", act, Step.GOOGLE_SIGN_IN, Step.APPLE_SIGN_IN)
        return self.status()

    def last_password(self, password: str) -> Status:
        """Google's «Nhập mật khẩu cuối cùng bạn nhớ»: refused too; never stored."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if not password.strip():
                raise PasswordNeeded()
            raise GoogleWrongLastPassword()

        self._act("last_password", act, Step.GOOGLE_LAST_PASSWORD)
        return self.status()

    def try_another_way(self) -> Status:
        """Google's «Thử cách khác»: a code to the phone number on the account."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["step"] = Step.GOOGLE_SEND_CODE.value

        self._act("try_another_way", act, Step.GOOGLE_LAST_PASSWORD)
        return self.status()

    def send_google_code(self) -> Status:
        """«Gửi»: Google's SMS «G-123456 là mã xác minh Google của bạn.»."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._send_recovery(conn, state)
            state["step"] = Step.GOOGLE_CODE.value

        self._act("recovery_send", act, Step.GOOGLE_SEND_CODE)
        return self.status()

    def apple_continue(self) -> Status:
        """iforgot.apple.com: the account's e-mail is filled in; «Tiếp tục»."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["step"] = Step.APPLE_PHONE.value

        self._act("iforgot", act, Step.APPLE_IFORGOT)
        return self.status()

    def confirm_phone(self, typed: str) -> Status:
        """«Xác nhận số điện thoại»: only the persona's sandbox number; a real one is refused."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            number = registry.check_phone(typed)
            if number != self.persona.phone:
                raise WrongPhone()
            self._send_recovery(conn, state)
            state["step"] = Step.APPLE_CODE.value

        self._act("confirm_phone", act, Step.APPLE_PHONE)
        return self.status()

    def _send_recovery(self, conn: Connection, state: dict[str, Any]) -> None:
        code = self._code()
        state["store"]["recovery"] = {
            "hash": _hash(code, self.learner_id),
            "expires_at": (self.clock.now() + RECOVERY_LIFETIME).isoformat()}
        if state["store"]["kind"] == ANDROID:
            self._sms(conn, GOOGLE_SENDER, f"G-{code} là mã xác minh Google của bạn.")
        else:
            self._sms(conn, APPLE_SENDER,
                      f"Mã xác minh ID Apple của bạn là: {code}. Không chia sẻ mã này.")

    def resend_recovery_code(self) -> Status:
        """«Gửi lại mã» on the code screen."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._send_recovery(conn, state)

        self._act("recovery_resend", act, Step.GOOGLE_CODE, Step.APPLE_CODE)
        return self.status()

    def enter_recovery_code(self, typed: str) -> Status:
        """The code from the store's SMS; Google's may be typed with its «G-»."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            code = _digits(typed).upper().removeprefix("G-")
            if len(code) != 6 or not code.isascii() or not code.isdigit():
                raise InvalidCode()
            recovery = state["store"].get("recovery") or {}
            if not recovery or self._expired(recovery["expires_at"]):
                raise RecoveryCodeExpired()
            if _hash(code, self.learner_id) != recovery["hash"]:
                raise WrongRecoveryCode()
            state["store"].pop("recovery")
            state["step"] = (Step.GOOGLE_NEW_PASSWORD if state["step"] == Step.GOOGLE_CODE
                             else Step.APPLE_NEW_PASSWORD).value

        self._act("recovery_code", act, Step.GOOGLE_CODE, Step.APPLE_CODE)
        return self.status()

    def set_new_password(self, password: str, again: str) -> Status:
        """A new store password the learner makes up: checked, then forgotten (not stored)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            google = state["step"] == Step.GOOGLE_NEW_PASSWORD.value
            check_new_password(password, google=google)
            if password != again:
                raise PasswordMismatch()
            store = state["store"]
            store.update(signed_in=True, password_set_at=self._now())
            store.pop("resume", None)
            state["step"] = Step.STORE_APP.value
            self._done(conn, state, TASK_RECOVER, store=store["kind"])

        self._act("new_password", act, Step.GOOGLE_NEW_PASSWORD, Step.APPLE_NEW_PASSWORD)
        return self.status()

    def leave_installed(self) -> Status:
        """«Về trang chủ» from «Đã cài đặt»."""
        return self.go_home()

    # -- 5. the privacy notice -----------------------------------------------------------------

    def answer(self, question: str, option: str) -> Question:
        """One answer; a wrong one explains the right one, and the question stays."""
        def act(conn: Connection, state: dict[str, Any]) -> Question:
            asked = _QUESTIONS.get(question)
            if asked is None or option not in dict(asked.options):
                raise UnknownChoice(f"{question}/{option}")
            if option != asked.right:
                raise WrongAnswer(option, explanation=asked.explanation)
            if question not in state["answered"]:
                state["answered"].append(question)
            if all(q.key in state["answered"] for q in QUESTIONS):
                state["step"] = Step.HOME.value
                self._done(conn, state, TASK_PRIVACY)
            return asked

        return self._act("privacy_answer", act, Step.PRIVACY, question=question)


def check_new_password(password: str, *, google: bool) -> None:
    """The store's rules for a new password (Google's, or Apple's with ``google=False``).

    >>> check_new_password("Lua-Mua-2026", google=True)
    >>> check_new_password("lua mua 2026", google=False)
    Traceback (most recent call last):
    ...
    bakhong.simulators.first_steps.ApplePasswordRules: Mật khẩu phải có ít nhất 8 ký tự, ...
    """
    if len(password) < 8:
        raise PasswordTooShort() if google else ApplePasswordRules()
    if not password.isascii() or not password.isprintable():
        raise PasswordNotAscii()
    if google:
        kinds = (any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password))
        if sum(kinds) < 2 or password.lower() in _COMMON_PASSWORDS:
            raise GooglePasswordWeak()
    elif not (any(c.isupper() for c in password) and any(c.islower() for c in password)
              and any(c.isdigit() for c in password)):
        raise ApplePasswordRules()


_COMMON_PASSWORDS = frozenset({"12345678", "123456789", "password", "password1", "matkhau1",
                               "abc12345", "11111111", "88888888", "qwerty123"})


def completed_tasks(events: Iterable[Event]) -> set[str]:
    """The lesson's tasks done, judged from its evidence as the hidden tests judge it.

    A task is done when its success event (outcome ``ok``) is there; ``install_app``
    counts only after ``recover_account`` (the store asks for its account first). The
    refusals before it (a wrong tap, a code typed wrong or used up, a weak password, a
    wrong answer) stay in the evidence and block nothing: each part can be opened again
    from the home screen, and a code sent again.

    >>> from bakhong.simulators.evidence import Event
    >>> sorted(completed_tasks([Event(LESSON, TASK_TAP, OK, "", {}),
    ...                         Event(LESSON, TASK_SMS, "first_steps.code_wrong", "", {}),
    ...                         Event(LESSON, TASK_INSTALL, OK, "", {})]))
    ['tap']
    """
    done: set[str] = set()
    for event in events:
        if event.lesson == LESSON and event.outcome == OK and event.task in TASKS:
            if event.task == TASK_INSTALL and TASK_RECOVER not in done:
                continue
            done.add(event.task)
    return done
