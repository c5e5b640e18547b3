"""The payment sandbox: fictional banks and a wallet, a double-entry ledger, and a bank app.

Everything here is fictional. The banks carry BINs that no NAPAS member uses
(:data:`SANDBOX_BANKS`, ``9999xx``); the parser knows the real BIN table
(:data:`bakhong.simulators.vietqr.BANKS`) so the app can say "this is a real
bank's code", but nothing is ever paid to a real account and no real account
number is stored: a code or an account number outside the sandbox is refused
and not saved.

Money moves only through :func:`post`, a balanced double-entry transaction:
every customer's money was issued by its bank's issuer account, so the ledger
always sums to zero and the balances of all other accounts sum to what was
issued.

:class:`BankSimulator` is one learner's bank app (``domain.md`` §4):

=============  ====================================================================
step           screen
=============  ====================================================================
``SETUP``      first use: set the 6-digit Smart OTP PIN
``HOME``       balance, «Quét QR», «Chuyển tiền», history
``CONFIRM``    payee name as the bank holds it (the name check), amount, message
``AUTH``       «Nhập mã PIN Smart OTP»
``BIOMETRIC``  face + chip check above 10 million VND a transaction or 20 million a day
``PENDING``    the connection dropped after confirming: «Giao dịch đang xử lý»
``RECEIPT``    the receipt with its transaction reference
``LOCKED``     Smart OTP locked after 5 wrong PINs: «Quên mã PIN» → SMS code → new PIN
=============  ====================================================================

Every request carries the draft's ``request_id``: a confirmation retried after a
network drop finds the payment already made and never pays twice.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import faults, vietqr
from .clock import VN_TZ, Clock
from .errors import N_, SandboxError
from .evidence import OK, Event, learner_events, record
from .flow import LearnerFlow
from .store import Store, bank_accounts, ledger, payments, sms_inbox

LESSON = "payment"
FLOW = "bank"

OPENING_BALANCE = 5_000_000
PER_TRANSACTION_LIMIT = 50_000_000  # the sandbox account's own limit (NAPAS: under 500 million)
DAILY_LIMIT = 100_000_000
BIOMETRIC_PER_TRANSACTION = 10_000_000  # QĐ 2345/QĐ-NHNN, from 1 July 2024
BIOMETRIC_PER_DAY = 20_000_000
MAX_PIN_TRIES = 5
MAX_MESSAGE = 50  # the sandbox's own limit: each bank sets its own (docs/facts.md)
OTP_LIFETIME = timedelta(minutes=3)
TOP_UP_MAX = 50_000_000
SMS_SENDER = "SMB"

#: Task names the payment lesson's hidden tests check.
TASK_STATIC = "pay_static"
TASK_BILL = "pay_bill"
TASK_SWAPPED = "refuse_swapped_qr"
TASK_RECEIPT = "check_receipt"


@dataclass(frozen=True)
class SandboxBank:
    bin: str
    short_name: str
    name: str


SANDBOX_BANKS = (
    SandboxBank("999901", "SMB", N_("Ngân hàng Mô phỏng Sông Mã")),
    SandboxBank("999902", "HRB", N_("Ngân hàng Thực hành Hàm Rồng")),
    SandboxBank("999903", "Ví Lam Sơn", N_("Ví điện tử Lam Sơn (mô phỏng)")),
)
_BANKS = {bank.bin: bank for bank in SANDBOX_BANKS}
HOME_BANK = SANDBOX_BANKS[0]


@dataclass(frozen=True)
class Payee:
    """A fictional account everyone in the sandbox can pay."""

    key: str
    bin: str
    number: str
    holder: str  # as the bank holds it: capitals, no diacritics
    title: str  # what the lesson calls it (Vietnamese)


STALL = Payee("stall", "999901", "8801234567", "HOANG THI HANH", N_("Quầy rau cô Hạnh"))
FRUIT = Payee("fruit", "999902", "7702345678", "PHAM THI LUA", N_("Quầy trái cây cô Lụa"))
POWER = Payee("power", "999901", "1900545454", "CONG TY DIEN LUC MO PHONG",
              N_("Điện lực (mô phỏng)"))
SCAMMER = Payee("scammer", "999903", "0399887766", "DO VAN KHOA",
                N_("Mã QR dán đè (lừa đảo)"))
RELATIVE = Payee("relative", "999902", "0912345670", "LE THI NGOC", N_("Con gái (mô phỏng)"))
#: The portal's payment platform: fees of dossiers are paid here (bakhong.simulators.portal).
PORTAL = Payee("portal", "999902", "2470000247", "NEN TANG THANH TOAN DVC MO PHONG",
               N_("Nền tảng thanh toán của Cổng Dịch vụ công (mô phỏng)"))
DIRECTORY = {p.key: p for p in (STALL, FRUIT, POWER, SCAMMER, RELATIVE, PORTAL)}
_MERCHANTS = ("stall", "fruit", "power", "portal")


class Step(StrEnum):
    SETUP = "setup"
    HOME = "home"
    CONFIRM = "confirm"
    AUTH = "auth"
    BIOMETRIC = "biometric"
    PENDING = "pending"
    RECEIPT = "receipt"
    LOCKED = "locked"


# --- refusals, in the apps' words where the sources give them ----------------------------

class BankError(SandboxError):
    code = "bank.error"


class Maintenance(BankError):
    code = "bank.maintenance"
    message = N_("Hệ thống đang bảo trì. Quý khách vui lòng thử lại sau.")


class ConnectionLost(BankError):
    code = "bank.connection_lost"
    message = N_("Mất kết nối. Giao dịch đang được xử lý; hãy bấm «Kiểm tra lại», "
                 "đừng chuyển lại.")


class InvalidCode(BankError):
    code = "bank.invalid_code"
    message = N_("Mã QR không hợp lệ: {reason}")


class NotAPaymentCode(BankError):
    code = "bank.not_payment_code"
    message = N_("Mã QR này không phải mã thanh toán (VietQR).")


class RealBank(BankError):
    code = "bank.real_bank"
    message = N_("Đây là mã của ngân hàng thật ({bank}). Lớp học chỉ thanh toán cho tài khoản "
                 "mô phỏng; không có tiền thật nào được chuyển.")


class UnknownBank(BankError):
    code = "bank.unknown_bank"
    message = N_("Không nhận ra ngân hàng của mã hoặc số tài khoản này.")


class AccountNotFound(BankError):
    code = "bank.account_not_found"
    message = N_("Tài khoản thụ hưởng không tồn tại. Quý khách vui lòng kiểm tra lại.")


class InvalidAmount(BankError):
    code = "bank.amount_invalid"
    message = N_("Số tiền phải là số nguyên dương (đồng), ví dụ 35000.")


class InvalidMessage(BankError):
    code = "bank.message_invalid"
    message = N_("Nội dung chuyển khoản quá dài. Mỗi ngân hàng có giới hạn riêng; ứng dụng "
                 "mô phỏng này nhận tối đa 50 ký tự.")


class InvalidPin(BankError):
    code = "bank.pin_invalid"
    message = N_("Mã PIN gồm đúng 6 chữ số.")


class PinMismatch(BankError):
    code = "bank.pin_mismatch"
    message = N_("Hai lần nhập mã PIN không giống nhau. Hãy nhập lại.")


class WrongPin(BankError):
    code = "bank.pin_wrong"
    message = N_("Mã PIN không đúng. Quý khách còn {remaining} lần thử.")


class PinLocked(BankError):
    code = "bank.pin_locked"
    message = N_("Quý khách đã nhập sai mã PIN quá 5 lần, Smart OTP đã bị khóa. "
                 "Hãy chọn «Quên mã PIN» để đặt lại.")


class WrongOtp(BankError):
    code = "bank.otp_wrong"
    message = N_("Mã xác thực (OTP) không đúng hoặc đã hết hạn. Hãy bấm «Gửi lại mã».")


class InsufficientBalance(BankError):
    code = "bank.insufficient_balance"
    message = N_("Số dư tài khoản không đủ để thực hiện giao dịch.")


class OverLimit(BankError):
    code = "bank.over_limit"
    message = N_("Số tiền vượt hạn mức giao dịch ({limit}).")


class WrongReference(BankError):
    code = "bank.reference_wrong"
    message = N_("Không có giao dịch nào với mã này. Hãy xem lại biên lai.")


class WrongStep(BankError):
    code = "bank.wrong_step"
    message = N_("Thao tác này chưa thực hiện được ở bước hiện tại. Hãy làm theo màn hình.")


# --- the ledger ----------------------------------------------------------------------------

def money(amount: int) -> str:
    """Amounts as Vietnamese apps write them.

    >>> money(1250000)
    '1.250.000 đ'
    """
    return f"{amount:,}".replace(",", ".") + " đ"


def mask(number: str) -> str:
    """An account number as receipts show it.

    >>> mask("8801234567")
    '******4567'
    """
    return "*" * max(len(number) - 4, 0) + number[-4:]


def ascii_upper(text: str) -> str:
    """Names as banks hold them.

    >>> ascii_upper("Lê Thị Hoa")
    'LE THI HOA'
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).upper()


