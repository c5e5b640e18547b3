"""Dossiers of the sandbox portal: codes, the real status sequence, fees, and the officials.

A dossier moves through the statuses of the provincial one-stop system (``domain.md`` §3,
``TrangThaiHoSoId``), with an event for every change:

==  ============================================  =========================================
1   Mới đăng ký                                    submitted online, waiting to be received
2   Được tiếp nhận                                 received; the appointment date is set
3   Không được tiếp nhận                           refused at reception, with the reason
4   Đang xử lý                                     being processed
5   Yêu cầu bổ sung giấy tờ                        the citizen must add a document
6   Yêu cầu thực hiện nghĩa vụ tài chính           fees or taxes due during processing
7   Công dân yêu cầu rút hồ sơ                     withdrawn by the citizen
8   Dừng xử lý                                     processing stopped, with the reason
9   Đã xử lý xong                                  done
10  Đã trả kết quả                                 the result is in the citizen's store
==  ============================================  =========================================

An online dossier cannot be received while a fee is unpaid («Hồ sơ có phí/lệ phí chờ
thanh toán»), and only a dossier in status 1 can be received («Hồ sơ không ở trạng thái
chờ tiếp nhận»). The officials are played by the simulator on a schedule: each step is
due :data:`OFFICIAL_DELAY` after the previous one and is applied the next time anyone
reads the dossier (:func:`advance`), so everything follows the injected clock. A trainer
acts at once through :func:`official_action` (``bakhong official``).

Dossier codes are ``{unit}-{yyMMdd}-{NNNN}`` with the sequence restarting every day for
each unit (``GenerateMaHoSo.cs``); the unit is ``H56.<commune code>`` (H56: Thanh Hóa).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import workdays
from .clock import VN_TZ, Clock
from .errors import N_, SandboxError
from .store import dossier_events, dossier_files, dossiers, fee_requests, sms_inbox

__all__ = [
    "OFFICIAL_DELAY", "STATUS", "Dossier", "DossierEvent", "FeeRequest", "Hooks",
    "NotAwaitingReceipt", "UnpaidFee", "advance", "load", "new_code", "official_action",
]

OFFICIAL_DELAY = timedelta(seconds=30)
"""How long the simulated official takes for each step (a lesson lasts half an hour)."""

STATUS: dict[int, str] = {
    1: N_("Mới đăng ký"), 2: N_("Được tiếp nhận"), 3: N_("Không được tiếp nhận"),
    4: N_("Đang xử lý"), 5: N_("Yêu cầu bổ sung giấy tờ"),
    6: N_("Yêu cầu thực hiện nghĩa vụ tài chính"), 7: N_("Công dân yêu cầu rút hồ sơ"),
    8: N_("Dừng xử lý"), 9: N_("Đã xử lý xong"), 10: N_("Đã trả kết quả"),
}
FINAL = frozenset({3, 7, 8, 10})
FEE_STATE: dict[str, str] = {
    "unpaid": N_("Chưa thanh toán"), "waiting": N_("Chờ thanh toán"),
    "paid": N_("Đã thanh toán"), "cancelled": N_("Đã hủy"), "refunded": N_("Đã hoàn tiền"),
}
SUB_ASKED = N_("Yêu cầu công dân bổ sung")
SUB_WAITING = N_("Chờ bổ sung tiếp nhận")
SMS_SENDER = "DichVuCong"

#: The notes the officials write, verbatim where the source gives them.
RECEIVED = N_("Tiếp nhận hồ sơ trực tuyến. Hẹn trả kết quả ngày {date}.")
REFUSED = N_("Từ chối tiếp nhận hồ sơ: {reason}")
PROCESSING = N_("Chuyển xử lý.")
SUPPLEMENT = N_("Yêu cầu bổ sung: {reason}")
SUPPLEMENT_IN = N_("Công dân đã bổ sung giấy tờ.")
SUPPLEMENT_ACCEPTED = N_("Tiếp nhận hồ sơ bổ sung, tiếp tục xử lý.")
DONE = N_("Đã xử lý xong.")
RETURNED = N_("Kết quả đã được gửi vào Kho dữ liệu cá nhân của công dân.")
STOPPED = N_("Dừng xử lý: {reason}")
FEE_BLOCKS = N_("Hồ sơ có phí/lệ phí chờ thanh toán")


class DossierError(SandboxError):
    code = "dossier.error"


class UnknownDossier(DossierError):
    code = "dossier.unknown"
    message = N_("Không tìm thấy hồ sơ có mã này.")


class UnpaidFee(DossierError):
    code = "dossier.fee_unpaid"
    message = N_("Hồ sơ có phí/lệ phí chờ thanh toán.")


class NotAwaitingReceipt(DossierError):
    code = "dossier.not_awaiting_receipt"
    message = N_("Hồ sơ không ở trạng thái chờ tiếp nhận.")


class NotAllowedNow(DossierError):
    code = "dossier.not_allowed"
    message = N_("Hồ sơ đang ở trạng thái «{status}»: thao tác này chưa làm được.")


@dataclass(frozen=True)
class DossierEvent:
    status: int
    actor: str  # citizen, official, system
    note: str  # a source string; translate it, then format it with ``params``
    params: dict[str, str]
    at: str


@dataclass(frozen=True)
class FeeRequest:
    fee_id: str
    amount: int
    items: tuple[tuple[str, int], ...]
    state: str  # unpaid, waiting, paid, cancelled
    txn_ref: str | None
    paid_at: str | None


@dataclass(frozen=True)
class Dossier:
    code: str
    learner_id: str
    procedure: str
    status: int
    substate: str | None
    form: dict[str, Any]
    plan: dict[str, Any]
    submitted_at: str
    received_at: str | None
    appointment: str | None
    next_action_at: str | None
    events: tuple[DossierEvent, ...]
    fee: FeeRequest | None
    files: tuple[tuple[str, str], ...]  # (role, doc_id)

    @property
    def status_title(self) -> str:
        return STATUS[self.status]

    def file(self, role: str) -> str | None:
        return next((doc for r, doc in reversed(self.files) if r == role), None)


def unit_of(commune_code: str | None) -> str:
    """The receiving unit's code for a commune: ``H56.<commune code>`` (H56: Thanh Hóa)."""
    return f"H56.{commune_code or '00000'}"


