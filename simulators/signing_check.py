"""The signing check («Tự làm»): sign another document with one's own certificate, and tell a
good signature from a bad one.

The same signing app as lesson 4 (:class:`~.signing.SigningSimulator`), in check mode
(:class:`~.checks.CheckFlow`), with a scenario drawn from the learner, the check and the
attempt: in «Kho dữ liệu» this time are two unsigned papers, the one to sign (another
paper than the practice's form: an authorisation, a tenancy contract, an application) and
one like it that is not to be signed; and two papers received signed, one whose signature
is good and one that is bad, either **altered after it was signed** (``modified``) or
**signed by someone else** with a certificate the sandbox CA never issued (``untrusted``:
a look-alike name from a look-alike CA). Which is which is not said: the resident checks
each signature and says whether they trust the paper. Only the first answer for each
paper counts (answering both ways until one is right would prove nothing); every wrong
answer, wrong paper signed and refusal is in the review after «Nộp bài».

**The certificate is the one the resident already has.** A personal certificate is issued
once and serves every signature until it expires (the sandbox's: a year, :mod:`.pki`); a
resident does not enrol again to sign a second paper. So a resident who enrolled in the
practice meets the check's app on their certificate and signs with the PIN they set
there; the check does not make them buy another. A resident who never enrolled (the
practice skipped, or its enrolment left unfinished) meets the enrolment first, with no
help, as a resident without a certificate would. Either way the graded task
``certificate`` is earned by the resident's own act in the check: the certificate issued
(``enrol``) or a signature confirmed with its PIN. The PIN's failed tries and a
re-activation are the check app's own (the practice's counters stay as they were). One
certificate a learner, whichever app issued it (``SigningSimulator._adopt``): the practice
opened after a certificate enrolled in the check shows it with the check's PIN (its own
enrolment tasks then wait for the trainer's reset of the practice, which retires the
certificate); the check retaken after the trainer's reset, when its previous attempt
enrolled, opens at «Kích hoạt lại tài khoản» (an SMS code and a new PIN: how the real apps
give a PIN back).

>>> from datetime import datetime
>>> from bakhong.simulators.clock import FixedClock, VN_TZ
>>> from bakhong.simulators.sandbox import Sandbox
>>> from bakhong.simulators.learners import record_consent
>>> clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=VN_TZ))
>>> box = Sandbox.open("sqlite://", clock=clock, seed="signing-check-doctest")
>>> _ = box.add_learners([("hv001", "Lê Thị Hoa", "Xã Thọ Long")])
>>> record_consent(box.store, clock, "hv001")
>>> check = box.signing_check("hv001")
>>> scenario = check.scenario()
>>> scenario == box.signing_check("hv001").scenario()  # drawn from the learner, every time
True
>>> scenario["bad_kind"] in BAD_KINDS, scenario["sign_title"] != scenario["decoy_title"]
(True, True)
>>> check.status().step.value  # no certificate yet: the enrolment first
'intro'
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Connection

from . import civil_papers, idnumber, pades, pki, signing
from .checks import SIGNING_CHECK, CheckFlow, Goal
from .clock import Clock
from .errors import N_
from .evidence import OK, Event, record
from .store import Store

__all__ = ["BAD_KINDS", "LESSON", "TASKS", "SigningCheckSimulator", "completed_tasks"]

LESSON = SIGNING_CHECK.lesson
TASK_CERTIFICATE, TASK_SIGN_DOC, TASK_TRUST_VALID, TASK_SPOT_BAD = SIGNING_CHECK.tasks
TASKS = SIGNING_CHECK.tasks
#: How the bad paper is bad: altered after signing, or signed with a look-alike certificate.
BAD_KINDS = ("modified", "untrusted")
#: X.509's upper bound on a common name (RFC 5280, ub-common-name), in UTF-8 bytes as the
#: ``cryptography`` library counts it.
CN_BYTES = 64
#: The outcomes the check records for a wrong paper signed and a wrong answer.
WRONG_DOCUMENT = "sign.wrong_document"
TRUSTED_BAD = "sign.trusted_bad"
DISTRUSTED_VALID = "sign.distrusted_valid"


# -- the papers a check may draw ----------------------------------------------------------------

def _authorisation(name: str, commune: str) -> tuple[str, list[tuple[str, str]]]:
    return "GIẤY ỦY QUYỀN", [
        ("Bên ủy quyền", name), ("Bên được ủy quyền", "Lê Văn Toàn (em trai, mô phỏng)"),
        ("Nội dung", f"Nhận kết quả hồ sơ tại Bộ phận một cửa {commune}"),
        ("Thời hạn", "Từ ngày ký đến hết tháng")]


def _tenancy(name: str, commune: str) -> tuple[str, list[tuple[str, str]]]:
    return "HỢP ĐỒNG THUÊ NHÀ", [
        ("Bên cho thuê", "Đỗ Thị Xuân (mô phỏng)"), ("Bên thuê", name),
        ("Nhà cho thuê", f"Nhà cấp 4, thôn Đông, {commune}"),
        ("Giá thuê", "1.500.000 đồng/tháng"), ("Thời hạn", "12 tháng kể từ ngày ký")]


def _application(name: str, commune: str) -> tuple[str, list[tuple[str, str]]]:
    return "ĐƠN ĐỀ NGHỊ", [
        ("Kính gửi", f"UBND {commune}"), ("Người đề nghị", name),
        ("Nội dung", "Cấp bản sao trích lục khai sinh cho con"), ("Số lượng", "02 bản")]


#: The papers to sign: (title in «Kho dữ liệu», file name, its content).
TO_SIGN = (
    (N_("Giấy ủy quyền nhận kết quả hồ sơ"), "giay-uy-quyen.pdf", _authorisation),
    (N_("Hợp đồng thuê nhà"), "hop-dong-thue-nha.pdf", _tenancy),
    (N_("Đơn đề nghị cấp bản sao trích lục khai sinh"), "don-de-nghi-trich-luc.pdf",
     _application),
)
#: The papers received signed: (title, file name, heading, who signs, the rows).
RECEIVED = (
    (N_("Giấy hẹn trả kết quả của Bộ phận một cửa"), "giay-hen.pdf", "GIẤY HẸN TRẢ KẾT QUẢ",
     "UBND {commune}", [("Hồ sơ", "Đăng ký khai sinh"), ("Ngày hẹn trả", "Thứ Sáu tuần này"),
                        ("Nơi trả", "Bộ phận một cửa")]),
    (N_("Thông báo họp phụ huynh của trường tiểu học"), "thong-bao-hop.pdf", "THÔNG BÁO",
     "Trường Tiểu học {commune}", [("Nội dung", "Họp phụ huynh đầu học kỳ"),
                                   ("Thời gian", "8 giờ sáng Chủ nhật"),
                                   ("Đóng góp", "100.000 đồng mỗi học sinh")]),
    (N_("Hợp đồng mua lúa giống (nhận qua Zalo)"), "hop-dong-lua-giong.pdf",
     "HỢP ĐỒNG MUA BÁN", "HTX Nông nghiệp {commune}",
     [("Hàng hóa", "Lúa giống, 50 kg"), ("Số tiền", "2.000.000 đồng (hai triệu đồng)"),
      ("Giao hàng", "Trong 7 ngày kể từ ngày ký")]),
)


def signer_name(name: str) -> str:
    """The name in a signer's certificate: at most 64 bytes of UTF-8 (X.509's bound on a
    common name, which Vietnamese letters fill fast), «(mô phỏng)» added when it fits.

    >>> signer_name("UBND Xã Thọ Long")
    'UBND Xã Thọ Long (mô phỏng)'
    >>> signer_name("Hợp tác xã Nông nghiệp Phường Hạc Thành")  # 66 bytes with the mark
    'Hợp tác xã Nông nghiệp Phường Hạc Thành'
    >>> len(signer_name("Trường Tiểu học " + "Phường Rất Dài " * 4).encode()) <= CN_BYTES
    True
    """
    for candidate in (f"{name} (mô phỏng)", name):
        if len(candidate.encode()) <= CN_BYTES:
            return candidate
    while len(name.encode()) > CN_BYTES:
        name = name[:-1]
    return name.rstrip()


def draw_scenario(rng: random.Random) -> dict[str, Any]:
    """What the check asks, as indexes into :data:`TO_SIGN` and :data:`RECEIVED`.

    >>> from bakhong.simulators.checks import _seed
    >>> draw_scenario(_seed("x")) == draw_scenario(_seed("x"))
    True
    """
    sign, decoy = rng.sample(range(len(TO_SIGN)), 2)
    valid, bad = rng.sample(range(len(RECEIVED)), 2)
    return {"sign_index": sign, "decoy_index": decoy, "valid_index": valid, "bad_index": bad,
            "bad_kind": rng.choice(BAD_KINDS), "sign_title": TO_SIGN[sign][0],
            "decoy_title": TO_SIGN[decoy][0], "valid_title": RECEIVED[valid][0],
            "bad_title": RECEIVED[bad][0]}


def _altered(signed: bytes) -> bytes:
    """The signed paper with its content changed afterwards (as the practice alters its)."""
    altered = signed.replace(b"2.000.000", b"9.000.000", 1)
    if altered == signed:  # the figure is in a compressed stream: change a byte instead
        middle = len(signed) // 3
        altered = signed[:middle] + bytes([signed[middle] ^ 1]) + signed[middle + 1:]
    return altered


def completed_tasks(events: Iterable[Event], lesson: str = LESSON) -> set[str]:
    """The check's tasks done, as its hidden tests judge them (``lesson``: the check's).

    ``certificate``: the certificate issued in the check, or a signature confirmed with its
    PIN; ``sign_doc``: the paper the goal names signed; ``trust_valid`` and ``spot_bad``:
    the first answer given for the good paper and for the bad one was right.

    >>> judged = [Event(LESSON, "judge", OK, "", {"document": "D1", "kind": "bad",
    ...                                          "verdict": "modified", "trusted": True}),
    ...           Event(LESSON, "judge", OK, "", {"document": "D1", "kind": "bad",
    ...                                          "verdict": "modified", "trusted": False})]
    >>> completed_tasks(judged)  # the first answer counts
    set()
    >>> sorted(completed_tasks([Event(LESSON, "sign_confirm", OK, "", {}),
    ...                         Event(LESSON, TASK_SIGN_DOC, OK, "", {})]))
    ['certificate', 'sign_doc']
    """
    done: set[str] = set()
    answered: set[str] = set()
    for event in events:
        if event.lesson != lesson or event.outcome != OK:
            continue
        if event.task in (signing.TASK_ENROL, "sign_confirm"):
            done.add(TASK_CERTIFICATE)
        elif event.task == TASK_SIGN_DOC:
            done.add(TASK_SIGN_DOC)
        elif event.task == "judge" and event.detail.get("document") not in answered:
            answered.add(str(event.detail.get("document")))
            kind, trusted = event.detail.get("kind"), event.detail.get("trusted")
            valid = event.detail.get("verdict") == "valid"
            if kind == "valid" and valid and trusted is True:
                done.add(TASK_TRUST_VALID)
            elif kind == "bad" and not valid and trusted is False:
                done.add(TASK_SPOT_BAD)
    return done


class SigningCheckSimulator(CheckFlow, signing.SigningSimulator):
    """The signing app in check mode: the drawn papers, the learner's own certificate."""

    check = SIGNING_CHECK
    flow = SIGNING_CHECK.flow
    lesson = SIGNING_CHECK.lesson
    pin_source = signing.FLOW  # the certificate of the practice opens with its PIN

    def __init__(self, store: Store, clock: Clock, rng: random.Random, learner_id: str,
                 workshop: str) -> None:
        super().__init__(store, clock, rng, learner_id)
        self.workshop = workshop

    # -- the scenario ------------------------------------------------------------------------

    def _ensure_scenario(self, conn: Connection, state: dict[str, Any]) -> None:
        if "scenario" in state:
            return
        draw = self._draw()
        drawn = draw_scenario(draw)
        now = self.clock.now()
        p = self.persona
        commune = p.commune_name
        made: dict[str, str] = {}
        for role in ("sign", "decoy"):
            title, filename, content = TO_SIGN[drawn[f"{role}_index"]]
            heading, rows = content(p.full_name, commune)
            paper = civil_papers.simple_paper(
                title=heading, agency=("GIẤY TỜ CÁ NHÂN (MÔ PHỎNG)",), rows=rows,
                issued=now, left=("", ""), right=("Người ký", "(ký số)"))
            made[role] = self._store(conn, title, filename, paper, "check-paper",
                                     f"D{draw.getrandbits(64):016x}")
        authority = self._pki(conn)
        for role in ("valid", "bad"):
            title, filename, heading, signer, rows = RECEIVED[drawn[f"{role}_index"]]
            name = signer.format(commune=commune)
            paper = civil_papers.simple_paper(
                title=heading, agency=(name.upper(),), rows=rows,
                issued=now - timedelta(days=2), right=("", "(ký số – mô phỏng)"))
            issuer = authority
            if role == "bad" and drawn["bad_kind"] == "untrusted":  # a look-alike CA's
                issuer = pki.SandboxPKI.create("gia-mao", now=now - timedelta(days=30),
                                               rng=self.rng)
            who = issuer.issue(full_name=signer_name(name),
                               id_number=idnumber.make_sandbox_number(
                                   "nam", 1975, self.rng.randrange(10**6)),
                               province=p.province_name, now=now - timedelta(days=30),
                               rng=self.rng)
            signed = pades.sign_pdf(paper, key=who.key, cert=who.certificate,
                                    chain=issuer.chain, when=now - timedelta(days=2),
                                    box=signing.POSITIONS["bottom"], reason="Ký số")
            if role == "bad" and drawn["bad_kind"] == "modified":
                signed = _altered(signed)
            made[role] = self._store(conn, title, filename, signed, "check-received",
                                     f"D{draw.getrandbits(64):016x}")
        state["scenario"] = {**drawn, **{f"{role}_doc": doc for role, doc in made.items()}}

    def scenario(self) -> dict[str, Any]:
        """The drawn papers: their titles, which is bad and how, their ids in the store."""
        return dict(self._current()["scenario"])

    def goal(self) -> Goal:
        scenario = self.scenario()
        received = sorted((scenario["valid_title"], scenario["bad_title"]))  # says not which
        return Goal(N_("Ký số «{sign}» bằng chứng thư số của bạn. Rồi kiểm tra chữ ký của «{a}» "
                       "và «{b}», và cho biết bạn có tin từng văn bản không."),
                    {"sign": scenario["sign_title"], "a": received[0], "b": received[1]})

    def pdfs(self) -> list[tuple[str, str, str]]:
        """This attempt's papers and the copies signed in it (the practice's are not asked)."""
        state = self._current()
        scenario = state["scenario"]
        mine = {scenario[f"{role}_doc"] for role in ("sign", "decoy", "valid", "bad")}
        mine |= {t["signed_doc"] for t in state["transactions"] if t.get("signed_doc")}
        return [found for found in super().pdfs() if found[0] in mine]

    # -- the evidence --------------------------------------------------------------------------

    def _signed(self, conn: Connection, state: dict[str, Any], row: Any, doc_id: str) -> None:
        scenario = state["scenario"]
        right = row.doc_id == scenario["sign_doc"]
        record(conn, self.clock, self.learner_id, self.lesson, TASK_SIGN_DOC,
               OK if right else WRONG_DOCUMENT, document=str(row.doc_id), signed=doc_id)

    def _judged(self, conn: Connection, state: dict[str, Any], doc_id: str, verdict: str,
                trusted: bool) -> None:
        scenario = state["scenario"]
        kind = "valid" if doc_id == scenario["valid_doc"] else (
            "bad" if doc_id == scenario["bad_doc"] else "other")
        answered = state.setdefault("answered", [])
        first = doc_id not in answered
        if first:
            answered.append(doc_id)
        record(conn, self.clock, self.learner_id, self.lesson, "judge", OK, document=doc_id,
               verdict=verdict, trusted=trusted, kind=kind)
        wrong = (TRUSTED_BAD if trusted and verdict != "valid"
                 else DISTRUSTED_VALID if not trusted and verdict == "valid" else None)
        if first and wrong is not None:
            record(conn, self.clock, self.learner_id, self.lesson, "judge", wrong,
                   document=doc_id, verdict=verdict)