class UnbalancedTransaction(AssertionError):
    """A posting whose entries do not sum to zero: a bug, never a learner's doing."""


def post(conn: Connection, txn_ref: str, entries: list[tuple[str, int]], *, at: str,
         learner_id: str | None) -> None:
    """Post one balanced transaction: ``entries`` are (account id, signed amount)."""
    if sum(amount for _, amount in entries) != 0 or any(a == 0 for _, a in entries):
        raise UnbalancedTransaction(f"{txn_ref}: {entries}")
    conn.execute(ledger.insert(), [
        {"txn_ref": txn_ref, "account_id": account, "amount": amount, "at": at,
         "learner_id": learner_id} for account, amount in entries])


def balance(conn: Connection, account_id: str) -> int:
    total = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(ledger.c.amount), 0))
                         .where(ledger.c.account_id == account_id)).scalar()
    return int(total or 0)


def ledger_totals(store: Store) -> tuple[int, int]:
    """(sum of every entry, money issued): the first is always 0."""
    rows = store.read(sa.select(bank_accounts.c.kind, sa.func.sum(ledger.c.amount))
                      .join(bank_accounts, bank_accounts.c.account_id == ledger.c.account_id)
                      .group_by(bank_accounts.c.kind))
    by_kind = {str(kind): int(total) for kind, total in (tuple(row) for row in rows)}
    return sum(by_kind.values()), -by_kind.get("issuer", 0)