def new_code(conn: Connection, unit: str, at: datetime) -> str:
    """``{unit}-{yyMMdd}-{NNNN}``: the next number of the day for this unit.

    >>> from bakhong.simulators.store import Store
    >>> from datetime import datetime
    >>> store = Store.open("sqlite://")
    >>> with store.transaction() as conn:
    ...     new_code(conn, "H56.15772", datetime(2026, 12, 1, 9))
    'H56.15772-261201-0001'
    """
    day = at.astimezone(VN_TZ) if at.tzinfo else at
    prefix = f"{unit}-{day:%y%m%d}-"
    taken = conn.execute(sa.select(sa.func.count()).select_from(dossiers).where(
        dossiers.c.dossier_code.like(prefix + "%"))).scalar() or 0
    return f"{prefix}{int(taken) + 1:04d}"


def fee_code(dossier_code: str) -> str:
    """The fee request's code: ``LP``, the receiving commune, the day and the number, so two
    communes' first dossiers of a day never share one (it goes in a VietQR bill number).

    >>> fee_code("H56.15772-261201-0001")
    'LP157722612010001'
    """
    unit, day, number = dossier_code.split("-")
    return f"LP{unit.rsplit('.', 1)[-1]}{day}{number}"


# -- reading --------------------------------------------------------------------------------

