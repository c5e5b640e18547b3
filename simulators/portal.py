"""The public-service portal as one learner sees it: single sign-on with VNeID, forms
prefilled from the registry, dossiers, fees paid through the bank sandbox, supplements,
and results in the learner's document store («Kho dữ liệu cá nhân»).

Once-only (Quyết định 942/QĐ-TTg: "người dân chỉ phải khai báo, cung cấp dữ liệu một
lần"): every field the state already holds is prefilled with its source (the National
Population Database, the residence database) and shown read-only; the learner confirms
it, or opens it to correct it. A field opened and left with the same value was *retyped*,
which the lesson counts against; a different value is a *correction*, kept with the
prefilled value it replaced. Fields the registry cannot know (the newborn's name, date
and place of birth) are typed and checked (:func:`check_value`).

The lesson's scenario is drawn once per learner (:meth:`PortalSimulator.scenario`): a
baby born a few days ago into the persona's household, the parents (the persona and a
spouse, or, for an older persona, a grown-up child and a spouse: grandparents file for
their grandchildren), the health facility, and a phone photo of the Giấy chứng sinh that
is too blurred to read. The official asks for a clear one (status 5); the hospital's
electronic copy then appears in the store.

Every request of the learner goes through :meth:`PortalSimulator._act`: one transaction
that checks the session, applies the officials' due steps, records the outcome as
evidence and keeps whatever changed before a refusal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import bank, dossiers, faults, newborn, procedures, registry, vietqr, vneid
from .clock import VN_TZ
from .dossiers import Dossier
from .errors import N_, SandboxError
from .evidence import OK, Event, record
from .flow import LearnerFlow, Refusal
from .forms import check_value
from .procedures import NEWBORN_BUNDLE, Procedure
from .store import documents, dossier_events, dossier_files, learners, sms_inbox
from .store import dossiers as dossier_table

__all__ = [
    "LESSON", "DocumentInfo", "Draft", "PaymentOrder", "PortalSimulator", "PortalStatus",
    "check_value", "completed_tasks",
]

LESSON = "portal"
FLOW = "portal"
SESSION_IDLE = timedelta(minutes=30)  # [U]: the real portal's idle timeout is unpublished
SOURCES = {"dan_cu": N_("Cơ sở dữ liệu quốc gia về dân cư"),
           "cu_tru": N_("Cơ sở dữ liệu về cư trú")}
#: Sources of papers the state issued (a receipt, a result): never an attachment to a request.
ISSUED_BY_AUTHORITIES = ("portal", "authority")
NOT_A_CERTIFICATE = N_("Giấy tờ đính kèm không phải Giấy chứng sinh. Đề nghị bổ sung Giấy chứng "
                       "sinh do cơ sở y tế cấp.")
BLURRED_REASON = N_("Ảnh chụp Giấy chứng sinh bị mờ, không đọc được số và tên cơ sở y tế. "
                    "Đề nghị bổ sung bản rõ nét (bản điện tử của cơ sở y tế).")

#: Task names the portal lesson's hidden tests check.
TASK_LOGIN = "login"
TASK_SUBMIT = "submit_bundle"
TASK_FEE = "pay_fee"
TASK_SUPPLEMENT = "answer_supplement"
TASK_RESULT = "download_result"
TASK_ONCE_ONLY = "once_only"  # derived: the bundle filed with no prefilled field retyped
LESSON_TASKS = (TASK_LOGIN, TASK_SUBMIT, TASK_FEE, TASK_SUPPLEMENT, TASK_RESULT)


# -- refusals ------------------------------------------------------------------------------

class PortalError(SandboxError):
    code = "portal.error"


class NotLoggedIn(PortalError):
    code = "portal.not_logged_in"
    message = N_("Hãy đăng nhập bằng tài khoản định danh điện tử (VNeID).")


class SessionExpired(PortalError):
    code = "portal.session_expired"
    message = N_("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại; hồ sơ đang khai vẫn "
                 "được giữ.")


class ConnectionLost(PortalError):
    code = "portal.connection_lost"
    message = N_("Mất kết nối khi đang nộp hồ sơ. Hãy bấm «Nộp hồ sơ» lần nữa: hồ sơ sẽ "
                 "không bị nộp hai lần.")


class InvalidForm(PortalError):
    """Some fields of a step are wrong; ``errors`` maps each field to its message."""

    code = "portal.invalid_form"
    message = N_("Có thông tin chưa đúng. Hãy xem dòng báo đỏ dưới từng ô.")

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


class MissingAttachment(PortalError):
    code = "portal.missing_attachment"
    message = N_("Hãy đính kèm «{title}» trước khi nộp hồ sơ.")


class FormIncomplete(PortalError):
    code = "portal.form_incomplete"
    message = N_("Hãy khai đủ các bước của tờ khai trước khi nộp hồ sơ.")


class NoFee(PortalError):
    code = "portal.no_fee"
    message = N_("Hồ sơ này không có phí, lệ phí phải nộp.")


class AlreadyPaid(PortalError):
    code = "portal.already_paid"
    message = N_("Phí, lệ phí của hồ sơ này đã được thanh toán.")


class PaymentNotFound(PortalError):
    code = "portal.payment_not_found"
    message = N_("Chưa nhận được thanh toán cho hồ sơ này. Nếu đã chuyển khoản, hãy kiểm tra "
                 "nội dung có ghi mã {fee_id} và số tiền {amount}.")


class PaymentPending(PortalError):
    code = "portal.payment_pending"
    message = N_("Giao dịch đang được ngân hàng xử lý. Hãy mở ứng dụng ngân hàng, bấm "
                 "«Kiểm tra lại», rồi quay lại đây.")


class LeftBeforeResult(PortalError):
    code = "portal.left_before_result"
    message = N_("Bạn đã rời trang thanh toán trước khi có «Kết quả giao dịch thành công». "
                 "Phí vẫn ở trạng thái «Chờ thanh toán»: hãy bấm «Kiểm tra kết quả thanh toán».")


class StillIllegible(PortalError):
    code = "portal.still_illegible"
    message = N_("Giấy tờ bạn chọn vẫn là ảnh mờ. Hãy chọn bản điện tử cơ sở y tế đã gửi vào "
                 "Kho dữ liệu, hoặc chụp lại cho rõ.")


class WrongDocument(PortalError):
    code = "portal.wrong_document"
    message = N_("Giấy tờ này không phải giấy tờ được yêu cầu (biên lai và kết quả do cơ quan "
                 "cấp không dùng để đính kèm). Hãy chọn đúng giấy tờ.")


class NotYourDocument(PortalError):
    code = "portal.not_your_document"
    message = N_("Không tìm thấy giấy tờ này trong Kho dữ liệu của bạn.")


class WrongStep(PortalError):
    code = "portal.wrong_step"
    message = N_("Thao tác này chưa thực hiện được ở bước hiện tại. Hãy làm theo màn hình.")


# -- what the portal shows -----------------------------------------------------------------

@dataclass(frozen=True)
class PortalStatus:
    logged_in: bool
    level: int
    holder: str
    drafts: dict[str, int]  # procedure code -> step reached


@dataclass(frozen=True)
class Draft:
    """A form being filled: values, their sources, and where the learner stands."""

    procedure: Procedure
    step: int  # the step on show; == len(steps) on the review page
    values: dict[str, str]
    prefilled: dict[str, str]  # the registry's values, for fields with a source
    retyped: tuple[str, ...]
    corrected: dict[str, str]  # field -> the prefilled value it replaced
    files: dict[str, str]  # attachment key -> doc id
    fee_items: tuple[tuple[str, int], ...]

    @property
    def at_review(self) -> bool:
        return self.step >= len(self.procedure.steps)


@dataclass(frozen=True)
class PaymentOrder:
    fee_id: str
    amount: int
    items: tuple[tuple[str, int], ...]
    payload: str  # the dynamic VietQR code of the fee
    bank: str
    account: str
    holder: str
    content: str  # what to write as the transfer message


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    title: str
    filename: str
    mime: str
    source: str
    legible: bool
    created_at: str


T = TypeVar("T")


def completed_tasks(events: list[Event]) -> set[str]:
    """The portal lesson's tasks done, as its hidden tests judge them.

    ``once_only`` is done when the newborn bundle was submitted and no prefilled field was
    retyped in it (a correction to another value is allowed). A retyped form is no dead
    end: the procedure's page offers «Nộp hồ sơ trực tuyến» again, and a bundle filed
    afterwards without retyping earns it; the retyped one stays in the evidence (its
    ``retyped`` fields) for the trainer. Every other refusal (a wrong password, a field
    refused, a fee not found, an illegible supplement) blocks nothing: the same action
    done right afterwards earns its task.

    >>> def filed(*retyped: str) -> Event:
    ...     return Event(LESSON, TASK_SUBMIT, OK, "", {"procedure": NEWBORN_BUNDLE,
    ...                                                "retyped": list(retyped)})
    >>> sorted(completed_tasks([filed()]))
    ['once_only', 'submit_bundle']
    >>> sorted(completed_tasks([filed("requester_name")]))
    ['submit_bundle']
    >>> sorted(completed_tasks([filed("requester_name"), filed()]))
    ['once_only', 'submit_bundle']
    """
    done: set[str] = set()
    for event in events:
        if event.lesson != LESSON or event.outcome != OK or event.task not in LESSON_TASKS:
            continue
        if event.task == TASK_SUBMIT:
            if event.detail.get("procedure") != NEWBORN_BUNDLE:
                continue
            if not event.detail.get("retyped"):
                done.add(TASK_ONCE_ONLY)
        done.add(event.task)
    return done


#: The portal's actions that need no open session.
_OUTSIDE_SESSION = frozenset({TASK_LOGIN, "logout", "download"})


class PortalSimulator(LearnerFlow):
    """One learner's use of the sandbox portal (plumbing: :class:`~.flow.LearnerFlow`).

    The portal has no single screen step: an action is refused when the session is closed
    or has expired instead (login, logout and downloads need none).
    """

    flow = FLOW
    lesson = LESSON
    #: The evidence's task of «Nộp hồ sơ» (filing a dossier): a check's differs, its lesson's
    #: ``submit`` being the hand-in («Nộp bài», :mod:`.checks`).
    file_task: ClassVar[str] = "submit"

    # -- plumbing ----------------------------------------------------------------------

    def _fresh(self) -> dict[str, Any]:
        return {"logged_in": False, "drafts": {}}

    def _prepare(self, conn: Connection, state: dict[str, Any]) -> None:
        self._ensure_scenario(conn, state)

    def _check(self, conn: Connection, state: dict[str, Any], task: str,
               allowed: tuple[StrEnum, ...]) -> None:
        if task not in _OUTSIDE_SESSION:
            self._session(conn, state)

    def _facts(self, state: dict[str, Any], refusal: Refusal | None,
               detail: Mapping[str, Any]) -> dict[str, Any]:
        facts = dict(detail)
        if isinstance(refusal, InvalidForm):
            facts["fields"] = sorted(refusal.errors)
        return facts

    def _session(self, conn: Connection, state: dict[str, Any]) -> None:
        if not state.get("logged_in"):
            raise NotLoggedIn()
        last = datetime.fromisoformat(state["session_at"])
        if (self.clock.now() - last > SESSION_IDLE
                or faults.fire(conn, self.learner_id, "portal.session_expired")):
            state["logged_in"] = False
            raise SessionExpired()
        state["session_at"] = self.clock.now().isoformat()

    # -- the scenario ------------------------------------------------------------------

    def _ensure_scenario(self, conn: Connection, state: dict[str, Any]) -> None:
        """The lesson's newborn, drawn once; the blurred photo of its certificate is stored."""
        if "scenario" in state:
            return
        from . import civil_papers

        scenario = newborn.draw(conn, self.rng, self.persona,
                                self.clock.now().astimezone(VN_TZ).date())
        state["scenario"] = scenario
        mother = self._people(conn, state)["mother"]
        content = civil_papers.birth_certificate(**newborn.certificate_args(scenario, mother),
                                           legible=False)
        self._store_document(conn, N_("Ảnh chụp Giấy chứng sinh"), "anh-giay-chung-sinh.pdf",
                             "application/pdf", content, "citizen", legible=False)

    def _people(self, conn: Connection, state: dict[str, Any]) -> dict[str, registry.Persona]:
        scenario = state["scenario"]
        found = {p.persona_id: p for p in registry.household_members(
            conn, self.persona.household_id)}
        return {"self": self.persona, "mother": found[scenario["mother"]],
                "father": found[scenario["father"]]}

    def scenario(self) -> dict[str, Any]:
        """What the lesson's card tells the learner: the baby and the parents."""
        def read(conn: Connection, state: dict[str, Any]) -> dict[str, Any]:
            people = self._people(conn, state)
            s = state["scenario"]
            return {**s, "mother_name": people["mother"].full_name,
                    "father_name": people["father"].full_name,
                    "child_birth_date": f"{datetime.fromisoformat(s['child_birth']):%d/%m/%Y}"}
        return self._read(read)

    # -- documents ---------------------------------------------------------------------

    def _store_document(self, conn: Connection, title: str, filename: str, mime: str,
                        content: bytes, source: str, *, legible: bool = True,
                        in_store: bool = True) -> str:
        doc_id = f"D{self.rng.getrandbits(64):016x}"
        conn.execute(documents.insert().values(
            doc_id=doc_id, learner_id=self.learner_id, title=title, filename=filename,
            mime=mime, content=content, source=source, legible=int(legible),
            in_store=int(in_store), created_at=self.clock.now().isoformat()))
        return doc_id

    def _own_document(self, conn: Connection, doc_id: str) -> Any:
        row = conn.execute(sa.select(documents).where(
            (documents.c.doc_id == doc_id) & (documents.c.learner_id == self.learner_id))).first()
        if row is None:
            raise NotYourDocument(doc_id)
        return row

    def documents(self) -> list[DocumentInfo]:
        """«Kho dữ liệu cá nhân»: newest first."""
        def read(conn: Connection, state: dict[str, Any]) -> list[DocumentInfo]:
            for code in self._dossier_codes(conn, state):
                self._advance(conn, code)
            rows = conn.execute(sa.select(
                documents.c.doc_id, documents.c.title, documents.c.filename, documents.c.mime,
                documents.c.source, documents.c.legible, documents.c.created_at)
                .where((documents.c.learner_id == self.learner_id) & (documents.c.in_store == 1))
                .order_by(documents.c.created_at.desc(), documents.c.doc_id))
            return [DocumentInfo(r.doc_id, r.title, r.filename, r.mime, r.source,
                                 bool(r.legible), r.created_at) for r in rows]
        return self._read(read)

    def document(self, doc_id: str) -> tuple[DocumentInfo, bytes]:
        with self.store.engine.connect() as conn:
            row = self._own_document(conn, doc_id)
        return (DocumentInfo(row.doc_id, row.title, row.filename, row.mime, row.source,
                             bool(row.legible), row.created_at), bytes(row.content))

    def sms(self) -> list[tuple[str, str, str]]:
        """The portal's SMS to the learner (sender «DichVuCong»), oldest first:
        (sender, body, at)."""
        rows = self.store.read(sa.select(sms_inbox.c.sender, sms_inbox.c.body, sms_inbox.c.at)
                               .where((sms_inbox.c.learner_id == self.learner_id)
                                      & (sms_inbox.c.sender == dossiers.SMS_SENDER))
                               .order_by(sms_inbox.c.seq))
        return [(str(r.sender), str(r.body), str(r.at)) for r in rows]

    def updates(self) -> tuple[int | None, int]:
        """What a page's poller watches (``bakhong.widgets.live``): the learner's newest SMS
        and the number of their dossiers' events. An official's step that is due is played
        first (the simulated officials act when a dossier is looked at,
        :func:`.dossiers.advance`), so a status arrives without a tap on «Làm mới»."""
        newest_sms = sa.select(sa.func.max(sms_inbox.c.seq)).where(
            sms_inbox.c.learner_id == self.learner_id).scalar_subquery()
        events = sa.select(sa.func.count(dossier_events.c.seq)).where(
            dossier_events.c.learner_id == self.learner_id).scalar_subquery()
        due = sa.select(sa.func.min(dossier_table.c.next_action_at)).where(
            (dossier_table.c.learner_id == self.learner_id)
            & dossier_table.c.next_action_at.is_not(None)).scalar_subquery()
        row: Any = self.store.read(sa.select(newest_sms, events, due))[0]
        sms, count, next_at = row
        if next_at is not None and datetime.fromisoformat(next_at) <= self.clock.now():
            try:
                self.my_dossiers()  # plays the step
            except SandboxError:  # no consent any more (forgotten): nothing new to show
                pass
            else:
                row = self.store.read(sa.select(newest_sms, events))[0]
                sms, count = row
        return (None if sms is None else int(sms), int(count or 0))

    def newest_signed(self, form_doc: str) -> str | None:
        """The newest signed copy of the form ``form_doc`` in the learner's store (signed in
        the signing app after the form was made), or None."""
        form, _content = self.document(form_doc)
        rows = self.store.read(
            sa.select(documents.c.doc_id)
            .where((documents.c.learner_id == self.learner_id)
                   & (documents.c.source == "signed")
                   & (documents.c.filename == form.filename.replace(".pdf", "-da-ky.pdf"))
                   & (documents.c.created_at >= form.created_at))
            .order_by(documents.c.created_at.desc(), documents.c.doc_id))
        return str(rows[0].doc_id) if rows else None

    def upload(self, filename: str, content: bytes, title: str = "") -> str:
        """A file from the phone (photo or PDF), checked by its content, into the store."""
        from . import attachments as docs

        def act(conn: Connection, state: dict[str, Any]) -> str:
            info = docs.check_attachment(filename, content)
            name = unicodedata.normalize("NFC", " ".join(filename.split()))[:120] or "tep-tai-len"
            return self._store_document(conn, title or name, name, info.mime, content,
                                        "citizen")
        return self._act("upload", act, size=len(content))

    def download(self, doc_id: str) -> tuple[str, str, bytes]:
        """(filename, mime, content); a result of the newborn bundle counts for the lesson."""
        def act(conn: Connection, state: dict[str, Any]) -> tuple[str, str, bytes]:
            row = self._own_document(conn, doc_id)
            roles = conn.execute(sa.select(dossier_files.c.role,
                                           dossier_files.c.dossier_code)
                                 .where(dossier_files.c.doc_id == doc_id)).first()
            if roles is not None and roles.role == "result":
                d = dossiers.load(conn, roles.dossier_code)
                if self._graded(d.procedure):
                    record(conn, self.clock, self.learner_id, self.lesson, TASK_RESULT, OK,
                           dossier=d.code, document=row.title)
            return row.filename, row.mime, bytes(row.content)
        return self._act("download", act, document=doc_id)

    # -- signing in ----------------------------------------------------------------------

    def status(self) -> PortalStatus:
        def read(conn: Connection, state: dict[str, Any]) -> PortalStatus:
            logged = bool(state.get("logged_in")) and (
                self.clock.now() - datetime.fromisoformat(state["session_at"]) <= SESSION_IDLE)
            drafts = {code: int(d["step"]) for code, d in state.get("drafts", {}).items()}
            return PortalStatus(logged, int(state.get("level", 0)), self.persona.full_name,
                                drafts)
        return self._read(read)

    def login(self, id_number: str, password: str) -> PortalStatus:
        """«Đăng nhập bằng tài khoản định danh điện tử»: the VNeID account, nothing else."""
        def act(conn: Connection, state: dict[str, Any]) -> None:
            level = vneid.sso_level(conn, self.learner_id, id_number, password)
            state.update(logged_in=True, level=level, session_at=self.clock.now().isoformat())
        self._act(TASK_LOGIN, act)
        return self.status()

    def logout(self) -> PortalStatus:
        def act(conn: Connection, state: dict[str, Any]) -> None:
            state["logged_in"] = False
        self._act("logout", act)
        return self.status()

    # -- the form ------------------------------------------------------------------------

    def _prefill(self, conn: Connection, state: dict[str, Any],
                 procedure: Procedure) -> dict[str, str]:
        people = self._people(conn, state)
        head = next((p for p in registry.household_members(conn, self.persona.household_id)
                     if p.relation == "Chủ hộ"), self.persona)
        values: dict[str, str] = {}
        for spec in procedure.fields:
            if spec.source is None:
                continue
            who, _, what = spec.path.partition(".")
            if who == "household":
                values[spec.key] = head.full_name if what == "head" else self.persona.address
                continue
            person = people[who]
            values[spec.key] = {
                "full_name": person.full_name, "id_number": person.id_number,
                "phone": person.phone, "ethnicity": registry.ETHNICITY,
                "nationality": registry.NATIONALITY,
                "birth_date": f"{date.fromisoformat(person.birth_date):%d/%m/%Y}",
            }[what]
        return values

    def _fees(self, procedure: Procedure, values: dict[str, str]) -> list[tuple[str, int]]:
        items = []
        for fee in procedure.fees:
            count = int(values.get(fee.per_copy_field, "0") or 0) if fee.per_copy_field else 1
            if count:
                items.append((fee.title, fee.amount * count))
        return items

    def _draft(self, conn: Connection, state: dict[str, Any], code: str) -> Draft:
        procedure = procedures.by_code(code)
        raw = state["drafts"][code]
        prefilled = self._prefill(conn, state, procedure)
        values = {**prefilled, **raw["values"]}
        return Draft(procedure, int(raw["step"]), values, prefilled, tuple(raw["retyped"]),
                     dict(raw["corrected"]), dict(raw["files"]),
                     tuple(self._fees(procedure, values)))

    def start(self, code: str) -> Draft:
        """«Nộp hồ sơ trực tuyến»: a new form, or the one left unfinished."""
        def act(conn: Connection, state: dict[str, Any]) -> Draft:
            procedure = procedures.by_code(code)
            if int(state.get("level", 0)) < procedure.level:
                raise vneid.LevelTooLow(code, level=procedure.level)
            state.setdefault("drafts", {})
            if code not in state["drafts"]:
                state["drafts"][code] = {
                    "request_id": f"{self.rng.getrandbits(128):032x}", "step": 0,
                    "values": {}, "retyped": [], "corrected": {}, "files": {}}
            return self._draft(conn, state, code)
        return self._act("start", act, procedure=code)

    def draft(self, code: str) -> Draft | None:
        def read(conn: Connection, state: dict[str, Any]) -> Draft | None:
            if code not in state.get("drafts", {}):
                return None
            return self._draft(conn, state, code)
        return self._read(read)

    def save_step(self, code: str, step: int, values: dict[str, str],
                  opened: set[str] | frozenset[str] = frozenset()) -> Draft:
        """«Tiếp tục»: check one step's fields and move on.

        ``values`` holds what the screen shows for the step's fields; ``opened`` names the
        prefilled fields the learner opened to change. Widget values are untrusted: every
        value is checked again here.
        """
        def act(conn: Connection, state: dict[str, Any]) -> Draft:
            raw = self._raw_draft(state, code)
            procedure = procedures.by_code(code)
            if step != int(raw["step"]) or step >= len(procedure.steps):
                raise WrongStep(f"step {step} at {raw['step']}")
            prefilled = self._prefill(conn, state, procedure)
            today = self.clock.now().astimezone(VN_TZ).date()
            errors: dict[str, str] = {}
            checked: dict[str, str] = {}
            for spec in procedure.steps[step].fields:
                given = values.get(spec.key, prefilled.get(spec.key, ""))
                try:
                    checked[spec.key] = check_value(spec, given, today)
                except ValueError as err:
                    errors[spec.key] = str(err)
                except SandboxError as err:
                    errors[spec.key] = err.message
            if errors:
                raise InvalidForm(errors)
            for key, value in checked.items():
                if key not in prefilled:
                    continue
                if value == prefilled[key]:
                    if key in opened and key not in raw["retyped"]:
                        raw["retyped"].append(key)
                    raw["corrected"].pop(key, None)
                else:
                    raw["corrected"][key] = prefilled[key]
                    if key in raw["retyped"]:
                        raw["retyped"].remove(key)
            raw["values"].update({k: v for k, v in checked.items()
                                  if k not in prefilled or v != prefilled[k]})
            for key in list(raw["values"]):
                if key in prefilled and checked.get(key) == prefilled[key]:
                    del raw["values"][key]
            raw["step"] = step + 1
            return self._draft(conn, state, code)
        return self._act("form_step", act, procedure=code, step=step,
                         opened=sorted(opened))

    def back(self, code: str) -> Draft:
        def act(conn: Connection, state: dict[str, Any]) -> Draft:
            raw = self._raw_draft(state, code)
            raw["step"] = max(0, int(raw["step"]) - 1)
            return self._draft(conn, state, code)
        return self._act("form_back", act, procedure=code)

    def _raw_draft(self, state: dict[str, Any], code: str) -> dict[str, Any]:
        draft: dict[str, Any] | None = state.get("drafts", {}).get(code)
        if draft is None:
            raise WrongStep(f"no draft for {code}")
        return draft

    def attach(self, code: str, key: str, doc_id: str) -> Draft:
        """Attach a document of the store (an uploaded file is in the store first)."""
        def act(conn: Connection, state: dict[str, Any]) -> Draft:
            raw = self._raw_draft(state, code)
            procedure = procedures.by_code(code)
            if key not in {a.key for a in procedure.attachments}:
                raise WrongStep(f"no attachment {key} in {code}")
            self._own_document(conn, doc_id)
            raw["files"][key] = doc_id
            return self._draft(conn, state, code)
        return self._act("attach", act, procedure=code, attachment=key)

    # -- submitting ----------------------------------------------------------------------

    def submit(self, code: str) -> Dossier:
        """«Nộp hồ sơ»: once per form; a retry after a dropped connection finds the dossier."""
        def act(conn: Connection, state: dict[str, Any]) -> Dossier:
            raw = self._raw_draft(state, code)
            existing = conn.execute(sa.select(dossier_table.c.dossier_code).where(
                dossier_table.c.request_id == raw["request_id"])).first()
            if existing is not None:  # the first try got through before the connection dropped
                del state["drafts"][code]
                return self._submitted(conn, self._advance(conn, existing[0]))
            procedure = procedures.by_code(code)
            if int(raw["step"]) < len(procedure.steps):
                raise FormIncomplete()
            for attachment in procedure.attachments:
                if attachment.required and attachment.key not in raw["files"]:
                    raise MissingAttachment(attachment.key, title=attachment.title)
            draft = self._draft(conn, state, code)
            now = self.clock.now()
            number = dossiers.new_code(conn, dossiers.unit_of(self._commune_code(conn)), now)
            plan: dict[str, Any] = {"retyped": sorted(raw["retyped"]),
                                    "corrected": sorted(raw["corrected"])}
            if faults.fire(conn, self.learner_id, "portal.refused"):
                plan["refuse"] = N_("Thông tin người yêu cầu không khớp với giấy tờ kèm theo.")
            certificate = raw["files"].get("birth_certificate")
            paper = self._own_document(conn, certificate) if certificate else None
            if paper is not None and not paper.legible:
                plan.update(supplement="due", supplement_reason=BLURRED_REASON)
            elif paper is not None and paper.source in ISSUED_BY_AUTHORITIES:
                plan.update(supplement="due", supplement_reason=NOT_A_CERTIFICATE)
            elif faults.fire(conn, self.learner_id, "portal.supplement"):
                plan.update(supplement="due", supplement_reason=N_(
                    "Bổ sung bản chụp rõ nét giấy tờ đã kèm theo."))
            dossiers.create(conn, code=number, learner_id=self.learner_id, procedure=code,
                            request_id=raw["request_id"], form=draft.values, plan=plan,
                            fee_items=list(draft.fee_items), at=now)
            new = dossiers.load(conn, number)
            for key, doc_id in raw["files"].items():
                dossiers.attach(conn, new, doc_id, key, now)
            if faults.fire(conn, self.learner_id, "portal.network_drop"):
                raise ConnectionLost(number)  # saved: the retry finds it by the request id
            del state["drafts"][code]
            return self._submitted(conn, new)
        return self._act(self.file_task, act, procedure=code)

    def _submitted(self, conn: Connection, d: Dossier) -> Dossier:
        """The evidence of a filed dossier, with what was retyped or corrected in its form."""
        record(conn, self.clock, self.learner_id, self.lesson, TASK_SUBMIT, OK,
               procedure=d.procedure, dossier=d.code, retyped=d.plan.get("retyped", []),
               corrected=d.plan.get("corrected", []))
        return d

    def _commune_code(self, conn: Connection) -> str | None:
        row = conn.execute(sa.select(learners.c.commune_code).where(
            learners.c.learner_id == self.learner_id)).first()
        return None if row is None or row[0] is None else str(row[0])

    # -- dossiers ------------------------------------------------------------------------

    def hooks(self) -> dossiers.Hooks:
        """What the officials call back into: result papers, refunds (for ``official_action``)."""
        return dossiers.Hooks(results=self._results, refund=self._refund)

    def _advance(self, conn: Connection, code: str) -> Dossier:
        d = dossiers.advance(conn, self.clock, code, self.hooks())
        if d.status == 5 and d.plan.get("supplement_reason") in (BLURRED_REASON,
                                                                 NOT_A_CERTIFICATE) \
                and not d.plan.get("hospital_copy"):
            self._hospital_copy(conn, d)
            d = dossiers.load(conn, code)
        return d

    def _hospital_copy(self, conn: Connection, d: Dossier) -> None:
        """Asked for a clear copy, the health facility sends its electronic one to the store."""
        from . import civil_papers

        state = self._load(conn)
        mother = self._people(conn, state)["mother"]
        content = civil_papers.birth_certificate(
            **newborn.certificate_args(state["scenario"], mother), legible=True)
        self._store_document(conn, N_("Giấy chứng sinh (bản điện tử của cơ sở y tế)"),
                             "giay-chung-sinh.pdf", "application/pdf", content, "hospital")
        dossiers._update(conn, d.code, plan={**d.plan, "hospital_copy": True})

    def my_dossiers(self) -> list[Dossier]:
        """«Hồ sơ của tôi»: newest first, each as it stands now."""
        def read(conn: Connection, state: dict[str, Any]) -> list[Dossier]:
            return [self._advance(conn, code) for code in self._dossier_codes(conn, state)]
        return self._read(read)

    def _dossier_codes(self, conn: Connection, state: dict[str, Any]) -> list[str]:
        """The codes «Hồ sơ của tôi» lists, newest first: all the learner's here."""
        return list(dossiers.codes_of(conn, self.learner_id))

    def _graded(self, procedure: str) -> bool:
        """Whether a dossier of ``procedure`` earns the lesson's tasks: the newborn bundle."""
        return procedure == NEWBORN_BUNDLE

    def dossier(self, code: str) -> Dossier:
        def read(conn: Connection, state: dict[str, Any]) -> Dossier:
            d = self._advance(conn, code)
            if d.learner_id != self.learner_id:
                raise dossiers.UnknownDossier(code)
            return d
        return self._read(read)

    def _mine(self, conn: Connection, code: str) -> Dossier:
        d = self._advance(conn, code)
        if d.learner_id != self.learner_id:
            raise dossiers.UnknownDossier(code)
        return d

    def answer_supplement(self, code: str, doc_id: str) -> Dossier:
        """«Gửi bổ sung»: the document asked for, from the store."""
        def act(conn: Connection, state: dict[str, Any]) -> Dossier:
            d = self._mine(conn, code)
            paper = self._own_document(conn, doc_id)
            if not paper.legible:
                raise StillIllegible()
            if paper.source in ISSUED_BY_AUTHORITIES:
                raise WrongDocument(doc_id)
            dossiers.answer_supplement(conn, d, doc_id, "supplement", self.clock.now())
            if self._graded(d.procedure):
                record(conn, self.clock, self.learner_id, self.lesson, TASK_SUPPLEMENT, OK,
                       dossier=code)
            return dossiers.load(conn, code)
        return self._act("supplement", act, dossier=code)

    # -- fees ----------------------------------------------------------------------------

    def payment_order(self, code: str) -> PaymentOrder:
        """«Thanh toán trực tuyến»: the fee's dynamic VietQR code and transfer details."""
        def act(conn: Connection, state: dict[str, Any]) -> PaymentOrder:
            d = self._mine(conn, code)
            if d.fee is None:
                raise NoFee(code)
            if d.fee.state == "paid":
                raise AlreadyPaid(code)
            if d.fee.state in ("cancelled", "refunded"):
                raise dossiers.NotAllowedNow(code, status=dossiers.STATUS[d.status])
            dossiers.set_fee(conn, d.fee.fee_id, "waiting", at=self.clock.now())
            payee = bank.PORTAL
            payload = vietqr.build(bin=payee.bin, account=payee.number, amount=d.fee.amount,
                                   bill_number=d.fee.fee_id, purpose=d.fee.fee_id)
            return PaymentOrder(d.fee.fee_id, d.fee.amount, d.fee.items, payload,
                                bank.bank_name(payee.bin), payee.number, payee.holder,
                                d.fee.fee_id)
        return self._act("payment_order", act, dossier=code)

    def confirm_payment(self, code: str) -> Dossier:
        """«Kiểm tra kết quả thanh toán»: the bank's answer for the fee, and the receipt."""
        from . import civil_papers

        def act(conn: Connection, state: dict[str, Any]) -> Dossier:
            d = self._mine(conn, code)
            if d.fee is None:
                raise NoFee(code)
            if d.fee.state == "paid":
                return d
            paid = bank.find_payment(conn, self.learner_id, bank.PORTAL, d.fee.fee_id,
                                     d.fee.amount)
            if paid is None:
                raise PaymentNotFound(code, fee_id=d.fee.fee_id,
                                      amount=bank.money(d.fee.amount))
            if paid.status != "done":
                raise PaymentPending(code)
            if faults.fire(conn, self.learner_id, "portal.payment_left"):
                raise LeftBeforeResult(code)
            now = self.clock.now()
            dossiers.set_fee(conn, d.fee.fee_id, "paid", at=now, txn_ref=paid.txn_ref)
            receipt = civil_papers.fee_receipt(
                fee_id=d.fee.fee_id, dossier_code=d.code, payer=self.persona.full_name,
                items=list(d.fee.items), amount=d.fee.amount, reference=paid.txn_ref,
                paid_at=datetime.fromisoformat(paid.completed_at or paid.created_at))
            doc_id = self._store_document(conn, N_("Biên lai thu phí, lệ phí"),
                                          f"bien-lai-{d.fee.fee_id}.pdf", "application/pdf",
                                          receipt, "portal")
            dossiers.attach(conn, d, doc_id, "receipt", now)
            dossiers.fee_paid(conn, dossiers.load(conn, code), now)
            if self._graded(d.procedure):
                record(conn, self.clock, self.learner_id, self.lesson, TASK_FEE, OK, dossier=code,
                       amount=d.fee.amount, reference=paid.txn_ref)
            return dossiers.load(conn, code)
        return self._act("confirm_payment", act, dossier=code)

    # -- what the officials give back ----------------------------------------------------

    def _results(self, conn: Connection, d: Dossier, at: datetime) -> list[str]:
        """The papers the officials give back, into the learner's store."""
        people = self._people(conn, self._load(conn))
        made = newborn.result_papers(d, people, self.persona, self.rng, at)
        return [self._store_document(conn, title, filename, "application/pdf", content,
                                     "authority") for title, filename, content in made]

    def _refund(self, conn: Connection, d: Dossier, at: datetime) -> None:
        if d.fee is not None and d.fee.txn_ref:
            bank.refund(conn, self.learner_id, d.fee.txn_ref, at)


    # -- a form to sign (the signing app signs it, the form attaches the signed copy) ----------

    def form_pdf(self, code: str) -> str:
        """The draft of ``code`` printed as a one-page PDF into the store, to be signed.

        Its source is ``"portal-form"``: the signing lesson counts a form signed only then.
        Returns the new document's id; a draft not yet at review is refused.
        """
        from . import civil_papers

        def act(conn: Connection, state: dict[str, Any]) -> str:
            self._raw_draft(state, code)
            draft = self._draft(conn, state, code)
            if not draft.at_review:
                raise FormIncomplete()
            rows = [(spec.label, draft.values.get(spec.key, "") or "—")
                    for spec in draft.procedure.fields]
            content = civil_papers.simple_paper(
                title="TỜ KHAI", agency=("CỔNG DỊCH VỤ CÔNG (MÔ PHỎNG)",),
                under_title=draft.procedure.title, rows=rows, issued=self.clock.now(),
                right=("Người kê khai", "(ký số)"))
            return self._store_document(conn, N_("Tờ khai (để ký số)"), f"to-khai-{code}.pdf",
                                        "application/pdf", content, "portal-form")
        return self._act("form_pdf", act, procedure=code)