def _account_id(bin_: str, number: str) -> str:
    return f"{bin_}-{number}"


def payee_account(payee: Payee) -> str:
    """The ledger's account of a directory payee.

    >>> payee_account(STALL)
    '999901-8801234567'
    """
    return _account_id(payee.bin, payee.number)


def _ensure_account(conn: Connection, bin_: str, number: str, holder: str, kind: str,
                    at: str, learner_id: str | None = None) -> str:
    account_id = _account_id(bin_, number)
    exists = conn.execute(sa.select(bank_accounts.c.account_id)
                          .where(bank_accounts.c.account_id == account_id)).first()
    if exists is None:
        conn.execute(bank_accounts.insert().values(
            account_id=account_id, bin=bin_, number=number, holder=holder, kind=kind,
            learner_id=learner_id, created_at=at))
    return account_id


def _issuer(conn: Connection, bin_: str, at: str) -> str:
    return _ensure_account(conn, bin_, "0", ascii_upper(_BANKS[bin_].name), "issuer", at)


def _ensure_directory(conn: Connection, at: str) -> None:
    for payee in DIRECTORY.values():
        _ensure_account(conn, payee.bin, payee.number, payee.holder,
                        "merchant" if payee.key in _MERCHANTS else "person", at)


# --- what the app shows ----------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    reference: str
    at: str
    status: str  # done, pending
    payer_name: str
    payer_account: str  # masked
    payer_bank: str
    payee_name: str
    payee_account: str
    payee_bank: str
    amount: int
    message: str
    fee: int = 0


@dataclass(frozen=True)
class Draft:
    """The confirm screen: who gets the money, as the bank names them."""

    request_id: str
    payee_name: str
    payee_account: str
    payee_bank: str
    amount: int | None
    amount_fixed: bool  # a dynamic code fixes the amount
    message: str
    channel: str  # qr, account


@dataclass(frozen=True)
class MerchantCode:
    """A code a merchant shows on screen or on the counter, for the "pick a code" scan."""

    key: str
    title: str
    payload: str
    note: str  # what the sign beside the code says (Vietnamese source string)


@dataclass(frozen=True)
class Status:
    step: Step
    holder: str
    bank: str
    account: str
    balance: int
    draft: Draft | None
    receipt: Receipt | None
    pin_tries_left: int
    needs_biometric: bool
    scenario: dict[str, Any]
    #: The lesson's tasks done so far (:func:`completed_tasks`), for the app's checklist.
    done: frozenset[str] = frozenset()


def _hash(secret: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), 20_000).hex()


def _check_pin_format(pin: str) -> str:
    pin = pin.strip()
    if len(pin) != 6 or not pin.isascii() or not pin.isdigit():
        raise InvalidPin()
    return pin


def parse_amount(text: str | int) -> int:
    """What a resident types as an amount: digits, with dots, commas or spaces between.

    >>> parse_amount("35.000"), parse_amount("35 000 đ"), parse_amount(35000)
    (35000, 35000, 35000)
    """
    if isinstance(text, int) and not isinstance(text, bool):
        amount = text
    else:
        cleaned = str(text).strip().removesuffix("đ").removesuffix("VND").strip()
        cleaned = cleaned.replace(".", "").replace(",", "").replace(" ", "")
        if not cleaned.isascii() or not cleaned.isdigit():
            raise InvalidAmount(str(text))
        amount = int(cleaned)
    if amount <= 0:
        raise InvalidAmount(str(text))
    return amount