def load(conn: Connection, code: str) -> Dossier:
    row = conn.execute(sa.select(dossiers).where(dossiers.c.dossier_code == code)).first()
    if row is None:
        raise UnknownDossier(code)
    events = tuple(DossierEvent(int(r.status), r.actor, r.note, json.loads(r.params), r.at)
                   for r in conn.execute(
        sa.select(dossier_events).where(dossier_events.c.dossier_code == code)
        .order_by(dossier_events.c.seq)))
    fee_row = conn.execute(sa.select(fee_requests).where(
        fee_requests.c.dossier_code == code)).first()
    fee = None if fee_row is None else FeeRequest(
        fee_row.fee_id, int(fee_row.amount),
        tuple((str(t), int(a)) for t, a in json.loads(fee_row.items)), fee_row.state,
        fee_row.txn_ref, fee_row.paid_at)
    files = tuple((r.role, r.doc_id) for r in conn.execute(
        sa.select(dossier_files.c.role, dossier_files.c.doc_id)
        .where(dossier_files.c.dossier_code == code).order_by(dossier_files.c.added_at)))
    return Dossier(row.dossier_code, row.learner_id, row.procedure, int(row.status),
                   row.substate, json.loads(row.form), json.loads(row.plan), row.submitted_at,
                   row.received_at, row.appointment, row.next_action_at, events, fee, files)


def codes_of(conn: Connection, learner_id: str | None = None) -> list[str]:
    query = sa.select(dossiers.c.dossier_code).order_by(dossiers.c.submitted_at.desc())
    if learner_id is not None:
        query = query.where(dossiers.c.learner_id == learner_id)
    return [r[0] for r in conn.execute(query)]


# -- writing --------------------------------------------------------------------------------

def _event(conn: Connection, dossier: Dossier, status: int, actor: str, note: str,
           at: datetime, **params: str) -> None:
    conn.execute(dossier_events.insert().values(
        dossier_code=dossier.code, learner_id=dossier.learner_id, status=status, actor=actor,
        note=note, params=json.dumps(params, ensure_ascii=False), at=at.isoformat()))


def _update(conn: Connection, code: str, **values: Any) -> None:
    if "plan" in values:
        values["plan"] = json.dumps(values["plan"], ensure_ascii=False, sort_keys=True)
    conn.execute(dossiers.update().where(dossiers.c.dossier_code == code).values(**values))


def _sms(conn: Connection, learner_id: str, body: str, at: datetime) -> None:
    conn.execute(sms_inbox.insert().values(learner_id=learner_id, sender=SMS_SENDER, body=body,
                                           at=at.isoformat()))


def create(conn: Connection, *, code: str, learner_id: str, procedure: str, request_id: str,
           form: dict[str, Any], plan: dict[str, Any], fee_items: list[tuple[str, int]],
           at: datetime) -> None:
    """A new dossier in status 1, its fee request, and the first event."""
    conn.execute(dossiers.insert().values(
        dossier_code=code, learner_id=learner_id, procedure=procedure, request_id=request_id,
        status=1, form=json.dumps(form, ensure_ascii=False, sort_keys=True),
        plan=json.dumps(plan, ensure_ascii=False, sort_keys=True), submitted_at=at.isoformat(),
        next_action_at=(at + OFFICIAL_DELAY).isoformat()))
    conn.execute(dossier_events.insert().values(
        dossier_code=code, learner_id=learner_id, status=1, actor="citizen",
        note=N_("Nộp hồ sơ trực tuyến."), at=at.isoformat()))
    total = sum(amount for _, amount in fee_items)
    if total:
        conn.execute(fee_requests.insert().values(
            fee_id=fee_code(code), dossier_code=code,
            learner_id=learner_id, amount=total,
            items=json.dumps(fee_items, ensure_ascii=False), state="unpaid"))


def attach(conn: Connection, dossier: Dossier, doc_id: str, role: str, at: datetime) -> None:
    conn.execute(dossier_files.insert().values(
        dossier_code=dossier.code, doc_id=doc_id, learner_id=dossier.learner_id, role=role,
        added_at=at.isoformat()))


def set_fee(conn: Connection, fee_id: str, state: str, *, at: datetime,
            txn_ref: str | None = None) -> None:
    values: dict[str, Any] = {"state": state}
    if state == "paid":
        values.update(txn_ref=txn_ref, paid_at=at.isoformat())
    conn.execute(fee_requests.update().where(fee_requests.c.fee_id == fee_id).values(**values))


def fee_paid(conn: Connection, dossier: Dossier, at: datetime) -> None:
    """The fee is paid: the official can receive the dossier at the next step."""
    if dossier.status == 1:
        _update(conn, dossier.code, next_action_at=(at + OFFICIAL_DELAY).isoformat())


# -- the officials --------------------------------------------------------------------------

@dataclass(frozen=True)
class Hooks:
    """What the portal does for the officials: the result documents (their doc ids) when a
    dossier is done, and the refund of a paid fee when it is refused."""

    results: Callable[[Connection, Dossier, datetime], list[str]]
    refund: Callable[[Connection, Dossier, datetime], None]


def _receive(conn: Connection, d: Dossier, at: datetime) -> None:
    if d.status != 1:
        raise NotAwaitingReceipt(d.code)
    if d.fee is not None and d.fee.state != "paid":
        raise UnpaidFee(d.code)
    from .procedures import by_code

    procedure = by_code(d.procedure)
    due = workdays.appointment(datetime.fromisoformat(d.submitted_at), procedure.days)
    _update(conn, d.code, status=2, received_at=at.isoformat(), appointment=due.isoformat(),
            next_action_at=(at + OFFICIAL_DELAY).isoformat())
    _event(conn, d, 2, "official", RECEIVED, at, date=f"{due:%d/%m/%Y}")
    _sms(conn, d.learner_id, f"Ho so {d.code} da duoc tiep nhan. Hen tra ket qua ngay "
         f"{due:%d/%m/%Y}. Tra cuu tai Cong DVC (mo phong).", at)


def _refuse(conn: Connection, d: Dossier, reason: str, at: datetime, hooks: Hooks) -> None:
    if d.status != 1:
        raise NotAwaitingReceipt(d.code)
    _update(conn, d.code, status=3, next_action_at=None)
    _event(conn, d, 3, "official", REFUSED, at, reason=reason)
    if d.fee is not None and d.fee.state == "paid":
        hooks.refund(conn, d, at)
        set_fee(conn, d.fee.fee_id, "refunded", at=at)
    elif d.fee is not None:
        set_fee(conn, d.fee.fee_id, "cancelled", at=at)


def _ask_supplement(conn: Connection, d: Dossier, reason: str, at: datetime) -> None:
    if d.status not in (2, 4):
        raise NotAllowedNow(d.code, status=STATUS[d.status])
    plan = {**d.plan, "supplement": "asked", "supplement_reason": reason}
    _update(conn, d.code, status=5, substate=SUB_ASKED, plan=plan, next_action_at=None)
    _event(conn, d, 5, "official", SUPPLEMENT, at, reason=reason)
    _sms(conn, d.learner_id, f"Ho so {d.code} can bo sung giay to. Vui long vao Cong DVC "
         "(mo phong), muc Ho so cua toi.", at)


def _finish(conn: Connection, d: Dossier, at: datetime, hooks: Hooks) -> None:
    if d.status not in (2, 4):
        raise NotAllowedNow(d.code, status=STATUS[d.status])
    _update(conn, d.code, status=9, next_action_at=None)
    _event(conn, d, 9, "official", DONE, at)
    for doc_id in hooks.results(conn, d, at):
        attach(conn, d, doc_id, "result", at)
    _update(conn, d.code, status=10)
    _event(conn, d, 10, "system", RETURNED, at)
    _sms(conn, d.learner_id, f"Ho so {d.code} da co ket qua. Ket qua da duoc gui vao Kho du "
         "lieu ca nhan tren Cong DVC (mo phong).", at)


def _stop(conn: Connection, d: Dossier, reason: str, at: datetime) -> None:
    if d.status in FINAL:
        raise NotAllowedNow(d.code, status=STATUS[d.status])
    _update(conn, d.code, status=8, substate=None, next_action_at=None)
    _event(conn, d, 8, "official", STOPPED, at, reason=reason)