class BankSimulator(LearnerFlow):
    """One learner's bank app, over the store (plumbing: :class:`~.flow.LearnerFlow`)."""

    flow = FLOW
    lesson = LESSON
    steps = Step
    wrong_step = WrongStep

    def __init__(self, store: Store, clock: Clock, rng: random.Random, learner_id: str) -> None:
        super().__init__(store, clock, rng, learner_id)
        digest = hashlib.sha256(self.persona.persona_id.encode()).hexdigest()
        self.number = f"99{int(digest, 16) % 10**8:08d}"  # fictional: 10 digits from the persona
        self.account_id = _account_id(HOME_BANK.bin, self.number)
        self.holder = ascii_upper(self.persona.full_name)

    # -- plumbing ---------------------------------------------------------------------------

    def _fresh(self) -> dict[str, Any]:
        """The learner's shopping: drawn once, then kept (a reload shows the same bill)."""
        month = self.clock.now().month
        scenario = {
            "stall_amount": self.rng.randrange(20, 100) * 1000,
            "bill_amount": self.rng.randrange(150, 700) * 1000 + self.rng.choice((0, 500)),
            "bill_number": f"PE04{self.rng.randrange(10**8):08d}",
            "bill_month": month,
        }
        return {"step": Step.SETUP.value, "pin_fails": 0, "scenario": scenario}

    def _load(self, conn: Connection) -> dict[str, Any]:
        self._open(conn)  # the account exists before anything is read or done
        return super()._load(conn)

    def _open(self, conn: Connection) -> None:
        """The learner's account, opened with its starting balance on first use."""
        at = self._now()
        _ensure_directory(conn, at)
        exists = conn.execute(sa.select(bank_accounts.c.account_id)
                              .where(bank_accounts.c.account_id == self.account_id)).first()
        if exists is None:
            _ensure_account(conn, HOME_BANK.bin, self.number, self.holder, "customer", at,
                            self.learner_id)
            post(conn, self._reference(conn), [(_issuer(conn, HOME_BANK.bin, at),
                                                -OPENING_BALANCE),
                                               (self.account_id, OPENING_BALANCE)],
                 at=at, learner_id=self.learner_id)

    def _reference(self, conn: Connection) -> str:
        while True:
            ref = f"FT{self.clock.now():%y%j}{self.rng.randrange(10**7):07d}"
            taken = conn.execute(sa.select(ledger.c.seq).where(ledger.c.txn_ref == ref)).first()
            if taken is None:
                return ref

    # -- reading ----------------------------------------------------------------------------

    def status(self) -> Status:
        with self._reading() as (conn, state):
            amount = balance(conn, self.account_id)
            receipt = self._receipt(conn, state["receipt"]) if state.get("receipt") else None
        draft = Draft(**state["draft"]) if state.get("draft") else None
        done = frozenset(completed_tasks(
            learner_events(self.store, self.learner_id, self.lesson), self.lesson))
        return Status(Step(state["step"]), self.holder, HOME_BANK.name, self.number, amount,
                      draft, receipt, MAX_PIN_TRIES - state.get("pin_fails", 0),
                      bool(state.get("needs_biometric")), dict(state["scenario"]), done)

    def history(self) -> list[Receipt]:
        rows = self.store.read(sa.select(payments.c.request_id).where(
            payments.c.learner_id == self.learner_id).order_by(payments.c.created_at.desc()))
        with self.store.engine.connect() as conn:
            return [self._receipt(conn, row.request_id) for row in rows]

    def inbox(self) -> list[tuple[str, str, str]]:
        rows = self.store.read(sa.select(sms_inbox.c.sender, sms_inbox.c.body, sms_inbox.c.at)
                               .where((sms_inbox.c.learner_id == self.learner_id)
                                      & (sms_inbox.c.sender == SMS_SENDER))
                               .order_by(sms_inbox.c.seq))
        return [(r.sender, r.body, r.at) for r in rows]

    def _receipt(self, conn: Connection, request_id: str) -> Receipt:
        row = conn.execute(sa.select(payments, bank_accounts.c.holder, bank_accounts.c.bin,
                                     bank_accounts.c.number)
                           .join(bank_accounts,
                                 bank_accounts.c.account_id == payments.c.payee_account_id)
                           .where(payments.c.request_id == request_id)).one()
        return Receipt(
            reference=row.txn_ref, at=row.completed_at or row.created_at, status=row.status,
            payer_name=self.holder, payer_account=mask(self.number), payer_bank=HOME_BANK.name,
            payee_name=row.holder, payee_account=row.number, payee_bank=_BANKS[row.bin].name,
            amount=int(row.amount), message=row.message)

    def merchant_codes(self) -> list[MerchantCode]:
        """The codes of the lesson's market and bill, with any switched-on fault applied."""
        with self._reading() as (conn, state):
            armed = set(faults.armed(conn, self.learner_id))
        scenario = state["scenario"]
        stall = vietqr.build(bin=STALL.bin, account=STALL.number)
        shown = SCAMMER if "bank.swapped_qr" in armed else STALL
        stall = vietqr.build(bin=shown.bin, account=shown.number)
        if "bank.damaged_qr" in armed:
            stall = damage(stall, shown.number)
        bill = bill_code(scenario)
        return [
            MerchantCode("stall", STALL.title, stall, N_("Chủ tài khoản: HOANG THI HANH")),
            MerchantCode("power", POWER.title, bill,
                         N_("Hóa đơn tiền điện: quét mã để thanh toán đúng số tiền")),
            MerchantCode("fruit", FRUIT.title,
                         vietqr.build(bin=SCAMMER.bin, account=SCAMMER.number),
                         N_("Chủ tài khoản: PHAM THI LUA")),
        ]

    # -- first use --------------------------------------------------------------------------

    def set_pin(self, pin: str, again: str) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            new = _check_pin_format(pin)
            if new != again.strip():
                raise PinMismatch()
            state.update(pin_hash=_hash(new, self.learner_id), pin_fails=0,
                         step=Step.HOME.value)
            state.pop("reset", None)

        self._act("set_pin", act, Step.SETUP)
        return self.status()

    # -- paying -----------------------------------------------------------------------------

    def scan(self, payload: str) -> Status:
        """A scanned code's text (picked on screen, or read from a photo)."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._maintenance(conn)
            text = vietqr.compact(payload)
            if text in {damage(vietqr.build(bin=p.bin, account=p.number), p.number)
                        for p in (STALL, SCAMMER)}:
                faults.fire(conn, self.learner_id, "bank.damaged_qr")  # seen: shown whole again
            if not text.startswith("000201"):
                raise NotAPaymentCode()
            try:
                code = vietqr.parse(text)
            except vietqr.InvalidPayload as err:
                raise InvalidCode(err.detail, reason=str(err)) from err
            if not code.is_vietqr or code.account is None or code.bin is None:
                raise NotAPaymentCode()
            payee = self._payee(conn, code.bin, code.account)
            self._new_draft(state, payee, code.amount, code.purpose or "", "qr")
            state["draft_initiation"] = code.initiation

        self._act("scan", act, Step.HOME)
        return self.status()

    def scan_photo(self, image: bytes) -> Status:
        """A photo or screenshot of a code (the camera of the phone)."""
        from . import qrimage

        try:
            text = qrimage.decode_text(image)
        except SandboxError as err:
            with self.store.transaction() as conn:
                record(conn, self.clock, self.learner_id, self.lesson, "scan_photo", err.code)
            raise
        return self.scan(text)

    def start_transfer(self, bin_: str, number: str) -> Status:
        """Transfer by account number: the bank looks up the holder's name before anything."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._maintenance(conn)
            payee = self._payee(conn, bin_.strip(), "".join(number.split()))
            self._new_draft(state, payee, None, "", "account")
            state["draft_initiation"] = "account"

        self._act("start_transfer", act, Step.HOME)
        return self.status()

    def _maintenance(self, conn: Connection) -> None:
        if faults.fire(conn, self.learner_id, "bank.maintenance"):
            raise Maintenance()

    def _payee(self, conn: Connection, bin_: str, number: str) -> Any:
        if bin_ not in _BANKS:
            real = vietqr.BANKS.get(bin_)
            if real is not None:
                raise RealBank(bin_, bank=real)
            raise UnknownBank(bin_)
        row = conn.execute(sa.select(bank_accounts).where(
            (bank_accounts.c.bin == bin_) & (bank_accounts.c.number == number)
            & (bank_accounts.c.kind.in_(("merchant", "person"))))).first()
        if row is None:
            raise AccountNotFound()
        return row

    def _new_draft(self, state: dict[str, Any], payee: Any, amount: int | None, message: str,
                   channel: str) -> None:
        request_id = f"{self.rng.getrandbits(128):032x}"
        state["draft"] = {
            "request_id": request_id, "payee_name": payee.holder, "payee_account": payee.number,
            "payee_bank": _BANKS[payee.bin].name, "amount": amount,
            "amount_fixed": amount is not None, "message": message, "channel": channel}
        state["draft_payee"] = payee.account_id
        state["step"] = Step.CONFIRM.value
        state.pop("needs_biometric", None)

    def review(self, amount: str | int | None = None, message: str | None = None) -> Status:
        """«Tiếp tục» on the confirm screen: the amount (static codes) and the message."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            draft = state["draft"]
            if not draft["amount_fixed"]:
                if amount is None or str(amount).strip() == "":
                    raise InvalidAmount()
                draft["amount"] = parse_amount(amount)
            if message is not None:
                text = " ".join(message.split())
                if len(text) > MAX_MESSAGE:
                    raise InvalidMessage()
                draft["message"] = text
            if draft["amount"] > PER_TRANSACTION_LIMIT:
                raise OverLimit(limit=money(PER_TRANSACTION_LIMIT))
            if self._today_total(conn) + draft["amount"] > DAILY_LIMIT:
                raise OverLimit(limit=money(DAILY_LIMIT))
            state["step"] = Step.AUTH.value

        self._act("review", act, Step.CONFIRM)
        return self.status()

    def cancel(self) -> Status:
        """«Hủy» on the confirm or PIN screen: nothing is paid."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if state.get("draft_payee") == _account_id(SCAMMER.bin, SCAMMER.number):
                faults.fire(conn, self.learner_id, "bank.swapped_qr")
                self._record(conn, TASK_SWAPPED, OK, payee=SCAMMER.holder)
            self._clear_draft(state)

        self._act("cancel", act, Step.CONFIRM, Step.AUTH, Step.BIOMETRIC)
        return self.status()

    def _clear_draft(self, state: dict[str, Any]) -> None:
        for key in ("draft", "draft_payee", "draft_initiation", "needs_biometric"):
            state.pop(key, None)
        state["step"] = Step.HOME.value

    def _today_total(self, conn: Connection) -> int:
        today = self.clock.now().astimezone(VN_TZ).date().isoformat()
        rows = conn.execute(sa.select(payments.c.amount, payments.c.created_at)
                            .where(payments.c.learner_id == self.learner_id))
        return sum(int(r.amount) for r in rows
                   if datetime.fromisoformat(r.created_at).astimezone(VN_TZ).date().isoformat()
                   == today)

    def authorise(self, pin: str) -> Status:
        """The Smart OTP PIN; pays, or asks for the biometric check first."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            if faults.fire(conn, self.learner_id, "bank.pin_lockout"):
                state.update(pin_fails=MAX_PIN_TRIES, step=Step.LOCKED.value)
                raise PinLocked()
            if _hash(_check_pin_format(pin), self.learner_id) != state.get("pin_hash"):
                state["pin_fails"] = state.get("pin_fails", 0) + 1
                if state["pin_fails"] >= MAX_PIN_TRIES:
                    state["step"] = Step.LOCKED.value
                    raise PinLocked()
                raise WrongPin(remaining=MAX_PIN_TRIES - state["pin_fails"])
            state["pin_fails"] = 0
            amount = state["draft"]["amount"]
            if (amount > BIOMETRIC_PER_TRANSACTION
                    or self._today_total(conn) + amount > BIOMETRIC_PER_DAY):
                state.update(needs_biometric=True, step=Step.BIOMETRIC.value)
                return
            self._pay(conn, state)

        self._act("authorise", act, Step.AUTH)
        return self.status()

    def verify_biometric(self) -> Status:
        """The simulated chip read and face scan; nothing is captured, it always matches."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._pay(conn, state)

        self._act("biometric", act, Step.BIOMETRIC)
        return self.status()

    def _pay(self, conn: Connection, state: dict[str, Any]) -> None:
        draft = state["draft"]
        request_id = draft["request_id"]
        done = conn.execute(sa.select(payments.c.status)
                            .where(payments.c.request_id == request_id)).first()
        if done is None:  # a retried confirmation finds its payment and pays nothing more
            amount = int(draft["amount"])
            if (faults.fire(conn, self.learner_id, "bank.insufficient_balance")
                    or balance(conn, self.account_id) < amount):
                raise InsufficientBalance()
            at = self._now()
            ref = self._reference(conn)
            dropped = faults.fire(conn, self.learner_id, "bank.network_drop")
            post(conn, ref, [(self.account_id, -amount), (state["draft_payee"], amount)],
                 at=at, learner_id=self.learner_id)
            conn.execute(payments.insert().values(
                request_id=request_id, learner_id=self.learner_id, txn_ref=ref,
                payee_account_id=state["draft_payee"], amount=amount,
                message=draft["message"], channel=draft["channel"],
                status="pending" if dropped else "done", created_at=at,
                completed_at=None if dropped else at))
            self._evidence(conn, state, ref, amount)
            if dropped:
                state.update(step=Step.PENDING.value, receipt=request_id)
                raise ConnectionLost()
        state.update(step=Step.RECEIPT.value, receipt=request_id)

    def _record(self, conn: Connection, task: str, outcome: str, **detail: Any) -> None:
        """One event of a lesson's task in this app's lesson (the practice's, or a check's)."""
        record(conn, self.clock, self.learner_id, self.lesson, task, outcome, **detail)

    def _evidence(self, conn: Connection, state: dict[str, Any], ref: str, amount: int) -> None:
        """The lesson's tasks: which payee, which kind of code, which amount."""
        payee = state["draft_payee"]
        scenario = state["scenario"]
        kind = state.get("draft_initiation")
        if payee == _account_id(STALL.bin, STALL.number) and kind == "static":
            record(conn, self.clock, self.learner_id, LESSON, TASK_STATIC, OK, reference=ref,
                   amount=amount, asked=scenario["stall_amount"])
        elif payee == _account_id(POWER.bin, POWER.number) and kind == "dynamic":
            record(conn, self.clock, self.learner_id, LESSON, TASK_BILL, OK, reference=ref,
                   amount=amount, asked=scenario["bill_amount"])
        elif payee == _account_id(SCAMMER.bin, SCAMMER.number):
            faults.fire(conn, self.learner_id, "bank.swapped_qr")
            record(conn, self.clock, self.learner_id, LESSON, TASK_SWAPPED, "paid_scammer",
                   reference=ref, amount=amount)

    def refresh(self) -> Status:
        """«Kiểm tra lại» after a dropped connection: the pending payment resolves."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            conn.execute(payments.update().where(
                (payments.c.request_id == state["receipt"]) & (payments.c.status == "pending"))
                .values(status="done", completed_at=self._now()))
            state["step"] = Step.RECEIPT.value

        self._act("refresh", act, Step.PENDING)
        return self.status()

    def done(self) -> Status:
        """«Về trang chủ» from the receipt."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            self._clear_draft(state)
            state.pop("receipt", None)

        self._act("done", act, Step.RECEIPT)
        return self.status()

    def check_receipt(self, reference: str) -> Receipt:
        """The lesson asks for the bill's transaction reference, read off the receipt."""
        typed = "".join(reference.split()).upper()

        def act(conn: Connection, state: dict[str, Any]) -> Receipt:
            row = conn.execute(sa.select(payments.c.request_id, payments.c.payee_account_id)
                               .where((payments.c.learner_id == self.learner_id)
                                      & (payments.c.txn_ref == typed))).first()
            if row is None:
                raise WrongReference()
            receipt = self._receipt(conn, row.request_id)
            if row.payee_account_id == _account_id(POWER.bin, POWER.number):
                self._record(conn, TASK_RECEIPT, OK, reference=typed)
            return receipt

        return self._act("check_receipt_try", act)

    # -- Smart OTP locked: «Quên mã PIN» ------------------------------------------------------

    def request_pin_reset(self) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            code = f"{self.rng.randrange(10**6):06d}"
            state["reset"] = {"hash": _hash(code, self.learner_id), "sent_at": self._now()}
            conn.execute(sms_inbox.insert().values(
                learner_id=self.learner_id, sender=SMS_SENDER, at=self._now(),
                body=f"Ma OTP dat lai PIN Smart OTP cua Quy khach la {code}. "
                     "Tuyet doi khong cung cap ma nay cho bat ky ai."))

        self._act("pin_reset_request", act, Step.LOCKED)
        return self.status()

    def reset_pin(self, otp: str, pin: str, again: str) -> Status:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            reset: dict[str, str] = state.get("reset") or {}
            fresh = bool(reset) and (self.clock.now() - datetime.fromisoformat(reset["sent_at"])
                                     <= OTP_LIFETIME)
            if not fresh or _hash(otp.strip(), self.learner_id) != reset["hash"]:
                raise WrongOtp()
            new = _check_pin_format(pin)
            if new != again.strip():
                raise PinMismatch()
            state.update(pin_hash=_hash(new, self.learner_id), pin_fails=0)
            state.pop("reset", None)
            state["step"] = Step.AUTH.value if state.get("draft") else Step.HOME.value

        self._act("pin_reset", act, Step.LOCKED)
        return self.status()

    def top_up(self, amount: int) -> Status:
        """«Nhận tiền từ người thân» (sandbox): money issued by the bank, for practice."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            value = parse_amount(amount)
            if value > TOP_UP_MAX:
                raise OverLimit(limit=money(TOP_UP_MAX))
            at = self._now()
            post(conn, self._reference(conn),
                 [(_issuer(conn, HOME_BANK.bin, at), -value), (self.account_id, value)],
                 at=at, learner_id=self.learner_id)

        self._act("top_up", act)
        return self.status()


def bill_code(scenario: dict[str, Any]) -> str:
    """The dynamic code printed on a scenario's electricity bill (its amount fixed)."""
    return vietqr.build(
        bin=POWER.bin, account=POWER.number, amount=scenario["bill_amount"],
        bill_number=scenario["bill_number"],
        purpose=f"TIEN DIEN T{scenario['bill_month']} {scenario['bill_number'][-6:]}")