def _scheduled_step(conn: Connection, d: Dossier, at: datetime, hooks: Hooks) -> None:
    """What the official does when the dossier's next step is due."""
    if d.status == 1:
        if d.plan.get("refuse"):
            _refuse(conn, d, str(d.plan["refuse"]), at, hooks)
        elif d.fee is not None and d.fee.state != "paid":
            if not d.plan.get("fee_noted"):  # the official tried: a note, once
                _event(conn, d, 1, "official", FEE_BLOCKS, at)
            _update(conn, d.code, next_action_at=None,
                    plan={**d.plan, "fee_noted": True})  # resumes when paid (fee_paid)
        else:
            _receive(conn, d, at)
    elif d.status == 2:
        _update(conn, d.code, status=4, next_action_at=(at + OFFICIAL_DELAY).isoformat())
        _event(conn, d, 4, "official", PROCESSING, at)
    elif d.status == 4:
        if d.plan.get("supplement") == "due":
            _ask_supplement(conn, d, str(d.plan.get("supplement_reason", "")), at)
        else:
            _finish(conn, d, at, hooks)
    elif d.status == 5 and d.substate == SUB_WAITING:
        _update(conn, d.code, status=4, substate=None,
                plan={**d.plan, "supplement": "answered"},
                next_action_at=(at + OFFICIAL_DELAY).isoformat())
        _event(conn, d, 4, "official", SUPPLEMENT_ACCEPTED, at)


def advance(conn: Connection, clock: Clock, code: str, hooks: Hooks) -> Dossier:
    """Apply every scheduled step that is due by now; return the dossier as it stands."""
    now = clock.now()
    for _ in range(12):  # more steps than any dossier has
        d = load(conn, code)
        if d.status in FINAL or d.next_action_at is None:
            return d
        due = datetime.fromisoformat(d.next_action_at)
        if due > now:
            return d
        _scheduled_step(conn, d, due, hooks)
    return load(conn, code)


def answer_supplement(conn: Connection, d: Dossier, doc_id: str, role: str,
                      at: datetime) -> None:
    """The citizen adds the document asked for: waiting for the official to take it in."""
    if d.status != 5 or d.substate != SUB_ASKED:
        raise NotAllowedNow(d.code, status=STATUS[d.status])
    attach(conn, d, doc_id, role, at)
    _update(conn, d.code, substate=SUB_WAITING, next_action_at=(at + OFFICIAL_DELAY).isoformat())
    _event(conn, d, 5, "citizen", SUPPLEMENT_IN, at)


OfficialAction = str
#: What a trainer can do as the official (``bakhong official WORKSHOP DOSSIER ACTION``).
ACTIONS = ("receive", "supplement", "approve", "refuse", "stop")


def official_action(conn: Connection, clock: Clock, code: str, action: OfficialAction,
                    hooks: Hooks, reason: str = "") -> Dossier:
    """A trainer playing the official (``bakhong official``, later the dashboard): at once."""
    d = advance(conn, clock, code, hooks)
    now = clock.now()
    if action == "receive":
        _receive(conn, d, now)
    elif action == "supplement":
        _ask_supplement(conn, d, reason or N_("Bổ sung giấy tờ theo hướng dẫn của cán bộ."), now)
    elif action == "approve":
        if d.status == 5:
            raise NotAllowedNow(d.code, status=STATUS[d.status])
        if d.status == 1:
            _receive(conn, d, now)
            d = load(conn, code)
        _finish(conn, d, now, hooks)
    elif action == "refuse":
        _refuse(conn, d, reason or N_("Hồ sơ không đúng thẩm quyền giải quyết."), now, hooks)
    elif action == "stop":
        _stop(conn, d, reason or N_("Theo yêu cầu của cơ quan có thẩm quyền."), now)
    else:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    return load(conn, code)