def bank_name(bin_: str) -> str:
    """The name of a sandbox bank (a source string), or of a real one from the BIN table."""
    sandbox = _BANKS.get(bin_)
    return sandbox.name if sandbox else vietqr.BANKS.get(bin_, bin_)


def _folded(text: str) -> str:
    return "".join(ch for ch in ascii_upper(text) if ch.isalnum())


def find_payment(conn: Connection, learner_id: str, payee: Payee, reference: str,
                 amount: int) -> Any:
    """The learner's payment of ``amount`` to ``payee`` whose message holds ``reference``.

    Spaces, case and punctuation in the message are ignored, as bank reconciliation does.
    Returns the ``payments`` row (``status`` pending or done), or ``None``.
    """
    rows = conn.execute(sa.select(payments).where(
        (payments.c.learner_id == learner_id)
        & (payments.c.payee_account_id == _account_id(payee.bin, payee.number))
        & (payments.c.amount == amount)).order_by(payments.c.created_at))
    wanted = _folded(reference)
    return next((row for row in rows if wanted in _folded(row.message)), None)


def refund(conn: Connection, learner_id: str, txn_ref: str, at: datetime) -> None:
    """Give a payment back (a refused dossier's fee): the reverse posting, once."""
    row = conn.execute(sa.select(payments).where(payments.c.txn_ref == txn_ref)).first()
    if row is None:
        return
    back = f"RF{txn_ref[2:]}"
    if conn.execute(sa.select(ledger.c.seq).where(ledger.c.txn_ref == back)).first():
        return
    payer = conn.execute(sa.select(ledger.c.account_id).where(
        (ledger.c.txn_ref == txn_ref) & (ledger.c.amount < 0))).scalar()
    post(conn, back, [(row.payee_account_id, -int(row.amount)), (str(payer), int(row.amount))],
         at=at.isoformat(), learner_id=learner_id)


def completed_tasks(events: Iterable[Event], lesson: str = LESSON) -> set[str]:
    """The payment lesson's tasks done, judged from its evidence as the hidden tests judge it
    (``lesson``: the payment check's, ``payment_check``, is judged the same way).

    * ``pay_static``: the stall paid by its static code, the amount the stall asked for;
    * ``pay_bill``: the electricity bill paid by its dynamic code (its amount is fixed);
    * ``refuse_swapped_qr``: the learner's latest attempt at the swapped code refused it at
      the confirm screen. Paying the scammer is a mistake the learner can make good: scan
      the code again and cancel. The payment stays in the evidence (``paid_scammer``), for
      the trainer; paying again after a refusal undoes the task;
    * ``check_receipt``: the bill's transaction reference typed back from the receipt.

    A wrong amount paid to the stall is no dead end either: paying the asked amount
    afterwards earns ``pay_static``.

    >>> from bakhong.simulators.evidence import Event
    >>> paid = Event(LESSON, TASK_STATIC, OK, "", {"amount": 45000, "asked": 45000})
    >>> sorted(completed_tasks([paid, Event(LESSON, TASK_SWAPPED, OK, "", {})]))
    ['pay_static', 'refuse_swapped_qr']
    >>> scammed = Event(LESSON, TASK_SWAPPED, "paid_scammer", "", {})
    >>> completed_tasks([scammed, Event(LESSON, TASK_SWAPPED, OK, "", {})])
    {'refuse_swapped_qr'}
    >>> completed_tasks([Event(LESSON, TASK_SWAPPED, OK, "", {}), scammed])
    set()
    """
    done: set[str] = set()
    refused_last = False
    for event in events:
        if event.lesson != lesson:
            continue
        if event.task == TASK_SWAPPED:
            refused_last = event.outcome == OK  # only the latest attempt at the drill counts
            continue
        if event.outcome != OK:
            continue
        if event.task in (TASK_STATIC, TASK_BILL):
            if event.detail.get("amount") == event.detail.get("asked"):
                done.add(event.task)
        elif event.task == TASK_RECEIPT:
            done.add(event.task)
    if refused_last:
        done.add(TASK_SWAPPED)
    return done


def damage(payload: str, account: str) -> str:
    """The code with one digit of the account changed: what a scratched sticker reads as.

    >>> good = vietqr.build(bin="999901", account="8801234567")
    >>> vietqr.is_valid(damage(good, "8801234567"))
    False
    """
    index = payload.index(account) + len(account) // 2
    swapped = "0" if payload[index] != "0" else "9"
    return payload[:index] + swapped + payload[index + 1:]
